//! A [`CaseFilter`] as the server's SQL. A search never sends what was typed: a whole reference
//! is compared as it is (it is not personal), a whole address by its blind index, and each word
//! by its keyed token, every word required. A word few cases hold is looked up first and those
//! cases read by id; a common one is checked case by case in the list's order, so that the
//! first page comes as soon as it is full (the planner cannot tell the two apart: it sees only
//! opaque tokens).

use chrono::NaiveDate;
use postgres::GenericClient;
use postgres::types::ToSql;

use super::sealed::Sealer;
use crate::domain::filter::CaseFilter;
use crate::domain::text::Email;
use crate::team_crypto::words;
use crate::{Reference, Result};

/// A filter as SQL: its `WHERE` clause and the values bound to it, in order.
pub(super) struct FilterSql {
    pub where_sql: String,
    pub values: Vec<Box<dyn ToSql + Sync>>,
}

impl FilterSql {
    /// The SQL of `filter` on `today` (which "overdue" and "due within" count from); the server
    /// is asked how common each searched word is.
    pub(super) fn of(
        conn: &mut impl GenericClient,
        filter: &CaseFilter,
        seal: &Sealer,
        today: NaiveDate,
    ) -> Result<FilterSql> {
        let mut clauses: Vec<String> = Vec::new();
        let mut values: Vec<Box<dyn ToSql + Sync>> = Vec::new();
        let mut add = |clause: &str, value: Box<dyn ToSql + Sync>| {
            values.push(value);
            clauses.push(clause.replace('?', &format!("${}", values.len())));
        };
        if let Some(state) = filter.state {
            add("state = ?", Box::new(state.as_str()));
        }
        if filter.open {
            add("state <> ?", Box::new("closed"));
        }
        if let Some(kind) = filter.kind {
            add("kind = ?", Box::new(kind.as_str()));
        }
        if filter.overdue {
            add("attention_on < ?", Box::new(today));
        }
        if let Some(days) = filter.due_within {
            let until = today
                .checked_add_days(chrono::Days::new(days.into()))
                .unwrap_or(NaiveDate::MAX);
            add("attention_on <= ?", Box::new(until));
        }
        if let Some(search) = filter.search.as_deref() {
            let text = search.trim();
            let whole = !text.is_empty() && !text.contains(char::is_whitespace);
            if let (true, Ok(reference)) = (whole, text.parse::<Reference>()) {
                add("reference = ?", Box::new(reference.to_string()));
            } else if let (true, Ok(email)) = (whole, Email::parse(text)) {
                add(
                    "email_index = ?",
                    Box::new(seal.email_index(email.as_str())),
                );
            } else {
                for word in words(text) {
                    let tokens = seal.query_tokens(&word);
                    match few_cases_with(conn, &tokens)? {
                        Some(ids) => add("id = ANY(?)", Box::new(ids)),
                        None => add(
                            "EXISTS (SELECT FROM case_words AS w
                                     WHERE w.case_id = cases.id AND w.token = ANY(?))",
                            Box::new(tokens),
                        ),
                    }
                }
            }
        }
        if let Some(assignee) = &filter.assignee {
            add("assignee = ?", Box::new(assignee.clone()));
        }
        if let Some(customer) = &filter.customer {
            add("lower(customer) = lower(?)", Box::new(customer.clone()));
        }
        if let Some(first) = filter.received_from {
            add("received_on >= ?", Box::new(first));
        }
        if let Some(last) = filter.received_to {
            add("received_on <= ?", Box::new(last));
        }
        let where_sql = if clauses.is_empty() {
            String::new()
        } else {
            format!("WHERE {}", clauses.join(" AND "))
        };
        Ok(FilterSql { where_sql, values })
    }

    /// The values as the client binds them.
    pub(super) fn params(values: &[Box<dyn ToSql + Sync>]) -> Vec<&(dyn ToSql + Sync)> {
        values.iter().map(|v| v.as_ref()).collect()
    }
}

/// The fewest cases a rare word may be held by, whatever the desk's size.
const RARE_WORD_CASES: i64 = 2_000;

/// The cases holding any of `tokens` (one word's), if the word is rare; none if it is common.
///
/// Reading a rare word's N cases by id costs about N lookups; walking the list's order for a
/// page of 50 costs about 50 × T / N for a desk of T cases. They cross near N = √(50 T): 2,236
/// cases at 100,000, 7,071 at a million. The server's own estimate of T (its statistics) is
/// read in the same round trip.
fn few_cases_with(conn: &mut impl GenericClient, tokens: &[Vec<u8>]) -> Result<Option<Vec<i64>>> {
    let row = conn.query_one(
        "WITH cap AS (
             SELECT greatest($2, sqrt(50 * greatest(reltuples, 0)))::bigint AS cases
             FROM pg_class WHERE oid = 'cases'::regclass)
         SELECT cap.cases, ARRAY(SELECT case_id FROM case_words WHERE token = ANY($1)
                                 LIMIT cap.cases * $3 + 1)
         FROM cap",
        &[
            &tokens,
            &(RARE_WORD_CASES as f64),
            &(tokens.len().max(1) as i64),
        ],
    )?;
    let cap: i64 = row.try_get(0)?;
    let mut ids: Vec<i64> = row.try_get(1)?;
    // A case may hold several of the tokens (a word and its beginning): the cap counts rows.
    if ids.len() as i64 > cap * tokens.len().max(1) as i64 {
        return Ok(None);
    }
    ids.sort_unstable();
    ids.dedup();
    Ok((ids.len() as i64 <= cap).then_some(ids))
}
