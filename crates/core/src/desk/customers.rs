//! The customers whose data the company processes: their settings, and each one's view of its
//! open cases with those late to forward.

use serde::Serialize;
use serde_json::json;

use super::{CaseSummary, Desk};
use crate::domain::events::{DeskEvent, EventKind};
use crate::domain::filter::CaseFilter;
use crate::domain::text;
use crate::{Action, Customer, Result};

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

impl Desk {
    /// A customer's settings (the defaults if none were set).
    pub fn customer(&self, name: &str) -> Result<Customer> {
        let name = text::name("customer", name)?;
        Ok(self
            .store
            .customer(&name)?
            .unwrap_or_else(|| Customer::with_defaults(&name)))
    }

    /// Every customer named on an open case or configured, by name, with its settings.
    pub fn customers(&self) -> Result<Vec<Customer>> {
        let names = self.store.customer_names()?;
        names.iter().map(|n| self.customer(n)).collect()
    }

    /// Sets a customer's contact and forwarding time; what is not given stays as it was.
    pub fn set_customer(
        &mut self,
        name: &str,
        contact: Option<&str>,
        forward_within_business_days: Option<u32>,
    ) -> Result<Customer> {
        self.managers_only("changing a customer's settings")?;
        let changed = self
            .customer(name)?
            .changed(contact, forward_within_business_days)?;
        let stamp = self.stamp();
        self.write(|tx| {
            tx.save_customer(&changed, &stamp.at)?;
            // A business's name, not a person's; the contact address stays out of the trail.
            let details = json!({
                "customer": changed.name,
                "forward_within_business_days": changed.forward_within_business_days,
                "contact_set": changed.contact.is_some(),
            });
            let kind = EventKind::Desk(DeskEvent::SetCustomer);
            tx.append_event(&stamp.event(None, kind, &details))?;
            Ok(())
        })?;
        self.customer(&changed.name)
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
        let forward = EventKind::Action(Action::Forward);
        let mut forwarding_late = 0;
        for summary in &open_cases {
            let case = &summary.case;
            if customer.past_forwarding_date(case, today)
                && !self.store.has_event(case.id, forward)?
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
}
