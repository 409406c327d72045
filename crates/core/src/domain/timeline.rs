//! A case's audit events as a person reads them: a title and one sentence each, written from
//! the event's name and its structured details (which stay as they are, for programs).

use serde_json::Value;

use crate::domain::catalog::jurisdiction_label;
use crate::domain::events::{CaseEvent, EventKind};
use crate::domain::letters::LetterKind;
use crate::domain::views::title_of;
use crate::{Channel, Identity, ItemOutcome, Jurisdiction, Kind, Outcome, State};

/// The title of an event in a timeline: "Verify identity", "Letter sent".
pub fn title(event: &str) -> String {
    match EventKind::parse(event) {
        Some(EventKind::Action(action)) => action.label().to_string(),
        Some(EventKind::Created) => "Logged".into(),
        _ => title_of(event),
    }
}

/// What the event did, in a sentence (empty when its title says it all).
pub fn sentence(event: &str, details: &Value) -> String {
    let text = |key: &str| details.get(key).and_then(Value::as_str).map(str::to_string);
    let number = |key: &str| details.get(key).and_then(Value::as_u64);
    let mut parts: Vec<String> = Vec::new();
    match EventKind::parse(event) {
        Some(EventKind::Created) => {
            let kind = text("kind")
                .and_then(|k| k.parse::<Kind>().ok())
                .map(|k| title_of(k.as_str()));
            let channel = text("channel")
                .and_then(|c| c.parse::<Channel>().ok())
                .map(|c| c.as_str().to_string());
            let law = text("jurisdiction")
                .and_then(|j| j.parse::<Jurisdiction>().ok())
                .map(jurisdiction_label);
            let mut first = kind.unwrap_or_else(|| "A request".into());
            if let Some(channel) = channel {
                first.push_str(&format!(" request received by {channel}"));
            }
            if let Some(received) = text("received_on") {
                first.push_str(&format!(" on {received}"));
            }
            parts.push(first);
            if let Some(law) = law {
                parts.push(format!("under {law}"));
            }
            if let Some(due) = text("due_on") {
                parts.push(format!("due {due}"));
            }
            match number("items") {
                Some(0) | None => {}
                Some(1) => parts.push("1 page to remove".into()),
                Some(n) => parts.push(format!("{n} pages to remove")),
            }
            if details.get("authorized_agent").and_then(Value::as_bool) == Some(true) {
                parts.push("filed by an authorized agent".into());
            }
            if details.get("minor").and_then(Value::as_bool) == Some(true) {
                parts.push("the person is under 18".into());
            }
            match text("source").as_deref() {
                Some("demo") => parts.push("made up by the demo".into()),
                Some("import") => parts.push("imported from a CSV file".into()),
                _ => {}
            }
            if let Some(of) = text("follow_up_of") {
                parts.push(format!("follows up {of}"));
            }
        }
        Some(EventKind::Action(_)) => action_parts(details, &mut parts),
        Some(EventKind::OnCase(event)) => on_case_parts(event, details, &mut parts),
        _ => {}
    }
    let sentence = parts.join(", ");
    let mut chars = sentence.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect::<String>() + ".",
        None => String::new(),
    }
}

fn action_parts(details: &Value, parts: &mut Vec<String>) {
    let text = |key: &str| details.get(key).and_then(Value::as_str).map(str::to_string);
    let state = |key: &str| text(key).and_then(|s| s.parse::<State>().ok());
    if let (Some(from), Some(to)) = (state("from"), state("to"))
        && from != to
    {
        parts.push(format!(
            "{} → {}",
            title_of(from.as_str()),
            title_of(to.as_str()).to_lowercase()
        ));
    }
    if let Some(identity) = text("identity").and_then(|i| i.parse::<Identity>().ok()) {
        parts.push(
            match identity {
                Identity::Verified => "identity verified",
                Identity::NotNeeded => "no identity check needed",
                Identity::Unchecked => "identity not checked",
            }
            .into(),
        );
    }
    if let Some(outcome) = text("outcome").and_then(|o| o.parse::<Outcome>().ok()) {
        parts.push(title_of(outcome.as_str()).to_lowercase());
    }
    if let Some(basis) = text("denial_basis") {
        parts.push(format!("basis: {}", title_of(&basis).to_lowercase()));
    }
    if details.get("suspected_fraud").and_then(Value::as_bool) == Some(true) {
        parts.push("suspected fraudulent: the clock stops until it is authenticated".into());
    }
    if let Some(to) = text("assignee") {
        parts.push(format!("to {to}"));
    }
    if let Some(until) = text("until") {
        parts.push(format!("until {until}"));
    }
    if let Some(on) = text("forwarded_on") {
        parts.push(format!("forwarded on {on}"));
    }
    if let Some(purge) = text("purge_on") {
        parts.push(format!("data deleted on {purge}"));
    }
    consequence_parts(details, parts);
}

/// What an action did beyond the case's state: a page decided, a merge, the answer's letter,
/// a new due date, a follow-up case.
fn consequence_parts(details: &Value, parts: &mut Vec<String>) {
    let text = |key: &str| details.get(key).and_then(Value::as_str).map(str::to_string);
    if let Some(item) = details.get("item").and_then(Value::as_u64) {
        let outcome = text("item_outcome").and_then(|o| o.parse::<ItemOutcome>().ok());
        let what = match outcome {
            Some(ItemOutcome::Removed) => "removed",
            Some(ItemOutcome::Refused) => "stays up",
            _ => "decided",
        };
        parts.push(format!("page {item} {what}"));
    }
    if let Some(into) = text("into") {
        parts.push(format!("merged into {into}"));
    }
    if let Some(letter) = text("without_letter").and_then(|l| l.parse::<LetterKind>().ok()) {
        parts.push(format!(
            "the answer reached the person without the letter “{}”",
            letter.title()
        ));
    }
    if let Some(due) = text("due_on") {
        parts.push(format!("now due {due}"));
    }
    if let Some(against) = text("against").and_then(|o| o.parse::<Outcome>().ok()) {
        parts.push(format!(
            "appealed against “{}”",
            title_of(against.as_str()).to_lowercase()
        ));
    }
    if let Some(due) = text("appeal_due_on") {
        parts.push(format!("appeal due {due}"));
    }
    match details.get("appeal_granted").and_then(Value::as_bool) {
        Some(true) => parts.push("appeal granted".into()),
        Some(false) => parts.push("appeal denied: the refusal is upheld".into()),
        None => {}
    }
    if let Some(follow_up) = text("follow_up") {
        parts.push(format!(
            "opened {follow_up} to erase what we should not hold"
        ));
    }
}

fn on_case_parts(event: CaseEvent, details: &Value, parts: &mut Vec<String>) {
    let text = |key: &str| details.get(key).and_then(Value::as_str).map(str::to_string);
    let letter = text("kind")
        .and_then(|k| k.parse::<LetterKind>().ok())
        .map(|k| format!("“{}”", k.title()));
    match event {
        CaseEvent::LetterSent => {
            parts.extend(letter);
            if let Some(hash) = text("sha256") {
                parts.push(format!("text fingerprint {}", &hash[..hash.len().min(12)]));
            }
        }
        CaseEvent::LetterDraftSaved | CaseEvent::LetterDraftDiscarded => parts.extend(letter),
        CaseEvent::LetterExported => {
            if let Some(id) = details.get("letter_id").and_then(Value::as_u64) {
                parts.push(format!("letter {id} saved as a file"));
            }
        }
        CaseEvent::MergedFrom => {
            if let Some(from) = text("from") {
                parts.push(format!("{from} merged into this case"));
            }
            let added = details.get("items_added").and_then(Value::as_u64);
            if let Some(n) = added.filter(|&n| n > 0) {
                parts.push(format!("{n} new page(s) taken in"));
            }
        }
        CaseEvent::MailReceived => {
            let from = match text("sender").as_deref() {
                Some("requester") => "from the requester",
                Some("customer") => "from the customer",
                _ => "from an address the case does not know",
            };
            let how = if details.get("merged").and_then(Value::as_bool) == Some(true) {
                "moved here from the intake queue"
            } else {
                "a reply to the case"
            };
            parts.push(format!("an email {from}, {how}"));
            match details.get("attachments").and_then(Value::as_u64) {
                Some(0) | None => {}
                Some(1) => parts.push("1 file attached".into()),
                Some(n) => parts.push(format!("{n} files attached")),
            }
        }
        CaseEvent::Note if text("guidance").as_deref() == Some("minor") => {
            parts.push("guidance for a request about someone under 18".into());
        }
        CaseEvent::Note | CaseEvent::Redacted => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_created_event_reads_as_a_sentence_not_as_fields() {
        let details = json!({
            "kind": "access", "jurisdiction": "lgpd", "channel": "web",
            "received_on": "2026-06-01", "due_on": "2026-06-16", "items": 0,
            "minor": false, "source": "demo",
        });
        assert_eq!(
            sentence("created", &details),
            "Access request received by web on 2026-06-01, under LGPD (Brazil), due 2026-06-16, \
             made up by the demo."
        );
        assert_eq!(title("created"), "Logged");
    }

    #[test]
    fn an_action_says_where_it_took_the_case_and_what_it_recorded() {
        let details =
            json!({ "from": "new", "to": "in_progress", "identity": "verified", "note_id": 3 });
        assert_eq!(
            sentence("verify", &details),
            "New → in progress, identity verified."
        );
        assert_eq!(title("verify"), "Verify identity");
        let closed =
            json!({ "from": "in_progress", "to": "closed", "outcome": "partially_fulfilled" });
        assert_eq!(
            sentence("close", &closed),
            "In progress → closed, partially fulfilled."
        );
        let sent =
            json!({ "letter_id": 1, "kind": "access_response", "sha256": "ab12cd34ef56aa77" });
        assert_eq!(
            sentence("letter_sent", &sent),
            "“Access: copy of the data”, text fingerprint ab12cd34ef56."
        );
        assert_eq!(sentence("note", &json!({ "note_id": 1 })), "");
    }
}
