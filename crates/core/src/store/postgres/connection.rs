//! Reaching the server: an address parsed and checked (TLS to any other machine, the team's
//! database named plainly), and the numbered migrations, which name the team's roles after its
//! database.

use std::path::{Path, PathBuf};

use openssl::ssl::{SslConnector, SslMethod};
use postgres::config::{Config, Host, SslMode};
use postgres::{Client, NoTls};
use postgres_openssl::MakeTlsConnector;

use crate::{Error, Result};

/// The migrations, oldest first; `MIGRATIONS[i]` brings the schema to version `i + 1`. In each,
/// `@team@` stands for the database's name, which the team's roles are named after.
const MIGRATIONS: &[&str] = &[
    include_str!("../../../migrations/postgres/001_audit.sql"),
    include_str!("../../../migrations/postgres/002_team.sql"),
    include_str!("../../../migrations/postgres/003_cases.sql"),
    include_str!("../../../migrations/postgres/004_team_changes.sql"),
    include_str!("../../../migrations/postgres/005_manager_events.sql"),
    include_str!("../../../migrations/postgres/006_copy_in.sql"),
    include_str!("../../../migrations/postgres/007_bulk_copy.sql"),
    include_str!("../../../migrations/postgres/008_agent_key_pairs.sql"),
    include_str!("../../../migrations/postgres/009_key_rotation.sql"),
    include_str!("../../../migrations/postgres/010_company_files.sql"),
    include_str!("../../../migrations/postgres/011_mail_settings.sql"),
    include_str!("../../../migrations/postgres/012_outbox.sql"),
    include_str!("../../../migrations/postgres/013_intake.sql"),
];

/// The schema version this build writes.
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

/// A team desk's address, parsed: where, which database (the team), and who.
#[derive(Clone)]
pub struct Address {
    config: Config,
    /// The database: the team's name, and its roles' prefix.
    pub team: String,
    /// The login the address names, if it names one.
    pub user: Option<String>,
    /// The address as a person may be shown it: never with a password.
    pub shown: String,
}

impl std::fmt::Debug for Address {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.shown)
    }
}

/// Whether `text` is a team desk's address rather than a file's path.
pub fn is_address(text: &str) -> bool {
    text.starts_with("postgres://") || text.starts_with("postgresql://")
}

impl Address {
    /// Parses `postgres://USER[:PASSWORD]@HOST[:PORT]/DB[?sslmode=require]`. The database name
    /// is the team's, and names its roles on a server other teams may share: lower-case letters,
    /// digits and `_`, starting with a letter.
    pub fn parse(url: &str) -> Result<Address> {
        let shown = shown(url);
        let config: Config = url
            .parse()
            .map_err(|e| Error::Invalid(format!("{shown:?} is not a PostgreSQL address: {e}")))?;
        let team = config.get_dbname().map(str::to_string).ok_or_else(|| {
            Error::Invalid(format!(
                "{shown:?} names no database: end it with /DATABASE, the team desk's name"
            ))
        })?;
        if !is_team_name(&team) {
            return Err(Error::Invalid(format!(
                "{team:?} cannot be a team desk's database: its name is lower-case letters, \
                 digits and _, starting with a letter, at most 40 long"
            )));
        }
        Ok(Address {
            user: config.get_user().map(str::to_string),
            config,
            team,
            shown,
        })
    }

    /// The address `name` logs in with: this one with their name and no password.
    pub fn login_of(&self, name: &str) -> String {
        match url::Url::parse(&self.shown) {
            Ok(mut url) => {
                let _ = url.set_password(None);
                let _ = url.set_username(name);
                url.to_string()
            }
            Err(_) => self.shown.clone(),
        }
    }

    /// The same address as another login.
    pub fn as_user(&self, user: &str, password: &str) -> Address {
        let mut config = self.config.clone();
        config.user(user).password(password);
        Address {
            config,
            user: Some(user.to_string()),
            ..self.clone()
        }
    }

    /// The same login, saying at every connection which generation of the team key it holds
    /// (the server refuses personal data written under another: schema 9).
    pub fn holding_key_generation(&self, generation: i32) -> Address {
        let mut config = self.config.clone();
        config.options(&format!("-c privacydesk.key_generation={generation}"));
        Address {
            config,
            ..self.clone()
        }
    }

    /// The same server, another database (the administrator's maintenance one).
    pub fn on_database(&self, database: &str) -> Address {
        let mut config = self.config.clone();
        config.dbname(database);
        Address {
            config,
            ..self.clone()
        }
    }

    /// The address's settings, with the password from `PGPASSWORD` when the address gives none.
    fn with_environment_password(&self) -> Config {
        let mut config = self.config.clone();
        if config.get_password().is_none()
            && let Some(password) = std::env::var_os("PGPASSWORD")
        {
            config.password(password.as_encoded_bytes());
        }
        config
    }

    /// Connects as the address says (the password from it or from `PGPASSWORD`). To this
    /// machine (loopback, or a local socket) a plain connection is allowed; to any other, only
    /// TLS with the server's certificate and name checked against the system's trusted roots
    /// (and `PRIVACYDESK_PG_ROOT_CERT`, a company's own authority), and an address without
    /// `sslmode=require` is refused before anything is sent.
    pub fn connect(&self) -> Result<Client> {
        let root = std::env::var_os("PRIVACYDESK_PG_ROOT_CERT").map(PathBuf::from);
        connect_config(
            &self.with_environment_password(),
            &self.shown,
            root.as_deref(),
        )
    }
}

/// Connects to `url`; see [`Address::connect`].
pub fn connect(url: &str) -> Result<Client> {
    let root = std::env::var_os("PRIVACYDESK_PG_ROOT_CERT").map(PathBuf::from);
    connect_trusting(url, root.as_deref())
}

/// [`connect`], trusting `root` (a PEM certificate) besides the system's authorities.
pub fn connect_trusting(url: &str, root: Option<&Path>) -> Result<Client> {
    let shown = shown(url);
    let config: Config = url
        .parse()
        .map_err(|e| Error::Invalid(format!("{shown:?} is not a PostgreSQL address: {e}")))?;
    connect_config(&config, &shown, root)
}

fn connect_config(config: &Config, shown: &str, root: Option<&Path>) -> Result<Client> {
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
    let mut config = config.clone();
    // A server that does not answer is said so in seconds, not after the system's timeout.
    if config.get_connect_timeout().is_none() {
        config.connect_timeout(std::time::Duration::from_secs(10));
    }
    config.application_name("privacydesk");
    let connected = if tls {
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
        config.connect(MakeTlsConnector::new(builder.build()))
    } else {
        config.connect(NoTls)
    };
    connected.map_err(|e| match Error::from(e) {
        Error::Unreachable(why) => Error::Unreachable(format!("{shown}: {why}")),
        other => other,
    })
}

/// `url` as a person may be shown it: any password replaced by `***`.
pub fn shown(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut parsed) if parsed.password().is_some() => {
            let _ = parsed.set_password(Some("***"));
            parsed.to_string()
        }
        _ => url.to_string(),
    }
}

/// Whether `name` can name a team desk's database (and prefix its roles).
pub fn is_team_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_lowercase())
        && name.len() <= 40
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
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

/// The schema version the database holds (0 before the first migration).
pub fn schema_version(client: &mut Client) -> Result<i64> {
    let exists: bool = client
        .query_one("SELECT to_regclass('schema_version') IS NOT NULL", &[])?
        .get(0);
    if !exists {
        return Ok(0);
    }
    Ok(client
        .query_one("SELECT coalesce(max(version), 0) FROM schema_version", &[])?
        .get(0))
}

/// Brings the schema up to [`SCHEMA_VERSION`], each migration in its own transaction; run by
/// the server's administrator. A database of a newer schema is refused.
pub fn migrate(client: &mut Client) -> Result<()> {
    let team: String = client.query_one("SELECT current_database()", &[])?.get(0);
    if !is_team_name(&team) {
        return Err(Error::Invalid(format!(
            "{team:?} cannot be a team desk's database: its name is lower-case letters, digits \
             and _, starting with a letter"
        )));
    }
    client.batch_execute("CREATE TABLE IF NOT EXISTS schema_version (version bigint NOT NULL)")?;
    let found = schema_version(client)?;
    if found > SCHEMA_VERSION {
        return Err(Error::SchemaTooNew {
            found,
            known: SCHEMA_VERSION,
        });
    }
    for (index, sql) in MIGRATIONS.iter().enumerate().skip(found.max(0) as usize) {
        let mut tx = client.transaction()?;
        tx.batch_execute(&sql.replace("@team@", &team))?;
        tx.execute(
            "INSERT INTO schema_version (version) VALUES ($1)",
            &[&(index as i64 + 1)],
        )?;
        tx.commit()?;
    }
    Ok(())
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

    #[test]
    fn an_address_names_its_team_and_never_shows_its_password() {
        let address = Address::parse("postgres://admin:s3cret@127.0.0.1:5433/acme_privacy")
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(address.team, "acme_privacy");
        assert_eq!(address.user.as_deref(), Some("admin"));
        assert!(!address.shown.contains("s3cret"), "{}", address.shown);
        assert!(!format!("{address:?}").contains("s3cret"));
        for bad in [
            "postgres://ana@127.0.0.1/Team",
            "postgres://ana@127.0.0.1/team-desk",
            "postgres://ana@127.0.0.1/9team",
        ] {
            let refused = Address::parse(bad).err().map(|e| e.to_string());
            assert!(
                refused.is_some_and(|m| m.contains("cannot be a team desk")),
                "{bad}"
            );
        }
        let no_db = Address::parse("postgres://ana@127.0.0.1").err();
        assert!(no_db.is_some_and(|e| e.to_string().contains("names no database")));
        assert!(is_address("postgres://x@y/z") && !is_address("/home/ana/cases.db"));
    }
}
