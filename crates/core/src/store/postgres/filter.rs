//! A [`CaseFilter`] as the server's SQL. A search never sends what was typed: a whole reference
//! is compared as it is (it is not personal), a whole address by its blind index, and each word
//! by its keyed token, every word required. The server is first asked which cases hold each
//! word: the cases holding every such word are read by id when they are few, or the list's
//! order is walked and each case looked up in their set when there are more; a word held too
//! widely to send is checked case by case in the index, so that the first page comes as soon
//! as it is full. (The planner cannot choose among these itself: it sees only opaque tokens.)

use chrono::NaiveDate;
use postgres::GenericClient;
use postgres::types::{ToSql, Type};

use super::sealed::Sealer;
use crate::domain::filter::CaseFilter;
use crate::domain::text::Email;
use crate::team_crypto::words;
use crate::{Reference, Result};

/// A filter as SQL: its `WHERE` clause and the values bound to it, in order.
pub(super) struct FilterSql {
    pub where_sql: String,
    pub values: Vec<Value>,
    /// The plan depends on a value (a set of cases the server hashes only when it is planned
    /// with it): the statement must not be prepared once for every run.
    pub plan_each_time: bool,
}

/// One value a filter binds, of a type the client names when it sends the query: a list page
/// then costs one round trip (parse, bind and run at once, `query_typed`) where a statement the
/// server describes first costs two.
pub(super) enum Value {
    Text(String),
    Date(NaiveDate),
    Bytes(Vec<u8>),
    Ids(Vec<i64>),
    Tokens(Vec<Vec<u8>>),
}

impl Value {
    fn typed(&self) -> (&(dyn ToSql + Sync), Type) {
        match self {
            Value::Text(text) => (text, Type::TEXT),
            Value::Date(date) => (date, Type::DATE),
            Value::Bytes(bytes) => (bytes, Type::BYTEA),
            Value::Ids(ids) => (ids, Type::INT8_ARRAY),
            Value::Tokens(tokens) => (tokens, Type::BYTEA_ARRAY),
        }
    }
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
        let mut values: Vec<Value> = Vec::new();
        let mut plan_each_time = false;
        let mut add = |clause: &str, value: Value| {
            values.push(value);
            clauses.push(clause.replace('?', &format!("${}", values.len())));
        };
        if let Some(state) = filter.state {
            add("state = ?", Value::Text(state.as_str().into()));
        }
        if filter.open {
            add("state <> ?", Value::Text("closed".into()));
        }
        if let Some(kind) = filter.kind {
            add("kind = ?", Value::Text(kind.as_str().into()));
        }
        if filter.overdue {
            add("attention_on < ?", Value::Date(today));
        }
        if let Some(days) = filter.due_within {
            let until = today
                .checked_add_days(chrono::Days::new(days.into()))
                .unwrap_or(NaiveDate::MAX);
            add("attention_on <= ?", Value::Date(until));
        }
        if let Some(search) = filter.search.as_deref() {
            let text = search.trim();
            let whole = !text.is_empty() && !text.contains(char::is_whitespace);
            if let (true, Ok(reference)) = (whole, text.parse::<Reference>()) {
                add("reference = ?", Value::Text(reference.to_string()));
            } else if let (true, Ok(email)) = (whole, Email::parse(text)) {
                add(
                    "email_index = ?",
                    Value::Bytes(seal.email_index(email.as_str())),
                );
            } else {
                // The cases holding every word whose holders came back (few enough to send),
                // and the words held too widely for that, checked case by case.
                let mut known: Option<Vec<i64>> = None;
                let mut widespread = Vec::new();
                let mut few = FEW_CASES_AT_LEAST;
                for word in words(text) {
                    let tokens = seal.query_tokens(&word);
                    if known.as_ref().is_some_and(Vec::is_empty) {
                        break;
                    }
                    let holders = holders(conn, &tokens)?;
                    few = holders.few;
                    match (holders.ids, known.take()) {
                        (Some(ids), None) => known = Some(ids),
                        (Some(ids), Some(before)) => known = Some(both(&before, &ids)),
                        (None, before) => {
                            known = before;
                            widespread.push(tokens);
                        }
                    }
                }
                match known {
                    Some(ids) if ids.len() as i64 <= few => add("id = ANY(?)", Value::Ids(ids)),
                    // `+ 0` keeps the planner from reading these by id: it walks the list's
                    // order and checks each case against the set, which it hashes because the
                    // set is a value of this run (never a generic plan's).
                    Some(ids) => {
                        plan_each_time = true;
                        add("(id + 0) = ANY(?)", Value::Ids(ids));
                    }
                    None => {}
                }
                for tokens in widespread {
                    add(
                        "EXISTS (SELECT FROM case_words AS w
                                 WHERE w.case_id = cases.id AND w.token = ANY(?))",
                        Value::Tokens(tokens),
                    );
                }
            }
        }
        if let Some(assignee) = &filter.assignee {
            add("assignee = ?", Value::Text(assignee.clone()));
        }
        if let Some(customer) = &filter.customer {
            add("lower(customer) = lower(?)", Value::Text(customer.clone()));
        }
        if let Some(first) = filter.received_from {
            add("received_on >= ?", Value::Date(first));
        }
        if let Some(last) = filter.received_to {
            add("received_on <= ?", Value::Date(last));
        }
        let where_sql = if clauses.is_empty() {
            String::new()
        } else {
            format!("WHERE {}", clauses.join(" AND "))
        };
        Ok(FilterSql {
            where_sql,
            values,
            plan_each_time,
        })
    }

    /// The values as the client binds them, each with its type.
    pub(super) fn params(values: &[Value]) -> Vec<(&(dyn ToSql + Sync), Type)> {
        values.iter().map(Value::typed).collect()
    }
}

/// However small the desk, a word held by this many cases is read by id, and four times as many
/// are sent as a set: below these every way is quick.
const FEW_CASES_AT_LEAST: i64 = 200;

/// The cases holding one word, if few enough to send, and how few a set must be to be read by
/// id rather than looked up case by case down the list.
struct Holders {
    ids: Option<Vec<i64>>,
    few: i64,
}

/// The ids in both sorted lists.
fn both(a: &[i64], b: &[i64]) -> Vec<i64> {
    let (mut i, mut j, mut out) = (0, 0, Vec::new());
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                out.push(a[i]);
                i += 1;
                j += 1;
            }
        }
    }
    out
}

/// The cases holding any of `tokens` (one word's), when they are few enough to send.
///
/// For a desk of T cases and a word N of them hold, a page of 50 costs: by id, about N lookups;
/// walking the list's order, about 50 × T / N cases, each checked in the (case, word) index at
/// about 3 µs, or in a hashed set at about 0.1 µs once its N ids have come and gone (about
/// 0.2 µs each). By id wins up to N = √(50 T) (2,236 cases at 100,000); the set up to about
/// N = √(750 T) (8,660; 27,386 at a million); the index beyond. The server's own estimate of T
/// (its statistics) is read in the same round trip, and no more ids than the set may hold.
fn holders(conn: &mut impl GenericClient, tokens: &[Vec<u8>]) -> Result<Holders> {
    let row = conn.query_typed_one(
        "WITH caps AS (
             SELECT greatest($2, sqrt(50 * greatest(reltuples, 0)))::bigint AS few,
                    greatest(4 * $2, sqrt(750 * greatest(reltuples, 0)))::bigint AS many
             FROM pg_class WHERE oid = 'cases'::regclass)
         SELECT caps.few, caps.many,
                ARRAY(SELECT case_id FROM case_words WHERE token = ANY($1)
                      LIMIT caps.many * $3 + 1)
         FROM caps",
        &[
            (&tokens, Type::BYTEA_ARRAY),
            (&(FEW_CASES_AT_LEAST as f64), Type::FLOAT8),
            (&(tokens.len().max(1) as i64), Type::INT8),
        ],
    )?;
    let few: i64 = row.try_get(0)?;
    let many: i64 = row.try_get(1)?;
    let mut ids: Vec<i64> = row.try_get(2)?;
    // A case may hold several of the tokens (a word and its beginning): the limit counts rows.
    if ids.len() as i64 > many * tokens.len().max(1) as i64 {
        return Ok(Holders { ids: None, few });
    }
    ids.sort_unstable();
    ids.dedup();
    let ids = (ids.len() as i64 <= many).then_some(ids);
    Ok(Holders { ids, few })
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use proptest::prelude::*;

    use super::both;

    proptest! {
        #[test]
        fn both_keeps_exactly_the_ids_in_both_lists(
            a in proptest::collection::btree_set(0i64..300, 0..120),
            b in proptest::collection::btree_set(0i64..300, 0..120),
        ) {
            let a: Vec<i64> = a.into_iter().collect();
            let b: Vec<i64> = b.into_iter().collect();
            let expected: Vec<i64> = a
                .iter()
                .collect::<BTreeSet<_>>()
                .intersection(&b.iter().collect())
                .map(|id| **id)
                .collect();
            prop_assert_eq!(both(&a, &b), expected);
        }
    }
}
