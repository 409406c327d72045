//! How a message names its case: the reference in the subject (`[PR-2026-00042] …`) and in
//! the Message-ID of every letter the desk sends, which a reply carries back in `In-Reply-To`
//! and `References` even when the subject was rewritten.

use crate::domain::ids::Reference;

/// The first part of every Message-ID the desk writes, so its own are told from others'.
const ID_PREFIX: &str = "privacydesk.";

/// The subject of a letter about `reference`: the reference in brackets, then `title` on one
/// line (a line break in a title must not start a header of its own).
pub fn subject_for(reference: &Reference, title: &str) -> String {
    let title: String = title
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let title = title.split_whitespace().collect::<Vec<_>>().join(" ");
    format!("[{reference}] {title}")
}

/// The case a subject names, when it names exactly one (a reply's `Re:` and `Fwd:` do not
/// matter; a subject naming two cases names none, and the message goes to the intake queue).
pub fn reference_in_subject(subject: &str) -> Option<Reference> {
    let found = references_in(subject);
    let first = found.first()?;
    found.iter().all(|r| r == first).then(|| first.clone())
}

/// The Message-ID of a letter the desk sends about `reference`: `unique` (random, from the
/// mail layer) keeps it unique, `domain` is the sender's.
pub fn message_id(reference: &Reference, unique: &str, domain: &str) -> String {
    format!("<{ID_PREFIX}{reference}.{unique}@{domain}>")
}

/// The case named by the last of the desk's own Message-IDs in an `In-Reply-To` or
/// `References` header (which lists the thread oldest first), if any.
pub fn reference_in_message_ids(header: &str) -> Option<Reference> {
    header
        .split(['<', '>', ' ', '\t', '\r', '\n', ','])
        .rev()
        .find_map(|id| {
            let (prefix, rest) = id.split_at_checked(ID_PREFIX.len())?;
            if !prefix.eq_ignore_ascii_case(ID_PREFIX) {
                return None;
            }
            let (reference, _) = rest.split_once('.')?;
            reference.parse().ok()
        })
}

/// The desk's own Message-IDs in an `In-Reply-To` or `References` header, newest first (the
/// header lists the thread oldest first), each in angle brackets as the outbox keeps it.
pub fn own_message_ids(header: &str) -> Vec<String> {
    header
        .split(['<', '>', ' ', '\t', '\r', '\n', ','])
        .rev()
        .filter(|id| {
            id.get(..ID_PREFIX.len())
                .is_some_and(|p| p.eq_ignore_ascii_case(ID_PREFIX))
                && id.contains('@')
        })
        .map(|id| format!("<{id}>"))
        .collect()
}

/// Every reference in `text`, in order: `PR-`, four digits, `-`, five or more digits, not
/// inside a longer word or number.
fn references_in(text: &str) -> Vec<Reference> {
    let bytes = text.as_bytes();
    let mut found = Vec::new();
    let mut at = 0;
    while at + 3 <= bytes.len() {
        let starts = bytes[at..at + 3].eq_ignore_ascii_case(b"PR-")
            && (at == 0 || !bytes[at - 1].is_ascii_alphanumeric());
        if !starts {
            at += 1;
            continue;
        }
        let digits = |from: usize| {
            bytes[from.min(bytes.len())..]
                .iter()
                .take_while(|b| b.is_ascii_digit())
                .count()
        };
        let year = digits(at + 3);
        let dash = at + 3 + year;
        let sequence = if year == 4 && bytes.get(dash) == Some(&b'-') {
            digits(dash + 1)
        } else {
            0
        };
        let end = dash + 1 + sequence;
        let bounded = bytes.get(end).is_none_or(|b| !b.is_ascii_alphanumeric());
        if sequence >= 5 && bounded {
            if let Ok(reference) = text[at..end].parse() {
                found.push(reference);
            }
            at = end;
        } else {
            at += 3;
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reference(text: &str) -> Reference {
        text.parse().expect("accepted")
    }

    #[test]
    fn a_subject_carries_its_reference_and_reads_back_through_replies() {
        let r = reference("PR-2026-00042");
        let subject = subject_for(&r, "Your request\r\nBcc: someone@example.com");
        assert_eq!(
            subject,
            "[PR-2026-00042] Your request Bcc: someone@example.com"
        );
        for reply in [
            subject.clone(),
            format!("Re: {subject}"),
            format!("AW: Fwd: RE: {}", subject.to_lowercase()),
            "question about pr-2026-00042, thanks".to_string(),
            "PR-2026-00042".to_string(),
            "[PR-2026-00042] again about [PR-2026-00042]".to_string(),
        ] {
            assert_eq!(reference_in_subject(&reply), Some(r.clone()), "{reply}");
        }
    }

    #[test]
    fn a_subject_naming_no_case_or_two_names_none() {
        for subject in [
            "",
            "Delete my data",
            "PR-2026-0042",
            "XPR-2026-00042",
            "PR-2026-00042a",
            "PR-20266-00042",
            "[PR-2026-00042] and [PR-2026-00043]",
            "PR-2026-00042, PR-2026-00043, PR-2026-00042",
            "PR-",
            "pr-2026-",
            "ünïcödé PR-2026-",
        ] {
            assert_eq!(reference_in_subject(subject), None, "{subject}");
        }
        assert_eq!(
            reference_in_subject("Ärger: PR-2026-123456 bitte"),
            Some(reference("PR-2026-123456"))
        );
    }

    #[test]
    fn a_reply_names_the_case_of_the_desk_s_own_message_id() {
        let r = reference("PR-2026-00007");
        let id = message_id(&r, "5f2c9a", "example.com");
        assert_eq!(id, "<privacydesk.PR-2026-00007.5f2c9a@example.com>");
        assert_eq!(reference_in_message_ids(&id), Some(r.clone()));
        let older = message_id(&reference("PR-2025-00001"), "aa", "example.com");
        let thread = format!("<other@mail.example>\r\n {older} {id}");
        assert_eq!(reference_in_message_ids(&thread), Some(r));
        assert_eq!(own_message_ids(&thread), vec![id.clone(), older.clone()]);
        assert!(own_message_ids("<other@mail.example>").is_empty());
        for header in [
            "",
            "<abc@example.com>",
            "<privacydesk.nope@x>",
            "privacydesk.",
        ] {
            assert_eq!(reference_in_message_ids(header), None, "{header}");
        }
    }
}
