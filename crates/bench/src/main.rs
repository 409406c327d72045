//! `privacydesk-bench`: builds demo databases of growing size and measures PrivacyDesk on them
//! beside the `sqlite3` shell and an unencrypted copy of the same data. See BENCHMARKS.md.

mod dataset;
mod measure;
mod ops;
mod results;
mod shell;
mod suite;
mod team;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Benchmarks PrivacyDesk on demo databases, beside the sqlite3 shell and an unencrypted copy.
#[derive(Debug, Parser)]
#[command(name = "privacydesk-bench", version)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Build (or reuse) the demo databases and measure everything; print and save the tables
    Run(suite::RunArgs),
    /// The team desk under load: ten agents at once on a PostgreSQL server, and one agent's
    /// reads beside an encrypted file of the same cases (`scripts/bench-team`)
    Team(team::TeamArgs),
    /// One measured operation, run in its own process (used by `run`)
    #[command(hide = true)]
    Op(ops::OpArgs),
    /// Run a program and print its wall time, CPU time and peak memory as JSON (used by `run`)
    #[command(hide = true)]
    Measure {
        /// The program and its arguments
        #[arg(trailing_var_arg = true, required = true)]
        program: Vec<String>,
    },
}

/// Anything that stops a benchmark run.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct BenchError(String);

impl BenchError {
    fn new(message: impl Into<String>) -> Self {
        BenchError(message.into())
    }
}

impl From<privacydesk_core::Error> for BenchError {
    fn from(e: privacydesk_core::Error) -> Self {
        BenchError(e.to_string())
    }
}

impl From<serde_json::Error> for BenchError {
    fn from(e: serde_json::Error) -> Self {
        BenchError(format!("unreadable measurement: {e}"))
    }
}

impl From<std::io::Error> for BenchError {
    fn from(e: std::io::Error) -> Self {
        BenchError(e.to_string())
    }
}

/// Where the demo databases and results go unless told otherwise.
fn default_dir() -> PathBuf {
    PathBuf::from("target/bench")
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Run(args) => suite::run(&args),
        Command::Team(args) => team::run(&args),
        Command::Op(args) => ops::run(&args),
        Command::Measure { program } => measure::measure_child(&program),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("privacydesk-bench: {e}");
            ExitCode::FAILURE
        }
    }
}
