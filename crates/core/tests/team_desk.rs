//! What a team desk's server holds and enforces, whatever client an agent uses (always on a
//! real PostgreSQL server, whichever engine the run tests): a `pg_dump` of a desk full of cases
//! holds none of their personal data readable; an agent connected with a plain client cannot
//! change the retention period, a sent letter, someone else's saved views or who changed a case;
//! a viewer cannot write at all.

mod common;

use common::{Fixture, passphrase, pg};
use privacydesk_core::{CaseFilter, Desk, TeamRole};

/// A plain client logged in as `name`, as `psql` would be (the login password is what their
/// passphrase gives; anyone who knows the passphrase can compute it).
fn plain_client(fx: &Fixture, name: &str) -> postgres::Client {
    use privacydesk_core::team_crypto::{AgentSecrets, KdfParams};
    let team = fx
        .team
        .as_ref()
        .unwrap_or_else(|| unreachable!("a team fixture"));
    let secrets = AgentSecrets::derive(&passphrase(), &KdfParams::for_agent(&team.database, name))
        .unwrap_or_else(|e| panic!("{e}"));
    let address = team.server.address(name, &team.database);
    let mut url = url::Url::parse(&address).unwrap_or_else(|e| panic!("{e}"));
    let _ = url.set_password(Some(secrets.login_password()));
    let mut client =
        privacydesk_core::store::postgres::connect(url.as_str()).unwrap_or_else(|e| panic!("{e}"));
    // Any client can say it holds the key's current generation (the guard is for honest
    // desktops holding an old key, not a permission).
    client
        .batch_execute("SET privacydesk.key_generation = '1'")
        .unwrap_or_else(|e| panic!("{e}"));
    client
}

#[test]
fn a_dump_of_the_team_desk_holds_no_readable_personal_data() {
    let mut fx = Fixture::team();
    fx.desk
        .seed_demo(150, 7, &mut |_| {})
        .unwrap_or_else(|e| panic!("{e}"));
    let reference = fx
        .new_case(
            "access",
            "Canary Zyxwvut",
            "canary.zyxwvut@example.net",
            "2026-06-01",
        )
        .unwrap_or_else(|e| panic!("{e}"));
    fx.desk
        .note(
            &reference,
            "canary note: the requester's passport number is XK-4471-QZ",
        )
        .unwrap_or_else(|e| panic!("{e}"));
    // Mail that arrived is sealed, its original too: one in the queue, one on the case.
    for (id, from, subject) in [
        (
            "<canary-1@mail.example>",
            "Mailer Canaryson <canary.mailer@example.net>",
            "canary subject qq-9931".to_string(),
        ),
        (
            "<canary-2@mail.example>",
            "canary.zyxwvut@example.net",
            format!("Re: [{reference}] canary reply"),
        ),
    ] {
        let message = format!(
            "Message-ID: {id}\r\nFrom: {from}\r\nSubject: {subject}\r\n\
             Content-Type: multipart/mixed; boundary=\"b\"\r\n\r\n--b\r\n\
             Content-Type: text/plain\r\n\r\nmy passport is zz-5512-kw\r\n--b\r\n\
             Content-Type: application/pdf; name=\"canary-passport-scan.pdf\"\r\n\r\n\
             %PDF-1.4 canary pdf body\r\n--b--\r\n"
        );
        fx.desk
            .import_mail(message.as_bytes(), None)
            .unwrap_or_else(|e| panic!("import: {e}"));
    }
    // The company's files a manager shares are sealed too (a signature may name a person).
    let letters = fx.dir.path().join("letters");
    std::fs::create_dir_all(&letters).unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(
        letters.join("company.toml"),
        "signature = \"Dana Canarywright, Data Protection Officer\"\n",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    fx.desk
        .share_company_files()
        .unwrap_or_else(|e| panic!("share: {e}"));
    let team = fx.team.as_ref().unwrap_or_else(|| unreachable!());
    let dump = std::process::Command::new(pg::tool("pg_dump"))
        .arg("--dbname")
        .arg(team.server.admin_on(&team.database))
        .output()
        .unwrap_or_else(|e| panic!("pg_dump: {e}"));
    assert!(
        dump.status.success(),
        "{}",
        String::from_utf8_lossy(&dump.stderr)
    );
    let dump = String::from_utf8_lossy(&dump.stdout).to_lowercase();
    assert!(dump.contains("create table public.cases"), "a real dump");
    // The canary, and every demo requester's name, address and details: none is in the dump.
    let mut secrets = vec![
        "canary zyxwvut".to_string(),
        "canary.zyxwvut@example.net".into(),
        "xk-4471-qz".into(),
        "canarywright".into(),
        "canary.mailer@example.net".into(),
        "mailer canaryson".into(),
        "qq-9931".into(),
        "canary reply".into(),
        "zz-5512-kw".into(),
        "canary-passport-scan".into(),
        "canary pdf body".into(),
        "canary-1@mail.example".into(),
    ];
    for summary in fx
        .desk
        .list(&CaseFilter::default())
        .unwrap_or_else(|e| panic!("{e}"))
    {
        let case = summary.case;
        secrets.push(case.requester.name.to_lowercase());
        secrets.push(case.requester.email.as_str().to_lowercase());
        if case.details.len() > 12 {
            secrets.push(case.details.to_lowercase());
        }
    }
    let found: Vec<&String> = secrets
        .iter()
        .filter(|s| dump.contains(s.as_str()))
        .collect();
    assert!(found.is_empty(), "readable in pg_dump: {found:?}");
    // What reports need stays readable to the server: kinds, states, dates.
    assert!(dump.contains("account_closure") && dump.contains("gdpr"));
}

#[test]
fn the_server_enforces_the_roles_for_any_client() {
    let mut fx = Fixture::team();
    let reference = fx
        .new_case("access", "Ana Ruiz", "ana@example.com", "2026-06-01")
        .unwrap_or_else(|e| panic!("{e}"));
    let (agent, viewer) = (pg::unique("agent"), pg::unique("viewer"));
    fx.desk
        .team_add(&agent, TeamRole::Agent, &passphrase())
        .unwrap_or_else(|e| panic!("{e}"));
    fx.desk
        .team_add(&viewer, TeamRole::Viewer, &passphrase())
        .unwrap_or_else(|e| panic!("{e}"));
    // The manager keeps a letter as sent and a saved view of their own.
    let id = fx
        .desk
        .case(&reference)
        .map(|v| v.case.id.0)
        .unwrap_or_default();
    fx.desk
        .act(
            &reference,
            privacydesk_core::Action::Verify,
            &Default::default(),
        )
        .unwrap_or_else(|e| panic!("{e}"));
    fx.desk
        .send_letter(
            &reference,
            privacydesk_core::LetterKind::AccessResponse,
            "Dear Ana, here is your data.",
        )
        .unwrap_or_else(|e| panic!("{e}"));
    fx.desk
        .save_view("Mine", &CaseFilter::default())
        .unwrap_or_else(|e| panic!("{e}"));

    let mut psql = plain_client(&fx, &agent);
    let refused = |client: &mut postgres::Client, sql: &str| -> String {
        match client.batch_execute(sql) {
            Ok(()) => panic!("the server allowed: {sql}"),
            Err(e) => e
                .as_db_error()
                .map_or(e.to_string(), |d| d.message().to_string()),
        }
    };
    for sql in [
        "INSERT INTO settings (key, value) VALUES ('retention_months', '1')",
        "UPDATE settings SET value = '1'",
        "DELETE FROM notes",
        "UPDATE events SET actor = 'someone'",
        "DELETE FROM events",
        "INSERT INTO customers (name, forward_within_business_days, updated_at) VALUES ('x', 1, 'x')",
        "UPDATE agents SET role = 'manager'",
    ] {
        assert!(
            refused(&mut psql, sql).contains("permission denied"),
            "{sql}"
        );
    }
    // A sent letter stays as sent; another's saved views are not even seen.
    let changed = psql
        .execute(
            "UPDATE letters SET body = '\\x00'::bytea WHERE sent_at IS NOT NULL",
            &[],
        )
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(changed, 0, "no sent letter reachable for change");
    let views: i64 = psql
        .query_one("SELECT count(*) FROM saved_views", &[])
        .map(|r| r.get(0))
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(views, 0);
    // Whoever changes a case is recorded as who they are, whatever they write.
    psql.execute(
        "UPDATE cases SET updated_by = 'the manager', assignee = 'x' WHERE id = $1",
        &[&id],
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let by: String = psql
        .query_one("SELECT updated_by FROM cases WHERE id = $1", &[&id])
        .map(|r| r.get(0))
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(by, agent);
    // The desk sees the change as a revision by the agent; verify names the case whose stored
    // state no event explains only if the state itself was changed (it was not).
    let view = fx.desk.case(&reference).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(view.case.revision.by, agent);

    // Exports and reports are a manager's: the desktop says so before writing anything, and
    // the server would refuse their audit record from anyone else.
    let team = fx.team.as_ref().unwrap_or_else(|| unreachable!());
    let mut as_agent = Desk::open_team(
        &team.server.address(&agent, &team.database),
        &passphrase(),
        fx.dir.path(),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let out = fx.dir.path().join("cases.csv");
    let export = as_agent.export_cases(&CaseFilter::default(), &out, false, &mut |_| {});
    assert!(
        matches!(export, Err(privacydesk_core::Error::RoleNeeded(ref m)) if m.contains("manager role")),
        "{export:?}"
    );
    assert!(!out.exists(), "nothing written");
    for action in ["export_cases", "report_monthly", "set_retention"] {
        let sql = format!("SELECT append_event(NULL, 'x', '{action}', '{{}}')");
        assert!(
            refused(&mut psql, &sql).contains("only a manager"),
            "{action}"
        );
    }
    drop(as_agent);

    // A viewer reads, and writes nothing at all.
    let mut reader = plain_client(&fx, &viewer);
    for sql in [
        "UPDATE cases SET assignee = 'x'",
        "INSERT INTO notes (id, case_id, at, kind, body) VALUES (999, 1, 'x', 'note', '\\x00')",
        "SELECT append_event(NULL, 'x', 'note', '{}')",
    ] {
        assert!(
            refused(&mut reader, sql).contains("permission denied"),
            "{sql}"
        );
    }
    let seen: i64 = reader
        .query_one("SELECT count(*) FROM cases", &[])
        .map(|r| r.get(0))
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(seen, 1);

    // A removed agent can no longer log in with any client.
    fx.desk
        .team_remove(&agent)
        .unwrap_or_else(|e| panic!("{e}"));
    drop(psql);
    let again = Desk::open_team(
        &team.server.address(&agent, &team.database),
        &passphrase(),
        fx.dir.path(),
    );
    assert!(
        matches!(again, Err(privacydesk_core::Error::WrongPassphrase)),
        "{again:?}"
    );
}

#[test]
fn verify_names_what_the_server_s_owner_changed_behind_the_desk() {
    let mut fx = Fixture::team();
    let ana = fx
        .new_case("access", "Ana Ruiz", "ana@example.com", "2026-06-01")
        .unwrap_or_else(|e| panic!("{e}"));
    fx.new_case("access", "Ben Okafor", "ben@example.org", "2026-06-02")
        .unwrap_or_else(|e| panic!("{e}"));
    fx.desk
        .act(&ana, privacydesk_core::Action::Verify, &Default::default())
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(fx.desk.verify().unwrap_or_else(|e| panic!("{e}")).is_ok());
    // The owner drops the append-only guard, edits an event, moves a sealed name to another
    // case and sets a state no event explains.
    let team = fx.team.as_ref().unwrap_or_else(|| unreachable!());
    let mut owner =
        privacydesk_core::store::postgres::connect(&team.server.admin_on(&team.database))
            .unwrap_or_else(|e| panic!("{e}"));
    owner
        .batch_execute(
            "SET privacydesk.key_generation = '1';
             ALTER TABLE events DISABLE TRIGGER events_are_never_changed;
             UPDATE events SET details = '{}' WHERE seq = 3;
             UPDATE cases SET requester_name = (SELECT requester_name FROM cases WHERE id = 1)
              WHERE id = 2;
             UPDATE cases SET state = 'closed' WHERE id = 2;",
        )
        .unwrap_or_else(|e| panic!("{e}"));
    let report = fx.desk.verify().unwrap_or_else(|e| panic!("{e}"));
    assert!(!report.is_ok());
    assert!(
        report
            .file
            .integrity
            .iter()
            .any(|p| p.contains("append-only")),
        "{:?}",
        report.file.integrity
    );
    assert!(
        report
            .file
            .cipher
            .iter()
            .any(|p| p.starts_with("PR-2026-00002")),
        "the name moved to another case does not open there: {:?}",
        report.file.cipher
    );
    let broken = report
        .chain
        .broken
        .unwrap_or_else(|| panic!("the edited event"));
    assert_eq!(broken.seq, 3);
}

#[test]
fn each_agent_has_a_key_pair_whose_secret_half_only_their_passphrase_opens() {
    use privacydesk_core::Passphrase;
    use privacydesk_core::store::postgres as team;
    use privacydesk_core::team_crypto::{AgentSecrets, KdfParams};

    let mut fx = Fixture::team();
    let ana = pg::unique("agent");
    fx.desk
        .team_add(&ana, TeamRole::Agent, &passphrase())
        .unwrap_or_else(|e| panic!("{e}"));
    let (database, ana_address, admin_address) = {
        let t = fx.team.as_ref().unwrap_or_else(|| unreachable!());
        (
            t.database.clone(),
            t.server.address(&ana, &t.database),
            t.server.admin_on(&t.database),
        )
    };
    let secrets = |p: &Passphrase| {
        AgentSecrets::derive(p, &KdfParams::for_agent(&database, &ana))
            .unwrap_or_else(|e| panic!("{e}"))
    };
    let public_keys = |client: &mut postgres::Client| -> Vec<(String, Option<Vec<u8>>)> {
        client
            .query("SELECT name, public_key FROM team ORDER BY name", &[])
            .map(|rows| rows.iter().map(|r| (r.get(0), r.get(1))).collect())
            .unwrap_or_else(|e| panic!("{e}"))
    };

    // Everyone added has a public key the team can read; only its owner reads the wrapped
    // secret half, and only their passphrase opens it.
    let mut as_ana = plain_client(&fx, &ana);
    let keys = public_keys(&mut as_ana);
    assert_eq!(keys.len(), 2);
    assert!(
        keys.iter()
            .all(|(_, key)| key.as_ref().map(Vec::len) == Some(32)),
        "{keys:?}"
    );
    let ana_public = |keys: &[(String, Option<Vec<u8>>)]| {
        keys.iter()
            .find(|(name, _)| *name == ana)
            .and_then(|(_, key)| key.clone())
            .unwrap_or_else(|| panic!("{ana} has no public key"))
    };
    let first = ana_public(&keys);
    let pair = team::own_key_pair(&mut as_ana, &secrets(&passphrase()))
        .unwrap_or_else(|e| panic!("{e}"))
        .unwrap_or_else(|| panic!("no key pair"));
    assert_eq!(pair.public().0.to_vec(), first);
    let wrong = Passphrase::new("a guess at ana's passphrase".into());
    assert!(matches!(
        team::own_key_pair(&mut as_ana, &secrets(&wrong)),
        Err(privacydesk_core::Error::WrongPassphrase)
    ));
    let rows: i64 = as_ana
        .query_one(
            "SELECT count(*) FROM agents WHERE wrapped_private_key IS NOT NULL",
            &[],
        )
        .map(|r| r.get(0))
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(rows, 1, "an agent reads no one else's wrapped secret half");

    // An agent added before key pairs existed is given one the next time they sign in, once.
    let mut admin = team::connect(&admin_address).unwrap_or_else(|e| panic!("{e}"));
    admin
        .execute(
            "UPDATE agents SET public_key = NULL, wrapped_private_key = NULL WHERE name = $1",
            &[&ana],
        )
        .unwrap_or_else(|e| panic!("{e}"));
    let files = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let mut ana_desk = Desk::open_team(&ana_address, &passphrase(), files.path())
        .unwrap_or_else(|e| panic!("{e}"));
    let second = ana_public(&public_keys(&mut as_ana));
    assert_ne!(second, first);
    let again = as_ana.execute(
        "SELECT set_own_key_pair($1, $2)",
        &[&vec![7u8; 32], &vec![7u8; 40]],
    );
    assert!(
        again.is_err(),
        "a key pair is not replaced but with a new passphrase"
    );
    assert_eq!(ana_public(&public_keys(&mut as_ana)), second);

    // A new passphrase comes with a new pair, which the new passphrase opens.
    let new = Passphrase::new("ana's new and longer passphrase".into());
    ana_desk.rekey(&new).unwrap_or_else(|e| panic!("{e}"));
    let third = ana_public(&public_keys(&mut admin));
    assert_ne!(third, second);
    let mut with_new = {
        let mut url = url::Url::parse(&ana_address).unwrap_or_else(|e| panic!("{e}"));
        let _ = url.set_password(Some(secrets(&new).login_password()));
        team::connect(url.as_str()).unwrap_or_else(|e| panic!("{e}"))
    };
    let pair = team::own_key_pair(&mut with_new, &secrets(&new))
        .unwrap_or_else(|e| panic!("{e}"))
        .unwrap_or_else(|| panic!("no key pair"));
    assert_eq!(pair.public().0.to_vec(), third);
}
