//! What the reports, the export and retention read and do: the reports and retention's counts
//! read only columns the server holds in clear (kinds, outcomes, dates); the export opens the
//! two sealed values it shows (name and address) on the desktop, row by row as they stream.

use std::io::Write as _;

use chrono::NaiveDate;
use postgres::fallible_iterator::FallibleIterator;
use postgres::types::ToSql;
use postgres::{Client, GenericClient, Row};

use super::cases::{index_words, item_place, spelled};
use super::filter::FilterSql;
use super::sealed::Sealer;
use crate::domain::export_row::SEPARATOR;
use crate::domain::filter::CaseFilter;
use crate::domain::reports::rows::{Answer, Closing, ScheduledDeletion, StillOpen};
use crate::domain::retention::{DueCase, REDACTED};
use crate::{CaseId, DenialBasis, Kind, Outcome, Result, State};

/// Streams the rows of `sql` to `each`.
fn scan(
    conn: &mut Client,
    sql: &str,
    params: &[&(dyn ToSql + Sync)],
    mut each: impl FnMut(&Row) -> Result<()>,
) -> Result<()> {
    let mut rows = conn.query_raw(sql, params.iter().copied())?;
    while let Some(row) = rows.next()? {
        each(&row)?;
    }
    Ok(())
}

/// The first day a case was received, if any was.
pub(super) fn first_received_on(conn: &mut Client) -> Result<Option<NaiveDate>> {
    Ok(conn
        .query_one("SELECT min(received_on) FROM cases", &[])?
        .try_get(0)?)
}

/// The kind of every row `sql` selects between two dates.
pub(super) fn each_kind(
    conn: &mut Client,
    sql: &str,
    first: NaiveDate,
    last: NaiveDate,
    each: &mut dyn FnMut(Kind),
) -> Result<()> {
    scan(conn, sql, &[&first, &last], |row| {
        each(spelled(row, 0)?);
        Ok(())
    })
}

/// What [`each_kind`] reads for each report.
pub(super) const RECEIVED: &str = "SELECT kind FROM cases WHERE received_on BETWEEN $1 AND $2";
pub(super) const EXTENDED: &str =
    "SELECT kind FROM cases WHERE extension_granted_on BETWEEN $1 AND $2";
pub(super) const APPEAL_RECEIVED: &str =
    "SELECT kind FROM cases WHERE appeal_received_on BETWEEN $1 AND $2";

/// The kind of every case whose appeal was decided from `first` to `last`, and whether granted.
pub(super) fn each_appeal_decided(
    conn: &mut Client,
    first: NaiveDate,
    last: NaiveDate,
    each: &mut dyn FnMut(Kind, bool),
) -> Result<()> {
    scan(
        conn,
        "SELECT kind, appeal_granted FROM cases
         WHERE appeal_received_on IS NOT NULL AND appeal_decided_on BETWEEN $1 AND $2",
        &[&first, &last],
        |row| {
            each(
                spelled(row, 0)?,
                row.try_get::<_, Option<bool>>(1)?.unwrap_or(false),
            );
            Ok(())
        },
    )
}

/// Every case received by `last` and not closed by then.
pub(super) fn each_still_open(
    conn: &mut Client,
    last: NaiveDate,
    each: &mut dyn FnMut(StillOpen),
) -> Result<()> {
    scan(
        conn,
        "SELECT kind, due_on, purge_on, legal_hold IS NOT NULL FROM cases
         WHERE (closed_on IS NULL OR closed_on > $1) AND received_on <= $1",
        &[&last],
        |row| {
            each(StillOpen {
                kind: spelled(row, 0)?,
                due_on: row.try_get(1)?,
                purge_on: row.try_get(2)?,
                held: row.try_get(3)?,
            });
            Ok(())
        },
    )
}

fn outcome(row: &Row, at: usize) -> Result<Option<Outcome>> {
    Ok(row
        .try_get::<_, Option<&str>>(at)?
        .and_then(|o| Outcome::from_stored(o.as_bytes())))
}

/// Every case closed from `first` to `last`.
pub(super) fn each_closing(
    conn: &mut Client,
    first: NaiveDate,
    last: NaiveDate,
    each: &mut dyn FnMut(Closing),
) -> Result<()> {
    scan(
        conn,
        "SELECT kind, coalesce(outcome, appeal_against), denial_basis, closed_on, received_on,
                due_on, purge_on
         FROM cases WHERE closed_on BETWEEN $1 AND $2",
        &[&first, &last],
        |row| {
            each(Closing {
                kind: spelled(row, 0)?,
                outcome: outcome(row, 1)?,
                // Only a denial has a basis; one this build does not know counts as "other".
                denial_basis: row
                    .try_get::<_, Option<&str>>(2)?
                    .map(|b| DenialBasis::from_stored(b.as_bytes()).unwrap_or(DenialBasis::Other)),
                closed_on: row.try_get(3)?,
                received_on: row.try_get(4)?,
                due_on: row.try_get(5)?,
                purge_on: row.try_get(6)?,
            });
            Ok(())
        },
    )
}

/// Every case closed from `first` to `last`, as the yearly metrics read it.
pub(super) fn each_answer(
    conn: &mut Client,
    first: NaiveDate,
    last: NaiveDate,
    each: &mut dyn FnMut(Answer),
) -> Result<()> {
    scan(
        conn,
        "SELECT kind, coalesce(outcome, appeal_against), closed_on, received_on,
                purge_on IS NOT NULL
         FROM cases WHERE closed_on BETWEEN $1 AND $2",
        &[&first, &last],
        |row| {
            each(Answer {
                kind: spelled(row, 0)?,
                outcome: outcome(row, 1)?,
                closed_on: row.try_get(2)?,
                received_on: row.try_get(3)?,
                scheduled_deletion: row.try_get(4)?,
            });
            Ok(())
        },
    )
}

/// Every case whose deletion purges from `first` to `last`.
pub(super) fn each_scheduled_deletion(
    conn: &mut Client,
    first: NaiveDate,
    last: NaiveDate,
    each: &mut dyn FnMut(ScheduledDeletion),
) -> Result<()> {
    scan(
        conn,
        "SELECT kind, state, outcome, purge_on, received_on, legal_hold IS NOT NULL
         FROM cases WHERE purge_on BETWEEN $1 AND $2",
        &[&first, &last],
        |row| {
            each(ScheduledDeletion {
                kind: spelled(row, 0)?,
                state: row
                    .try_get::<_, &str>(1)
                    .ok()
                    .and_then(|s| State::from_stored(s.as_bytes())),
                outcome: outcome(row, 2)?,
                purge_on: row.try_get(3)?,
                received_on: row.try_get(4)?,
                held: row.try_get(5)?,
            });
            Ok(())
        },
    )
}

// ---- the case export

/// The export's columns, in `domain::export_row::FIELDS` order, with the case's id last (the
/// sealed name and address are bound to it).
const EXPORT_COLUMNS: &str = "reference, kind, state, outcome, denial_basis, received_on, due_on, \
    extended_until, closed_on, purge_on, attention_on, jurisdiction, channel, customer, assignee, \
    is_minor, requester_name, requester_email, appeal_received_on, appeal_decided_on, \
    appeal_granted, id";

/// Calls `each` with every row the filter selects, in the order the cases were opened.
pub(super) fn export_rows(
    conn: &mut Client,
    seal: &Sealer,
    filter: &CaseFilter,
    today: NaiveDate,
    each: &mut dyn FnMut(&[u8]) -> Result<()>,
) -> Result<()> {
    let FilterSql {
        where_sql, values, ..
    } = FilterSql::of(conn, filter, seal, today)?;
    let sql = format!("SELECT {EXPORT_COLUMNS} FROM cases {where_sql} ORDER BY id");
    let params = FilterSql::params(&values);
    let mut line: Vec<u8> = Vec::with_capacity(256);
    let mut rows = conn.query_typed_raw(&sql, params)?;
    while let Some(row) = rows.next()? {
        line.clear();
        let id: i64 = row.try_get(21)?;
        for at in 0..21 {
            if at > 0 {
                line.push(SEPARATOR);
            }
            match at {
                5..=10 | 18 | 19 => {
                    if let Some(date) = row.try_get::<_, Option<NaiveDate>>(at)? {
                        let _ = write!(line, "{date}");
                    }
                }
                15 => line.push(if row.try_get::<_, bool>(at)? {
                    b'1'
                } else {
                    b'0'
                }),
                16 => line.extend_from_slice(
                    seal.open("cases.requester_name", id, row.try_get(at)?)?
                        .as_bytes(),
                ),
                17 => line.extend_from_slice(
                    seal.open("cases.requester_email", id, row.try_get(at)?)?
                        .as_bytes(),
                ),
                20 => match row.try_get::<_, Option<bool>>(at)? {
                    Some(true) => line.push(b'1'),
                    Some(false) => line.push(b'0'),
                    None => {}
                },
                _ => {
                    if let Some(text) = row.try_get::<_, Option<&str>>(at)? {
                        line.extend_from_slice(text.as_bytes());
                    }
                }
            }
        }
        each(&line)?;
    }
    Ok(())
}

// ---- retention

/// How many cases past the cutoff still hold personal details: to redact, and held whole.
pub(super) fn count_due(conn: &mut impl GenericClient, cutoff: NaiveDate) -> Result<(u64, u64)> {
    let row = conn.query_one(
        "SELECT count(*) FILTER (WHERE legal_hold IS NULL),
                count(*) FILTER (WHERE legal_hold IS NOT NULL)
         FROM cases WHERE closed_on IS NOT NULL AND redacted_on IS NULL AND closed_on <= $1",
        &[&cutoff],
    )?;
    Ok((
        row.try_get::<_, i64>(0)? as u64,
        row.try_get::<_, i64>(1)? as u64,
    ))
}

/// The same cases, oldest closing first.
pub(super) fn each_due(
    conn: &mut Client,
    cutoff: NaiveDate,
    each: &mut dyn FnMut(DueCase),
) -> Result<()> {
    scan(
        conn,
        "SELECT reference, kind, closed_on, legal_hold IS NOT NULL FROM cases
         WHERE closed_on IS NOT NULL AND redacted_on IS NULL AND closed_on <= $1
         ORDER BY closed_on, id",
        &[&cutoff],
        |row| {
            each(DueCase {
                reference: row.try_get::<_, &str>(0)?.parse()?,
                kind: spelled(row, 1)?,
                closed_on: row.try_get(2)?,
                held: row.try_get(3)?,
            });
            Ok(())
        },
    )
}

/// Up to `limit` cases to redact (no legal hold), oldest closing first.
pub(super) fn ids_due(
    conn: &mut impl GenericClient,
    cutoff: NaiveDate,
    limit: u32,
) -> Result<Vec<CaseId>> {
    conn.query(
        "SELECT id FROM cases
         WHERE closed_on IS NOT NULL AND redacted_on IS NULL AND closed_on <= $1
           AND legal_hold IS NULL
         ORDER BY closed_on, id LIMIT $2",
        &[&cutoff, &i64::from(limit)],
    )?
    .iter()
    .map(|r| Ok(CaseId(r.try_get(0)?)))
    .collect()
}

/// Redacts one case's personal details, notes, reasons, item addresses, letter texts and
/// search tokens, keeping its record, item outcomes and events.
pub(super) fn redact_case(
    conn: &mut impl GenericClient,
    seal: &Sealer,
    case: CaseId,
    today: NaiveDate,
) -> Result<()> {
    let id = case.0;
    let redacted = |column: &str| seal.seal(&format!("cases.{column}"), id, REDACTED);
    // An optional value stays absent; a present one becomes the redaction mark.
    let row = conn.query_one(
        "SELECT requester_phone IS NOT NULL, agent_name IS NOT NULL, agent_proof IS NOT NULL,
                denial_reason IS NOT NULL, extension_reason IS NOT NULL, reference
         FROM cases WHERE id = $1",
        &[&id],
    )?;
    let present: (bool, bool, bool, bool, bool) = (
        row.try_get(0)?,
        row.try_get(1)?,
        row.try_get(2)?,
        row.try_get(3)?,
        row.try_get(4)?,
    );
    let reference: String = row.try_get(5)?;
    let when = |present: bool, column: &str| present.then(|| redacted(column));
    conn.execute(
        "UPDATE cases SET requester_name = $2, requester_email = $3, email_index = $4,
             details = $5, requester_phone = $6, agent_name = $7, agent_proof = $8,
             denial_reason = $9, extension_reason = $10, redacted_on = $11
         WHERE id = $1",
        &[
            &id,
            &redacted("requester_name"),
            &redacted("requester_email"),
            &seal.email_index(REDACTED),
            &seal.seal("cases.details", id, ""),
            &when(present.0, "requester_phone"),
            &when(present.1, "agent_name"),
            &when(present.2, "agent_proof"),
            &when(present.3, "denial_reason"),
            &when(present.4, "extension_reason"),
            &today,
        ],
    )?;
    let items = conn.query(
        "SELECT position, reason IS NOT NULL FROM items WHERE case_id = $1",
        &[&id],
    )?;
    for item in items {
        let position: i32 = item.try_get(0)?;
        let had_reason: bool = item.try_get(1)?;
        let at = i64::from(position);
        conn.execute(
            "UPDATE items SET url = $3, reason = $4 WHERE case_id = $1 AND position = $2",
            &[
                &id,
                &position,
                &seal.seal(
                    &item_place("url", at),
                    id,
                    &format!("{REDACTED} {position}"),
                ),
                &had_reason.then(|| seal.seal(&item_place("reason", at), id, REDACTED)),
            ],
        )?;
    }
    // Events keep the note ids; the timeline shows the text as gone.
    conn.execute("DELETE FROM notes WHERE case_id = $1", &[&id])?;
    super::intake::redact_for_case(conn, seal, case, REDACTED)?;
    // A draft's unsent message goes with it (a sent one's stays: it names no one).
    conn.execute(
        "DELETE FROM outbox WHERE letter_id IN
             (SELECT id FROM letters WHERE case_id = $1 AND sent_at IS NULL)",
        &[&id],
    )?;
    conn.execute(
        "DELETE FROM letters WHERE case_id = $1 AND sent_at IS NULL",
        &[&id],
    )?;
    let sent = conn.query("SELECT id, kind FROM letters WHERE case_id = $1", &[&id])?;
    for letter in sent {
        let kind: &str = letter.try_get(1)?;
        conn.execute(
            "UPDATE letters SET body = $2 WHERE id = $1",
            &[
                &letter.try_get::<_, i64>(0)?,
                &seal.seal(&format!("letters.body.{kind}"), id, ""),
            ],
        )?;
    }
    // Its words go; its reference is still found, as on the single desk.
    conn.execute("DELETE FROM case_words WHERE case_id = $1", &[&id])?;
    index_words(conn, case, seal.tokens(&reference))
}
