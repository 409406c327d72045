//! The built-in holiday calendars against an independent source: the Python `holidays` package
//! (its output for 2020–2035 is `fixtures/holidays-2020-2035.json`, written by
//! `scripts/holidays-reference`). Only weekdays are compared — a holiday on a weekend moves no
//! deadline — and every difference is one the law itself makes, listed below with why.

use std::collections::BTreeSet;

use chrono::{Datelike, NaiveDate, Weekday};
use privacydesk_core::domain::calendar::Calendar;

/// Where our calendar and the package part, each with the reason ours is right for deadlines.
const DIFFERENCES: &[(&str, &str, &str)] = &[
    // The General Time Limits Act lists 5 May every year and not Good Friday; the package
    // keeps Liberation Day every fifth year only and counts Good Friday.
    (
        "nl",
        "liberation-day-every-year",
        "Algemene termijnenwet, art. 3(1)",
    ),
    ("nl", "no-good-friday", "Algemene termijnenwet, art. 3(1)"),
];

fn weekday(date: NaiveDate) -> bool {
    !matches!(date.weekday(), Weekday::Sat | Weekday::Sun)
}

#[test]
fn every_calendar_matches_the_holidays_package_on_weekdays_2020_to_2035() {
    let text = include_str!("fixtures/holidays-2020-2035.json");
    let reference: serde_json::Value = serde_json::from_str(text).expect("fixture");
    let calendars = reference["calendars"].as_object().expect("calendars");
    let mut report = Vec::new();
    for (name, days) in calendars {
        let calendar = Calendar::named(name).expect("a built-in calendar of that name");
        let theirs: BTreeSet<NaiveDate> = days
            .as_object()
            .expect("days")
            .keys()
            .filter_map(|d| d.parse().ok())
            .filter(|&d| weekday(d))
            .collect();
        let ours: BTreeSet<NaiveDate> = (2020..=2035)
            .flat_map(|year| calendar.holidays_in(year))
            .map(|h| h.date)
            .filter(|&d| weekday(d))
            .collect();
        for date in theirs.difference(&ours) {
            if !explained(name, *date, false) {
                report.push(format!(
                    "{name}: {date} is a holiday in the package, not here"
                ));
            }
        }
        for date in ours.difference(&theirs) {
            if !explained(name, *date, true) {
                report.push(format!(
                    "{name}: {date} is a holiday here, not in the package"
                ));
            }
        }
    }
    assert!(report.is_empty(), "{}", report.join("\n"));
    assert_eq!(calendars.len(), Calendar::all().expect("built in").len());
}

/// Whether a difference on `date` is one of [`DIFFERENCES`] (`ours`: we have the day).
fn explained(calendar: &str, date: NaiveDate, ours: bool) -> bool {
    DIFFERENCES.iter().any(|&(name, what, _)| {
        name == calendar
            && match what {
                "liberation-day-every-year" => ours && date.month() == 5 && date.day() == 5,
                "no-good-friday" => {
                    let easter = privacydesk_core::domain::calendar::easter_sunday(date.year());
                    !ours && easter.is_some_and(|e| (e - date).num_days() == 2)
                }
                _ => false,
            }
    })
}
