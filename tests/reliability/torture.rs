//! A child process for the reliability tests: it writes cases through core and says so after
//! each commit, so a test can kill it at any moment and check that what it was told survived.
//!
//! Usage (passphrase in `PRIVACYDESK_PASSPHRASE`):
//! - `privacydesk-torture write DB TAG` writes until killed (DB: a file, or a team desk's
//!   address);
//! - `privacydesk-torture write DB TAG COUNT` writes COUNT cases and exits 0.
//!
//! After each committed case it prints `case REFERENCE ITEMS`; after each committed note,
//! `note REFERENCE`. On an error it prints `error CODE MESSAGE` to stderr and exits 1.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use privacydesk_core::{Agent, Desk, Error, Location, NewCase, Passphrase};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (db, tag, count) = match args.as_slice() {
        [mode, db, tag] if mode == "write" => (PathBuf::from(db), tag.clone(), None),
        [mode, db, tag, count] if mode == "write" => match count.parse::<u64>() {
            Ok(n) => (PathBuf::from(db), tag.clone(), Some(n)),
            Err(_) => return usage(),
        },
        _ => return usage(),
    };
    let Ok(passphrase) = std::env::var("PRIVACYDESK_PASSPHRASE") else {
        eprintln!("error usage PRIVACYDESK_PASSPHRASE is not set");
        return ExitCode::from(2);
    };
    match write(&db, &tag, count, &Passphrase::new(passphrase)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error {} {e}", e.code());
            ExitCode::FAILURE
        }
    }
}

fn usage() -> ExitCode {
    eprintln!("usage: privacydesk-torture write DB TAG [COUNT]");
    ExitCode::from(2)
}

/// How many forum items case number `n` gets: 0 to 4, so a half-written case would show.
pub fn items_for(n: u64) -> usize {
    (n % 5) as usize
}

fn write(
    db: &std::path::Path,
    tag: &str,
    count: Option<u64>,
    passphrase: &Passphrase,
) -> Result<(), Error> {
    let agent = Agent::new(&format!("torture-{tag}"))?;
    let location = match db.to_str() {
        Some(text) => Location::parse(text),
        None => Location::File(db.to_path_buf()),
    };
    let mut desk = Desk::open_at(&location, passphrase, agent)?;
    // For a test that kills the writer at a moment of its writing, not of its opening.
    eprintln!("opened");
    let mut out = std::io::stdout().lock();
    let mut n = 0u64;
    while count.is_none_or(|c| n < c) {
        let items = items_for(n);
        let form = NewCase {
            kind: if items == 0 {
                "access"
            } else {
                "forum-removal"
            }
            .into(),
            name: format!("Torture {tag} {n} items {items}"),
            email: format!("torture.{tag}.{n}@example.com"),
            details: Some(format!("case {n} written by torture process {tag}")),
            items: (0..items)
                .map(|i| format!("https://forum.example.com/t/{tag}/{n}/{i}"))
                .collect(),
            ..NewCase::default()
        };
        let reference = desk.new_case(&form)?;
        // A closed pipe means the test stopped reading: stop writing too.
        if writeln!(out, "case {reference} {items}").is_err() {
            return Ok(());
        }
        desk.note(&reference, &format!("note on case {n} from {tag}"))?;
        if writeln!(out, "note {reference}").is_err() {
            return Ok(());
        }
        n += 1;
    }
    Ok(())
}
