//! Looking after the file itself: SQLite's and SQLCipher's integrity checks, an online backup
//! to a new encrypted file, changing the passphrase, and wiping what redaction frees.

use std::fs;
use std::path::Path;

use rusqlite::Connection;

use super::{SqlCipher, key};
use crate::files::atomic::{folder_of, sync_file};
use crate::store::FileCheck;
use crate::{Error, Passphrase, Result};

impl SqlCipher {
    /// Runs `PRAGMA integrity_check` and `PRAGMA cipher_integrity_check`.
    pub(super) fn checks(&self) -> Result<FileCheck> {
        let collect = |sql: &str| -> Result<Vec<String>> {
            let mut stmt = self.conn.prepare(sql)?;
            let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
            Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
        };
        let integrity = collect("PRAGMA integrity_check")?
            .into_iter()
            .filter(|line| line != "ok")
            .collect();
        let cipher = collect("PRAGMA cipher_integrity_check")?;
        Ok(FileCheck { integrity, cipher })
    }

    /// Copies the whole database, online, to a new encrypted file opened by `passphrase`:
    /// written beside the target and renamed into place once flushed.
    pub(super) fn backup(&self, target: &Path, passphrase: &Passphrase) -> Result<()> {
        if target.exists() {
            return Err(Error::DatabaseExists(target.to_path_buf()));
        }
        let partial = tempfile::Builder::new()
            .prefix(".privacydesk-backup-")
            .tempfile_in(folder_of(target))
            .map_err(|e| Error::io("cannot create the backup file", e))?
            .into_temp_path();
        // The temp file exists empty; SQLite needs to create the database in its place.
        fs::remove_file(&partial).map_err(|e| Error::io("cannot prepare the backup file", e))?;
        {
            let mut dest = Connection::open(&partial)?;
            dest.execute_batch("PRAGMA cipher_log_level = NONE;")?;
            dest.execute_batch(&key::pragma(passphrase, "key"))?;
            let backup = rusqlite::backup::Backup::new(&self.conn, &mut dest)?;
            backup.run_to_completion(256, std::time::Duration::from_millis(0), None)?;
        }
        sync_file(&partial)?;
        partial
            .persist_noclobber(target)
            .map_err(|e| Error::io(format!("cannot write {}", target.display()), e.error))?;
        Ok(())
    }

    /// Changes the passphrase, re-encrypting every page in one step (a crash leaves the old
    /// or the new one working).
    pub(super) fn change_key(&mut self, new: &Passphrase) -> Result<()> {
        // Rekey needs the WAL emptied into the main file first.
        self.conn
            .execute_batch("PRAGMA wal_checkpoint(TRUNCATE);")?;
        self.conn.execute_batch(&key::pragma(new, "rekey"))?;
        self.conn
            .query_row("SELECT count(*) FROM sqlite_master", [], |r| {
                r.get::<_, i64>(0)
            })?;
        Ok(())
    }

    /// While redacting, freed space is overwritten so that redacted text does not linger in
    /// the file's free pages; afterwards the old page versions in the WAL (encrypted, but no
    /// longer needed) are folded in and the WAL truncated.
    pub(super) fn secure_delete(&mut self, on: bool) -> Result<()> {
        if on {
            self.conn.execute_batch("PRAGMA secure_delete = ON;")?;
        } else {
            self.conn
                .execute_batch("PRAGMA secure_delete = OFF; PRAGMA wal_checkpoint(TRUNCATE);")?;
        }
        Ok(())
    }
}
