//! The customers whose data the company processes: where their requests are forwarded and how
//! soon the contract says they must be.

use chrono::NaiveDate;
use serde::Serialize;
use serde_json::Value;

use crate::domain::text::Email;
use crate::{Case, Error, Result, State};

/// Business days to forward a request when the contract says nothing else (design notes).
pub const DEFAULT_FORWARD_DAYS: u32 = 5;

/// The shortest forwarding time accepted, in business days.
pub const MIN_FORWARD_DAYS: u32 = 1;

/// The longest forwarding time accepted, in business days.
pub const MAX_FORWARD_DAYS: u32 = 60;

/// A customer's settings; the defaults until someone sets them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Customer {
    /// The name as written on cases.
    pub name: String,
    /// Where forwarded requests go; `None` until set.
    pub contact: Option<String>,
    /// The contract's time to forward, in business days.
    pub forward_within_business_days: u32,
    /// Whether anyone set these (false: the defaults).
    pub configured: bool,
}

/// The forwarding deadline of a processor case, shown beside its legal one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Forwarding {
    /// The customer's contact, if set.
    pub contact: Option<String>,
    /// The contract's time, in business days from receipt.
    pub within_business_days: u32,
    /// The day it must be forwarded by.
    pub forward_by: NaiveDate,
    /// The day it was first forwarded, if it was.
    pub forwarded_on: Option<NaiveDate>,
    /// Not forwarded and past `forward_by`, or forwarded after it.
    pub late: bool,
}

impl Customer {
    /// A customer no one has set up: the default forwarding time, no contact.
    pub fn with_defaults(name: &str) -> Customer {
        Customer {
            name: name.to_string(),
            contact: None,
            forward_within_business_days: DEFAULT_FORWARD_DAYS,
            configured: false,
        }
    }

    /// The day a request received on `received` under `law` must be forwarded by, under this
    /// contract: business days skip the law's public holidays.
    pub fn forward_by(&self, case: &Case) -> NaiveDate {
        case.clock()
            .business_days_after(case.received_on, self.forward_within_business_days)
    }

    /// These settings with a new contact (`Some("")` removes it) and forwarding time; what is
    /// not given stays as it was.
    pub fn changed(&self, contact: Option<&str>, forward_days: Option<u32>) -> Result<Customer> {
        let contact = match contact.map(str::trim) {
            None => self.contact.clone(),
            Some("") => None,
            Some(given) => Some(Email::parse(given)?.as_str().to_string()),
        };
        let days = forward_days.unwrap_or(self.forward_within_business_days);
        if !(MIN_FORWARD_DAYS..=MAX_FORWARD_DAYS).contains(&days) {
            return Err(Error::invalid(format!(
                "the time to forward must be {MIN_FORWARD_DAYS} to {MAX_FORWARD_DAYS} business \
                 days; {days} was given"
            )));
        }
        Ok(Customer {
            name: self.name.clone(),
            contact,
            forward_within_business_days: days,
            configured: true,
        })
    }

    /// Whether `case` sits with us, not with the customer, past its forwarding date on
    /// `today`: late to forward unless it was forwarded once already (and came back).
    pub fn past_forwarding_date(&self, case: &Case, today: NaiveDate) -> bool {
        let with_us = matches!(
            case.state,
            State::New | State::VerifyingIdentity | State::InProgress
        );
        with_us && today > self.forward_by(case)
    }
}

/// The day a `forward` event says the case went to the customer: the action's own day where
/// recorded, else (older events) the day of the event's timestamp.
pub fn forwarded_on(details: &Value, at: &str) -> Option<NaiveDate> {
    details
        .get("forwarded_on")
        .and_then(Value::as_str)
        .or_else(|| at.get(..10))
        .and_then(|day| NaiveDate::parse_from_str(day, "%Y-%m-%d").ok())
}

impl Forwarding {
    /// The forwarding deadline of `case` under `customer`'s contract, first forwarded on
    /// `forwarded_on` (if it was).
    pub fn of(
        case: &Case,
        customer: &Customer,
        forwarded_on: Option<NaiveDate>,
        today: NaiveDate,
    ) -> Forwarding {
        let forward_by = customer.forward_by(case);
        let late = match forwarded_on {
            Some(on) => on > forward_by,
            None => case.state != State::Closed && today > forward_by,
        };
        Forwarding {
            contact: customer.contact.clone(),
            within_business_days: customer.forward_within_business_days,
            forward_by,
            forwarded_on,
            late,
        }
    }
}
