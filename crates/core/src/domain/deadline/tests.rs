//! Deadline rules: worked examples from the design notes, then properties over any date.

use chrono::{Datelike, NaiveDate, Weekday};
use proptest::prelude::*;

use super::*;

fn d(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").expect("test date")
}

fn due(j: Jurisdiction, received: &str) -> NaiveDate {
    Clock {
        opt_out: false,
        appeal: false,
        calendar: None,
        jurisdiction: j,
        received: d(received),
        pauses: &[],
        extension: None,
    }
    .deadline()
    .due_on
}

#[test]
fn day_periods_end_n_days_after_receipt() {
    assert_eq!(due(Jurisdiction::CCPA, "2026-03-01"), d("2026-04-15"));
    assert_eq!(due(Jurisdiction::PIPEDA, "2026-03-01"), d("2026-03-31"));
    assert_eq!(due(Jurisdiction::QUEBEC, "2026-03-01"), d("2026-03-31"));
    assert_eq!(due(Jurisdiction::LGPD, "2026-03-01"), d("2026-03-16"));
    assert_eq!(due(Jurisdiction::DEFAULT, "2026-03-01"), d("2026-03-31"));
}

#[test]
fn plain_day_counts_do_not_move_off_weekends() {
    // 2026-04-04 is a Saturday: CCPA keeps it.
    assert_eq!(due(Jurisdiction::CCPA, "2026-02-18"), d("2026-04-04"));
}

#[test]
fn gdpr_month_clamps_to_month_end_and_skips_weekends() {
    // 31 Jan 2026 + 1 month = 28 Feb 2026, a Saturday → Monday 2 March.
    assert_eq!(due(Jurisdiction::GDPR, "2026-01-31"), d("2026-03-02"));
    // 2028 is a leap year: 29 Feb 2028 is a Tuesday.
    assert_eq!(due(Jurisdiction::UK_GDPR, "2028-01-31"), d("2028-02-29"));
    // Same day of next month on a weekday.
    assert_eq!(due(Jurisdiction::GDPR, "2026-03-10"), d("2026-04-10"));
}

#[test]
fn uk_gdpr_counts_as_the_ico_s_worked_examples() {
    // ICO, "How long do we have to comply?": from the day of receipt to the corresponding
    // date of the next month; the month's last day when it has none; the next working day
    // when that is a weekend or a public holiday.
    assert_eq!(due(Jurisdiction::UK_GDPR, "2025-09-03"), d("2025-10-03"));
    assert_eq!(due(Jurisdiction::UK_GDPR, "2025-01-30"), d("2025-02-28"));
    // 3 April 2026 is Good Friday; Easter Monday follows the weekend.
    assert_eq!(due(Jurisdiction::UK_GDPR, "2026-03-03"), d("2026-04-07"));
    // Christmas Day on a Friday, the weekend, Boxing Day's substitute on the Monday.
    assert_eq!(due(Jurisdiction::UK_GDPR, "2026-11-25"), d("2026-12-29"));
    // GDPR with Ireland's holidays: St Patrick's Day 2026 is a Tuesday.
    assert_eq!(due(Jurisdiction::GDPR, "2026-02-17"), d("2026-03-18"));
    // CCPA counts calendar days and keeps a holiday.
    assert_eq!(due(Jurisdiction::CCPA, "2026-10-12"), d("2026-11-26"));
}

#[test]
fn a_ccpa_opt_out_is_due_in_fifteen_business_days_without_us_holidays() {
    let opt_out = |j: Jurisdiction| {
        Clock {
            opt_out: true,
            appeal: false,
            calendar: None,
            jurisdiction: j,
            received: d("2026-11-20"),
            pauses: &[],
            extension: None,
        }
        .deadline()
    };
    // Friday 20 November 2026; Thanksgiving (26 November) is not a business day.
    let ccpa = opt_out(Jurisdiction::CCPA);
    assert_eq!(ccpa.due_on, d("2026-12-14"));
    assert_eq!(
        (ccpa.latest_extension_on, ccpa.acknowledge_by),
        (None, None)
    );
    assert!(
        ccpa.explanation
            .join(" ")
            .contains("an opt-out is honoured within 15 business days"),
        "{:?}",
        ccpa.explanation
    );
    // A law without a time of its own for opt-outs counts as for any request.
    assert_eq!(opt_out(Jurisdiction::GDPR).due_on, d("2026-12-21"));
}

#[test]
fn the_explanation_names_the_holiday_it_moved_off() {
    let deadline = Clock {
        opt_out: false,
        appeal: false,
        calendar: None,
        jurisdiction: Jurisdiction::UK_GDPR,
        received: d("2026-03-03"),
        pauses: &[],
        extension: None,
    }
    .deadline();
    let text = deadline.explanation.join("\n");
    assert!(
        text.contains(
            "2026-04-03 is Good Friday, a bank holiday in England and Wales, and 2026-04-06 is \
             Easter Monday; UK GDPR deadlines move to the next working day → 2026-04-07."
        ),
        "{text}"
    );
    // CCPA's acknowledgement counts business days without US federal holidays.
    let ccpa = Clock {
        opt_out: false,
        appeal: false,
        calendar: None,
        jurisdiction: Jurisdiction::CCPA,
        received: d("2026-11-20"),
        pauses: &[],
        extension: None,
    }
    .deadline();
    assert_eq!(
        ccpa.acknowledge_by,
        Some(d("2026-12-07")),
        "Thanksgiving is skipped"
    );
}

#[test]
fn explanation_names_rule_clamp_and_shift() {
    let deadline = Clock {
        opt_out: false,
        appeal: false,
        calendar: None,
        jurisdiction: Jurisdiction::GDPR,
        received: d("2026-01-31"),
        pauses: &[],
        extension: None,
    }
    .deadline();
    let text = deadline.explanation.join("\n");
    assert!(
        text.contains("one calendar month from receipt → 2026-02-28"),
        "{text}"
    );
    assert!(text.contains("February has no day 31"), "{text}");
    assert!(text.contains("2026-02-28 is a Saturday"), "{text}");
    assert!(text.contains("Due 2026-03-02."), "{text}");
}

#[test]
fn ccpa_acknowledgement_is_ten_business_days() {
    let deadline = Clock {
        opt_out: false,
        appeal: false,
        calendar: None,
        jurisdiction: Jurisdiction::CCPA,
        received: d("2026-03-02"),
        pauses: &[],
        extension: None,
    }
    .deadline();
    assert_eq!(deadline.acknowledge_by, Some(d("2026-03-16")));
}

#[test]
fn gdpr_pauses_move_the_due_date_ccpa_does_not() {
    let pauses = [Pause {
        from: d("2026-03-12"),
        to: Some(d("2026-03-19")),
        wait: Wait::Answer,
    }];
    let gdpr = Clock {
        opt_out: false,
        appeal: false,
        calendar: None,
        jurisdiction: Jurisdiction::GDPR,
        received: d("2026-03-10"),
        pauses: &pauses,
        extension: None,
    };
    assert_eq!(gdpr.deadline().due_on, d("2026-04-17"));
    let ccpa = Clock {
        opt_out: false,
        appeal: false,
        calendar: None,
        jurisdiction: Jurisdiction::CCPA,
        ..gdpr
    };
    assert_eq!(ccpa.deadline().due_on, d("2026-04-24"));
    assert!(
        ccpa.deadline()
            .explanation
            .join(" ")
            .contains("keeps running")
    );
}

#[test]
fn extensions_are_bounded_and_must_come_in_time() {
    let clock = Clock {
        opt_out: false,
        appeal: false,
        calendar: None,
        jurisdiction: Jurisdiction::CCPA,
        received: d("2026-03-01"),
        pauses: &[],
        extension: None,
    };
    assert!(
        clock
            .check_extension(d("2026-05-30"), d("2026-04-01"))
            .is_ok()
    );
    // 90 days is the most.
    assert!(
        clock
            .check_extension(d("2026-05-31"), d("2026-04-01"))
            .is_err()
    );
    // Not after the original 45 days ran out.
    assert!(matches!(
        clock.check_extension(d("2026-05-01"), d("2026-04-16")),
        Err(Error::NotAllowed(_))
    ));
    // Not earlier than the current due date.
    assert!(
        clock
            .check_extension(d("2026-04-10"), d("2026-04-01"))
            .is_err()
    );
    // Only once.
    let extended = Clock {
        opt_out: false,
        appeal: false,
        calendar: None,
        extension: Some(Extension {
            until: d("2026-05-01"),
            granted_on: d("2026-04-01"),
        }),
        ..clock
    };
    assert_eq!(extended.deadline().due_on, d("2026-05-01"));
    assert!(
        extended
            .check_extension(d("2026-05-10"), d("2026-04-02"))
            .is_err()
    );
    // LGPD, Québec and default allow none.
    for j in [
        Jurisdiction::LGPD,
        Jurisdiction::QUEBEC,
        Jurisdiction::DEFAULT,
    ] {
        let c = Clock {
            opt_out: false,
            appeal: false,
            calendar: None,
            jurisdiction: j,
            ..clock
        };
        assert!(matches!(
            c.check_extension(d("2026-03-20"), d("2026-03-02")),
            Err(Error::NotAllowed(_))
        ));
    }
}

#[test]
fn gdpr_extension_reaches_three_months() {
    let clock = Clock {
        opt_out: false,
        appeal: false,
        calendar: None,
        jurisdiction: Jurisdiction::GDPR,
        received: d("2026-03-10"),
        pauses: &[],
        extension: None,
    };
    assert_eq!(clock.deadline().latest_extension_on, Some(d("2026-06-10")));
    assert!(
        clock
            .check_extension(d("2026-06-10"), d("2026-03-20"))
            .is_ok()
    );
    assert!(
        clock
            .check_extension(d("2026-06-11"), d("2026-03-20"))
            .is_err()
    );
}

fn any_date() -> impl Strategy<Value = NaiveDate> {
    (1990i32..2100, 1u32..=366).prop_map(|(y, doy)| {
        NaiveDate::from_yo_opt(y, doy)
            .unwrap_or_else(|| NaiveDate::from_yo_opt(y, 365).unwrap_or_default())
    })
}

fn any_jurisdiction() -> impl Strategy<Value = Jurisdiction> {
    proptest::sample::select(Jurisdiction::ALL.to_vec())
}

fn any_pauses(received: NaiveDate) -> impl Strategy<Value = Vec<Pause>> {
    proptest::collection::vec((0i64..60, 0i64..40), 0..4).prop_map(move |spans| {
        let mut start = received;
        spans
            .into_iter()
            .map(|(gap, len)| {
                let from = plus_days(start, gap);
                let to = plus_days(from, len);
                start = to;
                Pause {
                    from,
                    to: Some(to),
                    wait: if gap % 2 == 0 {
                        Wait::Identity
                    } else {
                        Wait::Answer
                    },
                }
            })
            .collect()
    })
}

proptest! {
    #[test]
    fn due_date_is_never_before_receipt(j in any_jurisdiction(), received in any_date()) {
        let deadline = Clock { opt_out: false, appeal: false, calendar: None, jurisdiction: j, received, pauses: &[], extension: None }.deadline();
        prop_assert!(deadline.due_on > received);
        prop_assert!(deadline.latest_extension_on.is_none_or(|l| l >= deadline.due_on));
    }

    #[test]
    fn later_receipt_never_gives_earlier_due_date(j in any_jurisdiction(), a in any_date(), b in any_date()) {
        let (early, late) = if a <= b { (a, b) } else { (b, a) };
        let due_early = Clock { opt_out: false, appeal: false, calendar: None, jurisdiction: j, received: early, pauses: &[], extension: None }.deadline().due_on;
        let due_late = Clock { opt_out: false, appeal: false, calendar: None, jurisdiction: j, received: late, pauses: &[], extension: None }.deadline().due_on;
        prop_assert!(due_early <= due_late);
    }

    #[test]
    fn gdpr_due_dates_are_the_first_working_day_a_month_on(received in any_date()) {
        for j in [Jurisdiction::GDPR, Jurisdiction::UK_GDPR] {
            let due = Clock { opt_out: false, appeal: false, calendar: None, jurisdiction: j, received, pauses: &[], extension: None }.deadline().due_on;
            let calendar = j.rule().calendar.expect("GDPR names its calendar");
            // Never a weekend or a public holiday of the law's calendar…
            prop_assert!(calendar.is_working_day(due), "{due} is not a working day");
            // …and the first working day on or after the same date a month on.
            let month_later = Period::Months(1).end(received);
            prop_assert!(due >= month_later);
            let mut day = month_later;
            while day < due {
                prop_assert!(!calendar.is_working_day(day), "{day} was a working day before {due}");
                day = day.succ_opt().expect("a next day");
            }
            // Same day of the month, or the month's last day.
            prop_assert!(month_later.day() == received.day() || month_later.succ_opt().is_none_or(|n| n.day() == 1));
        }
    }

    #[test]
    fn pauses_never_bring_the_due_date_earlier(
        (j, received, pauses) in (any_jurisdiction(), any_date())
            .prop_flat_map(|(j, r)| (Just(j), Just(r), any_pauses(r)))
    ) {
        let plain = Clock { opt_out: false, appeal: false, calendar: None, jurisdiction: j, received, pauses: &[], extension: None }.deadline().due_on;
        let paused = Clock { opt_out: false, appeal: false, calendar: None, jurisdiction: j, received, pauses: &pauses, extension: None }.deadline().due_on;
        prop_assert!(paused >= plain);
        if !j.rule().pauses_for_requester {
            prop_assert_eq!(paused, plain);
        }
    }

    #[test]
    fn any_accepted_extension_lands_between_due_and_maximum(
        j in any_jurisdiction(), received in any_date(), ask in 0i64..120, day in 0i64..60,
    ) {
        let clock = Clock { opt_out: false, appeal: false, calendar: None, jurisdiction: j, received, pauses: &[], extension: None };
        let before = clock.deadline();
        let until = plus_days(received, ask);
        let today = plus_days(received, day);
        if clock.check_extension(until, today).is_ok() {
            let extended = Clock { extension: Some(Extension { until, granted_on: today }), ..clock }.deadline();
            prop_assert!(extended.due_on > before.due_on);
            prop_assert!(before.latest_extension_on.is_some_and(|l| extended.due_on <= l));
            prop_assert!(today <= before.statutory_due_on);
        }
    }

    #[test]
    fn business_days_skip_the_law_s_holidays(j in any_jurisdiction(), start in any_date(), n in 0u32..30) {
        let end = Clock { opt_out: false, appeal: false, calendar: None, jurisdiction: j, received: start, pauses: &[], extension: None }.business_days_after(start, n);
        let calendar = j.rule().calendar;
        let working = |d: NaiveDate| match calendar {
            Some(c) => c.is_working_day(d),
            None => !matches!(d.weekday(), Weekday::Sat | Weekday::Sun),
        };
        let counted = (1..=(end - start).num_days())
            .filter_map(|i| start.checked_add_days(Days::new(i as u64)))
            .filter(|&d| working(d))
            .count();
        prop_assert_eq!(counted as u32, n);
        prop_assert!(n == 0 || working(end));
    }

    #[test]
    fn business_days_skip_weekends(start in any_date(), n in 0u32..30) {
        let end = add_business_days(start, n);
        let weekdays = (1..=(end - start).num_days())
            .filter_map(|i| start.checked_add_days(Days::new(i as u64)))
            .filter(|d| !matches!(d.weekday(), Weekday::Sat | Weekday::Sun))
            .count();
        prop_assert_eq!(weekdays as u32, n);
    }
}

#[test]
fn uk_gdpr_starts_the_month_afresh_when_proof_of_identity_arrives_and_stops_it_for_a_clarification()
{
    // Received 2 March, ID asked for on 4 March, arrived 20 March: the month runs from 20 March
    // (Art. 12A; ICO: "within one month of receipt of … the information requested").
    let id = [Pause {
        from: d("2026-03-04"),
        to: Some(d("2026-03-20")),
        wait: Wait::Identity,
    }];
    let uk = Clock {
        opt_out: false,
        appeal: false,
        calendar: None,
        jurisdiction: Jurisdiction::UK_GDPR,
        received: d("2026-03-02"),
        pauses: &id,
        extension: None,
    };
    let deadline = uk.deadline();
    assert_eq!(deadline.due_on, d("2026-04-20"));
    // A pause would have given 2 April + 16 days = 18 April, a Saturday → 20 April too; the
    // extension shows the difference: three months from the start, not from receipt + 16 days.
    assert_eq!(deadline.latest_extension_on, Some(d("2026-06-22")));
    let explained = deadline.explanation.join("\n");
    assert!(
        explained.contains("Proof of identity arrived 2026-03-20"),
        "{explained}"
    );
    assert!(explained.contains("Art. 12A"), "{explained}");
    assert!(
        explained.contains("one calendar month from the proof of identity → 2026-04-20"),
        "{explained}"
    );
    // The same wait under the EU GDPR stops the clock instead: 16 days more from 2 April.
    let eu = Clock {
        jurisdiction: Jurisdiction::GDPR,
        ..uk
    };
    assert_eq!(eu.deadline().due_on, d("2026-04-20"));
    let from_31 = [Pause {
        from: d("2026-01-31"),
        to: Some(d("2026-03-01")),
        wait: Wait::Identity,
    }];
    let restart = Clock {
        received: d("2026-01-31"),
        pauses: &from_31,
        ..uk
    }
    .deadline();
    // From 1 March: 1 April. Stopping the clock instead: 28 Feb + 29 days = 29 March.
    assert_eq!(restart.due_on, d("2026-04-01"));
    let paused = Clock {
        received: d("2026-01-31"),
        pauses: &from_31,
        ..eu
    }
    .deadline();
    assert_eq!(paused.due_on, d("2026-03-30"));

    // While the proof is awaited the clock stands; the explanation says which rule.
    let waiting = [Pause {
        from: d("2026-03-04"),
        to: None,
        wait: Wait::Identity,
    }];
    let open = Clock {
        pauses: &waiting,
        ..uk
    }
    .deadline();
    assert!(open.paused);
    assert!(
        open.explanation
            .join(" ")
            .contains("starts afresh the day it arrives")
    );
    // A clarification stops the clock and names Art. 12A's stop-the-clock rule.
    let asked = [Pause {
        from: d("2026-03-10"),
        to: Some(d("2026-03-13")),
        wait: Wait::Answer,
    }];
    let clarified = Clock {
        pauses: &asked,
        ..uk
    }
    .deadline();
    // 2 April + 3 days = Easter Sunday 5 April; Easter Monday is a bank holiday → 7 April.
    assert_eq!(clarified.due_on, d("2026-04-07"));
    let explained = clarified.explanation.join(" ");
    assert!(
        explained.contains("waiting on the requester's answer (Art. 12A"),
        "{explained}"
    );
}

fn any_calendar() -> impl Strategy<Value = &'static Calendar> {
    let all = Calendar::all().unwrap_or(&[]);
    proptest::sample::select(all.iter().collect::<Vec<_>>())
}

proptest! {
    #[test]
    fn an_appeal_is_due_its_law_s_days_after_it_arrived_and_extends_within_them(
        j in any_jurisdiction(), arrived in any_date(), ask in 0i64..130,
    ) {
        let Some(rule) = j.appeal_rule() else {
            return Ok(());
        };
        let clock = Clock { opt_out: false, appeal: true, calendar: None, jurisdiction: j, received: arrived, pauses: &[], extension: None };
        let deadline = clock.deadline();
        prop_assert_eq!(deadline.due_on, rule.period.end(arrived));
        prop_assert_eq!(deadline.latest_extension_on, rule.extension.map(|e| rule.period.plus(e).end(arrived)));
        prop_assert!(deadline.explanation[0].starts_with("Appeal received"));
        let until = plus_days(arrived, ask);
        if clock.check_extension(until, arrived).is_ok() {
            prop_assert!(until > deadline.due_on);
            prop_assert!(deadline.latest_extension_on.is_some_and(|l| until <= l));
        }
    }

    #[test]
    fn a_company_calendar_keeps_a_shifted_due_date_off_its_own_holidays(
        received in any_date(), calendar in any_calendar(),
    ) {
        for j in [Jurisdiction::GDPR, Jurisdiction::UK_GDPR] {
            let clock = Clock { opt_out: false, appeal: false, calendar: Some(calendar), jurisdiction: j, received, pauses: &[], extension: None };
            let due = clock.deadline().due_on;
            prop_assert!(calendar.is_working_day(due), "{due} is a holiday in {}", calendar.name);
            prop_assert!(due >= Period::Months(1).end(received));
            prop_assert_eq!(clock.calendar().map(|c| c.name.as_str()), Some(calendar.name.as_str()));
        }
    }
}
