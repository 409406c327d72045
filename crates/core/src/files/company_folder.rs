//! A team desk's company files in this machine's folder for it (`teams/TEAM/`): read there to
//! be shared with the team, and the team's shared ones written there to edit. Nothing is
//! overwritten unseen: a local file that differs from the one written over it is kept aside.

use std::fs;
use std::io::ErrorKind;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::domain::company_files::{self, LETTERS};
use crate::files::atomic::write_text_atomically;
use crate::{Error, Result};

/// The shareable files found in a folder, and what else is there that is not shared.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FolderFiles {
    /// Each shareable file there, by its shared name, with its text.
    pub files: Vec<(String, String)>,
    /// Files there that PrivacyDesk does not read, so are not shared.
    pub ignored: Vec<PathBuf>,
}

/// Reads the files of `root` that a team shares. A file that is not UTF-8 text is refused,
/// named.
pub fn read(root: &Path) -> Result<FolderFiles> {
    let mut out = FolderFiles::default();
    for name in company_files::shareable_names() {
        if let Some(text) = local_text(root, &name)? {
            out.files.push((name, text));
        }
    }
    let letters = root.join(LETTERS);
    match fs::read_dir(&letters) {
        Ok(entries) => {
            for entry in entries {
                let entry = entry
                    .map_err(|e| Error::io(format!("cannot list {}", letters.display()), e))?;
                let name = format!("{LETTERS}/{}", entry.file_name().to_string_lossy());
                if !company_files::is_shareable(&name) {
                    out.ignored.push(entry.path());
                }
            }
        }
        Err(e) if e.kind() == ErrorKind::NotFound => {}
        Err(e) => return Err(Error::io(format!("cannot list {}", letters.display()), e)),
    }
    out.ignored.sort();
    Ok(out)
}

/// The text of the shared name `name` in `root`, if the file is there.
pub fn local_text(root: &Path, name: &str) -> Result<Option<String>> {
    let path = root.join(name);
    match fs::read(&path) {
        Ok(bytes) => String::from_utf8(bytes).map(Some).map_err(|_| {
            Error::invalid(format!(
                "{} is not UTF-8 text; save it as UTF-8",
                path.display()
            ))
        }),
        Err(e) if e.kind() == ErrorKind::NotFound => Ok(None),
        Err(e) => Err(Error::io(format!("cannot read {}", path.display()), e)),
    }
}

/// What [`write`] did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Written {
    /// Files written.
    pub written: Vec<PathBuf>,
    /// Files that were there with the same text.
    pub same: Vec<PathBuf>,
    /// Local files that differed, each moved aside (from, to) before it was written over.
    pub kept_aside: Vec<(PathBuf, PathBuf)>,
}

/// Writes each `(shared name, text)` into `root`, each file whole; a file there with other text
/// is first moved aside to `NAME.before-pull` (or `NAME.before-pull.2`, …).
pub fn write<'a>(
    root: &Path,
    files: impl IntoIterator<Item = (&'a str, &'a str)>,
) -> Result<Written> {
    let mut out = Written::default();
    for (name, text) in files {
        if !company_files::is_shareable(name) {
            return Err(Error::Damaged(format!(
                "the team desk shares a file named {name}, which PrivacyDesk does not read"
            )));
        }
        let path = root.join(name);
        match local_text(root, name) {
            Ok(Some(local)) if local == text => {
                out.same.push(path);
                continue;
            }
            Ok(None) => {}
            // Differs, or is not text: either way it is kept, under another name.
            Ok(Some(_)) | Err(Error::Invalid(_)) => {
                let aside = free_name_beside(&path);
                fs::rename(&path, &aside)
                    .map_err(|e| Error::io(format!("cannot move {} aside", path.display()), e))?;
                out.kept_aside.push((path.clone(), aside));
            }
            Err(e) => return Err(e),
        }
        if let Some(folder) = path.parent() {
            fs::create_dir_all(folder)
                .map_err(|e| Error::io(format!("cannot create {}", folder.display()), e))?;
        }
        write_text_atomically(&path, text)?;
        out.written.push(path);
    }
    Ok(out)
}

/// `PATH.before-pull`, or the first of `PATH.before-pull.2`, `.3`, … that is not taken.
fn free_name_beside(path: &Path) -> PathBuf {
    let with = |suffix: String| {
        let mut name = path.as_os_str().to_owned();
        name.push(suffix);
        PathBuf::from(name)
    };
    let first = with(".before-pull".into());
    if !first.exists() {
        return first;
    }
    (2..)
        .map(|n| with(format!(".before-pull.{n}")))
        .find(|p| !p.exists())
        .unwrap_or(first)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn folder() -> tempfile::TempDir {
        tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn the_shareable_files_are_read_and_the_rest_named_as_not_shared() -> Result<()> {
        let dir = folder();
        let letters = dir.path().join("letters");
        fs::create_dir_all(&letters).map_err(|e| Error::io("mkdir", e))?;
        fs::write(letters.join("denial.txt"), "Dear you\n").map_err(|e| Error::io("w", e))?;
        fs::write(letters.join("notes.md"), "mine\n").map_err(|e| Error::io("w", e))?;
        fs::write(dir.path().join("calendars.toml"), "[laws]\n").map_err(|e| Error::io("w", e))?;
        let read = read(dir.path())?;
        assert_eq!(
            read.files,
            vec![
                ("calendars.toml".to_string(), "[laws]\n".to_string()),
                ("letters/denial.txt".to_string(), "Dear you\n".to_string()),
            ]
        );
        assert_eq!(read.ignored, vec![letters.join("notes.md")]);

        fs::write(letters.join("completion.txt"), [0xff, 0xfe]).map_err(|e| Error::io("w", e))?;
        let why = super::read(dir.path()).err().map(|e| e.to_string());
        assert!(
            why.unwrap_or_default()
                .contains("completion.txt is not UTF-8")
        );
        Ok(())
    }

    #[test]
    fn writing_the_teams_files_keeps_a_differing_local_one_aside() -> Result<()> {
        let dir = folder();
        let root = dir.path();
        let first = write(
            root,
            [("letters/denial.txt", "team\n"), ("calendars.toml", "")],
        )?;
        assert_eq!(first.written.len(), 2);
        let again = write(root, [("letters/denial.txt", "team\n")])?;
        assert_eq!(again.same, vec![root.join("letters/denial.txt")]);

        fs::write(root.join("letters/denial.txt"), "my edit\n").map_err(|e| Error::io("w", e))?;
        let pulled = write(root, [("letters/denial.txt", "team v2\n")])?;
        let aside = root.join("letters/denial.txt.before-pull");
        assert_eq!(
            pulled.kept_aside,
            vec![(root.join("letters/denial.txt"), aside.clone())]
        );
        assert_eq!(
            fs::read_to_string(&aside).ok().as_deref(),
            Some("my edit\n")
        );
        assert_eq!(
            fs::read_to_string(root.join("letters/denial.txt"))
                .ok()
                .as_deref(),
            Some("team v2\n")
        );
        fs::write(root.join("letters/denial.txt"), "edit 2\n").map_err(|e| Error::io("w", e))?;
        let pulled = write(root, [("letters/denial.txt", "team v3\n")])?;
        assert_eq!(
            pulled.kept_aside[0].1,
            root.join("letters/denial.txt.before-pull.2"),
            "the first one kept aside is not written over"
        );
        assert!(write(root, [("../escape.txt", "x")]).is_err());
        Ok(())
    }
}
