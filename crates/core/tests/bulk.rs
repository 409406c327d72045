//! Bulk work and saved views through the core API.

mod common;

use common::*;
use privacydesk_core::{Action, ActionInput, Agent, CaseFilter, Desk, Error, Kind, Result, State};

#[test]
fn a_bulk_assign_gives_each_case_its_own_event_and_reports_refusals() -> Result<()> {
    let mut fx = Fixture::new();
    let a = fx.new_case("access", "Ana Ruiz", "ana@example.com", "2026-06-01")?;
    let b = fx.new_case("erasure", "Bo Li", "bo@example.com", "2026-06-02")?;
    let c = fx.new_case("inquiry", "Cleo Haddad", "cleo@example.com", "2026-06-03")?;
    fx.desk.act(
        &c,
        Action::Close,
        &ActionInput {
            outcome: Some(privacydesk_core::Outcome::Withdrawn),
            ..Default::default()
        },
    )?;
    let missing: privacydesk_core::Reference = "PR-2026-09999".parse()?;
    let outcome = fx.desk.act_on_many(
        &[a.clone(), b.clone(), c.clone(), missing.clone(), a.clone()],
        Action::Assign,
        &ActionInput {
            to: Some("dana".into()),
            ..Default::default()
        },
    )?;
    assert_eq!(outcome.done, [a.clone(), b.clone()], "each once, in order");
    let refused: Vec<_> = outcome
        .refused
        .iter()
        .map(|r| (r.reference.clone(), r.code))
        .collect();
    assert_eq!(
        refused,
        [(c.clone(), "not_allowed"), (missing, "case_not_found")]
    );
    assert_eq!(
        outcome.describe("Assigned"),
        "Assigned: 2 cases; 2 cases refused"
    );
    for r in [&a, &b] {
        let view = fx.desk.case(r)?;
        assert_eq!(view.case.assignee.as_deref(), Some("dana"));
        assert_eq!(
            view.events.iter().filter(|e| e.action == "assign").count(),
            1
        );
    }

    let forwarded = fx.desk.act_on_many(
        &[a.clone(), b.clone()],
        Action::Forward,
        &ActionInput::default(),
    )?;
    assert_eq!(forwarded.done.len(), 2);
    assert_eq!(fx.desk.case(&b)?.case.state, State::AwaitingCustomer);

    let noted = fx
        .desk
        .note_on_many(&[a.clone(), c.clone()], "Chased by phone")?;
    assert_eq!(
        noted.done,
        [a.clone(), c.clone()],
        "a note goes on closed cases too"
    );
    assert!(matches!(
        fx.desk.note_on_many(std::slice::from_ref(&a), "  "),
        Err(Error::Invalid(_))
    ));
    assert!(matches!(
        fx.desk.act_on_many(
            std::slice::from_ref(&a),
            Action::Close,
            &ActionInput::default()
        ),
        Err(Error::Invalid(_))
    ));
    assert!(matches!(
        fx.desk.note_on_many(&[], "x"),
        Err(Error::Invalid(_))
    ));
    assert!(fx.desk.verify()?.is_ok());
    Ok(())
}

#[test]
fn saved_views_belong_to_their_agent() -> Result<()> {
    let mut fx = Fixture::file();
    let filter = CaseFilter {
        open: true,
        kind: Some(Kind::Erasure),
        customer: Some("Acme".into()),
        limit: Some(50),
        offset: 100,
        ..CaseFilter::default()
    };
    let saved = fx.desk.save_view("Acme erasures", &filter)?;
    assert_eq!(
        (saved.filter.limit, saved.filter.offset),
        (None, 0),
        "no paging kept"
    );
    fx.desk.save_view(
        "Acme erasures",
        &CaseFilter {
            overdue: true,
            ..filter.clone()
        },
    )?;
    let views = fx.desk.saved_views()?;
    assert_eq!(views.len(), 1, "same name replaces");
    assert!(views[0].filter.overdue);
    assert_eq!(views[0].filter.kind, Some(Kind::Erasure));

    let other = Desk::open(&fx.path, &passphrase(), Agent::new("someone-else")?)?;
    assert!(other.saved_views()?.is_empty(), "views are per agent");
    assert!(matches!(
        fx.desk.save_view("  ", &filter),
        Err(Error::Invalid(_))
    ));
    fx.desk.delete_view("Acme erasures")?;
    assert!(fx.desk.saved_views()?.is_empty());
    assert!(matches!(
        fx.desk.delete_view("Acme erasures"),
        Err(Error::Invalid(_))
    ));
    Ok(())
}
