//! Bulk work: one action or note on several selected cases, each case in its own transaction
//! with its own audit event, and a report of what was done and what was refused and why.

use serde::Serialize;

use crate::{Action, ActionInput, Desk, Error, Reference, Result};

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

/// The references once each, in the order given; refuses an empty or oversized selection.
fn selection(references: &[Reference]) -> Result<Vec<Reference>> {
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

impl Desk {
    fn each_case(
        &mut self,
        references: &[Reference],
        mut work: impl FnMut(&mut Desk, &Reference) -> Result<()>,
    ) -> Result<BulkOutcome> {
        let mut outcome = BulkOutcome::default();
        for reference in selection(references)? {
            match work(self, &reference) {
                Ok(()) => outcome.done.push(reference),
                Err(error) => outcome.refused.push(Refusal {
                    reference,
                    code: error.code(),
                    message: error.to_string(),
                }),
            }
        }
        Ok(outcome)
    }

    /// Does `action` (assign or forward) to each case; each one the workflow refuses is
    /// reported, the others done.
    pub fn act_on_many(
        &mut self,
        references: &[Reference],
        action: Action,
        input: &ActionInput,
    ) -> Result<BulkOutcome> {
        if !BULK_ACTIONS.contains(&action) {
            return Err(Error::Invalid(format!(
                "{} is done case by case; in bulk: assign, forward, or a note",
                action.cli_name()
            )));
        }
        self.each_case(references, |desk, reference| {
            desk.act(reference, action, input).map(|_| ())
        })
    }

    /// Adds the same note to each case.
    pub fn note_on_many(&mut self, references: &[Reference], body: &str) -> Result<BulkOutcome> {
        // Checked once, so an empty note is one error rather than one per case.
        let body = crate::text::free_text("note", body, true)?;
        self.each_case(references, |desk, reference| desk.note(reference, &body))
    }
}
