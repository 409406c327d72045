//! The demo databases the benchmarks run on: built once per size and seed, then reused, each
//! with an unencrypted copy of the same data and a record of what building it cost.

use std::fs;
use std::path::{Path, PathBuf};

use privacydesk_core::store::sqlcipher::SCHEMA_VERSION;
use serde::{Deserialize, Serialize};

use crate::BenchError;
use crate::measure::{self, Cost};
use crate::ops::OpReport;

/// One size of demo database, encrypted and as a plain copy.
#[derive(Debug)]
pub struct Dataset {
    /// Cases in it.
    pub cases: u64,
    /// The encrypted file, as the app keeps it.
    pub encrypted: PathBuf,
    /// The unencrypted copy made from it with `sqlcipher_export`.
    pub plain: PathBuf,
    /// What seeding it cost, measured when it was built.
    pub generation: Generation,
}

/// What `demo` cost when the database was built; kept beside it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Generation {
    /// When it was built.
    pub built_on: String,
    /// The seeding process (create, seed, close).
    pub cost: Cost,
    /// Seeding alone, timed inside the process.
    pub seed_ms: f64,
    /// Cases per second of seeding.
    pub cases_per_second: f64,
}

fn run_op(args: Vec<String>) -> Result<(Cost, OpReport), BenchError> {
    let me = std::env::current_exe()?;
    let mut full = vec!["op".to_string()];
    full.extend(args);
    let measured = measure::run(&me.to_string_lossy(), &full)?;
    let report: OpReport = serde_json::from_str(measured.stdout.trim())?;
    Ok((measured.cost, report))
}

/// Removes a database file and its WAL and shared-memory files, if any.
fn remove_database(path: &Path) {
    for suffix in ["", "-wal", "-shm"] {
        let mut name = path.as_os_str().to_owned();
        name.push(suffix);
        let _ = fs::remove_file(PathBuf::from(name));
    }
}

/// The dataset of `cases` demo cases in `dir`, built if missing (or if `fresh`).
pub fn prepare(dir: &Path, cases: u64, seed: u64, fresh: bool) -> Result<Dataset, BenchError> {
    fs::create_dir_all(dir)?;
    // A new schema means new files: the old ones would measure the past.
    let stem = format!("demo-{cases}-seed{seed}-schema{SCHEMA_VERSION}");
    let encrypted = dir.join(format!("{stem}.db"));
    let plain = dir.join(format!("{stem}-plain.db"));
    let record = dir.join(format!("{stem}.json"));
    if fresh {
        for path in [&encrypted, &plain] {
            remove_database(path);
        }
        let _ = fs::remove_file(&record);
    }
    let generation = match fs::read(&record) {
        Ok(bytes) if encrypted.is_file() => serde_json::from_slice(&bytes)?,
        _ => {
            let generation = build(dir, &stem, cases, seed, &encrypted)?;
            remove_database(&plain);
            fs::write(&record, serde_json::to_vec_pretty(&generation)?)?;
            generation
        }
    };
    if !plain.is_file() {
        copy_unencrypted(dir, &stem, cases, &encrypted, &plain)?;
    }
    Ok(Dataset {
        cases,
        encrypted,
        plain,
        generation,
    })
}

/// Seeds the demo database `encrypted` (beside it first, then renamed into place), timing it.
fn build(
    dir: &Path,
    stem: &str,
    cases: u64,
    seed: u64,
    encrypted: &Path,
) -> Result<Generation, BenchError> {
    eprintln!(
        "building {cases} demo cases (once; kept in {})",
        dir.display()
    );
    let building = dir.join(format!(".building-{stem}.db"));
    remove_database(&building);
    let (cost, report) = run_op(vec![
        "demo".into(),
        "--db".into(),
        building.to_string_lossy().into_owned(),
        "--cases".into(),
        cases.to_string(),
        "--seed".into(),
        seed.to_string(),
    ])?;
    remove_database(encrypted);
    fs::rename(&building, encrypted)?;
    let seed_ms = report.times_ms.first().copied().unwrap_or_default();
    Ok(Generation {
        built_on: chrono::Local::now().format("%Y-%m-%d").to_string(),
        cost,
        seed_ms,
        cases_per_second: cases as f64 / (seed_ms / 1e3).max(1e-9),
    })
}

/// Makes `plain`, the unencrypted copy of `encrypted`.
fn copy_unencrypted(
    dir: &Path,
    stem: &str,
    cases: u64,
    encrypted: &Path,
    plain: &Path,
) -> Result<(), BenchError> {
    eprintln!("making the unencrypted copy of the {cases}-case database");
    let building = dir.join(format!(".building-{stem}-plain.db"));
    remove_database(&building);
    run_op(vec![
        "copy".into(),
        "--db".into(),
        encrypted.to_string_lossy().into_owned(),
        "--to".into(),
        building.to_string_lossy().into_owned(),
    ])?;
    fs::rename(&building, plain)?;
    Ok(())
}

/// Reads both files once, so that every figure measures work, not the disk.
pub fn warm(dataset: &Dataset) -> Result<u64, BenchError> {
    let mut total = 0;
    for path in [&dataset.encrypted, &dataset.plain] {
        total += std::io::copy(&mut fs::File::open(path)?, &mut std::io::sink())?;
    }
    Ok(total)
}

/// Bytes of a file, 0 if it cannot be read.
pub fn size_of(path: &Path) -> u64 {
    fs::metadata(path).map(|m| m.len()).unwrap_or(0)
}
