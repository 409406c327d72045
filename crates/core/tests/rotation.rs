//! Rotating a team desk's key (always on a real PostgreSQL server, whichever engine the run
//! tests): every record reads the same after it, search finds the same cases, the trail
//! verifies; the key an agent removed before it may have kept opens nothing and matches no
//! index; a desk signed in before it is refused writes until it signs in again, when its
//! agent takes the key sealed to them; only a manager rotates, with their own passphrase, and
//! only once everyone on the team can be given the new key.

mod common;

use common::{Fixture, passphrase, records};
use privacydesk_core::store::postgres as team;
use privacydesk_core::team_crypto::{AgentSecrets, KdfParams};
use privacydesk_core::{CaseFilter, Desk, Error, Passphrase};

/// The references a search lists, in order.
fn found(desk: &Desk, search: &str) -> Vec<String> {
    desk.list(&CaseFilter {
        search: Some(search.into()),
        ..CaseFilter::default()
    })
    .unwrap_or_else(|e| panic!("{search}: {e}"))
    .into_iter()
    .map(|c| c.case.reference.to_string())
    .collect()
}

#[test]
fn rotating_the_team_key_seals_everything_again_and_the_old_key_opens_nothing() {
    let mut fx = Fixture::team();
    fx.desk
        .seed_demo(60, 3, &mut |_| {})
        .unwrap_or_else(|e| panic!("seed: {e}"));
    let zoe = fx
        .new_case(
            "access",
            "Zoë Rotation",
            "zoe.rotation@example.net",
            "2026-06-02",
        )
        .unwrap_or_else(|e| panic!("{e}"));
    fx.desk
        .note(&zoe, "Called Zoë about the kaleidoscope")
        .unwrap_or_else(|e| panic!("{e}"));
    for message in [
        format!(
            "Message-ID: <r1@x>\r\nFrom: zoe.rotation@example.net\r\nSubject: Re: [{zoe}] x\r\n\r\nkaleidoscope reply\r\n"
        ),
        "Message-ID: <r2@x>\r\nFrom: Ödön <odon@example.net>\r\nSubject: queued\r\n\r\nbody\r\n"
            .to_string(),
    ] {
        fx.desk
            .import_mail(message.as_bytes(), None)
            .unwrap_or_else(|e| panic!("import: {e}"));
    }
    fx.desk
        .set_customer("Acme Rotation", Some("dpo@acme.example"), Some(5))
        .unwrap_or_else(|e| panic!("{e}"));
    let filter = CaseFilter {
        search: Some("kaleidoscope".into()),
        ..CaseFilter::default()
    };
    fx.desk
        .save_view("kaleidoscopes", &filter)
        .unwrap_or_else(|e| panic!("{e}"));
    let (database, admin_address) = {
        let t = fx.team.as_ref().unwrap_or_else(|| unreachable!());
        (t.database.clone(), t.server.admin_on(&t.database))
    };
    let mut admin = team::connect(&admin_address).unwrap_or_else(|e| panic!("{e}"));

    // Ana works on, signed in before the rotation, with a view of her own.
    let mut ana = fx.colleague("ana");
    ana.save_view("hers", &filter)
        .unwrap_or_else(|e| panic!("{e}"));
    let ana_name = ana
        .team_session()
        .map(|s| s.agent.clone())
        .unwrap_or_default();
    // Ben keeps the team key when he leaves.
    let ben = fx.colleague("ben");
    let ben_name = ben
        .team_session()
        .map(|s| s.agent.clone())
        .unwrap_or_default();
    drop(ben);
    let ben_secrets =
        AgentSecrets::derive(&passphrase(), &KdfParams::for_agent(&database, &ben_name))
            .unwrap_or_else(|e| panic!("{e}"));
    let kept_key = {
        let address = fx
            .team
            .as_ref()
            .map(|t| t.server.address(&ben_name, &t.database))
            .unwrap_or_default();
        let mut url = url::Url::parse(&address).unwrap_or_else(|e| panic!("{e}"));
        let _ = url.set_password(Some(ben_secrets.login_password()));
        let mut client = team::connect(url.as_str()).unwrap_or_else(|e| panic!("{e}"));
        team::team_key(&mut client, &ben_secrets).unwrap_or_else(|e| panic!("{e}"))
    };
    fx.desk
        .team_remove(&ben_name)
        .unwrap_or_else(|e| panic!("{e}"));

    let carl = fx.colleague("carl");
    let carl_name = carl
        .team_session()
        .map(|s| s.agent.clone())
        .unwrap_or_default();
    drop(carl);
    admin
        .execute(
            "UPDATE agents SET public_key = NULL, wrapped_private_key = NULL WHERE name = $1",
            &[&carl_name],
        )
        .unwrap_or_else(|e| panic!("{e}"));
    let unchanged = records(&fx.desk);
    let searches = [
        "zoë",
        "zoe.rotation@example.net",
        "kaleidoscope",
        "dubois",
        "example",
    ];
    let found_before: Vec<_> = searches.iter().map(|s| found(&fx.desk, s)).collect();
    assert_eq!(found_before[2], [zoe.to_string()]);

    // Refusals change nothing: an agent, a wrong passphrase, a member without a key pair.
    let refused = ana.rotate_team_key(&passphrase(), &mut |_, _| {});
    assert!(
        matches!(&refused, Err(e @ Error::RoleNeeded(_)) if e.exit_code() == 7),
        "{refused:?}"
    );
    let wrong = Passphrase::new("not the manager's passphrase".into());
    let refused = fx.desk.rotate_team_key(&wrong, &mut |_, _| {});
    assert!(
        matches!(refused, Err(Error::WrongPassphrase)),
        "{refused:?}"
    );
    let refused = fx.desk.rotate_team_key(&passphrase(), &mut |_, _| {});
    assert!(
        matches!(&refused, Err(Error::NotAllowed(m)) if m.contains(&carl_name) && m.contains("sign in once")),
        "{refused:?}"
    );
    assert_eq!(records(&fx.desk), unchanged, "the refusals changed nothing");
    fx.desk
        .team_remove(&carl_name)
        .unwrap_or_else(|e| panic!("{e}"));
    let before = records(&fx.desk);

    // The rotation.
    let mut heard = Vec::new();
    let rotation = fx
        .desk
        .rotate_team_key(&passphrase(), &mut |done, total| heard.push((done, total)))
        .unwrap_or_else(|e| panic!("rotate: {e}"));
    assert_eq!(
        (rotation.generation, rotation.cases, rotation.agents),
        (2, 61, 1)
    );
    assert!(rotation.values > 61 * 3, "{rotation:?}");
    assert_eq!(heard.last(), Some(&(61, 61)));
    let mut after = records(&fx.desk);
    // The trail holds one event more: the rotation, by the manager.
    let last = after.pop().unwrap_or_default();
    assert!(last.contains("team_key_rotated"), "{last}");
    assert_eq!(
        after, before,
        "every record reads the same under the new key"
    );
    let found_after: Vec<_> = searches.iter().map(|s| found(&fx.desk, s)).collect();
    assert_eq!(found_after, found_before);
    assert!(fx.desk.verify().map(|v| v.is_ok()).unwrap_or(false));
    fx.reopen().unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        searches
            .iter()
            .map(|s| found(&fx.desk, s))
            .collect::<Vec<_>>(),
        found_before
    );

    // The key Ben kept opens nothing sealed now and matches no index.
    let row = admin
        .query_one(
            "SELECT id, requester_name, email_index FROM cases WHERE reference = $1",
            &[&zoe.to_string()],
        )
        .unwrap_or_else(|e| panic!("{e}"));
    let id: i64 = row.get(0);
    let name: Vec<u8> = row.get(1);
    assert!(
        kept_key
            .open(&format!("cases.requester_name:{id}"), &name)
            .is_err()
    );
    let index: Vec<u8> = row.get(2);
    assert_ne!(
        index,
        kept_key
            .blind_index("email", "zoe.rotation@example.net")
            .to_vec()
    );
    let old_tokens: Vec<Vec<u8>> = kept_key
        .word_indexes("word", "kaleidoscope")
        .into_iter()
        .map(|t| t.to_vec())
        .collect();
    let matched: i64 = admin
        .query_one(
            "SELECT count(*) FROM case_words WHERE token = ANY($1)",
            &[&old_tokens],
        )
        .map(|r| r.get(0))
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(matched, 0);

    // Ana's desk, signed in before, may not write under the old key; signed in again, she takes
    // the new key and reads everything as before, her own view included.
    let refused = ana.note(&zoe, "written under the old key");
    assert!(matches!(&refused, Err(Error::KeyRotated)), "{refused:?}");
    // Her window hears of it at its next poll, before it reads anything.
    let polled = ana.changes();
    assert!(matches!(&polled, Err(Error::KeyRotated)), "{polled:?}");
    let ana_address = fx
        .team
        .as_ref()
        .map(|t| t.server.address(&ana_name, &t.database))
        .unwrap_or_default();
    let ana = Desk::open_team_as_is(&ana_address, &passphrase(), fx.dir.path())
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(found(&ana, "kaleidoscope"), [zoe.to_string()]);
    let views = ana.saved_views().unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        views.iter().map(|v| v.name.as_str()).collect::<Vec<_>>(),
        ["hers"]
    );
    let waiting: i64 = admin
        .query_one("SELECT count(*) FROM agents WHERE key_box IS NOT NULL", &[])
        .map(|r| r.get(0))
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(waiting, 0, "Ana took her key");
    let mut after = records(&fx.desk);
    after.pop();
    assert_eq!(after, before, "nothing of the refused note was written");
}
