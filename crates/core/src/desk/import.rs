//! CSV intake: every row read and validated first, then all imported in one transaction, or
//! none; each case opened as the form would open it.

use std::path::Path;

use serde_json::json;

use super::Desk;
use super::act::open_case;
use crate::domain::events::{DeskEvent, EventKind};
use crate::error::RowError;
use crate::files::intake::{read_forms, read_import_file};
use crate::{Error, Reference, Result};

/// What an import did.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ImportSummary {
    /// References of the new cases, in file order.
    pub references: Vec<Reference>,
}

impl Desk {
    /// Imports cases from a CSV file; a file with any bad row imports nothing.
    pub fn import_csv(&mut self, path: &Path) -> Result<ImportSummary> {
        let bytes = read_import_file(path)?;
        let forms = read_forms(&bytes)?;
        let today = self.today();
        let settings = self.company_calendar()?.settings;
        let mut valid = Vec::with_capacity(forms.len());
        let mut errors = Vec::new();
        for (line, form) in forms {
            match form.validate(today) {
                Ok(case) => valid.push(Desk::with_company_calendar(&settings, case)),
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
        let stamp = self.stamp();
        let references = self.write(|tx| {
            let count = valid.len();
            let mut references = Vec::with_capacity(count);
            for case in valid {
                let case = open_case(tx, &stamp, case, json!({ "source": "import" }))?;
                references.push(case.reference);
            }
            let details = json!({ "cases": count });
            let kind = EventKind::Desk(DeskEvent::Import);
            tx.append_event(&stamp.event(None, kind, &details))?;
            Ok(references)
        })?;
        Ok(ImportSummary { references })
    }
}
