//! The policy's special handling of requests about someone under 18, through the core API.

mod common;

use common::*;
use privacydesk_core::{Action, ActionInput, Error, Kind, NewCase, Outcome, Result, State};

fn minor_case(fx: &mut Fixture, kind: &str) -> Result<privacydesk_core::Reference> {
    fx.desk.new_case(&NewCase {
        kind: kind.into(),
        name: "Mia Ruiz".into(),
        email: "parent@example.com".into(),
        received: Some("2026-06-01".into()),
        jurisdiction: Some("gdpr".into()),
        customer: Some("Acme Schools".into()),
        minor: true,
        ..NewCase::default()
    })
}

#[test]
fn a_minors_case_starts_with_the_guidance_and_verifying_needs_the_guardian_check() -> Result<()> {
    let mut fx = Fixture::new();
    let r = minor_case(&mut fx, "access")?;
    let view = fx.desk.case(&r)?;
    assert_eq!(view.events[1].action, "note");
    assert!(
        view.events[1]
            .text
            .as_deref()
            .is_some_and(|t| t.contains("verify a parent or guardian")),
        "{:?}",
        view.events[1]
    );
    let verify = view
        .allowed_actions
        .iter()
        .find(|s| s.action == Action::Verify)
        .cloned()
        .ok_or(Error::invalid("verify offered"))?;
    assert!(
        verify.needs_reason,
        "the form asks how the guardian was verified"
    );
    let refused = fx.desk.act(&r, Action::Verify, &ActionInput::default());
    assert!(
        matches!(&refused, Err(Error::Invalid(why)) if why.contains("parent or guardian")),
        "{refused:?}"
    );
    fx.desk.act(
        &r,
        Action::Verify,
        &ActionInput {
            reason: Some("Father's passport and parental order checked".into()),
            ..Default::default()
        },
    )?;
    // The search finds it by the guidance too: agents can list every minor's case.
    let found = fx.desk.list(&privacydesk_core::CaseFilter {
        search: Some("guardian".into()),
        ..Default::default()
    })?;
    assert_eq!(found.len(), 1);

    // An adult's case, or a minor's question, needs no such check.
    let adult = fx.new_case("access", "Ana Ruiz", "ana@example.com", "2026-06-01")?;
    fx.desk
        .act(&adult, Action::Verify, &ActionInput::default())?;
    let question = minor_case(&mut fx, "inquiry")?;
    fx.desk
        .act(&question, Action::Verify, &ActionInput::default())?;
    Ok(())
}

#[test]
fn answering_a_minors_access_request_opens_the_erasure_of_what_was_found() -> Result<()> {
    let mut fx = Fixture::new();
    let r = minor_case(&mut fx, "access")?;
    fx.desk.act(
        &r,
        Action::Verify,
        &ActionInput {
            reason: Some("Mother's ID and birth certificate".into()),
            ..Default::default()
        },
    )?;
    let closed = fx.desk.act(
        &r,
        Action::Close,
        &ActionInput {
            outcome: Some(Outcome::Fulfilled),
            without_letter: true,
            ..Default::default()
        },
    )?;
    let event = closed
        .events
        .last()
        .cloned()
        .ok_or(Error::invalid("event"))?;
    let follow_up: privacydesk_core::Reference = event.details["follow_up"]
        .as_str()
        .ok_or(Error::invalid("follow-up named"))?
        .parse()?;
    let erasure = fx.desk.case(&follow_up)?;
    assert_eq!(erasure.case.kind, Kind::Erasure);
    assert_eq!(erasure.case.state, State::New);
    assert!(erasure.case.requester.is_minor);
    assert_eq!(erasure.case.customer.as_deref(), Some("Acme Schools"));
    assert_eq!(erasure.case.received_on, date("2026-06-15"));
    assert!(erasure.case.details.contains(&format!("Follow-up to {r}")));
    assert_eq!(erasure.events[0].details["follow_up_of"], r.as_str());
    assert!(fx.desk.verify()?.is_ok());

    // A refused or withdrawn access request erases nothing.
    let denied = minor_case(&mut fx, "access")?;
    let view = fx.desk.act(
        &denied,
        Action::Close,
        &ActionInput {
            outcome: Some(Outcome::Withdrawn),
            ..Default::default()
        },
    )?;
    assert!(
        view.events
            .last()
            .is_some_and(|e| e.details.get("follow_up").is_none())
    );
    Ok(())
}

/// The demo seeds through the app's own path, so each minor's answered access request opens
/// its follow-up erasure there as it would in the app, and the seeder works it too.
#[test]
fn the_demo_opens_the_follow_up_erasure_of_each_minor_it_answers() -> Result<()> {
    let mut fx = Fixture::new();
    fx.desk.seed_demo(3_000, 2, &mut |_| {})?;
    let all = fx.desk.list(&privacydesk_core::CaseFilter::default())?;
    assert_eq!(all.len(), 3_000, "follow-ups take slots of their own");
    let answered: Vec<_> = all
        .iter()
        .map(|s| &s.case)
        .filter(|c| c.kind == Kind::Access && c.requester.is_minor)
        .filter(|c| {
            matches!(
                c.outcome,
                Some(Outcome::Fulfilled | Outcome::PartiallyFulfilled)
            )
        })
        .collect();
    assert!(
        !answered.is_empty(),
        "the demo answers some minors' access requests"
    );
    let mut worked = 0;
    for case in answered {
        let view = fx.desk.case(&case.reference)?;
        let close = view
            .events
            .iter()
            .rfind(|e| e.action == "close")
            .ok_or(Error::invalid("a close event"))?;
        let follow_up: privacydesk_core::Reference = close.details["follow_up"]
            .as_str()
            .ok_or(Error::invalid("the close names its follow-up"))?
            .parse()?;
        let erasure = fx.desk.case(&follow_up)?;
        assert_eq!(erasure.case.kind, Kind::Erasure, "{follow_up}");
        assert!(erasure.case.requester.is_minor);
        assert_eq!(erasure.case.requester.email, case.requester.email);
        assert_eq!(
            erasure.events[0].details["follow_up_of"],
            case.reference.as_str()
        );
        assert_eq!(erasure.events[0].details["source"], serde_json::Value::Null);
        if erasure.case.state != State::New {
            worked += 1;
        }
    }
    assert!(worked > 0, "the seeder works the follow-ups too");
    assert!(fx.desk.verify()?.is_ok());
    Ok(())
}
