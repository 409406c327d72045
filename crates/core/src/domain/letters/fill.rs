//! Filling a letter: the built-in templates, who the letters come from (`company.toml`), and
//! what a template may name about a case. Reading the company's own files is in
//! `files/templates.rs`.

use std::collections::BTreeMap;
use std::path::Path;

use chrono::{Days, NaiveDate};
use minijinja::{Environment, UndefinedBehavior};
use serde::{Deserialize, Serialize};

use super::LetterKind;
use crate::domain::law::Law;
use crate::{Case, Customer, Error, ItemOutcome, Jurisdiction, Kind, Result};

/// The company settings file in a templates folder.
pub const COMPANY_FILE: &str = "company.toml";

/// The built-in company settings, as `company.toml` is first written out.
pub const DEFAULT_COMPANY: &str = include_str!("defaults/company.toml");

/// Work a company template may do before it is stopped (a loop without end, say).
const FUEL: u64 = 100_000;

/// The built-in template of a letter.
pub fn default_template(kind: LetterKind) -> &'static str {
    match kind {
        LetterKind::IdentityRequest => include_str!("defaults/identity_request.txt"),
        LetterKind::ClarificationRequest => include_str!("defaults/clarification_request.txt"),
        LetterKind::ExtensionNotice => include_str!("defaults/extension_notice.txt"),
        LetterKind::AccessResponse => include_str!("defaults/access_response.txt"),
        LetterKind::CorrectionDone => include_str!("defaults/correction_done.txt"),
        LetterKind::RemovalAnswer => include_str!("defaults/removal_answer.txt"),
        LetterKind::AccountClosure => include_str!("defaults/account_closure.txt"),
        LetterKind::Completion => include_str!("defaults/completion.txt"),
        LetterKind::Denial => include_str!("defaults/denial.txt"),
        LetterKind::InquiryAnswer => include_str!("defaults/inquiry_answer.txt"),
        LetterKind::CustomerForwarding => include_str!("defaults/customer_forwarding.txt"),
        LetterKind::AppealAcknowledgement => include_str!("defaults/appeal_acknowledgement.txt"),
        LetterKind::AppealDecision => include_str!("defaults/appeal_decision.txt"),
    }
}

/// Where a person may complain.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Authority {
    /// Its name, as it reads after "complain to".
    pub name: String,
    /// Where its complaint form is; may be empty.
    #[serde(default)]
    pub website: String,
}

/// Who the letters come from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Company {
    /// The company's name.
    pub name: String,
    /// Where people write to.
    pub contact: String,
    /// Postal address; may be empty.
    pub address: String,
    /// How letters are signed.
    pub signature: String,
    /// Supervisory authorities the company names instead of its laws' own, by jurisdiction.
    pub authorities: BTreeMap<Jurisdiction, Authority>,
}

/// `company.toml` as written: every key optional.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct CompanyFile {
    name: Option<String>,
    contact: Option<String>,
    address: Option<String>,
    signature: Option<String>,
    #[serde(default)]
    authorities: BTreeMap<String, Authority>,
}

impl Company {
    /// The built-in settings (the privacy policy's company).
    pub fn default_settings() -> Company {
        let base = Company {
            name: String::new(),
            contact: String::new(),
            address: String::new(),
            signature: String::new(),
            authorities: BTreeMap::new(),
        };
        // The defaults file is part of the build and tested; were it ever broken, the empty
        // settings above would show in every letter rather than stop the app.
        Company::parse_over(base.clone(), DEFAULT_COMPANY, Path::new(COMPANY_FILE)).unwrap_or(base)
    }

    /// `text` (a `company.toml` read from `path`) laid over `base`.
    pub fn parse_over(mut base: Company, text: &str, path: &Path) -> Result<Company> {
        let file: CompanyFile = toml::from_str(text).map_err(|e| {
            Error::Invalid(format!("{}: {}", path.display(), e.to_string().trim_end()))
        })?;
        let field = |value: Option<String>, into: &mut String| {
            if let Some(value) = value {
                *into = value.trim().to_string();
            }
        };
        field(file.name, &mut base.name);
        field(file.contact, &mut base.contact);
        field(file.address, &mut base.address);
        field(file.signature, &mut base.signature);
        for (key, authority) in file.authorities {
            let jurisdiction: Jurisdiction = key.parse().map_err(|_| {
                Error::Invalid(format!(
                    "{}: [authorities.{key}] is not a jurisdiction (one of {})",
                    path.display(),
                    Jurisdiction::choices()
                ))
            })?;
            base.authorities.insert(jurisdiction, authority);
        }
        Ok(base)
    }

    /// The authority for a jurisdiction: the company's own choice in `company.toml`, else the
    /// one its law file names.
    pub fn authority(&self, jurisdiction: Jurisdiction) -> Authority {
        self.authorities
            .get(&jurisdiction)
            .cloned()
            .or_else(|| Law::of(jurisdiction).ok().map(|law| law.authority.clone()))
            .unwrap_or_default()
    }
}

/// A template's text and where it came from, as errors name it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Template {
    /// The file it was read from, or "built-in <letter>.txt".
    pub name: String,
    /// Its text.
    pub source: String,
}

impl Template {
    /// The built-in template of `kind`.
    pub fn built_in(kind: LetterKind) -> Template {
        Template {
            name: format!("built-in {}.txt", kind.as_str()),
            source: default_template(kind).to_string(),
        }
    }

    /// Checks that the template reads (its tags close, its expressions parse), without
    /// filling it: what a team desk asks before a template is shared with everyone.
    pub fn compile(&self) -> Result<()> {
        let env = Template::environment();
        env.template_from_str(&self.source)
            .map(drop)
            .map_err(|e| self.broken(e))
    }

    /// How every template runs: strict (a name that does not exist is an error naming the
    /// line), with limited fuel.
    fn environment<'source>() -> Environment<'source> {
        let mut env = Environment::new();
        env.set_undefined_behavior(UndefinedBehavior::Strict);
        env.set_trim_blocks(true);
        env.set_keep_trailing_newline(true);
        env.set_fuel(Some(FUEL));
        env
    }

    /// A template's mistake, named by its file and line.
    fn broken(&self, e: minijinja::Error) -> Error {
        let line = e.line().map(|l| format!(" line {l}:")).unwrap_or_default();
        Error::Invalid(format!(
            "letter template {}:{line} {}",
            self.name,
            e.detail().unwrap_or(&e.kind().to_string())
        ))
    }

    /// Fills the template from `case`, the company's settings and its customer's on `today`.
    /// Templates run in strict mode: a name that does not exist is an error naming the line.
    pub fn fill(
        &self,
        case: &Case,
        company: &Company,
        customer: Option<&Customer>,
        today: NaiveDate,
    ) -> Result<String> {
        let env = Template::environment();
        let template = env
            .template_from_str(&self.source)
            .map_err(|e| self.broken(e))?;
        let context = Context::of(case, company, customer, today);
        template.render(&context).map_err(|e| self.broken(e))
    }
}

/// Long dates for people: "26 November 2026".
fn long(date: NaiveDate) -> String {
    date.format("%-d %B %Y").to_string()
}

/// What a request is, in a few words after "your request (…)".
fn request_words(kind: Kind) -> &'static str {
    match kind {
        Kind::Access => "access to your personal data",
        Kind::Correction => "correction of your personal data",
        Kind::Erasure => "deletion of your personal data",
        Kind::ForumRemoval => "removal of your personal information from our blog or forum",
        Kind::AccountClosure => "closing your account",
        Kind::Restriction => "that we stop using your personal data",
        Kind::MarketingOptOut => "no more marketing messages",
        Kind::Inquiry => "a question about your personal data",
    }
}

/// The same, after "You asked us on <date> …".
fn request_sentence(kind: Kind) -> &'static str {
    match kind {
        Kind::Access => "for a copy of the personal data we hold about you",
        Kind::Correction => "to correct your personal data",
        Kind::Erasure => "to delete your personal data",
        Kind::ForumRemoval => "to remove your personal information from our blog or forum",
        Kind::AccountClosure => "to close your account",
        Kind::Restriction => "to stop using your personal data",
        Kind::MarketingOptOut => "to stop sending you marketing messages",
        Kind::Inquiry => "a question about your personal data",
    }
}

/// Days before the person's due date by which the customer is asked to decide.
const CUSTOMER_MARGIN_DAYS: u64 = 7;

#[derive(Serialize)]
struct RequesterContext<'a> {
    name: &'a str,
    email: &'a str,
    is_minor: bool,
}

#[derive(Serialize)]
struct RefusedItem<'a> {
    url: &'a str,
    reason: &'a str,
}

/// Everything a template may name. Adding a field is safe; renaming one breaks the company's
/// edited templates, which then say which name is unknown.
#[derive(Serialize)]
struct Context<'a> {
    company: &'a Company,
    authority: Authority,
    reference: &'a str,
    request: &'static str,
    request_sentence: &'static str,
    requester: RequesterContext<'a>,
    customer: Option<&'a str>,
    details: &'a str,
    law: &'static str,
    received_on: String,
    due_on: String,
    statutory_due_on: String,
    extended_until: Option<String>,
    extension_reason: Option<&'a str>,
    appeal_received_on: Option<String>,
    appeal_due_on: Option<String>,
    purge_on: Option<String>,
    legal_hold: bool,
    denial_reason: Option<&'a str>,
    clock_stops: bool,
    customer_reply_by: String,
    customer_contact: Option<&'a str>,
    forward_by: Option<String>,
    today: String,
    pending: Vec<&'a str>,
    removed: Vec<&'a str>,
    refused: Vec<RefusedItem<'a>>,
}

impl<'a> Context<'a> {
    fn of(
        case: &'a Case,
        company: &'a Company,
        customer: Option<&'a Customer>,
        today: NaiveDate,
    ) -> Self {
        let deadline = case.deadline();
        let rule = case.jurisdiction.rule();
        let reply_by = deadline
            .due_on
            .checked_sub_days(Days::new(CUSTOMER_MARGIN_DAYS))
            .unwrap_or(today)
            .max(today);
        Context {
            company,
            authority: company.authority(case.jurisdiction),
            reference: case.reference.as_str(),
            request: request_words(case.kind),
            request_sentence: request_sentence(case.kind),
            requester: RequesterContext {
                name: &case.requester.name,
                email: case.requester.email.as_str(),
                is_minor: case.requester.is_minor,
            },
            customer: case.customer.as_deref(),
            details: &case.details,
            law: rule.law,
            received_on: long(case.received_on),
            due_on: long(case.due_on),
            statutory_due_on: long(deadline.statutory_due_on),
            extended_until: case.current_extension().map(|e| long(e.until)),
            extension_reason: case.extension_reason.as_deref(),
            appeal_received_on: case.appeal.as_ref().map(|a| long(a.received_on)),
            appeal_due_on: case.appeal.as_ref().map(|a| long(a.due_on)),
            purge_on: case.purge_on.map(long),
            legal_hold: case.legal_hold.is_some(),
            denial_reason: case.denial_reason.as_deref(),
            clock_stops: rule.pauses_for_requester,
            customer_reply_by: long(reply_by),
            customer_contact: customer.and_then(|c| c.contact.as_deref()),
            forward_by: customer.map(|c| long(c.forward_by(case))),
            today: long(today),
            pending: urls(case, ItemOutcome::Pending),
            removed: urls(case, ItemOutcome::Removed),
            refused: case
                .items
                .iter()
                .filter(|i| i.outcome == ItemOutcome::Refused)
                .map(|i| RefusedItem {
                    url: &i.url,
                    reason: i.reason.as_deref().unwrap_or(""),
                })
                .collect(),
        }
    }
}

/// The addresses of the case's items with this outcome.
fn urls(case: &Case, outcome: ItemOutcome) -> Vec<&str> {
    case.items
        .iter()
        .filter(|i| i.outcome == outcome)
        .map(|i| i.url.as_str())
        .collect()
}
