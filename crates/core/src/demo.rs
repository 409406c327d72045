//! The demo seeder: realistic cases across every kind, state, law and date, worked through the
//! real workflow so that their audit trails are true to it.

use chrono::{Days, NaiveDate};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde_json::json;

use crate::case::{Requester, ValidNewCase};
use crate::desk::{Desk, insert_new_case};
use crate::store::{self, ChainCursor, EventDraft};
use crate::text::Email;
use crate::workflow::{self, Action, ActionInput};
use crate::{
    Case, Channel, DenialBasis, Error, ItemOutcome, Jurisdiction, Kind, Outcome, Result, State,
};

/// Cases written per transaction.
const BATCH: u64 = 5_000;
/// How far back the demo's history reaches.
const HISTORY_DAYS: u64 = 730;

/// One demo case in this many comes from the requester of the case before it.
const DUPLICATE_EVERY: u64 = 250;

const FIRST: &[&str] = &[
    "Ana", "Ben", "Chloé", "Dmitri", "Emma", "Farah", "Gustavo", "Hana", "Ibrahim", "Julia",
    "Kenji", "Léa", "Mateus", "Nadia", "Oliver", "Priya", "Quentin", "Rosa", "Sven", "Tomasz",
    "Uma", "Viktor", "Wei", "Ximena", "Yusuf", "Zoë", "محمد", "李", "Søren", "Ángel",
];
const LAST: &[&str] = &[
    "Ruiz",
    "Okafor",
    "Müller",
    "Nguyen",
    "Smith",
    "Haddad",
    "Silva",
    "Tanaka",
    "Kowalski",
    "Dubois",
    "O'Brien",
    "García",
    "Johansson",
    "Rossi",
    "Patel",
    "Kim",
    "Novak",
    "Fischer",
    "Costa",
    "Ivanova",
    "الأحمد",
    "王",
    "Østergaard",
    "Łukasik",
];
const DOMAINS: &[&str] = &[
    "example.com",
    "mail.example.org",
    "example.net",
    "post.example.de",
    "example.co.uk",
];
const CUSTOMERS: &[&str] = &[
    "Acme Retail Ltd",
    "Blue Harbor Clinics",
    "Cobalt Logistics GmbH",
    "Delta Schools Inc",
    "Evergreen Insurance",
    "Fjord Travel AS",
    "Granite Realty LLC",
    "Helios Energy SA",
    "Iris Dental Group",
    "Juniper Legal LLP",
];
const AGENTS: &[&str] = &["ana", "ben", "chloé", "dev", "emma"];

fn pick<'a, T>(rng: &mut ChaCha8Rng, items: &'a [T]) -> &'a T {
    &items[rng.random_range(0..items.len())]
}

fn weighted<T: Copy>(rng: &mut ChaCha8Rng, items: &[(T, u32)]) -> T {
    let total: u32 = items.iter().map(|(_, w)| w).sum();
    let mut roll = rng.random_range(0..total);
    for &(item, weight) in items {
        if roll < weight {
            return item;
        }
        roll -= weight;
    }
    items[0].0
}

fn details_for(kind: Kind, rng: &mut ChaCha8Rng) -> String {
    let text = match kind {
        Kind::Access => "Please tell me what personal data you hold about me and send me a copy.",
        Kind::Correction => {
            "My address and phone number in my profile are out of date; please correct them."
        }
        Kind::Erasure => "I want all my personal data deleted from your systems.",
        Kind::ForumRemoval => {
            "Please remove my posts from the community forum; they show my full name and employer."
        }
        Kind::AccountClosure => "Please close my account and delete everything.",
        Kind::Restriction => "Stop using my data for analytics and profiling.",
        Kind::MarketingOptOut => "Unsubscribe me from all newsletters and marketing emails.",
        Kind::Inquiry => {
            "Which sub-contractors receive my data, and in which countries is it stored?"
        }
    };
    if rng.random_bool(0.1) {
        format!("{text} Sent via my lawyer; reply in writing.")
    } else {
        text.to_string()
    }
}

fn random_form(rng: &mut ChaCha8Rng, received_on: NaiveDate, serial: u64) -> Result<ValidNewCase> {
    use Kind as K;
    let kind = weighted(
        rng,
        &[
            (K::Access, 25),
            (K::Erasure, 15),
            (K::AccountClosure, 15),
            (K::MarketingOptOut, 15),
            (K::Correction, 8),
            (K::ForumRemoval, 7),
            (K::Restriction, 5),
            (K::Inquiry, 10),
        ],
    );
    use Jurisdiction as J;
    let jurisdiction = weighted(
        rng,
        &[
            (J::Gdpr, 30),
            (J::UkGdpr, 10),
            (J::Ccpa, 25),
            (J::Pipeda, 10),
            (J::Quebec, 5),
            (J::Lgpd, 5),
            (J::Default, 15),
        ],
    );
    use Channel as C;
    let channel = weighted(
        rng,
        &[
            (C::Email, 50),
            (C::Web, 30),
            (C::Phone, 5),
            (C::Forum, 10),
            (C::Letter, 5),
        ],
    );
    let first = *pick(rng, FIRST);
    let last = *pick(rng, LAST);
    let local: String = first
        .chars()
        .filter(char::is_ascii_alphabetic)
        .collect::<String>()
        .to_ascii_lowercase();
    let local = if local.is_empty() {
        "user".to_string()
    } else {
        local
    };
    let email = Email::parse(&format!("{local}.{serial}@{}", pick(rng, DOMAINS)))?;
    let items = if kind == K::ForumRemoval {
        (0..rng.random_range(1..=3))
            .map(|i| format!("https://community.workoptima.example/t/thread-{serial}-{i}"))
            .collect()
    } else {
        Vec::new()
    };
    Ok(ValidNewCase {
        kind,
        requester: Requester {
            name: format!("{first} {last}"),
            email,
            // Those who called left a number (from Ofcom's range kept for drama, never a line).
            phone: (channel == Channel::Phone).then(|| format!("+44 20 7946 {:04}", serial % 1000)),
            is_minor: rng.random_bool(0.02),
        },
        received_on,
        jurisdiction,
        customer: rng
            .random_bool(0.6)
            .then(|| pick(rng, CUSTOMERS).to_string()),
        channel,
        details: details_for(kind, rng),
        items,
    })
}

/// One planned step of a demo case's history.
struct Step {
    day: NaiveDate,
    action: Action,
    input: ActionInput,
}

fn after(day: NaiveDate, days: u64) -> NaiveDate {
    day.checked_add_days(Days::new(days)).unwrap_or(day)
}

fn plan(rng: &mut ChaCha8Rng, case: &Case) -> Vec<Step> {
    let mut steps = Vec::new();
    let mut day = case.received_on;
    let mut push = |day: NaiveDate, action: Action, input: ActionInput| {
        steps.push(Step { day, action, input })
    };
    if rng.random_bool(0.8) {
        push(
            day,
            Action::Assign,
            ActionInput {
                to: Some(pick(rng, AGENTS).to_string()),
                ..Default::default()
            },
        );
    }
    if rng.random_bool(0.35) {
        day = after(day, rng.random_range(0..3));
        push(day, Action::RequestId, ActionInput::default());
        day = after(day, rng.random_range(1..8));
    } else {
        // New requests wait a day or two before anyone looks at them.
        day = after(day, rng.random_range(0..3));
    }
    let verify = ActionInput {
        reason: case.needs_guardian_check().then(|| {
            "Mother's ID and the child's birth certificate checked by video call.".to_string()
        }),
        ..Default::default()
    };
    push(day, Action::Verify, verify);
    if case.customer.is_some() && rng.random_bool(0.7) {
        day = after(day, rng.random_range(0..4));
        push(day, Action::Forward, ActionInput::default());
        day = after(day, rng.random_range(1..12));
        push(day, Action::CustomerReplied, ActionInput::default());
    }
    if rng.random_bool(0.1) {
        day = after(day, rng.random_range(0..5));
        push(day, Action::AskRequester, ActionInput::default());
        day = after(day, rng.random_range(1..10));
        push(day, Action::RequesterReplied, ActionInput::default());
    }
    let deadline = case.deadline();
    if let Some(latest) = deadline
        .latest_extension_on
        .filter(|_| rng.random_bool(0.08))
    {
        let on = after(day, 1).min(deadline.statutory_due_on);
        let until = after(deadline.due_on, rng.random_range(7..40)).min(latest);
        push(
            on,
            Action::Extend,
            ActionInput {
                until: Some(until),
                reason: Some(
                    "Complex request spanning several systems; the customer needs more time."
                        .into(),
                ),
                ..Default::default()
            },
        );
    }
    let close_day = after(day, rng.random_range(1..40));
    for item in &case.items {
        let input = if rng.random_bool(0.25) {
            (
                Action::RefuseItem,
                Some(
                    "The post is quoted in a published moderation decision we must keep."
                        .to_string(),
                ),
            )
        } else {
            (Action::RemoveItem, None)
        };
        push(
            close_day,
            input.0,
            ActionInput {
                item: Some(item.url.clone()),
                reason: input.1,
                ..Default::default()
            },
        );
    }
    if case.kind == Kind::AccountClosure {
        push(close_day, Action::ScheduleDeletion, ActionInput::default());
        if rng.random_bool(0.1) {
            push(
                after(close_day, 2),
                Action::Hold,
                ActionInput {
                    reason: Some("Invoices must be kept for 7 years (tax law).".into()),
                    ..Default::default()
                },
            );
        } else {
            push(
                after(close_day, 30),
                Action::ConfirmDeletion,
                ActionInput::default(),
            );
        }
        return steps;
    }
    let outcome = weighted(
        rng,
        &[
            (Outcome::Fulfilled, 70),
            (Outcome::PartiallyFulfilled, 8),
            (Outcome::Denied, 12),
            (Outcome::Withdrawn, 10),
        ],
    );
    let (basis, reason) = match rng.random_range(0..4) {
        0 => (
            DenialBasis::IdentityNotVerified,
            "We could not verify the requester's identity.",
        ),
        1 => (
            DenialBasis::LegalObligation,
            "The records must be kept under tax law.",
        ),
        2 => (
            DenialBasis::ControllerDecision,
            "The customer, as controller, declined the request.",
        ),
        _ => (
            DenialBasis::ManifestlyUnfounded,
            "Fourth identical request this month.",
        ),
    };
    let input = ActionInput {
        outcome: Some(outcome),
        denial_basis: (outcome == Outcome::Denied).then_some(basis),
        reason: (outcome == Outcome::Denied).then(|| reason.to_string()),
        ..Default::default()
    };
    push(close_day, Action::Close, input);
    steps
}

/// The outcome forum cases must close with, given how their items went.
fn fit_outcome(case: &Case, step: &mut Step) {
    if step.action != Action::Close || case.items.is_empty() {
        return;
    }
    let removed = case
        .items
        .iter()
        .filter(|i| i.outcome == ItemOutcome::Removed)
        .count();
    let refused = case.items.len() - removed;
    let outcome = match (removed, refused) {
        (_, 0) => Outcome::Fulfilled,
        (0, _) => Outcome::Denied,
        _ => Outcome::PartiallyFulfilled,
    };
    step.input.outcome = Some(outcome);
    if outcome == Outcome::Denied {
        step.input.denial_basis = Some(DenialBasis::Exemption);
        step.input.reason = Some("Every post is part of a thread others rely on.".into());
    }
}

impl Desk {
    /// Adds `count` realistic cases; `progress` hears how many are written so far.
    pub fn seed_demo(
        &mut self,
        count: u64,
        seed: u64,
        progress: &mut dyn FnMut(u64),
    ) -> Result<()> {
        if count == 0 {
            return Err(Error::invalid(
                "the number of demo cases must be at least 1",
            ));
        }
        let today = self.today();
        let start = today
            .checked_sub_days(Days::new(HISTORY_DAYS))
            .ok_or_else(|| Error::invalid("date out of range"))?;
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        // The customers' contacts and contractual forwarding times, as a company would set
        // them; left alone where someone already did.
        for (i, name) in CUSTOMERS.iter().enumerate() {
            if !self.customer(name)?.configured {
                let domain: String = name
                    .split_whitespace()
                    .next()
                    .unwrap_or("customer")
                    .to_ascii_lowercase();
                let days = [5, 3, 10, 5, 7][i % 5];
                self.set_customer(name, Some(&format!("privacy@{domain}.example")), Some(days))?;
            }
        }
        let mut written = 0u64;
        let mut previous: Option<Requester> = None;
        while written < count {
            let batch_end = (written + BATCH).min(count);
            self.store_mut().write(|tx| {
                let mut cursor = ChainCursor::load(tx)?;
                for serial in written..batch_end {
                    let offset = serial * HISTORY_DAYS / count;
                    let received = after(start, offset);
                    let mut form = random_form(&mut rng, received, serial)?;
                    // Now and then the same person writes again: a duplicate to flag or merge.
                    if serial % DUPLICATE_EVERY == DUPLICATE_EVERY - 1
                        && let Some(earlier) = &previous
                    {
                        form.requester = Requester::clone(earlier);
                    }
                    previous = Some(form.requester.clone());
                    let at = |day: NaiveDate, minute: u32| {
                        format!(
                            "{day}T{:02}:{:02}:00.000Z",
                            8 + minute / 60 % 9,
                            minute % 60
                        )
                    };
                    let created_minute = rng.random_range(0..480);
                    let created_at = at(received, created_minute);
                    let actor = *pick(&mut rng, AGENTS);
                    let mut case = insert_new_case(
                        tx,
                        form,
                        &created_at,
                        actor,
                        &mut cursor,
                        json!({ "source": "demo" }),
                    )?;
                    let start_state = case.clone();
                    let mut texts = false;
                    // Event times only move forward, even for steps on the same day.
                    let mut last = (received, created_minute);
                    for mut step in plan(&mut rng, &case) {
                        if step.day > today {
                            break;
                        }
                        fit_outcome(&case, &mut step);
                        let Ok(change) = workflow::apply(&case, step.action, &step.input, step.day)
                        else {
                            continue;
                        };
                        let minute = if step.day == last.0 {
                            (last.1 + rng.random_range(5..60)).min(539)
                        } else {
                            rng.random_range(0..540)
                        };
                        last = (step.day, minute);
                        let now = at(step.day, minute);
                        // Once assigned, the assignee works the case.
                        let by = case.assignee.clone().unwrap_or_else(|| actor.to_string());
                        let mut details = change.details;
                        if let Some(text) = &change.text {
                            let id = store::insert_note(
                                tx,
                                case.id,
                                &now,
                                &by,
                                step.action.as_str(),
                                text,
                            )?;
                            details["note_id"] = json!(id);
                            texts = true;
                        }
                        cursor.append(
                            tx,
                            &EventDraft {
                                case_id: Some(case.id),
                                at: &now,
                                actor: &by,
                                action: step.action.as_str(),
                                details: details.to_string(),
                            },
                        )?;
                        case = change.case;
                    }
                    if case != start_state {
                        store::update_case(tx, &case, &created_at)?;
                    }
                    if texts {
                        let notes = store::all_note_text(tx, case.id)?;
                        store::reindex(tx, case.id, &case, &notes)?;
                    }
                    debug_assert!(case.state != State::Closed || case.outcome.is_some());
                }
                cursor.save(tx)?;
                Ok(())
            })?;
            written = batch_end;
            progress(written);
        }
        Ok(())
    }
}
