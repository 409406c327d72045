//! The unlocked database (or none, while locked), where it is (this machine's file or a team
//! desk chosen on the unlock screen), the agent, and the idle clock.

use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use privacydesk_core::files::location::{DEFAULT_FILE, default_database, last_team_desk};
use privacydesk_core::{Agent, Desk, Location};

use crate::ApiError;

/// Default idle time before the app locks itself.
pub const DEFAULT_IDLE: Duration = Duration::from_secs(10 * 60);

/// What the app holds between commands. `desk` is `None` while locked.
#[derive(Debug, Clone)]
pub struct Session {
    desk: Arc<Mutex<Option<Desk>>>,
    last_activity: Arc<Mutex<Instant>>,
    /// This machine's database file (the single desk).
    pub db_path: PathBuf,
    /// The team desk offered on the unlock screen (the last one opened here, or the one
    /// `PRIVACYDESK_DB` names), and whether it is the one open or to open.
    team: Arc<Mutex<(Option<String>, bool)>>,
    /// The agent recorded on events.
    pub agent: Agent,
    /// Idle time before locking.
    pub idle_limit: Duration,
    /// Why the desk was signed out other than by idling (the team key was rotated), until the
    /// next unlock: the sentence the unlock screen shows.
    signed_out: Arc<Mutex<Option<String>>>,
}

impl Session {
    /// A locked session on `db_path`.
    pub fn new(db_path: PathBuf, agent: Agent, idle_limit: Duration) -> Self {
        Session {
            desk: Arc::new(Mutex::new(None)),
            last_activity: Arc::new(Mutex::new(Instant::now())),
            db_path,
            team: Arc::new(Mutex::new((None, false))),
            agent,
            idle_limit,
            signed_out: Arc::new(Mutex::new(None)),
        }
    }

    /// Reads `PRIVACYDESK_DB`, `PRIVACYDESK_AGENT` and `PRIVACYDESK_IDLE_SECONDS`, defaulting to
    /// the same database as the `privacydesk` command (`privacydesk.db` in the platform data
    /// directory), the login name and ten minutes.
    pub fn from_environment() -> Self {
        // Without a data directory (no HOME) the file's name alone: the unlock screen shows
        // where it is, beside the working directory.
        let named = std::env::var("PRIVACYDESK_DB")
            .ok()
            .map(|db| Location::parse(&db));
        let db_path = match &named {
            Some(Location::File(path)) => Some(path.clone()),
            _ => None,
        }
        .or_else(|| default_database().ok())
        .unwrap_or_else(|| PathBuf::from(DEFAULT_FILE));
        let team = match named {
            Some(Location::Team(address)) => (Some(address), true),
            _ => (last_team_desk(), false),
        };
        let agent = std::env::var("PRIVACYDESK_AGENT")
            .ok()
            .and_then(|name| Agent::new(&name).ok())
            .or_else(|| Agent::new(&whoami::username()).ok())
            .unwrap_or_else(|| Agent::new("agent").unwrap_or_else(|_| unreachable!("valid name")));
        let idle_limit = std::env::var("PRIVACYDESK_IDLE_SECONDS")
            .ok()
            .and_then(|s| s.parse().ok())
            .map(Duration::from_secs)
            .unwrap_or(DEFAULT_IDLE);
        let session = Session::new(db_path, agent, idle_limit);
        if let Ok(mut slot) = session.team.lock() {
            *slot = team;
        }
        session
    }

    /// The team desk offered, and whether it (rather than the file) is the one to open.
    pub fn team_choice(&self) -> (Option<String>, bool) {
        self.team
            .lock()
            .map(|slot| slot.clone())
            .unwrap_or((None, false))
    }

    /// Chooses what the next unlock opens: the team desk at `address`, or the file.
    pub fn choose(&self, address: Option<String>) {
        if let Ok(mut slot) = self.team.lock() {
            match address {
                Some(address) => *slot = (Some(address), true),
                None => slot.1 = false,
            }
        }
    }

    /// What the next unlock opens (or what is open).
    pub fn location(&self) -> Location {
        match self.team_choice() {
            (Some(address), true) => Location::Team(address),
            _ => Location::File(self.db_path.clone()),
        }
    }

    fn slot(&self) -> Result<MutexGuard<'_, Option<Desk>>, ApiError> {
        self.desk.lock().map_err(|_| {
            ApiError::internal(
                "the database handle was poisoned by an earlier failure; restart PrivacyDesk",
            )
        })
    }

    /// Where exports are offered to go: the Documents folder, else home, else beside the database.
    pub fn export_dir(&self) -> PathBuf {
        let home = std::env::var_os("HOME").map(PathBuf::from);
        home.as_ref()
            .map(|h| h.join("Documents"))
            .filter(|d| d.is_dir())
            .or(home)
            .or_else(|| self.db_path.parent().map(PathBuf::from))
            .unwrap_or_else(|| PathBuf::from("/"))
    }

    /// Notes activity now (resets the idle clock).
    pub fn touch(&self) {
        if let Ok(mut last) = self.last_activity.lock() {
            *last = Instant::now();
        }
    }

    /// Who is logged in to the open team desk; `None` on a file or while locked.
    pub fn team_session(&self) -> Option<privacydesk_core::TeamSession> {
        self.slot()
            .ok()?
            .as_ref()
            .and_then(|desk| desk.team_session().cloned())
    }

    /// Whether a database is unlocked.
    pub fn is_unlocked(&self) -> bool {
        self.slot().map(|slot| slot.is_some()).unwrap_or(false)
    }

    /// Why the desk was signed out, if not for idling (see [`Session::peek`]).
    pub fn signed_out(&self) -> Option<String> {
        self.signed_out.lock().ok().and_then(|why| why.clone())
    }

    /// Holds an unlocked desk (replacing any other).
    pub fn put(&self, desk: Desk) -> Result<(), ApiError> {
        *self.slot()? = Some(desk);
        if let Ok(mut why) = self.signed_out.lock() {
            *why = None;
        }
        self.touch();
        Ok(())
    }

    /// Closes the database and drops its key.
    pub fn lock(&self) -> Result<(), ApiError> {
        self.slot()?.take();
        Ok(())
    }

    /// Locks when the idle limit has passed; true if it locked now.
    pub fn lock_if_idle(&self) -> bool {
        let idle = self
            .last_activity
            .lock()
            .map(|last| last.elapsed() >= self.idle_limit)
            .unwrap_or(false);
        idle && self
            .slot()
            .map(|mut slot| slot.take().is_some())
            .unwrap_or(false)
    }

    /// Runs `work` on the unlocked desk without counting as activity (the window's own polling
    /// must not keep the database open).
    pub async fn peek<T, F>(&self, work: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&mut Desk) -> Result<T, privacydesk_core::Error> + Send + 'static,
    {
        let session = self.clone();
        tauri::async_runtime::spawn_blocking(move || {
            let mut slot = session.slot()?;
            let desk = slot.as_mut().ok_or_else(ApiError::locked)?;
            let done = work(desk);
            if let Err(e @ privacydesk_core::Error::KeyRotated) = &done {
                // The desk's team key is an old one: it signs out, and the window asks for the
                // passphrase again, which takes the new key.
                slot.take();
                if let Ok(mut why) = session.signed_out.lock() {
                    *why = Some(e.message());
                }
            }
            done.map_err(ApiError::from)
        })
        .await
        .map_err(|e| ApiError::internal(format!("the background task failed: {e}")))?
    }

    /// Runs `work` on the unlocked desk, on a blocking thread so the window never waits.
    pub async fn with_desk<T, F>(&self, work: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&mut Desk) -> Result<T, privacydesk_core::Error> + Send + 'static,
    {
        self.touch();
        self.peek(work).await
    }
}
