//! Retention: requester details on cases closed longer ago than the retention period are
//! redacted, keeping the record CCPA §7101 asks for and an intact audit chain.
//!
//! Kept: reference, kind, channel, jurisdiction, dates received, due and closed, outcome,
//! denial basis, item outcomes, customer, assignee, the minor flag, which letters were sent
//! when. Redacted: the requester's name and email, what they wrote, agents' notes and
//! free-text reasons (they quote people), item URLs, letter texts, the phone number. Cases under a legal hold are kept whole.

use chrono::{Months, NaiveDate};
use rusqlite::{OptionalExtension, Transaction, params};
use serde::Serialize;
use serde_json::json;

use crate::desk::timestamp;
use crate::store::{ChainCursor, EventDraft, append_one};
use crate::{Desk, Error, Result};

/// What replaces redacted text.
pub const REDACTED: &str = "[redacted]";

/// The period when none is set: CCPA §7101 keeps request records at least 24 months.
pub const DEFAULT_MONTHS: u32 = 24;

/// The shortest period allowed, for the same reason.
pub const MIN_MONTHS: u32 = 24;

/// The longest period allowed: personal data is not kept without end.
pub const MAX_MONTHS: u32 = 120;

/// Cases redacted per transaction: each batch is whole or not at all, and a long run
/// does not hold the write lock for long.
const BATCH: usize = 500;

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
    pub reference: crate::Reference,
    /// What was asked.
    pub kind: crate::Kind,
    /// When it closed.
    pub closed_on: NaiveDate,
    /// Kept whole because a legal hold stands.
    pub held: bool,
}

fn setting(tx: &rusqlite::Connection, key: &str) -> Result<Option<String>> {
    Ok(tx
        .query_row("SELECT value FROM settings WHERE key = ?1", [key], |r| {
            r.get(0)
        })
        .optional()?)
}

impl Desk {
    /// The retention period in months.
    pub fn retention_months(&self) -> Result<u32> {
        match setting(self.store().conn(), "retention_months")? {
            None => Ok(DEFAULT_MONTHS),
            Some(text) => text.parse().map_err(|_| {
                Error::Damaged(format!("the retention setting {text:?} is not a number"))
            }),
        }
    }

    /// Sets the retention period; refuses one outside [`MIN_MONTHS`]..=[`MAX_MONTHS`].
    pub fn set_retention_months(&mut self, months: u32) -> Result<()> {
        if !(MIN_MONTHS..=MAX_MONTHS).contains(&months) {
            return Err(Error::invalid(format!(
                "the retention period must be {MIN_MONTHS} to {MAX_MONTHS} months \
                 (CCPA keeps request records for at least 24 months); {months} was given"
            )));
        }
        let now = timestamp();
        let actor = self.agent().as_str().to_string();
        self.store_mut().write(|tx| {
            tx.execute(
                "INSERT INTO settings (key, value) VALUES ('retention_months', ?1)
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                [months.to_string()],
            )?;
            append_one(
                tx,
                &EventDraft {
                    case_id: None,
                    at: &now,
                    actor: &actor,
                    action: "set_retention",
                    details: json!({ "months": months }).to_string(),
                },
            )?;
            Ok(())
        })
    }

    fn retention_cutoff(&self, months: u32) -> Result<NaiveDate> {
        self.today()
            .checked_sub_months(Months::new(months))
            .ok_or_else(|| Error::invalid("the retention period reaches before the calendar"))
    }

    /// What [`Desk::apply_retention`] would do now, changing nothing.
    pub fn retention_due(&self) -> Result<RetentionReport> {
        let months = self.retention_months()?;
        let cutoff = self.retention_cutoff(months)?;
        let (redacted, held) = self.store().conn().query_row(
            "SELECT count(*) FILTER (WHERE legal_hold IS NULL),
                    count(*) FILTER (WHERE legal_hold IS NOT NULL)
             FROM cases INDEXED BY cases_awaiting_redaction
             WHERE closed_on IS NOT NULL AND redacted_on IS NULL AND closed_on <= ?1",
            [cutoff],
            |r| Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?)),
        )?;
        Ok(RetentionReport {
            months,
            cutoff,
            redacted: redacted as u64,
            held: held as u64,
        })
    }

    /// The cases [`Desk::retention_due`] counts, oldest closing first, each with whether a
    /// legal hold keeps it whole; `visit` is called for each (a years-old database may list
    /// many thousands).
    pub fn each_case_due_for_retention(&self, visit: &mut dyn FnMut(DueCase)) -> Result<()> {
        let cutoff = self.retention_cutoff(self.retention_months()?)?;
        let mut stmt = self.store().conn().prepare(
            "SELECT reference, kind, closed_on, legal_hold IS NOT NULL
             FROM cases INDEXED BY cases_awaiting_redaction
             WHERE closed_on IS NOT NULL AND redacted_on IS NULL AND closed_on <= ?1
             ORDER BY closed_on, id",
        )?;
        let mut rows = stmt.query([cutoff])?;
        while let Some(row) = rows.next()? {
            let reference: String = row.get(0)?;
            visit(DueCase {
                reference: reference.parse()?,
                kind: row.get(1)?,
                closed_on: row.get(2)?,
                held: row.get(3)?,
            });
        }
        Ok(())
    }

    /// Redacts every case closed on or before today minus the retention period, in batches,
    /// calling `progress` with the running count. Each case gets a `redacted` audit event.
    pub fn apply_retention(&mut self, progress: &mut dyn FnMut(u64)) -> Result<RetentionReport> {
        let mut report = self.retention_due()?;
        if report.redacted == 0 {
            // The usual case at an unlock: nothing to do, so nothing is written.
            return Ok(report);
        }
        let cutoff = report.cutoff;
        let months = report.months;
        let today = self.today();
        let now = timestamp();
        let actor = self.agent().as_str().to_string();
        // Freed space is overwritten, so redacted text does not linger in the file's free pages.
        self.store()
            .conn()
            .execute_batch("PRAGMA secure_delete = ON;")?;
        let mut redacted = 0u64;
        loop {
            let done = self.store_mut().write(|tx| {
                let ids: Vec<i64> = tx
                    .prepare_cached(
                        "SELECT id FROM cases INDEXED BY cases_awaiting_redaction
                         WHERE closed_on IS NOT NULL AND redacted_on IS NULL
                           AND closed_on <= ?1 AND legal_hold IS NULL
                         ORDER BY closed_on LIMIT ?2",
                    )?
                    .query_map(params![cutoff, BATCH as i64], |r| r.get(0))?
                    .collect::<rusqlite::Result<_>>()?;
                let mut cursor = ChainCursor::load(tx)?;
                for &id in &ids {
                    redact_case(tx, id, today)?;
                    cursor.append(
                        tx,
                        &EventDraft {
                            case_id: Some(crate::CaseId(id)),
                            at: &now,
                            actor: &actor,
                            action: "redacted",
                            details: json!({ "retention_months": months }).to_string(),
                        },
                    )?;
                }
                cursor.save(tx)?;
                Ok(ids.len())
            });
            let done = match done {
                Ok(done) => done,
                Err(err) => {
                    let _ = self
                        .store()
                        .conn()
                        .execute_batch("PRAGMA secure_delete = OFF;");
                    return Err(err);
                }
            };
            redacted += done as u64;
            progress(redacted);
            if done < BATCH {
                break;
            }
        }
        // Old page versions in the WAL are encrypted, but need not stay: fold and truncate it.
        self.store()
            .conn()
            .execute_batch("PRAGMA secure_delete = OFF; PRAGMA wal_checkpoint(TRUNCATE);")?;
        report.redacted = redacted;
        Ok(report)
    }
}

/// Redacts one case's personal details, notes, reasons and item URLs.
fn redact_case(tx: &Transaction<'_>, id: i64, today: NaiveDate) -> Result<()> {
    tx.prepare_cached(
        "UPDATE cases SET requester_name = ?2, requester_email = ?2, details = '',
             requester_phone = CASE WHEN requester_phone IS NULL THEN NULL ELSE ?2 END,
             denial_reason = CASE WHEN denial_reason IS NULL THEN NULL ELSE ?2 END,
             extension_reason = CASE WHEN extension_reason IS NULL THEN NULL ELSE ?2 END,
             redacted_on = ?3
         WHERE id = ?1",
    )?
    .execute(params![id, REDACTED, today])?;
    tx.prepare_cached(
        "UPDATE items SET url = ?2 || ' ' || position,
             reason = CASE WHEN reason IS NULL THEN NULL ELSE ?2 END
         WHERE case_id = ?1",
    )?
    .execute(params![id, REDACTED])?;
    // Events keep the note ids; the timeline shows the text as gone.
    tx.prepare_cached("DELETE FROM notes WHERE case_id = ?1")?
        .execute([id])?;
    // Letters quote the person: drafts go, sent ones keep their kind and dates, and their
    // audit events keep the hash of what was sent.
    tx.prepare_cached("DELETE FROM letters WHERE case_id = ?1 AND sent_at IS NULL")?
        .execute([id])?;
    tx.prepare_cached("UPDATE letters SET body = '' WHERE case_id = ?1")?
        .execute([id])?;
    tx.prepare_cached("DELETE FROM case_search WHERE rowid = ?1")?
        .execute([id])?;
    tx.prepare_cached(
        "INSERT INTO case_search (rowid, reference, name, email, details, notes)
         SELECT id, reference, '', '', '', '' FROM cases WHERE id = ?1",
    )?
    .execute([id])?;
    Ok(())
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
