//! A privacy request as worked by an agent: the case, its requester and its items.

use chrono::{Days, NaiveDate};
use serde::Serialize;

use crate::domain::deadline::{Clock, Deadline, Extension, Pause};
use crate::domain::new_case::ValidNewCase;
use crate::domain::text::Email;
use crate::{
    CaseId, Channel, DenialBasis, Identity, ItemOutcome, Jurisdiction, Kind, LetterKind, Outcome,
    Reference, State,
};

/// Days before its due date at which an open case counts as due soon.
pub const DUE_SOON_DAYS: i64 = 7;
/// Days after the account's termination at which its data is deleted (privacy policy).
pub const PURGE_AFTER_DAYS: u64 = 30;

/// The person who asked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Requester {
    /// Full name as given.
    pub name: String,
    /// Validated email address.
    pub email: Email,
    /// Phone number, if given.
    pub phone: Option<String>,
    /// Whether the request concerns someone under 18 (special handling).
    pub is_minor: bool,
}

/// Someone who filed the request for the person, and the proof of their permission seen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuthorizedAgent {
    /// The agent's name (a person or a business).
    pub name: String,
    /// What proof of the person's permission was seen (a signed authorisation, a power of
    /// attorney).
    pub proof: String,
}

/// One post or page of a forum removal, with its own outcome.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Item {
    /// Where it is.
    pub url: String,
    /// Removed, refused or still pending.
    pub outcome: ItemOutcome,
    /// Why it was refused; goes into the answer to the person.
    pub reason: Option<String>,
}

/// An appeal against a refusal, where the case's law gives the right: when it arrived, its
/// own due date and extension, and how it was decided. The request's own dates stay as they
/// were, so the request is still reported as answered on time or late.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Appeal {
    /// The day the appeal arrived: its clock starts here.
    pub received_on: NaiveDate,
    /// The day it must be decided by.
    pub due_on: NaiveDate,
    /// Its extension, where the law allows one.
    pub extension: Option<Extension>,
    /// The outcome appealed against (denied or partially fulfilled).
    pub against: Outcome,
    /// The day it was decided.
    pub decided_on: Option<NaiveDate>,
    /// Whether it was granted (the request then done) or denied (the refusal upheld).
    pub granted: Option<bool>,
}

/// Which write of a case was read: what an action decided on that reading compares, so that it
/// never overwrites a change made since by someone else.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Revision {
    /// How many times the case was written (1 when logged).
    pub number: i64,
    /// Who wrote it last (empty for a case never changed since it was logged).
    pub by: String,
    /// When (RFC 3339).
    pub at: String,
}

impl Revision {
    /// The revision a write by `by` at `at` makes of this one (as every engine counts it).
    pub fn next(&self, by: &str, at: &str) -> Revision {
        Revision {
            number: self.number + 1,
            by: by.to_string(),
            at: at.to_string(),
        }
    }

    /// Refuses to go on from `seen` (the revision an action was decided on) when the case is
    /// now at another one: someone changed it meanwhile, and it must be looked at again.
    pub fn check_seen(&self, seen: i64, reference: &Reference) -> Result<(), crate::Error> {
        if self.number == seen {
            return Ok(());
        }
        Err(crate::Error::Changed {
            reference: reference.to_string(),
            by: if self.by.is_empty() {
                "someone".into()
            } else {
                self.by.clone()
            },
            at: readable_time(&self.at),
        })
    }
}

/// An RFC 3339 time as a person reads it in a sentence: `2026-12-02 07:15 UTC`.
fn readable_time(at: &str) -> String {
    chrono::DateTime::parse_from_rfc3339(at)
        .map(|t| {
            t.with_timezone(&chrono::Utc)
                .format("%Y-%m-%d %H:%M UTC")
                .to_string()
        })
        .unwrap_or_else(|_| at.to_string())
}

/// A case as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Case {
    /// Row id.
    #[serde(skip)]
    pub id: CaseId,
    /// Public reference.
    pub reference: Reference,
    /// What was asked.
    pub kind: Kind,
    /// Where it stands.
    pub state: State,
    /// How it ended, once closed.
    pub outcome: Option<Outcome>,
    /// Basis of a denial.
    pub denial_basis: Option<DenialBasis>,
    /// Reason given for a denial.
    pub denial_reason: Option<String>,
    /// Who asked.
    pub requester: Requester,
    /// The business customer (controller) whose data it is, if any.
    pub customer: Option<String>,
    /// How it reached us.
    pub channel: Channel,
    /// Which law's deadlines apply.
    pub jurisdiction: Jurisdiction,
    /// What the person wrote.
    pub details: String,
    /// Day of receipt.
    pub received_on: NaiveDate,
    /// Current due date (stored so lists can sort and filter on it).
    pub due_on: NaiveDate,
    /// Waits on the requester.
    pub pauses: Vec<Pause>,
    /// Extension granted, if any.
    pub extension: Option<Extension>,
    /// Why the deadline was extended.
    pub extension_reason: Option<String>,
    /// The agent working it.
    pub assignee: Option<String>,
    /// When the account's data is to be deleted (account closures).
    pub purge_on: Option<NaiveDate>,
    /// Why deletion is held back by law, while it is.
    pub legal_hold: Option<String>,
    /// Day it was closed.
    pub closed_on: Option<NaiveDate>,
    /// Day retention redacted the requester's details, if it has.
    pub redacted_on: Option<NaiveDate>,
    /// Forum items.
    pub items: Vec<Item>,
    /// Whether the requester's identity was checked, or why not needed.
    pub identity: Identity,
    /// Who filed it for the person, if not the person.
    pub authorized_agent: Option<AuthorizedAgent>,
    /// The appeal against its refusal, once one arrived.
    pub appeal: Option<Appeal>,
    /// The holiday calendar the company chose for its law when it was logged (`calendars.toml`),
    /// in place of the law's own; kept with the case so that a later change to the file moves
    /// no due date already given.
    pub calendar: Option<String>,
    /// The write it was read at.
    pub revision: Revision,
    /// The kinds of letter marked sent on it (loaded with the case whole; empty in lists).
    #[serde(skip)]
    pub sent_letters: Vec<LetterKind>,
}

impl Case {
    /// A case as it starts: state new, items pending, due date from its law. Not yet stored
    /// (its id is 0 until the store gives it one).
    pub fn opened(reference: Reference, valid: ValidNewCase) -> Case {
        let mut case = Case {
            id: CaseId(0),
            reference,
            kind: valid.kind,
            state: State::New,
            outcome: None,
            denial_basis: None,
            denial_reason: None,
            requester: valid.requester,
            customer: valid.customer,
            channel: valid.channel,
            jurisdiction: valid.jurisdiction,
            details: valid.details,
            received_on: valid.received_on,
            due_on: valid.received_on,
            pauses: Vec::new(),
            extension: None,
            extension_reason: None,
            assignee: None,
            purge_on: None,
            legal_hold: None,
            closed_on: None,
            redacted_on: None,
            revision: Revision::default(),
            items: valid
                .items
                .into_iter()
                .map(|url| Item {
                    url,
                    outcome: ItemOutcome::Pending,
                    reason: None,
                })
                .collect(),
            // A browser's opt-out signal is honoured as it comes (11 CCR § 7026(d)).
            identity: if valid.channel == Channel::Signal {
                Identity::NotNeeded
            } else {
                Identity::Unchecked
            },
            sent_letters: Vec::new(),
            authorized_agent: valid.authorized_agent,
            appeal: None,
            calendar: valid.calendar,
        };
        case.due_on = case.deadline().due_on;
        case
    }

    /// The inputs of its deadline: the appeal's once one arrived (its period governs what is done
    /// after it, a granted appeal's work included), else the request's.
    pub fn clock(&self) -> Clock<'_> {
        match &self.appeal {
            Some(appeal) => Clock {
                jurisdiction: self.jurisdiction,
                received: appeal.received_on,
                pauses: &[],
                extension: appeal.extension,
                opt_out: false,
                appeal: true,
                calendar: self.chosen_calendar(),
            },
            None => Clock {
                jurisdiction: self.jurisdiction,
                received: self.received_on,
                pauses: &self.pauses,
                extension: self.extension,
                opt_out: self.kind == Kind::MarketingOptOut,
                appeal: false,
                calendar: self.chosen_calendar(),
            },
        }
    }

    /// Its deadline, explained: the appeal's, once one arrived.
    pub fn deadline(&self) -> Deadline {
        self.clock().deadline()
    }

    /// The calendar chosen for it, resolved (a name no longer built in reads as the law's own).
    fn chosen_calendar(&self) -> Option<&'static crate::domain::calendar::Calendar> {
        self.calendar
            .as_deref()
            .and_then(|name| crate::domain::calendar::Calendar::named(name).ok())
    }

    /// The due date the case is worked to now: the appeal's once one arrived, else the
    /// request's.
    pub fn current_due_on(&self) -> NaiveDate {
        match &self.appeal {
            Some(appeal) => appeal.due_on,
            None => self.due_on,
        }
    }

    /// The extension of the clock that runs now (the appeal's once one arrived).
    pub fn current_extension(&self) -> Option<Extension> {
        match &self.appeal {
            Some(appeal) => appeal.extension,
            None => self.extension,
        }
    }

    /// When the case next needs action: its due date, or the purge date of a scheduled deletion;
    /// `None` while closed, while the clock is stopped, or while a legal hold blocks the purge.
    pub fn attention_on(&self) -> Option<NaiveDate> {
        attention_on(
            self.state,
            self.legal_hold.is_some(),
            self.purge_on,
            || self.deadline().paused,
            self.current_due_on(),
        )
    }

    /// The day the person got their answer: the closing day, or for an account closure the day
    /// its deletion was scheduled (the deletion itself follows 30 days later, as the policy says).
    pub fn answered_on(&self) -> Option<NaiveDate> {
        answered_on(self.purge_on, self.closed_on)
    }

    /// Closed, and answered on or before the due date.
    pub fn closed_on_time(&self) -> Option<bool> {
        closed_on_time(self.closed_on, self.purge_on, self.due_on)
    }

    /// Where the case sorts in the list (a key, not a date to show): open cases by their
    /// attention date, or due date while the clock is stopped; after them a held deletion,
    /// which needs nothing until the hold ends; then closed cases, the most recently closed
    /// first. Migration 008 computes the same in SQL.
    pub fn queue_on(&self) -> NaiveDate {
        queue_on(
            self.attention_on(),
            self.state,
            self.closed_on,
            self.current_due_on(),
        )
    }

    /// Past its [`attention_on`](Self::attention_on) date on `today`.
    pub fn is_overdue(&self, today: NaiveDate) -> bool {
        self.attention_on().is_some_and(|on| on < today)
    }

    /// Whether it is an access or removal request about someone under 18: the policy's special
    /// handling applies (a parent or guardian verified before anything is disclosed or
    /// removed; the data we should not have collected erased).
    pub fn needs_guardian_check(&self) -> bool {
        self.requester.is_minor
            && matches!(
                self.kind,
                Kind::Access | Kind::ForumRemoval | Kind::Erasure | Kind::AccountClosure
            )
    }

    /// Within [`DUE_SOON_DAYS`] of its [`attention_on`](Self::attention_on) date on `today`.
    pub fn is_due_soon(&self, today: NaiveDate) -> bool {
        self.attention_on()
            .is_some_and(|on| (on - today).num_days() <= DUE_SOON_DAYS)
    }
}

/// [`Case::attention_on`] from the stored values alone (a migration reads no whole cases).
pub(crate) fn attention_on(
    state: State,
    held: bool,
    purge_on: Option<NaiveDate>,
    paused: impl FnOnce() -> bool,
    due_on: NaiveDate,
) -> Option<NaiveDate> {
    match state {
        State::Closed => None,
        State::DeletionScheduled if held => None,
        State::DeletionScheduled => purge_on,
        _ if paused() => None,
        _ => Some(due_on),
    }
}

/// [`Case::queue_on`] from the stored values alone.
pub(crate) fn queue_on(
    attention_on: Option<NaiveDate>,
    state: State,
    closed_on: Option<NaiveDate>,
    due_on: NaiveDate,
) -> NaiveDate {
    match (attention_on, state) {
        (Some(on), _) => on,
        (None, State::Closed) => closed_sort_key(closed_on.unwrap_or(due_on)),
        (None, State::DeletionScheduled) => {
            NaiveDate::from_ymd_opt(8999, 12, 31).unwrap_or(NaiveDate::MAX)
        }
        (None, _) => due_on,
    }
}

/// A closed case's sort key: 9999-12-31 less the days from 1970-01-01 to its closing day, so
/// a later closing sorts first and every closing after 8999-12-31.
fn closed_sort_key(closed_on: NaiveDate) -> NaiveDate {
    let last = NaiveDate::from_ymd_opt(9999, 12, 31).unwrap_or(NaiveDate::MAX);
    let epoch = NaiveDate::from_ymd_opt(1970, 1, 1).unwrap_or(NaiveDate::MIN);
    let days = (closed_on - epoch).num_days().max(0);
    last.checked_sub_days(Days::new(days as u64))
        .unwrap_or(last)
}

/// [`Case::answered_on`] from the stored dates alone (the export reads no whole cases).
pub(crate) fn answered_on(
    purge_on: Option<NaiveDate>,
    closed_on: Option<NaiveDate>,
) -> Option<NaiveDate> {
    match (purge_on, closed_on) {
        (Some(purge), Some(_)) => scheduled_on(purge),
        (_, closed) => closed,
    }
}

/// The day a deletion purging on `purge_on` was scheduled: the account closure's answer.
pub(crate) fn scheduled_on(purge_on: NaiveDate) -> Option<NaiveDate> {
    purge_on.checked_sub_days(Days::new(PURGE_AFTER_DAYS))
}

/// [`Case::closed_on_time`] from the stored dates alone.
pub(crate) fn closed_on_time(
    closed_on: Option<NaiveDate>,
    purge_on: Option<NaiveDate>,
    due_on: NaiveDate,
) -> Option<bool> {
    closed_on?;
    answered_on(purge_on, closed_on).map(|answered| answered <= due_on)
}
