//! The case CSV export: fixed, documented columns; formulas neutralised; written atomically;
//! streamed row by row, so its memory stays flat however many cases there are.
//!
//! Columns, in order (dates are `YYYY-MM-DD`, empty when not applicable):
//! `reference, kind, state, outcome, denial_basis, received_on, due_on, extended_until,
//! closed_on, closed_on_time, days_to_close, overdue, jurisdiction, channel, customer,
//! assignee, minor, requester_name, requester_email, appeal_received_on, appeal_decided_on,
//! appeal_outcome` (`granted`, `denied`, or empty).

use std::fmt::Write as _;
use std::io::Write;
use std::path::Path;
use std::sync::mpsc;

use chrono::NaiveDate;

use crate::domain::case::closed_on_time;
use crate::domain::export_row::{SEPARATOR, at as col, date};
use crate::error::damaged_value as damaged;
use crate::files::atomic::{WrittenFile, csv_write_error, write_atomically};
use crate::files::csv_safe::needs_mark;
use crate::{Error, Result};

/// The header row of the case export.
pub const CASE_COLUMNS: [&str; 22] = [
    "reference",
    "kind",
    "state",
    "outcome",
    "denial_basis",
    "received_on",
    "due_on",
    "extended_until",
    "closed_on",
    "closed_on_time",
    "days_to_close",
    "overdue",
    "jurisdiction",
    "channel",
    "customer",
    "assignee",
    "minor",
    "requester_name",
    "requester_email",
    "appeal_received_on",
    "appeal_decided_on",
    "appeal_outcome",
];

fn yes_no(value: bool) -> &'static str {
    if value { "yes" } else { "no" }
}

/// Rows between two progress reports.
pub const PROGRESS_EVERY: u64 = 10_000;

/// The CSV writer's buffer: large writes keep a million-row export from being syscall-bound.
const BUFFER_BYTES: usize = 256 * 1024;

/// Rows handed from the reading thread to the writing thread at a time.
const BATCH_ROWS: usize = 512;

/// Batches in flight: the export's memory is bounded by this, not by the number of cases.
const BATCHES_IN_FLIGHT: usize = 4;

/// Rows as the store gave them, copied into one block of bytes: the reading thread only copies,
/// the writing thread splits.
#[derive(Debug, Default)]
struct Batch {
    bytes: Vec<u8>,
    /// Where each row ends in `bytes`.
    ends: Vec<usize>,
}

impl Batch {
    fn rows(&self) -> usize {
        self.ends.len()
    }

    fn clear(&mut self) {
        self.bytes.clear();
        self.ends.clear();
    }

    fn push(&mut self, row: &[u8]) {
        self.bytes.extend_from_slice(row);
        self.ends.push(self.bytes.len());
    }

    /// The stored values of row `row`.
    fn row(&self, row: usize) -> Result<[&[u8]; col::COUNT]> {
        let start = if row == 0 { 0 } else { self.ends[row - 1] };
        let mut values: [&[u8]; col::COUNT] = [&[]; col::COUNT];
        let mut count = 0;
        for value in self.bytes[start..self.ends[row]].split(|&b| b == SEPARATOR) {
            // One value too many means a stored text held the separator.
            *values.get_mut(count).ok_or_else(|| damaged("row"))? = value;
            count += 1;
        }
        if count < col::COUNT {
            return Err(damaged("row"));
        }
        Ok(values)
    }
}

/// Writes the CSV rows of one batch.
struct RowWriter<'a, W: Write> {
    csv: csv::Writer<W>,
    today: String,
    marked: Vec<u8>,
    path: &'a Path,
}

impl<W: Write> RowWriter<'_, W> {
    fn cell(&mut self, value: &[u8]) -> Result<()> {
        let value = if needs_mark(value) {
            self.marked.clear();
            self.marked.push(b'\'');
            self.marked.extend_from_slice(value);
            &self.marked[..]
        } else {
            value
        };
        self.csv
            .write_field(value)
            .map_err(csv_write_error(self.path))
    }

    fn write(&mut self, batch: &Batch) -> Result<()> {
        let mut days = String::new();
        for index in 0..batch.rows() {
            let stored = batch.row(index)?;
            let received_on = date(stored[col::RECEIVED_ON])?;
            let due_on = date(stored[col::DUE_ON])?;
            let closed_on = date(stored[col::CLOSED_ON])?;
            let purge_on = date(stored[col::PURGE_ON])?;
            let on_time = due_on
                .and_then(|due| closed_on_time(closed_on, purge_on, due))
                .map_or("", yes_no);
            days.clear();
            if let (Some(closed), Some(received)) = (closed_on, received_on) {
                let _ = write!(days, "{}", (closed - received).num_days());
            }
            // The stored attention date is the one the list's overdue filter reads.
            let attention = stored[col::ATTENTION_ON];
            let overdue = !attention.is_empty() && attention < self.today.as_bytes();
            let minor = stored[col::IS_MINOR] != b"0" && !stored[col::IS_MINOR].is_empty();
            for value in &stored[..=col::CLOSED_ON] {
                self.cell(value)?;
            }
            self.cell(on_time.as_bytes())?;
            self.cell(days.as_bytes())?;
            self.cell(yes_no(overdue).as_bytes())?;
            for value in &stored[col::ATTENTION_ON + 1..col::IS_MINOR] {
                self.cell(value)?;
            }
            self.cell(yes_no(minor).as_bytes())?;
            for value in &stored[col::IS_MINOR + 1..col::APPEAL_GRANTED] {
                self.cell(value)?;
            }
            let appeal = match stored[col::APPEAL_GRANTED] {
                b"1" => "granted",
                b"0" => "denied",
                _ => "",
            };
            self.cell(appeal.as_bytes())?;
            self.csv
                .write_record(None::<&[u8]>)
                .map_err(csv_write_error(self.path))?;
        }
        Ok(())
    }
}

/// Writes the case CSV to `path`: the header, then one line per row `read` hands over (in the
/// `export_row` layout), in the order it hands them; `progress` hears the row count now and
/// then. Returns the file and the number of rows.
pub fn write_cases(
    path: &Path,
    bom: bool,
    today: NaiveDate,
    progress: &mut dyn FnMut(u64),
    read: impl FnOnce(&mut dyn FnMut(&[u8]) -> Result<()>) -> Result<()>,
) -> Result<(WrittenFile, u64)> {
    let mut rows = 0u64;
    let file = write_atomically(path, |out| {
        if bom {
            out.write_all("\u{feff}".as_bytes())
                .map_err(|e| Error::io(format!("cannot write {}", path.display()), e))?;
        }
        let mut writer = RowWriter {
            csv: csv::WriterBuilder::new()
                .buffer_capacity(BUFFER_BYTES)
                .from_writer(out),
            today: today.to_string(),
            marked: Vec::new(),
            path,
        };
        writer
            .csv
            .write_record(CASE_COLUMNS)
            .map_err(csv_write_error(path))?;
        rows = pipe(writer, progress, read)?;
        Ok(())
    })?;
    progress(rows);
    Ok((file, rows))
}

/// Two threads share the work: this one runs `read`, which reads (and decrypts) rows, the
/// other formats, hashes and writes them, a few batches behind. Returns the rows written.
fn pipe<W: Write + Send>(
    mut writer: RowWriter<'_, W>,
    progress: &mut dyn FnMut(u64),
    read: impl FnOnce(&mut dyn FnMut(&[u8]) -> Result<()>) -> Result<()>,
) -> Result<u64> {
    let mut rows = 0u64;
    let (full_tx, full_rx) = mpsc::sync_channel::<Batch>(BATCHES_IN_FLIGHT);
    let (empty_tx, empty_rx) = mpsc::sync_channel::<Batch>(BATCHES_IN_FLIGHT + 1);
    std::thread::scope(|scope| {
        let writing = std::thread::Builder::new()
            .name("export-writer".into())
            .spawn_scoped(scope, move || -> Result<()> {
                for batch in full_rx {
                    writer.write(&batch)?;
                    // The reader may have finished; a batch it no longer needs is dropped.
                    let _ = empty_tx.try_send(batch);
                }
                // The csv writer's own flush on drop would swallow a full disk.
                let path = writer.path;
                writer
                    .csv
                    .flush()
                    .map_err(|e| Error::io(format!("cannot write {}", path.display()), e))
            })
            .map_err(|e| Error::io("cannot start the export's writer", e))?;
        let mut batch = Batch::default();
        let read = read(&mut |row| {
            batch.push(row);
            rows += 1;
            if batch.rows() == BATCH_ROWS {
                let next = empty_rx.try_recv().unwrap_or_default();
                let full = std::mem::replace(&mut batch, next);
                if full_tx.send(full).is_err() {
                    // The writer stopped on an error, which its join reports.
                    return Err(Error::invalid("the export's writer stopped"));
                }
                batch.clear();
            }
            if rows.is_multiple_of(PROGRESS_EVERY) {
                progress(rows);
            }
            Ok(())
        });
        if read.is_ok() && batch.rows() > 0 {
            let _ = full_tx.send(batch);
        }
        drop(full_tx);
        let written = writing
            .join()
            .unwrap_or_else(|_| Err(Error::internal("the export's writer failed")));
        // A write error explains a read that stopped because of it.
        written.and(read).map(|()| rows)
    })
}
