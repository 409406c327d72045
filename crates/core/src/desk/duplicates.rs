//! Duplicates: the open cases from one address, flagged as a case is logged and on the case,
//! and merging one into another (the workflow's `merge` action).

use super::Desk;
use crate::domain::duplicates::{MAX_SHOWN, PossibleDuplicate};
use crate::domain::text::Email;
use crate::{Action, ActionInput, Case, CaseView, Reference, Result, State};

impl Desk {
    /// The open cases from `email` (trimmed, any letter case); none for an address that is not
    /// complete yet, so a form can ask as the agent types.
    pub fn open_cases_from(&self, email: &str) -> Result<Vec<PossibleDuplicate>> {
        let Ok(email) = Email::parse(email) else {
            return Ok(Vec::new());
        };
        Ok(self
            .store
            .open_cases_from(&email, None, MAX_SHOWN)?
            .into_iter()
            .map(PossibleDuplicate::from)
            .collect())
    }

    /// The other open cases from this case's requester; none once it is closed or redacted.
    pub(super) fn possible_duplicates(&self, case: &Case) -> Result<Vec<PossibleDuplicate>> {
        if case.state == State::Closed || case.redacted_on.is_some() {
            return Ok(Vec::new());
        }
        Ok(self
            .store
            .open_cases_from(&case.requester.email, Some(case.id), MAX_SHOWN)?
            .into_iter()
            .map(PossibleDuplicate::from)
            .collect())
    }

    /// Merges `duplicate` into `into`: the duplicate closes as `merged` with a `merged_into`
    /// event; the kept case gets a `merged_from` event, a note with what the duplicate said,
    /// and the duplicate's forum items with their decisions. Returns the kept case.
    pub fn merge(&mut self, duplicate: &Reference, into: &Reference) -> Result<CaseView> {
        let input = ActionInput {
            into: Some(into.clone()),
            ..ActionInput::default()
        };
        self.act(duplicate, Action::Merge, &input)?;
        self.case(into)
    }
}
