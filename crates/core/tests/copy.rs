//! `copy-to`: a whole desk copied into a new one on either engine. The desk copied from is on
//! the run's engine (an encrypted file, or a team desk with `PRIVACYDESK_TEST_ENGINE=postgres`),
//! and each test copies it both into a new file and into a new team desk on a real PostgreSQL
//! server, so the two runs cover every direction. A copy holds every record as it was (ids and
//! the trail's seals included), verifies, finds what the original finds, and carries on; a copy
//! into a desk that is not new, by someone who is not its manager, or of a trail that was
//! tampered with, is refused and leaves nothing behind.

mod common;

use common::{Fixture, PASSPHRASE, agent, passphrase, pg, records};
use privacydesk_core::{
    CaseFilter, Desk, Error, LetterKind, Location, Passphrase, Reference, TeamRole,
};

/// Builds a desk worth copying: demo cases (notes, letters, closed and open ones), hostile
/// text, a customer, a saved view and a retention period.
fn filled(fx: &mut Fixture) -> Reference {
    fx.desk
        .seed_demo(40, 11, &mut |_| {})
        .unwrap_or_else(|e| panic!("seed: {e}"));
    let reference = fx
        .new_case(
            "access",
            "Zoë O'Brien-Łukasz",
            "zoe.copy@example.net",
            "2026-06-02",
        )
        .unwrap_or_else(|e| panic!("{e}"));
    fx.desk
        .note(&reference, "'; DROP TABLE cases; -- \"quoted\" ünïcödé")
        .unwrap_or_else(|e| panic!("{e}"));
    fx.desk
        .save_letter_draft(
            &reference,
            LetterKind::IdentityRequest,
            "Dear Zoë, please show us who you are.",
        )
        .unwrap_or_else(|e| panic!("{e}"));
    fx.desk
        .set_customer("Acme Copy", Some("privacy@acme.example"), Some(5))
        .unwrap_or_else(|e| panic!("{e}"));
    fx.desk
        .save_view(
            "Zoë's cases",
            &CaseFilter {
                search: Some("Zoë".into()),
                ..CaseFilter::default()
            },
        )
        .unwrap_or_else(|e| panic!("{e}"));
    fx.desk
        .set_retention_months(30)
        .unwrap_or_else(|e| panic!("{e}"));
    for message in [
        format!(
            "Message-ID: <copy-1@x>\r\nFrom: zoe.copy@example.net\r\nSubject: Re: [{reference}] \
             ünïcödé\r\n\r\nmy reply\r\n"
        ),
        "Message-ID: <copy-2@x>\r\nFrom: Ödön <odon@example.net>\r\nSubject: queued\r\n\r\n\
         \u{1F600} body\r\n"
            .to_string(),
    ] {
        fx.desk
            .import_mail(message.as_bytes(), None)
            .unwrap_or_else(|e| panic!("import: {e}"));
    }
    reference
}

/// A new team desk set up by the administrator: its server and its manager's address.
fn new_team() -> (pg::Server, Location) {
    let server = pg::Server::get();
    let database = pg::unique("copy");
    let manager = pg::unique("mgr");
    Desk::init_team(&server.admin_on(&database), &manager, &passphrase())
        .unwrap_or_else(|e| panic!("init: {e}"));
    let address = server.address(&manager, &database);
    (server, Location::Team(address))
}

fn open(location: &Location, files: &std::path::Path) -> Desk {
    let mut desk = match location {
        Location::File(path) => Desk::open_as_is(path, &passphrase(), agent()),
        Location::Team(address) => Desk::open_team_as_is(address, &passphrase(), files),
    }
    .unwrap_or_else(|e| panic!("open {location}: {e}"));
    desk.set_today(common::date("2026-06-15"));
    desk
}

/// Copies `fx`'s desk to `target` and checks the copy against it.
fn copied_whole(fx: &mut Fixture, target: &Location, zoe: &Reference) {
    let before = records(&fx.desk);
    let (head, count) = fx
        .desk
        .store()
        .chain_head()
        .unwrap_or_else(|e| panic!("{e}"));
    let summary = fx
        .desk
        .copy_to(target, &passphrase(), &mut |_| {})
        .unwrap_or_else(|e| panic!("copy to {target}: {e}"));
    assert!(summary.verified.is_ok(), "{:?}", summary.verified);
    assert_eq!(summary.carried.events, u64::try_from(count).unwrap_or(0));
    assert_eq!(summary.carried.cases, 41);

    let mut copy = open(target, fx.dir.path());
    let after = records(&copy);
    // Everything as it was, and one event more: the copy's own, sealed to the original's head.
    assert_eq!(after.len(), before.len() + 1);
    for (i, (was, is)) in before.iter().zip(&after).enumerate() {
        assert_eq!(was, is, "record {i} differs");
    }
    let trail = copy.store().chain_head().unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(trail.1, count + 1);
    assert_eq!(trail.0, summary.chain_head);
    let mut last = None;
    copy.store()
        .verify_chain(&mut |event| last = Some(event.clone()))
        .unwrap_or_else(|e| panic!("{e}"));
    let last = last.unwrap_or_else(|| panic!("an empty trail"));
    assert_eq!(last.action, "copied_in");
    assert_eq!(
        last.prev_hash, head,
        "the copy continues the original's chain"
    );

    // The original records that it was copied, and still verifies.
    let mut source_last = None;
    fx.desk
        .store()
        .verify_chain(&mut |event| source_last = Some(event.action.clone()))
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(source_last.as_deref(), Some("copied_out"));
    assert!(fx.desk.verify().unwrap_or_else(|e| panic!("{e}")).is_ok());

    // Search finds the same cases, by a word and by an address.
    for search in ["Zoë", "zoe.copy@example.net", "DROP", "ünïcödé"] {
        let filter = CaseFilter {
            search: Some(search.into()),
            ..CaseFilter::default()
        };
        let refs = |desk: &Desk| -> Vec<String> {
            let mut found: Vec<String> = desk
                .list(&filter)
                .unwrap_or_else(|e| panic!("{e}"))
                .iter()
                .map(|c| c.case.reference.to_string())
                .collect();
            found.sort();
            found
        };
        assert_eq!(refs(&copy), refs(&fx.desk), "search {search:?}");
        assert!(refs(&copy).contains(&zoe.to_string()), "search {search:?}");
    }

    // The copy carries on: a new case takes the next id and reference, a note the next id.
    let next = copy
        .new_case(&privacydesk_core::NewCase {
            kind: "access".into(),
            name: "After The Copy".into(),
            email: "after@example.net".into(),
            received: Some("2026-06-14".into()),
            jurisdiction: Some("gdpr".into()),
            ..Default::default()
        })
        .unwrap_or_else(|e| panic!("a new case on the copy: {e}"));
    assert!(fx.desk.case(&next).is_err(), "{next} is new");
    copy.note(&next, "a first note on the copy")
        .unwrap_or_else(|e| panic!("{e}"));
    // Mail copied is still known (imported once), and the next message takes the next number.
    let again = copy
        .import_mail(
            b"Message-ID: <copy-2@x>\r\nFrom: a@example.net\r\n\r\nx\r\n",
            None,
        )
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(matches!(
        again.imported,
        privacydesk_core::Imported::Known { .. }
    ));
    let fresh = copy
        .import_mail(
            b"Message-ID: <copy-3@x>\r\nFrom: a@example.net\r\n\r\nx\r\n",
            None,
        )
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(matches!(
        fresh.imported,
        privacydesk_core::Imported::Queued {
            id: privacydesk_core::IntakeId(3),
            ..
        }
    ));
    assert!(copy.verify().unwrap_or_else(|e| panic!("{e}")).is_ok());
}

#[test]
fn a_desk_copied_into_a_new_file_and_a_new_team_desk_is_whole_and_carries_on() {
    let mut fx = Fixture::new();
    let zoe = filled(&mut fx);
    let file = Location::File(fx.dir.path().join("archive.db"));
    copied_whole(&mut fx, &file, &zoe);
    let (_server, team) = new_team();
    // The second copy holds the first's `copied_out` event too: it is compared afresh.
    copied_whole(&mut fx, &team, &zoe);
}

#[test]
fn a_copy_goes_only_into_a_new_desk_and_a_refused_one_leaves_nothing() {
    let mut fx = Fixture::new();
    fx.new_case("access", "Ada Lovelace", "ada@example.net", "2026-06-01")
        .unwrap_or_else(|e| panic!("{e}"));
    let events = fx
        .desk
        .store()
        .chain_head()
        .unwrap_or_else(|e| panic!("{e}"))
        .1;

    // A file that exists is never overwritten.
    let existing = fx.dir.path().join("existing.db");
    std::fs::write(&existing, b"someone's file").unwrap_or_else(|e| panic!("{e}"));
    let refused = fx.desk.copy_to(
        &Location::File(existing.clone()),
        &passphrase(),
        &mut |_| {},
    );
    assert!(matches!(refused, Err(Error::Invalid(_))), "{refused:?}");
    assert_eq!(
        std::fs::read(&existing).unwrap_or_default(),
        b"someone's file"
    );

    // What a copy cut off by a crash left (it writes under another name until it is whole)
    // does not block the next one.
    std::fs::write(fx.dir.path().join(".fresh.db.copying"), b"half a copy")
        .unwrap_or_else(|e| panic!("{e}"));
    let fresh_file = Location::File(fx.dir.path().join("fresh.db"));
    let summary = fx
        .desk
        .copy_to(&fresh_file, &passphrase(), &mut |_| {})
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(summary.verified.is_ok());
    assert!(!fx.dir.path().join(".fresh.db.copying").exists());
    let events = events + 1; // its copied_out

    // A team desk that already holds a case is not a new desk: the copy is refused whole.
    let (_server, team) = new_team();
    let mut other = open(&team, fx.dir.path());
    other
        .new_case(&privacydesk_core::NewCase {
            kind: "access".into(),
            name: "Already Here".into(),
            email: "here@example.net".into(),
            received: Some("2026-06-01".into()),
            jurisdiction: Some("gdpr".into()),
            ..Default::default()
        })
        .unwrap_or_else(|e| panic!("{e}"));
    let before = records(&other);
    let refused = fx.desk.copy_to(&team, &passphrase(), &mut |_| {});
    assert!(refused.is_err(), "a copy into a desk in use");
    assert_eq!(
        records(&other),
        before,
        "nothing of the refused copy was kept"
    );

    // An agent of a new team desk may not copy into it: it is its manager's (exit 7).
    let (fresh_server, fresh) = new_team();
    let mut manager = open(&fresh, fx.dir.path());
    let agent_name = pg::unique("agent");
    manager
        .team_add(&agent_name, TeamRole::Agent, &passphrase())
        .unwrap_or_else(|e| panic!("{e}"));
    let Location::Team(address) = &fresh else {
        unreachable!()
    };
    let database = address.rsplit('/').next().unwrap_or_default().to_string();
    let as_agent = Location::Team(fresh_server.address(&agent_name, &database));
    let refused = fx.desk.copy_to(&as_agent, &passphrase(), &mut |_| {});
    match refused {
        Err(e @ Error::RoleNeeded(_)) => assert_eq!(e.exit_code(), 7),
        other => panic!("{other:?}"),
    }

    // A wrong passphrase for the target changes nothing anywhere.
    let wrong = Passphrase::new(format!("{PASSPHRASE} but wrong"));
    let refused = fx.desk.copy_to(&fresh, &wrong, &mut |_| {});
    assert!(
        matches!(refused, Err(Error::WrongPassphrase)),
        "{refused:?}"
    );

    // None of the refusals was recorded on the original.
    assert_eq!(
        fx.desk
            .store()
            .chain_head()
            .unwrap_or_else(|e| panic!("{e}"))
            .1,
        events
    );
}

#[test]
fn a_tampered_trail_is_not_copied() {
    // Tampering needs the file's key or the server's owner: on a file it is the raw key.
    let mut fx = Fixture::file();
    fx.new_case("access", "Ada Lovelace", "ada@example.net", "2026-06-01")
        .unwrap_or_else(|e| panic!("{e}"));
    fx.new_case("erasure", "Grace Hopper", "grace@example.net", "2026-06-02")
        .unwrap_or_else(|e| panic!("{e}"));
    {
        let raw = common::raw(&fx.path);
        // The append-only trigger is the file's own; the attacker with the key drops it.
        let triggers: Vec<String> = raw
            .prepare(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'events'",
            )
            .and_then(|mut s| {
                s.query_map([], |r| r.get(0))
                    .and_then(|rows| rows.collect::<Result<Vec<String>, _>>())
            })
            .unwrap_or_else(|e| panic!("{e}"));
        for trigger in triggers {
            raw.execute_batch(&format!("DROP TRIGGER {trigger}"))
                .unwrap_or_else(|e| panic!("{e}"));
        }
        raw.execute("UPDATE events SET actor = 'someone else' WHERE seq = 1", [])
            .unwrap_or_else(|e| panic!("{e}"));
    }
    fx.reopen().unwrap_or_else(|e| panic!("{e}"));
    let file = fx.dir.path().join("archive.db");
    let refused = fx
        .desk
        .copy_to(&Location::File(file.clone()), &passphrase(), &mut |_| {});
    assert!(matches!(refused, Err(Error::Damaged(_))), "{refused:?}");
    assert!(!file.exists(), "the half-made copy was deleted");
    let leftovers: Vec<_> = std::fs::read_dir(fx.dir.path())
        .unwrap_or_else(|e| panic!("{e}"))
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|name| name.contains("archive"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");

    // The server checks each seal itself: the same trail is refused by the team desk.
    let (_server, team) = new_team();
    let refused = fx.desk.copy_to(&team, &passphrase(), &mut |_| {});
    assert!(refused.is_err(), "a tampered trail loaded into a team desk");
    let copy = open(&team, fx.dir.path());
    assert!(records(&copy).is_empty(), "nothing of it was kept");
}

#[test]
fn both_ends_find_the_same_cases_whether_a_searched_word_is_rare_or_common() {
    // Enough cases that words are held by a few, by many and by most of them: the team desk
    // reads a rare word's cases by id, walks the list looking up a commoner word's cases in
    // their set, and checks a word most cases hold in its index, case by case; words are
    // combined by their sets where it has them. They are seeded on a file whatever the run's
    // engine (seeding a team desk case by case is slow).
    let mut fx = Fixture::file();
    fx.desk
        .seed_demo(2_600, 5, &mut |_| {})
        .unwrap_or_else(|e| panic!("seed: {e}"));
    let (_server, team) = new_team();
    fx.desk
        .copy_to(&team, &passphrase(), &mut |_| {})
        .unwrap_or_else(|e| panic!("copy: {e}"));
    let copy = open(&team, fx.dir.path());
    let file = Location::File(fx.dir.path().join("archive.db"));
    fx.desk
        .copy_to(&file, &passphrase(), &mut |_| {})
        .unwrap_or_else(|e| panic!("copy: {e}"));
    let archive = open(&file, fx.dir.path());
    let found = |desk: &Desk, search: &str, limit: Option<u32>| -> Vec<String> {
        let filter = CaseFilter {
            search: Some(search.into()),
            limit,
            ..CaseFilter::default()
        };
        desk.list(&filter)
            .unwrap_or_else(|e| panic!("{search}: {e}"))
            .into_iter()
            .map(|c| c.case.reference.to_string())
            .collect()
    };
    let count = |desk: &Desk, search: &str| -> u64 {
        desk.count(&CaseFilter {
            search: Some(search.into()),
            ..CaseFilter::default()
        })
        .unwrap_or_else(|e| panic!("{search}: {e}"))
    };
    let mut held = Vec::new();
    for search in [
        "example",
        "pr example",
        "dubois",
        "pr dubois",
        "dub",
        "privacy",
        "nosuchword",
        "delete",
        "delete dubois",
        "delete example",
        "personal please",
    ] {
        let everything = found(&fx.desk, search, None);
        for desk in [&copy, &archive] {
            assert_eq!(
                found(desk, search, None),
                everything,
                "{search}: every match"
            );
            assert_eq!(
                found(desk, search, Some(50)),
                found(&fx.desk, search, Some(50)),
                "{search}: the first page"
            );
            assert_eq!(
                count(desk, search),
                everything.len() as u64,
                "{search}: the count"
            );
        }
        held.push(everything.len());
    }
    // The searches span the three ways (for 2,600 cases: by id up to √(50 × 2,600) = 360
    // cases, by their set up to √(750 × 2,600) = 1,396, case by case beyond; every reference
    // begins "PR", and a redacted case is found by its reference alone), and one held by none.
    assert!(held[0] > 1_396, "example: {held:?}");
    assert!(held[2] > 0 && held[2] <= 360, "dubois: {held:?}");
    assert_eq!(held[6], 0);
    assert!(held[7] > 360 && held[7] <= 1_396, "delete: {held:?}");
    assert!(held[8] > 0 && held[9] > 0 && held[10] > 0, "{held:?}");
}
