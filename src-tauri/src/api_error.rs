//! Errors as they cross the IPC boundary: `{code, message}`, both core's (`Error::code`,
//! `Error::message`), so the window never matches strings and never words a failure itself.

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
        Error::Locked.into()
    }

    /// Something in the shell itself failed.
    pub fn internal(message: impl Into<String>) -> Self {
        Error::internal(message).into()
    }
}

impl From<Error> for ApiError {
    fn from(err: Error) -> Self {
        ApiError {
            code: err.code(),
            message: err.message(),
        }
    }
}
