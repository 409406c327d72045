//! The reports' rules: what the monthly report and the yearly (CCPA §7102) metrics count, from
//! the few stored values of each case the store hands over ([`rows`]).

pub mod month;
pub mod rows;
pub mod stats;
pub mod year;

pub use month::{Month, MonthlyRow, MonthlyTally};
pub use year::{Year, YearlyRow, YearlyTally};

/// Appeals counted in a period: received, and decided either way (a report row holds one).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct AppealCounts {
    /// Appeals that arrived in the period.
    pub appeals_received: u64,
    /// Appeals decided in the period and granted (the request then done).
    pub appeals_granted: u64,
    /// Appeals decided in the period and denied (the refusal upheld).
    pub appeals_denied: u64,
}

impl AppealCounts {
    /// One more decided: granted or denied.
    pub fn decided(&mut self, granted: bool) {
        match granted {
            true => self.appeals_granted += 1,
            false => self.appeals_denied += 1,
        }
    }

    /// Adds `other` in (for the `all` row).
    pub fn add(&mut self, other: AppealCounts) {
        self.appeals_received += other.appeals_received;
        self.appeals_granted += other.appeals_granted;
        self.appeals_denied += other.appeals_denied;
    }

    /// The three counts in column order.
    pub fn columns(self) -> [u64; 3] {
        [
            self.appeals_received,
            self.appeals_granted,
            self.appeals_denied,
        ]
    }
}

/// A tally whose rows count appeals, per kind.
pub trait CountsAppeals {
    /// The appeal counts of `kind`'s row.
    fn appeals(&mut self, kind: crate::Kind) -> &mut AppealCounts;
}

/// The three appeal columns of the report CSVs, after a row's own.
pub const APPEAL_COLUMNS: [&str; 3] = ["appeals_received", "appeals_granted", "appeals_denied"];
