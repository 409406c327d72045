//! The privacy mailbox read over IMAP from a real server on loopback (`scripts/mail-box`,
//! Dovecot serving a Maildir), on each engine: a letter sent through SMTP and delivered into
//! the mailbox comes back byte for byte; a mailbox of 1,000 messages, some hostile, is fetched
//! once and again with nothing imported twice; a wrong password, a mailbox that does not exist,
//! a server that is down and a certificate that does not verify each say so and import nothing.

#[path = "common/certificate.rs"]
mod certificate;
mod common;
#[path = "common/mail_sink.rs"]
mod mail_sink;

use certificate::self_signed;
use common::Fixture;
use mail_sink::{MailBox, Sink};
use privacydesk_core::mail::Secret;
use privacydesk_core::{Action, ActionInput, Error, LetterKind, ServerChange};

/// Points the desk's incoming mail at `port` on loopback (`security`), logged in with
/// `password`, reading `mailbox`.
fn read_from(fx: &mut Fixture, port: u16, security: &str, password: &str, mailbox: &str) {
    let incoming = ServerChange {
        host: Some(
            if security == "none" {
                "127.0.0.1"
            } else {
                "localhost"
            }
            .into(),
        ),
        port: Some(port),
        security: Some(security.parse().expect("a security")),
        user: Some("privacy@acme.example".into()),
        address: Some(mailbox.into()),
        ..ServerChange::default()
    };
    fx.desk
        .change_mail_settings(&ServerChange::default(), &incoming)
        .unwrap_or_else(|e| panic!("{e}"));
    fx.desk
        .set_imap_password(Some(Secret::new(password.into())), "set the password");
}

fn events(fx: &Fixture) -> i64 {
    fx.desk
        .store()
        .chain_head()
        .unwrap_or_else(|e| panic!("{e}"))
        .1
}

fn fetch(fx: &mut Fixture, again: bool) -> privacydesk_core::FetchReport {
    fx.desk
        .fetch_mail(again, &mut |_, _| {})
        .unwrap_or_else(|e| panic!("fetch: {e}"))
}

#[test]
fn a_letter_sent_by_smtp_and_delivered_comes_back_by_imap_byte_for_byte() {
    let mut fx = Fixture::new();
    let mut mailbox = MailBox::start(&fx.dir.path().join("imap"), None);
    let sink = Sink::start(&fx.dir.path().join("smtp"));
    let outgoing = ServerChange {
        host: Some("127.0.0.1".into()),
        port: Some(sink.port),
        security: Some("none".parse().expect("a security")),
        user: Some("privacy@acme.example".into()),
        address: Some("privacy@acme.example".into()),
        ..ServerChange::default()
    };
    fx.desk
        .change_mail_settings(&outgoing, &ServerChange::default())
        .unwrap_or_else(|e| panic!("{e}"));
    fx.desk
        .set_mail_password(Some(Secret::new("secret".into())), "");
    read_from(&mut fx, mailbox.port, "none", "secret", "INBOX");
    let r = fx
        .new_case("access", "Ana Ruiz", "ana@example.com", "2026-06-01")
        .unwrap_or_else(|e| panic!("{e}"));
    fx.desk
        .act(&r, Action::Verify, &ActionInput::default())
        .unwrap_or_else(|e| panic!("{e}"));
    let body = fx
        .desk
        .letter(&r, LetterKind::AccessResponse)
        .unwrap_or_else(|e| panic!("{e}"))
        .body
        .replace(
            "[[list each file enclosed and what it contains]]",
            "profil.json — Zoë's café",
        );
    let sent = fx
        .desk
        .send_letter_by_email(&r, LetterKind::AccessResponse, &body)
        .unwrap_or_else(|e| panic!("send: {e}"));
    let arrived = sink.messages();
    assert_eq!(arrived.len(), 1);
    mailbox.deliver(&arrived[0]);

    let report = fetch(&mut fx, false);
    assert_eq!(
        (report.in_mailbox, report.read, report.queued),
        (1, 1, 1),
        "{report:?}"
    );
    let items = fx.desk.intake(false).unwrap_or_else(|e| panic!("{e}"));
    let original = fx
        .desk
        .intake_original(items[0].id)
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(original, arrived[0], "what IMAP gave is what SMTP took");
    assert_eq!(
        items[0].sha256, sent.message_sha256,
        "the letter_sent event's fingerprint"
    );
    assert_eq!(items[0].message_id, sent.message.message_id);
    assert_eq!(items[0].names_case, Some(r), "its subject names the case");
}

#[test]
fn a_mailbox_of_a_thousand_messages_is_fetched_once_and_again_with_nothing_imported_twice() {
    let mut fx = Fixture::new();
    let mut mailbox = MailBox::start(&fx.dir.path().join("imap"), None);
    read_from(&mut fx, mailbox.port, "none", "secret", "INBOX");
    let messages: Vec<Vec<u8>> = (0..1000)
        .map(|i| {
            let text = match i % 10 {
                // No Message-ID: known by its bytes.
                3 => format!("From: n{i}@example.com\r\nSubject: no id {i}\r\n\r\nbody {i}\r\n"),
                // Broken MIME, an unknown charset, HTML with a script, control characters.
                5 => format!(
                    "Message-ID: <m{i}@x>\r\nFrom: m{i}@example.com\r\nContent-Type: \
                     multipart/mixed; boundary=\"z\"\r\n\r\n--y\r\nhalf {i}"
                ),
                6 => format!(
                    "Message-ID: <m{i}@x>\r\nFrom: m{i}@example.com\r\nContent-Type: text/plain; \
                     charset=x-unknown\r\n\r\n\u{fffd} {i}\r\n"
                ),
                7 => format!(
                    "Message-ID: <m{i}@x>\r\nFrom: m{i}@example.com\r\nContent-Type: text/html\
                     \r\n\r\n<script>alert({i})</script><p>erase me</p>\r\n"
                ),
                8 => format!("Message-ID: <m{i}@x>\r\nSubject: \u{1b}[2J{i}\r\n\r\n\0\r\n"),
                _ => format!(
                    "Message-ID: <m{i}@x>\r\nFrom: Person {i} <p{i}@example.com>\r\n\
                     Subject: Request {i}\r\nDate: Mon, 1 Jun 2026 10:00:00 +0000\r\n\r\n\
                     Please send me a copy of my data.\r\n"
                ),
            };
            text.into_bytes()
        })
        .collect();
    mailbox.deliver_all(messages.iter().map(Vec::as_slice));

    let mut seen = (0, 0);
    let first = fx
        .desk
        .fetch_mail(false, &mut |done, total| seen = (done, total))
        .unwrap_or_else(|e| panic!("fetch: {e}"));
    assert_eq!(seen, (1000, 1000), "progress reached the end");
    assert_eq!(
        (first.in_mailbox, first.read, first.queued),
        (1000, 1000, 1000),
        "{first:?}"
    );
    assert!(first.with_problems >= 400, "{first:?}");
    let count = events(&fx);

    let second = fetch(&mut fx, false);
    assert_eq!(
        (second.read, second.queued, second.known),
        (0, 0, 0),
        "{second:?}"
    );
    let again = fetch(&mut fx, true);
    assert_eq!(
        (again.read, again.queued, again.known),
        (1000, 0, 1000),
        "{again:?}"
    );
    assert_eq!(events(&fx), count, "nothing imported twice");

    // One more arrives: only it is read.
    mailbox.deliver(b"Message-ID: <late@x>\r\nFrom: late@example.com\r\n\r\nlate\r\n");
    let later = fetch(&mut fx, false);
    assert_eq!(
        (later.in_mailbox, later.read, later.queued),
        (1001, 1, 1),
        "{later:?}"
    );
    assert_eq!(
        fx.desk
            .intake(false)
            .unwrap_or_else(|e| panic!("{e}"))
            .len(),
        1001
    );
    assert!(fx.desk.verify().unwrap_or_else(|e| panic!("{e}")).is_ok());
}

#[test]
fn a_wrong_password_a_missing_mailbox_a_server_down_or_a_bad_certificate_import_nothing() {
    let mut fx = Fixture::new();
    let mut mailbox = MailBox::start(&fx.dir.path().join("imap"), None);
    mailbox.deliver(b"Message-ID: <x@x>\r\nFrom: a@example.com\r\n\r\nx\r\n");
    let failed = |fx: &mut Fixture| match fx.desk.fetch_mail(false, &mut |_, _| {}) {
        Err(e @ Error::Mail { outbox: None, .. }) => {
            assert_eq!(e.exit_code(), 9);
            e.to_string()
        }
        other => panic!("{other:?}"),
    };

    read_from(&mut fx, mailbox.port, "none", "wrong", "INBOX");
    let said = failed(&mut fx);
    assert!(
        said.starts_with("the mail server refused the login"),
        "{said}"
    );
    read_from(&mut fx, mailbox.port, "none", "secret", "Nope");
    let said = failed(&mut fx);
    assert!(
        said.starts_with("the mailbox could not be opened"),
        "{said}"
    );
    assert!(
        said.contains("Nope"),
        "the server's words are shown: {said}"
    );
    read_from(&mut fx, 9, "none", "secret", "INBOX");
    let said = failed(&mut fx);
    assert!(
        said.starts_with("the mail server could not be reached"),
        "{said}"
    );

    let (cert, key) = self_signed(fx.dir.path());
    let tls = MailBox::start(&fx.dir.path().join("imap-tls"), Some((&cert, &key)));
    read_from(&mut fx, tls.port, "starttls", "secret", "INBOX");
    let said = failed(&mut fx);
    assert!(
        said.starts_with("the mail server's certificate could not be verified"),
        "{said}"
    );
    assert!(
        fx.desk
            .intake(true)
            .unwrap_or_else(|e| panic!("{e}"))
            .is_empty()
    );

    // The same mailbox, read properly, has its message.
    read_from(&mut fx, mailbox.port, "none", "secret", "INBOX");
    assert_eq!(fetch(&mut fx, false).queued, 1);
}
