//! Carries out each command against core: the context every command shares (which database,
//! which agent, where the passphrase comes from) and the dispatch to each group's module.

use std::path::PathBuf;
use std::process::ExitCode;

use indicatif::{ProgressBar, ProgressStyle};
use privacydesk_core::Location;
use privacydesk_core::{Agent, Desk, Error, Passphrase, Result};

use crate::args::{Cli, Command};
use crate::laws;
use crate::{cases, exports, intake, letters, mail, secrets, upkeep};

/// What every command works with.
pub struct Context {
    pub db: Location,
    pub agent: Agent,
    pub passphrase_file: Option<PathBuf>,
}

impl Context {
    /// Opens the database as every adapter does, saying on stderr what opening did besides
    /// (retention), so that stdout stays what a script reads.
    pub fn open(&self) -> Result<Desk> {
        self.unlock(&secrets::existing(self.passphrase_file.as_deref())?)
    }

    /// [`Context::open`] with a passphrase already read.
    pub fn unlock(&self, passphrase: &Passphrase) -> Result<Desk> {
        let mut desk = Desk::open_at(&self.db, passphrase, self.agent.clone())?;
        desk.set_mail_password(secrets::smtp_password(), secrets::SMTP_PASSWORD_FROM);
        desk.set_imap_password(secrets::imap_password(), secrets::IMAP_PASSWORD_FROM);
        if let Some(notice) = desk.take_notice() {
            eprintln!("privacydesk: {}", notice.text);
        }
        Ok(desk)
    }

    /// Opens the database changing nothing in it (to look at it, or check it).
    pub fn open_as_is(&self) -> Result<Desk> {
        let passphrase = secrets::existing(self.passphrase_file.as_deref())?;
        Desk::open_at_as_is(&self.db, &passphrase, self.agent.clone())
    }

    /// Where the company's files (letter templates, calendars.toml) are for this database.
    pub fn company_files(&self) -> Result<PathBuf> {
        self.db.company_files()
    }
}

fn bar_style(what: &str) -> ProgressStyle {
    ProgressStyle::with_template(&format!(
        "{{spinner}} {what} [{{bar:30}}] {{human_pos}}/{{human_len}} ({{per_sec}}, {{eta}} left)"
    ))
    .unwrap_or_else(|_| ProgressStyle::default_bar())
    .progress_chars("=> ")
}

/// A progress bar on stderr for `total` steps of `what`.
pub fn progress_bar(total: u64, what: &str) -> ProgressBar {
    ProgressBar::new(total).with_style(bar_style(what))
}

/// Turns a spinner into a bar once the total is known.
pub fn as_bar(bar: &ProgressBar, total: u64, what: &str) {
    if bar.length() != Some(total) {
        bar.set_style(bar_style(what));
        bar.set_length(total);
    }
}

pub fn run(cli: Cli) -> Result<ExitCode> {
    let db = match &cli.db {
        Some(db) => match db.to_str() {
            Some(text) => Location::parse(text),
            None => Location::File(db.clone()),
        },
        None => Location::default_file()?,
    };
    if matches!(db, Location::Team(_)) && cli.agent.is_some() {
        return Err(Error::invalid(
            "--agent does not apply to a team desk: the server records whoever logs in (the \
             name in its address)",
        ));
    }
    let agent_name = cli.agent.clone().unwrap_or_else(whoami::username);
    let context = Context {
        db,
        agent: Agent::new(&agent_name)?,
        passphrase_file: cli.passphrase_file,
    };
    match cli.command {
        Command::Init { manager } => upkeep::init(&context, manager.as_deref())?,
        Command::Team(command) => upkeep::team(&context, command)?,
        Command::Case(command) => return cases::case(&context, command),
        Command::Letter(command) => letters::letter(&context, command)?,
        Command::Customer(command) => cases::customer(&context, command)?,
        Command::View(command) => cases::view(&context, command)?,
        Command::Export(command) => exports::export(&context, command)?,
        Command::Report(command) => exports::report(&context, command)?,
        Command::Import { file } => exports::import(&context, &file)?,
        Command::Demo { cases, seed } => upkeep::demo(&context, cases, seed)?,
        Command::Laws(command) => laws::laws(command)?,
        Command::Calendar(command) => laws::calendar(&context, command)?,
        Command::Mail(command) => mail::mail(&context, command)?,
        Command::Outbox(command) => mail::outbox(&context, command)?,
        Command::Intake(command) => return intake::intake(&context, command),
        Command::Verify => upkeep::verify(&context)?,
        Command::Backup { out } => upkeep::backup(&context, &out)?,
        Command::Rekey => upkeep::rekey(&context)?,
        Command::CopyTo { target } => upkeep::copy_to(&context, &target)?,
        Command::Retention { dry_run, months } => upkeep::retention(&context, dry_run, months)?,
    }
    Ok(ExitCode::SUCCESS)
}
