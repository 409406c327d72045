//! Giving SQLCipher the passphrase: `PRAGMA key` (or `rekey`) with the passphrase quoted, built
//! in memory that is wiped when dropped.

use zeroize::Zeroizing;

use crate::Passphrase;

/// `PRAGMA <pragma> = '<passphrase>'` with quotes escaped, in wiped memory.
pub(super) fn pragma(passphrase: &Passphrase, pragma: &str) -> Zeroizing<String> {
    let secret = passphrase.expose();
    let mut sql = Zeroizing::new(String::with_capacity(secret.len() + 32));
    sql.push_str("PRAGMA ");
    sql.push_str(pragma);
    sql.push_str(" = '");
    for c in secret.chars() {
        if c == '\'' {
            sql.push('\'');
        }
        sql.push(c);
    }
    sql.push_str("';");
    sql
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_are_escaped() {
        let p = Passphrase::new("it's secret".into());
        assert_eq!(pragma(&p, "key").as_str(), "PRAGMA key = 'it''s secret';");
    }
}
