//! The `intake` table: mail that arrived (see `domain::mail::intake`).

use rusqlite::{Connection, OptionalExtension, Row, params};
use sha2::{Digest, Sha256};

use crate::domain::mail::intake::{
    Filing, IntakeDecision, IntakeItem, IntakeState, KeptMail, NewIntakeItem, Sender, json_list,
};
use crate::{CaseId, Error, IntakeId, Result};

/// The columns [`item`] reads, `i` the intake and `c` its case.
const COLUMNS: &str = "i.id, i.message_id, i.from_address, i.from_name, i.subject, i.body, \
    i.attachments, i.problems, i.arrived_at, i.imported_at, i.imported_by, i.state, i.case_id, \
    c.reference, i.sender, i.names_case, i.decided_by, i.decided_at, i.size, i.sha256";

const FROM: &str = "FROM intake i LEFT JOIN cases c ON c.id = i.case_id";

/// What a Message-ID is known by.
fn key(message_id: &str) -> String {
    hex::encode(Sha256::digest(message_id.as_bytes()))
}

fn item(row: &Row<'_>) -> rusqlite::Result<Result<IntakeItem>> {
    let id: i64 = row.get(0)?;
    let damaged = || Error::Damaged(format!("intake message {id} has an unreadable field"));
    let (attachments, problems, state, sender, reference, names_case): (
        String,
        String,
        String,
        Option<String>,
        Option<String>,
        Option<String>,
    ) = (
        row.get(6)?,
        row.get(7)?,
        row.get(11)?,
        row.get(14)?,
        row.get(13)?,
        row.get(15)?,
    );
    let parsed = (|| {
        Some((
            serde_json::from_str(&attachments).ok()?,
            serde_json::from_str(&problems).ok()?,
            state.parse::<IntakeState>().ok()?,
            match sender {
                Some(s) => Some(s.parse::<Sender>().ok()?),
                None => None,
            },
            match reference {
                Some(r) => Some(r.parse().ok()?),
                None => None,
            },
            match names_case {
                Some(r) => Some(r.parse().ok()?),
                None => None,
            },
        ))
    })();
    let Some((attachments, problems, state, sender, case, names_case)) = parsed else {
        return Ok(Err(damaged()));
    };
    let size: i64 = row.get(18)?;
    Ok(Ok(IntakeItem {
        id: IntakeId(id),
        message_id: row.get(1)?,
        from: row.get(2)?,
        from_name: row.get(3)?,
        subject: row.get(4)?,
        text: row.get(5)?,
        attachments,
        problems,
        arrived_at: row.get(8)?,
        imported_at: row.get(9)?,
        imported_by: row.get(10)?,
        state,
        case_id: row.get::<_, Option<i64>>(12)?.map(CaseId),
        case,
        sender,
        names_case,
        decided_by: row.get(16)?,
        decided_at: row.get(17)?,
        size: u64::try_from(size).unwrap_or_default(),
        sha256: row.get(19)?,
    }))
}

fn select(
    conn: &Connection,
    condition: &str,
    params: impl rusqlite::Params,
) -> Result<Vec<IntakeItem>> {
    conn.prepare_cached(&format!(
        "SELECT {COLUMNS} {FROM} {condition} ORDER BY i.id"
    ))?
    .query_map(params, item)?
    .map(|r| r?)
    .collect()
}

/// The messages in `state`, or every one, oldest first.
pub(super) fn list(conn: &Connection, state: Option<IntakeState>) -> Result<Vec<IntakeItem>> {
    match state {
        Some(state) => select(conn, "WHERE ?1 = i.state", [state.as_str()]),
        None => select(conn, "", []),
    }
}

/// One message by its number.
pub(super) fn by_id(conn: &Connection, id: IntakeId) -> Result<Option<IntakeItem>> {
    Ok(select(conn, "WHERE i.id = ?1", [id.0])?.pop())
}

/// The messages kept on a case or opened as it.
pub(super) fn for_case(conn: &Connection, case: CaseId) -> Result<Vec<IntakeItem>> {
    select(conn, "WHERE i.case_id = ?1", [case.0])
}

/// The original bytes of a message, unless retention removed them.
pub(super) fn original(conn: &Connection, id: IntakeId) -> Result<Option<Vec<u8>>> {
    Ok(conn
        .prepare_cached("SELECT original FROM intake WHERE id = ?1")?
        .query_row([id.0], |row| row.get::<_, Option<Vec<u8>>>(0))
        .optional()?
        .flatten())
}

/// The message already kept with this Message-ID, if any.
pub(super) fn known(conn: &Connection, message_id: &str) -> Result<Option<IntakeId>> {
    Ok(conn
        .prepare_cached("SELECT id FROM intake WHERE message_key = ?1")?
        .query_row([key(message_id)], |row| row.get(0))
        .optional()?
        .map(IntakeId))
}

/// Keeps a message; returns its number.
pub(super) fn insert(conn: &Connection, new: &NewIntakeItem<'_>) -> Result<IntakeId> {
    let mail = new.mail;
    let (state, case, sender, names_case) = match new.filing {
        Filing::OnCase { case, sender, .. } => (
            IntakeState::OnCase,
            Some(case.0),
            Some(sender.as_str()),
            None,
        ),
        Filing::Queue { names_case } => (
            IntakeState::New,
            None,
            None,
            names_case.as_ref().map(|r| r.as_str()),
        ),
    };
    conn.prepare_cached(
        "INSERT INTO intake (message_key, message_id, from_address, from_name, subject, body,
             attachments, problems, arrived_at, imported_at, imported_by, state, case_id, sender,
             names_case, size, sha256, original)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18)",
    )?
    .execute(params![
        key(&mail.message_id),
        mail.message_id,
        mail.from.as_ref().map(|e| e.as_str()),
        mail.from_name,
        mail.subject,
        mail.text,
        json_list(&mail.attachments),
        json_list(&mail.problems),
        new.arrived_at,
        new.at,
        new.by,
        state.as_str(),
        case,
        sender,
        names_case,
        i64::try_from(mail.size).unwrap_or(i64::MAX),
        mail.sha256,
        new.original,
    ])?;
    Ok(IntakeId(conn.last_insert_rowid()))
}

/// Moves a message out of the queue as an agent decided; false if it had left it already.
pub(super) fn decide(conn: &Connection, decision: &IntakeDecision<'_>) -> Result<bool> {
    Ok(conn
        .prepare_cached(
            "UPDATE intake SET state = ?2, case_id = ?3, sender = ?4, decided_by = ?5,
                 decided_at = ?6
             WHERE id = ?1 AND state = 'new'",
        )?
        .execute(params![
            decision.id.0,
            decision.to.as_str(),
            decision.case.map(|c| c.0),
            decision.sender.map(|s| s.as_str()),
            decision.by,
            decision.at,
        ])?
        > 0)
}

/// Removes what a case's messages say of the person: the sender, the subject, the text, the
/// names of the files and the original. The Message-ID (so it is not imported again), the
/// size, the SHA-256 and the dates stay.
pub(super) fn redact_for_case(conn: &Connection, case: CaseId, redacted: &str) -> Result<()> {
    conn.prepare_cached(
        "UPDATE intake SET from_address = NULL, from_name = NULL, subject = ?2, body = '',
             attachments = '[]', original = NULL
         WHERE case_id = ?1",
    )?
    .execute(params![case.0, redacted])?;
    Ok(())
}

/// Every message with its original, for a copy, in id order.
pub(super) fn all(conn: &Connection, each: &mut dyn FnMut(KeptMail) -> Result<()>) -> Result<()> {
    for item in list(conn, None)? {
        let original = original(conn, item.id)?;
        each(KeptMail { item, original })?;
    }
    Ok(())
}

/// Writes a copied message as it was.
pub(super) fn put(conn: &Connection, kept: &KeptMail) -> Result<()> {
    let item = &kept.item;
    conn.prepare_cached(
        "INSERT INTO intake (id, message_key, message_id, from_address, from_name, subject, body,
             attachments, problems, arrived_at, imported_at, imported_by, state, case_id, sender,
             names_case, decided_by, decided_at, size, sha256, original)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18,
                 ?19, ?20, ?21)",
    )?
    .execute(params![
        item.id.0,
        key(&item.message_id),
        item.message_id,
        item.from,
        item.from_name,
        item.subject,
        item.text,
        json_list(&item.attachments),
        json_list(&item.problems),
        item.arrived_at,
        item.imported_at,
        item.imported_by,
        item.state.as_str(),
        item.case_id.map(|c| c.0),
        item.sender.map(|s| s.as_str()),
        item.names_case.as_ref().map(|r| r.as_str()),
        item.decided_by,
        item.decided_at,
        i64::try_from(item.size).unwrap_or(i64::MAX),
        item.sha256,
        kept.original,
    ])?;
    Ok(())
}

/// How far the mailbox `name` was read.
pub(super) fn read_up_to(conn: &Connection, name: &str) -> Result<Option<(u32, u32)>> {
    let row = conn
        .prepare_cached("SELECT validity, last_uid FROM mailboxes WHERE name = ?1")?
        .query_row([name], |row| {
            Ok((row.get::<_, i64>(0)?, row.get::<_, i64>(1)?))
        })
        .optional()?;
    Ok(row.and_then(|(v, u)| Some((u32::try_from(v).ok()?, u32::try_from(u).ok()?))))
}

/// Moves the mailbox `name` on to `uid` (never back while its validity stays the same).
pub(super) fn set_read_up_to(
    conn: &Connection,
    name: &str,
    validity: u32,
    uid: u32,
    at: &str,
) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO mailboxes (name, validity, last_uid, read_at) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (name) DO UPDATE SET
             last_uid = CASE WHEN validity = excluded.validity
                             THEN max(last_uid, excluded.last_uid) ELSE excluded.last_uid END,
             validity = excluded.validity, read_at = excluded.read_at",
    )?
    .execute(params![name, validity, uid, at])?;
    Ok(())
}
