//! A letter as the message that leaves: its headers and text, built by lettre (headers encoded
//! per RFC 2047, the text quoted-printable where it is not plain ASCII), and the bytes that go
//! to the server. The same parts compose the same bytes, so a retry sends the same message
//! (its Message-ID and Date are kept from the first try).

use chrono::{DateTime, Utc};
use lettre::Message;
use lettre::message::header::ContentType;
use lettre::message::{Mailbox, header};
use sha2::{Digest, Sha256};

use crate::domain::text::Email;
use crate::{Error, Result};

/// What a letter's message is made of.
#[derive(Debug, Clone, Copy)]
pub struct LetterMail<'a> {
    /// The sender address (the company's account).
    pub from: &'a Email,
    /// The name shown beside it (the company's), if any.
    pub from_name: Option<&'a str>,
    /// The recipient.
    pub to: &'a Email,
    /// The subject, the case reference first.
    pub subject: &'a str,
    /// The Message-ID, with its angle brackets.
    pub message_id: &'a str,
    /// The Date header's time.
    pub date: DateTime<Utc>,
    /// The letter's text as sent.
    pub body: &'a str,
}

/// A message ready for the server.
#[derive(Debug, Clone)]
pub struct Composed {
    /// The SMTP envelope: the sender and the one recipient.
    pub envelope: lettre::address::Envelope,
    /// The message as the server receives and keeps it (CRLF line ends, the last one too).
    pub bytes: Vec<u8>,
    /// The SHA-256 of those bytes (hex), which the `letter_sent` event records.
    pub sha256: String,
}

/// Builds the message of a letter.
pub fn compose(mail: &LetterMail<'_>) -> Result<Composed> {
    let address = |email: &Email, what: &str| {
        email.as_str().parse::<lettre::Address>().map_err(|e| {
            Error::Invalid(format!(
                "{what} {:?} cannot be mailed to: {e}",
                email.as_str()
            ))
        })
    };
    let from = Mailbox::new(
        mail.from_name.map(str::to_string),
        address(mail.from, "the sender address")?,
    );
    let to = Mailbox::new(None, address(mail.to, "the recipient's address")?);
    let message = Message::builder()
        .from(from)
        .to(to)
        .subject(mail.subject)
        .message_id(Some(mail.message_id.to_string()))
        .date(mail.date.into())
        .header(ContentType::TEXT_PLAIN)
        .header(header::MIME_VERSION_1_0)
        .body(mail.body.to_string())
        .map_err(|e| Error::Invalid(format!("the letter cannot be made into a message: {e}")))?;
    // The message as the recipient's server keeps it: its last line ends with CRLF (SMTP's
    // end of data, CRLF "." CRLF, ends it there; see `smtp::send`).
    let mut bytes = message.formatted();
    if !bytes.ends_with(b"\r\n") {
        bytes.extend_from_slice(b"\r\n");
    }
    let sha256 = hex::encode(Sha256::digest(&bytes));
    Ok(Composed {
        envelope: message.envelope().clone(),
        bytes,
        sha256,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mail<'a>(from: &'a Email, to: &'a Email, body: &'a str) -> LetterMail<'a> {
        LetterMail {
            from,
            from_name: Some("Acme Privacy"),
            to,
            subject: "[PR-2026-00042] Your request — été",
            message_id: "<privacydesk.PR-2026-00042.abc@acme.example>",
            date: DateTime::parse_from_rfc3339("2026-12-04T10:00:00Z")
                .expect("a date")
                .with_timezone(&Utc),
            body,
        }
    }

    #[test]
    fn the_same_parts_make_the_same_bytes_in_ascii_with_the_ids_kept() -> Result<()> {
        let from = Email::parse("privacy@acme.example")?;
        let to = Email::parse("ana@example.com")?;
        let body = "Dear Ana,\n\nwe deleted your données.\n.\nA line with only a dot.";
        let first = compose(&mail(&from, &to, body))?;
        let again = compose(&mail(&from, &to, body))?;
        assert_eq!(first.bytes, again.bytes);
        assert_eq!(first.sha256, again.sha256);
        assert!(first.bytes.is_ascii(), "headers and text are encoded");
        let text = String::from_utf8_lossy(&first.bytes);
        assert!(text.contains("Message-ID: <privacydesk.PR-2026-00042.abc@acme.example>\r\n"));
        assert!(
            text.contains("Date: Fri, 04 Dec 2026 10:00:00 +0000\r\n"),
            "{text}"
        );
        assert!(text.contains("To: ana@example.com\r\n"));
        assert!(text.contains("charset=utf-8"), "{text}");
        assert_eq!(first.envelope.to().len(), 1);
        Ok(())
    }

    #[test]
    fn a_subject_cannot_start_a_header_of_its_own() -> Result<()> {
        let from = Email::parse("privacy@acme.example")?;
        let to = Email::parse("ana@example.com")?;
        let mut parts = mail(&from, &to, "Hello");
        parts.subject = "[PR-2026-00042] Hi\r\nBcc: mallory@example.com";
        let composed = compose(&parts)?;
        let text = String::from_utf8_lossy(&composed.bytes);
        assert!(!text.contains("\r\nBcc:"), "{text}");
        Ok(())
    }
}
