//! Stored values read as the bytes SQLite holds, for scans over many rows (export, reports)
//! that must not build a whole case, allocate, or parse dates through SQL functions per row.

use chrono::NaiveDate;
use rusqlite::Row;
use rusqlite::types::ValueRef;

use crate::{Error, Kind, Result};

/// Names what was damaged in a stored row, pointing to `verify`.
pub(crate) fn damaged(what: &str) -> Error {
    Error::invalid(format!(
        "a case's stored {what} is damaged; run `privacydesk verify`"
    ))
}

/// A column's stored text as bytes; NULL is empty.
pub(crate) fn bytes<'r>(row: &'r Row<'_>, index: usize) -> Result<&'r [u8]> {
    match row.get_ref(index)? {
        ValueRef::Null => Ok(&[]),
        ValueRef::Text(bytes) => Ok(bytes),
        _ => Err(damaged("text")),
    }
}

/// A stored `YYYY-MM-DD`, or none for an empty value.
pub(crate) fn date(value: &[u8]) -> Result<Option<NaiveDate>> {
    if value.is_empty() {
        return Ok(None);
    }
    let digits = |range: std::ops::Range<usize>| -> Option<u32> {
        value.get(range)?.iter().try_fold(0u32, |n, &b| {
            b.is_ascii_digit().then(|| n * 10 + u32::from(b - b'0'))
        })
    };
    let parsed = (value.len() == 10 && value[4] == b'-' && value[7] == b'-')
        .then(|| Some((digits(0..4)?, digits(5..7)?, digits(8..10)?)))
        .flatten()
        .and_then(|(y, m, d)| NaiveDate::from_ymd_opt(i32::try_from(y).ok()?, m, d));
    parsed.map(Some).ok_or_else(|| damaged("date"))
}

/// A stored kind column.
pub(crate) fn kind_at(row: &Row<'_>, index: usize) -> Result<Kind> {
    Kind::from_stored(bytes(row, index)?).ok_or_else(|| damaged("kind"))
}

/// Calls `each` with the kind of every case received from `first` to `last`: one range of the
/// covering index `cases_by_received` (migration 003), for the reports.
pub(crate) fn each_received(
    conn: &rusqlite::Connection,
    first: NaiveDate,
    last: NaiveDate,
    mut each: impl FnMut(Kind),
) -> Result<()> {
    let mut stmt = conn.prepare_cached(
        "SELECT kind FROM cases INDEXED BY cases_by_received WHERE received_on BETWEEN ?1 AND ?2",
    )?;
    scan(&mut stmt, rusqlite::params![first, last], |row| {
        each(kind_at(row, 0)?);
        Ok(())
    })
}

/// A stored date column.
pub(crate) fn date_at(row: &Row<'_>, index: usize) -> Result<Option<NaiveDate>> {
    date(bytes(row, index)?)
}

/// A stored date column that may not be empty.
pub(crate) fn required_date_at(row: &Row<'_>, index: usize) -> Result<NaiveDate> {
    date_at(row, index)?.ok_or_else(|| damaged("date"))
}

/// Calls `each` for every row of a prepared query.
pub(crate) fn scan(
    stmt: &mut rusqlite::Statement<'_>,
    params: impl rusqlite::Params,
    mut each: impl FnMut(&Row<'_>) -> Result<()>,
) -> Result<()> {
    let mut rows = stmt.query(params)?;
    while let Some(row) = rows.next()? {
        each(row)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_dates_parse_strictly() {
        assert_eq!(
            date(b"2026-02-28").ok().flatten(),
            NaiveDate::from_ymd_opt(2026, 2, 28)
        );
        assert_eq!(date(b"").ok(), Some(None));
        for bad in [
            &b"2026-02-30"[..],
            b"2026-2-28",
            b"20260228xx",
            b"2026/02/28",
            b"abcd-ef-gh",
        ] {
            assert!(date(bad).is_err(), "{bad:?}");
        }
    }
}
