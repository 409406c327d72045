//! Neutralising spreadsheet formulas in exported cells (OWASP "CSV injection").

/// Characters that make Excel or LibreOffice read a cell as a formula, plus the quote mark itself
/// so that neutralising is reversible: a cell that starts with `'` always carries exactly one mark.
const TRIGGERS: &[char] = &[
    '=', '+', '-', '@', '\t', '\r', '\n', '＝', '＋', '－', '＠', '\'',
];

/// The cell as written: prefixed with `'` when it could start a formula.
pub fn neutralise(cell: &str) -> std::borrow::Cow<'_, str> {
    if needs_mark(cell.as_bytes()) {
        format!("'{cell}").into()
    } else {
        cell.into()
    }
}

/// Whether a cell's UTF-8 text starts with a trigger and so must be written with a mark.
pub fn needs_mark(cell: &[u8]) -> bool {
    match cell.first() {
        None => false,
        // Plain ASCII first: one comparison per trigger for almost every cell.
        Some(&first) if first.is_ascii() => TRIGGERS.contains(&char::from(first)),
        Some(_) => TRIGGERS
            .iter()
            .filter(|c| !c.is_ascii())
            .any(|c| cell.starts_with(c.encode_utf8(&mut [0; 4]).as_bytes())),
    }
}

/// The original value of an exported cell.
pub fn restore(cell: &str) -> &str {
    cell.strip_prefix('\'').unwrap_or(cell)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn formulas_get_one_mark_and_plain_text_none() {
        assert_eq!(neutralise("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(neutralise("＝1+1"), "'＝1+1");
        assert_eq!(neutralise("Ana"), "Ana");
        assert_eq!(neutralise(""), "");
    }

    proptest! {
        #[test]
        fn neutralised_cells_never_start_a_formula_and_restore_exactly(
            head in proptest::sample::select(vec!["=", "+", "-", "@", "\t", "\r", "＝", "'", "\"", ",", "\n", "\0", "a", ""]),
            tail in ".{0,20}",
        ) {
            let original = format!("{head}{tail}");
            let written = neutralise(&original);
            let first = written.chars().next();
            prop_assert!(first.is_none_or(|c| c == '\'' || !TRIGGERS.contains(&c)));
            prop_assert_eq!(restore(&written), original.as_str());
        }
    }
}
