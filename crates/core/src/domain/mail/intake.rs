//! A message that arrived in the privacy mailbox, as the desk keeps it: filed on the case it
//! answers, or waiting in the intake queue until an agent opens a case from it, merges it into
//! an open case or marks it as spam.
//!
//! Every message is kept once (by its Message-ID), with its original bytes as evidence; what
//! the desk read from it (sender, subject, text, the files attached) is what agents work from.

use chrono::NaiveDate;
use serde::Serialize;

use crate::domain::case::Case;
use crate::domain::ids::{CaseId, IntakeId, Reference};
use crate::domain::spelling::spelled_enum;
use crate::domain::text::{Email, MAX_TEXT_CHARS};
use crate::domain::workflow::Action;
use crate::{Kind, NewCase};

/// The largest message the desk keeps (its original, as the server gave it). Mail servers
/// refuse larger ones long before: Gmail's limit is 25 MB of attachments, which base64 makes
/// about 34 MB on the wire.
pub const MAX_MESSAGE_BYTES: usize = 50_000_000;

spelled_enum! {
    /// Where a message that arrived stands.
    pub enum IntakeState ("intake state") {
        /// In the intake queue, waiting for an agent.
        New = "new",
        /// Kept on a case: a reply to one of its letters, or merged into it by an agent.
        OnCase = "on_case",
        /// A new case was logged from it.
        CaseOpened = "case_opened",
        /// An agent marked it as spam.
        Spam = "spam",
    }
}

spelled_enum! {
    /// Who sent a message kept on a case, as the case knows them.
    pub enum Sender ("sender") {
        /// The address the case's requester wrote from.
        Requester = "requester",
        /// The contact of the case's customer.
        Customer = "customer",
        /// Someone else (a reply to the desk's letter, from an address the case does not know).
        Other = "other",
    }
}

/// A file attached to a message, as the message describes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct AttachedFile {
    /// Its name as the sender gave it, if any.
    pub name: Option<String>,
    /// Its type (`application/pdf`), as the sender declared it.
    pub content_type: String,
    /// Bytes, decoded.
    pub size: u64,
}

/// What the mail layer read from a message, before it is kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReceivedMail {
    /// The message's own Message-ID, or one made from its SHA-256 when it has none, so that
    /// the same bytes are still imported once.
    pub message_id: String,
    /// The sender's address, when the message has one that is an address.
    pub from: Option<Email>,
    /// The sender's name as the message gives it.
    pub from_name: Option<String>,
    pub subject: String,
    /// The `In-Reply-To` and `References` headers, as one text.
    pub thread: String,
    /// When the message reached the mailbox (RFC 3339, UTC): the server's arrival time, else
    /// the newest `Received` header, else the `Date` header; `None` when none is readable.
    pub arrived_at: Option<String>,
    /// The text of the message (an HTML-only message as its text, scripts and styles dropped),
    /// at most [`MAX_TEXT_CHARS`] characters.
    pub text: String,
    pub attachments: Vec<AttachedFile>,
    /// What was wrong with the message, in plain words; it was kept all the same.
    pub problems: Vec<String>,
    /// The original's size and SHA-256.
    pub size: u64,
    pub sha256: String,
}

/// A message kept by the desk, as the intake queue and a case show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct IntakeItem {
    pub id: IntakeId,
    pub message_id: String,
    pub from: Option<String>,
    pub from_name: Option<String>,
    pub subject: String,
    pub text: String,
    pub attachments: Vec<AttachedFile>,
    pub problems: Vec<String>,
    /// When it reached the mailbox (RFC 3339); when it was imported, if that is unknown.
    pub arrived_at: String,
    pub imported_at: String,
    pub imported_by: String,
    pub state: IntakeState,
    /// The case it is kept on or was opened as.
    #[serde(skip)]
    pub case_id: Option<CaseId>,
    pub case: Option<Reference>,
    /// Who sent it, as its case knows them.
    pub sender: Option<Sender>,
    /// A case its subject names whose addresses did not send it (a suggestion to merge).
    pub names_case: Option<Reference>,
    pub decided_by: Option<String>,
    pub decided_at: Option<String>,
    pub size: u64,
    pub sha256: String,
}

/// A message about to be kept.
#[derive(Debug, Clone, Copy)]
pub struct NewIntakeItem<'a> {
    pub mail: &'a ReceivedMail,
    /// The original bytes.
    pub original: &'a [u8],
    pub arrived_at: &'a str,
    pub at: &'a str,
    pub by: &'a str,
    pub filing: &'a Filing,
}

/// An agent's decision on a message in the queue: it moves from `new` to `to` only if no one
/// decided on it meanwhile.
#[derive(Debug, Clone, Copy)]
pub struct IntakeDecision<'a> {
    pub id: IntakeId,
    pub to: IntakeState,
    /// The case it is merged into or was opened as.
    pub case: Option<CaseId>,
    pub sender: Option<Sender>,
    pub at: &'a str,
    pub by: &'a str,
}

/// A kept message with its original, as a copy of the desk carries it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeptMail {
    pub item: IntakeItem,
    /// The original bytes, unless retention removed them.
    pub original: Option<Vec<u8>>,
}

/// Where a message that arrived is kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Filing {
    /// On this case, as a message from `sender`.
    OnCase {
        case: CaseId,
        reference: Reference,
        sender: Sender,
    },
    /// In the intake queue; its subject may name a case it could be merged into.
    Queue { names_case: Option<Reference> },
}

/// The case a message may belong to, as the desk found it.
#[derive(Debug, Clone, Copy)]
pub struct Candidate<'a> {
    pub case: &'a Case,
    /// Found through the desk's own Message-ID in `In-Reply-To`/`References`, of a message the
    /// desk sent (so the sender answered one of the case's letters); otherwise through the
    /// reference in the subject, which anyone can write.
    pub by_thread: bool,
    /// The contact of the case's customer, if set.
    pub customer_contact: Option<&'a str>,
}

/// Where a message goes. A reply to one of the desk's own messages is kept on its case,
/// whoever sent it. A subject naming a case is not enough by itself, since anyone can type a
/// reference: the message goes on the case only when the case's requester or customer sent
/// it, and otherwise waits in the queue with the case suggested.
pub fn filing(from: Option<&Email>, candidate: Option<Candidate<'_>>) -> Filing {
    let Some(candidate) = candidate else {
        return Filing::Queue { names_case: None };
    };
    let case = candidate.case;
    let sender = sender_of(from, case, candidate.customer_contact);
    if candidate.by_thread || sender != Sender::Other {
        Filing::OnCase {
            case: case.id,
            reference: case.reference.clone(),
            sender,
        }
    } else {
        Filing::Queue {
            names_case: Some(case.reference.clone()),
        }
    }
}

/// Who `from` is on `case`: its requester, its customer's contact, or someone else.
pub fn sender_of(from: Option<&Email>, case: &Case, customer_contact: Option<&str>) -> Sender {
    let Some(from) = from else {
        return Sender::Other;
    };
    let same = |other: &str| other.trim().eq_ignore_ascii_case(from.as_str());
    if same(case.requester.email.as_str()) {
        Sender::Requester
    } else if customer_contact.is_some_and(same) {
        Sender::Customer
    } else {
        Sender::Other
    }
}

/// The action a message from `sender` suggests on a case that allows `allowed`: the
/// requester's or the customer's reply recorded. Only ever offered; an agent decides.
pub fn offered_action(sender: Sender, allowed: &[Action]) -> Option<Action> {
    let action = match sender {
        Sender::Requester => Action::RequesterReplied,
        Sender::Customer => Action::CustomerReplied,
        Sender::Other => return None,
    };
    allowed.contains(&action).then_some(action)
}

/// Words that suggest what a person asks for, strongest first: the first kind whose word
/// appears in the subject or the text is the guess. A guess is only a suggestion; the agent
/// chooses the kind.
const KIND_WORDS: &[(Kind, &[&str])] = &[
    (
        Kind::MarketingOptOut,
        &[
            "unsubscribe",
            "opt out",
            "opt-out",
            "marketing",
            "newsletter",
        ],
    ),
    (
        Kind::AccountClosure,
        &[
            "close my account",
            "delete my account",
            "cancel my account",
            "account closure",
        ],
    ),
    (Kind::ForumRemoval, &["forum", "blog", "my post", "comment"]),
    (
        Kind::Erasure,
        &[
            "erase",
            "erasure",
            "delete",
            "deletion",
            "remove my",
            "forget",
        ],
    ),
    (
        Kind::Correction,
        &["correct", "rectif", "wrong", "update my", "inaccurate"],
    ),
    (
        Kind::Restriction,
        &[
            "stop using",
            "stop processing",
            "restrict",
            "object to",
            "objection",
        ],
    ),
    (
        Kind::Access,
        &[
            "copy of",
            "access",
            "what data",
            "which data",
            "subject access",
            "dsar",
        ],
    ),
];

/// The kind a message probably asks for, from its subject and text; `None` when no word
/// suggests one.
pub fn guess_kind(subject: &str, text: &str) -> Option<Kind> {
    let haystack = format!("{subject}\n{text}").to_lowercase();
    KIND_WORDS
        .iter()
        .find(|(_, words)| words.iter().any(|w| haystack.contains(w)))
        .map(|(kind, _)| *kind)
}

/// The new-case form filled from a message, for an agent to check: the sender as the
/// requester, the day it arrived as the day of receipt, the subject and text as what the
/// person wrote, and the guessed kind (or `inquiry`). `received_on` is the day it arrived on
/// the desk's calendar.
pub fn case_form(item: &IntakeItem, received_on: NaiveDate) -> NewCase {
    let kind = guess_kind(&item.subject, &item.text).unwrap_or(Kind::Inquiry);
    let email = item.from.clone().unwrap_or_default();
    let name = item
        .from_name
        .clone()
        .filter(|n| !n.trim().is_empty())
        .unwrap_or_else(|| email.split('@').next().unwrap_or_default().to_string());
    let details = details_of(&item.subject, &item.text);
    NewCase {
        kind: kind.as_str().to_string(),
        name,
        email,
        received: Some(received_on.to_string()),
        channel: Some("email".to_string()),
        details: Some(details),
        ..NewCase::default()
    }
}

/// The subject and text as one value for a case's details, within the limit of free text.
pub fn details_of(subject: &str, text: &str) -> String {
    let joined = match (subject.trim(), text.trim()) {
        ("", text) => text.to_string(),
        (subject, "") => subject.to_string(),
        (subject, text) => format!("{subject}\n\n{text}"),
    };
    clip(&joined, MAX_TEXT_CHARS)
}

/// `text` cut at `limit` characters, the cut said in its last line.
pub fn clip(text: &str, limit: usize) -> String {
    const CUT: &str = "\n[… cut here: the rest is in the original message]";
    if text.chars().count() <= limit {
        return text.to_string();
    }
    let keep = limit.saturating_sub(CUT.chars().count());
    let mut clipped: String = text.chars().take(keep).collect();
    clipped.push_str(CUT);
    clipped
}

/// A note's text for a message kept on a case: who wrote, when it arrived, the subject, the
/// text.
pub fn note_text(
    from: Option<&str>,
    from_name: Option<&str>,
    arrived_at: &str,
    subject: &str,
    text: &str,
) -> String {
    let from = match (from_name, from) {
        (Some(name), Some(address)) => format!("{name} <{address}>"),
        (None, Some(address)) => address.to_string(),
        (Some(name), None) => name.to_string(),
        (None, None) => "an unknown sender".to_string(),
    };
    let head = format!("Email from {from}, arrived {arrived_at}\nSubject: {subject}");
    clip(&format!("{head}\n\n{}", text.trim()), MAX_TEXT_CHARS)
}

/// A message's list of files or problems as stored: JSON, which for these plain strings and
/// numbers cannot fail to write.
pub fn json_list<T: Serialize>(list: &[T]) -> String {
    serde_json::to_string(list).unwrap_or_else(|_| "[]".to_string())
}

/// Text as it may be kept: control characters other than line breaks and tabs become spaces
/// (a NUL or an escape sequence in a message must not reach a terminal or a note).
pub fn printable(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_control() && !matches!(c, '\n' | '\r' | '\t') {
                ' '
            } else {
                c
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::case::Requester;
    use crate::domain::new_case::ValidNewCase;
    use crate::{Channel, Jurisdiction};
    use chrono::NaiveDate;

    fn case() -> Case {
        let valid = ValidNewCase {
            kind: Kind::Access,
            requester: Requester {
                name: "Ann Smith".into(),
                email: email("ann@example.com"),
                phone: None,
                is_minor: false,
            },
            received_on: NaiveDate::from_ymd_opt(2026, 3, 2).unwrap_or_default(),
            jurisdiction: Jurisdiction::DEFAULT,
            customer: Some("Acme".into()),
            channel: Channel::Email,
            details: String::new(),
            items: Vec::new(),
            authorized_agent: None,
            calendar: None,
        };
        Case {
            id: CaseId(7),
            ..Case::opened(Reference::new(2026, 7), valid)
        }
    }

    fn email(text: &str) -> Email {
        Email::parse(text).expect("an address")
    }

    #[test]
    fn a_reply_to_the_desk_s_own_message_goes_on_its_case_whoever_sent_it() {
        let case = case();
        for (from, sender) in [
            ("ann@example.com", Sender::Requester),
            ("ANN@Example.com", Sender::Requester),
            ("legal@customer.example", Sender::Customer),
            ("someone@else.example", Sender::Other),
        ] {
            let candidate = Candidate {
                case: &case,
                by_thread: true,
                customer_contact: Some("legal@customer.example"),
            };
            assert_eq!(
                filing(Some(&email(from)), Some(candidate)),
                Filing::OnCase {
                    case: case.id,
                    reference: case.reference.clone(),
                    sender
                },
                "{from}"
            );
        }
    }

    #[test]
    fn a_subject_naming_a_case_is_not_enough_from_a_stranger() {
        let case = case();
        let candidate = Candidate {
            case: &case,
            by_thread: false,
            customer_contact: None,
        };
        assert_eq!(
            filing(Some(&email("ann@example.com")), Some(candidate)),
            Filing::OnCase {
                case: case.id,
                reference: case.reference.clone(),
                sender: Sender::Requester
            }
        );
        for from in [Some(email("mallory@example.net")), None] {
            assert_eq!(
                filing(from.as_ref(), Some(candidate)),
                Filing::Queue {
                    names_case: Some(case.reference.clone())
                }
            );
        }
        assert_eq!(
            filing(Some(&email("ann@example.com")), None),
            Filing::Queue { names_case: None }
        );
    }

    #[test]
    fn a_reply_is_offered_as_the_action_the_case_allows_never_another() {
        let allowed = [Action::RequesterReplied, Action::Close];
        assert_eq!(
            offered_action(Sender::Requester, &allowed),
            Some(Action::RequesterReplied)
        );
        assert_eq!(offered_action(Sender::Customer, &allowed), None);
        assert_eq!(offered_action(Sender::Other, &allowed), None);
        assert_eq!(
            offered_action(Sender::Customer, &[Action::CustomerReplied]),
            Some(Action::CustomerReplied)
        );
    }

    #[test]
    fn the_kind_is_guessed_from_the_words_and_only_when_they_say_it() {
        for (subject, text, kind) in [
            ("Unsubscribe", "", Some(Kind::MarketingOptOut)),
            (
                "",
                "Please close my account and delete everything",
                Some(Kind::AccountClosure),
            ),
            ("Data deletion request", "", Some(Kind::Erasure)),
            (
                "GDPR",
                "I want a copy of my personal data",
                Some(Kind::Access),
            ),
            ("My address is wrong", "", Some(Kind::Correction)),
            (
                "",
                "Remove my comment from your forum",
                Some(Kind::ForumRemoval),
            ),
            (
                "",
                "Stop using my data for analytics",
                Some(Kind::Restriction),
            ),
            ("Hello", "Just a question about your company", None),
        ] {
            assert_eq!(guess_kind(subject, text), kind, "{subject} / {text}");
        }
    }

    #[test]
    fn the_form_is_filled_from_the_message_for_an_agent_to_check() {
        let item = IntakeItem {
            id: IntakeId(1),
            message_id: "<a@b>".into(),
            from: Some("ann@example.com".into()),
            from_name: None,
            subject: "Delete my data".into(),
            text: "Thanks".into(),
            attachments: vec![],
            problems: vec![],
            arrived_at: "2026-11-30T23:10:00Z".into(),
            imported_at: "2026-12-01T08:00:00Z".into(),
            imported_by: "agent".into(),
            state: IntakeState::New,
            case_id: None,
            case: None,
            sender: None,
            names_case: None,
            decided_by: None,
            decided_at: None,
            size: 10,
            sha256: "00".into(),
        };
        let form = case_form(
            &item,
            NaiveDate::from_ymd_opt(2026, 11, 30).unwrap_or_default(),
        );
        assert_eq!(form.kind, "erasure");
        assert_eq!(form.name, "ann");
        assert_eq!(form.email, "ann@example.com");
        assert_eq!(form.received.as_deref(), Some("2026-11-30"));
        assert_eq!(form.details.as_deref(), Some("Delete my data\n\nThanks"));
        assert_eq!(form.channel.as_deref(), Some("email"));
    }

    #[test]
    fn long_text_is_cut_with_the_cut_said_and_control_characters_are_blanked() {
        let long = "x".repeat(MAX_TEXT_CHARS + 10);
        let clipped = clip(&long, MAX_TEXT_CHARS);
        assert_eq!(clipped.chars().count(), MAX_TEXT_CHARS);
        assert!(clipped.ends_with("the rest is in the original message]"));
        assert_eq!(clip("short", 10), "short");
        assert_eq!(printable("a\u{1b}[31mb\0c\r\n\td"), "a [31mb c\r\n\td");
    }
}
