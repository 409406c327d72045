//! One transaction's writes on the team desk. A case about to be written is read under a row
//! lock (`SELECT … FOR UPDATE`), so two agents acting on it at once are served one after the
//! other, the second seeing the first's change; events go through the server's `append_event`.

use chrono::NaiveDate;
use postgres::Transaction;

use super::sealed::Sealer;
use super::{TeamStore, cases, events, intake, outbox, records, reports};
use crate::domain::case::Item;
use crate::domain::letters::LetterKind;
use crate::domain::mail::intake::{IntakeDecision, IntakeItem, NewIntakeItem};
use crate::domain::mail::outbox::{MailMove, NewOutboxEntry, OutboxEntry};
use crate::domain::views::SavedView;
use crate::store::{Appended, EventDraft, NoteDraft, Setting, Writes};
use crate::{
    Agent, Case, CaseId, Customer, IntakeId, LetterId, NoteId, OutboxId, Reference, Result,
};

/// The writes of one transaction.
struct Tx<'t, 'c> {
    tx: &'t mut Transaction<'c>,
    seal: &'t Sealer,
}

impl TeamStore {
    /// Runs `work` in one transaction: all of it is written, or none (a failure, or a
    /// connection lost before the commit, rolls it back on the server).
    pub(super) fn transaction(
        &mut self,
        work: &mut dyn FnMut(&mut dyn Writes) -> Result<()>,
    ) -> Result<()> {
        self.ensure_connected()?;
        let mut tx = self.client.get_mut().transaction()?;
        work(&mut Tx {
            tx: &mut tx,
            seal: &self.seal,
        })?;
        tx.commit()?;
        Ok(())
    }
}

impl Writes for Tx<'_, '_> {
    fn find_case(&mut self, reference: &Reference) -> Result<Case> {
        cases::find_case(self.tx, self.seal, reference, true)
    }

    fn next_reference(&mut self, year: i32) -> Result<Reference> {
        cases::next_reference(self.tx, year)
    }

    fn insert_case(&mut self, case: &Case, at: &str) -> Result<CaseId> {
        cases::insert_case(self.tx, self.seal, case, at)
    }

    fn update_case(&mut self, case: &Case, at: &str, _by: &str) -> Result<()> {
        cases::update_case(self.tx, self.seal, case, at)
    }

    fn add_items(&mut self, case: CaseId, items: &[Item]) -> Result<()> {
        cases::add_items(self.tx, self.seal, case, items)
    }

    fn insert_note(&mut self, case: &Case, note: &NoteDraft<'_>) -> Result<NoteId> {
        records::insert_note(self.tx, self.seal, case.id, note)
    }

    fn append_event(&mut self, event: &EventDraft<'_>) -> Result<Appended> {
        events::append(self.tx, event)
    }

    fn save_letter_draft(
        &mut self,
        case: CaseId,
        kind: LetterKind,
        body: &str,
        at: &str,
        _author: &str,
    ) -> Result<LetterId> {
        records::save_draft(self.tx, self.seal, case, kind, body, at)
    }

    fn discard_letter_draft(&mut self, case: CaseId, kind: LetterKind) -> Result<bool> {
        records::discard_draft(self.tx, case, kind)
    }

    fn mark_letter_sent(
        &mut self,
        case: CaseId,
        kind: LetterKind,
        body: &str,
        at: &str,
        _author: &str,
    ) -> Result<LetterId> {
        records::mark_sent(self.tx, self.seal, case, kind, body, at)
    }

    fn unsent_mail_for(&mut self, case: CaseId, kind: LetterKind) -> Result<Option<OutboxEntry>> {
        outbox::unsent_for(self.tx, case, kind)
    }

    fn outbox_entry(&mut self, id: OutboxId) -> Result<Option<OutboxEntry>> {
        outbox::by_id(self.tx, id)
    }

    fn queue_mail(&mut self, entry: &NewOutboxEntry<'_>) -> Result<OutboxId> {
        outbox::queue(self.tx, entry)
    }

    fn set_mail_state(&mut self, change: &MailMove<'_>) -> Result<bool> {
        outbox::set_state(self.tx, change)
    }

    fn withdraw_mail(&mut self, id: OutboxId) -> Result<()> {
        outbox::withdraw(self.tx, id)
    }

    fn intake_known(&mut self, message_id: &str) -> Result<Option<IntakeId>> {
        intake::known(self.tx, self.seal, message_id)
    }

    fn keep_mail(&mut self, new: &NewIntakeItem<'_>) -> Result<IntakeId> {
        intake::insert(self.tx, self.seal, new)
    }

    fn intake_item(&mut self, id: IntakeId) -> Result<Option<IntakeItem>> {
        intake::by_id(self.tx, self.seal, id)
    }

    fn set_mailbox_read_up_to(
        &mut self,
        name: &str,
        validity: u32,
        uid: u32,
        at: &str,
    ) -> Result<()> {
        intake::set_read_up_to(self.tx, name, validity, uid, at)
    }

    fn decide_intake(&mut self, decision: &IntakeDecision<'_>) -> Result<bool> {
        intake::decide(self.tx, decision)
    }

    fn save_customer(&mut self, customer: &Customer, at: &str) -> Result<()> {
        records::save_customer(self.tx, self.seal, customer, at)
    }

    fn count_saved_views(&mut self, agent: &Agent, except: &str) -> Result<u64> {
        records::count_saved_views(self.tx, agent, except)
    }

    fn save_view(&mut self, agent: &Agent, view: &SavedView) -> Result<()> {
        records::save_view(self.tx, self.seal, agent, view)
    }

    fn delete_view(&mut self, agent: &Agent, name: &str) -> Result<bool> {
        records::delete_view(self.tx, agent, name)
    }

    fn set_setting(&mut self, key: Setting, value: &str) -> Result<()> {
        records::set_setting(self.tx, key, value)
    }

    fn cases_due_for_retention(&mut self, cutoff: NaiveDate, limit: u32) -> Result<Vec<CaseId>> {
        reports::ids_due(self.tx, cutoff, limit)
    }

    fn redact_case(&mut self, case: CaseId, today: NaiveDate) -> Result<()> {
        reports::redact_case(self.tx, self.seal, case, today)
    }
}
