//! Duplicates: open cases from the same requester address, flagged as a case is logged, and
//! merging one into the other (each keeps its events; the merged one closes as `merged`).

use chrono::NaiveDate;
use serde::Serialize;
use serde_json::json;

use crate::case::Item;
use crate::desk::timestamp;
use crate::store::{self, EventDraft};
use crate::{Case, CaseView, Desk, Error, ItemOutcome, Kind, Outcome, Reference, Result, State};

/// How many other open cases from one address are listed: a customer's contact may file
/// hundreds for their users, and the first few say enough.
pub const MAX_SHOWN: u32 = 20;

/// Another open case from the same address, as the form and the case view flag it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PossibleDuplicate {
    /// Its reference.
    pub reference: Reference,
    /// What it asks for.
    pub kind: Kind,
    /// Where it stands.
    pub state: State,
    /// When it was received.
    pub received_on: NaiveDate,
}

impl From<Case> for PossibleDuplicate {
    fn from(case: Case) -> Self {
        PossibleDuplicate {
            reference: case.reference,
            kind: case.kind,
            state: case.state,
            received_on: case.received_on,
        }
    }
}

/// Whether `duplicate` may be merged into `into`; `Err` says why not.
pub fn check_merge(duplicate: &Case, into: &Case) -> Result<()> {
    let refuse = |why: String| Err(Error::NotAllowed(why));
    if duplicate.id == into.id {
        return refuse("a case cannot be merged into itself".into());
    }
    for case in [duplicate, into] {
        if case.state == State::Closed {
            return refuse(format!(
                "{} is closed; only open cases merge",
                case.reference
            ));
        }
        if case.redacted_on.is_some() {
            return refuse(format!("{} has been redacted", case.reference));
        }
    }
    if duplicate.state == State::DeletionScheduled {
        return refuse(format!(
            "{} has a deletion scheduled; it cannot be merged away",
            duplicate.reference
        ));
    }
    // Mixing two people's requests would be a breach of its own: only the same address merges.
    if !duplicate
        .requester
        .email
        .as_str()
        .eq_ignore_ascii_case(into.requester.email.as_str())
    {
        return refuse(format!(
            "{} and {} come from different addresses; only cases from the same requester merge",
            duplicate.reference, into.reference
        ));
    }
    Ok(())
}

impl Desk {
    /// The open cases from `email` (trimmed, any letter case); none for an address that is not
    /// complete yet, so a form can ask as the agent types.
    pub fn open_cases_from(&self, email: &str) -> Result<Vec<PossibleDuplicate>> {
        match crate::text::Email::parse(email) {
            Ok(email) => Ok(self
                .store()
                .open_cases_from(email.as_str(), None, MAX_SHOWN)?
                .into_iter()
                .map(PossibleDuplicate::from)
                .collect()),
            Err(_) => Ok(Vec::new()),
        }
    }

    /// The other open cases from this case's requester; none once it is closed or redacted.
    pub(crate) fn possible_duplicates(&self, case: &Case) -> Result<Vec<PossibleDuplicate>> {
        if case.state == State::Closed || case.redacted_on.is_some() {
            return Ok(Vec::new());
        }
        Ok(self
            .store()
            .open_cases_from(case.requester.email.as_str(), Some(case.id), MAX_SHOWN)?
            .into_iter()
            .map(PossibleDuplicate::from)
            .collect())
    }

    /// Merges `duplicate` into `into`: the duplicate closes as `merged` with a `merged_into`
    /// event; the kept case gets a `merged_from` event, a note with what the duplicate said,
    /// and the duplicate's forum items with their decisions. Returns the kept case.
    pub fn merge(&mut self, duplicate: &Reference, into: &Reference) -> Result<CaseView> {
        let today = self.today();
        let now = timestamp();
        let actor = self.agent().as_str().to_string();
        self.store_mut().write(|tx| {
            let dup = store::find_case(tx, duplicate)?;
            let kept = store::find_case(tx, into)?;
            check_merge(&dup, &kept)?;
            if today < dup.received_on {
                return Err(Error::Invalid(format!(
                    "the merge date {today} is before {duplicate} was received"
                )));
            }
            let mut closed = dup.clone();
            closed.state = State::Closed;
            closed.outcome = Some(Outcome::Merged);
            closed.closed_on = Some(today);
            if let Some(open) = closed.pauses.iter_mut().rev().find(|p| p.to.is_none()) {
                open.to = Some(today);
            }
            closed.due_on = closed.deadline().due_on;
            store::update_case(tx, &closed, &now)?;
            let mut cursor = store::ChainCursor::load(tx)?;
            cursor.append(
                tx,
                &EventDraft {
                    case_id: Some(dup.id),
                    at: &now,
                    actor: &actor,
                    action: "merged_into",
                    details: json!({
                        "from": dup.state, "to": State::Closed,
                        "outcome": Outcome::Merged, "into": kept.reference,
                    })
                    .to_string(),
                },
            )?;

            // The duplicate's pages come along with any decision already taken on them (a
            // removed page stays removed); a page both list takes the duplicate's decision
            // only while the kept case still has it pending.
            let mut decided = kept.clone();
            let mut new_items: Vec<Item> = Vec::new();
            if dup.kind == Kind::ForumRemoval && kept.kind == Kind::ForumRemoval {
                for item in &dup.items {
                    match decided.items.iter_mut().find(|k| k.url == item.url) {
                        None => new_items.push(item.clone()),
                        Some(listed) if listed.outcome == ItemOutcome::Pending => {
                            listed.outcome = item.outcome;
                            listed.reason = item.reason.clone();
                        }
                        Some(_) => {}
                    }
                }
            }
            let items_decided = decided
                .items
                .iter()
                .zip(&kept.items)
                .filter(|(after, before)| after != before)
                .count();
            if items_decided > 0 {
                store::update_case(tx, &decided, &now)?;
            }
            store::add_items(tx, kept.id, &new_items)?;
            let mut details = json!({
                "from": duplicate,
                "items_added": new_items.len(),
                "items_decided": items_decided,
            });
            let mut said = format!(
                "Merged from {duplicate} ({}, received {}).",
                dup.kind.cli_name(),
                dup.received_on
            );
            if !dup.details.is_empty() {
                said.push_str("\n\n");
                said.push_str(&dup.details);
            }
            let note_id = store::insert_note(tx, kept.id, &now, &actor, "merged_from", &said)?;
            details["note_id"] = json!(note_id);
            let notes = store::all_note_text(tx, kept.id)?;
            store::reindex(tx, kept.id, &kept, &notes)?;
            cursor.append(
                tx,
                &EventDraft {
                    case_id: Some(kept.id),
                    at: &now,
                    actor: &actor,
                    action: "merged_from",
                    details: details.to_string(),
                },
            )?;
            cursor.save(tx)?;
            Ok(())
        })?;
        self.case(into)
    }
}
