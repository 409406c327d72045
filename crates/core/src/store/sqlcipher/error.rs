//! SQLite's failures in core's words: busy, damaged, a full disk, a wrong key.

use std::path::Path;

use rusqlite::ffi::ErrorCode;

use crate::Error;

impl From<rusqlite::Error> for Error {
    fn from(err: rusqlite::Error) -> Self {
        match err.sqlite_error_code() {
            Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked) => Error::Busy,
            Some(ErrorCode::DatabaseCorrupt | ErrorCode::NotADatabase) => {
                Error::Damaged(err.to_string())
            }
            Some(ErrorCode::DiskFull) => Error::Io {
                context: "nothing was saved".into(),
                source: std::io::Error::new(std::io::ErrorKind::StorageFull, err.to_string()),
            },
            _ => Error::Database(Box::new(err)),
        }
    }
}

/// What a failure while opening `path` means: a key that does not fit the file is a wrong
/// passphrase (SQLCipher says "not a database" at the first read), a file that cannot be
/// opened is named.
pub(super) fn opening(err: rusqlite::Error, path: &Path) -> Error {
    match err.sqlite_error_code() {
        Some(ErrorCode::NotADatabase) => Error::WrongPassphrase,
        Some(ErrorCode::CannotOpen) => Error::io(
            format!("cannot open {}", path.display()),
            std::io::Error::other(err.to_string()),
        ),
        _ => Error::from(err),
    }
}
