//! Looking after the database: creating it, filling it with demo cases, checking it, backing it
//! up, changing its passphrase, and retention.

use std::path::Path;

use privacydesk_core::Location;
use privacydesk_core::{CopyStage, Desk, Error, Result, TeamRole, VerifyStage};

use crate::args::{FilesCommand, TeamCommand};

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
    // Rotating asks for the manager's passphrase again (it wraps the new key for them): it is
    // read once, for both.
    let passphrase = secrets::existing(context.passphrase_file.as_deref())?;
    let mut desk = context.unlock(&passphrase)?;
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
        TeamCommand::RotateKey => {
            let bar = progress_bar(0, "sealing cases again");
            let result = desk.rotate_team_key(&passphrase, &mut |done, total| {
                bar.set_length(total);
                bar.set_position(done);
            });
            bar.finish_and_clear();
            let rotation = result?;
            println!(
                "rotated the team key (generation {}): {} cases, {} personal values sealed \
                 again; {} on the team take the new key when they next sign in",
                rotation.generation, rotation.cases, rotation.values, rotation.agents
            );
        }
        TeamCommand::Files { action: None } => render::company_files(&desk.company_files_status()?),
        TeamCommand::Files {
            action: Some(FilesCommand::Share),
        } => render::shared(&desk.share_company_files()?),
        TeamCommand::Files {
            action: Some(FilesCommand::Pull),
        } => render::pulled(&desk.pull_company_files()?),
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

/// Copies the whole desk into a new file or a new team desk, with a bar, then shows how the
/// copy verified.
pub fn copy_to(context: &Context, target: &Path) -> Result<()> {
    let target = match target.to_str() {
        Some(text) => Location::parse(text),
        None => Location::File(target.to_path_buf()),
    };
    let mut desk = context.open()?;
    desk.managers_only("copying the whole desk")?;
    let passphrase = match &target {
        Location::File(path) if path.exists() => {
            return Err(Error::invalid(format!(
                "{} already exists: a copy goes into a new file",
                path.display()
            )));
        }
        Location::File(_) => secrets::for_rekey()?,
        Location::Team(_) => {
            let name = target.login().ok_or_else(|| {
                Error::invalid(format!(
                    "{target} names nobody: write the manager's name before the server, \
                     postgres://NAME@HOST/TEAM"
                ))
            })?;
            secrets::for_copy_target(&name)?
        }
    };
    let bar = indicatif::ProgressBar::new_spinner();
    let summary = desk.copy_to(&target, &passphrase, &mut |stage| match stage {
        CopyStage::Copying {
            carried,
            total_cases,
            total_events,
        } => {
            as_bar(&bar, total_cases + total_events, "copying");
            bar.set_position(carried.cases + carried.events);
        }
        CopyStage::Verifying(VerifyStage::File) => {
            bar.set_style(indicatif::ProgressStyle::default_spinner());
            bar.set_message("verifying the copy");
        }
        CopyStage::Verifying(VerifyStage::Chain { done, total }) => {
            as_bar(&bar, total, "verifying the copy's audit trail");
            bar.set_position(done);
        }
    });
    bar.finish_and_clear();
    let summary = summary?;
    println!(
        "copied {} cases, {} notes, {} letters and {} audit events to {}",
        summary.carried.cases,
        summary.carried.notes,
        summary.carried.letters,
        summary.carried.events,
        summary.target
    );
    render::verify(&summary.verified);
    if !summary.verified.is_ok() {
        return Err(Error::Damaged(
            "the copy did not verify (problems listed above)".into(),
        ));
    }
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
