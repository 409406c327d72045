//! A whole desk as a stream of records, the way `copy-to` carries it from one engine to another
//! (a single desk's file into a team desk, a team desk into an archive file): every record an
//! engine keeps, in the order a load can write them, each as the domain knows it, so that one
//! engine's reader feeds another's loader with nothing engine-specific between them.
//!
//! Ids are kept (events name cases and notes by id, and a team desk binds each sealed value to
//! its row), and so are the events, verbatim: the copy's trail is the same chain, with the same
//! seals, and the loader checks each link as it writes it.

use crate::domain::audit::Event;
use crate::domain::case::Item;
use crate::domain::letters::Letter;
use crate::domain::mail::intake::KeptMail;
use crate::domain::mail::outbox::OutboxEntry;
use crate::domain::views::SavedView;
use crate::{Case, CaseId, Customer, NoteId, Result};

/// Where a loader takes each record.
pub type Put<'a> = dyn FnMut(Record) -> Result<()> + 'a;

/// What feeds a loader: a reader handing every record to the [`Put`] it is given.
pub type Feed<'a> = dyn FnMut(&mut Put<'_>) -> Result<()> + 'a;

/// One stored thing. A reader hands them out in this order: settings, reference counters,
/// customers, cases, their items, notes, letters, saved views, and last the trail from its
/// first event.
#[derive(Debug, Clone)]
pub enum Record {
    /// A setting, by its stored key.
    Setting {
        /// Its key.
        key: String,
        /// Its value.
        value: String,
    },
    /// The last reference handed out in a year.
    Counter {
        /// The year of receipt.
        year: i32,
        /// The last number used.
        last: i64,
    },
    /// A customer's settings (only configured ones are kept).
    Customer(Customer),
    /// A case without its items (they follow as [`Record::Item`]); its revision says when it
    /// was last written.
    Case {
        /// The case, its id the one to keep.
        case: Box<Case>,
        /// When it was logged (RFC 3339).
        created_at: String,
    },
    /// An item of a case, at its position (from 1).
    Item {
        /// The case.
        case: CaseId,
        /// Its position.
        position: i64,
        /// The item.
        item: Item,
    },
    /// Agent-written text on a case.
    Note {
        /// Its id, which events refer to.
        id: NoteId,
        /// The case.
        case: CaseId,
        /// What it is (`note`, `close` … or `guidance`).
        kind: String,
        /// The text.
        body: String,
        /// When (RFC 3339).
        at: String,
        /// Who wrote it.
        author: String,
    },
    /// A letter of a case, draft or sent.
    Letter {
        /// The case.
        case: CaseId,
        /// The letter, its id the one to keep.
        letter: Letter,
    },
    /// A letter's message in the outbox, sent or not (after the letters: it names one).
    Outbox(OutboxEntry),
    /// A message that arrived, with its original (after the cases: it may name one).
    Mail(Box<KeptMail>),
    /// An agent's saved view.
    View {
        /// Whose.
        agent: String,
        /// The view.
        view: SavedView,
    },
    /// An audit event, to be kept exactly as it is (its seal included).
    Event(Event),
}

/// How much a copy carried, counted as it went.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct Carried {
    /// Cases.
    pub cases: u64,
    /// Notes.
    pub notes: u64,
    /// Letters.
    pub letters: u64,
    /// Audit events.
    pub events: u64,
    /// Customers, saved views, settings and reference counters.
    pub others: u64,
}

impl Carried {
    /// Counts one more record.
    pub fn count(&mut self, record: &Record) {
        match record {
            Record::Case { .. } => self.cases += 1,
            Record::Note { .. } => self.notes += 1,
            Record::Letter { .. } => self.letters += 1,
            Record::Event(_) => self.events += 1,
            Record::Item { .. } => {}
            Record::Setting { .. }
            | Record::Counter { .. }
            | Record::Customer(_)
            | Record::Outbox(_)
            | Record::Mail(_)
            | Record::View { .. } => self.others += 1,
        }
    }
}
