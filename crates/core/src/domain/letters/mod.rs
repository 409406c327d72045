//! Letters: which answer the policy promises for a case as it stands, and the rules a letter
//! must meet before it is marked sent. Filling a template is in [`fill`].

mod answers;
pub mod fill;

use serde::Serialize;

use crate::domain::spelling::spelled_enum;
use crate::domain::text;
use crate::{Error, Kind, LetterId};

pub use answers::{OfferedLetter, check, offered};
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
        /// The appeal arrived, and the date it will be decided by.
        AppealAcknowledgement = "appeal_acknowledgement",
        /// The appeal decided, with the reasons, and where to complain if it was denied.
        AppealDecision = "appeal_decision",
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
            LetterKind::AppealAcknowledgement => "Appeal received",
            LetterKind::AppealDecision => "Appeal decision",
        }
    }

    /// The letter that answers a request of `kind`: what the person is told when it is done.
    pub fn answering(kind: Kind) -> LetterKind {
        match kind {
            Kind::Access => LetterKind::AccessResponse,
            Kind::Correction => LetterKind::CorrectionDone,
            Kind::Erasure | Kind::Restriction | Kind::MarketingOptOut => LetterKind::Completion,
            Kind::ForumRemoval => LetterKind::RemovalAnswer,
            Kind::AccountClosure => LetterKind::AccountClosure,
            Kind::Inquiry => LetterKind::InquiryAnswer,
        }
    }

    /// Whether it goes to the customer rather than to the person.
    pub fn to_customer(self) -> bool {
        self == LetterKind::CustomerForwarding
    }
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
