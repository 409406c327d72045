//! Files PrivacyDesk reads and writes besides its database: the case CSV, the reports, CSV
//! intake, the company's letter templates and calendar settings, and where the database lives by default. Every file
//! written appears whole or not at all ([`atomic`]).
//!
//! Architecture invariant: nothing here knows a storage engine; rows reach the writers from
//! the desk, in the layouts `domain` defines.

pub mod atomic;
pub mod case_csv;
pub mod company_calendar;
pub mod company_folder;
pub mod csv_safe;
pub mod intake;
pub mod lines;
pub mod location;
pub mod mail_settings;
pub mod read;
pub mod report_csv;
pub mod templates;
