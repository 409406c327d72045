//! A [`CaseFilter`] as SQL, and how a search is answered: a whole reference or address by an
//! index, a word search with few matches driven from its matches, a common word by walking the
//! list's own index in queue order.

use chrono::NaiveDate;
use rusqlite::Connection;
use rusqlite::types::ToSql;

use crate::domain::filter::CaseFilter;
use crate::domain::text::Email;
use crate::{Error, Reference, Result};

/// Turns what a person typed into an FTS5 query: every word must appear, each as a prefix.
fn fts_query(text: &str) -> Option<String> {
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
pub(super) struct FilterSql {
    /// `cases`, or `cases NOT INDEXED` when the search's few matches should drive the query
    /// (SQLite, knowing nothing of how many rows match, would rather walk the state's index).
    pub from: &'static str,
    pub where_sql: String,
    pub values: Vec<Box<dyn ToSql>>,
}

/// The conditions of a filter, as they are gathered.
#[derive(Default)]
struct Conditions {
    clauses: Vec<&'static str>,
    values: Vec<Box<dyn ToSql>>,
}

impl Conditions {
    fn add(&mut self, clause: &'static str, value: Box<dyn ToSql>) {
        self.clauses.push(clause);
        self.values.push(value);
    }
}

impl FilterSql {
    /// The SQL of `filter` on `today` (which "overdue" and "due within" count from).
    pub(super) fn of(filter: &CaseFilter, conn: &Connection, today: NaiveDate) -> Result<Self> {
        let mut from = "cases";
        let mut when = Conditions::default();
        if let Some(state) = filter.state {
            when.add("state = ?", Box::new(state));
        }
        if filter.open {
            when.clauses.push("state <> 'closed'");
        }
        if let Some(kind) = filter.kind {
            when.add("kind = ?", Box::new(kind));
        }
        if filter.overdue {
            when.add("attention_on < ?", Box::new(today));
        }
        if let Some(days) = filter.due_within {
            let until = today
                .checked_add_days(chrono::Days::new(days.into()))
                .unwrap_or(NaiveDate::MAX);
            when.add("attention_on <= ?", Box::new(until));
        }
        if let Some(search) = filter.search.as_deref() {
            if let Some((clause, value)) = exact_lookup(search) {
                when.add(clause, Box::new(value));
                from = "cases NOT INDEXED";
            } else if let Some(query) = fts_query(search) {
                let (clause, value, few) = matches_of(conn, query)?;
                when.add(clause, value);
                if few {
                    from = "cases NOT INDEXED";
                }
            }
        }
        if let Some(assignee) = &filter.assignee {
            when.add("assignee = ?", Box::new(assignee.clone()));
        }
        if let Some(customer) = &filter.customer {
            when.add("customer = ? COLLATE NOCASE", Box::new(customer.clone()));
        }
        if let Some(first) = filter.received_from {
            when.add("received_on >= ?", Box::new(first));
        }
        if let Some(last) = filter.received_to {
            when.add("received_on <= ?", Box::new(last));
        }
        let where_sql = if when.clauses.is_empty() {
            String::new()
        } else {
            format!("WHERE {}", when.clauses.join(" AND "))
        };
        Ok(FilterSql {
            from,
            where_sql,
            values: when.values,
        })
    }
}

/// The clause that keeps a full-text query's matches: its few matches named by id (they are
/// known, so the search is not run twice), or the query itself for a common word. The flag says
/// which.
fn matches_of(conn: &Connection, query: String) -> Result<(&'static str, Box<dyn ToSql>, bool)> {
    let mut stmt =
        conn.prepare_cached("SELECT rowid FROM case_search WHERE case_search MATCH ?1 LIMIT ?2")?;
    let ids = stmt
        .query_map(rusqlite::params![query, FEW_MATCHES + 1], |r| {
            r.get::<_, i64>(0)
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    if ids.len() as i64 <= FEW_MATCHES {
        let ids = serde_json::to_string(&ids)
            .map_err(|e| Error::invalid(format!("cannot list the matches: {e}")))?;
        return Ok((
            "id IN (SELECT value FROM json_each(?))",
            Box::new(ids),
            true,
        ));
    }
    Ok((
        "id IN (SELECT rowid FROM case_search WHERE case_search MATCH ?)",
        Box::new(query),
        false,
    ))
}
