//! Check 4: canary personal data written through every path — new case, items, note, action
//! reasons, import, export — is readable in none of the database, -wal, -shm, temp or log
//! files. (Exports are plaintext by design: the person chose to write that file.)

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use privacydesk_core::Desk;

use crate::harness::{self, PASS};

const CANARIES: [&str; 9] = [
    "Qzcanary Name",
    "qzcanary.email@example.com",
    "qzcanarydetails",
    "qzcanaryitem",
    "qzcanarynote",
    "qzcanaryreason",
    "Qzcanary Imported",
    "qzcanaryimported@example.com",
    "qzcanaryimportdetails",
];

struct Run {
    db: PathBuf,
    temp: PathBuf,
    stderr: Vec<u8>,
}

impl Run {
    fn privacydesk(&mut self, args: &[&str]) -> Output {
        let out = Command::new(privacydesk_tests::binary())
            .env("PRIVACYDESK_PASSPHRASE", PASS)
            .env("TMPDIR", &self.temp)
            .env("RUST_LOG", "trace")
            .arg("--db")
            .arg(&self.db)
            .args(args)
            .output()
            .expect("run privacydesk");
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        self.stderr.extend_from_slice(&out.stderr);
        out
    }
}

/// Every file under `dir` (recursively) whose bytes contain `needle`.
fn files_containing(dir: &Path, needle: &str, skip: &[&Path]) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return found;
    };
    for entry in entries.filter_map(|e| e.ok()) {
        let path = entry.path();
        if skip.contains(&path.as_path()) {
            continue;
        }
        if path.is_dir() {
            found.extend(files_containing(&path, needle, skip));
        } else if let Ok(bytes) = std::fs::read(&path) {
            let needle = needle.as_bytes();
            if bytes.windows(needle.len()).any(|w| w == needle) {
                found.push(path);
            }
        }
    }
    found
}

#[test]
fn canaries_written_through_every_path_are_readable_in_no_file_or_log() {
    let dir = tempfile::tempdir().expect("temp dir");
    let temp = dir.path().join("tmp");
    std::fs::create_dir(&temp).expect("tmp");
    let mut run = Run {
        db: dir.path().join("cases.db"),
        temp,
        stderr: Vec::new(),
    };
    let import = dir.path().join("import.csv");
    let export = dir.path().join("export.csv");

    run.privacydesk(&["init"]);
    let out = run.privacydesk(&[
        "case",
        "new",
        "--kind",
        "forum-removal",
        "--name",
        CANARIES[0],
        "--email",
        CANARIES[1],
        "--details",
        CANARIES[2],
        "--item",
        "https://forum.example.com/t/qzcanaryitem",
        "--item",
        "https://forum.example.com/t/other",
    ]);
    let reference = String::from_utf8_lossy(&out.stdout).trim().to_owned();
    run.privacydesk(&["case", "note", &reference, CANARIES[4]]);
    run.privacydesk(&["case", "act", &reference, "request-id"]);
    run.privacydesk(&["case", "act", &reference, "verify"]);
    run.privacydesk(&[
        "case",
        "act",
        &reference,
        "refuse-item",
        "--item",
        "https://forum.example.com/t/other",
        "--reason",
        CANARIES[5],
    ]);
    std::fs::write(
        &import,
        format!(
            "kind,name,email,received,details\ninquiry,{},{},2026-01-05,{}\n",
            CANARIES[6], CANARIES[7], CANARIES[8]
        ),
    )
    .expect("import file");
    run.privacydesk(&["import", import.to_str().expect("utf-8 path")]);
    run.privacydesk(&[
        "export",
        "cases",
        "--out",
        export.to_str().expect("utf-8 path"),
    ]);
    run.privacydesk(&["case", "list", "--search", "qzcanary"]);

    // The export holds the canaries it should, and nothing else is left in temp.
    let exported = std::fs::read_to_string(&export).expect("export");
    assert!(exported.contains(CANARIES[0]) && exported.contains(CANARIES[6]));
    // The scanner itself works: it finds the canaries where they are meant to be.
    let mut found = files_containing(dir.path(), CANARIES[6], &[]);
    found.sort();
    assert_eq!(found, vec![export.clone(), import.clone()]);

    // Look while another connection keeps the WAL (with the latest writes) in place, then
    // again after the last connection has folded it into the database file.
    let keep_open = Desk::open(&run.db, &harness::passphrase(), harness::agent()).expect("open");
    run.privacydesk(&["case", "note", &reference, "second qzcanarynote"]);
    assert!(
        harness::database_files(&run.db).len() >= 2,
        "the WAL should be there while a connection is open"
    );
    for canary in CANARIES {
        let found = files_containing(dir.path(), canary, &[&import, &export]);
        assert!(
            found.is_empty(),
            "{canary:?} readable beside the WAL in {found:?}"
        );
    }
    drop(keep_open);
    for canary in CANARIES {
        let found = files_containing(dir.path(), canary, &[&import, &export]);
        assert!(
            found.is_empty(),
            "{canary:?} readable after closing in {found:?}"
        );
        let log = String::from_utf8_lossy(&run.stderr);
        assert!(!log.contains(canary), "{canary:?} in the log output: {log}");
    }
    let leftovers: Vec<_> = std::fs::read_dir(&run.temp).expect("tmp").collect();
    assert!(leftovers.is_empty(), "temp files left: {leftovers:?}");
}
