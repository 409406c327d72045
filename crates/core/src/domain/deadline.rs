//! Legal deadlines: pure date rules per jurisdiction, and the explanation of how a due date was reached.

use chrono::{Datelike, Days, Months, NaiveDate, Weekday};
use serde::{Deserialize, Serialize};

use crate::domain::calendar::{Calendar, Holiday};
use crate::domain::law::Law;
use crate::{Error, Jurisdiction};

/// A statutory period.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Period {
    /// N calendar days after the day of receipt.
    Days(u32),
    /// The same date N months later, or that month's last day.
    Months(u32),
}

impl Period {
    /// The day the period ends when it starts on `start`.
    pub fn end(self, start: NaiveDate) -> NaiveDate {
        match self {
            // Saturating at chrono's last date keeps these total; no real case comes near it.
            Period::Days(n) => start
                .checked_add_days(Days::new(n.into()))
                .unwrap_or(NaiveDate::MAX),
            Period::Months(n) => start
                .checked_add_months(Months::new(n))
                .unwrap_or(NaiveDate::MAX),
        }
    }

    fn plus(self, other: Period) -> Period {
        match (self, other) {
            (Period::Days(a), Period::Days(b)) => Period::Days(a + b),
            (Period::Months(a), Period::Months(b)) => Period::Months(a + b),
            // No law mixes the two; keep the first unit, which is the stricter reading.
            (first, _) => first,
        }
    }

    fn describe(self) -> String {
        match self {
            Period::Days(n) => format!("{n} calendar days"),
            Period::Months(1) => "one calendar month".into(),
            Period::Months(n) => format!("{n} calendar months"),
        }
    }
}

/// The deadline rules of one jurisdiction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rule {
    /// Short name of the law, for explanations.
    pub law: &'static str,
    /// Time to answer, from receipt.
    pub period: Period,
    /// How much one extension may add, if the law allows one.
    pub extension: Option<Period>,
    /// Whether a due date on a weekend or a holiday of its calendar moves to the next
    /// working day.
    pub weekend_shift: bool,
    /// The public-holiday calendar its working and business days follow, if any (resolved
    /// once, when the law files are read).
    pub calendar: Option<&'static Calendar>,
    /// Whether the clock stops while we wait on the requester.
    pub pauses_for_requester: bool,
    /// Business days within which receipt must be acknowledged, if the law asks.
    pub acknowledge_within_business_days: Option<u32>,
    /// Business days within which an opt-out must be honoured, if the law sets its own time.
    pub opt_out_within_business_days: Option<u32>,
    /// Whether these are the rules for deciding an appeal (the period runs from its arrival).
    pub appeal: bool,
    /// Where the law says the clock stops while the person is asked for more.
    pub pause_citation: &'static str,
    /// Where the law starts the period again on the day proof of identity arrives (UK GDPR
    /// Art. 12A), rather than stopping it while the proof is awaited.
    pub identity_restarts: Option<&'static str>,
    /// Where the law stops its period while a request suspected fraudulent cannot be
    /// authenticated, if it does.
    pub suspected_fraud: Option<&'static str>,
}

impl Jurisdiction {
    /// The rules of this jurisdiction, as its law file states them (`domain::law`). The files
    /// are built in and tested; were one ever unreadable, the policy's own 30 days would apply
    /// (the strictest period of all but LGPD's) and the desk refuses to open (`Desk::open`).
    pub fn rule(self) -> Rule {
        match Law::of(self) {
            Ok(law) => law.rule(),
            Err(_) => Rule {
                law: "the policy's reasonable timeframe",
                period: Period::Days(30),
                extension: None,
                weekend_shift: false,
                calendar: None,
                pauses_for_requester: false,
                acknowledge_within_business_days: None,
                opt_out_within_business_days: None,
                appeal: false,
                pause_citation: "",
                identity_restarts: None,
                suspected_fraud: None,
            },
        }
    }

    /// The rules for deciding an appeal under this law, where it gives the right: its days
    /// from the appeal's arrival, its extension, and the law's calendar; the clock never stops.
    pub fn appeal_rule(self) -> Option<Rule> {
        let law = Law::of(self).ok()?;
        let days = law.appeal.days?;
        Some(Rule {
            period: Period::Days(days),
            extension: law.appeal.extension_days.map(Period::Days),
            pauses_for_requester: false,
            acknowledge_within_business_days: None,
            opt_out_within_business_days: None,
            appeal: true,
            identity_restarts: None,
            suspected_fraud: None,
            ..law.rule()
        })
    }
}

/// What a stopped clock waits for from the person.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Wait {
    /// Their answer to a question (a clarification). Waits stored before the kind was kept
    /// read as this: they stop the clock, the earlier of the two readings.
    #[default]
    Answer,
    /// Proof of who they are.
    Identity,
    /// Proof of who they are, the request being reasonably suspected fraudulent (Utah Code
    /// § 13-61-203(2)(d): the period does not apply until it is authenticated).
    SuspectedFraud,
}

/// A span during which the clock stood still; `to` is `None` while it still stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pause {
    /// First day of waiting.
    pub from: NaiveDate,
    /// Day the wait ended.
    pub to: Option<NaiveDate>,
    /// What was waited for.
    #[serde(default)]
    pub wait: Wait,
}

impl Pause {
    /// The days it stood still on or after `start` (a wait before the period started counts
    /// for nothing).
    fn days_from(self, start: NaiveDate) -> i64 {
        self.to
            .map_or(0, |to| (to - self.from.max(start)).num_days().max(0))
    }
}

/// An extension granted on a case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Extension {
    /// The new due date chosen by the agent.
    pub until: NaiveDate,
    /// When it was granted (and notified).
    pub granted_on: NaiveDate,
}

/// The days a clock stood still, as a deadline counts them.
#[derive(Debug, Default)]
struct Stops {
    /// Days stopped before the extension was granted (or all, without one).
    before_extension: i64,
    /// Days stopped after it: they move the extended date.
    after_extension: i64,
    /// Whether the clock stands still now.
    paused_now: bool,
}

/// Everything a due date depends on.
#[derive(Debug, Clone, Copy)]
pub struct Clock<'a> {
    /// Which law.
    pub jurisdiction: Jurisdiction,
    /// Day of receipt.
    pub received: NaiveDate,
    /// Waits on the requester, oldest first (ignored where the law does not pause).
    pub pauses: &'a [Pause],
    /// The extension, if one was granted.
    pub extension: Option<Extension>,
    /// Whether it is an opt-out, which some laws answer in business days of their own.
    pub opt_out: bool,
    /// Whether it is the clock of an appeal: `received` is the day the appeal arrived, and the
    /// law's appeal period applies.
    pub appeal: bool,
    /// The holiday calendar the company chose for this law when the case was logged, in place
    /// of the law's own (`None`: the law's).
    pub calendar: Option<&'static Calendar>,
}

/// A computed deadline and how it was reached.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Deadline {
    /// The date the answer is due.
    pub due_on: NaiveDate,
    /// The due date without any extension.
    pub statutory_due_on: NaiveDate,
    /// The latest date an extension could reach, if the law allows one.
    pub latest_extension_on: Option<NaiveDate>,
    /// The date by which receipt must be acknowledged, if the law asks.
    pub acknowledge_by: Option<NaiveDate>,
    /// Whether the clock is standing still now.
    pub paused: bool,
    /// How the due date was reached, one step a line.
    pub explanation: Vec<String>,
}

/// Moves a Saturday or Sunday to the following Monday.
pub fn next_working_day(date: NaiveDate) -> NaiveDate {
    let skip = match date.weekday() {
        Weekday::Sat => 2,
        Weekday::Sun => 1,
        _ => 0,
    };
    date.checked_add_days(Days::new(skip)).unwrap_or(date)
}

/// The date `n` business days (Monday to Friday) after `start`.
pub fn add_business_days(start: NaiveDate, n: u32) -> NaiveDate {
    let mut date = start;
    let mut left = n;
    while left > 0 {
        date = date.succ_opt().unwrap_or(date);
        if !matches!(date.weekday(), Weekday::Sat | Weekday::Sun) {
            left -= 1;
        }
    }
    date
}

fn plus_days(date: NaiveDate, days: i64) -> NaiveDate {
    date.checked_add_days(Days::new(days.max(0).unsigned_abs()))
        .unwrap_or(NaiveDate::MAX)
}

impl Clock<'_> {
    fn rule(&self) -> Rule {
        let rule = match self.appeal {
            true => self
                .jurisdiction
                .appeal_rule()
                .unwrap_or_else(|| self.jurisdiction.rule()),
            false => self.jurisdiction.rule(),
        };
        Rule {
            calendar: self.calendar.or(rule.calendar),
            ..rule
        }
    }

    /// The holiday calendar this clock counts on: the company's choice, else the law's.
    pub fn calendar(&self) -> Option<&'static Calendar> {
        self.rule().calendar
    }

    /// The date `n` business days after `start` on this clock's calendar: Monday to Friday,
    /// less its holidays.
    pub fn business_days_after(&self, start: NaiveDate, n: u32) -> NaiveDate {
        match self.rule().calendar {
            Some(calendar) => calendar.add_working_days(start, n),
            None => add_business_days(start, n),
        }
    }

    /// The waits that stop this clock: none where the law keeps it running, and not the
    /// waits for identity where proof of identity starts the period afresh.
    fn counted_pauses(&self) -> impl Iterator<Item = Pause> + '_ {
        let rule = self.rule();
        self.pauses.iter().copied().filter(move |p| match p.wait {
            // Where the law names the case, a suspected fraud stops its clock whatever else
            // it does; elsewhere it is a wait for identity like any other.
            Wait::SuspectedFraud if rule.suspected_fraud.is_some() => true,
            Wait::Identity | Wait::SuspectedFraud => {
                rule.pauses_for_requester && rule.identity_restarts.is_none()
            }
            Wait::Answer => rule.pauses_for_requester,
        })
    }

    /// The day the period runs from: receipt, or where the law starts it afresh on proof of
    /// identity, the day the last proof asked for arrived.
    fn start(&self) -> NaiveDate {
        let arrived = self
            .pauses
            .iter()
            .filter(|p| matches!(p.wait, Wait::Identity | Wait::SuspectedFraud))
            .filter_map(|p| p.to)
            .max();
        match (self.rule().identity_restarts, arrived) {
            (Some(_), Some(day)) if day > self.received => day,
            _ => self.received,
        }
    }

    /// `date`, or where the law moves it: the next working day of its calendar.
    fn working_day(&self, date: NaiveDate) -> (NaiveDate, Vec<Holiday>) {
        let rule = self.rule();
        match (rule.weekend_shift, rule.calendar) {
            (false, _) => (date, Vec::new()),
            (true, Some(calendar)) => calendar.next_working_day(date),
            (true, None) => (next_working_day(date), Vec::new()),
        }
    }

    fn shift(&self, date: NaiveDate, explanation: &mut Vec<String>) -> NaiveDate {
        let rule = self.rule();
        let (shifted, holidays) = self.working_day(date);
        if shifted == date {
            return shifted;
        }
        // Why each day was passed over: the first day's reason, then each holiday after it.
        let mut why = Vec::new();
        let first_is_holiday = holidays.first().is_some_and(|h| h.date == date);
        if !first_is_holiday {
            why.push(format!("{date} is a {}", weekday_name(date)));
        }
        let calendar = rule.calendar;
        for (i, holiday) in holidays.iter().enumerate() {
            let place = match (i, calendar) {
                (0, Some(c)) => format!(", a {} in {}", c.kind, c.title),
                _ => String::new(),
            };
            why.push(format!("{} is {}{place}", holiday.date, holiday.name));
        }
        explanation.push(format!(
            "{}; {} deadlines move to the next working day → {shifted}.",
            why.join(", and "),
            rule.law
        ));
        shifted
    }

    /// Computes the due date and its explanation.
    pub fn deadline(&self) -> Deadline {
        let rule = self.rule();
        if let (true, Some(days), false) =
            (self.opt_out, rule.opt_out_within_business_days, self.appeal)
        {
            return self.opt_out_deadline(rule, days);
        }
        let mut explanation = Vec::new();
        let start = self.start();
        let end = self.period_end(start, &mut explanation);
        let stops = self.stops(start, &mut explanation);
        let before_extension = plus_days(end, stops.before_extension);
        if before_extension != end {
            explanation.push(format!("With the clock stops → {before_extension}."));
        }
        let statutory_due_on = self.shift(before_extension, &mut explanation);
        let latest_extension_on = self.latest_extension_on(start);
        let due_on = match self.extension {
            Some(extension) => self.extended(
                extension,
                stops.after_extension,
                latest_extension_on,
                &mut explanation,
            ),
            None => statutory_due_on,
        };
        explanation.push(format!("Due {due_on}."));
        let acknowledge_by = rule.acknowledge_within_business_days.map(|n| {
            let by = self.business_days_after(self.received, n);
            explanation.push(format!(
                "{}: acknowledge receipt within {n} business days → by {by}.",
                capitalised(rule.law)
            ));
            by
        });
        Deadline {
            due_on,
            statutory_due_on,
            latest_extension_on,
            acknowledge_by,
            paused: stops.paused_now,
            explanation,
        }
    }

    /// An opt-out under a law that gives it its own time in business days: no extension, no
    /// stopped clock, no acknowledgement (the opt-out itself is the answer).
    fn opt_out_deadline(&self, rule: Rule, days: u32) -> Deadline {
        let due_on = self.business_days_after(self.received, days);
        let explanation = vec![
            format!(
                "Received {} ({}).",
                self.received,
                weekday_name(self.received)
            ),
            format!(
                "{}: an opt-out is honoured within {days} business days, without holidays → {due_on}.",
                capitalised(rule.law)
            ),
            format!("Due {due_on}."),
        ];
        Deadline {
            due_on,
            statutory_due_on: due_on,
            latest_extension_on: None,
            acknowledge_by: None,
            paused: false,
            explanation,
        }
    }

    /// The end of the statutory period from `start` (receipt, or the proof of identity that
    /// started it afresh), explained.
    fn period_end(&self, start: NaiveDate, explanation: &mut Vec<String>) -> NaiveDate {
        let rule = self.rule();
        let received = if rule.appeal {
            "Appeal received"
        } else {
            "Received"
        };
        explanation.push(format!(
            "{received} {} ({}).",
            self.received,
            weekday_name(self.received)
        ));
        let from = match (start != self.received, rule.identity_restarts) {
            (true, Some(citation)) => {
                explanation.push(format!(
                    "Proof of identity arrived {start} ({}); {}: the time runs from then ({citation}).",
                    weekday_name(start),
                    rule.law
                ));
                "from the proof of identity"
            }
            _ if rule.appeal => "to decide an appeal, from its arrival",
            _ => "from receipt",
        };
        let end = rule.period.end(start);
        let clamp_note = match rule.period {
            Period::Months(_) if end.day() != start.day() => {
                format!(
                    " ({} has no day {}, so its last day)",
                    month_name(end),
                    start.day()
                )
            }
            _ => String::new(),
        };
        explanation.push(format!(
            "{}: {} {from} → {end}{clamp_note}.",
            capitalised(rule.law),
            rule.period.describe(),
        ));
        end
    }

    /// The days the clock stood still from `start`, before an extension and after it,
    /// explained with the rule that stopped it; and whether it stands still now.
    fn stops(&self, start: NaiveDate, explanation: &mut Vec<String>) -> Stops {
        let rule = self.rule();
        let granted_on = self.extension.map(|e| e.granted_on);
        let mut stops = Stops::default();
        if let Some(citation) = rule.identity_restarts {
            let awaited = self
                .pauses
                .iter()
                .find(|p| p.wait == Wait::Identity && p.to.is_none());
            if let Some(pause) = awaited {
                stops.paused_now = true;
                explanation.push(format!(
                    "Proof of identity asked for on {}; {}: the time starts afresh the day it arrives ({citation}).",
                    pause.from, rule.law
                ));
            }
        }
        for pause in self.counted_pauses() {
            stops.paused_now |= pause.to.is_none();
            let (waiting, citation) = match (pause.wait, rule.suspected_fraud) {
                (Wait::Answer, _) => ("on the requester's answer", rule.pause_citation),
                (Wait::SuspectedFraud, Some(citation)) => {
                    ("to authenticate a request suspected fraudulent", citation)
                }
                _ => ("for proof of identity", rule.pause_citation),
            };
            let days = pause.days_from(start);
            match pause.to {
                None => explanation.push(format!(
                    "Clock stopped since {} waiting {waiting} ({citation}); the due date moves out by each day of waiting.",
                    pause.from
                )),
                Some(to) if days > 0 => {
                    if granted_on.is_some_and(|g| pause.from >= g) {
                        stops.after_extension += days;
                    } else {
                        stops.before_extension += days;
                    }
                    explanation.push(format!(
                        "Clock stopped {} to {to} waiting {waiting} ({citation}): +{days} day{}.",
                        pause.from.max(start),
                        if days == 1 { "" } else { "s" }
                    ));
                }
                Some(_) => {}
            }
        }
        if !rule.pauses_for_requester && self.counted_pauses().count() < self.pauses.len() {
            explanation.push(format!(
                "{}: the clock keeps running while we wait on the requester.",
                capitalised(rule.law)
            ));
        }
        stops
    }

    /// The latest date an extension could reach, if the law allows one: the period and the
    /// longest extension from its start, plus every day the clock stood still.
    fn latest_extension_on(&self, start: NaiveDate) -> Option<NaiveDate> {
        let rule = self.rule();
        let all_pause_days: i64 = self.counted_pauses().map(|p| p.days_from(start)).sum();
        rule.extension.map(|extra| {
            let far = plus_days(rule.period.plus(extra).end(start), all_pause_days);
            self.working_day(far).0
        })
    }

    /// The due date an extension sets, moved out by the clock's stops after it, explained.
    fn extended(
        &self,
        extension: Extension,
        stopped_after: i64,
        latest: Option<NaiveDate>,
        explanation: &mut Vec<String>,
    ) -> NaiveDate {
        let latest = latest
            .map(|d| format!("; the law allows at most {d}"))
            .unwrap_or_default();
        explanation.push(format!(
            "Extended on {} to {}{latest}.",
            extension.granted_on, extension.until
        ));
        if stopped_after == 0 {
            return extension.until;
        }
        let due = plus_days(extension.until, stopped_after);
        explanation.push(format!(
            "Clock stops after the extension: +{stopped_after} days → {due}."
        ));
        self.shift(due, explanation)
    }

    /// Checks that an extension to `until`, granted on `today`, is lawful.
    pub fn check_extension(&self, until: NaiveDate, today: NaiveDate) -> Result<(), Error> {
        let rule = self.rule();
        let deadline = self.deadline();
        let Some(latest) = deadline.latest_extension_on else {
            return Err(Error::NotAllowed(format!(
                "{} allows no extension of the {} deadline",
                rule.law,
                rule.period.describe()
            )));
        };
        if self.extension.is_some() {
            return Err(Error::NotAllowed(
                "the deadline was already extended; only one extension is allowed".into(),
            ));
        }
        if today > deadline.statutory_due_on {
            return Err(Error::NotAllowed(format!(
                "the original period ended on {}; an extension must be notified within it",
                deadline.statutory_due_on
            )));
        }
        if until <= deadline.due_on {
            return Err(Error::Invalid(format!(
                "the extension date {until} must be after the current due date {}",
                deadline.due_on
            )));
        }
        if until > latest {
            return Err(Error::Invalid(format!(
                "{until} is beyond the legal maximum: {} allows an extension to {latest} at most",
                rule.law
            )));
        }
        Ok(())
    }
}

fn weekday_name(date: NaiveDate) -> &'static str {
    match date.weekday() {
        Weekday::Mon => "Monday",
        Weekday::Tue => "Tuesday",
        Weekday::Wed => "Wednesday",
        Weekday::Thu => "Thursday",
        Weekday::Fri => "Friday",
        Weekday::Sat => "Saturday",
        Weekday::Sun => "Sunday",
    }
}

fn month_name(date: NaiveDate) -> &'static str {
    const NAMES: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    NAMES[date.month0() as usize]
}

fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|first| first.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests;
