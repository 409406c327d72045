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

/// The default database file.
pub fn default_database() -> Result<PathBuf> {
    Ok(data_dir()?.join(DEFAULT_FILE))
}
