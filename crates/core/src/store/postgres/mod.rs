//! The team desk's engine: one PostgreSQL database shared by a team, each agent logged in as
//! their own role. What the server enforces it enforces for any client (roles and grants,
//! row-level security, the audit append as `session_user` on one chain); what identifies a
//! person is sealed here, on the desktop, before it is sent (`sealed.rs`), and searched by
//! keyed blind indexes. This module holds the open connection; its siblings hold the SQL of each
//! table, and `store.rs` answers the [`Store`](super::Store) interface with them.

mod cases;
mod company_files;
mod connection;
mod copy;
mod error;
mod events;
mod filter;
mod intake;
mod outbox;
mod prepared;
mod records;
mod reports;
mod rotation;
mod sealed;
mod store;
mod team;
mod writes;

use std::cell::{RefCell, RefMut};

use postgres::Client;

pub use connection::{
    Address, SCHEMA_VERSION, connect, connect_trusting, is_address, migrate, shown,
};
pub(crate) use team::init;

use super::Store;
use crate::domain::team::TeamSession;
use crate::team_crypto::{AgentKeyPair, AgentSecrets, TeamKey, WrappedKey};
use crate::{Error, Passphrase, Result};

/// An open team desk: the agent's connection and the team key it unwrapped.
pub struct TeamStore {
    /// The store's reads take `&self`; one connection serves them one at a time.
    client: RefCell<Client>,
    /// How to log in again when the server went away and came back (the login password is
    /// derived, never the passphrase; it is wiped when the store is dropped).
    login: Address,
    seal: sealed::Sealer,
    /// The list's reads, prepared on `client`.
    prepared: prepared::Prepared,
    /// The generation of the team key `seal` holds (a manager's rotation makes a new one).
    key_generation: i32,
    session: TeamSession,
}

impl std::fmt::Debug for TeamStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TeamStore")
            .field("session", &self.session)
            .finish_non_exhaustive()
    }
}

impl TeamStore {
    /// Logs in to the team desk at `address` (`postgres://NAME@HOST[:PORT]/TEAM`) with the
    /// agent's passphrase.
    pub fn open(address: &str, passphrase: &Passphrase) -> Result<TeamStore> {
        let parsed = Address::parse(address)?;
        let (client, key, agent, role, login, key_generation) = team::log_in(&parsed, passphrase)?;
        Ok(TeamStore {
            client: RefCell::new(client),
            login,
            seal: sealed::Sealer::new(key),
            prepared: prepared::Prepared::default(),
            key_generation,
            session: TeamSession {
                team: parsed.team.clone(),
                address: parsed.shown.clone(),
                agent,
                role,
            },
        })
    }

    /// The engine behind `store`, if it is this one.
    pub fn of(store: &dyn Store) -> Option<&TeamStore> {
        store.as_any().downcast_ref::<TeamStore>()
    }

    /// Who is connected.
    pub fn session(&self) -> &TeamSession {
        &self.session
    }

    /// The connection, for one read at a time (a read started inside another's callback is
    /// refused rather than interleaved).
    fn conn(&self) -> Result<RefMut<'_, Client>> {
        let mut client = self.client.try_borrow_mut().map_err(|_| {
            Error::internal("the team desk's connection is already reading; this is a bug")
        })?;
        self.reconnect_if_lost(&mut client)?;
        Ok(client)
    }

    /// Before a write: the connection, logged in again if the server had closed it.
    fn ensure_connected(&mut self) -> Result<()> {
        if self.client.get_mut().is_closed() {
            self.prepared.forget();
            *self.client.get_mut() = self.login.connect()?;
        }
        Ok(())
    }

    /// Logs in again when the server closed the connection (it restarted, or the network
    /// dropped): the step that found it closed failed and was said so; the next one works
    /// once the server is back.
    fn reconnect_if_lost(&self, client: &mut Client) -> Result<()> {
        if client.is_closed() {
            self.prepared.forget();
            *client = self.login.connect()?;
        }
        Ok(())
    }
}

/// Adds `name` to the team in `role` with their secrets, as `team add` does but without the
/// desktop's own check of the name (for the engine's own tests, which set a team up without a
/// desk and try what the server itself refuses).
pub fn add_agent(
    client: &mut Client,
    name: &str,
    role: &str,
    secrets: &AgentSecrets,
    key: &TeamKey,
    at: &str,
) -> Result<()> {
    team::add(client, key, name, role.parse()?, secrets, at)
}

/// The team key, unwrapped from the connected agent's own wrapping.
pub fn team_key(client: &mut Client, secrets: &AgentSecrets) -> Result<TeamKey> {
    let row = client
        .query_opt(
            "SELECT name, wrapped_team_key FROM agents WHERE name = session_user",
            &[],
        )?
        .ok_or_else(|| Error::NotAllowed("this login is not on the team".into()))?;
    let name: String = row.try_get(0)?;
    TeamKey::unwrap_for(&name, &WrappedKey(row.try_get(1)?), secrets)
}

/// The connected agent's key pair, unwrapped from their own wrapping of its secret half; none
/// if they have not been given one yet.
pub fn own_key_pair(client: &mut Client, secrets: &AgentSecrets) -> Result<Option<AgentKeyPair>> {
    let row = client
        .query_opt(
            "SELECT name, wrapped_private_key FROM agents WHERE name = session_user",
            &[],
        )?
        .ok_or_else(|| Error::NotAllowed("this login is not on the team".into()))?;
    let name: String = row.try_get(0)?;
    row.try_get::<_, Option<Vec<u8>>>(1)?
        .map(|wrapped| AgentKeyPair::unwrap_for(&name, &WrappedKey(wrapped), secrets))
        .transpose()
}

/// Appends one event as the connected agent through the server's `append_event`; returns its
/// sequence number and seal.
pub fn append_event(
    client: &mut Client,
    case_id: Option<i64>,
    at: &str,
    action: &str,
    details: &str,
) -> Result<(i64, String)> {
    let row = client.query_one(
        "SELECT seq, hash FROM append_event($1, $2, $3, $4)",
        &[&case_id, &at, &action, &details],
    )?;
    Ok((row.try_get(0)?, row.try_get(1)?))
}
