//! `privacydesk`: the command-line adapter. Parses arguments, calls core, maps errors to exit codes.

mod args;
mod render;
mod run;
mod secrets;

use std::process::ExitCode;

use clap::Parser;
use privacydesk_core::Error;

/// Exit code for each kind of failure; part of the CLI's stable contract.
fn exit_code(error: &Error) -> u8 {
    match error {
        Error::Invalid(_) | Error::ImportRejected(_) => 2,
        Error::WrongPassphrase => 3,
        Error::CaseNotFound(_) => 4,
        Error::NotAllowed(_) => 5,
        _ => 1,
    }
}

fn main() -> ExitCode {
    let cli = args::Cli::parse();
    match privacydesk_core::process::harden().and_then(|()| run::run(cli)) {
        Ok(code) => code,
        Err(error) => {
            // One line, whatever the message holds.
            let message = error.to_string().replace(['\n', '\r'], " ");
            eprintln!("privacydesk: {message}");
            ExitCode::from(exit_code(&error))
        }
    }
}
