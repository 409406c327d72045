//! Retention's SQL: which cases are due (the partial index `cases_awaiting_redaction`), and
//! removing a case's personal details while its record, item outcomes and events stay.

use chrono::NaiveDate;
use rusqlite::{Connection, params};

use crate::domain::retention::{DueCase, REDACTED};
use crate::{CaseId, Result};

/// How many cases past the cutoff still hold personal details: to redact, and held whole.
pub(super) fn count_due(conn: &Connection, cutoff: NaiveDate) -> Result<(u64, u64)> {
    let (redact, held) = conn.query_row(
        "SELECT count(*) FILTER (WHERE legal_hold IS NULL),
                count(*) FILTER (WHERE legal_hold IS NOT NULL)
         FROM cases INDEXED BY cases_awaiting_redaction
         WHERE closed_on IS NOT NULL AND redacted_on IS NULL AND closed_on <= ?1",
        [cutoff],
        |r| Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?)),
    )?;
    Ok((redact as u64, held as u64))
}

/// The same cases, oldest closing first.
pub(super) fn each_due(
    conn: &Connection,
    cutoff: NaiveDate,
    each: &mut dyn FnMut(DueCase),
) -> Result<()> {
    let mut stmt = conn.prepare(
        "SELECT reference, kind, closed_on, legal_hold IS NOT NULL
         FROM cases INDEXED BY cases_awaiting_redaction
         WHERE closed_on IS NOT NULL AND redacted_on IS NULL AND closed_on <= ?1
         ORDER BY closed_on, id",
    )?;
    let mut rows = stmt.query([cutoff])?;
    while let Some(row) = rows.next()? {
        let reference: String = row.get(0)?;
        each(DueCase {
            reference: reference.parse()?,
            kind: row.get(1)?,
            closed_on: row.get(2)?,
            held: row.get(3)?,
        });
    }
    Ok(())
}

/// Up to `limit` cases to redact (no legal hold), oldest closing first.
pub(super) fn ids_due(conn: &Connection, cutoff: NaiveDate, limit: u32) -> Result<Vec<CaseId>> {
    Ok(conn
        .prepare_cached(
            "SELECT id FROM cases INDEXED BY cases_awaiting_redaction
             WHERE closed_on IS NOT NULL AND redacted_on IS NULL
               AND closed_on <= ?1 AND legal_hold IS NULL
             ORDER BY closed_on LIMIT ?2",
        )?
        .query_map(params![cutoff, limit], |r| Ok(CaseId(r.get(0)?)))?
        .collect::<rusqlite::Result<_>>()?)
}

/// Redacts one case's personal details, notes, reasons, item URLs and letter texts.
pub(super) fn redact_case(conn: &Connection, id: CaseId, today: NaiveDate) -> Result<()> {
    let id = id.0;
    conn.prepare_cached(
        "UPDATE cases SET requester_name = ?2, requester_email = ?2, details = '',
             requester_phone = CASE WHEN requester_phone IS NULL THEN NULL ELSE ?2 END,
             agent_name = CASE WHEN agent_name IS NULL THEN NULL ELSE ?2 END,
             agent_proof = CASE WHEN agent_proof IS NULL THEN NULL ELSE ?2 END,
             denial_reason = CASE WHEN denial_reason IS NULL THEN NULL ELSE ?2 END,
             extension_reason = CASE WHEN extension_reason IS NULL THEN NULL ELSE ?2 END,
             redacted_on = ?3
         WHERE id = ?1",
    )?
    .execute(params![id, REDACTED, today])?;
    conn.prepare_cached(
        "UPDATE items SET url = ?2 || ' ' || position,
             reason = CASE WHEN reason IS NULL THEN NULL ELSE ?2 END
         WHERE case_id = ?1",
    )?
    .execute(params![id, REDACTED])?;
    // Events keep the note ids; the timeline shows the text as gone.
    conn.prepare_cached("DELETE FROM notes WHERE case_id = ?1")?
        .execute([id])?;
    // Letters quote the person: drafts go, sent ones keep their kind and dates, and their
    // audit events keep the hash of what was sent.
    conn.prepare_cached(
        "DELETE FROM outbox WHERE letter_id IN
             (SELECT id FROM letters WHERE case_id = ?1 AND sent_at IS NULL)",
    )?
    .execute([id])?;
    conn.prepare_cached("DELETE FROM letters WHERE case_id = ?1 AND sent_at IS NULL")?
        .execute([id])?;
    conn.prepare_cached("UPDATE letters SET body = '' WHERE case_id = ?1")?
        .execute([id])?;
    super::intake::redact_for_case(conn, CaseId(id), REDACTED)?;
    conn.prepare_cached("DELETE FROM case_search WHERE rowid = ?1")?
        .execute([id])?;
    conn.prepare_cached(
        "INSERT INTO case_search (rowid, reference, name, email, details, notes)
         SELECT id, reference, '', '', '', '' FROM cases WHERE id = ?1",
    )?
    .execute([id])?;
    Ok(())
}
