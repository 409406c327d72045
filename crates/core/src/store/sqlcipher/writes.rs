//! One IMMEDIATE transaction's writes. Two things are gathered and written once, just before
//! the commit: the audit chain's head (however many events were appended) and the search entry
//! of each case whose notes changed (however many notes it got).

use std::collections::BTreeMap;

use chrono::NaiveDate;
use rusqlite::{Connection, TransactionBehavior};

use super::events::ChainCursor;
use super::{
    SqlCipher, cases, customers, intake, letters, notes, outbox, retention, settings, views,
};
use crate::domain::case::Item;
use crate::domain::letters::LetterKind;
use crate::domain::mail::intake::{IntakeDecision, IntakeItem, NewIntakeItem};
use crate::domain::mail::outbox::{MailMove, NewOutboxEntry, OutboxEntry};
use crate::domain::views::SavedView;
use crate::store::{Appended, EventDraft, NoteDraft, Setting, Writes};
use crate::{
    Agent, Case, CaseId, Customer, IntakeId, LetterId, NoteId, OutboxId, Reference, Result,
};

/// A case whose search entry is rebuilt before the commit.
struct Reindex {
    case: Case,
    /// Inserted in this transaction: its notes are those added here, no need to read them.
    new: bool,
    notes: Vec<String>,
}

/// The writes of one transaction on `conn`.
struct Tx<'c> {
    conn: &'c Connection,
    chain: Option<ChainCursor>,
    reindex: BTreeMap<CaseId, Reindex>,
}

impl Tx<'_> {
    /// Writes what was gathered: the search entries, then the chain's head.
    fn finish(self) -> Result<()> {
        for (id, entry) in self.reindex {
            let text = if entry.new {
                entry.notes.join(" ")
            } else {
                notes::all_note_text(self.conn, id)?
            };
            notes::reindex(self.conn, &entry.case, &text)?;
        }
        if let Some(chain) = &self.chain {
            chain.save(self.conn)?;
        }
        Ok(())
    }
}

impl SqlCipher {
    /// Runs `work` in one IMMEDIATE transaction: all of it is written, or none.
    pub(super) fn transaction(
        &mut self,
        work: &mut dyn FnMut(&mut dyn Writes) -> Result<()>,
    ) -> Result<()> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let mut writes = Tx {
            conn: &tx,
            chain: None,
            reindex: BTreeMap::new(),
        };
        work(&mut writes)?;
        writes.finish()?;
        tx.commit()?;
        Ok(())
    }
}

impl Writes for Tx<'_> {
    fn find_case(&mut self, reference: &Reference) -> Result<Case> {
        cases::find_case(self.conn, reference)
    }

    fn next_reference(&mut self, year: i32) -> Result<Reference> {
        cases::next_reference(self.conn, year)
    }

    fn insert_case(&mut self, case: &Case, at: &str) -> Result<CaseId> {
        let id = cases::insert_case(self.conn, case, at)?;
        let case = Case { id, ..case.clone() };
        self.reindex.insert(
            id,
            Reindex {
                case,
                new: true,
                notes: Vec::new(),
            },
        );
        Ok(id)
    }

    fn update_case(&mut self, case: &Case, at: &str, by: &str) -> Result<()> {
        cases::update_case(self.conn, case, at, by)
    }

    fn add_items(&mut self, case: CaseId, items: &[Item]) -> Result<()> {
        cases::add_items(self.conn, case, items)
    }

    fn insert_note(&mut self, case: &Case, note: &NoteDraft<'_>) -> Result<NoteId> {
        let id = notes::insert_note(self.conn, case.id, note)?;
        self.reindex
            .entry(case.id)
            .or_insert_with(|| Reindex {
                case: case.clone(),
                new: false,
                notes: Vec::new(),
            })
            .notes
            .push(note.body.to_string());
        Ok(id)
    }

    fn append_event(&mut self, event: &EventDraft<'_>) -> Result<Appended> {
        let chain = match &mut self.chain {
            Some(chain) => chain,
            None => self.chain.insert(ChainCursor::load(self.conn)?),
        };
        chain.append(self.conn, event)
    }

    fn save_letter_draft(
        &mut self,
        case: CaseId,
        kind: LetterKind,
        body: &str,
        at: &str,
        author: &str,
    ) -> Result<LetterId> {
        letters::save_draft(self.conn, case, kind, body, at, author)
    }

    fn discard_letter_draft(&mut self, case: CaseId, kind: LetterKind) -> Result<bool> {
        letters::discard_draft(self.conn, case, kind)
    }

    fn mark_letter_sent(
        &mut self,
        case: CaseId,
        kind: LetterKind,
        body: &str,
        at: &str,
        author: &str,
    ) -> Result<LetterId> {
        letters::mark_sent(self.conn, case, kind, body, at, author)
    }

    fn unsent_mail_for(&mut self, case: CaseId, kind: LetterKind) -> Result<Option<OutboxEntry>> {
        outbox::unsent_for(self.conn, case, kind)
    }

    fn outbox_entry(&mut self, id: OutboxId) -> Result<Option<OutboxEntry>> {
        outbox::by_id(self.conn, id)
    }

    fn queue_mail(&mut self, entry: &NewOutboxEntry<'_>) -> Result<OutboxId> {
        outbox::queue(self.conn, entry)
    }

    fn set_mail_state(&mut self, change: &MailMove<'_>) -> Result<bool> {
        outbox::set_state(self.conn, change)
    }

    fn withdraw_mail(&mut self, id: OutboxId) -> Result<()> {
        outbox::withdraw(self.conn, id)
    }

    fn intake_known(&mut self, message_id: &str) -> Result<Option<IntakeId>> {
        intake::known(self.conn, message_id)
    }

    fn keep_mail(&mut self, new: &NewIntakeItem<'_>) -> Result<IntakeId> {
        intake::insert(self.conn, new)
    }

    fn intake_item(&mut self, id: IntakeId) -> Result<Option<IntakeItem>> {
        intake::by_id(self.conn, id)
    }

    fn set_mailbox_read_up_to(
        &mut self,
        name: &str,
        validity: u32,
        uid: u32,
        at: &str,
    ) -> Result<()> {
        intake::set_read_up_to(self.conn, name, validity, uid, at)
    }

    fn decide_intake(&mut self, decision: &IntakeDecision<'_>) -> Result<bool> {
        intake::decide(self.conn, decision)
    }

    fn save_customer(&mut self, customer: &Customer, at: &str) -> Result<()> {
        customers::save_customer(self.conn, customer, at)
    }

    fn count_saved_views(&mut self, agent: &Agent, except: &str) -> Result<u64> {
        views::count_saved_views(self.conn, agent, except)
    }

    fn save_view(&mut self, agent: &Agent, view: &SavedView) -> Result<()> {
        views::save_view(self.conn, agent, view)
    }

    fn delete_view(&mut self, agent: &Agent, name: &str) -> Result<bool> {
        views::delete_view(self.conn, agent, name)
    }

    fn set_setting(&mut self, key: Setting, value: &str) -> Result<()> {
        settings::set_setting(self.conn, key, value)
    }

    fn cases_due_for_retention(&mut self, cutoff: NaiveDate, limit: u32) -> Result<Vec<CaseId>> {
        retention::ids_due(self.conn, cutoff, limit)
    }

    fn redact_case(&mut self, case: CaseId, today: NaiveDate) -> Result<()> {
        // Its search entry is emptied here; nothing of it may be written back at the commit.
        self.reindex.remove(&case);
        retention::redact_case(self.conn, case, today)
    }
}
