//! Why an exchange with a mail server stopped: the step, the server's code, and its words,
//! which are shown to the person and never stored (they may name an address).

use serde::Serialize;

use crate::domain::spelling::spelled_enum;

spelled_enum! {
    /// Where an exchange with a mail server stopped.
    pub enum Phase ("mail step") {
        /// Reaching the server and its greeting.
        Connect = "connect",
        /// TLS or STARTTLS, with the certificate checked.
        Secure = "secure",
        /// Logging in.
        Login = "login",
        /// The message itself: sender, recipient, text.
        Send = "send",
        /// Opening the mailbox (IMAP).
        Select = "select",
        /// Reading the mailbox's messages (IMAP).
        Fetch = "fetch",
    }
}

/// Why a message did not leave, or a check did not pass.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Failure {
    /// The step that failed.
    pub phase: Phase,
    /// The server's reply code, when it replied.
    pub code: Option<u16>,
    /// True for a 5xx refusal (trying again as it stands will not help).
    pub permanent: bool,
    /// True when the server's certificate did not verify.
    pub untrusted_certificate: bool,
    /// What the server or the connection said (may name addresses: shown, never stored).
    pub detail: String,
}

impl Failure {
    /// What went wrong, without the server's own words: what the outbox keeps.
    pub fn summary(&self) -> String {
        let code = self.code.map(|c| format!(" ({c})")).unwrap_or_default();
        match self.phase {
            Phase::Connect => format!("the mail server could not be reached{code}"),
            Phase::Secure if self.untrusted_certificate => "the mail server's certificate \
                could not be verified (no authority this machine trusts signed it, it expired, or \
                it is for another name)"
                .to_string(),
            Phase::Secure => {
                format!("the connection could not be secured (certificate or TLS){code}")
            }
            Phase::Login => format!("the mail server refused the login{code}"),
            Phase::Send if self.code.is_none() => {
                "the connection was lost while sending the message".to_string()
            }
            Phase::Send if self.permanent => format!("the mail server refused the message{code}"),
            Phase::Send => format!("the mail server deferred the message{code}"),
            Phase::Select => "the mailbox could not be opened (is its name right?)".to_string(),
            Phase::Fetch => "the connection was lost while reading the mailbox".to_string(),
        }
    }

    /// The summary with the server's words: what the person is shown.
    pub fn explain(&self) -> String {
        format!("{}: {}", self.summary(), self.detail)
    }

    pub(crate) fn said(phase: Phase, detail: &str) -> Failure {
        Failure {
            phase,
            code: None,
            permanent: true,
            untrusted_certificate: false,
            detail: detail.to_string(),
        }
    }
}
