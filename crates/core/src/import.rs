//! CSV intake: every row checked first, then all imported in one transaction, or none.

use std::collections::HashMap;
use std::path::Path;

use serde_json::json;

use crate::desk::{Desk, insert_new_case, timestamp};
use crate::error::RowError;
use crate::store::ChainCursor;
use crate::{Error, NewCase, Reference, Result};

const REQUIRED: [&str; 4] = ["kind", "name", "email", "received"];
const OPTIONAL: [&str; 6] = [
    "jurisdiction",
    "customer",
    "channel",
    "details",
    "minor",
    "phone",
];

/// What an import did.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ImportSummary {
    /// References of the new cases, in file order.
    pub references: Vec<Reference>,
}

fn parse_flag(value: &str) -> Option<bool> {
    match value.trim().to_ascii_lowercase().as_str() {
        "" | "no" | "false" | "0" | "n" => Some(false),
        "yes" | "true" | "1" | "y" => Some(true),
        _ => None,
    }
}

/// Reads the file into forms, or every problem with its line number.
fn read_forms(bytes: &[u8]) -> Result<Vec<(u64, NewCase)>> {
    let bytes = bytes.strip_prefix("\u{feff}".as_bytes()).unwrap_or(bytes);
    let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(bytes);
    let headers = reader.headers()?.clone();
    let mut columns: HashMap<String, usize> = HashMap::new();
    for (index, name) in headers.iter().enumerate() {
        let name = name.trim().to_ascii_lowercase();
        if !REQUIRED.contains(&name.as_str()) && !OPTIONAL.contains(&name.as_str()) {
            return Err(Error::Invalid(format!(
                "line 1: unknown column {:?}; the columns are {} (required) and {} (optional)",
                crate::spelling::shorten(&name),
                REQUIRED.join(", "),
                OPTIONAL.join(", ")
            )));
        }
        if columns.insert(name.clone(), index).is_some() {
            return Err(Error::Invalid(format!(
                "line 1: column {name:?} appears twice"
            )));
        }
    }
    let missing: Vec<&str> = REQUIRED
        .iter()
        .copied()
        .filter(|c| !columns.contains_key(*c))
        .collect();
    if !missing.is_empty() {
        return Err(Error::Invalid(format!(
            "line 1: missing required column(s): {}",
            missing.join(", ")
        )));
    }

    let mut forms = Vec::new();
    let mut errors = Vec::new();
    for record in reader.records() {
        let record = match record {
            Ok(record) => record,
            Err(err) => {
                let line = err.position().map_or(0, |p| p.line());
                errors.push(RowError {
                    line,
                    message: format!("unreadable: {err}"),
                });
                continue;
            }
        };
        let line = record.position().map_or(0, |p| p.line());
        if record.iter().all(|cell| cell.trim().is_empty()) {
            continue;
        }
        if record.len() != headers.len() {
            errors.push(RowError {
                line,
                message: format!(
                    "{} cells where the header has {}",
                    record.len(),
                    headers.len()
                ),
            });
            continue;
        }
        let cell = |name: &str| {
            columns
                .get(name)
                .and_then(|&i| record.get(i))
                .unwrap_or("")
                .to_string()
        };
        let optional = |name: &str| Some(cell(name)).filter(|v| !v.trim().is_empty());
        let Some(minor) = parse_flag(&cell("minor")) else {
            errors.push(RowError {
                line,
                message: "minor must be yes or no".into(),
            });
            continue;
        };
        let received = cell("received");
        if received.trim().is_empty() {
            errors.push(RowError {
                line,
                message: "received date is empty".into(),
            });
            continue;
        }
        forms.push((
            line,
            NewCase {
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
            },
        ));
    }
    if !errors.is_empty() {
        return Err(Error::ImportRejected(errors));
    }
    Ok(forms)
}

/// The largest import file read: far beyond any intake batch, well within memory.
const MAX_IMPORT_BYTES: u64 = 256 * 1024 * 1024;

/// Reads an import file whole, refusing what is not a regular file (a device such as
/// `/dev/zero` never ends) or is too large to hold in memory.
fn read_import_file(path: &Path) -> Result<Vec<u8>> {
    let cannot = |e| Error::io(format!("cannot read {}", path.display()), e);
    let file = std::fs::File::open(path).map_err(cannot)?;
    let metadata = file.metadata().map_err(cannot)?;
    if !metadata.is_file() {
        return Err(Error::invalid(format!(
            "{} is not a regular file; give a CSV file",
            path.display()
        )));
    }
    if metadata.len() > MAX_IMPORT_BYTES {
        return Err(Error::invalid(format!(
            "{} is {} MB; import files of at most {} MB, in several parts",
            path.display(),
            metadata.len() / 1_000_000,
            MAX_IMPORT_BYTES / 1_000_000
        )));
    }
    let mut bytes = Vec::with_capacity(metadata.len() as usize);
    std::io::Read::read_to_end(
        &mut std::io::Read::take(file, MAX_IMPORT_BYTES + 1),
        &mut bytes,
    )
    .map_err(cannot)?;
    Ok(bytes)
}

impl Desk {
    /// Imports cases from a CSV file; a file with any bad row imports nothing.
    pub fn import_csv(&mut self, path: &Path) -> Result<ImportSummary> {
        let bytes = read_import_file(path)?;
        let forms = read_forms(&bytes)?;
        let today = self.today();
        let mut valid = Vec::with_capacity(forms.len());
        let mut errors = Vec::new();
        for (line, form) in forms {
            match form.validate(today) {
                Ok(case) => valid.push(case),
                Err(err) => errors.push(RowError {
                    line,
                    message: err.to_string(),
                }),
            }
        }
        if !errors.is_empty() {
            return Err(Error::ImportRejected(errors));
        }
        if valid.is_empty() {
            return Err(Error::invalid("the file has a header but no cases"));
        }
        let now = timestamp();
        let actor = self.agent().as_str().to_string();
        let count = valid.len();
        let references = self.store_mut().write(|tx| {
            let mut cursor = ChainCursor::load(tx)?;
            let mut references = Vec::with_capacity(count);
            for case in valid {
                let case = insert_new_case(
                    tx,
                    case,
                    &now,
                    &actor,
                    &mut cursor,
                    json!({ "source": "import" }),
                )?;
                references.push(case.reference);
            }
            cursor.append(
                tx,
                &crate::store::EventDraft {
                    case_id: None,
                    at: &now,
                    actor: &actor,
                    action: "import",
                    details: json!({ "cases": count }).to_string(),
                },
            )?;
            cursor.save(tx)?;
            Ok(references)
        })?;
        Ok(ImportSummary { references })
    }
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
}
