//! What the reports read: each query walks one range of a covering index (migrations 003 and
//! 007) — a period's arrivals, extensions, closings, scheduled deletions, and the cases open at
//! a month's end (those open today plus those closed since) — never the closed history before
//! it. Rows are handed over one by one rather than grouped in SQL, which would sort them first.

use chrono::NaiveDate;
use rusqlite::{Connection, params};

use super::values::{bytes, date_at, kind_at, required_date_at, scan};
use crate::domain::reports::rows::{Answer, Closing, ScheduledDeletion, StillOpen};
use crate::{DenialBasis, Kind, Outcome, Result, State};

/// The first day a case was received, if any was.
pub(super) fn first_received_on(conn: &Connection) -> Result<Option<NaiveDate>> {
    Ok(conn.query_row("SELECT min(received_on) FROM cases", [], |r| r.get(0))?)
}

/// The kind of every case received from `first` to `last`.
pub(super) fn each_received(
    conn: &Connection,
    first: NaiveDate,
    last: NaiveDate,
    each: &mut dyn FnMut(Kind),
) -> Result<()> {
    each_kind(
        conn,
        "SELECT kind FROM cases INDEXED BY cases_by_received WHERE received_on BETWEEN ?1 AND ?2",
        (first, last),
        each,
    )
}

/// The kind of every case extended from `first` to `last`.
pub(super) fn each_extended(
    conn: &Connection,
    first: NaiveDate,
    last: NaiveDate,
    each: &mut dyn FnMut(Kind),
) -> Result<()> {
    each_kind(
        conn,
        "SELECT kind FROM cases INDEXED BY cases_by_extension
         WHERE extension_granted_on BETWEEN ?1 AND ?2",
        (first, last),
        each,
    )
}

/// The kind of every case whose appeal arrived from `first` to `last`.
pub(super) fn each_appeal_received(
    conn: &Connection,
    first: NaiveDate,
    last: NaiveDate,
    each: &mut dyn FnMut(Kind),
) -> Result<()> {
    each_kind(
        conn,
        "SELECT kind FROM cases INDEXED BY cases_by_appeal
         WHERE appeal_received_on BETWEEN ?1 AND ?2",
        (first, last),
        each,
    )
}

/// The kind of every case whose appeal was decided from `first` to `last`, and whether it was
/// granted. Few cases are appealed: the partial index on arrival keeps this a short scan.
pub(super) fn each_appeal_decided(
    conn: &Connection,
    first: NaiveDate,
    last: NaiveDate,
    each: &mut dyn FnMut(Kind, bool),
) -> Result<()> {
    let mut stmt = conn.prepare_cached(
        "SELECT kind, appeal_granted FROM cases INDEXED BY cases_by_appeal
         WHERE appeal_received_on IS NOT NULL AND appeal_decided_on BETWEEN ?1 AND ?2",
    )?;
    scan(&mut stmt, params![first, last], |row| {
        each(kind_at(row, 0)?, row.get::<_, bool>(1)?);
        Ok(())
    })
}

/// The kind of every row `sql` selects between two dates.
fn each_kind(
    conn: &Connection,
    sql: &str,
    (first, last): (NaiveDate, NaiveDate),
    each: &mut dyn FnMut(Kind),
) -> Result<()> {
    let mut stmt = conn.prepare_cached(sql)?;
    scan(&mut stmt, params![first, last], |row| {
        each(kind_at(row, 0)?);
        Ok(())
    })
}

/// Every case received by `last` and not closed by then: open now, or closed since.
pub(super) fn each_still_open(
    conn: &Connection,
    last: NaiveDate,
    each: &mut dyn FnMut(StillOpen),
) -> Result<()> {
    for still_open in ["closed_on IS NULL", "closed_on > ?1"] {
        let mut stmt = conn.prepare_cached(&format!(
            "SELECT kind, due_on, purge_on, legal_hold FROM cases INDEXED BY cases_by_closed
             WHERE {still_open} AND received_on <= ?1"
        ))?;
        scan(&mut stmt, [last], |row| {
            each(StillOpen {
                kind: kind_at(row, 0)?,
                due_on: required_date_at(row, 1)?,
                purge_on: date_at(row, 2)?,
                held: !bytes(row, 3)?.is_empty(),
            });
            Ok(())
        })?;
    }
    Ok(())
}

/// Every case closed from `first` to `last`.
pub(super) fn each_closing(
    conn: &Connection,
    first: NaiveDate,
    last: NaiveDate,
    each: &mut dyn FnMut(Closing),
) -> Result<()> {
    let mut stmt = conn.prepare_cached(
        "SELECT kind, coalesce(outcome, appeal_against), denial_basis, closed_on, received_on,
                due_on, purge_on
         FROM cases INDEXED BY cases_by_closed WHERE closed_on BETWEEN ?1 AND ?2",
    )?;
    scan(&mut stmt, params![first, last], |row| {
        let basis = bytes(row, 2)?;
        each(Closing {
            kind: kind_at(row, 0)?,
            outcome: Outcome::from_stored(bytes(row, 1)?),
            // Only a denial has a basis; one this build does not know counts as "other".
            denial_basis: (!basis.is_empty())
                .then(|| DenialBasis::from_stored(basis).unwrap_or(DenialBasis::Other)),
            closed_on: required_date_at(row, 3)?,
            received_on: required_date_at(row, 4)?,
            due_on: required_date_at(row, 5)?,
            purge_on: date_at(row, 6)?,
        });
        Ok(())
    })
}

/// Every case closed from `first` to `last`, with only what the yearly metrics read.
pub(super) fn each_answer(
    conn: &Connection,
    first: NaiveDate,
    last: NaiveDate,
    each: &mut dyn FnMut(Answer),
) -> Result<()> {
    let mut stmt = conn.prepare_cached(
        "SELECT kind, coalesce(outcome, appeal_against), closed_on, received_on, purge_on
         FROM cases INDEXED BY cases_by_closed WHERE closed_on BETWEEN ?1 AND ?2",
    )?;
    scan(&mut stmt, params![first, last], |row| {
        each(Answer {
            kind: kind_at(row, 0)?,
            outcome: Outcome::from_stored(bytes(row, 1)?),
            closed_on: required_date_at(row, 2)?,
            received_on: required_date_at(row, 3)?,
            scheduled_deletion: !bytes(row, 4)?.is_empty(),
        });
        Ok(())
    })
}

/// Every case whose deletion purges from `first` to `last`.
pub(super) fn each_scheduled_deletion(
    conn: &Connection,
    first: NaiveDate,
    last: NaiveDate,
    each: &mut dyn FnMut(ScheduledDeletion),
) -> Result<()> {
    let mut stmt = conn.prepare_cached(
        "SELECT kind, state, outcome, purge_on, received_on, legal_hold
         FROM cases INDEXED BY cases_by_purge WHERE purge_on BETWEEN ?1 AND ?2",
    )?;
    scan(&mut stmt, params![first, last], |row| {
        each(ScheduledDeletion {
            kind: kind_at(row, 0)?,
            state: State::from_stored(bytes(row, 1)?),
            outcome: Outcome::from_stored(bytes(row, 2)?),
            purge_on: required_date_at(row, 3)?,
            received_on: required_date_at(row, 4)?,
            held: !bytes(row, 5)?.is_empty(),
        });
        Ok(())
    })
}
