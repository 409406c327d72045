//! Check 1: a writer killed with SIGKILL at random moments loses nothing it reported as
//! committed and leaves no case half-written.

use std::collections::HashMap;
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::Duration;

use rand::Rng;

use crate::harness::{self, PASS};

/// What the child said it had committed.
#[derive(Default)]
struct Reported {
    cases: Vec<(String, usize)>,
    notes: Vec<String>,
}

#[test]
fn sigkill_at_random_moments_loses_nothing_committed() {
    let kills = harness::trials("PRIVACYDESK_KILLS", 50);
    let mut rng = harness::rng("sigkill");
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("cases.db");
    harness::create_database(&db);

    let mut reported = Reported::default();
    let mut killed_mid_write = 0;
    for trial in 0..kills {
        let mut child = Command::new(harness::torture_binary())
            .args(["write"])
            .arg(&db)
            .arg(format!("t{trial}"))
            .env("PRIVACYDESK_PASSPHRASE", PASS)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn the writer");
        // Opening takes ~0.1 s of key derivation, longer on a busy machine: one kill in five
        // lands at any moment from the start (often while it opens), the others at a random
        // moment once it is open and writing.
        let mut stderr = BufReader::new(child.stderr.take().expect("stderr"));
        if trial % 5 != 0 {
            let mut opened = String::new();
            stderr
                .read_line(&mut opened)
                .expect("read the writer's stderr");
        }
        std::thread::sleep(Duration::from_millis(rng.random_range(20..600)));
        child.kill().expect("SIGKILL");
        let status = child.wait().expect("wait");
        assert!(
            status.code().is_none(),
            "trial {trial}: the writer ended by itself ({status}): {}",
            std::io::read_to_string(stderr).unwrap_or_default()
        );
        let before = reported.cases.len();
        for line in BufReader::new(child.stdout.take().expect("stdout")).lines() {
            let line = line.expect("read the writer's output");
            match line.split(' ').collect::<Vec<_>>().as_slice() {
                ["case", reference, items] => reported
                    .cases
                    .push(((*reference).to_owned(), items.parse().expect("item count"))),
                ["note", reference] => reported.notes.push((*reference).to_owned()),
                _ => panic!("trial {trial}: unexpected output {line:?}"),
            }
        }
        if reported.cases.len() > before {
            killed_mid_write += 1;
        }
        assert_everything_reported_is_whole(&db, &reported, trial);
    }
    eprintln!(
        "sigkill: {kills} kills, {killed_mid_write} while writing, {} cases and {} notes reported",
        reported.cases.len(),
        reported.notes.len()
    );
    assert!(
        killed_mid_write * 2 >= kills,
        "most kills must land while the writer is committing ({killed_mid_write} of {kills})"
    );
}

fn assert_everything_reported_is_whole(db: &std::path::Path, reported: &Reported, trial: usize) {
    drop(harness::assert_sound(db));

    // What the file holds, read with raw SQL: per case its items, `created` events and notes
    // that have their `note` event.
    let conn = harness::raw(db);
    let stored: HashMap<String, (String, usize, usize, usize)> = conn
        .prepare(
            "SELECT reference, requester_name,
                    (SELECT count(*) FROM items i WHERE i.case_id = c.id),
                    (SELECT count(*) FROM events e WHERE e.case_id = c.id AND e.action = 'created'),
                    (SELECT count(*) FROM notes n WHERE n.case_id = c.id AND EXISTS (
                        SELECT 1 FROM events e WHERE e.case_id = n.case_id
                        AND e.action = 'note' AND json_extract(e.details, '$.note_id') = n.id))
             FROM cases c",
        )
        .and_then(|mut s| {
            s.query_map([], |r| {
                Ok((r.get(0)?, (r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)))
            })?
            .collect()
        })
        .expect("query");
    for (reference, items) in &reported.cases {
        let Some((_, stored_items, _, _)) = stored.get(reference) else {
            panic!("trial {trial}: reported case {reference} is lost");
        };
        assert_eq!(stored_items, items, "trial {trial}: items of {reference}");
    }
    for reference in &reported.notes {
        let noted = stored.get(reference).map_or(0, |case| case.3);
        assert_eq!(
            noted, 1,
            "trial {trial}: the reported note on {reference} is lost"
        );
    }
    // Cases committed but not yet reported must be whole too: the item count written into
    // each name matches the items stored, and every case has exactly one `created` event.
    for (reference, (name, items, created, _)) in &stored {
        assert!(
            name.ends_with(&format!(" items {items}")),
            "trial {trial}: {reference} is half-written: {name:?} has {items} items"
        );
        assert_eq!(
            *created, 1,
            "trial {trial}: {reference} has {created} created events"
        );
    }
    let notes_without_event: i64 = conn
        .query_row(
            "SELECT count(*) FROM notes n WHERE NOT EXISTS (
                 SELECT 1 FROM events e
                 WHERE e.case_id = n.case_id AND json_extract(e.details, '$.note_id') = n.id)",
            [],
            |r| r.get(0),
        )
        .expect("query");
    assert_eq!(
        notes_without_event, 0,
        "trial {trial}: notes without their event"
    );
}
