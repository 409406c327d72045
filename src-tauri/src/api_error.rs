//! Errors as they cross the IPC boundary: `{code, message}`, the message in plain words.

use privacydesk_core::Error;
use serde::Serialize;

/// An error the UI shows next to what caused it; `code` is stable, `message` is for people.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ApiError {
    /// Machine-readable, e.g. `wrong_passphrase`, `invalid_input`, `locked`.
    pub code: &'static str,
    /// One sentence for the person.
    pub message: String,
}

impl ApiError {
    /// The database is locked: the UI returns to the unlock screen.
    pub fn locked() -> Self {
        ApiError {
            code: "locked",
            message: "The database is locked. Unlock it to go on.".into(),
        }
    }

    /// Something in the shell itself failed.
    pub fn internal(message: impl Into<String>) -> Self {
        ApiError {
            code: "internal",
            message: message.into(),
        }
    }
}

impl From<Error> for ApiError {
    fn from(err: Error) -> Self {
        let message = match &err {
            Error::WrongPassphrase => "Wrong passphrase. Check it and try again.".to_string(),
            _ => {
                let text = err.to_string();
                let mut chars = text.chars();
                chars
                    .next()
                    .map(|c| c.to_uppercase().chain(chars).collect())
                    .unwrap_or(text)
            }
        };
        ApiError {
            code: err.code(),
            message,
        }
    }
}
