//! The operations measured on our side, each run in a process of its own (so its peak memory is
//! its own), timed inside the process so that start-up and key derivation are kept apart.

use std::path::PathBuf;
use std::time::Instant;

use clap::{Args, ValueEnum};
use privacydesk_core::store::sqlcipher::SqlCipher;
use privacydesk_core::{Agent, CaseFilter, Desk, Month, Passphrase, State, Year};
use serde::{Deserialize, Serialize};

use crate::BenchError;

/// The demo databases' passphrase; the data is synthetic.
pub const PASSPHRASE: &str = "privacydesk benchmark passphrase";

/// The state the list and search pages filter on: the working queue.
pub const LIST_STATE: State = State::InProgress;

/// The surname used for the broad search; one requester in twenty has it.
pub const BROAD_TERM: &str = "Tanaka";

/// Rows on the first page of the case list, as the app shows it.
pub const PAGE_ROWS: u32 = 50;

/// What can be measured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Op {
    /// Create a database and seed demo cases
    Demo,
    /// Write an unencrypted copy with sqlcipher_export
    Copy,
    /// Open and unlock (key derivation included)
    Open,
    /// First page of the list, filtered by state, sorted by due date
    List,
    /// The same page with a search for one requester's email address
    Search,
    /// The same page with a search for one requester's full name
    SearchName,
    /// The same page with a search for a common surname
    SearchBroad,
    /// The monthly report's figures
    Monthly,
    /// The yearly §7102 metrics
    Yearly,
    /// The full case CSV export
    Export,
}

/// Arguments of `privacydesk-bench op`.
#[derive(Debug, Args)]
pub struct OpArgs {
    /// What to measure
    #[arg(value_enum)]
    op: Op,
    /// The database
    #[arg(long)]
    db: PathBuf,
    /// Open the unencrypted copy instead of the encrypted file
    #[arg(long)]
    plain: bool,
    /// Turn on SQLCipher's memory wiping first (what it would cost)
    #[arg(long)]
    wiped: bool,
    /// How many times to run the operation in this process
    #[arg(long, default_value_t = 1)]
    repeat: u32,
    /// Cases to seed (demo)
    #[arg(long, default_value_t = 0)]
    cases: u64,
    /// Random seed (demo)
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Output file (copy, export)
    #[arg(long)]
    to: Option<PathBuf>,
    /// The report month, YYYY-MM (monthly)
    #[arg(long)]
    month: Option<String>,
    /// The metrics year, YYYY (yearly)
    #[arg(long)]
    year: Option<String>,
    /// Search for this instead of the chosen term (search, search-broad)
    #[arg(long)]
    term: Option<String>,
}

/// What an operation reports back to the suite.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct OpReport {
    /// Opening and unlocking, before the operation.
    pub open_ms: f64,
    /// Each run of the operation, in order; the first ran on a cold page cache.
    pub times_ms: Vec<f64>,
    /// Rows the operation produced (cases seeded, rows listed or exported).
    pub rows: u64,
}

fn agent() -> Result<Agent, BenchError> {
    Ok(Agent::new("benchmark")?)
}

fn open(args: &OpArgs) -> Result<Desk, BenchError> {
    Ok(if args.plain {
        Desk::open_unencrypted(&args.db, agent()?)?
    } else {
        Desk::open(&args.db, &Passphrase::new(PASSPHRASE.into()), agent()?)?
    })
}

fn page(search: Option<String>) -> CaseFilter {
    CaseFilter {
        state: Some(LIST_STATE),
        search,
        limit: Some(PAGE_ROWS),
        ..CaseFilter::default()
    }
}

/// A requester from the middle of the list, whose email address and name are searched for.
fn middle_requester(desk: &Desk) -> Result<privacydesk_core::Requester, BenchError> {
    let all = page(None);
    let middle = desk.count(&all)? / 2;
    let filter = CaseFilter {
        offset: u32::try_from(middle).unwrap_or(0),
        limit: Some(1),
        ..all
    };
    desk.list(&filter)?
        .into_iter()
        .next()
        .map(|c| c.case.requester)
        .ok_or_else(|| BenchError::new("the database has no case to search for"))
}

fn required<'a, T>(value: &'a Option<T>, name: &str) -> Result<&'a T, BenchError> {
    value
        .as_ref()
        .ok_or_else(|| BenchError::new(format!("--{name} is required")))
}

fn timed<T>(work: impl FnOnce() -> Result<T, BenchError>) -> Result<(f64, T), BenchError> {
    let started = Instant::now();
    let value = work()?;
    Ok((started.elapsed().as_secs_f64() * 1e3, value))
}

/// The `op` subcommand: runs one operation `repeat` times and prints an [`OpReport`].
pub fn run(args: &OpArgs) -> Result<(), BenchError> {
    // As the app and the CLI run.
    privacydesk_core::process::harden()?;
    if args.wiped {
        privacydesk_core::store::sqlcipher::enable_memory_security()?;
    }
    let mut report = OpReport::default();
    match args.op {
        Op::Demo => {
            let pass = Passphrase::new(PASSPHRASE.into());
            let mut desk = Desk::create(&args.db, &pass, agent()?)?;
            let (ms, ()) = timed(|| Ok(desk.seed_demo(args.cases, args.seed, &mut |_| {})?))?;
            report.times_ms.push(ms);
            report.rows = args.cases;
        }
        Op::Copy => {
            let pass = Passphrase::new(PASSPHRASE.into());
            let desk = Desk::open(&args.db, &pass, agent()?)?;
            let to = required(&args.to, "to")?;
            let file = SqlCipher::of(desk.store())
                .ok_or_else(|| privacydesk_core::Error::invalid("not an encrypted file"))?;
            let (ms, ()) = timed(|| Ok(file.write_unencrypted_copy(to)?))?;
            report.times_ms.push(ms);
        }
        Op::Open => {
            for _ in 0..args.repeat {
                let (ms, _desk) = timed(|| open(args))?;
                report.times_ms.push(ms);
            }
            report.open_ms = report.times_ms.first().copied().unwrap_or_default();
        }
        op => {
            let (open_ms, mut desk) = timed(|| open(args))?;
            report.open_ms = open_ms;
            let filter = match (op, &args.term) {
                (Op::Search | Op::SearchName | Op::SearchBroad, Some(term)) => {
                    page(Some(term.clone()))
                }
                (Op::Search, None) => page(Some(middle_requester(&desk)?.email.to_string())),
                (Op::SearchName, None) => page(Some(middle_requester(&desk)?.name)),
                (Op::SearchBroad, None) => page(Some(BROAD_TERM.into())),
                _ => page(None),
            };
            for _ in 0..args.repeat {
                let (ms, rows) = timed(|| run_query(op, args, &mut desk, &filter))?;
                report.times_ms.push(ms);
                report.rows = rows;
            }
        }
    }
    println!("{}", serde_json::to_string(&report)?);
    Ok(())
}

fn run_query(
    op: Op,
    args: &OpArgs,
    desk: &mut Desk,
    filter: &CaseFilter,
) -> Result<u64, BenchError> {
    Ok(match op {
        Op::List | Op::Search | Op::SearchName | Op::SearchBroad => desk.list(filter)?.len() as u64,
        Op::Monthly => {
            let month = Month::parse(required(&args.month, "month")?)?;
            desk.monthly_rows(month)?.len() as u64
        }
        Op::Yearly => {
            let year = Year::parse(required(&args.year, "year")?)?;
            desk.yearly_rows(year)?.len() as u64
        }
        Op::Export => {
            let to = required(&args.to, "to")?;
            // Each run replaces the file whole (write to a temp file, then rename).
            let summary = desk.export_cases(&CaseFilter::default(), to, false, &mut |_| {})?;
            summary.rows
        }
        Op::Demo | Op::Copy | Op::Open => 0,
    })
}
