//! Which cases a list, a count, a saved view or an export wants.

use chrono::NaiveDate;

use crate::{Kind, State};

/// Which cases a list or export wants; every part given narrows it.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
#[serde(default)]
pub struct CaseFilter {
    /// Only cases in this state.
    pub state: Option<State>,
    /// Only cases not closed.
    pub open: bool,
    /// Only cases of this kind.
    pub kind: Option<Kind>,
    /// Only cases past their attention date (see [`Case::attention_on`](crate::Case::attention_on)).
    pub overdue: bool,
    /// Only cases whose attention date is within this many days (overdue ones included).
    pub due_within: Option<u32>,
    /// Full-text search over reference, name, email, details and notes.
    pub search: Option<String>,
    /// Only cases assigned to this agent.
    pub assignee: Option<String>,
    /// Only cases of this customer.
    pub customer: Option<String>,
    /// Only cases received on or after this day.
    pub received_from: Option<NaiveDate>,
    /// Only cases received on or before this day.
    pub received_to: Option<NaiveDate>,
    /// At most this many rows.
    pub limit: Option<u32>,
    /// Skip this many rows.
    pub offset: u32,
}

impl CaseFilter {
    /// The same filter without its paging: what a count or a saved view wants.
    pub fn unpaged(&self) -> CaseFilter {
        CaseFilter {
            limit: None,
            offset: 0,
            ..self.clone()
        }
    }
}
