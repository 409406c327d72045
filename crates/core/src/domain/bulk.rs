//! Bulk work's rules: which actions may be done to many cases at once, how many, and the report
//! of what was done and what was refused and why.

use serde::Serialize;

use crate::{Action, Error, Reference, Result};

/// The most cases one bulk request may name.
pub const MAX_CASES: usize = 500;

/// The actions done in bulk: the routine ones that decide nothing about the request.
pub const BULK_ACTIONS: [Action; 2] = [Action::Assign, Action::Forward];

/// One case a bulk request could not do, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Refusal {
    /// The case.
    pub reference: Reference,
    /// The error's stable code.
    pub code: &'static str,
    /// Why, in plain words.
    pub message: String,
}

/// What a bulk request did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct BulkOutcome {
    /// The cases done, in the order given.
    pub done: Vec<Reference>,
    /// The cases refused, with the reason for each.
    pub refused: Vec<Refusal>,
}

impl BulkOutcome {
    /// One sentence for people.
    pub fn describe(&self, what: &str) -> String {
        let cases = |n: usize| {
            if n == 1 {
                "1 case".to_string()
            } else {
                format!("{n} cases")
            }
        };
        let mut text = format!("{what}: {}", cases(self.done.len()));
        if !self.refused.is_empty() {
            text.push_str(&format!("; {} refused", cases(self.refused.len())));
        }
        text
    }
}

/// Refuses, before anything is done, an action that is not done in bulk.
pub fn check_bulk_action(action: Action) -> Result<()> {
    if BULK_ACTIONS.contains(&action) {
        return Ok(());
    }
    Err(Error::Invalid(format!(
        "{} is done case by case; in bulk: assign, forward, or a note",
        action.cli_name()
    )))
}

/// The references once each, in the order given; refuses an empty or oversized selection.
pub fn selection(references: &[Reference]) -> Result<Vec<Reference>> {
    let mut unique: Vec<Reference> = Vec::with_capacity(references.len());
    for reference in references {
        if !unique.contains(reference) {
            unique.push(reference.clone());
        }
    }
    match unique.len() {
        0 => Err(Error::invalid("select at least one case")),
        n if n > MAX_CASES => Err(Error::Invalid(format!(
            "{n} cases selected; at most {MAX_CASES} are worked at once"
        ))),
        _ => Ok(unique),
    }
}
