//! Passphrases: held in memory that is wiped when dropped, and never printed.

use std::fmt;

use zeroize::Zeroizing;

use crate::Error;

/// A database passphrase. Its memory is zeroized on drop; `Debug` does not show it.
pub struct Passphrase(Zeroizing<String>);

impl Passphrase {
    /// Shortest passphrase accepted for a new database or a rekey.
    pub const MIN_CHARS: usize = 8;

    /// Wraps a passphrase given to open an existing database (any length).
    pub fn new(text: String) -> Self {
        Passphrase(Zeroizing::new(text))
    }

    /// Wraps a passphrase for a new database, refusing ones too short to protect it.
    pub fn new_for_creation(text: String) -> Result<Self, Error> {
        let passphrase = Passphrase::new(text);
        passphrase.check_new()?;
        Ok(passphrase)
    }

    /// Refuses a passphrase too short (or holding NUL) to protect what it is made for.
    pub(crate) fn check_new(&self) -> Result<(), Error> {
        if self.0.chars().count() < Self::MIN_CHARS {
            return Err(Error::Invalid(format!(
                "the passphrase must have at least {} characters",
                Self::MIN_CHARS
            )));
        }
        if self.0.contains('\0') {
            return Err(Error::invalid("the passphrase contains a NUL character"));
        }
        Ok(())
    }

    /// Refuses, before any key derivation, a passphrase that cannot open any database: empty
    /// (SQLCipher would take it for "no encryption"), or holding NUL, which creation refuses.
    pub(crate) fn check_can_open(&self) -> Result<(), Error> {
        if self.0.is_empty() {
            return Err(Error::invalid("enter the passphrase"));
        }
        if self.0.contains('\0') {
            return Err(Error::WrongPassphrase);
        }
        Ok(())
    }

    /// The passphrase itself, for the storage engine that derives the key from it; never to
    /// be copied outside wiped memory.
    pub(crate) fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Passphrase {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Passphrase(…)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_hides_the_secret() {
        let p = Passphrase::new("it's secret".into());
        assert_eq!(format!("{p:?}"), "Passphrase(…)");
    }

    #[test]
    fn short_passphrases_are_refused_for_new_databases() {
        assert!(Passphrase::new_for_creation("short".into()).is_err());
        assert!(Passphrase::new_for_creation("long enough".into()).is_ok());
    }
}
