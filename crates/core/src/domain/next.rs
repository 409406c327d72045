//! What a case needs next, as the desk suggests it: one action or one letter, and why. The
//! window highlights it and puts it on a single key; the workflow still decides what is allowed,
//! so a suggestion is only ever something the agent may do now.

use chrono::NaiveDate;
use serde::Serialize;

use crate::domain::letters::{self, LetterKind};
use crate::domain::workflow::{self, Action, check_outcome, identity_settled};
use crate::{Case, Channel, ItemOutcome, Kind, Outcome, State};

/// The step the desk suggests.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Step {
    /// Do this action.
    Action(Action),
    /// Write and send this letter.
    Letter(LetterKind),
}

/// The suggested next step on a case, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Next {
    /// What to do.
    pub step: Step,
    /// Why, in a sentence for the agent.
    pub why: String,
    /// For a letter that answers the request: the outcome the case closes with once it is
    /// sent, so that sending and closing can be one step.
    pub then_close: Option<Outcome>,
}

/// The step `case` needs next on `today`, if the desk has one to suggest (a case waiting on
/// someone else, or a closed case with nothing left to send, has none).
pub fn next(case: &Case, today: NaiveDate) -> Option<Next> {
    let suggestion = match case.state {
        State::Closed => after_closing(case),
        State::New if case.channel == Channel::Signal && case.customer.is_none() => act(
            Action::Close,
            "an opt-out signal needs no identity check and no letter: honour it and close".into(),
        ),
        State::New | State::VerifyingIdentity if case.customer.is_some() => act(
            Action::Forward,
            "the data is the customer's: forward the request to them".into(),
        ),
        State::New | State::VerifyingIdentity => start(case),
        State::AwaitingCustomer => act(
            Action::CustomerReplied,
            "waiting for the customer's decision: record it when they reply".into(),
        ),
        State::AwaitingRequester => act(
            Action::RequesterReplied,
            "waiting for the requester: record their answer when it comes".into(),
        ),
        State::InProgress => in_progress(case),
        State::DeletionScheduled => deletion(case, today),
        State::InAppeal => in_appeal(case),
    }?;
    let possible = match suggestion.step {
        Step::Action(action) => workflow::allowed_actions(case, today).contains(&action),
        Step::Letter(kind) => letters::check(case, kind, today).is_ok(),
    };
    possible.then_some(suggestion)
}

/// The outcome a case fulfilled as it stands would close with: partly when a page stayed up.
pub fn fulfilled_outcome(case: &Case) -> Option<Outcome> {
    [Outcome::Fulfilled, Outcome::PartiallyFulfilled]
        .into_iter()
        .find(|&outcome| check_outcome(case, outcome).is_ok())
}

fn act(action: Action, why: String) -> Option<Next> {
    Some(Next {
        step: Step::Action(action),
        why,
        then_close: None,
    })
}

fn send(letter: LetterKind, why: String, then_close: Option<Outcome>) -> Option<Next> {
    Some(Next {
        step: Step::Letter(letter),
        why,
        then_close,
    })
}

fn start(case: &Case) -> Option<Next> {
    if case.kind.needs_identity() {
        return act(
            Action::Verify,
            "check the requester is who they say before anything is disclosed, changed or \
             deleted (or request ID if you cannot)"
                .into(),
        );
    }
    act(
        Action::Verify,
        "nothing is disclosed, changed or deleted: start work on it".into(),
    )
}

fn in_progress(case: &Case) -> Option<Next> {
    if !identity_settled(case) {
        return act(
            Action::Verify,
            "the requester's identity is not checked yet: verify it before answering".into(),
        );
    }
    if case.items.iter().any(|i| i.outcome == ItemOutcome::Pending) {
        return act(
            Action::RemoveItem,
            "decide each page: remove it, or refuse it with the reason the person is told".into(),
        );
    }
    if case.kind == Kind::AccountClosure {
        return act(
            Action::ScheduleDeletion,
            "terminate the account: its data is deleted 30 days later".into(),
        );
    }
    let letter = LetterKind::answering(case.kind);
    if !case.sent_letters.contains(&letter) {
        let outcome = fulfilled_outcome(case);
        return send(
            letter,
            format!("send the answer: {}", letter.title()),
            outcome,
        );
    }
    act(Action::Close, "the answer is sent: close the case".into())
}

fn deletion(case: &Case, today: NaiveDate) -> Option<Next> {
    if !case.sent_letters.contains(&LetterKind::AccountClosure) {
        return send(
            LetterKind::AccountClosure,
            "tell the person the account is closed and when its data is deleted".into(),
            None,
        );
    }
    match case.purge_on {
        Some(purge) if today >= purge && case.legal_hold.is_none() => act(
            Action::ConfirmDeletion,
            "the purge date has come: confirm the data is deleted".into(),
        ),
        _ => None,
    }
}

fn in_appeal(case: &Case) -> Option<Next> {
    if !case
        .sent_letters
        .contains(&LetterKind::AppealAcknowledgement)
    {
        return send(
            LetterKind::AppealAcknowledgement,
            "tell the person the appeal arrived and when it will be decided".into(),
            None,
        );
    }
    if !case.sent_letters.contains(&LetterKind::AppealDecision) {
        return send(
            LetterKind::AppealDecision,
            "decide the appeal and send the decision with its reasons".into(),
            None,
        );
    }
    act(
        Action::Close,
        "the decision is sent: close the appeal as fulfilled (granted) or denied (upheld)".into(),
    )
}

fn after_closing(case: &Case) -> Option<Next> {
    // A decided appeal closed only once its decision reached the person.
    if case.appeal.as_ref().is_some_and(|a| a.decided_on.is_some()) {
        return None;
    }
    let refused = matches!(
        case.outcome,
        Some(Outcome::Denied | Outcome::PartiallyFulfilled)
    );
    let told = case.sent_letters.contains(&LetterKind::Denial)
        || case.sent_letters.contains(&LetterKind::AppealDecision)
        || (case.kind == Kind::ForumRemoval
            && case.sent_letters.contains(&LetterKind::RemovalAnswer));
    (refused && !told).then(|| Next {
        step: Step::Letter(LetterKind::Denial),
        why: "tell the person why, and where they may complain".into(),
        then_close: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::workflow::{apply, spec_for};
    use crate::{ActionInput, CaseId, Identity, NewCase, Reference};

    fn day(n: u64) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 6, 1).unwrap_or_default() + chrono::Days::new(n)
    }

    fn case(kind: Kind, customer: Option<&str>) -> Case {
        let form = NewCase {
            kind: kind.as_str().into(),
            name: "Ana Ruiz".into(),
            email: "ana@example.com".into(),
            received: Some("2026-06-01".into()),
            customer: customer.map(String::from),
            items: if kind == Kind::ForumRemoval {
                vec![
                    "https://forum.example.com/t/1".into(),
                    "https://blog.example.com/p/2".into(),
                ]
            } else {
                Vec::new()
            },
            ..NewCase::default()
        };
        let valid = form.validate(day(1)).unwrap_or_else(|e| panic!("{e}"));
        Case {
            id: CaseId(1),
            ..Case::opened(Reference::new(2026, 1), valid)
        }
    }

    /// Does what the desk suggests, with what its action asks for; sends a suggested letter.
    fn follow(case: &Case, today: NaiveDate) -> Option<Case> {
        let suggested = next(case, today)?;
        let action = match suggested.step {
            Step::Letter(kind) => {
                let mut sent = case.clone();
                sent.sent_letters.push(kind);
                return Some(sent);
            }
            Step::Action(action) => action,
        };
        let spec = spec_for(case, action);
        let input = ActionInput {
            reason: spec.needs_reason.then(|| "checked".to_string()),
            outcome: spec.outcomes.first().map(|o| o.value),
            item: case
                .items
                .iter()
                .find(|i| i.outcome == ItemOutcome::Pending)
                .map(|i| i.url.clone()),
            ..ActionInput::default()
        };
        match apply(case, action, &input, today) {
            Ok(change) => Some(change.case),
            Err(e) => panic!(
                "{} {}: {action} was suggested but refused: {e}",
                case.kind, case.state
            ),
        }
    }

    #[test]
    fn following_the_suggestions_answers_every_kind_of_request() {
        for &kind in Kind::ALL {
            for customer in [None, Some("Acme")] {
                let mut case = case(kind, customer);
                let mut today = day(1);
                let mut steps = 0;
                while let Some(after) = follow(&case, today) {
                    case = after;
                    steps += 1;
                    // A scheduled deletion waits for its purge date.
                    if case.state == State::DeletionScheduled {
                        today = case.purge_on.unwrap_or(today);
                    }
                    assert!(steps < 12, "{kind}: the suggestions go round in circles");
                }
                assert_eq!(
                    case.state,
                    State::Closed,
                    "{kind} with {customer:?}: stopped early"
                );
                assert!(
                    case.sent_letters.contains(&LetterKind::answering(kind)),
                    "{kind}: closed without its answer letter"
                );
                if kind.needs_identity() {
                    assert_ne!(case.identity, Identity::Unchecked, "{kind}: never verified");
                }
            }
        }
    }

    #[test]
    fn an_access_answer_closes_as_fulfilled_and_a_refused_page_as_partly() {
        let mut access = case(Kind::Access, None);
        access.state = State::InProgress;
        access.identity = Identity::Verified;
        let answer = next(&access, day(1));
        assert_eq!(
            answer.as_ref().map(|n| n.step),
            Some(Step::Letter(LetterKind::AccessResponse))
        );
        assert_eq!(answer.and_then(|n| n.then_close), Some(Outcome::Fulfilled));

        let mut removal = case(Kind::ForumRemoval, None);
        removal.state = State::InProgress;
        removal.identity = Identity::Verified;
        removal.items[0].outcome = ItemOutcome::Removed;
        removal.items[1].outcome = ItemOutcome::Refused;
        let answer = next(&removal, day(1));
        assert_eq!(
            answer.and_then(|n| n.then_close),
            Some(Outcome::PartiallyFulfilled)
        );
        removal.state = State::Closed;
        removal.outcome = Some(Outcome::PartiallyFulfilled);
        removal.sent_letters.push(LetterKind::RemovalAnswer);
        assert_eq!(
            next(&removal, day(1)),
            None,
            "the removal answer gave the reasons"
        );
    }

    #[test]
    fn a_denied_case_suggests_its_refusal_letter_once() {
        let mut denied = case(Kind::Erasure, None);
        denied.state = State::Closed;
        denied.outcome = Some(Outcome::Denied);
        let letter = next(&denied, day(1)).map(|n| n.step);
        assert_eq!(letter, Some(Step::Letter(LetterKind::Denial)));
        denied.sent_letters.push(LetterKind::Denial);
        assert_eq!(next(&denied, day(1)), None);
    }
}
