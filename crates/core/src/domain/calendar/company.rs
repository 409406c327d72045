//! The company's own calendar settings, as `calendars.toml` beside the database states them:
//! the holiday calendar it follows for a law (its EU member state, its province), and the
//! days its desk is closed. A closure never moves a legal deadline (the law does not know the
//! company's holidays); it says by when the work must be done instead. No I/O: the file is
//! read in `files::company_calendar`.

use std::collections::BTreeMap;

use chrono::{Datelike, Days, NaiveDate};
use serde::{Deserialize, Serialize};
use toml::Spanned;

use super::Calendar;
use crate::Jurisdiction;
use crate::domain::new_case::parse_date;
use crate::domain::toml_text;

/// The settings file's name beside the database file.
pub const FILE: &str = "calendars.toml";

/// The most days one closure may span: a closure longer than that is a typing mistake.
const LONGEST_CLOSURE_DAYS: i64 = 62;

/// What the file says, read: the law calendars chosen and the closure days.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CompanyCalendar {
    laws: BTreeMap<Jurisdiction, &'static Calendar>,
    closures: BTreeMap<NaiveDate, String>,
}

/// When work due on a closure day must be done by instead.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WorkBy {
    /// The last working day before the closure.
    pub on: NaiveDate,
    /// Why, in a sentence.
    pub why: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    laws: BTreeMap<String, Spanned<String>>,
    #[serde(default, rename = "closure")]
    closures: Vec<Spanned<ClosureEntry>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ClosureEntry {
    date: String,
    until: Option<String>,
    name: String,
}

impl CompanyCalendar {
    /// Reads the file's text; `Err` names the line of the first mistake, and nothing of the
    /// file is then used.
    pub fn parse(text: &str) -> Result<CompanyCalendar, String> {
        let file: File = toml_text::parse(text)?;
        let line_of = |offset| toml_text::line_of(text, offset);
        let mut settings = CompanyCalendar::default();
        for (law, calendar) in file.laws {
            let at = line_of(calendar.span().start);
            let jurisdiction: Jurisdiction = law.parse().map_err(|e| format!("line {at}: {e}"))?;
            let chosen =
                Calendar::named(calendar.get_ref()).map_err(|e| format!("line {at}: {e}"))?;
            settings.laws.insert(jurisdiction, chosen);
        }
        for closure in file.closures {
            let at = line_of(closure.span().start);
            let entry = closure.into_inner();
            let name = entry.name.trim().to_string();
            if name.is_empty() {
                return Err(format!("line {at}: a closure needs its name"));
            }
            let first =
                parse_date("closure date", &entry.date).map_err(|e| format!("line {at}: {e}"))?;
            let last = match &entry.until {
                Some(until) => {
                    parse_date("closure until", until).map_err(|e| format!("line {at}: {e}"))?
                }
                None => first,
            };
            let days = (last - first).num_days();
            if !(0..LONGEST_CLOSURE_DAYS).contains(&days) {
                return Err(format!(
                    "line {at}: the closure {name:?} runs from {first} to {last}; it must end on or \
                     after its first day and last under {LONGEST_CLOSURE_DAYS} days"
                ));
            }
            let mut day = first;
            while day <= last {
                settings.closures.insert(day, name.clone());
                day = day.succ_opt().unwrap_or(NaiveDate::MAX);
            }
        }
        Ok(settings)
    }

    /// The calendar the company chose for `law`, by name (`None`: the law's own).
    pub fn choice(&self, law: Jurisdiction) -> Option<String> {
        self.laws.get(&law).map(|c| c.name.clone())
    }

    /// The chosen calendars, by law.
    pub fn choices(&self) -> impl Iterator<Item = (Jurisdiction, &'static Calendar)> + '_ {
        self.laws.iter().map(|(&law, &calendar)| (law, calendar))
    }

    /// The closure days, in order.
    pub fn closures(&self) -> impl Iterator<Item = (NaiveDate, &str)> + '_ {
        self.closures
            .iter()
            .map(|(&day, name)| (day, name.as_str()))
    }

    /// Where work due on `due` must be done earlier because the desk is closed that day: the
    /// last day before it that is a working day of `calendar` and not a closure.
    pub fn work_by(&self, due: NaiveDate, calendar: Option<&Calendar>) -> Option<WorkBy> {
        let closure = self.closures.get(&due)?;
        let open = |day: NaiveDate| {
            !self.closures.contains_key(&day)
                && match calendar {
                    Some(calendar) => calendar.is_working_day(day),
                    None => day.weekday().number_from_monday() <= 5,
                }
        };
        let mut day = due;
        for _ in 0..=LONGEST_CLOSURE_DAYS + 14 {
            day = day.checked_sub_days(Days::new(1))?;
            if open(day) {
                return Some(WorkBy {
                    on: day,
                    why: format!(
                        "{due} falls in the company closure “{closure}”: the deadline stays where \
                         the law puts it, so the work is done by {day}, the last working day before"
                    ),
                });
            }
        }
        None
    }
}

/// The example written by `privacydesk calendar init`: everything commented out, so that it
/// changes nothing until a line is uncommented.
pub const EXAMPLE: &str = r#"# The company's calendar settings for PrivacyDesk, read each time a case is logged or shown.
# A mistake here is reported with its line, and the built-in calendars are used until it is fixed.

# The holiday calendar a law's dates follow, where the company's establishment is not the
# default one (GDPR: Ireland; UK GDPR: England and Wales). A case keeps the calendar it was
# logged with. Names: privacydesk calendar list.
[laws]
# gdpr = "de"
# uk-gdpr = "uk-scotland"

# Days the privacy desk is closed. They never move a legal deadline: a case due on one shows
# the last working day before it to finish by.
# [[closure]]
# date = "2026-12-24"
# until = "2027-01-01"
# name = "Christmas shutdown"
"#;

#[cfg(test)]
mod tests {
    use super::*;

    fn d(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap_or_default()
    }

    #[test]
    fn the_example_parses_to_nothing_and_a_filled_file_to_its_choices_and_closures() {
        assert_eq!(
            CompanyCalendar::parse(EXAMPLE),
            Ok(CompanyCalendar::default())
        );
        let text = "[laws]\ngdpr = \"de\"\n\n[[closure]]\ndate = \"2026-12-24\"\nuntil = \"2026-12-31\"\nname = \"Christmas shutdown\"\n";
        let settings = CompanyCalendar::parse(text).unwrap_or_default();
        assert_eq!(settings.choice(Jurisdiction::GDPR).as_deref(), Some("de"));
        assert_eq!(settings.choice(Jurisdiction::UK_GDPR), None);
        assert_eq!(settings.closures().count(), 8);
        // Due on the 28th (a Monday in the closure): done by Wednesday the 23rd.
        let work = settings.work_by(d("2026-12-28"), Calendar::named("ie").ok());
        assert_eq!(work.as_ref().map(|w| w.on), Some(d("2026-12-23")));
        assert!(work.is_some_and(|w| w.why.contains("Christmas shutdown")));
        assert_eq!(settings.work_by(d("2027-01-04"), None), None);
    }

    #[test]
    fn a_mistake_is_named_by_its_line() {
        let cases = [
            (
                "[laws]\ngdpr = \"atlantis\"\n",
                "line 2: unknown holiday calendar \"atlantis\"",
            ),
            ("[laws]\nmars = \"de\"\n", "line 2: unknown jurisdiction"),
            (
                "\n\n[[closure]]\ndate = \"24/12/2026\"\nname = \"X\"\n",
                "line 3:",
            ),
            (
                "[[closure]]\ndate = \"2026-12-24\"\nuntil = \"2026-12-01\"\nname = \"X\"\n",
                "must end on or after",
            ),
            (
                "[[closure]]\ndate = \"2026-12-24\"\nname = \"\"\n",
                "needs its name",
            ),
            ("[laws\n", "line 1:"),
            ("holidays = 3\n", "unknown field"),
        ];
        for (text, expected) in cases {
            let error = CompanyCalendar::parse(text).err().unwrap_or_default();
            assert!(error.contains(expected), "{text:?}: {error}");
        }
    }
}
