//! Carries out each command against core.

use std::path::PathBuf;
use std::process::ExitCode;

use indicatif::{ProgressBar, ProgressStyle};
use privacydesk_core::case::parse_date;
use privacydesk_core::{
    Action, ActionForm, Agent, CaseFilter, Desk, Error, Month, NewCase, Reference, Result,
    VerifyStage, Year,
};

use crate::args::{
    ActArgs, BulkCommand, CaseCommand, Cli, Command, CustomerCommand, ExportCommand, FilterArgs,
    LetterCommand, ListArgs, ReportCommand, ViewCommand,
};
use crate::{render, secrets};

fn default_db() -> Result<PathBuf> {
    directories::ProjectDirs::from("", "", "privacydesk")
        .map(|dirs| dirs.data_dir().join("privacydesk.db"))
        .ok_or_else(|| {
            Error::invalid("cannot find your data directory; give the database with --db FILE")
        })
}

struct Context {
    db: PathBuf,
    agent: Agent,
    passphrase_file: Option<PathBuf>,
}

impl Context {
    fn open(&self) -> Result<Desk> {
        let passphrase = secrets::existing(self.passphrase_file.as_deref())?;
        Desk::open(&self.db, &passphrase, self.agent.clone())
    }
}

fn bar_style(what: &str) -> ProgressStyle {
    ProgressStyle::with_template(&format!(
        "{{spinner}} {what} [{{bar:30}}] {{human_pos}}/{{human_len}} ({{per_sec}}, {{eta}} left)"
    ))
    .unwrap_or_else(|_| ProgressStyle::default_bar())
    .progress_chars("=> ")
}

fn progress_bar(total: u64, what: &str) -> ProgressBar {
    ProgressBar::new(total).with_style(bar_style(what))
}

pub fn run(cli: Cli) -> Result<ExitCode> {
    let agent_name = cli.agent.clone().unwrap_or_else(whoami::username);
    let context = Context {
        db: match cli.db {
            Some(db) => db,
            None => default_db()?,
        },
        agent: Agent::new(&agent_name)?,
        passphrase_file: cli.passphrase_file,
    };
    match cli.command {
        Command::Init => {
            let passphrase = secrets::for_new_database(context.passphrase_file.as_deref())?;
            Desk::create(&context.db, &passphrase, context.agent)?;
            println!("created {}", context.db.display());
        }
        Command::Case(command) => return case(&context, command),
        Command::Letter(command) => letter(&context, command)?,
        Command::Customer(command) => customer(&context, command)?,
        Command::View(command) => view(&context, command)?,
        Command::Export(ExportCommand::Cases {
            out,
            from,
            to,
            state,
            kind,
            bom,
        }) => {
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
            println!("wrote {} cases to {}", summary.rows, out.display());
            println!("sha256 {}", summary.file.sha256);
            println!("audit chain head {}", summary.chain_head);
        }
        Command::Report(ReportCommand::Monthly { month, out }) => {
            let month = Month::parse(&month)?;
            let mut desk = context.open()?;
            let summary = desk.monthly_report(month, &out)?;
            println!("wrote the {month} report to {}", out.display());
            println!("sha256 {}", summary.file.sha256);
            println!("audit chain head {}", summary.chain_head);
        }
        Command::Report(ReportCommand::Yearly { year, out }) => {
            let year = Year::parse(&year)?;
            let mut desk = context.open()?;
            let summary = desk.yearly_report(year, &out)?;
            println!("wrote the {year} metrics to {}", out.display());
            println!("sha256 {}", summary.file.sha256);
            println!("audit chain head {}", summary.chain_head);
        }
        Command::Import { file } => {
            let mut desk = context.open()?;
            let summary = desk.import_csv(&file)?;
            for reference in &summary.references {
                println!("{reference}");
            }
            eprintln!(
                "imported {} cases from {}",
                summary.references.len(),
                file.display()
            );
        }
        Command::Demo { cases, seed } => demo(&context, cases, seed)?,
        Command::Verify => {
            let desk = context.open()?;
            let bar = ProgressBar::new_spinner();
            let report = desk.verify_with_progress(&mut |stage| match stage {
                VerifyStage::File => {
                    bar.set_message("checking every page of the file");
                    bar.enable_steady_tick(std::time::Duration::from_millis(200));
                }
                VerifyStage::Chain { done, total } => {
                    if bar.length() != Some(total) {
                        bar.set_style(bar_style("checking the audit trail"));
                        bar.set_length(total);
                    }
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
        }
        Command::Backup { out } => {
            let passphrase = secrets::existing(context.passphrase_file.as_deref())?;
            let desk = Desk::open(&context.db, &passphrase, context.agent)?;
            desk.backup(&out, &passphrase)?;
            println!("backed up to {} (same passphrase)", out.display());
        }
        Command::Rekey => {
            let mut desk = context.open()?;
            let new = secrets::for_rekey()?;
            desk.rekey(&new)?;
            println!("passphrase changed");
        }
        Command::Retention { dry_run, months } => {
            let mut desk = context.open()?;
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
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn demo(context: &Context, cases: u64, seed: u64) -> Result<()> {
    let agent = context.agent.clone();
    let mut desk = if context.db.exists() {
        let passphrase = secrets::existing(context.passphrase_file.as_deref())?;
        Desk::open(&context.db, &passphrase, agent)?
    } else {
        let passphrase = secrets::for_new_database(context.passphrase_file.as_deref())?;
        eprintln!("creating {}", context.db.display());
        Desk::create(&context.db, &passphrase, agent)?
    };
    let bar = progress_bar(cases, "seeding");
    let result = desk.seed_demo(cases, seed, &mut |n| bar.set_position(n));
    bar.finish_and_clear();
    result?;
    println!("added {cases} demo cases to {}", context.db.display());
    Ok(())
}

fn reference(text: &str) -> Result<Reference> {
    text.parse()
}

fn case(context: &Context, command: CaseCommand) -> Result<ExitCode> {
    match command {
        CaseCommand::New(args) => {
            let form = NewCase {
                kind: args.kind,
                name: args.name,
                email: args.email,
                phone: args.phone,
                received: args.received,
                jurisdiction: args.jurisdiction,
                customer: args.customer,
                channel: args.channel,
                details: args.details,
                items: args.items,
                minor: args.minor,
            };
            let mut desk = context.open()?;
            let created = desk.new_case(&form)?;
            println!("{created}");
            // Flagged on stderr, so scripts reading the reference from stdout are unaffected.
            for other in desk.case(&created)?.possible_duplicates {
                eprintln!(
                    "possible duplicate: {} ({}, {}, received {}) is open from the same address; \
                     to merge: privacydesk case merge {created} --into {}",
                    other.reference,
                    other.kind.cli_name(),
                    other.state.cli_name(),
                    other.received_on,
                    other.reference
                );
            }
        }
        CaseCommand::Bulk(command) => return bulk(context, command),
        CaseCommand::Merge { duplicate, into } => {
            let duplicate = reference(&duplicate)?;
            let view = context.open()?.merge(&duplicate, &reference(&into)?)?;
            println!("merged {duplicate} into {}", view.case.reference);
            render::acted(&view);
        }
        CaseCommand::List(args) => list(&context.open()?, args)?,
        CaseCommand::Show {
            reference: text,
            json,
        } => {
            let reference = reference(&text)?;
            let view = context.open()?.case(&reference)?;
            if json {
                render::json(&view)?;
            } else {
                render::case(&view);
            }
        }
        CaseCommand::Note {
            reference: text,
            text: body,
        } => {
            let reference = reference(&text)?;
            context.open()?.note(&reference, &body)?;
            println!("noted on {reference}");
        }
        CaseCommand::Act(args) => act(context, args)?,
    }
    Ok(ExitCode::SUCCESS)
}

/// `base` narrowed by the filters given on the command line.
fn narrowed(base: CaseFilter, args: FilterArgs) -> Result<CaseFilter> {
    Ok(CaseFilter {
        state: match args.state.as_deref() {
            Some(state) => Some(state.parse()?),
            None => base.state,
        },
        kind: match args.kind.as_deref() {
            Some(kind) => Some(kind.parse()?),
            None => base.kind,
        },
        open: base.open || args.open,
        overdue: base.overdue || args.overdue,
        due_within: args.due_within.or(base.due_within),
        search: args.search.or(base.search),
        customer: args.customer.or(base.customer),
        assignee: args.assignee.or(base.assignee),
        ..base
    })
}

fn list(desk: &Desk, args: ListArgs) -> Result<()> {
    let limit = match (args.limit, args.json) {
        (Some(0), _) | (None, true) => None,
        (Some(n), _) => Some(n),
        (None, false) => Some(render::DEFAULT_LIST_LIMIT),
    };
    let base = match &args.view {
        Some(name) => desk
            .saved_views()?
            .into_iter()
            .find(|v| v.name.eq_ignore_ascii_case(name.trim()))
            .map(|v| v.filter)
            .ok_or_else(|| {
                Error::Invalid(format!(
                    "you have no saved view {name:?} (see `privacydesk view list`)"
                ))
            })?,
        None => CaseFilter::default(),
    };
    let filter = CaseFilter {
        limit,
        ..narrowed(base, args.filter)?
    };
    let cases = desk.list(&filter)?;
    if args.json {
        return render::json(&cases);
    }
    let total = desk.count(&CaseFilter {
        limit: None,
        ..filter
    })?;
    render::list(&cases, total, desk.today());
    Ok(())
}

fn act(context: &Context, args: ActArgs) -> Result<()> {
    let reference = reference(&args.reference)?;
    let action: Action = args.action.parse()?;
    let input = ActionForm {
        reason: args.reason,
        outcome: args.outcome,
        denial_basis: args.denial_basis,
        until: args.until,
        to: args.to,
        item: args.item,
    }
    .parse()?;
    let view = context.open()?.act(&reference, action, &input)?;
    render::acted(&view);
    Ok(())
}

/// Reads a letter's text from a file, or standard input for `-`.
fn read_text(path: &std::path::Path) -> Result<String> {
    if path.as_os_str() == "-" {
        let mut text = String::new();
        std::io::Read::read_to_string(&mut std::io::stdin(), &mut text)
            .map_err(|e| Error::io("cannot read the letter from standard input", e))?;
        return Ok(text);
    }
    std::fs::read_to_string(path)
        .map_err(|e| Error::io(format!("cannot read {}", path.display()), e))
}

fn letter(context: &Context, command: LetterCommand) -> Result<()> {
    match command {
        LetterCommand::Show {
            reference: r,
            letter,
        } => {
            let draft = context.open()?.letter(&reference(&r)?, letter.parse()?)?;
            println!("{}", draft.body);
            let origin = if draft.saved {
                "saved draft"
            } else {
                "template"
            };
            eprintln!("({origin}; {} blank(s) to fill)", draft.blanks.len());
        }
        LetterCommand::Draft {
            reference: r,
            letter,
            file,
        } => {
            let body = read_text(&file)?;
            let draft =
                context
                    .open()?
                    .save_letter_draft(&reference(&r)?, letter.parse()?, &body)?;
            println!(
                "draft kept on {r}; {} blank(s) still to fill",
                draft.blanks.len()
            );
        }
        LetterCommand::Discard {
            reference: r,
            letter,
        } => {
            context
                .open()?
                .discard_letter_draft(&reference(&r)?, letter.parse()?)?;
            println!("draft discarded; the letter starts from the template again");
        }
        LetterCommand::Send {
            reference: r,
            letter,
            file,
        } => {
            let reference = reference(&r)?;
            let kind = letter.parse()?;
            let mut desk = context.open()?;
            let body = match file {
                Some(file) => read_text(&file)?,
                None => desk.letter(&reference, kind)?.body,
            };
            let sent = desk.send_letter(&reference, kind, &body)?;
            println!(
                "letter {} ({}) kept on {reference} as sent",
                sent.id,
                sent.kind.cli_name()
            );
            println!(
                "save it to attach: privacydesk letter export {reference} {} --out FILE",
                sent.id
            );
        }
        LetterCommand::List { reference: r } => {
            render::letters(&context.open()?.letters(&reference(&r)?)?);
        }
        LetterCommand::Export {
            reference: r,
            id,
            out,
        } => {
            let file = context.open()?.export_letter(&reference(&r)?, id, &out)?;
            println!("wrote letter {id} to {}", file.path.display());
            println!("sha256 {}", file.sha256);
        }
        LetterCommand::Templates { out } => {
            let templates = match out {
                Some(folder) => privacydesk_core::letters::Templates::in_folder(folder),
                None => privacydesk_core::letters::Templates::beside(&context.db),
            };
            let written = templates.write_defaults()?;
            for path in &written.written {
                println!("wrote {}", path.display());
            }
            for path in &written.kept {
                println!("kept  {} (already there)", path.display());
            }
        }
    }
    Ok(())
}

fn customer(context: &Context, command: CustomerCommand) -> Result<()> {
    match command {
        CustomerCommand::List => render::customers(&context.open()?.customers()?),
        CustomerCommand::Show { name } => {
            let desk = context.open()?;
            let view = desk.customer_view(&name)?;
            render::customers(std::slice::from_ref(&view.customer));
            println!(
                "{} open case(s), {} past the forwarding date and not forwarded",
                view.open_cases.len(),
                view.forwarding_late
            );
            render::list(&view.open_cases, view.open_cases.len() as u64, desk.today());
        }
        CustomerCommand::Set {
            name,
            contact,
            forward_days,
        } => {
            let set = context
                .open()?
                .set_customer(&name, contact.as_deref(), forward_days)?;
            render::customers(&[set]);
        }
    }
    Ok(())
}

fn references(texts: &[String]) -> Result<Vec<Reference>> {
    texts.iter().map(|t| reference(t)).collect()
}

/// Prints what a bulk request did; exit code 5 when any case was refused.
fn bulk(context: &Context, command: BulkCommand) -> Result<ExitCode> {
    let mut desk = context.open()?;
    let (what, outcome) = match command {
        BulkCommand::Assign { to, references: r } => (
            format!("assigned to {to}"),
            desk.act_on_many(
                &references(&r)?,
                Action::Assign,
                &ActionForm {
                    to: Some(to.clone()),
                    ..ActionForm::default()
                }
                .parse()?,
            )?,
        ),
        BulkCommand::Forward { references: r } => (
            "forwarded".to_string(),
            desk.act_on_many(
                &references(&r)?,
                Action::Forward,
                &privacydesk_core::ActionInput::default(),
            )?,
        ),
        BulkCommand::Note {
            text,
            references: r,
        } => (
            "noted".to_string(),
            desk.note_on_many(&references(&r)?, &text)?,
        ),
    };
    for reference in &outcome.done {
        println!("{reference}: {what}");
    }
    for refusal in &outcome.refused {
        eprintln!("{}: refused: {}", refusal.reference, refusal.message);
    }
    eprintln!("{}", outcome.describe(&what));
    Ok(if outcome.refused.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(5)
    })
}

fn view(context: &Context, command: ViewCommand) -> Result<()> {
    match command {
        ViewCommand::Save { name, filter } => {
            let filter = narrowed(CaseFilter::default(), filter)?;
            let saved = context.open()?.save_view(&name, &filter)?;
            println!(
                "saved view {:?}; list it with: privacydesk case list --view {:?}",
                saved.name, saved.name
            );
        }
        ViewCommand::List => {
            let views = context.open()?.saved_views()?;
            if views.is_empty() {
                println!("no saved views");
            }
            for view in views {
                println!("{:<30} {}", view.name, render::filter(&view.filter));
            }
        }
        ViewCommand::Delete { name } => {
            context.open()?.delete_view(&name)?;
            println!("deleted view {name:?}");
        }
    }
    Ok(())
}
