//! A team desk's server killed with SIGKILL while agents write (checks for issue 14): nothing a
//! writer was told was saved is lost or half-written once the server has recovered; the writer
//! is told plainly that the server cannot be reached; a desk left open through the outage works
//! again once the server is back, without being reopened.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::Duration;

use privacydesk_core::{CaseFilter, Desk, Error, Passphrase, TeamRole};
use rand::Rng;

use crate::harness::{self, PASS};

#[path = "../../crates/core/tests/common/pg.rs"]
mod pg;

#[test]
fn the_server_killed_mid_write_loses_nothing_reported_saved_and_the_desk_recovers() {
    let kills = harness::trials("PRIVACYDESK_SERVER_KILLS", 6);
    let mut rng = harness::rng("server-kill");
    // A cluster of this test's own: it is the one killed.
    let cluster = pg::Cluster::start();
    let admin = cluster
        .url("admin", pg::ADMIN_PASSWORD)
        .replace("/postgres", "/crash");
    let passphrase = Passphrase::new(PASS.into());
    Desk::init_team(&admin, "mia", &passphrase).unwrap_or_else(|e| panic!("init: {e}"));
    let address = |name: &str| format!("postgres://{name}@127.0.0.1:{}/crash", cluster.port);
    let files = tempfile::tempdir().expect("temp dir");
    let mut manager = Desk::open_team(&address("mia"), &passphrase, files.path())
        .unwrap_or_else(|e| panic!("open: {e}"));
    manager
        .team_add("writer", TeamRole::Agent, &passphrase)
        .unwrap_or_else(|e| panic!("team add: {e}"));

    let mut reported: Vec<(String, usize)> = Vec::new();
    let mut notes: Vec<String> = Vec::new();
    let mut killed_mid_write = 0;
    for trial in 0..kills {
        let mut child = Command::new(harness::torture_binary())
            .args(["write", &address("writer"), &format!("s{trial}")])
            .env("PRIVACYDESK_PASSPHRASE", PASS)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn the writer");
        // Logging in takes ~0.2 s of key derivation; then it commits a case and a note at a time.
        std::thread::sleep(Duration::from_millis(rng.random_range(400..1500)));
        cluster.kill();
        let status = child.wait().expect("wait");
        let stderr =
            std::io::read_to_string(child.stderr.take().expect("stderr")).unwrap_or_default();
        // The writer was not killed: it found the server gone and said so, plainly.
        assert_eq!(status.code(), Some(1), "trial {trial}: {status}: {stderr}");
        assert!(
            stderr.contains("error server_unreachable") && stderr.contains("cannot be reached"),
            "trial {trial}: {stderr}"
        );
        let before = reported.len();
        for line in BufReader::new(child.stdout.take().expect("stdout")).lines() {
            let line = line.expect("read the writer's output");
            match line.split(' ').collect::<Vec<_>>().as_slice() {
                ["case", reference, items] => {
                    reported.push(((*reference).to_owned(), items.parse().expect("items")))
                }
                ["note", reference] => notes.push((*reference).to_owned()),
                _ => panic!("trial {trial}: unexpected output {line:?}"),
            }
        }
        if reported.len() > before {
            killed_mid_write += 1;
        }

        // The manager's desk stayed open through it: refused plainly while the server is down…
        let down = manager.list(&CaseFilter::default());
        assert!(matches!(down, Err(Error::Unreachable(_))), "{down:?}");
        cluster.restart();
        // …and working again once it is back, without being reopened.
        for (reference, items) in &reported {
            let view = manager
                .case(&reference.parse().expect("reference"))
                .unwrap_or_else(|e| panic!("trial {trial}: {reference} reported saved: {e}"));
            assert_eq!(view.case.items.len(), *items, "{reference} whole");
            assert!(
                view.events.iter().any(|e| e.action == "created"),
                "{reference} has its created event"
            );
        }
        for reference in &notes {
            let view = manager
                .case(&reference.parse().expect("reference"))
                .unwrap_or_else(|e| panic!("{reference}: {e}"));
            assert!(
                view.events.iter().any(|e| e.action == "note"),
                "the note reported on {reference} is there"
            );
        }
        let verified = manager.verify().unwrap_or_else(|e| panic!("verify: {e}"));
        assert!(verified.is_ok(), "trial {trial}: {verified:?}");
    }
    eprintln!(
        "server kills: {kills}, {killed_mid_write} while writing, {} cases and {} notes reported, all there",
        reported.len(),
        notes.len()
    );
    assert!(
        killed_mid_write * 2 >= kills,
        "most kills must land while cases are written ({killed_mid_write} of {kills})"
    );
}
