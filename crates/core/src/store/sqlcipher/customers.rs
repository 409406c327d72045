//! The `customers` table: each customer's contact and forwarding time, once someone sets them.

use rusqlite::{Connection, OptionalExtension, params};

use crate::{Customer, Result};

/// A customer's settings, if anyone set them.
pub(super) fn customer(conn: &Connection, name: &str) -> Result<Option<Customer>> {
    Ok(conn
        .prepare_cached(
            "SELECT name, contact, forward_within_business_days FROM customers WHERE name = ?1",
        )?
        .query_row([name], |r| {
            let contact: String = r.get(1)?;
            Ok(Customer {
                name: r.get(0)?,
                contact: Some(contact).filter(|c| !c.is_empty()),
                forward_within_business_days: r.get(2)?,
                configured: true,
            })
        })
        .optional()?)
}

/// Every customer configured or named on an open case, by name (any letter case).
pub(super) fn customer_names(conn: &Connection) -> Result<Vec<String>> {
    Ok(conn
        .prepare(
            "SELECT name FROM customers
             UNION SELECT DISTINCT customer FROM cases INDEXED BY cases_open
             WHERE state <> 'closed' AND customer IS NOT NULL
             ORDER BY 1 COLLATE NOCASE",
        )?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?)
}

/// Saves a customer's settings (an empty contact is kept as none).
pub(super) fn save_customer(conn: &Connection, customer: &Customer, at: &str) -> Result<()> {
    conn.execute(
        "INSERT INTO customers (name, contact, forward_within_business_days, updated_at)
         VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (name) DO UPDATE SET contact = excluded.contact,
             forward_within_business_days = excluded.forward_within_business_days,
             updated_at = excluded.updated_at",
        params![
            customer.name,
            customer.contact.as_deref().unwrap_or(""),
            customer.forward_within_business_days,
            at
        ],
    )?;
    Ok(())
}
