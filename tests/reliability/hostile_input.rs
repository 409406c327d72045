//! Check 11: hostile input to the command line and the CSV import — random argument vectors
//! and random or mangled CSV files — never panics or hangs, and always ends in a clear error
//! (or a success), with nothing half-imported. The IPC commands' JSON payloads are fuzzed in
//! `src-tauri/tests/hostile_ipc.rs`.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use privacydesk_core::{CaseFilter, Desk, Error};
use proptest::prelude::*;
use rand::Rng;
use rand::seq::IndexedRandom;

use crate::harness::{self, PASS};

/// Words the CLI knows, and values good and bad, to build argument vectors from.
const WORDS: &[&str] = &[
    "init",
    "case",
    "new",
    "list",
    "show",
    "note",
    "act",
    "export",
    "cases",
    "report",
    "monthly",
    "import",
    "verify",
    "backup",
    "retention",
    "letter",
    "send",
    "draft",
    "templates",
    "customer",
    "set",
    "view",
    "save",
    "bulk",
    "assign",
    "merge",
    "removal-answer",
    "customer-forwarding",
    "--into",
    "--file",
    "--contact",
    "--forward-days",
    "--phone",
    "--view",
    "--text",
    "[[blank]]",
    "{{ x }}",
    "--kind",
    "--name",
    "--email",
    "--received",
    "--jurisdiction",
    "--customer",
    "--channel",
    "--details",
    "--item",
    "--minor",
    "--state",
    "--overdue",
    "--due-within",
    "--search",
    "--limit",
    "--json",
    "--reason",
    "--outcome",
    "--denial-basis",
    "--until",
    "--to",
    "--out",
    "--from",
    "--bom",
    "--month",
    "--dry-run",
    "--months",
    "--help",
    "--version",
    "-h",
    "access",
    "erasure",
    "forum-removal",
    "close",
    "verify",
    "extend",
    "reopen",
    "denied",
    "fulfilled",
    "gdpr",
    "ccpa",
    "PR-2026-00001",
    "PR-0000-00000",
    "PR-9999-99999999999999",
    "2026-02-30",
    "2026-13-01",
    "9999-12-31",
    "0000-01-01",
    "2026-11",
    "-1",
    "0",
    "4294967296",
    "99999999999999999999",
    "",
    " ",
    "=HYPERLINK(\"x\")",
    "\u{202e}evil",
    "ﬀ",
    "😀",
    "a@b",
    "not an email",
    "out.csv",
    "/dev/full",
    "/nonexistent/dir/x.csv",
    ".",
    "..",
    "--",
    "-",
    "--unknown-flag",
    "%s%s%n",
    "'; DROP TABLE cases; --",
];

/// Real command paths, so most runs get past the parser into core.
const COMMANDS: &[&[&str]] = &[
    &[],
    &[
        "case",
        "new",
        "--kind",
        "access",
        "--name",
        "A B",
        "--email",
        "a@b.example",
    ],
    &["case", "new"],
    &["case", "list"],
    &["case", "show"],
    &["case", "act", "PR-2026-00001"],
    &["case", "note", "PR-2026-00001"],
    &["export", "cases"],
    &["report", "monthly"],
    &["import"],
    &["verify"],
    &["retention", "--dry-run"],
    &["letter", "show", "PR-2026-00001"],
    &["letter", "send", "PR-2026-00001", "denial", "--file"],
    &["letter", "export", "PR-2026-00001"],
    &["case", "merge", "PR-2026-00002", "--into"],
    &["case", "bulk", "assign", "--to"],
    &["case", "bulk", "note", "--text"],
    &["customer", "set"],
    &["customer", "show"],
    &["view", "save"],
    &["case", "list", "--view"],
];

fn random_args(rng: &mut impl Rng) -> Vec<String> {
    let len = rng.random_range(0..6);
    let start = COMMANDS.choose(rng).copied().unwrap_or(&[]);
    start
        .iter()
        .map(|s| (*s).to_owned())
        .chain((0..len).map(|_| {
            if rng.random_bool(0.1) {
                // Now and then raw noise, long or with control characters.
                let n = rng.random_range(0..300);
                (0..n)
                    .map(|_| char::from_u32(rng.random_range(1..0x3000)).unwrap_or('x'))
                    .collect()
            } else {
                WORDS.choose(rng).copied().unwrap_or("").to_owned()
            }
        }))
        .collect()
}

#[test]
fn random_command_lines_end_in_a_clear_exit_never_a_panic_or_hang() {
    let runs = harness::trials("PRIVACYDESK_CLI_FUZZ_RUNS", 300);
    let mut rng = harness::rng("cli fuzz");
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("cases.db");
    harness::create_database(&db);
    let mut codes = std::collections::BTreeMap::new();
    for run in 0..runs {
        let args = random_args(&mut rng);
        let mut child = Command::new(privacydesk_tests::binary())
            .current_dir(dir.path())
            .env("PRIVACYDESK_PASSPHRASE", PASS)
            .env_remove("PRIVACYDESK_NEW_PASSPHRASE")
            .arg("--db")
            .arg(&db)
            .args(&args)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn");
        let started = Instant::now();
        let status = loop {
            if let Some(status) = child.try_wait().expect("wait") {
                break status;
            }
            if started.elapsed() > Duration::from_secs(20) {
                let _ = child.kill();
                panic!("run {run}: privacydesk {args:?} hung");
            }
            std::thread::sleep(Duration::from_millis(5));
        };
        let stderr =
            std::io::read_to_string(child.stderr.take().expect("stderr")).unwrap_or_default();
        let code = status.code().unwrap_or(-1);
        assert!(
            (0..=5).contains(&code) && !stderr.contains("panicked"),
            "run {run}: privacydesk {args:?} exited {code}: {stderr}"
        );
        if code != 0 {
            assert!(
                !stderr.trim().is_empty(),
                "run {run}: {args:?} failed without a word"
            );
        }
        *codes.entry(code).or_insert(0) += 1;
    }
    // Whatever ran, the database is still sound.
    drop(harness::assert_sound(&db));
    eprintln!("cli fuzz: {runs} command lines, exit codes {codes:?}");
}

/// A CSV file: sometimes valid rows, sometimes mangled, sometimes raw bytes.
fn csv_file() -> impl Strategy<Value = Vec<u8>> {
    let field = prop_oneof![
        Just("access".to_owned()),
        Just("forum-removal".to_owned()),
        Just("Ana Ruiz".to_owned()),
        Just("ana@example.com".to_owned()),
        Just("2026-03-01".to_owned()),
        Just("2026-02-30".to_owned()),
        Just("gdpr".to_owned()),
        Just("yes".to_owned()),
        Just(String::new()),
        "\\PC{0,30}",
        "[=+@\"',\\r\\n\\t-]{1,6}",
    ];
    let header = prop_oneof![
        Just("kind,name,email,received".to_owned()),
        Just("kind,name,email,received,jurisdiction,customer,channel,details,minor".to_owned()),
        Just("name,kind".to_owned()),
        Just(String::new()),
        "\\PC{0,40}",
    ];
    prop_oneof![
        (
            header,
            proptest::collection::vec(proptest::collection::vec(field, 0..10), 0..20)
        )
            .prop_map(|(header, rows)| {
                let mut text = header;
                for row in rows {
                    text.push('\n');
                    text.push_str(&row.join(","));
                }
                text.into_bytes()
            }),
        proptest::collection::vec(any::<u8>(), 0..2000),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn random_csv_imports_all_or_nothing_with_a_clear_error(bytes in csv_file()) {
        thread_local! {
            static DB: (tempfile::TempDir, std::cell::RefCell<Desk>) = {
                let dir = tempfile::tempdir().expect("temp dir");
                let desk = harness::new_desk(&dir.path().join("cases.db"));
                (dir, std::cell::RefCell::new(desk))
            };
        }
        DB.with(|(dir, desk)| {
            let mut desk = desk.borrow_mut();
            let file = dir.path().join("import.csv");
            std::fs::write(&file, &bytes).expect("write");
            let before = desk.count(&CaseFilter::default()).expect("count");
            let result = desk.import_csv(&file);
            let after = desk.count(&CaseFilter::default()).expect("count");
            match result {
                Ok(summary) => prop_assert_eq!(after, before + summary.references.len() as u64),
                Err(Error::ImportRejected(rows)) => {
                    prop_assert_eq!(after, before, "a rejected import left cases behind");
                    prop_assert!(!rows.is_empty() && rows.iter().all(|r| r.line >= 1 && !r.message.is_empty()));
                }
                Err(Error::Invalid(message)) => {
                    prop_assert_eq!(after, before);
                    prop_assert!(!message.is_empty());
                }
                Err(other) => prop_assert!(false, "unclear import failure: {other:?}"),
            }
            Ok(())
        })?;
    }
}
