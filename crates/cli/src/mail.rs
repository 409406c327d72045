//! `privacydesk mail …`: the company's mail account as this desk uses it.

use privacydesk_core::{MailChangeEffect, OutboxId, Result, ServerChange};

use crate::args::{MailCommand, MailSettingsArgs, OutboxCommand};
use crate::render;
use crate::run::Context;

pub fn mail(context: &Context, command: MailCommand) -> Result<()> {
    match command {
        MailCommand::Settings(args) => settings(context, *args),
        MailCommand::Test => {
            let checked = context.open()?.check_outgoing_mail()?;
            for step in &checked.steps {
                println!("ok: {step}");
            }
            println!("outgoing mail works (nothing was sent)");
            Ok(())
        }
        MailCommand::Fetch { again, json } => fetch(context, again, json),
    }
}

/// `privacydesk outbox …`: letters sent by email that have not left yet.
pub fn outbox(context: &Context, command: OutboxCommand) -> Result<()> {
    match command {
        OutboxCommand::List { json } => {
            let waiting = context.open()?.outbox()?;
            if json {
                return render::json(&waiting);
            }
            render::outbox(&waiting);
            Ok(())
        }
        OutboxCommand::Retry { id, resend } => {
            let sent = context.open()?.retry_mail(OutboxId(id), resend)?;
            println!(
                "message {id} ({} of {}) sent to {}; the letter is kept as sent",
                sent.letter.kind.cli_name(),
                sent.message.reference,
                sent.to
            );
            Ok(())
        }
    }
}

/// Reads the mailbox with a progress bar on stderr, then says what came of it.
fn fetch(context: &Context, again: bool, json: bool) -> Result<()> {
    let mut desk = context.open()?;
    let bar = crate::run::progress_bar(0, "messages read");
    let report = desk.fetch_mail(again, &mut |done, total| {
        crate::run::as_bar(&bar, total as u64, "messages read");
        bar.set_position(done as u64);
    });
    bar.finish_and_clear();
    let report = report?;
    if json {
        return render::json(&report);
    }
    println!(
        "{} read of {} in the mailbox: {} kept on their cases, {} in the intake queue, {} \
         imported before",
        report.read, report.in_mailbox, report.on_case, report.queued, report.known
    );
    if report.with_problems > 0 {
        println!(
            "{} had something wrong with them and were kept as text (see intake show)",
            report.with_problems
        );
    }
    for left in &report.left {
        println!(
            "left in the mailbox: message UID {}: {}",
            left.uid, left.why
        );
    }
    if report.queued > 0 {
        println!("the queue: privacydesk intake list");
    }
    Ok(())
}

fn settings(context: &Context, args: MailSettingsArgs) -> Result<()> {
    let mut desk = context.open()?;
    let outgoing = ServerChange {
        host: args.smtp_host,
        port: args.smtp_port,
        security: args.security.as_deref().map(str::parse).transpose()?,
        user: args.user,
        auth: args.auth.as_deref().map(str::parse).transpose()?,
        token_command: args.token_command,
        address: args.from,
    };
    let incoming = ServerChange {
        host: args.imap_host,
        port: args.imap_port,
        security: args.imap_security.as_deref().map(str::parse).transpose()?,
        user: args.imap_user,
        auth: args.imap_auth.as_deref().map(str::parse).transpose()?,
        token_command: args.imap_token_command,
        address: args.mailbox,
    };
    if !(outgoing.is_empty() && incoming.is_empty()) {
        let changed = desk.change_mail_settings(&outgoing, &incoming)?;
        eprintln!("wrote {}", changed.file.display());
        match changed.effect {
            MailChangeEffect::Recorded => {}
            MailChangeEffect::ThisMachineUntilShared => eprintln!(
                "this machine's file; a manager shares it with the team with \
                 `privacydesk team files share`"
            ),
            MailChangeEffect::TeamsStaysInForce => eprintln!(
                "the team's shared mail settings stay in force until a manager shares this \
                 machine's files (`privacydesk team files share`)"
            ),
        }
    }
    let in_force = desk.mail_settings()?;
    if args.json {
        return render::json(&in_force);
    }
    render::mail_settings(&in_force.settings);
    if in_force.shared {
        println!("in force: the team's shared mail.toml");
    }
    println!("this machine's file: {}", in_force.file.display());
    Ok(())
}
