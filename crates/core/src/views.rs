//! Saved views: an agent's named filter sets for the case list, kept per agent.

use rusqlite::params;
use serde::Serialize;

use crate::desk::timestamp;
use crate::store::CaseFilter;
use crate::{Desk, Error, Result, text};

/// The longest view name, in characters.
pub const MAX_NAME_CHARS: usize = 80;

/// The most views one agent keeps.
pub const MAX_VIEWS: usize = 50;

/// A named filter set.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SavedView {
    /// Its name.
    pub name: String,
    /// The filter it applies (no paging).
    pub filter: CaseFilter,
    /// When it was last saved (RFC 3339).
    pub saved_at: String,
}

fn view_name(name: &str) -> Result<String> {
    let name = text::name("view name", name)?;
    if name.chars().count() > MAX_NAME_CHARS {
        return Err(Error::Invalid(format!(
            "a view name has at most {MAX_NAME_CHARS} characters"
        )));
    }
    Ok(name)
}

impl Desk {
    /// The current agent's saved views, by name.
    pub fn saved_views(&self) -> Result<Vec<SavedView>> {
        let mut stmt = self.store().conn().prepare_cached(
            "SELECT name, filter, saved_at FROM saved_views WHERE agent = ?1
             ORDER BY name COLLATE NOCASE",
        )?;
        let rows = stmt.query_map([self.agent().as_str()], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get(2)?))
        })?;
        rows.map(|row| {
            let (name, filter, saved_at) = row?;
            let filter = serde_json::from_str(&filter).map_err(|e| {
                Error::Damaged(format!("the saved view {name:?} cannot be read: {e}"))
            })?;
            Ok(SavedView {
                name,
                filter,
                saved_at,
            })
        })
        .collect()
    }

    /// Saves `filter` under `name` for the current agent, replacing a view of that name.
    pub fn save_view(&mut self, name: &str, filter: &CaseFilter) -> Result<SavedView> {
        let name = view_name(name)?;
        let filter = CaseFilter {
            limit: None,
            offset: 0,
            ..filter.clone()
        };
        let json = serde_json::to_string(&filter)
            .map_err(|e| Error::invalid(format!("the view cannot be saved: {e}")))?;
        let now = timestamp();
        let agent = self.agent().as_str().to_string();
        self.store_mut().write(|tx| {
            let count: i64 = tx.query_row(
                "SELECT count(*) FROM saved_views WHERE agent = ?1 AND name <> ?2",
                params![agent, name],
                |r| r.get(0),
            )?;
            if count as usize >= MAX_VIEWS {
                return Err(Error::Invalid(format!(
                    "you have {MAX_VIEWS} saved views; delete one first"
                )));
            }
            tx.execute(
                "INSERT INTO saved_views (agent, name, filter, saved_at) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (agent, name) DO UPDATE
                 SET filter = excluded.filter, saved_at = excluded.saved_at",
                params![agent, name, json, now],
            )?;
            Ok(())
        })?;
        Ok(SavedView {
            name,
            filter,
            saved_at: now,
        })
    }

    /// Deletes the current agent's view `name`.
    pub fn delete_view(&mut self, name: &str) -> Result<()> {
        let name = view_name(name)?;
        let agent = self.agent().as_str().to_string();
        let deleted = self.store_mut().write(|tx| {
            Ok(tx.execute(
                "DELETE FROM saved_views WHERE agent = ?1 AND name = ?2",
                params![agent, name],
            )?)
        })?;
        if deleted == 0 {
            return Err(Error::Invalid(format!("you have no saved view {name:?}")));
        }
        Ok(())
    }
}
