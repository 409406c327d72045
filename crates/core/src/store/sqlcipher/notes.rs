//! The `notes` table (agent-written text, apart from the events that point to it) and the
//! contentless full-text index `case_search`, kept in step with each case and its notes.

use rusqlite::{Connection, OptionalExtension, params};

use crate::store::NoteDraft;
use crate::{Case, CaseId, NoteId, Result};

/// Stores a note on a case; returns its id.
pub(super) fn insert_note(conn: &Connection, case: CaseId, note: &NoteDraft<'_>) -> Result<NoteId> {
    conn.prepare_cached(
        "INSERT INTO notes (case_id, at, author, kind, body) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?
    .execute(params![case.0, note.at, note.author, note.kind, note.body])?;
    Ok(NoteId(conn.last_insert_rowid()))
}

/// The text of a note, if it still exists (retention may have removed it).
pub(super) fn note_body(conn: &Connection, id: NoteId) -> Result<Option<String>> {
    Ok(conn
        .prepare_cached("SELECT body FROM notes WHERE id = ?1")?
        .query_row([id.0], |r| r.get(0))
        .optional()?)
}

/// Every note body of a case, for the search index.
pub(super) fn all_note_text(conn: &Connection, id: CaseId) -> Result<String> {
    Ok(conn
        .prepare_cached(
            "SELECT coalesce(group_concat(body, ' '), '') FROM notes WHERE case_id = ?1",
        )?
        .query_row([id.0], |r| r.get(0))?)
}

/// Rebuilds the search entry of a case from its fields and `notes`.
pub(super) fn reindex(conn: &Connection, case: &Case, notes: &str) -> Result<()> {
    conn.prepare_cached(
        "INSERT OR REPLACE INTO case_search (rowid, reference, name, email, details, notes)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?
    .execute(params![
        case.id.0,
        case.reference.as_str(),
        case.requester.name,
        case.requester.email.as_str(),
        case.details,
        notes
    ])?;
    Ok(())
}
