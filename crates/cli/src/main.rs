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

/// `privacydesk case list | head` closes our stdout early: `println!` then panics. Leave as
/// a shell tool does, quietly, with the status a SIGPIPE death would give (128 + 13).
fn quiet_on_closed_stdout() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let message = info
            .payload()
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| info.payload().downcast_ref::<&str>().copied())
            .unwrap_or("");
        if message.contains("failed printing to stdout") && message.contains("Broken pipe") {
            std::process::exit(141);
        }
        default(info);
    }));
}

fn main() -> ExitCode {
    quiet_on_closed_stdout();
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
