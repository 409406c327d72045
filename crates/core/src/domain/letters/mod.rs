//! Letters: which answer the policy promises for a case as it stands, and the rules a letter
//! must meet before it is marked sent. Filling a template is in [`fill`].

pub mod fill;

use chrono::NaiveDate;
use serde::Serialize;

use crate::domain::spelling::spelled_enum;
use crate::domain::text;
use crate::{Case, Error, ItemOutcome, Kind, LetterId, Outcome, State};

pub use fill::{Authority, Company, Template};

/// The SHA-256 of a letter's text, as its `letter_sent` event records it.
pub fn letter_hash(body: &str) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(body.as_bytes()))
}

spelled_enum! {
    /// Which letter: one per answer the privacy policy promises, and the two requests for
    /// more from the person, and the forwarding to the customer.
    pub enum LetterKind ("letter") {
        /// Ask the requester (or a parent or guardian) to prove who they are.
        IdentityRequest = "identity_request",
        /// Ask the requester what exactly they want.
        ClarificationRequest = "clarification_request",
        /// The deadline is extended, and why; sent within the original period.
        ExtensionNotice = "extension_notice",
        /// Yes we hold data about you; here is a copy.
        AccessResponse = "access_response",
        /// Your data was corrected.
        CorrectionDone = "correction_done",
        /// Forum and blog items removed, or refused item by item with the reasons.
        RemovalAnswer = "removal_answer",
        /// The account is closed; the data is deleted on the purge date.
        AccountClosure = "account_closure",
        /// Erasure, restriction or marketing opt-out done.
        Completion = "completion",
        /// We will not do what you asked, why, and where to complain.
        Denial = "denial",
        /// The answer to a question or complaint.
        InquiryAnswer = "inquiry_answer",
        /// The request, sent to the customer (the controller) for a decision.
        CustomerForwarding = "customer_forwarding",
    }
}

impl LetterKind {
    /// Plain words for lists and menus.
    pub fn title(self) -> &'static str {
        match self {
            LetterKind::IdentityRequest => "Identity request",
            LetterKind::ClarificationRequest => "Request for clarification",
            LetterKind::ExtensionNotice => "Extension notice",
            LetterKind::AccessResponse => "Access: copy of the data",
            LetterKind::CorrectionDone => "Correction done",
            LetterKind::RemovalAnswer => "Blog/forum removal answer",
            LetterKind::AccountClosure => "Account closed, deletion date",
            LetterKind::Completion => "Request done",
            LetterKind::Denial => "Refusal, with complaint rights",
            LetterKind::InquiryAnswer => "Answer to a question",
            LetterKind::CustomerForwarding => "Forwarding to the customer",
        }
    }

    /// Whether it goes to the customer rather than to the person.
    pub fn to_customer(self) -> bool {
        self == LetterKind::CustomerForwarding
    }
}

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
    let refuse = |why: String| Err(Error::NotAllowed(why));
    let closed = case.state == State::Closed;
    let done = matches!(
        case.outcome,
        Some(Outcome::Fulfilled | Outcome::PartiallyFulfilled)
    );
    let worked = case.state == State::InProgress || (closed && done);
    let of_kind = |kinds: &[Kind], what: &str| {
        if kinds.contains(&case.kind) {
            Ok(())
        } else {
            Err(Error::NotAllowed(format!(
                "{what} answers {} cases, not {}",
                kinds
                    .iter()
                    .map(|k| k.cli_name())
                    .collect::<Vec<_>>()
                    .join(" or "),
                case.kind.cli_name()
            )))
        }
    };
    let worked_or = |why: &str| {
        if worked {
            Ok(())
        } else {
            refuse(why.to_string())
        }
    };
    if case.redacted_on.is_some() {
        return refuse("retention removed the requester's details from this case".into());
    }
    match kind {
        L::IdentityRequest => match case.state {
            State::New | State::VerifyingIdentity => Ok(()),
            _ => refuse("an identity request is sent while the case is new or verifying".into()),
        },
        L::ClarificationRequest => match case.state {
            State::Closed | State::DeletionScheduled => {
                refuse("the case is past the point of asking the person for more".into())
            }
            _ => Ok(()),
        },
        L::ExtensionNotice => {
            let deadline = case.deadline();
            match case.extension {
                None => refuse("extend the deadline first; the notice states the new date".into()),
                Some(_) if closed => refuse("the case is closed".into()),
                Some(_) if today > deadline.statutory_due_on => refuse(format!(
                    "an extension notice must be sent within the original period, which ended on {}",
                    deadline.statutory_due_on
                )),
                Some(_) => Ok(()),
            }
        }
        L::AccessResponse => {
            of_kind(&[Kind::Access], "the access response")?;
            worked_or("verify the requester's identity and work the case before answering")
        }
        L::CorrectionDone => {
            of_kind(&[Kind::Correction], "the correction letter")?;
            worked_or("work the case before confirming the correction")
        }
        L::Completion => {
            of_kind(
                &[Kind::Erasure, Kind::Restriction, Kind::MarketingOptOut],
                "this letter",
            )?;
            worked_or("work the case before confirming it is done")
        }
        L::InquiryAnswer => {
            of_kind(&[Kind::Inquiry], "this letter")?;
            if closed && case.outcome == Some(Outcome::Withdrawn) {
                refuse("the question was withdrawn".into())
            } else {
                Ok(())
            }
        }
        L::RemovalAnswer => {
            of_kind(&[Kind::ForumRemoval], "the removal answer")?;
            let pending = case
                .items
                .iter()
                .filter(|i| i.outcome == ItemOutcome::Pending)
                .count();
            match (case.items.len(), pending) {
                (0, _) => refuse("the case lists no items to answer for".into()),
                (_, 0) => Ok(()),
                (_, n) => refuse(format!(
                    "{n} item(s) still pending: remove or refuse each item first"
                )),
            }
        }
        L::AccountClosure => {
            of_kind(&[Kind::AccountClosure], "the closure letter")?;
            match case.purge_on {
                Some(_) => Ok(()),
                None => refuse("schedule the deletion first; the letter states its date".into()),
            }
        }
        L::Denial => match (case.state, case.outcome) {
            (State::Closed, Some(Outcome::Denied | Outcome::PartiallyFulfilled)) => Ok(()),
            (State::Closed, _) => refuse("the case was closed without a refusal".into()),
            (State::DeletionScheduled, _) => refuse("the deletion is already scheduled".into()),
            _ => Ok(()),
        },
        L::CustomerForwarding => match (&case.customer, case.state) {
            (None, _) => refuse("the case names no customer to forward it to".into()),
            (Some(_), State::Closed) => refuse("the case is closed".into()),
            (Some(_), _) => Ok(()),
        },
    }
}

/// The letters that answer `case` on `today`, in the order of [`LetterKind::ALL`].
pub fn offered(case: &Case, today: NaiveDate) -> Vec<OfferedLetter> {
    LetterKind::ALL
        .iter()
        .copied()
        .filter(|&kind| check(case, kind, today).is_ok())
        .map(OfferedLetter::from)
        .collect()
}

/// Opens a blank the agent must fill before the letter is sent: `[[what goes here]]`.
pub const BLANK_OPEN: &str = "[[";
/// Closes a blank.
pub const BLANK_CLOSE: &str = "]]";

/// The first blank left in `body`, if any, as written.
pub fn first_blank(body: &str) -> Option<&str> {
    let start = body.find(BLANK_OPEN)?;
    let end = body[start..].find(BLANK_CLOSE)? + start + BLANK_CLOSE.len();
    Some(&body[start..end])
}

/// Checks a letter's text before it is saved (`sending`: before it is marked sent, when no
/// blank may be left).
pub fn validate_body(body: &str, sending: bool) -> Result<String, Error> {
    let body = text::free_text("the letter", body, true)?;
    if sending && let Some(blank) = first_blank(&body) {
        return Err(Error::Invalid(format!(
            "the letter still has a blank to fill: {}",
            crate::domain::spelling::shorten(blank)
        )));
    }
    Ok(body)
}

/// A letter on a case: a draft being edited, or one kept exactly as sent.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Letter {
    /// Its number on the case's letters.
    pub id: LetterId,
    /// Which letter.
    pub kind: LetterKind,
    /// Its name in plain words.
    pub title: &'static str,
    /// The text (empty once retention redacted it).
    pub body: String,
    /// Who saved or sent it.
    pub author: String,
    /// When it was last saved (RFC 3339).
    pub saved_at: String,
    /// When it was marked sent; `None` for a draft.
    pub sent_at: Option<String>,
}

/// What the agent edits: a saved draft, or the template filled from the case.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct LetterDraft {
    /// Which letter.
    pub kind: LetterKind,
    /// Its name in plain words.
    pub title: &'static str,
    /// The text to edit.
    pub body: String,
    /// True when this is a saved draft, false when freshly filled from the template.
    pub saved: bool,
    /// The blanks still to fill, in order.
    pub blanks: Vec<String>,
    /// The template file it was filled from; `None` for the built-in one (or a saved draft).
    pub template_file: Option<String>,
    /// Where the company's templates go, to change this one.
    pub templates_folder: Option<String>,
}

impl LetterDraft {
    pub(crate) fn new(kind: LetterKind, body: String, saved: bool) -> Self {
        let mut blanks = Vec::new();
        let mut rest = body.as_str();
        while let Some(blank) = first_blank(rest) {
            blanks.push(blank.to_string());
            let after = rest.find(blank).unwrap_or(0) + blank.len();
            rest = &rest[after..];
        }
        LetterDraft {
            kind,
            title: kind.title(),
            body,
            saved,
            blanks,
            template_file: None,
            templates_folder: None,
        }
    }
}

#[cfg(test)]
pub(crate) mod tests;
