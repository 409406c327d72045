//! Check 8: two processes writing at once (two core writers and the CLI beside them) wait
//! for each other: no "database is locked" reaches the person, nothing is lost.

use std::process::{Command, Stdio};

use privacydesk_core::CaseFilter;

use crate::harness::{self, PASS};

#[test]
fn concurrent_writers_wait_for_each_other_and_lose_nothing() {
    const PER_WRITER: u64 = 150;
    const CLI_CASES: usize = 15;
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("cases.db");
    harness::create_database(&db);

    let writers: Vec<_> = ["a", "b"]
        .iter()
        .map(|tag| {
            Command::new(harness::torture_binary())
                .arg("write")
                .arg(&db)
                .arg(tag)
                .arg(PER_WRITER.to_string())
                .env("PRIVACYDESK_PASSPHRASE", PASS)
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .expect("spawn a writer")
        })
        .collect();

    // Meanwhile a person uses the CLI: logs cases and lists them.
    for n in 0..CLI_CASES {
        let name = format!("Cli Person {n}");
        for args in [
            vec![
                "case",
                "new",
                "--kind",
                "inquiry",
                "--name",
                &name,
                "--email",
                "p@example.com",
            ],
            vec!["case", "list", "--limit", "5"],
        ] {
            let out = Command::new(privacydesk_tests::binary())
                .env("PRIVACYDESK_PASSPHRASE", PASS)
                .arg("--db")
                .arg(&db)
                .args(["--agent", "cli"])
                .args(&args)
                .output()
                .expect("run privacydesk");
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert!(out.status.success(), "privacydesk {args:?}: {stderr}");
            assert!(!stderr.to_lowercase().contains("lock"), "{stderr}");
        }
    }

    for writer in writers {
        let out = writer.wait_with_output().expect("wait for a writer");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "a writer failed: {stderr}");
        let lines = String::from_utf8_lossy(&out.stdout)
            .lines()
            .filter(|l| l.starts_with("case "))
            .count();
        assert_eq!(lines as u64, PER_WRITER, "a writer reported {lines} cases");
    }

    let desk = harness::assert_sound(&db);
    let total = desk.count(&CaseFilter::default()).expect("count");
    assert_eq!(total, 2 * PER_WRITER + CLI_CASES as u64);
    // Every writer's note made it too: 2 events per torture case, 1 per CLI case.
    let report = desk.verify().expect("verify");
    assert_eq!(
        report.chain.events,
        (4 * PER_WRITER + CLI_CASES as u64) as i64
    );
}
