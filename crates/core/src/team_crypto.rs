//! The team desk's client-side encryption: personal data is sealed on the desktop before it
//! reaches a shared server, so that a dump of the server's database holds none of it readable.
//!
//! - An agent's passphrase is stretched once with Argon2id ([`KdfParams`], salted with the
//!   team and the agent's name, so that it is known before logging in) into two unrelated secrets ([`AgentSecrets`]): the password the
//!   server authenticates (it stores only a verifier of it, and guessing the passphrase from
//!   that verifier costs an Argon2id run per guess), and the key that wraps the team key.
//! - The **team key** ([`TeamKey`]), random, is stored on the server only wrapped for each
//!   agent ([`WrappedKey`], XChaCha20-Poly1305 with the agent's name bound in). Removing an
//!   agent deletes their wrapping; rotating the team key re-seals the data under a new one.
//! - Each agent also has a **key pair** ([`AgentKeyPair`], X25519): the public half on the
//!   server, the secret half wrapped under their passphrase like the team key. A manager who
//!   rotates the team key seals the new one to each agent's public half ([`TeamKey::seal_to`],
//!   a libsodium sealed box), so no passphrase is needed to hand it over.
//! - A field is sealed under a key derived from the team key, with its **place** (table, column,
//!   row) as associated data: a ciphertext moved to another row or column does not open.
//! - Search reads keyed **blind indexes**: an HMAC of a whole normalised value (an address, a
//!   reference) and of each word, under another key derived from the team key. Equal values
//!   give equal indexes; without the team key they say nothing.
//!
//! No I/O beyond the operating system's random numbers; no storage engine is named here.

use argon2::{Algorithm, Argon2, Params, Version};
use chacha20poly1305::aead::{Aead, AeadCore, KeyInit, OsRng, Payload};
use chacha20poly1305::{Key, XChaCha20Poly1305, XNonce};
use hmac::{Hmac, Mac};
use sha2::Sha256;
use zeroize::Zeroizing;

use crate::{Error, Passphrase};

/// The format of what [`TeamKey::seal`] writes: a version byte, the nonce, the ciphertext.
const SEALED_V1: u8 = 1;
const NONCE_BYTES: usize = 24;
const KEY_BYTES: usize = 32;
/// Bytes of a word's index: enough to keep collisions between words rare, short enough to keep
/// a note's index small.
const TOKEN_BYTES: usize = 16;

/// How hard the passphrase is stretched, and with which salt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KdfParams {
    /// Memory, in KiB.
    pub memory_kib: u32,
    /// Passes over it.
    pub passes: u32,
    /// Lanes.
    pub lanes: u32,
    /// The agent's random salt.
    pub salt: [u8; 16],
}

impl KdfParams {
    /// The parameters for `agent` on the team `team` (its server and database): 64 MiB, 3
    /// passes, 1 lane — above OWASP's Argon2id floor of 19 MiB and 2 passes; about 150 ms on
    /// the CI machine. The salt is derived from the two names: it must be known before the
    /// agent can log in, and need only be unique, not secret.
    pub fn for_agent(team: &str, agent: &str) -> KdfParams {
        use sha2::Digest;
        let digest = Sha256::new()
            .chain_update(b"privacydesk agent salt v1\0")
            .chain_update(team.as_bytes())
            .chain_update(b"\0")
            .chain_update(agent.as_bytes())
            .finalize();
        let mut salt = [0u8; 16];
        salt.copy_from_slice(&digest[..16]);
        KdfParams {
            memory_kib: 64 * 1024,
            passes: 3,
            lanes: 1,
            salt,
        }
    }
}

/// What an agent's passphrase gives: the server login password and the team key's wrapping
/// key. Both are wiped from memory when dropped.
#[derive(Debug)]
pub struct AgentSecrets {
    login: Zeroizing<String>,
    wrapping: Zeroizing<[u8; KEY_BYTES]>,
}

impl AgentSecrets {
    /// Stretches `passphrase` with `params`: one Argon2id run, its output split in two.
    pub fn derive(passphrase: &Passphrase, params: &KdfParams) -> Result<AgentSecrets, Error> {
        let argon = Params::new(
            params.memory_kib,
            params.passes,
            params.lanes,
            Some(2 * KEY_BYTES),
        )
        .map_err(|e| Error::invalid(format!("the key-stretching parameters are refused: {e}")))?;
        let mut out = Zeroizing::new([0u8; 2 * KEY_BYTES]);
        Argon2::new(Algorithm::Argon2id, Version::V0x13, argon)
            .hash_password_into(
                passphrase.expose().as_bytes(),
                &params.salt,
                out.as_mut_slice(),
            )
            .map_err(|e| Error::internal(format!("key stretching failed: {e}")))?;
        let mut wrapping = Zeroizing::new([0u8; KEY_BYTES]);
        wrapping.copy_from_slice(&out[KEY_BYTES..]);
        Ok(AgentSecrets {
            // Hex: a password every PostgreSQL client and SCRAM implementation takes as is.
            login: Zeroizing::new(hex::encode(&out[..KEY_BYTES])),
            wrapping,
        })
    }

    /// The password the server authenticates the agent with.
    pub fn login_password(&self) -> &str {
        &self.login
    }
}

/// An agent's key pair; the secret half is wiped from memory when dropped.
pub struct AgentKeyPair {
    secret: crypto_box::SecretKey,
}

impl std::fmt::Debug for AgentKeyPair {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("AgentKeyPair(hidden)")
    }
}

/// The public half of an agent's key pair, as the server stores it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgentPublicKey(pub [u8; KEY_BYTES]);

impl AgentPublicKey {
    /// A public key read back from the server; anything but 32 bytes is damage.
    pub fn from_slice(bytes: &[u8]) -> Result<AgentPublicKey, Error> {
        <[u8; KEY_BYTES]>::try_from(bytes)
            .map(AgentPublicKey)
            .map_err(|_| Error::Damaged("an agent's public key is not 32 bytes".into()))
    }
}

impl AgentKeyPair {
    /// A new random key pair.
    pub fn generate() -> AgentKeyPair {
        AgentKeyPair {
            secret: crypto_box::SecretKey::generate(&mut OsRng),
        }
    }

    /// The public half.
    pub fn public(&self) -> AgentPublicKey {
        AgentPublicKey(self.secret.public_key().to_bytes())
    }

    /// The secret half wrapped for `agent` under their secrets (the name bound in).
    pub fn wrap_for(&self, agent: &str, secrets: &AgentSecrets) -> WrappedKey {
        let secret = Zeroizing::new(self.secret.to_bytes());
        WrappedKey(seal_with(
            &secrets.wrapping,
            &place("private_key", agent),
            secret.as_slice(),
        ))
    }

    /// The key pair from `agent`'s wrapping; a wrong passphrase or a changed wrapping is
    /// [`Error::WrongPassphrase`].
    pub fn unwrap_for(
        agent: &str,
        wrapped: &WrappedKey,
        secrets: &AgentSecrets,
    ) -> Result<AgentKeyPair, Error> {
        let bytes = open_with(&secrets.wrapping, &place("private_key", agent), &wrapped.0)
            .map_err(|_| Error::WrongPassphrase)?;
        let secret = Zeroizing::new(
            <[u8; KEY_BYTES]>::try_from(bytes.as_slice()).map_err(|_| Error::WrongPassphrase)?,
        );
        Ok(AgentKeyPair {
            secret: crypto_box::SecretKey::from_bytes(*secret),
        })
    }
}

/// The team key wrapped for one agent, as the server stores it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WrappedKey(pub Vec<u8>);

/// The team's data key; wiped from memory when dropped.
#[derive(Clone)]
pub struct TeamKey {
    key: Zeroizing<[u8; KEY_BYTES]>,
    /// The key fields are sealed with, derived once (a list page opens hundreds of values).
    fields: Zeroizing<[u8; KEY_BYTES]>,
    /// The key search indexes are made with, derived once.
    search: Zeroizing<[u8; KEY_BYTES]>,
}

impl std::fmt::Debug for TeamKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TeamKey(hidden)")
    }
}

impl TeamKey {
    /// A new random team key.
    pub fn generate() -> TeamKey {
        let key = XChaCha20Poly1305::generate_key(&mut OsRng);
        let mut bytes = Zeroizing::new([0u8; KEY_BYTES]);
        bytes.copy_from_slice(&key);
        TeamKey::from_bytes(bytes)
    }

    fn from_bytes(key: Zeroizing<[u8; KEY_BYTES]>) -> TeamKey {
        let fields = derived(&key, "fields");
        let search = derived(&key, "search");
        TeamKey {
            key,
            fields,
            search,
        }
    }

    /// The key wrapped for `agent` under their secrets (the name is bound in: a wrapping
    /// copied to another agent's row does not open).
    pub fn wrap_for(&self, agent: &str, secrets: &AgentSecrets) -> WrappedKey {
        WrappedKey(seal_with(
            &secrets.wrapping,
            &place("team_key", agent),
            self.key.as_slice(),
        ))
    }

    /// The team key from `agent`'s wrapping; a wrong passphrase (other secrets) or a changed
    /// wrapping is [`Error::WrongPassphrase`].
    pub fn unwrap_for(
        agent: &str,
        wrapped: &WrappedKey,
        secrets: &AgentSecrets,
    ) -> Result<TeamKey, Error> {
        let bytes = open_with(&secrets.wrapping, &place("team_key", agent), &wrapped.0)
            .map_err(|_| Error::WrongPassphrase)?;
        if bytes.len() != KEY_BYTES {
            return Err(Error::WrongPassphrase);
        }
        let mut key = Zeroizing::new([0u8; KEY_BYTES]);
        key.copy_from_slice(&bytes);
        Ok(TeamKey::from_bytes(key))
    }

    /// The key sealed to `agent`'s public key: only their key pair opens it. A sealed box has
    /// no associated data, so the name is sealed in with the key and checked on opening (a box
    /// copied to another agent's row does not open for them).
    pub fn seal_to(&self, agent: &str, public: &AgentPublicKey) -> Result<Vec<u8>, Error> {
        let mut message = Zeroizing::new(place("team_key", agent));
        message.push(0);
        message.extend_from_slice(self.key.as_slice());
        crypto_box::PublicKey::from_bytes(public.0)
            .seal(&mut OsRng, &message)
            .map_err(|_| Error::internal("the team key could not be sealed to a public key"))
    }

    /// The team key from a box sealed to `agent` ([`seal_to`](Self::seal_to)); another agent's
    /// box, another key pair or a changed byte is [`Error::WrongPassphrase`] (the pair is
    /// unwrapped from the passphrase).
    pub fn open_sealed(agent: &str, sealed: &[u8], pair: &AgentKeyPair) -> Result<TeamKey, Error> {
        let message = Zeroizing::new(
            pair.secret
                .unseal(sealed)
                .map_err(|_| Error::WrongPassphrase)?,
        );
        let mut expected = place("team_key", agent);
        expected.push(0);
        let key = message
            .strip_prefix(expected.as_slice())
            .filter(|key| key.len() == KEY_BYTES)
            .ok_or(Error::WrongPassphrase)?;
        let mut bytes = Zeroizing::new([0u8; KEY_BYTES]);
        bytes.copy_from_slice(key);
        Ok(TeamKey::from_bytes(bytes))
    }

    /// Seals `plaintext` for its `place` (e.g. `cases.requester_name:PR-2026-00001`).
    pub fn seal(&self, place: &str, plaintext: &[u8]) -> Vec<u8> {
        seal_with(&self.fields, place.as_bytes(), plaintext)
    }

    /// Opens what [`seal`](Self::seal) sealed for `place`; anything else — another place,
    /// another key, a changed byte — is damage.
    pub fn open(&self, place: &str, sealed: &[u8]) -> Result<Zeroizing<Vec<u8>>, Error> {
        open_with(&self.fields, place.as_bytes(), sealed)
            .map_err(|_| Error::Damaged(format!("a sealed value for {place} does not open")))
    }

    /// The blind index of a whole value of `kind` (`email`, `reference`): the same for the
    /// same value however it is cased or spaced.
    pub fn blind_index(&self, kind: &str, value: &str) -> [u8; KEY_BYTES] {
        let mut mac = self.index_mac(kind);
        mac.update(normalised(value).as_bytes());
        mac.finalize().into_bytes().into()
    }

    /// The indexes of the words of `text`, each once, for a search by word.
    pub fn word_indexes(&self, kind: &str, text: &str) -> Vec<[u8; TOKEN_BYTES]> {
        self.tokens(kind, words(text))
    }

    /// The indexes of the words of `text` and of each word's beginnings (from two letters up to
    /// [`MAX_PREFIX_CHARS`]), each once: a name or an address is found by what a person
    /// starts typing, as the single desk's search finds it.
    pub fn prefix_indexes(&self, kind: &str, text: &str) -> Vec<[u8; TOKEN_BYTES]> {
        let mut all = Vec::new();
        for word in words(text) {
            let ends = word.char_indices().map(|(at, _)| at).skip(2);
            all.extend(
                ends.take(MAX_PREFIX_CHARS - 1)
                    .map(|end| word[..end].to_string()),
            );
            all.push(word);
        }
        self.tokens(kind, all)
    }

    fn tokens(&self, kind: &str, mut words: Vec<String>) -> Vec<[u8; TOKEN_BYTES]> {
        words.sort_unstable();
        words.dedup();
        words
            .iter()
            .map(|word| {
                let mut mac = self.index_mac(kind);
                mac.update(word.as_bytes());
                let full = mac.finalize().into_bytes();
                let mut token = [0u8; TOKEN_BYTES];
                token.copy_from_slice(&full[..TOKEN_BYTES]);
                token
            })
            .collect()
    }

    fn index_mac(&self, kind: &str) -> Hmac<Sha256> {
        let key = &self.search;
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(key.as_slice())
            .unwrap_or_else(|_| unreachable!("HMAC takes a key of any length"));
        mac.update(kind.as_bytes());
        mac.update(b"\0");
        mac
    }
}

/// The longest beginning of a word [`TeamKey::prefix_indexes`] indexes: longer ones are found
/// by their first letters' index (the whole word has its own).
pub const MAX_PREFIX_CHARS: usize = 12;

/// The words of `text` a search compares: runs of letters and digits, two or more, lower case
/// and without accents ("Müller" is "muller"), as the single desk's full-text index reads them.
pub fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .map(without_accents)
        .filter(|w| w.chars().count() >= 2)
        .map(|w| normalised(&w))
        .collect()
}

/// `word` with its combining accents taken off (decomposed first, so "é" is "e" + accent).
fn without_accents(word: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    use unicode_normalization::char::is_combining_mark;
    word.nfd().filter(|c| !is_combining_mark(*c)).collect()
}

/// A key for one purpose, derived from the team key (so that the field key and the index key
/// never coincide, and neither is the team key itself).
fn derived(key: &[u8; KEY_BYTES], purpose: &str) -> Zeroizing<[u8; KEY_BYTES]> {
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(key.as_slice())
        .unwrap_or_else(|_| unreachable!("HMAC takes a key of any length"));
    mac.update(b"privacydesk team key v1\0");
    mac.update(purpose.as_bytes());
    let mut out = Zeroizing::new([0u8; KEY_BYTES]);
    out.copy_from_slice(&mac.finalize().into_bytes());
    out
}

/// `kind:name` as associated data.
fn place(kind: &str, name: &str) -> Vec<u8> {
    format!("{kind}:{name}").into_bytes()
}

/// Lower case, trimmed, inner runs of white space as one space: how search compares values.
fn normalised(value: &str) -> String {
    value
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

fn seal_with(key: &[u8; KEY_BYTES], aad: &[u8], plaintext: &[u8]) -> Vec<u8> {
    let cipher = XChaCha20Poly1305::new(Key::from_slice(key));
    let nonce = XChaCha20Poly1305::generate_nonce(&mut OsRng);
    let ciphertext = cipher
        .encrypt(
            &nonce,
            Payload {
                msg: plaintext,
                aad,
            },
        )
        .unwrap_or_else(|_| unreachable!("XChaCha20-Poly1305 seals any length a desk holds"));
    let mut out = Vec::with_capacity(1 + NONCE_BYTES + ciphertext.len());
    out.push(SEALED_V1);
    out.extend_from_slice(&nonce);
    out.extend_from_slice(&ciphertext);
    out
}

fn open_with(key: &[u8; KEY_BYTES], aad: &[u8], sealed: &[u8]) -> Result<Zeroizing<Vec<u8>>, ()> {
    let (version, rest) = sealed.split_first().ok_or(())?;
    if *version != SEALED_V1 || rest.len() < NONCE_BYTES {
        return Err(());
    }
    let (nonce, ciphertext) = rest.split_at(NONCE_BYTES);
    XChaCha20Poly1305::new(Key::from_slice(key))
        .decrypt(
            XNonce::from_slice(nonce),
            Payload {
                msg: ciphertext,
                aad,
            },
        )
        .map(Zeroizing::new)
        .map_err(|_| ())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Light parameters: the tests check the construction, not the cost.
    fn quick(salt: u8) -> KdfParams {
        KdfParams {
            memory_kib: 256,
            passes: 1,
            lanes: 1,
            salt: [salt; 16],
        }
    }

    fn secrets(passphrase: &str, salt: u8) -> AgentSecrets {
        AgentSecrets::derive(&Passphrase::new(passphrase.into()), &quick(salt))
            .unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn the_cipher_gives_the_published_xchacha20_poly1305_test_vector() {
        // draft-irtf-cfrg-xchacha-03, appendix A.3.1: the bytes the build's Poly1305 backend
        // (chosen in .cargo/config.toml) must give, checked against another implementation's.
        let hex = |text: &str| hex::decode(text).unwrap_or_else(|e| panic!("{text}: {e}"));
        let key = hex("808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f");
        let nonce = hex("404142434445464748494a4b4c4d4e4f5051525354555657");
        let aad = hex("50515253c0c1c2c3c4c5c6c7");
        let plaintext = b"Ladies and Gentlemen of the class of '99: If I could offer you only \
            one tip for the future, sunscreen would be it.";
        let expected = hex(
            "bd6d179d3e83d43b9576579493c0e939572a1700252bfaccbed2902c21396cbb731c7f1b0b4aa644\
             0bf3a82f4eda7e39ae64c6708c54c216cb96b72e1213b4522f8c9ba40db5d945b11b69b982c1bb9e\
             3f3fac2bc369488f76b2383565d3fff921f9664c97637da9768812f615c68b13b52e\
             c0875924c1c7987947deafd8780acf49",
        );
        let key: [u8; KEY_BYTES] = key.try_into().unwrap_or_else(|_| panic!("a 32-byte key"));
        let mut sealed = vec![SEALED_V1];
        sealed.extend_from_slice(&nonce);
        sealed.extend_from_slice(&expected);
        let opened = open_with(&key, &aad, &sealed).unwrap_or_else(|()| panic!("the vector opens"));
        assert_eq!(opened.as_slice(), plaintext.as_slice());
        let cipher = XChaCha20Poly1305::new(Key::from_slice(&key));
        let ciphertext = cipher
            .encrypt(
                XNonce::from_slice(&nonce),
                Payload {
                    msg: plaintext,
                    aad: &aad,
                },
            )
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(ciphertext, expected);
    }

    #[test]
    fn the_passphrase_gives_a_login_and_a_wrapping_key_that_tell_nothing_of_each_other() {
        let ana = secrets("correct horse battery", 1);
        let again = secrets("correct horse battery", 1);
        assert_eq!(ana.login_password(), again.login_password());
        assert_eq!(ana.login_password().len(), 64);
        // The login is not the wrapping key, and another salt gives other secrets.
        assert_ne!(ana.login_password(), hex::encode(ana.wrapping.as_slice()));
        assert_ne!(
            ana.login_password(),
            secrets("correct horse battery", 2).login_password()
        );
        assert!(
            AgentSecrets::derive(
                &Passphrase::new("x".into()),
                &KdfParams {
                    memory_kib: 1,
                    ..quick(1)
                }
            )
            .is_err()
        );
        let ana = KdfParams::for_agent("db.example.com/team", "ana");
        assert_eq!((ana.memory_kib, ana.passes), (65_536, 3));
        assert_eq!(ana, KdfParams::for_agent("db.example.com/team", "ana"));
        assert_ne!(
            ana.salt,
            KdfParams::for_agent("db.example.com/team", "ben").salt
        );
        assert_ne!(
            ana.salt,
            KdfParams::for_agent("db.example.com/other", "ana").salt
        );
    }

    #[test]
    fn the_team_key_opens_only_for_its_agent_with_their_passphrase() -> Result<(), Error> {
        let team = TeamKey::generate();
        let ana = secrets("ana's passphrase", 1);
        let wrapped = team.wrap_for("ana", &ana);
        let opened = TeamKey::unwrap_for("ana", &wrapped, &ana)?;
        let sealed = team.seal("cases.requester_name:PR-2026-00001", b"Ana Ruiz");
        assert_eq!(
            opened
                .open("cases.requester_name:PR-2026-00001", &sealed)?
                .as_slice(),
            b"Ana Ruiz"
        );
        let wrong = secrets("not ana's passphrase", 1);
        assert!(matches!(
            TeamKey::unwrap_for("ana", &wrapped, &wrong),
            Err(Error::WrongPassphrase)
        ));
        // Ana's wrapping copied to Ben's row does not open for Ben, even with Ana's secrets.
        assert!(TeamKey::unwrap_for("ben", &wrapped, &ana).is_err());
        let mut flipped = wrapped.clone();
        if let Some(byte) = flipped.0.last_mut() {
            *byte ^= 1;
        }
        assert!(TeamKey::unwrap_for("ana", &flipped, &ana).is_err());
        Ok(())
    }

    #[test]
    fn a_team_key_sealed_to_an_agent_opens_only_with_their_key_pair() -> Result<(), Error> {
        let team = TeamKey::generate();
        let ana = secrets("ana's passphrase", 1);
        let pair = AgentKeyPair::generate();
        // The secret half travels only wrapped under Ana's passphrase.
        let wrapped = pair.wrap_for("ana", &ana);
        let again = AgentKeyPair::unwrap_for("ana", &wrapped, &ana)?;
        assert_eq!(again.public(), pair.public());
        assert!(matches!(
            AgentKeyPair::unwrap_for("ana", &wrapped, &secrets("a guess", 1)),
            Err(Error::WrongPassphrase)
        ));
        assert!(AgentKeyPair::unwrap_for("ben", &wrapped, &ana).is_err());
        assert!(
            !wrapped
                .0
                .windows(KEY_BYTES)
                .any(|w| w == pair.secret.to_bytes().as_slice())
        );

        // A manager seals the team key to Ana's public half; her pair opens it.
        let sealed = team.seal_to("ana", &pair.public())?;
        let opened = TeamKey::open_sealed("ana", &sealed, &again)?;
        let field = team.seal("notes.body:1", b"called Ana");
        assert_eq!(
            opened.open("notes.body:1", &field)?.as_slice(),
            b"called Ana"
        );
        assert!(!sealed.windows(KEY_BYTES).any(|w| w == team.key.as_slice()));
        // Not for another name, not with another pair, not changed.
        assert!(TeamKey::open_sealed("ben", &sealed, &again).is_err());
        assert!(TeamKey::open_sealed("ana", &sealed, &AgentKeyPair::generate()).is_err());
        let mut changed = sealed.clone();
        changed[40] ^= 1;
        assert!(TeamKey::open_sealed("ana", &changed, &again).is_err());
        assert!(TeamKey::open_sealed("ana", &sealed[..20], &again).is_err());
        assert!(AgentPublicKey::from_slice(&[0; 31]).is_err());
        Ok(())
    }

    #[test]
    fn a_sealed_field_opens_only_in_its_place_under_its_key() -> Result<(), Error> {
        let team = TeamKey::generate();
        let place = "cases.requester_email:PR-2026-00001";
        let sealed = team.seal(place, b"ana@example.com");
        assert_eq!(team.open(place, &sealed)?.as_slice(), b"ana@example.com");
        // The plaintext is not in the ciphertext, and sealing twice gives two ciphertexts.
        assert!(!sealed.windows(15).any(|w| w == b"ana@example.com"));
        assert_ne!(sealed, team.seal(place, b"ana@example.com"));
        assert!(
            team.open("cases.requester_email:PR-2026-00002", &sealed)
                .is_err()
        );
        assert!(
            team.open("cases.requester_name:PR-2026-00001", &sealed)
                .is_err()
        );
        assert!(TeamKey::generate().open(place, &sealed).is_err());
        for cut in [0, 1, 24, sealed.len() - 1] {
            assert!(team.open(place, &sealed[..cut]).is_err(), "{cut}");
        }
        let mut changed = sealed.clone();
        changed[30] ^= 0x80;
        assert!(team.open(place, &changed).is_err());
        Ok(())
    }

    #[test]
    fn blind_indexes_match_equal_values_and_say_nothing_without_the_key() {
        let team = TeamKey::generate();
        let index = |v| team.blind_index("email", v);
        assert_eq!(index("Ana@Example.com"), index("  ana@example.com "));
        assert_ne!(index("ana@example.com"), index("ben@example.com"));
        assert_ne!(
            team.blind_index("email", "PR-2026-00001"),
            team.blind_index("reference", "PR-2026-00001"),
            "the kind is part of the index"
        );
        assert_ne!(
            index("ana@example.com"),
            TeamKey::generate().blind_index("email", "ana@example.com")
        );
        let words = team.word_indexes("note", "Called Ana; Ana asked for a COPY, a copy!");
        // "called", "ana", "asked", "for", "copy" — each once; one-letter words left out.
        assert_eq!(words.len(), 5);
        assert!(words.contains(&team.word_indexes("note", "copy")[0]));

        // A name is found by its beginnings, from two letters; the whole word too.
        let name = team.prefix_indexes("word", "José Álvarez-Ruiz");
        for typed in ["jo", "jos", "jose", "al", "alvarez", "ru", "ruiz"] {
            let token = team.word_indexes("word", typed)[0];
            assert!(name.contains(&token), "{typed}");
        }
        assert!(
            !name.contains(&team.word_indexes("word", "se")[0]),
            "not from the middle"
        );
        // Beginnings stop at twelve letters; the whole word is still there.
        let long = team.prefix_indexes("word", "Abcdefghijklmnopqrst");
        assert_eq!(long.len(), 11 + 1);
        assert!(long.contains(&team.word_indexes("word", "abcdefghijkl")[0]));
        assert!(long.contains(&team.word_indexes("word", "abcdefghijklmnopqrst")[0]));
    }
}
