//! The team on a team desk: who is on it, and a manager's changes to it, each recorded in the
//! audit trail in the same transaction as the change. On a single desk these are refused.

use serde_json::json;

use super::Desk;
use crate::domain::events::{DeskEvent, EventKind};
use crate::domain::team::{TeamMember, TeamRole, member_name};
use crate::store::{KeyRotation, Team};
use crate::{Error, Passphrase, Result};

/// Why a single desk has no team.
const SINGLE_DESK: &str =
    "this is a single desk (a file): a team works on a team desk, opened with its server's address";

impl Desk {
    /// The team's server-kept membership, or the refusal on a single desk.
    fn the_team(&mut self) -> Result<&mut dyn Team> {
        self.store
            .team()
            .ok_or_else(|| Error::NotAllowed(SINGLE_DESK.into()))
    }

    /// Refuses, before anything is asked of the person, what only a manager of a team desk
    /// may do (the server refuses it anyway; this says so before a passphrase is typed).
    pub fn require_manager(&self, what: &str) -> Result<()> {
        if self.team_session().is_none() {
            return Err(Error::NotAllowed(SINGLE_DESK.into()));
        }
        self.managers_only(what)
    }

    /// Refuses on a team desk what only its managers may do (exports, reports, retention,
    /// customers): said before anything is written, where the server would refuse its record.
    /// A single desk's person may do everything.
    pub fn managers_only(&self, what: &str) -> Result<()> {
        match self.team_session() {
            Some(session) if session.role != TeamRole::Manager => Err(Error::RoleNeeded(format!(
                "{what} needs the manager role on this team desk"
            ))),
            _ => Ok(()),
        }
    }

    /// Everyone on the team, by name.
    pub fn team_members(&mut self) -> Result<Vec<TeamMember>> {
        self.the_team()?.members()
    }

    /// Adds `name` to the team in `role`, with the passphrase they will log in with (a
    /// manager's; the server refuses anyone else).
    pub fn team_add(&mut self, name: &str, role: TeamRole, passphrase: &Passphrase) -> Result<()> {
        member_name(name)?;
        let stamp = self.stamp();
        let details = json!({ "name": name, "role": role.as_str() });
        let event = stamp.event(None, EventKind::Desk(DeskEvent::TeamAdd), &details);
        self.the_team()?.add_member(name, role, passphrase, &event)
    }

    /// Removes `name` from the team: they can no longer log in, and their wrapping of the team
    /// key is gone; what they did stays on the trail under their name.
    pub fn team_remove(&mut self, name: &str) -> Result<()> {
        if name == self.agent.as_str() {
            return Err(Error::NotAllowed(
                "you cannot remove yourself from the team: another manager can".into(),
            ));
        }
        let stamp = self.stamp();
        let details = json!({ "name": name });
        let event = stamp.event(None, EventKind::Desk(DeskEvent::TeamRemove), &details);
        self.the_team()?.remove_member(name, &event)
    }

    /// Rotates the team key (a manager's, with their own passphrase): every personal value is
    /// sealed again under a new key and every search index made again, so that someone who
    /// kept the old key (an agent removed) opens nothing; the others take the new key when
    /// they next sign in. `progress` hears the cases done of the total.
    pub fn rotate_team_key(
        &mut self,
        passphrase: &Passphrase,
        progress: &mut dyn FnMut(u64, u64),
    ) -> Result<KeyRotation> {
        self.require_manager("rotating the team key")?;
        let stamp = self.stamp();
        let details = json!({});
        let event = stamp.event(None, EventKind::Desk(DeskEvent::TeamKeyRotated), &details);
        self.the_team()?.rotate_key(passphrase, &event, progress)
    }
}
