//! The company's files on a team desk (always on a real PostgreSQL server, whichever engine
//! the run tests): a manager shares this machine's letter templates and calendars.toml, and
//! every desktop — whatever its own folder holds — fills the same letters and counts the same
//! closure days from then on; a broken file is never shared, an agent cannot share, a share
//! that changes nothing records nothing, a pull keeps a local edit aside, and a rotation of
//! the team key seals the files again.

mod common;

use std::fs;
use std::path::Path;

use common::{Fixture, passphrase};
use privacydesk_core::domain::company_files::Change;
use privacydesk_core::{Desk, Error, Here, LetterKind, Reference, TeamRole};

fn write(folder: &Path, name: &str, text: &str) {
    let path = folder.join(name);
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).unwrap_or_else(|e| panic!("{e}"));
    }
    fs::write(&path, text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
}

/// A colleague in `role` signed in on another desktop, whose company folder is `folder`.
fn on_another_desktop(fx: &mut Fixture, name: &str, role: TeamRole, folder: &Path) -> Desk {
    let team = fx.team.as_ref().unwrap_or_else(|| unreachable!());
    let login = common::pg::unique(name);
    let address = team.server.address(&login, &team.database);
    fx.desk
        .team_add(&login, role, &passphrase())
        .unwrap_or_else(|e| panic!("add {login}: {e}"));
    let mut desk = Desk::open_team_as_is(&address, &passphrase(), folder)
        .unwrap_or_else(|e| panic!("open {address}: {e}"));
    desk.set_today(common::date("2026-06-15"));
    desk
}

/// The letter a case is offered first, filled.
fn first_letter(desk: &Desk, case: &Reference) -> (LetterKind, String, Option<String>) {
    let view = desk.case(case).unwrap_or_else(|e| panic!("{e}"));
    let kind = view
        .offered_letters
        .first()
        .map(|o| o.kind)
        .unwrap_or_else(|| panic!("no letter offered"));
    let draft = desk.letter(case, kind).unwrap_or_else(|e| panic!("{e}"));
    (kind, draft.body, draft.template_file)
}

/// The closure days a desk's calendar settings hold, by name.
fn closures(desk: &Desk) -> Vec<String> {
    desk.company_calendar()
        .unwrap_or_else(|e| panic!("{e}"))
        .settings
        .closures()
        .map(|(_, name)| name.to_string())
        .collect()
}

#[test]
fn a_managers_shared_files_are_every_desktops_and_only_a_manager_shares() {
    let mut fx = Fixture::team();
    let case = fx
        .new_case(
            "access",
            "Zoë Shared",
            "zoe.shared@example.net",
            "2026-06-02",
        )
        .unwrap_or_else(|e| panic!("{e}"));
    let (kind, built_in, from) = first_letter(&fx.desk, &case);
    assert_eq!(
        from, None,
        "nothing shared, nothing in the folder: built in"
    );
    let template = format!("letters/{}.txt", kind.as_str());

    // The manager's folder: a template, the settings, calendars.toml, and a stray file.
    let mine = fx.dir.path().to_path_buf();
    write(
        &mine,
        &template,
        "Shared letter for {{ requester.name }} — KALEIDOSCOPE-CANARY\n",
    );
    write(&mine, "letters/company.toml", "name = \"Acme Shared\"\n");
    write(
        &mine,
        "calendars.toml",
        "[[closure]]\ndate = \"2026-12-24\"\nuntil = \"2026-12-31\"\nname = \"Team shutdown\"\n",
    );
    write(&mine, "letters/ideas.md", "not a template\n");

    // Ana's desktop has files of her own, which a share overrides.
    let anas_folder = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    write(anas_folder.path(), &template, "Ana's own letter\n");
    write(
        anas_folder.path(),
        "calendars.toml",
        "[[closure]]\ndate = \"2026-08-03\"\nname = \"Ana's holiday\"\n",
    );
    let mut ana = on_another_desktop(&mut fx, "ana", TeamRole::Agent, anas_folder.path());
    assert_eq!(first_letter(&ana, &case).1, "Ana's own letter\n");
    assert_eq!(closures(&ana), ["Ana's holiday"]);

    // An agent cannot share, and is told which role it needs.
    let refused = ana.share_company_files();
    assert!(
        matches!(&refused, Err(Error::RoleNeeded(why)) if why.contains("manager")),
        "{refused:?}"
    );

    // A broken template is never shared: nothing is, and the trail is as it was.
    let events_before = fx.desk.changes().unwrap_or_else(|e| panic!("{e}"));
    write(&mine, "letters/denial.txt", "{% for x in %}\n");
    let broken = fx.desk.share_company_files();
    assert!(
        matches!(&broken, Err(Error::Invalid(why)) if why.contains("letters/denial.txt") && why.ends_with("nothing was shared")),
        "{broken:?}"
    );
    assert_eq!(fx.desk.changes().ok(), Some(events_before));
    fs::remove_file(mine.join("letters/denial.txt")).unwrap_or_else(|e| panic!("{e}"));

    let shared = fx
        .desk
        .share_company_files()
        .unwrap_or_else(|e| panic!("share: {e}"));
    assert!(shared.recorded);
    let names: Vec<(&str, Change)> = shared
        .changes
        .iter()
        .map(|c| (c.name.as_str(), c.change))
        .collect();
    let mut expected = vec![
        ("calendars.toml", Change::Added),
        ("letters/company.toml", Change::Added),
        (template.as_str(), Change::Added),
    ];
    expected.sort_by_key(|(name, _)| *name);
    assert_eq!(names, expected);
    assert_eq!(shared.ignored, vec![mine.join("letters/ideas.md")]);
    assert_eq!(fx.desk.changes().ok(), Some(events_before + 1), "one event");

    // Ana signs in again (or her window reads them within seconds): the team's files, not hers.
    drop(ana);
    let team = fx.team.as_ref().unwrap_or_else(|| unreachable!());
    let status_before = fx
        .desk
        .company_files_status()
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(
        status_before
            .files
            .iter()
            .all(|f| f.here == Here::Same && f.shared.is_some()),
        "{status_before:?}"
    );
    let ana_login = fx
        .desk
        .team_members()
        .unwrap_or_else(|e| panic!("{e}"))
        .into_iter()
        .map(|m| m.name)
        .find(|n| n.starts_with("ana"))
        .unwrap_or_default();
    ana = Desk::open_team_as_is(
        &team.server.address(&ana_login, &team.database),
        &passphrase(),
        anas_folder.path(),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    ana.set_today(common::date("2026-06-15"));
    let (_, body, from) = first_letter(&ana, &case);
    assert_eq!(body, "Shared letter for Zoë Shared — KALEIDOSCOPE-CANARY\n");
    assert_eq!(
        from.as_deref(),
        Some(format!("the team's {template}").as_str())
    );
    assert_eq!(closures(&ana), vec!["Team shutdown"; 8]);
    let status = ana.company_files_status().unwrap_or_else(|e| panic!("{e}"));
    let here = |name: &str| status.files.iter().find(|f| f.name == name).map(|f| f.here);
    assert_eq!(here(&template), Some(Here::Differs));
    assert_eq!(here("letters/company.toml"), Some(Here::Missing));
    let sharer = status
        .files
        .iter()
        .find(|f| f.name == template)
        .and_then(|f| f.shared.as_ref())
        .map(|s| s.shared_by.clone());
    assert_eq!(
        sharer.as_deref(),
        fx.desk.team_session().map(|s| s.agent.as_str())
    );

    // Pulling them keeps her own edit aside; a share of what is shared records nothing.
    let pulled = ana.pull_company_files().unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(pulled.kept_aside.len(), 2, "{pulled:?}");
    let aside = anas_folder.path().join(format!("{template}.before-pull"));
    assert_eq!(
        fs::read_to_string(aside).ok().as_deref(),
        Some("Ana's own letter\n")
    );
    let again = fx
        .desk
        .share_company_files()
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(!again.recorded);
    assert!(again.changes.iter().all(|c| c.change == Change::Same));
    assert_eq!(fx.desk.changes().ok(), Some(events_before + 1));

    // The share is on the trail, which verifies.
    let report = fx.desk.verify().unwrap_or_else(|e| panic!("verify: {e}"));
    assert!(report.is_ok(), "{report:?}");

    // The key rotated: the files are sealed again and read the same.
    fx.desk
        .rotate_team_key(&passphrase(), &mut |_, _| {})
        .unwrap_or_else(|e| panic!("rotate: {e}"));
    fx.reopen().unwrap_or_else(|e| panic!("{e}"));
    let (_, body, _) = first_letter(&fx.desk, &case);
    assert_eq!(body, "Shared letter for Zoë Shared — KALEIDOSCOPE-CANARY\n");

    // A file no longer in the folder is no longer shared: the built-in one again.
    fs::remove_file(mine.join(&template)).unwrap_or_else(|e| panic!("{e}"));
    let removed = fx
        .desk
        .share_company_files()
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(
        removed
            .changes
            .iter()
            .any(|c| c.name == template && c.change == Change::Removed)
    );
    let (_, body, from) = first_letter(&fx.desk, &case);
    assert_eq!((body, from), (built_in, None));
}

#[test]
fn a_single_desk_has_no_shared_files_and_says_why() {
    let mut fx = Fixture::file();
    let refused = fx.desk.share_company_files();
    assert!(
        matches!(&refused, Err(Error::NotAllowed(why)) if why.contains("single desk")),
        "{refused:?}"
    );
    assert!(fx.desk.pull_company_files().is_err());
    assert!(fx.desk.company_files_status().is_err());
}
