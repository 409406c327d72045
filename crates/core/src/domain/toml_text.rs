//! A company's settings file in TOML, read with its first mistake named by its line (as a
//! person opening the file in an editor finds it).

use serde::de::DeserializeOwned;

/// The line (from 1) of byte `offset` in `text`.
pub(crate) fn line_of(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())].matches('\n').count() + 1
}

/// `text` read as `T`; `Err` is the parser's message after `line N: ` where it knows the place.
pub(crate) fn parse<T: DeserializeOwned>(text: &str) -> Result<T, String> {
    toml::from_str(text).map_err(|e| {
        let at = e
            .span()
            .map(|s| format!("line {}: ", line_of(text, s.start)));
        format!("{}{}", at.unwrap_or_default(), e.message())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    struct Two {
        a: u8,
        b: u8,
    }

    #[test]
    fn a_mistake_is_named_by_its_line() {
        assert_eq!(line_of("a\nb\nc", 4), 3);
        assert_eq!(line_of("a", 99), 1);
        let error = parse::<Two>("a = 1\nb = 300\n").expect_err("out of range");
        assert!(error.starts_with("line 2: "), "{error}");
        let two = parse::<Two>("a = 1\nb = 2\n").expect("read");
        assert_eq!((two.a, two.b), (1, 2));
    }
}
