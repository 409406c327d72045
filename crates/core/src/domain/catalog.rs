//! The vocabularies and limits an adapter offers a person, as one value: every choice with its
//! label, the defaults, and the bounds a form checks before it asks. A window takes this from
//! core instead of keeping copies that drift.

use serde::Serialize;

use crate::domain::case::DUE_SOON_DAYS;
use crate::domain::law::Law;
use crate::domain::letters::LetterKind;
use crate::domain::views::title_of;
use crate::domain::{bulk, customers, retention, text, views};
use crate::{
    Action, Channel, DenialBasis, Identity, ItemOutcome, Jurisdiction, Kind, Outcome, Passphrase,
    State,
};

/// One choice of a vocabulary: its spelling and how it reads.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Choice<T> {
    /// The spelling an adapter sends back.
    pub value: T,
    /// How a person reads it.
    pub label: String,
}

/// A law, and the country a menu groups it under.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LawChoice {
    /// The jurisdiction.
    pub value: Jurisdiction,
    /// How a person reads it.
    pub label: String,
    /// Where it applies, as a menu groups laws ("United States", "Canada"); empty for the
    /// company's own default.
    pub group: String,
}

/// A kind of request, and whether it lists items (posts or pages).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct KindChoice {
    /// The kind.
    pub value: Kind,
    /// How a person reads it.
    pub label: String,
    /// Whether a new case of this kind lists the posts or pages to remove.
    pub has_items: bool,
}

/// An outcome a case is closed with, and what it asks for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OutcomeChoice {
    /// The outcome.
    pub value: Outcome,
    /// How a person reads it.
    pub label: String,
    /// Whether it needs a reason (a denial says why, for the person and the report).
    pub needs_reason: bool,
    /// Whether it takes a denial basis.
    pub takes_basis: bool,
}

/// An action of the workflow as a window offers it: its label and its key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ActionChoice {
    /// The action.
    pub value: Action,
    /// How it reads on its button.
    pub label: &'static str,
    /// The key that does it while a case is open.
    pub key: char,
}

/// An inclusive range a number must fall in, and where a form starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Bounds {
    /// The least accepted.
    pub min: u32,
    /// The most accepted.
    pub max: u32,
    /// What applies when nothing is set.
    pub default: u32,
}

/// The limits core enforces, so a form can say them before it asks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Limits {
    /// The shortest passphrase of a new database.
    pub passphrase_min_chars: usize,
    /// The longest name (requester, customer).
    pub name_max_chars: usize,
    /// The longest phone number.
    pub phone_max_chars: usize,
    /// The longest free text (details, notes, reasons).
    pub text_max_chars: usize,
    /// A customer's time to forward, in business days.
    pub forward_days: Bounds,
    /// The retention period, in months.
    pub retention_months: Bounds,
    /// The longest saved view name.
    pub view_name_max_chars: usize,
    /// Days before its due date at which a case counts as due soon.
    pub due_soon_days: i64,
    /// The most cases one bulk request works.
    pub bulk_max_cases: usize,
}

impl Limits {
    /// The limits core enforces in this build.
    fn of_this_build() -> Limits {
        Limits {
            passphrase_min_chars: Passphrase::MIN_CHARS,
            name_max_chars: text::MAX_NAME_CHARS,
            phone_max_chars: text::MAX_PHONE_CHARS,
            text_max_chars: text::MAX_TEXT_CHARS,
            forward_days: Bounds {
                min: customers::MIN_FORWARD_DAYS,
                max: customers::MAX_FORWARD_DAYS,
                default: customers::DEFAULT_FORWARD_DAYS,
            },
            retention_months: Bounds {
                min: retention::MIN_MONTHS,
                max: retention::MAX_MONTHS,
                default: retention::DEFAULT_MONTHS,
            },
            view_name_max_chars: views::MAX_NAME_CHARS,
            due_soon_days: DUE_SOON_DAYS,
            bulk_max_cases: bulk::MAX_CASES,
        }
    }
}

/// Everything a form offers and checks, from core.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Catalog {
    /// Kinds of request, the first the default.
    pub kinds: Vec<KindChoice>,
    /// Workflow states.
    pub states: Vec<Choice<State>>,
    /// Laws, the first (`default`) the default.
    pub jurisdictions: Vec<LawChoice>,
    /// Channels, the first the default.
    pub channels: Vec<Choice<Channel>>,
    /// The outcomes `close` takes, the first the default (`merged` is the merge's own).
    pub close_outcomes: Vec<OutcomeChoice>,
    /// Bases of a denial, the last (`other`) the default.
    pub denial_bases: Vec<Choice<DenialBasis>>,
    /// Every outcome a closed case may show (`merged` included).
    pub outcomes: Vec<Choice<Outcome>>,
    /// What became of a page of a forum removal.
    pub item_outcomes: Vec<Choice<ItemOutcome>>,
    /// Whether a requester's identity was checked.
    pub identities: Vec<Choice<Identity>>,
    /// The workflow's actions with their labels and keys (a case says which it allows).
    pub actions: Vec<ActionChoice>,
    /// The kinds of letter.
    pub letters: Vec<Choice<LetterKind>>,
    /// The limits.
    pub limits: Limits,
}

/// How a law reads in a menu, as its law file labels it.
pub fn jurisdiction_label(jurisdiction: Jurisdiction) -> String {
    Law::of(jurisdiction)
        .map(|law| law.label.clone())
        .unwrap_or_else(|_| jurisdiction.to_string())
}

fn choices<T: Copy + ToString>(all: &[T]) -> Vec<Choice<T>> {
    all.iter()
        .map(|&value| Choice {
            value,
            label: title_of(&value.to_string()),
        })
        .collect()
}

/// How a case's identity check reads.
fn identity_choices() -> Vec<Choice<Identity>> {
    Identity::ALL
        .iter()
        .map(|&value| Choice {
            value,
            label: match value {
                Identity::Unchecked => "Not checked yet",
                Identity::Verified => "Verified",
                Identity::NotNeeded => "No check needed (why: see the timeline)",
            }
            .into(),
        })
        .collect()
}

/// The channels, an opt-out signal named as agents know it.
fn channel_choices() -> Vec<Choice<Channel>> {
    Channel::ALL
        .iter()
        .map(|&value| Choice {
            value,
            label: match value {
                Channel::Signal => "Opt-out signal (GPC)".into(),
                other => title_of(other.as_str()),
            },
        })
        .collect()
}

impl Catalog {
    /// The catalog of this build.
    pub fn get() -> Catalog {
        let jurisdictions: Vec<LawChoice> = Jurisdiction::ALL
            .iter()
            .map(|&value| LawChoice {
                value,
                label: jurisdiction_label(value),
                // "United States (California)" is grouped under "United States".
                group: Law::of(value)
                    .map(|law| law.country.split(" (").next().unwrap_or("").to_string())
                    .unwrap_or_default(),
            })
            .collect();
        // The default law first: it is what a form starts with. Then each group where its first
        // law comes, and within a group by name (nineteen US laws are found by their state).
        let group_at = |group: &str| {
            jurisdictions
                .iter()
                .position(|c| c.group == group)
                .unwrap_or(usize::MAX)
        };
        let keys: Vec<(bool, usize, String)> = jurisdictions
            .iter()
            .map(|c| {
                (
                    c.value != Jurisdiction::DEFAULT,
                    group_at(&c.group),
                    c.label.clone(),
                )
            })
            .collect();
        let mut keyed: Vec<_> = keys.into_iter().zip(jurisdictions).collect();
        keyed.sort_by(|a, b| a.0.cmp(&b.0));
        let jurisdictions: Vec<LawChoice> = keyed.into_iter().map(|(_, c)| c).collect();
        Catalog {
            kinds: Kind::ALL
                .iter()
                .map(|&value| KindChoice {
                    value,
                    label: title_of(value.as_str()),
                    has_items: value == Kind::ForumRemoval,
                })
                .collect(),
            states: choices(State::ALL),
            jurisdictions,
            channels: channel_choices(),
            close_outcomes: Outcome::ALL
                .iter()
                .filter(|&&o| o != Outcome::Merged)
                .map(|&value| OutcomeChoice {
                    value,
                    label: title_of(value.as_str()),
                    needs_reason: value == Outcome::Denied,
                    takes_basis: value == Outcome::Denied,
                })
                .collect(),
            denial_bases: choices(DenialBasis::ALL),
            outcomes: choices(Outcome::ALL),
            item_outcomes: choices(ItemOutcome::ALL),
            identities: identity_choices(),
            // A merge is offered beside each possible duplicate (it names the other case).
            actions: Action::ALL
                .iter()
                .filter(|&&a| a != Action::Merge)
                .map(|&value| ActionChoice {
                    value,
                    label: value.label(),
                    key: value.key(),
                })
                .collect(),
            letters: LetterKind::ALL
                .iter()
                .map(|&value| Choice {
                    value,
                    label: value.title().to_string(),
                })
                .collect(),
            limits: Limits::of_this_build(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_catalog_offers_every_spelling_core_accepts_and_nothing_else() {
        let catalog = Catalog::get();
        assert_eq!(catalog.kinds.len(), Kind::ALL.len());
        assert_eq!(catalog.jurisdictions[0].value, Jurisdiction::DEFAULT);
        assert_eq!(catalog.jurisdictions.len(), Jurisdiction::ALL.len());
        let group_of = |j: Jurisdiction| {
            catalog
                .jurisdictions
                .iter()
                .find(|c| c.value == j)
                .map(|c| c.group.clone())
        };
        assert_eq!(group_of(Jurisdiction::QUEBEC).as_deref(), Some("Canada"));
        assert_eq!(
            group_of(Jurisdiction::CCPA).as_deref(),
            Some("United States")
        );
        assert_eq!(group_of(Jurisdiction::DEFAULT).as_deref(), Some(""));
        assert_eq!(catalog.states[2].label, "In progress");
        assert!(
            catalog
                .close_outcomes
                .iter()
                .all(|o| o.value != Outcome::Merged)
        );
        let denied = catalog
            .close_outcomes
            .iter()
            .find(|o| o.value == Outcome::Denied);
        assert!(denied.is_some_and(|d| d.needs_reason && d.takes_basis));
        assert_eq!(
            catalog.kinds.iter().filter(|k| k.has_items).count(),
            1,
            "only forum removals list items"
        );
        let json = serde_json::to_value(&catalog).unwrap_or_default();
        assert_eq!(json["kinds"][3]["value"], "forum_removal");
        assert_eq!(json["limits"]["forward_days"]["max"], 60);
        // One key per action, none of them a key the list uses.
        let mut keys: Vec<char> = catalog.actions.iter().map(|a| a.key).collect();
        keys.sort_unstable();
        keys.dedup();
        assert_eq!(keys.len(), Action::ALL.len() - 1);
        assert!(keys.iter().all(|k| !"jknesw?/[]".contains(*k)));
    }
}
