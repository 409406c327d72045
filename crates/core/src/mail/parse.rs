//! A message that arrived, read by mail-parser into what the desk keeps of it: the sender,
//! the subject, the thread it answers, its text and the files attached.
//!
//! Reading never fails. A message that is broken (no sender, bad MIME, an unknown character
//! set, only HTML, even bytes that are no message at all) is read as far as it goes, and what
//! was wrong is said in [`ReceivedMail::problems`]; its original is kept all the same.

use chrono::{DateTime, SecondsFormat, Utc};
use mail_parser::{Message, MessageParser, MimeHeaders};
use sha2::{Digest, Sha256};

use crate::domain::mail::intake::{AttachedFile, ReceivedMail, clip, printable};
use crate::domain::text::{Email, MAX_TEXT_CHARS};

/// The longest subject kept (RFC 5322's longest line).
const MAX_SUBJECT_CHARS: usize = 998;

/// Reads `original`; `arrived` is when the mail server says it arrived, if it says.
pub fn read(original: &[u8], arrived: Option<DateTime<Utc>>) -> ReceivedMail {
    let sha256 = hex::encode(Sha256::digest(original));
    let mut problems = Vec::new();
    let parsed = MessageParser::default()
        .parse(original)
        .filter(|m| !m.headers().is_empty());
    let Some(message) = parsed else {
        problems.push("it is not a readable email message; its bytes are kept as text".into());
        return ReceivedMail {
            message_id: made_up_id(&sha256),
            from: None,
            from_name: None,
            subject: String::new(),
            thread: String::new(),
            arrived_at: arrived.map(rfc3339),
            text: clip(
                &printable(&String::from_utf8_lossy(original)),
                MAX_TEXT_CHARS,
            ),
            attachments: Vec::new(),
            problems,
            size: original.len() as u64,
            sha256,
        };
    };

    let message_id = match message
        .message_id()
        .map(str::trim)
        .filter(|id| !id.is_empty())
    {
        Some(id) => format!("<{}>", printable(id)),
        None => {
            problems.push("it has no Message-ID".into());
            made_up_id(&sha256)
        }
    };
    let (from, from_name) = sender(&message, &mut problems);
    let subject = message
        .subject()
        .map(|s| clip(printable(s).trim(), MAX_SUBJECT_CHARS))
        .unwrap_or_default();
    let arrived_at = arrived
        .or_else(|| {
            message
                .received()
                .and_then(|r| r.date)
                .and_then(|d| utc(&d))
        })
        .or_else(|| message.date().and_then(utc))
        .map(rfc3339);
    let text = text_of(&message, &mut problems);
    let attachments = message
        .attachments()
        .map(|part| AttachedFile {
            name: part
                .attachment_name()
                .map(|n| clip(printable(n).trim(), 255)),
            content_type: part
                .content_type()
                .map(|t| match t.subtype() {
                    Some(sub) => format!("{}/{}", t.ctype(), sub),
                    None => t.ctype().to_string(),
                })
                .map(|t| printable(&t).to_ascii_lowercase())
                .unwrap_or_else(|| "application/octet-stream".into()),
            size: part.contents().len() as u64,
        })
        .collect();
    ReceivedMail {
        message_id,
        from,
        from_name,
        subject,
        thread: thread_of(&message),
        arrived_at,
        text,
        attachments,
        problems,
        size: original.len() as u64,
        sha256,
    }
}

/// The Message-ID given to a message that has none: the same bytes get the same one.
fn made_up_id(sha256: &str) -> String {
    format!("<sha256.{sha256}@privacydesk.invalid>")
}

fn sender(message: &Message<'_>, problems: &mut Vec<String>) -> (Option<Email>, Option<String>) {
    let Some(first) = message.from().and_then(|a| a.first()) else {
        problems.push("it has no sender".into());
        return (None, None);
    };
    let name = first
        .name()
        .map(|n| clip(printable(n).trim(), 200))
        .filter(|n| !n.is_empty());
    let address = first.address().map(str::trim).unwrap_or_default();
    match Email::parse(address) {
        Ok(email) => (Some(email), name),
        Err(_) => {
            problems.push("its sender's address is not an email address".into());
            (None, name)
        }
    }
}

/// `In-Reply-To` and `References`, each Message-ID in angle brackets.
fn thread_of(message: &Message<'_>) -> String {
    let mut ids = Vec::new();
    for header in [message.in_reply_to(), message.references()] {
        if let Some(list) = header.as_text_list() {
            ids.extend(list.iter().map(|id| format!("<{id}>")));
        } else if let Some(id) = header.as_text() {
            ids.push(format!("<{id}>"));
        }
    }
    printable(&ids.join(" "))
}

/// The text bodies, one after the other; HTML read as text (mail-parser drops its head,
/// styles and scripts) when a message has no plain text.
fn text_of(message: &Message<'_>, problems: &mut Vec<String>) -> String {
    let bodies: Vec<String> = (0..message.text_body_count())
        .filter_map(|i| message.body_text(i))
        .map(|t| t.into_owned())
        .collect();
    let html_only =
        message.html_body_count() > 0 && message.text_bodies().all(|part| part.is_text_html());
    if html_only {
        problems.push("it was written in HTML only; it is kept as its text".into());
        let scripts = message.html_bodies().any(|part| {
            part.text_contents()
                .is_some_and(|html| html.to_ascii_lowercase().contains("<script"))
        });
        if scripts {
            problems.push("its HTML held scripts, which were dropped".into());
        }
    }
    let text = printable(&bodies.join("\n\n"));
    if text.contains('\u{FFFD}') {
        problems.push(
            "some of its characters could not be read (a wrong or unknown character set)".into(),
        );
    }
    if text.chars().count() > MAX_TEXT_CHARS {
        problems.push(format!(
            "its text is longer than {MAX_TEXT_CHARS} characters; the rest is in the original"
        ));
    }
    clip(&text, MAX_TEXT_CHARS)
}

fn utc(date: &mail_parser::DateTime) -> Option<DateTime<Utc>> {
    date.is_valid()
        .then(|| DateTime::from_timestamp(date.to_timestamp(), 0))
        .flatten()
}

fn rfc3339(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Secs, true)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_text(text: &str) -> ReceivedMail {
        read(text.as_bytes(), None)
    }

    #[test]
    fn a_plain_message_gives_its_sender_subject_thread_and_text() {
        let mail = read_text(
            "Message-ID: <abc@mail.example>\r\n\
             From: =?UTF-8?Q?Ann_Sm=C3=AFth?= <Ann@Example.COM>\r\n\
             To: privacy@acme.example\r\n\
             Subject: Re: [PR-2026-00042] Your request\r\n\
             In-Reply-To: <privacydesk.PR-2026-00042.x1@acme.example>\r\n\
             References: <first@x> <privacydesk.PR-2026-00042.x1@acme.example>\r\n\
             Date: Mon, 30 Nov 2026 23:10:00 +0100\r\n\
             \r\n\
             Here is my ID.\r\n",
        );
        assert_eq!(mail.message_id, "<abc@mail.example>");
        assert_eq!(
            mail.from.as_ref().map(Email::as_str),
            Some("Ann@example.com")
        );
        assert_eq!(mail.from_name.as_deref(), Some("Ann Smïth"));
        assert_eq!(mail.subject, "Re: [PR-2026-00042] Your request");
        assert!(
            mail.thread
                .contains("<privacydesk.PR-2026-00042.x1@acme.example>")
        );
        assert!(mail.thread.contains("<first@x>"));
        assert_eq!(mail.arrived_at.as_deref(), Some("2026-11-30T22:10:00Z"));
        assert_eq!(mail.text.trim(), "Here is my ID.");
        assert!(mail.problems.is_empty(), "{:?}", mail.problems);
    }

    #[test]
    fn a_message_without_id_or_sender_is_read_and_says_so() {
        let mail = read_text("Subject: hello\r\n\r\nbody\r\n");
        assert!(mail.message_id.starts_with("<sha256."));
        assert_eq!(mail.from, None);
        assert!(mail.problems.iter().any(|p| p == "it has no sender"));
        assert!(mail.problems.iter().any(|p| p == "it has no Message-ID"));
        assert_eq!(
            read_text("Subject: hello\r\n\r\nbody\r\n").message_id,
            mail.message_id
        );
    }

    #[test]
    fn html_only_is_kept_as_text_without_its_scripts() {
        let mail = read_text(
            "From: a@example.com\r\nMessage-ID: <h@x>\r\nContent-Type: text/html\r\n\r\n\
             <html><head><script>alert('x')</script></head><body><p>Delete <b>me</b></p>\
             <script>steal()</script></body></html>\r\n",
        );
        assert!(mail.text.contains("Delete"), "{}", mail.text);
        assert!(!mail.text.contains("alert") && !mail.text.contains("steal"));
        assert!(mail.problems.iter().any(|p| p.contains("HTML only")));
        assert!(mail.problems.iter().any(|p| p.contains("scripts")));
    }

    #[test]
    fn garbage_and_control_characters_never_break_the_read() {
        for bytes in [
            &b""[..],
            b"\xff\xfe\x00\x01",
            b"From: \r\n\r\n",
            b"Content-Type: multipart/mixed; boundary=\"x\"\r\n\r\n--x\r\nContent-Type: text/plain\r\n",
            b"From: a@b.example\r\nSubject: \x1b[2Jhi\x00\r\n\r\n\x1b]0;title\x07text",
        ] {
            let mail = read(bytes, None);
            assert!(
                !mail.text.chars().chain(mail.subject.chars()).any(|c| c.is_control()
                    && !matches!(c, '\n' | '\r' | '\t')),
                "{bytes:?}: {mail:?}"
            );
            assert_eq!(mail.size, bytes.len() as u64);
        }
    }

    #[test]
    fn attachments_are_listed_with_name_type_and_decoded_size() {
        let mail = read_text(
            "From: a@example.com\r\nMessage-ID: <m@x>\r\n\
             Content-Type: multipart/mixed; boundary=\"b\"\r\n\r\n\
             --b\r\nContent-Type: text/plain\r\n\r\nSee attached.\r\n\
             --b\r\nContent-Type: application/pdf; name=\"id.pdf\"\r\n\
             Content-Disposition: attachment; filename=\"id.pdf\"\r\n\
             Content-Transfer-Encoding: base64\r\n\r\nJVBERi0xLjQK\r\n--b--\r\n",
        );
        assert_eq!(mail.text.trim(), "See attached.");
        assert_eq!(
            mail.attachments,
            vec![AttachedFile {
                name: Some("id.pdf".into()),
                content_type: "application/pdf".into(),
                size: 9,
            }]
        );
    }

    #[test]
    fn a_legacy_charset_is_decoded() {
        let mut bytes = b"From: a@example.com\r\nMessage-ID: <c@x>\r\n\
            Content-Type: text/plain; charset=iso-8859-1\r\n\r\nR\xe9sum\xe9\r\n"
            .to_vec();
        assert_eq!(read(&bytes, None).text.trim(), "Résumé");
        bytes = b"From: a@example.com\r\nContent-Type: text/plain; charset=shift_jis\r\n\r\n\x82\xa0\r\n"
            .to_vec();
        assert_eq!(read(&bytes, None).text.trim(), "あ");
    }
}
