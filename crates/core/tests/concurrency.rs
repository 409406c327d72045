//! Two people on one desk at once — two windows on a file, or two agents on a team desk: an
//! action decided on a case as it was seen is refused once someone else has changed it, with
//! who and when, and nothing of it is written; actions racing on one case all end as one
//! accepted or one refused, and the audit trail stays one chain that replays to every state.

mod common;

use common::Fixture;
use privacydesk_core::{Action, ActionInput, Error, Result};

#[test]
fn an_action_on_a_case_someone_else_changed_is_refused_with_who_and_when() -> Result<()> {
    let mut fx = Fixture::new();
    let reference = fx.new_case("access", "Ana Ruiz", "ana@example.com", "2026-06-01")?;
    let mut ben = fx.colleague("ben");
    // Ana looks at the case; Ben verifies it meanwhile.
    let seen = fx.desk.case(&reference)?.case.revision.number;
    let acted = ben.act(&reference, Action::Verify, &ActionInput::default())?;
    // What an action hands back is the case as now stored, its revision included.
    assert_eq!(acted.case.revision, fx.desk.case(&reference)?.case.revision);
    let events_before = fx.desk.case(&reference)?.events.len();
    // Ana's action, decided on what she saw, is refused: nothing of it is written.
    let refused = fx.desk.act(
        &reference,
        Action::Verify,
        &ActionInput {
            seen_revision: Some(seen),
            ..ActionInput::default()
        },
    );
    let Err(Error::Changed { by, at, .. }) = &refused else {
        panic!("expected a refusal, got {refused:?}");
    };
    assert_eq!(by, ben.agent().as_str());
    assert!(at.starts_with("20"), "{at}");
    let error = refused.err().unwrap_or_else(|| unreachable!());
    assert_eq!(error.exit_code(), 6);
    assert!(error.line().contains("reload"), "{}", error.line());
    assert_eq!(fx.desk.case(&reference)?.events.len(), events_before);
    // Reloaded, the case is as Ben left it, and Ana goes on from there.
    let now = fx.desk.case(&reference)?;
    assert!(now.case.revision.number > seen);
    fx.desk.act(
        &reference,
        Action::AskRequester,
        &ActionInput {
            reason: Some("Which account?".into()),
            seen_revision: Some(now.case.revision.number),
            ..ActionInput::default()
        },
    )?;
    assert!(fx.desk.verify()?.is_ok());
    Ok(())
}

#[test]
fn agents_racing_on_the_same_cases_leave_one_chain_and_no_lost_step() -> Result<()> {
    let mut fx = Fixture::new();
    let mut references = Vec::new();
    for n in 0..4 {
        references.push(fx.new_case(
            "access",
            &format!("Person {n}"),
            &format!("p{n}@example.com"),
            "2026-06-01",
        )?);
    }
    let desks = [fx.colleague("ana"), fx.colleague("ben")];
    let workers: Vec<_> = desks
        .into_iter()
        .map(|mut desk| {
            let references = references.clone();
            std::thread::spawn(move || -> Result<(u32, u32)> {
                let (mut done, mut refused) = (0, 0);
                // Both walk the same cases through the same steps; each step is taken once.
                for action in [Action::Verify, Action::AskRequester] {
                    for reference in &references {
                        let input = ActionInput {
                            reason: Some("Which account?".into()),
                            ..ActionInput::default()
                        };
                        match desk.act(reference, action, &input) {
                            Ok(_) => done += 1,
                            Err(Error::Changed { .. } | Error::NotAllowed(_)) => refused += 1,
                            Err(other) => return Err(other),
                        }
                        desk.note(reference, "checked the account")?;
                    }
                }
                Ok((done, refused))
            })
        })
        .collect();
    let mut total_done = 0;
    for worker in workers {
        let (done, refused) = worker
            .join()
            .unwrap_or_else(|_| panic!("a worker panicked"))?;
        assert_eq!(done + refused, 8);
        total_done += done;
    }
    // Each of the 4 cases was verified once and put to the requester once, by one or the other.
    assert_eq!(total_done, 8);
    for reference in &references {
        let view = fx.desk.case(reference)?;
        assert_eq!(view.case.state, privacydesk_core::State::AwaitingRequester);
        // Logged, verified, asked: the notes add no revision.
        assert_eq!(view.case.revision.number, 3, "{reference}");
    }
    let report = fx.desk.verify()?;
    assert!(report.is_ok(), "{report:?}");
    Ok(())
}
