//! Reading the company's calendar settings: `calendars.toml` beside the database, read at each
//! use (like the letter templates) so an edit applies to the next case without a restart. A
//! missing file is the built-in calendars; a malformed one is reported with its line, and the
//! built-in calendars are used until it is fixed — nothing else changes.

use std::fs;
use std::io::ErrorKind;
use std::path::{Path, PathBuf};

use crate::domain::calendar::company::{CompanyCalendar, EXAMPLE, FILE};
use crate::files::atomic::{folder_of, write_text_atomically};
use crate::{Error, Result};

/// Where the settings are, and what reading them found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompanyCalendarFile {
    /// The file on this machine (where `calendar init` writes one to edit).
    path: PathBuf,
    /// What is read: the file, or a team desk's shared text.
    source: Source,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Source {
    File,
    /// Once a manager shared the company's files, the team's text is read instead of the file
    /// (`None`: the team shares no `calendars.toml`, so the built-in calendars).
    Shared(Option<String>),
}

/// The settings as read now: what they say, and what was wrong with the file, if anything.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Read {
    /// The settings in force (the built-in calendars alone when the file is missing or wrong).
    pub settings: CompanyCalendar,
    /// The file's mistake, naming the file and the line, while there is one.
    pub problem: Option<String>,
}

impl CompanyCalendarFile {
    /// `calendars.toml` in the folder of the database file.
    pub fn beside(database: &Path) -> CompanyCalendarFile {
        CompanyCalendarFile::in_folder(folder_of(database))
    }

    /// `calendars.toml` in `folder`.
    pub fn in_folder(folder: &Path) -> CompanyCalendarFile {
        CompanyCalendarFile {
            path: folder.join(FILE),
            source: Source::File,
        }
    }

    /// The same settings read from a team desk's shared text instead (`None`: the team
    /// shares no `calendars.toml`, so the built-in calendars, whatever this machine's file
    /// says).
    pub fn shared_as(&self, text: Option<String>) -> CompanyCalendarFile {
        CompanyCalendarFile {
            path: self.path.clone(),
            source: Source::Shared(text),
        }
    }

    /// The file's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Reads it now.
    pub fn read(&self) -> Read {
        let text = match &self.source {
            Source::Shared(None) => return Read::default(),
            Source::Shared(Some(text)) => text.clone(),
            Source::File => match fs::read_to_string(&self.path) {
                Ok(text) => text,
                Err(e) if e.kind() == ErrorKind::NotFound => return Read::default(),
                Err(e) => return self.problem(&e.to_string()),
            },
        };
        match CompanyCalendar::parse(&text) {
            Ok(settings) => Read {
                settings,
                problem: None,
            },
            Err(why) => self.problem(&why),
        }
    }

    /// Where the settings are read from, as a person reads it.
    pub fn shown(&self) -> String {
        match &self.source {
            Source::Shared(_) => format!("the team's {FILE}"),
            Source::File => self.path.display().to_string(),
        }
    }

    fn problem(&self, why: &str) -> Read {
        Read {
            settings: CompanyCalendar::default(),
            problem: Some(format!(
                "{}: {why}; the built-in calendars are used until it is fixed",
                self.shown()
            )),
        }
    }

    /// Writes the commented example where no file is yet; an existing file is kept as it is.
    /// Returns whether it wrote.
    pub fn write_example(&self) -> Result<bool> {
        if self.path.exists() {
            return Ok(false);
        }
        let path = &self.path;
        // A team desk's company files live in a folder of this machine's own, made on first use.
        let folder = folder_of(path);
        fs::create_dir_all(folder)
            .map_err(|e| Error::io(format!("cannot create {}", folder.display()), e))?;
        write_text_atomically(path, EXAMPLE)?;
        Ok(true)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_example_is_written_into_a_folder_made_for_it() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let file = CompanyCalendarFile::in_folder(&dir.path().join("teams").join("acme"));
        assert!(file.write_example().unwrap_or_else(|e| panic!("{e}")));
        assert!(file.path().exists());
        assert!(
            !file.write_example().unwrap_or_else(|e| panic!("{e}")),
            "kept"
        );
    }

    #[test]
    fn a_missing_file_is_the_built_in_calendars_and_a_broken_one_is_named_with_its_line() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let file = CompanyCalendarFile::beside(&dir.path().join("desk.db"));
        assert_eq!(file.read(), Read::default());
        assert_eq!(file.write_example().ok(), Some(true));
        assert_eq!(
            file.write_example().ok(),
            Some(false),
            "an existing file is kept"
        );
        assert_eq!(file.read().problem, None);
        std::fs::write(file.path(), "[laws]\ngdpr = \"xx\"\n").unwrap_or_else(|e| panic!("{e}"));
        let read = file.read();
        assert_eq!(read.settings, CompanyCalendar::default());
        let problem = read.problem.unwrap_or_default();
        assert!(
            problem.contains("calendars.toml: line 2: unknown holiday calendar"),
            "{problem}"
        );
    }
}
