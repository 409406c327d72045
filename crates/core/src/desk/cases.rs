//! Logging a request, looking at a case (its deadline, the actions it allows, its timeline),
//! the list, and notes.

use crate::domain::calendar::company::WorkBy;
use chrono::NaiveDate;
use serde::Serialize;
use serde_json::{Value, json};

use super::Desk;
use super::act::open_case;
use crate::domain::audit::Event;
use crate::domain::customers::{Forwarding, forwarded_on};
use crate::domain::deadline::Deadline;
use crate::domain::duplicates::PossibleDuplicate;
use crate::domain::events::{CaseEvent, EventKind};
use crate::domain::filter::CaseFilter;
use crate::domain::letters::{self, Letter, OfferedLetter};
use crate::domain::next::{self, Next, Step};
use crate::domain::workflow::{self, ActionSpec};
use crate::domain::{text, timeline};
use crate::store::NoteDraft;
use crate::{Action, Case, NewCase, NoteId, Reference, Result, State};

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
    /// What (the stored name).
    pub action: String,
    /// What, as a person reads it ("Verify identity").
    pub title: String,
    /// What it did, in a sentence written from its details.
    pub summary: String,
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
    /// What the agent may do now, and what each needs. A merge is offered through
    /// `possible_duplicates`, each of which names a case to merge into.
    pub allowed_actions: Vec<ActionSpec>,
    /// The step the desk suggests next (an action or a letter), and why.
    pub next: Option<Next>,
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
    /// When the due date falls on a company closure day: the day to finish by instead.
    pub work_by: Option<WorkBy>,
    /// The mistake in the company's calendar settings, while there is one.
    pub calendar_problem: Option<String>,
}

impl CaseSummary {
    fn of(case: Case, today: NaiveDate) -> CaseSummary {
        CaseSummary {
            overdue: case.is_overdue(today),
            due_soon: case.is_due_soon(today),
            attention_on: case.attention_on(),
            case,
        }
    }
}

impl Desk {
    /// Logs a new request; returns its reference.
    pub fn new_case(&mut self, form: &NewCase) -> Result<Reference> {
        let settings = self.company_calendar()?.settings;
        let valid = Desk::with_company_calendar(&settings, form.validate(self.today())?);
        let stamp = self.stamp();
        self.write(|tx| Ok(open_case(tx, &stamp, valid, json!({}))?.reference))
    }

    /// A case with its deadline, allowed actions and timeline.
    pub fn case(&self, reference: &Reference) -> Result<CaseView> {
        let case = self.store.find_case(reference)?;
        self.view(case)
    }

    pub(super) fn view(&self, case: Case) -> Result<CaseView> {
        let today = self.today();
        let events = self
            .store
            .events_for_case(case.id)?
            .into_iter()
            .map(|event| self.timeline_entry(event))
            .collect::<Result<Vec<_>>>()?;
        let forwarding = match &case.customer {
            Some(name) => {
                let forwarded = events
                    .iter()
                    .find(|e| e.action == EventKind::Action(Action::Forward).as_str())
                    .and_then(|e| forwarded_on(&e.details, &e.at));
                Some(Forwarding::of(
                    &case,
                    &self.customer(name)?,
                    forwarded,
                    today,
                ))
            }
            None => None,
        };
        let next = next::next(&case, today);
        let suggested = next.as_ref().map(|n| n.step);
        let mut offered_letters = letters::offered(&case, today);
        // The letter the desk suggests is the one the picker starts on.
        offered_letters.sort_by_key(|o| suggested != Some(Step::Letter(o.kind)));
        let company = self.company_calendar()?;
        let deadline = case.deadline();
        let work_by = (case.state != State::Closed)
            .then(|| {
                company
                    .settings
                    .work_by(deadline.due_on, case.clock().calendar())
            })
            .flatten();
        Ok(CaseView {
            work_by,
            calendar_problem: company.problem,
            deadline,
            overdue: case.is_overdue(today),
            due_soon: case.is_due_soon(today),
            attention_on: case.attention_on(),
            allowed_actions: workflow::allowed_actions(&case, today)
                .into_iter()
                .filter(|&action| action != Action::Merge)
                .map(|action| ActionSpec {
                    suggested: suggested == Some(Step::Action(action)),
                    ..workflow::spec_for(&case, action)
                })
                .collect(),
            next,
            events,
            letters: self.store.letters_for_case(case.id)?,
            offered_letters,
            possible_duplicates: self.possible_duplicates(&case)?,
            forwarding,
            case,
        })
    }

    fn timeline_entry(&self, event: Event) -> Result<TimelineEntry> {
        let details: Value = serde_json::from_str(&event.details).unwrap_or(Value::Null);
        let text = match details.get("note_id").and_then(Value::as_i64) {
            Some(id) => self.store.note_body(NoteId(id))?,
            None => None,
        };
        Ok(TimelineEntry {
            seq: event.seq,
            at: event.at,
            actor: event.actor,
            title: timeline::title(&event.action),
            summary: timeline::sentence(&event.action, &details),
            action: event.action,
            details,
            text,
        })
    }

    /// The cases a filter selects: open ones soonest due first, then closed ones latest first.
    pub fn list(&self, filter: &CaseFilter) -> Result<Vec<CaseSummary>> {
        let today = self.today();
        let mut out = Vec::new();
        self.store.for_each_case(filter, today, &mut |case| {
            out.push(CaseSummary::of(case, today));
            Ok(())
        })?;
        Ok(out)
    }

    /// How many cases a filter selects.
    pub fn count(&self, filter: &CaseFilter) -> Result<u64> {
        self.store.count_cases(filter, self.today())
    }

    /// Adds a note to a case.
    pub fn note(&mut self, reference: &Reference, body: &str) -> Result<()> {
        let body = text::free_text("note", body, true)?;
        let stamp = self.stamp();
        self.write(|tx| {
            let case = tx.find_case(reference)?;
            let kind = EventKind::OnCase(CaseEvent::Note);
            let note = NoteDraft {
                kind: kind.as_str(),
                body: &body,
                at: &stamp.at,
                author: &stamp.actor,
            };
            let note_id = tx.insert_note(&case, &note)?;
            let details = json!({ "note_id": note_id });
            tx.append_event(&stamp.event(Some(case.id), kind, &details))?;
            Ok(())
        })
    }
}
