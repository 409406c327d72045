//! The mail settings file, `mail.toml`, beside the database (a team desk's: in this machine's
//! folder of company files, until a manager shares it). Read at each use, like the letter
//! templates, so an edit applies to the next letter sent without a restart; written whole.

use std::fs;
use std::io::ErrorKind;
use std::path::{Path, PathBuf};

use crate::domain::mail::MailSettings;
use crate::domain::mail::settings::FILE;
use crate::files::atomic::{WrittenFile, folder_of, write_text_atomically};
use crate::{Error, Result};

/// Where the mail settings are kept on this machine.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MailSettingsFile {
    path: PathBuf,
}

impl MailSettingsFile {
    /// `mail.toml` in the folder of the database file.
    pub fn beside(database: &Path) -> MailSettingsFile {
        MailSettingsFile::in_folder(folder_of(database))
    }

    /// `mail.toml` in `folder`.
    pub fn in_folder(folder: &Path) -> MailSettingsFile {
        MailSettingsFile {
            path: folder.join(FILE),
        }
    }

    /// The file's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The file's text, `None` when there is none.
    pub fn text(&self) -> Result<Option<String>> {
        match fs::read_to_string(&self.path) {
            Ok(text) => Ok(Some(text)),
            Err(e) if e.kind() == ErrorKind::NotFound => Ok(None),
            Err(e) => Err(Error::io(
                format!("reading the mail settings {}", self.path.display()),
                e,
            )),
        }
    }

    /// The settings it holds (none set when there is no file). A mistake in the file is an
    /// error naming the file and the line: mail is never sent on a guess.
    pub fn read(&self) -> Result<MailSettings> {
        self.settings_in(self.text()?.as_deref())
    }

    /// The settings `text` (this file's, as [`MailSettingsFile::text`] read it) holds.
    pub fn settings_in(&self, text: Option<&str>) -> Result<MailSettings> {
        match text {
            None => Ok(MailSettings::default()),
            Some(text) => parse(text, &self.path.display().to_string()),
        }
    }

    /// Puts the file back as `text` was (`None`: there was none).
    pub fn restore(&self, text: Option<&str>) -> Result<()> {
        match text {
            Some(text) => write_text_atomically(&self.path, text).map(|_| ()),
            None => match fs::remove_file(&self.path) {
                Ok(()) => Ok(()),
                Err(e) if e.kind() == ErrorKind::NotFound => Ok(()),
                Err(e) => Err(Error::io(format!("removing {}", self.path.display()), e)),
            },
        }
    }

    /// Writes `settings` as the whole file.
    pub fn write(&self, settings: &MailSettings) -> Result<WrittenFile> {
        if let Some(folder) = self.path.parent() {
            fs::create_dir_all(folder)
                .map_err(|e| Error::io(format!("making the folder {}", folder.display()), e))?;
        }
        write_text_atomically(&self.path, &settings.to_file_text()?)
    }
}

/// `text` read as mail settings, a mistake named with `source` (the file, or the team's
/// shared `mail.toml`).
pub fn parse(text: &str, source: &str) -> Result<MailSettings> {
    MailSettings::parse(text).map_err(|why| Error::Invalid(format!("{source}: {why}")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::mail::ServerChange;

    #[test]
    fn no_file_is_no_settings_and_what_is_written_reads_back() {
        let dir = tempfile::tempdir().expect("accepted");
        let file = MailSettingsFile::beside(&dir.path().join("desk.db"));
        assert_eq!(file.read().expect("accepted"), MailSettings::default());
        let settings = MailSettings {
            outgoing: Some(
                MailSettings::default()
                    .change_outgoing(&ServerChange {
                        host: Some("smtp.example.com".into()),
                        user: Some("privacy@example.com".into()),
                        address: Some("privacy@example.com".into()),
                        ..ServerChange::default()
                    })
                    .expect("accepted"),
            ),
            incoming: None,
        };
        file.write(&settings).expect("accepted");
        assert_eq!(file.read().expect("accepted"), settings);
    }

    #[test]
    fn a_mistake_names_the_file_and_its_line() {
        let dir = tempfile::tempdir().expect("accepted");
        let file = MailSettingsFile::in_folder(dir.path());
        fs::write(file.path(), "[outgoing]\nport = \"x\"\n").expect("accepted");
        let error = file.read().expect_err("refused").to_string();
        assert!(error.contains("mail.toml: line 2"), "{error}");
    }
}
