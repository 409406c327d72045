//! Helpers shared by core's integration tests: real encrypted files in a temp folder.
#![allow(dead_code)]

pub mod pg;

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use privacydesk_core::{ActionInput, Agent, Desk, NewCase, Passphrase, Reference, Result};

pub const PASSPHRASE: &str = "correct horse battery staple";

pub fn passphrase() -> Passphrase {
    Passphrase::new(PASSPHRASE.into())
}

pub fn agent() -> Agent {
    Agent::new("tester").unwrap_or_else(|e| panic!("{e}"))
}

/// The input of a fulfilling step whose answer letter was not written here: the agent
/// confirms it reached the person another way.
#[allow(dead_code)]
pub fn told() -> ActionInput {
    ActionInput {
        without_letter: true,
        ..ActionInput::default()
    }
}

pub fn date(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap_or_else(|e| panic!("{text}: {e}"))
}

/// Which engine a test's desk is on: `PRIVACYDESK_TEST_ENGINE=postgres` runs every test that
/// takes [`Fixture::new`] on a team desk (a fresh database and manager of its own), anything
/// else on an encrypted file. `scripts/test` runs the core tests once each way.
pub fn team_engine() -> bool {
    std::env::var("PRIVACYDESK_TEST_ENGINE").is_ok_and(|e| e == "postgres")
}

/// A fresh desk in its own temp folder, "today" pinned to 2026-06-15: an encrypted file, or a
/// team desk when the run asks for one ([`team_engine`]). The temp folder holds the file, or
/// the team desk's company files.
pub struct Fixture {
    pub dir: tempfile::TempDir,
    pub path: PathBuf,
    pub desk: Desk,
    /// On a team desk: its server and the manager's address.
    pub team: Option<TeamFixture>,
}

/// What a test's team desk is: where, and who the desk is logged in as.
pub struct TeamFixture {
    pub server: pg::Server,
    pub database: String,
    pub address: String,
}

impl Fixture {
    /// A desk on the run's engine.
    pub fn new() -> Fixture {
        if team_engine() {
            Fixture::team()
        } else {
            Fixture::file()
        }
    }

    /// A desk on an encrypted file, whatever the run's engine: for tests of the file itself.
    pub fn file() -> Fixture {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let path = dir.path().join("cases.db");
        let mut desk =
            Desk::create(&path, &passphrase(), agent()).unwrap_or_else(|e| panic!("{e}"));
        desk.set_today(date("2026-06-15"));
        Fixture {
            dir,
            path,
            desk,
            team: None,
        }
    }

    /// A desk on a team desk of its own: a new database on the run's server, set up by the
    /// administrator with a manager, and opened as that manager.
    pub fn team() -> Fixture {
        let server = pg::Server::get();
        let database = pg::unique("t");
        let manager = pg::unique("m");
        Desk::init_team(&server.admin_on(&database), &manager, &passphrase())
            .unwrap_or_else(|e| panic!("init: {e}"));
        let address = server.address(&manager, &database);
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let mut desk = Desk::open_team_as_is(&address, &passphrase(), dir.path())
            .unwrap_or_else(|e| panic!("open {address}: {e}"));
        desk.set_today(date("2026-06-15"));
        Fixture {
            path: dir.path().join("cases.db"),
            dir,
            desk,
            team: Some(TeamFixture {
                server,
                database,
                address,
            }),
        }
    }

    /// Another person working on the same desk: on a file, the same file opened as `name`; on
    /// a team desk, `name` added to the team as an agent and logged in.
    pub fn colleague(&mut self, name: &str) -> Desk {
        let mut desk = match &self.team {
            None => Desk::open_as_is(
                &self.path,
                &passphrase(),
                Agent::new(name).unwrap_or_else(|e| panic!("{e}")),
            )
            .unwrap_or_else(|e| panic!("{e}")),
            Some(team) => {
                let login = pg::unique(name);
                self.desk
                    .team_add(&login, privacydesk_core::TeamRole::Agent, &passphrase())
                    .unwrap_or_else(|e| panic!("team add {login}: {e}"));
                let address = team.server.address(&login, &team.database);
                Desk::open_team_as_is(&address, &passphrase(), self.dir.path())
                    .unwrap_or_else(|e| panic!("open {address}: {e}"))
            }
        };
        desk.set_today(date("2026-06-15"));
        desk
    }

    /// Opens the desk again, as it is: "today" is pinned, so what opening does by the real
    /// date (retention) is left to the tests of it.
    pub fn reopen(&mut self) -> Result<()> {
        let mut desk = match &self.team {
            Some(team) => Desk::open_team_as_is(&team.address, &passphrase(), self.dir.path())?,
            None => Desk::open_as_is(&self.path, &passphrase(), agent())?,
        };
        desk.set_today(date("2026-06-15"));
        self.desk = desk;
        Ok(())
    }

    pub fn new_case(
        &mut self,
        kind: &str,
        name: &str,
        email: &str,
        received: &str,
    ) -> Result<Reference> {
        self.desk.new_case(&NewCase {
            kind: kind.into(),
            name: name.into(),
            email: email.into(),
            received: Some(received.into()),
            jurisdiction: Some("gdpr".into()),
            ..NewCase::default()
        })
    }
}

/// Every file in a folder with its SHA-256, sorted by name.
pub fn snapshot(dir: &Path) -> Vec<(String, String)> {
    use sha2::{Digest, Sha256};
    let digest = |bytes: &[u8]| hex::encode(Sha256::digest(bytes));
    let mut files: Vec<(String, String)> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{e}"))
        .filter_map(|e| e.ok())
        .map(|e| {
            let bytes = std::fs::read(e.path()).unwrap_or_default();
            (e.file_name().to_string_lossy().into_owned(), digest(&bytes))
        })
        .collect();
    files.sort();
    files
}

/// Whether `needle` appears anywhere in the bytes of any file in `dir`.
pub fn any_file_contains(dir: &Path, needle: &str) -> Option<String> {
    std::fs::read_dir(dir)
        .ok()?
        .filter_map(|e| e.ok())
        .find_map(|e| {
            let bytes = std::fs::read(e.path()).ok()?;
            bytes
                .windows(needle.len())
                .any(|w| w == needle.as_bytes())
                .then(|| e.file_name().to_string_lossy().into_owned())
        })
}

/// A raw, keyed rusqlite connection, to tamper with the file as an attacker with the key would.
pub fn raw(path: &Path) -> rusqlite::Connection {
    let conn = rusqlite::Connection::open(path).unwrap_or_else(|e| panic!("{e}"));
    conn.execute_batch(&format!("PRAGMA key = '{PASSPHRASE}';"))
        .unwrap_or_else(|e| panic!("{e}"));
    conn
}

/// Every record of a desk as comparable text; a case's revision is left out (a team desk's
/// server counts its own, and names who wrote the row).
pub fn records(desk: &Desk) -> Vec<String> {
    let mut out = Vec::new();
    desk.store()
        .for_each_record(&mut |record| {
            out.push(match record {
                privacydesk_core::store::Record::Case {
                    mut case,
                    created_at,
                } => {
                    case.revision.number = 0;
                    case.revision.by.clear();
                    format!("{case:?} {created_at}")
                }
                other => format!("{other:?}"),
            });
            Ok(())
        })
        .unwrap_or_else(|e| panic!("records: {e}"));
    out
}
