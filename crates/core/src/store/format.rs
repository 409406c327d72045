//! The cipher settings a database file is written with, chosen when it is created.

/// How the pages of a database file are encrypted and authenticated.
///
/// Both are SQLCipher 4: AES-256-CBC, 4 KiB pages each with an HMAC, a PBKDF2-HMAC-SHA512 key
/// derivation of 256,000 iterations. They differ only in the page HMAC, computed for every
/// page read or written: SHA-256 runs about three times faster than SHA-512 on CPUs with the
/// SHA extensions (1.6 against 0.55 GB/s on the benchmark machine; the full export about 16%
/// faster), and HMAC-SHA256 is no weaker an authenticator of a page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CipherFormat {
    /// HMAC-SHA256 page authentication: every database this build creates.
    Sha256Pages,
    /// SQLCipher 4's defaults (HMAC-SHA512 pages): databases made before schema 3. They open
    /// and work as before; unlocking one derives the key twice, once per format tried.
    Sha512Pages,
}

impl CipherFormat {
    /// Tried in this order when a database is opened.
    pub(crate) const OPEN_ORDER: [CipherFormat; 2] =
        [CipherFormat::Sha256Pages, CipherFormat::Sha512Pages];

    /// What to run after `PRAGMA key` and before the first read, by anything that opens the
    /// file with SQLCipher directly (tests, or another SQLCipher tool).
    pub fn pragmas(self) -> &'static str {
        match self {
            CipherFormat::Sha256Pages => "PRAGMA cipher_hmac_algorithm = HMAC_SHA256;",
            CipherFormat::Sha512Pages => "",
        }
    }
}
