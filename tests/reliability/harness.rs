//! Shared by the reliability tests: the helper binaries, raw keyed connections, a content
//! fingerprint, and a reproducible random source.

use std::path::{Path, PathBuf};

use privacydesk_core::{Agent, Desk, Passphrase};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use sha2::{Digest, Sha256};

pub use privacydesk_tests::PASS;

/// The passphrase of every test database.
pub fn passphrase() -> Passphrase {
    Passphrase::new(PASS.into())
}

pub fn agent() -> Agent {
    Agent::new("reliability").unwrap_or_else(|e| panic!("{e}"))
}

/// A new database at `path`, closed again: for tests whose writers are other processes.
pub fn create_database(path: &Path) {
    drop(new_desk(path));
}

/// A new database at `path`, open.
pub fn new_desk(path: &Path) -> Desk {
    Desk::create(path, &passphrase(), agent()).unwrap_or_else(|e| panic!("create: {e}"))
}

/// A database of `cases` realistic demo cases, made by the `privacydesk demo` command.
pub fn demo_database(path: &Path, cases: u32) {
    let out = std::process::Command::new(privacydesk_tests::binary())
        .env("PRIVACYDESK_PASSPHRASE", PASS)
        .arg("--db")
        .arg(path)
        .args(["demo", "--cases", &cases.to_string()])
        .output()
        .unwrap_or_else(|e| panic!("cannot run privacydesk demo: {e}"));
    assert!(
        out.status.success(),
        "demo: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The child that writes cases until it is killed (`tests/reliability/torture.rs`).
pub fn torture_binary() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_privacydesk-torture"))
}

/// A random source whose seed is printed, and taken from `PRIVACYDESK_SEED` when set, so a
/// failure can be replayed exactly.
pub fn rng(test: &str) -> ChaCha8Rng {
    let seed = std::env::var("PRIVACYDESK_SEED")
        .ok()
        .and_then(|s| s.parse::<u64>().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_nanos() as u64)
                .unwrap_or(7)
        });
    eprintln!("{test}: PRIVACYDESK_SEED={seed}");
    ChaCha8Rng::seed_from_u64(seed)
}

/// How many times to repeat a randomised trial: `default` in CI, more when the variable is set
/// (the long mode: e.g. `PRIVACYDESK_KILLS=1000`).
pub fn trials(variable: &str, default: usize) -> usize {
    std::env::var(variable)
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(default)
}

/// A plain SQLCipher connection keyed with the test passphrase: the tests look at the file
/// with raw SQL, not only through core.
pub fn raw(path: &Path) -> rusqlite::Connection {
    let conn = rusqlite::Connection::open(path).unwrap_or_else(|e| panic!("open raw: {e}"));
    conn.execute_batch(&format!(
        "PRAGMA cipher_log_level = NONE; PRAGMA key = '{PASS}';"
    ))
    .unwrap_or_else(|e| panic!("key raw: {e}"));
    conn
}

/// SHA-256 over every row of every table that holds case data, in a fixed order: equal
/// fingerprints mean equal content.
pub fn fingerprint(conn: &rusqlite::Connection) -> String {
    let mut hasher = Sha256::new();
    for sql in [
        "SELECT * FROM cases ORDER BY id",
        "SELECT * FROM items ORDER BY case_id, position",
        "SELECT * FROM notes ORDER BY id",
        "SELECT * FROM events ORDER BY seq",
        "SELECT * FROM chain",
        "SELECT * FROM reference_counters ORDER BY year",
    ] {
        let mut stmt = conn.prepare(sql).unwrap_or_else(|e| panic!("{sql}: {e}"));
        let columns = stmt.column_count();
        let mut rows = stmt.query([]).unwrap_or_else(|e| panic!("{sql}: {e}"));
        while let Some(row) = rows.next().unwrap_or_else(|e| panic!("{sql}: {e}")) {
            for i in 0..columns {
                use rusqlite::types::ValueRef;
                // A type tag, then the bytes: no two different rows hash the same way.
                match row.get_ref(i).unwrap_or_else(|e| panic!("{sql}: {e}")) {
                    ValueRef::Null => hasher.update([0]),
                    ValueRef::Integer(n) => {
                        hasher.update([1]);
                        hasher.update(n.to_le_bytes());
                    }
                    ValueRef::Real(x) => {
                        hasher.update([2]);
                        hasher.update(x.to_le_bytes());
                    }
                    ValueRef::Text(bytes) | ValueRef::Blob(bytes) => {
                        hasher.update([3]);
                        hasher.update((bytes.len() as u64).to_le_bytes());
                        hasher.update(bytes);
                    }
                }
            }
        }
    }
    hex::encode(hasher.finalize())
}

/// Opens the database through core and asserts that SQLite, SQLCipher and the audit chain
/// all find it sound.
pub fn assert_sound(path: &Path) -> Desk {
    let desk = Desk::open(path, &passphrase(), agent())
        .unwrap_or_else(|e| panic!("the database no longer opens: {e}"));
    let report = desk
        .verify()
        .unwrap_or_else(|e| panic!("verify failed: {e}"));
    assert!(
        report.file.integrity.is_empty(),
        "integrity_check: {:?}",
        report.file.integrity
    );
    assert!(
        report.file.cipher.is_empty(),
        "cipher_integrity_check: {:?}",
        report.file.cipher
    );
    assert!(report.is_ok(), "verify: {report:?}");
    desk
}

/// Every file of a database: the file itself and its -wal and -shm companions where present.
pub fn database_files(path: &Path) -> Vec<PathBuf> {
    ["", "-wal", "-shm", "-journal"]
        .iter()
        .map(|suffix| PathBuf::from(format!("{}{suffix}", path.display())))
        .filter(|p| p.exists())
        .collect()
}

/// SHA-256 of a file's bytes.
pub fn file_hash(path: &Path) -> String {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    hex::encode(Sha256::digest(bytes))
}
