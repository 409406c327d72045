//! The yearly metrics the CCPA asks businesses to disclose (11 CCR §7102): per kind of request,
//! how many were received, complied with in whole or in part, and denied, and the median and
//! mean number of days taken to respond, for one calendar year.

use std::collections::BTreeMap;
use std::path::Path;

use chrono::NaiveDate;
use serde::Serialize;
use serde_json::json;

use crate::atomic_file::{csv_write_error, write_atomically};
use crate::case::answered_on;
use crate::desk::Desk;
use crate::export::ExportSummary;
use crate::report::{format_days, median};
use crate::store::stored;
use crate::{Error, Kind, Outcome, Result};

/// A calendar year, as the metrics cover one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Year(i32);

impl Year {
    /// Parses a four-digit year from 2000 to 2999.
    pub fn parse(text: &str) -> Result<Year> {
        let text = text.trim();
        text.parse::<i32>()
            .ok()
            .filter(|y| text.len() == 4 && (2000..=2999).contains(y))
            .map(Year)
            .ok_or_else(|| {
                Error::invalid(format!(
                    "year {:?} is not a four-digit year such as 2025",
                    crate::spelling::shorten(text)
                ))
            })
    }

    fn first(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.0, 1, 1).unwrap_or(NaiveDate::MIN)
    }

    fn last(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.0, 12, 31).unwrap_or(NaiveDate::MAX)
    }
}

impl std::fmt::Display for Year {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// One row of the yearly metrics.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct YearlyRow {
    /// A kind, or `all`.
    pub kind: String,
    /// Received in the year.
    pub received: u64,
    /// Answered in the year and fulfilled.
    pub complied_in_whole: u64,
    /// Answered in the year and partially fulfilled.
    pub complied_in_part: u64,
    /// Answered in the year and denied.
    pub denied: u64,
    /// Withdrawn by the requester (closed in the year); not a response on the merits.
    pub withdrawn: u64,
    /// Duplicates merged into another request of the same person (closed in the year): the
    /// same request counted once more in `received`.
    pub merged: u64,
    /// Median days from receipt to the answer, of the requests answered in the year.
    pub median_days_to_respond: Option<f64>,
    /// Mean of the same.
    pub mean_days_to_respond: Option<f64>,
    #[serde(skip)]
    days: Vec<i64>,
}

impl YearlyRow {
    fn finish(&mut self) {
        self.days.sort_unstable();
        self.median_days_to_respond = median(&self.days);
        self.mean_days_to_respond = (!self.days.is_empty())
            .then(|| self.days.iter().sum::<i64>() as f64 / self.days.len() as f64);
    }
}

/// The metrics' header row.
pub const YEARLY_COLUMNS: [&str; 10] = [
    "year",
    "kind",
    "received",
    "complied_in_whole",
    "complied_in_part",
    "denied",
    "withdrawn",
    "merged",
    "median_days_to_respond",
    "mean_days_to_respond",
];

impl Desk {
    /// Computes the year's metrics: one row per kind, then `all`.
    pub fn yearly_rows(&self, year: Year) -> Result<Vec<YearlyRow>> {
        let (first, last) = (year.first(), year.last());
        let mut rows: BTreeMap<Kind, YearlyRow> = Kind::ALL
            .iter()
            .map(|&k| {
                let row = YearlyRow {
                    kind: k.to_string(),
                    ..YearlyRow::default()
                };
                (k, row)
            })
            .collect();
        let conn = self.store().conn();
        // Both walk one range of a covering index (migration 003), counted here.
        stored::each_received(conn, first, last, |kind| {
            if let Some(target) = rows.get_mut(&kind) {
                target.received += 1;
            }
        })?;
        let mut stmt = conn.prepare_cached(
            "SELECT kind, outcome, closed_on, received_on, purge_on
             FROM cases INDEXED BY cases_by_closed WHERE closed_on BETWEEN ?1 AND ?2",
        )?;
        stored::scan(&mut stmt, rusqlite::params![first, last], |row| {
            let Some(target) = rows.get_mut(&stored::kind_at(row, 0)?) else {
                return Ok(());
            };
            match Outcome::from_stored(stored::bytes(row, 1)?) {
                Some(Outcome::Fulfilled) => target.complied_in_whole += 1,
                Some(Outcome::PartiallyFulfilled) => target.complied_in_part += 1,
                Some(Outcome::Denied) => target.denied += 1,
                Some(Outcome::Withdrawn) | None => {
                    target.withdrawn += 1;
                    return Ok(());
                }
                Some(Outcome::Merged) => {
                    target.merged += 1;
                    return Ok(());
                }
            }
            let received_on = stored::required_date_at(row, 3)?;
            // The day the person got their answer (Case::answered_on).
            if let Some(answered) = answered_on(stored::date_at(row, 4)?, stored::date_at(row, 2)?)
            {
                target.days.push((answered - received_on).num_days());
            }
            Ok(())
        })?;
        let mut all = YearlyRow {
            kind: "all".into(),
            ..YearlyRow::default()
        };
        let mut out: Vec<YearlyRow> = rows.into_values().collect();
        for row in &mut out {
            all.received += row.received;
            all.complied_in_whole += row.complied_in_whole;
            all.complied_in_part += row.complied_in_part;
            all.denied += row.denied;
            all.withdrawn += row.withdrawn;
            all.merged += row.merged;
            all.days.extend_from_slice(&row.days);
            row.finish();
        }
        all.finish();
        out.push(all);
        Ok(out)
    }

    /// Writes the year's metrics as CSV to `path`.
    pub fn yearly_report(&mut self, year: Year, path: &Path) -> Result<ExportSummary> {
        let rows = self.yearly_rows(year)?;
        let file = write_atomically(path, |out| {
            let mut csv = csv::Writer::from_writer(out);
            csv.write_record(YEARLY_COLUMNS)
                .map_err(csv_write_error(path))?;
            for row in &rows {
                let n = |v: u64| v.to_string();
                csv.write_record([
                    year.to_string(),
                    row.kind.clone(),
                    n(row.received),
                    n(row.complied_in_whole),
                    n(row.complied_in_part),
                    n(row.denied),
                    n(row.withdrawn),
                    n(row.merged),
                    format_days(row.median_days_to_respond),
                    format_days(row.mean_days_to_respond),
                ])
                .map_err(csv_write_error(path))?;
            }
            csv.flush()
                .map_err(|e| Error::io(format!("cannot write {}", path.display()), e))?;
            Ok(())
        })?;
        let chain_head = self.record_written(
            &file,
            "report_yearly",
            json!({ "year": year.0, "sha256": file.sha256 }),
        )?;
        Ok(ExportSummary {
            file,
            rows: rows.len() as u64,
            chain_head,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn years_parse_strictly() {
        assert_eq!(
            Year::parse(" 2025 ").map(|y| y.to_string()).ok().as_deref(),
            Some("2025")
        );
        for bad in ["25", "1999", "3000", "2025-01", "twenty", "+2025", ""] {
            assert!(Year::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn mean_and_median_are_of_the_answered_requests() {
        let mut row = YearlyRow {
            days: vec![30, 2, 10, 4],
            ..YearlyRow::default()
        };
        row.finish();
        assert_eq!(row.median_days_to_respond, Some(7.0));
        assert_eq!(row.mean_days_to_respond, Some(11.5));
        let mut empty = YearlyRow::default();
        empty.finish();
        assert_eq!(empty.mean_days_to_respond, None);
    }
}
