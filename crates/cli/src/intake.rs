//! `privacydesk intake …`: mail that arrived, imported from files, and the intake queue.

use std::process::ExitCode;

use privacydesk_core::{
    Error, ImportReport, Imported, IntakeId, IntakeItem, IntakeState, IntakeView, Result, Sender,
};

use crate::args::{IntakeCommand, ToCaseArgs};
use crate::cases::reference;
use crate::render;
use crate::run::Context;

pub fn intake(context: &Context, command: IntakeCommand) -> Result<ExitCode> {
    match command {
        IntakeCommand::Import { files } => return import(context, &files),
        IntakeCommand::List { all, json } => {
            let items = context.open()?.intake(all)?;
            if json {
                return render::json(&items).map(|()| ExitCode::SUCCESS);
            }
            list(&items, all);
        }
        IntakeCommand::Show { id, json } => {
            let view = context.open()?.intake_item(IntakeId(id))?;
            if json {
                return render::json(&view).map(|()| ExitCode::SUCCESS);
            }
            show(&view);
        }
        IntakeCommand::ToCase(args) => to_case(context, args)?,
        IntakeCommand::Merge { id, into } => {
            let into = reference(&into)?;
            context.open()?.intake_merge(IntakeId(id), &into)?;
            println!("message {id} is kept on {into}; its text is a note of the case");
        }
        IntakeCommand::Spam { id } => {
            context.open()?.intake_spam(IntakeId(id))?;
            println!("message {id} marked as spam");
        }
        IntakeCommand::Save { id, out } => {
            let file = context.open()?.save_intake_original(IntakeId(id), &out)?;
            eprintln!(
                "wrote {} (recorded in the audit trail)",
                file.path.display()
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Imports each file; one that cannot be imported is said and the others go on. Exits 2 if
/// any could not be imported.
fn import(context: &Context, files: &[std::path::PathBuf]) -> Result<ExitCode> {
    let mut desk = context.open()?;
    let (mut new, mut known, mut refused) = (0, 0, 0);
    for file in files {
        let name = file.display();
        match desk.import_mail_file(file) {
            Ok(report) => {
                match &report.imported {
                    Imported::Known { .. } => known += 1,
                    _ => new += 1,
                }
                println!("{name}: {}", imported(&report));
                for problem in &report.problems {
                    println!("  note: {problem}");
                }
            }
            // The server's or the database's failure stops the import: the next file would
            // fail the same way.
            Err(err @ (Error::Unreachable(_) | Error::KeyRotated | Error::Database(_))) => {
                return Err(err);
            }
            Err(err) => {
                refused += 1;
                eprintln!("{name}: not imported: {err}");
            }
        }
    }
    eprintln!("{new} imported, {known} imported before, {refused} not imported");
    Ok(if refused > 0 {
        ExitCode::from(2)
    } else {
        ExitCode::SUCCESS
    })
}

fn imported(report: &ImportReport) -> String {
    match &report.imported {
        Imported::Known { id } => format!("imported before, as message {id}; skipped"),
        Imported::OnCase {
            id,
            case,
            sender,
            offered,
        } => {
            let mut line = format!("message {id}, {}, kept on {case}", from(*sender));
            if let Some(action) = offered {
                line.push_str(&format!(
                    "; to record it: privacydesk case act {case} {}",
                    action.cli_name()
                ));
            }
            line
        }
        Imported::Queued { id, names_case } => {
            let mut line = format!("message {id} waits in the intake queue");
            if let Some(case) = names_case {
                line.push_str(&format!(
                    "; its subject names {case}, which does not know its sender \
                     (privacydesk intake merge {id} --into {case})"
                ));
            }
            line
        }
    }
}

fn from(sender: Sender) -> &'static str {
    match sender {
        Sender::Requester => "from the requester",
        Sender::Customer => "from the customer",
        Sender::Other => "a reply to the desk's letter from another address",
    }
}

fn list(items: &[IntakeItem], all: bool) {
    if items.is_empty() {
        println!(
            "{}",
            if all {
                "no mail has been imported"
            } else {
                "the intake queue is empty"
            }
        );
        return;
    }
    for item in items {
        let state = match (item.state, &item.case) {
            (IntakeState::OnCase | IntakeState::CaseOpened, Some(case)) => case.to_string(),
            (state, _) => state.cli_name(),
        };
        println!(
            "  {:>5}  {}  {}  {}  {}",
            item.id,
            render::cell(&item.arrived_at.replacen('T', " ", 1), 16),
            render::cell(&state, 13),
            render::cell(item.from.as_deref().unwrap_or("(no sender)"), 32),
            render::cell(&item.subject, 60).trim_end(),
        );
    }
    if !all {
        println!("show one with: privacydesk intake show ID");
    }
}

fn show(view: &IntakeView) {
    let item = &view.item;
    println!("message {}  ({})", item.id, item.state.cli_name());
    let from = match (&item.from_name, &item.from) {
        (Some(name), Some(address)) => format!("{name} <{address}>"),
        (None, Some(address)) => address.clone(),
        (Some(name), None) => format!("{name} (no address)"),
        (None, None) => "(no sender)".into(),
    };
    println!("from:     {from}");
    println!("subject:  {}", item.subject);
    println!("arrived:  {}", item.arrived_at);
    println!("size:     {} bytes, SHA-256 {}", item.size, item.sha256);
    if let Some(case) = &item.case {
        println!("case:     {case}");
    }
    for problem in &item.problems {
        println!("note:     {problem}");
    }
    for file in &item.attachments {
        println!(
            "file:     {} ({}, {} bytes)",
            file.name.as_deref().unwrap_or("(no name)"),
            file.content_type,
            file.size
        );
    }
    println!();
    println!("{}", item.text.trim_end());
    println!();
    if let Some(form) = &view.form {
        println!(
            "to open a case: privacydesk intake to-case {} --kind {} (suggested from its words; \
             the form takes the sender, the day it arrived and the text unless you give others)",
            item.id,
            form.kind.replace('_', "-")
        );
        for case in &view.open_cases_from_sender {
            println!(
                "open case from this address: {case} (privacydesk intake merge {} --into {case})",
                item.id
            );
        }
        println!("if it is spam: privacydesk intake spam {}", item.id);
    }
    if let (Some(action), Some(case)) = (view.offered, &item.case) {
        println!(
            "to record the reply: privacydesk case act {case} {}",
            action.cli_name()
        );
    }
}

fn to_case(context: &Context, args: ToCaseArgs) -> Result<()> {
    let mut desk = context.open()?;
    let id = IntakeId(args.id);
    let view = desk.intake_item(id)?;
    let Some(mut form) = view.form else {
        let item = &view.item;
        let what = match (item.state, &item.case) {
            (IntakeState::CaseOpened, Some(case)) => format!("was opened as {case}"),
            (IntakeState::OnCase, Some(case)) => format!("is kept on {case}"),
            _ => "was marked as spam".to_string(),
        };
        return Err(Error::NotAllowed(format!(
            "message {id} {what} (by {})",
            item.decided_by.as_deref().unwrap_or("someone")
        )));
    };
    form.kind = args.kind;
    let keep = |given: Option<String>, filled: String| given.unwrap_or(filled);
    form.name = keep(args.name, form.name);
    form.email = keep(args.email, form.email);
    form.received = args.received.or(form.received);
    form.details = args.details.or(form.details);
    form.phone = args.phone;
    form.jurisdiction = args.jurisdiction;
    form.customer = args.customer;
    form.items = args.items;
    form.minor = args.minor;
    let created = desk.intake_to_case(id, &form)?;
    println!("{created}");
    Ok(())
}
