//! Check 15: closed cases past the retention period have their requester details redacted,
//! keep the CCPA §7101 record (dates, nature, channel, response, denial basis), and the audit
//! chain still verifies. Open, recently closed and legally held cases are left whole.

use chrono::NaiveDate;
use privacydesk_core::{
    Action, ActionInput, CaseFilter, CaseView, DenialBasis, Desk, LetterKind, NewCase, Outcome,
    Reference, domain::retention::REDACTED,
};

use crate::harness;

fn day(text: &str) -> NaiveDate {
    text.parse().expect("date")
}

fn act(desk: &mut Desk, reference: &Reference, action: Action, input: ActionInput) {
    desk.act(reference, action, &input)
        .unwrap_or_else(|e| panic!("{action}: {e}"));
}

fn close(desk: &mut Desk, reference: &Reference, outcome: Outcome) {
    let input = ActionInput {
        outcome: Some(outcome),
        denial_basis: (outcome == Outcome::Denied).then_some(DenialBasis::ManifestlyUnfounded),
        reason: Some("qzsecret reason quoting the person".into()),
        without_letter: true,
        ..ActionInput::default()
    };
    act(desk, reference, Action::Close, input);
}

fn new_case(desk: &mut Desk, n: u32, kind: &str) -> Reference {
    desk.new_case(&NewCase {
        kind: kind.into(),
        name: format!("Qzsecret Person {n}"),
        email: format!("qzsecret.{n}@example.com"),
        details: Some(format!("qzsecret details {n}")),
        channel: Some("phone".into()),
        phone: Some(format!("+1 555 010 99{n:02}")),
        agent_name: Some(format!("Agent Qzsecret {n}")),
        agent_proof: Some(format!("Signed authorisation of Qzsecret Person {n}")),
        jurisdiction: Some("ccpa".into()),
        customer: Some("Acme Retail".into()),
        items: if kind == "forum-removal" {
            vec![format!("https://forum.example.com/qzsecret/{n}")]
        } else {
            Vec::new()
        },
        ..NewCase::default()
    })
    .expect("new case")
}

/// The §7101 record of a case: what must survive redaction unchanged.
fn record(view: &CaseView) -> String {
    let c = &view.case;
    format!(
        "{} {} {} {} {} {:?} {:?} {:?} {:?} {} {:?} {:?}",
        c.reference,
        c.kind,
        c.channel,
        c.jurisdiction,
        c.received_on,
        c.closed_on,
        c.outcome,
        c.denial_basis,
        c.customer,
        c.due_on,
        c.items.iter().map(|i| i.outcome).collect::<Vec<_>>(),
        view.events
            .iter()
            .map(|e| (&e.action, &e.at))
            .collect::<Vec<_>>(),
    )
}

#[test]
fn retention_redacts_old_closed_cases_keeps_the_record_and_the_chain() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("cases.db");
    let mut desk = harness::new_desk(&db);

    // Closed in 2023: past a 24-month period by 2026-11.
    desk.set_today(day("2023-03-01"));
    let old_denied = new_case(&mut desk, 1, "access");
    close(&mut desk, &old_denied, Outcome::Denied);
    let old_forum = new_case(&mut desk, 2, "forum-removal");
    act(
        &mut desk,
        &old_forum,
        Action::Verify,
        ActionInput::default(),
    );
    act(
        &mut desk,
        &old_forum,
        Action::RefuseItem,
        ActionInput {
            item: Some("https://forum.example.com/qzsecret/2".into()),
            reason: Some("qzsecret quoted in a reply".into()),
            ..ActionInput::default()
        },
    );
    desk.note(&old_forum, "qzsecret note about the person")
        .expect("note");
    // Letters quote the person: one sent, one left as a draft.
    let answer = desk
        .letter(&old_forum, LetterKind::RemovalAnswer)
        .expect("letter");
    assert!(answer.body.contains("Person 2") && answer.body.contains("qzsecret/2"));
    desk.send_letter(&old_forum, LetterKind::RemovalAnswer, &answer.body)
        .expect("sent");
    desk.save_letter_draft(&old_forum, LetterKind::Denial, &answer.body)
        .expect("draft");
    close(&mut desk, &old_forum, Outcome::Denied);
    let old_held = new_case(&mut desk, 3, "account-closure");
    act(&mut desk, &old_held, Action::Verify, ActionInput::default());
    act(
        &mut desk,
        &old_held,
        Action::ScheduleDeletion,
        ActionInput::default(),
    );
    act(
        &mut desk,
        &old_held,
        Action::Hold,
        ActionInput {
            reason: Some("litigation hold".into()),
            ..ActionInput::default()
        },
    );
    close(&mut desk, &old_held, Outcome::PartiallyFulfilled);
    let old_open = new_case(&mut desk, 4, "inquiry");
    // Closed in 2026: within the period.
    desk.set_today(day("2026-06-01"));
    let recent = new_case(&mut desk, 5, "correction");
    act(&mut desk, &recent, Action::Verify, ActionInput::default());
    close(&mut desk, &recent, Outcome::Fulfilled);

    desk.set_today(day("2026-11-26"));
    let before: Vec<CaseView> = [&old_denied, &old_forum, &old_held, &old_open, &recent]
        .iter()
        .map(|r| desk.case(r).expect("case"))
        .collect();
    let due = desk.retention_due().expect("due");
    assert_eq!(
        (due.redacted, due.held, due.cutoff),
        (2, 1, day("2024-11-26"))
    );
    // The dry run names them, oldest closing first, and the held one as kept whole.
    let mut listed = Vec::new();
    desk.each_case_due_for_retention(&mut |case| listed.push((case.reference, case.held)))
        .expect("list");
    let mut expected = vec![
        (old_denied.clone(), false),
        (old_forum.clone(), false),
        (old_held.clone(), true),
    ];
    expected.sort();
    listed.sort();
    assert_eq!(listed, expected);
    let report = desk.apply_retention(&mut |_| {}).expect("retention");
    assert_eq!(report.redacted, 2);

    // Redacted: name, email, details, notes, reasons, item URLs. Kept: the record.
    for (reference, was) in [(&old_denied, &before[0]), (&old_forum, &before[1])] {
        let view = desk.case(reference).expect("case");
        assert_eq!(view.case.requester.name, REDACTED);
        assert_eq!(view.case.redacted_on, Some(day("2026-11-26")));
        assert_eq!(view.case.requester.email.as_str(), REDACTED);
        assert_eq!(view.case.details, "");
        assert_eq!(view.case.denial_reason.as_deref(), Some(REDACTED));
        assert!(view.case.items.iter().all(|i| i.url.starts_with(REDACTED)));
        assert!(
            view.case
                .items
                .iter()
                .all(|i| i.reason.as_deref().is_none_or(|r| r == REDACTED))
        );
        assert!(
            view.events.iter().all(|e| e.text.is_none()),
            "{:?}",
            view.events
        );
        let (last, earlier) = view.events.split_last().expect("events");
        assert_eq!(last.action, "redacted");
        let was_record = record(was);
        let now_record = record(&CaseView {
            events: earlier.to_vec(),
            ..view.clone()
        });
        assert_eq!(now_record, was_record, "the §7101 record changed");
        assert_eq!(
            view.case.denial_basis,
            Some(DenialBasis::ManifestlyUnfounded)
        );
    }
    // Left whole: under a legal hold, still open, closed recently.
    for (reference, was) in [
        (&old_held, &before[2]),
        (&old_open, &before[3]),
        (&recent, &before[4]),
    ] {
        let view = desk.case(reference).expect("case");
        assert_eq!(
            format!("{:?}", view.case),
            format!("{:?}", was.case),
            "{reference} changed"
        );
        assert_eq!(view.case.redacted_on, None);
    }

    // Nothing of the redacted people is left anywhere in the database: not in search, and
    // not in any table, read with raw SQL.
    let found = desk
        .list(&CaseFilter {
            search: Some("qzsecret".into()),
            limit: None,
            ..CaseFilter::default()
        })
        .expect("search");
    let mut found: Vec<String> = found.iter().map(|c| c.case.reference.to_string()).collect();
    found.sort();
    let mut expected = vec![
        old_held.to_string(),
        old_open.to_string(),
        recent.to_string(),
    ];
    expected.sort();
    assert_eq!(found, expected);
    let conn = harness::raw(&db);
    for table in ["cases", "items", "notes", "events", "settings", "letters"] {
        let mut stmt = conn
            .prepare(&format!("SELECT * FROM {table}"))
            .expect("select");
        let columns = stmt.column_count();
        let mut rows = stmt.query([]).expect("query");
        while let Some(row) = rows.next().expect("row") {
            for i in 0..columns {
                if let Ok(text) = row.get::<_, String>(i) {
                    for gone in [
                        "Person 1",
                        "Person 2",
                        "qzsecret.1@",
                        "qzsecret.2@",
                        "qzsecret/2",
                        "555 010 9901",
                        "555 010 9902",
                        "Agent Qzsecret 1",
                        "Agent Qzsecret 2",
                    ] {
                        assert!(!text.contains(gone), "{table} still holds {gone:?}: {text}");
                    }
                }
            }
        }
    }

    // The trail verifies, states replay, and a second run finds nothing to do.
    let report = desk.verify().expect("verify");
    assert!(report.is_ok(), "{report:?}");
    assert_eq!(
        desk.apply_retention(&mut |_| {}).expect("again").redacted,
        0
    );
    // The export shows the record with the details redacted.
    let csv = dir.path().join("export.csv");
    desk.export_cases(&CaseFilter::default(), &csv, false, &mut |_| {})
        .expect("export");
    let text = std::fs::read_to_string(&csv).expect("read");
    assert!(!text.contains("Qzsecret Person 1") && !text.contains("Qzsecret Person 2"));
    assert!(text.contains(&old_denied.to_string()) && text.contains(REDACTED));
}

#[test]
fn the_retention_period_is_at_least_24_months() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut desk = harness::new_desk(&dir.path().join("cases.db"));
    assert_eq!(desk.retention_months().expect("months"), 24);
    let err = desk.set_retention_months(12).expect_err("too short");
    assert!(err.to_string().contains("at least 24 months"), "{err}");
    desk.set_retention_months(36).expect("36");
    assert_eq!(desk.retention_months().expect("months"), 36);
    assert!(desk.verify().expect("verify").is_ok());
}
