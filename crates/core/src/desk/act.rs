//! The one path every state change takes: `workflow::apply` decides, and [`carry_out`] writes
//! the case, its note, the effects the workflow returned, then the action's event. The app, the
//! command line, bulk work, imports and the demo seeder all come through here, so a case's
//! history is always what the workflow says.

use chrono::Datelike;
use serde_json::{Value, json};

use super::{Desk, Stamp};
use crate::domain::duplicates;
use crate::domain::events::{CaseEvent, EventKind};
use crate::domain::minors::{GUIDANCE_NOTE, MINOR_GUIDANCE};
use crate::domain::new_case::ValidNewCase;
use crate::domain::workflow::{self, Change, Effect};
use crate::store::{NoteDraft, Writes};
use crate::{Action, ActionInput, Case, CaseView, Reference, Result};

/// What carrying out a change wrote.
#[derive(Debug)]
pub(super) struct Carried {
    /// The case as it now is.
    pub case: Case,
    /// Cases its effects opened (a minor's follow-up erasure).
    pub opened: Vec<Case>,
}

impl Desk {
    /// Does `action` to a case, or says why not; returns the case as it now is.
    pub fn act(
        &mut self,
        reference: &Reference,
        action: Action,
        input: &ActionInput,
    ) -> Result<CaseView> {
        let today = self.today();
        let stamp = self.stamp();
        // What the action is decided on: the case as the person saw it, or as it reads now.
        let seen = match input.seen_revision {
            Some(seen) => seen,
            None => self.store.find_case(reference)?.revision.number,
        };
        let case = self.write(|tx| {
            // Read again inside the transaction (under the team desk's row lock): a change
            // made since by anyone else is never overwritten.
            let case = tx.find_case(reference)?;
            case.revision.check_seen(seen, reference)?;
            let change = workflow::apply(&case, action, input, today)?;
            Ok(carry_out(tx, &stamp, &case, change)?.case)
        })?;
        self.view(case)
    }
}

/// Writes an accepted change of `before`: its text as a note, the case, each effect, then the
/// action's event recording what the effects made.
pub(super) fn carry_out(
    tx: &mut dyn Writes,
    stamp: &Stamp,
    before: &Case,
    change: Change,
) -> Result<Carried> {
    let Change {
        mut case,
        action,
        mut details,
        text,
        effects,
    } = change;
    let kind = EventKind::Action(action);
    if let Some(text) = &text {
        let note_id = tx.insert_note(&case, &note(kind, text, stamp))?;
        details["note_id"] = json!(note_id);
    }
    tx.update_case(&case, &stamp.at, &stamp.actor)?;
    // The case handed back is the one now stored: its next revision, as the store counted it.
    case.revision = before.revision.next(&stamp.actor, &stamp.at);
    let mut opened = Vec::new();
    for effect in effects {
        match effect {
            Effect::OpenFollowUp(valid) => {
                let origin = json!({ "follow_up_of": before.reference });
                let follow_up = open_case(tx, stamp, *valid, origin)?;
                details["follow_up"] = json!(follow_up.reference);
                opened.push(follow_up);
            }
            Effect::FoldInto { into, duplicate } => fold_into(tx, stamp, &into, &duplicate)?,
        }
    }
    tx.append_event(&stamp.event(Some(case.id), kind, &details))?;
    Ok(Carried { case, opened })
}

/// The kept case of a merge takes in the duplicate: its pages with their decisions, a note of
/// what it said, and a `merged_from` event. Refused (and so the whole merge) when the two do
/// not merge.
fn fold_into(tx: &mut dyn Writes, stamp: &Stamp, into: &Reference, duplicate: &Case) -> Result<()> {
    let kept = tx.find_case(into)?;
    let fold = duplicates::fold(duplicate, &kept)?;
    if fold.items_decided > 0 {
        tx.update_case(&fold.kept, &stamp.at, &stamp.actor)?;
    }
    tx.add_items(kept.id, &fold.new_items)?;
    let kind = EventKind::OnCase(CaseEvent::MergedFrom);
    let note_id = tx.insert_note(&kept, &note(kind, &fold.note, stamp))?;
    let details = json!({
        "from": duplicate.reference,
        "items_added": fold.new_items.len(),
        "items_decided": fold.items_decided,
        "note_id": note_id,
    });
    tx.append_event(&stamp.event(Some(kept.id), kind, &details))?;
    Ok(())
}

/// Opens a validated case: its reference, the case, its `created` event (with `origin` added to
/// its details), and for someone under 18 the guidance note it starts with.
pub(super) fn open_case(
    tx: &mut dyn Writes,
    stamp: &Stamp,
    valid: ValidNewCase,
    origin: Value,
) -> Result<Case> {
    let reference = tx.next_reference(valid.received_on.year())?;
    let mut case = Case::opened(reference, valid);
    case.id = tx.insert_case(&case, &stamp.at)?;
    let mut details = json!({
        "kind": case.kind,
        "jurisdiction": case.jurisdiction,
        "channel": case.channel,
        "received_on": case.received_on,
        "due_on": case.due_on,
        "items": case.items.len(),
        "minor": case.requester.is_minor,
    });
    if case.authorized_agent.is_some() {
        details["authorized_agent"] = json!(true);
    }
    if let (Some(target), Value::Object(extra)) = (details.as_object_mut(), origin) {
        target.extend(extra);
    }
    tx.append_event(&stamp.event(Some(case.id), EventKind::Created, &details))?;
    if case.requester.is_minor {
        let guidance = NoteDraft {
            kind: GUIDANCE_NOTE,
            body: MINOR_GUIDANCE,
            at: &stamp.at,
            author: &stamp.actor,
        };
        let note_id = tx.insert_note(&case, &guidance)?;
        let details = json!({ "note_id": note_id, "guidance": "minor" });
        let kind = EventKind::OnCase(CaseEvent::Note);
        tx.append_event(&stamp.event(Some(case.id), kind, &details))?;
    }
    Ok(case)
}

/// The note that keeps an action's text apart from its event.
fn note<'a>(kind: EventKind, body: &'a str, stamp: &'a Stamp) -> NoteDraft<'a> {
    NoteDraft {
        kind: kind.as_str(),
        body,
        at: &stamp.at,
        author: &stamp.actor,
    }
}
