//! Personal values on their way to and from the server: each sealed with the team key for its
//! place (`table.column:row`), so that a value copied to another row or column does not open,
//! and the blind indexes search reads.

use crate::Result;
use crate::team_crypto::TeamKey;

/// The team key at work on one connection.
#[derive(Debug)]
pub(super) struct Sealer {
    key: TeamKey,
}

impl Sealer {
    pub(super) fn new(key: TeamKey) -> Sealer {
        Sealer { key }
    }

    /// `text` sealed for `column` of `row`.
    pub(super) fn seal(&self, column: &str, row: i64, text: &str) -> Vec<u8> {
        self.seal_at(&place(column, row), text)
    }

    /// `text` sealed for a place named whole (a row whose key is not a number).
    pub(super) fn seal_at(&self, place: &str, text: &str) -> Vec<u8> {
        self.key.seal(place, text.as_bytes())
    }

    /// An optional value sealed; none stays none (a report may count that a value exists).
    pub(super) fn seal_opt(&self, column: &str, row: i64, text: Option<&str>) -> Option<Vec<u8>> {
        text.map(|text| self.seal(column, row, text))
    }

    /// The text sealed for `column` of `row`; anything else is damage.
    pub(super) fn open(&self, column: &str, row: i64, sealed: &[u8]) -> Result<String> {
        self.open_at(&place(column, row), sealed)
    }

    /// The text sealed for a place named whole.
    pub(super) fn open_at(&self, place: &str, sealed: &[u8]) -> Result<String> {
        let bytes = self.key.open(place, sealed)?;
        String::from_utf8(bytes.to_vec())
            .map_err(|_| crate::Error::Damaged(format!("a sealed value for {place} is not text")))
    }

    /// An optional sealed value opened.
    pub(super) fn open_opt(
        &self,
        column: &str,
        row: i64,
        sealed: Option<&[u8]>,
    ) -> Result<Option<String>> {
        sealed.map(|s| self.open(column, row, s)).transpose()
    }

    /// Bytes (a message's original) sealed for `column` of `row`.
    pub(super) fn seal_bytes(&self, column: &str, row: i64, bytes: &[u8]) -> Vec<u8> {
        self.key.seal(&place(column, row), bytes)
    }

    /// The bytes sealed for `column` of `row`.
    pub(super) fn open_bytes(&self, column: &str, row: i64, sealed: &[u8]) -> Result<Vec<u8>> {
        Ok(self.key.open(&place(column, row), sealed)?.to_vec())
    }

    /// The blind index of a message's Message-ID, by which it is imported once.
    pub(super) fn message_key(&self, message_id: &str) -> Vec<u8> {
        self.key.blind_index("message-id", message_id).to_vec()
    }

    /// The blind index of an email address (any letter case).
    pub(super) fn email_index(&self, email: &str) -> Vec<u8> {
        self.key.blind_index("email", email).to_vec()
    }

    /// The search tokens of text (a name, an address, details, a note): its words and their
    /// beginnings, so that what a person starts typing finds it, as on the single desk.
    pub(super) fn tokens(&self, text: &str) -> Vec<Vec<u8>> {
        self.key
            .prefix_indexes("word", text)
            .into_iter()
            .map(|t| t.to_vec())
            .collect()
    }

    /// What one typed word may match: the word (whole or as a beginning), and for one longer
    /// than the longest beginning indexed, that beginning.
    pub(super) fn query_tokens(&self, word: &str) -> Vec<Vec<u8>> {
        let token = |w: &str| -> Vec<Vec<u8>> {
            self.key
                .word_indexes("word", w)
                .into_iter()
                .map(|t| t.to_vec())
                .collect()
        };
        let mut tokens = token(word);
        let beginning: String = word
            .chars()
            .take(crate::team_crypto::MAX_PREFIX_CHARS)
            .collect();
        if beginning.len() < word.len() {
            tokens.extend(token(&beginning));
        }
        tokens
    }

    /// The team key itself (for wrapping it for a new agent).
    pub(super) fn key(&self) -> &TeamKey {
        &self.key
    }
}

fn place(column: &str, row: i64) -> String {
    format!("{column}:{row}")
}
