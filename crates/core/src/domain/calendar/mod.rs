//! Public-holiday calendars as data: one TOML file per calendar under `crates/core/calendars/`
//! (built into the binary), each a list of rules that works for any year. A law's deadline
//! moves off its calendar's weekends and holidays where the law counts so, and business days
//! skip them. No I/O: the files are compiled in.

pub mod company;
mod easter;
mod rule;

use std::collections::BTreeMap;
use std::sync::OnceLock;

use chrono::{Datelike, Days, NaiveDate, Weekday};
use serde::Deserialize;

pub use easter::easter_sunday;
use rule::{DayRule, Substitute};

use crate::Error;

/// The built-in calendars: name and file.
const BUILT_IN: &[(&str, &str)] = &[
    (
        "uk-england-wales",
        include_str!("../../../calendars/uk-england-wales.toml"),
    ),
    (
        "uk-scotland",
        include_str!("../../../calendars/uk-scotland.toml"),
    ),
    (
        "uk-northern-ireland",
        include_str!("../../../calendars/uk-northern-ireland.toml"),
    ),
    ("ie", include_str!("../../../calendars/ie.toml")),
    ("de", include_str!("../../../calendars/de.toml")),
    ("fr", include_str!("../../../calendars/fr.toml")),
    ("nl", include_str!("../../../calendars/nl.toml")),
    ("es", include_str!("../../../calendars/es.toml")),
    ("it", include_str!("../../../calendars/it.toml")),
    ("ca", include_str!("../../../calendars/ca.toml")),
    ("ca-qc", include_str!("../../../calendars/ca-qc.toml")),
    ("br", include_str!("../../../calendars/br.toml")),
    ("us", include_str!("../../../calendars/us.toml")),
];

/// The years whose holidays are worked out once, on first use; dates outside are worked out
/// when asked.
const FIRST_YEAR: i32 = 1990;
const LAST_YEAR: i32 = 2100;

/// A calendar as its file states it.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CalendarFile {
    name: String,
    title: String,
    kind: String,
    source: String,
    #[serde(rename = "day")]
    days: Vec<DayRule>,
}

/// A public-holiday calendar.
#[derive(Debug)]
pub struct Calendar {
    /// Its name (`uk-england-wales`).
    pub name: String,
    /// Where it applies, as a sentence names it ("England and Wales").
    pub title: String,
    /// What a holiday is called there ("bank holiday", "public holiday").
    pub kind: String,
    /// The statute or official list the rules follow.
    pub source: String,
    rules: Vec<DayRule>,
    days: OnceLock<BTreeMap<NaiveDate, String>>,
}

// Calendars are one per name: the name says which.
impl PartialEq for Calendar {
    fn eq(&self, other: &Self) -> bool {
        self.name == other.name
    }
}

impl Eq for Calendar {}

/// One holiday on a day.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Holiday {
    /// The day.
    pub date: NaiveDate,
    /// Its name ("Good Friday", "Christmas Day (substitute day)").
    pub name: String,
}

fn parse(name: &str, text: &str) -> Result<Calendar, String> {
    let file: CalendarFile = toml::from_str(text).map_err(|e| format!("{name}.toml: {e}"))?;
    if file.name != name {
        return Err(format!("{name}.toml names itself {:?}", file.name));
    }
    for rule in &file.days {
        rule.check().map_err(|e| format!("{name}.toml: {e}"))?;
    }
    Ok(Calendar {
        name: file.name,
        title: file.title,
        kind: file.kind,
        source: file.source,
        rules: file.days,
        days: OnceLock::new(),
    })
}

fn built_in() -> Result<&'static [Calendar], Error> {
    static CALENDARS: OnceLock<Result<Vec<Calendar>, String>> = OnceLock::new();
    CALENDARS
        .get_or_init(|| {
            BUILT_IN
                .iter()
                .map(|(name, text)| parse(name, text))
                .collect()
        })
        .as_deref()
        .map_err(|e| Error::internal(format!("a built-in holiday calendar is malformed: {e}")))
}

fn is_weekend(date: NaiveDate) -> bool {
    matches!(date.weekday(), Weekday::Sat | Weekday::Sun)
}

impl Calendar {
    /// Every built-in calendar.
    pub fn all() -> Result<&'static [Calendar], Error> {
        built_in()
    }

    /// The built-in calendar `name`; an unknown name is refused with the list of known ones.
    pub fn named(name: &str) -> Result<&'static Calendar, Error> {
        let all = built_in()?;
        all.iter().find(|c| c.name == name).ok_or_else(|| {
            let known: Vec<&str> = all.iter().map(|c| c.name.as_str()).collect();
            Error::Invalid(format!(
                "unknown holiday calendar {name:?}; known: {}",
                known.join(", ")
            ))
        })
    }

    /// The holidays of `year`, in date order, substitute days included.
    pub fn holidays_in(&self, year: i32) -> Vec<Holiday> {
        if (FIRST_YEAR..=LAST_YEAR).contains(&year) {
            let (Some(first), Some(last)) = (
                NaiveDate::from_ymd_opt(year, 1, 1),
                NaiveDate::from_ymd_opt(year, 12, 31),
            ) else {
                return Vec::new();
            };
            return self
                .table()
                .range(first..=last)
                .map(|(&date, name)| Holiday {
                    date,
                    name: name.clone(),
                })
                .collect();
        }
        self.work_out(year)
            .into_iter()
            .filter(|(d, _)| d.year() == year)
            .map(|(date, name)| Holiday { date, name })
            .collect()
    }

    /// The holiday on `date`, if it is one.
    pub fn holiday(&self, date: NaiveDate) -> Option<String> {
        if (FIRST_YEAR..=LAST_YEAR).contains(&date.year()) {
            return self.table().get(&date).cloned();
        }
        self.work_out(date.year()).remove(&date)
    }

    /// Whether `date` is a working day: not a Saturday, a Sunday or a holiday.
    pub fn is_working_day(&self, date: NaiveDate) -> bool {
        !is_weekend(date) && self.holiday(date).is_none()
    }

    fn table(&self) -> &BTreeMap<NaiveDate, String> {
        self.days.get_or_init(|| {
            let mut all = BTreeMap::new();
            for year in FIRST_YEAR..=LAST_YEAR {
                all.extend(
                    self.work_out(year)
                        .into_iter()
                        .filter(|(d, _)| d.year() == year),
                );
            }
            all
        })
    }

    /// The holidays the rules give around `year` (the years either side too, so that a
    /// substitute day crossing New Year lands where it belongs).
    fn work_out(&self, year: i32) -> BTreeMap<NaiveDate, String> {
        let mut days: BTreeMap<NaiveDate, String> = BTreeMap::new();
        let mut substitutes: Vec<(NaiveDate, &DayRule)> = Vec::new();
        for y in year - 1..=year + 1 {
            for rule in &self.rules {
                for day in rule.days_in(y) {
                    days.entry(day)
                        .and_modify(|name| {
                            name.push_str("; ");
                            name.push_str(&rule.name);
                        })
                        .or_insert_with(|| rule.name.clone());
                    if rule.substitute.is_some() && is_weekend(day) {
                        substitutes.push((day, rule));
                    }
                }
            }
        }
        substitutes.sort_by_key(|(day, _)| *day);
        for (day, rule) in substitutes {
            let Some(kind) = rule.substitute else {
                continue;
            };
            let off = match (kind, day.weekday()) {
                (Substitute::NextFreeWeekday, _) => {
                    let mut next = day;
                    loop {
                        next = match next.succ_opt() {
                            Some(n) => n,
                            None => break,
                        };
                        if !is_weekend(next) && !days.contains_key(&next) {
                            break;
                        }
                    }
                    Some(next)
                }
                (Substitute::WeekendToMonday, Weekday::Sat) => day.checked_add_days(Days::new(2)),
                (Substitute::WeekendToMonday | Substitute::SundayToMonday, Weekday::Sun) => {
                    day.succ_opt()
                }
                (Substitute::NearestWeekday, Weekday::Sat) => day.pred_opt(),
                (Substitute::NearestWeekday, Weekday::Sun) => day.succ_opt(),
                _ => None,
            };
            if let Some(off) = off {
                days.entry(off)
                    .or_insert_with(|| format!("{} (substitute day)", rule.name));
            }
        }
        days
    }

    /// `date` itself if it is a working day, else the next one, with the days passed over and
    /// why (a weekday's name, or the holiday's).
    pub fn next_working_day(&self, date: NaiveDate) -> (NaiveDate, Vec<Holiday>) {
        let mut day = date;
        let mut passed = Vec::new();
        while !self.is_working_day(day) {
            if let Some(name) = self.holiday(day) {
                passed.push(Holiday { date: day, name });
            }
            match day.succ_opt() {
                Some(next) => day = next,
                None => break,
            }
        }
        (day, passed)
    }

    /// The working day `n` working days after `start`.
    pub fn add_working_days(&self, start: NaiveDate, n: u32) -> NaiveDate {
        let mut date = start;
        let mut left = n;
        while left > 0 {
            match date.succ_opt() {
                Some(next) => date = next,
                None => break,
            }
            if self.is_working_day(date) {
                left -= 1;
            }
        }
        date
    }
}

#[cfg(test)]
mod tests;
