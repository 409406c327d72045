//! Check 6: the audit trail cannot be edited, cut or reordered unnoticed — ordinary UPDATE and
//! DELETE are refused, and with the guarding triggers dropped `verify` names the first event
//! that does not fit. Also: an export that cannot be recorded in the trail is not kept.

use privacydesk_core::{CaseFilter, Desk};
use rand::Rng;

use crate::harness;

/// One way of tampering with events `k` (and `k + 1`), and the first event verify must name.
#[derive(Debug, Clone, Copy)]
enum Tamper {
    EditDetails,
    EditActor,
    EditTime,
    DeleteOne,
    SwapWithNext,
    CutTail,
}

const TAMPERS: [Tamper; 6] = [
    Tamper::EditDetails,
    Tamper::EditActor,
    Tamper::EditTime,
    Tamper::DeleteOne,
    Tamper::SwapWithNext,
    Tamper::CutTail,
];

impl Tamper {
    fn sql(self, k: i64) -> String {
        let unguard =
            "DROP TRIGGER events_are_never_updated; DROP TRIGGER events_are_never_deleted;";
        let edit = match self {
            Tamper::EditDetails => {
                format!("UPDATE events SET details = details || ' ' WHERE seq = {k};")
            }
            Tamper::EditActor => {
                format!("UPDATE events SET actor = 'someone else' WHERE seq = {k};")
            }
            Tamper::EditTime => {
                format!("UPDATE events SET at = '2020-01-01T00:00:00.000Z' WHERE seq = {k};")
            }
            Tamper::DeleteOne => format!("DELETE FROM events WHERE seq = {k};"),
            // Swap two events' content, keeping their hashes where they were.
            Tamper::SwapWithNext => format!(
                "CREATE TEMP TABLE pair AS SELECT * FROM events WHERE seq IN ({k}, {k} + 1);
                 UPDATE events SET (case_id, at, actor, action, details) =
                   (SELECT case_id, at, actor, action, details FROM pair
                    WHERE pair.seq = {k} + ({k} + 1) - events.seq)
                 WHERE seq IN ({k}, {k} + 1);"
            ),
            Tamper::CutTail => format!("DELETE FROM events WHERE seq >= {k};"),
        };
        format!("{unguard}{edit}")
    }

    fn first_broken(self, k: i64) -> i64 {
        match self {
            Tamper::DeleteOne => k + 1,
            _ => k,
        }
    }
}

#[test]
fn ordinary_updates_and_deletes_of_events_are_refused() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("cases.db");
    harness::demo_database(&db, 5);
    let conn = harness::raw(&db);
    for sql in [
        "UPDATE events SET actor = 'x' WHERE seq = 1",
        "DELETE FROM events WHERE seq = 1",
        "DELETE FROM events",
    ] {
        let err = conn.execute(sql, []).expect_err(sql).to_string();
        assert!(err.contains("append-only"), "{sql}: {err}");
    }
}

#[test]
fn every_edit_deletion_reordering_or_cut_is_named_by_verify() {
    let trials = harness::trials("PRIVACYDESK_CHAIN_TRIALS", 36);
    let mut rng = harness::rng("chain");
    let dir = tempfile::tempdir().expect("temp dir");
    let base = dir.path().join("base.db");
    harness::demo_database(&base, 40);
    let events = harness::assert_sound(&base)
        .verify()
        .expect("verify")
        .chain
        .events;
    assert!(events > 100, "{events}");

    for trial in 0..trials {
        let tamper = TAMPERS[trial % TAMPERS.len()];
        let k = rng.random_range(1..events);
        let db = dir.path().join(format!("trial-{trial}.db"));
        std::fs::copy(&base, &db).expect("copy");
        harness::raw(&db)
            .execute_batch(&tamper.sql(k))
            .unwrap_or_else(|e| panic!("{tamper:?} at {k}: {e}"));
        let desk = Desk::open(&db, &harness::passphrase(), harness::agent()).expect("open");
        let report = desk.verify().expect("verify");
        let broken = report
            .chain
            .broken
            .unwrap_or_else(|| panic!("trial {trial}: {tamper:?} at event {k} went unnoticed"));
        assert_eq!(
            broken.seq,
            tamper.first_broken(k),
            "trial {trial}: {tamper:?} at event {k}: {}",
            broken.problem
        );
        drop(desk);
        std::fs::remove_file(&db).expect("clean up");
    }
    eprintln!("chain: {trials} tamper trials over {events} events, all named");
}

#[test]
fn an_export_that_cannot_be_audited_is_not_kept() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("cases.db");
    harness::demo_database(&db, 10);
    // Fault injection: the trail refuses the export's event.
    harness::raw(&db)
        .execute_batch(
            "CREATE TRIGGER refuse_exports BEFORE INSERT ON events
             WHEN NEW.action = 'export_cases'
             BEGIN SELECT RAISE(ABORT, 'injected failure'); END;",
        )
        .expect("trigger");
    let mut desk = Desk::open(&db, &harness::passphrase(), harness::agent()).expect("open");
    let target = dir.path().join("cases.csv");
    let err = desk
        .export_cases(&CaseFilter::default(), &target, false, &mut |_| {})
        .expect_err("an unaudited export");
    assert!(err.to_string().contains("audit trail"), "{err}");
    assert!(!target.exists(), "the unaudited export was kept");
}

#[test]
fn a_case_state_edited_behind_the_trails_back_is_named_by_verify() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("cases.db");
    harness::demo_database(&db, 30);
    let (reference, stored): (String, String) = harness::raw(&db)
        .query_row(
            "SELECT reference, state FROM cases WHERE state != 'closed' LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .expect("an open case");
    harness::raw(&db)
        .execute(
            "UPDATE cases SET state = 'closed', outcome = 'fulfilled' WHERE reference = ?1",
            [&reference],
        )
        .expect("tamper");
    let desk = Desk::open(&db, &harness::passphrase(), harness::agent()).expect("open");
    let report = desk.verify().expect("verify");
    assert!(!report.is_ok());
    assert_eq!(report.cases_unsound, 1, "{report:?}");
    assert!(
        report.case_problems[0].contains(&reference)
            && report.case_problems[0].contains(&stored.replace('_', "-")),
        "{:?}",
        report.case_problems
    );
}
