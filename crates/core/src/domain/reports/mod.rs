//! The reports' rules: what the monthly report and the yearly (CCPA §7102) metrics count, from
//! the few stored values of each case the store hands over ([`rows`]).

pub mod month;
pub mod rows;
pub mod stats;
pub mod year;

pub use month::{Month, MonthlyRow, MonthlyTally};
pub use year::{Year, YearlyRow, YearlyTally};
