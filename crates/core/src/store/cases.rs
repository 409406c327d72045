//! Reading and writing cases, their items and notes, and keeping the search index in step.

use chrono::NaiveDate;
use rusqlite::types::ToSql;
use rusqlite::{Connection, OptionalExtension, Row, Transaction, params};

use super::Store;
use crate::case::{Item, Requester};
use crate::deadline::{Extension, Pause};
use crate::text::Email;
use crate::{Case, CaseId, Error, ItemOutcome, Kind, Reference, Result, State};

const CASE_COLUMNS: &str = "id, reference, kind, state, outcome, denial_basis, denial_reason, \
    requester_name, requester_email, is_minor, customer, channel, jurisdiction, details, \
    received_on, due_on, pauses, extended_until, extension_granted_on, extension_reason, \
    assignee, purge_on, legal_hold, closed_on, requester_phone";

/// What the case export reads: its stored columns as one text per row, separated by
/// [`EXPORT_SEPARATOR`] (no stored name, address or code can hold a control character), so
/// that a row costs one value to fetch rather than eighteen. Positions are in `export.rs`.
pub(crate) const EXPORT_ROW: &str = "concat_ws(char(31), reference, kind, state, \
    ifnull(outcome, ''), ifnull(denial_basis, ''), received_on, due_on, \
    ifnull(extended_until, ''), ifnull(closed_on, ''), ifnull(purge_on, ''), \
    ifnull(attention_on, ''), jurisdiction, channel, ifnull(customer, ''), \
    ifnull(assignee, ''), is_minor, requester_name, requester_email)";

/// Separates the values of [`EXPORT_ROW`] (ASCII unit separator).
pub(crate) const EXPORT_SEPARATOR: u8 = 0x1f;

/// Reads a row of `SELECT {CASE_COLUMNS}, redacted_on`.
fn read_case(row: &Row<'_>) -> rusqlite::Result<Case> {
    let bad = |i: usize, e: Box<dyn std::error::Error + Send + Sync>| {
        rusqlite::Error::FromSqlConversionFailure(i, rusqlite::types::Type::Text, e)
    };
    let pauses: String = row.get(16)?;
    let pauses: Vec<Pause> = serde_json::from_str(&pauses).map_err(|e| bad(16, e.into()))?;
    let email: String = row.get(8)?;
    let extension = match (
        row.get::<_, Option<NaiveDate>>(17)?,
        row.get::<_, Option<NaiveDate>>(18)?,
    ) {
        (Some(until), Some(granted_on)) => Some(Extension { until, granted_on }),
        _ => None,
    };
    Ok(Case {
        id: CaseId(row.get(0)?),
        reference: row
            .get::<_, String>(1)?
            .parse()
            .map_err(|e: Error| bad(1, e.into()))?,
        kind: row.get(2)?,
        state: row.get(3)?,
        outcome: row.get(4)?,
        denial_basis: row.get(5)?,
        denial_reason: row.get(6)?,
        requester: Requester {
            name: row.get(7)?,
            // Stored addresses were validated on the way in; a redacted one is kept as is.
            email: Email::parse(&email).unwrap_or_else(|_| Email::redacted(email)),
            phone: row.get(24)?,
            is_minor: row.get(9)?,
        },
        customer: row.get(10)?,
        channel: row.get(11)?,
        jurisdiction: row.get(12)?,
        details: row.get(13)?,
        received_on: row.get(14)?,
        due_on: row.get(15)?,
        pauses,
        extension,
        extension_reason: row.get(19)?,
        assignee: row.get(20)?,
        purge_on: row.get(21)?,
        legal_hold: row.get(22)?,
        closed_on: row.get(23)?,
        redacted_on: row.get(25)?,
        items: Vec::new(),
    })
}

/// Which cases a list or export wants.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
#[serde(default)]
pub struct CaseFilter {
    /// Only cases in this state.
    pub state: Option<State>,
    /// Only cases not closed.
    pub open: bool,
    /// Only cases of this kind.
    pub kind: Option<Kind>,
    /// Only cases past their attention date (see [`Case::attention_on`]).
    pub overdue: bool,
    /// Only cases whose attention date is within this many days (overdue ones included).
    pub due_within: Option<u32>,
    /// Full-text search over reference, name, email, details and notes.
    pub search: Option<String>,
    /// Only cases assigned to this agent.
    pub assignee: Option<String>,
    /// Only cases of this customer.
    pub customer: Option<String>,
    /// Only cases received on or after this day.
    pub received_from: Option<NaiveDate>,
    /// Only cases received on or before this day.
    pub received_to: Option<NaiveDate>,
    /// At most this many rows.
    pub limit: Option<u32>,
    /// Skip this many rows.
    pub offset: u32,
}

/// Turns what a person typed into an FTS5 query: every word must appear, each as a prefix.
pub(crate) fn fts_query(text: &str) -> Option<String> {
    let words: Vec<String> = text
        .split_whitespace()
        .map(|w| w.replace('"', ""))
        .filter(|w| w.chars().any(char::is_alphanumeric))
        .map(|w| format!("\"{w}\"*"))
        .collect();
    (!words.is_empty()).then(|| words.join(" "))
}

/// A search for one whole reference or email address, answered by an index: as a full-text
/// phrase, the parts of an address ("example", "com") are in nearly every case and make the
/// search read them all. An address finds the cases whose requester has it.
fn exact_lookup(text: &str) -> Option<(&'static str, String)> {
    let text = text.trim();
    if text.is_empty() || text.contains(char::is_whitespace) {
        return None;
    }
    if let Ok(reference) = text.parse::<Reference>() {
        return Some((
            "id IN (SELECT id FROM cases WHERE reference = ?)",
            reference.to_string(),
        ));
    }
    let email = Email::parse(text).ok()?;
    Some((
        "id IN (SELECT id FROM cases WHERE requester_email = ? COLLATE NOCASE)",
        email.to_string(),
    ))
}

/// Up to this many full-text matches, a search reads its matches and sorts them; beyond, it
/// walks the filter's index in queue order and keeps the rows that match, which finds a page
/// of a common word's matches quickly.
const FEW_MATCHES: i64 = 2_000;

/// A filter as SQL: what follows `FROM`, and the bound values.
struct FilterSql {
    /// `cases`, or `cases NOT INDEXED` when the search's few matches should drive the query
    /// (SQLite, knowing nothing of how many rows match, would rather walk the state's index).
    from: &'static str,
    where_sql: String,
    values: Vec<Box<dyn ToSql>>,
}

impl CaseFilter {
    fn to_sql(&self, conn: &Connection, today: NaiveDate) -> Result<FilterSql> {
        let mut clauses: Vec<&str> = Vec::new();
        let mut values: Vec<Box<dyn ToSql>> = Vec::new();
        let mut from = "cases";
        if let Some(state) = self.state {
            clauses.push("state = ?");
            values.push(Box::new(state));
        }
        if self.open {
            clauses.push("state <> 'closed'");
        }
        if let Some(kind) = self.kind {
            clauses.push("kind = ?");
            values.push(Box::new(kind));
        }
        if self.overdue {
            clauses.push("attention_on < ?");
            values.push(Box::new(today));
        }
        if let Some(days) = self.due_within {
            clauses.push("attention_on <= ?");
            values.push(Box::new(
                today
                    .checked_add_days(chrono::Days::new(days.into()))
                    .unwrap_or(NaiveDate::MAX),
            ));
        }
        if let Some((clause, value)) = self.search.as_deref().and_then(exact_lookup) {
            clauses.push(clause);
            values.push(Box::new(value));
            from = "cases NOT INDEXED";
        } else if let Some(query) = self.search.as_deref().and_then(fts_query) {
            let mut stmt = conn.prepare_cached(
                "SELECT rowid FROM case_search WHERE case_search MATCH ?1 LIMIT ?2",
            )?;
            let ids = stmt
                .query_map(rusqlite::params![query, FEW_MATCHES + 1], |r| {
                    r.get::<_, i64>(0)
                })?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            if ids.len() as i64 <= FEW_MATCHES {
                // Every match is known: hand them over rather than search twice.
                from = "cases NOT INDEXED";
                clauses.push("id IN (SELECT value FROM json_each(?))");
                values.push(Box::new(serde_json::to_string(&ids).map_err(|e| {
                    Error::invalid(format!("cannot list the matches: {e}"))
                })?));
            } else {
                clauses.push("id IN (SELECT rowid FROM case_search WHERE case_search MATCH ?)");
                values.push(Box::new(query));
            }
        }
        if let Some(assignee) = &self.assignee {
            clauses.push("assignee = ?");
            values.push(Box::new(assignee.clone()));
        }
        if let Some(customer) = &self.customer {
            clauses.push("customer = ? COLLATE NOCASE");
            values.push(Box::new(customer.clone()));
        }
        if let Some(from) = self.received_from {
            clauses.push("received_on >= ?");
            values.push(Box::new(from));
        }
        if let Some(to) = self.received_to {
            clauses.push("received_on <= ?");
            values.push(Box::new(to));
        }
        let where_sql = if clauses.is_empty() {
            String::new()
        } else {
            format!("WHERE {}", clauses.join(" AND "))
        };
        Ok(FilterSql {
            from,
            where_sql,
            values,
        })
    }
}

impl Store {
    /// Calls `each` for every case the filter selects, sorted by due date, without loading them all.
    pub fn for_each_case(
        &self,
        filter: &CaseFilter,
        today: NaiveDate,
        mut each: impl FnMut(Case) -> Result<()>,
    ) -> Result<()> {
        let FilterSql {
            from,
            where_sql,
            values,
        } = filter.to_sql(self.conn(), today)?;
        let page = match filter.limit {
            Some(limit) => format!("LIMIT {limit} OFFSET {}", filter.offset),
            None if filter.offset > 0 => format!("LIMIT -1 OFFSET {}", filter.offset),
            None => String::new(),
        };
        let sql = format!(
            "SELECT {CASE_COLUMNS}, redacted_on FROM {from} {where_sql} ORDER BY queue_on, id {page}"
        );
        let mut stmt = self.conn().prepare(&sql)?;
        let mut rows = stmt.query(rusqlite::params_from_iter(values.iter()))?;
        while let Some(row) = rows.next()? {
            each(read_case(row)?)?;
        }
        Ok(())
    }

    /// Calls `each` with every row the filter selects, in the order the cases were opened, as
    /// [`EXPORT_ROW`] text borrowed from SQLite: never a whole case.
    pub(crate) fn for_each_export_row(
        &self,
        filter: &CaseFilter,
        today: NaiveDate,
        mut each: impl FnMut(&[u8]) -> Result<()>,
    ) -> Result<()> {
        let FilterSql {
            from,
            where_sql,
            values,
        } = filter.to_sql(self.conn(), today)?;
        let sql = format!("SELECT {EXPORT_ROW} FROM {from} {where_sql} ORDER BY id");
        self.with_scan_cache(|| {
            let mut stmt = self.conn().prepare(&sql)?;
            let mut rows = stmt.query(rusqlite::params_from_iter(values.iter()))?;
            while let Some(row) = rows.next()? {
                match row.get_ref(0)? {
                    rusqlite::types::ValueRef::Text(text) => each(text)?,
                    _ => return Err(super::stored::damaged("case")),
                }
            }
            Ok(())
        })
    }

    /// How many cases the filter selects (paging ignored).
    pub fn count_cases(&self, filter: &CaseFilter, today: NaiveDate) -> Result<u64> {
        let FilterSql {
            from,
            where_sql,
            values,
        } = filter.to_sql(self.conn(), today)?;
        let sql = format!("SELECT count(*) FROM {from} {where_sql}");
        Ok(self
            .conn()
            .query_row(&sql, rusqlite::params_from_iter(values.iter()), |r| {
                r.get(0)
            })?)
    }

    /// Open and total counts per state.
    pub fn counts_by_state(&self) -> Result<Vec<(State, u64)>> {
        let mut stmt = self
            .conn()
            .prepare("SELECT state, count(*) FROM cases GROUP BY state")?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    /// One case with its items, by reference.
    pub fn find_case(&self, reference: &Reference) -> Result<Case> {
        find_case(self.conn(), reference)
    }
}

pub(crate) fn find_case(conn: &Connection, reference: &Reference) -> Result<Case> {
    let mut case = conn
        .query_row(
            &format!("SELECT {CASE_COLUMNS}, redacted_on FROM cases WHERE reference = ?1"),
            [reference.as_str()],
            read_case,
        )
        .optional()?
        .ok_or_else(|| Error::CaseNotFound(reference.to_string()))?;
    let mut stmt = conn.prepare_cached(
        "SELECT url, outcome, reason FROM items WHERE case_id = ?1 ORDER BY position",
    )?;
    case.items = stmt
        .query_map([case.id.0], |r| {
            Ok(Item {
                url: r.get(0)?,
                outcome: r.get::<_, ItemOutcome>(1)?,
                reason: r.get(2)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(case)
}

/// Hands out the next reference for the year of receipt.
pub(crate) fn next_reference(tx: &Transaction<'_>, year: i32) -> Result<Reference> {
    let last: i64 = tx.query_row(
        "INSERT INTO reference_counters (year, last) VALUES (?1, 1)
         ON CONFLICT (year) DO UPDATE SET last = last + 1
         RETURNING last",
        [year],
        |r| r.get(0),
    )?;
    Ok(Reference::new(year, last))
}

fn pauses_json(case: &Case) -> Result<String> {
    serde_json::to_string(&case.pauses).map_err(|e| Error::Invalid(e.to_string()))
}

/// Inserts a new case and its items; returns its id.
pub(crate) fn insert_case(tx: &Transaction<'_>, case: &Case, now: &str) -> Result<CaseId> {
    tx.prepare_cached(&format!(
        "INSERT INTO cases ({CASE_COLUMNS}, attention_on, queue_on, created_at, updated_at)
         VALUES (NULL, ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16,
                 ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?27, ?24, ?25, ?26, ?26)"
    ))?
    .execute(params![
        case.reference.as_str(),
        case.kind,
        case.state,
        case.outcome,
        case.denial_basis,
        case.denial_reason,
        case.requester.name,
        case.requester.email.as_str(),
        case.requester.is_minor,
        case.customer,
        case.channel,
        case.jurisdiction,
        case.details,
        case.received_on,
        case.due_on,
        pauses_json(case)?,
        case.extension.map(|e| e.until),
        case.extension.map(|e| e.granted_on),
        case.extension_reason,
        case.assignee,
        case.purge_on,
        case.legal_hold,
        case.closed_on,
        case.attention_on(),
        case.queue_on(),
        now,
        case.requester.phone,
    ])?;
    let id = CaseId(tx.last_insert_rowid());
    let mut item_stmt = tx.prepare_cached(
        "INSERT INTO items (case_id, position, url, outcome, reason) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?;
    for (position, item) in case.items.iter().enumerate() {
        item_stmt.execute(params![
            id.0,
            position as i64 + 1,
            item.url,
            item.outcome,
            item.reason
        ])?;
    }
    reindex(tx, id, case, "")?;
    Ok(id)
}

/// Writes back everything an action may change.
pub(crate) fn update_case(tx: &Transaction<'_>, case: &Case, now: &str) -> Result<()> {
    tx.prepare_cached(
        "UPDATE cases SET state = ?2, outcome = ?3, denial_basis = ?4, denial_reason = ?5,
             due_on = ?6, attention_on = ?7, pauses = ?8, extended_until = ?9,
             extension_granted_on = ?10, extension_reason = ?11, assignee = ?12, purge_on = ?13,
             legal_hold = ?14, closed_on = ?15, updated_at = ?16, queue_on = ?17
         WHERE id = ?1",
    )?
    .execute(params![
        case.id.0,
        case.state,
        case.outcome,
        case.denial_basis,
        case.denial_reason,
        case.due_on,
        case.attention_on(),
        pauses_json(case)?,
        case.extension.map(|e| e.until),
        case.extension.map(|e| e.granted_on),
        case.extension_reason,
        case.assignee,
        case.purge_on,
        case.legal_hold,
        case.closed_on,
        now,
        case.queue_on(),
    ])?;
    let mut item_stmt = tx.prepare_cached(
        "UPDATE items SET outcome = ?3, reason = ?4 WHERE case_id = ?1 AND position = ?2",
    )?;
    for (position, item) in case.items.iter().enumerate() {
        item_stmt.execute(params![
            case.id.0,
            position as i64 + 1,
            item.outcome,
            item.reason
        ])?;
    }
    Ok(())
}

/// Stores agent-written text on a case; returns the note id.
pub(crate) fn insert_note(
    tx: &Transaction<'_>,
    case: CaseId,
    at: &str,
    author: &str,
    kind: &str,
    body: &str,
) -> Result<i64> {
    tx.prepare_cached(
        "INSERT INTO notes (case_id, at, author, kind, body) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?
    .execute(params![case.0, at, author, kind, body])?;
    Ok(tx.last_insert_rowid())
}

/// Rebuilds the search entry of a case from its fields and every note on it.
pub(crate) fn reindex(tx: &Transaction<'_>, id: CaseId, case: &Case, notes: &str) -> Result<()> {
    tx.prepare_cached(
        "INSERT OR REPLACE INTO case_search (rowid, reference, name, email, details, notes)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?
    .execute(params![
        id.0,
        case.reference.as_str(),
        case.requester.name,
        case.requester.email.as_str(),
        case.details,
        notes
    ])?;
    Ok(())
}

/// All note bodies of a case, for the search index.
pub(crate) fn all_note_text(tx: &Transaction<'_>, id: CaseId) -> Result<String> {
    Ok(tx.query_row(
        "SELECT coalesce(group_concat(body, ' '), '') FROM notes WHERE case_id = ?1",
        [id.0],
        |r| r.get(0),
    )?)
}

impl Store {
    /// Every case's id, reference and stored state, as text (it may have been tampered with).
    pub(crate) fn for_each_case_state(
        &self,
        mut each: impl FnMut(i64, &str, &str) -> Result<()>,
    ) -> Result<()> {
        let mut stmt = self
            .conn()
            .prepare("SELECT id, reference, state FROM cases ORDER BY id")?;
        let mut rows = stmt.query([])?;
        while let Some(row) = rows.next()? {
            each(
                row.get(0)?,
                &row.get::<_, String>(1)?,
                &row.get::<_, String>(2)?,
            )?;
        }
        Ok(())
    }
}

impl Store {
    /// The open cases whose requester has this address (trimmed, any letter case), oldest
    /// first, leaving out `except`; at most `limit`.
    pub(crate) fn open_cases_from(
        &self,
        email: &str,
        except: Option<CaseId>,
        limit: u32,
    ) -> Result<Vec<Case>> {
        let mut stmt = self.conn().prepare_cached(&format!(
            "SELECT {CASE_COLUMNS}, redacted_on FROM cases INDEXED BY cases_by_email
             WHERE requester_email = ?1 COLLATE NOCASE AND state <> 'closed' AND id IS NOT ?2
             ORDER BY id LIMIT ?3"
        ))?;
        let rows = stmt.query_map(params![email.trim(), except.map(|c| c.0), limit], read_case)?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }
}

/// Adds items after a case's last one (a merge brings the duplicate's items along).
pub(crate) fn add_items(tx: &Transaction<'_>, case: CaseId, items: &[Item]) -> Result<()> {
    let last: i64 = tx.query_row(
        "SELECT coalesce(max(position), 0) FROM items WHERE case_id = ?1",
        [case.0],
        |r| r.get(0),
    )?;
    let mut stmt = tx.prepare_cached(
        "INSERT INTO items (case_id, position, url, outcome, reason) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?;
    for (offset, item) in items.iter().enumerate() {
        let position = last + 1 + offset as i64;
        stmt.execute(params![
            case.0,
            position,
            item.url,
            item.outcome,
            item.reason
        ])?;
    }
    Ok(())
}
