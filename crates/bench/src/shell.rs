//! The reference: the `sqlite3` shell (Debian package `sqlite3`) on the unencrypted copy.

use std::path::Path;
use std::process::Command;

use chrono::NaiveDate;

use crate::BenchError;
use crate::measure::{self, Measured};

/// The shell's version line, for the report.
pub fn version() -> Result<String, BenchError> {
    let out = Command::new("sqlite3")
        .arg("--version")
        .output()
        .map_err(|e| {
            BenchError::new(format!(
                "cannot run sqlite3 ({e}); install it with: sudo apt-get install sqlite3"
            ))
        })?;
    let text = String::from_utf8_lossy(&out.stdout);
    Ok(text
        .split_whitespace()
        .take(2)
        .collect::<Vec<_>>()
        .join(" "))
}

/// The columns of PrivacyDesk's case export, computed in SQL the way core computes them.
pub fn export_sql(today: NaiveDate) -> String {
    format!(
        "SELECT reference, kind, state, outcome, denial_basis, received_on, due_on,
                extended_until, closed_on,
                CASE WHEN closed_on IS NULL THEN NULL
                     WHEN coalesce(date(purge_on, '-30 days'), closed_on) <= due_on THEN 'yes'
                     ELSE 'no' END AS closed_on_time,
                CAST(julianday(closed_on) - julianday(received_on) AS INTEGER) AS days_to_close,
                CASE WHEN attention_on < '{today}' THEN 'yes' ELSE 'no' END AS overdue,
                jurisdiction, channel, customer, assignee,
                CASE WHEN is_minor THEN 'yes' ELSE 'no' END AS minor,
                requester_name, requester_email, appeal_received_on, appeal_decided_on,
                CASE appeal_granted WHEN 1 THEN 'granted' WHEN 0 THEN 'denied' END
                    AS appeal_outcome
         FROM cases ORDER BY id;"
    )
}

/// The shell's `.timer` figures, in milliseconds, in order.
fn timer_ms(stdout: &str) -> Vec<f64> {
    stdout
        .lines()
        .filter_map(|line| line.strip_prefix("Run Time: real "))
        .filter_map(|rest| rest.split_whitespace().next()?.parse::<f64>().ok())
        .map(|seconds| seconds * 1e3)
        .collect()
}

fn run(plain: &Path, commands: &[String]) -> Result<(Measured, Vec<f64>), BenchError> {
    // Commands given as arguments bypass `.timer`; a script read with `.read` does not.
    let mut script = plain.as_os_str().to_owned();
    script.push(".bench.sql");
    let script = std::path::PathBuf::from(script);
    std::fs::write(&script, commands.join("\n") + "\n")?;
    let args = vec![
        "-batch".to_string(),
        "-bail".to_string(),
        plain.to_string_lossy().into_owned(),
        format!(".read '{}'", script.to_string_lossy()),
    ];
    let measured = measure::run("sqlite3", &args);
    let _ = std::fs::remove_file(&script);
    let measured = measured?;
    let times = timer_ms(&measured.stdout);
    Ok((measured, times))
}

/// Exports the same columns as CSV to `out`; returns the process and the statement's time.
pub fn export(plain: &Path, out: &Path, today: NaiveDate) -> Result<(Measured, f64), BenchError> {
    let (measured, times) = run(
        plain,
        &[
            ".headers on".into(),
            ".mode csv".into(),
            ".timer on".into(),
            format!(".once '{}'", out.to_string_lossy()),
            export_sql(today),
        ],
    )?;
    let statement = times
        .first()
        .copied()
        .ok_or_else(|| BenchError::new("sqlite3 printed no timing for the export"))?;
    Ok((measured, statement))
}

/// Plain `GROUP BY kind` counts over the same rows the monthly report reads — the month's
/// arrivals, its closings, and the cases open at its end (written as the same two index
/// ranges the report uses) — `repeat` times in one shell; each time is the three summed.
pub fn group_by(
    plain: &Path,
    first: NaiveDate,
    last: NaiveDate,
    repeat: u32,
) -> Result<(Measured, Vec<f64>), BenchError> {
    let statements = [
        format!(
            "SELECT kind, count(*) FROM cases \
             WHERE received_on BETWEEN '{first}' AND '{last}' GROUP BY kind;"
        ),
        format!(
            "SELECT kind, count(*) FROM cases \
             WHERE closed_on BETWEEN '{first}' AND '{last}' GROUP BY kind;"
        ),
        format!(
            "SELECT kind, count(*) FROM ( \
             SELECT kind FROM cases WHERE closed_on IS NULL AND received_on <= '{last}' \
             UNION ALL \
             SELECT kind FROM cases WHERE closed_on > '{last}' AND received_on <= '{last}') \
             GROUP BY kind;"
        ),
    ];
    let mut commands = vec![".timer on".to_string()];
    for _ in 0..repeat {
        commands.extend(statements.iter().cloned());
    }
    let (measured, times) = run(plain, &commands)?;
    let summed = times
        .chunks(statements.len())
        .map(|chunk| chunk.iter().sum())
        .collect();
    Ok((measured, summed))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timer_lines_are_read_in_milliseconds() {
        let out = "access,3\nRun Time: real 0.012 user 0.010000 sys 0.001000\n\
                   Run Time: real 1.500 user 1.2 sys 0.3\n";
        assert_eq!(timer_ms(out), vec![12.0, 1500.0]);
    }
}
