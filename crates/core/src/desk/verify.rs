//! `verify`: the engine's checks of the file, the audit chain, each case's state replayed from
//! its events through the transition table, and each sent letter against the hash its event
//! recorded — the chain and the replay in one pass over the trail.

use std::collections::HashMap;

use serde::Serialize;
use serde_json::Value;

use super::Desk;
use crate::domain::events::{CaseEvent, EventKind};
use crate::domain::letters::letter_hash;
use crate::domain::workflow;
use crate::store::{ChainReport, FileCheck};
use crate::{CaseId, LetterId, Result, State};

/// The outcome of `verify`.
#[derive(Debug, Clone, Serialize)]
pub struct VerifyReport {
    /// The storage engine's own checks.
    pub file: FileCheck,
    /// The audit chain check.
    pub chain: ChainReport,
    /// Cases whose stored state does not follow from their audit events (the first
    /// [`MAX_CASE_PROBLEMS`]; `cases_unsound` counts all).
    pub case_problems: Vec<String>,
    /// How many cases do not follow from their audit events.
    pub cases_unsound: u64,
}

/// How many case problems `verify` lists by name.
pub const MAX_CASE_PROBLEMS: usize = 20;

/// Where a `verify` has got to: on a large file it takes a minute or more.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VerifyStage {
    /// The engine's checks of every page of the file.
    File,
    /// The audit chain and each case's state, `done` of `total` events.
    Chain {
        /// Events checked so far.
        done: u64,
        /// Events recorded.
        total: u64,
    },
}

/// Events between two progress reports of `verify`.
const VERIFY_PROGRESS_EVERY: u64 = 50_000;

impl VerifyReport {
    /// True when nothing is wrong.
    pub fn is_ok(&self) -> bool {
        self.file.integrity.is_empty()
            && self.file.cipher.is_empty()
            && self.chain.broken.is_none()
            && self.cases_unsound == 0
    }
}

/// What the pass over the trail gathers: each case's replayed state, and what each sent
/// letter's event says its text hashes to.
#[derive(Default)]
struct Replay {
    states: HashMap<CaseId, Result<State, String>>,
    sent_hashes: HashMap<LetterId, String>,
}

impl Replay {
    fn see(&mut self, seq: i64, case: CaseId, action: &str, details: &str) {
        if action == EventKind::OnCase(CaseEvent::LetterSent).as_str() {
            let details: Value = serde_json::from_str(details).unwrap_or(Value::Null);
            if let (Some(id), Some(hash)) = (
                details.get("letter_id").and_then(Value::as_i64),
                details.get("sha256").and_then(Value::as_str),
            ) {
                self.sent_hashes.insert(LetterId(id), hash.to_string());
            }
        }
        let next = match self.states.get(&case) {
            None => workflow::replay(None, action),
            Some(Ok(state)) => workflow::replay(Some(*state), action),
            Some(Err(_)) => return,
        };
        self.states
            .insert(case, next.map_err(|why| format!("event {seq}: {why}")));
    }
}

/// Problems found, the first few by name.
#[derive(Default)]
struct Problems {
    named: Vec<String>,
    count: u64,
}

impl Problems {
    fn add(&mut self, text: String) {
        self.count += 1;
        if self.named.len() < MAX_CASE_PROBLEMS {
            self.named.push(text);
        }
    }
}

impl Desk {
    /// Integrity, cipher integrity, the audit chain, and each case's state replayed from its
    /// events.
    pub fn verify(&self) -> Result<VerifyReport> {
        self.verify_with_progress(&mut |_| {})
    }

    /// [`verify`](Self::verify), telling `progress` where it has got to.
    pub fn verify_with_progress(
        &self,
        progress: &mut dyn FnMut(VerifyStage),
    ) -> Result<VerifyReport> {
        progress(VerifyStage::File);
        let file = self.store.check_file()?;
        let total = u64::try_from(self.store.chain_head()?.1).unwrap_or(0);
        let mut done = 0u64;
        progress(VerifyStage::Chain { done, total });
        let mut replay = Replay::default();
        let chain = self.store.verify_chain(&mut |event| {
            done += 1;
            if done.is_multiple_of(VERIFY_PROGRESS_EVERY) {
                progress(VerifyStage::Chain { done, total });
            }
            if let Some(case) = event.case_id {
                replay.see(event.seq, case, &event.action, &event.details);
            }
        })?;
        let mut problems = Problems::default();
        // A broken chain already says the trail cannot be trusted; replaying half of it
        // would only add noise.
        if chain.broken.is_none() {
            self.compare_states(&mut replay, &mut problems)?;
            self.compare_letters(&mut replay, &mut problems)?;
        }
        Ok(VerifyReport {
            file,
            chain,
            case_problems: problems.named,
            cases_unsound: problems.count,
        })
    }

    /// Each stored state against the one its events lead to.
    fn compare_states(&self, replay: &mut Replay, problems: &mut Problems) -> Result<()> {
        self.store
            .for_each_case_state(&mut |id, reference, stored| {
                match replay.states.remove(&id) {
                    None => problems.add(format!("{reference} has no audit events")),
                    Some(Err(why)) => problems.add(format!("{reference}: {why}")),
                    Some(Ok(state)) if state.as_str() != stored => problems.add(format!(
                        "{reference} is stored as {stored} but its audit events lead to {}",
                        state.cli_name()
                    )),
                    Some(Ok(_)) => {}
                }
                Ok(())
            })?;
        for id in replay.states.keys() {
            problems.add(format!(
                "audit events name a case (id {}) that is not in the database",
                id.0
            ));
        }
        Ok(())
    }

    /// Each sent letter's text against the hash its `letter_sent` event recorded.
    fn compare_letters(&self, replay: &mut Replay, problems: &mut Problems) -> Result<()> {
        self.store
            .for_each_sent_letter(
                &mut |case, letter, body| match replay.sent_hashes.remove(&letter) {
                    Some(hash) if hash == letter_hash(body) => {}
                    Some(_) => problems.add(format!(
                        "letter {letter} (case id {}) differs from the text recorded as sent",
                        case.0
                    )),
                    None => problems.add(format!(
                        "letter {letter} (case id {}) has no letter_sent audit event",
                        case.0
                    )),
                },
            )
    }
}
