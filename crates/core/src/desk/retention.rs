//! Retention: the period, what is due, and redacting it in batches, each case with its own
//! `redacted` event. What is kept and what goes is `domain::retention`.

use chrono::NaiveDate;
use serde_json::json;

use super::Desk;
use crate::Result;
use crate::domain::events::{CaseEvent, DeskEvent, EventKind};
use crate::domain::retention::{self, DueCase, RetentionReport};
use crate::store::Setting;

/// Cases redacted per transaction: each batch is whole or not at all, and a long run does not
/// hold the write lock for long.
const BATCH: u32 = 500;

impl Desk {
    /// The retention period in months.
    pub fn retention_months(&self) -> Result<u32> {
        retention::parse_months(self.store.setting(Setting::RetentionMonths)?.as_deref())
    }

    /// Sets the retention period; refuses one outside the allowed range.
    pub fn set_retention_months(&mut self, months: u32) -> Result<()> {
        self.managers_only("setting the retention period")?;
        let months = retention::check_months(months)?;
        let stamp = self.stamp();
        self.write(|tx| {
            tx.set_setting(Setting::RetentionMonths, &months.to_string())?;
            let details = json!({ "months": months });
            let kind = EventKind::Desk(DeskEvent::SetRetention);
            tx.append_event(&stamp.event(None, kind, &details))?;
            Ok(())
        })
    }

    fn retention_cutoff(&self) -> Result<(u32, NaiveDate)> {
        let months = self.retention_months()?;
        Ok((months, retention::cutoff(self.today(), months)?))
    }

    /// What [`Desk::apply_retention`] would do now, changing nothing.
    pub fn retention_due(&self) -> Result<RetentionReport> {
        let (months, cutoff) = self.retention_cutoff()?;
        let (redacted, held) = self.store.count_due_for_retention(cutoff)?;
        Ok(RetentionReport {
            months,
            cutoff,
            redacted,
            held,
        })
    }

    /// The cases [`Desk::retention_due`] counts, oldest closing first, each with whether a
    /// legal hold keeps it whole; `visit` is called for each (a years-old database may list
    /// many thousands).
    pub fn each_case_due_for_retention(&self, visit: &mut dyn FnMut(DueCase)) -> Result<()> {
        let (_, cutoff) = self.retention_cutoff()?;
        self.store.each_due_for_retention(cutoff, visit)
    }

    /// Redacts every case closed on or before today minus the retention period, in batches,
    /// calling `progress` with the running count. Each case gets a `redacted` audit event.
    pub fn apply_retention(&mut self, progress: &mut dyn FnMut(u64)) -> Result<RetentionReport> {
        let mut report = self.retention_due()?;
        if report.redacted == 0 {
            // The usual case at an opening: nothing to do, so nothing is written.
            return Ok(report);
        }
        self.store.redaction_mode(true)?;
        let redacted = self.redact_in_batches(report.cutoff, report.months, progress);
        let finished = self.store.redaction_mode(false);
        report.redacted = redacted?;
        finished?;
        Ok(report)
    }

    fn redact_in_batches(
        &mut self,
        cutoff: NaiveDate,
        months: u32,
        progress: &mut dyn FnMut(u64),
    ) -> Result<u64> {
        let today = self.today();
        let stamp = self.stamp();
        let details = json!({ "retention_months": months });
        let kind = EventKind::OnCase(CaseEvent::Redacted);
        let mut redacted = 0u64;
        loop {
            let done = self.write(|tx| {
                let ids = tx.cases_due_for_retention(cutoff, BATCH)?;
                for &id in &ids {
                    tx.redact_case(id, today)?;
                    tx.append_event(&stamp.event(Some(id), kind, &details))?;
                }
                Ok(ids.len())
            })?;
            redacted += done as u64;
            progress(redacted);
            if done < BATCH as usize {
                return Ok(redacted);
            }
        }
    }
}
