//! The one error type of core: each variant is a failure the person can act on, with a stable
//! code, the exit code the command line ends with, and the words a person is shown. Adapters
//! print or serialise these; they decide none of them.

use std::path::PathBuf;

/// Everything that can go wrong in core.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The passphrase does not open the database.
    #[error("wrong passphrase")]
    WrongPassphrase,
    /// Input from a person or a file that core refuses; the message says what and why.
    #[error("{0}")]
    Invalid(String),
    /// No case has this reference.
    #[error("no case {0}")]
    CaseNotFound(String),
    /// The workflow refuses this action for this case as it stands.
    #[error("{0}")]
    NotAllowed(String),
    /// `open` was asked for a database file that does not exist.
    #[error("no database at {} (create one with `privacydesk init`)", .0.display())]
    DatabaseMissing(PathBuf),
    /// `create` was asked to make a database where a file already exists.
    #[error("a file already exists at {}; refusing to overwrite it", .0.display())]
    DatabaseExists(PathBuf),
    /// The file is not a PrivacyDesk database at all.
    #[error("{} is not a PrivacyDesk database: {reason}", .path.display())]
    NotADatabase {
        /// The file that was opened.
        path: PathBuf,
        /// What gave it away.
        reason: &'static str,
    },
    /// The database is damaged; reads cannot be trusted.
    #[error("the database is damaged: {0}")]
    Damaged(String),
    /// The database was written by a newer PrivacyDesk.
    #[error(
        "this database uses schema version {found}, newer than this PrivacyDesk understands ({known}); upgrade PrivacyDesk"
    )]
    SchemaTooNew {
        /// Schema version found in the file.
        found: i64,
        /// Latest schema version this build knows.
        known: i64,
    },
    /// A CSV import had bad rows; nothing was imported.
    #[error("{}", import_message(.0))]
    ImportRejected(Vec<RowError>),
    /// Another process held the database for longer than the busy timeout.
    #[error("the database is busy in another PrivacyDesk window or command; try again")]
    Busy,
    /// A file could not be read or written.
    #[error("{context}: {}", plain_io(.source))]
    Io {
        /// What was being done, in plain words, with the path.
        context: String,
        /// The operating system's reason.
        source: std::io::Error,
    },
    /// The desktop app's database is locked (after idle time, or on request).
    #[error("the database is locked; unlock it to go on")]
    Locked,
    /// Any other database failure, as the storage engine reported it.
    #[error("database error: {0}")]
    Database(Box<dyn std::error::Error + Send + Sync>),
    /// On a team desk, the server refuses what the agent's role does not allow; the message
    /// says which role it needs.
    #[error("{0}")]
    RoleNeeded(String),
    /// A team desk's server cannot be reached (or went away mid-way); nothing of the step that
    /// failed was kept.
    #[error("the team desk's server cannot be reached ({0}); nothing was saved, try again")]
    Unreachable(String),
    /// On a team desk, a manager rotated the team key since this desk signed in: the server
    /// refuses what it writes under the old key and what it reads no longer opens. Nothing of
    /// the step was kept; signing in again takes the new key.
    #[error(
        "a manager rotated the team key since this desk signed in: sign in again to go on (what \
         was saved before is kept; nothing more is saved under the old key)"
    )]
    KeyRotated,
    /// Another agent changed the case since this one read it; nothing of this step was kept.
    #[error("{reference} was changed by {by} at {at}; reload it and try again")]
    Changed {
        /// The case.
        reference: String,
        /// Who changed it.
        by: String,
        /// When (as recorded).
        at: String,
    },
    /// A mail server could not be reached, refused the login or refused a message; with
    /// `outbox`, the letter was not sent and waits there to be retried.
    #[error("{reason}{}", .outbox.map(|id| format!("; the letter was not sent and waits in the outbox as message {id}, to be retried")).unwrap_or_default())]
    Mail {
        /// What went wrong, in the server's words too.
        reason: String,
        /// The outbox message that keeps the letter, when one does.
        outbox: Option<crate::OutboxId>,
    },
    /// A failure of PrivacyDesk itself rather than of the input or the data (a background task
    /// that died, a lock poisoned by an earlier panic).
    #[error("{0}")]
    Internal(String),
}

/// A stored value that cannot be read as what it should be: damage, pointing to `verify`.
pub(crate) fn damaged_value(what: &str) -> Error {
    Error::invalid(format!(
        "a case's stored {what} is damaged; run `privacydesk verify`"
    ))
}

/// One refused row of a CSV import.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct RowError {
    /// Line number in the file, counting the header as line 1.
    pub line: u64,
    /// What is wrong with it.
    pub message: String,
}

fn import_message(rows: &[RowError]) -> String {
    let mut out = format!(
        "nothing imported: {} bad row{}",
        rows.len(),
        if rows.len() == 1 { "" } else { "s" }
    );
    for row in rows.iter().take(20) {
        out.push_str(&format!("; line {}: {}", row.line, row.message));
    }
    if rows.len() > 20 {
        out.push_str(&format!("; and {} more", rows.len() - 20));
    }
    out
}

/// The operating system's reason in plain words where it has a common one.
fn plain_io(source: &std::io::Error) -> String {
    use std::io::ErrorKind;
    match source.kind() {
        ErrorKind::StorageFull => "the disk is full".into(),
        ErrorKind::QuotaExceeded => "your disk quota is used up".into(),
        ErrorKind::FileTooLarge => "the file is larger than this disk or limit allows".into(),
        ErrorKind::PermissionDenied => "permission denied".into(),
        ErrorKind::ReadOnlyFilesystem => "the disk is read-only".into(),
        _ => source.to_string(),
    }
}

impl Error {
    /// A stable machine-readable code, used across the IPC boundary and for exit codes.
    pub fn code(&self) -> &'static str {
        match self {
            Error::WrongPassphrase => "wrong_passphrase",
            Error::Invalid(_) => "invalid_input",
            Error::CaseNotFound(_) => "case_not_found",
            Error::NotAllowed(_) => "not_allowed",
            Error::DatabaseMissing(_) => "database_missing",
            Error::DatabaseExists(_) => "database_exists",
            Error::NotADatabase { .. } => "not_a_database",
            Error::Damaged(_) => "database_damaged",
            Error::SchemaTooNew { .. } => "schema_too_new",
            Error::ImportRejected(_) => "import_rejected",
            Error::Busy => "busy",
            Error::Io { .. } => "io",
            Error::Locked => "locked",
            Error::Database(_) => "database",
            Error::RoleNeeded(_) => "role_needed",
            Error::Unreachable(_) => "server_unreachable",
            Error::Changed { .. } => "changed_meanwhile",
            Error::KeyRotated => "key_rotated",
            Error::Mail { .. } => "mail_failed",
            Error::Internal(_) => "internal",
        }
    }

    /// The command line's exit code: 2 bad usage or input, 3 wrong passphrase, 4 no such case,
    /// 5 not allowed in the case's state, 6 changed by another agent meanwhile, 7 a role the
    /// team desk's server requires, 8 the server unreachable, 9 a mail server failed, 1
    /// anything else. Part of its stable contract.
    pub fn exit_code(&self) -> u8 {
        match self {
            Error::Invalid(_) | Error::ImportRejected(_) => 2,
            Error::WrongPassphrase => 3,
            Error::CaseNotFound(_) => 4,
            Error::NotAllowed(_) => 5,
            Error::Changed { .. } => 6,
            Error::RoleNeeded(_) => 7,
            Error::Unreachable(_) => 8,
            Error::Mail { .. } => 9,
            _ => 1,
        }
    }

    /// The error on one line, as a command prints it after its name (`privacydesk: …`).
    pub fn line(&self) -> String {
        self.to_string().replace(['\n', '\r'], " ")
    }

    /// The sentence a window shows beside what caused it: one line, capitalised, and for a
    /// wrong passphrase what to do about it.
    pub fn message(&self) -> String {
        let text = match self {
            Error::WrongPassphrase => return "Wrong passphrase. Check it and try again.".into(),
            Error::Locked => return "The database is locked. Unlock it to go on.".into(),
            other => other.line(),
        };
        let mut chars = text.chars();
        chars
            .next()
            .map(|c| c.to_uppercase().chain(chars).collect())
            .unwrap_or(text)
    }

    /// An [`Error::Invalid`] with this message.
    pub fn invalid(message: impl Into<String>) -> Self {
        Error::Invalid(message.into())
    }

    /// An [`Error::Io`] saying what was being done.
    pub fn io(context: impl Into<String>, source: std::io::Error) -> Self {
        Error::Io {
            context: context.into(),
            source,
        }
    }

    /// An [`Error::Internal`] with this message.
    pub fn internal(message: impl Into<String>) -> Self {
        Error::Internal(message.into())
    }
}

impl From<csv::Error> for Error {
    fn from(err: csv::Error) -> Self {
        let message = err.to_string();
        match err.into_kind() {
            csv::ErrorKind::Io(source) => Error::io("CSV file", source),
            _ => Error::Invalid(format!("CSV: {message}")),
        }
    }
}

/// Result with core's error.
pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_failure_has_its_exit_code_and_plain_words() {
        let cases = [
            (
                Error::invalid("bad date\nsecond line"),
                2,
                "invalid_input",
                "Bad date second line",
            ),
            (
                Error::WrongPassphrase,
                3,
                "wrong_passphrase",
                "Wrong passphrase. Check it and try again.",
            ),
            (
                Error::CaseNotFound("PR-2026-00001".into()),
                4,
                "case_not_found",
                "No case PR-2026-00001",
            ),
            (
                Error::NotAllowed("close is not possible".into()),
                5,
                "not_allowed",
                "Close is not possible",
            ),
            (
                Error::RoleNeeded("adding to the team needs the manager role".into()),
                7,
                "role_needed",
                "Adding to the team needs the manager role",
            ),
            (
                Error::Busy,
                1,
                "busy",
                "The database is busy in another PrivacyDesk window or command; try again",
            ),
            (
                Error::Locked,
                1,
                "locked",
                "The database is locked. Unlock it to go on.",
            ),
            (
                Error::KeyRotated,
                1,
                "key_rotated",
                "A manager rotated the team key since this desk signed in: sign in again to go on \
                 (what was saved before is kept; nothing more is saved under the old key)",
            ),
        ];
        for (error, exit, code, message) in cases {
            assert_eq!((error.exit_code(), error.code()), (exit, code), "{error}");
            assert_eq!(error.message(), message);
            assert!(!error.line().contains('\n'));
        }
        assert_eq!(Error::invalid("a\nb").line(), "a b");
    }
}
