//! How domain values are kept in SQLite: the vocabularies as their snake_case spelling, and
//! stored values read as the bytes SQLite holds, for scans over many rows (export, reports)
//! that must not build a whole case, allocate, or parse dates through SQL functions per row.

use chrono::NaiveDate;
use rusqlite::types::{FromSql, FromSqlError, FromSqlResult, ToSql, ToSqlOutput, ValueRef};
use rusqlite::{Params, Row, Statement};

use crate::domain::export_row;
use crate::domain::letters::LetterKind;
use crate::error::damaged_value as damaged;
use crate::{
    Channel, DenialBasis, Identity, ItemOutcome, Jurisdiction, Kind, Outcome, Result, State,
};

/// Stores a spelled value (a vocabulary, or a law's id) as its spelling, and reads it back
/// without allocating.
macro_rules! spelled_sql {
    ($($name:ty),+ $(,)?) => {$(
        impl ToSql for $name {
            fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
                Ok(self.as_str().into())
            }
        }

        impl FromSql for $name {
            fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
                if let ValueRef::Text(bytes) = value
                    && let Some(stored) = <$name>::from_stored(bytes)
                {
                    return Ok(stored);
                }
                let text = value.as_str()?;
                text.parse()
                    .map_err(|e: crate::Error| FromSqlError::Other(Box::new(e)))
            }
        }
    )+};
}

spelled_sql!(
    Kind,
    State,
    Outcome,
    DenialBasis,
    Channel,
    ItemOutcome,
    LetterKind,
    Identity,
    // A law is stored as its file's id, spelled as the vocabularies are.
    Jurisdiction
);

/// A column's stored text as bytes; NULL is empty.
pub(super) fn bytes<'r>(row: &'r Row<'_>, index: usize) -> Result<&'r [u8]> {
    match row.get_ref(index)? {
        ValueRef::Null => Ok(&[]),
        ValueRef::Text(bytes) => Ok(bytes),
        _ => Err(damaged("text")),
    }
}

/// A stored kind column.
pub(super) fn kind_at(row: &Row<'_>, index: usize) -> Result<Kind> {
    Kind::from_stored(bytes(row, index)?).ok_or_else(|| damaged("kind"))
}

/// A stored date column.
pub(super) fn date_at(row: &Row<'_>, index: usize) -> Result<Option<NaiveDate>> {
    export_row::date(bytes(row, index)?)
}

/// A stored date column that may not be empty.
pub(super) fn required_date_at(row: &Row<'_>, index: usize) -> Result<NaiveDate> {
    date_at(row, index)?.ok_or_else(|| damaged("date"))
}

/// Calls `each` for every row of a prepared query.
pub(super) fn scan(
    stmt: &mut Statement<'_>,
    params: impl Params,
    mut each: impl FnMut(&Row<'_>) -> Result<()>,
) -> Result<()> {
    let mut rows = stmt.query(params)?;
    while let Some(row) = rows.next()? {
        each(row)?;
    }
    Ok(())
}
