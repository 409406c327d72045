//! Check 10: spreadsheet formulas never run from an export. Generated cells that start with
//! `= + - @`, tab, CR, full-width `＝`, quotes, commas, newlines or NUL are either refused at
//! entry with a clear reason or exported with exactly one neutralising mark that reading back
//! removes; and LibreOffice, converting a hostile export, finds no formula in it.

use std::path::Path;
use std::process::Command;

use privacydesk_core::files::csv_safe;
use privacydesk_core::{CaseFilter, Desk, Error, NewCase};
use proptest::prelude::*;

use crate::harness;

/// What a spreadsheet treats as the start of a formula, or a cell-breaking character.
const HEADS: &[&str] = &[
    "=", "+", "-", "@", "\t", "\r", "\n", "\0", "＝", "＋", "－", "＠", "'", "\"", ",", " =", "a",
];

fn cell() -> impl Strategy<Value = String> {
    (
        proptest::sample::select(HEADS),
        "[a-zA-Z0-9(),\"'=+@ \t\r\n\u{0}-]{0,24}",
    )
        .prop_map(|(head, tail)| format!("{head}{tail}"))
}

/// Exports `desk` and returns the rows (after the header) as read by a CSV reader.
fn export(desk: &mut Desk, path: &Path) -> Vec<csv::StringRecord> {
    desk.export_cases(&CaseFilter::default(), path, false, &mut |_| {})
        .expect("export");
    csv::Reader::from_path(path)
        .expect("read the export")
        .records()
        .collect::<Result<_, _>>()
        .expect("parse the export")
}

const NAME: usize = 17;
const CUSTOMER: usize = 14;

fn starts_a_formula(cell: &str) -> bool {
    cell.chars()
        .next()
        .is_some_and(|c| "=+-@\t\r\n＝＋－＠".contains(c))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn hostile_cells_are_refused_or_exported_inert_and_read_back_exactly(
        cells in proptest::collection::vec(cell(), 1..12)
    ) {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut desk = harness::new_desk(&dir.path().join("cases.db"));
        let mut kept = Vec::new();
        for cell in &cells {
            let form = NewCase {
                kind: "inquiry".into(),
                name: cell.clone(),
                email: "person@example.com".into(),
                customer: Some(cell.clone()),
                ..NewCase::default()
            };
            match desk.new_case(&form) {
                Ok(_) => kept.push(cell.trim().to_owned()),
                // Control characters (NUL, line breaks, tabs) and empty names are refused at entry.
                Err(Error::Invalid(why)) => prop_assert!(
                    cell.trim().is_empty() || cell.trim().chars().any(char::is_control),
                    "{cell:?} refused: {why}"
                ),
                Err(e) => prop_assert!(false, "{cell:?}: {e}"),
            }
        }
        let rows = export(&mut desk, &dir.path().join("cases.csv"));
        prop_assert_eq!(rows.len(), kept.len());
        let mut read_back: Vec<String> = Vec::new();
        for row in &rows {
            for cell in row.iter() {
                prop_assert!(!starts_a_formula(cell), "a live formula cell: {cell:?}");
            }
            prop_assert_eq!(csv_safe::restore(&row[NAME]), csv_safe::restore(&row[CUSTOMER]));
            read_back.push(csv_safe::restore(&row[NAME]).to_owned());
        }
        kept.sort();
        read_back.sort();
        prop_assert_eq!(read_back, kept);
    }
}

/// Converts `csv` with headless LibreOffice to a flat OpenDocument spreadsheet (`.fods`, plain
/// XML) and returns it.
fn libreoffice_sheet(csv: &Path, out: &Path) -> String {
    let run = Command::new("soffice")
        .args(["--headless", "--norestore", "--convert-to", "fods", "--infilter=CSV:44,34,76,1"])
        .arg("--outdir")
        .arg(out)
        .arg(csv)
        .env("HOME", out)
        .output()
        .unwrap_or_else(|e| {
            panic!("cannot run LibreOffice ({e}); install libreoffice-calc-nogui (scripts/install-system-packages)")
        });
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let sheet = out.join(csv.with_extension("fods").file_name().expect("name"));
    std::fs::read_to_string(&sheet).unwrap_or_else(|e| panic!("{}: {e}", sheet.display()))
}

/// Cells LibreOffice holds as formulas.
fn formulas(sheet: &str) -> usize {
    sheet.matches("table:formula=").count()
}

#[test]
fn libreoffice_finds_no_formula_in_a_hostile_export() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut desk = harness::new_desk(&dir.path().join("cases.db"));
    let hostile = [
        "=1+1",
        "=HYPERLINK(\"http://evil.example\",\"click\")",
        "+2+3",
        "-4+5",
        "@SUM(1,2)",
        "＝6+7",
        "'=8+9",
        "=cmd|' /C calc'!A0",
    ];
    for name in hostile {
        desk.new_case(&NewCase {
            kind: "inquiry".into(),
            name: name.into(),
            email: "person@example.com".into(),
            customer: Some(name.into()),
            ..NewCase::default()
        })
        .expect("case");
    }
    let csv = dir.path().join("export.csv");
    export(&mut desk, &csv);
    let sheet = libreoffice_sheet(&csv, dir.path());
    assert!(sheet.contains("HYPERLINK"), "the cells were read: {sheet}");
    assert_eq!(formulas(&sheet), 0, "a formula cell: {sheet}");

    // The check can see a formula: the same cells, not neutralised, do become formulas.
    let raw = dir.path().join("raw.csv");
    std::fs::write(&raw, format!("name\n{}\n", hostile[0])).expect("raw csv");
    let sheet = libreoffice_sheet(&raw, dir.path());
    assert_eq!(
        formulas(&sheet),
        1,
        "the control did not become a formula: {sheet}"
    );
}
