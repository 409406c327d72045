//! The figures of one run, the ratios the targets are stated in, and the tables in BENCHMARKS.md.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde::{Deserialize, Serialize};

use crate::dataset::Generation;

/// One measured operation: its times and its process's peak memory.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Figure {
    /// Median of the runs after the first (of all runs when there is one).
    pub median_ms: f64,
    /// The first run: a cold page cache for in-process queries.
    pub first_ms: f64,
    /// How many runs.
    pub runs: usize,
    /// Peak resident memory of the process that ran it.
    pub peak_rss_kib: u64,
    /// Rows produced.
    pub rows: u64,
}

fn median(values: &[f64]) -> f64 {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    match sorted.len() {
        0 => 0.0,
        n if n % 2 == 1 => sorted[n / 2],
        n => (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0,
    }
}

/// The runs of one measure, gathered over several processes (interleaved with the runs of
/// the figure it is compared with, so that a slow minute of the machine hits both).
#[derive(Debug, Default)]
pub struct Runs {
    firsts: Vec<f64>,
    warm: Vec<f64>,
    peak_rss_kib: u64,
    rows: u64,
}

impl Runs {
    /// Adds one process's runs, in order: its first ran on a cold page cache.
    pub fn add(&mut self, times: &[f64], peak_rss_kib: u64, rows: u64) {
        if let Some((first, warm)) = times.split_first() {
            self.firsts.push(*first);
            self.warm.extend_from_slice(warm);
        }
        self.peak_rss_kib = self.peak_rss_kib.max(peak_rss_kib);
        self.rows = rows;
    }

    /// The median warm run (of all runs when each process ran once), the median first run,
    /// and the highest peak memory of any process.
    pub fn figure(&self) -> Figure {
        let first_ms = median(&self.firsts);
        Figure {
            median_ms: if self.warm.is_empty() {
                first_ms
            } else {
                median(&self.warm)
            },
            first_ms,
            runs: self.firsts.len() + self.warm.len(),
            peak_rss_kib: self.peak_rss_kib,
            rows: self.rows,
        }
    }
}

/// Everything measured on one size of database.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct SizeResults {
    /// Cases in the database.
    pub cases: u64,
    /// Size of the encrypted file.
    pub encrypted_bytes: u64,
    /// Size of the unencrypted copy.
    pub plain_bytes: u64,
    /// Seeding it.
    pub generation: Option<Generation>,
    /// Figures by name (`export/encrypted`, `list/plain`, `export/sqlite3`…).
    pub figures: BTreeMap<String, Figure>,
}

impl SizeResults {
    fn median(&self, key: &str) -> Option<f64> {
        self.figures.get(key).map(|f| f.median_ms)
    }

    fn first(&self, key: &str) -> Option<f64> {
        self.figures.get(key).map(|f| f.first_ms)
    }
}

/// A whole run.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct RunResults {
    /// When.
    pub date: String,
    /// The machine, in a line.
    pub machine: String,
    /// The reference shell's version.
    pub sqlite3: String,
    /// Per size, smallest first.
    pub sizes: Vec<SizeResults>,
}

/// A ratio the issue sets a target for.
struct Comparison {
    what: &'static str,
    ours: &'static str,
    reference: &'static str,
    target: f64,
    /// Compare first (cold) runs instead of warm medians.
    cold: bool,
}

const COMPARISONS: &[Comparison] = &[
    Comparison {
        what: "full export ÷ sqlite3 shell on the plain copy",
        ours: "export/encrypted",
        reference: "export/sqlite3",
        target: 1.0,
        cold: false,
    },
    Comparison {
        what: "full export, encrypted ÷ unencrypted",
        ours: "export/encrypted",
        reference: "export/plain",
        target: 1.15,
        cold: false,
    },
    Comparison {
        what: "list page, encrypted ÷ unencrypted (warm)",
        ours: "list/encrypted",
        reference: "list/plain",
        target: 1.15,
        cold: false,
    },
    Comparison {
        what: "list page, encrypted ÷ unencrypted (cold)",
        ours: "list/encrypted",
        reference: "list/plain",
        target: 1.15,
        cold: true,
    },
    Comparison {
        what: "search (email), encrypted ÷ unencrypted (warm)",
        ours: "search/encrypted",
        reference: "search/plain",
        target: 1.15,
        cold: false,
    },
    Comparison {
        what: "search (email), encrypted ÷ unencrypted (cold)",
        ours: "search/encrypted",
        reference: "search/plain",
        target: 1.15,
        cold: true,
    },
    Comparison {
        what: "search (full name), encrypted ÷ unencrypted (warm)",
        ours: "search-name/encrypted",
        reference: "search-name/plain",
        target: 1.15,
        cold: false,
    },
    Comparison {
        what: "search (surname), encrypted ÷ unencrypted (warm)",
        ours: "search-broad/encrypted",
        reference: "search-broad/plain",
        target: 1.15,
        cold: false,
    },
    Comparison {
        what: "monthly report, encrypted ÷ unencrypted",
        ours: "monthly/encrypted",
        reference: "monthly/plain",
        target: 1.15,
        cold: false,
    },
    Comparison {
        what: "monthly report ÷ sqlite3 GROUP BY of the month",
        ours: "monthly/encrypted",
        reference: "group-by/sqlite3",
        target: 2.0,
        cold: false,
    },
    Comparison {
        what: "yearly metrics, encrypted ÷ unencrypted",
        ours: "yearly/encrypted",
        reference: "yearly/plain",
        target: 1.15,
        cold: false,
    },
];

/// What SQLCipher's memory wiping would cost, when measured (`--memory-security`).
const WIPING: &[(&str, &str)] = &[
    ("list page (warm)", "list"),
    ("search, full name (warm)", "search-name"),
    ("monthly report", "monthly"),
    ("yearly metrics", "yearly"),
    ("full export", "export"),
];

/// Figures whose growth from the smallest to the largest database the report shows.
const GROWTH: &[(&str, &str, Option<f64>)] = &[
    ("list page (warm)", "list/encrypted", Some(2.0)),
    ("search, email (warm)", "search/encrypted", Some(2.0)),
    (
        "search, full name (warm)",
        "search-name/encrypted",
        Some(2.0),
    ),
    ("search, surname (warm)", "search-broad/encrypted", None),
    ("monthly report", "monthly/encrypted", None),
    ("yearly metrics", "yearly/encrypted", None),
    ("full export", "export/encrypted", None),
    ("open and unlock", "open/encrypted", None),
];

fn mark(ok: bool) -> &'static str {
    if ok { "met" } else { "**missed**" }
}

fn cases_label(cases: u64) -> String {
    match cases {
        n if n >= 1_000_000 && n % 1_000_000 == 0 => format!("{}M", n / 1_000_000),
        n if n >= 1_000 && n % 1_000 == 0 => format!("{}k", n / 1_000),
        n => n.to_string(),
    }
}

fn ms(value: f64) -> String {
    match value {
        v if v >= 1000.0 => format!("{:.2} s", v / 1e3),
        v if v >= 10.0 => format!("{v:.0} ms"),
        v => format!("{v:.2} ms"),
    }
}

fn mib(kib: u64) -> String {
    format!("{:.0} MiB", kib as f64 / 1024.0)
}

impl RunResults {
    /// The ratio tables, the absolute figures and the growth table, as Markdown.
    pub fn markdown(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "Run of {} on {}; reference: sqlite3 {}.\n",
            self.date, self.machine, self.sqlite3
        );
        let sizes: Vec<String> = self.sizes.iter().map(|s| cases_label(s.cases)).collect();
        self.ratios(&mut out, &sizes);
        self.growth(&mut out, &sizes);
        if self
            .sizes
            .iter()
            .any(|s| s.figures.contains_key("list/wiped"))
        {
            self.wiping(&mut out, &sizes);
        }
        self.absolute(&mut out, &sizes);
        out
    }

    /// Each comparison against its target, per size.
    fn ratios(&self, out: &mut String, sizes: &[String]) {
        let _ = writeln!(
            out,
            "### Ratios (same run, same data; target in brackets)\n"
        );
        let _ = writeln!(out, "| | {} |", sizes.join(" | "));
        let _ = writeln!(out, "|---|{}", "---|".repeat(sizes.len()));
        for c in COMPARISONS {
            let cells: Vec<String> = self
                .sizes
                .iter()
                .map(|s| {
                    let pick = |key| if c.cold { s.first(key) } else { s.median(key) };
                    match (pick(c.ours), pick(c.reference)) {
                        (Some(a), Some(b)) if b > 0.0 => {
                            let r = a / b;
                            format!("{r:.2}× {}", mark(r <= c.target))
                        }
                        _ => "–".into(),
                    }
                })
                .collect();
            let _ = writeln!(
                out,
                "| {} [≤ {:.2}×] | {} |",
                c.what,
                c.target,
                cells.join(" | ")
            );
        }
    }

    /// How each figure grew from the smallest size to the largest.
    fn growth(&self, out: &mut String, sizes: &[String]) {
        let _ = writeln!(
            out,
            "\n### Growth, {} → {}\n",
            sizes.first().map_or("", String::as_str),
            sizes.last().map_or("", String::as_str)
        );
        let _ = writeln!(out, "| | time | peak memory |");
        let _ = writeln!(out, "|---|---|---|");
        if let (Some(small), Some(large)) = (self.sizes.first(), self.sizes.last()) {
            for (label, key, target) in GROWTH {
                let (Some(a), Some(b)) = (small.figures.get(*key), large.figures.get(*key)) else {
                    continue;
                };
                let time = b.median_ms / a.median_ms.max(1e-9);
                let rss = b.peak_rss_kib as f64 / a.peak_rss_kib.max(1) as f64;
                let time_cell = match target {
                    Some(t) => format!("{time:.2}× [≤ {t:.0}×] {}", mark(time <= *t)),
                    None => format!("{time:.2}×"),
                };
                let rss_cell = if *key == "export/encrypted" {
                    format!("{rss:.2}× [≤ 1.5×] {}", mark(rss <= 1.5))
                } else {
                    format!("{rss:.2}×")
                };
                let _ = writeln!(out, "| {label} | {time_cell} | {rss_cell} |");
            }
            let frame = [
                "list/encrypted",
                "search/encrypted",
                "search-name/encrypted",
            ]
            .iter()
            .filter_map(|k| large.figures.get(*k).map(|f| (k, f)))
            .map(|(k, f)| format!("{k} {} warm, {} cold", ms(f.median_ms), ms(f.first_ms)))
            .collect::<Vec<_>>();
            let _ = writeln!(
                out,
                "\nAt {}: {} [each well under 16 ms].",
                cases_label(large.cases),
                frame.join("; ")
            );
        }
    }

    /// What SQLCipher's memory wiping costs, where it was measured.
    fn wiping(&self, out: &mut String, sizes: &[String]) {
        let _ = writeln!(
            out,
            "\n### SQLCipher memory wiping on ÷ off (both encrypted)\n"
        );
        let _ = writeln!(out, "| | {} |", sizes.join(" | "));
        let _ = writeln!(out, "|---|{}", "---|".repeat(sizes.len()));
        for (label, name) in WIPING {
            let cells: Vec<String> = self
                .sizes
                .iter()
                .map(|s| {
                    let on = s.median(&format!("{name}/wiped"));
                    match (on, s.median(&format!("{name}/encrypted"))) {
                        (Some(a), Some(b)) if b > 0.0 => format!("{:.2}×", a / b),
                        _ => "–".into(),
                    }
                })
                .collect();
            let _ = writeln!(out, "| {label} | {} |", cells.join(" | "));
        }
    }

    /// Every figure in absolute terms, the file sizes and the demo's generation rate.
    fn absolute(&self, out: &mut String, sizes: &[String]) {
        let _ = writeln!(
            out,
            "\n### Absolute figures (context; median of warm runs, first run in brackets, peak RSS of the process)\n"
        );
        let _ = writeln!(out, "| | {} |", sizes.join(" | "));
        let _ = writeln!(out, "|---|{}", "---|".repeat(sizes.len()));
        let keys: Vec<&String> = self
            .sizes
            .last()
            .map(|s| s.figures.keys().collect())
            .unwrap_or_default();
        for key in keys {
            let cells: Vec<String> = self
                .sizes
                .iter()
                .map(|s| match s.figures.get(key) {
                    Some(f) => format!(
                        "{} ({}), {}",
                        ms(f.median_ms),
                        ms(f.first_ms),
                        mib(f.peak_rss_kib)
                    ),
                    None => "–".into(),
                })
                .collect();
            let _ = writeln!(out, "| {key} | {} |", cells.join(" | "));
        }
        self.file_rows(out);
    }

    /// The file sizes and the demo's generation rate, per size.
    fn file_rows(&self, out: &mut String) {
        let files: Vec<String> = self
            .sizes
            .iter()
            .map(|s| {
                format!(
                    "{:.0} / {:.0} MB",
                    s.encrypted_bytes as f64 / 1e6,
                    s.plain_bytes as f64 / 1e6
                )
            })
            .collect();
        let _ = writeln!(
            out,
            "| file size, encrypted / plain | {} |",
            files.join(" | ")
        );
        let generation: Vec<String> = self
            .sizes
            .iter()
            .map(|s| match &s.generation {
                Some(g) => format!(
                    "{:.0} cases/s, {} ({})",
                    g.cases_per_second,
                    mib(g.cost.peak_rss_kib),
                    g.built_on
                ),
                None => "–".into(),
            })
            .collect();
        let _ = writeln!(
            out,
            "| demo generation (built on) | {} |",
            generation.join(" | ")
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_runs_are_kept_apart_from_the_warm_median() {
        let mut runs = Runs::default();
        runs.add(&[50.0, 3.0, 1.0], 100, 7);
        runs.add(&[40.0, 2.0, 9.0], 300, 7);
        let f = runs.figure();
        assert_eq!(
            (f.first_ms, f.median_ms, f.runs, f.peak_rss_kib),
            (45.0, 2.5, 6, 300)
        );
        let mut single = Runs::default();
        for t in [4.0, 6.0, 5.0] {
            single.add(&[t], 1, 1);
        }
        assert_eq!(
            (single.figure().median_ms, single.figure().first_ms),
            (5.0, 5.0)
        );
    }

    #[test]
    fn sizes_are_labelled_as_people_say_them() {
        assert_eq!(cases_label(10_000), "10k");
        assert_eq!(cases_label(1_000_000), "1M");
        assert_eq!(cases_label(2_500), "2500");
    }
}
