//! A case's letters: the template filled to edit, drafts, sending, saving as a file, and the
//! company's templates written out to edit.

use std::path::{Path, PathBuf};

use privacydesk_core::files::templates::Templates;
use privacydesk_core::{Error, LetterId, Location, Result};

use crate::args::LetterCommand;
use crate::cases::reference;
use crate::render;
use crate::run::Context;

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

pub fn letter(context: &Context, command: LetterCommand) -> Result<()> {
    match command {
        LetterCommand::Show {
            reference: r,
            letter,
        } => {
            let draft = context.open()?.letter(&reference(&r)?, letter.parse()?)?;
            println!("{}", draft.body);
            let origin = ["template", "saved draft"][usize::from(draft.saved)];
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
            close,
            by_email,
        } => send(context, &r, &letter, file.as_deref(), close, by_email)?,
        LetterCommand::List { reference: r } => {
            render::letters(&context.open()?.letters(&reference(&r)?)?);
        }
        LetterCommand::Export {
            reference: r,
            id,
            out,
        } => {
            let file = context
                .open()?
                .export_letter(&reference(&r)?, LetterId(id), &out)?;
            println!("wrote letter {id} to {}", file.path.display());
            println!("sha256 {}", file.sha256);
        }
        LetterCommand::Templates { out } => templates(context, out)?,
    }
    Ok(())
}

/// Marks a letter sent: the text of `file`, or the saved draft or the filled template when it
/// has no blank left.
fn send(
    context: &Context,
    r: &str,
    letter: &str,
    file: Option<&Path>,
    close: bool,
    by_email: bool,
) -> Result<()> {
    let reference = reference(r)?;
    let kind = letter.parse()?;
    let mut desk = context.open()?;
    let body = match file {
        Some(file) => read_text(file)?,
        None => desk.letter(&reference, kind)?.body,
    };
    if by_email {
        let sent = desk.send_letter_by_email(&reference, kind, &body)?;
        println!(
            "letter {} ({}) sent by email to {} and kept on {reference} as sent",
            sent.letter.id,
            sent.letter.kind.cli_name(),
            sent.to
        );
        println!("message-id {}", sent.message.message_id);
        return Ok(());
    }
    if close {
        let view = desk.send_letter_and_close(&reference, kind, &body)?;
        println!("letter {} kept on {reference} as sent", kind.cli_name());
        render::acted(&view);
        return Ok(());
    }
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
    Ok(())
}

/// Writes the default templates for the company to edit, keeping what is there.
fn templates(context: &Context, out: Option<PathBuf>) -> Result<()> {
    let templates = match out {
        Some(folder) => Templates::in_folder(folder),
        None => Templates::in_folder(context.company_files()?.join("letters")),
    };
    let written = templates.write_defaults()?;
    for path in &written.written {
        println!("wrote {}", path.display());
    }
    for path in &written.kept {
        println!("kept  {} (already there)", path.display());
    }
    if matches!(context.db, Location::Team(_)) {
        println!(
            "on a team desk these are this machine's until a manager shares them: \
             privacydesk team files share (and `team files pull` fetches the team's)"
        );
    }
    Ok(())
}
