//! Validation of the free text and contact details people give us.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::Error;

/// Longest requester or customer name, in characters.
pub const MAX_NAME_CHARS: usize = 500;
/// Longest details, note or reason, in characters.
pub const MAX_TEXT_CHARS: usize = 100_000;

/// A single-line name: trimmed, non-empty, no control characters.
pub fn name(field: &str, value: &str) -> Result<String, Error> {
    let value = value.trim();
    if value.is_empty() {
        return Err(Error::Invalid(format!("{field} is empty")));
    }
    if value.chars().any(char::is_control) {
        return Err(Error::Invalid(format!(
            "{field} contains a control character (such as NUL or a line break)"
        )));
    }
    let count = value.chars().count();
    if count > MAX_NAME_CHARS {
        return Err(Error::Invalid(format!(
            "{field} is {count} characters long; at most {MAX_NAME_CHARS} are allowed"
        )));
    }
    Ok(value.to_string())
}

/// Longest phone number, in characters.
pub const MAX_PHONE_CHARS: usize = 40;

/// A phone number as people write it: digits with an optional leading `+`, and spaces, dots,
/// dashes, slashes or brackets between them; at least five digits.
pub fn phone(value: &str) -> Result<String, Error> {
    let value = value.trim();
    let allowed = |c: char| c.is_ascii_digit() || " .-/()".contains(c);
    let body = value.strip_prefix('+').unwrap_or(value);
    let digits = body.chars().filter(char::is_ascii_digit).count();
    if value.chars().count() > MAX_PHONE_CHARS || !body.chars().all(allowed) || digits < 5 {
        return Err(Error::Invalid(format!(
            "phone {:?} is not a phone number (digits, an optional leading +, and spaces, dots, \
             dashes or brackets)",
            crate::domain::spelling::shorten(value)
        )));
    }
    Ok(value.to_string())
}

/// Multi-line free text: line breaks and tabs allowed, other control characters (NUL…) refused.
pub fn free_text(field: &str, value: &str, required: bool) -> Result<String, Error> {
    let value = value.trim();
    if required && value.is_empty() {
        return Err(Error::Invalid(format!("{field} is required")));
    }
    if value
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
    {
        return Err(Error::Invalid(format!(
            "{field} contains a control character (such as NUL)"
        )));
    }
    let count = value.chars().count();
    if count > MAX_TEXT_CHARS {
        return Err(Error::Invalid(format!(
            "{field} is {count} characters long; at most {MAX_TEXT_CHARS} are allowed"
        )));
    }
    Ok(value.to_string())
}

/// A validated email address: `local@domain.tld`, domain lower-cased.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Email(String);

impl Email {
    /// Checks the shape of an address (RFC 5321 lengths, a dotted domain, no spaces).
    pub fn parse(value: &str) -> Result<Self, Error> {
        let value = value.trim();
        let refuse = |why: &str| {
            Err(Error::Invalid(format!(
                "{:?} is not a valid email address: {why}",
                crate::domain::spelling::shorten(value)
            )))
        };
        if value.is_empty() {
            return Err(Error::invalid("email is empty"));
        }
        if value.len() > 254 {
            return refuse("longer than 254 characters");
        }
        let Some((local, domain)) = value.rsplit_once('@') else {
            return refuse("no @");
        };
        if local.is_empty() || local.len() > 64 {
            return refuse("the part before @ must be 1 to 64 characters");
        }
        if local
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || c == '@' || c == '"')
        {
            return refuse("the part before @ has a space or a character that is not allowed");
        }
        if local.starts_with('.') || local.ends_with('.') || local.contains("..") {
            return refuse("misplaced dot before @");
        }
        let labels: Vec<&str> = domain.split('.').collect();
        if labels.len() < 2 {
            return refuse("the domain needs a dot, as in example.com");
        }
        let label_ok = |l: &&str| {
            !l.is_empty()
                && l.len() <= 63
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.chars().all(|c| c.is_alphanumeric() || c == '-')
        };
        if !labels.iter().all(label_ok) {
            return refuse("the domain is malformed");
        }
        Ok(Email(format!("{local}@{}", domain.to_lowercase())))
    }

    /// Wraps a stored value that is no longer an address (after retention redacted it).
    pub(crate) fn redacted(stored: String) -> Self {
        Email(stored)
    }

    /// The part after the `@`.
    pub fn domain(&self) -> &str {
        self.0.rsplit_once('@').map_or("", |(_, domain)| domain)
    }

    /// The address.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn good_addresses_pass_and_domain_is_lowercased() {
        for ok in [
            "a@b.co",
            "Ana.Ruiz+dsr@Example.COM",
            "ü@bücher.de",
            "x@sub.domain.org",
        ] {
            assert!(Email::parse(ok).is_ok(), "{ok}");
        }
        assert_eq!(
            Email::parse(" Ana@Example.COM ")
                .map(|e| e.to_string())
                .ok(),
            Some("Ana@example.com".into())
        );
    }

    #[test]
    fn bad_addresses_say_why() {
        for bad in [
            "", "plain", "a@b", "a b@c.de", "@c.de", "a@-c.de", "a@c..de", ".a@c.de", "a@c.de\0",
        ] {
            assert!(Email::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn names_refuse_nul_and_overlong_but_keep_any_script() {
        assert!(name("name", "a\0b").is_err());
        assert!(name("name", &"x".repeat(MAX_NAME_CHARS + 1)).is_err());
        for ok in [
            "محمد الأحمد",
            "李雷 😀",
            "<img src=x onerror=alert(1)>",
            "=HYPERLINK(\"x\")",
        ] {
            assert_eq!(name("name", ok).ok().as_deref(), Some(ok));
        }
    }

    #[test]
    fn free_text_keeps_line_breaks_but_refuses_nul() {
        assert!(free_text("details", "line\nline\ttab", false).is_ok());
        assert!(free_text("details", "nul\0", false).is_err());
        assert!(free_text("reason", "  ", true).is_err());
    }

    #[test]
    fn phone_numbers_are_digits_with_the_usual_separators() {
        for ok in [
            "+44 20 7946 0018",
            "(555) 010-4477",
            "030/12345",
            "+1.555.010.4477",
        ] {
            assert_eq!(phone(ok).ok().as_deref(), Some(ok));
        }
        for bad in [
            "",
            "12",
            "call me",
            "+44 20 7946 0018 ext 4",
            "=1+2",
            "++4420794600",
            "1\n2345",
        ] {
            assert!(phone(bad).is_err(), "{bad:?}");
        }
        assert!(phone(&"1".repeat(MAX_PHONE_CHARS + 1)).is_err());
    }
}
