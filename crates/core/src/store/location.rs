//! Where a database is: a file (the single desk) or a team desk's server address, as `--db`,
//! `PRIVACYDESK_DB` and the app's unlock screen take it.

use std::fmt;
use std::path::{Path, PathBuf};

use crate::files::location::{default_database, team_files};
use crate::{Error, Result};

/// A database: a file, or a team desk's address.
#[derive(Clone, PartialEq, Eq)]
pub enum Location {
    /// An encrypted file.
    File(PathBuf),
    /// A team desk: `postgres://NAME@HOST[:PORT]/TEAM[?sslmode=require]`.
    Team(String),
}

impl fmt::Debug for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl fmt::Display for Location {
    /// The file's path, or the address without any password.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Location::File(path) => write!(f, "{}", path.display()),
            Location::Team(address) => f.write_str(&super::postgres::shown(address)),
        }
    }
}

impl Location {
    /// What a person typed: an address is a team desk, anything else a file's path.
    pub fn parse(text: &str) -> Location {
        if super::postgres::is_address(text) {
            Location::Team(text.to_string())
        } else {
            Location::File(PathBuf::from(text))
        }
    }

    /// The default: the file in the data directory.
    pub fn default_file() -> Result<Location> {
        default_database().map(Location::File)
    }

    /// Where this database's company files are: beside a file, or this machine's folder for a
    /// team desk.
    pub fn company_files(&self) -> Result<PathBuf> {
        match self {
            Location::File(path) => Ok(crate::files::atomic::folder_of(path).to_path_buf()),
            Location::Team(address) => team_files(&super::postgres::Address::parse(address)?.team),
        }
    }

    /// The same team desk as `name` logs in to it (no password: their passphrase logs them in).
    pub fn for_member(&self, name: &str) -> Result<Location> {
        match self {
            Location::File(_) => Err(Error::NotAllowed(
                "a single desk (a file) has no team".into(),
            )),
            Location::Team(address) => Ok(Location::Team(
                super::postgres::Address::parse(address)?.login_of(name),
            )),
        }
    }

    /// Who a team desk's address logs in as, if it names anyone.
    pub fn login(&self) -> Option<String> {
        match self {
            Location::File(_) => None,
            Location::Team(address) => super::postgres::Address::parse(address).ok()?.user,
        }
    }

    /// The file, on a single desk.
    pub fn file(&self) -> Option<&Path> {
        match self {
            Location::File(path) => Some(path),
            Location::Team(_) => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_address_is_a_team_desk_and_anything_else_a_file() {
        assert_eq!(
            Location::parse("/home/ana/cases.db"),
            Location::File("/home/ana/cases.db".into())
        );
        assert_eq!(
            Location::parse("postgres.db"),
            Location::File("postgres.db".into())
        );
        let team = Location::parse("postgres://ana:pw@db.example.com/acme?sslmode=require");
        assert!(matches!(team, Location::Team(_)));
        assert!(!team.to_string().contains(":pw@"), "{team}");
        assert!(team.file().is_none());
        let files = team.company_files().unwrap_or_default();
        assert!(files.ends_with("teams/acme"), "{}", files.display());
    }
}
