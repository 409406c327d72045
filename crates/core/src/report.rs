//! The monthly report: per kind, what came in, what was closed and how, and what was left open.

use std::collections::BTreeMap;
use std::path::Path;

use chrono::{Datelike, Months, NaiveDate};
use serde::Serialize;
use serde_json::json;

use crate::atomic_file::{csv_write_error, write_atomically};
use crate::case::closed_on_time;
use crate::desk::Desk;
use crate::export::ExportSummary;
use crate::store::stored;
use crate::{DenialBasis, Error, Kind, Outcome, Result};

/// A calendar month.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Month {
    first: NaiveDate,
}

impl Month {
    /// Parses `YYYY-MM`.
    pub fn parse(text: &str) -> Result<Month> {
        NaiveDate::parse_from_str(&format!("{}-01", text.trim()), "%Y-%m-%d")
            .ok()
            .filter(|_| text.trim().len() == 7)
            .map(|first| Month { first })
            .ok_or_else(|| {
                Error::Invalid(format!(
                    "month {:?} is not of the form YYYY-MM",
                    crate::spelling::shorten(text)
                ))
            })
    }

    /// First day.
    pub fn first(self) -> NaiveDate {
        self.first
    }

    /// Last day.
    pub fn last(self) -> NaiveDate {
        self.first
            .checked_add_months(Months::new(1))
            .and_then(|d| d.pred_opt())
            .unwrap_or(self.first)
    }
}

impl std::fmt::Display for Month {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}", self.first.year(), self.first.month())
    }
}

/// One row of the monthly report.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct MonthlyRow {
    /// A kind, or `all`.
    pub kind: String,
    /// Received in the month.
    pub received: u64,
    /// Closed in the month.
    pub closed: u64,
    /// Closed as fulfilled.
    pub fulfilled: u64,
    /// Closed as partially fulfilled.
    pub partially_fulfilled: u64,
    /// Closed as denied.
    pub denied: u64,
    /// Denials per basis.
    pub denied_by_reason: BTreeMap<DenialBasis, u64>,
    /// Closed as withdrawn.
    pub withdrawn: u64,
    /// Closed as a duplicate merged into another case.
    pub merged: u64,
    /// Extensions granted in the month.
    pub extended: u64,
    /// Closed in the month on or before the due date.
    pub closed_on_time: u64,
    /// Median days from receipt to closing, of those closed in the month.
    pub median_days_to_close: Option<f64>,
    /// 90th percentile (nearest rank) of the same.
    pub p90_days_to_close: Option<f64>,
    /// Received by the month's end and not closed by then.
    pub open_at_month_end: u64,
    /// Of those, due before the month's end.
    pub overdue_at_month_end: u64,
    #[serde(skip)]
    days: Vec<i64>,
}

/// The median of sorted values: the middle one, or the mean of the two middle ones.
pub fn median(sorted: &[i64]) -> Option<f64> {
    let n = sorted.len();
    match n {
        0 => None,
        _ if n % 2 == 1 => Some(sorted[n / 2] as f64),
        _ => Some((sorted[n / 2 - 1] + sorted[n / 2]) as f64 / 2.0),
    }
}

/// The nearest-rank percentile `p` (0–100] of sorted values.
pub fn percentile(sorted: &[i64], p: f64) -> Option<f64> {
    if sorted.is_empty() {
        return None;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil().max(1.0) as usize;
    Some(sorted[rank.min(sorted.len()) - 1] as f64)
}

pub(crate) fn format_days(value: Option<f64>) -> String {
    value
        .map(|v| {
            if v.fract() == 0.0 {
                format!("{v:.0}")
            } else {
                format!("{v:.1}")
            }
        })
        .unwrap_or_default()
}

/// The report's header row.
pub const MONTHLY_COLUMNS: [&str; 15] = [
    "kind",
    "received",
    "closed",
    "fulfilled",
    "partially_fulfilled",
    "denied",
    "denied_by_reason",
    "withdrawn",
    "merged",
    "extended",
    "closed_on_time",
    "median_days_to_close",
    "p90_days_to_close",
    "open_at_month_end",
    "overdue_at_month_end",
];

impl Desk {
    /// Computes the monthly report: one row per kind, then `all`.
    pub fn monthly_rows(&self, month: Month) -> Result<Vec<MonthlyRow>> {
        let (first, last) = (month.first(), month.last());
        let mut rows: BTreeMap<Kind, MonthlyRow> = Kind::ALL
            .iter()
            .map(|&k| {
                (
                    k,
                    MonthlyRow {
                        kind: k.to_string(),
                        ..MonthlyRow::default()
                    },
                )
            })
            .collect();
        let conn = self.store().conn();
        let last_text = last.to_string();
        let last_bytes = last_text.as_bytes();
        // Each query walks one range of a covering index (migration 003) — the month's
        // arrivals, its extensions, the cases still open at its end (those open today plus
        // those closed since), the month's closings — never the closed history before it.
        // Rows are counted here rather than by GROUP BY, which would sort them first.
        stored::each_received(conn, first, last, |kind| {
            if let Some(target) = rows.get_mut(&kind) {
                target.received += 1;
            }
        })?;
        let mut stmt = conn.prepare_cached(
            "SELECT kind FROM cases INDEXED BY cases_by_extension
             WHERE extension_granted_on BETWEEN ?1 AND ?2",
        )?;
        stored::scan(&mut stmt, rusqlite::params![first, last], |row| {
            if let Some(target) = rows.get_mut(&stored::kind_at(row, 0)?) {
                target.extended += 1;
            }
            Ok(())
        })?;
        for still_open in ["closed_on IS NULL", "closed_on > ?1"] {
            let mut stmt = conn.prepare_cached(&format!(
                "SELECT kind, due_on, purge_on, legal_hold FROM cases INDEXED BY cases_by_closed
                 WHERE {still_open} AND received_on <= ?1"
            ))?;
            stored::scan(&mut stmt, [last], |row| {
                let Some(target) = rows.get_mut(&stored::kind_at(row, 0)?) else {
                    return Ok(());
                };
                target.open_at_month_end += 1;
                // Overdue at the month's end: past due, and not a scheduled deletion whose
                // purge date was still ahead or that a legal hold stopped.
                let purge_on = stored::bytes(row, 2)?;
                let held = !stored::bytes(row, 3)?.is_empty();
                if stored::bytes(row, 1)? < last_bytes
                    && (purge_on.is_empty() || (purge_on < last_bytes && !held))
                {
                    target.overdue_at_month_end += 1;
                }
                Ok(())
            })?;
        }
        let mut stmt = conn.prepare_cached(
            "SELECT kind, outcome, denial_basis, closed_on, received_on, due_on, purge_on
             FROM cases INDEXED BY cases_by_closed WHERE closed_on BETWEEN ?1 AND ?2",
        )?;
        stored::scan(&mut stmt, rusqlite::params![first, last], |row| {
            let Some(target) = rows.get_mut(&stored::kind_at(row, 0)?) else {
                return Ok(());
            };
            target.closed += 1;
            match Outcome::from_stored(stored::bytes(row, 1)?) {
                Some(Outcome::Fulfilled) => target.fulfilled += 1,
                Some(Outcome::PartiallyFulfilled) => target.partially_fulfilled += 1,
                Some(Outcome::Denied) => {
                    target.denied += 1;
                    let basis = DenialBasis::from_stored(stored::bytes(row, 2)?)
                        .unwrap_or(DenialBasis::Other);
                    *target.denied_by_reason.entry(basis).or_default() += 1;
                }
                Some(Outcome::Withdrawn) => target.withdrawn += 1,
                Some(Outcome::Merged) => target.merged += 1,
                None => {}
            }
            let closed_on = stored::date_at(row, 3)?;
            let received_on = stored::required_date_at(row, 4)?;
            let due_on = stored::required_date_at(row, 5)?;
            if closed_on_time(closed_on, stored::date_at(row, 6)?, due_on) == Some(true) {
                target.closed_on_time += 1;
            }
            if let Some(closed) = closed_on {
                target.days.push((closed - received_on).num_days());
            }
            Ok(())
        })?;

        let mut all = MonthlyRow {
            kind: "all".into(),
            ..MonthlyRow::default()
        };
        let mut out: Vec<MonthlyRow> = rows.into_values().collect();
        for row in &mut out {
            all.received += row.received;
            all.closed += row.closed;
            all.fulfilled += row.fulfilled;
            all.partially_fulfilled += row.partially_fulfilled;
            all.denied += row.denied;
            all.withdrawn += row.withdrawn;
            all.merged += row.merged;
            all.extended += row.extended;
            all.closed_on_time += row.closed_on_time;
            all.open_at_month_end += row.open_at_month_end;
            all.overdue_at_month_end += row.overdue_at_month_end;
            for (basis, n) in &row.denied_by_reason {
                *all.denied_by_reason.entry(*basis).or_default() += n;
            }
            all.days.extend_from_slice(&row.days);
            row.days.sort_unstable();
            row.median_days_to_close = median(&row.days);
            row.p90_days_to_close = percentile(&row.days, 90.0);
        }
        all.days.sort_unstable();
        all.median_days_to_close = median(&all.days);
        all.p90_days_to_close = percentile(&all.days, 90.0);
        out.push(all);
        Ok(out)
    }

    /// The months a report can be made for: from the first case received to this month, newest first.
    pub fn report_months(&self) -> Result<Vec<String>> {
        let first: Option<NaiveDate> =
            self.store()
                .conn()
                .query_row("SELECT min(received_on) FROM cases", [], |r| r.get(0))?;
        let today = self.today();
        let mut month = NaiveDate::from_ymd_opt(today.year(), today.month(), 1).unwrap_or(today);
        let start = first.unwrap_or(today);
        let mut months = Vec::new();
        while month.year() * 12 + month.month() as i32 >= start.year() * 12 + start.month() as i32 {
            months.push(Month { first: month }.to_string());
            match month.checked_sub_months(Months::new(1)) {
                Some(previous) => month = previous,
                None => break,
            }
        }
        Ok(months)
    }

    /// Writes the monthly report CSV to `path`.
    pub fn monthly_report(&mut self, month: Month, path: &Path) -> Result<ExportSummary> {
        let rows = self.monthly_rows(month)?;
        let file = write_atomically(path, |out| {
            let mut csv = csv::Writer::from_writer(out);
            csv.write_record(MONTHLY_COLUMNS)
                .map_err(csv_write_error(path))?;
            for row in &rows {
                let reasons = row
                    .denied_by_reason
                    .iter()
                    .map(|(basis, n)| format!("{basis}:{n}"))
                    .collect::<Vec<_>>()
                    .join("; ");
                let n = |v: u64| v.to_string();
                csv.write_record([
                    row.kind.clone(),
                    n(row.received),
                    n(row.closed),
                    n(row.fulfilled),
                    n(row.partially_fulfilled),
                    n(row.denied),
                    reasons,
                    n(row.withdrawn),
                    n(row.merged),
                    n(row.extended),
                    n(row.closed_on_time),
                    format_days(row.median_days_to_close),
                    format_days(row.p90_days_to_close),
                    n(row.open_at_month_end),
                    n(row.overdue_at_month_end),
                ])
                .map_err(csv_write_error(path))?;
            }
            csv.flush()
                .map_err(|e| Error::io(format!("cannot write {}", path.display()), e))?;
            Ok(())
        })?;
        let chain_head = self.record_written(
            &file,
            "report_monthly",
            json!({ "month": month.to_string(), "sha256": file.sha256 }),
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
    fn months_parse_strictly() {
        assert_eq!(
            Month::parse("2026-02")
                .map(|m| m.last().to_string())
                .ok()
                .as_deref(),
            Some("2026-02-28")
        );
        for bad in ["2026-13", "2026-2", "26-02", "2026-02-01", "feb"] {
            assert!(Month::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn median_and_p90_follow_their_definitions() {
        assert_eq!(median(&[]), None);
        assert_eq!(median(&[3]), Some(3.0));
        assert_eq!(median(&[1, 2, 3, 10]), Some(2.5));
        let ten: Vec<i64> = (1..=10).collect();
        assert_eq!(percentile(&ten, 90.0), Some(9.0));
        assert_eq!(percentile(&[5], 90.0), Some(5.0));
    }
}
