//! `copy-to`: the whole desk copied into a new one — a single desk's file into a new team desk
//! (the day a team moves onto a server), or a team desk into an archive file. Cases, items,
//! notes, letters, customers, saved views, settings and reference counters keep their ids; the
//! trail is carried verbatim, each event checked against the one before by the side that
//! writes it, and the copy's own first new event (`copied_in`, by whoever copied) is sealed to
//! the last copied one, so the copy's trail continues the original's. The original records the
//! copy (`copied_out`) once it is whole; then the copy is verified as `verify` would.

use std::path::{Path, PathBuf};

use serde::Serialize;
use serde_json::json;

use super::{Desk, VerifyReport, VerifyStage};
use crate::domain::events::{DeskEvent, EventKind};
use crate::domain::filter::CaseFilter;
use crate::domain::team::TeamRole;
use crate::store::{self, Carried, Location, Record, Store};
use crate::{Error, Passphrase, Result};

/// Where a copy has got to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CopyStage {
    /// Records carried so far: `cases` of about `total_cases`, `events` of about `total_events`
    /// (the totals as counted before the copy began).
    Copying {
        /// The counts so far.
        carried: Carried,
        /// Cases on the desk when the copy began.
        total_cases: u64,
        /// Events on the trail when the copy began.
        total_events: u64,
    },
    /// The copy is being verified.
    Verifying(VerifyStage),
}

/// What a copy carried, and how the copy verified.
#[derive(Debug, Clone, Serialize)]
pub struct CopySummary {
    /// Where the copy is (a path, or an address without any password).
    pub target: String,
    /// What it carried.
    #[serde(flatten)]
    pub carried: Carried,
    /// The copy's chain head after its `copied_in` event.
    pub chain_head: String,
    /// `verify` on the copy.
    pub verified: VerifyReport,
}

/// Records between two progress reports.
const PROGRESS_EVERY: u64 = 2_000;

impl Desk {
    /// Copies the whole desk into `target`: a new file (made with `passphrase`, which must not
    /// exist yet) or a new team desk (set up with `init`, holding no case and no event yet, on
    /// which `passphrase` logs in the manager its address names). On a team desk, a manager's.
    pub fn copy_to(
        &mut self,
        target: &Location,
        passphrase: &Passphrase,
        progress: &mut dyn FnMut(CopyStage),
    ) -> Result<CopySummary> {
        self.managers_only("copying the whole desk")?;
        let mut copy = open_target(target, passphrase)?;
        let from = self.describe();
        let total_cases = self
            .store
            .count_cases(&CaseFilter::default(), self.today())?;
        let total_events = u64::try_from(self.store.chain_head()?.1).unwrap_or(0);
        let stamp = self.stamp();
        let details = json!({ "from": from });
        let event = stamp.event(None, EventKind::Desk(DeskEvent::CopiedIn), &details);
        let mut carried = Carried::default();
        let source = self.store.as_ref();
        let loaded = copy.load(
            &mut |put| {
                source.for_each_record(&mut |record| {
                    carried.count(&record);
                    let seen = carried.cases + carried.events + carried.notes + carried.letters;
                    if !matches!(record, Record::Item { .. }) && seen % PROGRESS_EVERY == 0 {
                        progress(CopyStage::Copying {
                            carried,
                            total_cases,
                            total_events,
                        });
                    }
                    put(record)
                })
            },
            &event,
        );
        drop(copy);
        let appended = match loaded.and_then(|appended| put_in_place(target).map(|()| appended)) {
            Ok(appended) => appended,
            Err(e) => {
                // A team desk's copy was one transaction, and is gone with it.
                if let Location::File(path) = target {
                    remove_file_and_companions(&partial(path));
                }
                return Err(e);
            }
        };
        let details = json!({
            "to": target.to_string(),
            "cases": carried.cases,
            "events": carried.events,
        });
        // The copy holds everything: were its leaving unrecorded here, it may not stay.
        if let Err(e) = self.record(None, EventKind::Desk(DeskEvent::CopiedOut), details) {
            if let Location::File(path) = target {
                remove_file_and_companions(path);
            }
            return Err(e);
        }
        let copy = Desk::open_at_as_is(target, passphrase, self.agent.clone())?;
        let verified =
            copy.verify_with_progress(&mut |stage| progress(CopyStage::Verifying(stage)))?;
        Ok(CopySummary {
            target: target.to_string(),
            carried,
            chain_head: appended.hash,
            verified,
        })
    }

    /// The desk as its copy names where it came from: a team desk's address (no password), or
    /// a single desk (whose path may name a person's home folder).
    fn describe(&self) -> String {
        match self.team_session() {
            Some(session) => session.address.clone(),
            None => "a single desk's file".into(),
        }
    }
}

/// The empty database a copy goes into.
fn open_target(target: &Location, passphrase: &Passphrase) -> Result<Box<dyn Store>> {
    match target {
        Location::File(path) => {
            if path.exists() {
                return Err(Error::invalid(format!(
                    "{} already exists: a copy goes into a new file",
                    path.display()
                )));
            }
            // Made under another name and renamed once whole: a copy cut off (a crash, a
            // kill) leaves no file at the target to block the next try.
            let partial = partial(path);
            remove_file_and_companions(&partial);
            store::create(&partial, passphrase)
        }
        Location::Team(address) => {
            let copy = store::open_team(address, passphrase)?;
            match copy.team_session() {
                Some(session) if session.role == TeamRole::Manager => Ok(copy),
                _ => Err(Error::RoleNeeded(
                    "copying a desk into a team desk needs the manager role on it".into(),
                )),
            }
        }
    }
}

/// Where a file copy is written until it is whole: beside the target, hidden. (A team desk's
/// copy is its server's one transaction.)
fn partial(path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map_or_else(|| "copy".into(), |n| n.to_string_lossy().into_owned());
    path.with_file_name(format!(".{name}.copying"))
}

/// Renames a whole file copy into place, never over a file that appeared meanwhile.
fn put_in_place(target: &Location) -> Result<()> {
    let Location::File(path) = target else {
        return Ok(());
    };
    if path.exists() {
        return Err(Error::invalid(format!(
            "{} appeared while the copy was made: a copy goes into a new file",
            path.display()
        )));
    }
    std::fs::rename(partial(path), path).map_err(|source| Error::Io {
        context: format!("the copy could not be put in place at {}", path.display()),
        source,
    })
}

/// Deletes a database file and the files SQLite keeps beside it; absent ones are fine.
fn remove_file_and_companions(path: &Path) {
    for suffix in ["", "-wal", "-shm", "-journal"] {
        let mut name = path.as_os_str().to_owned();
        name.push(suffix);
        // Not every companion is made; one that cannot be removed leaves only ciphertext.
        let _ = std::fs::remove_file(PathBuf::from(name));
    }
}
