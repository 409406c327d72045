//! The customers whose data the company processes: where their requests are forwarded, how
//! soon the contract says they must be, and which of their cases are open.

use chrono::NaiveDate;
use rusqlite::{OptionalExtension, params};
use serde::Serialize;
use serde_json::json;

use crate::deadline::add_business_days;
use crate::desk::{TimelineEntry, timestamp};
use crate::store::{CaseFilter, EventDraft, append_one};
use crate::text::{self, Email};
use crate::{Case, CaseSummary, Desk, Error, Result, State};

/// Business days to forward a request when the contract says nothing else (design notes).
pub const DEFAULT_FORWARD_DAYS: u32 = 5;

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

/// A customer with its open cases.
#[derive(Debug, Clone, Serialize)]
pub struct CustomerView {
    /// Its settings.
    #[serde(flatten)]
    pub customer: Customer,
    /// Its open cases, soonest due first.
    pub open_cases: Vec<CaseSummary>,
    /// Open cases not yet forwarded whose forwarding date has passed.
    pub forwarding_late: u64,
}

impl Customer {
    /// The day a request received on `received` must be forwarded by, under this contract.
    pub fn forward_by(&self, received: NaiveDate) -> NaiveDate {
        add_business_days(received, self.forward_within_business_days)
    }
}

impl Forwarding {
    /// The forwarding deadline of `case` under `customer`'s contract, given its timeline.
    pub fn of(
        case: &Case,
        customer: &Customer,
        events: &[TimelineEntry],
        today: NaiveDate,
    ) -> Forwarding {
        let forward_by = customer.forward_by(case.received_on);
        // The action's own day where recorded; the event's timestamp for older events.
        let forwarded_on = events
            .iter()
            .find(|e| e.action == "forward")
            .and_then(|e| {
                e.details
                    .get("forwarded_on")
                    .and_then(|d| d.as_str())
                    .or_else(|| e.at.get(..10))
            })
            .and_then(|day| NaiveDate::parse_from_str(day, "%Y-%m-%d").ok());
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

fn defaults(name: &str) -> Customer {
    Customer {
        name: name.to_string(),
        contact: None,
        forward_within_business_days: DEFAULT_FORWARD_DAYS,
        configured: false,
    }
}

impl Desk {
    /// A customer's settings (the defaults if none were set).
    pub fn customer(&self, name: &str) -> Result<Customer> {
        let name = text::name("customer", name)?;
        let found = self
            .store()
            .conn()
            .prepare_cached(
                "SELECT name, contact, forward_within_business_days FROM customers WHERE name = ?1",
            )?
            .query_row([&name], |r| {
                let contact: String = r.get(1)?;
                Ok(Customer {
                    name: r.get(0)?,
                    contact: Some(contact).filter(|c| !c.is_empty()),
                    forward_within_business_days: r.get(2)?,
                    configured: true,
                })
            })
            .optional()?;
        Ok(found.unwrap_or_else(|| defaults(&name)))
    }

    /// Every customer named on a case or configured, by name, with its settings.
    pub fn customers(&self) -> Result<Vec<Customer>> {
        let names: Vec<String> = self
            .store()
            .conn()
            .prepare(
                "SELECT name FROM customers
                 UNION SELECT DISTINCT customer FROM cases INDEXED BY cases_open
                 WHERE state <> 'closed' AND customer IS NOT NULL
                 ORDER BY 1 COLLATE NOCASE",
            )?
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        names.iter().map(|n| self.customer(n)).collect()
    }

    /// Sets a customer's contact and forwarding time; what is not given stays as it was.
    pub fn set_customer(
        &mut self,
        name: &str,
        contact: Option<&str>,
        forward_within_business_days: Option<u32>,
    ) -> Result<Customer> {
        let current = self.customer(name)?;
        let contact = match contact.map(str::trim) {
            None => current.contact.clone(),
            Some("") => None,
            Some(given) => Some(Email::parse(given)?.as_str().to_string()),
        };
        let days = forward_within_business_days.unwrap_or(current.forward_within_business_days);
        if !(1..=MAX_FORWARD_DAYS).contains(&days) {
            return Err(Error::invalid(format!(
                "the time to forward must be 1 to {MAX_FORWARD_DAYS} business days; {days} was given"
            )));
        }
        let now = timestamp();
        let actor = self.agent().as_str().to_string();
        let name = current.name.clone();
        self.store_mut().write(|tx| {
            tx.execute(
                "INSERT INTO customers (name, contact, forward_within_business_days, updated_at)
                 VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (name) DO UPDATE SET contact = excluded.contact,
                     forward_within_business_days = excluded.forward_within_business_days,
                     updated_at = excluded.updated_at",
                params![name, contact.as_deref().unwrap_or(""), days, now],
            )?;
            // A business's name, not a person's; the contact address stays out of the trail.
            append_one(
                tx,
                &EventDraft {
                    case_id: None,
                    at: &now,
                    actor: &actor,
                    action: "set_customer",
                    details: json!({
                        "customer": name, "forward_within_business_days": days,
                        "contact_set": contact.is_some(),
                    })
                    .to_string(),
                },
            )?;
            Ok(())
        })?;
        self.customer(&name)
    }

    /// A customer's settings and open cases.
    pub fn customer_view(&self, name: &str) -> Result<CustomerView> {
        let customer = self.customer(name)?;
        let open_cases = self.list(&CaseFilter {
            open: true,
            customer: Some(customer.name.clone()),
            ..CaseFilter::default()
        })?;
        let today = self.today();
        let mut forwarding_late = 0;
        for summary in &open_cases {
            let case = &summary.case;
            let waiting = matches!(
                case.state,
                State::New | State::VerifyingIdentity | State::InProgress
            );
            if waiting
                && today > customer.forward_by(case.received_on)
                && !self.was_forwarded(case)?
            {
                forwarding_late += 1;
            }
        }
        Ok(CustomerView {
            customer,
            open_cases,
            forwarding_late,
        })
    }

    fn was_forwarded(&self, case: &Case) -> Result<bool> {
        Ok(self
            .store()
            .conn()
            .prepare_cached(
                "SELECT 1 FROM events WHERE case_id = ?1 AND action = 'forward' LIMIT 1",
            )?
            .query_row([case.id.0], |_| Ok(()))
            .optional()?
            .is_some())
    }
}
