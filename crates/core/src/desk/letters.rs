//! The letter use cases: fill a template from a case, keep the agent's draft, mark it sent
//! exactly as written, and save a sent letter as a file to attach to an email.

use std::path::Path;

use serde_json::{Value, json};

use super::act::carry_out;
use super::{Desk, Stamp};
use crate::domain::events::{CaseEvent, EventKind};
use crate::domain::letters::{self, Letter, LetterDraft, LetterKind, letter_hash};
use crate::domain::mail::outbox::OutboxState;
use crate::domain::next::{self, Step};
use crate::domain::workflow;
use crate::files::atomic::{WrittenFile, write_text_atomically};
use crate::files::templates::Templates;
use crate::store::Writes;
use crate::{Action, ActionInput, Case, CaseView, Error, LetterId, Reference, Result};

impl Desk {
    /// The templates letters are filled from.
    pub fn templates(&self) -> &Templates {
        &self.templates
    }

    /// Fills letters from other templates (by default the `letters` folder beside the
    /// database, over the built-in ones).
    pub fn set_templates(&mut self, templates: Templates) {
        self.templates = templates;
    }

    /// The letter to edit: the saved draft of `kind`, or its template filled from the case.
    /// Refused when the letter does not answer the case as it stands.
    pub fn letter(&self, reference: &Reference, kind: LetterKind) -> Result<LetterDraft> {
        let case = self.store.find_case(reference)?;
        let today = self.today();
        letters::check(&case, kind, today)?;
        if let Some(draft) = self.store.letter_draft(case.id, kind)? {
            return Ok(LetterDraft::new(kind, draft.body, true));
        }
        let customer = case
            .customer
            .as_deref()
            .map(|name| self.customer(name))
            .transpose()?;
        // Each file read once: the company's settings, and the template with where it was.
        let templates = self.templates_in_use()?;
        let company = templates.company()?;
        let (template, file) = templates.template(kind)?;
        let body = template.fill(&case, &company, customer.as_ref(), today)?;
        Ok(LetterDraft {
            template_file: file,
            templates_folder: templates.folder().map(|f| f.display().to_string()),
            ..LetterDraft::new(kind, body, false)
        })
    }

    /// Keeps the agent's edits to a letter not yet sent; blanks may remain.
    pub fn save_letter_draft(
        &mut self,
        reference: &Reference,
        kind: LetterKind,
        body: &str,
    ) -> Result<LetterDraft> {
        let body = letters::validate_body(body, false)?;
        self.letter_write(reference, kind, |tx, case, stamp| {
            let id = tx.save_letter_draft(case.id, kind, &body, &stamp.at, &stamp.actor)?;
            let details = json!({ "letter_id": id, "kind": kind });
            Ok((CaseEvent::LetterDraftSaved, details, Some(id)))
        })?;
        Ok(LetterDraft::new(kind, body, true))
    }

    /// Drops the saved draft of `kind`; returns the template filled afresh.
    pub fn discard_letter_draft(
        &mut self,
        reference: &Reference,
        kind: LetterKind,
    ) -> Result<LetterDraft> {
        self.letter_write(reference, kind, |tx, case, _| {
            withdraw_from_outbox(tx, case, kind)?;
            if !tx.discard_letter_draft(case.id, kind)? {
                return Err(Error::NotAllowed(format!(
                    "there is no saved draft of the {} letter",
                    kind.cli_name()
                )));
            }
            Ok((
                CaseEvent::LetterDraftDiscarded,
                json!({ "kind": kind }),
                None,
            ))
        })?;
        self.letter(reference, kind)
    }

    /// Marks a letter sent: `body` is kept on the case exactly as given, and its hash goes
    /// into the audit trail. Refused while a `[[blank]]` is left.
    pub fn send_letter(
        &mut self,
        reference: &Reference,
        kind: LetterKind,
        body: &str,
    ) -> Result<Letter> {
        let body = letters::validate_body(body, true)?;
        let id = self.letter_write(reference, kind, |tx, case, stamp| {
            mark_sent(tx, case, kind, &body, stamp)
        })?;
        let id = id.ok_or_else(|| Error::internal("sending a letter wrote none"))?;
        let case = self.store.find_case(reference)?;
        self.store
            .letter(case.id, id)?
            .ok_or_else(|| Error::Damaged("a letter just sent cannot be read back".into()))
    }

    /// Marks the answer letter sent and closes the case with the outcome the desk suggested
    /// for it, in one transaction: the agent's "send and close". Refused when `kind` is not
    /// the answer the case is waiting for.
    pub fn send_letter_and_close(
        &mut self,
        reference: &Reference,
        kind: LetterKind,
        body: &str,
    ) -> Result<CaseView> {
        let body = letters::validate_body(body, true)?;
        let today = self.today();
        let stamp = self.stamp();
        let case = self.write(|tx| {
            let case = tx.find_case(reference)?;
            letters::check(&case, kind, today)?;
            let outcome = next::next(&case, today)
                .filter(|n| n.step == Step::Letter(kind))
                .and_then(|n| n.then_close)
                .ok_or_else(|| {
                    Error::NotAllowed(format!(
                        "sending “{}” does not close {reference}: mark it sent, then close the case",
                        kind.title()
                    ))
                })?;
            let (sent, details, _) = mark_sent(tx, &case, kind, &body, &stamp)?;
            tx.append_event(&stamp.event(Some(case.id), EventKind::OnCase(sent), &details))?;
            let answered = tx.find_case(reference)?;
            let input = ActionInput {
                outcome: Some(outcome),
                ..ActionInput::default()
            };
            let change = workflow::apply(&answered, Action::Close, &input, today)?;
            Ok(carry_out(tx, &stamp, &answered, change)?.case)
        })?;
        self.view(case)
    }

    /// A case's letters, drafts and sent, oldest first.
    pub fn letters(&self, reference: &Reference) -> Result<Vec<Letter>> {
        let case = self.store.find_case(reference)?;
        self.store.letters_for_case(case.id)
    }

    /// Saves a sent letter as a plain-text file (UTF-8) to attach to an email; the writing is
    /// recorded on the case.
    pub fn export_letter(
        &mut self,
        reference: &Reference,
        letter_id: LetterId,
        path: &Path,
    ) -> Result<WrittenFile> {
        let case = self.store.find_case(reference)?;
        let letter = self.store.letter(case.id, letter_id)?.ok_or_else(|| {
            Error::Invalid(format!("{reference} has no letter number {letter_id}"))
        })?;
        if letter.sent_at.is_none() {
            return Err(Error::NotAllowed(
                "only a sent letter is saved as a file; mark it sent first".into(),
            ));
        }
        if letter.body.is_empty() {
            return Err(Error::NotAllowed(
                "retention removed this letter's text".into(),
            ));
        }
        let mut text = letter.body.clone();
        text.push('\n');
        let file = write_text_atomically(path, &text)?;
        self.record_written(
            Some(case.id),
            &file,
            EventKind::OnCase(CaseEvent::LetterExported),
            json!({ "letter_id": letter_id, "sha256": file.sha256, "bytes": file.bytes }),
        )?;
        Ok(file)
    }

    /// One audited write about a letter: checks the letter still answers the case, runs
    /// `write` (which names its event and its details), appends the event, and returns the
    /// letter `write` wrote, if any.
    fn letter_write(
        &mut self,
        reference: &Reference,
        kind: LetterKind,
        write: impl FnOnce(
            &mut dyn Writes,
            &Case,
            &Stamp,
        ) -> Result<(CaseEvent, Value, Option<LetterId>)>,
    ) -> Result<Option<LetterId>> {
        let today = self.today();
        let stamp = self.stamp();
        self.write(|tx| {
            let case = tx.find_case(reference)?;
            letters::check(&case, kind, today)?;
            let (event, details, id) = write(tx, &case, &stamp)?;
            tx.append_event(&stamp.event(Some(case.id), EventKind::OnCase(event), &details))?;
            Ok(id)
        })
    }
}

/// Keeps `body` on `case` as the sent letter of `kind`; returns its event and details (the
/// text's SHA-256, which `verify` compares) for the caller to append.
fn mark_sent(
    tx: &mut dyn Writes,
    case: &Case,
    kind: LetterKind,
    body: &str,
    stamp: &Stamp,
) -> Result<(CaseEvent, Value, Option<LetterId>)> {
    withdraw_from_outbox(tx, case, kind)?;
    let id = tx.mark_letter_sent(case.id, kind, body, &stamp.at, &stamp.actor)?;
    let details = json!({ "letter_id": id, "kind": kind, "sha256": letter_hash(body) });
    Ok((CaseEvent::LetterSent, details, Some(id)))
}

/// Takes the draft of `kind`'s message out of the outbox before the draft is discarded or
/// marked sent by hand; refused while a try may have reached the server.
fn withdraw_from_outbox(tx: &mut dyn Writes, case: &Case, kind: LetterKind) -> Result<()> {
    let Some(waiting) = tx.unsent_mail_for(case.id, kind)? else {
        return Ok(());
    };
    if waiting.state == OutboxState::Sending {
        return Err(Error::NotAllowed(format!(
            "the {} letter is being sent by email (outbox message {}); look at the outbox first",
            kind.cli_name(),
            waiting.id
        )));
    }
    tx.withdraw_mail(waiting.id)
}
