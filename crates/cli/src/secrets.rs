//! Where the passphrase comes from: the environment, a file, or a hidden prompt.

use std::io::IsTerminal;
use std::path::Path;

use privacydesk_core::{Error, Passphrase};
use zeroize::Zeroizing;

const ENV: &str = "PRIVACYDESK_PASSPHRASE";
const NEW_ENV: &str = "PRIVACYDESK_NEW_PASSPHRASE";
const TARGET_ENV: &str = "PRIVACYDESK_TARGET_PASSPHRASE";
const SMTP_PASSWORD_ENV: &str = "PRIVACYDESK_SMTP_PASSWORD";

const IMAP_PASSWORD_ENV: &str = "PRIVACYDESK_IMAP_PASSWORD";

/// Where the outgoing mail account's password is read from, for the message when it is not.
pub const SMTP_PASSWORD_FROM: &str = "set PRIVACYDESK_SMTP_PASSWORD";

/// Where the incoming mail account's password is read from.
pub const IMAP_PASSWORD_FROM: &str =
    "set PRIVACYDESK_IMAP_PASSWORD (or PRIVACYDESK_SMTP_PASSWORD, for the same account)";

/// The outgoing mail account's password, from the environment (never a prompt: a send from a
/// script must not stop to ask).
pub fn smtp_password() -> Option<privacydesk_core::mail::Secret> {
    std::env::var(SMTP_PASSWORD_ENV)
        .ok()
        .filter(|p| !p.is_empty())
        .map(privacydesk_core::mail::Secret::new)
}

/// The incoming mail account's password: `PRIVACYDESK_IMAP_PASSWORD`, else the outgoing
/// one (Gmail and Microsoft 365 take the same account's password for both).
pub fn imap_password() -> Option<privacydesk_core::mail::Secret> {
    std::env::var(IMAP_PASSWORD_ENV)
        .ok()
        .filter(|p| !p.is_empty())
        .map(privacydesk_core::mail::Secret::new)
        .or_else(smtp_password)
}

fn from_file(path: &Path) -> Result<String, Error> {
    let text = Zeroizing::new(std::fs::read_to_string(path).map_err(|e| Error::Io {
        context: format!("cannot read passphrase file {}", path.display()),
        source: e,
    })?);
    let line = text.strip_suffix('\n').unwrap_or(&text);
    Ok(line.strip_suffix('\r').unwrap_or(line).to_string())
}

fn prompt(label: &str) -> Result<String, Error> {
    prompt_or(label, &format!("set {ENV} or use --passphrase-file"))
}

/// Asks at the terminal; without one, says what to set instead (`instead`).
fn prompt_or(label: &str, instead: &str) -> Result<String, Error> {
    if !std::io::stdin().is_terminal() {
        return Err(Error::Invalid(format!(
            "no passphrase: {instead} (there is no terminal to ask on)"
        )));
    }
    rpassword::prompt_password(label).map_err(|e| Error::Io {
        context: "cannot read the passphrase".into(),
        source: e,
    })
}

/// The passphrase of an existing database.
pub fn existing(file: Option<&Path>) -> Result<Passphrase, Error> {
    if let Ok(value) = std::env::var(ENV) {
        return Ok(Passphrase::new(value));
    }
    match file {
        Some(path) => Ok(Passphrase::new(from_file(path)?)),
        None => Ok(Passphrase::new(prompt("Passphrase: ")?)),
    }
}

fn confirmed(label: &str) -> Result<String, Error> {
    confirmed_or(label, &format!("set {ENV} or use --passphrase-file"))
}

/// A new passphrase typed twice; without a terminal, says what to set instead.
fn confirmed_or(label: &str, instead: &str) -> Result<String, Error> {
    let first = Zeroizing::new(prompt_or(label, instead)?);
    let second = Zeroizing::new(prompt_or("Repeat it: ", instead)?);
    if *first != *second {
        return Err(Error::invalid(
            "the two passphrases differ; nothing was changed",
        ));
    }
    Ok(first.to_string())
}

/// The passphrase for a new database (asked twice at a prompt).
pub fn for_new_database(file: Option<&Path>) -> Result<Passphrase, Error> {
    let text = match (std::env::var(ENV), file) {
        (Ok(value), _) => value,
        (Err(_), Some(path)) => from_file(path)?,
        (Err(_), None) => confirmed("New passphrase: ")?,
    };
    Passphrase::new_for_creation(text)
}

/// The passphrase of someone joining a team desk (or its first manager), to be given to them.
pub fn for_new_member(name: &str) -> Result<Passphrase, Error> {
    let text = match std::env::var(NEW_ENV) {
        Ok(value) => value,
        Err(_) => confirmed_or(
            &format!("Passphrase for {name}: "),
            &format!("set {NEW_ENV}"),
        )?,
    };
    Passphrase::new_for_creation(text)
}

/// The new passphrase of a rekey, or of a new file a copy goes into.
pub fn for_rekey() -> Result<Passphrase, Error> {
    let text = match std::env::var(NEW_ENV) {
        Ok(value) => value,
        Err(_) => confirmed_or("New passphrase: ", &format!("set {NEW_ENV}"))?,
    };
    Passphrase::new_for_creation(text)
}

/// The passphrase that logs `name` in to the team desk a copy goes into.
pub fn for_copy_target(name: &str) -> Result<Passphrase, Error> {
    match std::env::var(TARGET_ENV) {
        Ok(value) => Ok(Passphrase::new(value)),
        Err(_) => Ok(Passphrase::new(prompt_or(
            &format!("{name}'s passphrase on the team desk copied into: "),
            &format!("set {TARGET_ENV} for the team desk copied into"),
        )?)),
    }
}
