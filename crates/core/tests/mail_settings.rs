//! The mail settings on each engine: a single desk keeps them beside its file and records each
//! change (never a user name or a secret); a team desk's are this machine's until a manager
//! shares them, and then every desktop's.

mod common;

use common::{Fixture, passphrase};
use privacydesk_core::domain::mail::Security;
use privacydesk_core::{Desk, MailChangeEffect, ServerChange, TeamRole};

fn gmail() -> ServerChange {
    ServerChange {
        host: Some("smtp.gmail.com".into()),
        user: Some("privacy.desk@example.com".into()),
        address: Some("privacy.desk@example.com".into()),
        ..ServerChange::default()
    }
}

#[test]
fn a_change_is_checked_whole_written_beside_the_desk_and_recorded_on_a_single_desk() {
    let mut fx = Fixture::new();
    assert_eq!(
        fx.desk.mail_settings().expect("accepted").settings.outgoing,
        None
    );
    let before = fx.desk.changes().expect("accepted");
    let changed = fx
        .desk
        .change_mail_settings(&gmail(), &ServerChange::default())
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(changed.file, fx.dir.path().join("mail.toml"));
    let out = changed.settings.outgoing.expect("accepted");
    assert_eq!(
        (out.server.port, out.server.security),
        (587, Security::StartTls)
    );
    let in_force = fx.desk.mail_settings().expect("accepted");
    assert_eq!(
        in_force.settings.outgoing.expect("accepted").server.host,
        "smtp.gmail.com"
    );
    assert!(!in_force.shared);

    let events = fx.desk.changes().expect("accepted") - before;
    let trail = common::records(&fx.desk).join("\n");
    if fx.team.is_some() {
        // This machine's file until it is shared; the share is what is recorded.
        assert_eq!(events, 0);
        assert_eq!(changed.effect, MailChangeEffect::ThisMachineUntilShared);
    } else {
        assert_eq!(events, 1);
        assert!(trail.contains("set_mail"), "{trail}");
        assert!(trail.contains("smtp.gmail.com"), "{trail}");
        assert!(
            !trail.contains("privacy.desk@"),
            "the trail names no account: {trail}"
        );
    }

    // A refused change leaves the file as it was.
    let text = std::fs::read_to_string(&changed.file).expect("accepted");
    let clear = ServerChange {
        security: Some(Security::None),
        ..ServerChange::default()
    };
    let refused = fx
        .desk
        .change_mail_settings(&clear, &ServerChange::default());
    assert!(refused.is_err_and(|e| e.to_string().contains("must be encrypted")));
    assert_eq!(
        std::fs::read_to_string(&changed.file).expect("accepted"),
        text
    );
    let nothing = fx
        .desk
        .change_mail_settings(&ServerChange::default(), &ServerChange::default());
    assert!(nothing.is_err_and(|e| e.to_string().contains("nothing to change")));
}

#[test]
fn once_shared_the_teams_mail_settings_are_every_desktops() {
    let mut fx = Fixture::team();
    fx.desk
        .change_mail_settings(&gmail(), &ServerChange::default())
        .unwrap_or_else(|e| panic!("{e}"));
    fx.desk
        .share_company_files()
        .unwrap_or_else(|e| panic!("{e}"));

    // An agent on another desktop, with an older file of their own.
    let team = fx.team.as_ref().unwrap_or_else(|| unreachable!());
    let login = common::pg::unique("mailagent");
    fx.desk
        .team_add(&login, TeamRole::Agent, &passphrase())
        .unwrap_or_else(|e| panic!("{e}"));
    let theirs = tempfile::tempdir().expect("accepted");
    std::fs::write(
        theirs.path().join("mail.toml"),
        "[outgoing]\nhost = \"smtp.old.example\"\nuser = \"u\"\nfrom = \"old@example.com\"\n",
    )
    .expect("accepted");
    let address = team.server.address(&login, &team.database);
    let mut agent = Desk::open_team_as_is(&address, &passphrase(), theirs.path())
        .unwrap_or_else(|e| panic!("{e}"));
    let in_force = agent.mail_settings().unwrap_or_else(|e| panic!("{e}"));
    assert!(in_force.shared);
    assert_eq!(
        in_force.settings.outgoing.expect("accepted").server.host,
        "smtp.gmail.com"
    );

    // Their own change is their file's; the team's stays in force, and they are told so.
    let changed = agent
        .change_mail_settings(
            &ServerChange {
                host: Some("smtp.mine.example".into()),
                ..ServerChange::default()
            },
            &ServerChange::default(),
        )
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(changed.effect, MailChangeEffect::TeamsStaysInForce);
    let in_force = agent.mail_settings().expect("accepted");
    assert_eq!(
        in_force.settings.outgoing.expect("accepted").server.host,
        "smtp.gmail.com"
    );
}
