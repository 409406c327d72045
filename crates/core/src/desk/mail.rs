//! The mail use cases: the desk's mail settings, read and changed. Sending letters builds on
//! them (`outbox.rs`); fetching the privacy mailbox is not built yet.

use std::path::PathBuf;

use serde::Serialize;
use serde_json::{Value, json};

use super::Desk;
use crate::domain::events::{DeskEvent, EventKind};
use crate::domain::mail::settings::FILE;
use crate::domain::mail::{MailServer, MailSettings, ServerChange};
use crate::files::mail_settings;
use crate::{Error, Result};

/// The mail settings in force, and where they come from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MailSettingsInForce {
    #[serde(flatten)]
    pub settings: MailSettings,
    /// The file on this machine that `mail settings` writes.
    pub file: PathBuf,
    /// True on a team desk that shares its company's files: the team's `mail.toml` is in
    /// force, whatever this machine's file says.
    pub shared: bool,
}

/// What a change of the settings did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MailSettingsChanged {
    /// The settings as the file now holds them.
    #[serde(flatten)]
    pub settings: MailSettings,
    /// The file written.
    pub file: PathBuf,
    /// Whether the change is in force, and recorded.
    pub effect: MailChangeEffect,
}

/// Whether a change of this machine's mail settings is in force.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MailChangeEffect {
    /// A single desk: in force, and recorded (`set_mail`).
    Recorded,
    /// A team desk that shares no company files yet: in force on this machine; a manager's
    /// `team files share` makes it the team's (and records it).
    ThisMachineUntilShared,
    /// A team desk that shares its company files: the team's `mail.toml` stays in force until
    /// a manager shares this one.
    TeamsStaysInForce,
}

impl Desk {
    /// The mail settings in force: the team's shared `mail.toml` once a manager shared the
    /// company's files, else the file beside the database (or in this machine's folder of a
    /// team's files). A mistake in the file is an error naming its line.
    pub fn mail_settings(&self) -> Result<MailSettingsInForce> {
        let file = self.mail.path().to_path_buf();
        if let Some(files) = self.shared_files()? {
            let settings = match files.get(FILE) {
                Some(text) => mail_settings::parse(text, &format!("the team's {FILE}"))?,
                None => MailSettings::default(),
            };
            return Ok(MailSettingsInForce {
                settings,
                file,
                shared: true,
            });
        }
        Ok(MailSettingsInForce {
            settings: self.mail.read()?,
            file,
            shared: false,
        })
    }

    /// Changes this machine's mail settings: each side's change applied to what the file
    /// holds and checked whole, then the file written whole. On a single desk the change is
    /// recorded (`set_mail`: each side's server and how it logs in, never a secret, and the
    /// file's SHA-256); were that refused, the file is put back as it was. A team desk's
    /// file is this machine's until a manager shares it, and is recorded then.
    pub fn change_mail_settings(
        &mut self,
        outgoing: &ServerChange,
        incoming: &ServerChange,
    ) -> Result<MailSettingsChanged> {
        if outgoing.is_empty() && incoming.is_empty() {
            return Err(Error::invalid(
                "nothing to change: give the outgoing (--smtp-…, --from) or incoming \
                 (--imap-…, --mailbox) settings to set",
            ));
        }
        let before = self.mail.text()?;
        let mut settings = self.mail.settings_in(before.as_deref())?;
        if !outgoing.is_empty() {
            settings.outgoing = Some(settings.change_outgoing(outgoing)?);
        }
        if !incoming.is_empty() {
            settings.incoming = Some(settings.change_incoming(incoming)?);
        }
        let written = self.mail.write(&settings)?;
        let file = written.path.clone();
        if self.company_folder.is_some() {
            let effect = match self.shared_files()? {
                Some(_) => MailChangeEffect::TeamsStaysInForce,
                None => MailChangeEffect::ThisMachineUntilShared,
            };
            return Ok(MailSettingsChanged {
                settings,
                file,
                effect,
            });
        }
        let details = json!({
            "sha256": written.sha256,
            "outgoing": settings.outgoing.as_ref().map(|o| server_details(&o.server)),
            "incoming": settings.incoming.as_ref().map(|i| server_details(&i.server)),
        });
        if let Err(refused) = self.record(None, EventKind::Desk(DeskEvent::SetMail), details) {
            // An unrecorded change is not kept; were even that impossible, say so, named.
            return Err(match self.mail.restore(before.as_deref()) {
                Ok(()) => refused,
                Err(Error::Io { source, .. }) => Error::io(
                    format!(
                        "{} was changed but the change could not be recorded ({}), nor the                          file put back; put it back by hand",
                        file.display(),
                        refused.line()
                    ),
                    source,
                ),
                Err(other) => other,
            });
        }
        Ok(MailSettingsChanged {
            settings,
            file,
            effect: MailChangeEffect::Recorded,
        })
    }
}

/// What the trail keeps of one server: where, how protected, how logged in (no user, no
/// secret, no token command).
fn server_details(server: &MailServer) -> Value {
    json!({
        "host": server.host,
        "port": server.port,
        "security": server.security,
        "auth": server.auth,
    })
}
