//! Reading a file a person names, whole: only a regular file (a device such as `/dev/zero`
//! never ends), and only up to a size that fits in memory.

use std::io::Read;
use std::path::Path;

use crate::{Error, Result};

/// Reads `path` whole if it is a regular file of at most `max` bytes. `instead` says what to
/// give instead of a device or a folder (`give a CSV file`); `limit` introduces the limit in
/// the message for a file too large (`import files of at most`).
pub fn read_regular_file(path: &Path, max: u64, instead: &str, limit: &str) -> Result<Vec<u8>> {
    let cannot = |e| Error::io(format!("cannot read {}", path.display()), e);
    let file = std::fs::File::open(path).map_err(cannot)?;
    let metadata = file.metadata().map_err(cannot)?;
    if !metadata.is_file() {
        return Err(Error::invalid(format!(
            "{} is not a regular file; {instead}",
            path.display()
        )));
    }
    let too_large = |size: u64| {
        Error::invalid(format!(
            "{} is {} MB; {limit} {} MB",
            path.display(),
            size.div_ceil(1_000_000),
            max / 1_000_000
        ))
    };
    if metadata.len() > max {
        return Err(too_large(metadata.len()));
    }
    let mut bytes = Vec::with_capacity(metadata.len() as usize);
    file.take(max + 1).read_to_end(&mut bytes).map_err(cannot)?;
    if bytes.len() as u64 > max {
        return Err(too_large(bytes.len() as u64));
    }
    Ok(bytes)
}
