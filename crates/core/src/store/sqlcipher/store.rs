//! The [`Store`] interface answered by the encrypted file: each method is one of the sibling
//! modules' queries on the open connection.

use std::any::Any;
use std::path::Path;

use chrono::NaiveDate;

use super::{
    SqlCipher, cases, customers, events, intake, letters, notes, outbox, reports, retention,
    settings,
};
use crate::domain::audit::Event;
use crate::domain::events::EventKind;
use crate::domain::filter::CaseFilter;
use crate::domain::letters::{Letter, LetterKind};
use crate::domain::mail::intake::{IntakeItem, IntakeState};
use crate::domain::mail::outbox::OutboxEntry;
use crate::domain::reports::rows::{Answer, Closing, ScheduledDeletion, StillOpen};
use crate::domain::retention::DueCase;
use crate::domain::text::Email;
use crate::domain::views::SavedView;
use crate::store::{
    Appended, ChainReport, EventDraft, Feed, FileCheck, OpenGroup, Record, Setting, Store, Writes,
};
use crate::{Agent, Case, CaseId, Customer, Kind, LetterId, NoteId, Passphrase, Reference};
use crate::{IntakeId, OutboxId, Result, State};

impl Store for SqlCipher {
    fn find_case(&self, reference: &Reference) -> Result<Case> {
        cases::find_case(&self.conn, reference)
    }

    fn for_each_case(
        &self,
        filter: &CaseFilter,
        today: NaiveDate,
        each: &mut dyn FnMut(Case) -> Result<()>,
    ) -> Result<()> {
        cases::for_each_case(&self.conn, filter, today, each)
    }

    fn count_cases(&self, filter: &CaseFilter, today: NaiveDate) -> Result<u64> {
        cases::count_cases(&self.conn, filter, today)
    }

    fn open_cases_from(
        &self,
        email: &Email,
        except: Option<CaseId>,
        limit: u32,
    ) -> Result<Vec<Case>> {
        cases::open_cases_from(&self.conn, email, except, limit)
    }

    fn counts_by_state(&self) -> Result<Vec<(State, u64)>> {
        cases::counts_by_state(&self.conn)
    }

    fn open_counts_by(&self, group: OpenGroup) -> Result<Vec<(String, u64)>> {
        cases::open_counts_by(&self.conn, group)
    }

    fn events_for_case(&self, case: CaseId) -> Result<Vec<Event>> {
        events::events_for_case(&self.conn, case)
    }

    fn has_event(&self, case: CaseId, kind: EventKind) -> Result<bool> {
        events::has_event(&self.conn, case, kind)
    }

    fn note_body(&self, id: NoteId) -> Result<Option<String>> {
        notes::note_body(&self.conn, id)
    }

    fn chain_head(&self) -> Result<(String, i64)> {
        events::chain_head(&self.conn)
    }

    fn verify_chain(&self, observe: &mut dyn FnMut(&Event)) -> Result<ChainReport> {
        events::verify_chain(&self.conn, observe)
    }

    fn for_each_case_state(
        &self,
        each: &mut dyn FnMut(CaseId, &str, &str) -> Result<()>,
    ) -> Result<()> {
        cases::for_each_case_state(&self.conn, each)
    }

    fn letters_for_case(&self, case: CaseId) -> Result<Vec<Letter>> {
        letters::letters_for_case(&self.conn, case)
    }

    fn letter_draft(&self, case: CaseId, kind: LetterKind) -> Result<Option<Letter>> {
        letters::draft(&self.conn, case, kind)
    }

    fn letter(&self, case: CaseId, id: LetterId) -> Result<Option<Letter>> {
        letters::letter_by_id(&self.conn, case, id)
    }

    fn for_each_sent_letter(&self, each: &mut dyn FnMut(CaseId, LetterId, &str)) -> Result<()> {
        letters::for_each_sent_letter(&self.conn, each)
    }

    fn unsent_mail(&self) -> Result<Vec<OutboxEntry>> {
        outbox::unsent(&self.conn)
    }

    fn outbox_entry(&self, id: OutboxId) -> Result<Option<OutboxEntry>> {
        outbox::by_id(&self.conn, id)
    }

    fn outbox_by_message_id(&self, message_id: &str) -> Result<Option<OutboxEntry>> {
        outbox::by_message_id(&self.conn, message_id)
    }

    fn intake(&self, state: Option<IntakeState>) -> Result<Vec<IntakeItem>> {
        intake::list(&self.conn, state)
    }

    fn intake_item(&self, id: IntakeId) -> Result<Option<IntakeItem>> {
        intake::by_id(&self.conn, id)
    }

    fn intake_for_case(&self, case: CaseId) -> Result<Vec<IntakeItem>> {
        intake::for_case(&self.conn, case)
    }

    fn intake_original(&self, id: IntakeId) -> Result<Option<Vec<u8>>> {
        intake::original(&self.conn, id)
    }

    fn mailbox_read_up_to(&self, name: &str) -> Result<Option<(u32, u32)>> {
        intake::read_up_to(&self.conn, name)
    }

    fn customer(&self, name: &str) -> Result<Option<Customer>> {
        customers::customer(&self.conn, name)
    }

    fn customer_names(&self) -> Result<Vec<String>> {
        customers::customer_names(&self.conn)
    }

    fn saved_views(&self, agent: &Agent) -> Result<Vec<SavedView>> {
        super::views::saved_views(&self.conn, agent)
    }

    fn setting(&self, key: Setting) -> Result<Option<String>> {
        settings::setting(&self.conn, key)
    }

    fn first_received_on(&self) -> Result<Option<NaiveDate>> {
        reports::first_received_on(&self.conn)
    }

    fn each_received(
        &self,
        first: NaiveDate,
        last: NaiveDate,
        each: &mut dyn FnMut(Kind),
    ) -> Result<()> {
        reports::each_received(&self.conn, first, last, each)
    }

    fn each_appeal_received(
        &self,
        first: NaiveDate,
        last: NaiveDate,
        each: &mut dyn FnMut(Kind),
    ) -> Result<()> {
        reports::each_appeal_received(&self.conn, first, last, each)
    }

    fn each_appeal_decided(
        &self,
        first: NaiveDate,
        last: NaiveDate,
        each: &mut dyn FnMut(Kind, bool),
    ) -> Result<()> {
        reports::each_appeal_decided(&self.conn, first, last, each)
    }

    fn each_extended(
        &self,
        first: NaiveDate,
        last: NaiveDate,
        each: &mut dyn FnMut(Kind),
    ) -> Result<()> {
        reports::each_extended(&self.conn, first, last, each)
    }

    fn each_still_open(&self, last: NaiveDate, each: &mut dyn FnMut(StillOpen)) -> Result<()> {
        reports::each_still_open(&self.conn, last, each)
    }

    fn each_closing(
        &self,
        first: NaiveDate,
        last: NaiveDate,
        each: &mut dyn FnMut(Closing),
    ) -> Result<()> {
        reports::each_closing(&self.conn, first, last, each)
    }

    fn each_answer(
        &self,
        first: NaiveDate,
        last: NaiveDate,
        each: &mut dyn FnMut(Answer),
    ) -> Result<()> {
        reports::each_answer(&self.conn, first, last, each)
    }

    fn each_scheduled_deletion(
        &self,
        first: NaiveDate,
        last: NaiveDate,
        each: &mut dyn FnMut(ScheduledDeletion),
    ) -> Result<()> {
        reports::each_scheduled_deletion(&self.conn, first, last, each)
    }

    fn for_each_export_row(
        &self,
        filter: &CaseFilter,
        today: NaiveDate,
        each: &mut dyn FnMut(&[u8]) -> Result<()>,
    ) -> Result<()> {
        self.export_rows(filter, today, each)
    }

    fn count_due_for_retention(&self, cutoff: NaiveDate) -> Result<(u64, u64)> {
        retention::count_due(&self.conn, cutoff)
    }

    fn each_due_for_retention(
        &self,
        cutoff: NaiveDate,
        each: &mut dyn FnMut(DueCase),
    ) -> Result<()> {
        retention::each_due(&self.conn, cutoff, each)
    }

    fn redaction_mode(&mut self, on: bool) -> Result<()> {
        self.secure_delete(on)
    }

    fn for_each_record(&self, each: &mut dyn FnMut(Record) -> Result<()>) -> Result<()> {
        self.records(each)
    }

    fn load(&mut self, feed: &mut Feed<'_>, last: &EventDraft<'_>) -> Result<Appended> {
        SqlCipher::load(self, feed, last)
    }

    fn check_file(&self) -> Result<FileCheck> {
        self.checks()
    }

    fn backup_to(&self, target: &Path, passphrase: &Passphrase) -> Result<()> {
        self.backup(target, passphrase)
    }

    fn rekey(&mut self, new: &Passphrase) -> Result<()> {
        self.change_key(new)
    }

    fn write(&mut self, work: &mut dyn FnMut(&mut dyn Writes) -> Result<()>) -> Result<()> {
        self.transaction(work)
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}
