//! The team desk's engine, PostgreSQL (issue 14, first layer): its numbered migrations and the
//! audit append that the server itself enforces — the actor taken from the session, one hash
//! chain however many agents append at once, no update or delete by any agent whatever client
//! they use. The rest of the store interface is built on this next; nothing opens a team desk
//! yet, so no adapter reaches this module.

use openssl::ssl::{SslConnector, SslMethod};
use postgres::config::{Config, Host, SslMode};
use postgres::error::SqlState;
use postgres::{Client, NoTls};
use postgres_openssl::MakeTlsConnector;

use crate::team_crypto::{AgentSecrets, TeamKey, WrappedKey};
use crate::{Error, Result};

/// The migrations, oldest first; `MIGRATIONS[i]` brings the schema to version `i + 1`.
const MIGRATIONS: &[&str] = &[
    include_str!("../../../migrations/postgres/001_audit.sql"),
    include_str!("../../../migrations/postgres/002_team.sql"),
];

/// The schema version this build writes.
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

/// The server's refusal in its own words: a missing privilege is the server saying no to the
/// role (with the role that would do), anything else a database failure.
fn database(e: postgres::Error) -> Error {
    match e.as_db_error() {
        Some(db) if db.code() == &SqlState::INSUFFICIENT_PRIVILEGE => {
            let message = db.message();
            Error::RoleNeeded(if message.contains("append_event") {
                "the server refuses: writing to the audit trail needs the agent or manager role"
                    .into()
            } else if message.contains("add_agent") || message.contains("only a manager") {
                "the server refuses: adding to the team needs the manager role".into()
            } else {
                format!("the server refuses: {message} (no role of the team may do this)")
            })
        }
        Some(db) => Error::Database(db.message().to_string().into()),
        None => Error::Database(Box::new(e)),
    }
}

/// Connects to `url` (`postgres://USER[:PASSWORD]@HOST[:PORT]/DB[?sslmode=require]`). To this
/// machine (loopback, or a local socket) a plain connection is allowed; to any other, only TLS
/// with the server's certificate and name checked against the system's trusted roots, and an
/// address without `sslmode=require` is refused before anything is sent. A company whose server
/// has a certificate from its own authority names that authority's certificate (PEM) in
/// `PRIVACYDESK_PG_ROOT_CERT`.
pub fn connect(url: &str) -> Result<Client> {
    let root = std::env::var_os("PRIVACYDESK_PG_ROOT_CERT").map(std::path::PathBuf::from);
    connect_trusting(url, root.as_deref())
}

/// [`connect`], trusting `root` (a PEM certificate) besides the system's authorities.
pub fn connect_trusting(url: &str, root: Option<&std::path::Path>) -> Result<Client> {
    let config: Config = url
        .parse()
        .map_err(|e| Error::Invalid(format!("{url:?} is not a PostgreSQL address: {e}")))?;
    let local = config.get_hosts().iter().all(|host| match host {
        Host::Tcp(name) => is_loopback(name),
        Host::Unix(_) => true,
    });
    let tls = config.get_ssl_mode() == SslMode::Require;
    if !local && !tls {
        return Err(Error::Invalid(
            "a team desk on another machine is reached over TLS only: add ?sslmode=require to \
             its address"
                .into(),
        ));
    }
    if !tls {
        return config.connect(NoTls).map_err(database);
    }
    let mut builder = SslConnector::builder(SslMethod::tls())
        .map_err(|e| Error::internal(format!("TLS cannot be set up: {e}")))?;
    if let Some(root) = root {
        builder.set_ca_file(root).map_err(|e| {
            Error::Invalid(format!(
                "{} is not a certificate that can be trusted: {e}",
                root.display()
            ))
        })?;
    }
    let connector = builder.build();
    config
        .connect(MakeTlsConnector::new(connector))
        .map_err(database)
}

/// Whether `host` names this machine.
fn is_loopback(host: &str) -> bool {
    host.eq_ignore_ascii_case("localhost")
        || host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// Brings the schema up to [`SCHEMA_VERSION`], each migration in its own transaction; run by
/// the server's administrator. A database of a newer schema is refused.
pub fn migrate(client: &mut Client) -> Result<()> {
    client
        .batch_execute("CREATE TABLE IF NOT EXISTS schema_version (version bigint NOT NULL)")
        .map_err(database)?;
    let found: i64 = client
        .query_one("SELECT coalesce(max(version), 0) FROM schema_version", &[])
        .map_err(database)?
        .get(0);
    if found > SCHEMA_VERSION {
        return Err(Error::SchemaTooNew {
            found,
            known: SCHEMA_VERSION,
        });
    }
    for (index, sql) in MIGRATIONS.iter().enumerate().skip(found.max(0) as usize) {
        let mut tx = client.transaction().map_err(database)?;
        tx.batch_execute(sql).map_err(database)?;
        tx.execute(
            "INSERT INTO schema_version (version) VALUES ($1)",
            &[&(index as i64 + 1)],
        )
        .map_err(database)?;
        tx.commit().map_err(database)?;
    }
    Ok(())
}

/// Adds `name` to the team in `role` (`agent`, `manager` or `viewer`): their login role with
/// the SCRAM verifier of the login password their passphrase gives (computed here: the server
/// never sees the password), and the team key wrapped for them. A manager's (or the
/// administrator's) connection.
pub fn add_agent(
    client: &mut Client,
    name: &str,
    role: &str,
    secrets: &AgentSecrets,
    team: &TeamKey,
    at: &str,
) -> Result<()> {
    let verifier = postgres_protocol::password::scram_sha_256(secrets.login_password().as_bytes());
    let wrapped = team.wrap_for(name, secrets);
    client
        .execute(
            "SELECT add_agent($1, $2, $3, $4, $5)",
            &[&name, &role, &verifier, &wrapped.0, &at],
        )
        .map_err(database)?;
    Ok(())
}

/// The team key, unwrapped from the connected agent's own wrapping.
pub fn team_key(client: &mut Client, secrets: &AgentSecrets) -> Result<TeamKey> {
    let row = client
        .query_opt(
            "SELECT name, wrapped_team_key FROM agents WHERE name = session_user",
            &[],
        )
        .map_err(database)?
        .ok_or_else(|| Error::NotAllowed("this login is not on the team".into()))?;
    let name: String = row.get(0);
    TeamKey::unwrap_for(&name, &WrappedKey(row.get(1)), secrets)
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
    let row = client
        .query_one(
            "SELECT seq, hash FROM append_event($1, $2, $3, $4)",
            &[&case_id, &at, &action, &details],
        )
        .map_err(database)?;
    Ok((row.get(0), row.get(1)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn another_machine_is_reached_over_tls_only() {
        for url in [
            "postgres://ana@db.example.com/team",
            "postgres://ana@10.0.0.5:5432/team?sslmode=disable",
            "postgres://ana@db.example.com/team?sslmode=prefer",
        ] {
            let refused = connect(url).err().map(|e| e.to_string());
            assert!(refused.is_some_and(|m| m.contains("TLS only")), "{url}");
        }
        let malformed = connect("postgres://ana@db.example.com:notaport/team");
        assert!(
            matches!(malformed, Err(Error::Invalid(ref m)) if m.contains("not a PostgreSQL address"))
        );
        for local in ["localhost", "127.0.0.1", "::1", "[::1]", "127.1.2.3"] {
            assert!(is_loopback(local), "{local}");
        }
        for remote in ["db.example.com", "10.0.0.5", "localhost.example.com"] {
            assert!(!is_loopback(remote), "{remote}");
        }
    }
}
