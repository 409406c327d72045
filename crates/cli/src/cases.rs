//! Working cases: logging, listing, showing and acting on them, one at a time or in bulk, and
//! the customers and saved views the list is cut by.

use std::process::ExitCode;

use privacydesk_core::{
    Action, ActionForm, ActionInput, CaseFilter, Desk, Error, Identity, NewCase, Reference, Result,
};

use crate::args::{
    ActArgs, BulkCommand, CaseCommand, CustomerCommand, FilterArgs, ListArgs, NewArgs, ViewCommand,
};
use crate::render;
use crate::run::Context;

pub fn reference(text: &str) -> Result<Reference> {
    text.parse()
}

pub fn case(context: &Context, command: CaseCommand) -> Result<ExitCode> {
    match command {
        CaseCommand::New(args) => new_case(context, args)?,
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

/// Logs a request and prints its reference alone on stdout; any open case from the same
/// address is flagged on stderr, so scripts reading the reference are unaffected.
fn new_case(context: &Context, args: NewArgs) -> Result<()> {
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
        agent_name: args.authorized_agent,
        agent_proof: args.agent_proof,
    };
    let mut desk = context.open()?;
    let created = desk.new_case(&form)?;
    println!("{created}");
    let view = desk.case(&created)?;
    if let Some(problem) = &view.calendar_problem {
        eprintln!("warning: {problem}");
    }
    for other in view.possible_duplicates {
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
    Ok(())
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
        // A merge names its other case: `case merge DUPLICATE --into KEPT`.
        into: None,
        identity: args
            .no_check_needed
            .then(|| Identity::NotNeeded.as_str().to_string()),
        without_letter: args.without_letter,
        suspected_fraud: args.suspected_fraud,
        seen_revision: args.seen,
    }
    .parse()?;
    let view = context.open()?.act(&reference, action, &input)?;
    render::acted(&view);
    Ok(())
}

pub fn customer(context: &Context, command: CustomerCommand) -> Result<()> {
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
            desk.act_on_many(&references(&r)?, Action::Forward, &ActionInput::default())?,
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

pub fn view(context: &Context, command: ViewCommand) -> Result<()> {
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
