//! The monthly report: per kind, what came in, what was closed and how, and what was left open.

use std::collections::BTreeMap;

use chrono::{Datelike, Months, NaiveDate};
use serde::Serialize;

use super::rows::{Closing, StillOpen};
use super::stats::{median, percentile};
use crate::domain::case::{answered_on, closed_on_time};
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
                    crate::domain::spelling::shorten(text)
                ))
            })
    }

    /// The month `day` falls in.
    pub fn of(day: NaiveDate) -> Month {
        Month {
            first: day.with_day(1).unwrap_or(day),
        }
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

    /// The months from the one `today` is in back to the one `start` is in, newest first.
    pub fn back_to(start: NaiveDate, today: NaiveDate) -> Vec<Month> {
        let oldest = Month::of(start.min(today));
        let mut month = Month::of(today);
        let mut months = vec![month];
        while month.first > oldest.first {
            match month.first.checked_sub_months(Months::new(1)) {
                Some(previous) => month = Month { first: previous },
                None => break,
            }
            months.push(month);
        }
        months
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
    /// Appeals received and decided in the period.
    #[serde(flatten)]
    pub appeals: super::AppealCounts,
    #[serde(skip)]
    days: Vec<i64>,
}

/// The monthly report as its rows are counted: one row per kind.
#[derive(Debug, Clone)]
pub struct MonthlyTally {
    month: Month,
    rows: BTreeMap<Kind, MonthlyRow>,
}

impl MonthlyTally {
    /// Nothing counted yet for `month`.
    pub fn new(month: Month) -> Self {
        let rows = Kind::ALL
            .iter()
            .map(|&k| {
                let row = MonthlyRow {
                    kind: k.to_string(),
                    ..MonthlyRow::default()
                };
                (k, row)
            })
            .collect();
        MonthlyTally { month, rows }
    }

    fn row(&mut self, kind: Kind) -> &mut MonthlyRow {
        self.rows.entry(kind).or_default()
    }

    /// A case received in the month.
    pub fn received(&mut self, kind: Kind) {
        self.row(kind).received += 1;
    }

    /// An extension granted in the month.
    pub fn extended(&mut self, kind: Kind) {
        self.row(kind).extended += 1;
    }

    /// A case received by the month's end and not closed by then; overdue at the month's end
    /// if past due, unless it is a scheduled deletion whose purge date was still ahead or that
    /// a legal hold stopped.
    pub fn still_open(&mut self, case: StillOpen) {
        let last = self.month.last();
        let overdue =
            case.due_on < last && case.purge_on.is_none_or(|purge| purge < last && !case.held);
        let row = self.row(case.kind);
        row.open_at_month_end += 1;
        if overdue {
            row.overdue_at_month_end += 1;
        }
    }

    /// A case closed in the month.
    pub fn closed(&mut self, case: Closing) {
        let row = self.row(case.kind);
        row.closed += 1;
        match case.outcome {
            Some(Outcome::Fulfilled) => row.fulfilled += 1,
            Some(Outcome::PartiallyFulfilled) => row.partially_fulfilled += 1,
            Some(Outcome::Denied) => {
                row.denied += 1;
                let basis = case.denial_basis.unwrap_or(DenialBasis::Other);
                *row.denied_by_reason.entry(basis).or_default() += 1;
            }
            Some(Outcome::Withdrawn) => row.withdrawn += 1,
            Some(Outcome::Merged) => row.merged += 1,
            None => {}
        }
        if closed_on_time(Some(case.closed_on), case.purge_on, case.due_on) == Some(true) {
            row.closed_on_time += 1;
        }
        // An account closure is answered the day its deletion was scheduled, as the yearly
        // metrics count it; the purge a month later is not the answer.
        let answered = answered_on(case.purge_on, Some(case.closed_on)).unwrap_or(case.closed_on);
        row.days.push((answered - case.received_on).num_days());
    }

    /// The rows, one per kind, then `all`, with their medians and percentiles.
    pub fn finish(self) -> Vec<MonthlyRow> {
        let mut all = MonthlyRow {
            kind: "all".into(),
            ..MonthlyRow::default()
        };
        let mut out: Vec<MonthlyRow> = self.rows.into_values().collect();
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
            all.appeals.add(row.appeals);
            all.days.extend_from_slice(&row.days);
            row.finish();
        }
        all.finish();
        out.push(all);
        out
    }
}

impl MonthlyRow {
    fn finish(&mut self) {
        self.days.sort_unstable();
        self.median_days_to_close = median(&self.days);
        self.p90_days_to_close = percentile(&self.days, 90.0);
    }
}

impl super::CountsAppeals for MonthlyTally {
    fn appeals(&mut self, kind: Kind) -> &mut super::AppealCounts {
        &mut self.row(kind).appeals
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
    fn the_months_reach_back_to_the_first_case() {
        let day = |text: &str| NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap_or_default();
        let months: Vec<String> = Month::back_to(day("2025-11-30"), day("2026-02-01"))
            .iter()
            .map(Month::to_string)
            .collect();
        assert_eq!(months, ["2026-02", "2026-01", "2025-12", "2025-11"]);
        assert_eq!(
            Month::back_to(day("2026-02-10"), day("2026-02-01")).len(),
            1
        );
    }
}
