//! Check 14: on a really full filesystem (a small tmpfs mounted for the test) writes and
//! exports fail with a clear message, the database stays intact and no export is left behind.
//!
//! Mounting needs root (CI runs as root). Elsewhere the test re-runs itself inside a user
//! and mount namespace (`unshare -rm`), where a tmpfs can be mounted without privileges.

use std::io::Write;
use std::path::Path;
use std::process::Command;

use privacydesk_core::{CaseFilter, Error, NewCase};

use crate::harness::{self, PASS};

const INSIDE: &str = "PRIVACYDESK_INSIDE_NAMESPACE";

/// Mounts a tmpfs of `megabytes` on `dir`; unmounts it when dropped.
struct SmallFilesystem<'a>(&'a Path);

impl<'a> SmallFilesystem<'a> {
    fn mount(dir: &'a Path, megabytes: u32) -> Result<Self, String> {
        let out = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={megabytes}m"), "tmpfs"])
            .arg(dir)
            .output()
            .map_err(|e| format!("cannot run mount: {e}"))?;
        if out.status.success() {
            Ok(SmallFilesystem(dir))
        } else {
            Err(String::from_utf8_lossy(&out.stderr).into_owned())
        }
    }
}

impl Drop for SmallFilesystem<'_> {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg("-l").arg(self.0).status();
    }
}

#[test]
fn a_full_disk_fails_writes_and_exports_clearly_and_loses_nothing() {
    let dir = tempfile::tempdir().expect("temp dir");
    let small = dir.path().join("small");
    std::fs::create_dir(&small).expect("mount point");
    let mounted = match SmallFilesystem::mount(&small, 6) {
        Ok(mounted) => mounted,
        Err(why) if std::env::var_os(INSIDE).is_none() => {
            eprintln!(
                "mount refused ({}); retrying inside `unshare -rm`",
                why.trim()
            );
            let status = Command::new("unshare")
                .args(["--user", "--map-root-user", "--mount"])
                .arg(std::env::current_exe().expect("test binary"))
                .args([
                    "disk_full::a_full_disk_fails_writes_and_exports_clearly_and_loses_nothing",
                    "--exact",
                    "--nocapture",
                ])
                .env(INSIDE, "1")
                .status()
                .expect("run unshare");
            assert!(status.success(), "the test failed inside the namespace");
            return;
        }
        Err(why) => panic!("cannot mount a tmpfs even in a namespace: {why}"),
    };
    run_on_a_full_disk(&small);
    drop(mounted);
}

fn new_case(n: usize, details: usize) -> NewCase {
    NewCase {
        kind: "access".into(),
        name: format!("Full Disk {n}"),
        email: format!("full.{n}@example.com"),
        details: Some("x".repeat(details)),
        ..NewCase::default()
    }
}

fn run_on_a_full_disk(small: &Path) {
    let db = small.join("cases.db");
    let mut desk = harness::new_desk(&db);
    for n in 0..20 {
        desk.new_case(&new_case(n, 100))
            .expect("room for the first cases");
    }

    // Fill the disk, then give back a little: a nearly full disk, where some writes fit.
    let filler_path = small.join("filler");
    let mut filler = std::fs::File::create(&filler_path).expect("filler");
    fill(&mut filler);
    let full = filler.metadata().expect("filler size").len();
    filler
        .set_len(full.saturating_sub(256 * 1024))
        .expect("shrink filler");

    // Writes go on until the disk refuses; each refusal is a clear error and changes nothing.
    let mut saved = 20;
    let mut refusals = 0;
    for n in 20..400 {
        match desk.new_case(&new_case(n, 20_000)) {
            Ok(_) => saved += 1,
            Err(e @ Error::Io { .. }) => {
                let message = e.to_string();
                assert!(message.contains("disk is full"), "unclear: {message}");
                refusals += 1;
                if refusals == 5 {
                    break;
                }
            }
            Err(e) => panic!("a full disk gave {e:?}, not a clear disk-full error"),
        }
    }
    assert_eq!(refusals, 5, "the disk never filled");

    // An export onto the full disk fails clearly and leaves nothing behind.
    let target = small.join("cases.csv");
    let failed = desk.export_cases(&CaseFilter::default(), &target, false, &mut |_| {});
    let message = failed.expect_err("an export onto a full disk").to_string();
    assert!(message.contains("disk is full"), "unclear: {message}");
    assert_no_export_left(small, &target);

    // The CLI tells the person the same, in one line, with a failing exit code.
    drop(desk);
    let out = Command::new(privacydesk_tests::binary())
        .env("PRIVACYDESK_PASSPHRASE", PASS)
        .arg("--db")
        .arg(&db)
        .args(["export", "cases", "--out"])
        .arg(&target)
        .output()
        .expect("run privacydesk");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(stderr.contains("disk is full"), "{stderr}");
    assert_no_export_left(small, &target);

    // With room again, everything saved is there and the file is sound.
    std::fs::remove_file(&filler_path).expect("free the disk");
    let desk = harness::assert_sound(&db);
    assert_eq!(desk.count(&CaseFilter::default()).expect("count"), saved);
    eprintln!("disk full: {saved} cases saved, 5 writes and 2 exports refused");
}

/// Appends to `filler` until the filesystem refuses.
fn fill(filler: &mut std::fs::File) {
    let chunk = vec![0u8; 16 * 1024];
    loop {
        match filler.write_all(&chunk) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::StorageFull => break,
            Err(e) => panic!("filling the disk: {e}"),
        }
    }
    // tmpfs may still have a partial page: take it with single bytes.
    while filler.write_all(&[0]).is_ok() {}
}

fn assert_no_export_left(folder: &Path, target: &Path) {
    assert!(
        !target.exists(),
        "a partial export was left at {}",
        target.display()
    );
    let leftovers: Vec<_> = std::fs::read_dir(folder)
        .expect("list")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|name| name.contains("partial"))
        .collect();
    assert!(leftovers.is_empty(), "temp files left: {leftovers:?}");
}
