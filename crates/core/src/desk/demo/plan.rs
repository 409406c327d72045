//! What happens to a demo case, as a plan of dated steps: assigned, identity checked, sent to
//! the customer, clarified, extended, its items decided, and how it ends. The workflow still
//! decides each step; a step it refuses is left out.

use chrono::{Days, NaiveDate};
use rand::Rng;
use rand_chacha::ChaCha8Rng;

use super::people::{AGENTS, pick, weighted};
use crate::{Action, ActionInput, Case, DenialBasis, ItemOutcome, Kind, Outcome};

/// One planned step of a demo case's history.
pub(super) struct Step {
    pub day: NaiveDate,
    pub action: Action,
    pub input: ActionInput,
}

pub(super) fn after(day: NaiveDate, days: u64) -> NaiveDate {
    day.checked_add_days(Days::new(days)).unwrap_or(day)
}

/// The steps, in order, from the day of receipt.
pub(super) fn plan(rng: &mut ChaCha8Rng, case: &Case) -> Vec<Step> {
    let mut steps = Vec::new();
    let mut day = case.received_on;
    if rng.random_bool(0.8) {
        let to = Some(pick(rng, AGENTS).to_string());
        steps.push(step(
            day,
            Action::Assign,
            ActionInput {
                to,
                ..Default::default()
            },
        ));
    }
    day = check_identity(rng, case, day, &mut steps);
    day = ask_around(rng, case, day, &mut steps);
    extend(rng, case, day, &mut steps);
    let close_day = after(day, rng.random_range(1..40));
    decide_items(rng, case, close_day, &mut steps);
    if case.kind == Kind::AccountClosure {
        delete_account(rng, close_day, &mut steps);
    } else {
        let ending = ending(rng);
        let refused = matches!(
            ending.outcome,
            Some(Outcome::Denied | Outcome::PartiallyFulfilled)
        );
        steps.push(step(close_day, Action::Close, ending));
        // Under a law that gives the right, some refusals are appealed (the workflow leaves the
        // step out elsewhere).
        if refused && rng.random_bool(0.35) {
            let arrives = after(close_day, rng.random_range(3..30));
            appeal(rng, arrives, &mut steps);
        }
    }
    steps
}

/// An appeal, and most times its decision some weeks later: upheld more often than granted.
fn appeal(rng: &mut ChaCha8Rng, day: NaiveDate, steps: &mut Vec<Step>) {
    steps.push(step(
        day,
        Action::Appeal,
        because("The person disagrees with the refusal and asks for it to be looked at again."),
    ));
    if rng.random_bool(0.8) {
        let granted = rng.random_bool(0.3);
        let decision = ActionInput {
            outcome: Some(if granted {
                Outcome::Fulfilled
            } else {
                Outcome::Denied
            }),
            reason: (!granted).then(|| "The exemption still applies after a second review.".into()),
            without_letter: true,
            ..Default::default()
        };
        let decided = after(day, rng.random_range(5..55));
        steps.push(step(decided, Action::Close, decision));
    }
}

fn step(day: NaiveDate, action: Action, input: ActionInput) -> Step {
    Step { day, action, input }
}

fn because(reason: &str) -> ActionInput {
    ActionInput {
        reason: Some(reason.to_string()),
        ..Default::default()
    }
}

/// Some ask for proof of identity first; new requests wait a day or two; then verified (a
/// parent or guardian's check recorded for a minor).
fn check_identity(
    rng: &mut ChaCha8Rng,
    case: &Case,
    mut day: NaiveDate,
    steps: &mut Vec<Step>,
) -> NaiveDate {
    if rng.random_bool(0.35) {
        day = after(day, rng.random_range(0..3));
        steps.push(step(day, Action::RequestId, ActionInput::default()));
        day = after(day, rng.random_range(1..8));
    } else {
        day = after(day, rng.random_range(0..3));
    }
    let verify = if case.needs_guardian_check() {
        because("Mother's ID and the child's birth certificate checked by video call.")
    } else {
        ActionInput::default()
    };
    steps.push(step(day, Action::Verify, verify));
    day
}

/// Most processor cases go to the customer and come back; a few need the requester to clarify.
fn ask_around(
    rng: &mut ChaCha8Rng,
    case: &Case,
    mut day: NaiveDate,
    steps: &mut Vec<Step>,
) -> NaiveDate {
    if case.customer.is_some() && rng.random_bool(0.7) {
        day = after(day, rng.random_range(0..4));
        steps.push(step(day, Action::Forward, ActionInput::default()));
        day = after(day, rng.random_range(1..12));
        steps.push(step(day, Action::CustomerReplied, ActionInput::default()));
    }
    if rng.random_bool(0.1) {
        day = after(day, rng.random_range(0..5));
        steps.push(step(day, Action::AskRequester, ActionInput::default()));
        day = after(day, rng.random_range(1..10));
        steps.push(step(day, Action::RequesterReplied, ActionInput::default()));
    }
    day
}

/// One in twelve is extended where the law allows it, within the original period.
fn extend(rng: &mut ChaCha8Rng, case: &Case, day: NaiveDate, steps: &mut Vec<Step>) {
    let deadline = case.deadline();
    let Some(latest) = deadline
        .latest_extension_on
        .filter(|_| rng.random_bool(0.08))
    else {
        return;
    };
    let on = after(day, 1).min(deadline.statutory_due_on);
    let until = after(deadline.due_on, rng.random_range(7..40)).min(latest);
    let input = ActionInput {
        until: Some(until),
        ..because("Complex request spanning several systems; the customer needs more time.")
    };
    steps.push(step(on, Action::Extend, input));
}

/// A quarter of forum posts stay, with the reason the person is told.
fn decide_items(rng: &mut ChaCha8Rng, case: &Case, day: NaiveDate, steps: &mut Vec<Step>) {
    for item in &case.items {
        let (action, reason) = if rng.random_bool(0.25) {
            let why = "The post is quoted in a published moderation decision we must keep.";
            (Action::RefuseItem, Some(why.to_string()))
        } else {
            (Action::RemoveItem, None)
        };
        let input = ActionInput {
            item: Some(item.url.clone()),
            reason,
            ..Default::default()
        };
        steps.push(step(day, action, input));
    }
}

/// An account closure schedules the deletion; a tenth are held by law, the rest confirmed.
fn delete_account(rng: &mut ChaCha8Rng, day: NaiveDate, steps: &mut Vec<Step>) {
    steps.push(step(day, Action::ScheduleDeletion, ActionInput::default()));
    if rng.random_bool(0.1) {
        let hold = because("Invoices must be kept for 7 years (tax law).");
        steps.push(step(after(day, 2), Action::Hold, hold));
    } else {
        let confirmed = ActionInput {
            without_letter: true,
            ..Default::default()
        };
        steps.push(step(after(day, 30), Action::ConfirmDeletion, confirmed));
    }
}

/// How the others end: mostly fulfilled, some denied on a basis, some withdrawn.
fn ending(rng: &mut ChaCha8Rng) -> ActionInput {
    let outcome = weighted(
        rng,
        &[
            (Outcome::Fulfilled, 70),
            (Outcome::PartiallyFulfilled, 8),
            (Outcome::Denied, 12),
            (Outcome::Withdrawn, 10),
        ],
    );
    let (basis, reason) = match rng.random_range(0..4) {
        0 => (
            DenialBasis::IdentityNotVerified,
            "We could not verify the requester's identity.",
        ),
        1 => (
            DenialBasis::LegalObligation,
            "The records must be kept under tax law.",
        ),
        2 => (
            DenialBasis::ControllerDecision,
            "The customer, as controller, declined the request.",
        ),
        _ => (
            DenialBasis::ManifestlyUnfounded,
            "Fourth identical request this month.",
        ),
    };
    let denied = outcome == Outcome::Denied;
    ActionInput {
        outcome: Some(outcome),
        denial_basis: denied.then_some(basis),
        reason: denied.then(|| reason.to_string()),
        // The demo writes no letters: its answers went out by email.
        without_letter: true,
        ..Default::default()
    }
}

/// The outcome a forum case must close with, given how its items went.
pub(super) fn fit_outcome(case: &Case, step: &mut Step) {
    if step.action != Action::Close || case.items.is_empty() {
        return;
    }
    let removed = case
        .items
        .iter()
        .filter(|i| i.outcome == ItemOutcome::Removed)
        .count();
    let refused = case.items.len() - removed;
    let outcome = match (removed, refused) {
        (_, 0) => Outcome::Fulfilled,
        (0, _) => Outcome::Denied,
        _ => Outcome::PartiallyFulfilled,
    };
    step.input.outcome = Some(outcome);
    if outcome == Outcome::Denied {
        step.input.denial_basis = Some(DenialBasis::Exemption);
        step.input.reason = Some("Every post is part of a thread others rely on.".into());
    }
}
