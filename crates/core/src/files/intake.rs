//! Reading a CSV intake file into new-case forms, each with the line a person sees it on, or
//! every problem with its line. The import itself (all or nothing) is `desk/import.rs`.

use std::collections::HashMap;
use std::path::Path;

use crate::error::RowError;
use crate::files::lines::LineIndex;
use crate::files::read::read_regular_file;
use crate::{Error, NewCase, Result};

const REQUIRED: [&str; 4] = ["kind", "name", "email", "received"];
const OPTIONAL: [&str; 8] = [
    "jurisdiction",
    "customer",
    "channel",
    "details",
    "minor",
    "phone",
    "agent_name",
    "agent_proof",
];

fn parse_flag(value: &str) -> Option<bool> {
    match value.trim().to_ascii_lowercase().as_str() {
        "" | "no" | "false" | "0" | "n" => Some(false),
        "yes" | "true" | "1" | "y" => Some(true),
        _ => None,
    }
}

/// Reads the file into forms, or every problem with its line number.
pub fn read_forms(bytes: &[u8]) -> Result<Vec<(u64, NewCase)>> {
    let bytes = bytes.strip_prefix("\u{feff}".as_bytes()).unwrap_or(bytes);
    // The csv crate counts lines by LF alone, and a record's position is where it started
    // reading it, the blank lines before it included; people count lines as their editor
    // shows them, and a row is on the line its first cell is on.
    let lines = LineIndex::of(bytes);
    let line_at = |position: Option<&csv::Position>| {
        position.map_or(0, |p| lines.line_of(lines.skip_breaks(bytes, p.byte())))
    };
    let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(bytes);
    let headers = reader.headers()?.clone();
    let columns = columns_of(&headers)?;
    let mut forms = Vec::new();
    let mut errors = Vec::new();
    for record in reader.records() {
        let (line, read) = match record {
            Ok(record) => (line_at(record.position()), form_of(&record, &columns)),
            Err(err) => (line_at(err.position()), Err(format!("unreadable: {err}"))),
        };
        match read {
            Ok(Some(form)) => forms.push((line, form)),
            Ok(None) => {}
            Err(message) => errors.push(RowError { line, message }),
        }
    }
    if !errors.is_empty() {
        return Err(Error::ImportRejected(errors));
    }
    Ok(forms)
}

/// Where each column is, by its name; refuses a header with an unknown, doubled or missing
/// column.
fn columns_of(headers: &csv::StringRecord) -> Result<Columns> {
    let mut by_name: HashMap<String, usize> = HashMap::new();
    for (index, name) in headers.iter().enumerate() {
        let name = name.trim().to_ascii_lowercase();
        if !REQUIRED.contains(&name.as_str()) && !OPTIONAL.contains(&name.as_str()) {
            return Err(Error::Invalid(format!(
                "line 1: unknown column {:?}; the columns are {} (required) and {} (optional)",
                crate::domain::spelling::shorten(&name),
                REQUIRED.join(", "),
                OPTIONAL.join(", ")
            )));
        }
        if by_name.insert(name.clone(), index).is_some() {
            return Err(Error::Invalid(format!(
                "line 1: column {name:?} appears twice"
            )));
        }
    }
    let missing: Vec<&str> = REQUIRED
        .iter()
        .copied()
        .filter(|c| !by_name.contains_key(*c))
        .collect();
    if !missing.is_empty() {
        return Err(Error::Invalid(format!(
            "line 1: missing required column(s): {}",
            missing.join(", ")
        )));
    }
    Ok(Columns {
        by_name,
        count: headers.len(),
    })
}

/// The header's columns.
struct Columns {
    by_name: HashMap<String, usize>,
    count: usize,
}

/// The form a row fills in; `None` for an empty row, `Err` for a row that cannot be one.
fn form_of(record: &csv::StringRecord, columns: &Columns) -> Result<Option<NewCase>, String> {
    if record.iter().all(|cell| cell.trim().is_empty()) {
        return Ok(None);
    }
    if record.len() != columns.count {
        return Err(format!(
            "{} cells where the header has {}",
            record.len(),
            columns.count
        ));
    }
    let cell = |name: &str| {
        columns
            .by_name
            .get(name)
            .and_then(|&i| record.get(i))
            .unwrap_or("")
            .to_string()
    };
    let optional = |name: &str| Some(cell(name)).filter(|v| !v.trim().is_empty());
    let minor = parse_flag(&cell("minor")).ok_or("minor must be yes or no")?;
    let received = cell("received");
    if received.trim().is_empty() {
        return Err("received date is empty".into());
    }
    Ok(Some(NewCase {
        kind: cell("kind"),
        name: cell("name"),
        email: cell("email"),
        phone: optional("phone"),
        received: Some(received),
        jurisdiction: optional("jurisdiction"),
        customer: optional("customer"),
        channel: optional("channel"),
        details: optional("details"),
        items: Vec::new(),
        minor,
        agent_name: optional("agent_name"),
        agent_proof: optional("agent_proof"),
    }))
}

/// The largest import file read: far beyond any intake batch, well within memory.
const MAX_IMPORT_BYTES: u64 = 256 * 1024 * 1024;

/// Reads an import file whole, refusing what is not a regular file (a device such as
/// `/dev/zero` never ends) or is too large to hold in memory.
pub fn read_import_file(path: &Path) -> Result<Vec<u8>> {
    read_regular_file(
        path,
        MAX_IMPORT_BYTES,
        "give a CSV file",
        "import files of at most",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endless_devices_and_folders_are_refused_not_read() {
        // Found by the CLI fuzz: `import /dev/full` read zeros forever.
        for path in ["/dev/zero", "/dev/full", "/tmp"] {
            let err = read_import_file(Path::new(path)).map(|b| b.len());
            assert!(
                matches!(&err, Err(Error::Invalid(m)) if m.contains("not a regular file")),
                "{path}: {err:?}"
            );
        }
    }

    #[test]
    fn columns_may_come_in_any_order_and_a_bom_is_skipped() -> Result<()> {
        let file =
            "\u{feff}email,received,kind,name,minor\nana@example.com,2026-01-02,access,Ana,yes\n";
        let forms = read_forms(file.as_bytes())?;
        assert_eq!(forms.len(), 1);
        assert_eq!(forms[0].0, 2);
        assert!(forms[0].1.minor);
        Ok(())
    }

    #[test]
    fn unknown_or_missing_columns_are_refused() {
        assert!(read_forms(b"kind,name,email,received,jurisdicton\n").is_err());
        assert!(read_forms(b"kind,name,email\n").is_err());
    }

    #[test]
    fn ragged_rows_are_reported_with_their_line() {
        let err = read_forms(b"kind,name,email,received\naccess,Ana\n").err();
        match err {
            Some(Error::ImportRejected(rows)) => assert_eq!(rows[0].line, 2),
            other => panic!("expected a rejected row, got {other:?}"),
        }
    }

    #[test]
    fn a_bad_row_is_named_by_the_line_a_person_sees_in_lf_crlf_and_cr_files() {
        // Found by importing what Excel saves (CRLF): the csv crate counts LF alone, so each
        // line was named one too early, and every line of a CR file was "line 1".
        for ending in ["\n", "\r\n", "\r"] {
            let file = [
                "kind,name,email,received",
                "access,Ana,ana@example.com,2026-01-02",
                "",
                "access,Bo",
                "access,Cy,cy@example.com,2026-01-03",
                &format!("access,\"Di{ending}Di\",di@example.com,2026-01-04"),
                "access,Ed",
            ]
            .join(ending);
            let lines: Vec<u64> = match read_forms(file.as_bytes()) {
                Err(Error::ImportRejected(rows)) => rows.iter().map(|r| r.line).collect(),
                other => panic!("{ending:?}: expected two bad rows, got {other:?}"),
            };
            assert_eq!(lines, vec![4, 8], "{ending:?}");
        }
    }

    #[test]
    fn good_rows_keep_their_lines_whatever_the_line_ending() -> Result<()> {
        for ending in ["\n", "\r\n", "\r"] {
            let file = [
                "kind,name,email,received",
                "",
                "access,Ana,ana@example.com,2026-01-02",
                "inquiry,Bo,bo@example.com,2026-01-03",
            ]
            .join(ending)
                + ending;
            let lines: Vec<u64> = read_forms(file.as_bytes())?.iter().map(|f| f.0).collect();
            assert_eq!(lines, vec![3, 4], "{ending:?}");
        }
        Ok(())
    }
}
