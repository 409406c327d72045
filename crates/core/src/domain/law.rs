//! The laws as data: one TOML file per jurisdiction under `crates/core/laws/` (built in), with
//! its name and citation, response period, extension, whether the clock stops, the
//! acknowledgement, the appeal right, which kinds an authorized agent may file, the authority
//! a letter names and the holiday calendar its dates follow. The deadline rules and the
//! letters read them from here; reviewing or extending a law means reading one file.

use std::sync::OnceLock;

use serde::Deserialize;

use crate::domain::calendar::Calendar;
use crate::domain::deadline::{Period, Rule};
use crate::domain::jurisdiction::FILES;
use crate::domain::letters::Authority;
use crate::{Error, Jurisdiction, Kind};

/// A period's unit as a law file writes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
enum Unit {
    Days,
    Months,
}

fn period(length: u32, unit: Unit) -> Period {
    match unit {
        Unit::Days => Period::Days(length),
        Unit::Months => Period::Months(length),
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Response {
    length: u32,
    unit: Unit,
    next_working_day: bool,
    calendar: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Extension {
    length: u32,
    unit: Unit,
    citation: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ClockRule {
    stops_while_waiting_on_requester: bool,
    citation: String,
    /// Where the law starts the period afresh on receipt of proof of identity.
    identity_restarts_the_clock: Option<String>,
    /// Where the law stops the period while a request suspected fraudulent cannot be
    /// authenticated.
    suspected_fraud_stops_the_clock: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct OptOut {
    business_days: u32,
    citation: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Acknowledgement {
    business_days: u32,
    citation: Option<String>,
}

/// Whether a refused request may be appealed to the business, how long the business has to
/// decide, and on what authority.
#[derive(Debug, Clone, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct AppealRight {
    /// Whether the law gives the right.
    pub right: bool,
    /// Calendar days from the appeal's arrival to decide it, where the right exists.
    pub days: Option<u32>,
    /// How many more days one extension may add, where the law allows one.
    pub extension_days: Option<u32>,
    /// Where it says so (or where a person turns instead).
    pub citation: String,
}

/// Who may file for someone else.
#[derive(Debug, Clone, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct Agents {
    /// The kinds of request an authorized agent may file.
    pub kinds: Vec<Kind>,
    /// Where the law says so.
    pub citation: String,
}

/// A law file as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct LawFile {
    id: String,
    #[serde(default)]
    aliases: Vec<String>,
    name: String,
    label: String,
    country: String,
    citation: String,
    response: Response,
    extension: Option<Extension>,
    clock: ClockRule,
    acknowledgement: Acknowledgement,
    opt_out: Option<OptOut>,
    appeal: AppealRight,
    agents: Agents,
    authority: Authority,
}

/// One law, as read from its file.
#[derive(Debug, serde::Serialize)]
pub struct Law {
    /// The jurisdiction it is.
    pub jurisdiction: Jurisdiction,
    /// Other spellings accepted for it (snake_case).
    pub aliases: Vec<String>,
    /// Its short name, as explanations use it ("UK GDPR").
    pub name: String,
    /// How a menu shows it ("LGPD (Brazil)").
    pub label: String,
    /// Where it applies.
    pub country: String,
    /// The provision that sets the response period.
    pub citation: String,
    /// The time to answer.
    #[serde(skip)]
    pub period: Period,
    /// Whether a due date on a weekend or holiday moves to the next working day.
    pub next_working_day: bool,
    /// The holiday calendar its working and business days follow, by name.
    pub calendar: Option<String>,
    /// That calendar, looked up once.
    #[serde(skip)]
    calendar_rules: Option<&'static Calendar>,
    /// How long one extension may add.
    #[serde(skip)]
    pub extension: Option<Period>,
    /// Where the extension comes from, and when it must be notified.
    pub extension_citation: Option<String>,
    /// Whether the clock stops while the person is asked for more.
    pub clock_stops: bool,
    /// Where that comes from.
    pub clock_citation: String,
    /// Where the law starts the period afresh on the day proof of identity arrives (instead of
    /// stopping it while it is awaited), if it does.
    pub identity_restarts_the_clock: Option<String>,
    /// Where the law stops the period while a request suspected fraudulent cannot be
    /// authenticated, if it does.
    pub suspected_fraud_stops_the_clock: Option<String>,
    /// Business days to acknowledge receipt in (0: no such duty).
    pub acknowledge_within_business_days: u32,
    /// Where that duty comes from.
    pub acknowledgement_citation: Option<String>,
    /// Business days within which an opt-out must be honoured, where the law sets its own.
    pub opt_out_within_business_days: Option<u32>,
    /// Where that comes from.
    pub opt_out_citation: Option<String>,
    /// The appeal right.
    pub appeal: AppealRight,
    /// Authorized agents.
    pub agents: Agents,
    /// Where a person may complain, as letters name it (a company may name another in
    /// `company.toml`).
    pub authority: Authority,
}

impl Law {
    /// The deadline rules it sets.
    pub fn rule(&'static self) -> Rule {
        Rule {
            law: &self.name,
            period: self.period,
            extension: self.extension,
            weekend_shift: self.next_working_day,
            calendar: self.calendar_rules,
            pauses_for_requester: self.clock_stops,
            acknowledge_within_business_days: Some(self.acknowledge_within_business_days)
                .filter(|&n| n > 0),
            opt_out_within_business_days: self.opt_out_within_business_days,
            appeal: false,
            pause_citation: &self.clock_citation,
            identity_restarts: self.identity_restarts_the_clock.as_deref(),
            suspected_fraud: self.suspected_fraud_stops_the_clock.as_deref(),
        }
    }

    /// Every built-in law, in the order of [`Jurisdiction::ALL`].
    pub fn all() -> Result<&'static [Law], Error> {
        static LAWS: OnceLock<Result<Vec<Law>, String>> = OnceLock::new();
        LAWS.get_or_init(|| {
            Jurisdiction::ALL
                .iter()
                .zip(FILES)
                .map(|(&jurisdiction, text)| parse(jurisdiction, text))
                .collect()
        })
        .as_deref()
        .map_err(|e| Error::internal(format!("a built-in law file is malformed: {e}")))
    }

    /// The law of `jurisdiction`.
    pub fn of(jurisdiction: Jurisdiction) -> Result<&'static Law, Error> {
        Law::all()?
            .get(jurisdiction.index())
            .ok_or_else(|| Error::internal(format!("no law file for {jurisdiction}")))
    }
}

fn parse(jurisdiction: Jurisdiction, text: &str) -> Result<Law, String> {
    let file: LawFile = toml::from_str(text).map_err(|e| format!("{jurisdiction}.toml: {e}"))?;
    if file.id != jurisdiction.as_str() {
        return Err(format!("{jurisdiction}.toml names itself {:?}", file.id));
    }
    let appeal = &file.appeal;
    if appeal.right != appeal.days.is_some()
        || (appeal.extension_days.is_some() && appeal.days.is_none())
    {
        return Err(format!(
            "{jurisdiction}.toml: an appeal right states its days (and only then an extension)"
        ));
    }
    let calendar_rules = file
        .response
        .calendar
        .as_deref()
        .map(Calendar::named)
        .transpose()
        .map_err(|e| format!("{jurisdiction}.toml: {e}"))?;
    Ok(Law {
        jurisdiction,
        aliases: file.aliases,
        name: file.name,
        label: file.label,
        country: file.country,
        citation: file.citation,
        period: period(file.response.length, file.response.unit),
        next_working_day: file.response.next_working_day,
        calendar: file.response.calendar,
        calendar_rules,
        extension: file.extension.as_ref().map(|e| period(e.length, e.unit)),
        extension_citation: file.extension.map(|e| e.citation),
        clock_stops: file.clock.stops_while_waiting_on_requester,
        clock_citation: file.clock.citation,
        identity_restarts_the_clock: file.clock.identity_restarts_the_clock,
        suspected_fraud_stops_the_clock: file.clock.suspected_fraud_stops_the_clock,
        acknowledge_within_business_days: file.acknowledgement.business_days,
        acknowledgement_citation: file.acknowledgement.citation,
        opt_out_within_business_days: file.opt_out.as_ref().map(|o| o.business_days),
        opt_out_citation: file.opt_out.map(|o| o.citation),
        appeal: file.appeal,
        agents: file.agents,
        authority: file.authority,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_jurisdiction_has_a_law_file_that_loads_and_names_itself() -> Result<(), Error> {
        let laws = Law::all()?;
        assert_eq!(laws.len(), Jurisdiction::ALL.len());
        assert_eq!(FILES.len(), Jurisdiction::ALL.len(), "no file left over");
        for law in laws {
            assert!(
                !law.citation.is_empty() && !law.clock_citation.is_empty(),
                "{}",
                law.name
            );
            assert!(!law.authority.name.is_empty(), "{}", law.name);
            assert!(!law.agents.citation.is_empty() && !law.appeal.citation.is_empty());
            assert_eq!(law.appeal.right, law.appeal.days.is_some(), "{}", law.name);
            assert_eq!(law.extension.is_some(), law.extension_citation.is_some());
            assert_eq!(
                law.opt_out_within_business_days.is_some(),
                law.opt_out_citation.is_some()
            );
            assert_eq!(
                law.acknowledge_within_business_days > 0,
                law.acknowledgement_citation.is_some(),
                "{}: a duty to acknowledge cites its source",
                law.name
            );
        }
        Ok(())
    }

    #[test]
    fn the_rules_read_from_the_files_are_the_laws_as_they_were_written_in_code() {
        let gdpr = Jurisdiction::GDPR.rule();
        assert_eq!(
            (gdpr.period, gdpr.extension),
            (Period::Months(1), Some(Period::Months(2)))
        );
        assert!(gdpr.weekend_shift && gdpr.pauses_for_requester);
        assert_eq!(gdpr.calendar.map(|c| c.name.as_str()), Some("ie"));
        let ccpa = Jurisdiction::CCPA.rule();
        assert_eq!(
            (ccpa.period, ccpa.extension),
            (Period::Days(45), Some(Period::Days(45)))
        );
        assert_eq!(ccpa.acknowledge_within_business_days, Some(10));
        assert!(!ccpa.weekend_shift && !ccpa.pauses_for_requester);
        assert_eq!(Jurisdiction::LGPD.rule().period, Period::Days(15));
        assert_eq!(Jurisdiction::QUEBEC.rule().extension, None);
        assert_eq!(Jurisdiction::DEFAULT.rule().calendar, None);
    }
}

#[cfg(test)]
mod us_state_tests {
    use super::*;

    fn law(id: &str) -> &'static Law {
        let jurisdiction = id.parse::<Jurisdiction>().unwrap_or(Jurisdiction::DEFAULT);
        Law::of(jurisdiction).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn the_us_state_laws_answer_in_45_days_but_iowa_and_appeal_as_their_statutes_say() {
        let states = [
            "va", "co", "ct", "ut", "tx", "or", "mt", "ia", "de", "nj", "nh", "tn", "mn", "md",
            "in", "ky", "ri", "ne",
        ];
        for state in states {
            let law = law(&format!("us-{state}"));
            assert_eq!(law.jurisdiction.as_str(), format!("us_{state}"));
            let days = if state == "ia" { 90 } else { 45 };
            assert_eq!(
                (law.period, law.extension),
                (Period::Days(days), Some(Period::Days(45))),
                "{state}"
            );
            assert!(law.country.starts_with("United States ("), "{state}");
            assert_eq!(law.calendar.as_deref(), Some("us"));
            assert!(!law.next_working_day && !law.clock_stops, "{state}");
        }
        let appeal = |state: &str| (law(state).appeal.days, law(state).appeal.extension_days);
        for sixty in ["us-va", "us-ct", "us-ia", "us-md", "us-tx"] {
            assert_eq!(appeal(sixty), (Some(60), None), "{sixty}");
        }
        assert_eq!(appeal("us-co"), (Some(45), Some(60)));
        assert_eq!(appeal("us-or"), (Some(45), None));
        assert_eq!(appeal("us-ut"), (None, None));
        assert!(!law("us-ut").appeal.right);
        assert!(law("us-va").authority.name.contains("Attorney General"));
        // `us-ca` is the CCPA under its state's spelling.
        assert_eq!(law("us-ca").jurisdiction, Jurisdiction::CCPA);
    }

    #[test]
    fn an_authorized_agent_files_only_what_its_state_allows() {
        use crate::domain::new_case::agent_may_file;
        let va = law("us-va");
        let refused = agent_may_file(Kind::Access, &va.agents, &va.name)
            .err()
            .map(|e| e.to_string());
        assert!(refused.is_some_and(|m| m.contains("lets no authorized agent")));
        let tx = law("us-tx");
        assert!(agent_may_file(Kind::MarketingOptOut, &tx.agents, &tx.name).is_ok());
        assert!(agent_may_file(Kind::Erasure, &tx.agents, &tx.name).is_err());
    }
}
