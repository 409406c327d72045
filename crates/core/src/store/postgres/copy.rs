//! The team desk as the two ends of a copy (`copy-to`): every record read, its sealed values
//! opened, in one snapshot; and a copy loaded into a new team desk, each value sealed here for
//! its row, each event kept verbatim through the server's `load_events` (which checks each seal
//! and its place in the chain), all in one transaction the server opens with `begin_copy_in`
//! (a manager's, into a desk with no case and no event) and closes with `finish_copy_in`.

use postgres::binary_copy::BinaryCopyInWriter;
use postgres::fallible_iterator::FallibleIterator;
use postgres::types::{ToSql, Type};
use postgres::{GenericClient, Row, Transaction};

use super::cases::{self, item_place, spelled};
use super::events::{self, EVENT_COLUMNS, read_event};
use super::records::{self, LETTER_COLUMNS, contact_place, letter_place, read_letter, view_place};
use super::sealed::Sealer;
use super::{TeamStore, intake, outbox};
use crate::domain::audit::Event;
use crate::domain::case::Item;
use crate::domain::views::SavedView;
use crate::store::{Appended, EventDraft, Feed, Record};
use crate::{CaseId, Customer, Error, NoteId, Result};

impl TeamStore {
    /// Hands every record to `each`, in [`Record`]'s order, from one snapshot of the desk.
    pub(super) fn records(&self, each: &mut dyn FnMut(Record) -> Result<()>) -> Result<()> {
        let mut conn = self.conn()?;
        let mut tx = conn.transaction()?;
        tx.batch_execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")?;
        read_all(&mut tx, &self.seal, each)?;
        tx.commit()?;
        Ok(())
    }

    /// Loads a copy into this team desk, which must be new; appends `last` as the connected
    /// manager.
    pub(super) fn load(&mut self, feed: &mut Feed<'_>, last: &EventDraft<'_>) -> Result<Appended> {
        self.ensure_connected()?;
        let mut tx = self.client.get_mut().transaction()?;
        tx.execute("SELECT begin_copy_in($1)", &[&last.at])?;
        let mut loader = Loader {
            tx,
            seal: &self.seal,
            at: last.at,
            rows: Batch::default(),
            words: Words::default(),
            events: Vec::with_capacity(BATCH),
        };
        feed(&mut |record| loader.put(record))?;
        loader.finish()?;
        let mut tx = loader.tx;
        tx.execute("SELECT finish_copy_in($1)", &[&last.at])?;
        let appended = events::append(&mut tx, last)?;
        tx.commit()?;
        Ok(appended)
    }
}

/// Rows of one table sent to the server at once, by `COPY` (cases, items, notes), by one
/// statement (words) or one call of `load_events` (events): a statement per row would wait for
/// the server once per row, and the chain's row, written once per call, grows slower to find
/// with each version written in one transaction.
const BATCH: usize = 2_000;

/// A copy being loaded in its transaction.
struct Loader<'t, 's> {
    tx: Transaction<'t>,
    seal: &'s Sealer,
    /// When the copy is made (a customer's settings are saved then).
    at: &'s str,
    /// Rows of one table not yet sent (records arrive table by table).
    rows: Batch,
    /// The search tokens of rows sent, not yet sent themselves.
    words: Words,
    /// Events not yet sent.
    events: Vec<Event>,
}

/// The tables whose rows are sent in batches by `COPY`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Table {
    Cases,
    Items,
    Notes,
}

impl Table {
    /// The table `record` is a row of, if it is one sent in batches.
    fn of(record: &Record) -> Option<Table> {
        match record {
            Record::Case { .. } => Some(Table::Cases),
            Record::Item { .. } => Some(Table::Items),
            Record::Note { .. } => Some(Table::Notes),
            _ => None,
        }
    }
}

/// Rows of one table waiting to be sent.
#[derive(Default)]
struct Batch {
    table: Option<Table>,
    rows: Vec<Record>,
}

/// Search tokens waiting to be sent, each beside its case.
#[derive(Default)]
pub(super) struct Words {
    pairs: Vec<(Vec<u8>, i64)>,
}

impl Words {
    /// Sends the waiting words, none of them in the index yet, by one `COPY` in the index's
    /// order.
    pub(super) fn copy_all_new(&mut self, tx: &mut Transaction<'_>) -> Result<()> {
        let mut pairs = std::mem::take(&mut self.pairs);
        if pairs.is_empty() {
            return Ok(());
        }
        pairs.sort_unstable();
        copy_in(tx, "case_words", "token, case_id", |writer| {
            for (token, case) in &pairs {
                writer.write(&[token, case])?;
            }
            Ok(())
        })
    }

    /// Adds a case's tokens, each once.
    pub(super) fn add(&mut self, case: CaseId, mut tokens: Vec<Vec<u8>>) {
        tokens.sort_unstable();
        tokens.dedup();
        self.pairs
            .extend(tokens.into_iter().map(|token| (token, case.0)));
    }
}

impl Loader<'_, '_> {
    /// Takes one record: a case, an item or a note into its table's batch (sealed when sent),
    /// an event into the events' batch, anything else written at once.
    fn put(&mut self, record: Record) -> Result<()> {
        if let Some(table) = Table::of(&record) {
            if self.rows.table != Some(table) {
                self.send_rows()?;
                self.rows.table = Some(table);
            }
            self.rows.rows.push(record);
            if self.rows.rows.len() >= BATCH {
                self.send_rows()?;
            }
            return Ok(());
        }
        self.send_rows()?;
        if let Record::Event(event) = record {
            self.events.push(event);
            if self.events.len() >= BATCH {
                self.load_events()?;
            }
            return Ok(());
        }
        put(&mut self.tx, self.seal, record, self.at)
    }

    /// Sends everything still waiting.
    fn finish(&mut self) -> Result<()> {
        self.send_rows()?;
        self.load_events()
    }

    /// Sends the waiting rows by `COPY`, their personal values sealed for their rows, then
    /// their words.
    fn send_rows(&mut self) -> Result<()> {
        let seal = self.seal;
        let words = &mut self.words;
        let Batch { table, rows } = std::mem::take(&mut self.rows);
        let Some(table) = table.filter(|_| !rows.is_empty()) else {
            return Ok(());
        };
        let misplaced = || Error::internal("a record reached another table's batch");
        let (name, columns) = match table {
            Table::Cases => ("cases", cases::CASE_ROW_COLUMNS),
            Table::Items => ("items", cases::ITEM_ROW_COLUMNS),
            Table::Notes => ("notes", "id, case_id, at, author, kind, body"),
        };
        copy_in(&mut self.tx, name, columns, |writer| {
            let mut write = |values: &[&(dyn ToSql + Sync)]| Ok(writer.write(values).map(drop)?);
            for record in &rows {
                match (table, record) {
                    (Table::Cases, Record::Case { case, created_at }) => {
                        let dates = (created_at.as_str(), case.revision.at.as_str());
                        cases::with_case_row(seal, case.id.0, case, dates, &mut write)?;
                        words.add(case.id, cases::loaded_case_tokens(seal, case));
                    }
                    (
                        Table::Items,
                        Record::Item {
                            case,
                            position,
                            item,
                        },
                    ) => {
                        cases::with_item_row(seal, *case, *position, item, &mut write)?;
                    }
                    (
                        Table::Notes,
                        Record::Note {
                            id,
                            case,
                            kind,
                            body,
                            at,
                            author,
                        },
                    ) => {
                        let sealed = seal.seal("notes.body", id.0, body);
                        write(&[&id.0, &case.0, at, author, kind, &sealed])?;
                        words.add(*case, seal.tokens(body));
                    }
                    _ => return Err(misplaced()),
                }
            }
            Ok(())
        })?;
        // A case's words are new (each sent once); a note's may already be its case's.
        self.send_words(table == Table::Cases)
    }

    /// Sends the waiting words in the index's order: by `COPY` if none is there yet, else in
    /// one statement that skips those that are.
    fn send_words(&mut self, all_new: bool) -> Result<()> {
        if all_new {
            return self.words.copy_all_new(&mut self.tx);
        }
        let mut pairs = std::mem::take(&mut self.words.pairs);
        if pairs.is_empty() {
            return Ok(());
        }
        pairs.sort_unstable();
        let (tokens, cases): (Vec<Vec<u8>>, Vec<i64>) = pairs.into_iter().unzip();
        self.tx.execute(
            "INSERT INTO case_words (token, case_id)
             SELECT * FROM unnest($1::bytea[], $2::bigint[])
             ON CONFLICT DO NOTHING",
            &[&tokens, &cases],
        )?;
        Ok(())
    }

    /// Sends the pending events to the server's `load_events`, which checks each seal.
    fn load_events(&mut self) -> Result<()> {
        if self.events.is_empty() {
            return Ok(());
        }
        let column =
            |f: fn(&Event) -> String| -> Vec<String> { self.events.iter().map(f).collect() };
        let seq: Vec<i64> = self.events.iter().map(|e| e.seq).collect();
        let case: Vec<Option<i64>> = self.events.iter().map(|e| e.case_id.map(|c| c.0)).collect();
        self.tx.execute(
            "SELECT load_events($1, $2, $3, $4, $5, $6, $7, $8)",
            &[
                &seq,
                &case,
                &column(|e| e.at.clone()),
                &column(|e| e.actor.clone()),
                &column(|e| e.action.clone()),
                &column(|e| e.details.clone()),
                &column(|e| e.prev_hash.clone()),
                &column(|e| e.hash.clone()),
            ],
        )?;
        self.events.clear();
        Ok(())
    }
}

/// Writes rows into `columns` of `table` by one binary `COPY`, each row's values handed to the
/// writer by `write_rows`; the column types are the table's own, as the server reports them.
fn copy_in(
    tx: &mut Transaction<'_>,
    table: &str,
    columns: &str,
    write_rows: impl FnOnce(&mut BinaryCopyInWriter<'_>) -> Result<()>,
) -> Result<()> {
    let types: Vec<Type> = tx
        .prepare(&format!("SELECT {columns} FROM {table}"))?
        .columns()
        .iter()
        .map(|c| c.type_().clone())
        .collect();
    let sink = tx.copy_in(&format!(
        "COPY {table} ({columns}) FROM STDIN (FORMAT binary)"
    ))?;
    let mut writer = BinaryCopyInWriter::new(sink, &types);
    write_rows(&mut writer)?;
    writer.finish()?;
    Ok(())
}

/// Writes one record other than a case, an item, a note or an event, its personal values
/// sealed for their place.
fn put(tx: &mut Transaction<'_>, seal: &Sealer, record: Record, at: &str) -> Result<()> {
    match record {
        Record::Setting { key, value } => {
            tx.execute(
                "INSERT INTO settings (key, value) VALUES ($1, $2)
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                &[&key, &value],
            )?;
        }
        Record::Counter { year, last } => {
            tx.execute(
                "INSERT INTO reference_counters (year, last) VALUES ($1, $2)",
                &[&year, &last],
            )?;
        }
        Record::Customer(customer) => records::save_customer(tx, seal, &customer, at)?,
        Record::Letter { case, letter } => {
            tx.execute(
                "INSERT INTO letters (id, case_id, kind, body, author, saved_at, sent_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
                &[
                    &letter.id.0,
                    &case.0,
                    &letter.kind.as_str(),
                    &seal.seal(&letter_place(letter.kind), case.0, &letter.body),
                    &letter.author,
                    &letter.saved_at,
                    &letter.sent_at,
                ],
            )?;
        }
        Record::Outbox(entry) => outbox::put(tx, &entry)?,
        Record::Mail(kept) => intake::put(tx, seal, &kept)?,
        Record::View { agent, view } => {
            let filter = serde_json::to_string(&view.filter)
                .map_err(|e| Error::invalid(format!("a saved view cannot be copied: {e}")))?;
            tx.execute(
                "INSERT INTO saved_views (agent, name, filter, saved_at) VALUES ($1, $2, $3, $4)",
                &[
                    &agent,
                    &view.name,
                    &seal.seal_at(&view_place(&agent, &view.name), &filter),
                    &view.saved_at,
                ],
            )?;
        }
        Record::Case { .. } | Record::Item { .. } | Record::Note { .. } | Record::Event(_) => {
            return Err(Error::internal(
                "a batched record reached the one-by-one loader",
            ));
        }
    }
    Ok(())
}

/// Streams the rows of `sql` (the desk may be large) to `each`.
fn each_row(
    conn: &mut impl GenericClient,
    sql: &str,
    each: &mut dyn FnMut(&Row) -> Result<()>,
) -> Result<()> {
    let mut rows = conn.query_raw(sql, std::iter::empty::<i64>())?;
    while let Some(row) = rows.next()? {
        each(&row)?;
    }
    Ok(())
}

/// Reads every record, table by table, in [`Record`]'s order.
fn read_all(
    tx: &mut Transaction<'_>,
    seal: &Sealer,
    each: &mut dyn FnMut(Record) -> Result<()>,
) -> Result<()> {
    each_row(
        tx,
        "SELECT key, value FROM settings ORDER BY key",
        &mut |r| {
            each(Record::Setting {
                key: r.try_get(0)?,
                value: r.try_get(1)?,
            })
        },
    )?;
    each_row(
        tx,
        "SELECT year, last FROM reference_counters ORDER BY year",
        &mut |r| {
            each(Record::Counter {
                year: r.try_get(0)?,
                last: r.try_get(1)?,
            })
        },
    )?;
    each_row(
        tx,
        "SELECT name, contact, forward_within_business_days FROM customers ORDER BY lower(name)",
        &mut |r| {
            let name: String = r.try_get(0)?;
            let contact = r
                .try_get::<_, Option<&[u8]>>(1)?
                .map(|c| seal.open_at(&contact_place(&name), c))
                .transpose()?;
            each(Record::Customer(Customer {
                contact: contact.filter(|c| !c.is_empty()),
                forward_within_business_days: u32::try_from(r.try_get::<_, i32>(2)?)
                    .map_err(|_| Error::Damaged("a customer's forwarding time".into()))?,
                configured: true,
                name,
            }))
        },
    )?;
    let sql = format!(
        "SELECT {}, created_at FROM cases ORDER BY id",
        cases::CASE_COLUMNS
    );
    let created_at = cases::CASE_COLUMNS.split(", ").count();
    each_row(tx, &sql, &mut |r| {
        each(Record::Case {
            case: Box::new(cases::read_case(r, seal)?),
            created_at: r.try_get(created_at)?,
        })
    })?;
    each_row(
        tx,
        "SELECT case_id, position, url, outcome, reason FROM items ORDER BY case_id, position",
        &mut |r| {
            let case: i64 = r.try_get(0)?;
            let position = i64::from(r.try_get::<_, i32>(1)?);
            each(Record::Item {
                case: CaseId(case),
                position,
                item: Item {
                    url: seal.open(&item_place("url", position), case, r.try_get(2)?)?,
                    outcome: spelled(r, 3)?,
                    reason: seal.open_opt(&item_place("reason", position), case, r.try_get(4)?)?,
                },
            })
        },
    )?;
    each_row(
        tx,
        "SELECT id, case_id, kind, body, at, author FROM notes ORDER BY id",
        &mut |r| {
            let id: i64 = r.try_get(0)?;
            each(Record::Note {
                id: NoteId(id),
                case: CaseId(r.try_get(1)?),
                kind: r.try_get(2)?,
                body: seal.open("notes.body", id, r.try_get(3)?)?,
                at: r.try_get(4)?,
                author: r.try_get(5)?,
            })
        },
    )?;
    let sql = format!("SELECT {LETTER_COLUMNS} FROM letters ORDER BY id");
    each_row(tx, &sql, &mut |r| {
        each(Record::Letter {
            case: CaseId(r.try_get(6)?),
            letter: read_letter(r, seal)?,
        })
    })?;
    for entry in outbox::all(tx)? {
        each(Record::Outbox(entry))?;
    }
    intake::all(tx, seal, &mut |kept| each(Record::Mail(Box::new(kept))))?;
    // A manager reads every agent's views (row-level security shows others only their own).
    each_row(
        tx,
        "SELECT agent, name, filter, saved_at FROM saved_views ORDER BY agent, name",
        &mut |r| {
            let agent: String = r.try_get(0)?;
            let name: String = r.try_get(1)?;
            let filter = seal.open_at(&view_place(&agent, &name), r.try_get(2)?)?;
            let filter = serde_json::from_str(&filter).map_err(|e| {
                Error::Damaged(format!("the saved view {name:?} cannot be read: {e}"))
            })?;
            each(Record::View {
                agent,
                view: SavedView {
                    name,
                    filter,
                    saved_at: r.try_get(3)?,
                },
            })
        },
    )?;
    let sql = format!("SELECT {EVENT_COLUMNS} FROM events ORDER BY seq");
    each_row(tx, &sql, &mut |r| each(Record::Event(read_event(r)?)))
}
