//! The company's files on a team desk: a manager shares this machine's folder of them (letter
//! templates, `company.toml`, `calendars.toml`) with the team, and from then on every desktop
//! fills letters and counts closure days from the shared ones; anyone may pull them into their
//! own folder to read or edit. A single desk reads its files beside the database instead.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde::Serialize;
use serde_json::json;

use super::Desk;
use crate::domain::company_files::{self, Change, CompanyFiles, FileChange, SharedFile};
use crate::domain::events::{DeskEvent, EventKind};
use crate::domain::letters::letter_hash;
use crate::files::company_calendar::{self, CompanyCalendarFile};
use crate::files::company_folder::{self, Written};
use crate::files::templates::Templates;
use crate::{Error, Result};

/// How long a desk fills letters and counts closures from the shared files it last read
/// before it reads them again: another manager's share reaches an open window within this.
const READ_AGAIN_AFTER: Duration = Duration::from_secs(10);

/// The shared files as this desk last read them.
#[derive(Debug, Default)]
pub(super) struct SharedCache {
    read: Option<(Instant, Arc<CompanyFiles>)>,
}

/// One of the company's files on a team desk, shared and here.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CompanyFileStatus {
    /// Its shared name (`letters/denial.txt`).
    pub name: String,
    /// Who shared it and when, if the team shares it.
    pub shared: Option<SharedFile>,
    /// How this machine's copy compares.
    pub here: Here,
}

/// This machine's copy of a company file, against the team's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Here {
    /// The same text as the team's.
    Same,
    /// Other text: an edit not shared yet, or an old copy (`team files pull`).
    Differs,
    /// Not in this machine's folder.
    Missing,
    /// Only here: the team does not share it.
    NotShared,
}

impl Here {
    /// As a person reads it in a list.
    pub fn label(self) -> &'static str {
        match self {
            Here::Same => "same here",
            Here::Differs => "differs here",
            Here::Missing => "not here",
            Here::NotShared => "here only, not shared",
        }
    }
}

/// The company's files of a team desk, as they stand.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CompanyFilesStatus {
    /// This machine's folder for them.
    pub folder: PathBuf,
    /// Each file shared or here, by name.
    pub files: Vec<CompanyFileStatus>,
}

/// What a share did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Shared {
    /// The folder shared.
    pub folder: PathBuf,
    /// Each file, and what sharing did to it.
    pub changes: Vec<FileChange>,
    /// Files in the folder that PrivacyDesk does not read, so were not shared.
    pub ignored: Vec<PathBuf>,
    /// Whether anything changed (and so was recorded): sharing what is shared already
    /// records nothing.
    pub recorded: bool,
}

impl Desk {
    /// This machine's folder for a team desk's company files, or the refusal on a single desk.
    fn company_folder(&self) -> Result<&PathBuf> {
        self.company_folder.as_ref().ok_or_else(|| {
            Error::NotAllowed(
                "this is a single desk (a file): its letter templates and calendars.toml are \
                 the files beside it; sharing them is a team desk's"
                    .into(),
            )
        })
    }

    /// The team's shared files, read again when the last read is older than
    /// [`READ_AGAIN_AFTER`]; `None` on a single desk or while the team shares none.
    pub(super) fn shared_files(&self) -> Result<Option<Arc<CompanyFiles>>> {
        if self.company_folder.is_none() {
            return Ok(None);
        }
        let mut cache = self
            .shared
            .lock()
            .map_err(|_| Error::internal("the shared files' cache was poisoned"))?;
        let files = match &cache.read {
            Some((at, files)) if at.elapsed() < READ_AGAIN_AFTER => Arc::clone(files),
            _ => {
                let files = Arc::new(as_files(self.store.company_files()?));
                cache.read = Some((Instant::now(), Arc::clone(&files)));
                files
            }
        };
        Ok((!files.is_empty()).then_some(files))
    }

    /// The templates letters are filled from now: the team's shared ones once a manager
    /// shared the company's files, else the folder's (or those set by [`Desk::set_templates`]).
    pub(super) fn templates_in_use(&self) -> Result<Templates> {
        Ok(match self.shared_files()? {
            Some(files) => Templates::shared(files),
            None => self.templates.clone(),
        })
    }

    /// The company's calendar settings as they read now — the team's shared `calendars.toml`
    /// once a manager shared the company's files, else the file beside the database — with
    /// the mistake while it has one.
    pub fn company_calendar(&self) -> Result<company_calendar::Read> {
        Ok(self.calendar_file()?.read())
    }

    /// Where the calendar settings in force are read from.
    fn calendar_file(&self) -> Result<CompanyCalendarFile> {
        Ok(match self.shared_files()? {
            Some(files) => self.calendars.shared_as(
                files
                    .get(company_files::calendars_name())
                    .map(str::to_string),
            ),
            None => self.calendars.clone(),
        })
    }

    /// The company's files of this team desk: each shared one with who shared it, and how
    /// this machine's folder compares.
    pub fn company_files_status(&self) -> Result<CompanyFilesStatus> {
        let folder = self.company_folder()?.clone();
        let shared: BTreeMap<String, SharedFile> = self
            .store
            .company_files()?
            .into_iter()
            .map(|f| (f.name.clone(), f))
            .collect();
        let local = company_folder::read(&folder)?;
        let local: BTreeMap<String, String> = local.files.into_iter().collect();
        let mut names = company_files::shareable_names();
        names.sort();
        let files = names
            .into_iter()
            .filter_map(|name| {
                let here = match (shared.get(&name), local.get(&name)) {
                    (None, None) => return None,
                    (Some(s), Some(l)) if &s.text == l => Here::Same,
                    (Some(_), Some(_)) => Here::Differs,
                    (Some(_), None) => Here::Missing,
                    (None, Some(_)) => Here::NotShared,
                };
                Some(CompanyFileStatus {
                    shared: shared.get(&name).cloned(),
                    here,
                    name,
                })
            })
            .collect();
        Ok(CompanyFilesStatus { folder, files })
    }

    /// Shares this machine's folder of company files with the team (a manager's): each file
    /// PrivacyDesk reads is checked (a broken template or settings file stops the share, named,
    /// and nothing is shared), then the team's set becomes the folder's — files added or
    /// changed are sealed and written, files no longer there are no longer shared — in one
    /// transaction with its `company_files_shared` event, which names each file shared with
    /// its SHA-256.
    pub fn share_company_files(&mut self) -> Result<Shared> {
        self.require_manager("sharing the company's files")?;
        let folder = self.company_folder()?.clone();
        let local = company_folder::read(&folder)?;
        let files = CompanyFiles::checked(local.files).map_err(|e| match e {
            Error::Invalid(why) => Error::Invalid(format!("{why}; nothing was shared")),
            other => other,
        })?;
        if files.is_empty() {
            return Err(Error::invalid(format!(
                "{} holds none of the company's files (letters/*.txt, letters/company.toml, \
                 calendars.toml); `privacydesk letter templates` and `privacydesk calendar \
                 init` write them there to edit",
                folder.display()
            )));
        }
        let before = as_files(self.store.company_files()?);
        let changes = files.changes_from(&before);
        let names_where = |wanted: &[Change]| -> Vec<String> {
            changes
                .iter()
                .filter(|c| wanted.contains(&c.change))
                .map(|c| c.name.clone())
                .collect()
        };
        let write = names_where(&[Change::Added, Change::Changed]);
        let remove = names_where(&[Change::Removed]);
        let recorded = !(write.is_empty() && remove.is_empty());
        if recorded {
            let details = json!({
                "files": files.iter().map(|(name, text)| json!({
                    "name": name,
                    "sha256": letter_hash(text),
                })).collect::<Vec<_>>(),
                "removed": remove,
            });
            let stamp = self.stamp();
            let event = stamp.event(
                None,
                EventKind::Desk(DeskEvent::CompanyFilesShared),
                &details,
            );
            self.store
                .team()
                .ok_or_else(|| Error::internal("a team desk without its team"))?
                .share_company_files(&files, &write, &remove, &event)?;
        }
        self.forget_shared_files();
        Ok(Shared {
            folder,
            changes,
            ignored: local.ignored,
            recorded,
        })
    }

    /// Writes the team's shared files into this machine's folder, to read or edit before a
    /// share; a local file with other text is first kept aside (`NAME.before-pull`).
    pub fn pull_company_files(&self) -> Result<Written> {
        let folder = self.company_folder()?;
        let shared = self.store.company_files()?;
        if shared.is_empty() {
            return Err(Error::invalid(
                "the team shares no company files yet: a manager shares them with \
                 `privacydesk team files share`",
            ));
        }
        company_folder::write(
            folder,
            shared.iter().map(|f| (f.name.as_str(), f.text.as_str())),
        )
    }

    /// Reads the shared files again at their next use (after this desk shared them).
    fn forget_shared_files(&self) {
        if let Ok(mut cache) = self.shared.lock() {
            cache.read = None;
        }
    }
}

/// The server's files as one set.
fn as_files(shared: Vec<SharedFile>) -> CompanyFiles {
    CompanyFiles::as_shared(shared.into_iter().map(|f| (f.name, f.text)).collect())
}
