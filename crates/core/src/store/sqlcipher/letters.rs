//! The `letters` table: drafts (one per kind and case) and letters kept as sent.

use rusqlite::{Connection, OptionalExtension, Row, params};

use crate::domain::letters::{Letter, LetterKind};
use crate::{CaseId, Error, LetterId, Result};

pub(super) const COLUMNS: &str = "id, kind, body, author, saved_at, sent_at";

pub(super) fn letter(row: &Row<'_>) -> rusqlite::Result<Result<Letter>> {
    let kind: String = row.get(1)?;
    let Ok(kind) = kind.parse::<LetterKind>() else {
        return Ok(Err(Error::Damaged(format!(
            "a letter is of an unknown kind {kind:?}"
        ))));
    };
    Ok(Ok(Letter {
        id: LetterId(row.get(0)?),
        kind,
        title: kind.title(),
        body: row.get(2)?,
        author: row.get(3)?,
        saved_at: row.get(4)?,
        sent_at: row.get(5)?,
    }))
}

/// A case's letters, oldest first: drafts and sent ones.
pub(super) fn letters_for_case(conn: &Connection, case: CaseId) -> Result<Vec<Letter>> {
    conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM letters WHERE case_id = ?1 ORDER BY id"
    ))?
    .query_map([case.0], letter)?
    .map(|r| r?)
    .collect()
}

/// The saved draft of `kind` on a case, if there is one.
pub(super) fn draft(conn: &Connection, case: CaseId, kind: LetterKind) -> Result<Option<Letter>> {
    conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM letters WHERE case_id = ?1 AND kind = ?2 AND sent_at IS NULL"
    ))?
    .query_row(params![case.0, kind.as_str()], letter)
    .optional()?
    .transpose()
}

/// One letter of a case by its id.
pub(super) fn letter_by_id(
    conn: &Connection,
    case: CaseId,
    id: LetterId,
) -> Result<Option<Letter>> {
    conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM letters WHERE case_id = ?1 AND id = ?2"
    ))?
    .query_row(params![case.0, id.0], letter)
    .optional()?
    .transpose()
}

/// Saves the draft of `kind`, replacing the one before; returns its id.
pub(super) fn save_draft(
    conn: &Connection,
    case: CaseId,
    kind: LetterKind,
    body: &str,
    at: &str,
    author: &str,
) -> Result<LetterId> {
    Ok(LetterId(conn
        .prepare_cached(
            "INSERT INTO letters (case_id, kind, body, author, saved_at) VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT (case_id, kind) WHERE sent_at IS NULL
             DO UPDATE SET body = excluded.body, author = excluded.author,
                           saved_at = excluded.saved_at
             RETURNING id",
        )?
        .query_row(params![case.0, kind.as_str(), body, author, at], |r| {
            r.get(0)
        })?))
}

/// Removes the draft of `kind`; true if there was one.
pub(super) fn discard_draft(conn: &Connection, case: CaseId, kind: LetterKind) -> Result<bool> {
    Ok(conn
        .prepare_cached("DELETE FROM letters WHERE case_id = ?1 AND kind = ?2 AND sent_at IS NULL")?
        .execute(params![case.0, kind.as_str()])?
        > 0)
}

/// Keeps `body` as sent: the draft of `kind` becomes the sent letter, or a new row is
/// written where there was none. Returns its id.
pub(super) fn mark_sent(
    conn: &Connection,
    case: CaseId,
    kind: LetterKind,
    body: &str,
    at: &str,
    author: &str,
) -> Result<LetterId> {
    let id = save_draft(conn, case, kind, body, at, author)?;
    conn.prepare_cached("UPDATE letters SET sent_at = ?2 WHERE id = ?1")?
        .execute(params![id.0, at])?;
    Ok(id)
}

/// Every sent letter that still has its text: `(case id, letter id, body)`, for `verify`.
pub(super) fn for_each_sent_letter(
    conn: &Connection,
    each: &mut dyn FnMut(CaseId, LetterId, &str),
) -> Result<()> {
    let mut statement = conn.prepare(
        "SELECT case_id, id, body FROM letters WHERE sent_at IS NOT NULL AND body <> ''",
    )?;
    let mut rows = statement.query([])?;
    while let Some(row) = rows.next()? {
        let body = row.get_ref(2)?.as_str().map_err(rusqlite::Error::from)?;
        each(CaseId(row.get(0)?), LetterId(row.get(1)?), body);
    }
    Ok(())
}
