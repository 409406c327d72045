//! The unlocked database (or none, while locked), the agent, and the idle clock.

use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use privacydesk_core::files::location::{DEFAULT_FILE, default_database};
use privacydesk_core::{Agent, Desk};

use crate::ApiError;

/// Default idle time before the app locks itself.
pub const DEFAULT_IDLE: Duration = Duration::from_secs(10 * 60);

/// What the app holds between commands. `desk` is `None` while locked.
#[derive(Debug, Clone)]
pub struct Session {
    desk: Arc<Mutex<Option<Desk>>>,
    last_activity: Arc<Mutex<Instant>>,
    /// The database file.
    pub db_path: PathBuf,
    /// The agent recorded on events.
    pub agent: Agent,
    /// Idle time before locking.
    pub idle_limit: Duration,
}

impl Session {
    /// A locked session on `db_path`.
    pub fn new(db_path: PathBuf, agent: Agent, idle_limit: Duration) -> Self {
        Session {
            desk: Arc::new(Mutex::new(None)),
            last_activity: Arc::new(Mutex::new(Instant::now())),
            db_path,
            agent,
            idle_limit,
        }
    }

    /// Reads `PRIVACYDESK_DB`, `PRIVACYDESK_AGENT` and `PRIVACYDESK_IDLE_SECONDS`, defaulting to
    /// the same database as the `privacydesk` command (`privacydesk.db` in the platform data
    /// directory), the login name and ten minutes.
    pub fn from_environment() -> Self {
        // Without a data directory (no HOME) the file's name alone: the unlock screen shows
        // where it is, beside the working directory.
        let db_path = std::env::var_os("PRIVACYDESK_DB")
            .map(PathBuf::from)
            .or_else(|| default_database().ok())
            .unwrap_or_else(|| PathBuf::from(DEFAULT_FILE));
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
        Session::new(db_path, agent, idle_limit)
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

    /// Whether a database is unlocked.
    pub fn is_unlocked(&self) -> bool {
        self.slot().map(|slot| slot.is_some()).unwrap_or(false)
    }

    /// Holds an unlocked desk (replacing any other).
    pub fn put(&self, desk: Desk) -> Result<(), ApiError> {
        *self.slot()? = Some(desk);
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

    /// Runs `work` on the unlocked desk, on a blocking thread so the window never waits.
    pub async fn with_desk<T, F>(&self, work: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&mut Desk) -> Result<T, privacydesk_core::Error> + Send + 'static,
    {
        self.touch();
        let session = self.clone();
        tauri::async_runtime::spawn_blocking(move || {
            let mut slot = session.slot()?;
            let desk = slot.as_mut().ok_or_else(ApiError::locked)?;
            work(desk).map_err(ApiError::from)
        })
        .await
        .map_err(|e| ApiError::internal(format!("the background task failed: {e}")))?
    }
}
