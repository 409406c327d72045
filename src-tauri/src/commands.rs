//! The IPC commands: each unpacks its arguments, calls core on a blocking thread, maps errors.

use std::path::PathBuf;

use privacydesk_core::domain::mail::outbox::WaitingMessage;
use privacydesk_core::domain::retention::DueCase;
use privacydesk_core::files::location::remember_team_desk;
use privacydesk_core::{
    Action, ActionForm, BulkOutcome, CaseFilter, CaseSummary, CaseView, Catalog, Customer,
    CustomerView, Desk, EmailPlan, ExportSummary, LetterDraft, LetterId, LetterKind, Location,
    MailSent, Month, NewCase, OutboxId, Overview, Passphrase, PossibleDuplicate, Reference,
    RetentionReport, SavedView, TeamSession, WrittenFile, Year,
};
use serde::{Deserialize, Serialize};
use tauri::State;

use crate::{ApiError, Session};

/// Rows per page of the case list, at most.
const MAX_PAGE: u32 = 200;

/// What the unlock screen needs to know.
#[derive(Debug, Serialize)]
pub struct Status {
    unlocked: bool,
    /// This machine's database file.
    db_path: String,
    db_exists: bool,
    /// The team desk offered (its address, never a password), and whether it is the choice.
    team_address: Option<String>,
    team_chosen: bool,
    /// Who is logged in to the open team desk, and as what.
    team: Option<TeamSession>,
    agent: String,
    idle_seconds: u64,
    export_dir: String,
    /// Why the desk signed itself out, when not for idling (the sentence to show).
    signed_out: Option<String>,
}

#[tauri::command]
pub fn status(session: State<'_, Session>) -> Status {
    let (team_address, team_chosen) = session.team_choice();
    let team = session.team_session();
    Status {
        unlocked: session.is_unlocked(),
        db_path: session.db_path.display().to_string(),
        db_exists: session.db_path.exists(),
        team_address: team_address.map(|a| Location::Team(a).to_string()),
        team_chosen,
        agent: team
            .as_ref()
            .map_or_else(|| session.agent.to_string(), |t| t.agent.clone()),
        team,
        idle_seconds: session.idle_limit.as_secs(),
        export_dir: session.export_dir().display().to_string(),
        signed_out: session.signed_out(),
    }
}

/// What unlocking did besides opening (core's notice: retention runs at every opening).
#[derive(Debug, Serialize)]
pub struct Unlocked {
    /// A sentence for the person when retention redacted cases or could not run.
    notice: Option<String>,
    /// Whether the notice reports a failure.
    notice_is_error: bool,
}

async fn open_with(
    session: &Session,
    passphrase: String,
    create: bool,
) -> Result<Unlocked, ApiError> {
    let (location, agent) = (session.location(), session.agent.clone());
    let mut desk = tauri::async_runtime::spawn_blocking(move || {
        if create {
            let Location::File(path) = &location else {
                return Err(privacydesk_core::Error::NotAllowed(
                    "a team desk is set up by its server's administrator \
                     (privacydesk --db postgres://ADMIN@HOST/TEAM init --manager NAME)"
                        .into(),
                ));
            };
            let passphrase = Passphrase::new_for_creation(passphrase)?;
            return Desk::create(path, &passphrase, agent);
        }
        let desk = Desk::open_at(&location, &Passphrase::new(passphrase), agent)?;
        if let Location::Team(_) = &location {
            // Offered again next time; a failure to remember costs nothing else.
            let _ = remember_team_desk(&location.to_string());
        }
        Ok(desk)
    })
    .await
    .map_err(|e| ApiError::internal(format!("the background task failed: {e}")))??;
    let notice = desk.take_notice();
    // The outgoing mail account's password, when the app was started with one (an XOAUTH2
    // account needs none: its token command runs at each send).
    let password = std::env::var("PRIVACYDESK_SMTP_PASSWORD")
        .ok()
        .filter(|p| !p.is_empty())
        .map(privacydesk_core::mail::Secret::new);
    desk.set_mail_password(
        password,
        "start PrivacyDesk with PRIVACYDESK_SMTP_PASSWORD set, or use xoauth2 with a token command",
    );
    session.put(desk)?;
    Ok(Unlocked {
        notice_is_error: notice.as_ref().is_some_and(|n| n.is_error),
        notice: notice.map(|n| n.text),
    })
}

#[tauri::command]
pub async fn create_database(
    session: State<'_, Session>,
    passphrase: String,
) -> Result<Unlocked, ApiError> {
    open_with(&session, passphrase, true).await
}

/// Unlocks this machine's file, or (with `team_address`) logs in to that team desk.
#[tauri::command]
pub async fn unlock(
    session: State<'_, Session>,
    passphrase: String,
    team_address: Option<String>,
) -> Result<Unlocked, ApiError> {
    let address = team_address
        .map(|a| a.trim().to_string())
        .filter(|a| !a.is_empty());
    if let Some(address) = &address
        && !matches!(Location::parse(address), Location::Team(_))
    {
        return Err(privacydesk_core::Error::invalid(
            "a team desk's address starts with postgres://, e.g. postgres://ana@db.example.com/acme?sslmode=require",
        )
        .into());
    }
    session.choose(address);
    open_with(&session, passphrase, false).await
}

/// How many changes the desk has seen, for the window to notice others' (not activity: it
/// does not keep the database open).
#[tauri::command]
pub async fn changes(session: State<'_, Session>) -> Result<i64, ApiError> {
    session.peek(|desk| desk.changes()).await
}

#[tauri::command]
pub fn lock(session: State<'_, Session>) -> Result<(), ApiError> {
    session.lock()
}

#[tauri::command]
pub fn touch(session: State<'_, Session>) {
    session.touch();
}

/// The vocabularies, defaults and limits the forms offer, from core: asked once at unlock.
#[tauri::command]
pub fn catalog() -> Catalog {
    Catalog::get()
}

#[tauri::command]
pub async fn overview(session: State<'_, Session>) -> Result<Overview, ApiError> {
    session.with_desk(|desk| desk.overview()).await
}

/// A page of the case list.
#[derive(Debug, Serialize)]
pub struct CasePage {
    cases: Vec<CaseSummary>,
    total: u64,
}

/// The list's filters and the page wanted.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ListQuery {
    filter: CaseFilter,
    page: u32,
    page_size: u32,
}

#[tauri::command]
pub async fn list_cases(
    session: State<'_, Session>,
    query: ListQuery,
) -> Result<CasePage, ApiError> {
    let size = query.page_size.clamp(1, MAX_PAGE);
    let filter = CaseFilter {
        limit: Some(size),
        offset: query.page.saturating_mul(size),
        ..query.filter
    };
    session
        .with_desk(move |desk| {
            let total = desk.count(&filter)?;
            Ok(CasePage {
                cases: desk.list(&filter)?,
                total,
            })
        })
        .await
}

#[tauri::command]
pub async fn get_case(
    session: State<'_, Session>,
    reference: String,
) -> Result<CaseView, ApiError> {
    let reference: Reference = reference.parse()?;
    session.with_desk(move |desk| desk.case(&reference)).await
}

#[tauri::command]
pub async fn new_case(session: State<'_, Session>, form: NewCase) -> Result<String, ApiError> {
    session
        .with_desk(move |desk| desk.new_case(&form).map(|r| r.to_string()))
        .await
}

#[tauri::command]
pub async fn act(
    session: State<'_, Session>,
    reference: String,
    action: String,
    form: ActionForm,
) -> Result<CaseView, ApiError> {
    let reference: Reference = reference.parse()?;
    let action: Action = action.parse()?;
    let input = form.parse()?;
    session
        .with_desk(move |desk| desk.act(&reference, action, &input))
        .await
}

#[tauri::command]
pub async fn add_note(
    session: State<'_, Session>,
    reference: String,
    text: String,
) -> Result<(), ApiError> {
    let reference: Reference = reference.parse()?;
    session
        .with_desk(move |desk| desk.note(&reference, &text))
        .await
}

fn target_file(path: &str) -> Result<PathBuf, ApiError> {
    let path = PathBuf::from(path.trim());
    if path.as_os_str().is_empty() || !path.is_absolute() {
        return Err(privacydesk_core::Error::invalid(
            "choose where to save the file (a full path)",
        )
        .into());
    }
    Ok(path)
}

/// Opens, in the desktop's file manager, the folder holding a file the desk just wrote. Only a
/// folder is ever opened (never the file itself, which the system might run or render).
#[tauri::command]
pub async fn open_folder(path: String) -> Result<String, ApiError> {
    let file = target_file(&path)?;
    let folder = file
        .parent()
        .filter(|folder| folder.is_dir())
        .ok_or_else(|| {
            privacydesk_core::Error::invalid(format!("{} is not in a folder", file.display()))
        })?
        .to_path_buf();
    // Detached: the file manager outlives the call and is never waited for.
    open::that_detached(&folder).map_err(|e| {
        privacydesk_core::Error::io(format!("cannot open the folder {}", folder.display()), e)
    })?;
    Ok(folder.display().to_string())
}

#[tauri::command]
pub async fn export_cases(
    session: State<'_, Session>,
    filter: CaseFilter,
    path: String,
    bom: bool,
) -> Result<ExportSummary, ApiError> {
    let path = target_file(&path)?;
    let filter = CaseFilter {
        limit: None,
        offset: 0,
        ..filter
    };
    session
        .with_desk(move |desk| desk.export_cases(&filter, &path, bom, &mut |_| {}))
        .await
}

#[tauri::command]
pub async fn monthly_report(
    session: State<'_, Session>,
    month: String,
    path: String,
) -> Result<ExportSummary, ApiError> {
    let month = Month::parse(&month)?;
    let path = target_file(&path)?;
    session
        .with_desk(move |desk| desk.monthly_report(month, &path))
        .await
}

#[tauri::command]
pub async fn report_months(session: State<'_, Session>) -> Result<Vec<String>, ApiError> {
    session.with_desk(|desk| desk.report_months()).await
}

#[tauri::command]
pub async fn yearly_report(
    session: State<'_, Session>,
    year: String,
    path: String,
) -> Result<ExportSummary, ApiError> {
    let year = Year::parse(&year)?;
    let path = target_file(&path)?;
    session
        .with_desk(move |desk| desk.yearly_report(year, &path))
        .await
}

#[tauri::command]
pub async fn open_cases_from(
    session: State<'_, Session>,
    email: String,
) -> Result<Vec<PossibleDuplicate>, ApiError> {
    session
        .with_desk(move |desk| desk.open_cases_from(&email))
        .await
}

#[tauri::command]
pub async fn merge_case(
    session: State<'_, Session>,
    duplicate: String,
    into: String,
) -> Result<CaseView, ApiError> {
    let duplicate: Reference = duplicate.parse()?;
    let into: Reference = into.parse()?;
    session
        .with_desk(move |desk| desk.merge(&duplicate, &into))
        .await
}

/// A letter's case and kind, as typed.
fn letter_of(reference: &str, kind: &str) -> Result<(Reference, LetterKind), ApiError> {
    Ok((reference.parse()?, kind.parse()?))
}

#[tauri::command]
pub async fn get_letter(
    session: State<'_, Session>,
    reference: String,
    kind: String,
) -> Result<LetterDraft, ApiError> {
    let (reference, kind) = letter_of(&reference, &kind)?;
    session
        .with_desk(move |desk| desk.letter(&reference, kind))
        .await
}

#[tauri::command]
pub async fn save_letter_draft(
    session: State<'_, Session>,
    reference: String,
    kind: String,
    body: String,
) -> Result<LetterDraft, ApiError> {
    let (reference, kind) = letter_of(&reference, &kind)?;
    session
        .with_desk(move |desk| desk.save_letter_draft(&reference, kind, &body))
        .await
}

#[tauri::command]
pub async fn discard_letter_draft(
    session: State<'_, Session>,
    reference: String,
    kind: String,
) -> Result<LetterDraft, ApiError> {
    let (reference, kind) = letter_of(&reference, &kind)?;
    session
        .with_desk(move |desk| desk.discard_letter_draft(&reference, kind))
        .await
}

/// Marks a letter sent (with `close`, and closes the case it answers, in one transaction)
/// and returns the case as it now is.
#[tauri::command]
pub async fn send_letter(
    session: State<'_, Session>,
    reference: String,
    kind: String,
    body: String,
    close: Option<bool>,
) -> Result<CaseView, ApiError> {
    let (reference, kind) = letter_of(&reference, &kind)?;
    session
        .with_desk(move |desk| {
            if close.unwrap_or(false) {
                return desk.send_letter_and_close(&reference, kind, &body);
            }
            desk.send_letter(&reference, kind, &body)?;
            desk.case(&reference)
        })
        .await
}

/// Whether the letter, as `body` says it, can go by email, to whom and from which account;
/// `null` when no outgoing mail is set up.
#[tauri::command]
pub async fn letter_email_plan(
    session: State<'_, Session>,
    reference: String,
    kind: String,
    body: String,
) -> Result<Option<EmailPlan>, ApiError> {
    let (reference, kind) = letter_of(&reference, &kind)?;
    session
        .with_desk(move |desk| desk.email_plan(&reference, kind, &body))
        .await
}

/// Sends the letter by email through the company's account and returns the case as it now
/// is; a failure's message says why and that the letter waits in the outbox.
#[tauri::command]
pub async fn send_letter_by_email(
    session: State<'_, Session>,
    reference: String,
    kind: String,
    body: String,
) -> Result<CaseView, ApiError> {
    let (reference, kind) = letter_of(&reference, &kind)?;
    session
        .with_desk(move |desk| {
            desk.send_letter_by_email(&reference, kind, &body)?;
            desk.case(&reference)
        })
        .await
}

/// The letters sent by email that have not left yet.
#[tauri::command]
pub async fn outbox(session: State<'_, Session>) -> Result<Vec<WaitingMessage>, ApiError> {
    session.with_desk(|desk| desk.outbox()).await
}

/// Tries an outbox message again; returns what was sent.
#[tauri::command]
pub async fn retry_mail(
    session: State<'_, Session>,
    id: i64,
    resend: Option<bool>,
) -> Result<MailSent, ApiError> {
    session
        .with_desk(move |desk| desk.retry_mail(OutboxId(id), resend.unwrap_or(false)))
        .await
}

// Arguments keep the snake_case spelling the rest of the IPC payloads use.
#[tauri::command(rename_all = "snake_case")]
pub async fn export_letter(
    session: State<'_, Session>,
    reference: String,
    letter_id: i64,
    path: String,
) -> Result<WrittenFile, ApiError> {
    let reference: Reference = reference.parse()?;
    let path = target_file(&path)?;
    session
        .with_desk(move |desk| desk.export_letter(&reference, LetterId(letter_id), &path))
        .await
}

#[tauri::command]
pub async fn customer_view(
    session: State<'_, Session>,
    name: String,
) -> Result<CustomerView, ApiError> {
    session
        .with_desk(move |desk| desk.customer_view(&name))
        .await
}

// Arguments keep the snake_case spelling the rest of the IPC payloads use.
#[tauri::command(rename_all = "snake_case")]
pub async fn set_customer(
    session: State<'_, Session>,
    name: String,
    contact: Option<String>,
    forward_days: Option<u32>,
) -> Result<Customer, ApiError> {
    session
        .with_desk(move |desk| desk.set_customer(&name, contact.as_deref(), forward_days))
        .await
}

#[tauri::command]
pub async fn act_on_many(
    session: State<'_, Session>,
    references: Vec<String>,
    action: String,
    form: ActionForm,
) -> Result<BulkOutcome, ApiError> {
    let references = parse_references(&references)?;
    let action: Action = action.parse()?;
    let input = form.parse()?;
    session
        .with_desk(move |desk| desk.act_on_many(&references, action, &input))
        .await
}

#[tauri::command]
pub async fn note_on_many(
    session: State<'_, Session>,
    references: Vec<String>,
    text: String,
) -> Result<BulkOutcome, ApiError> {
    let references = parse_references(&references)?;
    session
        .with_desk(move |desk| desk.note_on_many(&references, &text))
        .await
}

fn parse_references(texts: &[String]) -> Result<Vec<Reference>, ApiError> {
    Ok(texts
        .iter()
        .map(|t| t.parse())
        .collect::<Result<Vec<Reference>, _>>()?)
}

#[tauri::command]
pub async fn saved_views(session: State<'_, Session>) -> Result<Vec<SavedView>, ApiError> {
    session.with_desk(|desk| desk.saved_views()).await
}

#[tauri::command]
pub async fn save_view(
    session: State<'_, Session>,
    name: String,
    filter: CaseFilter,
) -> Result<SavedView, ApiError> {
    session
        .with_desk(move |desk| desk.save_view(&name, &filter))
        .await
}

#[tauri::command]
pub async fn delete_view(session: State<'_, Session>, name: String) -> Result<(), ApiError> {
    session.with_desk(move |desk| desk.delete_view(&name)).await
}

/// How many cases due for redaction the retention dialog lists by name.
const RETENTION_LISTED: usize = 200;

/// The retention period and what a run would redact now.
#[derive(Debug, Serialize)]
pub struct RetentionStatus {
    /// The period, its cut-off and the counts.
    #[serde(flatten)]
    due: RetentionReport,
    /// The first cases due, oldest closing first.
    cases: Vec<DueCase>,
}

fn retention_status_of(desk: &Desk) -> privacydesk_core::Result<RetentionStatus> {
    let mut cases = Vec::new();
    desk.each_case_due_for_retention(&mut |case| {
        if cases.len() < RETENTION_LISTED {
            cases.push(case);
        }
    })?;
    Ok(RetentionStatus {
        due: desk.retention_due()?,
        cases,
    })
}

#[tauri::command]
pub async fn retention_status(session: State<'_, Session>) -> Result<RetentionStatus, ApiError> {
    session.with_desk(|desk| retention_status_of(desk)).await
}

#[tauri::command]
pub async fn set_retention_months(
    session: State<'_, Session>,
    months: u32,
) -> Result<RetentionStatus, ApiError> {
    session
        .with_desk(move |desk| {
            desk.set_retention_months(months)?;
            retention_status_of(desk)
        })
        .await
}

#[tauri::command]
pub async fn apply_retention(session: State<'_, Session>) -> Result<RetentionReport, ApiError> {
    session
        .with_desk(|desk| desk.apply_retention(&mut |_| {}))
        .await
}
