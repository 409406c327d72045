//! Check 7: a rekey killed at any moment leaves a database that opens with exactly one of the
//! two passphrases and holds the same content; a backup restores to identical content and
//! refuses a wrong passphrase.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Instant;

use privacydesk_core::{Desk, Error, Passphrase};
use rand::Rng;

use crate::harness::{self, PASS};

const NEW_PASS: &str = "a completely different passphrase";

/// A raw keyed connection with either passphrase.
fn fingerprint_with(path: &Path, pass: &str) -> String {
    let conn = rusqlite::Connection::open(path).expect("open");
    conn.execute_batch(&format!(
        "PRAGMA cipher_log_level = NONE; PRAGMA key = '{pass}';"
    ))
    .expect("key");
    harness::fingerprint(&conn)
}

fn copy_database(from: &Path, to: &Path) {
    for file in harness::database_files(from) {
        let suffix = file.display().to_string()[from.display().to_string().len()..].to_owned();
        std::fs::copy(&file, format!("{}{suffix}", to.display())).expect("copy");
    }
}

fn rekey_command(db: &Path) -> Command {
    let mut command = Command::new(privacydesk_tests::binary());
    command
        .env("PRIVACYDESK_PASSPHRASE", PASS)
        .env("PRIVACYDESK_NEW_PASSPHRASE", NEW_PASS)
        .arg("--db")
        .arg(db)
        .arg("rekey")
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    command
}

#[test]
fn sigkill_during_rekey_leaves_exactly_one_passphrase_and_the_same_content() {
    let trials = harness::trials("PRIVACYDESK_REKEY_KILLS", 20);
    let mut rng = harness::rng("rekey");
    let dir = tempfile::tempdir().expect("temp dir");
    let base = dir.path().join("base.db");
    // Enough cases that rewriting every page takes a while to land a kill in.
    harness::demo_database(&base, 8000);
    let original = fingerprint_with(&base, PASS);

    // How long an undisturbed rekey takes, and that it works.
    let timed = dir.path().join("timed.db");
    copy_database(&base, &timed);
    let started = Instant::now();
    let status = rekey_command(&timed).status().expect("rekey");
    let full = started.elapsed();
    assert!(status.success());
    assert_eq!(fingerprint_with(&timed, NEW_PASS), original);

    let (mut old_won, mut new_won) = (0, 0);
    for trial in 0..trials {
        let db = dir.path().join(format!("trial-{trial}.db"));
        copy_database(&base, &db);
        let mut child = rekey_command(&db).spawn().expect("spawn rekey");
        let at = full.mul_f64(rng.random_range(0.0..1.1));
        std::thread::sleep(at);
        let _ = child.kill();
        let _ = child.wait();

        let open =
            |pass: &str| match Desk::open(&db, &Passphrase::new(pass.into()), harness::agent()) {
                Ok(desk) => Some(desk),
                Err(Error::WrongPassphrase) => None,
                Err(e) => panic!("trial {trial} (killed at {at:?}): {e}"),
            };
        let (old, new) = (open(PASS), open(NEW_PASS));
        let (desk, winner) = match (old, new) {
            (Some(desk), None) => {
                old_won += 1;
                (desk, PASS)
            }
            (None, Some(desk)) => {
                new_won += 1;
                (desk, NEW_PASS)
            }
            (old, new) => panic!(
                "trial {trial} (killed at {at:?}): old passphrase opens: {}, new opens: {}",
                old.is_some(),
                new.is_some()
            ),
        };
        assert_eq!(
            fingerprint_with(&db, winner),
            original,
            "trial {trial} (killed at {at:?}): the content changed"
        );
        // The fingerprint covers the content; these cover the file's structure and pages.
        let check = desk.store().check_file().expect("check");
        assert!(
            check.integrity.is_empty() && check.cipher.is_empty(),
            "trial {trial}: {check:?}"
        );
        drop(desk);
        for file in harness::database_files(&db) {
            std::fs::remove_file(file).expect("clean up");
        }
    }
    eprintln!(
        "rekey: {trials} kills within {full:?}; old passphrase kept {old_won}, new {new_won}"
    );
}

#[test]
fn a_backup_restores_identical_content_and_refuses_a_wrong_passphrase() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("cases.db");
    harness::create_database(&db);
    let out = Command::new(harness::torture_binary())
        .arg("write")
        .arg(&db)
        .args(["b", "40"])
        .env("PRIVACYDESK_PASSPHRASE", PASS)
        .output()
        .expect("writer");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let desk = Desk::open(&db, &harness::passphrase(), harness::agent()).expect("open");
    let backup = dir.path().join("backup.db");
    desk.backup(&backup, &harness::passphrase())
        .expect("backup");
    // The live database is still open (WAL not yet checkpointed): the backup is online.
    assert_eq!(
        fingerprint_with(&backup, PASS),
        harness::fingerprint(&harness::raw(&db))
    );
    drop(desk);
    assert_eq!(fingerprint_with(&backup, PASS), fingerprint_with(&db, PASS));

    let before = harness::file_hash(&backup);
    let wrong = Desk::open(&backup, &Passphrase::new("not it".into()), harness::agent());
    assert!(matches!(wrong, Err(Error::WrongPassphrase)), "{wrong:?}");
    assert_eq!(
        harness::file_hash(&backup),
        before,
        "a wrong passphrase changed the backup"
    );
    let restored = harness::assert_sound(&backup);
    assert_eq!(restored.count(&Default::default()).expect("count"), 40);
    // A backup never overwrites.
    assert!(matches!(
        restored.backup(&db, &harness::passphrase()),
        Err(Error::DatabaseExists(_))
    ));
}
