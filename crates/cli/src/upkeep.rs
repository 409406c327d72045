//! Looking after the database: creating it, filling it with demo cases, checking it, backing it
//! up, changing its passphrase, and retention.

use std::path::Path;

use privacydesk_core::Location;
use privacydesk_core::{Desk, Error, Result, TeamRole, VerifyStage};

use crate::args::TeamCommand;

use crate::render;
use crate::run::{Context, as_bar, progress_bar};
use crate::secrets;

/// Creates a file, or sets a team desk up as its server's administrator.
pub fn init(context: &Context, manager: Option<&str>) -> Result<()> {
    match (&context.db, manager) {
        (Location::File(path), None) => {
            let passphrase = secrets::for_new_database(context.passphrase_file.as_deref())?;
            Desk::create(path, &passphrase, context.agent.clone())?;
            println!("created {}", path.display());
        }
        (Location::File(_), Some(_)) => {
            return Err(Error::invalid(
                "--manager sets up a team desk: give its server's address with --db \
                 postgres://ADMIN@HOST/TEAM",
            ));
        }
        (Location::Team(address), Some(manager)) => {
            let passphrase = secrets::for_new_member(manager)?;
            Desk::init_team(address, manager, &passphrase)?;
            println!(
                "set up the team desk {} with {manager} as its manager",
                context.db
            );
            println!(
                "{manager} opens it with: privacydesk --db {} case list",
                context.db.for_member(manager)?
            );
        }
        (Location::Team(_), None) => {
            return Err(Error::invalid(
                "a team desk is set up with its first manager: init --manager NAME",
            ));
        }
    }
    Ok(())
}

/// People on a team desk.
pub fn team(context: &Context, command: TeamCommand) -> Result<()> {
    let mut desk = context.open()?;
    match command {
        TeamCommand::List => render::team(&desk.team_members()?),
        TeamCommand::Add { name, role } => {
            let role: TeamRole = role.parse()?;
            desk.require_manager("adding to the team")?;
            let passphrase = secrets::for_new_member(&name)?;
            desk.team_add(&name, role, &passphrase)?;
            println!("added {name} as {}", role.as_str());
            println!(
                "{name} opens the team desk with: privacydesk --db {} case list",
                context.db.for_member(&name)?
            );
        }
        TeamCommand::Remove { name } => {
            desk.team_remove(&name)?;
            println!("removed {name}: they can no longer log in");
        }
        TeamCommand::Passphrase => {
            let new = secrets::for_rekey()?;
            desk.rekey(&new)?;
            println!("passphrase changed");
        }
    }
    Ok(())
}

pub fn demo(context: &Context, cases: u64, seed: u64) -> Result<()> {
    let mut desk = match &context.db {
        Location::File(path) if !path.exists() => {
            let passphrase = secrets::for_new_database(context.passphrase_file.as_deref())?;
            eprintln!("creating {}", path.display());
            Desk::create(path, &passphrase, context.agent.clone())?
        }
        _ => context.open()?,
    };
    let bar = progress_bar(cases, "seeding");
    let result = desk.seed_demo(cases, seed, &mut |n| bar.set_position(n));
    bar.finish_and_clear();
    result?;
    println!("added {cases} demo cases to {}", context.db);
    Ok(())
}

/// Checks the file as it is: a check writes nothing (not even retention).
pub fn verify(context: &Context) -> Result<()> {
    let desk = context.open_as_is()?;
    let bar = indicatif::ProgressBar::new_spinner();
    let report = desk.verify_with_progress(&mut |stage| match stage {
        VerifyStage::File => {
            bar.set_message("checking every page of the file");
            bar.enable_steady_tick(std::time::Duration::from_millis(200));
        }
        VerifyStage::Chain { done, total } => {
            as_bar(&bar, total, "checking the audit trail");
            bar.set_position(done);
        }
    });
    bar.finish_and_clear();
    let report = report?;
    render::verify(&report);
    if !report.is_ok() {
        return Err(Error::Damaged(
            "verify found problems (listed above)".into(),
        ));
    }
    Ok(())
}

pub fn backup(context: &Context, out: &Path) -> Result<()> {
    let passphrase = secrets::existing(context.passphrase_file.as_deref())?;
    context.unlock(&passphrase)?.backup(out, &passphrase)?;
    println!("backed up to {} (same passphrase)", out.display());
    Ok(())
}

pub fn rekey(context: &Context) -> Result<()> {
    let mut desk = context.open()?;
    let new = secrets::for_rekey()?;
    desk.rekey(&new)?;
    println!("passphrase changed");
    Ok(())
}

/// Sets the period if asked, then lists what is due (`--dry-run`) or redacts it. Opens the
/// database as it is, so that a dry run shows what opening would otherwise redact unasked.
pub fn retention(context: &Context, dry_run: bool, months: Option<u32>) -> Result<()> {
    let mut desk = context.open_as_is()?;
    if let Some(months) = months {
        desk.set_retention_months(months)?;
    }
    let due = desk.retention_due()?;
    if dry_run {
        // What would go, one case a line, before the summary.
        desk.each_case_due_for_retention(&mut |case| {
            let held = if case.held {
                "  kept whole: legal hold"
            } else {
                ""
            };
            println!(
                "{}  {:<18} closed {}{held}",
                case.reference,
                case.kind.cli_name(),
                case.closed_on
            );
        })?;
    }
    let report = if dry_run || due.redacted == 0 {
        due
    } else {
        let bar = progress_bar(due.redacted, "redacting");
        let report = desk.apply_retention(&mut |n| bar.set_position(n))?;
        bar.finish_and_clear();
        report
    };
    println!("{}", report.describe(dry_run));
    Ok(())
}
