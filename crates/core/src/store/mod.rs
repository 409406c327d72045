//! The store: where cases, their audit trail, notes and letters are kept, behind one interface
//! in domain types. [`Store`] reads and maintains a database; [`Writes`] is one transaction.
//! An engine implements both; `sqlcipher` is the encrypted file.
//!
//! Architecture invariant: the store persists what it is given and decides nothing. Which
//! action is allowed, what a due date is, what a report counts — that is `domain`; what a use
//! case writes, in what order — that is `desk`. All SQL lives here, in each engine's module.

mod copy;
mod location;
pub mod postgres;
pub mod sqlcipher;

pub use copy::{Carried, Feed, Put, Record};
pub use location::Location;

use std::any::Any;
use std::fmt;
use std::path::Path;

use chrono::NaiveDate;
use serde::Serialize;
use serde_json::Value;

use crate::domain::audit::{ChainBreak, ChainChecker, Event};
use crate::domain::case::Item;
use crate::domain::company_files::{CompanyFiles, SharedFile};
use crate::domain::events::EventKind;
use crate::domain::filter::CaseFilter;
use crate::domain::letters::{Letter, LetterKind};
use crate::domain::mail::intake::{IntakeDecision, IntakeItem, IntakeState, NewIntakeItem};
use crate::domain::mail::outbox::{MailMove, NewOutboxEntry, OutboxEntry};
use crate::domain::reports::rows::{Answer, Closing, ScheduledDeletion, StillOpen};
use crate::domain::retention::DueCase;
use crate::domain::team::{TeamMember, TeamRole, TeamSession};
use crate::domain::text::Email;
use crate::domain::views::SavedView;
use crate::{
    Agent, Case, CaseId, Customer, IntakeId, Kind, LetterId, NoteId, OutboxId, Passphrase,
    Reference,
};
use crate::{Result, State};

/// Creates a new database at `path`: an encrypted file (the single desk's engine).
pub fn create(path: &Path, passphrase: &Passphrase) -> Result<Box<dyn Store>> {
    Ok(Box::new(sqlcipher::SqlCipher::create(path, passphrase)?))
}

/// Opens the database at `path` with its passphrase.
pub fn open(path: &Path, passphrase: &Passphrase) -> Result<Box<dyn Store>> {
    Ok(Box::new(sqlcipher::SqlCipher::open(path, passphrase)?))
}

/// Sets up a team desk on a PostgreSQL server, as its administrator (the address names the
/// administrator's login): the schema, the roles, a new team key and the first manager.
pub fn init_team(admin: &str, manager: &str, passphrase: &Passphrase, at: &str) -> Result<()> {
    postgres::init(admin, manager, passphrase, at)
}

/// Opens a team desk as the agent its address names, with their passphrase.
pub fn open_team(address: &str, passphrase: &Passphrase) -> Result<Box<dyn Store>> {
    Ok(Box::new(postgres::TeamStore::open(address, passphrase)?))
}

/// Opens an unencrypted copy made for the benchmarks (feature `bench` only).
#[cfg(feature = "bench")]
pub fn open_unencrypted(path: &Path) -> Result<Box<dyn Store>> {
    Ok(Box::new(sqlcipher::SqlCipher::open_unencrypted(path)?))
}

/// An open database: what the use cases read, and the way they write (one transaction at a
/// time, through [`Store::write`]).
pub trait Store: Send + fmt::Debug {
    // ---- cases

    /// One case with its items, by reference.
    fn find_case(&self, reference: &Reference) -> Result<Case>;

    /// Every case the filter selects, open ones by the date they need action then closed ones
    /// latest first, paged as the filter says; items are not loaded.
    fn for_each_case(
        &self,
        filter: &CaseFilter,
        today: NaiveDate,
        each: &mut dyn FnMut(Case) -> Result<()>,
    ) -> Result<()>;

    /// How many cases the filter selects (paging ignored).
    fn count_cases(&self, filter: &CaseFilter, today: NaiveDate) -> Result<u64>;

    /// The open cases whose requester has this address (any letter case), oldest first,
    /// leaving out `except`; at most `limit`.
    fn open_cases_from(
        &self,
        email: &Email,
        except: Option<CaseId>,
        limit: u32,
    ) -> Result<Vec<Case>>;

    /// How many cases are in each state (states with none left out).
    fn counts_by_state(&self) -> Result<Vec<(State, u64)>>;

    /// Open cases per value of `group`, largest first; cases without one left out.
    fn open_counts_by(&self, group: OpenGroup) -> Result<Vec<(String, u64)>>;

    // ---- the audit trail and notes

    /// The events of one case, oldest first.
    fn events_for_case(&self, case: CaseId) -> Result<Vec<Event>>;

    /// Whether the case has an event of this kind.
    fn has_event(&self, case: CaseId, kind: EventKind) -> Result<bool>;

    /// The text of a note, unless retention removed it.
    fn note_body(&self, id: NoteId) -> Result<Option<String>>;

    /// The chain's head and length as recorded.
    fn chain_head(&self) -> Result<(String, i64)>;

    /// Walks every event, checking the hash chain and then the recorded head and length;
    /// shows each sound event to `observe` in order.
    fn verify_chain(&self, observe: &mut dyn FnMut(&Event)) -> Result<ChainReport>;

    /// Every case's id, reference and stored state, as text (it may have been tampered with).
    fn for_each_case_state(
        &self,
        each: &mut dyn FnMut(CaseId, &str, &str) -> Result<()>,
    ) -> Result<()>;

    // ---- letters

    /// A case's letters, drafts and sent, oldest first.
    fn letters_for_case(&self, case: CaseId) -> Result<Vec<Letter>>;

    /// The saved draft of `kind` on a case, if there is one.
    fn letter_draft(&self, case: CaseId, kind: LetterKind) -> Result<Option<Letter>>;

    /// One letter of a case.
    fn letter(&self, case: CaseId, id: LetterId) -> Result<Option<Letter>>;

    /// Every sent letter that still has its text: case, letter and text.
    fn for_each_sent_letter(&self, each: &mut dyn FnMut(CaseId, LetterId, &str)) -> Result<()>;

    // ---- the outbox

    /// The messages not yet sent, oldest first.
    fn unsent_mail(&self) -> Result<Vec<OutboxEntry>>;

    /// One message of the outbox by its number.
    fn outbox_entry(&self, id: OutboxId) -> Result<Option<OutboxEntry>>;

    /// The outbox's message with this Message-ID, if the desk has one.
    fn outbox_by_message_id(&self, message_id: &str) -> Result<Option<OutboxEntry>>;

    // ---- mail that arrived

    /// The messages in `state` (every one with `None`), oldest first.
    fn intake(&self, state: Option<IntakeState>) -> Result<Vec<IntakeItem>>;

    /// One message by its number.
    fn intake_item(&self, id: IntakeId) -> Result<Option<IntakeItem>>;

    /// The messages kept on a case or opened as it, oldest first.
    fn intake_for_case(&self, case: CaseId) -> Result<Vec<IntakeItem>>;

    /// A message's original bytes, unless retention removed them.
    fn intake_original(&self, id: IntakeId) -> Result<Option<Vec<u8>>>;

    /// How far the mailbox `name` was read: its UIDVALIDITY and the last UID.
    fn mailbox_read_up_to(&self, name: &str) -> Result<Option<(u32, u32)>>;

    // ---- customers, saved views, settings

    /// A customer's settings, if anyone set them.
    fn customer(&self, name: &str) -> Result<Option<Customer>>;

    /// Every customer configured or named on an open case, by name (any letter case).
    fn customer_names(&self) -> Result<Vec<String>>;

    /// An agent's saved views, by name.
    fn saved_views(&self, agent: &Agent) -> Result<Vec<SavedView>>;

    /// A setting's stored value.
    fn setting(&self, key: Setting) -> Result<Option<String>>;

    // ---- what the reports and exports read

    /// The day the first case was received, if there is one.
    fn first_received_on(&self) -> Result<Option<NaiveDate>>;

    /// The kind of every case received from `first` to `last`.
    fn each_received(
        &self,
        first: NaiveDate,
        last: NaiveDate,
        each: &mut dyn FnMut(Kind),
    ) -> Result<()>;

    /// The kind of every case extended from `first` to `last`.
    fn each_extended(
        &self,
        first: NaiveDate,
        last: NaiveDate,
        each: &mut dyn FnMut(Kind),
    ) -> Result<()>;

    /// The kind of every case whose appeal arrived from `first` to `last`.
    fn each_appeal_received(
        &self,
        first: NaiveDate,
        last: NaiveDate,
        each: &mut dyn FnMut(Kind),
    ) -> Result<()>;

    /// The kind of every case whose appeal was decided from `first` to `last`, and whether it
    /// was granted.
    fn each_appeal_decided(
        &self,
        first: NaiveDate,
        last: NaiveDate,
        each: &mut dyn FnMut(Kind, bool),
    ) -> Result<()>;

    /// Every case received by `last` and not closed by then.
    fn each_still_open(&self, last: NaiveDate, each: &mut dyn FnMut(StillOpen)) -> Result<()>;

    /// Every case closed from `first` to `last`.
    fn each_closing(
        &self,
        first: NaiveDate,
        last: NaiveDate,
        each: &mut dyn FnMut(Closing),
    ) -> Result<()>;

    /// Every case closed from `first` to `last`, as the yearly metrics read it.
    fn each_answer(
        &self,
        first: NaiveDate,
        last: NaiveDate,
        each: &mut dyn FnMut(Answer),
    ) -> Result<()>;

    /// Every case whose deletion purges from `first` to `last`.
    fn each_scheduled_deletion(
        &self,
        first: NaiveDate,
        last: NaiveDate,
        each: &mut dyn FnMut(ScheduledDeletion),
    ) -> Result<()>;

    /// Every case the filter selects, in the order they were opened, as an export row
    /// (`domain::export_row`): never a whole case. A scan reads each row once, so it keeps
    /// the engine's cache small.
    fn for_each_export_row(
        &self,
        filter: &CaseFilter,
        today: NaiveDate,
        each: &mut dyn FnMut(&[u8]) -> Result<()>,
    ) -> Result<()>;

    // ---- retention

    /// How many cases closed on or before `cutoff` still hold personal details: those to
    /// redact, and those a legal hold keeps whole.
    fn count_due_for_retention(&self, cutoff: NaiveDate) -> Result<(u64, u64)>;

    /// The same cases, oldest closing first.
    fn each_due_for_retention(
        &self,
        cutoff: NaiveDate,
        each: &mut dyn FnMut(DueCase),
    ) -> Result<()>;

    /// Redaction starts (`true`) or ends: while it runs the engine overwrites the space freed
    /// by redacted text, and at its end drops the old copies of what it rewrote.
    fn redaction_mode(&mut self, on: bool) -> Result<()>;

    // ---- copies (`copy-to`)

    /// Hands every record kept to `each`, in [`Record`]'s order, read in one snapshot.
    fn for_each_record(&self, each: &mut dyn FnMut(Record) -> Result<()>) -> Result<()>;

    /// Loads a copy into this database, which must hold no case and no event yet: `feed`
    /// hands every record to the function it is given (ids and events kept as they are, each
    /// event checked against the one before), then `last` is appended. All of it is kept, or
    /// none.
    fn load(&mut self, feed: &mut Feed<'_>, last: &EventDraft<'_>) -> Result<Appended>;

    // ---- the database itself

    /// The engine's own checks of everything it stores.
    fn check_file(&self) -> Result<FileCheck>;

    /// Copies the whole database, online, to a new file opened by `passphrase`.
    fn backup_to(&self, target: &Path, passphrase: &Passphrase) -> Result<()>;

    /// Changes the passphrase.
    fn rekey(&mut self, new: &Passphrase) -> Result<()>;

    /// Runs `work` as one transaction: all of it is kept, or none. `work` runs once.
    fn write(&mut self, work: &mut dyn FnMut(&mut dyn Writes) -> Result<()>) -> Result<()>;

    /// The engine itself, for checks only it can answer (tests, benchmarks).
    fn as_any(&self) -> &dyn Any;

    /// The team, on a team desk: who is connected, and the changes to its membership.
    fn team(&mut self) -> Option<&mut dyn Team> {
        None
    }

    /// Who is connected to a team desk; `None` on a single desk.
    fn team_session(&self) -> Option<&TeamSession> {
        None
    }

    /// The company's files a team desk's manager shared, by name; none on a single desk (its
    /// files are beside it).
    fn company_files(&self) -> Result<Vec<SharedFile>> {
        Ok(Vec::new())
    }
}

/// A team desk's membership, as its server keeps and enforces it.
pub trait Team {
    /// Everyone on the team, by name.
    fn members(&mut self) -> Result<Vec<TeamMember>>;

    /// Adds `name` in `role`, their login made from `passphrase` (which never reaches the
    /// server), and appends `event` in the same transaction; a manager's.
    fn add_member(
        &mut self,
        name: &str,
        role: TeamRole,
        passphrase: &Passphrase,
        event: &EventDraft<'_>,
    ) -> Result<()>;

    /// Removes `name` (their login and their wrapping of the team key) and appends `event` in
    /// the same transaction; a manager's.
    fn remove_member(&mut self, name: &str, event: &EventDraft<'_>) -> Result<()>;

    /// Rotates the team key: every personal value sealed again and every search index made
    /// again under a new key, which is sealed to each other member and wrapped under
    /// `passphrase` (the connected manager's), and `event` appended, in one transaction;
    /// `progress` hears the cases done of the total.
    fn rotate_key(
        &mut self,
        passphrase: &Passphrase,
        event: &EventDraft<'_>,
        progress: &mut dyn FnMut(u64, u64),
    ) -> Result<KeyRotation>;

    /// Shares the company's files: those of `files` named in `write` are sealed and written
    /// (over any shared before), those named in `remove` are no longer shared, and `event` is
    /// appended, in one transaction; a manager's.
    fn share_company_files(
        &mut self,
        files: &CompanyFiles,
        write: &[String],
        remove: &[String],
        event: &EventDraft<'_>,
    ) -> Result<()>;
}

/// What a rotation of the team key did.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct KeyRotation {
    /// The new key's generation (the first key is 1).
    pub generation: i32,
    /// Cases sealed again.
    pub cases: u64,
    /// Personal values sealed again, in all.
    pub values: u64,
    /// Other members the new key was sealed to (each takes it when they next sign in).
    pub agents: u64,
}

/// One transaction's writes. Nothing is kept until the work that holds it returns `Ok`.
pub trait Writes {
    /// One case with its items, by reference, as this transaction sees it.
    fn find_case(&mut self, reference: &Reference) -> Result<Case>;

    /// Hands out the next reference for the year of receipt.
    fn next_reference(&mut self, year: i32) -> Result<Reference>;

    /// Stores a new case and its items; returns its id.
    fn insert_case(&mut self, case: &Case, at: &str) -> Result<CaseId>;

    /// Writes back everything an action may change on a case and its items, as its next
    /// revision, by `by` (a team desk's server names the writer itself).
    fn update_case(&mut self, case: &Case, at: &str, by: &str) -> Result<()>;

    /// Adds items after a case's last one.
    fn add_items(&mut self, case: CaseId, items: &[Item]) -> Result<()>;

    /// Stores agent-written text on `case` (which the search then finds it by).
    fn insert_note(&mut self, case: &Case, note: &NoteDraft<'_>) -> Result<NoteId>;

    /// Appends an event to the audit trail, sealed to the one before.
    fn append_event(&mut self, event: &EventDraft<'_>) -> Result<Appended>;

    /// Saves the draft of `kind`, replacing the one before; returns its id.
    fn save_letter_draft(
        &mut self,
        case: CaseId,
        kind: LetterKind,
        body: &str,
        at: &str,
        author: &str,
    ) -> Result<LetterId>;

    /// Removes the draft of `kind`; true if there was one.
    fn discard_letter_draft(&mut self, case: CaseId, kind: LetterKind) -> Result<bool>;

    /// Keeps `body` as sent (the draft becomes the sent letter); returns its id.
    fn mark_letter_sent(
        &mut self,
        case: CaseId,
        kind: LetterKind,
        body: &str,
        at: &str,
        author: &str,
    ) -> Result<LetterId>;

    /// The unsent message of the draft of `kind` on a case, if it went to the outbox.
    fn unsent_mail_for(&mut self, case: CaseId, kind: LetterKind) -> Result<Option<OutboxEntry>>;

    /// One message of the outbox by its number, read in this transaction.
    fn outbox_entry(&mut self, id: OutboxId) -> Result<Option<OutboxEntry>>;

    /// Puts a letter's message in the outbox, queued; returns its number.
    fn queue_mail(&mut self, entry: &NewOutboxEntry<'_>) -> Result<OutboxId>;

    /// Moves a message as `change` says (a move to `sending` counts a try); true if it moved,
    /// false if another desk moved it first.
    fn set_mail_state(&mut self, change: &MailMove<'_>) -> Result<bool>;

    /// Takes an unsent message out of the outbox.
    fn withdraw_mail(&mut self, id: OutboxId) -> Result<()>;

    /// The message already kept with this Message-ID, if any.
    fn intake_known(&mut self, message_id: &str) -> Result<Option<IntakeId>>;

    /// Keeps a message that arrived, with its original; returns its number.
    fn keep_mail(&mut self, new: &NewIntakeItem<'_>) -> Result<IntakeId>;

    /// One message by its number, read in this transaction.
    fn intake_item(&mut self, id: IntakeId) -> Result<Option<IntakeItem>>;

    /// Moves a message out of the queue as an agent decided; false if it had left it already.
    fn decide_intake(&mut self, decision: &IntakeDecision<'_>) -> Result<bool>;

    /// Records that the mailbox `name` was read up to `uid` under `validity` (never back,
    /// unless the validity changed).
    fn set_mailbox_read_up_to(
        &mut self,
        name: &str,
        validity: u32,
        uid: u32,
        at: &str,
    ) -> Result<()>;

    /// Saves a customer's settings.
    fn save_customer(&mut self, customer: &Customer, at: &str) -> Result<()>;

    /// How many saved views an agent has, leaving out the one named `except`.
    fn count_saved_views(&mut self, agent: &Agent, except: &str) -> Result<u64>;

    /// Saves a view, replacing the agent's view of that name.
    fn save_view(&mut self, agent: &Agent, view: &SavedView) -> Result<()>;

    /// Deletes an agent's view; true if there was one.
    fn delete_view(&mut self, agent: &Agent, name: &str) -> Result<bool>;

    /// Sets a setting.
    fn set_setting(&mut self, key: Setting, value: &str) -> Result<()>;

    /// Up to `limit` cases closed on or before `cutoff` that still hold personal details and
    /// no legal hold keeps, oldest closing first.
    fn cases_due_for_retention(&mut self, cutoff: NaiveDate, limit: u32) -> Result<Vec<CaseId>>;

    /// Removes a case's personal details (see `domain::retention`), keeping its record.
    fn redact_case(&mut self, case: CaseId, today: NaiveDate) -> Result<()>;
}

/// A group of open cases the side bar counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OpenGroup {
    /// By kind (as its stored spelling).
    Kind,
    /// By customer.
    Customer,
    /// By assignee.
    Assignee,
}

/// A setting kept in the database.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Setting {
    /// The retention period in months.
    RetentionMonths,
}

impl Setting {
    /// Its key as stored.
    pub fn key(self) -> &'static str {
        match self {
            Setting::RetentionMonths => "retention_months",
        }
    }
}

/// Agent-written text about to be stored on a case.
#[derive(Debug, Clone, Copy)]
pub struct NoteDraft<'a> {
    /// What it is: the event it goes with (`note`, `close`, `merged_from` …) or `guidance`.
    pub kind: &'a str,
    /// The text.
    pub body: &'a str,
    /// When (RFC 3339).
    pub at: &'a str,
    /// Who wrote it.
    pub author: &'a str,
}

/// An event about to be appended to the trail.
#[derive(Debug, Clone, Copy)]
pub struct EventDraft<'a> {
    /// The case it is about; `None` for the whole desk.
    pub case: Option<CaseId>,
    /// What happened.
    pub kind: EventKind,
    /// Its details; never personal data (they refer to notes by id).
    pub details: &'a Value,
    /// When (RFC 3339).
    pub at: &'a str,
    /// Who.
    pub actor: &'a str,
}

/// An event as it was appended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Appended {
    /// Its position in the trail.
    pub seq: i64,
    /// Its seal: the chain's head now.
    pub hash: String,
}

/// The result of walking the whole trail.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChainReport {
    /// Events checked.
    pub events: i64,
    /// Hash of the last event.
    pub head: String,
    /// The first problem, if any.
    pub broken: Option<ChainBreak>,
}

impl ChainReport {
    /// A walk of the trail that stopped at its first broken event.
    pub(crate) fn broken_at(checker: &ChainChecker, broken: ChainBreak) -> ChainReport {
        ChainReport {
            events: checker.count(),
            head: checker.head().into(),
            broken: Some(broken),
        }
    }

    /// A walk that reached the last event: sound if it ends where the recorded head and
    /// length say (events cut off the end are noticed here).
    pub(crate) fn at_end(checker: &ChainChecker, (head, count): (String, i64)) -> ChainReport {
        let broken = (head != checker.head() || count != checker.count()).then(|| ChainBreak {
            seq: checker.count() + 1,
            problem: format!(
                "the trail ends at event {} but {count} events were recorded (events were cut off the end)",
                checker.count()
            ),
        });
        ChainReport {
            events: checker.count(),
            head: checker.head().into(),
            broken,
        }
    }
}

/// The engine's own checks of the stored data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FileCheck {
    /// Problems found in the stored structures; empty when sound.
    pub integrity: Vec<String>,
    /// Pages whose encryption check (HMAC) failed; empty when sound.
    pub cipher: Vec<String>,
}
