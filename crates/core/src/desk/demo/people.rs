//! Who the demo's requests come from and what they ask: names in many scripts, addresses on
//! example domains, the customers and agents of a small privacy team.

use chrono::NaiveDate;
use rand::Rng;
use rand_chacha::ChaCha8Rng;

use crate::domain::case::Requester;
use crate::domain::new_case::ValidNewCase;
use crate::domain::text::Email;
use crate::{Channel, Jurisdiction, Kind, Result};

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

/// The demo's customers (the controllers whose data the company processes).
pub(super) const CUSTOMERS: &[&str] = &[
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

/// The demo's agents.
pub(super) const AGENTS: &[&str] = &["ana", "ben", "chloé", "dev", "emma"];

pub(super) fn pick<'a, T>(rng: &mut ChaCha8Rng, items: &'a [T]) -> &'a T {
    &items[rng.random_range(0..items.len())]
}

pub(super) fn weighted<T: Copy>(rng: &mut ChaCha8Rng, items: &[(T, u32)]) -> T {
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

fn kind(rng: &mut ChaCha8Rng) -> Kind {
    use Kind as K;
    weighted(
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
    )
}

fn jurisdiction(rng: &mut ChaCha8Rng) -> Jurisdiction {
    use Jurisdiction as J;
    let state = |id: &str| J::from_stored(id.as_bytes()).unwrap_or(J::CCPA);
    weighted(
        rng,
        &[
            (J::GDPR, 30),
            (J::UK_GDPR, 10),
            (J::CCPA, 15),
            (state("us_va"), 4),
            (state("us_co"), 3),
            (state("us_tx"), 3),
            (state("us_ct"), 2),
            (state("us_ut"), 1),
            (J::PIPEDA, 10),
            (J::QUEBEC, 5),
            (J::LGPD, 5),
            (J::DEFAULT, 12),
        ],
    )
}

fn channel(rng: &mut ChaCha8Rng) -> Channel {
    use Channel as C;
    weighted(
        rng,
        &[
            (C::Email, 50),
            (C::Web, 30),
            (C::Phone, 5),
            (C::Forum, 10),
            (C::Letter, 5),
        ],
    )
}

/// A random, valid request received on `received_on`; `serial` makes its address unique.
pub(super) fn random_form(
    rng: &mut ChaCha8Rng,
    received_on: NaiveDate,
    serial: u64,
) -> Result<ValidNewCase> {
    let kind = kind(rng);
    let jurisdiction = jurisdiction(rng);
    let channel = channel(rng);
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
    let items = if kind == Kind::ForumRemoval {
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
        authorized_agent: None,
        calendar: None,
    })
}
