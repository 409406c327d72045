//! The `events` table and the `chain` row that records its head and length: appending a sealed
//! event, reading a case's, and walking the whole trail to check it.

use rusqlite::{Connection, OptionalExtension, params};

use crate::domain::audit::{ChainChecker, Event, seal};
use crate::domain::events::EventKind;
use crate::store::{Appended, ChainReport, EventDraft};
use crate::{CaseId, Result};

/// The chain's head while a transaction appends to it; saved back once at the end.
#[derive(Debug)]
pub(super) struct ChainCursor {
    head: String,
    count: i64,
}

impl ChainCursor {
    pub(super) fn load(conn: &Connection) -> Result<Self> {
        let (head, count) = chain_head(conn)?;
        Ok(ChainCursor { head, count })
    }

    pub(super) fn append(&mut self, conn: &Connection, draft: &EventDraft<'_>) -> Result<Appended> {
        let seq = self.count + 1;
        let case_id = draft.case.map(|c| c.0);
        let action = draft.kind.as_str();
        let details = draft.details.to_string();
        let hash = seal(
            &self.head,
            seq,
            case_id,
            draft.at,
            draft.actor,
            action,
            &details,
        );
        conn.prepare_cached(
            "INSERT INTO events (seq, case_id, at, actor, action, details, prev_hash, hash)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        )?
        .execute(params![
            seq,
            case_id,
            draft.at,
            draft.actor,
            action,
            details,
            self.head,
            hash
        ])?;
        self.head.clone_from(&hash);
        self.count = seq;
        Ok(Appended { seq, hash })
    }

    pub(super) fn save(&self, conn: &Connection) -> Result<()> {
        conn.prepare_cached("UPDATE chain SET head = ?1, count = ?2 WHERE id = 1")?
            .execute(params![self.head, self.count])?;
        Ok(())
    }
}

pub(super) fn read_event(row: &rusqlite::Row<'_>) -> rusqlite::Result<Event> {
    Ok(Event {
        seq: row.get(0)?,
        case_id: row.get::<_, Option<i64>>(1)?.map(CaseId),
        at: row.get(2)?,
        actor: row.get(3)?,
        action: row.get(4)?,
        details: row.get(5)?,
        prev_hash: row.get(6)?,
        hash: row.get(7)?,
    })
}

pub(super) const EVENT_COLUMNS: &str = "seq, case_id, at, actor, action, details, prev_hash, hash";

/// The current chain head and length, as recorded.
pub(super) fn chain_head(conn: &Connection) -> Result<(String, i64)> {
    Ok(conn
        .prepare_cached("SELECT head, count FROM chain WHERE id = 1")?
        .query_row([], |r| Ok((r.get(0)?, r.get(1)?)))?)
}

/// The events of one case, oldest first.
pub(super) fn events_for_case(conn: &Connection, case: CaseId) -> Result<Vec<Event>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {EVENT_COLUMNS} FROM events WHERE case_id = ?1 ORDER BY seq"
    ))?;
    let events = stmt
        .query_map([case.0], read_event)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(events)
}

/// Whether the case has an event of `kind`.
pub(super) fn has_event(conn: &Connection, case: CaseId, kind: EventKind) -> Result<bool> {
    Ok(conn
        .prepare_cached("SELECT 1 FROM events WHERE case_id = ?1 AND action = ?2 LIMIT 1")?
        .query_row(params![case.0, kind.as_str()], |_| Ok(()))
        .optional()?
        .is_some())
}

/// Walks every event and checks the hash chain, then the recorded head and length, showing
/// every sound event to `observe` in order.
pub(super) fn verify_chain(
    conn: &Connection,
    observe: &mut dyn FnMut(&Event),
) -> Result<ChainReport> {
    let mut stmt = conn.prepare(&format!("SELECT {EVENT_COLUMNS} FROM events ORDER BY seq"))?;
    let mut rows = stmt.query([])?;
    let mut checker = ChainChecker::default();
    while let Some(row) = rows.next()? {
        let event = read_event(row)?;
        if let Err(broken) = checker.check(&event) {
            return Ok(ChainReport::broken_at(&checker, broken));
        }
        observe(&event);
    }
    Ok(ChainReport::at_end(&checker, chain_head(conn)?))
}
