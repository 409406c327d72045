//! The calendars' rules on known days; the check against an independent source (the Python
//! `holidays` package) for 2020–2035 is in `crates/core/tests/calendars.rs`.

use super::*;

fn day(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap_or_default()
}

#[test]
fn every_built_in_calendar_parses_and_is_found_by_name() -> Result<(), Error> {
    let all = Calendar::all()?;
    assert_eq!(all.len(), BUILT_IN.len());
    for calendar in all {
        assert_eq!(Calendar::named(&calendar.name)?.name, calendar.name);
        assert!(!calendar.source.is_empty() && !calendar.title.is_empty());
        assert!(
            (5..=16).contains(&calendar.holidays_in(2027).len()),
            "{}: {} days",
            calendar.name,
            calendar.holidays_in(2027).len()
        );
    }
    let unknown = Calendar::named("atlantis").err().map(|e| e.to_string());
    assert!(unknown.is_some_and(|m| m.contains("uk-england-wales") && m.contains("atlantis")));
    Ok(())
}

#[test]
fn substitute_days_follow_each_country_s_rule() -> Result<(), Error> {
    let england = Calendar::named("uk-england-wales")?;
    // Christmas on a Sunday, Boxing Day on the Monday: the substitute is the Tuesday.
    assert_eq!(
        england.holiday(day("2022-12-27")).as_deref(),
        Some("Christmas Day (substitute day)")
    );
    // US: a Saturday holiday is observed on the Friday before, across New Year too.
    let us = Calendar::named("us")?;
    assert_eq!(
        us.holiday(day("2021-12-31")).as_deref(),
        Some("New Year's Day (substitute day)")
    );
    assert_eq!(
        us.holiday(day("2026-11-26")).as_deref(),
        Some("Thanksgiving Day")
    );
    // Ireland: St Brigid's Day is 1 February when a Friday, else the first Monday.
    let ireland = Calendar::named("ie")?;
    assert!(ireland.holiday(day("2030-02-01")).is_some());
    assert!(ireland.holiday(day("2026-02-02")).is_some());
    assert!(
        ireland.holiday(day("2022-02-07")).is_none(),
        "from 2023 only"
    );
    // Québec: Patriots' Day is the Monday before 25 May.
    let quebec = Calendar::named("ca-qc")?;
    assert_eq!(
        quebec.holiday(day("2026-05-18")).as_deref(),
        Some("National Patriots' Day")
    );
    Ok(())
}

#[test]
fn working_days_skip_weekends_and_holidays_and_say_what_they_skipped() -> Result<(), Error> {
    let england = Calendar::named("uk-england-wales")?;
    // Good Friday 2026-04-03, the weekend, Easter Monday: the next working day is Tuesday.
    let (next, passed) = england.next_working_day(day("2026-04-03"));
    assert_eq!(next, day("2026-04-07"));
    let names: Vec<&str> = passed.iter().map(|h| h.name.as_str()).collect();
    assert_eq!(names, ["Good Friday", "Easter Monday"]);
    assert_eq!(
        england.next_working_day(day("2026-04-08")).0,
        day("2026-04-08")
    );
    // Ten US business days from Friday 2026-11-20 skip Thanksgiving.
    let us = Calendar::named("us")?;
    assert_eq!(
        us.add_working_days(day("2026-11-20"), 10),
        day("2026-12-07")
    );
    // Far years are worked out when asked.
    assert_eq!(
        england.holiday(day("2150-12-25")).as_deref(),
        Some("Christmas Day")
    );
    Ok(())
}
