//! The `settings` table: one value per key.

use rusqlite::{Connection, OptionalExtension};

use crate::Result;
use crate::store::Setting;

/// A setting's stored value.
pub(super) fn setting(conn: &Connection, key: Setting) -> Result<Option<String>> {
    Ok(conn
        .query_row(
            "SELECT value FROM settings WHERE key = ?1",
            [key.key()],
            |r| r.get(0),
        )
        .optional()?)
}

/// Sets a setting.
pub(super) fn set_setting(conn: &Connection, key: Setting, value: &str) -> Result<()> {
    conn.execute(
        "INSERT INTO settings (key, value) VALUES (?1, ?2)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        [key.key(), value],
    )?;
    Ok(())
}
