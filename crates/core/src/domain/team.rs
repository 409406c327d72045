//! A team desk's people: the roles the server grants, and who may be named on a team (a name
//! is a login on a server other teams may share).

use serde::Serialize;

use crate::domain::spelling::spelled_enum;
use crate::{Agent, Error, Result};

spelled_enum! {
    /// What someone on a team desk may do; the server grants each exactly this.
    pub enum TeamRole ("role") {
        /// Works cases: logs, acts, writes notes and letters.
        Agent = "agent",
        /// Works cases, and also sets retention and customers, redacts, and manages the team.
        Manager = "manager",
        /// Reads only (an auditor).
        Viewer = "viewer",
    }
}

/// Someone on the team, as its server lists them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TeamMember {
    /// Their login name.
    pub name: String,
    /// What they may do.
    pub role: TeamRole,
    /// When they were added (RFC 3339).
    pub added_at: String,
    /// Who added them.
    pub added_by: String,
}

/// Who is connected to a team desk, and where.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TeamSession {
    /// The team (the server's database).
    pub team: String,
    /// The address, without any password.
    pub address: String,
    /// Who is logged in.
    pub agent: String,
    /// What they may do.
    pub role: TeamRole,
}

/// Checks a name for the team: lower-case letters, digits and `_`, starting with a letter, at
/// most 63 long (a PostgreSQL login), so that it is the same in every client.
pub fn member_name(name: &str) -> Result<Agent> {
    let mut chars = name.chars();
    let valid = chars.next().is_some_and(|c| c.is_ascii_lowercase())
        && name.len() <= 63
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    if !valid {
        return Err(Error::invalid(format!(
            "{name:?} cannot be a name on a team desk: use lower-case letters, digits and _, \
             starting with a letter (e.g. ana_ruiz)"
        )));
    }
    Agent::new(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_team_name_is_a_plain_login() {
        for good in ["ana", "ana_ruiz", "b2"] {
            assert!(member_name(good).is_ok(), "{good}");
        }
        for bad in [
            "",
            "Ana",
            "ana ruiz",
            "2ana",
            "ana-ruiz",
            "ana\"; drop",
            &"a".repeat(64),
        ] {
            let refused = member_name(bad).err().map(|e| e.to_string());
            assert!(
                refused.is_some_and(|m| m.contains("cannot be a name")),
                "{bad}"
            );
        }
        assert_eq!("manager".parse::<TeamRole>().ok(), Some(TeamRole::Manager));
        assert!("admin".parse::<TeamRole>().is_err());
    }
}
