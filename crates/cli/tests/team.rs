//! The `privacydesk` contract on a team desk, on a real PostgreSQL server (the run's throwaway
//! cluster, or one of this test's own): setting it up, the team, what each role may do with its
//! exit code, the lost-update refusal, a wrong passphrase, hostile text, and a server that
//! cannot be reached.

#[path = "../../core/tests/common/pg.rs"]
mod pg;

use assert_cmd::Command;
use predicates::prelude::*;
use serde_json::Value;

const MIA: &str = "mia's long passphrase";
const ANA: &str = "ana's long passphrase";
const VERA: &str = "vera's long passphrase";

/// A team desk of this test's own on the run's server.
struct Team {
    server: pg::Server,
    database: String,
    dir: tempfile::TempDir,
}

impl Team {
    fn new() -> Team {
        Team {
            server: pg::Server::get(),
            database: pg::unique("cli"),
            dir: tempfile::tempdir().unwrap_or_else(|e| panic!("{e}")),
        }
    }

    /// `privacydesk` on `address` with `passphrase`, in a home of its own (the company files
    /// and the remembered desk go there).
    fn cmd(&self, address: &str, passphrase: &str, args: &[&str]) -> Command {
        let mut cmd = Command::cargo_bin("privacydesk").unwrap_or_else(|e| panic!("{e}"));
        cmd.env("HOME", self.dir.path())
            .env("XDG_DATA_HOME", self.dir.path().join("data"))
            .env("PRIVACYDESK_PASSPHRASE", passphrase)
            .env_remove("PRIVACYDESK_DB")
            .env_remove("PRIVACYDESK_NEW_PASSPHRASE")
            .env_remove("PGPASSWORD")
            .arg("--db")
            .arg(address)
            .args(args);
        cmd
    }

    fn login(&self, name: &str) -> String {
        self.server.address(name, &self.database)
    }

    fn admin(&self) -> String {
        self.server.admin_on(&self.database)
    }

    /// Runs as `name` and returns stdout; the command must succeed.
    fn run(&self, name: &str, passphrase: &str, args: &[&str]) -> String {
        let out = self
            .cmd(&self.login(name), passphrase, args)
            .output()
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(
            out.status.success(),
            "{name} {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap_or_else(|e| panic!("{e}"))
    }
}

#[test]
fn a_team_desk_is_set_up_worked_and_guarded_through_the_command_line() {
    let team = Team::new();
    let (mia, ana, vera) = (pg::unique("mia"), pg::unique("ana"), pg::unique("vera"));
    // The administrator sets it up once, with the first manager.
    team.cmd(&team.admin(), "", &["init", "--manager", &mia])
        .env("PRIVACYDESK_NEW_PASSPHRASE", MIA)
        .assert()
        .success()
        .stdout(predicate::str::contains(format!("{mia} opens it with")));
    // Without the administrator's password, or with a wrong one, it says so.
    let mut no_password = url::Url::parse(&team.admin()).unwrap_or_else(|e| panic!("{e}"));
    let _ = no_password.set_password(None);
    team.cmd(no_password.as_str(), "", &["init", "--manager", "someone"])
        .env("PRIVACYDESK_NEW_PASSPHRASE", MIA)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("asks for a password"));
    let _ = no_password.set_password(Some("not the password"));
    team.cmd(no_password.as_str(), "", &["init", "--manager", "someone"])
        .env("PRIVACYDESK_NEW_PASSPHRASE", MIA)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "refused the administrator's login",
        ));
    team.cmd(&team.admin(), "", &["init", "--manager", "someone"])
        .env("PRIVACYDESK_NEW_PASSPHRASE", MIA)
        .assert()
        .code(5)
        .stderr(predicate::str::contains("already set up"));
    // The manager adds an agent and a viewer, each with the passphrase they will use.
    for (name, role, passphrase) in [(&ana, "agent", ANA), (&vera, "viewer", VERA)] {
        team.cmd(
            &team.login(&mia),
            MIA,
            &["team", "add", name, "--role", role],
        )
        .env("PRIVACYDESK_NEW_PASSPHRASE", passphrase)
        .assert()
        .success();
    }
    let list = team.run(&mia, MIA, &["team", "list"]);
    for (name, role) in [(&mia, "manager"), (&ana, "agent"), (&vera, "viewer")] {
        assert!(
            list.lines()
                .any(|l| l.starts_with(name.as_str()) && l.contains(role)),
            "{list}"
        );
    }

    // An agent works a case; what it holds comes back whole, hostile text included.
    let hostile = "Robert'); DROP TABLE cases;-- \"quoted\" <b>x</b> ".repeat(2000);
    let reference = team
        .run(
            &ana,
            ANA,
            &[
                "case",
                "new",
                "--kind",
                "access",
                "--name",
                "Zoë O'Brien",
                "--email",
                "zoe@example.com",
                "--details",
                &hostile,
            ],
        )
        .trim()
        .to_string();
    let shown: Value =
        serde_json::from_str(&team.run(&ana, ANA, &["case", "show", &reference, "--json"]))
            .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(shown["details"].as_str(), Some(hostile.trim_end()));
    assert_eq!(shown["requester"]["name"], "Zoë O'Brien");
    for search in ["o'brien", "DROP TABLE", "zoe@example.com", "'; --"] {
        let found = team.run(&vera, VERA, &["case", "list", "--search", search]);
        assert!(
            found.contains(&reference) || search == "'; --",
            "{search}: {found}"
        );
    }

    // What a role may not do is refused by the server with exit code 7, and changes nothing.
    team.cmd(
        &team.login(&vera),
        VERA,
        &["case", "note", &reference, "hello"],
    )
    .assert()
    .code(7)
    .stderr(predicate::str::contains("needs the agent or manager role"));
    team.cmd(&team.login(&ana), ANA, &["retention", "--months", "36"])
        .assert()
        .code(7)
        .stderr(predicate::str::contains("needs the manager role"));
    team.cmd(
        &team.login(&ana),
        ANA,
        &["team", "add", "bob", "--role", "agent"],
    )
    .assert()
    .code(7)
    .stderr(predicate::str::contains("manager role"));
    // A wrong passphrase is exit code 3; --agent cannot speak for someone else.
    team.cmd(&team.login(&ana), "not ana's passphrase", &["case", "list"])
        .assert()
        .code(3);
    team.cmd(&team.login(&ana), ANA, &["--agent", &mia, "case", "list"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--agent does not apply"));

    // Ana looked at the case; Mia changed it since: Ana's step is refused with exit code 6.
    let seen = shown["revision"]["number"]
        .as_i64()
        .unwrap_or_else(|| panic!("revision in {shown}"));
    team.run(&mia, MIA, &["case", "act", &reference, "verify"]);
    team.cmd(
        &team.login(&ana),
        ANA,
        &[
            "case",
            "act",
            &reference,
            "assign",
            "--to",
            &ana,
            "--seen",
            &seen.to_string(),
        ],
    )
    .assert()
    .code(6)
    .stderr(predicate::str::contains(format!("changed by {mia}")));

    // Every event names who logged in; the trail, the states and the letters verify.
    let events = shown_events(&team, &mia, &reference);
    assert_eq!(events, [ana.clone(), mia.clone()]);
    team.run(&vera, VERA, &["verify"]);

    // Ana changes her passphrase; then she is removed and can no longer log in.
    team.cmd(&team.login(&ana), ANA, &["team", "passphrase"])
        .env("PRIVACYDESK_NEW_PASSPHRASE", "ana's new passphrase")
        .assert()
        .success();
    team.cmd(&team.login(&ana), ANA, &["case", "list"])
        .assert()
        .code(3);
    team.run(&ana, "ana's new passphrase", &["case", "list"]);

    // The company's files: the manager writes the templates to edit, and shares them; an agent
    // may not (exit 7); everyone then sees who shared each and how theirs compare.
    let before = team.run(&ana, "ana's new passphrase", &["team", "files"]);
    assert!(before.contains("shares no company files yet"), "{before}");
    let written = team.run(&mia, MIA, &["letter", "templates"]);
    assert!(written.contains("team files share"), "{written}");
    let folder = team
        .dir
        .path()
        .join("data/privacydesk/teams")
        .join(&team.database);
    std::fs::write(
        folder.join("letters/company.toml"),
        "name = \"Acme Team\"\n",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    team.cmd(
        &team.login(&ana),
        "ana's new passphrase",
        &["team", "files", "share"],
    )
    .assert()
    .code(7)
    .stderr(predicate::str::contains("needs the manager role"));
    let shared = team.run(&mia, MIA, &["team", "files", "share"]);
    assert!(
        shared.contains("letters/company.toml") && shared.contains("added"),
        "{shared}"
    );
    assert!(shared.contains("shared with the team"), "{shared}");
    let again = team.run(&mia, MIA, &["team", "files", "share"]);
    assert!(again.contains("nothing changed"), "{again}");
    let listed = team.run(&vera, VERA, &["team", "files"]);
    assert!(
        listed.contains("letters/denial.txt") && listed.contains(&format!("by {mia}")),
        "{listed}"
    );
    assert!(listed.contains("same here"), "{listed}");

    // The manager rotates the team key; an agent may not (exit 7). Ana, signing in after,
    // takes the new key and finds the case as before.
    team.cmd(
        &team.login(&ana),
        "ana's new passphrase",
        &["team", "rotate-key"],
    )
    .assert()
    .code(7)
    .stderr(predicate::str::contains("needs the manager role"));
    let rotated = team.run(&mia, MIA, &["team", "rotate-key"]);
    assert!(
        rotated.contains("rotated the team key (generation 2)"),
        "{rotated}"
    );
    let listed = team.run(
        &ana,
        "ana's new passphrase",
        &["case", "list", "--search", "zoe@example.com"],
    );
    assert!(listed.contains(&reference), "{listed}");
    team.run(&vera, VERA, &["verify"]);
    team.run(&mia, MIA, &["team", "remove", &ana]);
    team.cmd(&team.login(&ana), "ana's new passphrase", &["case", "list"])
        .assert()
        .code(3);
}

/// Who each event of a case names, oldest first.
fn shown_events(team: &Team, name: &str, reference: &str) -> Vec<String> {
    let passphrase = if name.starts_with("mia") { MIA } else { ANA };
    let shown: Value =
        serde_json::from_str(&team.run(name, passphrase, &["case", "show", reference, "--json"]))
            .unwrap_or_else(|e| panic!("{e}"));
    shown["events"]
        .as_array()
        .unwrap_or_else(|| panic!("events in {shown}"))
        .iter()
        .map(|e| e["actor"].as_str().unwrap_or_default().to_string())
        .collect()
}

#[test]
fn a_server_that_cannot_be_reached_is_said_plainly() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    // Nothing listens on port 9 of this machine.
    Command::cargo_bin("privacydesk")
        .unwrap_or_else(|e| panic!("{e}"))
        .env("HOME", dir.path())
        .env("PRIVACYDESK_PASSPHRASE", ANA)
        .args(["--db", "postgres://ana@127.0.0.1:9/acme", "case", "list"])
        .assert()
        .code(8)
        .stderr(predicate::str::contains("cannot be reached"));
    // Another machine without TLS is refused before anything is sent.
    Command::cargo_bin("privacydesk")
        .unwrap_or_else(|e| panic!("{e}"))
        .env("HOME", dir.path())
        .env("PRIVACYDESK_PASSPHRASE", ANA)
        .args(["--db", "postgres://ana@db.example.com/acme", "case", "list"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("TLS only"));
}

/// `privacydesk` on a single desk's file in the team's home.
fn on_file(team: &Team, file: &std::path::Path, passphrase: &str, args: &[&str]) -> Command {
    let mut cmd = team.cmd(&file.to_string_lossy(), passphrase, args);
    cmd.arg("--agent").arg("sam");
    cmd
}

#[test]
fn a_file_is_copied_into_a_new_team_desk_and_the_team_desk_into_an_archive() {
    let team = Team::new();
    let file = team.dir.path().join("cases.db");
    let archive = team.dir.path().join("archive.db");
    on_file(
        &team,
        &file,
        "sam's file passphrase",
        &["demo", "--cases", "25"],
    )
    .assert()
    .success();
    let (mia, ana) = (pg::unique("mia"), pg::unique("ana"));
    team.cmd(&team.admin(), "", &["init", "--manager", &mia])
        .env("PRIVACYDESK_NEW_PASSPHRASE", MIA)
        .assert()
        .success();
    // The file's person copies it into the new team desk, logging in there as its manager.
    let copied = on_file(
        &team,
        &file,
        "sam's file passphrase",
        &["copy-to", &team.login(&mia)],
    )
    .env("PRIVACYDESK_TARGET_PASSPHRASE", MIA)
    .output()
    .unwrap_or_else(|e| panic!("{e}"));
    let stdout = String::from_utf8_lossy(&copied.stdout);
    assert!(
        copied.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&copied.stderr)
    );
    assert!(stdout.contains("copied 25 cases"), "{stdout}");
    assert!(stdout.contains("audit chain:            ok"), "{stdout}");
    team.run(&mia, MIA, &["verify"]);
    let listed = |out: String| -> usize {
        let cases: Value = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}"));
        cases.as_array().map_or(0, Vec::len)
    };
    assert_eq!(listed(team.run(&mia, MIA, &["case", "list", "--json"])), 25);
    // A second copy into it is refused: it is no longer new.
    on_file(
        &team,
        &file,
        "sam's file passphrase",
        &["copy-to", &team.login(&mia)],
    )
    .env("PRIVACYDESK_TARGET_PASSPHRASE", MIA)
    .assert()
    .code(2)
    .stderr(predicate::str::contains("a copy goes into a new team desk"));
    // Copying the team desk out is a manager's: an agent is told which role it needs.
    team.cmd(
        &team.login(&mia),
        MIA,
        &["team", "add", &ana, "--role", "agent"],
    )
    .env("PRIVACYDESK_NEW_PASSPHRASE", ANA)
    .assert()
    .success();
    team.cmd(
        &team.login(&ana),
        ANA,
        &["copy-to", &archive.to_string_lossy()],
    )
    .env("PRIVACYDESK_NEW_PASSPHRASE", "an archive's passphrase")
    .assert()
    .code(7)
    .stderr(predicate::str::contains("needs the manager role"));
    assert!(!archive.exists());
    // The manager copies it into an archive file with a passphrase of its own.
    team.cmd(
        &team.login(&mia),
        MIA,
        &["copy-to", &archive.to_string_lossy()],
    )
    .env("PRIVACYDESK_NEW_PASSPHRASE", "an archive's passphrase")
    .assert()
    .success()
    .stdout(predicate::str::contains("copied 25 cases"));
    on_file(&team, &archive, "an archive's passphrase", &["verify"])
        .assert()
        .success();
    assert_eq!(
        listed(
            on_file(
                &team,
                &archive,
                "an archive's passphrase",
                &["case", "list", "--json"]
            )
            .output()
            .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
            .unwrap_or_default()
        ),
        25
    );
    // An archive that exists is never overwritten.
    team.cmd(
        &team.login(&mia),
        MIA,
        &["copy-to", &archive.to_string_lossy()],
    )
    .env("PRIVACYDESK_NEW_PASSPHRASE", "an archive's passphrase")
    .assert()
    .code(2)
    .stderr(predicate::str::contains("already exists"));
}
