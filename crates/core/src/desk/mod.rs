//! The desk: the API the adapters call, one method per use case, each file one feature. A use
//! case asks `domain` what may be done and what it changes, and writes that through the store
//! in one transaction.
//!
//! Architecture invariant: nothing here writes SQL or names a storage engine; the desk sees the
//! store only through [`Store`] and [`Writes`].

mod act;
mod bulk;
mod cases;
mod company_files;
mod copy;
mod customers;
mod demo;
mod duplicates;
mod export;
mod fetch;
mod import;
mod intake;
mod letters;
mod mail;
mod opening;
mod outbox;
mod overview;
mod reports;
mod retention;
mod team;
mod verify;
mod views;

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use chrono::{Local, NaiveDate, SecondsFormat, Utc};
use serde::Serialize;
use serde_json::Value;

pub use cases::{CaseSummary, CaseView, TimelineEntry};
pub use company_files::{CompanyFileStatus, CompanyFilesStatus, Here, Shared};
pub use copy::{CopyStage, CopySummary};
pub use customers::CustomerView;
pub use fetch::{FetchReport, LeftOnServer};
pub use import::ImportSummary;
pub use intake::{ImportReport, Imported, IntakeView};
pub use mail::{MailChangeEffect, MailSettingsChanged, MailSettingsInForce};
pub use opening::Notice;
pub use outbox::{EmailPlan, MailSent};
pub use verify::{MAX_CASE_PROBLEMS, VerifyReport, VerifyStage};

use crate::domain::calendar::company::CompanyCalendar;
use crate::domain::events::EventKind;
use crate::domain::new_case::ValidNewCase;
use crate::domain::team::TeamSession;
use crate::files::atomic::WrittenFile;
use crate::files::company_calendar::CompanyCalendarFile;
use crate::files::mail_settings::MailSettingsFile;
use crate::files::templates::Templates;
use crate::store::Location;
use crate::store::{self, EventDraft, Store, Writes};
use crate::{Agent, CaseId, Error, Passphrase, Result};

/// An unlocked database and the agent working in it.
#[derive(Debug)]
pub struct Desk {
    store: Box<dyn Store>,
    agent: Agent,
    today: Option<NaiveDate>,
    templates: Templates,
    /// The company's calendar settings, read at each use.
    calendars: CompanyCalendarFile,
    /// The mail settings file on this machine, read at each use.
    mail: MailSettingsFile,
    /// The outgoing mail account's password, as the adapter found it (and where it looks, for
    /// the message when there is none).
    mail_password: (Option<crate::mail::Secret>, String),
    /// The incoming account's password, and where the adapter reads it from.
    imap_password: (Option<crate::mail::Secret>, String),
    /// A team desk's folder for the company's files on this machine; `None` on a single desk.
    company_folder: Option<PathBuf>,
    /// The company's files a team shares, as last read.
    shared: Mutex<company_files::SharedCache>,
    /// What opening did besides unlocking, until an adapter takes it.
    opened: Option<Notice>,
}

/// What an export or a report wrote, and the audit chain's head once its writing was recorded.
#[derive(Debug, Clone, Serialize)]
pub struct ExportSummary {
    /// The file.
    #[serde(flatten)]
    pub file: WrittenFile,
    /// Data rows written.
    pub rows: u64,
    /// The audit chain head after the export was recorded, to prove the history later.
    pub chain_head: String,
}

/// Who writes, and when: every event, note and letter of one use case carries the same.
#[derive(Debug, Clone)]
pub(crate) struct Stamp {
    /// When, as RFC 3339 UTC.
    pub at: String,
    /// The agent.
    pub actor: String,
}

impl Stamp {
    /// The event of `kind` on `case` with `details`, by this stamp.
    pub(crate) fn event<'a>(
        &'a self,
        case: Option<CaseId>,
        kind: EventKind,
        details: &'a Value,
    ) -> EventDraft<'a> {
        EventDraft {
            case,
            kind,
            details,
            at: &self.at,
            actor: &self.actor,
        }
    }
}

/// Now, as events record it.
fn timestamp() -> String {
    Utc::now().to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// Every due date comes from the built-in law files and calendars: were one unreadable, no
/// desk opens (rather than count deadlines from a fallback).
fn laws_are_readable() -> Result<()> {
    crate::domain::law::Law::all()?;
    crate::domain::calendar::Calendar::all()?;
    Ok(())
}

impl Desk {
    /// Creates a new encrypted database.
    pub fn create(path: &Path, passphrase: &Passphrase, agent: Agent) -> Result<Desk> {
        laws_are_readable()?;
        let store = store::create(path, passphrase)?;
        Ok(Desk::on(store, agent, path))
    }

    /// Opens (unlocks) an existing database and does what must happen at every opening
    /// (retention); what that did is kept for [`Desk::take_notice`].
    pub fn open(path: &Path, passphrase: &Passphrase, agent: Agent) -> Result<Desk> {
        let mut desk = Desk::open_as_is(path, passphrase, agent)?;
        desk.opened = desk.on_open();
        Ok(desk)
    }

    /// Opens an existing database and changes nothing in it but its schema: for looking at
    /// what opening would do (`retention --dry-run`) and for checking a file (`verify`).
    pub fn open_as_is(path: &Path, passphrase: &Passphrase, agent: Agent) -> Result<Desk> {
        // Before the store: its migrations may work due dates out from the laws.
        laws_are_readable()?;
        let store = store::open(path, passphrase)?;
        Ok(Desk::on(store, agent, path))
    }

    /// Sets up a team desk on a PostgreSQL server, as the server's administrator (`admin` is
    /// the address with the administrator's login): schema, roles, team key and the first
    /// manager, whose passphrase is `passphrase`.
    pub fn init_team(admin: &str, manager: &str, passphrase: &Passphrase) -> Result<()> {
        laws_are_readable()?;
        store::init_team(admin, manager, passphrase, &timestamp())
    }

    /// Opens a team desk (`postgres://NAME@HOST[:PORT]/TEAM`) as NAME with their passphrase,
    /// and does what opening does (retention, when NAME is a manager). The company's letter
    /// templates and calendar settings are read from `company_files`.
    pub fn open_team(address: &str, passphrase: &Passphrase, company_files: &Path) -> Result<Desk> {
        let mut desk = Desk::open_team_as_is(address, passphrase, company_files)?;
        desk.opened = desk.on_open();
        Ok(desk)
    }

    /// Opens a team desk and changes nothing in it.
    pub fn open_team_as_is(
        address: &str,
        passphrase: &Passphrase,
        company_files: &Path,
    ) -> Result<Desk> {
        laws_are_readable()?;
        let store = store::open_team(address, passphrase)?;
        let session = store
            .team_session()
            .ok_or_else(|| Error::internal("a team desk without its session"))?;
        // On a team desk the server names who writes; the desk names the same.
        let agent = Agent::new(&session.agent)?;
        Ok(Desk {
            store,
            agent,
            today: None,
            templates: Templates::in_folder(company_files.join("letters")),
            calendars: CompanyCalendarFile::in_folder(company_files),
            mail: MailSettingsFile::in_folder(company_files),
            mail_password: (None, String::new()),
            imap_password: (None, String::new()),
            company_folder: Some(company_files.to_path_buf()),
            shared: Mutex::default(),
            opened: None,
        })
    }

    /// Opens the database at `location` as every adapter does: a file as `agent`, a team desk
    /// as the login its address names (the server names who writes, so `agent` is not used).
    pub fn open_at(location: &Location, passphrase: &Passphrase, agent: Agent) -> Result<Desk> {
        match location {
            Location::File(path) => Desk::open(path, passphrase, agent),
            Location::Team(address) => {
                Desk::open_team(address, passphrase, &location.company_files()?)
            }
        }
    }

    /// [`Desk::open_at`], changing nothing in the database.
    pub fn open_at_as_is(
        location: &Location,
        passphrase: &Passphrase,
        agent: Agent,
    ) -> Result<Desk> {
        match location {
            Location::File(path) => Desk::open_as_is(path, passphrase, agent),
            Location::Team(address) => {
                Desk::open_team_as_is(address, passphrase, &location.company_files()?)
            }
        }
    }

    /// How many changes the desk has seen (every write appends one audit event): a window
    /// polls it to show what others did without a restart.
    pub fn changes(&self) -> Result<i64> {
        Ok(self.store.chain_head()?.1)
    }

    /// Who is connected, on a team desk; `None` on a single desk.
    pub fn team_session(&self) -> Option<&TeamSession> {
        self.store.team_session()
    }

    /// Opens an unencrypted copy made for the benchmarks (feature `bench` only).
    #[cfg(feature = "bench")]
    pub fn open_unencrypted(path: &Path, agent: Agent) -> Result<Desk> {
        let store = store::open_unencrypted(path)?;
        Ok(Desk::on(store, agent, path))
    }

    /// A desk on `store`, with the company's files beside the database at `path`.
    fn on(store: Box<dyn Store>, agent: Agent, path: &Path) -> Desk {
        Desk {
            store,
            agent,
            today: None,
            templates: Templates::beside(path),
            calendars: CompanyCalendarFile::beside(path),
            mail: MailSettingsFile::beside(path),
            mail_password: (None, String::new()),
            imap_password: (None, String::new()),
            company_folder: None,
            shared: Mutex::default(),
            opened: None,
        }
    }

    /// `valid` with the calendar the company chose for its law (in `settings`), set on it
    /// before it is logged.
    pub(crate) fn with_company_calendar(
        settings: &CompanyCalendar,
        mut valid: ValidNewCase,
    ) -> ValidNewCase {
        valid.calendar = settings.choice(valid.jurisdiction);
        valid
    }

    /// Pins "today" (tests, and the demo seeder replaying history).
    pub fn set_today(&mut self, today: NaiveDate) {
        self.today = Some(today);
    }

    /// Today's date in the agent's local time zone, unless pinned.
    pub fn today(&self) -> NaiveDate {
        self.today.unwrap_or_else(|| Local::now().date_naive())
    }

    /// The agent recorded on events.
    pub fn agent(&self) -> &Agent {
        &self.agent
    }

    /// The store, for checks and benchmarks.
    pub fn store(&self) -> &dyn Store {
        self.store.as_ref()
    }

    /// What a write by this desk's agent now carries.
    pub(crate) fn stamp(&self) -> Stamp {
        Stamp {
            at: timestamp(),
            actor: self.agent.as_str().to_string(),
        }
    }

    /// Runs `work` in one transaction: all of it is written, or none.
    pub(crate) fn write<T>(
        &mut self,
        work: impl FnOnce(&mut dyn Writes) -> Result<T>,
    ) -> Result<T> {
        let mut work = Some(work);
        let mut done = None;
        self.store.write(&mut |tx| {
            let work = work
                .take()
                .ok_or_else(|| Error::internal("a write was run twice"))?;
            done = Some(work(tx)?);
            Ok(())
        })?;
        done.ok_or_else(|| Error::internal("a write ended without its work"))
    }

    /// An online copy to a new encrypted file, opened by the same passphrase.
    pub fn backup(&self, target: &Path, passphrase: &Passphrase) -> Result<()> {
        self.store.backup_to(target, passphrase)
    }

    /// Changes the passphrase.
    pub fn rekey(&mut self, new: &Passphrase) -> Result<()> {
        self.store.rekey(new)
    }

    /// Records an event without a change to a case (an export, a file written from a case)
    /// in the audit trail; returns the chain's head after it.
    pub(crate) fn record(
        &mut self,
        case: Option<CaseId>,
        kind: EventKind,
        details: Value,
    ) -> Result<String> {
        let stamp = self.stamp();
        self.write(|tx| Ok(tx.append_event(&stamp.event(case, kind, &details))?.hash))
    }

    /// Records the writing of `file` in the audit trail. A file that cannot be recorded is
    /// deleted: personal data never leaves the database unaudited.
    pub(crate) fn record_written(
        &mut self,
        case: Option<CaseId>,
        file: &WrittenFile,
        kind: EventKind,
        details: Value,
    ) -> Result<String> {
        self.record(case, kind, details).map_err(|err| {
            match std::fs::remove_file(&file.path) {
                Ok(()) => Error::Io {
                    context: format!(
                        "{} was not kept: writing it could not be recorded in the audit trail",
                        file.path.display()
                    ),
                    source: match err {
                        Error::Io { source, .. } => source,
                        other => std::io::Error::other(other.to_string()),
                    },
                },
                // Say so rather than hide it: the file exists but is not in the audit trail.
                Err(_) => err,
            }
        })
    }
}

const _: () = {
    // The desktop shell keeps a Desk behind a Mutex and moves it to blocking threads.
    const fn assert_send<T: Send>() {}
    assert_send::<Desk>();
};

#[cfg(test)]
mod tests;
