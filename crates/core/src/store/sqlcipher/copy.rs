//! The encrypted file as the two ends of a copy (`copy-to`): every record read in one snapshot,
//! and a copy loaded into a new file with its ids and its trail kept as they were, each event
//! checked against the one before as it is written.

use rusqlite::{Connection, TransactionBehavior, params};

use super::events::{ChainCursor, EVENT_COLUMNS, read_event};
use super::{SqlCipher, cases, customers, intake, letters, outbox};
use crate::domain::audit::ChainChecker;
use crate::domain::case::Item;
use crate::domain::views::SavedView;
use crate::store::{Appended, EventDraft, Feed, Record};
use crate::{CaseId, Customer, Error, ItemOutcome, NoteId, Result};

impl SqlCipher {
    /// Hands every record to `each`, in [`Record`]'s order, from one snapshot of the file.
    pub(super) fn records(&self, each: &mut dyn FnMut(Record) -> Result<()>) -> Result<()> {
        // A read transaction: what another process writes meanwhile is not half in the copy.
        let tx = self.conn.unchecked_transaction()?;
        read_all(&tx, each)?;
        tx.commit()?;
        Ok(())
    }

    /// Loads a copy into this file, which must be new (no case, no event); appends `last`.
    pub(super) fn load(&mut self, feed: &mut Feed<'_>, last: &EventDraft<'_>) -> Result<Appended> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let (cases, events): (i64, i64) = tx.query_row(
            "SELECT (SELECT count(*) FROM cases), (SELECT count FROM chain WHERE id = 1)",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        if cases > 0 || events > 0 {
            return Err(Error::invalid(format!(
                "{} already holds cases or an audit trail: a copy goes into a new file",
                self.path.display()
            )));
        }
        let mut checker = ChainChecker::default();
        feed(&mut |record| put(&tx, &mut checker, record, last.at))?;
        tx.execute(
            "UPDATE chain SET head = ?1, count = ?2 WHERE id = 1",
            params![checker.head(), checker.count()],
        )?;
        // The search index, built once from what was loaded (a redacted case is found by its
        // reference only, as retention leaves it).
        tx.execute_batch(
            "INSERT INTO case_search (rowid, reference, name, email, details, notes)
             SELECT c.id, c.reference,
                    CASE WHEN c.redacted_on IS NULL THEN c.requester_name ELSE '' END,
                    CASE WHEN c.redacted_on IS NULL THEN c.requester_email ELSE '' END,
                    CASE WHEN c.redacted_on IS NULL THEN c.details ELSE '' END,
                    coalesce((SELECT group_concat(n.body, ' ') FROM notes AS n
                              WHERE n.case_id = c.id), '')
             FROM cases AS c",
        )?;
        let mut chain = ChainCursor::load(&tx)?;
        let appended = chain.append(&tx, last)?;
        chain.save(&tx)?;
        tx.commit()?;
        Ok(appended)
    }
}

/// Writes one record as it was.
fn put(conn: &Connection, checker: &mut ChainChecker, record: Record, at: &str) -> Result<()> {
    match record {
        Record::Setting { key, value } => {
            conn.prepare_cached("INSERT OR REPLACE INTO settings (key, value) VALUES (?1, ?2)")?
                .execute(params![key, value])?;
        }
        Record::Counter { year, last } => {
            conn.prepare_cached("INSERT INTO reference_counters (year, last) VALUES (?1, ?2)")?
                .execute(params![year, last])?;
        }
        Record::Customer(customer) => customers::save_customer(conn, &customer, at)?,
        Record::Case { case, created_at } => cases::load_case(conn, &case, &created_at)?,
        Record::Item {
            case,
            position,
            item,
        } => cases::insert_items(conn, case, position, std::slice::from_ref(&item))?,
        Record::Note {
            id,
            case,
            kind,
            body,
            at,
            author,
        } => {
            conn.prepare_cached(
                "INSERT INTO notes (id, case_id, at, author, kind, body)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )?
            .execute(params![id.0, case.0, at, author, kind, body])?;
        }
        Record::Letter { case, letter } => {
            conn.prepare_cached(
                "INSERT INTO letters (id, case_id, kind, body, author, saved_at, sent_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )?
            .execute(params![
                letter.id.0,
                case.0,
                letter.kind.as_str(),
                letter.body,
                letter.author,
                letter.saved_at,
                letter.sent_at
            ])?;
        }
        Record::Outbox(entry) => outbox::put(conn, &entry)?,
        Record::Mail(kept) => intake::put(conn, &kept)?,
        Record::View { agent, view } => {
            let filter = serde_json::to_string(&view.filter)
                .map_err(|e| Error::invalid(format!("a saved view cannot be copied: {e}")))?;
            conn.prepare_cached(
                "INSERT INTO saved_views (agent, name, filter, saved_at) VALUES (?1, ?2, ?3, ?4)",
            )?
            .execute(params![agent, view.name, filter, view.saved_at])?;
        }
        Record::Event(event) => {
            checker.check(&event).map_err(|broken| {
                Error::Damaged(format!(
                    "the trail being copied is broken at event {}: {}; nothing was copied \
                     (run verify on the desk copied from)",
                    broken.seq, broken.problem
                ))
            })?;
            conn.prepare_cached(&format!(
                "INSERT INTO events ({EVENT_COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"
            ))?
            .execute(params![
                event.seq,
                event.case_id.map(|c| c.0),
                event.at,
                event.actor,
                event.action,
                event.details,
                event.prev_hash,
                event.hash
            ])?;
        }
    }
    Ok(())
}

/// Reads every record, table by table, in [`Record`]'s order.
fn read_all(conn: &Connection, each: &mut dyn FnMut(Record) -> Result<()>) -> Result<()> {
    let mut stmt = conn.prepare("SELECT key, value FROM settings ORDER BY key")?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        each(Record::Setting {
            key: r.get(0)?,
            value: r.get(1)?,
        })?;
    }
    let mut stmt = conn.prepare("SELECT year, last FROM reference_counters ORDER BY year")?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        each(Record::Counter {
            year: r.get(0)?,
            last: r.get(1)?,
        })?;
    }
    let mut stmt = conn.prepare(
        "SELECT name, contact, forward_within_business_days FROM customers ORDER BY name",
    )?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let contact: String = r.get(1)?;
        each(Record::Customer(Customer {
            name: r.get(0)?,
            contact: Some(contact).filter(|c| !c.is_empty()),
            forward_within_business_days: r.get(2)?,
            configured: true,
        }))?;
    }
    let mut stmt = conn.prepare(&format!(
        "SELECT {}, {}, created_at FROM cases ORDER BY id",
        cases::CASE_COLUMNS,
        cases::READ_COLUMNS
    ))?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let case = cases::read_case(r)?;
        each(Record::Case {
            case: Box::new(case),
            created_at: r.get(cases::REVISION_AT + 3)?,
        })?;
    }
    let mut stmt = conn.prepare(
        "SELECT case_id, position, url, outcome, reason FROM items ORDER BY case_id, position",
    )?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        each(Record::Item {
            case: CaseId(r.get(0)?),
            position: r.get(1)?,
            item: Item {
                url: r.get(2)?,
                outcome: r.get::<_, ItemOutcome>(3)?,
                reason: r.get(4)?,
            },
        })?;
    }
    let mut stmt =
        conn.prepare("SELECT id, case_id, kind, body, at, author FROM notes ORDER BY id")?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        each(Record::Note {
            id: NoteId(r.get(0)?),
            case: CaseId(r.get(1)?),
            kind: r.get(2)?,
            body: r.get(3)?,
            at: r.get(4)?,
            author: r.get(5)?,
        })?;
    }
    let mut stmt = conn.prepare(&format!(
        "SELECT {}, case_id FROM letters ORDER BY id",
        letters::COLUMNS
    ))?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let letter = letters::letter(r)??;
        each(Record::Letter {
            case: CaseId(r.get(6)?),
            letter,
        })?;
    }
    for entry in outbox::all(conn)? {
        each(Record::Outbox(entry))?;
    }
    intake::all(conn, &mut |kept| each(Record::Mail(Box::new(kept))))?;
    let mut stmt =
        conn.prepare("SELECT agent, name, filter, saved_at FROM saved_views ORDER BY agent, name")?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let name: String = r.get(1)?;
        let filter: String = r.get(2)?;
        let filter = serde_json::from_str(&filter)
            .map_err(|e| Error::Damaged(format!("the saved view {name:?} cannot be read: {e}")))?;
        each(Record::View {
            agent: r.get(0)?,
            view: SavedView {
                name,
                filter,
                saved_at: r.get(3)?,
            },
        })?;
    }
    let mut stmt = conn.prepare(&format!("SELECT {EVENT_COLUMNS} FROM events ORDER BY seq"))?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        each(Record::Event(read_event(r)?))?;
    }
    Ok(())
}
