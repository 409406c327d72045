//! Duplicates: another open case from the same requester address, and what the kept case takes
//! in when a duplicate is merged into it.

use chrono::NaiveDate;
use serde::Serialize;

use crate::domain::case::Item;
use crate::{Case, Error, ItemOutcome, Kind, Reference, Result, State};

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

/// Whether `duplicate` may be folded into `into`, as far as the pair decides it (the
/// duplicate's own state is the workflow's guard); `Err` says why not.
pub fn check_merge(duplicate: &Case, into: &Case) -> Result<()> {
    let refuse = |why: String| Err(Error::NotAllowed(why));
    if duplicate.id == into.id {
        return refuse("a case cannot be merged into itself".into());
    }
    if into.state == State::Closed {
        return refuse(format!(
            "{} is closed; only open cases merge",
            into.reference
        ));
    }
    if into.redacted_on.is_some() {
        return refuse(format!("{} has been redacted", into.reference));
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

/// What the kept case takes in from a merged duplicate.
#[derive(Debug, Clone, PartialEq)]
pub struct Fold {
    /// The kept case with the duplicate's decisions on pages both list.
    pub kept: Case,
    /// Pages only the duplicate listed, with any decision taken on them.
    pub new_items: Vec<Item>,
    /// How many of the kept case's pending pages took the duplicate's decision.
    pub items_decided: usize,
    /// The note the kept case gets: what the duplicate said.
    pub note: String,
}

/// Folds `duplicate` (as it was before it closed) into `kept`, or says why the two do not merge.
///
/// The duplicate's pages come along with any decision already taken on them (a removed page
/// stays removed); a page both list takes the duplicate's decision only while the kept case
/// still has it pending.
pub fn fold(duplicate: &Case, kept: &Case) -> Result<Fold> {
    check_merge(duplicate, kept)?;
    let mut decided = kept.clone();
    let mut new_items = Vec::new();
    if duplicate.kind == Kind::ForumRemoval && kept.kind == Kind::ForumRemoval {
        for item in &duplicate.items {
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
    let mut note = format!(
        "Merged from {} ({}, received {}).",
        duplicate.reference,
        duplicate.kind.cli_name(),
        duplicate.received_on
    );
    if !duplicate.details.is_empty() {
        note.push_str("\n\n");
        note.push_str(&duplicate.details);
    }
    Ok(Fold {
        kept: decided,
        new_items,
        items_decided,
        note,
    })
}
