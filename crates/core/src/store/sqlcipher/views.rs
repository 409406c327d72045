//! The `saved_views` table: an agent's named filters, the filter kept as JSON.

use rusqlite::{Connection, params};

use crate::domain::views::SavedView;
use crate::{Agent, Error, Result};

/// An agent's saved views, by name.
pub(super) fn saved_views(conn: &Connection, agent: &Agent) -> Result<Vec<SavedView>> {
    let mut stmt = conn.prepare_cached(
        "SELECT name, filter, saved_at FROM saved_views WHERE agent = ?1
         ORDER BY name COLLATE NOCASE",
    )?;
    let rows = stmt.query_map([agent.as_str()], |r| {
        Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get(2)?))
    })?;
    rows.map(|row| {
        let (name, filter, saved_at) = row?;
        let filter = serde_json::from_str(&filter)
            .map_err(|e| Error::Damaged(format!("the saved view {name:?} cannot be read: {e}")))?;
        Ok(SavedView {
            name,
            filter,
            saved_at,
        })
    })
    .collect()
}

/// How many views the agent has besides the one named `except`.
pub(super) fn count_saved_views(conn: &Connection, agent: &Agent, except: &str) -> Result<u64> {
    Ok(conn.query_row(
        "SELECT count(*) FROM saved_views WHERE agent = ?1 AND name <> ?2",
        params![agent.as_str(), except],
        |r| r.get(0),
    )?)
}

/// Saves a view, replacing the agent's view of that name.
pub(super) fn save_view(conn: &Connection, agent: &Agent, view: &SavedView) -> Result<()> {
    let filter = serde_json::to_string(&view.filter)
        .map_err(|e| Error::invalid(format!("the view cannot be saved: {e}")))?;
    conn.execute(
        "INSERT INTO saved_views (agent, name, filter, saved_at) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (agent, name) DO UPDATE
         SET filter = excluded.filter, saved_at = excluded.saved_at",
        params![agent.as_str(), view.name, filter, view.saved_at],
    )?;
    Ok(())
}

/// Deletes an agent's view; true if there was one.
pub(super) fn delete_view(conn: &Connection, agent: &Agent, name: &str) -> Result<bool> {
    Ok(conn.execute(
        "DELETE FROM saved_views WHERE agent = ?1 AND name = ?2",
        params![agent.as_str(), name],
    )? > 0)
}
