//! What an action may carry, as core takes it ([`ActionInput`]) and as a person types it
//! ([`ActionForm`], parsed here so that every adapter reports bad input the same way).

use chrono::NaiveDate;

use crate::domain::new_case::parse_date;
use crate::{DenialBasis, Error, Identity, Outcome, Reference};

/// What an action may carry; each action says which parts it needs.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(default)]
pub struct ActionInput {
    /// Why (required for a denial, reopen, extension, hold and item refusal).
    pub reason: Option<String>,
    /// How the case ends (close).
    pub outcome: Option<Outcome>,
    /// Basis of a denial; `other` when not given.
    pub denial_basis: Option<DenialBasis>,
    /// New due date (extend).
    pub until: Option<NaiveDate>,
    /// Agent to assign to.
    pub to: Option<String>,
    /// Forum item URL (remove-item, refuse-item).
    pub item: Option<String>,
    /// The case a duplicate is merged into (merge).
    pub into: Option<Reference>,
    /// How the identity was settled (verify): `verified` when not given, or `not_needed`
    /// with the reason why.
    pub identity: Option<Identity>,
    /// Closing as fulfilled without the answer letter marked sent here: the agent confirms
    /// the answer reached the person another way.
    pub without_letter: bool,
    /// Asking for ID (request-id) because the request is reasonably suspected fraudulent,
    /// where the law stops its clock for that (Utah).
    pub suspected_fraud: bool,
    /// The revision of the case the person decided on (as they were shown it): refused if the
    /// case has changed since. `None`: the case as it reads when the action starts.
    pub seen_revision: Option<i64>,
}

/// An [`ActionInput`] as typed into a form or on a command line: every field text.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(default)]
pub struct ActionForm {
    /// Why.
    pub reason: Option<String>,
    /// `fulfilled`, `partially-fulfilled`, `denied` or `withdrawn`.
    pub outcome: Option<String>,
    /// A [`DenialBasis`] spelling.
    pub denial_basis: Option<String>,
    /// `YYYY-MM-DD`.
    pub until: Option<String>,
    /// Agent name.
    pub to: Option<String>,
    /// Item URL.
    pub item: Option<String>,
    /// The reference of the case to merge into.
    pub into: Option<String>,
    /// An [`Identity`] spelling (`verified` or `not-needed`).
    pub identity: Option<String>,
    /// Whether the answer went out another way (no letter marked sent here).
    pub without_letter: bool,
    /// Whether the request is suspected fraudulent (request-id, where the law provides).
    pub suspected_fraud: bool,
    /// The case's revision as the person was shown it.
    pub seen_revision: Option<i64>,
}

impl ActionForm {
    /// Parses the fields; empty ones count as absent.
    pub fn parse(self) -> Result<ActionInput, Error> {
        let given = |v: Option<String>| v.filter(|s| !s.trim().is_empty());
        Ok(ActionInput {
            reason: given(self.reason),
            outcome: given(self.outcome).map(|o| o.parse()).transpose()?,
            denial_basis: given(self.denial_basis).map(|b| b.parse()).transpose()?,
            until: given(self.until)
                .map(|d| parse_date("date", &d))
                .transpose()?,
            to: given(self.to),
            item: given(self.item),
            into: given(self.into).map(|r| r.parse()).transpose()?,
            identity: given(self.identity).map(|i| i.parse()).transpose()?,
            without_letter: self.without_letter,
            suspected_fraud: self.suspected_fraud,
            seen_revision: self.seen_revision,
        })
    }
}
