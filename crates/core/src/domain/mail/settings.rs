//! The company's mail account as a desk uses it: the server letters leave through (SMTP) and
//! the privacy mailbox requests arrive in (IMAP), each checked as a whole before it is kept.
//!
//! The secret itself (a password) is not part of these settings: it is kept apart, sealed,
//! or read from the environment, and an XOAUTH2 token comes from the command named here.

use serde::{Deserialize, Serialize};

use crate::Error;
use crate::domain::spelling::spelled_enum;
use crate::domain::text::Email;
use crate::domain::toml_text;

spelled_enum! {
    /// How the connection to a mail server is protected.
    pub enum Security ("connection security") {
        /// A plain connection upgraded with STARTTLS before anything is sent (SMTP 587, IMAP 143).
        StartTls = "starttls",
        /// TLS from the first byte (SMTP 465, IMAP 993).
        Tls = "tls",
        /// No encryption: accepted only for a server on this machine (loopback).
        None = "none",
    }
}

spelled_enum! {
    /// How the desk proves itself to a mail server.
    pub enum AuthMethod ("mail authentication") {
        /// The account's password (kept sealed with the desk, or from the environment).
        Password = "password",
        /// An OAuth 2.0 access token (Gmail / Google Workspace, Microsoft 365), printed by a
        /// command the company configures.
        XOAuth2 = "xoauth2",
    }
}

/// Which side of the account a server is: the port it defaults to depends on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Protocol {
    Smtp,
    Imap,
}

impl Protocol {
    /// The well-known port for this protocol under `security`.
    pub fn default_port(self, security: Security) -> u16 {
        match (self, security) {
            (Protocol::Smtp, Security::StartTls) => 587,
            (Protocol::Smtp, Security::Tls) => 465,
            (Protocol::Smtp, Security::None) => 25,
            (Protocol::Imap, Security::Tls) => 993,
            (Protocol::Imap, Security::StartTls | Security::None) => 143,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Protocol::Smtp => "outgoing mail (SMTP)",
            Protocol::Imap => "incoming mail (IMAP)",
        }
    }
}

/// One mail server and how to log in to it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MailServer {
    pub host: String,
    pub port: u16,
    pub security: Security,
    pub user: String,
    pub auth: AuthMethod,
    /// With `xoauth2`: the command whose output is the access token.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token_command: Option<String>,
}

/// Letters leave through this server, from this address.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Outgoing {
    #[serde(flatten)]
    pub server: MailServer,
    pub from: Email,
}

/// Requests are read from this mailbox on this server.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Incoming {
    #[serde(flatten)]
    pub server: MailServer,
    pub mailbox: String,
}

/// A desk's mail settings; either side may be unset (no mail leaves, or none is read).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MailSettings {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outgoing: Option<Outgoing>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub incoming: Option<Incoming>,
}

/// What a person changes of one server's settings; `None` keeps what is there.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ServerChange {
    pub host: Option<String>,
    pub port: Option<u16>,
    pub security: Option<Security>,
    pub user: Option<String>,
    pub auth: Option<AuthMethod>,
    pub token_command: Option<String>,
    /// The sender address (outgoing) or the mailbox's name (incoming).
    pub address: Option<String>,
}

impl ServerChange {
    /// True when nothing is changed.
    pub fn is_empty(&self) -> bool {
        *self == ServerChange::default()
    }
}

/// The mailbox read when none is named.
pub const DEFAULT_MAILBOX: &str = "INBOX";

impl MailSettings {
    /// The outgoing side with `change` applied, checked whole.
    pub fn change_outgoing(&self, change: &ServerChange) -> Result<Outgoing, Error> {
        let current = self.outgoing.as_ref();
        let server = changed_server(Protocol::Smtp, current.map(|o| &o.server), change)?;
        let from = match (&change.address, current) {
            (Some(address), _) => Email::parse(address)
                .map_err(|e| Error::Invalid(format!("the sender address: {e}")))?,
            (None, Some(current)) => current.from.clone(),
            (None, None) => {
                return Err(Error::invalid(
                    "outgoing mail needs the sender address (--from, or from in mail.toml)",
                ));
            }
        };
        Ok(Outgoing { server, from })
    }

    /// The incoming side with `change` applied, checked whole.
    pub fn change_incoming(&self, change: &ServerChange) -> Result<Incoming, Error> {
        let current = self.incoming.as_ref();
        let server = changed_server(Protocol::Imap, current.map(|i| &i.server), change)?;
        let mailbox = match (&change.address, current) {
            (Some(name), _) => mailbox_name(name)?,
            (None, Some(current)) => current.mailbox.clone(),
            (None, None) => DEFAULT_MAILBOX.to_string(),
        };
        Ok(Incoming { server, mailbox })
    }
}

/// The file beside the database (or a team's shared file) that holds the settings.
pub const FILE: &str = "mail.toml";

/// The settings as the file spells them: every value a string or a number, checked by the
/// same rules as a change typed on the command line.
#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    outgoing: Option<FileSide>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    incoming: Option<FileSide>,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileSide {
    host: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    port: Option<u16>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    security: Option<String>,
    user: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    auth: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    token_command: Option<String>,
    /// Outgoing only: the sender address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    from: Option<String>,
    /// Incoming only: the mailbox read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    mailbox: Option<String>,
}

impl FileSide {
    /// The change this side spells, for `protocol`'s side: its own address (the sender, or
    /// the mailbox), and the other side's field refused.
    fn change(self, at: usize, protocol: Protocol) -> Result<ServerChange, String> {
        let (address, misplaced) = match protocol {
            Protocol::Smtp => (
                self.from,
                self.mailbox
                    .map(|_| "a mailbox is read by incoming mail, not outgoing"),
            ),
            Protocol::Imap => (
                self.mailbox,
                self.from
                    .map(|_| "a sender address (from) is outgoing mail's"),
            ),
        };
        if let Some(why) = misplaced {
            return Err(format!("line {at}: {why}"));
        }
        let spelled = |e: Error| format!("line {at}: {e}");
        Ok(ServerChange {
            host: Some(self.host),
            port: self.port,
            security: self
                .security
                .map(|s| s.parse())
                .transpose()
                .map_err(spelled)?,
            user: Some(self.user),
            auth: self.auth.map(|s| s.parse()).transpose().map_err(spelled)?,
            token_command: self.token_command,
            address,
        })
    }

    fn of(server: &MailServer) -> FileSide {
        FileSide {
            host: server.host.clone(),
            port: Some(server.port),
            security: Some(server.security.as_str().to_string()),
            user: server.user.clone(),
            auth: Some(server.auth.as_str().to_string()),
            token_command: server.token_command.clone(),
            from: None,
            mailbox: None,
        }
    }
}

impl MailSettings {
    /// Reads `mail.toml`'s text; a mistake is named with its line.
    pub fn parse(text: &str) -> Result<MailSettings, String> {
        let file: File = toml_text::parse(text)?;
        // A side's line: where its table starts, for the mistakes found after parsing.
        let table_line = |name: &str| {
            text.lines()
                .position(|l| l.trim().trim_start_matches('[').starts_with(name))
                .map_or(1, |i| i + 1)
        };
        let mut settings = MailSettings::default();
        if let Some(side) = file.outgoing {
            let at = table_line("outgoing");
            let change = side.change(at, Protocol::Smtp)?;
            settings.outgoing = Some(
                MailSettings::default()
                    .change_outgoing(&change)
                    .map_err(|e| format!("line {at}: {e}"))?,
            );
        }
        if let Some(side) = file.incoming {
            let at = table_line("incoming");
            let change = side.change(at, Protocol::Imap)?;
            settings.incoming = Some(
                MailSettings::default()
                    .change_incoming(&change)
                    .map_err(|e| format!("line {at}: {e}"))?,
            );
        }
        Ok(settings)
    }

    /// The text of `mail.toml` for these settings, which [`MailSettings::parse`] reads back.
    pub fn to_file_text(&self) -> Result<String, Error> {
        let file = File {
            outgoing: self.outgoing.as_ref().map(|o| FileSide {
                from: Some(o.from.as_str().to_string()),
                ..FileSide::of(&o.server)
            }),
            incoming: self.incoming.as_ref().map(|i| FileSide {
                mailbox: Some(i.mailbox.clone()),
                ..FileSide::of(&i.server)
            }),
        };
        // Plain strings and numbers; were it ever refused, nothing is written rather than a
        // file that lost the settings.
        let body = toml::to_string(&file)
            .map_err(|e| Error::internal(format!("the mail settings could not be written: {e}")))?;
        Ok(format!("{FILE_HEADER}{body}"))
    }
}

/// The first lines of a `mail.toml` the desk writes.
const FILE_HEADER: &str = "\
# PrivacyDesk's mail settings: where letters leave from and which mailbox requests are read
# from. Written by `privacydesk mail settings`; edit it by hand or with that command.
# No password or token is ever kept here.

";

fn changed_server(
    protocol: Protocol,
    current: Option<&MailServer>,
    change: &ServerChange,
) -> Result<MailServer, Error> {
    let side = protocol.name();
    let host = match (&change.host, current) {
        (Some(host), _) => host_name(host)?,
        (None, Some(current)) => current.host.clone(),
        (None, None) => return Err(Error::Invalid(format!("{side} needs a server host"))),
    };
    let security = change
        .security
        .or(current.map(|c| c.security))
        .unwrap_or(Security::StartTls);
    if security == Security::None && !is_loopback(&host) {
        return Err(Error::Invalid(format!(
            "{side} to {host} must be encrypted (starttls or tls): \
             security none is only for a server on this machine"
        )));
    }
    // A changed security without a port moves to that security's well-known port.
    let port = match (change.port, current) {
        (Some(0), _) => return Err(Error::invalid("a mail server's port is 1 to 65535")),
        (Some(port), _) => port,
        (None, Some(current)) if change.security.is_none() => current.port,
        _ => protocol.default_port(security),
    };
    let user = match (&change.user, current) {
        (Some(user), _) => user_name(user)?,
        (None, Some(current)) => current.user.clone(),
        (None, None) => return Err(Error::Invalid(format!("{side} needs a user name"))),
    };
    let auth = change
        .auth
        .or(current.map(|c| c.auth))
        .unwrap_or(AuthMethod::Password);
    let token_command = match &change.token_command {
        Some(command) if command.trim().is_empty() => None,
        Some(command) => Some(token_command(command)?),
        None => current.and_then(|c| c.token_command.clone()),
    };
    let token_command = match auth {
        AuthMethod::XOAuth2 => Some(token_command.ok_or_else(|| {
            Error::Invalid(format!(
                "{side} with xoauth2 needs the command that prints the access token \
                 (--token-command, or token_command in mail.toml)"
            ))
        })?),
        // A password login has no use for a token command; it is not kept to surprise later.
        AuthMethod::Password => None,
    };
    Ok(MailServer {
        host,
        port,
        security,
        user,
        auth,
        token_command,
    })
}

/// A server name or address: no spaces or control characters, at most 253 characters.
fn host_name(text: &str) -> Result<String, Error> {
    let host = text.trim().trim_end_matches('.').to_ascii_lowercase();
    let valid = !host.is_empty()
        && host.len() <= 253
        && host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']'));
    if valid {
        Ok(host)
    } else {
        Err(Error::Invalid(format!(
            "{:?} is not a mail server's host name",
            crate::domain::spelling::shorten(text)
        )))
    }
}

fn user_name(text: &str) -> Result<String, Error> {
    let user = text.trim();
    if user.is_empty() || user.len() > 320 || user.chars().any(char::is_control) {
        return Err(Error::invalid(
            "a mail user name is 1 to 320 characters, none of them control characters",
        ));
    }
    Ok(user.to_string())
}

fn mailbox_name(text: &str) -> Result<String, Error> {
    let name = text.trim();
    if name.is_empty() || name.len() > 200 || name.chars().any(char::is_control) {
        return Err(Error::invalid(
            "a mailbox name is 1 to 200 characters, none of them control characters",
        ));
    }
    Ok(name.to_string())
}

fn token_command(text: &str) -> Result<String, Error> {
    let command = text.trim();
    if command.len() > 1000 || command.chars().any(|c| c.is_control() && c != '\t') {
        return Err(Error::invalid(
            "the token command is one line of at most 1,000 characters",
        ));
    }
    Ok(command.to_string())
}

/// True for a name or address that can only be this machine.
pub fn is_loopback(host: &str) -> bool {
    let host = host.trim_start_matches('[').trim_end_matches(']');
    host == "localhost"
        || host.ends_with(".localhost")
        || host
            .parse::<core::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn smtp(host: &str) -> ServerChange {
        ServerChange {
            host: Some(host.into()),
            user: Some("privacy@example.com".into()),
            address: Some("privacy@example.com".into()),
            ..ServerChange::default()
        }
    }

    #[test]
    fn a_new_outgoing_server_takes_starttls_on_587_and_a_password() {
        let out = MailSettings::default()
            .change_outgoing(&smtp("SMTP.Gmail.com."))
            .expect("accepted");
        assert_eq!(out.server.host, "smtp.gmail.com");
        assert_eq!(
            (out.server.security, out.server.port),
            (Security::StartTls, 587)
        );
        assert_eq!(out.server.auth, AuthMethod::Password);
        assert_eq!(out.from.as_str(), "privacy@example.com");
    }

    #[test]
    fn changing_the_security_alone_moves_to_its_port_and_an_explicit_port_stays() {
        let mut settings = MailSettings::default();
        settings.outgoing = Some(
            settings
                .change_outgoing(&smtp("smtp.example.com"))
                .expect("accepted"),
        );
        let tls = ServerChange {
            security: Some(Security::Tls),
            ..ServerChange::default()
        };
        let out = settings.change_outgoing(&tls).expect("accepted");
        assert_eq!(out.server.port, 465);
        settings.outgoing = Some(out);
        let port = ServerChange {
            port: Some(2465),
            ..ServerChange::default()
        };
        settings.outgoing = Some(settings.change_outgoing(&port).expect("accepted"));
        let user = ServerChange {
            user: Some("other@example.com".into()),
            ..ServerChange::default()
        };
        let out = settings.change_outgoing(&user).expect("accepted");
        assert_eq!(
            (out.server.port, out.server.security),
            (2465, Security::Tls)
        );
    }

    #[test]
    fn no_encryption_is_refused_off_this_machine() {
        for host in ["smtp.example.com", "10.0.0.1", "127.example.com"] {
            let change = ServerChange {
                security: Some(Security::None),
                ..smtp(host)
            };
            let error = MailSettings::default()
                .change_outgoing(&change)
                .expect_err("refused");
            assert!(
                error.message().contains("must be encrypted"),
                "{host}: {error}"
            );
        }
        for host in ["localhost", "127.0.0.1", "::1", "[::1]", "mail.localhost"] {
            let change = ServerChange {
                security: Some(Security::None),
                ..smtp(host)
            };
            let out = MailSettings::default()
                .change_outgoing(&change)
                .expect("accepted");
            assert_eq!(out.server.port, 25, "{host}");
        }
    }

    #[test]
    fn xoauth2_needs_a_token_command_and_a_password_login_keeps_none() {
        let change = ServerChange {
            auth: Some(AuthMethod::XOAuth2),
            ..smtp("smtp.gmail.com")
        };
        let error = MailSettings::default()
            .change_outgoing(&change)
            .expect_err("refused");
        assert!(error.message().contains("--token-command"), "{error}");
        let change = ServerChange {
            token_command: Some("oauth2-token --account privacy".into()),
            ..change
        };
        let out = MailSettings::default()
            .change_outgoing(&change)
            .expect("accepted");
        assert_eq!(
            out.server.token_command.as_deref(),
            Some("oauth2-token --account privacy")
        );
        let settings = MailSettings {
            outgoing: Some(out),
            incoming: None,
        };
        let back = ServerChange {
            auth: Some(AuthMethod::Password),
            ..ServerChange::default()
        };
        assert_eq!(
            settings
                .change_outgoing(&back)
                .expect("accepted")
                .server
                .token_command,
            None
        );
    }

    #[test]
    fn bad_values_are_named() {
        let cases = [
            (
                ServerChange {
                    host: Some("smtp example.com".into()),
                    ..smtp("x")
                },
                "host name",
            ),
            (
                ServerChange {
                    port: Some(0),
                    ..smtp("smtp.example.com")
                },
                "port",
            ),
            (
                ServerChange {
                    user: Some(" ".into()),
                    ..smtp("smtp.example.com")
                },
                "user name",
            ),
            (
                ServerChange {
                    address: Some("nobody".into()),
                    ..smtp("smtp.example.com")
                },
                "sender address",
            ),
            (
                ServerChange {
                    token_command: Some("a\nb".into()),
                    ..smtp("smtp.example.com")
                },
                "token command",
            ),
        ];
        for (change, words) in cases {
            let error = MailSettings::default()
                .change_outgoing(&change)
                .expect_err("refused");
            assert!(error.message().contains(words), "{words}: {error}");
        }
        let error = MailSettings::default()
            .change_outgoing(&ServerChange::default())
            .expect_err("refused");
        assert!(error.message().contains("needs a server host"), "{error}");
    }

    #[test]
    fn incoming_mail_reads_the_inbox_over_tls_by_default_port() {
        let change = ServerChange {
            host: Some("imap.gmail.com".into()),
            security: Some(Security::Tls),
            user: Some("privacy@example.com".into()),
            ..ServerChange::default()
        };
        let inbox = MailSettings::default()
            .change_incoming(&change)
            .expect("accepted");
        assert_eq!(
            (inbox.server.port, inbox.mailbox.as_str()),
            (993, DEFAULT_MAILBOX)
        );
        let error = MailSettings::default()
            .change_incoming(&ServerChange {
                address: Some("In\u{7}box".into()),
                ..change
            })
            .expect_err("refused");
        assert!(error.message().contains("mailbox name"), "{error}");
    }

    #[test]
    fn the_file_reads_back_as_written_and_its_mistakes_are_named_by_line() {
        let settings = MailSettings {
            outgoing: Some(
                MailSettings::default()
                    .change_outgoing(&smtp("smtp.example.com"))
                    .expect("accepted"),
            ),
            incoming: Some(
                MailSettings::default()
                    .change_incoming(&ServerChange {
                        host: Some("imap.example.com".into()),
                        security: Some(Security::Tls),
                        user: Some("privacy@example.com".into()),
                        auth: Some(AuthMethod::XOAuth2),
                        token_command: Some("printf '%s' \"$TOKEN\"".into()),
                        ..ServerChange::default()
                    })
                    .expect("accepted"),
            ),
        };
        let text = settings.to_file_text().expect("written");
        assert!(text.starts_with("# PrivacyDesk's mail settings"), "{text}");
        assert_eq!(
            MailSettings::parse(&text).expect("accepted"),
            settings,
            "{text}"
        );
        assert_eq!(
            MailSettings::parse("").expect("accepted"),
            MailSettings::default()
        );
        let minimal =
            "[outgoing]\nhost = \"smtp.example.com\"\nuser = \"u\"\nfrom = \"a@example.com\"\n";
        let out = MailSettings::parse(minimal)
            .expect("accepted")
            .outgoing
            .expect("accepted");
        assert_eq!(
            (out.server.port, out.server.security),
            (587, Security::StartTls)
        );
        for (text, words) in [
            (
                "[outgoing]\nhost = \"smtp.example.com\"\nuser = \"u\"\n",
                "line 1: outgoing mail needs the sender address",
            ),
            (
                "\n[outgoing]\nhost = \"smtp.example.com\"\nuser = \"u\"\nfrom = \"a@example.com\"\nsecurity = \"ssl\"\n",
                "line 2: unknown connection security",
            ),
            (
                "[outgoing]\nhost = \"smtp.example.com\"\nuser = \"u\"\nfrom = \"a@example.com\"\nport = 70000\n",
                "line 5",
            ),
            ("[outgoing]\nhots = 1\n", "line 2"),
            (
                "[incoming]\nhost = \"imap.example.com\"\nuser = \"u\"\nfrom = \"a@example.com\"\n",
                "outgoing mail's",
            ),
            (
                "[incoming]\nhost = \"mail.example.com\"\nuser = \"u\"\nsecurity = \"none\"\n",
                "must be encrypted",
            ),
        ] {
            let error = MailSettings::parse(text).expect_err("refused");
            assert!(error.contains(words), "{text:?}: {error}");
        }
    }

    #[test]
    fn settings_read_back_as_written() {
        let settings = MailSettings {
            outgoing: Some(
                MailSettings::default()
                    .change_outgoing(&smtp("smtp.example.com"))
                    .expect("accepted"),
            ),
            incoming: None,
        };
        let json = serde_json::to_string(&settings).expect("accepted");
        assert!(json.contains("\"security\":\"starttls\""), "{json}");
        assert_eq!(
            serde_json::from_str::<MailSettings>(&json).expect("accepted"),
            settings
        );
    }
}
