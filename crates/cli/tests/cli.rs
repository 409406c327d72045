//! The `privacydesk` contract as scripts see it: output, JSON, files and exit codes,
//! on real encrypted databases.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use chrono::{Days, Local};
use predicates::prelude::*;
use serde_json::Value;

#[path = "../../core/tests/common/mail_sink.rs"]
mod mail_sink;

const PASS: &str = "correct horse battery staple";

struct Db {
    dir: tempfile::TempDir,
    path: PathBuf,
}

impl Db {
    fn new() -> Db {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("cases.db");
        let db = Db { dir, path };
        db.cmd(&["init"])
            .assert()
            .success()
            .stdout(predicate::str::contains("created"));
        db
    }

    fn cmd(&self, args: &[&str]) -> Command {
        let mut cmd = Command::cargo_bin("privacydesk").expect("binary");
        cmd.env("PRIVACYDESK_PASSPHRASE", PASS)
            .env_remove("PRIVACYDESK_DB")
            .env_remove("PRIVACYDESK_NEW_PASSPHRASE")
            .arg("--db")
            .arg(&self.path)
            .args(["--agent", "tester"])
            .args(args);
        cmd
    }

    fn stdout(&self, args: &[&str]) -> String {
        let out = self.cmd(args).output().expect("runs");
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).expect("utf-8")
    }

    fn json(&self, args: &[&str]) -> Value {
        serde_json::from_str(&self.stdout(args)).expect("JSON")
    }

    fn new_case(&self, extra: &[&str]) -> String {
        let mut args = vec![
            "case",
            "new",
            "--name",
            "Ana Ruiz",
            "--email",
            "ana@example.com",
        ];
        args.extend_from_slice(extra);
        let out = self.stdout(&args);
        let reference = out.trim().to_string();
        assert!(
            out.lines().count() == 1 && reference.starts_with("PR-"),
            "{out:?}"
        );
        reference
    }

    fn file(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }
}

fn days_ago(n: u64) -> String {
    (Local::now().date_naive() - Days::new(n)).to_string()
}

fn fails_with(cmd: &mut Command, code: i32, message: &str) {
    let out = cmd.output().expect("runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(code), "stderr: {stderr}");
    assert!(
        stderr.contains(message),
        "{stderr:?} should contain {message:?}"
    );
    assert_eq!(stderr.trim_end().lines().count(), 1, "one line: {stderr:?}");
}

#[test]
fn a_case_is_worked_from_new_to_closed() {
    let db = Db::new();
    let r = db.new_case(&[
        "--kind",
        "access",
        "--jurisdiction",
        "gdpr",
        "--customer",
        "Acme",
        "--received",
        &days_ago(3),
    ]);
    for action in [
        vec!["request-id"],
        vec!["verify"],
        vec!["forward"],
        vec!["customer-replied"],
        vec!["assign", "--to", "ben"],
    ] {
        let mut args = vec!["case", "act", &r];
        args.extend(action.iter().copied());
        db.stdout(&args);
    }
    db.stdout(&["case", "note", &r, "Sent the copy by secure link"]);
    fails_with(
        &mut db.cmd(&["case", "act", &r, "close", "--outcome", "fulfilled"]),
        5,
        "is not marked sent",
    );
    assert!(
        db.stdout(&["case", "show", &r])
            .contains(&format!("next:         letter show {r} access-response"))
    );
    let letter = db.stdout(&["letter", "show", &r, "access-response"]);
    let answer = db.file("answer.txt");
    let filled = letter.replace(
        "[[list each file enclosed and what it contains]]",
        "profile.json",
    );
    std::fs::write(&answer, filled).expect("write");
    let path = answer.to_str().expect("utf-8 path");
    let out = db.stdout(&[
        "letter",
        "send",
        &r,
        "access-response",
        "--file",
        path,
        "--close",
    ]);
    assert!(out.contains("closed (fulfilled)"), "{out}");
    let shown = db.json(&["case", "show", &r, "--json"]);
    assert_eq!(shown["reference"], r.as_str());
    assert_eq!(shown["kind"], "access");
    assert_eq!(shown["state"], "closed");
    assert_eq!(shown["outcome"], "fulfilled");
    assert_eq!(shown["assignee"], "ben");
    assert_eq!(shown["requester"]["name"], "Ana Ruiz");
    assert_eq!(shown["requester"]["email"], "ana@example.com");
    assert!(shown["received_on"].is_string() && shown["due_on"].is_string());
    let actions: Vec<&str> = shown["events"]
        .as_array()
        .expect("events")
        .iter()
        .filter_map(|e| e["action"].as_str())
        .collect();
    assert_eq!(
        actions,
        [
            "created",
            "request_id",
            "verify",
            "forward",
            "customer_replied",
            "assign",
            "note",
            "letter_sent",
            "close"
        ]
    );
    assert!(
        shown["events"]
            .as_array()
            .is_some_and(|e| e.iter().all(|e| e["actor"] == "tester"))
    );
    let text = db.stdout(&["case", "show", &r]);
    assert!(
        text.contains("GDPR: one calendar month from receipt"),
        "the due date is explained: {text}"
    );
}

#[test]
fn denial_needs_a_reason_and_reopening_too() {
    let db = Db::new();
    let r = db.new_case(&["--kind", "erasure"]);
    fails_with(
        &mut db.cmd(&["case", "act", &r, "close", "--outcome", "denied"]),
        2,
        "reason",
    );
    db.stdout(&[
        "case",
        "act",
        &r,
        "close",
        "--outcome",
        "denied",
        "--reason",
        "Data kept for tax law",
        "--denial-basis",
        "legal-obligation",
    ]);
    fails_with(&mut db.cmd(&["case", "act", &r, "reopen"]), 2, "reason");
    db.stdout(&["case", "act", &r, "reopen", "--reason", "New evidence"]);
    assert_eq!(
        db.json(&["case", "show", &r, "--json"])["state"],
        "in_progress"
    );
}

#[test]
fn forum_removal_with_one_item_refused() {
    let db = Db::new();
    let (a, b) = (
        "https://forum.example.com/t/1",
        "https://forum.example.com/t/2",
    );
    let r = db.new_case(&["--kind", "forum-removal", "--item", a, "--item", b]);
    db.stdout(&["case", "act", &r, "verify"]);
    db.stdout(&["case", "act", &r, "remove-item", "--item", a]);
    db.stdout(&[
        "case",
        "act",
        &r,
        "refuse-item",
        "--item",
        b,
        "--reason",
        "Quoted in a moderation ruling we must keep",
    ]);
    db.stdout(&[
        "case",
        "act",
        &r,
        "close",
        "--outcome",
        "partially-fulfilled",
        "--without-letter",
    ]);
    let shown = db.json(&["case", "show", &r, "--json"]);
    assert_eq!(shown["items"][0]["outcome"], "removed");
    assert_eq!(shown["items"][1]["outcome"], "refused");
    assert_eq!(
        shown["items"][1]["reason"],
        "Quoted in a moderation ruling we must keep"
    );
}

#[test]
fn account_closure_is_scheduled_for_deletion_thirty_days_out() {
    let db = Db::new();
    let r = db.new_case(&["--kind", "account-closure"]);
    db.stdout(&["case", "act", &r, "verify"]);
    db.stdout(&["case", "act", &r, "schedule-deletion"]);
    let shown = db.json(&["case", "show", &r, "--json"]);
    assert_eq!(shown["state"], "deletion_scheduled");
    let purge = (Local::now().date_naive() + Days::new(30)).to_string();
    assert_eq!(shown["purge_on"], purge.as_str());
    fails_with(
        &mut db.cmd(&["case", "act", &r, "confirm-deletion"]),
        5,
        "not before",
    );
    db.stdout(&["case", "act", &r, "hold", "--reason", "Litigation hold"]);
    let listed = db.json(&["case", "list", "--state", "deletion-scheduled", "--json"]);
    assert_eq!(listed.as_array().map(Vec::len), Some(1));
}

#[test]
fn exit_codes_follow_the_contract() {
    let db = Db::new();
    let r = db.new_case(&["--kind", "inquiry"]);
    fails_with(
        &mut db.cmd(&[
            "case",
            "new",
            "--kind",
            "teleport",
            "--name",
            "A",
            "--email",
            "a@example.com",
        ]),
        2,
        "unknown kind",
    );
    fails_with(
        &mut db.cmd(&[
            "case", "new", "--kind", "access", "--name", "A", "--email", "nope",
        ]),
        2,
        "email",
    );
    fails_with(
        &mut db.cmd(&[
            "case",
            "new",
            "--kind",
            "access",
            "--name",
            "A",
            "--email",
            "a@example.com",
            "--received",
            "2026-02-30",
        ]),
        2,
        "YYYY-MM-DD",
    );
    fails_with(
        &mut db.cmd(&[
            "case",
            "new",
            "--kind",
            "access",
            "--name",
            "A",
            "--email",
            "a@example.com",
            "--received",
            "2999-01-01",
        ]),
        2,
        "future",
    );
    fails_with(
        &mut db.cmd(&["case", "list", "--state", "sleeping"]),
        2,
        "unknown state",
    );
    fails_with(
        &mut db.cmd(&["case", "act", &r, "teleport"]),
        2,
        "unknown action",
    );
    fails_with(
        &mut db.cmd(&["report", "monthly", "--month", "2026-13", "--out", "x.csv"]),
        2,
        "YYYY-MM",
    );
    fails_with(
        &mut db.cmd(&["case", "show", "PR-2026-99999"]),
        4,
        "no case PR-2026-99999",
    );
    fails_with(
        &mut db.cmd(&["case", "show", "banana"]),
        2,
        "not a case reference",
    );
    fails_with(
        &mut db.cmd(&["case", "act", &r, "confirm-deletion"]),
        5,
        "not possible while the case is new",
    );
    fails_with(
        db.cmd(&["case", "list"])
            .env("PRIVACYDESK_PASSPHRASE", "wrong passphrase"),
        3,
        "wrong passphrase",
    );
    fails_with(
        db.cmd(&["case", "list"])
            .arg("--db")
            .arg(db.file("none.db")),
        1,
        "no database at",
    );
    let usage = db.cmd(&["case", "frobnicate"]).output().expect("runs");
    assert_eq!(usage.status.code(), Some(2));
}

#[test]
fn extension_is_bounded_by_the_law() {
    let db = Db::new();
    let received = days_ago(2);
    let r = db.new_case(&[
        "--kind",
        "access",
        "--jurisdiction",
        "ccpa",
        "--received",
        &received,
    ]);
    let too_far = (Local::now().date_naive() + Days::new(100)).to_string();
    fails_with(
        &mut db.cmd(&[
            "case", "act", &r, "extend", "--until", &too_far, "--reason", "volume",
        ]),
        2,
        "legal maximum",
    );
    let ok = (Local::now().date_naive() + Days::new(80)).to_string();
    let out = db.stdout(&[
        "case", "act", &r, "extend", "--until", &ok, "--reason", "volume",
    ]);
    assert!(out.contains(&ok), "{out}");
    fails_with(
        &mut db.cmd(&[
            "case", "act", &r, "extend", "--until", &ok, "--reason", "again",
        ]),
        5,
        "extend",
    );
    let lgpd = db.new_case(&["--kind", "access", "--jurisdiction", "lgpd"]);
    fails_with(
        &mut db.cmd(&[
            "case", "act", &lgpd, "extend", "--until", &ok, "--reason", "x",
        ]),
        5,
        "LGPD allows no extension",
    );
}

#[test]
fn lists_filter_by_state_kind_search_and_deadline() {
    let db = Db::new();
    let late = db.new_case(&["--kind", "access", "--received", &days_ago(60)]);
    let fresh = db.new_case(&["--kind", "erasure", "--received", &days_ago(1)]);
    let _closed = db.new_case(&["--kind", "inquiry"]);
    db.stdout(&["case", "act", &_closed, "close", "--outcome", "withdrawn"]);
    let refs = |args: &[&str]| -> Vec<String> {
        let mut all = vec!["case", "list", "--json"];
        all.extend_from_slice(args);
        db.json(&all)
            .as_array()
            .expect("array")
            .iter()
            .map(|c| c["reference"].as_str().unwrap_or("").to_string())
            .collect()
    };
    assert_eq!(refs(&["--overdue"]), vec![late.clone()]);
    assert_eq!(refs(&["--kind", "erasure"]), vec![fresh.clone()]);
    assert_eq!(refs(&["--state", "closed"]), vec![_closed.clone()]);
    assert_eq!(refs(&["--due-within", "7"]), vec![late.clone()]);
    assert_eq!(refs(&["--search", &fresh]), vec![fresh.clone()]);
    let listed = db.json(&["case", "list", "--json"]);
    assert!(listed[0].get("events").is_none(), "lists carry no events");
    assert_eq!(listed[0]["reference"], late.as_str(), "soonest due first");
    let table = db.stdout(&["case", "list"]);
    assert!(table.contains("OVERDUE") && table.contains(&fresh));
}

#[test]
fn export_report_and_import_write_and_read_files() {
    let db = Db::new();
    db.stdout(&[
        "case",
        "new",
        "--kind",
        "access",
        "--name",
        "=HYPERLINK(\"http://x\")",
        "--email",
        "x@example.com",
    ]);
    let out = db.file("cases.csv");
    let printed = db.stdout(&[
        "export",
        "cases",
        "--out",
        out.to_str().unwrap_or_default(),
        "--bom",
    ]);
    assert!(
        printed.contains("wrote 1 cases") && printed.contains("audit chain head"),
        "{printed}"
    );
    let bytes = std::fs::read(&out).expect("export written");
    assert!(bytes.starts_with(&[0xEF, 0xBB, 0xBF]));
    assert!(String::from_utf8_lossy(&bytes).contains("'=HYPERLINK"));

    let month = Local::now().format("%Y-%m").to_string();
    let report = db.file("report.csv");
    db.stdout(&[
        "report",
        "monthly",
        "--month",
        &month,
        "--out",
        report.to_str().unwrap_or_default(),
    ]);
    let text = std::fs::read_to_string(&report).expect("report written");
    assert!(
        text.starts_with("month,kind,received,closed,fulfilled"),
        "{text}"
    );
    assert_eq!(text.lines().count(), 10, "header, eight kinds and all");
    // One column per denial basis, which add up to the denials.
    let header: Vec<&str> = text.lines().next().unwrap_or_default().split(',').collect();
    let denied = header.iter().position(|c| *c == "denied").expect("denied");
    let bases: Vec<usize> = (0..header.len())
        .filter(|&i| header[i].starts_with("denied_"))
        .collect();
    assert_eq!(bases.len(), 7, "{header:?}");
    for line in text.lines().skip(1) {
        let cells: Vec<&str> = line.split(',').collect();
        assert_eq!(cells[0], month, "{line}");
        let number = |i: usize| cells[i].parse::<u64>().expect("a count");
        assert_eq!(
            bases.iter().map(|&i| number(i)).sum::<u64>(),
            number(denied),
            "{line}"
        );
    }

    let intake = db.file("intake.csv");
    std::fs::write(
        &intake,
        format!(
            "kind,name,email,received\naccess,Ben,ben@example.com,{}\nerasure,Cleo,bad,{}\n",
            days_ago(1),
            days_ago(1)
        ),
    )
    .expect("write");
    fails_with(
        &mut db.cmd(&["import", intake.to_str().unwrap_or_default()]),
        2,
        "line 3",
    );
    std::fs::write(
        &intake,
        format!(
            "email,kind,name,received,minor\nben@example.com,access,Ben,{},yes\n",
            days_ago(1)
        ),
    )
    .expect("write");
    let imported = db.stdout(&["import", intake.to_str().unwrap_or_default()]);
    assert_eq!(imported.lines().count(), 1);
    assert_eq!(
        db.json(&["case", "list", "--json"])
            .as_array()
            .map(Vec::len),
        Some(2)
    );
}

/// Found importing what Excel saves: with CRLF endings the bad row was named one line early,
/// and in a file with CR endings every row was "line 1".
#[test]
fn a_bad_imported_row_is_named_by_its_line_whatever_the_line_endings() {
    let db = Db::new();
    let intake = db.file("intake.csv");
    for ending in ["\n", "\r\n", "\r"] {
        let rows = [
            "kind,name,email,received".to_string(),
            format!("access,Ben,ben@example.com,{}", days_ago(1)),
            String::new(),
            format!("erasure,Cleo,cleo@example.com,{}", days_ago(1)),
            format!("erasure,Dan,bad,{}", days_ago(1)),
        ];
        std::fs::write(&intake, rows.join(ending) + ending).expect("write");
        fails_with(
            &mut db.cmd(&["import", intake.to_str().unwrap_or_default()]),
            2,
            "1 bad row; line 5: \"bad\" is not a valid email address",
        );
    }
}

#[test]
fn demo_verify_backup_and_rekey() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = Db {
        path: dir.path().join("demo.db"),
        dir,
    };
    db.cmd(&["demo", "--cases", "300", "--seed", "5"])
        .assert()
        .success();
    assert_eq!(
        db.json(&["case", "list", "--json"])
            .as_array()
            .map(Vec::len),
        Some(300)
    );
    // The yearly metrics count what the list shows: every case received in the year, by kind.
    let cases = db.json(&["case", "list", "--json"]);
    let year = Local::now().format("%Y").to_string();
    let received_this_year = |kind: &str| {
        cases.as_array().map_or(0, |all| {
            all.iter()
                .filter(|c| {
                    c["received_on"]
                        .as_str()
                        .is_some_and(|d| d.starts_with(&year))
                })
                .filter(|c| kind == "all" || c["kind"] == kind)
                .count()
        })
    };
    let metrics = db.file("metrics.csv");
    let printed = db.stdout(&[
        "report",
        "yearly",
        "--year",
        &year,
        "--out",
        metrics.to_str().unwrap_or_default(),
    ]);
    assert!(
        printed.contains(&format!("wrote the {year} metrics")),
        "{printed}"
    );
    let text = std::fs::read_to_string(&metrics).expect("metrics written");
    let mut lines = text.lines();
    assert_eq!(
        lines.next(),
        Some(
            "year,kind,received,complied_in_whole,complied_in_part,denied,withdrawn,merged,\
             median_days_to_respond,mean_days_to_respond,appeals_received,appeals_granted,\
             appeals_denied"
        )
    );
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
    assert_eq!(rows.len(), 9, "eight kinds and all: {text}");
    for row in &rows {
        assert_eq!(row[0], year);
        assert_eq!(row[2], received_this_year(row[1]).to_string(), "{text}");
    }
    fails_with(
        &mut db.cmd(&["report", "yearly", "--year", "25", "--out", "x.csv"]),
        2,
        "four-digit year",
    );

    let verified = db.stdout(&["verify"]);
    assert!(
        verified.contains("audit chain:            ok"),
        "{verified}"
    );
    let backup = db.file("backup.db");
    db.stdout(&["backup", "--out", backup.to_str().unwrap_or_default()]);
    fails_with(
        &mut db.cmd(&["backup", "--out", backup.to_str().unwrap_or_default()]),
        1,
        "already exists",
    );
    db.cmd(&["rekey"])
        .env("PRIVACYDESK_NEW_PASSPHRASE", "the new passphrase")
        .assert()
        .success();
    fails_with(&mut db.cmd(&["verify"]), 3, "wrong passphrase");
    db.cmd(&["verify"])
        .env("PRIVACYDESK_PASSPHRASE", "the new passphrase")
        .assert()
        .success();
    let other = Db {
        path: backup.clone(),
        dir: tempfile::tempdir().expect("dir"),
    };
    assert_eq!(
        other
            .json(&["case", "list", "--json"])
            .as_array()
            .map(Vec::len),
        Some(300)
    );
}

#[test]
fn the_passphrase_comes_from_a_file_when_the_environment_has_none() {
    let db = Db::new();
    let file = db.file("pass.txt");
    std::fs::write(&file, format!("{PASS}\n")).expect("write");
    let mut cmd = db.cmd(&["case", "list", "--json", "--passphrase-file"]);
    cmd.arg(&file).env_remove("PRIVACYDESK_PASSPHRASE");
    cmd.assert().success().stdout("[]\n");
    let mut none = db.cmd(&["case", "list"]);
    none.env_remove("PRIVACYDESK_PASSPHRASE");
    fails_with(&mut none, 2, "PRIVACYDESK_PASSPHRASE");
}

#[test]
fn short_passphrases_and_existing_files_are_refused_at_init() {
    let dir = tempfile::tempdir().expect("dir");
    let path: &Path = &dir.path().join("x.db");
    let mut short = Command::cargo_bin("privacydesk").expect("binary");
    short
        .env("PRIVACYDESK_PASSPHRASE", "short")
        .arg("--db")
        .arg(path)
        .arg("init");
    fails_with(&mut short, 2, "at least 8");
    assert!(!path.exists());
    let db = Db::new();
    fails_with(&mut db.cmd(&["init"]), 1, "refusing to overwrite");
}

#[test]
fn an_export_that_cannot_be_written_leaves_no_file_and_the_database_intact() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = Db {
        path: dir.path().join("demo.db"),
        dir,
    };
    db.cmd(&["demo", "--cases", "1000"]).assert().success();
    let out = db.file("cases.csv");
    // A file-size limit makes every write past 64 KiB fail, as a full disk would
    // (the signal is ignored so the write returns an error instead of killing the process).
    let binary = assert_cmd::cargo::cargo_bin("privacydesk");
    let script = format!(
        "trap '' XFSZ; ulimit -f 64; exec '{}' --db '{}' export cases --out '{}'",
        binary.display(),
        db.path.display(),
        out.display()
    );
    let mut limited = Command::new("bash");
    limited
        .env("PRIVACYDESK_PASSPHRASE", PASS)
        .args(["-c", &script]);
    fails_with(&mut limited, 1, "cannot write");
    assert!(!out.exists(), "no partial export");
    let leftovers: Vec<_> = std::fs::read_dir(db.dir.path())
        .expect("list")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("partial"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
    assert!(
        db.stdout(&["verify"])
            .contains("audit chain:            ok")
    );
    assert_eq!(
        db.json(&["case", "list", "--json"])
            .as_array()
            .map(Vec::len),
        Some(1000)
    );
}

#[test]
fn a_letter_is_shown_edited_sent_listed_and_saved_to_a_file() {
    let db = Db::new();
    let r = db.new_case(&[
        "--kind",
        "access",
        "--jurisdiction",
        "gdpr",
        "--received",
        &days_ago(3),
    ]);
    // The access answer waits for the identity check.
    fails_with(
        &mut db.cmd(&["letter", "show", &r, "access-response"]),
        5,
        "verify the requester's identity",
    );
    fails_with(
        &mut db.cmd(&["letter", "show", &r, "love-letter"]),
        2,
        "unknown letter",
    );
    db.stdout(&["case", "act", &r, "verify"]);
    let shown = db
        .cmd(&["letter", "show", &r, "access-response"])
        .output()
        .expect("runs");
    assert!(shown.status.success());
    let text = String::from_utf8(shown.stdout).expect("utf-8");
    assert!(text.starts_with("To: Ana Ruiz <ana@example.com>\nSubject: Your privacy request"));
    assert!(String::from_utf8_lossy(&shown.stderr).contains("template; 1 blank(s) to fill"));
    fails_with(
        &mut db.cmd(&["letter", "send", &r, "access-response"]),
        2,
        "the letter still has a blank to fill: [[list each file enclosed",
    );

    let draft = db.file("draft.txt");
    std::fs::write(
        &draft,
        text.replace(
            "[[list each file enclosed and what it contains]]",
            "profile.json, tickets.csv",
        ),
    )
    .expect("write");
    assert!(
        db.stdout(&[
            "letter",
            "draft",
            &r,
            "access-response",
            "--file",
            draft.to_str().expect("utf-8 path")
        ])
        .contains("0 blank(s) still to fill")
    );
    let again = db.stdout(&["letter", "show", &r, "access-response"]);
    assert!(
        again.contains("profile.json, tickets.csv"),
        "the draft is kept: {again}"
    );
    let sent = db.stdout(&["letter", "send", &r, "access-response"]);
    assert!(
        sent.contains("letter 1 (access-response) kept on"),
        "{sent}"
    );

    let listed = db.stdout(&["letter", "list", &r]);
    assert!(
        listed.contains("1  access-response        sent "),
        "{listed}"
    );
    let out = db.file("answer.txt");
    db.stdout(&[
        "letter",
        "export",
        &r,
        "1",
        "--out",
        out.to_str().expect("utf-8 path"),
    ]);
    let saved = std::fs::read_to_string(&out).expect("written");
    assert!(saved.contains("profile.json, tickets.csv"));
    fails_with(
        &mut db.cmd(&[
            "letter",
            "export",
            &r,
            "7",
            "--out",
            out.to_str().expect("utf-8 path"),
        ]),
        2,
        "has no letter number 7",
    );

    let view = db.json(&["case", "show", &r, "--json"]);
    assert_eq!(view["letters"][0]["kind"], "access_response");
    let actions: Vec<&str> = view["events"]
        .as_array()
        .expect("events")
        .iter()
        .filter_map(|e| e["action"].as_str())
        .collect();
    assert!(actions.ends_with(&["letter_draft_saved", "letter_sent", "letter_exported"]));
    assert!(
        db.stdout(&["verify"])
            .contains("case states:            ok")
    );
}

#[test]
fn the_templates_are_written_for_editing_and_used() {
    let db = Db::new();
    let written = db.stdout(&["letter", "templates"]);
    assert_eq!(written.matches("wrote ").count(), 14, "{written}");
    let folder = db.file("letters");
    std::fs::write(
        folder.join("company.toml"),
        "name = \"Acme\"\nsignature = \"Acme privacy\"\n",
    )
    .expect("write");
    let r = db.new_case(&["--kind", "inquiry"]);
    let text = db.stdout(&["letter", "show", &r, "identity-request"]);
    assert!(text.contains("\nAcme privacy\n"), "{text}");
    assert!(db.stdout(&["letter", "templates"]).contains("kept "));
    std::fs::write(folder.join("company.toml"), "name = [").expect("write");
    fails_with(
        &mut db.cmd(&["letter", "show", &r, "identity-request"]),
        2,
        "company.toml",
    );
}

#[test]
fn a_duplicate_is_flagged_when_logged_and_merged() {
    let db = Db::new();
    let first = db.new_case(&["--kind", "access"]);
    let out = db
        .cmd(&[
            "case",
            "new",
            "--kind",
            "erasure",
            "--name",
            "Ana Ruiz",
            "--email",
            " ANA@Example.com ",
        ])
        .output()
        .expect("runs");
    assert!(out.status.success());
    let second = String::from_utf8(out.stdout)
        .expect("utf-8")
        .trim()
        .to_string();
    let warning = String::from_utf8_lossy(&out.stderr);
    assert!(
        warning.contains(&format!(
            "possible duplicate: {first} (access, new, received"
        )) && warning.contains(&format!("privacydesk case merge {second} --into {first}")),
        "{warning}"
    );
    assert!(
        db.stdout(&["case", "show", &first])
            .contains(&format!("duplicate?:   {second}"))
    );
    let merged = db.stdout(&["case", "merge", &second, "--into", &first]);
    assert!(
        merged.contains(&format!("merged {second} into {first}")),
        "{merged}"
    );
    let view = db.json(&["case", "show", &second, "--json"]);
    assert_eq!(
        (view["state"].as_str(), view["outcome"].as_str()),
        (Some("closed"), Some("merged"))
    );
    fails_with(
        &mut db.cmd(&["case", "merge", &second, "--into", &first]),
        5,
        "is closed",
    );
    let other = db.stdout(&[
        "case",
        "new",
        "--kind",
        "access",
        "--name",
        "Bo",
        "--email",
        "bo@example.com",
    ]);
    fails_with(
        &mut db.cmd(&["case", "merge", other.trim(), "--into", &first]),
        5,
        "different addresses",
    );
}

#[test]
fn a_minors_access_request_needs_the_guardian_check_and_opens_the_erasure() {
    let db = Db::new();
    fails_with(
        &mut db.cmd(&[
            "case",
            "new",
            "--kind",
            "access",
            "--name",
            "Mia",
            "--email",
            "m@example.com",
            "--phone",
            "call me",
        ]),
        2,
        "is not a phone number",
    );
    let called = db.new_case(&[
        "--kind",
        "inquiry",
        "--channel",
        "phone",
        "--phone",
        "+44 20 7946 0018",
    ]);
    assert!(
        db.stdout(&["case", "show", &called])
            .contains("phone:        +44 20 7946 0018")
    );
    let r = db.new_case(&["--kind", "access", "--minor"]);
    assert!(
        db.stdout(&["case", "show", &r])
            .contains("verify a parent or guardian")
    );
    fails_with(
        &mut db.cmd(&["case", "act", &r, "verify"]),
        2,
        "how the parent or guardian was verified",
    );
    db.stdout(&[
        "case",
        "act",
        &r,
        "verify",
        "--reason",
        "Mother's ID checked on a call",
    ]);
    let closed = db.stdout(&[
        "case",
        "act",
        &r,
        "close",
        "--outcome",
        "fulfilled",
        "--without-letter",
    ]);
    let follow_up = closed
        .lines()
        .find_map(|l| l.strip_prefix("opened "))
        .and_then(|l| l.split(':').next())
        .expect("a follow-up is named")
        .to_string();
    let view = db.json(&["case", "show", &follow_up, "--json"]);
    assert_eq!(view["kind"], "erasure");
    assert_eq!(
        view["is_minor"]
            .as_bool()
            .or(view["requester"]["is_minor"].as_bool()),
        Some(true)
    );
}

#[test]
fn customers_are_set_listed_and_shown_with_their_forwarding_dates() {
    let db = Db::new();
    let r = db.new_case(&[
        "--kind",
        "access",
        "--customer",
        "Acme Retail",
        "--received",
        &days_ago(20),
    ]);
    assert!(
        db.stdout(&["customer", "list"])
            .contains("Acme Retail                    (no contact set)")
    );
    let set = db.stdout(&[
        "customer",
        "set",
        "acme retail",
        "--contact",
        "privacy@acme.example",
        "--forward-days",
        "3",
    ]);
    assert!(
        set.contains("privacy@acme.example") && set.contains("forward within 3 business days"),
        "{set}"
    );
    fails_with(
        &mut db.cmd(&["customer", "set", "Acme Retail", "--forward-days", "0"]),
        2,
        "1 to 60 business days",
    );
    let shown = db.stdout(&["customer", "show", "Acme Retail"]);
    assert!(
        shown.contains("1 open case(s), 1 past the forwarding date"),
        "{shown}"
    );
    assert!(shown.contains(&r), "{shown}");
    assert!(
        db.stdout(&["case", "show", &r])
            .contains("not forwarded, LATE")
    );
    let packet = db.stdout(&["letter", "show", &r, "customer-forwarding"]);
    assert!(
        packet.starts_with("To: Acme Retail <privacy@acme.example>"),
        "{packet}"
    );
    db.stdout(&["case", "act", &r, "forward"]);
    assert!(db.stdout(&["case", "show", &r]).contains("forwarded "));
}

#[test]
fn bulk_work_and_saved_views() {
    let db = Db::new();
    let a = db.new_case(&["--kind", "erasure", "--customer", "Acme"]);
    let b = db.new_case(&["--kind", "erasure", "--customer", "Acme"]);
    let c = db.new_case(&["--kind", "access"]);
    db.stdout(&["case", "act", &c, "close", "--outcome", "withdrawn"]);
    let out = db
        .cmd(&["case", "bulk", "assign", "--to", "dana", &a, &b, &c])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(5), "one refused");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stdout.contains(&format!("{a}: assigned to dana"))
            && stdout.contains(&format!("{b}: assigned to dana")),
        "{stdout}"
    );
    assert!(
        stderr.contains(&format!(
            "{c}: refused: assign is not possible while the case is closed"
        )),
        "{stderr}"
    );
    assert!(
        stderr.contains("assigned to dana: 2 cases; 1 case refused"),
        "{stderr}"
    );
    db.stdout(&["case", "bulk", "note", "--text", "Chased by phone", &a, &b]);
    db.stdout(&["case", "bulk", "forward", &a, &b]);
    let view = db.json(&["case", "show", &b, "--json"]);
    assert_eq!(view["state"], "awaiting_customer");
    assert_eq!(view["assignee"], "dana");
    fails_with(
        &mut db.cmd(&["case", "bulk", "note", "--text", "", &a]),
        2,
        "note is required",
    );

    assert!(db.stdout(&["view", "list"]).contains("no saved views"));
    db.stdout(&[
        "view",
        "save",
        "Acme erasures",
        "--open",
        "--kind",
        "erasure",
        "--customer",
        "acme",
    ]);
    assert!(
        db.stdout(&["view", "list"])
            .contains("open, kind erasure, customer acme")
    );
    let listed = db.json(&["case", "list", "--view", "acme ERASURES", "--json"]);
    assert_eq!(listed.as_array().map(Vec::len), Some(2));
    fails_with(
        &mut db.cmd(&["case", "list", "--view", "nope"]),
        2,
        "no saved view",
    );
    // Views are per agent.
    let other = db
        .cmd(&["view", "list"])
        .args(["--agent", "someone-else"])
        .output()
        .expect("runs");
    assert!(String::from_utf8_lossy(&other.stdout).contains("no saved views"));
    db.stdout(&["view", "delete", "Acme erasures"]);
}

#[test]
fn output_cut_short_by_a_closed_pipe_ends_quietly() {
    use std::io::Read;
    let db = Db::new();
    // Far more than a pipe buffer holds, so the writer is still writing when the reader goes.
    db.stdout(&["demo", "--cases", "3000"]);
    let binary = assert_cmd::cargo::cargo_bin("privacydesk");
    let mut child = std::process::Command::new(binary)
        .env("PRIVACYDESK_PASSPHRASE", PASS)
        .arg("--db")
        .arg(&db.path)
        .args(["case", "list", "--limit", "0"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("runs");
    let mut first = [0u8; 64];
    child
        .stdout
        .take()
        .expect("stdout")
        .read_exact(&mut first)
        .expect("some output");
    // The read end is dropped here, as `| head -1` would.
    let out = child.wait_with_output().expect("ends");
    assert_eq!(out.status.code(), Some(141));
    assert_eq!(String::from_utf8_lossy(&out.stderr), "", "no panic message");
}

#[test]
fn laws_and_calendars_are_listed_and_a_uk_gdpr_deadline_moves_off_good_friday() {
    let db = Db::new();
    let laws = db.stdout(&["laws", "list"]);
    for name in [
        "gdpr", "uk-gdpr", "ccpa", "pipeda", "quebec", "lgpd", "default",
    ] {
        assert!(laws.contains(name), "{laws}");
    }
    let ccpa = db.stdout(&["laws", "show", "ccpa"]);
    assert!(ccpa.contains("11 CCR § 7021(a)"), "{ccpa}");
    assert!(ccpa.contains("within 10 business days"), "{ccpa}");
    fails_with(
        &mut db.cmd(&["laws", "show", "mars"]),
        2,
        "unknown jurisdiction \"mars\"; expected one of: gdpr",
    );
    let listed = db.stdout(&["calendar", "list"]);
    for name in [
        "uk-england-wales",
        "uk-scotland",
        "ie",
        "de",
        "ca-qc",
        "br",
        "us",
    ] {
        assert!(listed.contains(name), "{listed}");
    }
    let shown = db.stdout(&["calendar", "show", "uk-scotland", "--year", "2026"]);
    assert!(
        shown.contains("2026-11-30  Mon  St Andrew's Day"),
        "{shown}"
    );
    assert!(shown.contains("2026-01-02  Fri  2nd January"), "{shown}");
    fails_with(
        &mut db.cmd(&["calendar", "show", "atlantis"]),
        2,
        "unknown holiday calendar \"atlantis\"; known: uk-england-wales",
    );
    let r = db.new_case(&[
        "--kind",
        "access",
        "--jurisdiction",
        "uk-gdpr",
        "--received",
        "2026-03-03",
    ]);
    let case = db.stdout(&["case", "show", &r]);
    assert!(
        case.contains("2026-04-03 is Good Friday, a bank holiday in England and Wales"),
        "{case}"
    );
    assert!(case.contains("Due 2026-04-07."), "{case}");
    // A Global Privacy Control signal: an opt-out in 15 US business days, no identity check.
    let signal = db.new_case(&[
        "--kind",
        "marketing-opt-out",
        "--channel",
        "signal",
        "--jurisdiction",
        "ccpa",
        "--received",
        "2026-11-20",
    ]);
    let shown = db.stdout(&["case", "show", &signal]);
    assert!(shown.contains("Due 2026-12-14."), "{shown}");
    assert!(
        shown.contains(&format!("next:         case act {signal} close")),
        "{shown}"
    );
    let filed = db.new_case(&[
        "--kind",
        "erasure",
        "--jurisdiction",
        "ccpa",
        "--authorized-agent",
        "Privacy Rights Agency LLC",
        "--agent-proof",
        "Signed authorisation",
    ]);
    assert!(db.stdout(&["case", "show", &filed]).contains(
        "filed by:     Privacy Rights Agency LLC (authorized agent; proof seen: Signed authorisation)"
    ));
    fails_with(
        &mut db.cmd(&[
            "case",
            "new",
            "--kind",
            "erasure",
            "--name",
            "Ana Ruiz",
            "--email",
            "ana@example.com",
            "--authorized-agent",
            "Agency",
        ]),
        2,
        "say what proof of the person's permission the authorized agent showed",
    );
    fails_with(
        &mut db.cmd(&["case", "act", &signal, "request-id"]),
        5,
        "an opt-out preference signal is honoured as it comes",
    );
}

#[test]
fn a_refusal_is_appealed_where_the_state_law_gives_the_right_and_decided() {
    let db = Db::new();
    let received = days_ago(20);
    let r = db.new_case(&[
        "--kind",
        "access",
        "--jurisdiction",
        "us-va",
        "--received",
        &received,
    ]);
    db.stdout(&[
        "case",
        "act",
        &r,
        "close",
        "--outcome",
        "denied",
        "--reason",
        "it would disclose another person's data",
        "--denial-basis",
        "exemption",
    ]);
    fails_with(
        &mut db.cmd(&["case", "act", &r, "appeal"]),
        2,
        "grounds for the appeal",
    );
    db.stdout(&[
        "case",
        "act",
        &r,
        "appeal",
        "--reason",
        "the other person agreed",
    ]);
    let shown = db.json(&["case", "show", &r, "--json"]);
    assert_eq!(shown["state"], "in_appeal");
    assert_eq!(shown["appeal"]["against"], "denied");
    let text = db.stdout(&["case", "show", &r]);
    assert!(text.contains("Appeal received"), "{text}");
    assert!(
        text.contains("Virginia CDPA: 60 calendar days to decide an appeal"),
        "{text}"
    );
    // The decision goes out before the appeal is closed.
    fails_with(
        &mut db.cmd(&[
            "case",
            "act",
            &r,
            "close",
            "--outcome",
            "denied",
            "--reason",
            "upheld",
        ]),
        5,
        "Appeal decision",
    );
    let letter = db.stdout(&["letter", "show", &r, "appeal-decision"]);
    assert!(letter.contains("Attorney General of Virginia"), "{letter}");
    let filled = letter
        .replace(
            "[[granted: we have now done what you asked / denied: we uphold our answer]]",
            "we uphold our answer",
        )
        .replace(
            "[[the reasons for the decision]]",
            "the consent covers only part of it",
        );
    let draft = db.file("decision.txt");
    std::fs::write(&draft, filled).expect("write");
    db.stdout(&[
        "letter",
        "draft",
        &r,
        "appeal-decision",
        "--file",
        draft.to_str().expect("utf-8"),
    ]);
    db.stdout(&["letter", "send", &r, "appeal-decision"]);
    db.stdout(&[
        "case",
        "act",
        &r,
        "close",
        "--outcome",
        "denied",
        "--reason",
        "upheld",
    ]);
    let decided = db.json(&["case", "show", &r, "--json"]);
    assert_eq!(
        (&decided["state"], &decided["outcome"]),
        (&"closed".into(), &"denied".into())
    );
    assert_eq!(decided["appeal"]["granted"], false);
    fails_with(
        &mut db.cmd(&["case", "act", &r, "appeal", "--reason", "again"]),
        5,
        "the appeal was decided",
    );
    // Under the GDPR there is no appeal to the business.
    let eu = db.new_case(&["--kind", "erasure", "--jurisdiction", "gdpr"]);
    db.stdout(&[
        "case",
        "act",
        &eu,
        "close",
        "--outcome",
        "denied",
        "--reason",
        "kept for tax law",
    ]);
    fails_with(
        &mut db.cmd(&["case", "act", &eu, "appeal", "--reason", "no"]),
        5,
        "gives no right to appeal",
    );
    // The month's report counts it: one received, one denied.
    let report = db.file("appeals.csv");
    let month = Local::now().format("%Y-%m").to_string();
    db.stdout(&[
        "report",
        "monthly",
        "--month",
        &month,
        "--out",
        report.to_str().unwrap_or_default(),
    ]);
    let text = std::fs::read_to_string(&report).expect("report written");
    let all = text.lines().last().unwrap_or_default();
    assert!(all.ends_with(",1,0,1"), "{text}");
}

#[test]
fn the_company_chooses_a_law_s_calendar_and_its_closures_in_a_file_beside_the_database() {
    let db = Db::new();
    let listed = db.stdout(&["calendar", "list"]);
    assert!(listed.contains("calendar init"), "{listed}");
    assert!(db.stdout(&["calendar", "init"]).contains("wrote "));
    assert!(
        db.stdout(&["calendar", "init"])
            .contains("kept the existing")
    );
    let settings = db.file("calendars.toml");
    // A German establishment: 25 and 26 December are holidays; the desk is closed from the 21st.
    std::fs::write(
        &settings,
        "[laws]\ngdpr = \"de\"\n\n[[closure]]\ndate = \"2026-12-21\"\nuntil = \"2026-12-31\"\nname = \"Winter closure\"\n",
    )
    .expect("write settings");
    let listed = db.stdout(&["calendar", "list"]);
    assert!(listed.contains("gdpr       follows de"), "{listed}");
    assert!(
        listed.contains("2026-12-24  Thu  closed: Winter closure"),
        "{listed}"
    );
    // Received 24 November: a month on is Thursday 24 December; Christmas Eve is no German
    // public holiday, so the date stands, and the closure asks for the work by 18 December.
    let r = db.new_case(&[
        "--kind",
        "access",
        "--jurisdiction",
        "gdpr",
        "--received",
        "2026-11-24",
    ]);
    let shown = db.stdout(&["case", "show", &r]);
    assert!(shown.contains("Due 2026-12-24."), "{shown}");
    assert!(shown.contains("work by:      2026-12-18"), "{shown}");
    // Received 25 November: 25 December, Christmas Day in Germany; the 26th a holiday too,
    // then the weekend → Monday 28 December.
    let later = db.new_case(&[
        "--kind",
        "access",
        "--jurisdiction",
        "gdpr",
        "--received",
        "2026-11-25",
    ]);
    let shown = db.stdout(&["case", "show", &later]);
    assert!(shown.contains("a public holiday in Germany"), "{shown}");
    assert!(shown.contains("Due 2026-12-28."), "{shown}");
    // A broken file: named with its line, the built-in calendars used, nothing else changed.
    std::fs::write(&settings, "[laws]\ngdpr = \"atlantis\"\n").expect("write settings");
    let output = db
        .cmd(&[
            "case",
            "new",
            "--kind",
            "access",
            "--name",
            "Ana Ruiz",
            "--email",
            "ana@example.com",
            "--jurisdiction",
            "gdpr",
            "--received",
            "2026-11-25",
        ])
        .output()
        .expect("runs");
    assert!(output.status.success());
    let warned = String::from_utf8_lossy(&output.stderr);
    assert!(
        warned.contains("calendars.toml: line 2: unknown holiday calendar \"atlantis\""),
        "{warned}"
    );
    assert!(
        warned.contains("the built-in calendars are used"),
        "{warned}"
    );
    let third = String::from_utf8_lossy(&output.stdout).trim().to_string();
    let shown = db.stdout(&["case", "show", &third]);
    assert!(shown.contains("Christmas Day"), "Irish calendar: {shown}");
    // The case logged under the German calendar keeps it.
    let kept = db.stdout(&["case", "show", &later]);
    assert!(kept.contains("a public holiday in Germany"), "{kept}");
}

#[test]
fn the_mail_settings_are_set_shown_and_refused_when_they_would_send_in_clear() {
    let db = Db::new();
    let shown = db.stdout(&["mail", "settings"]);
    assert!(shown.contains("outgoing (SMTP): not set"), "{shown}");
    assert!(shown.contains("incoming (IMAP): not set"), "{shown}");
    let shown = db.stdout(&[
        "mail",
        "settings",
        "--smtp-host",
        "smtp.example.com",
        "--user",
        "privacy@example.com",
        "--from",
        "Privacy@Example.com",
    ]);
    assert!(
        shown.contains(
            "outgoing (SMTP): smtp.example.com:587 (starttls), user privacy@example.com, password"
        ),
        "{shown}"
    );
    assert!(shown.contains("  from Privacy@example.com"), "{shown}");
    let file = db.file("mail.toml");
    let text = std::fs::read_to_string(&file).expect("mail.toml beside the database");
    assert!(text.contains("host = \"smtp.example.com\""), "{text}");
    // Only what is given changes; the port follows a new security unless one is given.
    let settings = db.json(&[
        "mail",
        "settings",
        "--security",
        "tls",
        "--imap-host",
        "imap.example.com",
        "--imap-security",
        "tls",
        "--imap-user",
        "privacy@example.com",
        "--imap-auth",
        "xoauth2",
        "--imap-token-command",
        "oauth2-token privacy",
        "--json",
    ]);
    assert_eq!(settings["outgoing"]["port"], 465, "{settings}");
    assert_eq!(settings["outgoing"]["from"], "Privacy@example.com");
    assert_eq!(settings["incoming"]["port"], 993);
    assert_eq!(settings["incoming"]["mailbox"], "INBOX");
    assert_eq!(settings["incoming"]["auth"], "xoauth2");
    assert_eq!(settings["shared"], false);
    let before = std::fs::read_to_string(&file).expect("file");
    fails_with(
        &mut db.cmd(&["mail", "settings", "--security", "none"]),
        2,
        "must be encrypted",
    );
    fails_with(
        &mut db.cmd(&["mail", "settings", "--imap-auth", "oauth"]),
        2,
        "unknown mail authentication \"oauth\"",
    );
    fails_with(
        &mut db.cmd(&["mail", "settings", "--from", "nobody"]),
        2,
        "the sender address",
    );
    assert_eq!(std::fs::read_to_string(&file).expect("file"), before);
    // A hand edit with a mistake is named by its line; mail is never sent on a guess.
    std::fs::write(&file, "[outgoing]\nhost = \"smtp.example.com\"\nuser = \"u\"\nfrom = \"a@example.com\"\nport = \"x\"\n")
        .expect("write");
    fails_with(&mut db.cmd(&["mail", "settings"]), 2, "mail.toml: line 5");
    assert!(
        db.stdout(&["verify"])
            .contains("audit chain:            ok")
    );
}

#[test]
fn a_letter_sent_by_email_to_a_server_that_is_down_waits_in_the_outbox_and_says_why() {
    let db = Db::new();
    let r = db.new_case(&["--kind", "access", "--jurisdiction", "gdpr"]);
    db.stdout(&["case", "act", &r, "verify"]);
    let letter = db.file("answer.txt");
    std::fs::write(&letter, "Dear Ana Ruiz,\n\nyour data is enclosed.\n").expect("a letter");
    let letter = letter.to_string_lossy().to_string();
    let send = [
        "letter",
        "send",
        &r,
        "access-response",
        "--file",
        &letter,
        "--by-email",
    ];

    // Nothing is set up yet: said plainly, nothing queued.
    fails_with(&mut db.cmd(&send), 5, "no outgoing mail is set up");
    // Port 9 on loopback: nothing listens there.
    db.stdout(&[
        "mail",
        "settings",
        "--smtp-host",
        "127.0.0.1",
        "--smtp-port",
        "9",
        "--security",
        "none",
        "--user",
        "privacy@acme.example",
        "--from",
        "privacy@acme.example",
    ]);
    fails_with(
        db.cmd(&send).env_remove("PRIVACYDESK_SMTP_PASSWORD"),
        2,
        "PRIVACYDESK_SMTP_PASSWORD",
    );
    fails_with(
        db.cmd(&["mail", "test"])
            .env("PRIVACYDESK_SMTP_PASSWORD", "secret"),
        9,
        "could not be reached",
    );
    fails_with(
        db.cmd(&send).env("PRIVACYDESK_SMTP_PASSWORD", "secret"),
        9,
        "waits in the outbox as message 1",
    );
    let listed = db.stdout(&["outbox", "list"]);
    assert!(listed.contains(&r) && listed.contains("failed"), "{listed}");
    assert!(
        listed.contains("last try: the mail server could not be reached"),
        "{listed}"
    );
    let letters = db.stdout(&["letter", "list", &r]);
    assert!(
        letters.contains("draft") && !letters.contains("sent "),
        "{letters}"
    );
    let json = db.json(&["outbox", "list", "--json"]);
    assert_eq!(json[0]["state"], "failed", "{json}");
    assert_eq!(json[0]["to"], "requester", "{json}");
    fails_with(
        db.cmd(&["outbox", "retry", "7"])
            .env("PRIVACYDESK_SMTP_PASSWORD", "secret"),
        2,
        "no message 7",
    );
}

#[test]
fn mail_saved_as_files_is_imported_once_and_worked_from_the_intake_queue() {
    let db = Db::new();
    let r = db.new_case(&["--kind", "access", "--jurisdiction", "gdpr"]);
    let eml = |name: &str, text: &str| {
        let path = db.file(name);
        std::fs::write(&path, text.replace('\n', "\r\n")).expect("a message");
        path.to_string_lossy().to_string()
    };
    let reply = eml(
        "reply.eml",
        &format!(
            "Message-ID: <r@x>\nFrom: Ana Ruiz <ana@example.com>\nSubject: Re: [{r}] Your request\n\
             \nHere it is.\n"
        ),
    );
    let request = eml(
        "request.eml",
        "Message-ID: <q@x>\nFrom: Bo Lind <bo@example.org>\nSubject: Unsubscribe me\n\
         Date: Mon, 30 Nov 2026 08:00:00 +0000\n\nNo more newsletters please.\n",
    );
    let broken = eml("broken.eml", "\u{1b}[2J no headers at all\n");
    let missing = db.file("missing.eml").to_string_lossy().to_string();

    let out = db
        .cmd(&[
            "intake", "import", &reply, &request, &broken, &missing, &reply,
        ])
        .output()
        .expect("runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        out.status.code(),
        Some(2),
        "one file could not be read: {stderr}"
    );
    assert!(
        stdout.contains(&format!("message 1, from the requester, kept on {r}")),
        "{stdout}"
    );
    assert!(
        stdout.contains("message 2 waits in the intake queue"),
        "{stdout}"
    );
    assert!(
        stdout.contains("note: it is not a readable email message"),
        "{stdout}"
    );
    assert!(
        stdout.contains("imported before, as message 1; skipped"),
        "{stdout}"
    );
    assert!(
        stderr.contains("missing.eml: not imported: cannot read"),
        "{stderr}"
    );
    assert!(
        stderr.contains("3 imported, 1 imported before, 1 not imported"),
        "{stderr}"
    );
    assert!(!stdout.contains('\u{1b}'), "no escape reaches the terminal");

    let queue = db.json(&["intake", "list", "--json"]);
    assert_eq!(queue.as_array().map(Vec::len), Some(2), "{queue}");
    let shown = db.stdout(&["intake", "show", "2"]);
    assert!(shown.contains("No more newsletters please."), "{shown}");
    assert!(
        shown.contains("privacydesk intake to-case 2 --kind marketing-opt-out"),
        "{shown}"
    );
    // The kind is the agent's to choose: the guess is never applied by itself.
    db.cmd(&["intake", "to-case", "2"])
        .assert()
        .failure()
        .code(2);
    let opened = db.stdout(&["intake", "to-case", "2", "--kind", "marketing-opt-out"]);
    let opened = opened.trim();
    let case = db.json(&["case", "show", opened, "--json"]);
    assert_eq!(case["requester"]["email"], "bo@example.org", "{case}");
    assert_eq!(case["received_on"], "2026-11-30", "{case}");
    fails_with(
        &mut db.cmd(&["intake", "to-case", "2", "--kind", "inquiry"]),
        5,
        &format!("message 2 was opened as {opened} (by tester)"),
    );
    db.stdout(&["intake", "spam", "3"]);
    assert!(
        db.stdout(&["intake", "list"])
            .contains("the intake queue is empty")
    );
    let saved = db.file("saved.eml");
    db.stdout(&["intake", "save", "1", "--out", &saved.to_string_lossy()]);
    assert_eq!(
        std::fs::read(&saved).expect("saved"),
        std::fs::read(&reply).expect("the original"),
    );
    fails_with(&mut db.cmd(&["intake", "show", "9"]), 2, "no message 9");
    assert!(
        db.stdout(&["verify"])
            .contains("audit chain:            ok")
    );
}

#[test]
fn the_privacy_mailbox_is_fetched_with_what_came_since_and_a_failure_said_in_one_line() {
    let db = Db::new();
    fails_with(
        &mut db.cmd(&["mail", "fetch"]),
        5,
        "no incoming mail is set up",
    );
    let mut mailbox = mail_sink::MailBox::start(&db.file("imap"), None);
    let port = mailbox.port.to_string();
    db.stdout(&[
        "mail",
        "settings",
        "--imap-host",
        "127.0.0.1",
        "--imap-port",
        &port,
        "--imap-security",
        "none",
        "--imap-user",
        "privacy@acme.example",
    ]);
    fails_with(
        db.cmd(&["mail", "fetch"])
            .env_remove("PRIVACYDESK_IMAP_PASSWORD")
            .env_remove("PRIVACYDESK_SMTP_PASSWORD"),
        2,
        "PRIVACYDESK_IMAP_PASSWORD",
    );
    fails_with(
        db.cmd(&["mail", "fetch"])
            .env("PRIVACYDESK_IMAP_PASSWORD", "wrong"),
        9,
        "the mail server refused the login",
    );
    mailbox.deliver(b"Message-ID: <a@x>\r\nFrom: a@example.com\r\nSubject: delete me\r\n\r\nx\r\n");
    mailbox.deliver(b"Message-ID: <b@x>\r\nFrom: b@example.com\r\n\r\ny\r\n");
    // The same account's password for both, as with Gmail.
    let fetched = |again: bool| {
        let mut args = vec!["mail", "fetch", "--json"];
        if again {
            args.push("--again");
        }
        let out = db
            .cmd(&args)
            .env("PRIVACYDESK_SMTP_PASSWORD", "secret")
            .env_remove("PRIVACYDESK_IMAP_PASSWORD")
            .output()
            .expect("runs");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice::<Value>(&out.stdout).expect("JSON")
    };
    let first = fetched(false);
    assert_eq!(
        (first["read"].as_u64(), first["queued"].as_u64()),
        (Some(2), Some(2)),
        "{first}"
    );
    let second = fetched(false);
    assert_eq!(second["read"], 0, "{second}");
    let again = fetched(true);
    assert_eq!(
        (again["read"].as_u64(), again["known"].as_u64()),
        (Some(2), Some(2)),
        "{again}"
    );
    let listed = db.stdout(&["intake", "list"]);
    assert!(
        listed.contains("a@example.com") && listed.contains("delete me"),
        "{listed}"
    );
}
