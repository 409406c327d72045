//! Saved views: an agent's named filter sets for the case list, kept per agent.

use super::Desk;
use crate::domain::filter::CaseFilter;
use crate::domain::views::{MAX_VIEWS, SavedView, view_name};
use crate::{Error, Result};

impl Desk {
    /// The current agent's saved views, by name.
    pub fn saved_views(&self) -> Result<Vec<SavedView>> {
        self.store.saved_views(&self.agent)
    }

    /// Saves `filter` under `name` for the current agent, replacing a view of that name.
    pub fn save_view(&mut self, name: &str, filter: &CaseFilter) -> Result<SavedView> {
        let view = SavedView {
            name: view_name(name)?,
            filter: filter.unpaged(),
            saved_at: self.stamp().at,
        };
        let agent = self.agent.clone();
        self.write(|tx| {
            if tx.count_saved_views(&agent, &view.name)? as usize >= MAX_VIEWS {
                return Err(Error::Invalid(format!(
                    "you have {MAX_VIEWS} saved views; delete one first"
                )));
            }
            tx.save_view(&agent, &view)
        })?;
        Ok(view)
    }

    /// Deletes the current agent's view `name`.
    pub fn delete_view(&mut self, name: &str) -> Result<()> {
        let name = view_name(name)?;
        let agent = self.agent.clone();
        if !self.write(|tx| tx.delete_view(&agent, &name))? {
            return Err(Error::Invalid(format!("you have no saved view {name:?}")));
        }
        Ok(())
    }
}
