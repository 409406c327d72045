//! The encrypted file's numbered schema migrations (SQL in `crates/core/migrations/sqlcipher/`,
//! or a step in Rust where a rule of the domain must be applied to stored rows), applied in
//! order, each in one transaction, tracked in `user_version`.
//!
//! Hand-written rather than `rusqlite_migration` because that crate pins an older rusqlite,
//! and two `libsqlite3-sys` cannot link into one binary.

use rusqlite::{Connection, Transaction, params};

use chrono::NaiveDate;

use crate::domain::case::{attention_on, queue_on};
use crate::domain::deadline::{Clock, Extension, Pause};
use crate::{Error, Jurisdiction, Kind, Result, State};

/// One migration: SQL, or a step that needs the domain's rules.
enum Migration {
    Sql(&'static str),
    Code(fn(&Transaction<'_>) -> Result<()>),
}

use Migration::{Code, Sql};

/// The migrations, oldest first; `MIGRATIONS[i]` brings the schema to version `i + 1`.
const MIGRATIONS: &[Migration] = &[
    Sql(include_str!("../../../migrations/sqlcipher/001_cases.sql")),
    Sql(include_str!(
        "../../../migrations/sqlcipher/002_retention.sql"
    )),
    Sql(include_str!(
        "../../../migrations/sqlcipher/003_report_indexes.sql"
    )),
    Sql(include_str!(
        "../../../migrations/sqlcipher/004_letters.sql"
    )),
    Sql(include_str!(
        "../../../migrations/sqlcipher/005_customers_and_views.sql"
    )),
    Sql(include_str!(
        "../../../migrations/sqlcipher/006_requester_phone.sql"
    )),
    Sql(include_str!(
        "../../../migrations/sqlcipher/007_deletions_by_purge_date.sql"
    )),
    Sql(include_str!(
        "../../../migrations/sqlcipher/008_closed_cases_last.sql"
    )),
    Sql(include_str!(
        "../../../migrations/sqlcipher/009_identity.sql"
    )),
    Code(due_dates_off_public_holidays),
    Code(ccpa_opt_outs_in_business_days),
    Sql(include_str!(
        "../../../migrations/sqlcipher/012_authorized_agents.sql"
    )),
    Sql(include_str!(
        "../../../migrations/sqlcipher/013_appeals.sql"
    )),
    Sql(include_str!(
        "../../../migrations/sqlcipher/014_case_calendar.sql"
    )),
    Sql(include_str!(
        "../../../migrations/sqlcipher/015_case_revision.sql"
    )),
    Sql(include_str!("../../../migrations/sqlcipher/016_outbox.sql")),
    Sql(include_str!("../../../migrations/sqlcipher/017_intake.sql")),
];

/// Schema 10: GDPR and UK GDPR due dates move off public holidays, not only weekends. Each such
/// case's stored due date (and the list's keys that follow it) is worked out again; nothing
/// else about a case changes.
fn due_dates_off_public_holidays(tx: &Transaction<'_>) -> Result<()> {
    work_due_dates_out_again(tx, "jurisdiction IN ('gdpr', 'uk_gdpr')")
}

/// Schema 11: a CCPA opt-out is due within 15 business days (11 CCR § 7026(f)(1)), not 45
/// calendar days.
fn ccpa_opt_outs_in_business_days(tx: &Transaction<'_>) -> Result<()> {
    work_due_dates_out_again(tx, "jurisdiction = 'ccpa' AND kind = 'marketing_opt_out'")
}

/// The stored values a due date and the list's keys are worked out from.
struct Stored {
    id: i64,
    kind: Kind,
    jurisdiction: Jurisdiction,
    state: State,
    received_on: NaiveDate,
    due_on: NaiveDate,
    pauses: String,
    extension: Option<Extension>,
    purge_on: Option<NaiveDate>,
    held: bool,
    closed_on: Option<NaiveDate>,
}

/// The due-date inputs of each case `selected` picks.
fn read_stored(tx: &Transaction<'_>, selected: &str) -> Result<Vec<Stored>> {
    Ok(tx
        .prepare(&format!(
            "SELECT id, kind, jurisdiction, state, received_on, due_on, pauses, extended_until,
                    extension_granted_on, purge_on, legal_hold IS NOT NULL, closed_on
             FROM cases WHERE {selected}"
        ))?
        .query_map([], |r| {
            let extension = match (r.get(7)?, r.get(8)?) {
                (Some(until), Some(granted_on)) => Some(Extension { until, granted_on }),
                _ => None,
            };
            Ok(Stored {
                id: r.get(0)?,
                kind: r.get(1)?,
                jurisdiction: r.get(2)?,
                state: r.get(3)?,
                received_on: r.get(4)?,
                due_on: r.get(5)?,
                pauses: r.get(6)?,
                extension,
                purge_on: r.get(9)?,
                held: r.get(10)?,
                closed_on: r.get(11)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?)
}

/// Works out again the due date of each case `selected` picks (a fixed condition on its
/// columns), and the list's keys that follow it, where the rules now give another. Reads only
/// columns every schema since 2 has, so that a later migration's columns are never needed.
fn work_due_dates_out_again(tx: &Transaction<'_>, selected: &str) -> Result<()> {
    let rows = read_stored(tx, selected)?;
    let mut update =
        tx.prepare("UPDATE cases SET due_on = ?2, attention_on = ?3, queue_on = ?4 WHERE id = ?1")?;
    for row in rows {
        let pauses: Vec<Pause> = serde_json::from_str(&row.pauses)
            .map_err(|e| Error::Damaged(format!("case {}: pauses: {e}", row.id)))?;
        let deadline = Clock {
            jurisdiction: row.jurisdiction,
            received: row.received_on,
            pauses: &pauses,
            extension: row.extension,
            opt_out: row.kind == Kind::MarketingOptOut,
            appeal: false,
            // Cases stored before schema 14 follow their law's own calendar.
            calendar: None,
        }
        .deadline();
        if deadline.due_on == row.due_on {
            continue;
        }
        let attention = attention_on(
            row.state,
            row.held,
            row.purge_on,
            || deadline.paused,
            deadline.due_on,
        );
        let queue = queue_on(attention, row.state, row.closed_on, deadline.due_on);
        update.execute(params![row.id, deadline.due_on, attention, queue])?;
    }
    Ok(())
}

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
        match sql {
            Sql(sql) => tx.execute_batch(sql)?,
            Code(step) => step(&tx)?,
        }
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
