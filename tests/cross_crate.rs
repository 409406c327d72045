//! What the CLI writes, read back through core and through a plain SQLCipher client.

use privacydesk_core::files::csv_safe;
use privacydesk_core::{Agent, CaseFilter, Desk, Passphrase};
use privacydesk_tests::{PASS, privacydesk};

const HOSTILE_NAMES: [&str; 6] = [
    "=HYPERLINK(\"http://evil.example\",\"click\")",
    "+SUM(1,2)",
    "-2+3",
    "@cmd",
    "＝1+1",
    "'=already quoted",
];

#[test]
fn a_cli_export_reads_back_to_exactly_what_core_holds() {
    let dir = tempfile::tempdir().expect("dir");
    let db = dir.path().join("cases.db");
    privacydesk(&db, &["init"]);
    for name in HOSTILE_NAMES {
        privacydesk(
            &db,
            &[
                "case",
                "new",
                "--kind",
                "inquiry",
                "--name",
                name,
                "--email",
                "x@example.com",
            ],
        );
    }
    let out = dir.path().join("cases.csv");
    privacydesk(
        &db,
        &[
            "export",
            "cases",
            "--out",
            out.to_str().expect("utf-8 path"),
        ],
    );

    let mut reader = csv::Reader::from_path(&out).expect("readable CSV");
    let exported: Vec<String> = reader
        .records()
        .map(|r| r.expect("record")[17].to_string())
        .collect();
    for cell in &exported {
        let first = cell.chars().next().unwrap_or(' ');
        assert!(!"=+-@＝\t\r".contains(first), "{cell:?} starts a formula");
    }
    let mut restored: Vec<&str> = exported.iter().map(|c| csv_safe::restore(c)).collect();
    restored.sort_unstable();

    let desk = Desk::open(
        &db,
        &Passphrase::new(PASS.into()),
        Agent::new("reader").expect("agent"),
    )
    .expect("core opens what the CLI made");
    let mut held: Vec<String> = desk
        .list(&CaseFilter::default())
        .expect("list")
        .into_iter()
        .map(|c| c.case.requester.name)
        .collect();
    held.sort_unstable();
    assert_eq!(restored, held);
}

#[test]
fn a_standard_sqlcipher_client_opens_the_file_with_the_passphrase_alone() {
    let dir = tempfile::tempdir().expect("dir");
    let db = dir.path().join("cases.db");
    privacydesk(&db, &["init"]);
    privacydesk(
        &db,
        &[
            "case",
            "new",
            "--kind",
            "access",
            "--name",
            "Ana Ruiz",
            "--email",
            "ana@example.com",
        ],
    );
    // Nothing but the key: SQLCipher 4 defaults, as DB Browser or the sqlcipher shell would use.
    let conn = rusqlite::Connection::open(&db).expect("open");
    conn.execute_batch(&format!("PRAGMA key = '{PASS}';"))
        .expect("key");
    let name: String = conn
        .query_row("SELECT requester_name FROM cases", [], |r| r.get(0))
        .expect("readable with the passphrase");
    assert_eq!(name, "Ana Ruiz");
}

/// A database made through core with one inquiry closed on 2022-01-10: past the default
/// retention period by today's date.
fn with_an_old_closed_case(db: &std::path::Path) -> privacydesk_core::Reference {
    use privacydesk_core::{Action, ActionInput, NewCase, Outcome};
    let mut desk = Desk::create(
        db,
        &Passphrase::new(PASS.into()),
        Agent::new("setup").expect("agent"),
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
    let closing = ActionInput {
        outcome: Some(Outcome::Fulfilled),
        without_letter: true,
        ..ActionInput::default()
    };
    desk.act(&reference, Action::Close, &closing)
        .expect("close");
    reference
}

#[test]
fn every_command_applies_retention_when_it_opens_the_database_as_the_app_does() {
    let dir = tempfile::tempdir().expect("dir");
    let db = dir.path().join("cases.db");
    let old = with_an_old_closed_case(&db);

    // A dry run opens the file as it is: it names the case and changes nothing.
    let dry = privacydesk(&db, &["retention", "--dry-run"]);
    let listed = String::from_utf8_lossy(&dry.stdout);
    assert!(listed.contains(old.as_str()), "{listed}");
    assert!(listed.contains("1 case due for redaction"), "{listed}");
    assert!(String::from_utf8_lossy(&dry.stderr).is_empty());

    // Any other command opens it as every adapter does: retention first, said on stderr.
    let shown = privacydesk(&db, &["case", "show", old.as_str(), "--json"]);
    let notice = String::from_utf8_lossy(&shown.stderr);
    assert!(
        notice.starts_with("privacydesk: Retention: 1 case redacted"),
        "{notice}"
    );
    let view: serde_json::Value = serde_json::from_slice(&shown.stdout).expect("JSON");
    assert_eq!(view["requester"]["name"], "[redacted]", "{view}");
    // Nothing more to do at the next opening, and nothing said.
    let again = privacydesk(&db, &["case", "list"]);
    assert!(String::from_utf8_lossy(&again.stderr).is_empty());
}
