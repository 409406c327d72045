//! Where the database lives when nobody names one: `privacydesk.db` in the platform's data
//! directory (`~/.local/share/privacydesk/` on Linux), the same for the app and the command.

use std::path::PathBuf;

use crate::{Error, Result};

/// The database file's name in the data directory.
pub const DEFAULT_FILE: &str = "privacydesk.db";

/// The default database file.
pub fn default_database() -> Result<PathBuf> {
    directories::ProjectDirs::from("", "", "privacydesk")
        .map(|dirs| dirs.data_dir().join(DEFAULT_FILE))
        .ok_or_else(|| {
            Error::invalid("cannot find your data directory; give the database with --db FILE")
        })
}
