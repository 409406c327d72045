//! What the case export reads of each case: twenty-one stored values, handed over by the store as
//! one run of bytes joined by [`SEPARATOR`], so that a million rows cost one value each to fetch
//! and no case is ever built. This is the contract between every storage engine and the CSV
//! writer (`files/case_csv.rs`), which computes the rest of the columns from these.

use chrono::NaiveDate;

use crate::Result;
use crate::error::damaged_value;

/// Separates the values of a row (ASCII unit separator: no stored name, address or code can
/// hold a control character).
pub const SEPARATOR: u8 = 0x1f;

/// The values of a row, in order; dates are `YYYY-MM-DD`, an absent value is empty, and
/// `is_minor` is `1` or `0`.
pub const FIELDS: [&str; 21] = [
    "reference",
    "kind",
    "state",
    "outcome",
    "denial_basis",
    "received_on",
    "due_on",
    "extended_until",
    "closed_on",
    "purge_on",
    "attention_on",
    "jurisdiction",
    "channel",
    "customer",
    "assignee",
    "is_minor",
    "requester_name",
    "requester_email",
    "appeal_received_on",
    "appeal_decided_on",
    "appeal_granted",
];

/// Positions in [`FIELDS`] that the writer reads by name.
pub mod at {
    /// How many values a row holds.
    pub const COUNT: usize = super::FIELDS.len();
    /// The day of receipt.
    pub const RECEIVED_ON: usize = 5;
    /// The due date.
    pub const DUE_ON: usize = 6;
    /// The closing day.
    pub const CLOSED_ON: usize = 8;
    /// An account closure's purge date.
    pub const PURGE_ON: usize = 9;
    /// The date the case next needs action.
    pub const ATTENTION_ON: usize = 10;
    /// Whether it concerns someone under 18.
    pub const IS_MINOR: usize = 15;
    /// Whether the appeal was granted: `1`, `0`, or empty while undecided or never appealed.
    pub const APPEAL_GRANTED: usize = 20;
}

/// A date as a row (and the store) holds it, `YYYY-MM-DD`, read from its bytes without
/// allocating; `None` for an empty value, `Err` for anything else.
pub fn date(value: &[u8]) -> Result<Option<NaiveDate>> {
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
    parsed.map(Some).ok_or_else(|| damaged_value("date"))
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

    #[test]
    fn the_named_positions_are_where_their_fields_are() {
        for (position, name) in [
            (at::RECEIVED_ON, "received_on"),
            (at::DUE_ON, "due_on"),
            (at::CLOSED_ON, "closed_on"),
            (at::PURGE_ON, "purge_on"),
            (at::ATTENTION_ON, "attention_on"),
            (at::IS_MINOR, "is_minor"),
        ] {
            assert_eq!(FIELDS[position], name);
        }
    }
}
