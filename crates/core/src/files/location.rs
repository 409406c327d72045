//! Where PrivacyDesk keeps things on this machine when nobody names a place: the database file
//! `privacydesk.db` in the platform's data directory (`~/.local/share/privacydesk/` on Linux),
//! the same for the app and the command, and a team desk's company files (letter templates,
//! `calendars.toml`) under `teams/TEAM/` there.

use std::path::PathBuf;

use crate::{Error, Result};

/// The database file's name in the data directory.
pub const DEFAULT_FILE: &str = "privacydesk.db";

fn data_dir() -> Result<PathBuf> {
    directories::ProjectDirs::from("", "", "privacydesk")
        .map(|dirs| dirs.data_dir().to_path_buf())
        .ok_or_else(|| {
            Error::invalid("cannot find your data directory; give the database with --db FILE")
        })
}

/// This machine's folder for the company files of the team desk `team`.
pub fn team_files(team: &str) -> Result<PathBuf> {
    Ok(data_dir()?.join("teams").join(team))
}

/// The file remembering the last team desk opened on this machine (its address, never a
/// password), so the app's unlock screen offers it again.
const LAST_TEAM_DESK: &str = "last-team-desk";

/// The address of the last team desk opened here, if one was.
pub fn last_team_desk() -> Option<String> {
    let text = std::fs::read_to_string(data_dir().ok()?.join(LAST_TEAM_DESK)).ok()?;
    Some(text.trim().to_string()).filter(|t| !t.is_empty())
}

/// Remembers `address` (shown without any password) as the last team desk opened here.
pub fn remember_team_desk(address: &str) -> Result<()> {
    let folder = data_dir()?;
    std::fs::create_dir_all(&folder)
        .map_err(|e| Error::io(format!("cannot create {}", folder.display()), e))?;
    crate::files::atomic::write_atomically(&folder.join(LAST_TEAM_DESK), |out| {
        use std::io::Write;
        writeln!(out, "{address}").map_err(|e| Error::io("cannot remember the team desk", e))
    })?;
    Ok(())
}

/// The default database file.
pub fn default_database() -> Result<PathBuf> {
    Ok(data_dir()?.join(DEFAULT_FILE))
}
