//! The encrypted file's numbered schema migrations (SQL in `crates/core/migrations/sqlcipher/`),
//! applied in order, each in one transaction, tracked in `user_version`.
//!
//! Hand-written rather than `rusqlite_migration` because that crate pins an older rusqlite,
//! and two `libsqlite3-sys` cannot link into one binary.

use rusqlite::Connection;

use crate::{Error, Result};

/// The migrations, oldest first; `MIGRATIONS[i]` brings the schema to version `i + 1`.
const MIGRATIONS: &[&str] = &[
    include_str!("../../../migrations/sqlcipher/001_cases.sql"),
    include_str!("../../../migrations/sqlcipher/002_retention.sql"),
    include_str!("../../../migrations/sqlcipher/003_report_indexes.sql"),
    include_str!("../../../migrations/sqlcipher/004_letters.sql"),
    include_str!("../../../migrations/sqlcipher/005_customers_and_views.sql"),
    include_str!("../../../migrations/sqlcipher/006_requester_phone.sql"),
    include_str!("../../../migrations/sqlcipher/007_deletions_by_purge_date.sql"),
    include_str!("../../../migrations/sqlcipher/008_closed_cases_last.sql"),
    include_str!("../../../migrations/sqlcipher/009_identity.sql"),
];

/// The schema version this build writes.
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

/// Brings the database up to [`SCHEMA_VERSION`]; refuses a database from a newer build.
pub(super) fn run(conn: &mut Connection) -> Result<()> {
    let found: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    if found > SCHEMA_VERSION {
        return Err(Error::SchemaTooNew {
            found,
            known: SCHEMA_VERSION,
        });
    }
    for (index, sql) in MIGRATIONS.iter().enumerate().skip(found.max(0) as usize) {
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Exclusive)?;
        // Another process may have migrated while we waited for the lock.
        let now: i64 = tx.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        if now > index as i64 {
            continue;
        }
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", index as i64 + 1)?;
        tx.commit()?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrations_apply_to_an_empty_database_and_are_idempotent() -> Result<()> {
        let mut conn = Connection::open_in_memory()?;
        run(&mut conn)?;
        run(&mut conn)?;
        let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        assert_eq!(version, SCHEMA_VERSION);
        Ok(())
    }

    #[test]
    fn a_newer_database_is_refused() -> Result<()> {
        let mut conn = Connection::open_in_memory()?;
        conn.pragma_update(None, "user_version", SCHEMA_VERSION + 1)?;
        assert!(matches!(run(&mut conn), Err(Error::SchemaTooNew { .. })));
        Ok(())
    }
}
