//! PrivacyDesk core: the privacy-request domain, the case store and the use cases.
//!
//! Four layers, each depending only on those before it: [`domain`] (pure rules), [`files`]
//! (CSV, reports, templates, atomic writes), [`store`] (all SQL, behind one interface), then
//! [`desk`] (the use cases adapters call); beside them [`team_crypto`], the team desk's
//! client-side encryption, which names no engine, and [`mail`], the one place that talks to
//! mail servers. Knows nothing of Tauri or the terminal; see
//! `ARCHITECTURE.md` at the repository root for the map.
#![forbid(unsafe_code)]

pub mod desk;
pub mod domain;
mod error;
pub mod files;
pub mod mail;
pub mod process;
pub mod store;
pub mod team_crypto;

pub use desk::{
    CaseSummary, CaseView, CompanyFileStatus, CompanyFilesStatus, CopyStage, CopySummary,
    CustomerView, Desk, EmailPlan, ExportSummary, FetchReport, Here, ImportReport, ImportSummary,
    Imported, IntakeView, LeftOnServer, MailChangeEffect, MailSent, MailSettingsChanged,
    MailSettingsInForce, Notice, Shared, TimelineEntry, VerifyReport, VerifyStage,
};
pub use domain::bulk::BulkOutcome;
pub use domain::case::{Case, Item, Requester};
pub use domain::catalog::Catalog;
pub use domain::customers::{Customer, Forwarding};
pub use domain::duplicates::PossibleDuplicate;
pub use domain::filter::CaseFilter;
pub use domain::ids::{Agent, CaseId, IntakeId, LetterId, NoteId, OutboxId, Reference};
pub use domain::jurisdiction::Jurisdiction;
pub use domain::letters::{Letter, LetterDraft, LetterKind};
pub use domain::mail::intake::{AttachedFile, IntakeItem, IntakeState, Sender};
pub use domain::mail::{AuthMethod, MailSettings, Security, ServerChange};
pub use domain::new_case::NewCase;
pub use domain::reports::{Month, Year};
pub use domain::retention::RetentionReport;
pub use domain::secret::Passphrase;
pub use domain::team::{TeamMember, TeamRole, TeamSession};
pub use domain::views::{ListView, Overview, SavedView};
pub use domain::vocabulary::{Channel, DenialBasis, Identity, ItemOutcome, Kind, Outcome, State};
pub use domain::workflow::{Action, ActionForm, ActionInput};
pub use error::{Error, Result, RowError};
pub use files::atomic::WrittenFile;
pub use store::Location;
