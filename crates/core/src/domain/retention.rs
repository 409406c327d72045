//! Retention: requester details on cases closed longer ago than the retention period are
//! redacted, keeping the record CCPA §7101 asks for and an intact audit chain.
//!
//! Kept: reference, kind, channel, jurisdiction, dates received, due and closed, outcome,
//! denial basis, item outcomes, customer, assignee, the minor flag, which letters were sent
//! when. Redacted: the requester's name and email, what they wrote, agents' notes and
//! free-text reasons (they quote people), item URLs, letter texts, the phone number. Cases under a legal hold are kept whole.

use chrono::{Months, NaiveDate};
use serde::Serialize;

use crate::{Error, Kind, Reference, Result};

/// What replaces redacted text.
pub const REDACTED: &str = "[redacted]";

/// The period when none is set: CCPA §7101 keeps request records at least 24 months.
pub const DEFAULT_MONTHS: u32 = 24;

/// The shortest period allowed, for the same reason.
pub const MIN_MONTHS: u32 = 24;

/// The longest period allowed: personal data is not kept without end.
pub const MAX_MONTHS: u32 = 120;

/// What a retention run did, or would do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RetentionReport {
    /// The period applied.
    pub months: u32,
    /// Cases closed on or before this day are redacted.
    pub cutoff: NaiveDate,
    /// Cases redacted (or, for a dry run, due).
    pub redacted: u64,
    /// Cases past the period kept whole because of a legal hold.
    pub held: u64,
}

impl RetentionReport {
    /// One sentence for people: how many cases were redacted (or are due, for a dry run).
    pub fn describe(&self, dry_run: bool) -> String {
        let cases = match self.redacted {
            1 => "1 case".to_string(),
            n => format!("{n} cases"),
        };
        let verb = if dry_run {
            "due for redaction"
        } else {
            "redacted"
        };
        let mut text = format!(
            "{cases} {verb}: requester details of cases closed on or before {} (retention {} months)",
            self.cutoff, self.months
        );
        if self.held > 0 {
            text.push_str(&format!("; {} under a legal hold kept whole", self.held));
        }
        text
    }
}

/// A case a retention run would redact, or keeps whole under a legal hold.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DueCase {
    /// Its reference.
    pub reference: Reference,
    /// What was asked.
    pub kind: Kind,
    /// When it closed.
    pub closed_on: NaiveDate,
    /// Kept whole because a legal hold stands.
    pub held: bool,
}

/// Checks a retention period: [`MIN_MONTHS`] to [`MAX_MONTHS`].
pub fn check_months(months: u32) -> Result<u32> {
    if (MIN_MONTHS..=MAX_MONTHS).contains(&months) {
        return Ok(months);
    }
    Err(Error::invalid(format!(
        "the retention period must be {MIN_MONTHS} to {MAX_MONTHS} months \
         (CCPA keeps request records for at least 24 months); {months} was given"
    )))
}

/// Reads the stored period; a value that is not a number is damage, not input.
pub fn parse_months(stored: Option<&str>) -> Result<u32> {
    match stored {
        None => Ok(DEFAULT_MONTHS),
        Some(text) => text
            .parse()
            .map_err(|_| Error::Damaged(format!("the retention setting {text:?} is not a number"))),
    }
}

/// Cases closed on or before this day are past a period of `months` on `today`.
pub fn cutoff(today: NaiveDate, months: u32) -> Result<NaiveDate> {
    today
        .checked_sub_months(Months::new(months))
        .ok_or_else(|| Error::invalid("the retention period reaches before the calendar"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_summary_counts_cases_in_plain_words() {
        let mut report = RetentionReport {
            months: 24,
            cutoff: NaiveDate::from_ymd_opt(2024, 11, 26).unwrap_or_default(),
            redacted: 1,
            held: 0,
        };
        assert_eq!(
            report.describe(false),
            "1 case redacted: requester details of cases closed on or before 2024-11-26 (retention 24 months)"
        );
        report.redacted = 3;
        report.held = 2;
        assert!(
            report
                .describe(true)
                .starts_with("3 cases due for redaction")
        );
        assert!(
            report
                .describe(true)
                .ends_with("; 2 under a legal hold kept whole")
        );
    }
}
