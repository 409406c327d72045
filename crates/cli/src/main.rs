//! `privacydesk`: the command-line adapter. Parses arguments, calls core, prints what core says;
//! the exit code and the message of each failure are core's (`Error::exit_code`, `Error::line`).

mod args;
mod cases;
mod exports;
mod intake;
mod laws;
mod letters;
mod mail;
mod render;
mod run;
mod secrets;
mod upkeep;

use std::process::ExitCode;

use clap::Parser;

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
            eprintln!("privacydesk: {}", error.line());
            ExitCode::from(error.exit_code())
        }
    }
}
