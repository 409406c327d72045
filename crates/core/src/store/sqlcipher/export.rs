//! The case export's rows: each case's stored values in the `domain::export_row` layout, joined
//! by SQLite itself into one value borrowed from its page, so that a row costs one value to
//! fetch rather than eighteen.

use chrono::NaiveDate;
use rusqlite::types::ValueRef;

use super::SqlCipher;
use super::filter::FilterSql;
use crate::Result;
use crate::domain::export_row::{FIELDS, SEPARATOR};
use crate::domain::filter::CaseFilter;
use crate::error::damaged_value;

/// Columns that are never NULL; the others are written as empty so that positions hold
/// (`concat_ws` skips NULLs).
const NOT_NULL: [&str; 10] = [
    "reference",
    "kind",
    "state",
    "received_on",
    "due_on",
    "jurisdiction",
    "channel",
    "is_minor",
    "requester_name",
    "requester_email",
];

/// `concat_ws(char(31), …)` over [`FIELDS`].
fn row_expression() -> String {
    let values: Vec<String> = FIELDS
        .iter()
        .map(|&field| {
            if NOT_NULL.contains(&field) {
                field.to_string()
            } else {
                format!("ifnull({field}, '')")
            }
        })
        .collect();
    format!("concat_ws(char({SEPARATOR}), {})", values.join(", "))
}

impl SqlCipher {
    /// Calls `each` with every row the filter selects, in the order the cases were opened.
    pub(super) fn export_rows(
        &self,
        filter: &CaseFilter,
        today: NaiveDate,
        each: &mut dyn FnMut(&[u8]) -> Result<()>,
    ) -> Result<()> {
        let FilterSql {
            from,
            where_sql,
            values,
        } = FilterSql::of(filter, &self.conn, today)?;
        let sql = format!(
            "SELECT {} FROM {from} {where_sql} ORDER BY id",
            row_expression()
        );
        self.with_scan_cache(|| {
            let mut stmt = self.conn.prepare(&sql)?;
            let mut rows = stmt.query(rusqlite::params_from_iter(values.iter()))?;
            while let Some(row) = rows.next()? {
                match row.get_ref(0)? {
                    ValueRef::Text(text) => each(text)?,
                    _ => return Err(damaged_value("case")),
                }
            }
            Ok(())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_row_names_every_field_in_order() {
        let sql = row_expression();
        let mut at = 0;
        for field in FIELDS {
            let found = sql[at..].find(field).map(|i| i + at);
            assert!(found.is_some(), "{field} missing or out of order in {sql}");
            at = found.unwrap_or(at) + field.len();
        }
        assert!(sql.starts_with("concat_ws(char(31), reference, kind, state, ifnull(outcome, '')"));
    }
}
