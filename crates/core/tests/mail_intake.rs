//! Mail that arrives, imported on each engine: a reply to a letter the desk sent goes on its
//! case, a subject naming a case is not enough from a stranger, each message is imported once,
//! a queued one becomes one case (never two, whoever else acts on it), hostile messages are
//! kept as text, and retention removes what a case's mail says while it stays known.

mod common;
#[path = "common/mail_sink.rs"]
mod mail_sink;

use common::{Fixture, date};
use mail_sink::Sink;
use privacydesk_core::mail::Secret;
use privacydesk_core::{
    Action, ActionInput, Error, Imported, IntakeId, IntakeState, LetterKind, Reference, Sender,
    ServerChange, State,
};

fn message(headers: &[(&str, &str)], body: &str) -> Vec<u8> {
    let mut text = String::new();
    for (name, value) in headers {
        text.push_str(&format!("{name}: {value}\r\n"));
    }
    text.push_str("\r\n");
    text.push_str(body);
    text.into_bytes()
}

fn import(fx: &mut Fixture, bytes: &[u8]) -> Imported {
    fx.desk
        .import_mail(bytes, None)
        .unwrap_or_else(|e| panic!("import: {e}"))
        .imported
}

fn events(fx: &Fixture) -> i64 {
    fx.desk
        .store()
        .chain_head()
        .unwrap_or_else(|e| panic!("{e}"))
        .1
}

/// A case waiting on the requester, whose question went out by email through a real SMTP
/// server; returns the case and the Message-ID the desk gave the letter.
fn question_sent(fx: &mut Fixture) -> (Reference, String) {
    let maildir = fx.dir.path().join("maildir");
    let sink = Sink::start(&maildir);
    let out = ServerChange {
        host: Some("127.0.0.1".into()),
        port: Some(sink.port),
        security: Some("none".parse().expect("a security")),
        user: Some("privacy@acme.example".into()),
        address: Some("privacy@acme.example".into()),
        ..ServerChange::default()
    };
    fx.desk
        .change_mail_settings(&out, &ServerChange::default())
        .unwrap_or_else(|e| panic!("{e}"));
    fx.desk
        .set_mail_password(Some(Secret::new("secret".into())), "set the password");
    let r = fx
        .new_case("access", "Ana Ruiz", "ana@example.com", "2026-06-01")
        .unwrap_or_else(|e| panic!("{e}"));
    let input = ActionInput {
        reason: Some("Which account do you mean?".into()),
        ..ActionInput::default()
    };
    fx.desk
        .act(&r, Action::AskRequester, &input)
        .unwrap_or_else(|e| panic!("ask: {e}"));
    let body = fx
        .desk
        .letter(&r, LetterKind::ClarificationRequest)
        .unwrap_or_else(|e| panic!("{e}"))
        .body
        .replace("[[what you need to know]]", "which account you mean");
    let sent = fx
        .desk
        .send_letter_by_email(&r, LetterKind::ClarificationRequest, &body)
        .unwrap_or_else(|e| panic!("send: {e}"));
    (r, sent.message.message_id)
}

#[test]
fn a_reply_to_a_letter_the_desk_sent_goes_on_its_case_and_only_offers_the_reply() {
    let mut fx = Fixture::new();
    let (r, sent_id) = question_sent(&mut fx);
    let before = events(&fx);

    // The requester's client rewrote the subject; the thread still names the desk's message.
    let reply = message(
        &[
            ("Message-ID", "<reply-1@mail.example>"),
            ("From", "Ana Ruiz <ana@example.com>"),
            ("Subject", "AW: your question"),
            ("In-Reply-To", &sent_id),
            ("References", &format!("<older@x> {sent_id}")),
            ("Date", "Tue, 16 Jun 2026 09:30:00 +0200"),
        ],
        "The account is ana@example.com.\r\n",
    );
    let Imported::OnCase {
        id,
        case,
        sender,
        offered,
    } = import(&mut fx, &reply)
    else {
        panic!("the reply went to the queue")
    };
    assert_eq!(case, r);
    assert_eq!(sender, Sender::Requester);
    assert_eq!(offered, Some(Action::RequesterReplied));
    assert_eq!(events(&fx), before + 1, "one event: the mail on the case");

    // Offered, never applied: the case still waits on the requester.
    let view = fx.desk.case(&r).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(view.case.state, State::AwaitingRequester);
    let last = view.events.last().unwrap_or_else(|| panic!("no events"));
    assert_eq!(last.action, "mail_received");
    let note = last.text.as_deref().unwrap_or_default();
    assert!(note.contains("The account is ana@example.com."), "{note}");
    assert!(note.contains("Ana Ruiz <ana@example.com>"), "{note}");
    let item = fx.desk.intake_item(id).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(item.offered, Some(Action::RequesterReplied));
    assert_eq!(item.item.arrived_at, "2026-06-16T07:30:00Z");
    assert_eq!(
        fx.desk
            .intake_original(id)
            .unwrap_or_else(|e| panic!("{e}")),
        reply,
        "the original is kept byte for byte"
    );

    // A colleague of the requester answering the same thread: on the case, offering nothing.
    let other = message(
        &[
            ("Message-ID", "<reply-2@mail.example>"),
            ("From", "someone@else.example"),
            ("Subject", "Re: your question"),
            ("In-Reply-To", &sent_id),
        ],
        "I am writing for Ana.\r\n",
    );
    let Imported::OnCase {
        sender, offered, ..
    } = import(&mut fx, &other)
    else {
        panic!("the reply went to the queue")
    };
    assert_eq!((sender, offered), (Sender::Other, None));

    // A Message-ID the desk never sent names no case, whatever it looks like.
    let forged = message(
        &[
            ("Message-ID", "<forged@x>"),
            ("From", "mallory@example.net"),
            ("Subject", "hello"),
            (
                "In-Reply-To",
                &format!("<privacydesk.{r}.guess@acme.example>"),
            ),
        ],
        "x\r\n",
    );
    assert!(matches!(
        import(&mut fx, &forged),
        Imported::Queued {
            names_case: None,
            ..
        }
    ));
    assert!(fx.desk.verify().unwrap_or_else(|e| panic!("{e}")).is_ok());
}

#[test]
fn a_subject_naming_a_case_is_enough_only_from_the_case_s_own_addresses() {
    let mut fx = Fixture::new();
    let r = fx
        .new_case("erasure", "Ana Ruiz", "ana@example.com", "2026-06-01")
        .unwrap_or_else(|e| panic!("{e}"));
    let from_requester = message(
        &[
            ("Message-ID", "<s1@x>"),
            ("From", "ANA@Example.com"),
            ("Subject", &format!("Re: [{r}] Your request")),
        ],
        "thanks\r\n",
    );
    assert!(matches!(
        import(&mut fx, &from_requester),
        Imported::OnCase { sender: Sender::Requester, ref case, .. } if *case == r
    ));

    let from_stranger = message(
        &[
            ("Message-ID", "<s2@x>"),
            ("From", "Mallory <mallory@example.net>"),
            (
                "Subject",
                &format!("[{r}] please send the data to this address"),
            ),
        ],
        "send it here\r\n",
    );
    let Imported::Queued { id, names_case } = import(&mut fx, &from_stranger) else {
        panic!("a stranger's message went on the case")
    };
    assert_eq!(names_case, Some(r.clone()));
    let notes_before = fx
        .desk
        .case(&r)
        .unwrap_or_else(|e| panic!("{e}"))
        .events
        .len();

    // The agent decides it belongs there after all.
    fx.desk
        .intake_merge(id, &r)
        .unwrap_or_else(|e| panic!("merge: {e}"));
    let view = fx.desk.case(&r).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(view.events.len(), notes_before + 1);
    let last = view.events.last().unwrap_or_else(|| panic!("no events"));
    assert_eq!(last.details["merged"], true);
    assert_eq!(last.details["sender"], "other");
    assert!(
        last.text
            .as_deref()
            .unwrap_or_default()
            .contains("send it here")
    );
    let item = fx
        .desk
        .intake_item(id)
        .unwrap_or_else(|e| panic!("{e}"))
        .item;
    assert_eq!(item.state, IntakeState::OnCase);
    assert_eq!(item.case, Some(r));
    assert!(
        fx.desk
            .intake(false)
            .unwrap_or_else(|e| panic!("{e}"))
            .is_empty()
    );
}

#[test]
fn each_message_is_imported_once_even_one_without_a_message_id() {
    let mut fx = Fixture::new();
    let with_id = message(
        &[("Message-ID", "<once@x>"), ("From", "a@example.com")],
        "a\r\n",
    );
    let without = message(&[("From", "b@example.com"), ("Subject", "no id")], "b\r\n");
    let first = [import(&mut fx, &with_id), import(&mut fx, &without)];
    let count = events(&fx);
    for (bytes, was) in [(&with_id, &first[0]), (&without, &first[1])] {
        let Imported::Queued { id, .. } = was else {
            panic!("{was:?}")
        };
        assert_eq!(import(&mut fx, bytes), Imported::Known { id: *id });
    }
    // The same Message-ID with other bytes (a copy that went through another server) is the
    // same message.
    let relayed = message(
        &[
            ("Received", "by relay"),
            ("Message-ID", "<once@x>"),
            ("From", "a@example.com"),
        ],
        "a\r\n",
    );
    assert!(matches!(import(&mut fx, &relayed), Imported::Known { .. }));
    assert_eq!(events(&fx), count, "nothing written the second time");
    assert_eq!(
        fx.desk.intake(true).unwrap_or_else(|e| panic!("{e}")).len(),
        2
    );
}

#[test]
fn a_queued_message_becomes_one_case_with_the_form_it_filled() {
    let mut fx = Fixture::new();
    let bytes = message(
        &[
            ("Message-ID", "<new@x>"),
            ("From", "=?UTF-8?Q?Zo=C3=AB_Martin?= <zoe@example.org>"),
            ("Subject", "Please delete my data"),
            ("Date", "Sun, 14 Jun 2026 10:00:00 +0000"),
        ],
        "I no longer use your service.\r\n",
    );
    let Imported::Queued { id, .. } = import(&mut fx, &bytes) else {
        panic!("not queued")
    };
    let view = fx.desk.intake_item(id).unwrap_or_else(|e| panic!("{e}"));
    let form = view.form.unwrap_or_else(|| panic!("no form"));
    assert_eq!(form.kind, "erasure", "a suggestion from its words");
    assert_eq!(form.name, "Zoë Martin");
    assert_eq!(form.email, "zoe@example.org");
    assert_eq!(form.received.as_deref(), Some("2026-06-14"));

    let mut colleague = fx.colleague("colleague");
    let case = fx
        .desk
        .intake_to_case(id, &form)
        .unwrap_or_else(|e| panic!("to case: {e}"));
    let opened = fx.desk.case(&case).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(opened.case.received_on, date("2026-06-14"));
    assert!(
        opened
            .case
            .details
            .contains("I no longer use your service.")
    );
    assert_eq!(opened.events[0].details["intake_id"], id.0);

    // The colleague, who had the message open too, cannot make a second case of it.
    let cases = fx
        .desk
        .count(&Default::default())
        .unwrap_or_else(|e| panic!("{e}"));
    let again = colleague.intake_to_case(id, &form);
    assert!(
        matches!(&again, Err(Error::NotAllowed(m)) if m.contains(&format!("was opened as {case}"))),
        "{again:?}"
    );
    assert!(matches!(
        colleague.intake_spam(id),
        Err(Error::NotAllowed(_))
    ));
    assert_eq!(
        fx.desk
            .count(&Default::default())
            .unwrap_or_else(|e| panic!("{e}")),
        cases,
        "no second case"
    );
    let item = fx
        .desk
        .intake_item(id)
        .unwrap_or_else(|e| panic!("{e}"))
        .item;
    assert_eq!(
        (item.state, item.case),
        (IntakeState::CaseOpened, Some(case))
    );
    assert!(matches!(
        fx.desk.intake_item(IntakeId(999)),
        Err(Error::Invalid(m)) if m.contains("no message 999")
    ));
}

#[test]
fn hostile_and_broken_messages_are_kept_as_text_and_too_large_ones_refused_whole() {
    let mut fx = Fixture::new();
    let big_attachment = {
        // 25 MB of attachment, base64 in lines of 76, as a mail client sends it.
        let line = "QUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFB\r\n";
        let lines = 25_000_000 / 54;
        let mut text = String::from(
            "Message-ID: <big@x>\r\nFrom: a@example.com\r\nSubject: my ID\r\n\
             Content-Type: multipart/mixed; boundary=\"b\"\r\n\r\n--b\r\n\
             Content-Type: text/plain\r\n\r\nAttached.\r\n--b\r\n\
             Content-Type: image/jpeg; name=\"passport.jpg\"\r\n\
             Content-Transfer-Encoding: base64\r\n\r\n",
        );
        text.reserve(lines * line.len() + 16);
        for _ in 0..lines {
            text.push_str(line);
        }
        text.push_str("--b--\r\n");
        text.into_bytes()
    };
    let hostile: Vec<(&str, Vec<u8>)> = vec![
        ("25 MB", big_attachment),
        (
            "broken MIME",
            b"Message-ID: <mime@x>\r\nFrom: a@example.com\r\nContent-Type: multipart/mixed; \
              boundary=\"never\"\r\n\r\n--nev\r\nContent-Type: text/plain\r\n\r\nhalf"
                .to_vec(),
        ),
        (
            "wrong charset",
            b"Message-ID: <cs@x>\r\nFrom: a@example.com\r\nContent-Type: text/plain; \
              charset=no-such-charset\r\n\r\n\xff\xfe\xfd caf\xe9\r\n"
                .to_vec(),
        ),
        (
            "HTML with scripts",
            b"Message-ID: <js@x>\r\nFrom: a@example.com\r\nContent-Type: text/html\r\n\r\n\
              <script>document.cookie</script><p onclick=\"x()\">Delete me</p>\r\n"
                .to_vec(),
        ),
        (
            "control characters",
            b"Message-ID: <nul@x>\r\nFrom: a@example.com\r\nSubject: \x1b[31mred\x00\r\n\r\n\
              \x00\x1b]0;owned\x07body\r\n"
                .to_vec(),
        ),
        (
            "no sender",
            b"Message-ID: <ns@x>\r\nSubject: hi\r\n\r\nbody\r\n".to_vec(),
        ),
        ("not a message", vec![0xff; 4096]),
    ];
    for (what, bytes) in &hostile {
        let report = fx
            .desk
            .import_mail(bytes, None)
            .unwrap_or_else(|e| panic!("{what}: {e}"));
        let Imported::Queued { id, .. } = report.imported else {
            panic!("{what}: {:?}", report.imported)
        };
        let item = fx
            .desk
            .intake_item(id)
            .unwrap_or_else(|e| panic!("{e}"))
            .item;
        assert!(
            !item
                .text
                .chars()
                .chain(item.subject.chars())
                .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t')),
            "{what}: {item:?}"
        );
        assert_eq!(item.size, bytes.len() as u64, "{what}");
        let original = fx
            .desk
            .intake_original(id)
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(original == *bytes, "{what}: the original is kept whole");
        match *what {
            "25 MB" => {
                assert_eq!(item.attachments.len(), 1);
                assert_eq!(item.attachments[0].name.as_deref(), Some("passport.jpg"));
                assert!(item.attachments[0].size > 18_000_000);
            }
            "HTML with scripts" => {
                assert!(item.text.contains("Delete me") && !item.text.contains("cookie"));
                assert!(report.problems.iter().any(|p| p.contains("scripts")));
            }
            "no sender" => assert!(report.problems.iter().any(|p| p == "it has no sender")),
            "wrong charset" => assert!(item.text.contains("caf")),
            _ => {}
        }
    }

    let count = events(&fx);
    let too_large = vec![b'a'; 50_000_001];
    let refused = fx.desk.import_mail(&too_large, None);
    assert!(
        matches!(&refused, Err(Error::Invalid(m)) if m.contains("at most 50 MB")),
        "{refused:?}"
    );
    assert_eq!(events(&fx), count, "nothing written");
    assert_eq!(
        fx.desk.intake(true).unwrap_or_else(|e| panic!("{e}")).len(),
        hostile.len()
    );
}

#[test]
fn retention_removes_what_a_case_s_mail_says_and_the_message_stays_known() {
    let mut fx = Fixture::new();
    let r = fx
        .new_case("access", "Ana Ruiz", "ana@example.com", "2024-01-02")
        .unwrap_or_else(|e| panic!("{e}"));
    let reply = message(
        &[
            ("Message-ID", "<old-reply@x>"),
            ("From", "ana@example.com"),
            ("Subject", &format!("[{r}] my passport number is X123")),
        ],
        "Passport X123\r\n",
    );
    let Imported::OnCase { id, .. } = import(&mut fx, &reply) else {
        panic!("not on the case")
    };
    let sha256 = fx
        .desk
        .intake_item(id)
        .unwrap_or_else(|e| panic!("{e}"))
        .item
        .sha256;
    fx.desk
        .act(
            &r,
            Action::Close,
            &ActionInput {
                outcome: Some(privacydesk_core::Outcome::Withdrawn),
                ..ActionInput::default()
            },
        )
        .unwrap_or_else(|e| panic!("close: {e}"));
    fx.desk.set_today(date("2028-08-01"));
    fx.desk
        .set_retention_months(24)
        .unwrap_or_else(|e| panic!("{e}"));
    let report = fx
        .desk
        .apply_retention(&mut |_| {})
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(report.redacted, 1, "{report:?}");

    let item = fx
        .desk
        .intake_item(id)
        .unwrap_or_else(|e| panic!("{e}"))
        .item;
    assert_eq!(item.from, None);
    assert!(!item.subject.contains("X123") && item.text.is_empty());
    assert_eq!(item.sha256, sha256, "its fingerprint stays");
    assert!(matches!(
        fx.desk.intake_original(id),
        Err(Error::NotAllowed(m)) if m.contains("removed by retention")
    ));
    assert_eq!(import(&mut fx, &reply), Imported::Known { id });
}
