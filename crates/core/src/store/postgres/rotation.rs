//! Rotating the team key (a manager's): every personal value opened with the old key and
//! sealed again under a new one, the search indexes made again with it, and the new key sealed
//! to each other agent's public key, in one transaction the server holds the tables still for
//! (`begin_key_rotation` … `finish_key_rotation`, schema 9). Anyone who kept the old key (an
//! agent removed before) opens nothing written after it.

use std::collections::BTreeMap;

use postgres::Transaction;

use super::cases::{found_by, item_place};
use super::copy::Words;
use super::events;
use super::records::{contact_place, view_place};
use super::sealed::Sealer;
use super::{TeamStore, company_files, intake};
use crate::store::{EventDraft, KeyRotation};
use crate::team_crypto::{AgentPublicKey, AgentSecrets, KdfParams, TeamKey, WrappedKey};
use crate::{Error, Passphrase, Result};

/// Cases sealed again per round trip, with their items, notes and letters.
const CASES_AT_ONCE: i64 = 500;

/// A case's sealed columns.
const SEALED_CASE_COLUMNS: [&str; 9] = [
    "denial_reason",
    "requester_name",
    "requester_email",
    "requester_phone",
    "details",
    "extension_reason",
    "legal_hold",
    "agent_name",
    "agent_proof",
];

impl TeamStore {
    /// Rotates the team key as the connected manager, whose passphrase wraps the new key for
    /// them; `progress` hears the cases done of the total.
    pub(super) fn rotate_key(
        &mut self,
        passphrase: &Passphrase,
        event: &EventDraft<'_>,
        progress: &mut dyn FnMut(u64, u64),
    ) -> Result<KeyRotation> {
        self.ensure_connected()?;
        let me = self.session.agent.clone();
        let secrets =
            AgentSecrets::derive(passphrase, &KdfParams::for_agent(&self.session.team, &me))?;
        let client = self.client.get_mut();
        // The passphrase is this manager's: their wrapping of the current key opens with it.
        let wrapped: Option<Vec<u8>> = client
            .query_one(
                "SELECT wrapped_team_key FROM agents WHERE name = session_user",
                &[],
            )?
            .try_get(0)?;
        let wrapped = wrapped.ok_or_else(|| Error::Damaged(format!("{me} holds no team key")))?;
        TeamKey::unwrap_for(&me, &WrappedKey(wrapped), &secrets)?;
        let mut recipients = Vec::new();
        let mut unready = Vec::new();
        for row in client.query(
            "SELECT name, public_key FROM team WHERE name <> session_user ORDER BY name",
            &[],
        )? {
            let name: String = row.try_get(0)?;
            match row.try_get::<_, Option<&[u8]>>(1)? {
                Some(public) => recipients.push((name, AgentPublicKey::from_slice(public)?)),
                None => unready.push(name),
            }
        }
        if !unready.is_empty() {
            return Err(Error::NotAllowed(format!(
                "the team key cannot be rotated yet: {} last signed in with an older version \
                 and has no key pair to receive the new key; ask them to sign in once, or \
                 remove them from the team",
                unready.join(", ")
            )));
        }
        let total: i64 = client
            .query_one("SELECT count(*) FROM cases", &[])?
            .try_get(0)?;
        let new_key = TeamKey::generate();
        let new = Sealer::new(new_key.clone());
        let old = &self.seal;

        let mut tx = client.transaction()?;
        let generation: i32 = tx
            .query_one("SELECT begin_key_rotation($1)", &[&event.at])?
            .try_get(0)?;
        tx.execute("DELETE FROM case_words", &[])?;
        let mut after = 0i64;
        let mut done = 0u64;
        let mut values = 0u64;
        loop {
            let (cases, sealed) = reseal_cases(&mut tx, old, &new, &mut after)?;
            if cases == 0 {
                break;
            }
            done += cases;
            values += sealed;
            progress(done, total.max(0) as u64);
        }
        values += reseal_customers_and_views(&mut tx, old, &new)?;
        values += company_files::reseal(&mut tx, old, &new)?;
        values += intake::reseal(&mut tx, old, &new)?;
        let mut names = Vec::with_capacity(recipients.len());
        let mut boxes = Vec::with_capacity(recipients.len());
        for (name, public) in &recipients {
            boxes.push(new_key.seal_to(name, public)?);
            names.push(name.clone());
        }
        tx.execute(
            "SELECT finish_key_rotation($1, $2, $3, $4)",
            &[
                &names,
                &boxes,
                &new_key.wrap_for(&me, &secrets).0,
                &event.at,
            ],
        )?;
        events::append(&mut tx, event)?;
        tx.commit()?;
        self.seal = new;
        self.key_generation = generation;
        self.login = self.login.holding_key_generation(generation);
        Ok(KeyRotation {
            generation,
            cases: done,
            values,
            agents: names.len() as u64,
        })
    }
}

/// Seals the next batch of cases after `after` again, with their items, notes and letters,
/// and writes their words; returns the cases and the values done.
fn reseal_cases(
    tx: &mut Transaction<'_>,
    old: &Sealer,
    new: &Sealer,
    after: &mut i64,
) -> Result<(u64, u64)> {
    let rows = tx.query(
        &format!(
            "SELECT id, reference, redacted_on IS NOT NULL, {} FROM cases
             WHERE id > $1 ORDER BY id LIMIT $2",
            SEALED_CASE_COLUMNS.join(", ")
        ),
        &[&*after, &CASES_AT_ONCE],
    )?;
    let Some(last) = rows.last() else {
        return Ok((0, 0));
    };
    *after = last.try_get(0)?;
    let mut values = 0u64;
    let mut ids = Vec::with_capacity(rows.len());
    let mut columns: [Vec<Option<Vec<u8>>>; 9] = Default::default();
    let mut email_index = Vec::with_capacity(rows.len());
    let mut words: BTreeMap<i64, Vec<Vec<u8>>> = BTreeMap::new();
    for row in &rows {
        let id: i64 = row.try_get(0)?;
        let reference: &str = row.try_get(1)?;
        let redacted: bool = row.try_get(2)?;
        let mut opened: [Option<String>; 9] = Default::default();
        for (at, column) in SEALED_CASE_COLUMNS.iter().enumerate() {
            let place = format!("cases.{column}");
            let value = old.open_opt(&place, id, row.try_get(3 + at)?)?;
            columns[at].push(value.as_deref().map(|v| new.seal(&place, id, v)));
            values += u64::from(value.is_some());
            opened[at] = value;
        }
        let [_, name, email, _, details, ..] = &opened;
        let (name, email, details) = (
            name.as_deref().unwrap_or_default(),
            email.as_deref().unwrap_or_default(),
            details.as_deref().unwrap_or_default(),
        );
        email_index.push(new.email_index(email));
        words.insert(
            id,
            found_by(new, reference, redacted, (name, email, details)),
        );
        ids.push(id);
    }
    let [c0, c1, c2, c3, c4, c5, c6, c7, c8] = &columns;
    tx.execute(
        "UPDATE cases AS c SET denial_reason = v.denial_reason,
             requester_name = v.requester_name, requester_email = v.requester_email,
             requester_phone = v.requester_phone, details = v.details,
             extension_reason = v.extension_reason, legal_hold = v.legal_hold,
             agent_name = v.agent_name, agent_proof = v.agent_proof, email_index = v.email_index
         FROM unnest($1::bigint[], $2::bytea[], $3::bytea[], $4::bytea[], $5::bytea[],
                     $6::bytea[], $7::bytea[], $8::bytea[], $9::bytea[], $10::bytea[],
                     $11::bytea[])
              AS v(id, denial_reason, requester_name, requester_email, requester_phone,
                   details, extension_reason, legal_hold, agent_name, agent_proof, email_index)
         WHERE c.id = v.id",
        &[&ids, c0, c1, c2, c3, c4, c5, c6, c7, c8, &email_index],
    )?;

    // Their items.
    let (mut cases, mut positions, mut urls, mut reasons) = (vec![], vec![], vec![], vec![]);
    for row in tx.query(
        "SELECT case_id, position, url, reason FROM items WHERE case_id = ANY($1)",
        &[&ids],
    )? {
        let case: i64 = row.try_get(0)?;
        let position: i32 = row.try_get(1)?;
        let (url_place, reason_place) = (
            item_place("url", i64::from(position)),
            item_place("reason", i64::from(position)),
        );
        let url = old.open(&url_place, case, row.try_get(2)?)?;
        let reason = old.open_opt(&reason_place, case, row.try_get(3)?)?;
        values += 1 + u64::from(reason.is_some());
        urls.push(new.seal(&url_place, case, &url));
        reasons.push(reason.map(|r| new.seal(&reason_place, case, &r)));
        cases.push(case);
        positions.push(position);
    }
    tx.execute(
        "UPDATE items AS i SET url = v.url, reason = v.reason
         FROM unnest($1::bigint[], $2::integer[], $3::bytea[], $4::bytea[])
              AS v(case_id, position, url, reason)
         WHERE i.case_id = v.case_id AND i.position = v.position",
        &[&cases, &positions, &urls, &reasons],
    )?;

    // Their notes, whose words are their case's too.
    let (mut notes, mut bodies) = (vec![], vec![]);
    for row in tx.query(
        "SELECT id, case_id, body FROM notes WHERE case_id = ANY($1)",
        &[&ids],
    )? {
        let id: i64 = row.try_get(0)?;
        let case: i64 = row.try_get(1)?;
        let body = old.open("notes.body", id, row.try_get(2)?)?;
        values += 1;
        words.entry(case).or_default().extend(new.tokens(&body));
        bodies.push(new.seal("notes.body", id, &body));
        notes.push(id);
    }
    tx.execute(
        "UPDATE notes AS n SET body = v.body FROM unnest($1::bigint[], $2::bytea[]) AS v(id, body)
         WHERE n.id = v.id",
        &[&notes, &bodies],
    )?;

    // Their letters.
    let (mut letters, mut texts) = (vec![], vec![]);
    for row in tx.query(
        "SELECT id, case_id, kind, body FROM letters WHERE case_id = ANY($1)",
        &[&ids],
    )? {
        let case: i64 = row.try_get(1)?;
        let place = format!("letters.body.{}", row.try_get::<_, &str>(2)?);
        let body = old.open(&place, case, row.try_get(3)?)?;
        values += 1;
        texts.push(new.seal(&place, case, &body));
        letters.push(row.try_get::<_, i64>(0)?);
    }
    tx.execute(
        "UPDATE letters AS l SET body = v.body FROM unnest($1::bigint[], $2::bytea[]) AS v(id, body)
         WHERE l.id = v.id",
        &[&letters, &texts],
    )?;

    // Their words under the new key, each once per case.
    let mut new_words = Words::default();
    for (case, tokens) in words {
        new_words.add(crate::CaseId(case), tokens);
    }
    new_words.copy_all_new(tx)?;
    Ok((ids.len() as u64, values))
}

/// Seals the customers' contacts and every agent's saved views again; returns the values done.
fn reseal_customers_and_views(tx: &mut Transaction<'_>, old: &Sealer, new: &Sealer) -> Result<u64> {
    let mut values = 0;
    for row in tx.query(
        "SELECT name, contact FROM customers WHERE contact IS NOT NULL",
        &[],
    )? {
        let name: &str = row.try_get(0)?;
        let place = contact_place(name);
        let contact = old.open_at(&place, row.try_get(1)?)?;
        tx.execute(
            "UPDATE customers SET contact = $2 WHERE name = $1",
            &[&name, &new.seal_at(&place, &contact)],
        )?;
        values += 1;
    }
    for row in tx.query("SELECT agent, name, filter FROM saved_views", &[])? {
        let (agent, name): (&str, &str) = (row.try_get(0)?, row.try_get(1)?);
        let place = view_place(agent, name);
        let filter = old.open_at(&place, row.try_get(2)?)?;
        tx.execute(
            "UPDATE saved_views SET filter = $3 WHERE agent = $1 AND name = $2",
            &[&agent, &name, &new.seal_at(&place, &filter)],
        )?;
        values += 1;
    }
    Ok(values)
}
