//! What happens at every opening of a desk, whichever adapter opens it: retention redacts the
//! cases closed longer ago than the retention period, so nobody has to remember to. Its
//! failure keeps no one out of their cases: it becomes a notice instead.

use serde::Serialize;

use super::Desk;
use crate::domain::team::TeamRole;

/// A sentence for the person about what opening did besides unlocking.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Notice {
    /// What happened, in plain words.
    pub text: String,
    /// Whether it reports a failure.
    pub is_error: bool,
}

impl Desk {
    /// Runs what must happen at every opening; `None` when it had nothing to say.
    pub(super) fn on_open(&mut self) -> Option<Notice> {
        // On a team desk retention is a manager's: the server would refuse anyone else.
        if self
            .team_session()
            .is_some_and(|session| session.role != TeamRole::Manager)
        {
            return None;
        }
        match self.apply_retention(&mut |_| {}) {
            Ok(report) if report.redacted == 0 => None,
            Ok(report) => Some(Notice {
                text: format!("Retention: {}.", report.describe(false)),
                is_error: false,
            }),
            Err(e) => Some(Notice {
                text: format!(
                    "Retention could not run: {}. It will be tried again the next time the \
                     database is opened.",
                    e.line()
                ),
                is_error: true,
            }),
        }
    }

    /// What opening did besides unlocking, once: `None` when there is nothing to tell.
    pub fn take_notice(&mut self) -> Option<Notice> {
        self.opened.take()
    }
}
