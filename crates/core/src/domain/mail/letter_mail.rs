//! A letter as an email: the letter's own header lines (`To:`, `Subject:`, written at its top
//! by every template) become the message's headers rather than lines of its text, and the
//! subject always names the case, so that a reply finds its way back.

use crate::domain::ids::Reference;
use crate::domain::mail::threading::{reference_in_subject, subject_for};

/// The subject and the text of the email that sends `letter` (of `title`) about `reference`.
///
/// The subject is the letter's `Subject:` line when it names this case, else that line (or
/// the letter's title when it has none) after the reference in brackets. The text is the
/// letter without its leading header lines and the blank lines after them.
pub fn letter_as_email(reference: &Reference, title: &str, letter: &str) -> (String, String) {
    let mut subject = None;
    // The bytes of the header block: its lines, and the blank lines among and after them.
    let mut taken = 0;
    let mut in_headers = false;
    for line in letter.split_inclusive('\n') {
        let trimmed = line.trim();
        if let Some(value) = header(trimmed, "subject:") {
            subject = Some(value.to_string());
        } else if header(trimmed, "to:").is_none() && !(trimmed.is_empty() && in_headers) {
            break;
        }
        in_headers = true;
        taken += line.len();
    }
    let rest = &letter[taken..];
    let subject = match subject.filter(|s| !s.is_empty()) {
        Some(own) if reference_in_subject(&own).as_ref() == Some(reference) => subject_line(&own),
        Some(own) => subject_for(reference, &own),
        None => subject_for(reference, title),
    };
    (subject, rest.to_string())
}

/// The value of the header `name` (with its colon, any case) if `line` is one.
fn header<'a>(line: &'a str, name: &str) -> Option<&'a str> {
    line.get(..name.len())
        .filter(|start| start.eq_ignore_ascii_case(name))
        .map(|_| line[name.len()..].trim())
}

/// A subject on one line, its controls turned into spaces (no header of its own can start).
fn subject_line(text: &str) -> String {
    let line: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    line.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reference() -> Reference {
        Reference::new(2026, 42)
    }

    #[test]
    fn the_letters_own_headers_become_the_messages_and_leave_its_text() {
        let letter = "To: Ana Ruiz <ana@example.com>\nSubject: Your privacy request PR-2026-00042: \
                      the personal data we hold\n\nDear Ana Ruiz,\n\nhere it is.";
        let (subject, text) = letter_as_email(&reference(), "Access", letter);
        assert_eq!(
            subject,
            "Your privacy request PR-2026-00042: the personal data we hold"
        );
        assert_eq!(text, "Dear Ana Ruiz,\n\nhere it is.");
    }

    #[test]
    fn a_subject_that_does_not_name_the_case_gets_its_reference_and_none_takes_the_title() {
        let (subject, text) = letter_as_email(
            &reference(),
            "Access",
            "To: Ana\n\nSubject: Your data\n\nHello",
        );
        assert_eq!(subject, "[PR-2026-00042] Your data");
        assert_eq!(text, "Hello");
        let (subject, text) = letter_as_email(&reference(), "Access: copy", "Dear Ana,\nHello");
        assert_eq!(subject, "[PR-2026-00042] Access: copy");
        assert_eq!(
            text, "Dear Ana,\nHello",
            "a letter without headers is sent whole"
        );
        let (subject, _) = letter_as_email(
            &reference(),
            "Access",
            "Subject: About PR-2026-00099\n\nHello",
        );
        assert_eq!(
            subject, "[PR-2026-00042] About PR-2026-00099",
            "another case's reference"
        );
    }

    #[test]
    fn a_letter_of_headers_only_or_empty_gives_an_empty_text() {
        let (subject, text) = letter_as_email(&reference(), "Access", "Subject: PR-2026-00042");
        assert_eq!((subject.as_str(), text.as_str()), ("PR-2026-00042", ""));
        let (_, text) = letter_as_email(&reference(), "Access", "");
        assert_eq!(text, "");
    }
}
