//! The encrypted SQLCipher file: opening with a passphrase, connection settings, backup and rekey.
//!
//! The store persists what it is given and decides nothing; rules live in `workflow` and `desk`.

#[cfg(feature = "bench")]
mod benchmark;
#[cfg(feature = "bench")]
pub use benchmark::enable_memory_security;
mod cases;
mod events;
pub(crate) mod letters;
mod migrations;
pub(crate) mod stored;

use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};

use rusqlite::{Connection, OpenFlags, TransactionBehavior};

pub use cases::CaseFilter;
pub(crate) use cases::{
    EXPORT_SEPARATOR, add_items, all_note_text, find_case, insert_case, insert_note,
    next_reference, reindex, update_case,
};
pub use events::ChainReport;
pub(crate) use events::{ChainCursor, EventDraft, append_one, note_body};
pub use migrations::SCHEMA_VERSION;

use crate::{Error, Passphrase, Result};

/// SQLite's page cache, in KiB: decrypted pages stay here, so a list or report run again
/// decrypts nothing (SQLite's default is 2 MiB). Scans that read each page once use
/// [`SCAN_CACHE_KIB`] instead, so memory stays flat however large the file.
const PAGE_CACHE_KIB: i64 = 64 * 1024;

/// The page cache while a full scan (the case export) runs.
pub(crate) const SCAN_CACHE_KIB: i64 = 2 * 1024;

/// How long a write waits for another process's transaction before giving up.
const BUSY_TIMEOUT_MS: u64 = 10_000;

/// An open, unlocked database.
#[derive(Debug)]
pub struct Store {
    conn: Connection,
    path: PathBuf,
}

/// The result of `PRAGMA integrity_check` and `PRAGMA cipher_integrity_check`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct FileCheck {
    /// Problems SQLite found in the b-trees; empty when sound.
    pub integrity: Vec<String>,
    /// Pages whose HMAC failed; empty when sound.
    pub cipher: Vec<String>,
}

fn map_open_error(err: rusqlite::Error, path: &Path) -> Error {
    match err.sqlite_error_code() {
        Some(rusqlite::ffi::ErrorCode::NotADatabase) => Error::WrongPassphrase,
        Some(rusqlite::ffi::ErrorCode::CannotOpen) => Error::io(
            format!("cannot open {}", path.display()),
            std::io::Error::other(err.to_string()),
        ),
        _ => Error::from(err),
    }
}

impl Store {
    /// Creates a new encrypted database at `path`; refuses to touch an existing file.
    pub fn create(path: &Path, passphrase: &Passphrase) -> Result<Store> {
        if path.exists() {
            return Err(Error::DatabaseExists(path.to_path_buf()));
        }
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            fs::create_dir_all(parent)
                .map_err(|e| Error::io(format!("cannot create folder {}", parent.display()), e))?;
        }
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = Connection::open_with_flags(path, flags).map_err(|e| map_open_error(e, path))?;
        let store = Store::key_and_configure(conn, path, passphrase);
        if store.is_err() {
            // Never leave a half-made database behind.
            let _ = fs::remove_file(path);
        }
        let mut store = store?;
        migrations::run(&mut store.conn)?;
        Ok(store)
    }

    /// Opens an existing database. A wrong passphrase changes nothing on disk.
    pub fn open(path: &Path, passphrase: &Passphrase) -> Result<Store> {
        Store::sniff(path)?;
        passphrase.check_can_open()?;
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = Connection::open_with_flags(path, flags).map_err(|e| map_open_error(e, path))?;
        let mut store = Store::key_and_configure(conn, path, passphrase)?;
        migrations::run(&mut store.conn)?;
        Ok(store)
    }

    /// Rejects, before keying, files that cannot be a PrivacyDesk database.
    fn sniff(path: &Path) -> Result<()> {
        let mut file = match fs::File::open(path) {
            Ok(file) => file,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(Error::DatabaseMissing(path.to_path_buf()));
            }
            Err(e) => return Err(Error::io(format!("cannot read {}", path.display()), e)),
        };
        let not_ours = |reason| {
            Err(Error::NotADatabase {
                path: path.to_path_buf(),
                reason,
            })
        };
        let len = file
            .metadata()
            .map_err(|e| Error::io(format!("cannot read {}", path.display()), e))?
            .len();
        if file.metadata().map(|m| m.is_dir()).unwrap_or(false) {
            return not_ours("it is a folder");
        }
        if len == 0 {
            return not_ours("the file is empty");
        }
        let mut header = [0u8; 16];
        if file.read_exact(&mut header).is_err() || len < 1024 {
            return not_ours("the file is too short; it may have been truncated");
        }
        if &header == b"SQLite format 3\0" {
            return not_ours("it is an unencrypted SQLite file");
        }
        // Every SQLite page size is a multiple of 512 bytes.
        if len % 512 != 0 {
            return not_ours(
                "its size is not a whole number of pages: it was truncated or damaged",
            );
        }
        Ok(())
    }

    /// Keys a new connection. SQLCipher's `cipher_memory_security` stays off (its default): it
    /// makes every allocation SQLite does an `mlock`/`munlock` pair, which measured 2–10× on
    /// every query (BENCHMARKS.md); the process is kept out of core dumps and debuggers instead
    /// (`crate::process::harden`), and SQLCipher wipes its own key material regardless.
    /// The file keeps SQLCipher 4's standard format, so any SQLCipher client opens it with the
    /// passphrase alone.
    fn key_and_configure(conn: Connection, path: &Path, passphrase: &Passphrase) -> Result<Store> {
        // SQLCipher otherwise prints "hmac check failed" to stderr on a wrong key.
        conn.execute_batch("PRAGMA cipher_log_level = NONE;")?;
        conn.execute_batch(&passphrase.pragma("key"))?;
        Store::configure(conn, path)
    }

    /// Connection settings every store runs with; the first read also proves the key.
    fn configure(conn: Connection, path: &Path) -> Result<Store> {
        // Set before the first read: another process may be mid-commit or checkpointing.
        conn.busy_timeout(std::time::Duration::from_millis(BUSY_TIMEOUT_MS))?;
        // SQLCipher accepts any key and fails only at the first read: probe now.
        conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| {
            r.get::<_, i64>(0)
        })
        .map_err(|e| map_open_error(e, path))?;
        conn.execute_batch(
            "PRAGMA journal_mode = WAL;
             PRAGMA synchronous = FULL;
             PRAGMA foreign_keys = ON;
             PRAGMA temp_store = MEMORY;",
        )?;
        conn.pragma_update(None, "cache_size", -PAGE_CACHE_KIB)?;
        Ok(Store {
            conn,
            path: path.to_path_buf(),
        })
    }

    /// Where the database lives.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The connection, for queries.
    pub(crate) fn conn(&self) -> &Connection {
        &self.conn
    }

    /// Runs `scan` with the page cache cut to [`SCAN_CACHE_KIB`]: a scan reads each page once,
    /// and would otherwise fill the whole cache for nothing.
    pub(crate) fn with_scan_cache<T>(&self, scan: impl FnOnce() -> Result<T>) -> Result<T> {
        self.conn
            .pragma_update(None, "cache_size", -SCAN_CACHE_KIB)?;
        let result = scan();
        self.conn
            .pragma_update(None, "cache_size", -PAGE_CACHE_KIB)?;
        result
    }

    /// Runs `work` in one IMMEDIATE transaction: all of it is written, or none.
    pub(crate) fn write<T>(
        &mut self,
        work: impl FnOnce(&rusqlite::Transaction<'_>) -> Result<T>,
    ) -> Result<T> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let value = work(&tx)?;
        tx.commit()?;
        Ok(value)
    }

    /// Answers a single-value PRAGMA (`cipher_version`, `journal_mode`, …).
    pub fn pragma_value(&self, name: &str) -> Result<String> {
        let value: rusqlite::types::Value =
            self.conn
                .query_row(&format!("PRAGMA {name}"), [], |r| r.get(0))?;
        Ok(match value {
            rusqlite::types::Value::Text(t) => t,
            rusqlite::types::Value::Integer(i) => i.to_string(),
            other => format!("{other:?}"),
        })
    }

    /// Runs SQLite's and SQLCipher's integrity checks.
    pub fn check_file(&self) -> Result<FileCheck> {
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

    /// Copies the whole database, online, to a new encrypted file with the same passphrase.
    pub fn backup_to(&self, target: &Path, passphrase: &Passphrase) -> Result<()> {
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
            dest.execute_batch(&passphrase.pragma("key"))?;
            let backup = rusqlite::backup::Backup::new(&self.conn, &mut dest)?;
            backup.run_to_completion(256, std::time::Duration::from_millis(0), None)?;
        }
        sync_file(&partial)?;
        partial
            .persist_noclobber(target)
            .map_err(|e| Error::io(format!("cannot write {}", target.display()), e.error))?;
        Ok(())
    }

    /// Changes the passphrase, re-encrypting every page in one step.
    pub fn rekey(&mut self, new: &Passphrase) -> Result<()> {
        // Rekey needs the WAL emptied into the main file first.
        self.conn
            .execute_batch("PRAGMA wal_checkpoint(TRUNCATE);")?;
        self.conn.execute_batch(&new.pragma("rekey"))?;
        self.conn
            .query_row("SELECT count(*) FROM sqlite_master", [], |r| {
                r.get::<_, i64>(0)
            })?;
        Ok(())
    }
}

/// The folder a file is in (the current one for a bare file name).
pub(crate) fn folder_of(path: &Path) -> &Path {
    match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    }
}

/// Flushes a finished file to disk before it is renamed into place.
pub(crate) fn sync_file(path: &Path) -> Result<()> {
    fs::File::open(path)
        .and_then(|f| f.sync_all())
        .map_err(|e| Error::io(format!("cannot flush {}", path.display()), e))
}
