//! What each action changes: given a case, an action and its input, the case as it becomes,
//! the details of its audit event and what must follow (effects, carried out by the desk), or
//! a refusal.

use chrono::{Days, NaiveDate};
use serde_json::{Value, json};

use super::{Action, ActionInput, IDENTITY_FIRST, guard, identity_settled, waits_on_requester};
use crate::domain::case::Appeal;
use crate::domain::case::PURGE_AFTER_DAYS;
use crate::domain::deadline::{Extension, Pause, Wait};
use crate::domain::letters::LetterKind;
use crate::domain::minors::follow_up_erasure;
use crate::domain::new_case::{ValidNewCase, validate_item};
use crate::domain::text;
use crate::{
    Agent, Case, DenialBasis, Error, Identity, ItemOutcome, Kind, Outcome, Reference, State,
};

/// The result of an accepted action: the case as it now is, the audit event to append, and
/// what must happen beyond this case.
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    /// The case after the action.
    pub case: Case,
    /// The action, which names the event.
    pub action: Action,
    /// Structured details for the audit event; holds no personal data.
    pub details: Value,
    /// Free text the agent gave (a reason); stored apart from the event so retention can redact it.
    pub text: Option<String>,
    /// What must follow on other cases, in order.
    pub effects: Vec<Effect>,
}

/// Something an action makes happen beyond its own case, as data: the desk carries it out in
/// the same transaction, before the action's own event (which then records what it made).
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    /// Open a case of its own: the erasure that answering a minor's access request leads to.
    OpenFollowUp(Box<ValidNewCase>),
    /// Fold the merged duplicate (as it was before the merge) into the case `into`: a note
    /// with what it said, and its forum pages with any decision taken on them.
    FoldInto {
        /// The case kept.
        into: Reference,
        /// The duplicate, before it closed.
        duplicate: Box<Case>,
    },
}

/// What an action records besides the case's own fields: its event's details, the agent's
/// text, and the effects that follow.
#[derive(Default)]
struct Record {
    details: Vec<(&'static str, Value)>,
    text: Option<String>,
    effects: Vec<Effect>,
}

/// Applies `action` to `case` on `today`, or says why it may not be done.
pub fn apply(
    case: &Case,
    action: Action,
    input: &ActionInput,
    today: NaiveDate,
) -> Result<Change, Error> {
    let next = guard(case, action, today)?;
    if input.suspected_fraud && action != Action::RequestId {
        return Err(Error::invalid(
            "a suspected fraud is recorded when asking for ID (request-id)",
        ));
    }
    if today < case.received_on {
        return Err(Error::Invalid(format!(
            "the action date {today} is before the case was received ({})",
            case.received_on
        )));
    }
    let mut new = case.clone();
    let mut done = change_fields(case, &mut new, action, input, today)?;
    new.state = next;
    if next == State::Closed && new.closed_on.is_none() {
        new.closed_on = Some(today);
    }
    let wait = match (new.state, input.suspected_fraud) {
        (State::VerifyingIdentity, true) => Wait::SuspectedFraud,
        (State::VerifyingIdentity, false) => Wait::Identity,
        _ => Wait::Answer,
    };
    move_the_clock(case.state, &mut new, today, wait);
    let mut details = json!({ "from": case.state, "to": next });
    for (key, value) in done.details {
        details[key] = value;
    }
    if new.due_on != case.due_on {
        details["due_on"] = json!(new.due_on);
    }
    let appeal_due = |c: &Case| c.appeal.as_ref().map(|a| a.due_on);
    if appeal_due(&new) != appeal_due(case) {
        details["appeal_due_on"] = json!(appeal_due(&new));
    }
    if let Some(follow_up) = follow_up_erasure(case, &new, today) {
        done.effects.push(Effect::OpenFollowUp(Box::new(follow_up)));
    }
    Ok(Change {
        case: new,
        action,
        details,
        text: done.text,
        effects: done.effects,
    })
}

/// Stops the clock when the case starts waiting on the requester (for `wait`), starts it again
/// when it stops waiting, and recomputes the due date.
fn move_the_clock(before: State, case: &mut Case, today: NaiveDate, wait: Wait) {
    match (waits_on_requester(before), waits_on_requester(case.state)) {
        (false, true) => case.pauses.push(Pause {
            from: today,
            to: None,
            wait,
        }),
        (true, false) => {
            if let Some(open) = case.pauses.iter_mut().rev().find(|p| p.to.is_none()) {
                open.to = Some(today);
            }
        }
        _ => {}
    }
    let due_on = case.deadline().due_on;
    // The request keeps the due date it was answered against; once appealed, the appeal's
    // clock is the one that runs.
    match case.appeal.as_mut() {
        Some(appeal) => appeal.due_on = due_on,
        None => case.due_on = due_on,
    }
}

/// The fields `action` changes on `new` (a copy of `case`), what its event records and what
/// follows.
fn change_fields(
    case: &Case,
    new: &mut Case,
    action: Action,
    input: &ActionInput,
    today: NaiveDate,
) -> Result<Record, Error> {
    let mut done = Record::default();
    match action {
        Action::Extend => extend(case, new, input, today, &mut done)?,
        Action::Assign => assign(new, input, &mut done)?,
        Action::Close if case.state == State::InAppeal => {
            decide_appeal(new, input, today, &mut done)?
        }
        Action::Close => close(new, input, &mut done)?,
        Action::Appeal => appeal(case, new, input, today, &mut done)?,
        Action::Merge => merge(case, new, input, &mut done)?,
        Action::Reopen if case.state == State::InAppeal => {
            done.text = Some(required_reason(input, "why the appeal is granted")?);
            grant_appeal(new, today, &mut done.details)?;
            new.outcome = None;
            new.denial_basis = None;
            new.denial_reason = None;
            new.closed_on = None;
        }
        Action::Reopen => {
            done.text = Some(required_reason(input, "the reason for reopening")?);
            new.outcome = None;
            new.denial_basis = None;
            new.denial_reason = None;
            new.closed_on = None;
        }
        Action::ScheduleDeletion => schedule_deletion(new, today, &mut done)?,
        Action::Hold => {
            let reason = required_reason(input, "the legal basis for the hold")?;
            new.legal_hold = Some(reason.clone());
            done.text = Some(reason);
        }
        Action::ReleaseHold => {
            new.legal_hold = None;
            done.text = optional_reason(input)?;
        }
        Action::ConfirmDeletion => {
            answer_sent(case, input, &mut done)?;
            new.outcome = Some(Outcome::Fulfilled);
            new.closed_on = Some(today);
            done.details.push(("outcome", json!(Outcome::Fulfilled)));
        }
        Action::RemoveItem | Action::RefuseItem => decide_item(new, action, input, &mut done)?,
        Action::Forward => {
            // The day it went to the customer, against the contract's forwarding time.
            done.details.push(("forwarded_on", json!(today)));
            done.text = optional_reason(input)?;
        }
        Action::Verify => verify(case, new, input, &mut done)?,
        Action::RequestId => {
            if input.suspected_fraud {
                suspected_fraud(case, &mut done)?;
            }
            done.text = optional_reason(input)?;
        }
        Action::CustomerReplied | Action::AskRequester | Action::RequesterReplied => {
            done.text = optional_reason(input)?
        }
    }
    Ok(done)
}

/// Records how the requester's identity was settled: verified (a minor's parent or guardian,
/// with how), or not needed with the reason why.
fn verify(
    case: &Case,
    new: &mut Case,
    input: &ActionInput,
    done: &mut Record,
) -> Result<(), Error> {
    let identity = input.identity.unwrap_or(Identity::Verified);
    done.text = match identity {
        Identity::Unchecked => {
            return Err(Error::invalid(
                "verify records the identity as verified or not-needed",
            ));
        }
        Identity::NotNeeded if case.needs_guardian_check() => {
            return Err(Error::NotAllowed(
                "a request about someone under 18 needs the parent or guardian verified".into(),
            ));
        }
        Identity::NotNeeded => Some(required_reason(
            input,
            "why no identity check is needed (e.g. a GPC signal, a logged-in account)",
        )?),
        Identity::Verified if case.needs_guardian_check() => Some(required_reason(
            input,
            "how the parent or guardian was verified (identity and parental responsibility)",
        )?),
        Identity::Verified => optional_reason(input)?,
    };
    new.identity = identity;
    done.details.push(("identity", json!(identity)));
    Ok(())
}

/// Fulfilling a request, in whole or in part, tells the person: its answer letter is marked
/// sent, or the agent confirms the answer went out another way (recorded on the event).
fn answer_sent(case: &Case, input: &ActionInput, done: &mut Record) -> Result<(), Error> {
    // An opt-out signal is answered by honouring it: no one is written to.
    if case.channel == crate::Channel::Signal {
        return Ok(());
    }
    letter_sent(case, LetterKind::answering(case.kind), input, done)
}

/// `letter` is marked sent on `case`, or the agent confirms its content reached the person
/// another way (recorded on the event).
fn letter_sent(
    case: &Case,
    letter: LetterKind,
    input: &ActionInput,
    done: &mut Record,
) -> Result<(), Error> {
    if case.sent_letters.contains(&letter) {
        return Ok(());
    }
    if !input.without_letter {
        return Err(Error::NotAllowed(format!(
            "the answer letter “{}” is not marked sent: send it first, or confirm the answer \
             reached the person another way",
            letter.title()
        )));
    }
    done.details.push(("without_letter", json!(letter)));
    Ok(())
}

/// Asking for ID because the request is suspected fraudulent: only where the law stops its
/// clock for that, and recorded on the event.
fn suspected_fraud(case: &Case, done: &mut Record) -> Result<(), Error> {
    let law = crate::domain::law::Law::of(case.jurisdiction)?;
    if law.suspected_fraud_stops_the_clock.is_none() {
        return Err(Error::NotAllowed(format!(
            "{} has no rule for a request suspected fraudulent: ask for ID as for any request",
            law.name
        )));
    }
    done.details.push(("suspected_fraud", json!(true)));
    Ok(())
}

fn assign(new: &mut Case, input: &ActionInput, done: &mut Record) -> Result<(), Error> {
    let to = input
        .to
        .as_deref()
        .ok_or_else(|| Error::invalid("assign needs the agent's name (--to NAME)"))?;
    let agent = Agent::new(to)?;
    new.assignee = Some(agent.as_str().to_string());
    done.details.push(("assignee", json!(agent)));
    Ok(())
}

/// The account is terminated today: its data is deleted [`PURGE_AFTER_DAYS`] later.
fn schedule_deletion(new: &mut Case, today: NaiveDate, done: &mut Record) -> Result<(), Error> {
    let purge = today
        .checked_add_days(Days::new(PURGE_AFTER_DAYS))
        .ok_or_else(|| Error::invalid("date out of range"))?;
    new.purge_on = Some(purge);
    done.details.push(("purge_on", json!(purge)));
    Ok(())
}

fn required_reason(input: &ActionInput, what: &str) -> Result<String, Error> {
    text::free_text(what, input.reason.as_deref().unwrap_or(""), true)
}

fn optional_reason(input: &ActionInput) -> Result<Option<String>, Error> {
    let reason = text::free_text("reason", input.reason.as_deref().unwrap_or(""), false)?;
    Ok(Some(reason).filter(|r| !r.is_empty()))
}

fn extend(
    case: &Case,
    new: &mut Case,
    input: &ActionInput,
    today: NaiveDate,
    done: &mut Record,
) -> Result<(), Error> {
    let until = input
        .until
        .ok_or_else(|| Error::invalid("extend needs the new due date (--until YYYY-MM-DD)"))?;
    let reason = required_reason(input, "the reason for the extension")?;
    case.clock().check_extension(until, today)?;
    let extension = Some(Extension {
        until,
        granted_on: today,
    });
    match new.appeal.as_mut() {
        Some(appeal) => appeal.extension = extension,
        None => {
            new.extension = extension;
            new.extension_reason = Some(reason.clone());
        }
    }
    done.details.push(("until", json!(until)));
    done.text = Some(reason);
    Ok(())
}

/// The person appeals the refusal: the case opens again under the law's appeal period from
/// today, with the outcome appealed against kept on the appeal.
fn appeal(
    case: &Case,
    new: &mut Case,
    input: &ActionInput,
    today: NaiveDate,
    done: &mut Record,
) -> Result<(), Error> {
    let grounds = required_reason(input, "the person's grounds for the appeal")?;
    let against = case
        .outcome
        .ok_or_else(|| Error::internal("an appealed case has no outcome"))?;
    new.appeal = Some(Appeal {
        received_on: today,
        due_on: today,
        extension: None,
        against,
        decided_on: None,
        granted: None,
    });
    new.outcome = None;
    done.details.push(("against", json!(against)));
    done.details.push(("appeal_received_on", json!(today)));
    done.text = Some(grounds);
    Ok(())
}

/// Records the appeal as granted today, for a request opened again to be worked.
fn grant_appeal(
    new: &mut Case,
    today: NaiveDate,
    details: &mut Vec<(&'static str, Value)>,
) -> Result<(), Error> {
    let appeal = new
        .appeal
        .as_mut()
        .ok_or_else(|| Error::internal("a case in appeal has no appeal"))?;
    appeal.decided_on = Some(today);
    appeal.granted = Some(true);
    details.push(("appeal_granted", json!(true)));
    Ok(())
}

/// Decides an appeal: `fulfilled` grants it and the request is done; `denied` upholds the
/// refusal (the reason goes to the person), and the outcome appealed against stands. Either
/// way the decision letter, which names where to complain, goes out first.
fn decide_appeal(
    new: &mut Case,
    input: &ActionInput,
    today: NaiveDate,
    done: &mut Record,
) -> Result<(), Error> {
    let Some(appeal) = new.appeal.clone() else {
        return Err(Error::internal("a case in appeal has no appeal"));
    };
    let granted = match input.outcome {
        Some(Outcome::Fulfilled) => true,
        Some(Outcome::Denied) => false,
        _ => {
            return Err(Error::invalid(
                "an appeal is decided as fulfilled (granted: the request is done) or denied \
                 (the refusal upheld)",
            ));
        }
    };
    if granted && !identity_settled(new) {
        return Err(Error::NotAllowed(IDENTITY_FIRST.into()));
    }
    if granted && new.kind == Kind::AccountClosure {
        return Err(Error::NotAllowed(
            "an account closure's appeal is granted by reopening it: the deletion is then \
             scheduled as for any closure"
                .into(),
        ));
    }
    letter_sent(new, LetterKind::AppealDecision, input, done)?;
    done.text = if granted {
        optional_reason(input)?
    } else {
        Some(required_reason(input, "why the refusal is upheld")?)
    };
    let outcome = if granted {
        Outcome::Fulfilled
    } else {
        appeal.against
    };
    new.outcome = Some(outcome);
    new.appeal = Some(Appeal {
        decided_on: Some(today),
        granted: Some(granted),
        ..appeal
    });
    done.details.push(("outcome", json!(outcome)));
    done.details.push(("appeal_granted", json!(granted)));
    Ok(())
}

fn decide_item(
    new: &mut Case,
    action: Action,
    input: &ActionInput,
    done: &mut Record,
) -> Result<(), Error> {
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
    done.details.push(("item", json!(index + 1)));
    done.details.push(("item_outcome", json!(outcome)));
    Ok(())
}

fn close(new: &mut Case, input: &ActionInput, done: &mut Record) -> Result<(), Error> {
    let outcome = input.outcome.ok_or_else(|| {
        Error::invalid(
            "close needs an outcome: one of fulfilled, partially-fulfilled, denied, withdrawn",
        )
    })?;
    check_outcome(new, outcome)?;
    if matches!(outcome, Outcome::Fulfilled | Outcome::PartiallyFulfilled) {
        answer_sent(new, input, done)?;
    }
    new.outcome = Some(outcome);
    done.details.push(("outcome", json!(outcome)));
    if outcome == Outcome::Denied {
        let reason = required_reason(input, "the reason for the denial")?;
        let basis = input.denial_basis.unwrap_or(DenialBasis::Other);
        new.denial_basis = Some(basis);
        new.denial_reason = Some(reason.clone());
        done.details.push(("denial_basis", json!(basis)));
        done.text = Some(reason);
    } else {
        done.text = optional_reason(input)?;
    }
    Ok(())
}

/// Whether `case` may close with `outcome` as it stands (the input aside): a merge is its own
/// action, an account closure is fulfilled by its deletion, fulfilling needs the identity
/// settled, and a forum removal's outcome is what its items add up to.
pub(crate) fn check_outcome(case: &Case, outcome: Outcome) -> Result<(), Error> {
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
    let fulfils = matches!(outcome, Outcome::Fulfilled | Outcome::PartiallyFulfilled);
    if fulfils && !identity_settled(case) {
        return Err(Error::NotAllowed(IDENTITY_FIRST.into()));
    }
    check_items_fit(case, outcome)
}

/// A forum removal closes once every item is decided, with the outcome its items add up to.
fn check_items_fit(case: &Case, outcome: Outcome) -> Result<(), Error> {
    if case.kind != Kind::ForumRemoval || outcome == Outcome::Withdrawn || case.items.is_empty() {
        return Ok(());
    }
    let count = |o| case.items.iter().filter(|i| i.outcome == o).count();
    let (pending, removed, refused) = (
        count(ItemOutcome::Pending),
        count(ItemOutcome::Removed),
        count(ItemOutcome::Refused),
    );
    if pending > 0 {
        return Err(Error::NotAllowed(format!(
            "{pending} item(s) still pending: remove or refuse each item before closing"
        )));
    }
    let fits = match outcome {
        Outcome::Fulfilled => refused == 0,
        Outcome::PartiallyFulfilled => removed > 0 && refused > 0,
        Outcome::Denied => removed == 0,
        Outcome::Withdrawn | Outcome::Merged => true,
    };
    if !fits {
        return Err(Error::Invalid(format!(
            "outcome {} does not match the items ({removed} removed, {refused} refused)",
            outcome.cli_name()
        )));
    }
    Ok(())
}

fn merge(case: &Case, new: &mut Case, input: &ActionInput, done: &mut Record) -> Result<(), Error> {
    let into = input.into.clone().ok_or_else(|| {
        Error::invalid("merge needs the case to merge into (privacydesk case merge REF --into REF)")
    })?;
    if into == case.reference {
        return Err(Error::NotAllowed(
            "a case cannot be merged into itself".into(),
        ));
    }
    new.outcome = Some(Outcome::Merged);
    done.details.push(("outcome", json!(Outcome::Merged)));
    done.details.push(("into", json!(into)));
    done.text = optional_reason(input)?;
    done.effects.push(Effect::FoldInto {
        into,
        duplicate: Box::new(case.clone()),
    });
    Ok(())
}
