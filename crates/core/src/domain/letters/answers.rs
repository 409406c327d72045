//! Which letters answer a case as it stands: like the workflow's allowed actions, each letter
//! has its check, and a case is offered those whose check passes.

use chrono::NaiveDate;
use serde::Serialize;

use super::LetterKind;
use crate::{Case, Error, ItemOutcome, Kind, Outcome, State};

/// A letter kind with what an adapter shows for it.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct OfferedLetter {
    /// Which letter.
    pub kind: LetterKind,
    /// Its name in plain words.
    pub title: &'static str,
}

impl From<LetterKind> for OfferedLetter {
    fn from(kind: LetterKind) -> Self {
        OfferedLetter {
            kind,
            title: kind.title(),
        }
    }
}

/// Whether `kind` answers `case` as it stands on `today`; `Err` says why not.
pub fn check(case: &Case, kind: LetterKind, today: NaiveDate) -> Result<(), Error> {
    use LetterKind as L;
    if case.redacted_on.is_some() {
        return refuse("retention removed the requester's details from this case");
    }
    match kind {
        L::IdentityRequest => match case.state {
            State::New | State::VerifyingIdentity => Ok(()),
            _ => refuse("an identity request is sent while the case is new or verifying"),
        },
        L::ClarificationRequest => match case.state {
            State::Closed | State::DeletionScheduled => {
                refuse("the case is past the point of asking the person for more")
            }
            _ => Ok(()),
        },
        L::ExtensionNotice => extension_notice(case, today),
        L::AccessResponse => answer(
            case,
            &[Kind::Access],
            "the access response",
            "verify the requester's identity and work the case before answering",
        ),
        L::CorrectionDone => answer(
            case,
            &[Kind::Correction],
            "the correction letter",
            "work the case before confirming the correction",
        ),
        L::Completion => answer(
            case,
            &[Kind::Erasure, Kind::Restriction, Kind::MarketingOptOut],
            "this letter",
            "work the case before confirming it is done",
        ),
        L::InquiryAnswer => inquiry_answer(case),
        L::RemovalAnswer => removal_answer(case),
        L::AccountClosure => {
            of_kind(case, &[Kind::AccountClosure], "the closure letter")?;
            match case.purge_on {
                Some(_) => Ok(()),
                None => refuse("schedule the deletion first; the letter states its date"),
            }
        }
        L::AppealAcknowledgement | L::AppealDecision => appeal_letter(case, kind),
        L::Denial if case.appeal.is_some() => {
            refuse("an appeal is answered by the appeal decision letter")
        }
        L::Denial => match (case.state, case.outcome) {
            (State::Closed, Some(Outcome::Denied | Outcome::PartiallyFulfilled)) => Ok(()),
            (State::Closed, _) => refuse("the case was closed without a refusal"),
            (State::DeletionScheduled, _) => refuse("the deletion is already scheduled"),
            _ => Ok(()),
        },
        L::CustomerForwarding => match (&case.customer, case.state) {
            (None, _) => refuse("the case names no customer to forward it to"),
            (Some(_), State::Closed) => refuse("the case is closed"),
            (Some(_), _) => Ok(()),
        },
    }
}

fn refuse(why: impl Into<String>) -> Result<(), Error> {
    Err(Error::NotAllowed(why.into()))
}

/// Refuses a letter that answers other kinds of request.
fn of_kind(case: &Case, kinds: &[Kind], what: &str) -> Result<(), Error> {
    if kinds.contains(&case.kind) {
        return Ok(());
    }
    refuse(format!(
        "{what} answers {} cases, not {}",
        kinds
            .iter()
            .map(|k| k.cli_name())
            .collect::<Vec<_>>()
            .join(" or "),
        case.kind.cli_name()
    ))
}

/// The answer to a request of `kinds`, once the case is worked (in progress, or closed as
/// fulfilled in whole or in part).
fn answer(case: &Case, kinds: &[Kind], what: &str, unworked: &str) -> Result<(), Error> {
    of_kind(case, kinds, what)?;
    let done = matches!(
        case.outcome,
        Some(Outcome::Fulfilled | Outcome::PartiallyFulfilled)
    );
    let worked = case.state == State::InProgress || (case.state == State::Closed && done);
    if worked { Ok(()) } else { refuse(unworked) }
}

/// The extension notice states the new date, so it follows the extension, within the
/// original period.
fn extension_notice(case: &Case, today: NaiveDate) -> Result<(), Error> {
    let deadline = case.deadline();
    match case.current_extension() {
        None => refuse("extend the deadline first; the notice states the new date"),
        Some(_) if case.state == State::Closed => refuse("the case is closed"),
        Some(_) if today > deadline.statutory_due_on => refuse(format!(
            "an extension notice must be sent within the original period, which ended on {}",
            deadline.statutory_due_on
        )),
        Some(_) => Ok(()),
    }
}

/// The appeal's letters follow the appeal: its acknowledgement while it is open, its
/// decision while it is open and after.
fn appeal_letter(case: &Case, kind: LetterKind) -> Result<(), Error> {
    let decided = case.appeal.as_ref().is_some_and(|a| a.decided_on.is_some());
    match (case.state, kind) {
        (State::InAppeal, _) => Ok(()),
        (State::Closed, LetterKind::AppealDecision) if decided => Ok(()),
        _ => refuse("the case has no open appeal"),
    }
}

/// A question is answered unless it was withdrawn.
fn inquiry_answer(case: &Case) -> Result<(), Error> {
    of_kind(case, &[Kind::Inquiry], "this letter")?;
    if case.state == State::Closed && case.outcome == Some(Outcome::Withdrawn) {
        refuse("the question was withdrawn")
    } else {
        Ok(())
    }
}

/// The removal answer speaks for every item, so each must be decided.
fn removal_answer(case: &Case) -> Result<(), Error> {
    of_kind(case, &[Kind::ForumRemoval], "the removal answer")?;
    let pending = case
        .items
        .iter()
        .filter(|i| i.outcome == ItemOutcome::Pending)
        .count();
    match (case.items.len(), pending) {
        (0, _) => refuse("the case lists no items to answer for"),
        (_, 0) => Ok(()),
        (_, n) => refuse(format!(
            "{n} item(s) still pending: remove or refuse each item first"
        )),
    }
}

/// The letters that answer `case` on `today`, in the order of [`LetterKind::ALL`]; once the
/// case is closed, not those already sent (they can still be written on purpose through
/// [`check`], which allows them).
pub fn offered(case: &Case, today: NaiveDate) -> Vec<OfferedLetter> {
    let closed = case.state == State::Closed;
    LetterKind::ALL
        .iter()
        .copied()
        .filter(|kind| !(closed && case.sent_letters.contains(kind)))
        .filter(|&kind| check(case, kind, today).is_ok())
        .map(OfferedLetter::from)
        .collect()
}
