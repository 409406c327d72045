//! The workflow through the real store against a reference model: thousands of random action
//! sequences, each step checked for what it did to the case and to the audit trail.

use std::cell::RefCell;

use chrono::{Days, NaiveDate};
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;

use super::*;
use crate::domain::workflow::tests::{EXPECTED, input_for};
use crate::domain::workflow::{self, Action};
use crate::store::sqlcipher::SqlCipher;
use crate::{ActionInput, Jurisdiction, Kind, NewCase, State};

/// The reference model: the transition table as the design notes write it.
fn model_target(state: State, action: Action) -> Option<State> {
    EXPECTED
        .iter()
        .find(|(from, act, _)| *from == state.as_str() && *act == action.as_str())
        .and_then(|(_, _, to)| to.parse().ok())
}

/// One database for every sequence: each sequence works its own new case.
fn with_desk<T>(work: impl FnOnce(&mut Desk) -> T) -> T {
    thread_local! {
        static DESK: RefCell<Option<(tempfile::TempDir, Desk)>> = const { RefCell::new(None) };
    }
    DESK.with(|cell| {
        let mut slot = cell.borrow_mut();
        let (_, desk) = slot.get_or_insert_with(|| {
            let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
            let passphrase = Passphrase::new("model test passphrase".into());
            let agent = Agent::new("model").unwrap_or_else(|e| panic!("{e}"));
            let desk = Desk::create(&dir.path().join("model.db"), &passphrase, agent)
                .unwrap_or_else(|e| panic!("{e}"));
            // Durability is proven by the SIGKILL tests; here only the logic is under test.
            SqlCipher::of(desk.store())
                .map(SqlCipher::without_fsync)
                .unwrap_or_else(|| panic!("the model runs on the encrypted file"))
                .unwrap_or_else(|e| panic!("{e}"));
            (dir, desk)
        });
        work(desk)
    })
}

/// The state the case's own events lead to, replayed from `created` on.
fn replayed(view: &CaseView) -> Result<State, TestCaseError> {
    let mut state = None;
    for event in &view.events {
        state = Some(workflow::replay(state, &event.action).map_err(TestCaseError::fail)?);
    }
    state.ok_or_else(|| TestCaseError::fail("a case without events"))
}

/// 1000 sequences (~14,000 actions) by default, a few seconds; `PRIVACYDESK_MODEL_SEQUENCES`
/// runs more.
fn sequences() -> u32 {
    std::env::var("PRIVACYDESK_MODEL_SEQUENCES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1000)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: sequences(), ..ProptestConfig::default() })]

    #[test]
    fn random_sequences_through_the_store_follow_the_model(
        kind in proptest::sample::select(Kind::ALL.to_vec()),
        jurisdiction in proptest::sample::select(Jurisdiction::ALL.to_vec()),
        start in 0u64..700,
        steps in proptest::collection::vec(
            (proptest::sample::select(Action::ALL.to_vec()), any::<u8>(), 0u64..5, 1u64..70, any::<bool>()),
            1..25,
        ),
    ) {
        with_desk(|desk| -> Result<(), TestCaseError> {
            let mut today = NaiveDate::from_ymd_opt(2025, 1, 1).unwrap_or_default() + Days::new(start);
            desk.set_today(today);
            let items = if kind == Kind::ForumRemoval {
                vec!["https://forum.example.com/t/1".into(), "https://forum.example.com/t/2".into()]
            } else {
                Vec::new()
            };
            let reference = desk.new_case(&NewCase {
                kind: kind.as_str().into(),
                name: "Model Person".into(),
                email: "model@example.com".into(),
                jurisdiction: Some(jurisdiction.as_str().into()),
                items,
                ..NewCase::default()
            }).map_err(|e| TestCaseError::fail(e.to_string()))?;
            let received_on = today;

            for (action, pick, advance, until_offset, complete) in steps {
                today = today + Days::new(advance);
                desk.set_today(today);
                let before = desk.case(&reference).map_err(|e| TestCaseError::fail(e.to_string()))?;
                let offered = before.allowed_actions.iter().any(|spec| spec.action == action);
                let input = if complete {
                    input_for(action, &before.case, pick, until_offset)
                } else {
                    ActionInput::default()
                };
                let result = desk.act(&reference, action, &input);
                let after = match &result {
                    Ok(view) => view.clone(),
                    Err(_) => desk.case(&reference).map_err(|e| TestCaseError::fail(e.to_string()))?,
                };
                match result {
                    Ok(_) => {
                        prop_assert!(offered, "{action} succeeded but was not offered in {}", before.case.state);
                        prop_assert_eq!(Some(after.case.state), model_target(before.case.state, action));
                        prop_assert_eq!(after.events.len(), before.events.len() + 1, "one event per action");
                        prop_assert_eq!(&after.events[before.events.len()].action, action.as_str());
                        prop_assert!(after.case.due_on >= before.case.due_on, "the due date moved earlier");
                    }
                    Err(Error::NotAllowed(_) | Error::Invalid(_)) => {
                        prop_assert_eq!(
                            serde_json::to_value(&after).ok(),
                            serde_json::to_value(&before).ok(),
                            "a refused {} changed the case", action
                        );
                        if model_target(before.case.state, action).is_none() {
                            prop_assert!(!offered, "{action} offered though the model forbids it");
                        }
                    }
                    Err(other) => prop_assert!(false, "{action}: unexpected error {other}"),
                }
                prop_assert_eq!(replayed(&after)?, after.case.state, "events replay to the state");
                prop_assert!(after.case.due_on > received_on, "due before receipt");
                prop_assert_eq!(after.case.received_on, received_on);
            }
            Ok(())
        })?;
    }
}
