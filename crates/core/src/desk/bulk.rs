//! Bulk work: one action or note on several selected cases, each case in its own transaction
//! with its own audit event; what the workflow refuses is reported case by case.

use crate::domain::bulk::{BulkOutcome, Refusal, check_bulk_action, selection};
use crate::{Action, ActionInput, Desk, Reference, Result};

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
        check_bulk_action(action)?;
        self.each_case(references, |desk, reference| {
            desk.act(reference, action, input).map(|_| ())
        })
    }

    /// Adds the same note to each case.
    pub fn note_on_many(&mut self, references: &[Reference], body: &str) -> Result<BulkOutcome> {
        // Checked once, so an empty note is one error rather than one per case.
        let body = crate::domain::text::free_text("note", body, true)?;
        self.each_case(references, |desk, reference| desk.note(reference, &body))
    }
}
