//! The reports as CSV files: the monthly report and the yearly (CCPA §7102) metrics, written
//! whole or not at all.

use crate::domain::reports::APPEAL_COLUMNS;
use std::path::Path;

use crate::domain::reports::stats::format_days;
use crate::domain::reports::{Month, MonthlyRow, Year, YearlyRow};
use crate::files::atomic::{WrittenFile, csv_write_error, write_atomically};
use crate::{DenialBasis, Error, Result};

/// The monthly report's header row: the month, the kind, then the counts, with one column
/// of denials per basis (`denied_<basis>`) so that a spreadsheet can sum and chart them.
pub fn monthly_columns() -> Vec<String> {
    let mut columns: Vec<String> = [
        "month",
        "kind",
        "received",
        "closed",
        "fulfilled",
        "partially_fulfilled",
        "denied",
    ]
    .map(String::from)
    .to_vec();
    columns.extend(DenialBasis::ALL.iter().map(|b| format!("denied_{b}")));
    columns.extend(
        [
            "withdrawn",
            "merged",
            "extended",
            "closed_on_time",
            "median_days_to_close",
            "p90_days_to_close",
            "open_at_month_end",
            "overdue_at_month_end",
        ]
        .map(String::from),
    );
    columns.extend(APPEAL_COLUMNS.map(String::from));
    columns
}

/// The yearly metrics' header row.
pub const YEARLY_COLUMNS: [&str; 13] = [
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
    APPEAL_COLUMNS[0],
    APPEAL_COLUMNS[1],
    APPEAL_COLUMNS[2],
];

/// Writes `header` and `records` as one CSV file at `path`.
fn write_table<H: AsRef<[u8]>>(
    path: &Path,
    header: &[H],
    records: impl Iterator<Item = Vec<String>>,
) -> Result<WrittenFile> {
    write_atomically(path, |out| {
        let mut csv = csv::Writer::from_writer(out);
        csv.write_record(header).map_err(csv_write_error(path))?;
        for record in records {
            csv.write_record(&record).map_err(csv_write_error(path))?;
        }
        // The csv writer's own flush on drop would swallow a full disk.
        csv.flush()
            .map_err(|e| Error::io(format!("cannot write {}", path.display()), e))
    })
}

/// Writes the monthly report of `month` to `path`.
pub fn write_monthly(path: &Path, month: Month, rows: &[MonthlyRow]) -> Result<WrittenFile> {
    let n = |v: u64| v.to_string();
    write_table(
        path,
        &monthly_columns(),
        rows.iter().map(|row| {
            let mut record = vec![
                month.to_string(),
                row.kind.clone(),
                n(row.received),
                n(row.closed),
                n(row.fulfilled),
                n(row.partially_fulfilled),
                n(row.denied),
            ];
            record.extend(
                DenialBasis::ALL
                    .iter()
                    .map(|basis| n(row.denied_by_reason.get(basis).copied().unwrap_or(0))),
            );
            record.extend([
                n(row.withdrawn),
                n(row.merged),
                n(row.extended),
                n(row.closed_on_time),
                format_days(row.median_days_to_close),
                format_days(row.p90_days_to_close),
                n(row.open_at_month_end),
                n(row.overdue_at_month_end),
            ]);
            record.extend(row.appeals.columns().map(n));
            record
        }),
    )
}

/// Writes the metrics of `year` to `path`.
pub fn write_yearly(path: &Path, year: Year, rows: &[YearlyRow]) -> Result<WrittenFile> {
    let n = |v: u64| v.to_string();
    write_table(
        path,
        &YEARLY_COLUMNS,
        rows.iter().map(|row| {
            let mut record = vec![
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
            ];
            record.extend(row.appeals.columns().map(n));
            record
        }),
    )
}
