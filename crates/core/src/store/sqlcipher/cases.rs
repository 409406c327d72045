//! The `cases` and `items` tables: reading a case whole, writing it back, the list's query,
//! and the counts beside it.

use chrono::NaiveDate;
use rusqlite::{Connection, OptionalExtension, Row, params};

use super::filter::FilterSql;
use crate::domain::case::{Appeal, AuthorizedAgent, Item, Requester, Revision};
use crate::domain::deadline::{Extension, Pause};
use crate::domain::filter::CaseFilter;
use crate::domain::text::Email;
use crate::store::OpenGroup;
use crate::{Case, CaseId, Error, ItemOutcome, Outcome, Reference, Result, State};

pub(super) const CASE_COLUMNS: &str = "id, reference, kind, state, outcome, denial_basis, denial_reason, \
    requester_name, requester_email, is_minor, customer, channel, jurisdiction, details, \
    received_on, due_on, pauses, extended_until, extension_granted_on, extension_reason, \
    assignee, purge_on, legal_hold, closed_on, requester_phone, identity, agent_name, agent_proof, \
    appeal_received_on, appeal_due_on, appeal_extended_until, appeal_extension_granted_on, \
    appeal_against, appeal_decided_on, appeal_granted, calendar";

/// The first of the appeal's columns in [`CASE_COLUMNS`].
const APPEAL_AT: usize = 28;
/// The calendar chosen for the case.
const CALENDAR_AT: usize = APPEAL_AT + 7;
/// Where `redacted_on`, selected after [`CASE_COLUMNS`], is.
const REDACTED_AT: usize = CALENDAR_AT + 1;
/// Where the revision's columns, selected after `redacted_on`, are.
pub(super) const REVISION_AT: usize = REDACTED_AT + 1;

/// What a case is read with: [`CASE_COLUMNS`], then `redacted_on` and the revision.
pub(super) const READ_COLUMNS: &str = "redacted_on, revision, updated_by, updated_at";

/// Reads a row of `SELECT {CASE_COLUMNS}, {READ_COLUMNS}`.
pub(super) fn read_case(row: &Row<'_>) -> rusqlite::Result<Case> {
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
        redacted_on: row.get(REDACTED_AT)?,
        revision: Revision {
            number: row.get(REVISION_AT)?,
            by: row.get(REVISION_AT + 1)?,
            at: row.get(REVISION_AT + 2)?,
        },
        items: Vec::new(),
        identity: row.get(25)?,
        sent_letters: Vec::new(),
        authorized_agent: match (row.get::<_, Option<String>>(26)?, row.get(27)?) {
            (Some(name), Some(proof)) => Some(AuthorizedAgent { name, proof }),
            _ => None,
        },
        appeal: read_appeal(row)?,
        calendar: row.get(CALENDAR_AT)?,
    })
}

/// The appeal's columns of a case row, if it was appealed.
fn read_appeal(row: &Row<'_>) -> rusqlite::Result<Option<Appeal>> {
    let at = APPEAL_AT;
    let (Some(received_on), Some(due_on), Some(against)) = (
        row.get::<_, Option<NaiveDate>>(at)?,
        row.get::<_, Option<NaiveDate>>(at + 1)?,
        row.get::<_, Option<Outcome>>(at + 4)?,
    ) else {
        return Ok(None);
    };
    let extension = match (
        row.get::<_, Option<NaiveDate>>(at + 2)?,
        row.get::<_, Option<NaiveDate>>(at + 3)?,
    ) {
        (Some(until), Some(granted_on)) => Some(Extension { until, granted_on }),
        _ => None,
    };
    Ok(Some(Appeal {
        received_on,
        due_on,
        extension,
        against,
        decided_on: row.get(at + 5)?,
        granted: row.get(at + 6)?,
    }))
}

/// One case with its items, by reference.
pub(super) fn find_case(conn: &Connection, reference: &Reference) -> Result<Case> {
    let mut case = conn
        .prepare_cached(&format!(
            "SELECT {CASE_COLUMNS}, {READ_COLUMNS} FROM cases WHERE reference = ?1"
        ))?
        .query_row([reference.as_str()], read_case)
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
    let mut stmt = conn.prepare_cached(
        "SELECT DISTINCT kind FROM letters WHERE case_id = ?1 AND sent_at IS NOT NULL ORDER BY kind",
    )?;
    case.sent_letters = stmt
        .query_map([case.id.0], |r| r.get(0))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(case)
}

/// Calls `each` for every case the filter selects, in queue order, paged as it says.
pub(super) fn for_each_case(
    conn: &Connection,
    filter: &CaseFilter,
    today: NaiveDate,
    each: &mut dyn FnMut(Case) -> Result<()>,
) -> Result<()> {
    let FilterSql {
        from,
        where_sql,
        values,
    } = FilterSql::of(filter, conn, today)?;
    let page = match filter.limit {
        Some(limit) => format!("LIMIT {limit} OFFSET {}", filter.offset),
        None if filter.offset > 0 => format!("LIMIT -1 OFFSET {}", filter.offset),
        None => String::new(),
    };
    let sql = format!(
        "SELECT {CASE_COLUMNS}, {READ_COLUMNS} FROM {from} {where_sql} ORDER BY queue_on, id {page}"
    );
    let mut stmt = conn.prepare(&sql)?;
    let mut rows = stmt.query(rusqlite::params_from_iter(values.iter()))?;
    while let Some(row) = rows.next()? {
        each(read_case(row)?)?;
    }
    Ok(())
}

/// How many cases the filter selects (paging ignored).
pub(super) fn count_cases(conn: &Connection, filter: &CaseFilter, today: NaiveDate) -> Result<u64> {
    let FilterSql {
        from,
        where_sql,
        values,
    } = FilterSql::of(filter, conn, today)?;
    let sql = format!("SELECT count(*) FROM {from} {where_sql}");
    Ok(
        conn.query_row(&sql, rusqlite::params_from_iter(values.iter()), |r| {
            r.get(0)
        })?,
    )
}

/// The open cases whose requester has this address (any letter case), oldest first, leaving
/// out `except`; at most `limit`.
pub(super) fn open_cases_from(
    conn: &Connection,
    email: &Email,
    except: Option<CaseId>,
    limit: u32,
) -> Result<Vec<Case>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {CASE_COLUMNS}, {READ_COLUMNS} FROM cases INDEXED BY cases_by_email
         WHERE requester_email = ?1 COLLATE NOCASE AND state <> 'closed' AND id IS NOT ?2
         ORDER BY id LIMIT ?3"
    ))?;
    let rows = stmt.query_map(
        params![email.as_str(), except.map(|c| c.0), limit],
        read_case,
    )?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}

/// Cases per state.
pub(super) fn counts_by_state(conn: &Connection) -> Result<Vec<(State, u64)>> {
    let mut stmt = conn.prepare("SELECT state, count(*) FROM cases GROUP BY state")?;
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}

/// Open cases per kind, customer or assignee, largest first.
pub(super) fn open_counts_by(conn: &Connection, group: OpenGroup) -> Result<Vec<(String, u64)>> {
    let column = match group {
        OpenGroup::Kind => "kind",
        OpenGroup::Customer => "customer",
        OpenGroup::Assignee => "assignee",
    };
    let sql = format!(
        // Forced: left alone, the planner walks a kind index over every closed case.
        "SELECT {column}, count(*) AS n FROM cases INDEXED BY cases_open
         WHERE state <> 'closed' AND {column} IS NOT NULL
         GROUP BY {column} ORDER BY n DESC, {column}"
    );
    let mut stmt = conn.prepare(&sql)?;
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}

/// Every case's id, reference and stored state, as text (it may have been tampered with).
pub(super) fn for_each_case_state(
    conn: &Connection,
    each: &mut dyn FnMut(CaseId, &str, &str) -> Result<()>,
) -> Result<()> {
    let mut stmt = conn.prepare("SELECT id, reference, state FROM cases ORDER BY id")?;
    let mut rows = stmt.query([])?;
    while let Some(row) = rows.next()? {
        each(
            CaseId(row.get(0)?),
            &row.get::<_, String>(1)?,
            &row.get::<_, String>(2)?,
        )?;
    }
    Ok(())
}

/// Hands out the next reference for the year of receipt.
pub(super) fn next_reference(conn: &Connection, year: i32) -> Result<Reference> {
    let last: i64 = conn.query_row(
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
pub(super) fn insert_case(conn: &Connection, case: &Case, now: &str) -> Result<CaseId> {
    let written = Written {
        id: None,
        created_at: now,
        updated_at: now,
        revision: 1,
        updated_by: "",
    };
    let id = insert_row(conn, case, &written)?;
    insert_items(conn, id, 1, &case.items)?;
    Ok(id)
}

/// A copied case as it was (`copy-to`): its id, dates and revision kept; its items follow.
pub(super) fn load_case(conn: &Connection, case: &Case, created_at: &str) -> Result<()> {
    insert_row(
        conn,
        case,
        &Written {
            id: Some(case.id.0),
            created_at,
            updated_at: &case.revision.at,
            revision: case.revision.number,
            updated_by: &case.revision.by,
        },
    )?;
    Ok(())
}

/// What a row records of its writing, beside the case.
struct Written<'a> {
    /// The id to keep; `None` lets the file give the next.
    id: Option<i64>,
    created_at: &'a str,
    updated_at: &'a str,
    revision: i64,
    updated_by: &'a str,
}

/// Writes every column of a case (not its items).
fn insert_row(conn: &Connection, case: &Case, written: &Written<'_>) -> Result<CaseId> {
    let appeal = case.appeal.as_ref();
    conn.prepare_cached(&format!(
        "INSERT INTO cases ({CASE_COLUMNS}, {READ_COLUMNS}, attention_on, queue_on, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18,
                 ?19, ?20, ?21, ?22, ?23, ?24, ?25, ?26, ?27, ?28, ?29, ?30, ?31, ?32, ?33, ?34,
                 ?35, ?36, ?37, ?38, ?39, ?40, ?41, ?42, ?43)"
    ))?
    .execute(params![
        written.id,
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
        case.requester.phone,
        case.identity,
        case.authorized_agent.as_ref().map(|a| a.name.as_str()),
        case.authorized_agent.as_ref().map(|a| a.proof.as_str()),
        appeal.map(|a| a.received_on),
        appeal.map(|a| a.due_on),
        appeal.and_then(|a| a.extension).map(|e| e.until),
        appeal.and_then(|a| a.extension).map(|e| e.granted_on),
        appeal.map(|a| a.against),
        appeal.and_then(|a| a.decided_on),
        appeal.and_then(|a| a.granted),
        case.calendar,
        case.redacted_on,
        written.revision,
        written.updated_by,
        written.updated_at,
        case.attention_on(),
        case.queue_on(),
        written.created_at,
    ])?;
    Ok(CaseId(conn.last_insert_rowid()))
}

/// Writes back everything an action may change.
pub(super) fn update_case(conn: &Connection, case: &Case, now: &str, by: &str) -> Result<()> {
    let appeal = case.appeal.as_ref();
    conn.prepare_cached(
        "UPDATE cases SET state = ?2, outcome = ?3, denial_basis = ?4, denial_reason = ?5,
             due_on = ?6, attention_on = ?7, pauses = ?8, extended_until = ?9,
             extension_granted_on = ?10, extension_reason = ?11, assignee = ?12, purge_on = ?13,
             legal_hold = ?14, closed_on = ?15, updated_at = ?16, queue_on = ?17, identity = ?18,
             appeal_received_on = ?19, appeal_due_on = ?20, appeal_extended_until = ?21,
             appeal_extension_granted_on = ?22, appeal_against = ?23, appeal_decided_on = ?24,
             appeal_granted = ?25, revision = revision + 1, updated_by = ?26
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
        case.identity,
        appeal.map(|a| a.received_on),
        appeal.map(|a| a.due_on),
        appeal.and_then(|a| a.extension).map(|e| e.until),
        appeal.and_then(|a| a.extension).map(|e| e.granted_on),
        appeal.map(|a| a.against),
        appeal.and_then(|a| a.decided_on),
        appeal.and_then(|a| a.granted),
        by,
    ])?;
    let mut item_stmt = conn.prepare_cached(
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

/// Adds items after a case's last one (a merged duplicate's).
pub(super) fn add_items(conn: &Connection, case: CaseId, items: &[Item]) -> Result<()> {
    if items.is_empty() {
        return Ok(());
    }
    let last: i64 = conn.query_row(
        "SELECT coalesce(max(position), 0) FROM items WHERE case_id = ?1",
        [case.0],
        |r| r.get(0),
    )?;
    insert_items(conn, case, last + 1, items)
}

/// Writes `items` at positions from `first` on.
pub(super) fn insert_items(
    conn: &Connection,
    case: CaseId,
    first: i64,
    items: &[Item],
) -> Result<()> {
    let mut stmt = conn.prepare_cached(
        "INSERT INTO items (case_id, position, url, outcome, reason) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?;
    for (offset, item) in items.iter().enumerate() {
        let position = first + offset as i64;
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
