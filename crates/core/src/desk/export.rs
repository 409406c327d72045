//! The case CSV export: the store's rows, in the order the cases were opened, through the CSV
//! writer; the writing recorded in the audit trail (or the file removed).

use std::path::Path;

use serde_json::json;

use super::{Desk, ExportSummary};
use crate::Result;
use crate::domain::events::{DeskEvent, EventKind};
use crate::domain::filter::CaseFilter;
use crate::files::case_csv;

impl Desk {
    /// Exports the cases a filter selects to `path`, in the order they were opened;
    /// `progress` hears the row count now and then.
    pub fn export_cases(
        &mut self,
        filter: &CaseFilter,
        path: &Path,
        bom: bool,
        progress: &mut dyn FnMut(u64),
    ) -> Result<ExportSummary> {
        self.managers_only("exporting cases")?;
        let today = self.today();
        let store = self.store();
        let (file, rows) = case_csv::write_cases(path, bom, today, progress, |each| {
            store.for_each_export_row(filter, today, each)
        })?;
        let details = json!({ "rows": rows, "sha256": file.sha256, "bytes": file.bytes });
        let kind = EventKind::Desk(DeskEvent::ExportCases);
        let chain_head = self.record_written(None, &file, kind, details)?;
        Ok(ExportSummary {
            file,
            rows,
            chain_head,
        })
    }
}
