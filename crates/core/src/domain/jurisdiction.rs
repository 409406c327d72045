//! Which law a case follows: one of the built-in law files (`crates/core/laws/<id>.toml`, read
//! in [`crate::domain::law`]). The list of ids is the registry; everything a law says is in its
//! file. Spelled like the vocabularies: `us_va` stored and in JSON, `us-va` on the command line,
//! and a file's `aliases` accepted too (`us-ca` for `ccpa`).

use crate::Error;
use crate::domain::spelling::shorten;

/// Declares the built-in laws: their ids in order, and each file's text.
macro_rules! laws {
    ($($id:literal),+ $(,)?) => {
        /// The ids of the built-in laws, in order: `Jurisdiction(i)` is `IDS[i]`.
        const IDS: &[&str] = &[$($id),+];
        /// Each law's file, in the order of [`IDS`].
        pub(crate) const FILES: &[&str] = &[
            $(include_str!(concat!("../../laws/", $id, ".toml"))),+
        ];
    };
}

// The US state laws come after the first seven, whose positions the constants below name.
laws!(
    "gdpr", "uk_gdpr", "ccpa", "pipeda", "quebec", "lgpd", "default", "us_va", "us_co", "us_ct",
    "us_ut", "us_tx", "us_or", "us_mt", "us_ia", "us_de", "us_nj", "us_nh", "us_tn", "us_mn",
    "us_md", "us_in", "us_ky", "us_ri", "us_ne",
);

/// A law a case may follow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Jurisdiction(u8);

/// Every built-in law, in the order of [`IDS`].
const ALL: [Jurisdiction; IDS.len()] = {
    let mut all = [Jurisdiction(0); IDS.len()];
    let mut i = 0;
    while i < IDS.len() {
        all[i] = Jurisdiction(i as u8);
        i += 1;
    }
    all
};

impl Jurisdiction {
    /// EU GDPR.
    pub const GDPR: Jurisdiction = Jurisdiction(0);
    /// UK GDPR.
    pub const UK_GDPR: Jurisdiction = Jurisdiction(1);
    /// California CCPA/CPRA.
    pub const CCPA: Jurisdiction = Jurisdiction(2);
    /// Canada, PIPEDA.
    pub const PIPEDA: Jurisdiction = Jurisdiction(3);
    /// Québec, Law 25.
    pub const QUEBEC: Jurisdiction = Jurisdiction(4);
    /// Brazil, LGPD.
    pub const LGPD: Jurisdiction = Jurisdiction(5);
    /// None named: the policy's "reasonable timeframe".
    pub const DEFAULT: Jurisdiction = Jurisdiction(6);

    /// Every built-in law, in order.
    pub const ALL: &'static [Jurisdiction] = &ALL;

    /// The stored (snake_case) spelling: its file's id.
    pub fn as_str(self) -> &'static str {
        IDS.get(usize::from(self.0)).copied().unwrap_or("default")
    }

    /// The command-line (kebab-case) spelling.
    pub fn cli_name(self) -> String {
        self.as_str().replace('_', "-")
    }

    /// Its position among the built-in laws (for the law table).
    pub(crate) fn index(self) -> usize {
        usize::from(self.0)
    }

    /// The law whose stored spelling is exactly `bytes`, without allocating.
    pub fn from_stored(bytes: &[u8]) -> Option<Self> {
        Self::ALL
            .iter()
            .copied()
            .find(|j| j.as_str().as_bytes() == bytes)
    }

    /// The accepted spellings, for error messages.
    pub fn choices() -> String {
        Self::ALL
            .iter()
            .map(|j| j.cli_name())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

impl std::fmt::Display for Jurisdiction {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for Jurisdiction {
    type Err = Error;
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let wanted = text.trim().to_ascii_lowercase().replace('-', "_");
        if let Some(found) = Self::ALL.iter().copied().find(|j| j.as_str() == wanted) {
            return Ok(found);
        }
        // A law file may give other names for itself (`us_ca` for `ccpa`).
        let aliased = crate::domain::law::Law::all().ok().and_then(|laws| {
            laws.iter()
                .find(|law| law.aliases.contains(&wanted))
                .map(|law| law.jurisdiction)
        });
        aliased.ok_or_else(|| {
            Error::Invalid(format!(
                "unknown jurisdiction {:?}; expected one of: {}",
                shorten(text),
                Self::choices()
            ))
        })
    }
}

impl serde::Serialize for Jurisdiction {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> serde::Deserialize<'de> for Jurisdiction {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_named_laws_are_where_their_ids_say() {
        let named = [
            (Jurisdiction::GDPR, "gdpr"),
            (Jurisdiction::UK_GDPR, "uk_gdpr"),
            (Jurisdiction::CCPA, "ccpa"),
            (Jurisdiction::PIPEDA, "pipeda"),
            (Jurisdiction::QUEBEC, "quebec"),
            (Jurisdiction::LGPD, "lgpd"),
            (Jurisdiction::DEFAULT, "default"),
        ];
        for (jurisdiction, id) in named {
            assert_eq!(jurisdiction.as_str(), id);
            assert_eq!(id.parse::<Jurisdiction>().ok(), Some(jurisdiction));
            assert_eq!(
                jurisdiction.cli_name().parse::<Jurisdiction>().ok(),
                Some(jurisdiction)
            );
        }
        assert_eq!(FILES.len(), IDS.len());
        let unknown = "mars".parse::<Jurisdiction>().err().map(|e| e.to_string());
        assert!(unknown.is_some_and(|m| m.contains("uk-gdpr")));
    }
}
