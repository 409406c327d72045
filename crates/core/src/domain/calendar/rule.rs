//! One public holiday as a calendar file states it — a fixed date, a weekday of a month, an
//! offset from Easter, or named dates — and the days it gives in a year, with the substitute
//! day the law adds when it falls on a weekend.

use chrono::{Datelike, Days, NaiveDate, Weekday};
use serde::Deserialize;

use super::easter::easter_sunday;

/// A month and day, written `MM-DD`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MonthDay {
    month: u32,
    day: u32,
}

impl<'de> Deserialize<'de> for MonthDay {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        let parsed = text
            .split_once('-')
            .and_then(|(m, d)| Some((m.parse().ok()?, d.parse().ok()?)))
            .filter(|&(m, d)| NaiveDate::from_ymd_opt(2024, m, d).is_some());
        match parsed {
            Some((month, day)) => Ok(MonthDay { month, day }),
            None => Err(serde::de::Error::custom(format!(
                "{text:?} is not a month and day (MM-DD)"
            ))),
        }
    }
}

impl MonthDay {
    fn in_year(self, year: i32) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(year, self.month, self.day)
    }
}

/// A weekday, written `mon` … `sun`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
enum Day {
    Mon,
    Tue,
    Wed,
    Thu,
    Fri,
    Sat,
    Sun,
}

impl Day {
    fn weekday(self) -> Weekday {
        match self {
            Day::Mon => Weekday::Mon,
            Day::Tue => Weekday::Tue,
            Day::Wed => Weekday::Wed,
            Day::Thu => Weekday::Thu,
            Day::Fri => Weekday::Fri,
            Day::Sat => Weekday::Sat,
            Day::Sun => Weekday::Sun,
        }
    }
}

/// The day off the law adds when the holiday falls on a weekend (the holiday itself stays).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Substitute {
    /// The next weekday that is not already a holiday (the UK's substitute days).
    NextFreeWeekday,
    /// A Saturday or Sunday gives the Monday after.
    WeekendToMonday,
    /// Only a Sunday gives the Monday after.
    SundayToMonday,
    /// A Saturday gives the Friday before, a Sunday the Monday after (US federal).
    NearestWeekday,
}

/// How the holiday itself moves in some years (it is then not held on its date).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
enum Move {
    /// Held on the Saturday before when its date is a Sunday (the Dutch King's Day).
    SundayToSaturday,
    /// Held on its date when that is a Monday or a Friday, else on the Monday after (Ireland's
    /// St Brigid's Day: the first Monday of February, or 1 February if a Friday).
    MondayUnlessFriday,
}

/// One holiday rule of a calendar file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DayRule {
    /// Its name in English, as an explanation names it.
    pub name: String,
    /// A fixed date.
    date: Option<MonthDay>,
    /// Days from Easter Sunday (Good Friday -2, Easter Monday 1, Ascension 39).
    easter: Option<i64>,
    /// With `weekday`: the month of an nth weekday.
    month: Option<u32>,
    /// With `month` and `nth` (or `before`): which weekday.
    weekday: Option<Day>,
    /// Which one of the month: 1 the first, -1 the last.
    nth: Option<i32>,
    /// With `weekday`: the last such weekday before this date (Québec's Patriots' Day).
    before: Option<MonthDay>,
    /// Named dates, each a holiday of its own year only (a jubilee, a state funeral).
    on: Option<Vec<NaiveDate>>,
    /// The first year it is held.
    from: Option<i32>,
    /// The last year it is held.
    until: Option<i32>,
    /// Years it is not held (moved by proclamation).
    #[serde(default)]
    except: Vec<i32>,
    /// Held every this many years from `from` (the Netherlands' Liberation Day).
    every: Option<i32>,
    /// The day added when it falls on a weekend.
    pub substitute: Option<Substitute>,
    /// How it moves in some years.
    moves: Option<Move>,
}

impl DayRule {
    /// Checks the rule says exactly one way of finding its day.
    pub fn check(&self) -> Result<(), String> {
        let ways = [
            self.date.is_some(),
            self.easter.is_some(),
            self.month.is_some() && self.weekday.is_some(),
            self.on.is_some(),
        ]
        .into_iter()
        .filter(|&w| w)
        .count();
        if ways != 1 {
            return Err(format!(
                "{}: give exactly one of date, easter, month with weekday, or on",
                self.name
            ));
        }
        if self.month.is_some() && self.nth.is_none() && self.before.is_none() {
            return Err(format!(
                "{}: a weekday of a month needs nth or before",
                self.name
            ));
        }
        if self.every.is_some() && self.from.is_none() {
            return Err(format!("{}: every needs from", self.name));
        }
        Ok(())
    }

    fn held_in(&self, year: i32) -> bool {
        let after_from = self.from.is_none_or(|from| year >= from);
        let before_until = self.until.is_none_or(|until| year <= until);
        let cycle = match (self.every, self.from) {
            (Some(every), Some(from)) if every > 0 => (year - from).rem_euclid(every) == 0,
            _ => true,
        };
        after_from && before_until && cycle && !self.except.contains(&year)
    }

    /// The days it gives in `year` (before any substitute day).
    pub fn days_in(&self, year: i32) -> Vec<NaiveDate> {
        if let Some(on) = &self.on {
            return on.iter().copied().filter(|d| d.year() == year).collect();
        }
        if !self.held_in(year) {
            return Vec::new();
        }
        let day = if let Some(date) = self.date {
            date.in_year(year)
        } else if let Some(offset) = self.easter {
            easter_sunday(year).and_then(|e| e.checked_add_signed(chrono::Duration::days(offset)))
        } else {
            self.weekday_of_month(year)
        };
        day.map(|d| self.moved(d)).into_iter().collect()
    }

    fn weekday_of_month(&self, year: i32) -> Option<NaiveDate> {
        let weekday = self.weekday?.weekday();
        if let Some(before) = self.before {
            let mut day = before.in_year(year)?.pred_opt()?;
            while day.weekday() != weekday {
                day = day.pred_opt()?;
            }
            return Some(day);
        }
        let month = self.month?;
        let nth = self.nth?;
        if nth > 0 {
            let n = u8::try_from(nth).ok()?;
            NaiveDate::from_weekday_of_month_opt(year, month, weekday, n)
        } else {
            let first_next = if month == 12 {
                NaiveDate::from_ymd_opt(year + 1, 1, 1)
            } else {
                NaiveDate::from_ymd_opt(year, month + 1, 1)
            }?;
            let mut day = first_next.pred_opt()?;
            while day.weekday() != weekday {
                day = day.pred_opt()?;
            }
            let back = u64::try_from(-nth - 1).ok()? * 7;
            day.checked_sub_days(Days::new(back))
        }
    }

    fn moved(&self, day: NaiveDate) -> NaiveDate {
        match (self.moves, day.weekday()) {
            (Some(Move::SundayToSaturday), Weekday::Sun) => day.pred_opt().unwrap_or(day),
            (Some(Move::MondayUnlessFriday), Weekday::Mon | Weekday::Fri) => day,
            (Some(Move::MondayUnlessFriday), _) => {
                let mut next = day;
                while next.weekday() != Weekday::Mon {
                    next = next.succ_opt().unwrap_or(next);
                }
                next
            }
            _ => day,
        }
    }
}
