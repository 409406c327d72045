//! Duplicates through the core API: flagged by the requester's address, merged with the
//! events kept on both cases and the merged one closed, refused across people.

mod common;

use common::*;
use privacydesk_core::{Error, NewCase, Outcome, Result, State};

fn forum(fx: &mut Fixture, email: &str, items: &[&str]) -> Result<privacydesk_core::Reference> {
    fx.desk.new_case(&NewCase {
        kind: "forum-removal".into(),
        name: "Ana Ruiz".into(),
        email: email.into(),
        received: Some("2026-06-10".into()),
        details: Some("Second message: also the blog post.".into()),
        items: items.iter().map(|s| s.to_string()).collect(),
        ..NewCase::default()
    })
}

#[test]
fn an_open_case_from_the_same_address_is_flagged_whatever_the_letter_case() -> Result<()> {
    let mut fx = Fixture::new();
    let first = fx.new_case("access", "Ana Ruiz", "Ana.Ruiz@Example.com", "2026-06-01")?;
    fx.new_case("access", "Bo Li", "bo@example.com", "2026-06-01")?;
    let found = fx.desk.open_cases_from("  ana.ruiz@EXAMPLE.com ")?;
    assert_eq!(
        found.iter().map(|d| &d.reference).collect::<Vec<_>>(),
        [&first]
    );
    assert!(
        fx.desk.open_cases_from("ana.ruiz@")?.is_empty(),
        "incomplete"
    );
    assert!(fx.desk.open_cases_from("nobody@example.com")?.is_empty());

    let second = fx.new_case("erasure", "Ana Ruiz", "ana.ruiz@example.com", "2026-06-02")?;
    let view = fx.desk.case(&second)?;
    assert_eq!(view.possible_duplicates.len(), 1);
    assert_eq!(view.possible_duplicates[0].reference, first);
    assert_eq!(
        fx.desk.case(&first)?.possible_duplicates[0].reference,
        second
    );
    Ok(())
}

#[test]
fn merging_closes_the_duplicate_and_keeps_both_histories() -> Result<()> {
    let mut fx = Fixture::new();
    let kept = forum(
        &mut fx,
        "ana@example.com",
        &["https://forum.example.com/t/1"],
    )?;
    let dup = forum(
        &mut fx,
        "ANA@example.com",
        &[
            "https://forum.example.com/t/1",
            "https://blog.example.com/p/9",
        ],
    )?;
    let kept_events = fx.desk.case(&kept)?.events.len();
    let view = fx.desk.merge(&dup, &kept)?;
    assert_eq!(view.case.reference, kept);
    assert_eq!(view.events.len(), kept_events + 1);
    let last = view
        .events
        .last()
        .cloned()
        .ok_or(Error::invalid("no event"))?;
    assert_eq!(last.action, "merged_from");
    assert_eq!(last.details["from"], dup.as_str());
    assert_eq!(last.details["items_added"], 1);
    assert!(
        last.text
            .as_deref()
            .is_some_and(|t| t.contains("Second message: also the blog post.")),
        "{last:?}"
    );
    let urls: Vec<_> = view.case.items.iter().map(|i| i.url.as_str()).collect();
    assert_eq!(
        urls,
        [
            "https://forum.example.com/t/1",
            "https://blog.example.com/p/9"
        ]
    );
    assert!(view.possible_duplicates.is_empty());

    let merged = fx.desk.case(&dup)?;
    assert_eq!(merged.case.state, State::Closed);
    assert_eq!(merged.case.outcome, Some(Outcome::Merged));
    let actions: Vec<_> = merged.events.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(actions, ["created", "merged_into"]);
    assert_eq!(merged.events[1].details["into"], kept.as_str());
    assert!(fx.desk.verify()?.is_ok(), "merges replay");
    // The merged case is found by search and counted in the month's report as merged.
    let rows = fx
        .desk
        .monthly_rows(privacydesk_core::Month::parse("2026-06")?)?;
    let forum_row = rows
        .iter()
        .find(|r| r.kind == "forum_removal")
        .cloned()
        .unwrap_or_default();
    assert_eq!((forum_row.received, forum_row.merged), (2, 1));
    Ok(())
}

/// A page already removed or refused on the duplicate keeps that decision on the kept case,
/// so nobody decides it twice; a decision the kept case took itself stands.
#[test]
fn a_merge_carries_the_decisions_taken_on_the_duplicates_pages() -> Result<()> {
    use privacydesk_core::{Action, ActionInput, ItemOutcome};
    let mut fx = Fixture::new();
    let (t1, t2) = (
        "https://forum.example.com/t/1",
        "https://forum.example.com/t/2",
    );
    let (p9, p10) = (
        "https://blog.example.com/p/9",
        "https://blog.example.com/p/10",
    );
    let kept = forum(&mut fx, "ana@example.com", &[t1, t2])?;
    let dup = forum(&mut fx, "ana@example.com", &[t1, t2, p9, p10])?;
    let decide = |fx: &mut Fixture, case, action, url: &str, reason: Option<&str>| {
        fx.desk.act(
            case,
            action,
            &ActionInput {
                item: Some(url.into()),
                reason: reason.map(String::from),
                ..ActionInput::default()
            },
        )
    };
    for case in [&kept, &dup] {
        fx.desk.act(case, Action::Verify, &ActionInput::default())?;
    }
    decide(&mut fx, &kept, Action::RemoveItem, t2, None)?;
    decide(&mut fx, &dup, Action::RemoveItem, t1, None)?;
    decide(
        &mut fx,
        &dup,
        Action::RefuseItem,
        t2,
        Some("a court record"),
    )?;
    decide(&mut fx, &dup, Action::RefuseItem, p9, Some("newsworthy"))?;

    let view = fx.desk.merge(&dup, &kept)?;
    let items: Vec<_> = view
        .case
        .items
        .iter()
        .map(|i| (i.url.as_str(), i.outcome, i.reason.as_deref()))
        .collect();
    assert_eq!(
        items,
        [
            (t1, ItemOutcome::Removed, None),
            (t2, ItemOutcome::Removed, None),
            (p9, ItemOutcome::Refused, Some("newsworthy")),
            (p10, ItemOutcome::Pending, None),
        ]
    );
    let last = view.events.last().ok_or(Error::invalid("no event"))?;
    assert_eq!(
        (&last.details["items_added"], &last.details["items_decided"]),
        (&serde_json::json!(2), &serde_json::json!(1))
    );
    assert!(fx.desk.verify()?.is_ok());
    Ok(())
}

#[test]
fn merges_across_people_closed_cases_or_itself_are_refused() -> Result<()> {
    let mut fx = Fixture::new();
    let ana = fx.new_case("access", "Ana Ruiz", "ana@example.com", "2026-06-01")?;
    let bo = fx.new_case("access", "Bo Li", "bo@example.com", "2026-06-01")?;
    let refused = |result: Result<privacydesk_core::CaseView>, needle: &str| {
        assert!(
            matches!(&result, Err(Error::NotAllowed(why)) if why.contains(needle)),
            "{needle}: {result:?}"
        );
    };
    refused(fx.desk.merge(&ana, &bo), "different addresses");
    refused(fx.desk.merge(&ana, &ana), "into itself");
    let again = fx.new_case("access", "Ana Ruiz", "ana@example.com", "2026-06-02")?;
    fx.desk.merge(&again, &ana)?;
    refused(fx.desk.merge(&again, &ana), "is closed");
    let close_as_merged = fx.desk.act(
        &ana,
        privacydesk_core::Action::Close,
        &privacydesk_core::ActionInput {
            outcome: Some(Outcome::Merged),
            ..Default::default()
        },
    );
    assert!(matches!(close_as_merged, Err(Error::NotAllowed(_))));
    let missing = "PR-2026-09999".parse()?;
    assert!(matches!(
        fx.desk.merge(&missing, &ana),
        Err(Error::CaseNotFound(_))
    ));
    Ok(())
}
