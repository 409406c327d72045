//! The counts beside the case list: per state, overdue, due soon, and open cases per customer
//! and per agent.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::desk::Desk;
use crate::store::CaseFilter;
use crate::{Kind, Result, State};

/// What the desk's side bar shows.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Overview {
    /// Cases per state (every state present, zero included).
    pub by_state: BTreeMap<State, u64>,
    /// Open cases.
    pub open: u64,
    /// Open cases past their attention date.
    pub overdue: u64,
    /// Open cases due within seven days (overdue included).
    pub due_soon: u64,
    /// Open cases per kind (every kind present, zero included).
    pub open_by_kind: BTreeMap<Kind, u64>,
    /// Open cases per customer, largest first; cases without a customer are left out.
    pub customers: Vec<(String, u64)>,
    /// Open cases per assignee, largest first; unassigned ones are left out.
    pub assignees: Vec<(String, u64)>,
}

impl Desk {
    /// Counts for the side bar.
    pub fn overview(&self) -> Result<Overview> {
        let mut by_state: BTreeMap<State, u64> = State::ALL.iter().map(|&s| (s, 0)).collect();
        for (state, n) in self.store().counts_by_state()? {
            by_state.insert(state, n);
        }
        let open = by_state
            .iter()
            .filter(|(s, _)| **s != State::Closed)
            .map(|(_, n)| n)
            .sum();
        let overdue = self.count(&CaseFilter {
            overdue: true,
            ..CaseFilter::default()
        })?;
        let due_soon = self.count(&CaseFilter {
            due_within: Some(crate::case::DUE_SOON_DAYS as u32),
            ..CaseFilter::default()
        })?;
        let group = |column: &str| -> Result<Vec<(String, u64)>> {
            let sql = format!(
                // Forced: left alone, the planner walks a kind index over every closed case.
                "SELECT {column}, count(*) AS n FROM cases INDEXED BY cases_open
                 WHERE state <> 'closed' AND {column} IS NOT NULL
                 GROUP BY {column} ORDER BY n DESC, {column}"
            );
            let mut stmt = self.store().conn().prepare(&sql)?;
            let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
            Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
        };
        let mut open_by_kind: BTreeMap<Kind, u64> = Kind::ALL.iter().map(|&k| (k, 0)).collect();
        for (kind, n) in group("kind")? {
            if let Ok(kind) = kind.parse::<Kind>() {
                open_by_kind.insert(kind, n);
            }
        }
        Ok(Overview {
            by_state,
            open_by_kind,
            open,
            overdue,
            due_soon,
            customers: group("customer")?,
            assignees: group("assignee")?,
        })
    }
}
