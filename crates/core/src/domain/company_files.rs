//! The company's files a team desk shares: its letter templates with their `company.toml`,
//! its `calendars.toml` and its `mail.toml` — which may be shared, how big, and what sharing
//! a folder changes.
//!
//! A single desk reads these files beside its database; a team desk's manager shares them
//! through the server so that every desktop fills the same letters and counts the same
//! closure days. Each is named by its place in the company-files folder (`calendars.toml`,
//! `letters/company.toml`, `letters/denial.txt`).

use std::collections::BTreeMap;

use serde::Serialize;

use super::calendar::company::{CompanyCalendar, FILE as CALENDARS_FILE};
use super::letters::LetterKind;
use super::letters::fill::{COMPANY_FILE, Company, Template};
use super::mail::MailSettings;
use super::mail::settings::FILE as MAIL_FILE;
use crate::{Error, Result};

/// The folder of the letter templates inside the company-files folder.
pub const LETTERS: &str = "letters";

/// The most a shared file may hold: a template is a few kilobytes; anything near this is a
/// file put in the folder by mistake.
pub const MAX_BYTES: usize = 256 * 1024;

/// Every name that may be shared, in the order they are listed.
pub fn shareable_names() -> Vec<String> {
    let mut names = vec![
        CALENDARS_FILE.to_string(),
        MAIL_FILE.to_string(),
        format!("{LETTERS}/{COMPANY_FILE}"),
    ];
    names.extend(LetterKind::ALL.iter().map(|k| template_name(*k)));
    names
}

/// The shared name of the template of `kind`: `letters/<kind>.txt`.
pub fn template_name(kind: LetterKind) -> String {
    format!("{LETTERS}/{}.txt", kind.as_str())
}

/// The shared name of `company.toml`.
pub fn company_name() -> String {
    format!("{LETTERS}/{COMPANY_FILE}")
}

/// The shared name of `calendars.toml`.
pub fn calendars_name() -> &'static str {
    CALENDARS_FILE
}

/// Whether `name` is one PrivacyDesk reads (anything else in the folder is not shared).
pub fn is_shareable(name: &str) -> bool {
    shareable_names().iter().any(|n| n == name)
}

/// The company's files as one desk reads them: name to text.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CompanyFiles {
    files: BTreeMap<String, String>,
}

impl CompanyFiles {
    /// The files given, each checked: a name PrivacyDesk reads, text within [`MAX_BYTES`],
    /// and (for the kinds it knows) text that reads as that file must — a template that
    /// compiles, settings that parse — so that nothing broken reaches the whole team.
    pub fn checked(files: impl IntoIterator<Item = (String, String)>) -> Result<CompanyFiles> {
        let mut out = BTreeMap::new();
        for (name, text) in files {
            check(&name, &text)?;
            out.insert(name, text);
        }
        Ok(CompanyFiles { files: out })
    }

    /// The files as the server holds them (checked when they were shared).
    pub fn as_shared(files: BTreeMap<String, String>) -> CompanyFiles {
        CompanyFiles { files }
    }

    /// The text of `name`, if it is among them.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.files.get(name).map(String::as_str)
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// Each file, by name.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.files.iter().map(|(n, t)| (n.as_str(), t.as_str()))
    }

    /// What sharing `self` over `before` changes, file by file.
    pub fn changes_from(&self, before: &CompanyFiles) -> Vec<FileChange> {
        let mut names: Vec<&String> = self.files.keys().chain(before.files.keys()).collect();
        names.sort();
        names.dedup();
        names
            .into_iter()
            .map(|name| {
                let change = match (before.files.get(name), self.files.get(name)) {
                    (None, _) => Change::Added,
                    (Some(_), None) => Change::Removed,
                    (Some(old), Some(new)) if old == new => Change::Same,
                    (Some(_), Some(_)) => Change::Changed,
                };
                FileChange {
                    name: name.clone(),
                    change,
                }
            })
            .collect()
    }
}

/// A file as the team desk holds it: its text, and who shared it when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SharedFile {
    /// Its shared name (`letters/denial.txt`).
    pub name: String,
    /// Its text.
    #[serde(skip)]
    pub text: String,
    /// Who shared this text (the server's login).
    pub shared_by: String,
    /// When, as RFC 3339 UTC.
    pub shared_at: String,
}

/// What sharing did to one file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Change {
    /// Shared for the first time.
    Added,
    /// Shared again with other text.
    Changed,
    /// Shared as it was.
    Same,
    /// No longer shared: every desktop uses the built-in one again.
    Removed,
}

impl Change {
    /// As a person reads it in a list.
    pub fn label(self) -> &'static str {
        match self {
            Change::Added => "added",
            Change::Changed => "changed",
            Change::Same => "unchanged",
            Change::Removed => "removed (the built-in one is used)",
        }
    }
}

/// One file of a share.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FileChange {
    /// Its shared name.
    pub name: String,
    /// What happened to it.
    pub change: Change,
}

/// Refuses a file that must not be shared, saying which and why.
fn check(name: &str, text: &str) -> Result<()> {
    if !is_shareable(name) {
        return Err(Error::invalid(format!(
            "{name} is not one of the company's files PrivacyDesk reads"
        )));
    }
    if text.len() > MAX_BYTES {
        return Err(Error::invalid(format!(
            "{name} holds {} kB; a company file may hold at most {} kB",
            text.len() / 1024,
            MAX_BYTES / 1024
        )));
    }
    if text.contains('\0') {
        return Err(Error::invalid(format!(
            "{name} holds a NUL byte: is it a text file?"
        )));
    }
    if name == calendars_name() {
        CompanyCalendar::parse(text).map_err(|why| Error::Invalid(format!("{name}: {why}")))?;
    } else if name == MAIL_FILE {
        MailSettings::parse(text).map_err(|why| Error::Invalid(format!("{name}: {why}")))?;
    } else if name == company_name() {
        Company::parse_over(
            Company::default_settings(),
            text,
            std::path::Path::new(name),
        )?;
    } else {
        Template {
            name: name.to_string(),
            source: text.to_string(),
        }
        .compile()?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files(list: &[(&str, &str)]) -> Result<CompanyFiles> {
        CompanyFiles::checked(list.iter().map(|(n, t)| (n.to_string(), t.to_string())))
    }

    #[test]
    fn only_the_files_privacydesk_reads_are_shared_and_each_must_read_as_it_should() {
        assert!(files(&[("letters/denial.txt", "Dear {{ requester.name }},\n")]).is_ok());
        assert!(files(&[("calendars.toml", "[laws]\ngdpr = \"de\"\n")]).is_ok());
        assert!(files(&[("letters/company.toml", "name = \"Acme\"\n")]).is_ok());
        let refused =
            |list: &[(&str, &str)]| files(list).err().map(|e| e.to_string()).unwrap_or_default();
        assert!(refused(&[("../etc/passwd", "x")]).contains("not one of"));
        assert!(refused(&[("letters/notes.txt", "x")]).contains("not one of"));
        assert!(
            refused(&[("letters/denial.txt", "{% for x in %}")]).contains("letters/denial.txt")
        );
        assert!(refused(&[("calendars.toml", "[laws]\ngdpr = \"xx\"\n")]).contains("line 2"));
        assert!(refused(&[("letters/company.toml", "nmae = 1\n")]).contains("company.toml"));
        assert!(refused(&[("letters/denial.txt", "a\0b")]).contains("NUL"));
        assert!(refused(&[("mail.toml", "[outgoing]\nhost = 1\n")]).contains("mail.toml: line 2"));
        assert!(
            files(&[(
                "mail.toml",
                "[incoming]\nhost = \"imap.example.com\"\nuser = \"u\"\n"
            )])
            .is_ok()
        );
        let big = "x".repeat(MAX_BYTES + 1);
        assert!(refused(&[("letters/denial.txt", &big)]).contains("at most 256 kB"));
    }

    #[test]
    fn a_share_says_what_it_adds_changes_keeps_and_removes() -> Result<()> {
        let before = files(&[
            ("calendars.toml", "[laws]\n"),
            ("letters/denial.txt", "old\n"),
            ("letters/completion.txt", "same\n"),
        ])?;
        let after = files(&[
            ("letters/denial.txt", "new\n"),
            ("letters/completion.txt", "same\n"),
            ("letters/company.toml", "name = \"Acme\"\n"),
        ])?;
        let changes: Vec<(String, Change)> = after
            .changes_from(&before)
            .into_iter()
            .map(|c| (c.name, c.change))
            .collect();
        assert_eq!(
            changes,
            vec![
                ("calendars.toml".into(), Change::Removed),
                ("letters/company.toml".into(), Change::Added),
                ("letters/completion.txt".into(), Change::Same),
                ("letters/denial.txt".into(), Change::Changed),
            ]
        );
        Ok(())
    }

    #[test]
    fn every_letter_has_a_shareable_template_name() {
        for kind in LetterKind::ALL {
            assert!(is_shareable(&template_name(*kind)), "{kind:?}");
        }
        assert!(is_shareable(calendars_name()));
        assert!(is_shareable(&company_name()));
    }
}
