//! Sending over SMTP, step by step so that a failure says where it happened: connecting,
//! securing the connection (TLS from the first byte, or STARTTLS before anything else), logging
//! in, then the message. The server's certificate and name are checked by the system's
//! OpenSSL; `none` is allowed only for a server on this machine (the settings refuse it
//! otherwise).

use std::time::Duration;

use lettre::transport::smtp::authentication::{Credentials, Mechanism};
use lettre::transport::smtp::client::{SmtpConnection, TlsParameters};
use lettre::transport::smtp::extension::ClientId;
use serde::Serialize;

use super::compose::Composed;
use super::login::Login;
use crate::domain::mail::{Outgoing, Security};
use crate::domain::spelling::spelled_enum;

/// How long one exchange with the server may take before the send counts as failed.
const TIMEOUT: Duration = Duration::from_secs(30);

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
        }
    }

    /// The summary with the server's words: what the person is shown.
    pub fn explain(&self) -> String {
        format!("{}: {}", self.summary(), self.detail)
    }

    fn at(phase: Phase, error: &lettre::transport::smtp::Error) -> Failure {
        let code = error.status().map(|c| {
            let digits = format!("{c}");
            digits.parse().unwrap_or(0)
        });
        // lettre says "a TLS error" for a certificate refused in the handshake as well as a
        // server without STARTTLS; either way the connection is not safe to use.
        let phase = if error.is_tls() && phase == Phase::Connect {
            Phase::Secure
        } else {
            phase
        };
        let detail = plain_detail(error);
        Failure {
            phase,
            code,
            permanent: error.is_permanent(),
            untrusted_certificate: phase == Phase::Secure
                && detail.contains("certificate verify failed"),
            detail,
        }
    }

    fn said(phase: Phase, detail: &str) -> Failure {
        Failure {
            phase,
            code: None,
            permanent: true,
            untrusted_certificate: false,
            detail: detail.to_string(),
        }
    }
}

/// lettre's message with the causes it wraps (the certificate's reason is in one of them).
fn plain_detail(error: &lettre::transport::smtp::Error) -> String {
    let mut text = error.to_string();
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        let said = cause.to_string();
        if !text.contains(&said) {
            text.push_str(": ");
            text.push_str(&said);
        }
        source = cause.source();
    }
    text.replace(['\r', '\n'], " ")
}

/// What a check of the outgoing server found working.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Checked {
    /// Each step that worked, in order, in plain words.
    pub steps: Vec<String>,
}

/// Sends `message` through `server`, logged in with `login`.
pub fn send(server: &Outgoing, login: &Login, message: &Composed) -> Result<(), Failure> {
    let mut connection = open(server, login, &mut Vec::new())?;
    // lettre ends the data with CRLF "." CRLF, whose first CRLF ends the message's last line:
    // the bytes go without theirs, so the server keeps exactly `message.bytes`.
    let wire = message
        .bytes
        .strip_suffix(b"\r\n")
        .unwrap_or(&message.bytes);
    let sent = connection
        .send(&message.envelope, wire)
        .map_err(|e| Failure::at(Phase::Send, &e));
    // The message is the server's once it accepted it; a failed goodbye changes nothing.
    let _ = connection.quit();
    sent.map(|_| ())
}

/// Connects, secures and logs in, then says goodbye: what `mail test` reports.
pub fn check(server: &Outgoing, login: &Login) -> Result<Checked, Failure> {
    let mut steps = Vec::new();
    let mut connection = open(server, login, &mut steps)?;
    let _ = connection.quit();
    Ok(Checked { steps })
}

/// A connection that is secured as the settings ask and logged in.
fn open(
    server: &Outgoing,
    login: &Login,
    steps: &mut Vec<String>,
) -> Result<SmtpConnection, Failure> {
    let host = server.server.host.as_str();
    let address = (host, server.server.port);
    let tls = || TlsParameters::new(host.to_string()).map_err(|e| Failure::at(Phase::Secure, &e));
    let hello = ClientId::default();
    let wrapped = match server.server.security {
        Security::Tls => Some(tls()?),
        Security::StartTls | Security::None => None,
    };
    let mut connection =
        SmtpConnection::connect(address, Some(TIMEOUT), &hello, wrapped.as_ref(), None)
            .map_err(|e| Failure::at(Phase::Connect, &e))?;
    steps.push(format!(
        "connected to {host} port {}{}",
        server.server.port,
        if wrapped.is_some() {
            " over TLS, certificate checked"
        } else {
            ""
        }
    ));
    if server.server.security == Security::StartTls {
        if !connection.can_starttls() {
            let _ = connection.quit();
            return Err(Failure::said(
                Phase::Secure,
                "the server does not offer STARTTLS; nothing was sent in clear",
            ));
        }
        connection
            .starttls(&tls()?, &hello)
            .map_err(|e| Failure::at(Phase::Secure, &e))?;
        steps.push("secured with STARTTLS, certificate checked".to_string());
    }
    let (credentials, mechanisms) = match login {
        Login::Password { user, password } => (
            Credentials::new(user.clone(), password.expose().to_string()),
            vec![Mechanism::Plain, Mechanism::Login],
        ),
        Login::Token { user, token } => (
            Credentials::new(user.clone(), token.expose().to_string()),
            vec![Mechanism::Xoauth2],
        ),
    };
    connection
        .auth(&mechanisms, &credentials)
        .map_err(|e| Failure::at(Phase::Login, &e))?;
    steps.push(format!(
        "logged in as {} ({})",
        server.server.user,
        server.server.auth.as_str()
    ));
    Ok(connection)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_the_outbox_keeps_names_the_step_and_code_never_the_servers_words() {
        let refused = Failure {
            phase: Phase::Send,
            code: Some(550),
            permanent: true,
            untrusted_certificate: false,
            detail: "5.1.1 <ana@example.com>: user unknown".into(),
        };
        assert_eq!(
            refused.summary(),
            "the mail server refused the message (550)"
        );
        assert!(!refused.summary().contains("ana@"));
        assert!(refused.explain().contains("user unknown"));
        let dropped = Failure {
            phase: Phase::Send,
            code: None,
            permanent: false,
            untrusted_certificate: false,
            detail: "connection reset".into(),
        };
        assert_eq!(
            dropped.summary(),
            "the connection was lost while sending the message"
        );
    }
}
