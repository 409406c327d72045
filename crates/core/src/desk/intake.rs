//! Mail that arrives: a message imported once (by its Message-ID) and kept with its original,
//! on the case it answers or in the intake queue, and what an agent does with a queued one —
//! open a case from it, merge it into an open case, or mark it as spam.

use std::io::Write;
use std::path::Path;

use chrono::{DateTime, Local, Utc};
use serde::Serialize;
use serde_json::json;

use super::act::open_case;
use super::{Desk, Stamp};
use crate::domain::case::Case;
use crate::domain::events::{CaseEvent, DeskEvent, EventKind};
use crate::domain::mail::intake::{
    self, Candidate, Filing, IntakeDecision, IntakeItem, IntakeState, MAX_MESSAGE_BYTES,
    NewIntakeItem, ReceivedMail, Sender,
};
use crate::domain::mail::outbox::OutboxState;
use crate::domain::mail::{own_message_ids, reference_in_subject};
use crate::domain::text::Email;
use crate::domain::workflow;
use crate::files::atomic::write_atomically;
use crate::files::read::read_regular_file;
use crate::mail::parse;
use crate::store::{NoteDraft, Writes};
use crate::{Action, Error, IntakeId, NewCase, Reference, Result, WrittenFile};

/// What importing one message did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum Imported {
    /// The desk had it already (the same Message-ID); nothing was written.
    Known { id: IntakeId },
    /// Kept on the case it answers; `offered` is the reply the case may record now.
    OnCase {
        id: IntakeId,
        case: Reference,
        sender: Sender,
        offered: Option<Action>,
    },
    /// Waiting in the intake queue; its subject may name a case it could belong to.
    Queued {
        id: IntakeId,
        names_case: Option<Reference>,
    },
}

/// An import and what was wrong with the message (it was kept all the same).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ImportReport {
    #[serde(flatten)]
    pub imported: Imported,
    pub problems: Vec<String>,
}

/// A message with what an agent may do with it.
#[derive(Debug, Clone, Serialize)]
pub struct IntakeView {
    #[serde(flatten)]
    pub item: IntakeItem,
    /// For a message in the queue: the new-case form filled from it, for the agent to check.
    pub form: Option<NewCase>,
    /// For a message in the queue: the open cases of its sender's address, to merge it into.
    pub open_cases_from_sender: Vec<Reference>,
    /// For a message on a case: the reply the case may record now (never recorded by itself).
    pub offered: Option<Action>,
}

impl Desk {
    /// Imports one message (its bytes as the server or the file gave them); `arrived` is when
    /// the mail server says it arrived. A message seen before is not imported again. One that
    /// answers a case is kept on it (its text a note, with an event), any other waits in the
    /// queue (with an event); either way in one transaction, with the original.
    pub fn import_mail(
        &mut self,
        original: &[u8],
        arrived: Option<DateTime<Utc>>,
    ) -> Result<ImportReport> {
        if original.len() > MAX_MESSAGE_BYTES {
            return Err(Error::Invalid(format!(
                "the message is {} MB; the desk keeps messages of at most {} MB",
                original.len().div_ceil(1_000_000),
                MAX_MESSAGE_BYTES / 1_000_000
            )));
        }
        let mail = parse::read(original, arrived);
        let candidate = self.candidate_for(&mail)?;
        let contact = match candidate.as_ref().and_then(|c| c.customer.as_ref()) {
            Some(name) => self.store.customer(name)?.and_then(|c| c.contact),
            None => None,
        };
        let filing = intake::filing(
            mail.from.as_ref(),
            candidate.as_ref().map(|c| Candidate {
                case: &c.case,
                by_thread: c.by_thread,
                customer_contact: contact.as_deref(),
            }),
        );
        let offered = match (&filing, &candidate) {
            (Filing::OnCase { sender, .. }, Some(c)) => {
                intake::offered_action(*sender, &workflow::allowed_actions(&c.case, self.today()))
            }
            _ => None,
        };
        let stamp = self.stamp();
        let arrived_at = mail.arrived_at.clone().unwrap_or_else(|| stamp.at.clone());
        let imported = self.write(|tx| {
            if let Some(id) = tx.intake_known(&mail.message_id)? {
                return Ok(Imported::Known { id });
            }
            let new = NewIntakeItem {
                mail: &mail,
                original,
                arrived_at: &arrived_at,
                at: &stamp.at,
                by: &stamp.actor,
                filing: &filing,
            };
            let id = tx.keep_mail(&new)?;
            match &filing {
                Filing::OnCase {
                    reference, sender, ..
                } => {
                    let case = tx.find_case(reference)?;
                    let details = json!({
                        "intake_id": id,
                        "sender": sender,
                        "sha256": mail.sha256,
                        "size": mail.size,
                        "attachments": mail.attachments.len(),
                    });
                    add_mail_note(tx, &stamp, &case, &mail_note(&mail, &arrived_at), details)?;
                    Ok(Imported::OnCase {
                        id,
                        case: reference.clone(),
                        sender: *sender,
                        offered,
                    })
                }
                Filing::Queue { names_case } => {
                    let details = json!({
                        "intake_id": id,
                        "sha256": mail.sha256,
                        "size": mail.size,
                        "attachments": mail.attachments.len(),
                    });
                    let kind = EventKind::Desk(DeskEvent::MailQueued);
                    tx.append_event(&stamp.event(None, kind, &details))?;
                    Ok(Imported::Queued {
                        id,
                        names_case: names_case.clone(),
                    })
                }
            }
        })?;
        Ok(ImportReport {
            imported,
            problems: mail.problems,
        })
    }

    /// Imports a message saved as a file (`.eml`: the message as it arrived, headers first).
    pub fn import_mail_file(&mut self, path: &Path) -> Result<ImportReport> {
        let original = read_regular_file(
            path,
            MAX_MESSAGE_BYTES as u64,
            "give a message saved as a .eml file",
            "the desk keeps messages of at most",
        )?;
        self.import_mail(&original, None)
    }

    /// The case a message may belong to: the one a message the desk sent (named in its
    /// `In-Reply-To`/`References`) was about, else the one its subject names, if it exists.
    fn candidate_for(&self, mail: &ReceivedMail) -> Result<Option<Found>> {
        for id in own_message_ids(&mail.thread) {
            let Some(sent) = self.store.outbox_by_message_id(&id)? else {
                continue;
            };
            if sent.state == OutboxState::Sent {
                let case = self.store.find_case(&sent.reference)?;
                return Ok(Some(Found::of(case, true)));
            }
        }
        let Some(reference) = reference_in_subject(&mail.subject) else {
            return Ok(None);
        };
        match self.store.find_case(&reference) {
            Ok(case) => Ok(Some(Found::of(case, false))),
            Err(Error::CaseNotFound(_)) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// The messages waiting in the intake queue (every message kept, with `all`), oldest first.
    pub fn intake(&self, all: bool) -> Result<Vec<IntakeItem>> {
        self.store.intake((!all).then_some(IntakeState::New))
    }

    /// How many messages wait in the intake queue.
    pub fn intake_waiting(&self) -> Result<usize> {
        Ok(self.store.intake(Some(IntakeState::New))?.len())
    }

    /// One message with what may be done with it.
    pub fn intake_item(&self, id: IntakeId) -> Result<IntakeView> {
        let item = self.find_intake(id)?;
        let (form, open_cases_from_sender, offered) = match item.state {
            IntakeState::New => {
                let received_on = DateTime::parse_from_rfc3339(&item.arrived_at)
                    .map(|at| at.with_timezone(&Local).date_naive())
                    .unwrap_or_else(|_| self.today());
                let open = match item.from.as_deref().map(Email::parse) {
                    Some(Ok(email)) => self
                        .store
                        .open_cases_from(&email, None, 20)?
                        .into_iter()
                        .map(|c| c.reference)
                        .collect(),
                    _ => Vec::new(),
                };
                (Some(intake::case_form(&item, received_on)), open, None)
            }
            IntakeState::OnCase => {
                let offered = match (&item.case, item.sender) {
                    (Some(reference), Some(sender)) => {
                        let case = self.store.find_case(reference)?;
                        intake::offered_action(
                            sender,
                            &workflow::allowed_actions(&case, self.today()),
                        )
                    }
                    _ => None,
                };
                (None, Vec::new(), offered)
            }
            IntakeState::CaseOpened | IntakeState::Spam => (None, Vec::new(), None),
        };
        Ok(IntakeView {
            item,
            form,
            open_cases_from_sender,
            offered,
        })
    }

    /// A message's original bytes, as the server gave them.
    pub fn intake_original(&self, id: IntakeId) -> Result<Vec<u8>> {
        self.find_intake(id)?;
        self.store.intake_original(id)?.ok_or_else(|| {
            Error::NotAllowed(format!(
                "message {id}'s original was removed by retention; its SHA-256 stays in the trail"
            ))
        })
    }

    /// Saves a message's original to `path` (written whole, or not at all), recorded in the
    /// trail with the message's SHA-256.
    pub fn save_intake_original(&mut self, id: IntakeId, path: &Path) -> Result<WrittenFile> {
        let item = self.find_intake(id)?;
        let original = self.intake_original(id)?;
        let file = write_atomically(path, |out| {
            out.write_all(&original)
                .map_err(|e| Error::io(format!("cannot write {}", path.display()), e))
        })?;
        let details = json!({ "intake_id": id, "sha256": item.sha256, "file_sha256": file.sha256 });
        let kind = EventKind::Desk(DeskEvent::MailSaved);
        self.record_written(None, &file, kind, details)?;
        Ok(file)
    }

    /// Logs a new case from a message in the queue, with the form as the agent checked it; the
    /// message moves out of the queue in the same transaction. Refused if another agent dealt
    /// with the message meanwhile (then no case is logged).
    pub fn intake_to_case(&mut self, id: IntakeId, form: &NewCase) -> Result<Reference> {
        let settings = self.company_calendar()?.settings;
        let valid = Desk::with_company_calendar(&settings, form.validate(self.today())?);
        let stamp = self.stamp();
        self.write(|tx| {
            queued(tx, id)?;
            let case = open_case(tx, &stamp, valid, json!({ "intake_id": id }))?;
            decide(tx, &stamp, id, IntakeState::CaseOpened, Some(&case), None)?;
            Ok(case.reference)
        })
    }

    /// Moves a message from the queue onto an open case (the agent decided it belongs there):
    /// its text becomes a note of the case, with an event.
    pub fn intake_merge(&mut self, id: IntakeId, reference: &Reference) -> Result<()> {
        let stamp = self.stamp();
        let contact_of = |desk: &Desk, case: &Case| -> Result<Option<String>> {
            Ok(match &case.customer {
                Some(name) => desk.store.customer(name)?.and_then(|c| c.contact),
                None => None,
            })
        };
        let case = self.store.find_case(reference)?;
        let contact = contact_of(self, &case)?;
        self.write(|tx| {
            let item = queued(tx, id)?;
            let case = tx.find_case(reference)?;
            if case.state == crate::State::Closed {
                return Err(Error::NotAllowed(format!(
                    "{reference} is closed; a message is merged into an open case (or a new \
                     case is opened from it)"
                )));
            }
            let from = item.from.as_deref().map(Email::parse).and_then(|e| e.ok());
            let sender = intake::sender_of(from.as_ref(), &case, contact.as_deref());
            decide(
                tx,
                &stamp,
                id,
                IntakeState::OnCase,
                Some(&case),
                Some(sender),
            )?;
            let note = intake::note_text(
                item.from.as_deref(),
                item.from_name.as_deref(),
                &item.arrived_at,
                &item.subject,
                &item.text,
            );
            let details = json!({
                "intake_id": id,
                "sender": sender,
                "sha256": item.sha256,
                "size": item.size,
                "attachments": item.attachments.len(),
                "merged": true,
            });
            add_mail_note(tx, &stamp, &case, &note, details)
        })
    }

    /// Marks a message in the queue as spam (it is kept, as everything that arrived is).
    pub fn intake_spam(&mut self, id: IntakeId) -> Result<()> {
        let stamp = self.stamp();
        self.write(|tx| {
            let item = queued(tx, id)?;
            decide(tx, &stamp, id, IntakeState::Spam, None, None)?;
            let details = json!({ "intake_id": id, "sha256": item.sha256 });
            tx.append_event(&stamp.event(None, EventKind::Desk(DeskEvent::MailSpam), &details))?;
            Ok(())
        })
    }

    fn find_intake(&self, id: IntakeId) -> Result<IntakeItem> {
        self.store
            .intake_item(id)?
            .ok_or_else(|| Error::Invalid(format!("there is no message {id} in the intake")))
    }
}

/// A case a message may belong to, as found.
struct Found {
    case: Case,
    by_thread: bool,
    customer: Option<String>,
}

impl Found {
    fn of(case: Case, by_thread: bool) -> Found {
        Found {
            customer: case.customer.clone(),
            case,
            by_thread,
        }
    }
}

/// A message's text as a note of its case.
fn mail_note(mail: &ReceivedMail, arrived_at: &str) -> String {
    intake::note_text(
        mail.from.as_ref().map(Email::as_str),
        mail.from_name.as_deref(),
        arrived_at,
        &mail.subject,
        &mail.text,
    )
}

/// The note of a message kept on a case, and its `mail_received` event naming the note.
fn add_mail_note(
    tx: &mut dyn Writes,
    stamp: &Stamp,
    case: &Case,
    note: &str,
    mut details: serde_json::Value,
) -> Result<()> {
    let kind = EventKind::OnCase(CaseEvent::MailReceived);
    let note_id = tx.insert_note(
        case,
        &NoteDraft {
            kind: kind.as_str(),
            body: note,
            at: &stamp.at,
            author: &stamp.actor,
        },
    )?;
    details["note_id"] = json!(note_id);
    tx.append_event(&stamp.event(Some(case.id), kind, &details))?;
    Ok(())
}

/// The message `id`, read in the transaction, while it waits in the queue.
fn queued(tx: &mut dyn Writes, id: IntakeId) -> Result<IntakeItem> {
    let item = tx
        .intake_item(id)?
        .ok_or_else(|| Error::Invalid(format!("there is no message {id} in the intake")))?;
    if item.state != IntakeState::New {
        return Err(handled(&item));
    }
    Ok(item)
}

/// Moves a message out of the queue; refused (and the whole write with it) if another agent
/// moved it first.
fn decide(
    tx: &mut dyn Writes,
    stamp: &Stamp,
    id: IntakeId,
    to: IntakeState,
    case: Option<&Case>,
    sender: Option<Sender>,
) -> Result<()> {
    let moved = tx.decide_intake(&IntakeDecision {
        id,
        to,
        case: case.map(|c| c.id),
        sender,
        at: &stamp.at,
        by: &stamp.actor,
    })?;
    if moved {
        return Ok(());
    }
    match tx.intake_item(id)? {
        Some(item) => Err(handled(&item)),
        None => Err(Error::Invalid(format!(
            "there is no message {id} in the intake"
        ))),
    }
}

/// Why a message is no longer in the queue.
fn handled(item: &IntakeItem) -> Error {
    let by = item.decided_by.as_deref().unwrap_or("someone");
    let what = match (item.state, &item.case) {
        (IntakeState::OnCase, Some(case)) => format!("is kept on {case}"),
        (IntakeState::CaseOpened, Some(case)) => format!("was opened as {case}"),
        (IntakeState::Spam, _) => "was marked as spam".to_string(),
        _ => "is no longer in the queue".to_string(),
    };
    Error::NotAllowed(format!("message {} {what} (by {by})", item.id))
}
