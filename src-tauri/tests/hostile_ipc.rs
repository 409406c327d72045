//! Hostile payloads to every IPC command (reliability check 11): random JSON, and the right
//! keys with random values, never panic or hang the backend, and every refusal is a clear
//! error — core's `{code, message}`, or Tauri's own message for arguments that do not even
//! have the right shape.

mod common;

use std::cell::RefCell;
use std::collections::BTreeMap;

use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use serde_json::{Map, Value, json};

const PASSPHRASE: &str = "a long passphrase";

/// Every command the capability grants (as `build.rs` generated them), plus names the app
/// does not know.
fn commands() -> Vec<String> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/capabilities/main.json");
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let capability: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"));
    let granted = capability["permissions"]
        .as_array()
        .unwrap_or_else(|| panic!("{path}: no permissions"))
        .iter()
        .filter_map(|p| p.as_str()?.strip_prefix("allow-"))
        .map(|name| name.replace('-', "_"));
    granted
        .chain(["plugin:dialog|save", "no_such_command", ""].map(String::from))
        .collect()
}

/// The keys each command takes, and the keys of the objects inside.
const KEYS: &[&str] = &[
    "passphrase",
    "query",
    "filter",
    "page",
    "page_size",
    "reference",
    "form",
    "action",
    "text",
    "path",
    "bom",
    "month",
    "kind",
    "name",
    "email",
    "received",
    "jurisdiction",
    "customer",
    "channel",
    "details",
    "items",
    "minor",
    "reason",
    "outcome",
    "denial_basis",
    "until",
    "to",
    "item",
    "state",
    "open",
    "overdue",
    "due_within",
    "search",
    "limit",
    "offset",
    "received_from",
    "received_to",
    "assignee",
];

fn scalar() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<f64>()
            .prop_map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)),
        Just(json!(u64::MAX)),
        Just(json!(-1)),
        "\\PC{0,40}".prop_map(Value::from),
        prop_oneof![
            Just("PR-2026-00001"),
            Just("access"),
            Just("close"),
            Just("denied"),
            Just("2026-02-30"),
            Just("2026-11"),
            Just("gdpr"),
            Just("in-progress"),
            Just("=HYPERLINK(\"x\")"),
            Just("<img src=x onerror=alert(1)>"),
        ]
        .prop_map(Value::from),
        Just(Value::from("x".repeat(200_000))),
    ]
}

fn json_value() -> impl Strategy<Value = Value> {
    scalar().prop_recursive(4, 64, 8, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            proptest::collection::vec((proptest::sample::select(KEYS), inner), 0..8).prop_map(
                |pairs| Value::Object(pairs.into_iter().map(|(k, v)| (k.to_owned(), v)).collect())
            ),
        ]
    })
}

fn payload() -> impl Strategy<Value = Value> {
    prop_oneof![
        json_value(),
        proptest::collection::vec((proptest::sample::select(KEYS), json_value()), 0..6).prop_map(
            |pairs| Value::Object(
                pairs
                    .into_iter()
                    .map(|(k, v)| (k.to_owned(), v))
                    .collect::<Map<_, _>>()
            )
        ),
    ]
}

fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => proptest::sample::select(vec![
            "PR-2026-00001", "PR-2026-00002", "pr-2026-00003", "PR-0000-00000", "access",
            "forum-removal", "account-closure", "close", "verify", "extend", "reopen",
            "remove-item", "refuse_item", "denied", "fulfilled", "legal-obligation", "gdpr",
            "ccpa", "in-progress", "closed", "2026-02-30", "2026-11-26", "9999-12-31",
            "2026-11", "1970-01", "ana@example.com", "not-an-email", "Ana Ruiz",
            "https://forum.example.com/1", "=HYPERLINK(\"x\")", "<img src=x onerror=alert(1)>",
            "", " ", "../../x.csv", "\u{0}", "'; DROP TABLE cases; --", "identity-request",
            "removal_answer", "customer-forwarding", "Dear {{ x }} [[blank]]", "2025", "merge",
        ]).prop_map(str::to_owned),
        1 => "\\PC{0,60}",
        1 => Just("y".repeat(150_000)),
    ]
}

/// The right keys with values of the right type, each hostile: these reach core.
fn shaped(command: String) -> BoxedStrategy<Value> {
    let texts = proptest::collection::vec(text(), 12);
    (texts, any::<bool>(), any::<u32>(), any::<u32>())
        .prop_map(move |(t, flag, a, b)| match command.as_str() {
            "create_database" | "unlock" => json!({ "passphrase": t[0] }),
            "get_case" => json!({ "reference": t[0] }),
            "new_case" => json!({ "form": {
                "kind": t[0], "name": t[1], "email": t[2], "received": t[3],
                "jurisdiction": t[4], "customer": t[5], "channel": t[6], "details": t[7],
                "items": [t[8], t[9]], "minor": flag,
            }}),
            "act" => json!({ "reference": t[0], "action": t[1], "form": {
                "reason": t[2], "outcome": t[3], "denial_basis": t[4], "until": t[5],
                "to": t[6], "item": t[7], "into": t[8], "identity": t[9],
                "without_letter": flag,
            }}),
            "add_note" => json!({ "reference": t[0], "text": t[1] }),
            "list_cases" => json!({ "query": {
                "filter": { "search": t[0], "customer": t[1], "assignee": t[2], "overdue": flag },
                "page": a, "page_size": b,
            }}),
            "export_cases" => json!({ "filter": { "search": t[0] }, "path": t[1], "bom": flag }),
            "monthly_report" => json!({ "month": t[0], "path": t[1] }),
            "yearly_report" => json!({ "year": t[0], "path": t[1] }),
            "open_cases_from" => json!({ "email": t[0] }),
            "merge_case" => json!({ "duplicate": t[0], "into": t[1] }),
            "get_letter" | "discard_letter_draft" => json!({ "reference": t[0], "kind": t[1] }),
            "save_letter_draft" | "send_letter" => {
                json!({ "reference": t[0], "kind": t[1], "body": t[2] })
            }
            "export_letter" => json!({ "reference": t[0], "letter_id": a, "path": t[1] }),
            "customer_view" => json!({ "name": t[0] }),
            "act_on_many" => json!({ "references": [t[0], t[1]], "action": t[2], "form": {
                "to": t[3], "reason": t[4],
            }}),
            "note_on_many" => json!({ "references": [t[0], t[1], t[2]], "text": t[3] }),
            "save_view" => json!({ "name": t[0], "filter": { "search": t[1], "customer": t[2], "overdue": flag } }),
            "delete_view" => json!({ "name": t[0] }),
            "set_retention_months" => json!({ "months": a }),
            "set_customer" => json!({ "name": t[0], "contact": t[1], "forward_days": b }),
            _ => json!({}),
        })
        .boxed()
}

fn calls() -> u32 {
    std::env::var("PRIVACYDESK_IPC_FUZZ_CALLS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(3000)
}

#[test]
fn hostile_payloads_get_a_clear_error_never_a_panic() {
    let commands = commands();
    assert!(
        commands.iter().any(|c| c == "act"),
        "the capability lists our commands: {commands:?}"
    );
    let app = common::app();
    // Files a random payload asks to write land in the test's own folder.
    std::env::set_current_dir(app.dir.path()).expect("cd");
    app.ok("create_database", json!({ "passphrase": PASSPHRASE }));
    for n in 0..3 {
        app.ok(
            "new_case",
            json!({ "form": {
                "kind": "forum-removal", "name": format!("Person {n}"),
                "email": "p@example.com", "items": ["https://forum.example.com/1"]
            }}),
        );
    }
    let outcomes: RefCell<BTreeMap<String, u64>> = RefCell::default();
    let mut runner = TestRunner::new(Config {
        cases: calls(),
        failure_persistence: None,
        ..Config::default()
    });
    let result = runner.run(
        &proptest::sample::select(commands).prop_flat_map(|command| {
            (
                Just(command.clone()),
                prop_oneof![1 => payload(), 3 => shaped(command)],
            )
        }),
        |(command, mut payload)| {
            // A random `lock` must not make every later call a mere "locked".
            if app.ok("status", json!({}))["unlocked"] == false {
                app.ok("unlock", json!({ "passphrase": PASSPHRASE }));
            }
            // Paths stay inside the test's folder: the tests may run as root.
            if let Some(path) = payload.get_mut("path") {
                *path = Value::from(format!(
                    "{}/{}",
                    app.dir.path().display(),
                    path.as_str().unwrap_or("x")
                ));
            }
            let outcome = match app.call(&command, payload.clone()) {
                Ok(_) => "ok".to_owned(),
                Err(Value::Object(error)) => {
                    let code = error.get("code").and_then(Value::as_str).unwrap_or("");
                    let message = error.get("message").and_then(Value::as_str).unwrap_or("");
                    prop_assert!(
                        !code.is_empty() && !message.is_empty(),
                        "{command} {payload}: {error:?}"
                    );
                    prop_assert_ne!(code, "internal", "{} {}: {}", command, payload, message);
                    // A bare "database" error would be SQLite's words, not ours.
                    prop_assert_ne!(code, "database", "{} {}: {}", command, payload, message);
                    code.to_owned()
                }
                // Tauri refuses arguments of the wrong shape, and unknown commands, before
                // our code runs; the UI wraps these as `internal`.
                Err(Value::String(message)) => {
                    prop_assert!(
                        message.contains("invalid args")
                            || message.contains("not found")
                            || message.contains("not allowed")
                            || message.contains("missing required key"),
                        "{command} {payload}: {message}"
                    );
                    "refused by Tauri".to_owned()
                }
                Err(other) => {
                    return Err(TestCaseError::fail(format!("{command} {payload}: {other}")));
                }
            };
            *outcomes.borrow_mut().entry(outcome).or_default() += 1;
            Ok(())
        },
    );
    if let Err(failure) = result {
        panic!("{failure}");
    }
    eprintln!("ipc fuzz: {} calls: {:?}", calls(), outcomes.borrow());
}
