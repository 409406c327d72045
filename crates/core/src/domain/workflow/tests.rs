//! The transition table pair by pair, the guards, and random action sequences against invariants.

use chrono::{Days, NaiveDate};
use proptest::prelude::*;

use super::*;
use crate::domain::case::Requester;
use crate::domain::new_case::ValidNewCase;
use crate::{CaseId, Channel, DenialBasis, Jurisdiction, Outcome, Reference};

fn day(n: u64) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 3, 2).unwrap_or_default() + Days::new(n)
}

fn case(kind: Kind, jurisdiction: Jurisdiction) -> Case {
    let items = if kind == Kind::ForumRemoval {
        vec![
            "https://f.example.com/1".into(),
            "https://f.example.com/2".into(),
        ]
    } else {
        Vec::new()
    };
    let valid = ValidNewCase {
        kind,
        requester: Requester {
            name: "Ana Ruiz".into(),
            email: crate::domain::text::Email::parse("ana@example.com")
                .unwrap_or_else(|_| unreachable!()),
            phone: None,
            is_minor: false,
        },
        received_on: day(0),
        jurisdiction,
        customer: Some("Acme".into()),
        channel: Channel::Email,
        details: String::new(),
        items,
        authorized_agent: None,
        calendar: None,
    };
    Case {
        id: CaseId(1),
        ..Case::opened(Reference::new(2026, 1), valid)
    }
}

/// The table as the design notes state it, written out independently of `target`.
pub(crate) const EXPECTED: &[(&str, &str, &str)] = &[
    ("new", "request_id", "verifying_identity"),
    ("new", "verify", "in_progress"),
    ("new", "forward", "awaiting_customer"),
    ("new", "ask_requester", "awaiting_requester"),
    ("new", "close", "closed"),
    ("new", "merge", "closed"),
    ("new", "extend", "new"),
    ("new", "assign", "new"),
    ("verifying_identity", "verify", "in_progress"),
    ("verifying_identity", "forward", "awaiting_customer"),
    ("verifying_identity", "ask_requester", "awaiting_requester"),
    ("verifying_identity", "close", "closed"),
    ("verifying_identity", "merge", "closed"),
    ("verifying_identity", "extend", "verifying_identity"),
    ("verifying_identity", "assign", "verifying_identity"),
    ("in_progress", "verify", "in_progress"),
    ("in_progress", "forward", "awaiting_customer"),
    ("in_progress", "ask_requester", "awaiting_requester"),
    ("in_progress", "schedule_deletion", "deletion_scheduled"),
    ("in_progress", "remove_item", "in_progress"),
    ("in_progress", "refuse_item", "in_progress"),
    ("in_progress", "close", "closed"),
    ("in_progress", "merge", "closed"),
    ("in_progress", "extend", "in_progress"),
    ("in_progress", "assign", "in_progress"),
    ("awaiting_customer", "customer_replied", "in_progress"),
    ("awaiting_customer", "close", "closed"),
    ("awaiting_customer", "merge", "closed"),
    ("awaiting_customer", "extend", "awaiting_customer"),
    ("awaiting_customer", "assign", "awaiting_customer"),
    ("awaiting_requester", "requester_replied", "in_progress"),
    ("awaiting_requester", "close", "closed"),
    ("awaiting_requester", "merge", "closed"),
    ("awaiting_requester", "extend", "awaiting_requester"),
    ("awaiting_requester", "assign", "awaiting_requester"),
    ("deletion_scheduled", "hold", "deletion_scheduled"),
    ("deletion_scheduled", "release_hold", "deletion_scheduled"),
    ("deletion_scheduled", "confirm_deletion", "closed"),
    ("deletion_scheduled", "close", "closed"),
    ("deletion_scheduled", "extend", "deletion_scheduled"),
    ("deletion_scheduled", "assign", "deletion_scheduled"),
    ("closed", "reopen", "in_progress"),
    ("closed", "appeal", "in_appeal"),
    ("in_appeal", "close", "closed"),
    ("in_appeal", "extend", "in_appeal"),
    ("in_appeal", "assign", "in_appeal"),
    ("in_appeal", "reopen", "in_progress"),
];

#[test]
fn every_state_action_pair_matches_the_written_table() {
    for &state in State::ALL {
        for &action in Action::ALL {
            let expected = EXPECTED
                .iter()
                .find(|(s, a, _)| *s == state.as_str() && *a == action.as_str())
                .map(|(_, _, to)| *to);
            assert_eq!(
                target(state, action).map(State::as_str),
                expected,
                "{state} + {action}"
            );
        }
    }
}

#[test]
fn denial_needs_a_reason_and_records_its_basis() -> Result<(), Error> {
    let c = case(Kind::Access, Jurisdiction::GDPR);
    let bare = ActionInput {
        outcome: Some(Outcome::Denied),
        ..Default::default()
    };
    assert!(matches!(
        apply(&c, Action::Close, &bare, day(3)),
        Err(Error::Invalid(_))
    ));
    let full = ActionInput {
        outcome: Some(Outcome::Denied),
        reason: Some("identity not proven".into()),
        denial_basis: Some(DenialBasis::IdentityNotVerified),
        ..Default::default()
    };
    let change = apply(&c, Action::Close, &full, day(3))?;
    assert_eq!(change.case.state, State::Closed);
    assert_eq!(
        change.case.denial_basis,
        Some(DenialBasis::IdentityNotVerified)
    );
    assert_eq!(change.case.closed_on, Some(day(3)));
    assert_eq!(change.text.as_deref(), Some("identity not proven"));
    Ok(())
}

#[test]
fn reopen_needs_a_reason_and_clears_the_outcome() -> Result<(), Error> {
    let c = case(Kind::Inquiry, Jurisdiction::DEFAULT);
    let closed = apply(
        &c,
        Action::Close,
        &ActionInput {
            outcome: Some(Outcome::Fulfilled),
            without_letter: true,
            ..Default::default()
        },
        day(2),
    )?
    .case;
    assert!(apply(&closed, Action::Reopen, &ActionInput::default(), day(4)).is_err());
    let reopened = apply(
        &closed,
        Action::Reopen,
        &ActionInput {
            reason: Some("answer incomplete".into()),
            ..Default::default()
        },
        day(4),
    )?
    .case;
    assert_eq!(
        (reopened.state, reopened.outcome, reopened.closed_on),
        (State::InProgress, None, None)
    );
    Ok(())
}

#[test]
fn gdpr_clock_stops_while_identity_is_checked() -> Result<(), Error> {
    let c = case(Kind::Access, Jurisdiction::GDPR);
    let waiting = apply(&c, Action::RequestId, &ActionInput::default(), day(1))?.case;
    assert!(waiting.deadline().paused);
    assert_eq!(waiting.attention_on(), None);
    let verified = apply(&waiting, Action::Verify, &ActionInput::default(), day(8))?.case;
    assert_eq!((verified.due_on - c.due_on).num_days(), 7);
    Ok(())
}

#[test]
fn account_closure_is_scheduled_held_and_confirmed_after_thirty_days() -> Result<(), Error> {
    let c = case(Kind::AccountClosure, Jurisdiction::CCPA);
    let working = apply(&c, Action::Verify, &ActionInput::default(), day(1))?.case;
    let fulfilled = ActionInput {
        outcome: Some(Outcome::Fulfilled),
        without_letter: true,
        ..Default::default()
    };
    assert!(matches!(
        apply(&working, Action::Close, &fulfilled, day(2)),
        Err(Error::NotAllowed(_))
    ));
    let scheduled = apply(
        &working,
        Action::ScheduleDeletion,
        &ActionInput::default(),
        day(2),
    )?
    .case;
    assert_eq!(scheduled.purge_on, Some(day(32)));
    assert!(matches!(
        apply(
            &scheduled,
            Action::ConfirmDeletion,
            &ActionInput::default(),
            day(31)
        ),
        Err(Error::NotAllowed(_))
    ));
    assert!(
        apply(&scheduled, Action::Hold, &ActionInput::default(), day(3)).is_err(),
        "a hold needs its legal basis"
    );
    let held = apply(
        &scheduled,
        Action::Hold,
        &ActionInput {
            reason: Some("tax records".into()),
            ..Default::default()
        },
        day(3),
    )?
    .case;
    assert_eq!(held.attention_on(), None);
    assert!(matches!(
        apply(
            &held,
            Action::ConfirmDeletion,
            &ActionInput::default(),
            day(40)
        ),
        Err(Error::NotAllowed(_))
    ));
    let released = apply(&held, Action::ReleaseHold, &ActionInput::default(), day(40))?.case;
    assert!(
        matches!(
            apply(&released, Action::ConfirmDeletion, &ActionInput::default(), day(40)),
            Err(Error::NotAllowed(why)) if why.contains("not marked sent")
        ),
        "the closure letter was neither sent nor confirmed unneeded"
    );
    let told = ActionInput {
        without_letter: true,
        ..Default::default()
    };
    let done = apply(&released, Action::ConfirmDeletion, &told, day(40))?.case;
    assert_eq!(
        (done.state, done.outcome),
        (State::Closed, Some(Outcome::Fulfilled))
    );
    assert_eq!(done.answered_on(), Some(day(2)));
    assert_eq!(done.closed_on_time(), Some(true));
    Ok(())
}

#[test]
fn forum_items_must_each_be_decided_and_the_outcome_must_fit() -> Result<(), Error> {
    let c = case(Kind::ForumRemoval, Jurisdiction::GDPR);
    let working = apply(&c, Action::Verify, &ActionInput::default(), day(1))?.case;
    let partially = ActionInput {
        outcome: Some(Outcome::PartiallyFulfilled),
        without_letter: true,
        ..Default::default()
    };
    assert!(apply(&working, Action::Close, &partially, day(2)).is_err());
    let item = |url: &str| Some(url.to_string());
    let one = apply(
        &working,
        Action::RemoveItem,
        &ActionInput {
            item: item("https://f.example.com/1"),
            ..Default::default()
        },
        day(2),
    )?
    .case;
    assert!(
        apply(
            &one,
            Action::RefuseItem,
            &ActionInput {
                item: item("https://f.example.com/2"),
                ..Default::default()
            },
            day(2)
        )
        .is_err()
    );
    let two = apply(
        &one,
        Action::RefuseItem,
        &ActionInput {
            item: item("https://f.example.com/2"),
            reason: Some("quoted in a court ruling".into()),
            ..Default::default()
        },
        day(2),
    )?
    .case;
    assert_eq!(
        two.items[1].reason.as_deref(),
        Some("quoted in a court ruling")
    );
    let fulfilled = ActionInput {
        outcome: Some(Outcome::Fulfilled),
        without_letter: true,
        ..Default::default()
    };
    assert!(apply(&two, Action::Close, &fulfilled, day(3)).is_err());
    assert_eq!(
        apply(&two, Action::Close, &partially, day(3))?.case.outcome,
        Some(Outcome::PartiallyFulfilled)
    );
    assert!(
        apply(
            &two,
            Action::RemoveItem,
            &ActionInput {
                item: item("https://f.example.com/9"),
                ..Default::default()
            },
            day(3)
        )
        .is_err()
    );
    Ok(())
}

#[test]
fn extension_rules_reach_the_workflow() -> Result<(), Error> {
    let ccpa = case(Kind::Access, Jurisdiction::CCPA);
    let input = |until: NaiveDate, reason: Option<&str>| ActionInput {
        until: Some(until),
        reason: reason.map(String::from),
        ..Default::default()
    };
    assert!(
        apply(&ccpa, Action::Extend, &input(day(60), None), day(5)).is_err(),
        "needs a reason"
    );
    assert!(
        apply(
            &ccpa,
            Action::Extend,
            &input(day(91), Some("volume")),
            day(5)
        )
        .is_err(),
        "beyond 90 days"
    );
    let extended = apply(
        &ccpa,
        Action::Extend,
        &input(day(90), Some("volume")),
        day(5),
    )?
    .case;
    assert_eq!(extended.due_on, day(90));
    assert!(!allowed_actions(&extended, day(6)).contains(&Action::Extend));
    let lgpd = case(Kind::Access, Jurisdiction::LGPD);
    assert!(!allowed_actions(&lgpd, day(1)).contains(&Action::Extend));
    Ok(())
}

#[test]
fn merge_closes_the_duplicate_and_asks_for_the_fold_into_the_kept_case() -> Result<(), Error> {
    let duplicate = case(Kind::Access, Jurisdiction::GDPR);
    let waiting = apply(
        &duplicate,
        Action::RequestId,
        &ActionInput::default(),
        day(1),
    )?
    .case;
    assert!(matches!(
        apply(&waiting, Action::Merge, &ActionInput::default(), day(4)),
        Err(Error::Invalid(_))
    ));
    let itself = ActionInput {
        into: Some(waiting.reference.clone()),
        ..Default::default()
    };
    assert!(matches!(
        apply(&waiting, Action::Merge, &itself, day(4)),
        Err(Error::NotAllowed(why)) if why.contains("into itself")
    ));
    let into = Reference::new(2026, 2);
    let input = ActionInput {
        into: Some(into.clone()),
        ..Default::default()
    };
    let change = apply(&waiting, Action::Merge, &input, day(4))?;
    assert_eq!(
        (
            change.case.state,
            change.case.outcome,
            change.case.closed_on
        ),
        (State::Closed, Some(Outcome::Merged), Some(day(4)))
    );
    assert!(
        change.case.pauses.iter().all(|p| p.to.is_some()),
        "the stopped clock is closed, as any closing closes it"
    );
    assert_eq!(change.details["into"], into.as_str());
    assert_eq!(
        change.effects,
        vec![Effect::FoldInto {
            into: into.clone(),
            duplicate: Box::new(waiting.clone())
        }]
    );
    // A closed case or a scheduled deletion is not merged away: the table says so.
    for state in [State::Closed, State::DeletionScheduled] {
        let ended = Case {
            state,
            ..waiting.clone()
        };
        assert!(matches!(
            apply(&ended, Action::Merge, &input, day(6)),
            Err(Error::NotAllowed(_))
        ));
    }
    Ok(())
}

#[test]
fn answering_a_minors_access_request_opens_the_erasure_as_an_effect() -> Result<(), Error> {
    let mut minor = case(Kind::Access, Jurisdiction::GDPR);
    minor.requester.is_minor = true;
    let checked = ActionInput {
        reason: Some("Parent's ID checked".into()),
        ..Default::default()
    };
    let working = apply(&minor, Action::Verify, &checked, day(1))?.case;
    let fulfilled = ActionInput {
        outcome: Some(Outcome::Fulfilled),
        without_letter: true,
        ..Default::default()
    };
    let change = apply(&working, Action::Close, &fulfilled, day(3))?;
    let [Effect::OpenFollowUp(erasure)] = change.effects.as_slice() else {
        panic!("one follow-up expected: {:?}", change.effects);
    };
    assert_eq!(
        (erasure.kind, erasure.received_on, &erasure.requester),
        (Kind::Erasure, day(3), &minor.requester)
    );
    assert!(erasure.details.contains(minor.reference.as_str()));
    let denied = ActionInput {
        outcome: Some(Outcome::Denied),
        reason: Some("no data".into()),
        ..Default::default()
    };
    assert!(
        apply(&working, Action::Close, &denied, day(3))?
            .effects
            .is_empty()
    );
    let adult = apply(&minor, Action::Verify, &checked, day(1)).map(|c| {
        let mut adult = c.case;
        adult.requester.is_minor = false;
        adult
    })?;
    assert!(
        apply(&adult, Action::Close, &fulfilled, day(3))?
            .effects
            .is_empty()
    );
    Ok(())
}

#[test]
fn each_spec_says_what_its_form_asks_and_whether_it_closes_the_case() {
    let adult = case(Kind::Access, Jurisdiction::GDPR);
    let close = spec_for(&adult, Action::Close);
    assert!(close.closes && close.needs_outcome && !close.needs_reason);
    assert_eq!(close.reason_label, "Note (optional)");
    // Not verified yet: the case may be refused or withdrawn, not fulfilled.
    let offered: Vec<Outcome> = close.outcomes.iter().map(|o| o.value).collect();
    assert_eq!(offered, [Outcome::Denied, Outcome::Withdrawn]);
    assert_eq!(
        close.outcomes[0].reason_label,
        "Reason for the refusal (goes to the person)"
    );
    assert_eq!(
        close.unsent_answer.map(|l| l.kind),
        Some(crate::domain::letters::LetterKind::AccessResponse)
    );
    let verify = spec_for(&adult, Action::Verify);
    assert!(!verify.closes && !verify.needs_reason);
    assert_eq!(verify.reason_label, "Note (optional)");
    let mut minor = adult.clone();
    minor.requester.is_minor = true;
    let guardian = spec_for(&minor, Action::Verify);
    assert!(guardian.needs_reason);
    assert!(
        guardian
            .reason_label
            .starts_with("How the parent or guardian")
    );
    let scheduled = Case {
        state: State::DeletionScheduled,
        ..case(Kind::AccountClosure, Jurisdiction::CCPA)
    };
    assert!(spec_for(&scheduled, Action::ConfirmDeletion).closes);
    assert!(!spec_for(&scheduled, Action::Hold).closes);
}

pub(crate) fn input_for(action: Action, case: &Case, pick: u8, until_offset: u64) -> ActionInput {
    let mut input = ActionInput::default();
    let spec = super::spec_for(case, action);
    if spec.needs_reason || pick.is_multiple_of(3) {
        input.reason = Some("because".into());
    }
    if spec.needs_outcome {
        // `merged` is refused by close: a duplicate is closed by merging it (desk tests).
        let closing = [
            Outcome::Fulfilled,
            Outcome::PartiallyFulfilled,
            Outcome::Denied,
            Outcome::Withdrawn,
        ];
        input.outcome = Some(closing[usize::from(pick) % closing.len()]);
        input.reason = Some("because".into());
    }
    if spec.unsent_answer.is_some() {
        input.without_letter = pick.is_multiple_of(2);
    }
    if spec.needs_date {
        input.until = Some(case.due_on + Days::new(until_offset));
    }
    if spec.needs_agent {
        input.to = Some("ben".into());
    }
    if spec.needs_item {
        input.item = case
            .items
            .get(usize::from(pick) % case.items.len().max(1))
            .map(|i| i.url.clone());
    }
    input
}

fn invariants(case: &Case) -> Result<(), TestCaseError> {
    prop_assert_eq!(case.state == State::Closed, case.outcome.is_some());
    // An appeal keeps the day the request was answered.
    prop_assert_eq!(
        matches!(case.state, State::Closed | State::InAppeal),
        case.closed_on.is_some()
    );
    prop_assert!(case.due_on > case.received_on);
    match &case.appeal {
        Some(appeal) => {
            prop_assert_eq!(appeal.due_on, case.deadline().due_on);
            prop_assert!(appeal.due_on > appeal.received_on);
            prop_assert!(case.jurisdiction.appeal_rule().is_some());
            prop_assert!(matches!(
                appeal.against,
                Outcome::Denied | Outcome::PartiallyFulfilled
            ));
            prop_assert_eq!(appeal.decided_on.is_some(), appeal.granted.is_some());
            prop_assert_eq!(case.state == State::InAppeal, appeal.decided_on.is_none());
        }
        None => prop_assert_eq!(case.due_on, case.deadline().due_on),
    }
    if case.outcome == Some(Outcome::Denied) {
        prop_assert!(case.denial_reason.is_some() && case.denial_basis.is_some());
    }
    let open_pauses = case.pauses.iter().filter(|p| p.to.is_none()).count();
    prop_assert_eq!(open_pauses, usize::from(waits_on_requester(case.state)));
    // Nothing is disclosed, changed or deleted for someone whose identity nobody checked.
    let fulfilled = matches!(
        case.outcome,
        Some(Outcome::Fulfilled | Outcome::PartiallyFulfilled)
    );
    prop_assert!(
        !fulfilled || identity_settled(case),
        "fulfilled unchecked: {:?}",
        case.kind
    );
    prop_assert!(case.purge_on.is_none() || identity_settled(case));
    // A hold outlives the closing (the data stays kept), but only where a deletion was scheduled.
    prop_assert!(case.legal_hold.is_none() || case.purge_on.is_some());
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    /// Random sequences of actions, with and without what they need, on random days.
    #[test]
    fn random_action_sequences_keep_every_invariant(
        kind in proptest::sample::select(Kind::ALL.to_vec()),
        jurisdiction in proptest::sample::select(Jurisdiction::ALL.to_vec()),
        steps in proptest::collection::vec((proptest::sample::select(Action::ALL.to_vec()), any::<u8>(), 0u64..4, 1u64..70, any::<bool>()), 1..40),
    ) {
        let mut current = case(kind, jurisdiction);
        let mut today = current.received_on;
        for (action, pick, advance, until_offset, complete) in steps {
            today = today + Days::new(advance);
            let allowed = allowed_actions(&current, today).contains(&action);
            let input = if complete { input_for(action, &current, pick, until_offset) } else { ActionInput::default() };
            match apply(&current, action, &input, today) {
                Ok(change) => {
                    prop_assert!(allowed, "{action} succeeded though not offered in {}", current.state);
                    prop_assert_eq!(Some(change.case.state), target(current.state, action));
                    prop_assert!(change.case.due_on >= current.due_on, "due date moved earlier");
                    invariants(&change.case)?;
                    current = change.case;
                }
                Err(Error::NotAllowed(_)) if !allowed => {}
                Err(Error::NotAllowed(why)) => {
                    // An offered action may still be refused for what its input or the items say.
                    prop_assert!(matches!(action, Action::Close | Action::Extend | Action::ConfirmDeletion), "{action} offered but refused: {why}");
                }
                Err(Error::Invalid(_)) => prop_assert!(allowed, "{action} not offered but failed on input, not state"),
                Err(other) => prop_assert!(false, "unexpected error {other}"),
            }
        }
    }
}

/// `case` closed as denied on `day(5)`, under `jurisdiction`.
fn denied(jurisdiction: Jurisdiction) -> Case {
    let open = case(Kind::Access, jurisdiction);
    let input = ActionInput {
        outcome: Some(Outcome::Denied),
        denial_basis: Some(DenialBasis::Exemption),
        reason: Some("it would disclose another person's data".into()),
        ..Default::default()
    };
    apply(&open, Action::Close, &input, day(5))
        .unwrap_or_else(|e| panic!("{e}"))
        .case
}

fn grounds() -> ActionInput {
    ActionInput {
        reason: Some("the other person agreed to the disclosure".into()),
        ..Default::default()
    }
}

#[test]
fn an_appeal_runs_on_its_own_clock_and_leaves_the_request_answered_as_it_was() -> Result<(), Error>
{
    let closed = denied(Jurisdiction::from_stored(b"us_va").unwrap_or(Jurisdiction::DEFAULT));
    let request_due = closed.due_on;
    let no_reason = apply(&closed, Action::Appeal, &ActionInput::default(), day(10));
    assert!(matches!(no_reason, Err(Error::Invalid(_))), "{no_reason:?}");
    let appealed = apply(&closed, Action::Appeal, &grounds(), day(10))?;
    assert_eq!(appealed.details["against"], "denied");
    let case = appealed.case;
    assert_eq!(case.state, State::InAppeal);
    assert_eq!((case.outcome, case.closed_on), (None, Some(day(5))));
    assert_eq!(case.due_on, request_due, "the request keeps its due date");
    let appeal = case.appeal.clone().unwrap_or_else(|| unreachable!());
    // Va. Code § 59.1-577(C): 60 days from the appeal's arrival.
    assert_eq!(appeal.due_on, day(70));
    assert_eq!(case.attention_on(), Some(day(70)));
    let explained = case.deadline().explanation.join("\n");
    assert!(explained.contains("Appeal received"), "{explained}");
    assert!(
        explained.contains("Virginia CDPA: 60 calendar days to decide an appeal"),
        "{explained}"
    );
    // Decided by closing it again, or granted by opening the request to be worked.
    let offered = allowed_actions(&case, day(11));
    assert!(offered.contains(&Action::Close) && offered.contains(&Action::Reopen));
    assert!(!offered.contains(&Action::Merge) && !offered.contains(&Action::Appeal));

    // Upholding it needs the decision letter (or its confirmation) and the reasons.
    let upheld = ActionInput {
        outcome: Some(Outcome::Denied),
        reason: Some("the other person's consent covers only part of it".into()),
        ..Default::default()
    };
    let unsent = apply(&case, Action::Close, &upheld, day(20));
    assert!(
        matches!(unsent, Err(Error::NotAllowed(ref m)) if m.contains("Appeal decision")),
        "{unsent:?}"
    );
    let mut told = case.clone();
    told.sent_letters.push(crate::LetterKind::AppealDecision);
    let withdrawn = ActionInput {
        outcome: Some(Outcome::Withdrawn),
        ..upheld.clone()
    };
    assert!(matches!(
        apply(&told, Action::Close, &withdrawn, day(20)),
        Err(Error::Invalid(_))
    ));
    let decided = apply(&told, Action::Close, &upheld, day(20))?;
    assert_eq!(decided.details["appeal_granted"], false);
    let decided = decided.case;
    assert_eq!(decided.outcome, Some(Outcome::Denied), "the refusal stands");
    assert_eq!(
        (decided.closed_on, decided.due_on),
        (Some(day(5)), request_due)
    );
    assert_eq!(decided.closed_on_time(), closed.closed_on_time());
    let record = decided.appeal.clone().unwrap_or_else(|| unreachable!());
    assert_eq!(
        (record.decided_on, record.granted),
        (Some(day(20)), Some(false))
    );
    // One appeal: after it, the person turns to the Attorney General.
    let again = apply(&decided, Action::Appeal, &grounds(), day(21));
    assert!(
        matches!(again, Err(Error::NotAllowed(ref m)) if m.contains("Attorney General")),
        "{again:?}"
    );
    Ok(())
}

#[test]
fn an_appeal_is_refused_where_the_law_gives_no_right_and_for_a_request_not_refused() {
    let gdpr = denied(Jurisdiction::GDPR);
    let refused = apply(&gdpr, Action::Appeal, &grounds(), day(10));
    assert!(
        matches!(refused, Err(Error::NotAllowed(ref m)) if m.contains("no right to appeal")),
        "{refused:?}"
    );
    assert!(!allowed_actions(&gdpr, day(10)).contains(&Action::Appeal));
    let utah = denied(Jurisdiction::from_stored(b"us_ut").unwrap_or(Jurisdiction::DEFAULT));
    assert!(apply(&utah, Action::Appeal, &grounds(), day(10)).is_err());
    let mut withdrawn =
        denied(Jurisdiction::from_stored(b"us_tx").unwrap_or(Jurisdiction::DEFAULT));
    withdrawn.outcome = Some(Outcome::Withdrawn);
    let refused = apply(&withdrawn, Action::Appeal, &grounds(), day(10));
    assert!(
        matches!(refused, Err(Error::NotAllowed(ref m)) if m.contains("only a denied or partly fulfilled")),
        "{refused:?}"
    );
}

#[test]
fn a_granted_appeal_fulfils_the_request_and_an_appeal_extends_within_its_law() -> Result<(), Error>
{
    let colorado = Jurisdiction::from_stored(b"us_co").unwrap_or(Jurisdiction::DEFAULT);
    let mut closed = denied(colorado);
    closed.identity = Identity::Verified;
    let case = apply(&closed, Action::Appeal, &grounds(), day(10))?.case;
    // C.R.S. § 6-1-1306(3): 45 days, and at most 60 more.
    let deadline = case.deadline();
    assert_eq!(deadline.due_on, day(55));
    assert_eq!(deadline.latest_extension_on, Some(day(115)));
    let too_far = ActionInput {
        until: Some(day(116)),
        reason: Some("volume".into()),
        ..Default::default()
    };
    assert!(matches!(
        apply(&case, Action::Extend, &too_far, day(20)),
        Err(Error::Invalid(_))
    ));
    let extend = ActionInput {
        until: Some(day(100)),
        ..too_far
    };
    let extended = apply(&case, Action::Extend, &extend, day(20))?.case;
    let appeal = extended.appeal.clone().unwrap_or_else(|| unreachable!());
    assert_eq!((appeal.due_on, extended.extension), (day(100), None));
    let grant = ActionInput {
        outcome: Some(Outcome::Fulfilled),
        without_letter: true,
        ..Default::default()
    };
    let granted = apply(&extended, Action::Close, &grant, day(30))?.case;
    assert_eq!(granted.outcome, Some(Outcome::Fulfilled));
    assert_eq!(granted.appeal.and_then(|a| a.granted), Some(true));
    let offered: Vec<Outcome> = spec_for(&extended, Action::Close)
        .outcomes
        .iter()
        .map(|o| o.value)
        .collect();
    assert_eq!(offered, [Outcome::Fulfilled, Outcome::Denied]);
    Ok(())
}

#[test]
fn utah_stops_its_clock_only_while_a_request_suspected_fraudulent_is_not_authenticated()
-> Result<(), Error> {
    let utah = Jurisdiction::from_stored(b"us_ut").unwrap_or(Jurisdiction::DEFAULT);
    let open = case(Kind::Access, utah);
    assert_eq!(open.due_on, day(45));
    let fraud = ActionInput {
        suspected_fraud: true,
        ..Default::default()
    };
    assert!(spec_for(&open, Action::RequestId).suspected_fraud.is_some());
    let asked = apply(&open, Action::RequestId, &fraud, day(2))?;
    assert_eq!(asked.details["suspected_fraud"], true);
    let paused = asked.case;
    assert!(paused.deadline().paused);
    let verified = apply(&paused, Action::Verify, &ActionInput::default(), day(30))?.case;
    // 45 days from receipt, plus the 28 days it could not be authenticated.
    assert_eq!(verified.due_on, day(73));
    let explained = verified.deadline().explanation.join(" ");
    assert!(explained.contains("§ 13-61-203(2)(d)"), "{explained}");
    // Asking for ID without the suspicion leaves Utah's clock running.
    let plain = apply(&open, Action::RequestId, &ActionInput::default(), day(2))?.case;
    let plain = apply(&plain, Action::Verify, &ActionInput::default(), day(30))?.case;
    assert_eq!(plain.due_on, day(45));
    // Elsewhere the flag is refused, and it goes only with request-id.
    let virginia = case(
        Kind::Access,
        Jurisdiction::from_stored(b"us_va").unwrap_or(Jurisdiction::DEFAULT),
    );
    assert!(
        spec_for(&virginia, Action::RequestId)
            .suspected_fraud
            .is_none()
    );
    assert!(matches!(
        apply(&virginia, Action::RequestId, &fraud, day(2)),
        Err(Error::NotAllowed(_))
    ));
    assert!(matches!(
        apply(&paused, Action::Verify, &fraud, day(3)),
        Err(Error::Invalid(_))
    ));
    Ok(())
}

#[test]
fn an_appeal_granted_by_reopening_is_worked_again_and_an_account_closure_only_so()
-> Result<(), Error> {
    let texas = Jurisdiction::from_stored(b"us_tx").unwrap_or(Jurisdiction::DEFAULT);
    let open = case(Kind::AccountClosure, texas);
    let refuse = ActionInput {
        outcome: Some(Outcome::Denied),
        reason: Some("the account has an unpaid balance".into()),
        ..Default::default()
    };
    let closed = apply(&open, Action::Close, &refuse, day(5))?.case;
    let mut appealed = apply(&closed, Action::Appeal, &grounds(), day(9))?.case;
    appealed.identity = Identity::Verified;
    let offered: Vec<Outcome> = spec_for(&appealed, Action::Close)
        .outcomes
        .iter()
        .map(|o| o.value)
        .collect();
    assert_eq!(
        offered,
        [Outcome::Denied],
        "granted by reopening, not by close"
    );
    let grant = ActionInput {
        outcome: Some(Outcome::Fulfilled),
        without_letter: true,
        ..Default::default()
    };
    assert!(matches!(
        apply(&appealed, Action::Close, &grant, day(12)),
        Err(Error::NotAllowed(ref m)) if m.contains("granted by reopening")
    ));
    assert!(
        spec_for(&appealed, Action::Reopen)
            .reason_label
            .starts_with("Why the appeal is granted")
    );
    let reopened = apply(&appealed, Action::Reopen, &because(), day(12))?;
    assert_eq!(reopened.details["appeal_granted"], true);
    let working = reopened.case;
    assert_eq!(
        (working.state, working.outcome, working.closed_on),
        (State::InProgress, None, None)
    );
    assert_eq!(working.appeal.as_ref().and_then(|a| a.granted), Some(true));
    // Worked to the appeal's clock (its period covers the action taken), and the deletion
    // scheduled as for any closure.
    assert_eq!(working.deadline().due_on, day(9 + 60));
    assert_eq!(
        working.due_on, closed.due_on,
        "the request keeps its due date"
    );
    let scheduled = apply(
        &working,
        Action::ScheduleDeletion,
        &ActionInput::default(),
        day(13),
    )?;
    assert_eq!(scheduled.case.state, State::DeletionScheduled);
    Ok(())
}

fn because() -> ActionInput {
    ActionInput {
        reason: Some("the balance was paid".into()),
        ..Default::default()
    }
}
