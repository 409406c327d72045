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
            .starts_with("month,kind,received")
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

/// The app's database, made directly through core, with one case closed on 2022-01-10: past
/// the default retention period.
fn old_closed_case(app: &common::App) -> (privacydesk_core::Desk, privacydesk_core::Reference) {
    use privacydesk_core::{Action, ActionInput, Desk, NewCase, Outcome, Passphrase};
    let mut desk = Desk::create(
        &app.dir.path().join("cases.db"),
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
            without_letter: true,
            ..ActionInput::default()
        },
    )
    .expect("close");
    (desk, reference)
}

#[test]
fn unlocking_applies_retention_and_says_so() {
    let app = app();
    let (desk, reference) = old_closed_case(&app);
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

#[test]
fn letters_duplicates_and_yearly_metrics_work_through_ipc() {
    let app = app();
    app.ok(
        "create_database",
        json!({ "passphrase": "a long passphrase" }),
    );
    let form = json!({ "form": {
        "kind": "forum-removal", "name": "Ana Ruiz", "email": "ana@example.com",
        "jurisdiction": "gdpr", "items": ["https://forum.example.com/t/1"],
    }});
    let first = app.ok("new_case", form.clone());
    let first = first.as_str().expect("reference").to_string();
    let found = app.ok("open_cases_from", json!({ "email": " ANA@example.com" }));
    assert_eq!(found[0]["reference"], first.as_str());
    assert_eq!(
        app.ok("open_cases_from", json!({ "email": "ana@" })),
        json!([])
    );
    let second = app.ok("new_case", form);
    let second = second.as_str().expect("reference").to_string();
    let view = app.ok("get_case", json!({ "reference": second }));
    assert_eq!(view["possible_duplicates"][0]["reference"], first.as_str());
    let kept = app.ok("merge_case", json!({ "duplicate": second, "into": first }));
    assert_eq!(kept["reference"], first.as_str());
    assert_eq!(
        app.err("merge_case", json!({ "duplicate": second, "into": first }))["code"],
        "not_allowed"
    );

    let early = app.err(
        "get_letter",
        json!({ "reference": first, "kind": "removal_answer" }),
    );
    assert_eq!(early["code"], "not_allowed");
    app.ok(
        "act",
        json!({ "reference": first, "action": "verify", "form": {} }),
    );
    app.ok(
        "act",
        json!({ "reference": first, "action": "refuse_item",
                "form": { "item": "https://forum.example.com/t/1", "reason": "a court ordered it kept" } }),
    );
    let draft = app.ok(
        "get_letter",
        json!({ "reference": first, "kind": "removal_answer" }),
    );
    assert_eq!(draft["saved"], false);
    let body = draft["body"].as_str().expect("body").to_string();
    assert!(body.contains("Why: a court ordered it kept"), "{body}");
    let saved = app.ok(
        "save_letter_draft",
        json!({ "reference": first, "kind": "removal_answer", "body": format!("{body}\n[[sign]]") }),
    );
    assert_eq!(saved["blanks"], json!(["[[sign]]"]));
    let blank = app.err(
        "send_letter",
        json!({ "reference": first, "kind": "removal_answer", "body": format!("{body}\n[[sign]]") }),
    );
    assert_eq!(blank["code"], "invalid_input");
    let view = app.ok(
        "send_letter",
        json!({ "reference": first, "kind": "removal_answer", "body": body }),
    );
    let letter_id = view["letters"][0]["id"].as_i64().expect("letter id");
    assert!(view["letters"][0]["sent_at"].is_string());
    let out = app.dir.path().join("answer.txt");
    let written = app.ok(
        "export_letter",
        json!({ "reference": first, "letter_id": letter_id, "path": out }),
    );
    assert_eq!(written["path"], json!(out));
    assert!(
        std::fs::read_to_string(&out)
            .expect("written")
            .contains("a court ordered it kept")
    );
    assert_eq!(
        app.err(
            "export_letter",
            json!({ "reference": first, "letter_id": letter_id, "path": "relative.txt" })
        )["code"],
        "invalid_input"
    );

    let set = app.ok(
        "set_customer",
        json!({ "name": "Acme", "contact": "privacy@acme.example", "forward_days": 3 }),
    );
    assert_eq!(set["forward_within_business_days"], 3);
    assert_eq!(
        app.err(
            "set_customer",
            json!({ "name": "Acme", "contact": "nope", "forward_days": null })
        )["code"],
        "invalid_input"
    );
    let customer = app.ok("customer_view", json!({ "name": "acme" }));
    assert_eq!(customer["contact"], "privacy@acme.example");
    assert_eq!(customer["open_cases"], json!([]));

    let bulk = app.ok(
        "act_on_many",
        json!({ "references": [first, second], "action": "assign", "form": { "to": "dana" } }),
    );
    assert_eq!(bulk["done"], json!([first]));
    assert_eq!(bulk["refused"][0]["reference"], second.as_str());
    assert_eq!(bulk["refused"][0]["code"], "not_allowed");
    let noted = app.ok(
        "note_on_many",
        json!({ "references": [first, second], "text": "Chased" }),
    );
    assert_eq!(noted["done"].as_array().map(Vec::len), Some(2));
    assert_eq!(
        app.err(
            "act_on_many",
            json!({ "references": [first], "action": "close", "form": {} })
        )["code"],
        "invalid_input"
    );
    app.ok(
        "save_view",
        json!({ "name": "Mine", "filter": { "open": true, "assignee": "dana" } }),
    );
    let views = app.ok("saved_views", json!({}));
    assert_eq!(views[0]["name"], "Mine");
    assert_eq!(views[0]["filter"]["assignee"], "dana");
    app.ok("delete_view", json!({ "name": "Mine" }));
    assert_eq!(app.ok("saved_views", json!({})), json!([]));

    let metrics = app.dir.path().join("metrics.csv");
    let year = chrono::Local::now().format("%Y").to_string();
    app.ok("yearly_report", json!({ "year": year, "path": metrics }));
    let text = std::fs::read_to_string(&metrics).expect("metrics");
    assert!(text.starts_with("year,kind,received,"), "{text}");
    assert_eq!(
        app.err("yearly_report", json!({ "year": "25", "path": metrics }))["code"],
        "invalid_input"
    );
}

#[test]
fn retention_lists_what_is_due_sets_the_period_and_redacts_on_demand() {
    let app = app();
    let (mut desk, reference) = old_closed_case(&app);
    // Ten years: nothing is due at the unlock.
    desk.set_retention_months(120).expect("period");
    drop(desk);
    let unlocked = app.ok("unlock", json!({ "passphrase": "a long passphrase" }));
    assert!(unlocked["notice"].is_null(), "{unlocked}");
    let status = app.ok("retention_status", json!({}));
    assert_eq!(
        (status["months"].as_u64(), status["redacted"].as_u64()),
        (Some(120), Some(0))
    );
    assert_eq!(
        app.err("set_retention_months", json!({ "months": 12 }))["code"],
        "invalid_input"
    );
    let status = app.ok("set_retention_months", json!({ "months": 24 }));
    assert_eq!(status["redacted"], 1);
    assert_eq!(status["cases"][0]["reference"], reference.to_string());
    assert_eq!(status["cases"][0]["closed_on"], "2022-01-10");
    let view = app.ok("get_case", json!({ "reference": reference.to_string() }));
    assert_eq!(
        view["requester"]["name"], "Old Requester",
        "a dry run changes nothing"
    );
    let report = app.ok("apply_retention", json!({}));
    assert_eq!(report["redacted"], 1);
    let view = app.ok("get_case", json!({ "reference": reference.to_string() }));
    assert_eq!(view["requester"]["name"], "[redacted]");
}

#[test]
fn the_forms_vocabularies_limits_and_views_come_from_core() {
    use privacydesk_core::{Jurisdiction, Kind, Passphrase};
    let app = app();
    // Asked before any unlock: the unlock screen says how long a new passphrase must be.
    let catalog = app.ok("catalog", json!({}));
    assert_eq!(
        catalog["limits"]["passphrase_min_chars"],
        Passphrase::MIN_CHARS
    );
    let values = |vocabulary: &str| -> Vec<String> {
        catalog[vocabulary]
            .as_array()
            .map(|all| {
                all.iter()
                    .filter_map(|c| c["value"].as_str().map(String::from))
                    .collect()
            })
            .unwrap_or_default()
    };
    let kinds: Vec<String> = Kind::ALL.iter().map(|k| k.to_string()).collect();
    assert_eq!(values("kinds"), kinds);
    assert_eq!(values("jurisdictions").len(), Jurisdiction::ALL.len());
    assert_eq!(catalog["jurisdictions"][0]["value"], "default");
    assert!(!values("close_outcomes").contains(&"merged".to_string()));
    assert_eq!(
        catalog["limits"]["forward_days"],
        json!({ "min": 1, "max": 60, "default": 5 })
    );
    app.ok(
        "create_database",
        json!({ "passphrase": "a long passphrase" }),
    );
    let overview = app.ok("overview", json!({}));
    let views = overview["views"].as_array().expect("the side bar's views");
    let first: Vec<&str> = views
        .iter()
        .take(4)
        .filter_map(|v| v["key"].as_str())
        .collect();
    assert_eq!(first, ["open", "mine", "soon", "overdue"]);
    assert_eq!(views[1]["filter"]["assignee"], "ipc-test");
    assert_eq!(views[2]["title"], "Due ≤ 7 days");
    assert_eq!(views[2]["filter"]["due_within"], 7);
}
