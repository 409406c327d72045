//! The `outbox` table: letters on their way out by email (see `domain::mail::outbox`).

use rusqlite::{Connection, OptionalExtension, Row, params};

use crate::domain::letters::LetterKind;
use crate::domain::mail::outbox::{Addressee, MailMove, NewOutboxEntry, OutboxEntry, OutboxState};
use crate::{CaseId, Error, LetterId, OutboxId, Reference, Result};

/// The columns [`entry`] reads, `o` the outbox and `c` its case.
const COLUMNS: &str = "o.id, o.case_id, c.reference, o.letter_id, o.kind, o.addressee, \
    o.message_id, o.dated, o.state, o.attempts, o.last_error, o.queued_at, o.queued_by, \
    o.updated_at";

fn entry(row: &Row<'_>) -> rusqlite::Result<Result<OutboxEntry>> {
    let (reference, kind, to, state): (String, String, String, String) =
        (row.get(2)?, row.get(4)?, row.get(5)?, row.get(8)?);
    let (Ok(reference), Ok(kind), Ok(to), Ok(state)) = (
        reference.parse::<Reference>(),
        kind.parse::<LetterKind>(),
        to.parse::<Addressee>(),
        state.parse::<OutboxState>(),
    ) else {
        return Ok(Err(Error::Damaged(format!(
            "outbox message {} has an unknown kind, recipient or state",
            row.get::<_, i64>(0)?
        ))));
    };
    Ok(Ok(OutboxEntry {
        id: OutboxId(row.get(0)?),
        case: CaseId(row.get(1)?),
        reference,
        letter: LetterId(row.get(3)?),
        kind,
        title: kind.title(),
        to,
        message_id: row.get(6)?,
        dated: row.get(7)?,
        state,
        attempts: row.get(9)?,
        last_error: row.get(10)?,
        queued_at: row.get(11)?,
        queued_by: row.get(12)?,
        updated_at: row.get(13)?,
    }))
}

/// The messages not yet sent, oldest first.
pub(super) fn unsent(conn: &Connection) -> Result<Vec<OutboxEntry>> {
    conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM outbox o JOIN cases c ON c.id = o.case_id
         WHERE o.state <> 'sent' ORDER BY o.id"
    ))?
    .query_map([], entry)?
    .map(|r| r?)
    .collect()
}

/// The message with this Message-ID.
pub(super) fn by_message_id(conn: &Connection, message_id: &str) -> Result<Option<OutboxEntry>> {
    conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM outbox o JOIN cases c ON c.id = o.case_id WHERE o.message_id = ?1"
    ))?
    .query_row([message_id], entry)
    .optional()?
    .transpose()
}

/// One message by its number.
pub(super) fn by_id(conn: &Connection, id: OutboxId) -> Result<Option<OutboxEntry>> {
    conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM outbox o JOIN cases c ON c.id = o.case_id WHERE o.id = ?1"
    ))?
    .query_row([id.0], entry)
    .optional()?
    .transpose()
}

/// The message of the draft of `kind` on a case, if it went to the outbox and is not sent.
pub(super) fn unsent_for(
    conn: &Connection,
    case: CaseId,
    kind: LetterKind,
) -> Result<Option<OutboxEntry>> {
    conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM outbox o JOIN cases c ON c.id = o.case_id
         WHERE o.case_id = ?1 AND o.kind = ?2 AND o.state <> 'sent'"
    ))?
    .query_row(params![case.0, kind.as_str()], entry)
    .optional()?
    .transpose()
}

/// Puts a message in the outbox, queued; returns its number.
pub(super) fn queue(conn: &Connection, new: &NewOutboxEntry<'_>) -> Result<OutboxId> {
    Ok(OutboxId(
        conn.prepare_cached(
            "INSERT INTO outbox (case_id, letter_id, kind, addressee, message_id, dated, state,
                                 queued_at, queued_by, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'queued', ?7, ?8, ?7) RETURNING id",
        )?
        .query_row(
            params![
                new.case.0,
                new.letter.0,
                new.kind.as_str(),
                new.to.as_str(),
                new.message_id,
                new.dated,
                new.at,
                new.by
            ],
            |r| r.get(0),
        )?,
    ))
}

/// Moves a message as `change` says; a move to `sending` counts a try. True if it moved.
pub(super) fn set_state(conn: &Connection, change: &MailMove<'_>) -> Result<bool> {
    let from: Vec<&str> = change.from.iter().map(|s| s.as_str()).collect();
    let from =
        serde_json::to_string(&from).map_err(|e| Error::internal(format!("outbox states: {e}")))?;
    Ok(conn
        .prepare_cached(
            "UPDATE outbox SET state = ?2, last_error = ?3, updated_at = ?4,
                 attempts = attempts + (?2 = 'sending')
             WHERE id = ?1 AND state IN (SELECT value FROM json_each(?5))
               AND (state <> 'sending' OR ?6 IS NULL OR updated_at < ?6)",
        )?
        .execute(params![
            change.id.0,
            change.to.as_str(),
            change.error,
            change.at,
            from,
            change.sending_before
        ])?
        > 0)
}

/// Takes a message out of the outbox (its draft was discarded or marked sent by hand).
pub(super) fn withdraw(conn: &Connection, id: OutboxId) -> Result<()> {
    conn.prepare_cached("DELETE FROM outbox WHERE id = ?1 AND state <> 'sent'")?
        .execute([id.0])?;
    Ok(())
}

/// Every message, for a copy: `(entry)` in id order.
pub(super) fn all(conn: &Connection) -> Result<Vec<OutboxEntry>> {
    conn.prepare(&format!(
        "SELECT {COLUMNS} FROM outbox o JOIN cases c ON c.id = o.case_id ORDER BY o.id"
    ))?
    .query_map([], entry)?
    .map(|r| r?)
    .collect()
}

/// Writes a copied message as it was.
pub(super) fn put(conn: &Connection, entry: &OutboxEntry) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO outbox (id, case_id, letter_id, kind, addressee, message_id, dated, state,
                             attempts, last_error, queued_at, queued_by, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
    )?
    .execute(params![
        entry.id.0,
        entry.case.0,
        entry.letter.0,
        entry.kind.as_str(),
        entry.to.as_str(),
        entry.message_id,
        entry.dated,
        entry.state.as_str(),
        entry.attempts,
        entry.last_error,
        entry.queued_at,
        entry.queued_by,
        entry.updated_at
    ])?;
    Ok(())
}
