//! Letters sent by email: each goes to the outbox first (its Message-ID and Date fixed), then
//! to the company's mail server, and is marked sent only once the server took it. A failure
//! leaves it in the outbox, to be retried; nothing is sent twice.

use chrono::{DateTime, Utc};
use rand::RngCore;
use serde::Serialize;
use serde_json::json;

use super::{Desk, Stamp};
use crate::domain::events::{CaseEvent, EventKind};
use crate::domain::letters::{self, Letter, LetterKind, letter_hash};
use crate::domain::mail::letter_mail::letter_as_email;
use crate::domain::mail::outbox::{
    Addressee, MailMove, NewOutboxEntry, OutboxEntry, OutboxState, TRY_LASTS_AT_MOST,
    WaitingMessage,
};
use crate::domain::mail::{Outgoing, message_id};
use crate::domain::text::Email;
use crate::mail::{self, Checked, LetterMail, Login, Secret, smtp};
use crate::{Case, Error, OutboxId, Reference, Result};

/// A letter the mail server took.
#[derive(Debug, Clone, Serialize)]
pub struct MailSent {
    /// The letter, now marked sent.
    pub letter: Letter,
    /// Its message in the outbox, now sent.
    pub message: OutboxEntry,
    /// The address it went to.
    pub to: String,
    /// The SHA-256 of the message as it went to the server.
    pub message_sha256: String,
}

/// Whether a letter can go by email from this desk, and where to: what the letter editor
/// offers ("Send by email to …") before anything is sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EmailPlan {
    /// The address it would go to, when there is one.
    pub to: Option<String>,
    /// Why it cannot go by email, when it cannot (no contact for the customer, say).
    pub why_not: Option<String>,
    /// The account it would leave from.
    pub from: String,
    /// Its subject.
    pub subject: String,
    /// An unsent message of this letter waiting in the outbox (sending again tries it again).
    pub waiting: Option<WaitingMessage>,
}

impl Desk {
    /// Where the letter of `kind` on a case, as `body` says it, would go by email; `None` when
    /// no outgoing mail is set up (the editor then offers only "Mark as sent").
    pub fn email_plan(
        &self,
        reference: &Reference,
        kind: LetterKind,
        body: &str,
    ) -> Result<Option<EmailPlan>> {
        let Some(outgoing) = self.mail_settings()?.settings.outgoing else {
            return Ok(None);
        };
        let case = self.store.find_case(reference)?;
        let (to, why_not) = match self.recipient(&case, Addressee::of(kind)) {
            Ok(to) => (Some(to.as_str().to_string()), None),
            Err(Error::NotAllowed(why)) => (None, Some(why)),
            Err(other) => return Err(other),
        };
        let waiting = self
            .outbox()?
            .into_iter()
            .find(|m| m.entry.case == case.id && m.entry.kind == kind);
        Ok(Some(EmailPlan {
            to,
            why_not,
            from: outgoing.from.as_str().to_string(),
            subject: letter_as_email(&case.reference, kind.title(), body).0,
            waiting,
        }))
    }

    /// Sets the outgoing account's password (`None`: there is none), and where the adapter
    /// reads it from, for the message when one is needed and missing.
    pub fn set_mail_password(&mut self, password: Option<Secret>, read_from: &str) {
        self.mail_password = (password, read_from.to_string());
    }

    /// Sends a letter by email: `body` is kept as its draft and put in the outbox, then sent
    /// through the company's mail server to the requester (or the customer's contact, for the
    /// forwarding packet). Marked sent, with its Message-ID on the `letter_sent` event, once
    /// the server took it; otherwise [`Error::Mail`] says why and names the outbox message.
    pub fn send_letter_by_email(
        &mut self,
        reference: &Reference,
        kind: LetterKind,
        body: &str,
    ) -> Result<MailSent> {
        let body = letters::validate_body(body, true)?;
        if letter_as_email(reference, kind.title(), &body)
            .1
            .trim()
            .is_empty()
        {
            return Err(Error::invalid(
                "the letter has nothing to send below its To and Subject lines",
            ));
        }
        let (outgoing, login) = self.outgoing_login()?;
        let today = self.today();
        let stamp = self.stamp();
        let domain = outgoing.from.domain().to_string();
        let (case, entry) = self.write(|tx| {
            let case = tx.find_case(reference)?;
            letters::check(&case, kind, today)?;
            let letter = tx.save_letter_draft(case.id, kind, &body, &stamp.at, &stamp.actor)?;
            let details = json!({ "letter_id": letter, "kind": kind });
            tx.append_event(&stamp.event(
                Some(case.id),
                EventKind::OnCase(CaseEvent::LetterDraftSaved),
                &details,
            ))?;
            let id = match tx.unsent_mail_for(case.id, kind)? {
                Some(waiting) => {
                    waiting.may_try(false, dated(&stamp.at)?)?;
                    waiting.id
                }
                None => tx.queue_mail(&NewOutboxEntry {
                    case: case.id,
                    letter,
                    kind,
                    to: Addressee::of(kind),
                    message_id: &message_id(reference, &unique(), &domain),
                    dated: &stamp.at,
                    at: &stamp.at,
                    by: &stamp.actor,
                })?,
            };
            let entry = claim(tx, id, false, &stamp)?;
            Ok((case, entry))
        })?;
        self.deliver(&case, &entry, &body, &outgoing, &login)
    }

    /// Tries an outbox message again: the same message (Message-ID, Date) with its letter's
    /// text as it now stands. One cut off mid-send is tried only with `resend` (the server may
    /// have it); one already sent never.
    pub fn retry_mail(&mut self, id: OutboxId, resend: bool) -> Result<MailSent> {
        let (outgoing, login) = self.outgoing_login()?;
        let today = self.today();
        let stamp = self.stamp();
        let no_message = || Error::Invalid(format!("the outbox has no message {id}"));
        // The letter's text, read before the claim: a claimed message whose draft could not be
        // read would stay `sending`. (Its draft cannot go meanwhile: discarding it withdraws
        // the message, which the claim then does not find.)
        let waiting = self.store.outbox_entry(id)?.ok_or_else(no_message)?;
        let letter = self
            .store
            .letter(waiting.case, waiting.letter)?
            .filter(|l| l.sent_at.is_none());
        let (case, entry) = self.write(|tx| {
            let entry = tx.outbox_entry(id)?.ok_or_else(no_message)?;
            entry.may_try(resend, dated(&stamp.at)?)?;
            if letter.is_none() {
                return Err(Error::Damaged(format!(
                    "outbox message {id} has lost its letter's draft"
                )));
            }
            let case = tx.find_case(&entry.reference)?;
            letters::check(&case, entry.kind, today)?;
            Ok((case, claim(tx, id, resend, &stamp)?))
        })?;
        let body = letter.map(|l| l.body).unwrap_or_default();
        self.deliver(&case, &entry, &body, &outgoing, &login)
    }

    /// The messages not yet sent, oldest first, each with whether it may be tried again now.
    pub fn outbox(&self) -> Result<Vec<WaitingMessage>> {
        let now = Utc::now();
        Ok(self
            .store
            .unsent_mail()?
            .into_iter()
            .map(|entry| WaitingMessage {
                retry: entry.retry(now),
                entry,
            })
            .collect())
    }

    /// Connects to the outgoing mail server, secures the connection and logs in, as a send
    /// would, and says what worked; sends nothing.
    pub fn check_outgoing_mail(&self) -> Result<Checked> {
        let (outgoing, login) = self.outgoing_login()?;
        smtp::check(&outgoing, &login).map_err(|failure| Error::Mail {
            reason: failure.explain(),
            outbox: None,
        })
    }

    /// The outgoing settings and the login they take; refused when mail is not set up.
    fn outgoing_login(&self) -> Result<(Outgoing, Login)> {
        let outgoing = self.mail_settings()?.settings.outgoing.ok_or_else(|| {
            Error::NotAllowed(
                "no outgoing mail is set up: set the server first (mail settings --smtp-host … \
                 --from …)"
                    .into(),
            )
        })?;
        let (password, read_from) = &self.mail_password;
        let login = Login::for_server(&outgoing.server, password.clone(), read_from)?;
        Ok((outgoing, login))
    }

    /// Sends the claimed message `entry` of `case` with `body`, and records what came of it.
    fn deliver(
        &mut self,
        case: &Case,
        entry: &OutboxEntry,
        body: &str,
        outgoing: &Outgoing,
        login: &Login,
    ) -> Result<MailSent> {
        let id = entry.id;
        // The letter's own To and Subject lines become the message's headers.
        let (subject, text) = letter_as_email(&case.reference, entry.kind.title(), body);
        let composed = self.recipient(case, entry.to).and_then(|to| {
            let company = self.templates_in_use()?.company()?;
            let composed = mail::compose(&LetterMail {
                from: &outgoing.from,
                from_name: Some(company.name.as_str()).filter(|n| !n.is_empty()),
                to: &to,
                subject: &subject,
                message_id: &entry.message_id,
                date: dated(&entry.dated)?,
                body: &text,
            })?;
            Ok((to, composed))
        });
        let sent = match composed {
            Ok((to, composed)) => smtp::send(outgoing, login, &composed)
                .map(|()| (to, composed))
                .map_err(|f| (f.summary(), f.explain())),
            Err(e) => Err((e.to_string(), e.to_string())),
        };
        let stamp = self.stamp();
        match sent {
            Ok((to, composed)) => {
                let letter = self.write(|tx| {
                    tx.set_mail_state(&MailMove {
                        id,
                        from: &[OutboxState::Sending],
                        to: OutboxState::Sent,
                        error: None,
                        at: &stamp.at,
                        sending_before: None,
                    })?;
                    let letter =
                        tx.mark_letter_sent(case.id, entry.kind, body, &stamp.at, &stamp.actor)?;
                    let details = json!({
                        "letter_id": letter,
                        "kind": entry.kind,
                        "sha256": letter_hash(body),
                        "by_email": true,
                        "message_id": entry.message_id,
                        "to": entry.to,
                        "message_sha256": composed.sha256,
                    });
                    tx.append_event(&stamp.event(
                        Some(case.id),
                        EventKind::OnCase(CaseEvent::LetterSent),
                        &details,
                    ))?;
                    Ok(letter)
                })?;
                let letter = self.store.letter(case.id, letter)?.ok_or_else(|| {
                    Error::Damaged("a letter just sent cannot be read back".into())
                })?;
                let message = self
                    .store
                    .outbox_entry(id)?
                    .ok_or_else(|| Error::internal("a sent outbox message is gone"))?;
                Ok(MailSent {
                    letter,
                    message,
                    to: to.as_str().to_string(),
                    message_sha256: composed.sha256,
                })
            }
            Err((kept, shown)) => {
                self.write(|tx| {
                    tx.set_mail_state(&MailMove {
                        id,
                        from: &[OutboxState::Sending],
                        to: OutboxState::Failed,
                        error: Some(&kept),
                        at: &stamp.at,
                        sending_before: None,
                    })?;
                    Ok(())
                })?;
                Err(Error::Mail {
                    reason: shown,
                    outbox: Some(id),
                })
            }
        }
    }

    /// The address a letter to `to` goes to on `case`.
    fn recipient(&self, case: &Case, to: Addressee) -> Result<Email> {
        match to {
            Addressee::Requester => Ok(case.requester.email.clone()),
            Addressee::Customer => {
                let name = case.customer.as_deref().ok_or_else(|| {
                    Error::NotAllowed(format!(
                        "{} names no customer to forward to",
                        case.reference
                    ))
                })?;
                let contact = self.customer(name)?.contact.ok_or_else(|| {
                    Error::NotAllowed(format!(
                        "the customer {name} has no contact address to forward to; set it first"
                    ))
                })?;
                Email::parse(&contact).map_err(|e| {
                    Error::NotAllowed(format!(
                        "the customer {name}'s contact cannot be mailed: {e}"
                    ))
                })
            }
        }
    }
}

/// Moves message `id` to `sending` for this desk and returns it as claimed; refused when
/// another desk moved it first.
fn claim(
    tx: &mut dyn crate::store::Writes,
    id: OutboxId,
    resend: bool,
    stamp: &Stamp,
) -> Result<OutboxEntry> {
    let from: &[OutboxState] = if resend {
        &[
            OutboxState::Queued,
            OutboxState::Failed,
            OutboxState::Sending,
        ]
    } else {
        &[OutboxState::Queued, OutboxState::Failed]
    };
    // A message still `sending` is taken only when its try was cut off; the same bound as
    // `may_try`, checked again by the update itself so that of two desks one wins.
    let cut_off_before = (dated(&stamp.at)? - TRY_LASTS_AT_MOST)
        .to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
    let claimed = tx.set_mail_state(&MailMove {
        id,
        from,
        to: OutboxState::Sending,
        error: None,
        at: &stamp.at,
        sending_before: Some(&cut_off_before),
    })?;
    let refused = || {
        Error::NotAllowed(format!(
            "outbox message {id} is being sent from another desk (or was just sent); look at \
             the outbox again"
        ))
    };
    if !claimed {
        return Err(refused());
    }
    tx.outbox_entry(id)?.ok_or_else(refused)
}

/// The random part of a Message-ID: 16 bytes, hex.
fn unique() -> String {
    let mut bytes = [0u8; 16];
    rand::rng().fill_bytes(&mut bytes);
    hex::encode(bytes)
}

/// The Date header's time, as the outbox keeps it.
fn dated(at: &str) -> Result<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(at)
        .map(|d| d.with_timezone(&Utc))
        .map_err(|_| Error::Damaged(format!("an outbox message's date {at:?} cannot be read")))
}
