//! The audit trail as the server keeps it: appended only through its `append_event` (the actor
//! is the session's login, the chain one chain under a row lock), read and checked here exactly
//! as the single desk's.

use postgres::fallible_iterator::FallibleIterator;
use postgres::{Client, GenericClient, Row};

use crate::domain::audit::{ChainChecker, Event};
use crate::domain::events::EventKind;
use crate::store::{Appended, ChainReport, EventDraft};
use crate::{CaseId, Result};

pub(super) const EVENT_COLUMNS: &str = "seq, case_id, at, actor, action, details, prev_hash, hash";

pub(super) fn read_event(row: &Row) -> Result<Event> {
    Ok(Event {
        seq: row.try_get(0)?,
        case_id: row.try_get::<_, Option<i64>>(1)?.map(CaseId),
        at: row.try_get(2)?,
        actor: row.try_get(3)?,
        action: row.try_get(4)?,
        details: row.try_get(5)?,
        prev_hash: row.try_get(6)?,
        hash: row.try_get(7)?,
    })
}

/// Appends an event as the connected agent: the server seals it and names them, whatever
/// `draft.actor` says.
pub(super) fn append(conn: &mut impl GenericClient, draft: &EventDraft<'_>) -> Result<Appended> {
    let row = conn.query_one(
        "SELECT seq, hash FROM append_event($1, $2, $3, $4)",
        &[
            &draft.case.map(|c| c.0),
            &draft.at,
            &draft.kind.as_str(),
            &draft.details.to_string(),
        ],
    )?;
    Ok(Appended {
        seq: row.try_get(0)?,
        hash: row.try_get(1)?,
    })
}

/// The chain's head and length, as recorded.
pub(super) fn chain_head(conn: &mut impl GenericClient) -> Result<(String, i64)> {
    let row = conn.query_one("SELECT head, count FROM chain WHERE id = 1", &[])?;
    Ok((row.try_get(0)?, row.try_get(1)?))
}

/// The chain's head and length, and the generation of the team key now (schema 9).
pub(super) fn chain_head_and_key(conn: &mut impl GenericClient) -> Result<(String, i64, i32)> {
    let row = conn.query_one(
        "SELECT head, count, (SELECT generation FROM team_key WHERE id = 1) FROM chain
         WHERE id = 1",
        &[],
    )?;
    Ok((row.try_get(0)?, row.try_get(1)?, row.try_get(2)?))
}

/// The events of one case, oldest first.
pub(super) fn events_for_case(conn: &mut impl GenericClient, case: CaseId) -> Result<Vec<Event>> {
    conn.query(
        &format!("SELECT {EVENT_COLUMNS} FROM events WHERE case_id = $1 ORDER BY seq"),
        &[&case.0],
    )?
    .iter()
    .map(read_event)
    .collect()
}

/// Whether the case has an event of `kind`.
pub(super) fn has_event(
    conn: &mut impl GenericClient,
    case: CaseId,
    kind: EventKind,
) -> Result<bool> {
    Ok(conn
        .query_opt(
            "SELECT 1 FROM events WHERE case_id = $1 AND action = $2 LIMIT 1",
            &[&case.0, &kind.as_str()],
        )?
        .is_some())
}

/// Walks every event (streamed: the trail may be long) and checks the chain, then the recorded
/// head and length, showing every sound event to `observe` in order.
pub(super) fn verify_chain(
    conn: &mut Client,
    observe: &mut dyn FnMut(&Event),
) -> Result<ChainReport> {
    let mut checker = ChainChecker::default();
    let mut tx = conn.transaction()?;
    // One snapshot: events appended meanwhile by others neither count nor break it.
    tx.batch_execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")?;
    let recorded = chain_head(&mut tx)?;
    let mut rows = tx.query_raw(
        &format!("SELECT {EVENT_COLUMNS} FROM events ORDER BY seq"),
        std::iter::empty::<i64>(),
    )?;
    while let Some(row) = rows.next()? {
        let event = read_event(&row)?;
        if let Err(broken) = checker.check(&event) {
            return Ok(ChainReport::broken_at(&checker, broken));
        }
        observe(&event);
    }
    drop(rows);
    tx.commit()?;
    Ok(ChainReport::at_end(&checker, recorded))
}
