//! The case CSV export: fixed, documented columns; formulas neutralised; written atomically.
//!
//! Columns, in order (dates are `YYYY-MM-DD`, empty when not applicable):
//! `reference, kind, state, outcome, denial_basis, received_on, due_on, extended_until,
//! closed_on, closed_on_time, days_to_close, overdue, jurisdiction, channel, customer,
//! assignee, minor, requester_name, requester_email`.

use std::io::Write;
use std::path::Path;

use serde_json::json;

use crate::atomic_file::{WrittenFile, csv_write_error, write_atomically};
use crate::csv_safe::neutralise;
use crate::desk::Desk;
use crate::store::CaseFilter;
use crate::{Error, Result};

/// The header row of the case export.
pub const CASE_COLUMNS: [&str; 19] = [
    "reference",
    "kind",
    "state",
    "outcome",
    "denial_basis",
    "received_on",
    "due_on",
    "extended_until",
    "closed_on",
    "closed_on_time",
    "days_to_close",
    "overdue",
    "jurisdiction",
    "channel",
    "customer",
    "assignee",
    "minor",
    "requester_name",
    "requester_email",
];

/// What an export wrote.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ExportSummary {
    /// The file.
    #[serde(flatten)]
    pub file: WrittenFile,
    /// Data rows written.
    pub rows: u64,
    /// The audit chain head after the export was recorded, to prove the history later.
    pub chain_head: String,
}

fn yes_no(value: bool) -> &'static str {
    if value { "yes" } else { "no" }
}

/// Rows between two progress reports.
pub const PROGRESS_EVERY: u64 = 10_000;

impl Desk {
    /// Exports the cases a filter selects to `path`; `progress` hears the row count now and then.
    pub fn export_cases(
        &mut self,
        filter: &CaseFilter,
        path: &Path,
        bom: bool,
        progress: &mut dyn FnMut(u64),
    ) -> Result<ExportSummary> {
        let today = self.today();
        let mut rows = 0u64;
        let file = write_atomically(path, |out| {
            let io_err = |e| Error::io(format!("cannot write {}", path.display()), e);
            if bom {
                out.write_all("\u{feff}".as_bytes()).map_err(io_err)?;
            }
            let mut csv = csv::Writer::from_writer(out);
            csv.write_record(CASE_COLUMNS)
                .map_err(csv_write_error(path))?;
            self.store().for_each_case(filter, today, |case| {
                let days_to_close = case
                    .closed_on
                    .map(|c| (c - case.received_on).num_days().to_string());
                let date =
                    |d: Option<chrono::NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
                let record: [String; 19] = [
                    case.reference.to_string(),
                    case.kind.to_string(),
                    case.state.to_string(),
                    case.outcome.map(|o| o.to_string()).unwrap_or_default(),
                    case.denial_basis.map(|o| o.to_string()).unwrap_or_default(),
                    case.received_on.to_string(),
                    case.due_on.to_string(),
                    date(case.extension.map(|e| e.until)),
                    date(case.closed_on),
                    case.closed_on_time()
                        .map(|on_time| yes_no(on_time).to_string())
                        .unwrap_or_default(),
                    days_to_close.unwrap_or_default(),
                    yes_no(case.is_overdue(today)).to_string(),
                    case.jurisdiction.to_string(),
                    case.channel.to_string(),
                    case.customer.clone().unwrap_or_default(),
                    case.assignee.clone().unwrap_or_default(),
                    yes_no(case.requester.is_minor).to_string(),
                    case.requester.name.clone(),
                    case.requester.email.to_string(),
                ];
                csv.write_record(record.iter().map(|cell| neutralise(cell).into_owned()))
                    .map_err(csv_write_error(path))?;
                rows += 1;
                if rows.is_multiple_of(PROGRESS_EVERY) {
                    progress(rows);
                }
                Ok(())
            })?;
            // The csv writer's own flush on drop would swallow a full disk.
            csv.flush().map_err(io_err)?;
            Ok(())
        })?;
        progress(rows);
        let chain_head = self.record_written(
            &file,
            "export_cases",
            json!({ "rows": rows, "sha256": file.sha256, "bytes": file.bytes }),
        )?;
        Ok(ExportSummary {
            file,
            rows,
            chain_head,
        })
    }
}
