//! What an adapter shows for each allowed action: its label and key, what it needs from the
//! agent, and for closing and verifying the choices this case offers now (so that a form
//! offers only what the workflow would accept, the suggested choice first).

use serde::Serialize;

use super::{Action, check_outcome, target};
use crate::domain::letters::{LetterKind, OfferedLetter};
use crate::domain::views::title_of;
use crate::{Case, Identity, Outcome, State};

/// One outcome a case may close with now.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct OutcomeOption {
    /// The outcome.
    pub value: Outcome,
    /// How it reads.
    pub label: String,
    /// Whether a reason must be given (a denial tells the person why).
    pub needs_reason: bool,
    /// Whether it takes a denial basis.
    pub takes_basis: bool,
    /// Whether it fulfils the request (in whole or in part), so that its answer letter must
    /// be sent or its absence confirmed.
    pub fulfils: bool,
    /// What the reason field asks for with this outcome.
    pub reason_label: &'static str,
}

/// One way of settling the requester's identity.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct IdentityOption {
    /// How it is settled.
    pub value: Identity,
    /// How it reads.
    pub label: &'static str,
    /// Whether a reason must be given.
    pub needs_reason: bool,
    /// What the reason field asks for with this choice.
    pub reason_label: &'static str,
}

/// What an adapter shows beside each allowed action: what it needs from the agent.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct ActionSpec {
    /// The action.
    pub action: Action,
    /// How it reads on its button.
    pub label: &'static str,
    /// The key that does it while the case is open.
    pub key: char,
    /// Whether it is the step the desk suggests next (see `domain::next`).
    pub suggested: bool,
    /// Whether a reason must be given (for `close`, see each of `outcomes`).
    pub needs_reason: bool,
    /// Whether an outcome must be chosen.
    pub needs_outcome: bool,
    /// Whether a date must be given.
    pub needs_date: bool,
    /// Whether an agent must be named.
    pub needs_agent: bool,
    /// Whether an item must be picked.
    pub needs_item: bool,
    /// Whether it closes the case (the answer that ends it).
    pub closes: bool,
    /// What the reason (or note) field asks for.
    pub reason_label: &'static str,
    /// For `close`: the outcomes the case may close with as it stands, the one to start
    /// with first.
    pub outcomes: Vec<OutcomeOption>,
    /// For `verify`: how the identity may be settled, `verified` first.
    pub identities: Vec<IdentityOption>,
    /// For `close` and `confirm-deletion`: the answer letter not yet marked sent, whose
    /// absence the agent must confirm to fulfil the request.
    pub unsent_answer: Option<OfferedLetter>,
    /// For `request-id` under a law that stops its clock for a request suspected fraudulent
    /// (Utah): the rule, which the form offers to invoke.
    pub suspected_fraud: Option<String>,
}

/// What `action` needs from the agent on this `case` (a minor's access or removal needs the
/// guardian check recorded when verifying), and whether it closes the case.
pub fn spec_for(case: &Case, action: Action) -> ActionSpec {
    use Action as A;
    let guardian = action == A::Verify && case.needs_guardian_check();
    let in_appeal = case.state == State::InAppeal;
    // An appeal is answered by its decision letter, whichever way it goes.
    let answer = if in_appeal {
        LetterKind::AppealDecision
    } else {
        LetterKind::answering(case.kind)
    };
    let fulfils = matches!(action, A::Close | A::ConfirmDeletion);
    ActionSpec {
        action,
        // In appeal, reopening grants the appeal and opens the request to be worked.
        label: if in_appeal && action == A::Reopen {
            "Grant and reopen"
        } else {
            action.label()
        },
        key: action.key(),
        suggested: false,
        needs_reason: guardian
            || matches!(
                action,
                A::Extend | A::Reopen | A::Hold | A::RefuseItem | A::Appeal
            ),
        needs_outcome: action == A::Close,
        needs_date: action == A::Extend,
        needs_agent: action == A::Assign,
        needs_item: matches!(action, A::RemoveItem | A::RefuseItem),
        closes: target(case.state, action) == Some(State::Closed),
        reason_label: match action {
            A::Close => "Note (optional)",
            A::Verify if guardian => {
                "How the parent or guardian was verified (identity and parental responsibility)"
            }
            A::Appeal => "The person's grounds for the appeal",
            A::Reopen if in_appeal => "Why the appeal is granted (the request is worked again)",
            A::Extend | A::Reopen | A::Hold | A::RefuseItem => "Reason",
            _ => "Note (optional)",
        },
        outcomes: if action == A::Close && in_appeal {
            appeal_outcomes(case)
        } else if action == A::Close {
            outcomes(case)
        } else {
            Vec::new()
        },
        identities: if action == A::Verify {
            identities(case)
        } else {
            Vec::new()
        },
        unsent_answer: (fulfils
            && !case.sent_letters.contains(&answer)
            && case.channel != crate::Channel::Signal)
            .then(|| OfferedLetter::from(answer)),
        suspected_fraud: (action == A::RequestId)
            .then(|| crate::domain::law::Law::of(case.jurisdiction).ok())
            .flatten()
            .and_then(|law| law.suspected_fraud_stops_the_clock.clone()),
    }
}

/// The outcomes `case` may close with now, in their usual order: the first is the one to start
/// with (a page that stayed up rules out "fulfilled", so "partially fulfilled" comes first).
fn outcomes(case: &Case) -> Vec<OutcomeOption> {
    [
        Outcome::Fulfilled,
        Outcome::PartiallyFulfilled,
        Outcome::Denied,
        Outcome::Withdrawn,
    ]
    .into_iter()
    .filter(|&outcome| check_outcome(case, outcome).is_ok())
    .map(|value| {
        let denied = value == Outcome::Denied;
        OutcomeOption {
            value,
            label: title_of(value.as_str()),
            needs_reason: denied,
            takes_basis: denied,
            fulfils: matches!(value, Outcome::Fulfilled | Outcome::PartiallyFulfilled),
            reason_label: if denied {
                "Reason for the refusal (goes to the person)"
            } else {
                "Note (optional)"
            },
        }
    })
    .collect()
}

/// How an appeal may be decided: granted (the request is done, once the identity is settled)
/// or denied (the refusal upheld, with the reasons the person is told). Either way the
/// decision letter goes out.
fn appeal_outcomes(case: &Case) -> Vec<OutcomeOption> {
    let granted = OutcomeOption {
        value: Outcome::Fulfilled,
        label: "Granted: the request is done".into(),
        needs_reason: false,
        takes_basis: false,
        fulfils: true,
        reason_label: "Note (optional)",
    };
    let upheld = OutcomeOption {
        value: Outcome::Denied,
        label: "Denied: the refusal is upheld".into(),
        needs_reason: true,
        takes_basis: false,
        fulfils: true,
        reason_label: "Why the refusal is upheld (goes to the person)",
    };
    let mut options = Vec::new();
    // An account closure granted on appeal is reopened and its deletion scheduled.
    if super::identity_settled(case) && case.kind != crate::Kind::AccountClosure {
        options.push(granted);
    }
    options.push(upheld);
    options
}

fn identities(case: &Case) -> Vec<IdentityOption> {
    let guardian = case.needs_guardian_check();
    let verified = IdentityOption {
        value: Identity::Verified,
        label: if guardian {
            "Parent or guardian verified"
        } else {
            "Identity verified"
        },
        needs_reason: guardian,
        reason_label: if guardian {
            "How the parent or guardian was verified (identity and parental responsibility)"
        } else {
            "Note (optional)"
        },
    };
    let not_needed = IdentityOption {
        value: Identity::NotNeeded,
        label: "No check needed",
        needs_reason: true,
        reason_label: "Why no check is needed (e.g. a GPC signal, a logged-in account)",
    };
    if guardian {
        vec![verified]
    } else {
        vec![verified, not_needed]
    }
}
