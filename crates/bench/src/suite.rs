//! One benchmark run: every size, every operation, ours and the references, side by side.

use std::path::{Path, PathBuf};

use chrono::{Datelike, Local, Months, NaiveDate};
use clap::Args;
use privacydesk_core::files::csv_safe::restore;

use crate::dataset::{self, Dataset};
use crate::measure;
use crate::ops::OpReport;
use crate::results::{Figure, RunResults, Runs, SizeResults};
use crate::{BenchError, shell};

/// Arguments of `privacydesk-bench run`.
#[derive(Debug, Args)]
pub struct RunArgs {
    /// Database sizes, in cases
    #[arg(long, value_delimiter = ',', default_values_t = [10_000u64, 100_000, 1_000_000])]
    sizes: Vec<u64>,
    /// Where the demo databases and results are kept
    #[arg(long, default_value_os_t = crate::default_dir())]
    dir: PathBuf,
    /// Demo seed
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Runs of each query in one process (the first on a cold page cache)
    #[arg(long, default_value_t = 11)]
    repeat: u32,
    /// Processes per query and side, taking turns encrypted / unencrypted
    #[arg(long, default_value_t = 3)]
    rounds: u32,
    /// Processes per export and side (each writes the whole file)
    #[arg(long, default_value_t = 5)]
    export_runs: u32,
    /// Rebuild the demo databases even if they exist
    #[arg(long)]
    fresh: bool,
    /// Also measure the encrypted side with SQLCipher's memory wiping on (`*/wiped`)
    #[arg(long)]
    memory_security: bool,
}

struct Context<'a> {
    data: &'a Dataset,
    repeat: u32,
    rounds: u32,
    sides: Vec<Side>,
    month: String,
    year: String,
    scratch: PathBuf,
}

/// Which file an operation runs on, and how.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Side {
    /// The encrypted file, as the app opens it.
    Encrypted,
    /// The unencrypted copy.
    Plain,
    /// The encrypted file with SQLCipher's memory wiping on.
    Wiped,
}

impl Side {
    fn name(self) -> &'static str {
        match self {
            Side::Encrypted => "encrypted",
            Side::Plain => "plain",
            Side::Wiped => "wiped",
        }
    }
}

/// One measured process of ours: its runs, peak memory and rows.
fn op(
    ctx: &Context<'_>,
    name: &str,
    side: Side,
    repeat: u32,
    to: Option<&Path>,
) -> Result<(Vec<f64>, u64, u64), BenchError> {
    let me = std::env::current_exe()?;
    let db = match side {
        Side::Plain => &ctx.data.plain,
        Side::Encrypted | Side::Wiped => &ctx.data.encrypted,
    };
    let mut args = vec![
        "op".to_string(),
        name.to_string(),
        "--db".into(),
        db.to_string_lossy().into_owned(),
        "--repeat".into(),
        repeat.to_string(),
        "--month".into(),
        ctx.month.clone(),
        "--year".into(),
        ctx.year.clone(),
    ];
    match side {
        Side::Plain => args.push("--plain".into()),
        Side::Wiped => args.push("--wiped".into()),
        Side::Encrypted => {}
    }
    if let Some(to) = to {
        args.extend(["--to".into(), to.to_string_lossy().into_owned()]);
    }
    let measured = measure::run(&me.to_string_lossy(), &args)?;
    let report: OpReport = serde_json::from_str(measured.stdout.trim())?;
    Ok((report.times_ms, measured.cost.peak_rss_kib, report.rows))
}

/// Checks that our export and the shell's hold the same rows and cells.
fn same_rows(ours: &Path, reference: &Path) -> Result<u64, BenchError> {
    let open = |path: &Path| {
        csv::ReaderBuilder::new()
            .has_headers(false)
            .from_path(path)
            .map_err(|e| BenchError::new(format!("cannot read {}: {e}", path.display())))
    };
    let (mut a, mut b) = (open(ours)?, open(reference)?);
    let (mut ra, mut rb) = (csv::StringRecord::new(), csv::StringRecord::new());
    let mut line = 0u64;
    loop {
        let more_a = a
            .read_record(&mut ra)
            .map_err(|e| BenchError::new(e.to_string()))?;
        let more_b = b
            .read_record(&mut rb)
            .map_err(|e| BenchError::new(e.to_string()))?;
        line += 1;
        if !more_a && !more_b {
            return Ok(line - 2);
        }
        let differ = more_a != more_b
            || ra.len() != rb.len()
            || ra.iter().zip(rb.iter()).any(|(x, y)| restore(x) != y);
        if differ {
            return Err(BenchError::new(format!(
                "the exports differ at line {line}: ours {ra:?}, sqlite3 {rb:?}"
            )));
        }
    }
}

fn measure_size(ctx: &Context<'_>, export_runs: u32) -> Result<SizeResults, BenchError> {
    let data = ctx.data;
    let mut results = SizeResults {
        cases: data.cases,
        encrypted_bytes: dataset::size_of(&data.encrypted),
        plain_bytes: dataset::size_of(&data.plain),
        generation: Some(data.generation.clone()),
        ..SizeResults::default()
    };
    measure_queries(ctx, &mut results)?;
    measure_exports(ctx, export_runs, &mut results)?;
    let month = privacydesk_core::Month::parse(&ctx.month)?;
    let mut group_by = Runs::default();
    for _ in 0..ctx.rounds {
        let (measured, times) =
            shell::group_by(&data.plain, month.first(), month.last(), ctx.repeat)?;
        group_by.add(&times, measured.cost.peak_rss_kib, 0);
    }
    put(&mut results, "group-by/sqlite3", group_by.figure());
    Ok(results)
}

/// Keeps a figure, and says it on stderr as the run goes.
fn put(results: &mut SizeResults, key: &str, figure: Figure) {
    eprintln!(
        "  {key:<26} {:>10.2} ms (first {:>9.2} ms) {:>7} KiB",
        figure.median_ms, figure.first_ms, figure.peak_rss_kib
    );
    results.figures.insert(key.to_string(), figure);
}

/// Each query on each side. Each measure's encrypted and unencrypted processes take turns,
/// round after round, so that a slow moment of the machine (it has neighbours) falls on both.
fn measure_queries(ctx: &Context<'_>, results: &mut SizeResults) -> Result<(), BenchError> {
    for name in [
        "open",
        "list",
        "search",
        "search-name",
        "search-broad",
        "monthly",
        "yearly",
    ] {
        let mut runs: Vec<Runs> = ctx.sides.iter().map(|_| Runs::default()).collect();
        for _ in 0..ctx.rounds {
            for (side, runs) in ctx.sides.iter().zip(&mut runs) {
                let (times, rss, rows) = op(ctx, name, *side, ctx.repeat, None)?;
                runs.add(&times, rss, rows);
            }
        }
        for (side, runs) in ctx.sides.iter().zip(&runs) {
            put(results, &format!("{name}/{}", side.name()), runs.figure());
        }
    }
    Ok(())
}

/// The full export on each side and in the `sqlite3` shell, which must write the same rows.
fn measure_exports(
    ctx: &Context<'_>,
    export_runs: u32,
    results: &mut SizeResults,
) -> Result<(), BenchError> {
    let data = ctx.data;
    let ours_csv = ctx.scratch.join("export-ours.csv");
    let plain_csv = ctx.scratch.join("export-plain.csv");
    let shell_csv = ctx.scratch.join("export-sqlite3.csv");
    let today = Local::now().date_naive();
    let mut runs: Vec<Runs> = ctx.sides.iter().map(|_| Runs::default()).collect();
    let mut shell = Runs::default();
    for _ in 0..export_runs.max(1) {
        for (side, runs) in ctx.sides.iter().zip(&mut runs) {
            let to = if *side == Side::Plain {
                &plain_csv
            } else {
                &ours_csv
            };
            let (times, rss, rows) = op(ctx, "export", *side, 1, Some(to))?;
            runs.add(&times, rss, rows);
        }
        let (measured, statement_ms) = shell::export(&data.plain, &shell_csv, today)?;
        shell.add(&[statement_ms], measured.cost.peak_rss_kib, data.cases);
    }
    for (side, runs) in ctx.sides.iter().zip(&runs) {
        put(results, &format!("export/{}", side.name()), runs.figure());
    }
    put(results, "export/sqlite3", shell.figure());
    let rows = same_rows(&ours_csv, &shell_csv)?;
    for file in [&ours_csv, &plain_csv, &shell_csv] {
        let _ = std::fs::remove_file(file);
    }
    if rows != data.cases {
        return Err(BenchError::new(format!(
            "the exports hold {rows} rows, not {}",
            data.cases
        )));
    }
    Ok(())
}

fn machine() -> String {
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let model = cpuinfo
        .lines()
        .find_map(|l| l.strip_prefix("model name"))
        .map(|l| l.trim_start_matches([' ', '\t', ':']).to_string())
        .unwrap_or_else(|| "unknown CPU".into());
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let memory_gib = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|m| {
            m.lines()
                .find_map(|l| l.strip_prefix("MemTotal:"))
                .and_then(|v| v.split_whitespace().next()?.parse::<f64>().ok())
        })
        .map_or(0.0, |kib| kib / 1024.0 / 1024.0);
    format!("{model}, {cores} cores, {memory_gib:.0} GiB")
}

fn previous_month(today: NaiveDate) -> String {
    let first = NaiveDate::from_ymd_opt(today.year(), today.month(), 1).unwrap_or(today);
    let previous = first.checked_sub_months(Months::new(1)).unwrap_or(first);
    previous.format("%Y-%m").to_string()
}

/// The `run` subcommand.
pub fn run(args: &RunArgs) -> Result<(), BenchError> {
    let today = Local::now().date_naive();
    let mut all = RunResults {
        date: today.to_string(),
        machine: machine(),
        sqlite3: shell::version()?,
        sizes: Vec::new(),
    };
    let mut sizes = args.sizes.clone();
    sizes.sort_unstable();
    sizes.dedup();
    if sizes.first() == Some(&0) {
        return Err(BenchError::new("a database size must be at least 1 case"));
    }
    let scratch = args.dir.join("scratch");
    std::fs::create_dir_all(&scratch)?;
    for &cases in &sizes {
        let data = dataset::prepare(&args.dir, cases, args.seed, args.fresh)?;
        dataset::warm(&data)?;
        eprintln!("measuring {cases} cases");
        let ctx = Context {
            data: &data,
            repeat: args.repeat.max(1),
            rounds: args.rounds.max(1),
            sides: if args.memory_security {
                vec![Side::Encrypted, Side::Plain, Side::Wiped]
            } else {
                vec![Side::Encrypted, Side::Plain]
            },
            month: previous_month(today),
            year: (today.year() - 1).to_string(),
            scratch: scratch.clone(),
        };
        all.sizes.push(measure_size(&ctx, args.export_runs)?);
    }
    let markdown = all.markdown();
    println!("{markdown}");
    let stem = args.dir.join(format!("results-{today}"));
    std::fs::write(
        stem.with_extension("json"),
        serde_json::to_vec_pretty(&all)?,
    )?;
    std::fs::write(stem.with_extension("md"), &markdown)?;
    eprintln!("saved {}.json and .md", stem.display());
    Ok(())
}
