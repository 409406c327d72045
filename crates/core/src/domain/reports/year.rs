//! The yearly metrics the CCPA asks businesses to disclose (11 CCR §7102): per kind of request,
//! how many were received, complied with in whole or in part, and denied, and the median and
//! mean number of days taken to respond, for one calendar year.
//!
//! A request counts in the year it was answered: the day it closed, or for an account closure
//! the day its deletion was scheduled (the purge follows 30 days later, maybe in the next year,
//! and a legal hold can delay it indefinitely).

use std::collections::BTreeMap;

use chrono::{Days, NaiveDate};
use serde::Serialize;

use super::rows::{Answer, ScheduledDeletion};
use super::stats::{mean, median};
use crate::domain::case::{PURGE_AFTER_DAYS, scheduled_on};
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
                    crate::domain::spelling::shorten(text)
                ))
            })
    }

    /// The year as a number.
    pub fn number(self) -> i32 {
        self.0
    }

    /// 1 January.
    pub fn first(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.0, 1, 1).unwrap_or(NaiveDate::MIN)
    }

    /// 31 December.
    pub fn last(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.0, 12, 31).unwrap_or(NaiveDate::MAX)
    }

    /// The purge dates of the deletions scheduled in this year: 30 days after each of its days.
    pub fn purge_dates(self) -> (NaiveDate, NaiveDate) {
        let later = |day: NaiveDate| {
            day.checked_add_days(Days::new(PURGE_AFTER_DAYS))
                .unwrap_or(day)
        };
        (later(self.first()), later(self.last()))
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
    /// Appeals received and decided in the period.
    #[serde(flatten)]
    pub appeals: super::AppealCounts,
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
        self.mean_days_to_respond = mean(&self.days);
    }
}

/// Whether an outcome is an answer on the merits (complied with, in whole or part, or denied).
fn is_answer(outcome: Option<Outcome>) -> bool {
    matches!(
        outcome,
        Some(Outcome::Fulfilled | Outcome::PartiallyFulfilled | Outcome::Denied)
    )
}

/// The year's metrics as they are counted: one row per kind.
#[derive(Debug, Clone)]
pub struct YearlyTally {
    rows: BTreeMap<Kind, YearlyRow>,
}

impl Default for YearlyTally {
    fn default() -> Self {
        let rows = Kind::ALL
            .iter()
            .map(|&k| {
                let row = YearlyRow {
                    kind: k.to_string(),
                    ..YearlyRow::default()
                };
                (k, row)
            })
            .collect();
        YearlyTally { rows }
    }
}

impl YearlyTally {
    fn row(&mut self, kind: Kind) -> &mut YearlyRow {
        self.rows.entry(kind).or_default()
    }

    /// A request received in the year.
    pub fn received(&mut self, kind: Kind) {
        self.row(kind).received += 1;
    }

    /// A request closed in the year. The answer of a scheduled deletion is counted by the day
    /// it was scheduled ([`Self::scheduled`]), not here.
    pub fn closed(&mut self, case: Answer) {
        if case.scheduled_deletion && is_answer(case.outcome) {
            return;
        }
        self.row(case.kind)
            .count(case.outcome, case.closed_on, case.received_on);
    }

    /// A deletion scheduled in the year, whenever (if ever yet) it closed: the person had their
    /// answer that day. One not yet confirmed counts as complied with — in part while a legal
    /// hold keeps the data back.
    pub fn scheduled(&mut self, case: ScheduledDeletion) {
        let outcome = match case.state {
            Some(State::Closed) => case.outcome.filter(|&o| is_answer(Some(o))),
            Some(State::DeletionScheduled) if !case.held => Some(Outcome::Fulfilled),
            Some(State::DeletionScheduled) => Some(Outcome::PartiallyFulfilled),
            // Reopened since: not answered after all.
            _ => None,
        };
        let (Some(outcome), Some(answered)) = (outcome, scheduled_on(case.purge_on)) else {
            return;
        };
        self.row(case.kind)
            .count(Some(outcome), answered, case.received_on);
    }

    /// The rows, one per kind, then `all`, with their medians and means.
    pub fn finish(self) -> Vec<YearlyRow> {
        let mut all = YearlyRow {
            kind: "all".into(),
            ..YearlyRow::default()
        };
        let mut out: Vec<YearlyRow> = self.rows.into_values().collect();
        for row in &mut out {
            all.received += row.received;
            all.complied_in_whole += row.complied_in_whole;
            all.complied_in_part += row.complied_in_part;
            all.denied += row.denied;
            all.withdrawn += row.withdrawn;
            all.merged += row.merged;
            all.appeals.add(row.appeals);
            all.days.extend_from_slice(&row.days);
            row.finish();
        }
        all.finish();
        out.push(all);
        out
    }
}

impl super::CountsAppeals for YearlyTally {
    fn appeals(&mut self, kind: Kind) -> &mut super::AppealCounts {
        &mut self.row(kind).appeals
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
