//! How the desk logs in to a mail server: the account's password, or an OAuth 2.0 access
//! token (XOAUTH2) printed by the command the company configured (as msmtp's `passwordeval`
//! or git's credential helpers). The secret is held zeroized and never printed.

use std::fmt;
use std::process::{Command, Stdio};

use zeroize::Zeroizing;

use crate::domain::mail::{AuthMethod, MailServer};
use crate::domain::spelling::shorten;
use crate::{Error, Result};

/// A password or a token, wiped from memory when dropped and never shown.
#[derive(Clone)]
pub struct Secret(Zeroizing<String>);

impl Secret {
    pub fn new(value: String) -> Secret {
        Secret(Zeroizing::new(value))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(…)")
    }
}

/// What the desk logs in with.
#[derive(Debug, Clone)]
pub enum Login {
    /// The account's user and password (PLAIN or LOGIN, over the protected connection).
    Password { user: String, password: Secret },
    /// The account's user and an access token (XOAUTH2).
    Token { user: String, token: Secret },
}

impl Login {
    /// The login `server` asks for: with `password` for password authentication (refused
    /// when there is none, saying where it is read from), or the token its command prints.
    pub fn for_server(
        server: &MailServer,
        password: Option<Secret>,
        password_from: &str,
    ) -> Result<Login> {
        let user = server.user.clone();
        match server.auth {
            AuthMethod::Password => match password {
                Some(password) if !password.expose().is_empty() => {
                    Ok(Login::Password { user, password })
                }
                _ => Err(Error::Invalid(format!(
                    "no password for {user} on {}: {password_from}",
                    server.host
                ))),
            },
            AuthMethod::XOAuth2 => {
                let command = server.token_command.as_deref().ok_or_else(|| {
                    Error::invalid("xoauth2 needs the command that prints the access token")
                })?;
                Ok(Login::Token {
                    user,
                    token: token_from(command)?,
                })
            }
        }
    }
}

/// Runs the token command (through the shell, as the company wrote it) and takes the first
/// line it prints. A command that fails is named with its exit status and the first line of
/// what it said on standard error.
fn token_from(command: &str) -> Result<Secret> {
    let output = shell(command)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .output()
        .map_err(|e| Error::io(format!("cannot run the token command {command:?}"), e))?;
    let output_stdout = Zeroizing::new(output.stdout);
    if !output.status.success() {
        let said = String::from_utf8_lossy(&output.stderr);
        let said = said.lines().next().unwrap_or("").trim();
        let status = output.status.code().map_or_else(
            || "was stopped by a signal".to_string(),
            |c| format!("ended with status {c}"),
        );
        return Err(Error::Invalid(format!(
            "the token command {status}{}; no token, so nothing was sent",
            if said.is_empty() {
                String::new()
            } else {
                format!(": {}", shorten(said))
            }
        )));
    }
    let text = std::str::from_utf8(&output_stdout)
        .map_err(|_| Error::invalid("the token command printed something that is not text"))?;
    let token = text.lines().next().unwrap_or("").trim();
    if token.is_empty() {
        return Err(Error::invalid(
            "the token command printed no token; nothing was sent",
        ));
    }
    Ok(Secret::new(token.to_string()))
}

#[cfg(unix)]
fn shell(command: &str) -> Command {
    let mut shell = Command::new("/bin/sh");
    shell.arg("-c").arg(command);
    shell
}

#[cfg(not(unix))]
fn shell(command: &str) -> Command {
    let mut shell = Command::new("cmd");
    shell.arg("/C").arg(command);
    shell
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::mail::Security;

    fn server(auth: AuthMethod, token_command: Option<&str>) -> MailServer {
        MailServer {
            host: "smtp.example.com".into(),
            port: 587,
            security: Security::StartTls,
            user: "privacy@example.com".into(),
            auth,
            token_command: token_command.map(str::to_string),
        }
    }

    #[test]
    fn a_password_login_needs_a_password_and_says_where_it_is_read_from() {
        let refused = Login::for_server(&server(AuthMethod::Password, None), None, "set X")
            .expect_err("no password");
        assert!(refused.to_string().contains("set X"), "{refused}");
        let login = Login::for_server(
            &server(AuthMethod::Password, None),
            Some(Secret::new("pw".into())),
            "",
        )
        .expect("a password");
        assert!(!format!("{login:?}").contains("pw\""), "{login:?}");
    }

    #[cfg(unix)]
    #[test]
    fn a_token_is_the_first_line_the_command_prints_and_a_failing_command_is_named() {
        let login = Login::for_server(
            &server(AuthMethod::XOAuth2, Some("printf 'ya29.token\\nmore\\n'")),
            None,
            "",
        )
        .expect("a token");
        match login {
            Login::Token { token, .. } => assert_eq!(token.expose(), "ya29.token"),
            Login::Password { .. } => panic!("a token login"),
        }
        let failed = Login::for_server(
            &server(
                AuthMethod::XOAuth2,
                Some("echo 'refresh token expired' >&2; exit 3"),
            ),
            None,
            "",
        )
        .expect_err("the command fails");
        let text = failed.to_string();
        assert!(
            text.contains("status 3") && text.contains("refresh token expired"),
            "{text}"
        );
        let silent = Login::for_server(&server(AuthMethod::XOAuth2, Some("true")), None, "")
            .expect_err("no token printed");
        assert!(silent.to_string().contains("no token"), "{silent}");
    }
}
