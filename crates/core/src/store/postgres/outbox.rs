//! The `outbox` table on the team desk: letters on their way out by email (see
//! `domain::mail::outbox`). Nothing in it is sealed: it holds no personal data.

use postgres::{GenericClient, Row};

use crate::domain::letters::LetterKind;
use crate::domain::mail::outbox::{Addressee, MailMove, NewOutboxEntry, OutboxEntry, OutboxState};
use crate::{CaseId, Error, LetterId, OutboxId, Reference, Result};

/// The columns [`entry`] reads, `o` the outbox and `c` its case.
const COLUMNS: &str = "o.id, o.case_id, c.reference, o.letter_id, o.kind, o.addressee, \
    o.message_id, o.dated, o.state, o.attempts, o.last_error, o.queued_at, o.queued_by, \
    o.updated_at";

fn entry(row: &Row) -> Result<OutboxEntry> {
    let id: i64 = row.try_get(0)?;
    let damaged = || {
        Error::Damaged(format!(
            "outbox message {id} has an unknown kind, recipient or state"
        ))
    };
    let attempts: i32 = row.try_get(9)?;
    let kind = row
        .try_get::<_, &str>(4)?
        .parse::<LetterKind>()
        .map_err(|_| damaged())?;
    Ok(OutboxEntry {
        id: OutboxId(id),
        case: CaseId(row.try_get(1)?),
        reference: row.try_get::<_, &str>(2)?.parse::<Reference>()?,
        letter: LetterId(row.try_get(3)?),
        kind,
        title: kind.title(),
        to: row
            .try_get::<_, &str>(5)?
            .parse::<Addressee>()
            .map_err(|_| damaged())?,
        message_id: row.try_get(6)?,
        dated: row.try_get(7)?,
        state: row
            .try_get::<_, &str>(8)?
            .parse::<OutboxState>()
            .map_err(|_| damaged())?,
        attempts: u32::try_from(attempts).map_err(|_| damaged())?,
        last_error: row.try_get(10)?,
        queued_at: row.try_get(11)?,
        queued_by: row.try_get(12)?,
        updated_at: row.try_get(13)?,
    })
}

fn select(
    conn: &mut impl GenericClient,
    condition: &str,
    params: &[&(dyn postgres::types::ToSql + Sync)],
) -> Result<Vec<OutboxEntry>> {
    conn.query(
        &format!(
            "SELECT {COLUMNS} FROM outbox o JOIN cases c ON c.id = o.case_id {condition} \
             ORDER BY o.id"
        ),
        params,
    )?
    .iter()
    .map(entry)
    .collect()
}

/// The messages not yet sent, oldest first.
pub(super) fn unsent(conn: &mut impl GenericClient) -> Result<Vec<OutboxEntry>> {
    select(conn, "WHERE o.state <> 'sent'", &[])
}

/// The message with this Message-ID.
pub(super) fn by_message_id(
    conn: &mut impl GenericClient,
    message_id: &str,
) -> Result<Option<OutboxEntry>> {
    Ok(select(conn, "WHERE o.message_id = $1", &[&message_id])?.pop())
}

/// One message by its number.
pub(super) fn by_id(conn: &mut impl GenericClient, id: OutboxId) -> Result<Option<OutboxEntry>> {
    Ok(select(conn, "WHERE o.id = $1", &[&id.0])?.pop())
}

/// The message of the draft of `kind` on a case, if it went to the outbox and is not sent.
pub(super) fn unsent_for(
    conn: &mut impl GenericClient,
    case: CaseId,
    kind: LetterKind,
) -> Result<Option<OutboxEntry>> {
    Ok(select(
        conn,
        "WHERE o.case_id = $1 AND o.kind = $2 AND o.state <> 'sent'",
        &[&case.0, &kind.as_str()],
    )?
    .pop())
}

/// Puts a message in the outbox, queued (by the session's login); returns its number.
pub(super) fn queue(conn: &mut impl GenericClient, new: &NewOutboxEntry<'_>) -> Result<OutboxId> {
    Ok(OutboxId(
        conn.query_one(
            "INSERT INTO outbox (case_id, letter_id, kind, addressee, message_id, dated, state,
                                 queued_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, 'queued', $7, $7) RETURNING id",
            &[
                &new.case.0,
                &new.letter.0,
                &new.kind.as_str(),
                &new.to.as_str(),
                &new.message_id,
                &new.dated,
                &new.at,
            ],
        )?
        .try_get(0)?,
    ))
}

/// Moves a message as `change` says; a move to `sending` counts a try. True if it moved (of
/// two agents moving it at once, the second waits for the first's commit and then finds it
/// moved).
pub(super) fn set_state(conn: &mut impl GenericClient, change: &MailMove<'_>) -> Result<bool> {
    let from: Vec<&str> = change.from.iter().map(|s| s.as_str()).collect();
    Ok(conn.execute(
        "UPDATE outbox SET state = $2, last_error = $3, updated_at = $4,
             attempts = attempts + (CASE WHEN $2 = 'sending' THEN 1 ELSE 0 END)
         WHERE id = $1 AND state = ANY($5)
           AND (state <> 'sending' OR $6::text IS NULL OR updated_at < $6)",
        &[
            &change.id.0,
            &change.to.as_str(),
            &change.error,
            &change.at,
            &from,
            &change.sending_before,
        ],
    )? > 0)
}

/// Takes a message out of the outbox (its draft was discarded or marked sent by hand).
pub(super) fn withdraw(conn: &mut impl GenericClient, id: OutboxId) -> Result<()> {
    conn.execute(
        "DELETE FROM outbox WHERE id = $1 AND state <> 'sent'",
        &[&id.0],
    )?;
    Ok(())
}

/// Every message, for a copy, in id order.
pub(super) fn all(conn: &mut impl GenericClient) -> Result<Vec<OutboxEntry>> {
    select(conn, "", &[])
}

/// Writes a copied message as it was.
pub(super) fn put(conn: &mut impl GenericClient, entry: &OutboxEntry) -> Result<()> {
    let attempts = i32::try_from(entry.attempts)
        .map_err(|_| Error::invalid("an outbox message was tried too many times to copy"))?;
    conn.execute(
        "INSERT INTO outbox (id, case_id, letter_id, kind, addressee, message_id, dated, state,
                             attempts, last_error, queued_at, queued_by, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
        &[
            &entry.id.0,
            &entry.case.0,
            &entry.letter.0,
            &entry.kind.as_str(),
            &entry.to.as_str(),
            &entry.message_id,
            &entry.dated,
            &entry.state.as_str(),
            &attempts,
            &entry.last_error,
            &entry.queued_at,
            &entry.queued_by,
            &entry.updated_at,
        ],
    )?;
    Ok(())
}
