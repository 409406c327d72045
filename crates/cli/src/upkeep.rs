//! Looking after the database: creating it, filling it with demo cases, checking it, backing it
//! up, changing its passphrase, and retention.

use std::path::Path;

use privacydesk_core::{Desk, Error, Result, VerifyStage};

use crate::render;
use crate::run::{Context, as_bar, progress_bar};
use crate::secrets;

pub fn init(context: &Context) -> Result<()> {
    let passphrase = secrets::for_new_database(context.passphrase_file.as_deref())?;
    Desk::create(&context.db, &passphrase, context.agent.clone())?;
    println!("created {}", context.db.display());
    Ok(())
}

pub fn demo(context: &Context, cases: u64, seed: u64) -> Result<()> {
    let mut desk = if context.db.exists() {
        context.open()?
    } else {
        let passphrase = secrets::for_new_database(context.passphrase_file.as_deref())?;
        eprintln!("creating {}", context.db.display());
        Desk::create(&context.db, &passphrase, context.agent.clone())?
    };
    let bar = progress_bar(cases, "seeding");
    let result = desk.seed_demo(cases, seed, &mut |n| bar.set_position(n));
    bar.finish_and_clear();
    result?;
    println!("added {cases} demo cases to {}", context.db.display());
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
