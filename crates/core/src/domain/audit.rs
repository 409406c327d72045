//! The audit trail: append-only events, each sealed with the SHA-256 of the one before.

use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::CaseId;

/// The hash that the first event points back to.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// One recorded change. It references personal data (by case and note id); it never copies it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Event {
    /// Position in the whole trail, from 1.
    pub seq: i64,
    /// The case it concerns; `None` for database-wide events (exports, imports).
    #[serde(skip)]
    pub case_id: Option<CaseId>,
    /// When, as RFC 3339 UTC.
    pub at: String,
    /// Agent who did it.
    pub actor: String,
    /// What was done (`created`, `close`, `note`, …): an [`EventKind`](super::events::EventKind)
    /// as written, kept as text because a tampered trail may hold anything.
    pub action: String,
    /// Structured details as JSON text.
    pub details: String,
    /// Hash of the previous event.
    pub prev_hash: String,
    /// Hash of this event.
    pub hash: String,
}

/// Computes the seal of an event from its fields and the previous seal.
pub fn seal(
    prev_hash: &str,
    seq: i64,
    case_id: Option<i64>,
    at: &str,
    actor: &str,
    action: &str,
    details: &str,
) -> String {
    let mut hasher = Sha256::new();
    // Length-prefixing each field makes the encoding unambiguous.
    for field in [
        prev_hash,
        &seq.to_string(),
        &case_id.map(|c| c.to_string()).unwrap_or_default(),
        at,
        actor,
        action,
        details,
    ] {
        hasher.update((field.len() as u64).to_le_bytes());
        hasher.update(field.as_bytes());
    }
    hex::encode(hasher.finalize())
}

impl Event {
    /// Recomputes this event's seal from its fields.
    pub fn expected_hash(&self) -> String {
        seal(
            &self.prev_hash,
            self.seq,
            self.case_id.map(|c| c.0),
            &self.at,
            &self.actor,
            &self.action,
            &self.details,
        )
    }
}

/// Where a chain stops being trustworthy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChainBreak {
    /// The first event that does not fit.
    pub seq: i64,
    /// What is wrong with it.
    pub problem: String,
}

/// Walks events in order and reports the first that was altered, removed or reordered.
#[derive(Debug)]
pub struct ChainChecker {
    expected_seq: i64,
    prev_hash: String,
}

impl Default for ChainChecker {
    fn default() -> Self {
        ChainChecker {
            expected_seq: 1,
            prev_hash: GENESIS.to_string(),
        }
    }
}

impl ChainChecker {
    /// Feeds the next event; `Err` names the first problem.
    pub fn check(&mut self, event: &Event) -> Result<(), ChainBreak> {
        let broken = |problem: String| {
            Err(ChainBreak {
                seq: event.seq,
                problem,
            })
        };
        if event.seq != self.expected_seq {
            return broken(format!(
                "expected event {} next; found {} (an event was deleted or reordered)",
                self.expected_seq, event.seq
            ));
        }
        if event.prev_hash != self.prev_hash {
            return broken(
                "does not point to the event before it (an event was removed or replaced)".into(),
            );
        }
        if event.expected_hash() != event.hash {
            return broken("its content was changed after it was written".into());
        }
        self.expected_seq += 1;
        self.prev_hash = event.hash.clone();
        Ok(())
    }

    /// The hash of the last event checked (the chain head).
    pub fn head(&self) -> &str {
        &self.prev_hash
    }

    /// How many events were checked.
    pub fn count(&self) -> i64 {
        self.expected_seq - 1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chain(n: i64) -> Vec<Event> {
        let mut prev = GENESIS.to_string();
        (1..=n)
            .map(|seq| {
                let at = format!("2026-01-01T00:00:{seq:02}Z");
                let hash = seal(&prev, seq, Some(1), &at, "ana", "note", "{}");
                let event = Event {
                    seq,
                    case_id: Some(CaseId(1)),
                    at,
                    actor: "ana".into(),
                    action: "note".into(),
                    details: "{}".into(),
                    prev_hash: prev.clone(),
                    hash: hash.clone(),
                };
                prev = hash;
                event
            })
            .collect()
    }

    fn first_break(events: &[Event]) -> Option<i64> {
        let mut checker = ChainChecker::default();
        events
            .iter()
            .find_map(|e| checker.check(e).err().map(|b| b.seq))
    }

    #[test]
    fn an_intact_chain_verifies() {
        assert_eq!(first_break(&chain(5)), None);
    }

    #[test]
    fn edits_deletions_and_reorders_are_found_at_the_first_broken_event() {
        let mut edited = chain(5);
        edited[2].details = r#"{"outcome":"fulfilled"}"#.into();
        assert_eq!(first_break(&edited), Some(3));

        let mut deleted = chain(5);
        deleted.remove(1);
        assert_eq!(first_break(&deleted), Some(3));

        let mut reordered = chain(5);
        reordered.swap(1, 2);
        assert_eq!(first_break(&reordered), Some(3));

        let mut renumbered = chain(5);
        renumbered.remove(1);
        for (i, e) in renumbered.iter_mut().enumerate() {
            e.seq = i as i64 + 1;
        }
        assert_eq!(first_break(&renumbered), Some(2));
    }
}
