//! The team on its server: setting a team desk up (the administrator's once), logging in with
//! a passphrase (which gives the login password and unwraps the team key), and the changes a
//! manager makes to the team. The server never sees a passphrase, a login password or the team
//! key: it gets the SCRAM verifier and each agent's wrapping, both computed here.

use postgres::{Client, GenericClient};

use super::connection::{Address, SCHEMA_VERSION, migrate, schema_version};
use super::events;
use crate::domain::team::{TeamMember, TeamRole, member_name};
use crate::store::EventDraft;
use crate::team_crypto::{AgentKeyPair, AgentSecrets, KdfParams, TeamKey, WrappedKey};
use crate::{Error, Passphrase, Result};

/// The secrets `name`'s passphrase gives on `team` (an Argon2id run: about a sixth of a
/// second).
pub(super) fn secrets(team: &str, name: &str, passphrase: &Passphrase) -> Result<AgentSecrets> {
    passphrase.check_new()?;
    AgentSecrets::derive(passphrase, &KdfParams::for_agent(team, name))
}

/// Sets up a team desk as the server's administrator: the database (made if the server has
/// none of that name), the schema, the roles, a new team key, and the first manager. A desk
/// already set up is refused, so a second `init` cannot replace its key.
pub(crate) fn init(admin: &str, manager: &str, passphrase: &Passphrase, at: &str) -> Result<()> {
    let address = Address::parse(admin)?;
    member_name(manager)?;
    let secrets = secrets(&address.team, manager, passphrase)?;
    // The administrator logs in with a password of their own, not a passphrase.
    let admin_login = |e: Error| match e {
        Error::WrongPassphrase => Error::invalid(
            "the server refused the administrator's login: check the password (PGPASSWORD or \
             the address)",
        ),
        other => other,
    };
    let mut client = match address.connect().map_err(admin_login) {
        Err(Error::Invalid(message)) if message.contains("no such database") => {
            let mut maintenance = address
                .on_database("postgres")
                .connect()
                .map_err(admin_login)?;
            // The name was checked to be plain letters, digits and _.
            maintenance.batch_execute(&format!("CREATE DATABASE {}", address.team))?;
            address.connect().map_err(admin_login)?
        }
        other => other?,
    };
    migrate(&mut client)?;
    let mut tx = client.transaction()?;
    // One init at a time, and only the first sets the desk up.
    tx.batch_execute("LOCK TABLE agents IN EXCLUSIVE MODE")?;
    let members: i64 = tx
        .query_one("SELECT count(*) FROM agents", &[])?
        .try_get(0)?;
    if members > 0 {
        return Err(Error::NotAllowed(format!(
            "the team desk {} is already set up; a manager adds people with `team add`",
            address.shown
        )));
    }
    let key = TeamKey::generate();
    add(&mut tx, &key, manager, TeamRole::Manager, &secrets, at)?;
    tx.commit()?;
    Ok(())
}

/// A new key pair for `name`, as the server stores it: the public half, and the secret half
/// wrapped under their secrets.
fn new_key_pair(name: &str, secrets: &AgentSecrets) -> (Vec<u8>, Vec<u8>) {
    let pair = AgentKeyPair::generate();
    (pair.public().0.to_vec(), pair.wrap_for(name, secrets).0)
}

/// Adds `name` to the team: their login role with the SCRAM verifier of their login password,
/// the team key wrapped for them, and their new key pair (its secret half wrapped too).
pub(super) fn add(
    conn: &mut impl GenericClient,
    key: &TeamKey,
    name: &str,
    role: TeamRole,
    secrets: &AgentSecrets,
    at: &str,
) -> Result<()> {
    let verifier = postgres_protocol::password::scram_sha_256(secrets.login_password().as_bytes());
    let wrapped = key.wrap_for(name, secrets);
    let (public, private) = new_key_pair(name, secrets);
    let exists: bool = conn
        .query_one(
            "SELECT EXISTS (SELECT FROM pg_roles WHERE rolname = $1)",
            &[&name],
        )?
        .try_get(0)?;
    if exists {
        return Err(Error::invalid(format!(
            "{name:?} is already a login on this server (on this team or another): choose \
             another name"
        )));
    }
    conn.execute(
        "SELECT add_agent($1, $2, $3, $4, $5, $6, $7)",
        &[
            &name,
            &role.as_str(),
            &verifier,
            &wrapped.0,
            &at,
            &public,
            &private,
        ],
    )?;
    Ok(())
}

/// Logs in as `name` and unwraps the team key: the connection, the key and the role.
pub(super) fn log_in(
    address: &Address,
    passphrase: &Passphrase,
) -> Result<(Client, TeamKey, String, TeamRole, Address, i32)> {
    let name = address.user.clone().ok_or_else(|| {
        Error::invalid(format!(
            "{} names nobody: write your name before the server, postgres://NAME@HOST/{}",
            address.shown, address.team
        ))
    })?;
    if address.shown.contains(":***@") {
        return Err(Error::invalid(
            "a team desk's address carries no password: your passphrase logs you in",
        ));
    }
    member_name(&name)?;
    passphrase.check_can_open()?;
    let secrets = AgentSecrets::derive(passphrase, &KdfParams::for_agent(&address.team, &name))?;
    let login = address.as_user(&name, secrets.login_password());
    let mut client = login.connect()?;
    let found = schema_version(&mut client)?;
    if found > SCHEMA_VERSION {
        return Err(Error::SchemaTooNew {
            found,
            known: SCHEMA_VERSION,
        });
    }
    if found < SCHEMA_VERSION {
        return Err(Error::NotAllowed(format!(
            "the team desk is at schema {found} and this version needs {SCHEMA_VERSION}: \
             ask the server's administrator to run `privacydesk --db {} init` with this version",
            address.shown
        )));
    }
    let row = client
        .query_opt(
            "SELECT role, wrapped_team_key, key_generation, key_box, wrapped_private_key,
                    (SELECT generation FROM team_key WHERE id = 1)
             FROM agents WHERE name = session_user",
            &[],
        )?
        .ok_or_else(|| Error::NotAllowed(format!("{name} is not on this team")))?;
    let role: TeamRole = row
        .try_get::<_, &str>(0)?
        .parse()
        .map_err(|_| Error::Damaged(format!("{name}'s role on the team cannot be read")))?;
    let wrapped: Option<Vec<u8>> = row.try_get(1)?;
    let box_for_me: Option<Vec<u8>> = row.try_get(3)?;
    let wrapped_private: Option<Vec<u8>> = row.try_get(4)?;
    let (key, generation) = match (box_for_me, &wrapped_private) {
        // A manager rotated the key: this agent's box opens with their key pair, and they
        // wrap the new key under their own passphrase from now on.
        (Some(sealed), Some(private)) => {
            let pair = AgentKeyPair::unwrap_for(&name, &WrappedKey(private.clone()), &secrets)?;
            let key = TeamKey::open_sealed(&name, &sealed, &pair)?;
            client.execute(
                "SELECT take_team_key($1)",
                &[&key.wrap_for(&name, &secrets).0],
            )?;
            (key, row.try_get::<_, i32>(5)?)
        }
        _ => {
            let wrapped = wrapped.ok_or_else(|| {
                Error::Damaged(format!("{name} holds no team key on this team desk"))
            })?;
            let key = TeamKey::unwrap_for(&name, &WrappedKey(wrapped), &secrets)?;
            (key, row.try_get::<_, i32>(2)?)
        }
    };
    if wrapped_private.is_none() {
        // Added before agents had key pairs: this desktop makes theirs now, once.
        let (public, private) = new_key_pair(&name, &secrets);
        client.execute("SELECT set_own_key_pair($1, $2)", &[&public, &private])?;
    }
    client.batch_execute(&format!("SET privacydesk.key_generation = '{generation}'"))?;
    let login = login.holding_key_generation(generation);
    Ok((client, key, name, role, login, generation))
}

/// Everyone on the team.
pub(super) fn members(conn: &mut impl GenericClient) -> Result<Vec<TeamMember>> {
    conn.query(
        "SELECT name, role, added_at, added_by FROM team ORDER BY name",
        &[],
    )?
    .iter()
    .map(|r| {
        Ok(TeamMember {
            name: r.try_get(0)?,
            role: r
                .try_get::<_, &str>(1)?
                .parse()
                .map_err(|_| Error::Damaged("a role on the team cannot be read".into()))?,
            added_at: r.try_get(2)?,
            added_by: r.try_get(3)?,
        })
    })
    .collect()
}

/// A manager adds `name`; the event is appended in the same transaction.
pub(super) fn add_member(
    client: &mut Client,
    team: &str,
    key: &TeamKey,
    (name, role, passphrase): (&str, TeamRole, &Passphrase),
    event: &EventDraft<'_>,
) -> Result<()> {
    member_name(name)?;
    let secrets = secrets(team, name, passphrase)?;
    let mut tx = client.transaction()?;
    add(&mut tx, key, name, role, &secrets, event.at)?;
    events::append(&mut tx, event)?;
    tx.commit()?;
    Ok(())
}

/// A manager removes `name`; the event is appended in the same transaction.
pub(super) fn remove_member(client: &mut Client, name: &str, event: &EventDraft<'_>) -> Result<()> {
    let mut tx = client.transaction()?;
    tx.execute("SELECT remove_agent($1)", &[&name])?;
    events::append(&mut tx, event)?;
    tx.commit()?;
    Ok(())
}

/// Changes the connected agent's passphrase: a new login verifier, a new wrapping of the team
/// key and a new key pair, in one statement.
pub(super) fn change_passphrase(
    client: &mut Client,
    team: &str,
    name: &str,
    key: &TeamKey,
    new: &Passphrase,
) -> Result<()> {
    let secrets = secrets(team, name, new)?;
    let verifier = postgres_protocol::password::scram_sha_256(secrets.login_password().as_bytes());
    let wrapped = key.wrap_for(name, &secrets);
    // A new pair too: the old secret half was wrapped under the old passphrase.
    let (public, private) = new_key_pair(name, &secrets);
    client.execute(
        "SELECT change_own_passphrase($1, $2, $3, $4)",
        &[&verifier, &wrapped.0, &public, &private],
    )?;
    Ok(())
}
