//! The [`Store`] interface answered by the team desk: each method one of the sibling modules'
//! queries on the agent's connection. A scan that hands rows to a callback either streams them
//! (reports, the export, the trail) or, where the callback builds whole cases, reads them first
//! and hands them over after.

use std::any::Any;
use std::path::Path;

use chrono::NaiveDate;
use postgres::fallible_iterator::FallibleIterator;

use super::{TeamStore, cases, company_files, events, intake, outbox, records, reports, team};
use crate::domain::audit::Event;
use crate::domain::company_files::{CompanyFiles, SharedFile};
use crate::domain::events::EventKind;
use crate::domain::filter::CaseFilter;
use crate::domain::letters::{Letter, LetterKind};
use crate::domain::mail::intake::{IntakeItem, IntakeState};
use crate::domain::mail::outbox::OutboxEntry;
use crate::domain::reports::rows::{Answer, Closing, ScheduledDeletion, StillOpen};
use crate::domain::retention::DueCase;
use crate::domain::team::{TeamMember, TeamRole, TeamSession};
use crate::domain::text::Email;
use crate::domain::views::SavedView;
use crate::store::{
    Appended, ChainReport, EventDraft, Feed, FileCheck, KeyRotation, OpenGroup, Record, Setting,
    Store, Team, Writes,
};
use crate::{Agent, Case, CaseId, Customer, Error, Kind, LetterId, NoteId, Passphrase};
use crate::{IntakeId, OutboxId, Reference, Result, State};

impl TeamStore {
    /// A sealed value that did not open, explained when the reason is a rotated key (the
    /// server's generation of the key is no longer this desk's); any other error as it is.
    fn explained(&self, e: Error) -> Error {
        let rotated = || -> Result<bool> {
            let mut conn = self.conn()?;
            Ok(events::chain_head_and_key(&mut *conn)?.2 != self.key_generation)
        };
        match e {
            Error::Damaged(_) | Error::NotAllowed(_) if rotated().unwrap_or(false) => {
                Error::KeyRotated
            }
            other => other,
        }
    }
}

/// At most this many sealed values that do not open are named by `check_file`.
const MAX_NAMED: usize = 20;

impl Store for TeamStore {
    fn find_case(&self, reference: &Reference) -> Result<Case> {
        cases::find_case(&mut *self.conn()?, &self.seal, reference, false)
            .map_err(|e| self.explained(e))
    }

    fn for_each_case(
        &self,
        filter: &CaseFilter,
        today: NaiveDate,
        each: &mut dyn FnMut(Case) -> Result<()>,
    ) -> Result<()> {
        let found = cases::cases(
            &mut *self.conn()?,
            &self.prepared,
            &self.seal,
            filter,
            today,
        )
        .map_err(|e| self.explained(e))?;
        found.into_iter().try_for_each(each)
    }

    fn count_cases(&self, filter: &CaseFilter, today: NaiveDate) -> Result<u64> {
        cases::count_cases(
            &mut *self.conn()?,
            &self.prepared,
            &self.seal,
            filter,
            today,
        )
    }

    fn open_cases_from(
        &self,
        email: &Email,
        except: Option<CaseId>,
        limit: u32,
    ) -> Result<Vec<Case>> {
        cases::open_cases_from(&mut *self.conn()?, &self.seal, email, except, limit)
    }

    fn counts_by_state(&self) -> Result<Vec<(State, u64)>> {
        cases::counts_by_state(&mut *self.conn()?)
    }

    fn open_counts_by(&self, group: OpenGroup) -> Result<Vec<(String, u64)>> {
        cases::open_counts_by(&mut *self.conn()?, group)
    }

    fn events_for_case(&self, case: CaseId) -> Result<Vec<Event>> {
        events::events_for_case(&mut *self.conn()?, case)
    }

    fn has_event(&self, case: CaseId, kind: EventKind) -> Result<bool> {
        events::has_event(&mut *self.conn()?, case, kind)
    }

    fn note_body(&self, id: NoteId) -> Result<Option<String>> {
        records::note_body(&mut *self.conn()?, &self.seal, id)
    }

    fn chain_head(&self) -> Result<(String, i64)> {
        // A window polls this: it hears of a rotated key here, before it reads anything.
        let (head, count, generation) = events::chain_head_and_key(&mut *self.conn()?)?;
        if generation != self.key_generation {
            return Err(Error::KeyRotated);
        }
        Ok((head, count))
    }

    fn verify_chain(&self, observe: &mut dyn FnMut(&Event)) -> Result<ChainReport> {
        events::verify_chain(&mut *self.conn()?, observe)
    }

    fn for_each_case_state(
        &self,
        each: &mut dyn FnMut(CaseId, &str, &str) -> Result<()>,
    ) -> Result<()> {
        let states = cases::case_states(&mut *self.conn()?)?;
        states
            .iter()
            .try_for_each(|(id, reference, state)| each(*id, reference, state))
    }

    fn letters_for_case(&self, case: CaseId) -> Result<Vec<Letter>> {
        records::letters_for_case(&mut *self.conn()?, &self.seal, case)
    }

    fn letter_draft(&self, case: CaseId, kind: LetterKind) -> Result<Option<Letter>> {
        records::draft(&mut *self.conn()?, &self.seal, case, kind)
    }

    fn letter(&self, case: CaseId, id: LetterId) -> Result<Option<Letter>> {
        records::letter_by_id(&mut *self.conn()?, &self.seal, case, id)
    }

    fn for_each_sent_letter(&self, each: &mut dyn FnMut(CaseId, LetterId, &str)) -> Result<()> {
        let sent = records::sent_letters(&mut *self.conn()?, &self.seal)?;
        for (case, letter, body) in &sent {
            each(*case, *letter, body);
        }
        Ok(())
    }

    fn unsent_mail(&self) -> Result<Vec<OutboxEntry>> {
        outbox::unsent(&mut *self.conn()?)
    }

    fn outbox_entry(&self, id: OutboxId) -> Result<Option<OutboxEntry>> {
        outbox::by_id(&mut *self.conn()?, id)
    }

    fn outbox_by_message_id(&self, message_id: &str) -> Result<Option<OutboxEntry>> {
        outbox::by_message_id(&mut *self.conn()?, message_id)
    }

    fn intake(&self, state: Option<IntakeState>) -> Result<Vec<IntakeItem>> {
        intake::list(&mut *self.conn()?, &self.seal, state)
    }

    fn intake_item(&self, id: IntakeId) -> Result<Option<IntakeItem>> {
        intake::by_id(&mut *self.conn()?, &self.seal, id)
    }

    fn intake_for_case(&self, case: CaseId) -> Result<Vec<IntakeItem>> {
        intake::for_case(&mut *self.conn()?, &self.seal, case)
    }

    fn intake_original(&self, id: IntakeId) -> Result<Option<Vec<u8>>> {
        intake::original(&mut *self.conn()?, &self.seal, id)
    }

    fn mailbox_read_up_to(&self, name: &str) -> Result<Option<(u32, u32)>> {
        intake::read_up_to(&mut *self.conn()?, name)
    }

    fn customer(&self, name: &str) -> Result<Option<Customer>> {
        records::customer(&mut *self.conn()?, &self.seal, name)
    }

    fn customer_names(&self) -> Result<Vec<String>> {
        records::customer_names(&mut *self.conn()?)
    }

    fn saved_views(&self, agent: &Agent) -> Result<Vec<SavedView>> {
        records::saved_views(&mut *self.conn()?, &self.seal, agent)
    }

    fn setting(&self, key: Setting) -> Result<Option<String>> {
        records::setting(&mut *self.conn()?, key)
    }

    fn first_received_on(&self) -> Result<Option<NaiveDate>> {
        reports::first_received_on(&mut *self.conn()?)
    }

    fn each_received(
        &self,
        first: NaiveDate,
        last: NaiveDate,
        each: &mut dyn FnMut(Kind),
    ) -> Result<()> {
        reports::each_kind(&mut *self.conn()?, reports::RECEIVED, first, last, each)
    }

    fn each_extended(
        &self,
        first: NaiveDate,
        last: NaiveDate,
        each: &mut dyn FnMut(Kind),
    ) -> Result<()> {
        reports::each_kind(&mut *self.conn()?, reports::EXTENDED, first, last, each)
    }

    fn each_appeal_received(
        &self,
        first: NaiveDate,
        last: NaiveDate,
        each: &mut dyn FnMut(Kind),
    ) -> Result<()> {
        reports::each_kind(
            &mut *self.conn()?,
            reports::APPEAL_RECEIVED,
            first,
            last,
            each,
        )
    }

    fn each_appeal_decided(
        &self,
        first: NaiveDate,
        last: NaiveDate,
        each: &mut dyn FnMut(Kind, bool),
    ) -> Result<()> {
        reports::each_appeal_decided(&mut *self.conn()?, first, last, each)
    }

    fn each_still_open(&self, last: NaiveDate, each: &mut dyn FnMut(StillOpen)) -> Result<()> {
        reports::each_still_open(&mut *self.conn()?, last, each)
    }

    fn each_closing(
        &self,
        first: NaiveDate,
        last: NaiveDate,
        each: &mut dyn FnMut(Closing),
    ) -> Result<()> {
        reports::each_closing(&mut *self.conn()?, first, last, each)
    }

    fn each_answer(
        &self,
        first: NaiveDate,
        last: NaiveDate,
        each: &mut dyn FnMut(Answer),
    ) -> Result<()> {
        reports::each_answer(&mut *self.conn()?, first, last, each)
    }

    fn each_scheduled_deletion(
        &self,
        first: NaiveDate,
        last: NaiveDate,
        each: &mut dyn FnMut(ScheduledDeletion),
    ) -> Result<()> {
        reports::each_scheduled_deletion(&mut *self.conn()?, first, last, each)
    }

    fn for_each_export_row(
        &self,
        filter: &CaseFilter,
        today: NaiveDate,
        each: &mut dyn FnMut(&[u8]) -> Result<()>,
    ) -> Result<()> {
        reports::export_rows(&mut *self.conn()?, &self.seal, filter, today, each)
    }

    fn count_due_for_retention(&self, cutoff: NaiveDate) -> Result<(u64, u64)> {
        reports::count_due(&mut *self.conn()?, cutoff)
    }

    fn each_due_for_retention(
        &self,
        cutoff: NaiveDate,
        each: &mut dyn FnMut(DueCase),
    ) -> Result<()> {
        reports::each_due(&mut *self.conn()?, cutoff, each)
    }

    fn redaction_mode(&mut self, _on: bool) -> Result<()> {
        // Nothing to switch: what redaction overwrites was sealed, so the row versions the
        // server keeps until its autovacuum reclaims them hold ciphertext only.
        Ok(())
    }

    fn for_each_record(&self, each: &mut dyn FnMut(Record) -> Result<()>) -> Result<()> {
        self.records(each)
    }

    fn load(&mut self, feed: &mut Feed<'_>, last: &EventDraft<'_>) -> Result<Appended> {
        TeamStore::load(self, feed, last)
    }

    fn check_file(&self) -> Result<FileCheck> {
        let mut conn = self.conn()?;
        let mut integrity = Vec::new();
        // The append-only guard is the owner's to drop; a desk without it is said so.
        let guards: i64 = conn
            .query_one(
                "SELECT count(*) FROM pg_trigger
                 WHERE tgrelid = 'events'::regclass AND tgenabled <> 'D'
                   AND tgname IN ('events_are_never_changed', 'events_are_never_truncated')",
                &[],
            )?
            .try_get(0)?;
        if guards != 2 {
            integrity.push(
                "the server's guard that keeps audit events append-only was removed or disabled"
                    .to_string(),
            );
        }
        // Every sealed value must open under the team key in its own place.
        let mut cipher = Vec::new();
        // Streamed: a desk of a million cases is checked in the memory of one row.
        let sql = format!("SELECT {} FROM cases ORDER BY id", cases::CASE_COLUMNS);
        let mut rows = conn.query_raw(&sql, std::iter::empty::<i64>())?;
        while let Some(row) = rows.next()? {
            if cipher.len() >= MAX_NAMED {
                break;
            }
            if let Err(e) = cases::read_case(&row, &self.seal) {
                let reference: String = row.try_get(1)?;
                cipher.push(format!("{reference}: {}", e.line()));
            }
        }
        drop(rows);
        let mut notes = conn.query_raw(
            "SELECT id, body FROM notes ORDER BY id",
            std::iter::empty::<i64>(),
        )?;
        while let Some(note) = notes.next()? {
            if cipher.len() >= MAX_NAMED {
                break;
            }
            let id: i64 = note.try_get(0)?;
            if let Err(e) = self.seal.open("notes.body", id, note.try_get(1)?) {
                cipher.push(format!("note {id}: {}", e.line()));
            }
        }
        drop(notes);
        Ok(FileCheck { integrity, cipher })
    }

    fn backup_to(&self, _target: &Path, _passphrase: &Passphrase) -> Result<()> {
        Err(Error::NotAllowed(
            "a team desk is backed up by its server (pg_dump, replication): its data is sealed, \
             so a dump holds no readable personal data"
                .into(),
        ))
    }

    fn rekey(&mut self, new: &Passphrase) -> Result<()> {
        self.ensure_connected()?;
        team::change_passphrase(
            self.client.get_mut(),
            &self.session.team,
            &self.session.agent,
            self.seal.key(),
            new,
        )
    }

    fn write(&mut self, work: &mut dyn FnMut(&mut dyn Writes) -> Result<()>) -> Result<()> {
        self.transaction(work).map_err(|e| self.explained(e))
    }

    fn as_any(&self) -> &dyn Any {
        self
    }

    fn team(&mut self) -> Option<&mut dyn Team> {
        Some(self)
    }

    fn team_session(&self) -> Option<&TeamSession> {
        Some(&self.session)
    }

    fn company_files(&self) -> Result<Vec<SharedFile>> {
        company_files::shared(&mut *self.conn()?, &self.seal).map_err(|e| self.explained(e))
    }
}

impl Team for TeamStore {
    fn members(&mut self) -> Result<Vec<TeamMember>> {
        self.ensure_connected()?;
        team::members(self.client.get_mut())
    }

    fn add_member(
        &mut self,
        name: &str,
        role: TeamRole,
        passphrase: &Passphrase,
        event: &EventDraft<'_>,
    ) -> Result<()> {
        self.ensure_connected()?;
        team::add_member(
            self.client.get_mut(),
            &self.session.team,
            self.seal.key(),
            (name, role, passphrase),
            event,
        )
    }

    fn remove_member(&mut self, name: &str, event: &EventDraft<'_>) -> Result<()> {
        self.ensure_connected()?;
        team::remove_member(self.client.get_mut(), name, event)
    }

    fn rotate_key(
        &mut self,
        passphrase: &Passphrase,
        event: &EventDraft<'_>,
        progress: &mut dyn FnMut(u64, u64),
    ) -> Result<KeyRotation> {
        TeamStore::rotate_key(self, passphrase, event, progress)
    }

    fn share_company_files(
        &mut self,
        files: &CompanyFiles,
        write: &[String],
        remove: &[String],
        event: &EventDraft<'_>,
    ) -> Result<()> {
        self.ensure_connected()?;
        company_files::share(
            self.client.get_mut(),
            &self.seal,
            files,
            (write, remove),
            event,
        )
    }
}
