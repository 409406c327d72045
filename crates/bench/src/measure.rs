//! Running one process and reading what it cost: wall time, CPU time and peak resident memory.
//!
//! Every measured process — ours and the `sqlite3` shell alike — runs under
//! `privacydesk-bench measure -- <program> …`, a wrapper with exactly one child, so that the
//! kernel's `RUSAGE_CHILDREN` figures are that child's own.

use std::process::{Command, Stdio};
use std::time::Instant;

use nix::sys::resource::{UsageWho, getrusage};
use serde::{Deserialize, Serialize};

use crate::BenchError;

/// What one process cost.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Cost {
    /// From spawn to exit.
    pub wall_ms: f64,
    /// CPU time in user space.
    pub user_ms: f64,
    /// CPU time in the kernel.
    pub sys_ms: f64,
    /// Peak resident set size.
    pub peak_rss_kib: u64,
}

/// The wrapper's answer: the cost, and what the child printed.
#[derive(Debug, Serialize, Deserialize)]
pub struct Measured {
    /// The cost.
    pub cost: Cost,
    /// The child's standard output.
    pub stdout: String,
}

/// The `measure` subcommand: runs `program`, then prints a [`Measured`] as JSON.
pub fn measure_child(program: &[String]) -> Result<(), BenchError> {
    let (first, rest) = program
        .split_first()
        .ok_or_else(|| BenchError::new("measure needs a program to run"))?;
    let started = Instant::now();
    let output = Command::new(first)
        .args(rest)
        .stdin(Stdio::null())
        .stderr(Stdio::inherit())
        .output()
        .map_err(|e| BenchError::new(format!("cannot run {first}: {e}")))?;
    let wall = started.elapsed();
    if !output.status.success() {
        return Err(BenchError::new(format!(
            "{first} failed ({}): {}",
            output.status,
            String::from_utf8_lossy(&output.stdout)
        )));
    }
    let usage = getrusage(UsageWho::RUSAGE_CHILDREN)
        .map_err(|e| BenchError::new(format!("getrusage: {e}")))?;
    let ms = |tv: nix::sys::time::TimeVal| tv.tv_sec() as f64 * 1e3 + tv.tv_usec() as f64 / 1e3;
    let measured = Measured {
        cost: Cost {
            wall_ms: wall.as_secs_f64() * 1e3,
            user_ms: ms(usage.user_time()),
            sys_ms: ms(usage.system_time()),
            // Linux reports ru_maxrss in KiB.
            peak_rss_kib: u64::try_from(usage.max_rss()).unwrap_or(0),
        },
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
    };
    println!("{}", serde_json::to_string(&measured)?);
    Ok(())
}

/// Runs `program args…` under the wrapper (this executable) and returns what it cost.
pub fn run(program: &str, args: &[String]) -> Result<Measured, BenchError> {
    let me = std::env::current_exe()
        .map_err(|e| BenchError::new(format!("cannot find this program: {e}")))?;
    let output = Command::new(me)
        .arg("measure")
        .arg("--")
        .arg(program)
        .args(args)
        .stdin(Stdio::null())
        .stderr(Stdio::inherit())
        .output()
        .map_err(|e| BenchError::new(format!("cannot run the measuring wrapper: {e}")))?;
    if !output.status.success() {
        return Err(BenchError::new(format!(
            "{program} {} did not finish",
            args.join(" ")
        )));
    }
    Ok(serde_json::from_slice(&output.stdout)?)
}
