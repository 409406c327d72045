//! What a report reads of a case: a few stored values, never the whole case, so that a scan of
//! a year's closings costs little per row. Each storage engine hands these over from its
//! indexes; the counting is in [`month`](super::month) and [`year`](super::year).

use chrono::NaiveDate;

use crate::{DenialBasis, Kind, Outcome, State};

/// A case closed in the period.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Closing {
    /// What was asked.
    pub kind: Kind,
    /// How it ended; `None` if the stored value is not one this build knows.
    pub outcome: Option<Outcome>,
    /// The basis of a denial, if one is recorded.
    pub denial_basis: Option<DenialBasis>,
    /// The day it closed.
    pub closed_on: NaiveDate,
    /// The day it was received.
    pub received_on: NaiveDate,
    /// Its due date.
    pub due_on: NaiveDate,
    /// The purge date of an account closure's deletion, if one was scheduled.
    pub purge_on: Option<NaiveDate>,
}

/// A request closed in the period, as the yearly metrics read it (fewer values than a
/// [`Closing`]: a year's closings are half the history).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Answer {
    /// What was asked.
    pub kind: Kind,
    /// How it ended; `None` if the stored value is not one this build knows.
    pub outcome: Option<Outcome>,
    /// The day it closed.
    pub closed_on: NaiveDate,
    /// The day it was received.
    pub received_on: NaiveDate,
    /// Whether a deletion was scheduled on it (its answer is counted by that day instead).
    pub scheduled_deletion: bool,
}

/// A case received by a month's end and not closed by then.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StillOpen {
    /// What was asked.
    pub kind: Kind,
    /// Its due date.
    pub due_on: NaiveDate,
    /// The purge date of a scheduled deletion.
    pub purge_on: Option<NaiveDate>,
    /// Whether a legal hold blocks the purge.
    pub held: bool,
}

/// A case whose deletion was scheduled (its purge date falls in the range asked for).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ScheduledDeletion {
    /// What was asked.
    pub kind: Kind,
    /// Where it stands now; `None` if the stored value is not one this build knows.
    pub state: Option<State>,
    /// How it ended, if closed.
    pub outcome: Option<Outcome>,
    /// The purge date.
    pub purge_on: NaiveDate,
    /// The day it was received.
    pub received_on: NaiveDate,
    /// Whether a legal hold blocks the purge.
    pub held: bool,
}
