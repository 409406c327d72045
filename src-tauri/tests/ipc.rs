//! The commands through Tauri's IPC on the mock runtime (no display): arguments in, `{code,
//! message}` out, the capability in force.

mod common;

use std::time::Duration;

use common::app;
use privacydesk_app::Session;
use privacydesk_core::Agent;
use serde_json::json;

#[test]
fn a_new_database_is_created_locked_and_unlocked() {
    let app = app();
    let status = app.ok("status", json!({}));
    assert_eq!(status["unlocked"], false);
    assert_eq!(status["db_exists"], false);
    assert_eq!(app.err("overview", json!({}))["code"], "locked");
    assert_eq!(
        app.err("create_database", json!({ "passphrase": "short" }))["code"],
        "invalid_input"
    );
    app.ok(
        "create_database",
        json!({ "passphrase": "a long passphrase" }),
    );
    assert_eq!(app.ok("status", json!({}))["unlocked"], true);
    app.ok("lock", json!({}));
    let wrong = app.err("unlock", json!({ "passphrase": "not it at all" }));
    assert_eq!(wrong["code"], "wrong_passphrase");
    assert!(
        wrong["message"]
            .as_str()
            .is_some_and(|m| m.starts_with("Wrong passphrase"))
    );
    app.ok("unlock", json!({ "passphrase": "a long passphrase" }));
    assert_eq!(app.ok("overview", json!({}))["open"], 0);
}

#[test]
fn a_case_is_created_listed_worked_and_exported() {
    let app = app();
    app.ok(
        "create_database",
        json!({ "passphrase": "a long passphrase" }),
    );
    let bad = app.err(
        "new_case",
        json!({ "form": { "kind": "access", "name": "Ana", "email": "nope" } }),
    );
    assert_eq!(bad["code"], "invalid_input");
    let reference = app.ok(
        "new_case",
        json!({ "form": { "kind": "access", "name": "<img src=x onerror=alert(1)>", "email": "ana@example.com", "jurisdiction": "gdpr" } }),
    );
    let reference = reference.as_str().expect("reference").to_string();
    let page = app.ok(
        "list_cases",
        json!({ "query": { "filter": { "open": true }, "page": 0, "page_size": 50 } }),
    );
    assert_eq!(page["total"], 1);
    assert_eq!(
        page["cases"][0]["requester"]["name"],
        "<img src=x onerror=alert(1)>"
    );
    let view = app.ok("get_case", json!({ "reference": reference }));
    let offered: Vec<&str> = view["allowed_actions"]
        .as_array()
        .expect("actions")
        .iter()
        .filter_map(|a| a["action"].as_str())
        .collect();
    assert!(
        offered.contains(&"request_id") && !offered.contains(&"reopen"),
        "{offered:?}"
    );
    let refused = app.err(
        "act",
        json!({ "reference": reference, "action": "confirm_deletion", "form": {} }),
    );
    assert_eq!(refused["code"], "not_allowed");
    let closed = app.ok("act", json!({ "reference": reference, "action": "close", "form": { "outcome": "denied", "reason": "No ID", "denial_basis": "identity_not_verified" } }));
    assert_eq!(closed["state"], "closed");
    app.ok(
        "add_note",
        json!({ "reference": reference, "text": "Letter sent" }),
    );
    assert_eq!(
        app.err("get_case", json!({ "reference": "PR-2026-99999" }))["code"],
        "case_not_found"
    );

    let out = app.dir.path().join("cases.csv");
    let relative = app.err(
        "export_cases",
        json!({ "filter": {}, "path": "cases.csv", "bom": false }),
    );
    assert_eq!(relative["code"], "invalid_input");
    let summary = app.ok(
        "export_cases",
        json!({ "filter": {}, "path": out, "bom": true }),
    );
    assert_eq!(summary["rows"], 1);
    assert!(out.exists());
    let months = app.ok("report_months", json!({}));
    let month = months[0].as_str().expect("a month").to_string();
    let report = app.dir.path().join("report.csv");
    app.ok("monthly_report", json!({ "month": month, "path": report }));
    assert!(
        std::fs::read_to_string(&report)
            .expect("report")
            .starts_with("kind,received")
    );
}

#[test]
fn the_session_locks_itself_after_the_idle_limit() {
    let dir = tempfile::tempdir().expect("temp dir");
    let session = Session::new(
        dir.path().join("x.db"),
        Agent::new("a").expect("agent"),
        Duration::ZERO,
    );
    let desk = privacydesk_core::Desk::create(
        &dir.path().join("x.db"),
        &privacydesk_core::Passphrase::new("a long passphrase".into()),
        Agent::new("a").expect("agent"),
    )
    .expect("create");
    session.put(desk).expect("hold");
    assert!(session.is_unlocked());
    assert!(session.lock_if_idle(), "idle past the limit");
    assert!(!session.is_unlocked(), "the key is dropped");
}

#[test]
fn unlocking_applies_retention_and_says_so() {
    use privacydesk_core::{Action, ActionInput, Desk, NewCase, Outcome, Passphrase};
    let app = app();
    let path = app.dir.path().join("cases.db");
    let mut desk = Desk::create(
        &path,
        &Passphrase::new("a long passphrase".into()),
        Agent::new("a").expect("agent"),
    )
    .expect("create");
    desk.set_today("2022-01-10".parse().expect("date"));
    let reference = desk
        .new_case(&NewCase {
            kind: "inquiry".into(),
            name: "Old Requester".into(),
            email: "old@example.com".into(),
            ..NewCase::default()
        })
        .expect("case");
    desk.act(
        &reference,
        Action::Close,
        &ActionInput {
            outcome: Some(Outcome::Fulfilled),
            ..ActionInput::default()
        },
    )
    .expect("close");
    drop(desk);

    let unlocked = app.ok("unlock", json!({ "passphrase": "a long passphrase" }));
    let notice = unlocked["notice"].as_str().expect("a notice");
    assert!(notice.starts_with("Retention: 1 case redacted"), "{notice}");
    assert_eq!(unlocked["notice_is_error"], false);
    let view = app.ok("get_case", json!({ "reference": reference.to_string() }));
    assert_eq!(view["requester"]["name"], "[redacted]", "{view}");
    assert!(view["redacted_on"].is_string(), "{view}");
    // Nothing more to do at the next unlock.
    app.ok("lock", json!({}));
    let again = app.ok("unlock", json!({ "passphrase": "a long passphrase" }));
    assert!(again["notice"].is_null(), "{again}");
}
