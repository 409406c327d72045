//! Files in and out: the case CSV, the reports, and CSV intake.

use std::path::Path;

use privacydesk_core::domain::new_case::parse_date;
use privacydesk_core::{CaseFilter, ExportSummary, Month, Result, Year};

use crate::args::{ExportCommand, ReportCommand};
use crate::run::{Context, progress_bar};

/// Where the file went, its hash and the chain head to prove it against later.
fn written(what: &str, out: &Path, summary: &ExportSummary) {
    println!("wrote {what} to {}", out.display());
    println!("sha256 {}", summary.file.sha256);
    println!("audit chain head {}", summary.chain_head);
}

pub fn export(context: &Context, command: ExportCommand) -> Result<()> {
    let ExportCommand::Cases {
        out,
        from,
        to,
        state,
        kind,
        bom,
    } = command;
    let filter = CaseFilter {
        received_from: from
            .as_deref()
            .map(|d| parse_date("--from", d))
            .transpose()?,
        received_to: to.as_deref().map(|d| parse_date("--to", d)).transpose()?,
        state: state.as_deref().map(str::parse).transpose()?,
        kind: kind.as_deref().map(str::parse).transpose()?,
        ..CaseFilter::default()
    };
    let mut desk = context.open()?;
    let bar = progress_bar(desk.count(&filter)?, "exporting");
    let summary = desk.export_cases(&filter, &out, bom, &mut |rows| bar.set_position(rows));
    bar.finish_and_clear();
    let summary = summary?;
    written(&format!("{} cases", summary.rows), &out, &summary);
    Ok(())
}

pub fn report(context: &Context, command: ReportCommand) -> Result<()> {
    match command {
        ReportCommand::Monthly { month, out } => {
            let month = Month::parse(&month)?;
            let summary = context.open()?.monthly_report(month, &out)?;
            written(&format!("the {month} report"), &out, &summary);
        }
        ReportCommand::Yearly { year, out } => {
            let year = Year::parse(&year)?;
            let summary = context.open()?.yearly_report(year, &out)?;
            written(&format!("the {year} metrics"), &out, &summary);
        }
    }
    Ok(())
}

pub fn import(context: &Context, file: &Path) -> Result<()> {
    let summary = context.open()?.import_csv(file)?;
    for reference in &summary.references {
        println!("{reference}");
    }
    eprintln!(
        "imported {} cases from {}",
        summary.references.len(),
        file.display()
    );
    Ok(())
}
