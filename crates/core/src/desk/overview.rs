//! The counts beside the case list: per state, overdue, due soon, and open cases per kind,
//! customer and agent; and the side bar's views with them.

use std::collections::BTreeMap;

use super::Desk;
use crate::domain::case::DUE_SOON_DAYS;
use crate::domain::filter::CaseFilter;
use crate::domain::views::{Overview, side_bar};
use crate::store::OpenGroup;
use crate::{Kind, Result, State};

impl Desk {
    /// Counts for the side bar, and its views.
    pub fn overview(&self) -> Result<Overview> {
        let mut by_state: BTreeMap<State, u64> = State::ALL.iter().map(|&s| (s, 0)).collect();
        for (state, n) in self.store.counts_by_state()? {
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
            due_within: Some(DUE_SOON_DAYS as u32),
            ..CaseFilter::default()
        })?;
        let mut open_by_kind: BTreeMap<Kind, u64> = Kind::ALL.iter().map(|&k| (k, 0)).collect();
        for (kind, n) in self.store.open_counts_by(OpenGroup::Kind)? {
            if let Ok(kind) = kind.parse::<Kind>() {
                open_by_kind.insert(kind, n);
            }
        }
        let mut overview = Overview {
            by_state,
            open_by_kind,
            open,
            overdue,
            due_soon,
            customers: self.store.open_counts_by(OpenGroup::Customer)?,
            assignees: self.store.open_counts_by(OpenGroup::Assignee)?,
            views: Vec::new(),
        };
        overview.views = side_bar(&overview, &self.agent, &self.saved_views()?);
        Ok(overview)
    }
}
