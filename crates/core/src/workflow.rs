//! The workflow: one transition table, the guards on it, and what each action changes. No I/O.

use chrono::{Days, NaiveDate};
use serde::Serialize;
use serde_json::{Value, json};

use crate::case::{PURGE_AFTER_DAYS, validate_item};
use crate::deadline::{Extension, Pause};
use crate::spelling::spelled_enum;
use crate::{Agent, Case, DenialBasis, Error, ItemOutcome, Kind, Outcome, State, text};

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
    }
}

/// What an action may carry; each action says which parts it needs.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(default)]
pub struct ActionInput {
    /// Why (required for a denial, reopen, extension, hold and item refusal).
    pub reason: Option<String>,
    /// How the case ends (close).
    pub outcome: Option<Outcome>,
    /// Basis of a denial; `other` when not given.
    pub denial_basis: Option<DenialBasis>,
    /// New due date (extend).
    pub until: Option<NaiveDate>,
    /// Agent to assign to.
    pub to: Option<String>,
    /// Forum item URL (remove-item, refuse-item).
    pub item: Option<String>,
}

/// An [`ActionInput`] as typed into a form or on a command line: every field text, parsed here
/// so that every adapter reports bad input the same way.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(default)]
pub struct ActionForm {
    /// Why.
    pub reason: Option<String>,
    /// `fulfilled`, `partially-fulfilled`, `denied` or `withdrawn`.
    pub outcome: Option<String>,
    /// A [`DenialBasis`] spelling.
    pub denial_basis: Option<String>,
    /// `YYYY-MM-DD`.
    pub until: Option<String>,
    /// Agent name.
    pub to: Option<String>,
    /// Item URL.
    pub item: Option<String>,
}

impl ActionForm {
    /// Parses the fields; empty ones count as absent.
    pub fn parse(self) -> Result<ActionInput, Error> {
        let given = |v: Option<String>| v.filter(|s| !s.trim().is_empty());
        Ok(ActionInput {
            reason: given(self.reason),
            outcome: given(self.outcome).map(|o| o.parse()).transpose()?,
            denial_basis: given(self.denial_basis).map(|b| b.parse()).transpose()?,
            until: given(self.until)
                .map(|d| crate::case::parse_date("date", &d))
                .transpose()?,
            to: given(self.to),
            item: given(self.item),
        })
    }
}

/// The result of an accepted action: the case as it now is, and the audit event to append.
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    /// The case after the action.
    pub case: Case,
    /// The event's action name.
    pub action: Action,
    /// Structured details for the audit event; holds no personal data.
    pub details: Value,
    /// Free text the agent gave (a reason); stored apart from the event so retention can redact it.
    pub text: Option<String>,
}

/// The transition table: where `action` takes a case in `state`, or `None` if it may not be taken.
pub fn target(state: State, action: Action) -> Option<State> {
    use Action as A;
    use State as S;
    let open = state != S::Closed;
    match (state, action) {
        (S::New, A::RequestId) => Some(S::VerifyingIdentity),
        (S::New | S::VerifyingIdentity, A::Verify) => Some(S::InProgress),
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
        (_, A::Close) if open => Some(S::Closed),
        (_, A::Extend | A::Assign) if open => Some(state),
        _ => None,
    }
}

/// Audit-event names on a case that do not change its state: notes, retention's redaction,
/// letters.
const STATELESS_EVENTS: [&str; 6] = [
    "note",
    "redacted",
    "letter_draft_saved",
    "letter_draft_discarded",
    "letter_sent",
    "letter_exported",
];

/// The state a case is in after one more of its audit events, replayed: `None` before its
/// `created` event. `Err` says why the event cannot follow.
pub fn replay(state: Option<State>, event_action: &str) -> Result<State, String> {
    match (state, event_action) {
        (None, "created") => Ok(State::New),
        (None, other) => Err(format!("the case's first event is {other}, not created")),
        (Some(_), "created") => Err("the case was created twice".into()),
        (Some(state), other) if STATELESS_EVENTS.contains(&other) => Ok(state),
        // Merging is not an action on one case (it needs the other); its two events replay here.
        (Some(state), "merged_from") => Ok(state),
        (Some(State::Closed | State::DeletionScheduled), "merged_into") => {
            Err("merged_into is only possible while the case is open and not deleting".into())
        }
        (Some(_), "merged_into") => Ok(State::Closed),
        (Some(state), other) => {
            let action: Action = other
                .parse()
                .map_err(|_| format!("{other} is not an action a case knows"))?;
            target(state, action).ok_or_else(|| {
                format!(
                    "{} is not possible while the case is {}",
                    action.cli_name(),
                    state.cli_name()
                )
            })
        }
    }
}

/// Checks the parts of an action that depend on the case, not on the input; `Err` says why not.
fn guard(case: &Case, action: Action, today: NaiveDate) -> Result<State, Error> {
    let refuse = |why: String| Err(Error::NotAllowed(why));
    let Some(next) = target(case.state, action) else {
        return refuse(format!(
            "{} is not possible while the case is {}",
            action.cli_name(),
            case.state.cli_name()
        ));
    };
    match action {
        Action::ScheduleDeletion if case.kind != Kind::AccountClosure => {
            refuse("only account-closure cases schedule a deletion".into())
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
        Action::Extend => {
            let deadline = case.deadline();
            match deadline.latest_extension_on {
                None => refuse(format!(
                    "{} allows no extension",
                    case.jurisdiction.rule().law
                )),
                Some(_) if case.extension.is_some() => {
                    refuse("the deadline was already extended".into())
                }
                Some(_) if today > deadline.statutory_due_on => refuse(format!(
                    "the original period ended on {}; an extension must be notified within it",
                    deadline.statutory_due_on
                )),
                Some(_) => Ok(next),
            }
        }
        _ => Ok(next),
    }
}

/// The actions an adapter should offer for `case` on `today`.
pub fn allowed_actions(case: &Case, today: NaiveDate) -> Vec<Action> {
    Action::ALL
        .iter()
        .copied()
        .filter(|&action| guard(case, action, today).is_ok())
        .collect()
}

fn required_reason(input: &ActionInput, what: &str) -> Result<String, Error> {
    text::free_text(what, input.reason.as_deref().unwrap_or(""), true)
}

fn optional_reason(input: &ActionInput) -> Result<Option<String>, Error> {
    let reason = text::free_text("reason", input.reason.as_deref().unwrap_or(""), false)?;
    Ok(Some(reason).filter(|r| !r.is_empty()))
}

fn waits_on_requester(state: State) -> bool {
    matches!(state, State::VerifyingIdentity | State::AwaitingRequester)
}

/// Applies `action` to `case` on `today` by `agent`, or says why it may not be done.
pub fn apply(
    case: &Case,
    action: Action,
    input: &ActionInput,
    today: NaiveDate,
) -> Result<Change, Error> {
    let next = guard(case, action, today)?;
    if today < case.received_on {
        return Err(Error::Invalid(format!(
            "the action date {today} is before the case was received ({})",
            case.received_on
        )));
    }
    let mut new = case.clone();
    let mut details = json!({ "from": case.state, "to": next });
    let mut text = None;

    match action {
        Action::Extend => {
            let until = input.until.ok_or_else(|| {
                Error::invalid("extend needs the new due date (--until YYYY-MM-DD)")
            })?;
            let reason = required_reason(input, "the reason for the extension")?;
            case.clock().check_extension(until, today)?;
            new.extension = Some(Extension {
                until,
                granted_on: today,
            });
            new.extension_reason = Some(reason.clone());
            details["until"] = json!(until);
            text = Some(reason);
        }
        Action::Assign => {
            let to = input
                .to
                .as_deref()
                .ok_or_else(|| Error::invalid("assign needs the agent's name (--to NAME)"))?;
            let agent = Agent::new(to)?;
            new.assignee = Some(agent.as_str().to_string());
            details["assignee"] = json!(agent);
        }
        Action::Close => close(&mut new, input, &mut details, &mut text)?,
        Action::Reopen => {
            let reason = required_reason(input, "the reason for reopening")?;
            new.outcome = None;
            new.denial_basis = None;
            new.denial_reason = None;
            new.closed_on = None;
            text = Some(reason);
        }
        Action::ScheduleDeletion => {
            let purge = today
                .checked_add_days(Days::new(PURGE_AFTER_DAYS))
                .ok_or_else(|| Error::invalid("date out of range"))?;
            new.purge_on = Some(purge);
            details["purge_on"] = json!(purge);
        }
        Action::Hold => {
            let reason = required_reason(input, "the legal basis for the hold")?;
            new.legal_hold = Some(reason.clone());
            text = Some(reason);
        }
        Action::ReleaseHold => {
            new.legal_hold = None;
            text = optional_reason(input)?;
        }
        Action::ConfirmDeletion => {
            new.outcome = Some(Outcome::Fulfilled);
            new.closed_on = Some(today);
            details["outcome"] = json!(Outcome::Fulfilled);
        }
        Action::RemoveItem | Action::RefuseItem => {
            let url = input
                .item
                .as_deref()
                .ok_or_else(|| Error::invalid("name the item (--item URL)"))?;
            let url = validate_item(url)?;
            let index = new
                .items
                .iter()
                .position(|i| i.url == url)
                .ok_or_else(|| Error::Invalid("the case lists no such item".into()))?;
            let (outcome, reason) = if action == Action::RefuseItem {
                (
                    ItemOutcome::Refused,
                    Some(required_reason(input, "the reason the item stays")?),
                )
            } else {
                (ItemOutcome::Removed, None)
            };
            new.items[index].outcome = outcome;
            new.items[index].reason = reason;
            details["item"] = json!(index + 1);
            details["item_outcome"] = json!(outcome);
        }
        Action::Forward => {
            // The day it went to the customer, against the contract's forwarding time.
            details["forwarded_on"] = json!(today);
            text = optional_reason(input)?;
        }
        Action::Verify if case.needs_guardian_check() => {
            text = Some(required_reason(
                input,
                "how the parent or guardian was verified (identity and parental responsibility)",
            )?);
        }
        _ => text = optional_reason(input)?,
    }

    new.state = next;
    if next == State::Closed && new.closed_on.is_none() {
        new.closed_on = Some(today);
    }
    match (waits_on_requester(case.state), waits_on_requester(next)) {
        (false, true) => new.pauses.push(Pause {
            from: today,
            to: None,
        }),
        (true, false) => {
            if let Some(open) = new.pauses.iter_mut().rev().find(|p| p.to.is_none()) {
                open.to = Some(today);
            }
        }
        _ => {}
    }
    let deadline = new.deadline();
    new.due_on = deadline.due_on;
    if new.due_on != case.due_on {
        details["due_on"] = json!(new.due_on);
    }
    Ok(Change {
        case: new,
        action,
        details,
        text,
    })
}

fn close(
    case: &mut Case,
    input: &ActionInput,
    details: &mut Value,
    text: &mut Option<String>,
) -> Result<(), Error> {
    let outcome = input.outcome.ok_or_else(|| {
        Error::invalid(
            "close needs an outcome: one of fulfilled, partially-fulfilled, denied, withdrawn",
        )
    })?;
    if outcome == Outcome::Merged {
        return Err(Error::NotAllowed(
            "a duplicate is closed by merging it into the other case (merge), not by close".into(),
        ));
    }
    if outcome == Outcome::Fulfilled && case.kind == Kind::AccountClosure {
        return Err(Error::NotAllowed(
            "an account closure is fulfilled by schedule-deletion then confirm-deletion".into(),
        ));
    }
    if case.kind == Kind::ForumRemoval && outcome != Outcome::Withdrawn && !case.items.is_empty() {
        let count = |o| case.items.iter().filter(|i| i.outcome == o).count();
        let (pending, removed, refused) = (
            count(ItemOutcome::Pending),
            count(ItemOutcome::Removed),
            count(ItemOutcome::Refused),
        );
        let fits = match outcome {
            Outcome::Fulfilled => refused == 0,
            Outcome::PartiallyFulfilled => removed > 0 && refused > 0,
            Outcome::Denied => removed == 0,
            Outcome::Withdrawn | Outcome::Merged => true,
        };
        if pending > 0 {
            return Err(Error::NotAllowed(format!(
                "{pending} item(s) still pending: remove or refuse each item before closing"
            )));
        }
        if !fits {
            return Err(Error::Invalid(format!(
                "outcome {} does not match the items ({removed} removed, {refused} refused)",
                outcome.cli_name()
            )));
        }
    }
    case.outcome = Some(outcome);
    details["outcome"] = json!(outcome);
    if outcome == Outcome::Denied {
        let reason = required_reason(input, "the reason for the denial")?;
        let basis = input.denial_basis.unwrap_or(DenialBasis::Other);
        case.denial_basis = Some(basis);
        case.denial_reason = Some(reason.clone());
        details["denial_basis"] = json!(basis);
        *text = Some(reason);
    } else {
        *text = optional_reason(input)?;
    }
    Ok(())
}

/// What an adapter shows beside each allowed action: what it needs from the agent.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct ActionSpec {
    /// The action.
    pub action: Action,
    /// Whether a reason must be given (for `close`, only when denying).
    pub needs_reason: bool,
    /// Whether an outcome must be chosen.
    pub needs_outcome: bool,
    /// Whether a date must be given.
    pub needs_date: bool,
    /// Whether an agent must be named.
    pub needs_agent: bool,
    /// Whether an item must be picked.
    pub needs_item: bool,
}

/// What `action` needs from the agent on this `case` (a minor's access or removal needs the
/// guardian check recorded when verifying).
pub fn spec_for(case: &Case, action: Action) -> ActionSpec {
    let mut spec = action.spec();
    if action == Action::Verify && case.needs_guardian_check() {
        spec.needs_reason = true;
    }
    spec
}

impl Action {
    /// What this action needs from the agent on any case.
    pub fn spec(self) -> ActionSpec {
        use Action as A;
        ActionSpec {
            action: self,
            needs_reason: matches!(self, A::Extend | A::Reopen | A::Hold | A::RefuseItem),
            needs_outcome: self == A::Close,
            needs_date: self == A::Extend,
            needs_agent: self == A::Assign,
            needs_item: matches!(self, A::RemoveItem | A::RefuseItem),
        }
    }
}

#[cfg(test)]
pub(crate) mod tests;
