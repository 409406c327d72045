//! The API the adapters call: one method per use case, each one transaction that asks
//! `workflow` and then writes through `store`.

use std::collections::HashMap;
use std::path::Path;

use chrono::{Datelike, Local, NaiveDate, SecondsFormat, Utc};
use serde::Serialize;
use serde_json::{Value, json};

use crate::audit::Event;
use crate::case::ValidNewCase;
use crate::customers::Forwarding;
use crate::deadline::Deadline;
use crate::duplicates::PossibleDuplicate;
use crate::letters::{Letter, OfferedLetter, Templates};
use crate::store::{self, CaseFilter, EventDraft, FileCheck, Store};
use crate::workflow::{self, Action, ActionInput, ActionSpec};
use crate::{Agent, Case, CaseId, Error, NewCase, Passphrase, Reference, Result, State, text};

/// An unlocked database and the agent working in it.
#[derive(Debug)]
pub struct Desk {
    store: Store,
    agent: Agent,
    today: Option<NaiveDate>,
    templates: Templates,
}

/// A case in a list: its fields and what the list shows about its deadline.
#[derive(Debug, Clone, Serialize)]
pub struct CaseSummary {
    /// The case (items not loaded).
    #[serde(flatten)]
    pub case: Case,
    /// Open, clock running, past due.
    pub overdue: bool,
    /// Open and due within seven days.
    pub due_soon: bool,
    /// When it next needs action (see [`Case::attention_on`]); `None` while nothing is pending.
    pub attention_on: Option<NaiveDate>,
}

/// One entry of a case's timeline.
#[derive(Debug, Clone, Serialize)]
pub struct TimelineEntry {
    /// Position in the audit trail.
    pub seq: i64,
    /// When (RFC 3339, UTC).
    pub at: String,
    /// Who.
    pub actor: String,
    /// What.
    pub action: String,
    /// Structured details.
    pub details: Value,
    /// The note or reason given with it, unless retention removed it.
    pub text: Option<String>,
}

/// Everything the case view shows.
#[derive(Debug, Clone, Serialize)]
pub struct CaseView {
    /// The case with its items.
    #[serde(flatten)]
    pub case: Case,
    /// The due date and how it was reached.
    pub deadline: Deadline,
    /// Open, clock running, past due.
    pub overdue: bool,
    /// Open and due within seven days.
    pub due_soon: bool,
    /// When it next needs action (see [`Case::attention_on`]); `None` while nothing is pending.
    pub attention_on: Option<NaiveDate>,
    /// What the agent may do now, and what each needs.
    pub allowed_actions: Vec<ActionSpec>,
    /// The audit timeline, oldest first.
    pub events: Vec<TimelineEntry>,
    /// Its letters, drafts and sent, oldest first.
    pub letters: Vec<Letter>,
    /// The letters that answer it as it stands.
    pub offered_letters: Vec<OfferedLetter>,
    /// Other open cases from the same requester address (empty once closed).
    pub possible_duplicates: Vec<PossibleDuplicate>,
    /// For a processor case, the customer's forwarding deadline beside the legal one.
    pub forwarding: Option<Forwarding>,
}

/// The outcome of `verify`.
#[derive(Debug, Clone, Serialize)]
pub struct VerifyReport {
    /// SQLite and SQLCipher checks.
    pub file: FileCheck,
    /// The audit chain check.
    pub chain: store::ChainReport,
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
    /// SQLite's and SQLCipher's checks of every page of the file.
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

pub(crate) fn timestamp() -> String {
    Utc::now().to_rfc3339_opts(SecondsFormat::Millis, true)
}

impl Desk {
    /// Creates a new encrypted database.
    pub fn create(path: &Path, passphrase: &Passphrase, agent: Agent) -> Result<Desk> {
        Ok(Desk {
            store: Store::create(path, passphrase)?,
            agent,
            today: None,
            templates: Templates::beside(path),
        })
    }

    /// Opens (unlocks) an existing database.
    pub fn open(path: &Path, passphrase: &Passphrase, agent: Agent) -> Result<Desk> {
        Ok(Desk {
            store: Store::open(path, passphrase)?,
            agent,
            today: None,
            templates: Templates::beside(path),
        })
    }

    /// Opens an unencrypted copy made by [`Store::write_unencrypted_copy`] (benchmarks only).
    #[cfg(feature = "bench")]
    pub fn open_unencrypted(path: &Path, agent: Agent) -> Result<Desk> {
        Ok(Desk {
            store: Store::open_unencrypted(path)?,
            agent,
            today: None,
            templates: Templates::beside(path),
        })
    }

    /// Pins "today" (tests, and the demo seeder replaying history).
    pub fn set_today(&mut self, today: NaiveDate) {
        self.today = Some(today);
    }

    /// Today's date in the agent's local time zone, unless pinned.
    pub fn today(&self) -> NaiveDate {
        self.today.unwrap_or_else(|| Local::now().date_naive())
    }

    /// The agent recorded on events.
    pub fn agent(&self) -> &Agent {
        &self.agent
    }

    /// The underlying store, for checks and benchmarks.
    pub fn store(&self) -> &Store {
        &self.store
    }

    pub(crate) fn store_mut(&mut self) -> &mut Store {
        &mut self.store
    }

    /// Logs a new request; returns its reference.
    pub fn new_case(&mut self, form: &NewCase) -> Result<Reference> {
        let valid = form.validate(self.today())?;
        let now = timestamp();
        let actor = self.agent.as_str().to_string();
        self.store.write(|tx| {
            let mut cursor = store::ChainCursor::load(tx)?;
            let case = insert_new_case(tx, valid, &now, &actor, &mut cursor, json!({}))?;
            cursor.save(tx)?;
            Ok(case.reference)
        })
    }

    /// A case with its deadline, allowed actions and timeline.
    pub fn case(&self, reference: &Reference) -> Result<CaseView> {
        let case = self.store.find_case(reference)?;
        self.view(case)
    }

    fn view(&self, case: Case) -> Result<CaseView> {
        let today = self.today();
        let events = self
            .store
            .events_for_case(case.id)?
            .into_iter()
            .map(|event| self.timeline_entry(event))
            .collect::<Result<Vec<_>>>()?;
        let forwarding = match &case.customer {
            Some(name) => Some(Forwarding::of(&case, &self.customer(name)?, &events, today)),
            None => None,
        };
        Ok(CaseView {
            deadline: case.deadline(),
            overdue: case.is_overdue(today),
            due_soon: case.is_due_soon(today),
            attention_on: case.attention_on(),
            allowed_actions: workflow::allowed_actions(&case, today)
                .into_iter()
                .map(|action| workflow::spec_for(&case, action))
                .collect(),
            events,
            letters: store::letters::letters_for_case(self.store.conn(), case.id)?,
            offered_letters: crate::letters::offered(&case, today),
            possible_duplicates: self.possible_duplicates(&case)?,
            forwarding,
            case,
        })
    }

    fn timeline_entry(&self, event: Event) -> Result<TimelineEntry> {
        let details: Value = serde_json::from_str(&event.details).unwrap_or(Value::Null);
        let text = match details.get("note_id").and_then(Value::as_i64) {
            Some(id) => store::note_body(self.store.conn(), id)?,
            None => None,
        };
        Ok(TimelineEntry {
            seq: event.seq,
            at: event.at,
            actor: event.actor,
            action: event.action,
            details,
            text,
        })
    }

    /// The cases a filter selects, sorted by due date.
    pub fn list(&self, filter: &CaseFilter) -> Result<Vec<CaseSummary>> {
        let today = self.today();
        let mut out = Vec::new();
        self.store.for_each_case(filter, today, |case| {
            out.push(CaseSummary {
                overdue: case.is_overdue(today),
                due_soon: case.is_due_soon(today),
                attention_on: case.attention_on(),
                case,
            });
            Ok(())
        })?;
        Ok(out)
    }

    /// How many cases a filter selects.
    pub fn count(&self, filter: &CaseFilter) -> Result<u64> {
        self.store.count_cases(filter, self.today())
    }

    /// Does `action` to a case, or says why not; returns the case as it now is.
    pub fn act(
        &mut self,
        reference: &Reference,
        action: Action,
        input: &ActionInput,
    ) -> Result<CaseView> {
        let today = self.today();
        let now = timestamp();
        let actor = self.agent.as_str().to_string();
        let case = self.store.write(|tx| {
            let case = store::find_case(tx, reference)?;
            let change = workflow::apply(&case, action, input, today)?;
            let mut details = change.details;
            if let Some(text) = &change.text {
                let note_id = store::insert_note(tx, case.id, &now, &actor, action.as_str(), text)?;
                details["note_id"] = json!(note_id);
                let notes = store::all_note_text(tx, case.id)?;
                store::reindex(tx, case.id, &change.case, &notes)?;
            }
            store::update_case(tx, &change.case, &now)?;
            let mut cursor = store::ChainCursor::load(tx)?;
            let follow_up = minor_follow_up(&case, &change.case, today);
            if let Some(valid) = &follow_up {
                // The reference is handed out first so the close event can name it.
                let erasure = insert_new_case(
                    tx,
                    valid.clone(),
                    &now,
                    &actor,
                    &mut cursor,
                    json!({ "follow_up_of": case.reference }),
                )?;
                details["follow_up"] = json!(erasure.reference);
            }
            cursor.append(
                tx,
                &EventDraft {
                    case_id: Some(case.id),
                    at: &now,
                    actor: &actor,
                    action: action.as_str(),
                    details: details.to_string(),
                },
            )?;
            cursor.save(tx)?;
            Ok(change.case)
        })?;
        self.view(case)
    }

    /// Adds a note to a case.
    pub fn note(&mut self, reference: &Reference, body: &str) -> Result<()> {
        let body = text::free_text("note", body, true)?;
        let now = timestamp();
        let actor = self.agent.as_str().to_string();
        self.store.write(|tx| {
            let case = store::find_case(tx, reference)?;
            let note_id = store::insert_note(tx, case.id, &now, &actor, "note", &body)?;
            let notes = store::all_note_text(tx, case.id)?;
            store::reindex(tx, case.id, &case, &notes)?;
            store::append_one(
                tx,
                &EventDraft {
                    case_id: Some(case.id),
                    at: &now,
                    actor: &actor,
                    action: "note",
                    details: json!({ "note_id": note_id }).to_string(),
                },
            )?;
            Ok(())
        })
    }

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
        // Replay every case's state from its events in the same pass as the chain check.
        let mut replayed: HashMap<i64, Result<State, String>> = HashMap::new();
        // What each sent letter's event says its text hashes to.
        let mut sent_hashes: HashMap<i64, String> = HashMap::new();
        let chain = self.store.verify_chain(&mut |event| {
            done += 1;
            if done.is_multiple_of(VERIFY_PROGRESS_EVERY) {
                progress(VerifyStage::Chain { done, total });
            }
            let Some(case) = event.case_id else { return };
            if event.action == "letter_sent" {
                let details: Value = serde_json::from_str(&event.details).unwrap_or(Value::Null);
                if let (Some(id), Some(hash)) = (
                    details.get("letter_id").and_then(Value::as_i64),
                    details.get("sha256").and_then(Value::as_str),
                ) {
                    sent_hashes.insert(id, hash.to_string());
                }
            }
            let next = match replayed.get(&case) {
                None => workflow::replay(None, &event.action),
                Some(Ok(state)) => workflow::replay(Some(*state), &event.action),
                Some(Err(_)) => return,
            };
            replayed.insert(
                case,
                next.map_err(|why| format!("event {}: {why}", event.seq)),
            );
        })?;
        let mut case_problems = Vec::new();
        let mut cases_unsound = 0u64;
        // A broken chain already says the trail cannot be trusted; replaying half of it
        // would only add noise.
        if chain.broken.is_none() {
            let mut problem = |text: String| {
                cases_unsound += 1;
                if case_problems.len() < MAX_CASE_PROBLEMS {
                    case_problems.push(text);
                }
            };
            self.store.for_each_case_state(|id, reference, stored| {
                match replayed.remove(&id) {
                    None => problem(format!("{reference} has no audit events")),
                    Some(Err(why)) => problem(format!("{reference}: {why}")),
                    Some(Ok(state)) if state.as_str() != stored => problem(format!(
                        "{reference} is stored as {stored} but its audit events lead to {}",
                        state.cli_name()
                    )),
                    Some(Ok(_)) => {}
                }
                Ok(())
            })?;
            for id in replayed.keys() {
                problem(format!(
                    "audit events name a case (id {id}) that is not in the database"
                ));
            }
            store::letters::for_each_sent_letter(self.store.conn(), |case, letter, body| {
                match sent_hashes.remove(&letter) {
                    Some(hash) if hash == crate::letters::letter_hash(body) => {}
                    Some(_) => problem(format!(
                        "letter {letter} (case id {case}) differs from the text recorded as sent"
                    )),
                    None => problem(format!(
                        "letter {letter} (case id {case}) has no letter_sent audit event"
                    )),
                }
            })?;
        }
        Ok(VerifyReport {
            file,
            chain,
            case_problems,
            cases_unsound,
        })
    }

    /// An online copy to a new encrypted file, opened by the same passphrase.
    pub fn backup(&self, target: &Path, passphrase: &Passphrase) -> Result<()> {
        self.store.backup_to(target, passphrase)
    }

    /// Changes the passphrase.
    pub fn rekey(&mut self, new: &Passphrase) -> Result<()> {
        self.store.rekey(new)
    }

    /// Records the writing of `file` in the audit trail. A file that cannot be recorded is
    /// deleted: personal data never leaves the database unaudited.
    pub(crate) fn record_written(
        &mut self,
        file: &crate::WrittenFile,
        action: &str,
        details: Value,
    ) -> Result<String> {
        self.record_written_on(None, file, action, details)
    }

    /// [`record_written`](Self::record_written) for a file made from one case (a letter).
    pub(crate) fn record_written_on(
        &mut self,
        case: Option<CaseId>,
        file: &crate::WrittenFile,
        action: &str,
        details: Value,
    ) -> Result<String> {
        self.record(case, action, details).map_err(|err| {
            match std::fs::remove_file(&file.path) {
                Ok(()) => Error::Io {
                    context: format!(
                        "{} was not kept: writing it could not be recorded in the audit trail",
                        file.path.display()
                    ),
                    source: match err {
                        Error::Io { source, .. } => source,
                        other => std::io::Error::other(other.to_string()),
                    },
                },
                // Say so rather than hide it: the file exists but is not in the audit trail.
                Err(_) => err,
            }
        })
    }

    /// Records an event without a change to a case (an export, a file written from a case) in
    /// the audit trail.
    pub(crate) fn record(
        &mut self,
        case: Option<CaseId>,
        action: &str,
        details: Value,
    ) -> Result<String> {
        let now = timestamp();
        let actor = self.agent.as_str().to_string();
        self.store.write(|tx| {
            let mut cursor = store::ChainCursor::load(tx)?;
            cursor.append(
                tx,
                &EventDraft {
                    case_id: case,
                    at: &now,
                    actor: &actor,
                    action,
                    details: details.to_string(),
                },
            )?;
            cursor.save(tx)?;
            Ok(cursor.head().to_string())
        })
    }
}

/// The erasure a minor's access request leads to once answered: the policy does not collect
/// data from under-18s, so what was found is erased as a case of its own, with its deadline.
fn minor_follow_up(before: &Case, after: &Case, today: NaiveDate) -> Option<ValidNewCase> {
    let answered = matches!(
        after.outcome,
        Some(crate::Outcome::Fulfilled | crate::Outcome::PartiallyFulfilled)
    );
    (before.state != State::Closed
        && after.state == State::Closed
        && answered
        && after.kind == crate::Kind::Access
        && after.requester.is_minor)
        .then(|| ValidNewCase {
            kind: crate::Kind::Erasure,
            requester: after.requester.clone(),
            received_on: today,
            jurisdiction: after.jurisdiction,
            customer: after.customer.clone(),
            channel: after.channel,
            details: format!(
                "Follow-up to {}: the person is under 18. Erase the personal data found that \
                 the company should not have collected (privacy policy, children's personal \
                 information).",
                after.reference
            ),
            items: Vec::new(),
        })
}

/// Inserts a validated new case and its `created` event; `origin` adds to the event's details.
pub(crate) fn insert_new_case(
    tx: &rusqlite::Transaction<'_>,
    valid: ValidNewCase,
    at: &str,
    actor: &str,
    cursor: &mut store::ChainCursor,
    origin: Value,
) -> Result<Case> {
    let reference = store::next_reference(tx, valid.received_on.year())?;
    let mut case = Case::opened(reference, valid);
    case.id = store::insert_case(tx, &case, at)?;
    let mut details = json!({
        "kind": case.kind,
        "jurisdiction": case.jurisdiction,
        "channel": case.channel,
        "received_on": case.received_on,
        "due_on": case.due_on,
        "items": case.items.len(),
        "minor": case.requester.is_minor,
    });
    if let (Some(target), Value::Object(extra)) = (details.as_object_mut(), origin) {
        target.extend(extra);
    }
    cursor.append(
        tx,
        &EventDraft {
            case_id: Some(case.id),
            at,
            actor,
            action: "created",
            details: details.to_string(),
        },
    )?;
    if case.requester.is_minor {
        let note_id = store::insert_note(
            tx,
            case.id,
            at,
            actor,
            "guidance",
            crate::case::MINOR_GUIDANCE,
        )?;
        store::reindex(tx, case.id, &case, crate::case::MINOR_GUIDANCE)?;
        cursor.append(
            tx,
            &EventDraft {
                case_id: Some(case.id),
                at,
                actor,
                action: "note",
                details: json!({ "note_id": note_id, "guidance": "minor" }).to_string(),
            },
        )?;
    }
    Ok(case)
}

const _: () = {
    // The desktop shell keeps a Desk behind a Mutex and moves it to blocking threads.
    const fn assert_send<T: Send>() {}
    assert_send::<Desk>();
};

mod letters;
#[cfg(test)]
mod tests;
