//! How the domain's enums are spelled: snake_case in storage and JSON, kebab-case on the command line.

/// Declares a plain enum with one spelling per variant, `as_str`, `ALL`, `Display`, `FromStr`
/// (accepting `kebab-case` or `snake_case`) and serde in the snake_case spelling. How each
/// storage engine keeps the spelling is the engine's business (`store/`).
macro_rules! spelled_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident ($what:literal) {
            $( $(#[$vmeta:meta])* $variant:ident = $spelling:literal ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name {
            $( $(#[$vmeta])* $variant ),+
        }

        impl $name {
            /// Every variant, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The stored (snake_case) spelling.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $spelling),+
                }
            }

            /// The command-line (kebab-case) spelling.
            pub fn cli_name(self) -> String {
                self.as_str().replace('_', "-")
            }

            /// The variant whose stored spelling is exactly `bytes`, without allocating: for
            /// reading rows by the hundred thousand.
            pub fn from_stored(bytes: &[u8]) -> Option<Self> {
                Self::ALL.iter().copied().find(|v| v.as_str().as_bytes() == bytes)
            }

            /// The accepted spellings, for error messages.
            pub fn choices() -> String {
                Self::ALL.iter().map(|v| v.cli_name()).collect::<Vec<_>>().join(", ")
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl std::str::FromStr for $name {
            type Err = $crate::Error;
            fn from_str(text: &str) -> Result<Self, Self::Err> {
                let wanted = text.trim().to_ascii_lowercase().replace('-', "_");
                Self::ALL
                    .iter()
                    .copied()
                    .find(|v| v.as_str() == wanted)
                    .ok_or_else(|| {
                        $crate::Error::Invalid(format!(
                            "unknown {} {:?}; expected one of: {}",
                            $what,
                            $crate::domain::spelling::shorten(text),
                            Self::choices()
                        ))
                    })
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let text = String::deserialize(d)?;
                text.parse().map_err(serde::de::Error::custom)
            }
        }
    };
}

pub(crate) use spelled_enum;

/// Cuts text quoted back in an error message to a readable length.
pub(crate) fn shorten(text: &str) -> String {
    const MAX: usize = 40;
    if text.chars().count() <= MAX {
        text.to_string()
    } else {
        let cut: String = text.chars().take(MAX).collect();
        format!("{cut}…")
    }
}
