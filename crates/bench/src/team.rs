//! The team desk under load (`privacydesk-bench team`, through `scripts/bench-team`): a desk of
//! demo cases on a PostgreSQL server, ten agents each logged in as themselves working it at
//! once for a minute (list pages, opening cases, searching, notes, actions, mixed as a desk's
//! day is), with throughput and the median and 99th percentile of each operation; beside it,
//! one agent's list page and searches on the team desk and on an encrypted file of the same
//! cases, and the full export against `psql \copy` of the same rows.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use clap::Args;
use privacydesk_core::{
    Action, ActionInput, CaseFilter, CopyStage, Desk, Location, Passphrase, Reference, TeamRole,
};

use crate::BenchError;

/// What `team` measures on which server.
#[derive(Debug, Args)]
pub struct TeamArgs {
    /// The server's administrator address (`postgres://ADMIN:PASSWORD@HOST:PORT/postgres`)
    #[arg(long, value_name = "URL")]
    admin: String,
    /// Demo cases on the desk
    #[arg(long, default_value_t = 20_000)]
    cases: u64,
    /// Agents working at once
    #[arg(long, default_value_t = 10)]
    agents: usize,
    /// How long they work
    #[arg(long, default_value_t = 60)]
    seconds: u64,
    /// Where the file desk and the exports go
    #[arg(long, default_value = "target/bench/team")]
    dir: PathBuf,
}

const PASSPHRASE: &str = "bench team passphrase";

/// The operations an agent does, and how often of every hundred.
const MIX: [(&str, u32); 6] = [
    ("list page", 35),
    ("open case", 25),
    ("search word", 10),
    ("search address", 5),
    ("note", 15),
    ("act", 10),
];

/// One operation's latencies.
#[derive(Default, Clone)]
struct Samples(Vec<Duration>);

impl Samples {
    fn quantile(&self, q: f64) -> Duration {
        let mut sorted = self.0.clone();
        sorted.sort_unstable();
        if sorted.is_empty() {
            return Duration::ZERO;
        }
        let at = ((sorted.len() as f64 - 1.0) * q).round() as usize;
        sorted[at.min(sorted.len() - 1)]
    }
}

fn ms(d: Duration) -> String {
    format!("{:.1}", d.as_secs_f64() * 1000.0)
}

/// The database part of an administrator's address, replaced.
fn on_database(admin: &str, database: &str) -> String {
    match admin.rsplit_once('/') {
        Some((server, _)) => format!("{server}/{database}"),
        None => admin.to_string(),
    }
}

/// `NAME`'s address on `database`, from the administrator's: their name, no password.
fn login(admin: &str, name: &str, database: &str) -> String {
    let rest = admin.split_once('@').map_or(admin, |(_, rest)| rest);
    let server = rest.rsplit_once('/').map_or(rest, |(server, _)| server);
    format!("postgres://{name}@{server}/{database}")
}

pub fn run(args: &TeamArgs) -> Result<(), BenchError> {
    std::fs::create_dir_all(&args.dir)?;
    let passphrase = Passphrase::new(PASSPHRASE.into());
    // Logins are the server's, shared by its databases: this run's names are its own.
    let run = std::process::id();
    let database = format!("bench_{run}");
    let boss = format!("boss_{run}");
    Desk::init_team(&on_database(&args.admin, &database), &boss, &passphrase)?;
    let files = args.dir.join("company");
    std::fs::create_dir_all(&files)?;
    let address = login(&args.admin, &boss, &database);

    // The demo cases on a file, then that file copied into the new team desk (`copy-to`): the
    // same cases on both engines.
    let file = args.dir.join(format!("file-{}.db", args.cases));
    let _ = std::fs::remove_file(&file);
    let mut single = Desk::create(&file, &passphrase, privacydesk_core::Agent::new("boss")?)?;
    let started = Instant::now();
    single.seed_demo(args.cases, 1, &mut |_| {})?;
    let seeded_file = started.elapsed();
    let started = Instant::now();
    let mut verifying_from = None;
    let copy = single.copy_to(
        &Location::Team(address.clone()),
        &passphrase,
        &mut |stage| {
            if matches!(stage, CopyStage::Verifying(_)) && verifying_from.is_none() {
                verifying_from = Some(Instant::now());
            }
        },
    )?;
    let copied = started.elapsed();
    let loaded = verifying_from.map_or(copied, |at| at - started);
    if !copy.verified.is_ok() {
        return Err(BenchError::new("the copy on the team desk did not verify"));
    }
    println!(
        "seeded {} demo cases on a file in {:.0} s; copied to the team desk in {:.0} s \
         ({:.0} cases/s, {} events; loaded in {:.0} s, verified in {:.0} s)",
        args.cases,
        seeded_file.as_secs_f64(),
        copied.as_secs_f64(),
        args.cases as f64 / copied.as_secs_f64(),
        copy.carried.events,
        loaded.as_secs_f64(),
        (copied - loaded).as_secs_f64(),
    );
    let mut manager = Desk::open_team(&address, &passphrase, &files)?;

    // One agent, the same reads on both engines.
    println!("\none agent, median of 20 (ms)   team desk   file   ratio");
    let reads: [(&str, CaseFilter); 4] = [
        ("list page (open, 50)", page(0)),
        ("search a common word", search("privacy")),
        ("search a name", search("dubois")),
        ("search an address", search(&first_address(&single)?)),
    ];
    for (what, filter) in &reads {
        let team = median(20, || manager.list(filter).map(drop))?;
        let local = median(20, || single.list(filter).map(drop))?;
        println!(
            "{what:<30} {:>9} {:>6} {:>6.2}",
            ms(team),
            ms(local),
            team.as_secs_f64() / local.as_secs_f64().max(1e-9)
        );
    }

    // The full export, beside psql \copy of the same rows.
    let out = args.dir.join("team-export.csv");
    let started = Instant::now();
    manager.export_cases(&CaseFilter::default(), &out, false, &mut |_| {})?;
    let exported = started.elapsed();
    let copy_out = args.dir.join("psql-copy.csv");
    let started = Instant::now();
    let psql = Command::new(psql_binary())
        .arg(on_database(&args.admin, &database))
        .arg("-c")
        .arg(format!(
            "\\copy (SELECT reference, kind, state, outcome, denial_basis, received_on, due_on, \
             extended_until, closed_on, purge_on, attention_on, jurisdiction, channel, customer, \
             assignee, is_minor, requester_name, requester_email, appeal_received_on, \
             appeal_decided_on, appeal_granted FROM cases ORDER BY id) TO '{}' CSV",
            copy_out.display()
        ))
        .output()?;
    let copied = started.elapsed();
    if !psql.status.success() {
        return Err(BenchError::new(format!(
            "psql \\copy: {}",
            String::from_utf8_lossy(&psql.stderr)
        )));
    }
    println!(
        "\nfull export of {} cases: {:.2} s; psql \\copy of the same rows {:.2} s; ratio {:.2}",
        args.cases,
        exported.as_secs_f64(),
        copied.as_secs_f64(),
        exported.as_secs_f64() / copied.as_secs_f64().max(1e-9)
    );

    // Ten agents at once.
    let references: Vec<Reference> = single
        .list(&CaseFilter {
            open: true,
            limit: Some(2_000),
            ..CaseFilter::default()
        })?
        .into_iter()
        .map(|c| c.case.reference)
        .collect();
    drop(single);
    for n in 0..args.agents {
        manager.team_add(&format!("agent{n}_{run}"), TeamRole::Agent, &passphrase)?;
    }
    let until = Instant::now() + Duration::from_secs(args.seconds);
    let workers: Vec<_> = (0..args.agents)
        .map(|n| {
            let address = login(&args.admin, &format!("agent{n}_{run}"), &database);
            let references = references.clone();
            let files = files.clone();
            std::thread::spawn(move || work(n, &address, &files, &references, until))
        })
        .collect();
    let mut all: Vec<(Samples, u64)> = vec![(Samples::default(), 0); MIX.len()];
    for worker in workers {
        let done = worker
            .join()
            .map_err(|_| BenchError::new("an agent's thread panicked"))??;
        for (slot, (samples, refused)) in all.iter_mut().zip(done) {
            slot.0.0.extend(samples.0);
            slot.1 += refused;
        }
    }
    println!(
        "\n{} agents for {} s on {} cases      ops    ops/s   p50 ms   p99 ms   refused",
        args.agents, args.seconds, args.cases
    );
    let mut total = 0;
    for ((what, _), (samples, refused)) in MIX.iter().zip(&all) {
        total += samples.0.len();
        println!(
            "{what:<34} {:>6} {:>8.1} {:>8} {:>8} {:>9}",
            samples.0.len(),
            samples.0.len() as f64 / args.seconds as f64,
            ms(samples.quantile(0.5)),
            ms(samples.quantile(0.99)),
            refused
        );
    }
    println!(
        "{:<34} {total:>6} {:>8.1}",
        "all",
        total as f64 / args.seconds as f64
    );
    let report = manager.verify()?;
    println!(
        "\nafter the run: verify {}",
        if report.is_ok() {
            "ok"
        } else {
            "FOUND PROBLEMS"
        }
    );

    // The manager rotates the team key: every personal value sealed again, every index made
    // again; then the desk is checked once more.
    let started = Instant::now();
    let rotation = manager.rotate_team_key(&passphrase, &mut |_, _| {})?;
    let rotated = started.elapsed();
    let report = manager.verify()?;
    println!(
        "rotated the team key: {} cases, {} values sealed again in {:.0} s ({:.0} cases/s); \
         verify {}",
        rotation.cases,
        rotation.values,
        rotated.as_secs_f64(),
        rotation.cases as f64 / rotated.as_secs_f64().max(1e-9),
        if report.is_ok() {
            "ok"
        } else {
            "FOUND PROBLEMS"
        }
    );
    Ok(())
}

fn page(n: u32) -> CaseFilter {
    CaseFilter {
        open: true,
        limit: Some(50),
        offset: n * 50,
        ..CaseFilter::default()
    }
}

fn search(text: &str) -> CaseFilter {
    CaseFilter {
        search: Some(text.into()),
        limit: Some(50),
        ..CaseFilter::default()
    }
}

fn first_address(desk: &Desk) -> Result<String, BenchError> {
    desk.list(&CaseFilter {
        limit: Some(1),
        offset: 777,
        ..CaseFilter::default()
    })?
    .into_iter()
    .next()
    .map(|c| c.case.requester.email.as_str().to_string())
    .ok_or_else(|| BenchError::new("no case to search for"))
}

fn median(
    runs: usize,
    mut op: impl FnMut() -> privacydesk_core::Result<()>,
) -> Result<Duration, BenchError> {
    let mut samples = Samples::default();
    for _ in 0..runs {
        let started = Instant::now();
        op()?;
        samples.0.push(started.elapsed());
    }
    Ok(samples.quantile(0.5))
}

/// One agent's minute: operations by [`MIX`], each timed; refusals (someone else's change
/// first, a step the case no longer allows) are counted apart.
fn work(
    n: usize,
    address: &str,
    files: &Path,
    references: &[Reference],
    until: Instant,
) -> Result<Vec<(Samples, u64)>, BenchError> {
    let mut desk = Desk::open_team(address, &Passphrase::new(PASSPHRASE.into()), files)?;
    let mut out: Vec<(Samples, u64)> = vec![(Samples::default(), 0); MIX.len()];
    let mut state = (n as u64 + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    let mut next = || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let agent = desk.agent().as_str().to_string();
    while Instant::now() < until {
        let roll = (next() % 100) as u32;
        let mut acc = 0;
        let op = MIX
            .iter()
            .position(|(_, weight)| {
                acc += weight;
                roll < acc
            })
            .unwrap_or(0);
        let reference = &references[(next() as usize) % references.len().max(1)];
        let started = Instant::now();
        let result = match op {
            0 => desk.list(&page((next() % 10) as u32)).map(drop),
            1 => desk.case(reference).map(drop),
            2 => desk.list(&search("account")).map(drop),
            3 => {
                let email = desk.case(reference)?.case.requester.email;
                desk.list(&search(email.as_str())).map(drop)
            }
            4 => desk.note(reference, "called the requester back"),
            _ => desk
                .act(
                    reference,
                    Action::Assign,
                    &ActionInput {
                        to: Some(agent.clone()),
                        ..ActionInput::default()
                    },
                )
                .map(drop),
        };
        let took = started.elapsed();
        match result {
            Ok(()) => out[op].0.0.push(took),
            Err(
                privacydesk_core::Error::Changed { .. } | privacydesk_core::Error::NotAllowed(_),
            ) => out[op].1 += 1,
            Err(e) => return Err(e.into()),
        }
    }
    Ok(out)
}

fn psql_binary() -> PathBuf {
    [
        "/usr/lib/postgresql/15/bin/psql",
        "/usr/lib/postgresql/16/bin/psql",
    ]
    .iter()
    .map(PathBuf::from)
    .find(|p| p.exists())
    .unwrap_or_else(|| PathBuf::from("psql"))
}
