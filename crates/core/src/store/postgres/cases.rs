//! The `cases` and `items` tables: reading a case whole (its sealed values opened), writing it
//! back, the list's query and the counts beside it.

use chrono::NaiveDate;
use postgres::types::{ToSql, Type};
use postgres::{Client, GenericClient, Row};

use super::filter::FilterSql;
use super::prepared::Prepared;
use super::sealed::Sealer;
use crate::domain::case::{Appeal, AuthorizedAgent, Item, Requester, Revision};
use crate::domain::deadline::{Extension, Pause};
use crate::domain::filter::CaseFilter;
use crate::domain::text::Email;
use crate::error::damaged_value;
use crate::store::OpenGroup;
use crate::{Case, CaseId, Error, Reference, Result, State};

/// Every column a case is read from, in the order [`read_case`] reads them.
pub(super) const CASE_COLUMNS: &str = "id, reference, kind, state, outcome, denial_basis, \
    denial_reason, requester_name, requester_email, is_minor, customer, channel, jurisdiction, \
    details, received_on, due_on, pauses, extended_until, extension_granted_on, extension_reason, \
    assignee, purge_on, legal_hold, closed_on, requester_phone, identity, agent_name, agent_proof, \
    appeal_received_on, appeal_due_on, appeal_extended_until, appeal_extension_granted_on, \
    appeal_against, appeal_decided_on, appeal_granted, calendar, redacted_on, revision, updated_by, \
    updated_at";

/// A stored spelling read back as its vocabulary.
pub(super) fn spelled<T: std::str::FromStr<Err = Error>>(row: &Row, at: usize) -> Result<T> {
    let text: &str = row.try_get(at)?;
    text.parse().map_err(|_| damaged_value(text_of(at)))
}

fn spelled_opt<T: std::str::FromStr<Err = Error>>(row: &Row, at: usize) -> Result<Option<T>> {
    let text: Option<&str> = row.try_get(at)?;
    text.map(|t| t.parse().map_err(|_| damaged_value(text_of(at))))
        .transpose()
}

fn text_of(at: usize) -> &'static str {
    CASE_COLUMNS.split(", ").nth(at).map_or("value", str::trim)
}

fn extension(until: Option<NaiveDate>, granted_on: Option<NaiveDate>) -> Option<Extension> {
    Some(Extension {
        until: until?,
        granted_on: granted_on?,
    })
}

/// Reads a row of `SELECT {CASE_COLUMNS}`, opening its sealed values.
pub(super) fn read_case(row: &Row, seal: &Sealer) -> Result<Case> {
    let id: i64 = row.try_get(0)?;
    let open =
        |column: &str, at: usize| -> Result<String> { seal.open(column, id, row.try_get(at)?) };
    let open_opt = |column: &str, at: usize| -> Result<Option<String>> {
        seal.open_opt(column, id, row.try_get(at)?)
    };
    let pauses: &str = row.try_get(16)?;
    let pauses: Vec<Pause> =
        serde_json::from_str(pauses).map_err(|_| damaged_value("waiting periods"))?;
    let email = open("cases.requester_email", 8)?;
    let reference: &str = row.try_get(1)?;
    let appeal = match (
        row.try_get::<_, Option<NaiveDate>>(28)?,
        row.try_get::<_, Option<NaiveDate>>(29)?,
        spelled_opt(row, 32)?,
    ) {
        (Some(received_on), Some(due_on), Some(against)) => Some(Appeal {
            received_on,
            due_on,
            extension: extension(row.try_get(30)?, row.try_get(31)?),
            against,
            decided_on: row.try_get(33)?,
            granted: row.try_get(34)?,
        }),
        _ => None,
    };
    Ok(Case {
        id: CaseId(id),
        reference: reference.parse().map_err(|_| damaged_value("reference"))?,
        kind: spelled(row, 2)?,
        state: spelled(row, 3)?,
        outcome: spelled_opt(row, 4)?,
        denial_basis: spelled_opt(row, 5)?,
        denial_reason: open_opt("cases.denial_reason", 6)?,
        requester: Requester {
            name: open("cases.requester_name", 7)?,
            // Stored addresses were validated on the way in; a redacted one is kept as is.
            email: Email::parse(&email).unwrap_or_else(|_| Email::redacted(email)),
            phone: open_opt("cases.requester_phone", 24)?,
            is_minor: row.try_get(9)?,
        },
        customer: row.try_get(10)?,
        channel: spelled(row, 11)?,
        jurisdiction: spelled(row, 12)?,
        details: open("cases.details", 13)?,
        received_on: row.try_get(14)?,
        due_on: row.try_get(15)?,
        pauses,
        extension: extension(row.try_get(17)?, row.try_get(18)?),
        extension_reason: open_opt("cases.extension_reason", 19)?,
        assignee: row.try_get(20)?,
        purge_on: row.try_get(21)?,
        legal_hold: open_opt("cases.legal_hold", 22)?,
        closed_on: row.try_get(23)?,
        redacted_on: row.try_get(36)?,
        revision: Revision {
            number: row.try_get(37)?,
            by: row.try_get(38)?,
            at: row.try_get(39)?,
        },
        items: Vec::new(),
        identity: spelled(row, 25)?,
        sent_letters: Vec::new(),
        authorized_agent: match (
            open_opt("cases.agent_name", 26)?,
            open_opt("cases.agent_proof", 27)?,
        ) {
            (Some(name), Some(proof)) => Some(AuthorizedAgent { name, proof }),
            _ => None,
        },
        appeal,
        calendar: row.try_get(35)?,
    })
}

/// One case with its items and the kinds of letter sent on it, by reference; in a transaction
/// that will write it, `lock` holds it until the commit so no one else's change slips between.
pub(super) fn find_case(
    conn: &mut impl GenericClient,
    seal: &Sealer,
    reference: &Reference,
    lock: bool,
) -> Result<Case> {
    let sql = format!(
        "SELECT {CASE_COLUMNS} FROM cases WHERE reference = $1{}",
        if lock { " FOR UPDATE" } else { "" }
    );
    let row = conn
        .query_typed_opt(&sql, &[(&reference.as_str(), Type::TEXT)])?
        .ok_or_else(|| Error::CaseNotFound(reference.to_string()))?;
    let mut case = read_case(&row, seal)?;
    case.items = conn
        .query_typed(
            "SELECT url, outcome, reason FROM items WHERE case_id = $1 ORDER BY position",
            &[(&case.id.0, Type::INT8)],
        )?
        .iter()
        .enumerate()
        .map(|(index, r)| {
            let position = index as i64 + 1;
            Ok(Item {
                url: seal.open(&item_place("url", position), case.id.0, r.try_get(0)?)?,
                outcome: spelled(r, 1)?,
                reason: seal.open_opt(&item_place("reason", position), case.id.0, r.try_get(2)?)?,
            })
        })
        .collect::<Result<_>>()?;
    case.sent_letters = conn
        .query_typed(
            "SELECT DISTINCT kind FROM letters WHERE case_id = $1 AND sent_at IS NOT NULL \
             ORDER BY kind",
            &[(&case.id.0, Type::INT8)],
        )?
        .iter()
        .map(|r| spelled(r, 0))
        .collect::<Result<_>>()?;
    Ok(case)
}

/// An item's sealed column, with its position (the row is the case).
pub(super) fn item_place(column: &str, position: i64) -> String {
    format!("items.{column}.{position}")
}

/// The cases the filter selects, in queue order, paged as it says.
pub(super) fn cases(
    conn: &mut Client,
    prepared: &Prepared,
    seal: &Sealer,
    filter: &CaseFilter,
    today: NaiveDate,
) -> Result<Vec<Case>> {
    let FilterSql {
        where_sql,
        values,
        plan_each_time,
    } = FilterSql::of(conn, filter, seal, today)?;
    let mut params = FilterSql::params(&values);
    // The page is bound, not written into the text: every page of a view is one statement.
    let limit = filter.limit.map(i64::from);
    let offset = i64::from(filter.offset);
    params.push((&limit, Type::INT8));
    params.push((&offset, Type::INT8));
    let (limit_at, offset_at) = (params.len() - 1, params.len());
    let sql = format!(
        "SELECT {CASE_COLUMNS} FROM cases {where_sql} ORDER BY queue_on, id \
         LIMIT ${limit_at} OFFSET ${offset_at}"
    );
    let rows = if plan_each_time {
        conn.query_typed(&sql, &params)?
    } else {
        prepared.query(conn, &sql, &params)?
    };
    rows.iter().map(|row| read_case(row, seal)).collect()
}

/// How many cases the filter selects (paging ignored).
pub(super) fn count_cases(
    conn: &mut Client,
    prepared: &Prepared,
    seal: &Sealer,
    filter: &CaseFilter,
    today: NaiveDate,
) -> Result<u64> {
    let FilterSql {
        where_sql,
        values,
        plan_each_time,
    } = FilterSql::of(conn, filter, seal, today)?;
    let sql = format!("SELECT count(*) FROM cases {where_sql}");
    let params = FilterSql::params(&values);
    let row = if plan_each_time {
        conn.query_typed_one(&sql, &params)?
    } else {
        prepared.query_one(conn, &sql, &params)?
    };
    let n: i64 = row.try_get(0)?;
    Ok(n as u64)
}

/// The open cases whose requester has this address, oldest first, leaving out `except`.
pub(super) fn open_cases_from(
    conn: &mut impl GenericClient,
    seal: &Sealer,
    email: &Email,
    except: Option<CaseId>,
    limit: u32,
) -> Result<Vec<Case>> {
    let sql = format!(
        "SELECT {CASE_COLUMNS} FROM cases
         WHERE email_index = $1 AND state <> 'closed' AND id IS DISTINCT FROM $2
         ORDER BY id LIMIT $3"
    );
    conn.query(
        &sql,
        &[
            &seal.email_index(email.as_str()),
            &except.map(|c| c.0),
            &i64::from(limit),
        ],
    )?
    .iter()
    .map(|row| read_case(row, seal))
    .collect()
}

/// Cases per state.
pub(super) fn counts_by_state(conn: &mut impl GenericClient) -> Result<Vec<(State, u64)>> {
    conn.query("SELECT state, count(*) FROM cases GROUP BY state", &[])?
        .iter()
        .map(|r| Ok((spelled(r, 0)?, r.try_get::<_, i64>(1)? as u64)))
        .collect()
}

/// Open cases per kind, customer or assignee, largest first.
pub(super) fn open_counts_by(
    conn: &mut impl GenericClient,
    group: OpenGroup,
) -> Result<Vec<(String, u64)>> {
    let column = match group {
        OpenGroup::Kind => "kind",
        OpenGroup::Customer => "customer",
        OpenGroup::Assignee => "assignee",
    };
    let sql = format!(
        "SELECT {column}, count(*) AS n FROM cases
         WHERE state <> 'closed' AND {column} IS NOT NULL
         GROUP BY {column} ORDER BY n DESC, {column}"
    );
    conn.query(&sql, &[])?
        .iter()
        .map(|r| Ok((r.try_get(0)?, r.try_get::<_, i64>(1)? as u64)))
        .collect()
}

/// Every case's id, reference and stored state.
pub(super) fn case_states(conn: &mut impl GenericClient) -> Result<Vec<(CaseId, String, String)>> {
    conn.query("SELECT id, reference, state FROM cases ORDER BY id", &[])?
        .iter()
        .map(|r| Ok((CaseId(r.try_get(0)?), r.try_get(1)?, r.try_get(2)?)))
        .collect()
}

/// Hands out the next reference for the year of receipt.
pub(super) fn next_reference(conn: &mut impl GenericClient, year: i32) -> Result<Reference> {
    let last: i64 = conn
        .query_one(
            "INSERT INTO reference_counters (year, last) VALUES ($1, 1)
             ON CONFLICT (year) DO UPDATE SET last = reference_counters.last + 1
             RETURNING last",
            &[&year],
        )?
        .try_get(0)?;
    Ok(Reference::new(year, last))
}

fn pauses_json(case: &Case) -> Result<String> {
    serde_json::to_string(&case.pauses).map_err(|e| Error::Invalid(e.to_string()))
}

/// Inserts a new case (its id taken from the server's sequence first, since sealed values are
/// bound to it) and its items, and indexes its words.
pub(super) fn insert_case(
    conn: &mut impl GenericClient,
    seal: &Sealer,
    case: &Case,
    now: &str,
) -> Result<CaseId> {
    let id: i64 = conn
        .query_one("SELECT nextval('cases_id')", &[])?
        .try_get(0)?;
    insert_row(conn, seal, id, case, (now, now))?;
    let id = CaseId(id);
    insert_items(conn, seal, id, 1, &case.items)?;
    index_words(conn, id, case_tokens(seal, case))?;
    Ok(id)
}

/// The words a copied case is found by here: a redacted case by its reference only.
pub(super) fn loaded_case_tokens(seal: &Sealer, case: &Case) -> Vec<Vec<u8>> {
    found_by(
        seal,
        case.reference.as_str(),
        case.redacted_on.is_some(),
        (
            &case.requester.name,
            case.requester.email.as_str(),
            &case.details,
        ),
    )
}

/// The words a case is found by: a redacted case by its reference only, any other also by its
/// requester's name and address and its details.
pub(super) fn found_by(
    seal: &Sealer,
    reference: &str,
    redacted: bool,
    (name, email, details): (&str, &str, &str),
) -> Vec<Vec<u8>> {
    if redacted {
        seal.tokens(reference)
    } else {
        words_of(seal, reference, name, email, details)
    }
}

/// What a case is found by: its requester's name and address, its details, its reference.
fn case_tokens(seal: &Sealer, case: &Case) -> Vec<Vec<u8>> {
    words_of(
        seal,
        case.reference.as_str(),
        &case.requester.name,
        case.requester.email.as_str(),
        &case.details,
    )
}

/// The search tokens of a case's reference, requester's name and address, and details.
fn words_of(
    seal: &Sealer,
    reference: &str,
    name: &str,
    email: &str,
    details: &str,
) -> Vec<Vec<u8>> {
    let mut tokens = seal.tokens(name);
    tokens.extend(seal.tokens(email));
    tokens.extend(seal.tokens(details));
    tokens.extend(seal.tokens(reference));
    tokens
}

/// Every column a case is written to, in the order [`with_case_row`] gives their values.
pub(super) const CASE_ROW_COLUMNS: &str = "id, reference, kind, state, outcome, denial_basis, \
    denial_reason, requester_name, requester_email, email_index, requester_phone, is_minor, \
    customer, channel, jurisdiction, details, received_on, due_on, attention_on, queue_on, pauses, \
    extended_until, extension_granted_on, extension_reason, assignee, purge_on, legal_hold, \
    closed_on, identity, agent_name, agent_proof, calendar, created_at, updated_at, redacted_on, \
    appeal_received_on, appeal_due_on, appeal_extended_until, appeal_extension_granted_on, \
    appeal_against, appeal_decided_on, appeal_granted";

/// Writes every column of a case as row `id`, its personal values sealed for that row.
fn insert_row(
    conn: &mut impl GenericClient,
    seal: &Sealer,
    id: i64,
    case: &Case,
    dates: (&str, &str),
) -> Result<()> {
    let placeholders = (1..=CASE_ROW_COLUMNS.split(", ").count())
        .map(|n| format!("${n}"))
        .collect::<Vec<_>>()
        .join(", ");
    let sql = format!("INSERT INTO cases ({CASE_ROW_COLUMNS}) VALUES ({placeholders})");
    with_case_row(seal, id, case, dates, |values| {
        conn.execute(&sql, values)?;
        Ok(())
    })
}

/// Hands `write` the values of every column of a case as row `id` (in [`CASE_ROW_COLUMNS`]'s
/// order), its personal values sealed for that row: one list for an insert and a bulk copy.
pub(super) fn with_case_row(
    seal: &Sealer,
    id: i64,
    case: &Case,
    (created_at, updated_at): (&str, &str),
    write: impl FnOnce(&[&(dyn ToSql + Sync)]) -> Result<()>,
) -> Result<()> {
    let sealed = |column: &str, text: &str| seal.seal(&format!("cases.{column}"), id, text);
    let sealed_opt =
        |column: &str, text: Option<&str>| seal.seal_opt(&format!("cases.{column}"), id, text);
    let agent = case.authorized_agent.as_ref();
    let appeal = case.appeal.as_ref();
    let values: [&(dyn ToSql + Sync); 42] = [
        &id,
        &case.reference.as_str(),
        &case.kind.as_str(),
        &case.state.as_str(),
        &case.outcome.map(|o| o.as_str()),
        &case.denial_basis.map(|b| b.as_str()),
        &sealed_opt("denial_reason", case.denial_reason.as_deref()),
        &sealed("requester_name", &case.requester.name),
        &sealed("requester_email", case.requester.email.as_str()),
        &seal.email_index(case.requester.email.as_str()),
        &sealed_opt("requester_phone", case.requester.phone.as_deref()),
        &case.requester.is_minor,
        &case.customer,
        &case.channel.as_str(),
        &case.jurisdiction.as_str(),
        &sealed("details", &case.details),
        &case.received_on,
        &case.due_on,
        &case.attention_on(),
        &case.queue_on(),
        &pauses_json(case)?,
        &case.extension.map(|e| e.until),
        &case.extension.map(|e| e.granted_on),
        &sealed_opt("extension_reason", case.extension_reason.as_deref()),
        &case.assignee,
        &case.purge_on,
        &sealed_opt("legal_hold", case.legal_hold.as_deref()),
        &case.closed_on,
        &case.identity.as_str(),
        &sealed_opt("agent_name", agent.map(|a| a.name.as_str())),
        &sealed_opt("agent_proof", agent.map(|a| a.proof.as_str())),
        &case.calendar,
        &created_at,
        &updated_at,
        &case.redacted_on,
        &appeal.map(|a| a.received_on),
        &appeal.map(|a| a.due_on),
        &appeal.and_then(|a| a.extension).map(|e| e.until),
        &appeal.and_then(|a| a.extension).map(|e| e.granted_on),
        &appeal.map(|a| a.against.as_str()),
        &appeal.and_then(|a| a.decided_on),
        &appeal.and_then(|a| a.granted),
    ];
    write(&values)
}

/// Adds search tokens to a case (each once).
pub(super) fn index_words(
    conn: &mut impl GenericClient,
    case: CaseId,
    mut tokens: Vec<Vec<u8>>,
) -> Result<()> {
    tokens.sort_unstable();
    tokens.dedup();
    if tokens.is_empty() {
        return Ok(());
    }
    conn.execute(
        "INSERT INTO case_words (token, case_id) SELECT unnest($1::bytea[]), $2
         ON CONFLICT DO NOTHING",
        &[&tokens, &case.0],
    )?;
    Ok(())
}

/// Writes back everything an action may change. The row was read under this transaction's
/// lock, so no one else's change is overwritten.
pub(super) fn update_case(
    conn: &mut impl GenericClient,
    seal: &Sealer,
    case: &Case,
    now: &str,
) -> Result<()> {
    let id = case.id.0;
    let sealed_opt =
        |column: &str, text: Option<&str>| seal.seal_opt(&format!("cases.{column}"), id, text);
    let appeal = case.appeal.as_ref();
    let values: [&(dyn ToSql + Sync); 25] = [
        &id,
        &case.state.as_str(),
        &case.outcome.map(|o| o.as_str()),
        &case.denial_basis.map(|b| b.as_str()),
        &sealed_opt("denial_reason", case.denial_reason.as_deref()),
        &case.due_on,
        &case.attention_on(),
        &pauses_json(case)?,
        &case.extension.map(|e| e.until),
        &case.extension.map(|e| e.granted_on),
        &sealed_opt("extension_reason", case.extension_reason.as_deref()),
        &case.assignee,
        &case.purge_on,
        &sealed_opt("legal_hold", case.legal_hold.as_deref()),
        &case.closed_on,
        &now,
        &case.queue_on(),
        &case.identity.as_str(),
        &appeal.map(|a| a.received_on),
        &appeal.map(|a| a.due_on),
        &appeal.and_then(|a| a.extension).map(|e| e.until),
        &appeal.and_then(|a| a.extension).map(|e| e.granted_on),
        &appeal.map(|a| a.against.as_str()),
        &appeal.and_then(|a| a.decided_on),
        &appeal.and_then(|a| a.granted),
    ];
    conn.execute(
        "UPDATE cases SET state = $2, outcome = $3, denial_basis = $4, denial_reason = $5,
             due_on = $6, attention_on = $7, pauses = $8, extended_until = $9,
             extension_granted_on = $10, extension_reason = $11, assignee = $12, purge_on = $13,
             legal_hold = $14, closed_on = $15, updated_at = $16, queue_on = $17, identity = $18,
             appeal_received_on = $19, appeal_due_on = $20, appeal_extended_until = $21,
             appeal_extension_granted_on = $22, appeal_against = $23, appeal_decided_on = $24,
             appeal_granted = $25
         WHERE id = $1",
        &values,
    )?;
    for (index, item) in case.items.iter().enumerate() {
        let position = index as i64 + 1;
        conn.execute(
            "UPDATE items SET outcome = $3, reason = $4 WHERE case_id = $1 AND position = $2",
            &[
                &id,
                &(position as i32),
                &item.outcome.as_str(),
                &seal.seal_opt(&item_place("reason", position), id, item.reason.as_deref()),
            ],
        )?;
    }
    Ok(())
}

/// Adds items after a case's last one (a merged duplicate's).
pub(super) fn add_items(
    conn: &mut impl GenericClient,
    seal: &Sealer,
    case: CaseId,
    items: &[Item],
) -> Result<()> {
    if items.is_empty() {
        return Ok(());
    }
    let last: i32 = conn
        .query_one(
            "SELECT coalesce(max(position), 0) FROM items WHERE case_id = $1",
            &[&case.0],
        )?
        .try_get(0)?;
    insert_items(conn, seal, case, i64::from(last) + 1, items)
}

/// Writes `items` at positions from `first` on.
pub(super) fn insert_items(
    conn: &mut impl GenericClient,
    seal: &Sealer,
    case: CaseId,
    first: i64,
    items: &[Item],
) -> Result<()> {
    for (offset, item) in items.iter().enumerate() {
        with_item_row(seal, case, first + offset as i64, item, |values| {
            conn.execute(
                &format!("INSERT INTO items ({ITEM_ROW_COLUMNS}) VALUES ($1, $2, $3, $4, $5)"),
                values,
            )?;
            Ok(())
        })?;
    }
    Ok(())
}

/// Every column an item is written to, in the order [`with_item_row`] gives their values.
pub(super) const ITEM_ROW_COLUMNS: &str = "case_id, position, url, outcome, reason";

/// Hands `write` the values of an item's row, its personal values sealed for their place.
pub(super) fn with_item_row(
    seal: &Sealer,
    case: CaseId,
    position: i64,
    item: &Item,
    write: impl FnOnce(&[&(dyn ToSql + Sync)]) -> Result<()>,
) -> Result<()> {
    let position32 = i32::try_from(position)
        .map_err(|_| Error::invalid(format!("an item's position is out of range: {position}")))?;
    write(&[
        &case.0,
        &position32,
        &seal.seal(&item_place("url", position), case.0, &item.url),
        &item.outcome.as_str(),
        &seal.seal_opt(
            &item_place("reason", position),
            case.0,
            item.reason.as_deref(),
        ),
    ])
}
