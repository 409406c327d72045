//! The single desk's engine: one SQLCipher 4 file, opened with the person's passphrase. This
//! module keys and configures the connection; its siblings hold the SQL of each table, and
//! `store.rs` answers the [`Store`](super::Store) interface with them.

#[cfg(feature = "bench")]
mod benchmark;
mod cases;
mod copy;
mod customers;
mod error;
mod events;
mod export;
mod filter;
mod intake;
mod key;
mod letters;
mod maintenance;
mod migrations;
mod notes;
mod outbox;
mod reports;
mod retention;
mod settings;
mod store;
mod values;
mod views;
mod writes;

use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};

use rusqlite::{Connection, OpenFlags};

#[cfg(feature = "bench")]
pub use benchmark::enable_memory_security;
pub use migrations::SCHEMA_VERSION;

use super::Store;
use crate::{Error, Passphrase, Result};

/// SQLite's page cache, in KiB: decrypted pages stay here, so a list or report run again
/// decrypts nothing (SQLite's default is 2 MiB). Scans that read each page once use
/// [`SCAN_CACHE_KIB`] instead, so memory stays flat however large the file.
const PAGE_CACHE_KIB: i64 = 64 * 1024;

/// The page cache while a full scan (the case export) runs.
const SCAN_CACHE_KIB: i64 = 2 * 1024;

/// How long a write waits for another process's transaction before giving up.
const BUSY_TIMEOUT_MS: u64 = 10_000;

/// An open, unlocked SQLCipher database.
#[derive(Debug)]
pub struct SqlCipher {
    conn: Connection,
    path: PathBuf,
}

impl SqlCipher {
    /// Creates a new encrypted database at `path`; refuses to touch an existing file.
    pub fn create(path: &Path, passphrase: &Passphrase) -> Result<SqlCipher> {
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
        let conn = Connection::open_with_flags(path, flags).map_err(|e| error::opening(e, path))?;
        let store = SqlCipher::key_and_configure(conn, path, passphrase);
        if store.is_err() {
            // Never leave a half-made database behind.
            let _ = fs::remove_file(path);
        }
        let mut store = store?;
        migrations::run(&mut store.conn)?;
        Ok(store)
    }

    /// Opens an existing database. A wrong passphrase changes nothing on disk.
    pub fn open(path: &Path, passphrase: &Passphrase) -> Result<SqlCipher> {
        sniff(path)?;
        passphrase.check_can_open()?;
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = Connection::open_with_flags(path, flags).map_err(|e| error::opening(e, path))?;
        let mut store = SqlCipher::key_and_configure(conn, path, passphrase)?;
        migrations::run(&mut store.conn)?;
        Ok(store)
    }

    /// The engine behind `store`, if it is this one (for checks only it answers).
    pub fn of(store: &dyn Store) -> Option<&SqlCipher> {
        store.as_any().downcast_ref::<SqlCipher>()
    }

    /// Keys a new connection. SQLCipher's `cipher_memory_security` stays off (its default): it
    /// makes every allocation SQLite does an `mlock`/`munlock` pair, which measured 2–10× on
    /// every query (BENCHMARKS.md); the process is kept out of core dumps and debuggers instead
    /// (`crate::process::harden`), and SQLCipher wipes its own key material regardless.
    /// The file keeps SQLCipher 4's standard format, so any SQLCipher client opens it with the
    /// passphrase alone.
    fn key_and_configure(
        conn: Connection,
        path: &Path,
        passphrase: &Passphrase,
    ) -> Result<SqlCipher> {
        // SQLCipher otherwise prints "hmac check failed" to stderr on a wrong key.
        conn.execute_batch("PRAGMA cipher_log_level = NONE;")?;
        conn.execute_batch(&key::pragma(passphrase, "key"))?;
        SqlCipher::configure(conn, path)
    }

    /// Connection settings every store runs with; the first read also proves the key.
    fn configure(conn: Connection, path: &Path) -> Result<SqlCipher> {
        // Set before the first read: another process may be mid-commit or checkpointing.
        conn.busy_timeout(std::time::Duration::from_millis(BUSY_TIMEOUT_MS))?;
        // SQLCipher accepts any key and fails only at the first read: probe now.
        conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| {
            r.get::<_, i64>(0)
        })
        .map_err(|e| error::opening(e, path))?;
        conn.execute_batch(
            "PRAGMA journal_mode = WAL;
             PRAGMA synchronous = FULL;
             PRAGMA foreign_keys = ON;
             PRAGMA temp_store = MEMORY;",
        )?;
        conn.pragma_update(None, "cache_size", -PAGE_CACHE_KIB)?;
        Ok(SqlCipher {
            conn,
            path: path.to_path_buf(),
        })
    }

    /// Where the database lives.
    pub fn path(&self) -> &Path {
        &self.path
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

    /// Stops waiting for the disk at each commit: for tests of logic alone, whose data
    /// may be lost (durability is what the SIGKILL tests prove).
    #[cfg(test)]
    pub(crate) fn without_fsync(&self) -> Result<()> {
        Ok(self.conn.execute_batch("PRAGMA synchronous = OFF;")?)
    }

    /// Runs `scan` with the page cache cut to [`SCAN_CACHE_KIB`]: a scan reads each page once,
    /// and would otherwise fill the whole cache for nothing.
    fn with_scan_cache<T>(&self, scan: impl FnOnce() -> Result<T>) -> Result<T> {
        self.conn
            .pragma_update(None, "cache_size", -SCAN_CACHE_KIB)?;
        let result = scan();
        self.conn
            .pragma_update(None, "cache_size", -PAGE_CACHE_KIB)?;
        result
    }
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
    let metadata = file
        .metadata()
        .map_err(|e| Error::io(format!("cannot read {}", path.display()), e))?;
    if metadata.is_dir() {
        return not_ours("it is a folder");
    }
    let len = metadata.len();
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
        return not_ours("its size is not a whole number of pages: it was truncated or damaged");
    }
    Ok(())
}
