//! The workflow: one transition table, the guards on it, and replaying a case's state from its
//! events. What each action changes is in [`apply`]; what it needs from the agent in [`input`].
//! No I/O.

mod apply;
mod input;
mod spec;

use chrono::NaiveDate;

pub(crate) use apply::check_outcome;
pub use apply::{Change, Effect, apply};
pub use input::{ActionForm, ActionInput};
pub use spec::{ActionSpec, IdentityOption, OutcomeOption, spec_for};

use crate::domain::events::EventKind;
use crate::domain::spelling::spelled_enum;
use crate::{Case, Channel, Error, Identity, Kind, Outcome, State};

spelled_enum! {
    /// What an agent can do to a case.
    pub enum Action ("action") {
        /// Ask the requester to prove who they are (clock stops where the law allows).
        RequestId = "request_id",
        /// Identity confirmed (or not needed): work on it.
        Verify = "verify",
        /// Forward to the customer, who controls the data.
        Forward = "forward",
        /// The customer answered.
        CustomerReplied = "customer_replied",
        /// Ask the requester for clarification (clock stops where the law allows).
        AskRequester = "ask_requester",
        /// The requester answered.
        RequesterReplied = "requester_replied",
        /// Extend the deadline, with a reason, within the legal maximum.
        Extend = "extend",
        /// The account was terminated: deletion 30 days from today.
        ScheduleDeletion = "schedule_deletion",
        /// The law requires the data to be kept: block the deletion.
        Hold = "hold",
        /// The legal hold ended.
        ReleaseHold = "release_hold",
        /// The data was deleted on or after the purge date.
        ConfirmDeletion = "confirm_deletion",
        /// Answer and close, with an outcome.
        Close = "close",
        /// Reopen a closed case, with a reason.
        Reopen = "reopen",
        /// Give the case to an agent.
        Assign = "assign",
        /// A forum item was taken down.
        RemoveItem = "remove_item",
        /// A forum item cannot be taken down; the reason goes to the person.
        RefuseItem = "refuse_item",
        /// The person appeals a refusal, where the law gives the right: the case is open again
        /// with the law's appeal period from today, and is decided by closing it.
        Appeal = "appeal",
        /// Close a duplicate as `merged` into another open case from the same person, which
        /// takes in what it said (its audit event is `merged_into`).
        Merge = "merge",
    }
}

impl Action {
    /// How it reads on a button and in a dialog's title.
    pub fn label(self) -> &'static str {
        match self {
            Action::RequestId => "Request ID",
            Action::Verify => "Verify identity",
            Action::Forward => "Forward to customer",
            Action::CustomerReplied => "Customer replied",
            Action::AskRequester => "Ask requester",
            Action::RequesterReplied => "Requester replied",
            Action::Extend => "Extend deadline",
            Action::ScheduleDeletion => "Schedule deletion",
            Action::Hold => "Legal hold",
            Action::ReleaseHold => "Release hold",
            Action::ConfirmDeletion => "Confirm deletion",
            Action::Close => "Close case",
            Action::Reopen => "Reopen",
            Action::Assign => "Assign",
            Action::RemoveItem => "Remove item",
            Action::RefuseItem => "Refuse item",
            Action::Merge => "Merge",
            Action::Appeal => "Appeal",
        }
    }

    /// The key a window may offer for it while a case is open: one letter each, none taken
    /// by the list's own keys (j k n e, and s for the suggested step, w for a letter).
    pub fn key(self) -> char {
        match self {
            Action::RequestId => 'i',
            Action::Verify => 'v',
            Action::Forward => 'f',
            Action::CustomerReplied => 'u',
            Action::AskRequester => 'q',
            Action::RequesterReplied => 'p',
            Action::Extend => 'x',
            Action::ScheduleDeletion => 'd',
            Action::Hold => 'h',
            Action::ReleaseHold => 'l',
            Action::ConfirmDeletion => 'z',
            Action::Close => 'c',
            Action::Reopen => 'o',
            Action::Assign => 'a',
            Action::RemoveItem => 'r',
            Action::RefuseItem => 'b',
            Action::Merge => 'm',
            Action::Appeal => 'g',
        }
    }
}

/// The transition table: where `action` takes a case in `state`, or `None` if it may not be taken.
pub fn target(state: State, action: Action) -> Option<State> {
    use Action as A;
    use State as S;
    let open = state != S::Closed;
    match (state, action) {
        (S::New, A::RequestId) => Some(S::VerifyingIdentity),
        (S::New | S::VerifyingIdentity, A::Verify) => Some(S::InProgress),
        // A case that came back from the customer may still need its requester checked.
        (S::InProgress, A::Verify) => Some(S::InProgress),
        (S::New | S::VerifyingIdentity | S::InProgress, A::Forward) => Some(S::AwaitingCustomer),
        (S::AwaitingCustomer, A::CustomerReplied) => Some(S::InProgress),
        (S::New | S::VerifyingIdentity | S::InProgress, A::AskRequester) => {
            Some(S::AwaitingRequester)
        }
        (S::AwaitingRequester, A::RequesterReplied) => Some(S::InProgress),
        (S::InProgress, A::ScheduleDeletion) => Some(S::DeletionScheduled),
        (S::DeletionScheduled, A::Hold | A::ReleaseHold) => Some(S::DeletionScheduled),
        (S::DeletionScheduled, A::ConfirmDeletion) => Some(S::Closed),
        (S::InProgress, A::RemoveItem | A::RefuseItem) => Some(S::InProgress),
        (S::Closed, A::Reopen) => Some(S::InProgress),
        (S::Closed, A::Appeal) => Some(S::InAppeal),
        // Granting an appeal whose request still needs work (an account to close, data to
        // gather) opens the request again.
        (S::InAppeal, A::Reopen) => Some(S::InProgress),
        // An appeal is decided, not merged away.
        (S::InAppeal, A::Merge) => None,
        // A scheduled deletion is the person's answer already: it is not merged away.
        (S::DeletionScheduled, A::Merge) => None,
        (_, A::Close | A::Merge) if open => Some(S::Closed),
        (_, A::Extend | A::Assign) if open => Some(state),
        _ => None,
    }
}

/// The state a case is in after one more of its audit events, replayed: `None` before its
/// `created` event. `Err` says why the event cannot follow.
pub fn replay(state: Option<State>, event: &str) -> Result<State, String> {
    let kind =
        EventKind::parse(event).ok_or_else(|| format!("{event} is not an event a case knows"));
    match (state, kind?) {
        (None, EventKind::Created) => Ok(State::New),
        (None, other) => Err(format!("the case's first event is {other}, not created")),
        (Some(_), EventKind::Created) => Err("the case was created twice".into()),
        (Some(state), EventKind::Action(action)) => {
            target(state, action).ok_or_else(|| not_possible(action, state))
        }
        (Some(state), EventKind::OnCase(_)) => Ok(state),
        (Some(_), EventKind::Desk(event)) => Err(format!("{event} is not an event on a case")),
    }
}

fn not_possible(action: Action, state: State) -> String {
    format!(
        "{} is not possible while the case is {}",
        action.cli_name(),
        state.cli_name()
    )
}

/// Checks the parts of an action that depend on the case, not on the input; `Err` says why not.
fn guard(case: &Case, action: Action, today: NaiveDate) -> Result<State, Error> {
    let refuse = |why: String| Err(Error::NotAllowed(why));
    let Some(next) = target(case.state, action) else {
        return refuse(not_possible(action, case.state));
    };
    match action {
        Action::ScheduleDeletion if case.kind != Kind::AccountClosure => {
            refuse("only account-closure cases schedule a deletion".into())
        }
        Action::ScheduleDeletion if !identity_settled(case) => refuse(IDENTITY_FIRST.into()),
        Action::RequestId | Action::AskRequester if case.channel == Channel::Signal => refuse(
            "an opt-out preference signal is honoured as it comes: there is no one to ask".into(),
        ),
        Action::Verify if case.state == State::InProgress && identity_settled(case) => {
            refuse(format!(
                "the identity is already recorded as {}",
                case.identity.cli_name()
            ))
        }
        Action::RemoveItem | Action::RefuseItem if case.kind != Kind::ForumRemoval => {
            refuse("only forum-removal cases have items".into())
        }
        Action::RemoveItem | Action::RefuseItem if case.items.is_empty() => {
            refuse("this case lists no items".into())
        }
        Action::Hold if case.legal_hold.is_some() => {
            refuse("a legal hold is already in place".into())
        }
        Action::ReleaseHold if case.legal_hold.is_none() => {
            refuse("there is no legal hold to release".into())
        }
        Action::ConfirmDeletion => match (case.legal_hold.as_deref(), case.purge_on) {
            (Some(_), _) => refuse("a legal hold blocks the deletion; release it first".into()),
            (None, Some(purge)) if today < purge => refuse(format!(
                "the data is due for deletion on {purge}, not before"
            )),
            _ => Ok(next),
        },
        Action::Extend => extend_guard(case, today, next),
        Action::Appeal => appeal_guard(case, next),
        Action::Merge if case.redacted_on.is_some() => {
            refuse(format!("{} has been redacted", case.reference))
        }
        _ => Ok(next),
    }
}

/// An appeal needs the law's right, a refusal to appeal against, and no appeal decided before.
fn appeal_guard(case: &Case, next: State) -> Result<State, Error> {
    let refuse = |why: String| Err(Error::NotAllowed(why));
    let law = crate::domain::law::Law::of(case.jurisdiction)?;
    if !law.appeal.right {
        return refuse(format!(
            "{} gives no right to appeal to the business ({})",
            law.name, law.appeal.citation
        ));
    }
    if let Some(decided) = case.appeal.as_ref().and_then(|a| a.decided_on) {
        return refuse(format!(
            "the appeal was decided on {decided}; the person may now turn to {}",
            law.authority.name
        ));
    }
    match case.outcome {
        Some(Outcome::Denied | Outcome::PartiallyFulfilled) => Ok(next),
        other => refuse(format!(
            "only a denied or partly fulfilled request can be appealed; this one was closed as {}",
            other.map_or_else(|| "nothing".into(), |o| o.cli_name())
        )),
    }
}

/// An extension is allowed once, where the law gives one, within the original period.
fn extend_guard(case: &Case, today: NaiveDate, next: State) -> Result<State, Error> {
    let refuse = |why: String| Err(Error::NotAllowed(why));
    let deadline = case.deadline();
    match deadline.latest_extension_on {
        None => refuse(format!(
            "{} allows no extension",
            case.jurisdiction.rule().law
        )),
        Some(_) if case.current_extension().is_some() => {
            refuse("the deadline was already extended".into())
        }
        Some(_) if today > deadline.statutory_due_on => refuse(format!(
            "the original period ended on {}; an extension must be notified within it",
            deadline.statutory_due_on
        )),
        Some(_) => Ok(next),
    }
}

/// What the workflow says when a request would be fulfilled before its requester is checked.
pub(crate) const IDENTITY_FIRST: &str = "the requester's identity is not checked yet: verify it \
    first, or record why no check is needed";

/// Whether fulfilling `case` may go ahead as far as the requester's identity goes: checked,
/// recorded as not needed, or a kind of request that discloses, changes and deletes nothing.
pub fn identity_settled(case: &Case) -> bool {
    !case.kind.needs_identity() || case.identity != Identity::Unchecked
}

/// The actions the workflow allows on `case` on `today` (a merge also needs the other case,
/// which only the merge itself can check).
pub fn allowed_actions(case: &Case, today: NaiveDate) -> Vec<Action> {
    Action::ALL
        .iter()
        .copied()
        .filter(|&action| guard(case, action, today).is_ok())
        .collect()
}

/// Whether the requester is the one we are waiting for in `state` (the clock may stop).
fn waits_on_requester(state: State) -> bool {
    matches!(state, State::VerifyingIdentity | State::AwaitingRequester)
}

#[cfg(test)]
pub(crate) mod tests;
