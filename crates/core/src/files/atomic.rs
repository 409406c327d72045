//! Writing a file so that it appears whole or not at all: a temp file beside it, flushed, renamed.

use std::fs;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::{Error, Result};

/// A writer that also hashes what passes through it.
#[derive(Debug)]
pub struct HashingWriter<W> {
    inner: W,
    hasher: Sha256,
    bytes: u64,
}

impl<W: Write> Write for HashingWriter<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.hasher.update(&buf[..n]);
        self.bytes += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

/// What was written.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct WrittenFile {
    /// Where it is.
    pub path: PathBuf,
    /// Its size.
    pub bytes: u64,
    /// SHA-256 of its content, hex.
    pub sha256: String,
}

/// Maps a CSV writer's failure to an error naming the file being written.
pub fn csv_write_error(path: &Path) -> impl Fn(csv::Error) -> Error + '_ {
    move |err| {
        let message = err.to_string();
        match err.into_kind() {
            csv::ErrorKind::Io(source) => {
                Error::io(format!("cannot write {}", path.display()), source)
            }
            _ => Error::Invalid(format!("cannot write {}: {message}", path.display())),
        }
    }
}

/// Writes `text` to `path` whole, as [`write_atomically`] does.
pub fn write_text_atomically(path: &Path, text: &str) -> Result<WrittenFile> {
    write_atomically(path, |w| {
        std::io::Write::write_all(w, text.as_bytes())
            .map_err(|e| Error::io(format!("cannot write {}", path.display()), e))
    })
}

/// Writes `path` through `fill`; on any error the target is left as it was and no temp file remains.
pub fn write_atomically(
    path: &Path,
    fill: impl FnOnce(&mut HashingWriter<BufWriter<&fs::File>>) -> Result<()>,
) -> Result<WrittenFile> {
    if path.is_dir() {
        return Err(Error::Invalid(format!(
            "{} is a folder; give a file name",
            path.display()
        )));
    }
    let folder = folder_of(path);
    if !folder.is_dir() {
        return Err(Error::Invalid(format!(
            "cannot write {}: the folder {} does not exist",
            path.display(),
            folder.display()
        )));
    }
    let temp = tempfile::Builder::new()
        .prefix(".privacydesk-")
        .suffix(".partial")
        .tempfile_in(folder)
        .map_err(|e| Error::io(format!("cannot write in {}", folder.display()), e))?;
    let context = || format!("cannot write {}", path.display());
    let (bytes, sha256) = {
        let mut writer = HashingWriter {
            inner: BufWriter::new(temp.as_file()),
            hasher: Sha256::new(),
            bytes: 0,
        };
        fill(&mut writer)?;
        writer.flush().map_err(|e| Error::io(context(), e))?;
        (writer.bytes, hex::encode(writer.hasher.finalize()))
    };
    temp.as_file()
        .sync_all()
        .map_err(|e| Error::io(context(), e))?;
    temp.persist(path)
        .map_err(|e| Error::io(context(), e.error))?;
    Ok(WrittenFile {
        path: path.to_path_buf(),
        bytes,
        sha256,
    })
}

/// The folder a file is in (the current one for a bare file name).
pub fn folder_of(path: &Path) -> &Path {
    match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    }
}

/// Flushes a finished file to disk before it is renamed into place.
pub fn sync_file(path: &Path) -> Result<()> {
    fs::File::open(path)
        .and_then(|f| f.sync_all())
        .map_err(|e| Error::io(format!("cannot flush {}", path.display()), e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failed_fill_leaves_nothing_behind() -> Result<()> {
        let dir = tempfile::tempdir().map_err(|e| Error::io("tempdir", e))?;
        let target = dir.path().join("out.csv");
        let result = write_atomically(&target, |w| {
            w.write_all(b"half").map_err(|e| Error::io("write", e))?;
            Err(Error::invalid("stop"))
        });
        assert!(result.is_err());
        assert_eq!(fs::read_dir(dir.path()).map(|d| d.count()).unwrap_or(99), 0);
        Ok(())
    }

    #[test]
    fn a_written_file_reports_its_hash() -> Result<()> {
        let dir = tempfile::tempdir().map_err(|e| Error::io("tempdir", e))?;
        let target = dir.path().join("out.csv");
        let written = write_atomically(&target, |w| {
            w.write_all(b"abc").map_err(|e| Error::io("write", e))
        })?;
        assert_eq!(written.bytes, 3);
        assert_eq!(
            written.sha256,
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        Ok(())
    }
}
