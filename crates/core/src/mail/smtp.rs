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
pub use super::failure::{Failure, Phase};
use super::login::Login;
use crate::domain::mail::{Outgoing, Security};

/// How long one exchange with the server may take before the send counts as failed.
const TIMEOUT: Duration = Duration::from_secs(30);

impl Failure {
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
