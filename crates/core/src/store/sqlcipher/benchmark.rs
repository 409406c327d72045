//! For the benchmark harness alone (feature `bench`): an unencrypted copy of a database, and a
//! way to open one, so that the cost of encryption can be measured on the same data.
//!
//! The app and the CLI never enable this feature; without a key they refuse every file.

use std::path::Path;

use rusqlite::{Connection, OpenFlags};

use super::{SqlCipher, migrations};
use crate::{Error, Result};

impl SqlCipher {
    /// Writes every table and index to a new, unencrypted SQLite file (`sqlcipher_export`).
    pub fn write_unencrypted_copy(&self, target: &Path) -> Result<()> {
        if target.exists() {
            return Err(Error::DatabaseExists(target.to_path_buf()));
        }
        let target_text = target
            .to_str()
            .ok_or_else(|| Error::invalid("the copy's path must be valid UTF-8"))?;
        // This connection was opened without the right to create files; an empty file is an
        // empty database to SQLite.
        std::fs::File::create_new(target)
            .map_err(|e| Error::io(format!("cannot create {}", target.display()), e))?;
        self.conn
            .execute("ATTACH DATABASE ?1 AS plaintext KEY ''", [target_text])?;
        // The same page size as the encrypted file: only the encryption differs.
        // SQLCipher answers `page_size` with its `cipher_page_size`, as text.
        let page_size: i64 = self
            .conn
            .query_row("PRAGMA main.page_size", [], |r| r.get::<_, String>(0))?
            .parse()
            .map_err(|_| Error::invalid("unreadable page size"))?;
        self.conn
            .execute_batch(&format!("PRAGMA plaintext.page_size = {page_size};"))?;
        let exported = self
            .conn
            .query_row("SELECT sqlcipher_export('plaintext')", [], |_| Ok(()));
        // sqlcipher_export copies tables, not the schema version the migrations read.
        let version: i64 = self
            .conn
            .query_row("PRAGMA main.user_version", [], |r| r.get(0))?;
        self.conn
            .execute_batch(&format!("PRAGMA plaintext.user_version = {version};"))?;
        self.conn.execute_batch("DETACH DATABASE plaintext;")?;
        exported?;
        Ok(())
    }

    /// Opens an unencrypted copy with the settings the encrypted store runs with.
    pub fn open_unencrypted(path: &Path) -> Result<SqlCipher> {
        if !path.is_file() {
            return Err(Error::DatabaseMissing(path.to_path_buf()));
        }
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = Connection::open_with_flags(path, flags)?;
        let mut store = SqlCipher::configure(conn, path)?;
        migrations::run(&mut store.conn)?;
        Ok(store)
    }
}

/// Turns on SQLCipher's `cipher_memory_security` for this process (it cannot be turned off
/// again), to measure what it would cost: PrivacyDesk leaves it off (SECURITY.md).
pub fn enable_memory_security() -> Result<()> {
    Connection::open_in_memory()?.execute_batch("PRAGMA cipher_memory_security = ON;")?;
    Ok(())
}
