//! Reading the privacy mailbox: every message that came since the last fetch imported as
//! `intake import` would (once, by its Message-ID), each in its own transaction, so a fetch
//! cut short keeps what it imported and the next one carries on.

use serde::Serialize;

use super::Desk;
use crate::domain::mail::Incoming;
use crate::domain::mail::intake::MAX_MESSAGE_BYTES;
use crate::mail::imap::{self, Arrival, ReadUpTo, Stopped};
use crate::mail::{Login, Secret};
use crate::{Error, Imported, Result};

/// What a fetch did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct FetchReport {
    /// Messages in the mailbox.
    pub in_mailbox: u32,
    /// Messages read this time (those after the last fetch, or all with `again`).
    pub read: usize,
    /// Imported now: kept on a case, or in the intake queue.
    pub on_case: usize,
    pub queued: usize,
    /// Read, and imported before.
    pub known: usize,
    /// Messages that had something wrong with them (kept all the same).
    pub with_problems: usize,
    /// Messages left on the server, and why.
    pub left: Vec<LeftOnServer>,
}

/// A message the fetch did not import; it stays in the mailbox.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LeftOnServer {
    /// Its UID in the mailbox.
    pub uid: u32,
    pub why: String,
}

impl Desk {
    /// Sets the incoming account's password (`None`: there is none), and where the adapter
    /// reads it from, for the message when one is needed and missing.
    pub fn set_imap_password(&mut self, password: Option<Secret>, read_from: &str) {
        self.imap_password = (password, read_from.to_string());
    }

    /// Reads the privacy mailbox: what came since the last fetch (everything with `again`;
    /// what was imported before is still imported once). `progress` hears each message read
    /// and how many there are. A message the desk cannot keep (too large) is left on the
    /// server and said; a server or store failure stops the fetch with what it imported kept.
    pub fn fetch_mail(
        &mut self,
        again: bool,
        progress: &mut dyn FnMut(usize, usize),
    ) -> Result<FetchReport> {
        let (incoming, login) = self.incoming_login()?;
        let name = mailbox_name(&incoming);
        let after = match again {
            true => None,
            false => self
                .store
                .mailbox_read_up_to(&name)?
                .map(|(validity, uid)| ReadUpTo { validity, uid }),
        };
        let mut report = FetchReport::default();
        let mut done = 0;
        let fetched = imap::fetch(
            &incoming,
            &login,
            after,
            MAX_MESSAGE_BYTES as u64,
            &mut |arrival, total| {
                done += 1;
                match arrival {
                    Arrival::TooLarge { uid, size } => report.left.push(LeftOnServer {
                        uid,
                        why: format!(
                            "it is {} MB; the desk keeps messages of at most {} MB",
                            size.div_ceil(1_000_000),
                            MAX_MESSAGE_BYTES / 1_000_000
                        ),
                    }),
                    Arrival::Message {
                        uid,
                        arrived,
                        original,
                    } => match self.import_mail(&original, arrived) {
                        Ok(imported) => {
                            if !imported.problems.is_empty() {
                                report.with_problems += 1;
                            }
                            match imported.imported {
                                Imported::Known { .. } => report.known += 1,
                                Imported::OnCase { .. } => report.on_case += 1,
                                Imported::Queued { .. } => report.queued += 1,
                            }
                        }
                        // What the message itself makes the desk refuse leaves it on the
                        // server; anything else (the store, the server) stops the fetch.
                        Err(Error::Invalid(why)) => report.left.push(LeftOnServer { uid, why }),
                        Err(other) => return Err(other),
                    },
                }
                progress(done, total);
                Ok(())
            },
        );
        let read = match fetched {
            Ok(read) => read,
            Err(Stopped::Desk(error)) => return Err(error),
            Err(Stopped::Server(failure)) => {
                return Err(Error::Mail {
                    reason: failure.explain(),
                    outbox: None,
                });
            }
        };
        report.in_mailbox = read.in_mailbox;
        report.read = read.new;
        let at = self.stamp().at;
        self.write(|tx| {
            tx.set_mailbox_read_up_to(&name, read.up_to.validity, read.up_to.uid, &at)
        })?;
        Ok(report)
    }

    /// The incoming settings and the login they take; refused when mail is not set up.
    fn incoming_login(&self) -> Result<(Incoming, Login)> {
        let incoming = self.mail_settings()?.settings.incoming.ok_or_else(|| {
            Error::NotAllowed(
                "no incoming mail is set up: set the server first (mail settings --imap-host … \
                 --imap-user …)"
                    .into(),
            )
        })?;
        let (password, read_from) = &self.imap_password;
        let login = Login::for_server(&incoming.server, password.clone(), read_from)?;
        Ok((incoming, login))
    }
}

/// The name a mailbox's reading is kept under: the account, the server and the mailbox, so
/// that another account or mailbox starts from its beginning.
fn mailbox_name(incoming: &Incoming) -> String {
    let server = &incoming.server;
    format!(
        "{}@{}:{}/{}",
        server.user, server.host, server.port, incoming.mailbox
    )
}
