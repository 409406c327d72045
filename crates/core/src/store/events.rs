//! Appending to and reading the audit trail.

use rusqlite::{Connection, OptionalExtension, Transaction, params};

use super::Store;
use crate::audit::{ChainBreak, ChainChecker, Event, seal};
use crate::{CaseId, Result};

/// An event about to be appended.
#[derive(Debug, Clone)]
pub(crate) struct EventDraft<'a> {
    pub case_id: Option<CaseId>,
    pub at: &'a str,
    pub actor: &'a str,
    pub action: &'a str,
    pub details: String,
}

/// The chain's head while a transaction appends to it; saved back once at the end.
#[derive(Debug)]
pub(crate) struct ChainCursor {
    head: String,
    count: i64,
}

impl ChainCursor {
    pub(crate) fn load(tx: &Transaction<'_>) -> Result<Self> {
        let (head, count) =
            tx.query_row("SELECT head, count FROM chain WHERE id = 1", [], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })?;
        Ok(ChainCursor { head, count })
    }

    pub(crate) fn append(&mut self, tx: &Transaction<'_>, draft: &EventDraft<'_>) -> Result<i64> {
        let seq = self.count + 1;
        let case_id = draft.case_id.map(|c| c.0);
        let hash = seal(
            &self.head,
            seq,
            case_id,
            draft.at,
            draft.actor,
            draft.action,
            &draft.details,
        );
        tx.prepare_cached(
            "INSERT INTO events (seq, case_id, at, actor, action, details, prev_hash, hash)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        )?
        .execute(params![
            seq,
            case_id,
            draft.at,
            draft.actor,
            draft.action,
            draft.details,
            self.head,
            hash
        ])?;
        self.head = hash;
        self.count = seq;
        Ok(seq)
    }

    pub(crate) fn save(&self, tx: &Transaction<'_>) -> Result<()> {
        tx.execute(
            "UPDATE chain SET head = ?1, count = ?2 WHERE id = 1",
            params![self.head, self.count],
        )?;
        Ok(())
    }

    pub(crate) fn head(&self) -> &str {
        &self.head
    }
}

/// Appends one event in its own cursor (load, append, save).
pub(crate) fn append_one(tx: &Transaction<'_>, draft: &EventDraft<'_>) -> Result<i64> {
    let mut cursor = ChainCursor::load(tx)?;
    let seq = cursor.append(tx, draft)?;
    cursor.save(tx)?;
    Ok(seq)
}

fn read_event(row: &rusqlite::Row<'_>) -> rusqlite::Result<Event> {
    Ok(Event {
        seq: row.get(0)?,
        case_id: row.get(1)?,
        at: row.get(2)?,
        actor: row.get(3)?,
        action: row.get(4)?,
        details: row.get(5)?,
        prev_hash: row.get(6)?,
        hash: row.get(7)?,
    })
}

const EVENT_COLUMNS: &str = "seq, case_id, at, actor, action, details, prev_hash, hash";

/// The result of walking the whole trail.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ChainReport {
    /// Events checked.
    pub events: i64,
    /// Hash of the last event.
    pub head: String,
    /// The first problem, if any.
    pub broken: Option<ChainBreak>,
}

impl Store {
    /// The events of one case, oldest first.
    pub fn events_for_case(&self, case: CaseId) -> Result<Vec<Event>> {
        events_for_case(self.conn(), case)
    }

    /// The current chain head and length, as recorded.
    pub fn chain_head(&self) -> Result<(String, i64)> {
        Ok(self
            .conn()
            .query_row("SELECT head, count FROM chain WHERE id = 1", [], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })?)
    }

    /// Walks every event and checks the hash chain, then the recorded head and length,
    /// showing every sound event to `observe` in order (verify replays case states from them
    /// in the same pass).
    pub fn verify_chain(&self, observe: &mut dyn FnMut(&Event)) -> Result<ChainReport> {
        let mut stmt = self
            .conn()
            .prepare(&format!("SELECT {EVENT_COLUMNS} FROM events ORDER BY seq"))?;
        let mut rows = stmt.query([])?;
        let mut checker = ChainChecker::default();
        while let Some(row) = rows.next()? {
            let event = read_event(row)?;
            if let Err(broken) = checker.check(&event) {
                return Ok(ChainReport {
                    events: checker.count(),
                    head: checker.head().into(),
                    broken: Some(broken),
                });
            }
            observe(&event);
        }
        let (head, count) = self.chain_head()?;
        let broken = (head != checker.head() || count != checker.count()).then(|| ChainBreak {
            seq: checker.count() + 1,
            problem: format!(
                "the trail ends at event {} but {count} events were recorded (events were cut off the end)",
                checker.count()
            ),
        });
        Ok(ChainReport {
            events: checker.count(),
            head: checker.head().into(),
            broken,
        })
    }
}

pub(crate) fn events_for_case(conn: &Connection, case: CaseId) -> Result<Vec<Event>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {EVENT_COLUMNS} FROM events WHERE case_id = ?1 ORDER BY seq"
    ))?;
    let events = stmt
        .query_map([case.0], read_event)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(events)
}

/// The text of a note by id, if it still exists (retention may have removed it).
pub(crate) fn note_body(conn: &Connection, id: i64) -> Result<Option<String>> {
    Ok(conn
        .query_row("SELECT body FROM notes WHERE id = ?1", [id], |r| r.get(0))
        .optional()?)
}
