//! The monthly report and the yearly (CCPA §7102) metrics: counted from the store's scans by
//! the domain's tallies, written as CSV, and each writing recorded in the audit trail.

use std::path::Path;

use chrono::NaiveDate;
use serde_json::json;

use super::{Desk, ExportSummary};
use crate::Result;
use crate::domain::events::{DeskEvent, EventKind};
use crate::domain::reports::{
    CountsAppeals, Month, MonthlyRow, MonthlyTally, Year, YearlyRow, YearlyTally,
};
use crate::files::report_csv;

impl Desk {
    /// Computes the monthly report: one row per kind, then `all`.
    pub fn monthly_rows(&self, month: Month) -> Result<Vec<MonthlyRow>> {
        let (first, last) = (month.first(), month.last());
        let mut tally = MonthlyTally::new(month);
        self.store
            .each_received(first, last, &mut |kind| tally.received(kind))?;
        self.store
            .each_extended(first, last, &mut |kind| tally.extended(kind))?;
        self.count_appeals(first, last, &mut tally)?;
        self.store
            .each_still_open(last, &mut |case| tally.still_open(case))?;
        self.store
            .each_closing(first, last, &mut |case| tally.closed(case))?;
        Ok(tally.finish())
    }

    /// Counts into `tally` the appeals that arrived, and those decided, from `first` to `last`.
    fn count_appeals(
        &self,
        first: NaiveDate,
        last: NaiveDate,
        tally: &mut dyn CountsAppeals,
    ) -> Result<()> {
        self.store.each_appeal_received(first, last, &mut |kind| {
            tally.appeals(kind).appeals_received += 1
        })?;
        self.store
            .each_appeal_decided(first, last, &mut |kind, granted| {
                tally.appeals(kind).decided(granted)
            })
    }

    /// The months a report can be made for: from the first case received to this month, newest first.
    pub fn report_months(&self) -> Result<Vec<String>> {
        let today = self.today();
        let first = self.store.first_received_on()?.unwrap_or(today);
        Ok(Month::back_to(first, today)
            .iter()
            .map(Month::to_string)
            .collect())
    }

    /// Writes the monthly report CSV to `path`.
    pub fn monthly_report(&mut self, month: Month, path: &Path) -> Result<ExportSummary> {
        self.managers_only("the monthly report")?;
        let rows = self.monthly_rows(month)?;
        let file = report_csv::write_monthly(path, month, &rows)?;
        let details = json!({ "month": month.to_string(), "sha256": file.sha256 });
        let kind = EventKind::Desk(DeskEvent::ReportMonthly);
        let chain_head = self.record_written(None, &file, kind, details)?;
        Ok(ExportSummary {
            file,
            rows: rows.len() as u64,
            chain_head,
        })
    }

    /// Computes the year's metrics: one row per kind, then `all`.
    pub fn yearly_rows(&self, year: Year) -> Result<Vec<YearlyRow>> {
        let (first, last) = (year.first(), year.last());
        let mut tally = YearlyTally::default();
        self.store
            .each_received(first, last, &mut |kind| tally.received(kind))?;
        self.store
            .each_answer(first, last, &mut |case| tally.closed(case))?;
        self.count_appeals(first, last, &mut tally)?;
        let (purges_from, purges_to) = year.purge_dates();
        self.store
            .each_scheduled_deletion(purges_from, purges_to, &mut |case| tally.scheduled(case))?;
        Ok(tally.finish())
    }

    /// Writes the year's metrics as CSV to `path`.
    pub fn yearly_report(&mut self, year: Year, path: &Path) -> Result<ExportSummary> {
        self.managers_only("the yearly metrics")?;
        let rows = self.yearly_rows(year)?;
        let file = report_csv::write_yearly(path, year, &rows)?;
        let details = json!({ "year": year.number(), "sha256": file.sha256 });
        let kind = EventKind::Desk(DeskEvent::ReportYearly);
        let chain_head = self.record_written(None, &file, kind, details)?;
        Ok(ExportSummary {
            file,
            rows: rows.len() as u64,
            chain_head,
        })
    }
}
