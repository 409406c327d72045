//! Which letters answer which case, blanks, and every default template filled from real cases.

use chrono::NaiveDate;

use super::fill::Template;
use super::*;
use crate::domain::deadline::Extension;
use crate::domain::new_case::NewCase;
use crate::{Case, ItemOutcome, Reference, State};

pub(crate) fn day(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap_or_default()
}

fn case(kind: &str, jurisdiction: &str) -> Case {
    let form = NewCase {
        kind: kind.into(),
        name: "Ana Ruiz".into(),
        email: "ana@example.com".into(),
        received: Some("2026-06-01".into()),
        jurisdiction: Some(jurisdiction.into()),
        customer: Some("Acme Ltd".into()),
        details: Some("Please act on my request.".into()),
        items: if kind == "forum-removal" {
            vec![
                "https://forum.example.com/t/1".into(),
                "https://blog.example.com/p/2".into(),
            ]
        } else {
            Vec::new()
        },
        ..NewCase::default()
    };
    let valid = form
        .validate(day("2026-06-02"))
        .unwrap_or_else(|e| panic!("{e}"));
    Case::opened(Reference::new(2026, 1), valid)
}

fn kinds(case: &Case, today: &str) -> Vec<LetterKind> {
    offered(case, day(today))
        .into_iter()
        .map(|o| o.kind)
        .collect()
}

#[test]
fn a_new_case_is_offered_the_requests_for_more_and_the_forwarding() {
    let access = case("access", "gdpr");
    assert_eq!(
        kinds(&access, "2026-06-02"),
        [
            LetterKind::IdentityRequest,
            LetterKind::ClarificationRequest,
            LetterKind::Denial,
            LetterKind::CustomerForwarding
        ]
    );
    let refused = check(&access, LetterKind::AccessResponse, day("2026-06-02"))
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(
        refused.contains("verify the requester's identity"),
        "{refused}"
    );
}

#[test]
fn the_answer_letter_follows_the_kind_of_request() {
    for (kind, letter) in [
        ("access", LetterKind::AccessResponse),
        ("correction", LetterKind::CorrectionDone),
        ("erasure", LetterKind::Completion),
        ("restriction", LetterKind::Completion),
        ("marketing-opt-out", LetterKind::Completion),
        ("inquiry", LetterKind::InquiryAnswer),
    ] {
        let mut case = case(kind, "gdpr");
        case.state = State::InProgress;
        assert!(kinds(&case, "2026-06-02").contains(&letter), "{kind}");
        let others = [
            LetterKind::AccessResponse,
            LetterKind::CorrectionDone,
            LetterKind::Completion,
            LetterKind::InquiryAnswer,
            LetterKind::RemovalAnswer,
            LetterKind::AccountClosure,
        ];
        for other in others.iter().filter(|&&o| o != letter) {
            assert!(
                !kinds(&case, "2026-06-02").contains(other),
                "{kind}: {other}"
            );
        }
    }
}

#[test]
fn the_removal_answer_waits_for_every_item() {
    let mut case = case("forum-removal", "gdpr");
    case.state = State::InProgress;
    case.items[0].outcome = ItemOutcome::Removed;
    let why = check(&case, LetterKind::RemovalAnswer, day("2026-06-02"))
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(why.contains("1 item(s) still pending"), "{why}");
    case.items[1].outcome = ItemOutcome::Refused;
    case.items[1].reason = Some("it is quoted in another member's reply".into());
    assert!(check(&case, LetterKind::RemovalAnswer, day("2026-06-02")).is_ok());
}

#[test]
fn an_extension_notice_is_only_offered_within_the_original_period() {
    let mut case = case("access", "gdpr");
    case.state = State::InProgress;
    assert!(check(&case, LetterKind::ExtensionNotice, day("2026-06-10")).is_err());
    case.extension = Some(Extension {
        until: day("2026-08-31"),
        granted_on: day("2026-06-10"),
    });
    case.extension_reason = Some("the data is spread over several systems".into());
    assert!(check(&case, LetterKind::ExtensionNotice, day("2026-07-01")).is_ok());
    let late = check(&case, LetterKind::ExtensionNotice, day("2026-07-02"))
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(
        late.contains("within the original period, which ended on 2026-07-01"),
        "{late}"
    );
}

#[test]
fn a_redacted_case_gets_no_letters() {
    let mut case = case("access", "gdpr");
    case.redacted_on = Some(day("2028-07-01"));
    assert!(kinds(&case, "2028-07-01").is_empty());
}

#[test]
fn blanks_are_found_and_block_sending() {
    assert_eq!(
        first_blank("a [[the reason]] b [[c]]"),
        Some("[[the reason]]")
    );
    assert_eq!(first_blank("no blank [[ unclosed"), None);
    assert!(validate_body("Dear X,\n[[answer]]", false).is_ok());
    let why = validate_body("Dear X,\n[[answer]]", true)
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(why.contains("blank to fill: [[answer]]"), "{why}");
    assert!(validate_body("   ", true).is_err());
    assert!(validate_body("bad \u{0} byte", true).is_err());
    let draft = LetterDraft::new(LetterKind::Denial, "[[a]] x [[b]] [[a]]".into(), false);
    assert_eq!(draft.blanks, ["[[a]]", "[[b]]", "[[a]]"]);
}

/// A case in the state each default template is written for.
pub(crate) fn ready_for(letter: LetterKind) -> Case {
    let kind = match letter {
        LetterKind::AccessResponse => "access",
        LetterKind::CorrectionDone => "correction",
        LetterKind::RemovalAnswer => "forum-removal",
        LetterKind::AccountClosure => "account-closure",
        LetterKind::Completion => "erasure",
        LetterKind::InquiryAnswer => "inquiry",
        _ => "access",
    };
    let mut case = case(kind, "uk-gdpr");
    case.requester.is_minor = true;
    case.state = match letter {
        LetterKind::IdentityRequest => State::VerifyingIdentity,
        LetterKind::AccountClosure => State::DeletionScheduled,
        LetterKind::AppealAcknowledgement | LetterKind::AppealDecision => State::InAppeal,
        _ => State::InProgress,
    };
    if case.state == State::InAppeal {
        case.closed_on = Some(day("2026-06-10"));
        case.appeal = Some(crate::domain::case::Appeal {
            received_on: day("2026-06-20"),
            due_on: day("2026-08-19"),
            extension: None,
            against: crate::Outcome::Denied,
            decided_on: None,
            granted: None,
        });
    }
    case.purge_on = Some(day("2026-07-02"));
    case.extension = Some(Extension {
        until: day("2026-09-01"),
        granted_on: day("2026-06-02"),
    });
    case.extension_reason = Some("the data is held in three systems".into());
    case.denial_reason = Some("the data is needed to defend a legal claim".into());
    if let [first, second] = case.items.as_mut_slice() {
        first.outcome = ItemOutcome::Removed;
        second.outcome = ItemOutcome::Refused;
        second.reason = Some("another member's reply quotes it".into());
    }
    case
}

/// Fills the built-in template of `kind` with the built-in company settings.
fn fill_built_in(kind: LetterKind, case: &Case, today: NaiveDate) -> Result<String, Error> {
    Template::built_in(kind).fill(case, &Company::default_settings(), None, today)
}

#[test]
fn every_default_template_fills_from_its_case() {
    for &kind in LetterKind::ALL {
        let case = ready_for(kind);
        check(&case, kind, day("2026-06-02")).unwrap_or_else(|e| panic!("{kind}: {e}"));
        let text =
            fill_built_in(kind, &case, day("2026-06-02")).unwrap_or_else(|e| panic!("{kind}: {e}"));
        assert!(text.starts_with("To: "), "{kind}: {text}");
        assert!(text.contains("\nSubject: "), "{kind}");
        assert!(text.contains("PR-2026-00001"), "{kind}");
        assert!(
            !text.contains("{{") && !text.contains("{%"),
            "{kind}: {text}"
        );
        assert!(
            !text.contains("\n\n\n"),
            "{kind} has a double blank line:\n{text}"
        );
        let to = if kind.to_customer() {
            "To: Acme Ltd"
        } else {
            "To: Ana Ruiz <ana@example.com>"
        };
        assert!(text.starts_with(to), "{kind}: {text}");
    }
}

#[test]
fn the_letters_say_what_the_case_says() {
    let fill = |kind| {
        fill_built_in(kind, &ready_for(kind), day("2026-06-02")).unwrap_or_else(|e| panic!("{e}"))
    };
    let removal = fill(LetterKind::RemovalAnswer);
    assert!(removal.contains("We have removed it from:\n  - https://forum.example.com/t/1\n"));
    assert!(
        removal.contains(
            "  - https://blog.example.com/p/2\n    Why: another member's reply quotes it\n"
        )
    );
    assert!(removal.contains("the Information Commissioner's Office (ICO)"));
    let closure = fill(LetterKind::AccountClosure);
    assert!(closure.contains("deleted on 2 July 2026"), "{closure}");
    let extension = fill(LetterKind::ExtensionNotice);
    assert!(
        extension.contains("UK GDPR gives us until 1 July 2026 to answer"),
        "{extension}"
    );
    assert!(extension.contains("because the data is held in three systems."));
    assert!(extension.contains("by 1 September 2026"));
    let identity = fill(LetterKind::IdentityRequest);
    assert!(identity.contains("parent or legal guardian"), "{identity}");
    assert!(
        identity.contains("does not run while we wait"),
        "{identity}"
    );
    let denial = fill(LetterKind::Denial);
    assert!(denial.contains("because the data is needed to defend a legal claim."));
    let forwarding = fill(LetterKind::CustomerForwarding);
    assert!(
        forwarding.contains("(concerns someone under 18)"),
        "{forwarding}"
    );
    assert!(forwarding.contains("What they wrote:\nPlease act on my request."));
}
