//! Someone under 18: the guidance a case starts with, and the erasure that answering their
//! access request leads to (the policy: the company does not knowingly collect their data).

use chrono::NaiveDate;

use crate::domain::new_case::ValidNewCase;
use crate::{Case, Kind, Outcome, State};

/// The note a case about someone under 18 starts with: the policy's special handling.
pub const MINOR_GUIDANCE: &str = "Under 18. Before disclosing or removing anything, verify a \
parent or guardian: their identity and their parental responsibility (record how when you \
verify). The company does not knowingly collect data from under-18s: once this is answered, \
the data it should not have collected is erased (closing an access request opens the erasure).";

/// What the guidance note is kept as (beside the notes of actions, named by their event).
pub const GUIDANCE_NOTE: &str = "guidance";

/// The erasure a minor's access request leads to once answered, as a case of its own with its
/// own deadline from `today`; `None` when `before` → `after` is not that answer.
pub fn follow_up_erasure(before: &Case, after: &Case, today: NaiveDate) -> Option<ValidNewCase> {
    let answered = matches!(
        after.outcome,
        Some(Outcome::Fulfilled | Outcome::PartiallyFulfilled)
    );
    let just_closed = before.state != State::Closed && after.state == State::Closed;
    (just_closed && answered && after.kind == Kind::Access && after.requester.is_minor).then(|| {
        ValidNewCase {
            kind: Kind::Erasure,
            requester: after.requester.clone(),
            received_on: today,
            jurisdiction: after.jurisdiction,
            customer: after.customer.clone(),
            channel: after.channel,
            details: format!(
                "Follow-up to {}: the person is under 18. Erase the personal data found that \
                 the company should not have collected (privacy policy, children's personal \
                 information).",
                after.reference
            ),
            items: Vec::new(),
            // The same agent acts for the child, with the same proof.
            authorized_agent: after.authorized_agent.clone(),
            // The follow-up is counted on the calendar its request was.
            calendar: after.calendar.clone(),
        }
    })
}
