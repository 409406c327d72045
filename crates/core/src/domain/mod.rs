//! The domain: every rule of a privacy request, as pure functions over plain values.
//!
//! Architecture invariant: nothing here does I/O or knows a storage engine; the store persists
//! what these rules decide, and the desk carries out what they return.

pub mod audit;
pub mod bulk;
pub mod calendar;
pub mod case;
pub mod catalog;
pub mod company_files;
pub mod customers;
pub mod deadline;
pub mod duplicates;
pub mod events;
pub mod export_row;
pub mod filter;
pub mod ids;
pub mod jurisdiction;
pub mod law;
pub mod letters;
pub mod mail;
pub mod minors;
pub mod new_case;
pub mod next;
pub mod reports;
pub mod retention;
pub mod secret;
pub(crate) mod spelling;
pub mod team;
pub mod text;
pub mod timeline;
pub(crate) mod toml_text;
pub mod views;
pub mod vocabulary;
pub mod workflow;
