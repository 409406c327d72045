//! The encrypted file: settings, wrong passphrases, no plaintext on disk, damage, backup, rekey.

mod common;

use common::*;
use privacydesk_core::store::sqlcipher::SqlCipher;
use privacydesk_core::{Desk, Error, NewCase, Passphrase, Result};

#[test]
fn connection_settings_are_as_promised() -> Result<()> {
    let mut fx = Fixture::file();
    // As created, and as opened again.
    for _ in 0..2 {
        // The encrypted file's own settings: only its engine answers these.
        let store =
            SqlCipher::of(fx.desk.store()).ok_or(Error::invalid("not the encrypted file"))?;
        assert!(
            store.pragma_value("cipher_version")?.starts_with('4'),
            "SQLCipher 4"
        );
        assert_eq!(store.pragma_value("journal_mode")?, "wal");
        assert_eq!(store.pragma_value("synchronous")?, "2", "FULL");
        assert_eq!(store.pragma_value("foreign_keys")?, "1");
        // Off on purpose: see SECURITY.md ("Memory") and BENCHMARKS.md.
        assert_eq!(store.pragma_value("cipher_memory_security")?, "0");
        // SQLCipher 4's standard format: any SQLCipher client opens it with the passphrase.
        assert_eq!(store.pragma_value("cipher_hmac_algorithm")?, "HMAC_SHA512");
        assert_eq!(
            store.pragma_value("cipher_kdf_algorithm")?,
            "PBKDF2_HMAC_SHA512"
        );
        assert_eq!(store.pragma_value("kdf_iter")?, "256000");
        fx.reopen()?;
    }
    Ok(())
}

#[test]
fn a_wrong_passphrase_is_named_and_touches_nothing() -> Result<()> {
    let mut fx = Fixture::file();
    fx.new_case("access", "Ana Ruiz", "ana@example.com", "2026-06-01")?;
    drop(fx.desk);
    let before = snapshot(fx.dir.path());
    let wrong = Desk::open(
        &fx.path,
        &Passphrase::new("not the passphrase".into()),
        agent(),
    );
    assert!(matches!(wrong, Err(Error::WrongPassphrase)), "{wrong:?}");
    assert_eq!(snapshot(fx.dir.path()), before);
    let reopened = Desk::open(&fx.path, &passphrase(), agent())?;
    assert_eq!(reopened.count(&Default::default())?, 1);
    Ok(())
}

#[test]
fn no_personal_data_is_readable_in_any_file() -> Result<()> {
    let mut fx = Fixture::file();
    let canary_name = "Zyxwvut Canaryname";
    let canary_email = "canary.qwerty@example.com";
    let reference = fx.desk.new_case(&NewCase {
        kind: "forum-removal".into(),
        name: canary_name.into(),
        email: canary_email.into(),
        details: Some("canarydetailstext".into()),
        items: vec!["https://forum.example.com/canaryitem".into()],
        ..NewCase::default()
    })?;
    fx.desk.note(&reference, "canarynotetext")?;
    // Look while the WAL still holds the writes, then after a checkpoint on close.
    for stage in ["open", "closed"] {
        for canary in [
            canary_name,
            canary_email,
            "canarydetailstext",
            "canaryitem",
            "canarynotetext",
        ] {
            assert_eq!(
                any_file_contains(fx.dir.path(), canary),
                None,
                "{canary} readable ({stage})"
            );
        }
        if stage == "open" {
            fx.reopen()?;
        }
    }
    Ok(())
}

#[test]
fn missing_empty_plain_and_truncated_files_are_refused_clearly() -> Result<()> {
    let dir = tempfile::tempdir().map_err(|e| Error::io("tempdir", e))?;
    let open = |name: &str| Desk::open(&dir.path().join(name), &passphrase(), agent());
    assert!(matches!(open("missing.db"), Err(Error::DatabaseMissing(_))));
    assert!(
        !dir.path().join("missing.db").exists(),
        "opening must not create"
    );

    std::fs::write(dir.path().join("empty.db"), b"").map_err(|e| Error::io("write", e))?;
    assert!(matches!(open("empty.db"), Err(Error::NotADatabase { .. })));

    let plain = rusqlite::Connection::open(dir.path().join("plain.db"))?;
    plain.execute_batch("CREATE TABLE t (x); INSERT INTO t VALUES (1);")?;
    drop(plain);
    let err = open("plain.db")
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(err.contains("unencrypted"), "{err}");

    let fx = Fixture::file();
    drop(fx.desk);
    let bytes = std::fs::read(&fx.path).map_err(|e| Error::io("read", e))?;
    std::fs::write(dir.path().join("cut.db"), &bytes[..bytes.len() - 1000])
        .map_err(|e| Error::io("write", e))?;
    let err = open("cut.db")
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(err.contains("truncated"), "{err}");

    assert!(matches!(
        Desk::create(&fx.path, &passphrase(), agent()),
        Err(Error::DatabaseExists(_))
    ));
    Ok(())
}

#[test]
fn backup_restores_identical_content_and_keeps_the_passphrase() -> Result<()> {
    let mut fx = Fixture::file();
    fx.desk.seed_demo(200, 7, &mut |_| {})?;
    let target = fx.dir.path().join("backup.db");
    fx.desk.backup(&target, &passphrase())?;
    assert!(matches!(
        fx.desk.backup(&target, &passphrase()),
        Err(Error::DatabaseExists(_))
    ));
    // Looked at as it is: opening it for work would first redact, by today's date, what the
    // pinned history closed long ago.
    let copy = Desk::open_as_is(&target, &passphrase(), agent())?;
    let all = privacydesk_core::CaseFilter::default();
    let original: Vec<_> = fx.desk.list(&all)?.into_iter().map(|c| c.case).collect();
    let restored: Vec<_> = copy.list(&all)?.into_iter().map(|c| c.case).collect();
    assert_eq!(original, restored);
    assert_eq!(copy.store().chain_head()?, fx.desk.store().chain_head()?);
    assert!(copy.verify()?.is_ok());
    assert!(matches!(
        Desk::open(&target, &Passphrase::new("wrong one here".into()), agent()),
        Err(Error::WrongPassphrase)
    ));
    Ok(())
}

#[test]
fn rekey_swaps_the_passphrase_and_keeps_the_content() -> Result<()> {
    let mut fx = Fixture::file();
    let reference = fx.new_case("erasure", "Ana Ruiz", "ana@example.com", "2026-06-01")?;
    let new = Passphrase::new_for_creation("a brand new passphrase".into())?;
    fx.desk.rekey(&new)?;
    drop(fx.desk);
    assert!(matches!(
        Desk::open(&fx.path, &passphrase(), agent()),
        Err(Error::WrongPassphrase)
    ));
    let desk = Desk::open(&fx.path, &new, agent())?;
    assert_eq!(desk.case(&reference)?.case.requester.name, "Ana Ruiz");
    assert!(desk.verify()?.is_ok());
    Ok(())
}

#[test]
fn demo_data_is_seeded_in_batches_with_progress_and_verifies() -> Result<()> {
    let mut fx = Fixture::new();
    let desk = &mut fx.desk;
    let mut reports = Vec::new();
    desk.seed_demo(6_000, 3, &mut |n| reports.push(n))?;
    assert_eq!(reports.last(), Some(&6_000));
    assert!(reports.len() >= 2, "progress is reported per batch");
    assert_eq!(desk.count(&Default::default())?, 6_000);
    assert!(desk.verify()?.is_ok());
    Ok(())
}

#[test]
fn flipped_bytes_inside_the_file_are_reported_never_shown_as_valid() -> Result<()> {
    let mut fx = Fixture::file();
    fx.desk.seed_demo(300, 9, &mut |_| {})?;
    drop(fx.desk);
    let mut bytes = std::fs::read(&fx.path).map_err(|e| Error::io("read", e))?;
    // Flip a byte in the middle of page 10 (pages are 4096 bytes).
    bytes[9 * 4096 + 2000] ^= 0xFF;
    std::fs::write(&fx.path, &bytes).map_err(|e| Error::io("write", e))?;
    match Desk::open(&fx.path, &passphrase(), agent()) {
        Err(err) => assert!(matches!(err, Error::Damaged(_)), "{err}"),
        Ok(desk) => {
            let verdict = desk.verify();
            assert!(
                !verdict.as_ref().map(|v| v.is_ok()).unwrap_or(false),
                "{verdict:?}"
            );
            let read = desk.list(&Default::default());
            assert!(
                matches!(read, Err(Error::Damaged(_))),
                "reading the damaged page fails: {read:?}"
            );
        }
    }
    Ok(())
}
