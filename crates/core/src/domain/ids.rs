//! Identifiers: the stored ids of cases, notes and letters, a case's public reference and the
//! agent's name.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::Error;

/// Row id of a case; never shown to people.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct CaseId(pub i64);

/// Id of a note (agent-written text: a note, a reason, guidance); events refer to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct NoteId(pub i64);

/// A letter's number on its case, as the agent quotes it to save it as a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct LetterId(pub i64);

impl fmt::Display for LetterId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// A message's number in the outbox, as `outbox retry` takes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct OutboxId(pub i64);

impl fmt::Display for OutboxId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// A message's number in the intake queue, as `intake show` takes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct IntakeId(pub i64);

impl fmt::Display for IntakeId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// The reference people quote: `PR-YYYY-NNNNN`, year of receipt and a per-year sequence.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Reference(String);

impl Reference {
    /// The reference of the `sequence`-th case received in `year`.
    pub fn new(year: i32, sequence: i64) -> Self {
        Reference(format!("PR-{year:04}-{sequence:05}"))
    }

    /// The text, as shown.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Reference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for Reference {
    type Err = Error;
    fn from_str(text: &str) -> Result<Self, Error> {
        let upper = text.trim().to_ascii_uppercase();
        let valid = upper
            .strip_prefix("PR-")
            .and_then(|rest| rest.split_once('-'))
            .is_some_and(|(year, seq)| {
                year.len() == 4
                    && year.bytes().all(|b| b.is_ascii_digit())
                    && seq.len() >= 5
                    && seq.bytes().all(|b| b.is_ascii_digit())
            });
        if valid {
            Ok(Reference(upper))
        } else {
            Err(Error::Invalid(format!(
                "{:?} is not a case reference (expected e.g. PR-2026-00001)",
                crate::domain::spelling::shorten(text)
            )))
        }
    }
}

/// The support agent recorded on every audit event.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Agent(String);

impl Agent {
    /// Longest accepted agent name, in characters.
    pub const MAX_CHARS: usize = 64;

    /// Validates an agent name: 1–64 printable characters.
    pub fn new(name: &str) -> Result<Self, Error> {
        let name = name.trim();
        if name.is_empty() {
            return Err(Error::invalid("agent name is empty"));
        }
        if name.chars().count() > Self::MAX_CHARS || name.chars().any(char::is_control) {
            return Err(Error::invalid(
                "agent name must be at most 64 printable characters",
            ));
        }
        Ok(Agent(name.to_string()))
    }

    /// The name.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Agent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_round_trip_and_normalise_case() {
        let r = Reference::new(2026, 1);
        assert_eq!(r.as_str(), "PR-2026-00001");
        assert_eq!("pr-2026-00001".parse::<Reference>().ok(), Some(r));
        assert_eq!(Reference::new(2026, 123_456).as_str(), "PR-2026-123456");
    }

    #[test]
    fn malformed_references_are_refused() {
        for bad in [
            "",
            "PR-26-00001",
            "PR-2026-1",
            "XX-2026-00001",
            "PR-2026-0000a",
        ] {
            assert!(bad.parse::<Reference>().is_err(), "{bad}");
        }
    }

    #[test]
    fn agent_names_are_validated() {
        assert!(Agent::new("  ").is_err());
        assert!(Agent::new(&"a".repeat(65)).is_err());
        assert!(Agent::new("bad\nname").is_err());
        assert_eq!(
            Agent::new(" ana ").map(|a| a.to_string()).ok(),
            Some("ana".into())
        );
    }
}
