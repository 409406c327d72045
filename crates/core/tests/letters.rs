//! Letters through the core API on real encrypted files: filled from the case, edited as a
//! draft, kept exactly as sent (proven by `verify`), saved as a file, redacted by retention.

mod common;

use common::*;
use privacydesk_core::domain::letters::{LetterKind, letter_hash};
use privacydesk_core::files::templates::Templates;
use privacydesk_core::{Action, ActionInput, Error, NewCase, Outcome, Result};

fn act(fx: &mut Fixture, r: &privacydesk_core::Reference, action: Action, input: ActionInput) {
    fx.desk
        .act(r, action, &input)
        .unwrap_or_else(|e| panic!("{action}: {e}"));
}

fn forum_case(fx: &mut Fixture) -> Result<privacydesk_core::Reference> {
    fx.desk.new_case(&NewCase {
        kind: "forum-removal".into(),
        name: "Ana Ruiz".into(),
        email: "ana@example.com".into(),
        received: Some("2026-06-01".into()),
        jurisdiction: Some("uk-gdpr".into()),
        items: vec![
            "https://forum.example.com/t/1".into(),
            "https://forum.example.com/t/2".into(),
        ],
        ..NewCase::default()
    })
}

fn decide_items(fx: &mut Fixture, r: &privacydesk_core::Reference) {
    act(fx, r, Action::Verify, ActionInput::default());
    act(
        fx,
        r,
        Action::RemoveItem,
        ActionInput {
            item: Some("https://forum.example.com/t/1".into()),
            ..Default::default()
        },
    );
    act(
        fx,
        r,
        Action::RefuseItem,
        ActionInput {
            item: Some("https://forum.example.com/t/2".into()),
            reason: Some("it is quoted in a thread about a security incident".into()),
            ..Default::default()
        },
    );
}

#[test]
fn a_removal_answer_is_filled_edited_sent_kept_and_saved_as_a_file() -> Result<()> {
    let mut fx = Fixture::new();
    let r = forum_case(&mut fx)?;
    let refused = fx.desk.letter(&r, LetterKind::RemovalAnswer);
    assert!(
        matches!(&refused, Err(Error::NotAllowed(why)) if why.contains("2 item(s) still pending")),
        "{refused:?}"
    );
    decide_items(&mut fx, &r);
    let offered: Vec<_> = fx
        .desk
        .case(&r)?
        .offered_letters
        .into_iter()
        .map(|o| o.kind)
        .collect();
    assert!(offered.contains(&LetterKind::RemovalAnswer), "{offered:?}");

    let filled = fx.desk.letter(&r, LetterKind::RemovalAnswer)?;
    assert!(!filled.saved);
    assert!(filled.blanks.is_empty(), "{:?}", filled.blanks);
    assert!(filled.body.contains("  - https://forum.example.com/t/1\n"));
    assert!(
        filled
            .body
            .contains("Why: it is quoted in a thread about a security incident")
    );
    assert!(filled.body.contains("Information Commissioner's Office"));

    let edited = filled
        .body
        .replace("Kind regards,", "[[a personal word]]\n\nKind regards,");
    let draft = fx
        .desk
        .save_letter_draft(&r, LetterKind::RemovalAnswer, &edited)?;
    assert!(draft.saved);
    assert_eq!(draft.blanks, ["[[a personal word]]"]);
    assert_eq!(
        fx.desk.letter(&r, LetterKind::RemovalAnswer)?.body,
        edited.trim()
    );
    let blocked = fx.desk.send_letter(&r, LetterKind::RemovalAnswer, &edited);
    assert!(
        matches!(&blocked, Err(Error::Invalid(why)) if why.contains("[[a personal word]]")),
        "{blocked:?}"
    );

    let final_text = edited.replace("[[a personal word]]", "We are sorry for the trouble.");
    let sent = fx
        .desk
        .send_letter(&r, LetterKind::RemovalAnswer, &final_text)?;
    assert_eq!(sent.body, final_text.trim());
    assert!(sent.sent_at.is_some());
    let view = fx.desk.case(&r)?;
    assert_eq!(view.letters.len(), 1, "the draft became the sent letter");
    let actions: Vec<_> = view.events.iter().map(|e| e.action.as_str()).collect();
    assert!(
        actions.ends_with(&["letter_draft_saved", "letter_sent"]),
        "{actions:?}"
    );
    let event = view
        .events
        .last()
        .map(|e| e.details.clone())
        .unwrap_or_default();
    assert_eq!(event["sha256"], letter_hash(&sent.body));
    assert_eq!(event["kind"], "removal_answer");
    assert!(
        !event.to_string().contains("Ana"),
        "no personal data in the event"
    );

    // The next letter of the kind starts from the template again.
    assert!(!fx.desk.letter(&r, LetterKind::RemovalAnswer)?.saved);

    let out = fx.dir.path().join("answer.txt");
    let file = fx.desk.export_letter(&r, sent.id, &out)?;
    let text = std::fs::read_to_string(&out).map_err(|e| Error::io("read", e))?;
    assert_eq!(text, format!("{}\n", sent.body));
    assert_eq!(file.bytes as usize, text.len());
    let view = fx.desk.case(&r)?;
    assert_eq!(
        view.events.last().map(|e| e.action.as_str()),
        Some("letter_exported")
    );
    assert!(fx.desk.verify()?.is_ok());
    Ok(())
}

#[test]
fn a_sent_letter_cannot_be_changed_and_a_changed_one_is_named_by_verify() -> Result<()> {
    let mut fx = Fixture::file();
    let r = forum_case(&mut fx)?;
    decide_items(&mut fx, &r);
    let body = fx.desk.letter(&r, LetterKind::RemovalAnswer)?.body;
    let sent = fx.desk.send_letter(&r, LetterKind::RemovalAnswer, &body)?;

    let conn = raw(&fx.path);
    assert!(
        conn.execute("UPDATE letters SET body = 'nicer words'", [])
            .is_err()
    );
    assert!(conn.execute("DELETE FROM letters", []).is_err());
    conn.execute_batch(
        "DROP TRIGGER sent_letters_are_kept;
         UPDATE letters SET body = replace(body, 'security incident', 'minor matter');",
    )?;
    drop(conn);
    fx.reopen()?;
    let report = fx.desk.verify()?;
    assert!(!report.is_ok());
    assert!(
        report.case_problems.iter().any(|p| p.contains(&format!(
            "letter {} (case id 1) differs from the text recorded as sent",
            sent.id
        ))),
        "{report:?}"
    );
    Ok(())
}

#[test]
fn an_extension_notice_is_refused_after_the_original_period() -> Result<()> {
    let mut fx = Fixture::new();
    let r = fx.new_case("access", "Ana Ruiz", "ana@example.com", "2026-06-01")?;
    act(&mut fx, &r, Action::Verify, ActionInput::default());
    act(
        &mut fx,
        &r,
        Action::Extend,
        ActionInput {
            until: Some(date("2026-08-31")),
            reason: Some("the records are spread over three systems".into()),
            ..Default::default()
        },
    );
    let notice = fx.desk.letter(&r, LetterKind::ExtensionNotice)?;
    assert!(
        notice
            .body
            .contains("because the records are spread over three systems.")
    );
    assert!(notice.body.contains("by 31 August 2026"));
    fx.desk.set_today(date("2026-07-02"));
    let late = fx
        .desk
        .send_letter(&r, LetterKind::ExtensionNotice, &notice.body);
    assert!(
        matches!(&late, Err(Error::NotAllowed(why)) if why.contains("ended on 2026-07-01")),
        "{late:?}"
    );
    assert!(fx.desk.letters(&r)?.is_empty());
    Ok(())
}

#[test]
fn the_companys_templates_beside_the_database_are_used() -> Result<()> {
    let mut fx = Fixture::new();
    let r = fx.new_case("access", "Ana Ruiz", "ana@example.com", "2026-06-01")?;
    let folder = fx.dir.path().join("letters");
    assert_eq!(fx.desk.templates().folder(), Some(folder.as_path()));
    let written = Templates::in_folder(&folder).write_defaults()?;
    assert_eq!(written.written.len(), LetterKind::ALL.len() + 1);
    std::fs::write(
        folder.join("company.toml"),
        "name = \"Acme Cloud\"\nsignature = \"Acme Cloud privacy desk\"\ncontact = \"privacy@acme.example\"\n",
    )
    .map_err(|e| Error::io("write", e))?;
    let letter = fx.desk.letter(&r, LetterKind::IdentityRequest)?;
    assert!(
        letter
            .body
            .ends_with("Acme Cloud privacy desk\nprivacy@acme.example"),
        "{}",
        letter.body
    );
    assert_eq!(letter.blanks.len(), 1);

    std::fs::write(folder.join("identity_request.txt"), "Dear {{ nobody }}")
        .map_err(|e| Error::io("write", e))?;
    let broken = fx.desk.letter(&r, LetterKind::IdentityRequest);
    assert!(
        matches!(&broken, Err(Error::Invalid(why)) if why.contains("identity_request.txt: line 1:")),
        "{broken:?}"
    );
    Ok(())
}

#[test]
fn retention_removes_letter_texts_and_the_chain_still_verifies() -> Result<()> {
    let mut fx = Fixture::new();
    let r = fx.new_case("access", "Ana Ruiz", "ana@example.com", "2026-06-01")?;
    act(&mut fx, &r, Action::Verify, ActionInput::default());
    let body = fx
        .desk
        .letter(&r, LetterKind::AccessResponse)?
        .body
        .replace(
            "[[list each file enclosed and what it contains]]",
            "account.json",
        );
    fx.desk.send_letter(&r, LetterKind::AccessResponse, &body)?;
    fx.desk
        .save_letter_draft(&r, LetterKind::Denial, "Dear Ana Ruiz, draft")?;
    act(
        &mut fx,
        &r,
        Action::Close,
        ActionInput {
            outcome: Some(Outcome::Fulfilled),
            without_letter: true,
            ..Default::default()
        },
    );
    fx.desk.set_today(date("2028-07-01"));
    assert_eq!(fx.desk.apply_retention(&mut |_| {})?.redacted, 1);
    let letters = fx.desk.letters(&r)?;
    assert_eq!(letters.len(), 1, "the draft is gone");
    assert_eq!(letters[0].body, "");
    assert!(letters[0].sent_at.is_some(), "when it was sent is kept");
    assert!(fx.desk.verify()?.is_ok());
    let view = fx.desk.case(&r)?;
    assert!(view.offered_letters.is_empty());
    let out = fx.dir.path().join("gone.txt");
    assert!(matches!(
        fx.desk.export_letter(&r, letters[0].id, &out),
        Err(Error::NotAllowed(_))
    ));
    Ok(())
}

#[test]
fn a_filled_letter_says_which_template_it_came_from() -> Result<()> {
    let mut fx = Fixture::new();
    let r = fx.new_case("access", "Ana Ruiz", "ana@example.com", "2026-06-01")?;
    let folder = fx.dir.path().join("letters");
    let built_in = fx.desk.letter(&r, LetterKind::IdentityRequest)?;
    assert_eq!(built_in.template_file, None);
    assert_eq!(
        built_in.templates_folder,
        Some(folder.display().to_string())
    );
    std::fs::create_dir_all(&folder).map_err(|e| Error::io("mkdir", e))?;
    let file = folder.join("identity_request.txt");
    std::fs::write(&file, "To: {{ requester.email }}\n\nWho are you?\n")
        .map_err(|e| Error::io("write", e))?;
    let own = fx.desk.letter(&r, LetterKind::IdentityRequest)?;
    assert_eq!(own.template_file, Some(file.display().to_string()));
    assert_eq!(own.body, "To: ana@example.com\n\nWho are you?\n");
    Ok(())
}
