//! Helpers for the cross-crate tests: the built `privacydesk` binary and a database made with it.

use std::path::{Path, PathBuf};
use std::process::Output;

/// The passphrase every test database uses.
pub const PASS: &str = "correct horse battery staple";

/// The `privacydesk` binary of this workspace (built by `cargo test --workspace`).
pub fn binary() -> PathBuf {
    let path = assert_cmd::cargo::cargo_bin("privacydesk");
    assert!(
        path.exists(),
        "{} is missing: run the tests with `cargo test --workspace`, which builds it",
        path.display()
    );
    path
}

/// Runs `privacydesk --db DB ARGS…` and returns its output, failing the test on a non-zero exit.
pub fn privacydesk(db: &Path, args: &[&str]) -> Output {
    let out = std::process::Command::new(binary())
        .env("PRIVACYDESK_PASSPHRASE", PASS)
        .env_remove("PRIVACYDESK_DB")
        .arg("--db")
        .arg(db)
        .args(["--agent", "cross-crate"])
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("cannot run privacydesk: {e}"));
    assert!(
        out.status.success(),
        "privacydesk {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}
