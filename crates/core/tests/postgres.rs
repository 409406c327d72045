//! The team desk's server enforces the audit trail itself, tested on a real PostgreSQL: a
//! throwaway cluster of its own (Debian's `postgresql`; `initdb` in a temporary folder, loopback
//! only, stopped when the test ends). An agent connected with any client cannot change or delete
//! an event, write one directly, or write one in someone else's name; a viewer cannot append;
//! concurrent appends stay one chain; the server seals each event exactly as core does, and
//! checks every event of a copied trail before it keeps it; notes and letters are their
//! writer's.

mod common;

use common::pg::{ADMIN_PASSWORD, Cluster};
use privacydesk_core::domain::audit::seal;
use privacydesk_core::store::postgres::{self as team, SCHEMA_VERSION};

/// Makes `name` a login role in `group` with `password`.
fn add_login(admin: &mut postgres::Client, name: &str, group: &str, password: &str) {
    admin
        .batch_execute(&format!(
            "CREATE ROLE {name} LOGIN PASSWORD '{password}' IN ROLE {group}"
        ))
        .unwrap_or_else(|e| panic!("{e}"));
}

fn refused(result: Result<u64, postgres::Error>) -> String {
    match result {
        Ok(rows) => panic!("the server allowed it ({rows} rows)"),
        Err(e) => e
            .as_db_error()
            .map_or(e.to_string(), |d| d.message().to_string()),
    }
}

#[test]
fn the_server_keeps_one_chain_of_events_no_agent_can_rewrite_or_sign_for_someone_else() {
    let cluster = Cluster::start();
    let mut admin = cluster.admin();
    team::migrate(&mut admin).unwrap_or_else(|e| panic!("{e}"));
    // Migrating again does nothing.
    team::migrate(&mut admin).unwrap_or_else(|e| panic!("{e}"));
    let version: i64 = admin
        .query_one("SELECT max(version) FROM schema_version", &[])
        .map(|r| r.get(0))
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(version, SCHEMA_VERSION);
    add_login(&mut admin, "ana", "postgres_agent", "ana-login");
    add_login(&mut admin, "ben", "postgres_agent", "ben-login");
    add_login(&mut admin, "vera", "postgres_viewer", "vera-login");

    let mut ana = team::connect(&cluster.url("ana", "ana-login")).unwrap_or_else(|e| panic!("{e}"));
    let (seq, hash) = team::append_event(
        &mut ana,
        Some(7),
        "2026-12-02T09:00:00Z",
        "verify",
        r#"{"from":"new","to":"in_progress"}"#,
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(seq, 1);
    // The server's seal is core's: the same fields give the same hash, the actor included.
    let genesis = "0".repeat(64);
    assert_eq!(
        hash,
        seal(
            &genesis,
            1,
            Some(7),
            "2026-12-02T09:00:00Z",
            "ana",
            "verify",
            r#"{"from":"new","to":"in_progress"}"#
        )
    );

    // Ana, with psql or anything else, cannot change, delete or forge an event.
    assert!(
        refused(ana.execute("UPDATE events SET actor = 'ben'", &[])).contains("permission denied")
    );
    assert!(refused(ana.execute("DELETE FROM events", &[])).contains("permission denied"));
    assert!(
        refused(ana.execute(
            "INSERT INTO events VALUES (2, NULL, 'x', 'ben', 'close', '{}', 'x', 'x')",
            &[]
        ))
        .contains("permission denied")
    );
    assert!(refused(ana.execute("UPDATE chain SET count = 0", &[])).contains("permission denied"));
    // Only a manager shares the company's files (templates, calendars.toml), or records it.
    assert!(
        refused(ana.execute(
            "INSERT INTO company_files (name, body, shared_at) \
             VALUES ('letters/denial.txt', '\\x00', 't')",
            &[]
        ))
        .contains("permission denied")
    );
    assert!(refused(ana.execute("DELETE FROM company_files", &[])).contains("permission denied"));
    let shared = team::append_event(&mut ana, None, "t", "company_files_shared", "{}");
    assert!(
        matches!(&shared, Err(privacydesk_core::Error::RoleNeeded(why))
            if why.contains("sharing the company's files needs the manager role")),
        "{shared:?}"
    );
    let mail = team::append_event(&mut ana, None, "t", "set_mail", "{}");
    assert!(
        matches!(&mail, Err(privacydesk_core::Error::RoleNeeded(why))
            if why.contains("changing the mail settings needs the manager role")),
        "{mail:?}"
    );
    // A name PrivacyDesk does not read is refused by the server, even the owner's.
    admin
        .batch_execute("SET privacydesk.key_generation = '1'")
        .unwrap_or_else(|e| panic!("{e}"));
    let name_refused = refused(admin.execute(
        "INSERT INTO company_files (name, body, shared_at) VALUES ('mail.toml.bak', '\\x00', 't')",
        &[],
    ));
    assert!(
        name_refused.contains("company_files_name_check"),
        "{name_refused}"
    );
    // The owner's own path only appends.
    assert!(refused(admin.execute("UPDATE events SET actor = 'ben'", &[])).contains("append-only"));
    assert!(refused(admin.execute("DELETE FROM events", &[])).contains("append-only"));

    // A viewer reads but cannot append.
    let mut vera =
        team::connect(&cluster.url("vera", "vera-login")).unwrap_or_else(|e| panic!("{e}"));
    let count: i64 = vera
        .query_one("SELECT count(*) FROM events", &[])
        .map(|r| r.get(0))
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(count, 1);
    let viewer = team::append_event(&mut vera, None, "t", "note_added", "{}");
    assert!(
        matches!(viewer, Err(privacydesk_core::Error::RoleNeeded(ref m)) if m.contains("needs the agent or manager role")),
        "{viewer:?}"
    );

    // Two agents appending at once, many times: one chain, each event sealed on the one before.
    let url_ana = cluster.url("ana", "ana-login");
    let url_ben = cluster.url("ben", "ben-login");
    let writers: Vec<_> = [url_ana, url_ben]
        .into_iter()
        .map(|url| {
            std::thread::spawn(move || {
                let mut client = team::connect(&url).unwrap_or_else(|e| panic!("{e}"));
                for n in 0..40 {
                    team::append_event(
                        &mut client,
                        Some(n),
                        "2026-12-02T10:00:00Z",
                        "note_added",
                        "{}",
                    )
                    .unwrap_or_else(|e| panic!("{e}"));
                }
            })
        })
        .collect();
    for writer in writers {
        writer
            .join()
            .unwrap_or_else(|_| panic!("a writer panicked"));
    }
    let rows = admin
        .query(
            "SELECT seq, case_id, at, actor, action, details, prev_hash, hash FROM events ORDER BY seq",
            &[],
        )
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(rows.len(), 81);
    let mut previous = genesis;
    for (index, row) in rows.iter().enumerate() {
        let seq: i64 = row.get(0);
        assert_eq!(seq, index as i64 + 1, "no gap, no repeat");
        let prev: String = row.get(6);
        assert_eq!(prev, previous, "event {seq} follows the one before");
        let expected = seal(
            &prev,
            seq,
            row.get(1),
            row.get::<_, &str>(2),
            row.get::<_, &str>(3),
            row.get::<_, &str>(4),
            row.get::<_, &str>(5),
        );
        let hash: String = row.get(7);
        assert_eq!(hash, expected, "event {seq} sealed as core seals it");
        previous = hash;
    }
    let actors: std::collections::BTreeSet<String> = rows.iter().map(|r| r.get(3)).collect();
    assert_eq!(actors.into_iter().collect::<Vec<_>>(), ["ana", "ben"]);
    let (head, count): (String, i64) = admin
        .query_one("SELECT head, count FROM chain", &[])
        .map(|r| (r.get(0), r.get(1)))
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!((head, count), (previous, 81));
    drop((ana, vera, admin));
}

/// An event as `load_events` takes it: seq, case, at, actor, action, details, prev_hash, hash.
type Loaded = (
    i64,
    Option<i64>,
    String,
    String,
    String,
    String,
    String,
    String,
);

/// A trail of `count` events as core seals them, from the genesis.
fn trail(count: i64) -> Vec<Loaded> {
    let mut previous = "0".repeat(64);
    (1..=count)
        .map(|seq| {
            let (at, actor, action, details) = (
                format!("2026-06-01T09:00:{:02}Z", seq % 60),
                if seq % 2 == 0 { "ana" } else { "ben" }.to_string(),
                "note_added".to_string(),
                format!(r#"{{"n":{seq}}}"#),
            );
            let hash = seal(&previous, seq, Some(seq), &at, &actor, &action, &details);
            let event = (
                seq,
                Some(seq),
                at,
                actor,
                action,
                details,
                previous.clone(),
                hash.clone(),
            );
            previous = hash;
            event
        })
        .collect()
}

/// Calls `load_events` with `events`, column by column.
fn load(
    client: &mut impl postgres::GenericClient,
    events: &[Loaded],
) -> Result<u64, postgres::Error> {
    let seq: Vec<i64> = events.iter().map(|e| e.0).collect();
    let case: Vec<Option<i64>> = events.iter().map(|e| e.1).collect();
    let text =
        |f: fn(&Loaded) -> &String| events.iter().map(|e| f(e).clone()).collect::<Vec<String>>();
    client.execute(
        "SELECT load_events($1, $2, $3, $4, $5, $6, $7, $8)",
        &[
            &seq,
            &case,
            &text(|e| &e.2),
            &text(|e| &e.3),
            &text(|e| &e.4),
            &text(|e| &e.5),
            &text(|e| &e.6),
            &text(|e| &e.7),
        ],
    )
}

#[test]
fn a_copied_trail_is_kept_only_as_one_chain_the_server_has_checked_and_authors_are_the_writers() {
    let cluster = Cluster::start();
    let mut admin = cluster.admin();
    team::migrate(&mut admin).unwrap_or_else(|e| panic!("{e}"));
    add_login(&mut admin, "mia", "postgres_manager", "mia-login");
    add_login(&mut admin, "ana", "postgres_agent", "ana-login");
    let mut mia = team::connect(&cluster.url("mia", "mia-login")).unwrap_or_else(|e| panic!("{e}"));
    let mut ana = team::connect(&cluster.url("ana", "ana-login")).unwrap_or_else(|e| panic!("{e}"));
    let events = trail(5);

    // Outside a copy, nobody loads events, a manager included.
    assert!(refused(load(&mut mia, &events)).contains("only into a new team desk"));

    let mut tx = mia.transaction().unwrap_or_else(|e| panic!("{e}"));
    tx.execute("SELECT begin_copy_in('2026-12-02T09:00:00Z')", &[])
        .unwrap_or_else(|e| panic!("{e}"));
    // Each refusal is tried in a savepoint, so that the copy goes on after it.
    let attempt = |tx: &mut postgres::Transaction<'_>, batch: &[_]| -> String {
        let mut savepoint = tx.transaction().unwrap_or_else(|e| panic!("{e}"));
        let message = refused(load(&mut savepoint, batch));
        drop(savepoint);
        message
    };
    // A batch that does not start at the chain's head, one with a gap, one whose links are
    // broken, one with an edited field, and one with a column short: each refused whole.
    assert!(attempt(&mut tx, &events[1..3]).contains("event 2 does not follow"));
    let gap = [events[0].clone(), events[2].clone()];
    assert!(attempt(&mut tx, &gap).contains("event 3 does not follow"));
    let mut relinked = events[..3].to_vec();
    relinked[2].6 = relinked[0].7.clone();
    assert!(attempt(&mut tx, &relinked).contains("event 3 does not follow"));
    let mut edited = events[..3].to_vec();
    edited[1].3 = "mia".into();
    assert!(attempt(&mut tx, &edited).contains("event 2's seal does not match"));
    let mut savepoint = tx.transaction().unwrap_or_else(|e| panic!("{e}"));
    let short = savepoint.execute(
        "SELECT load_events(ARRAY[1]::bigint[], ARRAY[1]::bigint[], ARRAY['a'], ARRAY['b'],
                            ARRAY['c'], ARRAY['d'], ARRAY[]::text[], ARRAY['f'])",
        &[],
    );
    assert!(refused(short).contains("columns of different lengths"));
    drop(savepoint);
    // The trail in two batches, the second following the first.
    load(&mut tx, &events[..2]).unwrap_or_else(|e| panic!("{e}"));
    load(&mut tx, &events[2..]).unwrap_or_else(|e| panic!("{e}"));
    // An agent cannot load events at all.
    assert!(refused(load(&mut ana, &trail(1))).contains("permission denied"));
    tx.execute("SELECT finish_copy_in('2026-12-02T09:00:01Z')", &[])
        .unwrap_or_else(|e| panic!("{e}"));
    tx.commit().unwrap_or_else(|e| panic!("{e}"));
    let (head, count): (String, i64) = admin
        .query_one("SELECT head, count FROM chain", &[])
        .map(|r| (r.get(0), r.get(1)))
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!((head, count), (events[4].7.clone(), 5));
    let kept: Vec<(i64, String, String)> = admin
        .query("SELECT seq, actor, hash FROM events ORDER BY seq", &[])
        .map(|rows| {
            rows.iter()
                .map(|r| (r.get(0), r.get(1), r.get(2)))
                .collect()
        })
        .unwrap_or_else(|e| panic!("{e}"));
    let expected: Vec<(i64, String, String)> = events
        .iter()
        .map(|e| (e.0, e.3.clone(), e.7.clone()))
        .collect();
    assert_eq!(kept, expected, "the copied events are kept verbatim");
    // The copy is over: nothing more is loaded.
    assert!(refused(load(&mut mia, &trail(6)[5..])).contains("only into a new team desk"));

    // Whatever author a client writes on a note or a letter, the server keeps its login.
    for client in [&mut admin, &mut ana] {
        client
            .batch_execute("SET privacydesk.key_generation = '1'")
            .unwrap_or_else(|e| panic!("{e}"));
    }
    admin
        .batch_execute(
            "INSERT INTO cases (id, reference, kind, state, requester_name, requester_email,
                 email_index, is_minor, channel, jurisdiction, details, received_on, due_on,
                 queue_on, pauses, identity, created_at, updated_at)
             VALUES (1, 'PR-2026-00001', 'access', 'new', '\\x00', '\\x00', '\\x00', false,
                 'email', 'gdpr', '\\x00', '2026-06-01', '2026-07-01', '2026-07-01', '[]',
                 'unverified', 't', 't')",
        )
        .unwrap_or_else(|e| panic!("{e}"));
    ana.execute(
        "INSERT INTO notes (id, case_id, at, author, kind, body)
         VALUES (nextval('notes_id'), 1, 't', 'mia', 'note', '\\x00')",
        &[],
    )
    .unwrap_or_else(|e| panic!("{e}"));
    ana.execute(
        "INSERT INTO letters (case_id, kind, body, author, saved_at)
         VALUES (1, 'acknowledgement', '\\x00', 'mia', 't')",
        &[],
    )
    .unwrap_or_else(|e| panic!("{e}"));
    ana.execute("UPDATE letters SET author = 'mia'", &[])
        .unwrap_or_else(|e| panic!("{e}"));
    let authors: Vec<String> = admin
        .query(
            "SELECT author FROM notes UNION ALL SELECT author FROM letters",
            &[],
        )
        .map(|rows| rows.iter().map(|r| r.get(0)).collect())
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(authors, ["ana", "ana"]);
    drop((ana, mia, admin));
}

#[test]
fn each_agent_logs_in_and_opens_the_team_key_with_their_passphrase_alone() {
    use privacydesk_core::Passphrase;
    use privacydesk_core::team_crypto::{AgentSecrets, KdfParams, TeamKey};

    let cluster = Cluster::start();
    let mut admin = cluster.admin();
    team::migrate(&mut admin).unwrap_or_else(|e| panic!("{e}"));
    let team_id = format!("127.0.0.1:{}/postgres", cluster.port);
    let secrets = |name: &str, passphrase: &str| {
        AgentSecrets::derive(
            &Passphrase::new(passphrase.into()),
            &KdfParams::for_agent(&team_id, name),
        )
        .unwrap_or_else(|e| panic!("{e}"))
    };
    // The administrator sets up the team key and its first manager.
    let key = TeamKey::generate();
    let mia = secrets("mia", "mia's long passphrase");
    team::add_agent(
        &mut admin,
        "mia",
        "manager",
        &mia,
        &key,
        "2026-12-02T09:00:00Z",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let mut as_mia =
        team::connect(&cluster.url("mia", mia.login_password())).unwrap_or_else(|e| panic!("{e}"));
    let mias_key = team::team_key(&mut as_mia, &mia).unwrap_or_else(|e| panic!("{e}"));
    let sealed = key.seal("cases.requester_name:PR-2026-00001", b"Ana Ruiz");
    assert_eq!(
        mias_key
            .open("cases.requester_name:PR-2026-00001", &sealed)
            .map(|p| p.to_vec())
            .ok(),
        Some(b"Ana Ruiz".to_vec())
    );
    // The manager adds an agent; the agent opens the same key with their own passphrase.
    let ana = secrets("ana", "ana's long passphrase");
    team::add_agent(
        &mut as_mia,
        "ana",
        "agent",
        &ana,
        &mias_key,
        "2026-12-02T09:05:00Z",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let mut as_ana =
        team::connect(&cluster.url("ana", ana.login_password())).unwrap_or_else(|e| panic!("{e}"));
    let anas_key = team::team_key(&mut as_ana, &ana).unwrap_or_else(|e| panic!("{e}"));
    assert!(
        anas_key
            .open("cases.requester_name:PR-2026-00001", &sealed)
            .is_ok()
    );
    // Ana sees who is on the team, but only her own wrapping; she cannot add anyone.
    let wrappings: i64 = as_ana
        .query_one("SELECT count(*) FROM agents", &[])
        .map(|r| r.get(0))
        .unwrap_or_else(|e| panic!("{e}"));
    let members: i64 = as_ana
        .query_one("SELECT count(*) FROM team", &[])
        .map(|r| r.get(0))
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!((wrappings, members), (1, 2));
    let ben = secrets("ben", "ben's long passphrase");
    let refused = team::add_agent(&mut as_ana, "ben", "manager", &ben, &anas_key, "t");
    assert!(
        matches!(refused, Err(privacydesk_core::Error::RoleNeeded(ref m)) if m.contains("needs the manager role")),
        "{refused:?}"
    );
    // A wrong passphrase gives another login password: the server refuses it.
    let wrong = secrets("ana", "not ana's passphrase");
    assert!(team::connect(&cluster.url("ana", wrong.login_password())).is_err());
    // The server holds a SCRAM verifier, never the login password.
    let stored: String = admin
        .query_one(
            "SELECT rolpassword FROM pg_authid WHERE rolname = 'ana'",
            &[],
        )
        .map(|r| r.get(0))
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(stored.starts_with("SCRAM-SHA-256$"));
    assert!(!stored.contains(ana.login_password()));
    // Names the server would have to quote are refused before any role is made.
    let odd = team::add_agent(
        &mut as_mia,
        "Robert'); DROP TABLE events;--",
        "agent",
        &ben,
        &mias_key,
        "t",
    );
    assert!(odd.is_err_and(|e| e.to_string().contains("lower-case letters")));
}

#[test]
fn tls_connections_check_the_server_s_certificate_and_name() {
    let cluster = Cluster::start_with(true);
    let ca = cluster.dir.path().join("ca.crt");
    let url = |host: &str| {
        format!(
            "postgres://admin:{ADMIN_PASSWORD}@{host}:{}/postgres?sslmode=require",
            cluster.port
        )
    };
    let mut client =
        team::connect_trusting(&url("localhost"), Some(&ca)).unwrap_or_else(|e| panic!("{e}"));
    let encrypted: bool = client
        .query_one(
            "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()",
            &[],
        )
        .map(|r| r.get(0))
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(encrypted, "the session is encrypted");
    // An authority the desk does not trust, or a name the certificate is not for: refused.
    assert!(team::connect_trusting(&url("localhost"), None).is_err());
    assert!(team::connect_trusting(&url("127.0.0.1"), Some(&ca)).is_err());
}
