//! PrivacyDesk core: the privacy-request domain, the encrypted case store and the use cases.
//!
//! Knows nothing of Tauri or the terminal. Adapters call [`Desk`] and use the types re-exported
//! here; see `ARCHITECTURE.md` at the repository root for the map.
#![forbid(unsafe_code)]

mod atomic_file;
pub mod audit;
pub mod bulk;
pub mod case;
pub mod csv_safe;
pub mod customers;
pub mod deadline;
mod demo;
mod desk;
pub mod duplicates;
mod error;
pub mod export;
mod ids;
mod import;
pub mod letters;
mod overview;
pub mod process;
pub mod report;
pub mod retention;
mod secret;
mod spelling;
pub mod store;
pub mod text;
pub mod views;
mod vocabulary;
pub mod workflow;
pub mod yearly;

pub use atomic_file::WrittenFile;
pub use bulk::BulkOutcome;
pub use case::{Case, Item, NewCase, Requester};
pub use customers::{Customer, CustomerView, Forwarding};
pub use desk::{CaseSummary, CaseView, Desk, TimelineEntry, VerifyReport, VerifyStage};
pub use duplicates::PossibleDuplicate;
pub use error::{Error, Result, RowError};
pub use export::ExportSummary;
pub use ids::{Agent, CaseId, Reference};
pub use import::ImportSummary;
pub use letters::{Letter, LetterDraft, LetterKind};
pub use overview::Overview;
pub use report::Month;
pub use retention::RetentionReport;
pub use secret::Passphrase;
pub use store::CaseFilter;
pub use views::SavedView;
pub use vocabulary::{Channel, DenialBasis, ItemOutcome, Jurisdiction, Kind, Outcome, State};
pub use workflow::{Action, ActionForm, ActionInput};
pub use yearly::Year;
