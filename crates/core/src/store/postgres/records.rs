//! What is kept beside the cases: notes (sealed, their words indexed), letters (drafts and as
//! sent, sealed), customers (their contact sealed), saved views (their filter sealed: it may
//! hold a name searched for) and settings.

use postgres::{GenericClient, Row};

use super::cases::{index_words, spelled};
use super::sealed::Sealer;
use crate::domain::letters::{Letter, LetterKind};
use crate::domain::views::SavedView;
use crate::store::{NoteDraft, Setting};
use crate::{Agent, CaseId, Customer, Error, LetterId, NoteId, Result};

// ---- notes

/// Stores a note on a case (its author is the session's login) and indexes its words.
pub(super) fn insert_note(
    conn: &mut impl GenericClient,
    seal: &Sealer,
    case: CaseId,
    note: &NoteDraft<'_>,
) -> Result<NoteId> {
    let id: i64 = conn
        .query_one("SELECT nextval('notes_id')", &[])?
        .try_get(0)?;
    conn.execute(
        "INSERT INTO notes (id, case_id, at, kind, body) VALUES ($1, $2, $3, $4, $5)",
        &[
            &id,
            &case.0,
            &note.at,
            &note.kind,
            &seal.seal("notes.body", id, note.body),
        ],
    )?;
    index_words(conn, case, seal.tokens(note.body))?;
    Ok(NoteId(id))
}

/// The text of a note, if it still exists.
pub(super) fn note_body(
    conn: &mut impl GenericClient,
    seal: &Sealer,
    id: NoteId,
) -> Result<Option<String>> {
    conn.query_opt("SELECT body FROM notes WHERE id = $1", &[&id.0])?
        .map(|row| seal.open("notes.body", id.0, row.try_get(0)?))
        .transpose()
}

// ---- letters

pub(super) const LETTER_COLUMNS: &str = "id, kind, body, author, saved_at, sent_at, case_id";

pub(super) fn letter_place(kind: LetterKind) -> String {
    format!("letters.body.{}", kind.as_str())
}

pub(super) fn read_letter(row: &Row, seal: &Sealer) -> Result<Letter> {
    let kind: LetterKind = spelled(row, 1)?;
    Ok(Letter {
        id: LetterId(row.try_get(0)?),
        kind,
        title: kind.title(),
        body: seal.open(&letter_place(kind), row.try_get(6)?, row.try_get(2)?)?,
        author: row.try_get(3)?,
        saved_at: row.try_get(4)?,
        sent_at: row.try_get(5)?,
    })
}

/// A case's letters, oldest first.
pub(super) fn letters_for_case(
    conn: &mut impl GenericClient,
    seal: &Sealer,
    case: CaseId,
) -> Result<Vec<Letter>> {
    conn.query(
        &format!("SELECT {LETTER_COLUMNS} FROM letters WHERE case_id = $1 ORDER BY id"),
        &[&case.0],
    )?
    .iter()
    .map(|row| read_letter(row, seal))
    .collect()
}

/// The saved draft of `kind` on a case.
pub(super) fn draft(
    conn: &mut impl GenericClient,
    seal: &Sealer,
    case: CaseId,
    kind: LetterKind,
) -> Result<Option<Letter>> {
    conn.query_opt(
        &format!(
            "SELECT {LETTER_COLUMNS} FROM letters
             WHERE case_id = $1 AND kind = $2 AND sent_at IS NULL"
        ),
        &[&case.0, &kind.as_str()],
    )?
    .map(|row| read_letter(&row, seal))
    .transpose()
}

/// One letter of a case.
pub(super) fn letter_by_id(
    conn: &mut impl GenericClient,
    seal: &Sealer,
    case: CaseId,
    id: LetterId,
) -> Result<Option<Letter>> {
    conn.query_opt(
        &format!("SELECT {LETTER_COLUMNS} FROM letters WHERE case_id = $1 AND id = $2"),
        &[&case.0, &id.0],
    )?
    .map(|row| read_letter(&row, seal))
    .transpose()
}

/// Saves the draft of `kind`, replacing the one before (its author the session's login).
pub(super) fn save_draft(
    conn: &mut impl GenericClient,
    seal: &Sealer,
    case: CaseId,
    kind: LetterKind,
    body: &str,
    at: &str,
) -> Result<LetterId> {
    let row = conn.query_one(
        "INSERT INTO letters (case_id, kind, body, saved_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (case_id, kind) WHERE sent_at IS NULL
         DO UPDATE SET body = excluded.body, author = excluded.author,
                       saved_at = excluded.saved_at
         RETURNING id",
        &[
            &case.0,
            &kind.as_str(),
            &seal.seal(&letter_place(kind), case.0, body),
            &at,
        ],
    )?;
    Ok(LetterId(row.try_get(0)?))
}

/// Removes the draft of `kind`; true if there was one.
pub(super) fn discard_draft(
    conn: &mut impl GenericClient,
    case: CaseId,
    kind: LetterKind,
) -> Result<bool> {
    Ok(conn.execute(
        "DELETE FROM letters WHERE case_id = $1 AND kind = $2 AND sent_at IS NULL",
        &[&case.0, &kind.as_str()],
    )? > 0)
}

/// Keeps `body` as sent: the draft becomes the sent letter.
pub(super) fn mark_sent(
    conn: &mut impl GenericClient,
    seal: &Sealer,
    case: CaseId,
    kind: LetterKind,
    body: &str,
    at: &str,
) -> Result<LetterId> {
    let id = save_draft(conn, seal, case, kind, body, at)?;
    conn.execute(
        "UPDATE letters SET sent_at = $2 WHERE id = $1",
        &[&id.0, &at],
    )?;
    Ok(id)
}

/// Every sent letter that still has its text: `(case, letter, body)`.
pub(super) fn sent_letters(
    conn: &mut impl GenericClient,
    seal: &Sealer,
) -> Result<Vec<(CaseId, LetterId, String)>> {
    let mut out = Vec::new();
    for row in conn.query(
        &format!("SELECT {LETTER_COLUMNS} FROM letters WHERE sent_at IS NOT NULL ORDER BY id"),
        &[],
    )? {
        let letter = read_letter(&row, seal)?;
        if !letter.body.is_empty() {
            out.push((CaseId(row.try_get(6)?), letter.id, letter.body));
        }
    }
    Ok(out)
}

// ---- customers

pub(super) fn contact_place(name: &str) -> String {
    format!("customers.contact:{}", name.to_lowercase())
}

/// A customer's settings, if anyone set them.
pub(super) fn customer(
    conn: &mut impl GenericClient,
    seal: &Sealer,
    name: &str,
) -> Result<Option<Customer>> {
    conn.query_opt(
        "SELECT name, contact, forward_within_business_days FROM customers
         WHERE lower(name) = lower($1)",
        &[&name],
    )?
    .map(|r| {
        let name: String = r.try_get(0)?;
        let contact = r
            .try_get::<_, Option<&[u8]>>(1)?
            .map(|c| seal.open_at(&contact_place(&name), c))
            .transpose()?;
        Ok(Customer {
            contact: contact.filter(|c| !c.is_empty()),
            forward_within_business_days: r.try_get::<_, i32>(2)? as u32,
            configured: true,
            name,
        })
    })
    .transpose()
}

/// Every customer configured or named on an open case, by name (any letter case).
pub(super) fn customer_names(conn: &mut impl GenericClient) -> Result<Vec<String>> {
    conn.query(
        // One name per customer whatever its letter case, as configured if it is.
        "SELECT name FROM (
             SELECT DISTINCT ON (lower(name)) name FROM (
                 SELECT name, 0 AS preference FROM customers
                 UNION ALL SELECT customer, 1 FROM cases
                 WHERE state <> 'closed' AND customer IS NOT NULL) AS named
             ORDER BY lower(name), preference, name) AS one_each
         ORDER BY lower(name), name",
        &[],
    )?
    .iter()
    .map(|r| Ok(r.try_get(0)?))
    .collect()
}

/// Saves a customer's settings.
pub(super) fn save_customer(
    conn: &mut impl GenericClient,
    seal: &Sealer,
    customer: &Customer,
    at: &str,
) -> Result<()> {
    let contact = customer
        .contact
        .as_deref()
        .map(|c| seal.seal_at(&contact_place(&customer.name), c));
    let days = i32::try_from(customer.forward_within_business_days)
        .map_err(|_| Error::invalid("the forwarding time is too long"))?;
    conn.execute(
        "INSERT INTO customers (name, contact, forward_within_business_days, updated_at)
         VALUES ($1, $2, $3, $4)
         ON CONFLICT ((lower(name))) DO UPDATE SET contact = excluded.contact,
             forward_within_business_days = excluded.forward_within_business_days,
             updated_at = excluded.updated_at",
        &[&customer.name, &contact, &days, &at],
    )?;
    Ok(())
}

// ---- saved views

pub(super) fn view_place(agent: &str, name: &str) -> String {
    format!("saved_views.filter:{agent}/{name}")
}

/// An agent's saved views, by name (the server shows each agent only their own).
pub(super) fn saved_views(
    conn: &mut impl GenericClient,
    seal: &Sealer,
    agent: &Agent,
) -> Result<Vec<SavedView>> {
    conn.query(
        "SELECT name, filter, saved_at FROM saved_views WHERE agent = $1
         ORDER BY lower(name), name",
        &[&agent.as_str()],
    )?
    .iter()
    .map(|r| {
        let name: String = r.try_get(0)?;
        let filter = seal.open_at(&view_place(agent.as_str(), &name), r.try_get(1)?)?;
        let filter = serde_json::from_str(&filter)
            .map_err(|e| Error::Damaged(format!("the saved view {name:?} cannot be read: {e}")))?;
        Ok(SavedView {
            filter,
            saved_at: r.try_get(2)?,
            name,
        })
    })
    .collect()
}

/// How many views the agent has besides the one named `except`.
pub(super) fn count_saved_views(
    conn: &mut impl GenericClient,
    agent: &Agent,
    except: &str,
) -> Result<u64> {
    let n: i64 = conn
        .query_one(
            "SELECT count(*) FROM saved_views WHERE agent = $1 AND name <> $2",
            &[&agent.as_str(), &except],
        )?
        .try_get(0)?;
    Ok(n as u64)
}

/// Saves a view, replacing the agent's view of that name.
pub(super) fn save_view(
    conn: &mut impl GenericClient,
    seal: &Sealer,
    agent: &Agent,
    view: &SavedView,
) -> Result<()> {
    let filter = serde_json::to_string(&view.filter)
        .map_err(|e| Error::invalid(format!("the view cannot be saved: {e}")))?;
    conn.execute(
        "INSERT INTO saved_views (agent, name, filter, saved_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (agent, name) DO UPDATE
         SET filter = excluded.filter, saved_at = excluded.saved_at",
        &[
            &agent.as_str(),
            &view.name,
            &seal.seal_at(&view_place(agent.as_str(), &view.name), &filter),
            &view.saved_at,
        ],
    )?;
    Ok(())
}

/// Deletes an agent's view; true if there was one.
pub(super) fn delete_view(
    conn: &mut impl GenericClient,
    agent: &Agent,
    name: &str,
) -> Result<bool> {
    Ok(conn.execute(
        "DELETE FROM saved_views WHERE agent = $1 AND name = $2",
        &[&agent.as_str(), &name],
    )? > 0)
}

// ---- settings

/// A setting's stored value.
pub(super) fn setting(conn: &mut impl GenericClient, key: Setting) -> Result<Option<String>> {
    conn.query_opt("SELECT value FROM settings WHERE key = $1", &[&key.key()])?
        .map(|r| Ok(r.try_get(0)?))
        .transpose()
}

/// Sets a setting (a manager's: the server refuses anyone else).
pub(super) fn set_setting(conn: &mut impl GenericClient, key: Setting, value: &str) -> Result<()> {
    conn.execute(
        "INSERT INTO settings (key, value) VALUES ($1, $2)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        &[&key.key(), &value],
    )?;
    Ok(())
}
