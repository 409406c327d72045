//! The yearly metrics the CCPA asks businesses to disclose (11 CCR §7102): per kind of request,
//! how many were received, complied with in whole or in part, and denied, and the median and
//! mean number of days taken to respond, for one calendar year.
//!
//! A request counts in the year it was answered: the day it closed, or for an account closure
//! the day its deletion was scheduled (the purge follows 30 days later, maybe in the next year,
//! and a legal hold can delay it indefinitely).

use std::collections::BTreeMap;
use std::path::Path;

use chrono::{Days, NaiveDate};
use serde::Serialize;
use serde_json::json;

use crate::atomic_file::{csv_write_error, write_atomically};
use crate::case::{PURGE_AFTER_DAYS, scheduled_on};
use crate::desk::Desk;
use crate::export::ExportSummary;
use crate::report::{format_days, median};
use crate::store::stored;
use crate::{Error, Kind, Outcome, Result, State};

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
    /// Answered in the year and fulfilled; an account closure whose deletion was scheduled in
    /// the year counts here while its purge date is ahead.
    pub complied_in_whole: u64,
    /// Answered in the year and partially fulfilled; also a scheduled deletion a legal hold
    /// keeps back.
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
    /// Counts one request answered (or withdrawn, or merged) on `on`.
    fn count(&mut self, outcome: Option<Outcome>, on: NaiveDate, received_on: NaiveDate) {
        match outcome {
            Some(Outcome::Fulfilled) => self.complied_in_whole += 1,
            Some(Outcome::PartiallyFulfilled) => self.complied_in_part += 1,
            Some(Outcome::Denied) => self.denied += 1,
            // Not responses on the merits: no days to respond.
            Some(Outcome::Withdrawn) | None => {
                self.withdrawn += 1;
                return;
            }
            Some(Outcome::Merged) => {
                self.merged += 1;
                return;
            }
        }
        self.days.push((on - received_on).num_days());
    }

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
        let answered_here = |outcome: Option<Outcome>| {
            matches!(
                outcome,
                Some(Outcome::Fulfilled | Outcome::PartiallyFulfilled | Outcome::Denied)
            )
        };
        // The year's closings, except the answers of scheduled deletions (counted below by the
        // day they were scheduled).
        let mut stmt = conn.prepare_cached(
            "SELECT kind, outcome, closed_on, received_on, purge_on
             FROM cases INDEXED BY cases_by_closed WHERE closed_on BETWEEN ?1 AND ?2",
        )?;
        stored::scan(&mut stmt, rusqlite::params![first, last], |row| {
            let Some(target) = rows.get_mut(&stored::kind_at(row, 0)?) else {
                return Ok(());
            };
            let outcome = Outcome::from_stored(stored::bytes(row, 1)?);
            let scheduled = !stored::bytes(row, 4)?.is_empty();
            if scheduled && answered_here(outcome) {
                return Ok(());
            }
            let closed_on = stored::required_date_at(row, 2)?;
            target.count(outcome, closed_on, stored::required_date_at(row, 3)?);
            Ok(())
        })?;
        // Deletions scheduled in the year, whenever (if ever yet) they closed: the person had
        // their answer that day. One not yet confirmed counts as complied with — in part while
        // a legal hold keeps the data back.
        let mut stmt = conn.prepare_cached(
            "SELECT kind, state, outcome, purge_on, received_on, legal_hold
             FROM cases INDEXED BY cases_by_purge WHERE purge_on BETWEEN ?1 AND ?2",
        )?;
        let after_purge_wait = |day: NaiveDate| {
            day.checked_add_days(Days::new(PURGE_AFTER_DAYS))
                .unwrap_or(day)
        };
        let range = rusqlite::params![after_purge_wait(first), after_purge_wait(last)];
        stored::scan(&mut stmt, range, |row| {
            let Some(target) = rows.get_mut(&stored::kind_at(row, 0)?) else {
                return Ok(());
            };
            let outcome = match State::from_stored(stored::bytes(row, 1)?) {
                Some(State::Closed) => {
                    Outcome::from_stored(stored::bytes(row, 2)?).filter(|&o| answered_here(Some(o)))
                }
                Some(State::DeletionScheduled) if stored::bytes(row, 5)?.is_empty() => {
                    Some(Outcome::Fulfilled)
                }
                Some(State::DeletionScheduled) => Some(Outcome::PartiallyFulfilled),
                // Reopened since: not answered after all.
                _ => None,
            };
            let (Some(outcome), Some(answered)) =
                (outcome, stored::date_at(row, 3)?.and_then(scheduled_on))
            else {
                return Ok(());
            };
            target.count(Some(outcome), answered, stored::required_date_at(row, 4)?);
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
