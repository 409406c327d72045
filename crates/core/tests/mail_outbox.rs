//! Letters sent by email through a real SMTP server on loopback (`scripts/mail-sink`, aiosmtpd):
//! what arrives is byte for byte what the `letter_sent` event names; a server that refuses,
//! drops the connection mid-message or is down leaves the letter unsent and in the outbox, and
//! a retry sends it once. On each engine.

#[path = "common/certificate.rs"]
mod certificate;
mod common;
#[path = "common/mail_sink.rs"]
mod mail_sink;

use std::path::Path;

use certificate::self_signed;
use common::Fixture;
use mail_sink::Sink;
use privacydesk_core::domain::mail::outbox::{OutboxState, Retry};
use privacydesk_core::mail::Secret;
use privacydesk_core::{
    Action, ActionInput, Error, LetterKind, MailSent, OutboxId, Reference, ServerChange,
};
use sha2::{Digest, Sha256};

/// Points the desk's outgoing mail at `port` on loopback, logged in with `password`.
fn send_through(fx: &mut Fixture, port: u16, password: &str) {
    let out = ServerChange {
        host: Some("127.0.0.1".into()),
        port: Some(port),
        security: Some("none".parse().expect("a security")),
        user: Some("privacy@acme.example".into()),
        address: Some("privacy@acme.example".into()),
        ..ServerChange::default()
    };
    fx.desk
        .change_mail_settings(&out, &ServerChange::default())
        .unwrap_or_else(|e| panic!("{e}"));
    fx.desk
        .set_mail_password(Some(Secret::new(password.into())), "set the password");
}

/// A verified access case from `email`, and its answer ready to send.
fn answer_ready(fx: &mut Fixture, email: &str) -> (Reference, String) {
    let r = fx
        .new_case("access", "Ana Ruiz", email, "2026-06-01")
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
            "account.json — the profile; café.csv — orders\n.\na line with only a dot above",
        );
    (r, body)
}

#[test]
fn a_letter_sent_by_email_arrives_byte_for_byte_and_is_marked_sent_once() {
    let mut fx = Fixture::new();
    let maildir = fx.dir.path().join("maildir");
    let sink = Sink::start(&maildir);
    send_through(&mut fx, sink.port, "secret");
    let (r, body) = answer_ready(&mut fx, "ana@example.com");

    let sent = fx
        .desk
        .send_letter_by_email(&r, LetterKind::AccessResponse, &body)
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(sent.to, "ana@example.com");
    assert_eq!(sent.message.state, OutboxState::Sent);
    assert!(sent.letter.sent_at.is_some());
    assert_eq!(sent.letter.body, body);

    let arrived = sink.messages();
    assert_eq!(arrived.len(), 1, "one message arrived");
    assert_eq!(
        hex::encode(Sha256::digest(&arrived[0])),
        sent.message_sha256,
        "what arrived is byte for byte what was sent"
    );
    let text = String::from_utf8_lossy(&arrived[0]);
    // The letter's own Subject line, which names the case; its To and Subject lines are the
    // message's headers, not lines of its text.
    assert!(
        text.contains(&format!(
            "Subject: Your privacy request {r}: the personal data"
        )),
        "{text}"
    );
    assert!(!text.contains("To: Ana Ruiz"), "{text}");
    assert!(
        text.contains(&format!("Message-ID: {}", sent.message.message_id)),
        "{text}"
    );
    assert!(
        sent.message
            .message_id
            .contains(&format!("privacydesk.{r}."))
    );

    let trail = common::records(&fx.desk).join("\n");
    assert!(
        trail.contains(&sent.message.message_id),
        "the event names the Message-ID"
    );
    assert!(trail.contains(&sent.message_sha256));
    assert!(fx.desk.outbox().expect("the outbox").is_empty());

    let again = fx
        .desk
        .retry_mail(sent.message.id, true)
        .expect_err("not sent twice");
    assert!(again.to_string().contains("not sent twice"), "{again}");
    assert_eq!(sink.messages().len(), 1);
    assert!(fx.desk.verify().unwrap_or_else(|e| panic!("{e}")).is_ok());
}

#[test]
fn a_refusal_a_dropped_connection_or_a_server_down_leaves_the_letter_in_the_outbox_and_a_retry_sends_it_once()
 {
    let mut fx = Fixture::new();
    let maildir = fx.dir.path().join("maildir");
    let sink = Sink::start(&maildir);
    send_through(&mut fx, sink.port, "secret");

    let unsent = |fx: &mut Fixture, email: &str| {
        let (r, body) = answer_ready(fx, email);
        let failed = fx
            .desk
            .send_letter_by_email(&r, LetterKind::AccessResponse, &body)
            .expect_err("not sent");
        let Error::Mail {
            outbox: Some(id), ..
        } = failed
        else {
            panic!("a mail failure naming its outbox message: {failed}");
        };
        let letters = fx.desk.letters(&r).expect("its letters");
        assert!(
            letters.iter().all(|l| l.sent_at.is_none()),
            "the letter is not marked sent: {letters:?}"
        );
        (r, id, failed.to_string())
    };

    let (_, refused, said) = unsent(&mut fx, "refuse@example.com");
    assert!(said.contains("550") && said.contains("outbox"), "{said}");
    let (_, dropped, said) = unsent(&mut fx, "drop@example.com");
    assert!(said.contains("connection was lost"), "{said}");

    drop(sink);
    let (r, down, said) = unsent(&mut fx, "ana@example.com");
    assert!(said.contains("could not be reached"), "{said}");

    let listed = fx.desk.outbox().expect("the outbox");
    assert!(listed.iter().all(|m| m.retry == Retry::Now), "{listed:?}");
    let waiting: Vec<_> = listed.into_iter().map(|m| m.entry).collect();
    assert_eq!(
        waiting.iter().map(|m| m.id).collect::<Vec<_>>(),
        vec![refused, dropped, down]
    );
    assert!(
        waiting
            .iter()
            .all(|m| m.state == OutboxState::Failed && m.attempts == 1)
    );
    let kept = waiting[0].last_error.clone().unwrap_or_default();
    assert_eq!(kept, "the mail server refused the message (550)");
    assert!(
        !format!("{waiting:?}").contains("mailbox unavailable"),
        "the server's words are not kept"
    );

    // The server is back (on another port): the retry sends the same message, once.
    let sink = Sink::start(&maildir);
    send_through(&mut fx, sink.port, "secret");
    let sent = fx
        .desk
        .retry_mail(down, false)
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        sent.message.message_id, waiting[2].message_id,
        "the same message"
    );
    assert_eq!(sent.message.attempts, 2);
    assert_eq!(sink.messages().len(), 1);
    assert!(
        fx.desk
            .letters(&r)
            .expect("letters")
            .iter()
            .any(|l| l.sent_at.is_some())
    );
    fx.desk
        .retry_mail(down, false)
        .expect_err("a sent message is not sent again");
    assert_eq!(sink.messages().len(), 1);

    // A wrong password is the login's failure, and sends nothing.
    send_through(&mut fx, sink.port, "wrong");
    let refused_login = fx
        .desk
        .retry_mail(refused, false)
        .expect_err("login refused");
    assert!(
        refused_login.to_string().contains("refused the login"),
        "{refused_login}"
    );
    assert_eq!(sink.messages().len(), 1);
    assert_eq!(fx.desk.outbox().expect("the outbox").len(), 2);
    assert!(fx.desk.verify().unwrap_or_else(|e| panic!("{e}")).is_ok());
}

#[test]
fn a_letter_marked_sent_by_hand_or_discarded_leaves_the_outbox() {
    let mut fx = Fixture::new();
    send_through(&mut fx, 9, "secret"); // nothing listens on port 9 here
    let (r, body) = answer_ready(&mut fx, "ana@example.com");
    fx.desk
        .send_letter_by_email(&r, LetterKind::AccessResponse, &body)
        .expect_err("no server");
    assert_eq!(fx.desk.outbox().expect("the outbox").len(), 1);
    fx.desk
        .send_letter(&r, LetterKind::AccessResponse, &body)
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(fx.desk.outbox().expect("the outbox").is_empty());
    assert!(fx.desk.verify().unwrap_or_else(|e| panic!("{e}")).is_ok());
}

/// A letter whose first try found no server (port 9): its outbox message.
fn waiting_in_the_outbox(fx: &mut Fixture) -> OutboxId {
    send_through(fx, 9, "secret");
    let (r, body) = answer_ready(fx, "ana@example.com");
    match fx
        .desk
        .send_letter_by_email(&r, LetterKind::AccessResponse, &body)
    {
        Err(Error::Mail {
            outbox: Some(id), ..
        }) => id,
        other => panic!("the first try fails and names its outbox message: {other:?}"),
    }
}

/// This desk and a colleague's try message `id` again at the same moment.
fn retried_at_once(
    fx: &mut Fixture,
    id: OutboxId,
    resend: bool,
) -> (Result<MailSent, Error>, Result<MailSent, Error>) {
    let mut ben = fx.colleague("ben");
    ben.set_mail_password(Some(Secret::new("secret".into())), "");
    let start = std::sync::Barrier::new(2);
    std::thread::scope(|s| {
        let theirs = s.spawn(|| {
            start.wait();
            ben.retry_mail(id, resend)
        });
        start.wait();
        let mine = fx.desk.retry_mail(id, resend);
        (mine, theirs.join().expect("ben's try"))
    })
}

#[test]
fn two_agents_retrying_the_same_message_at_once_send_it_once() {
    let mut fx = Fixture::new();
    let id = waiting_in_the_outbox(&mut fx);
    let maildir = fx.dir.path().join("maildir");
    let sink = Sink::start(&maildir);
    send_through(&mut fx, sink.port, "secret");
    let (mine, theirs) = retried_at_once(&mut fx, id, false);
    let sent: Vec<_> = [&mine, &theirs].into_iter().filter(|t| t.is_ok()).collect();
    assert_eq!(
        sent.len(),
        1,
        "one of the two sends it: {mine:?} / {theirs:?}"
    );
    let refused = [mine, theirs]
        .into_iter()
        .find_map(|t| t.err())
        .expect("the other is told");
    let said = refused.to_string();
    assert!(
        ["right now", "another desk", "not sent twice"]
            .iter()
            .any(|told| said.contains(told)),
        "{said}"
    );
    assert_eq!(sink.messages().len(), 1, "the server got it once");
    assert!(fx.desk.outbox().expect("the outbox").is_empty());
    assert!(fx.desk.verify().unwrap_or_else(|e| panic!("{e}")).is_ok());
}

#[test]
fn a_message_cut_off_mid_send_is_sent_again_only_when_asked_and_only_once() {
    let mut fx = Fixture::file();
    let id = waiting_in_the_outbox(&mut fx);
    // As a desk that stopped between handing the message over and hearing back leaves it.
    common::raw(&fx.path)
        .execute(
            "UPDATE outbox SET state = 'sending', updated_at = '2026-01-01T00:00:00.000Z'",
            [],
        )
        .expect("cut off");
    let maildir = fx.dir.path().join("maildir");
    let sink = Sink::start(&maildir);
    send_through(&mut fx, sink.port, "secret");
    let asked = fx
        .desk
        .retry_mail(id, false)
        .expect_err("not without --resend");
    assert!(asked.to_string().contains("--resend"), "{asked}");
    assert!(sink.messages().is_empty());

    let (mine, theirs) = retried_at_once(&mut fx, id, true);
    assert_eq!(
        [&mine, &theirs].iter().filter(|t| t.is_ok()).count(),
        1,
        "one resends it: {mine:?} / {theirs:?}"
    );
    assert_eq!(
        sink.messages().len(),
        1,
        "the server got it once more, not twice"
    );
}

/// The outgoing server on `port` of `host`, with `security`, logging in with `auth`.
fn server_at(fx: &mut Fixture, host: &str, port: u16, security: &str, auth: ServerChange) {
    let out = ServerChange {
        host: Some(host.into()),
        port: Some(port),
        security: Some(security.parse().expect("a security")),
        user: Some("privacy@acme.example".into()),
        address: Some("privacy@acme.example".into()),
        ..auth
    };
    fx.desk
        .change_mail_settings(&out, &ServerChange::default())
        .unwrap_or_else(|e| panic!("{e}"));
}

#[test]
fn a_certificate_that_does_not_verify_or_no_starttls_sends_nothing_and_says_so() {
    let mut fx = Fixture::new();
    fx.desk
        .set_mail_password(Some(Secret::new("secret".into())), "");
    // A server offering STARTTLS with a certificate no authority signed.
    let (cert, key) = self_signed(fx.dir.path());
    let tls = Sink::start_with(
        &fx.dir.path().join("tls"),
        &[Path::new("--tls"), &cert, &key],
    );
    server_at(
        &mut fx,
        "localhost",
        tls.port,
        "starttls",
        ServerChange::default(),
    );
    let refused = fx.desk.check_outgoing_mail().expect_err("not trusted");
    let said = refused.to_string();
    assert!(said.contains("certificate could not be verified"), "{said}");
    let (r, body) = answer_ready(&mut fx, "ana@example.com");
    let failed = fx
        .desk
        .send_letter_by_email(&r, LetterKind::AccessResponse, &body)
        .expect_err("not sent");
    assert!(
        failed.to_string().contains("could not be verified"),
        "{failed}"
    );
    assert!(tls.messages().is_empty());

    // A server offering no STARTTLS: nothing goes in clear, not even the login.
    let plain = Sink::start(&fx.dir.path().join("plain"));
    server_at(
        &mut fx,
        "127.0.0.1",
        plain.port,
        "starttls",
        ServerChange::default(),
    );
    let refused = fx.desk.check_outgoing_mail().expect_err("no STARTTLS");
    assert!(
        refused.to_string().contains("does not offer STARTTLS"),
        "{refused}"
    );
    assert!(plain.messages().is_empty());
}

#[test]
fn an_xoauth2_login_takes_the_token_its_command_prints_and_an_expired_one_is_named() {
    let mut fx = Fixture::new();
    let sink = Sink::start(&fx.dir.path().join("maildir"));
    let xoauth2 = |command: &str| ServerChange {
        auth: Some("xoauth2".parse().expect("xoauth2")),
        token_command: Some(command.into()),
        ..ServerChange::default()
    };
    server_at(
        &mut fx,
        "127.0.0.1",
        sink.port,
        "none",
        xoauth2("echo good-token"),
    );
    let checked = fx
        .desk
        .check_outgoing_mail()
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(
        checked
            .steps
            .iter()
            .any(|s| s.contains("logged in as privacy@acme.example (xoauth2)")),
        "{checked:?}"
    );
    let (r, body) = answer_ready(&mut fx, "ana@example.com");
    fx.desk
        .send_letter_by_email(&r, LetterKind::AccessResponse, &body)
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(sink.messages().len(), 1);

    // A token the server refuses, and a command that cannot get one.
    server_at(
        &mut fx,
        "127.0.0.1",
        sink.port,
        "none",
        xoauth2("echo stale-token"),
    );
    let refused = fx.desk.check_outgoing_mail().expect_err("refused");
    assert!(
        refused.to_string().contains("refused the login"),
        "{refused}"
    );
    server_at(
        &mut fx,
        "127.0.0.1",
        sink.port,
        "none",
        xoauth2("echo 'invalid_grant: token expired' >&2; exit 1"),
    );
    let expired = fx.desk.check_outgoing_mail().expect_err("no token");
    let said = expired.to_string();
    assert!(
        said.contains("token command") && said.contains("token expired"),
        "{said}"
    );
}
