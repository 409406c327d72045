//! The server's failures in core's words: a refused privilege is the role it needs, a lost or
//! refused connection is the server unreachable, a wrong login is a wrong passphrase.

use postgres::error::SqlState;

use crate::Error;

impl From<postgres::Error> for Error {
    fn from(e: postgres::Error) -> Self {
        let Some(db) = e.as_db_error() else {
            let text = plain(&e);
            // The server asked for a password the address did not give (an administrator's
            // login; an agent's is always derived from the passphrase).
            if text.contains("password missing") {
                return Error::Invalid(
                    "the server asks for a password: give it in PGPASSWORD or in the address"
                        .into(),
                );
            }
            // No answer from the server: it is down, gone, or the connection was cut.
            return Error::Unreachable(text);
        };
        let code = db.code();
        if code == &SqlState::INSUFFICIENT_PRIVILEGE {
            return Error::RoleNeeded(role_needed(db.message()));
        }
        if code == &SqlState::INVALID_PASSWORD {
            // An unknown name and a wrong passphrase are one answer, as the server gives them.
            return Error::WrongPassphrase;
        }
        if code == &SqlState::INVALID_AUTHORIZATION_SPECIFICATION {
            return Error::Invalid(format!("the server refuses this login: {}", db.message()));
        }
        if code == &SqlState::T_R_SERIALIZATION_FAILURE
            || code == &SqlState::T_R_DEADLOCK_DETECTED
            || code == &SqlState::LOCK_NOT_AVAILABLE
        {
            return Error::Busy;
        }
        if code == &SqlState::ADMIN_SHUTDOWN
            || code == &SqlState::CRASH_SHUTDOWN
            || code == &SqlState::CANNOT_CONNECT_NOW
            || code == &SqlState::CONNECTION_FAILURE
            || code == &SqlState::TOO_MANY_CONNECTIONS
        {
            return Error::Unreachable(db.message().to_string());
        }
        if code == &SqlState::INVALID_CATALOG_NAME {
            return Error::Invalid(format!("the server has no such database: {}", db.message()));
        }
        if code == &SqlState::INVALID_PARAMETER_VALUE {
            return Error::Invalid(db.message().to_string());
        }
        if code == &SqlState::OBJECT_NOT_IN_PREREQUISITE_STATE {
            // The team key was rotated since this desk signed in (schema 9).
            return Error::NotAllowed(db.message().to_string());
        }
        if code == &SqlState::RAISE_EXCEPTION {
            return Error::NotAllowed(format!("the server refuses: {}", db.message()));
        }
        Error::Database(db.message().to_string().into())
    }
}

/// What a refused privilege needs, in the words of a person on the team.
fn role_needed(message: &str) -> String {
    let needs =
        |what: &str, role: &str| format!("the server refuses: {what} needs the {role} role");
    if let Some(action) = message.strip_prefix("only a manager may record ") {
        let what = match action {
            "export_cases" | "report_monthly" | "report_yearly" => "exporting cases and reports",
            "set_retention" => "changing the retention period",
            "set_customer" => "changing a customer's settings",
            "company_files_shared" => "sharing the company's files",
            "set_mail" => "changing the mail settings",
            "copied_in" | "copied_out" => "copying the whole desk",
            "team_key_rotated" => "rotating the team key",
            _ => "changing the team",
        };
        needs(what, "manager")
    } else if message.contains("append_event") {
        needs("writing to the audit trail", "agent or manager")
    } else if message.contains("add_agent")
        || message.contains("remove_agent")
        || message.contains("only a manager")
    {
        needs("changing the team", "manager")
    } else if message.contains("company_files") {
        needs("sharing the company's files", "manager")
    } else if message.contains("settings") {
        needs(
            "changing the desk's settings (the retention period)",
            "manager",
        )
    } else if message.contains("customers") {
        needs("changing a customer's settings", "manager")
    } else if message.contains("notes") || message.contains("case_words") {
        needs("removing personal details (retention)", "manager")
    } else if message.contains("cases")
        || message.contains("items")
        || message.contains("letters")
        || message.contains("reference_counters")
        || message.contains("sequence")
    {
        needs("working cases", "agent or manager")
    } else {
        format!("the server refuses: {message} (no role of the team may do this)")
    }
}

/// A connection failure in a sentence (the client's own wording names the cause).
fn plain(e: &postgres::Error) -> String {
    let text = e.to_string();
    let mut source: Option<&dyn std::error::Error> = std::error::Error::source(e);
    let mut last = None;
    while let Some(s) = source {
        last = Some(s.to_string());
        source = s.source();
    }
    match last {
        Some(cause) if !text.contains(&cause) => format!("{text}: {cause}"),
        _ => text,
    }
}
