//! Line numbers as a person sees them in an editor or a spreadsheet: a line ends at LF, at
//! CRLF (RFC 4180's own line ending, and Excel's) and at a lone CR (old Mac files), each once.

/// Where each line of a text starts, to name the line a byte offset is on.
#[derive(Debug, Clone)]
pub struct LineIndex {
    /// The byte offset of the first byte of each line, the first line's (0) first.
    starts: Vec<usize>,
}

impl LineIndex {
    /// The lines of `bytes`.
    pub fn of(bytes: &[u8]) -> LineIndex {
        let mut starts = vec![0];
        let mut at = 0;
        while at < bytes.len() {
            match bytes[at] {
                b'\n' => starts.push(at + 1),
                b'\r' => {
                    if bytes.get(at + 1) == Some(&b'\n') {
                        at += 1;
                    }
                    starts.push(at + 1);
                }
                _ => {}
            }
            at += 1;
        }
        LineIndex { starts }
    }

    /// The offset of the first byte from `offset` on in `bytes` that does not end a line.
    pub fn skip_breaks(&self, bytes: &[u8], offset: u64) -> u64 {
        let from = usize::try_from(offset)
            .unwrap_or(usize::MAX)
            .min(bytes.len());
        let breaks = bytes[from..]
            .iter()
            .take_while(|&&b| b == b'\n' || b == b'\r')
            .count();
        offset + breaks as u64
    }

    /// The line, counted from 1, that the byte at `offset` is on.
    pub fn line_of(&self, offset: u64) -> u64 {
        let offset = usize::try_from(offset).unwrap_or(usize::MAX);
        self.starts.partition_point(|&start| start <= offset) as u64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lf_crlf_and_cr_files_number_their_lines_alike() {
        for text in ["a\nbb\nccc\n", "a\r\nbb\r\nccc\r\n", "a\rbb\rccc\r"] {
            let index = LineIndex::of(text.as_bytes());
            let line = |needle: &str| text.find(needle).map(|at| index.line_of(at as u64));
            assert_eq!(
                (line("a"), line("bb"), line("ccc")),
                (Some(1), Some(2), Some(3)),
                "{text:?}"
            );
        }
    }

    #[test]
    fn a_blank_line_counts_and_a_crlf_counts_once() {
        let text = "head\r\n\r\nrow\n\rlast";
        let index = LineIndex::of(text.as_bytes());
        let at = |needle: &str| text.find(needle).map_or(0, |at| at as u64);
        assert_eq!(index.line_of(at("row")), 3);
        assert_eq!(index.line_of(at("last")), 5);
    }
}
