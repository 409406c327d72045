//! Use cases through the core API on real encrypted files: actions and their audit events,
//! the audit chain under tampering, search, import, export and the monthly report.

mod common;

use common::*;
use privacydesk_core::{
    Action, ActionInput, CaseFilter, DenialBasis, Error, Month, NewCase, Outcome, Result, State,
};

/// Undoes schemas 13 to 17 (the appeal's columns, the case's calendar, its revision, the outbox,
/// the intake), for tests that bring a database back to an older schema and let the migrations
/// run again.
const SCHEMAS_13_ON_UNDONE: &str = "DROP TABLE mailboxes;
    DROP TABLE intake;
    DROP TABLE outbox;
    DROP INDEX cases_by_appeal;
    ALTER TABLE cases DROP COLUMN appeal_received_on;
    ALTER TABLE cases DROP COLUMN appeal_due_on;
    ALTER TABLE cases DROP COLUMN appeal_extended_until;
    ALTER TABLE cases DROP COLUMN appeal_extension_granted_on;
    ALTER TABLE cases DROP COLUMN appeal_against;
    ALTER TABLE cases DROP COLUMN appeal_decided_on;
    ALTER TABLE cases DROP COLUMN appeal_granted;
    ALTER TABLE cases DROP COLUMN calendar;
    ALTER TABLE cases DROP COLUMN revision;
    ALTER TABLE cases DROP COLUMN updated_by;";

/// A fixture holding `count` demo cases (seeded), and all of them as the list returns them.
fn demo_cases(count: u64, seed: u64) -> Result<(Fixture, Vec<privacydesk_core::Case>)> {
    let mut fx = Fixture::new();
    fx.desk.seed_demo(count, seed, &mut |_| {})?;
    let cases = fx.desk.list(&CaseFilter::default())?;
    Ok((fx, cases.into_iter().map(|s| s.case).collect()))
}

fn event_count(fx: &Fixture, reference: &privacydesk_core::Reference) -> Result<usize> {
    Ok(fx.desk.case(reference)?.events.len())
}

#[test]
fn each_accepted_action_appends_one_event_and_a_refused_one_none() -> Result<()> {
    let mut fx = Fixture::new();
    let r = fx.new_case("access", "Ana Ruiz", "ana@example.com", "2026-06-01")?;
    assert_eq!(event_count(&fx, &r)?, 1, "created");
    fx.desk
        .act(&r, Action::RequestId, &ActionInput::default())?;
    assert_eq!(event_count(&fx, &r)?, 2);
    let refused = fx
        .desk
        .act(&r, Action::ConfirmDeletion, &ActionInput::default());
    assert!(matches!(refused, Err(Error::NotAllowed(_))));
    let no_reason = fx.desk.act(
        &r,
        Action::Close,
        &ActionInput {
            outcome: Some(Outcome::Denied),
            ..Default::default()
        },
    );
    assert!(matches!(no_reason, Err(Error::Invalid(_))));
    assert_eq!(event_count(&fx, &r)?, 2, "refusals write nothing");
    assert_eq!(fx.desk.case(&r)?.case.state, State::VerifyingIdentity);
    let view = fx.desk.act(
        &r,
        Action::Close,
        &ActionInput {
            outcome: Some(Outcome::Denied),
            denial_basis: Some(DenialBasis::IdentityNotVerified),
            reason: Some("No proof of identity after two reminders".into()),
            ..Default::default()
        },
    )?;
    assert_eq!(view.events.len(), 3);
    assert_eq!(
        view.events[2].text.as_deref(),
        Some("No proof of identity after two reminders")
    );
    assert_eq!(
        view.allowed_actions
            .iter()
            .map(|a| a.action)
            .collect::<Vec<_>>(),
        vec![Action::Reopen]
    );
    Ok(())
}

#[test]
fn events_replay_to_the_state_of_every_demo_case() -> Result<()> {
    let mut fx = Fixture::new();
    fx.desk.seed_demo(400, 11, &mut |_| {})?;
    for summary in fx.desk.list(&CaseFilter::default())? {
        let view = fx.desk.case(&summary.case.reference)?;
        let replayed = view
            .events
            .iter()
            .filter_map(|e| {
                e.details
                    .get("to")
                    .and_then(|s| s.as_str())
                    .map(String::from)
            })
            .next_back()
            .unwrap_or_else(|| "new".into());
        assert_eq!(
            replayed,
            view.case.state.as_str(),
            "{}",
            view.case.reference
        );
    }
    Ok(())
}

#[test]
fn the_audit_chain_names_the_first_edited_or_deleted_event() -> Result<()> {
    let mut fx = Fixture::file();
    let r = fx.new_case("access", "Ana Ruiz", "ana@example.com", "2026-06-01")?;
    fx.desk.act(&r, Action::Verify, &ActionInput::default())?;
    fx.desk.note(&r, "first call")?;
    fx.desk.act(
        &r,
        Action::Close,
        &ActionInput {
            outcome: Some(Outcome::Fulfilled),
            without_letter: true,
            ..Default::default()
        },
    )?;
    assert!(fx.desk.verify()?.is_ok());

    let conn = raw(&fx.path);
    let blocked = conn.execute("UPDATE events SET actor = 'mallory' WHERE seq = 2", []);
    assert!(blocked.is_err(), "ordinary updates are refused");
    assert!(
        conn.execute("DELETE FROM events WHERE seq = 2", [])
            .is_err(),
        "ordinary deletes are refused"
    );
    conn.execute_batch(
        "DROP TRIGGER events_are_never_updated; DROP TRIGGER events_are_never_deleted;
         UPDATE events SET details = replace(details, 'fulfilled', 'denied') WHERE seq = 4;",
    )?;
    drop(conn);
    fx.reopen()?;
    let report = fx.desk.verify()?;
    assert_eq!(
        report.chain.broken.as_ref().map(|b| b.seq),
        Some(4),
        "{report:?}"
    );

    let conn = raw(&fx.path);
    conn.execute_batch("DELETE FROM events WHERE seq = 2;")?;
    drop(conn);
    fx.reopen()?;
    assert_eq!(fx.desk.verify()?.chain.broken.map(|b| b.seq), Some(3));
    Ok(())
}

#[test]
fn cutting_events_off_the_end_is_noticed() -> Result<()> {
    let mut fx = Fixture::file();
    let r = fx.new_case("inquiry", "Ana Ruiz", "ana@example.com", "2026-06-01")?;
    fx.desk.note(&r, "one")?;
    let conn = raw(&fx.path);
    conn.execute_batch("DROP TRIGGER events_are_never_deleted; DELETE FROM events WHERE seq = 2;")?;
    drop(conn);
    fx.reopen()?;
    let broken = fx.desk.verify()?.chain.broken;
    assert!(broken.is_some_and(|b| b.problem.contains("cut off")));
    Ok(())
}

#[test]
fn search_finds_by_reference_name_email_details_and_notes() -> Result<()> {
    let mut fx = Fixture::new();
    let ana = fx.desk.new_case(&NewCase {
        kind: "erasure".into(),
        name: "Ana Müller".into(),
        email: "ana.mueller@example.com".into(),
        details: Some("Delete my newsletter profile".into()),
        ..NewCase::default()
    })?;
    let ben = fx.new_case("access", "Ben Okafor", "ben@example.org", "2026-06-02")?;
    fx.desk
        .note(&ben, "Called back on Tuesday about the invoice")?;
    let find = |fx: &Fixture, text: &str| -> Result<Vec<String>> {
        let filter = CaseFilter {
            search: Some(text.into()),
            ..CaseFilter::default()
        };
        Ok(fx
            .desk
            .list(&filter)?
            .into_iter()
            .map(|c| c.case.reference.to_string())
            .collect())
    };
    assert_eq!(
        find(&fx, "muller")?,
        vec![ana.to_string()],
        "diacritics ignored"
    );
    assert_eq!(find(&fx, "ana.mueller@example.com")?, vec![ana.to_string()]);
    // A whole address or reference is an index lookup: any case of letters, spaces around.
    assert_eq!(
        find(&fx, " ANA.Mueller@Example.COM ")?,
        vec![ana.to_string()]
    );
    assert_eq!(
        find(&fx, "ana.mueller@exa")?,
        vec![ana.to_string()],
        "typing, by prefix"
    );
    assert!(find(&fx, "ana@example.com")?.is_empty(), "another address");
    assert_eq!(find(&fx, ben.as_str())?, vec![ben.to_string()]);
    assert_eq!(
        find(&fx, &ben.as_str().to_lowercase())?,
        vec![ben.to_string()]
    );
    assert_eq!(find(&fx, "invoice")?, vec![ben.to_string()]);
    assert_eq!(find(&fx, "newslet")?, vec![ana.to_string()], "prefix");
    assert!(
        find(&fx, "\"unbalanced AND (")?.is_empty(),
        "FTS syntax is never passed through"
    );
    assert_eq!(find(&fx, "   ")?.len(), 2, "blank search filters nothing");
    Ok(())
}

#[test]
fn hostile_text_is_kept_verbatim_or_refused_with_a_reason() -> Result<()> {
    let mut fx = Fixture::new();
    for name in [
        "<img src=x onerror=alert(1)>",
        "=HYPERLINK(\"http://evil\",\"x\")",
        "שלום עולם",
        "🙂 Zoë",
    ] {
        let r = fx.new_case("inquiry", name, "x@example.com", "2026-06-01")?;
        assert_eq!(fx.desk.case(&r)?.case.requester.name, name);
    }
    let long = "x".repeat(10_000);
    let err = fx
        .new_case("inquiry", &long, "x@example.com", "2026-06-01")
        .err()
        .map(|e| e.to_string());
    assert!(err.is_some_and(|e| e.contains("at most 500")));
    let err = fx
        .new_case("inquiry", "nul\0name", "x@example.com", "2026-06-01")
        .err()
        .map(|e| e.to_string());
    assert!(err.is_some_and(|e| e.contains("control character")));
    let err = fx
        .new_case("inquiry", "Ana", "x@example.com", "2026-07-01")
        .err()
        .map(|e| e.to_string());
    assert!(err.is_some_and(|e| e.contains("future")));
    Ok(())
}

#[test]
fn an_import_with_one_bad_row_imports_nothing_and_names_the_lines() -> Result<()> {
    let mut fx = Fixture::new();
    let file = fx.dir.path().join("intake.csv");
    let write = |text: &str| std::fs::write(&file, text).map_err(|e| Error::io("write", e));
    write(
        "name,email,kind,received,minor\nAna,ana@example.com,access,2026-06-01,no\nBen,not-an-email,access,2026-06-01,no\nCleo,c@example.com,teleport,2026-06-01,yes\n",
    )?;
    match fx.desk.import_csv(&file) {
        Err(Error::ImportRejected(rows)) => {
            assert_eq!(rows.iter().map(|r| r.line).collect::<Vec<_>>(), vec![3, 4]);
        }
        other => panic!("expected rejection, got {other:?}"),
    }
    assert_eq!(fx.desk.count(&CaseFilter::default())?, 0);
    write(
        "name,email,kind,received,jurisdiction,details\nAna,ana@example.com,access,2026-06-01,ccpa,\"multi\nline\"\nBen,ben@example.com,erasure,2026-06-02,,\n",
    )?;
    let summary = fx.desk.import_csv(&file)?;
    assert_eq!(summary.references.len(), 2);
    assert_eq!(
        fx.desk.case(&summary.references[0])?.case.details,
        "multi\nline"
    );
    Ok(())
}

#[test]
fn the_case_export_neutralises_formulas_and_round_trips() -> Result<()> {
    let mut fx = Fixture::new();
    fx.new_case(
        "access",
        "=HYPERLINK(\"http://evil\")",
        "ana@example.com",
        "2026-06-01",
    )?;
    fx.new_case("erasure", "@SUM(A1)", "ben@example.com", "2026-05-01")?;
    let out = fx.dir.path().join("cases.csv");
    let summary = fx
        .desk
        .export_cases(&CaseFilter::default(), &out, true, &mut |_| {})?;
    assert_eq!(summary.rows, 2);
    let bytes = std::fs::read(&out).map_err(|e| Error::io("read", e))?;
    assert!(bytes.starts_with("\u{feff}".as_bytes()), "BOM");
    let mut reader = csv::Reader::from_reader(&bytes[3..]);
    let headers = reader.headers()?.clone();
    assert_eq!(
        headers.iter().collect::<Vec<_>>(),
        privacydesk_core::files::case_csv::CASE_COLUMNS.to_vec()
    );
    let names: Vec<String> = reader
        .records()
        .map(|r| r.map(|r| r[17].to_string()))
        .collect::<Result<_, _>>()?;
    // In the order the cases were opened.
    assert_eq!(names, vec!["'=HYPERLINK(\"http://evil\")", "'@SUM(A1)"]);
    assert_eq!(
        privacydesk_core::files::csv_safe::restore(&names[0]),
        "=HYPERLINK(\"http://evil\")"
    );
    assert_eq!(
        summary.chain_head,
        fx.desk.store().chain_head()?.0,
        "the export is on the record"
    );

    let filtered = fx.desk.export_cases(
        &CaseFilter {
            kind: Some(privacydesk_core::Kind::Erasure),
            ..CaseFilter::default()
        },
        &out,
        false,
        &mut |_| {},
    )?;
    assert_eq!(filtered.rows, 1);
    let folder = fx.dir.path().join("no-such-folder").join("x.csv");
    let missing = fx
        .desk
        .export_cases(&CaseFilter::default(), &folder, false, &mut |_| {});
    assert!(
        matches!(&missing, Err(Error::Invalid(m)) if m.contains("does not exist")),
        "{missing:?}"
    );
    Ok(())
}

#[test]
fn the_monthly_report_counts_what_happened_in_the_month() -> Result<()> {
    let mut fx = Fixture::new();
    fx.desk.set_today(date("2026-05-20"));
    let a = fx.new_case("access", "Ana", "a@example.com", "2026-05-04")?;
    let b = fx.new_case("access", "Ben", "b@example.com", "2026-05-06")?;
    let _c = fx.new_case("erasure", "Cleo", "c@example.com", "2026-05-08")?;
    fx.desk.act(&a, Action::Verify, &ActionInput::default())?;
    fx.desk.act(
        &a,
        Action::Close,
        &ActionInput {
            outcome: Some(Outcome::Fulfilled),
            without_letter: true,
            ..Default::default()
        },
    )?;
    fx.desk.act(
        &b,
        Action::Close,
        &ActionInput {
            outcome: Some(Outcome::Denied),
            denial_basis: Some(DenialBasis::Exemption),
            reason: Some("legal privilege".into()),
            ..Default::default()
        },
    )?;
    let rows = fx.desk.monthly_rows(Month::parse("2026-05")?)?;
    let access = rows
        .iter()
        .find(|r| r.kind == "access")
        .cloned()
        .unwrap_or_default();
    assert_eq!(
        (
            access.received,
            access.closed,
            access.fulfilled,
            access.denied
        ),
        (2, 2, 1, 1)
    );
    assert_eq!(
        access.denied_by_reason.get(&DenialBasis::Exemption),
        Some(&1)
    );
    assert_eq!(access.closed_on_time, 2);
    assert_eq!(access.median_days_to_close, Some(15.0));
    let all = rows.last().cloned().unwrap_or_default();
    assert_eq!(
        (all.kind.as_str(), all.received, all.open_at_month_end),
        ("all", 3, 1)
    );
    assert_eq!(fx.desk.report_months()?, vec!["2026-05".to_string()]);
    let out = fx.dir.path().join("may.csv");
    fx.desk.monthly_report(Month::parse("2026-05")?, &out)?;
    let text = std::fs::read_to_string(&out).map_err(|e| Error::io("read", e))?;
    assert!(
        text.lines()
            .any(|l| l.starts_with("2026-05,access,2,2,1,0,1,0,0,0,1,0,0,0,0,0,0,2,15,")),
        "{text}"
    );
    Ok(())
}

#[test]
fn the_overview_counts_states_deadlines_customers_and_agents() -> Result<()> {
    let mut fx = Fixture::new();
    let late = fx.new_case("access", "Ana", "a@example.com", "2026-04-01")?;
    let _fresh = fx.desk.new_case(&NewCase {
        kind: "erasure".into(),
        name: "Ben".into(),
        email: "b@example.com".into(),
        customer: Some("Acme".into()),
        ..NewCase::default()
    })?;
    let done = fx.new_case("inquiry", "Cleo", "c@example.com", "2026-06-01")?;
    fx.desk.act(
        &late,
        Action::Assign,
        &ActionInput {
            to: Some("sam".into()),
            ..Default::default()
        },
    )?;
    fx.desk.act(
        &done,
        Action::Close,
        &ActionInput {
            outcome: Some(Outcome::Withdrawn),
            ..Default::default()
        },
    )?;
    let overview = fx.desk.overview()?;
    assert_eq!(overview.by_state.get(&State::New), Some(&2));
    assert_eq!(overview.by_state.get(&State::Closed), Some(&1));
    assert_eq!(overview.by_state.get(&State::DeletionScheduled), Some(&0));
    assert_eq!(
        (overview.open, overview.overdue, overview.due_soon),
        (2, 1, 1)
    );
    assert_eq!(overview.customers, vec![("Acme".to_string(), 1)]);
    assert_eq!(
        overview.open_by_kind.get(&privacydesk_core::Kind::Erasure),
        Some(&1)
    );
    assert_eq!(
        overview.open_by_kind.get(&privacydesk_core::Kind::Inquiry),
        Some(&0)
    );
    assert_eq!(overview.assignees, vec![("sam".to_string(), 1)]);
    Ok(())
}

/// The export reads stored columns, not whole cases: every row must still say what the case
/// itself says (state, dates, on time, days to close, overdue, minor, requester).
#[test]
fn every_exported_row_matches_its_case() -> Result<()> {
    let mut fx = Fixture::new();
    fx.desk.seed_demo(1_500, 11, &mut |_| {})?;
    let today = fx.desk.today();
    let out = fx.dir.path().join("all.csv");
    let summary = fx
        .desk
        .export_cases(&CaseFilter::default(), &out, false, &mut |_| {})?;
    assert_eq!(summary.rows, 1_500);
    let mut reader = csv::Reader::from_path(&out)?;
    let mut previous = None;
    let mut seen = 0;
    for record in reader.records() {
        let record = record?;
        let cell = |i: usize| privacydesk_core::files::csv_safe::restore(&record[i]).to_string();
        let reference: privacydesk_core::Reference = cell(0).parse()?;
        let case = fx.desk.case(&reference)?.case;
        let date = |d: Option<chrono::NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
        let yes_no = |b: bool| if b { "yes" } else { "no" }.to_string();
        let expected = [
            case.reference.to_string(),
            case.kind.to_string(),
            case.state.to_string(),
            case.outcome.map(|o| o.to_string()).unwrap_or_default(),
            case.denial_basis.map(|o| o.to_string()).unwrap_or_default(),
            case.received_on.to_string(),
            case.due_on.to_string(),
            date(case.extension.map(|e| e.until)),
            date(case.closed_on),
            case.closed_on_time().map(yes_no).unwrap_or_default(),
            case.closed_on
                .map(|c| (c - case.received_on).num_days().to_string())
                .unwrap_or_default(),
            yes_no(case.is_overdue(today)),
            case.jurisdiction.to_string(),
            case.channel.to_string(),
            case.customer.clone().unwrap_or_default(),
            case.assignee.clone().unwrap_or_default(),
            yes_no(case.requester.is_minor),
            case.requester.name.clone(),
            case.requester.email.to_string(),
        ];
        let got: Vec<String> = (0..expected.len()).map(cell).collect();
        assert_eq!(got, expected.to_vec(), "{reference}");
        // Opened order: ids only grow.
        assert!(previous < Some(case.id.0), "{reference} out of order");
        previous = Some(case.id.0);
        seen += 1;
    }
    assert_eq!(seen, 1_500);
    Ok(())
}

/// The reports count index ranges with their own code; every figure must still be what the
/// cases themselves say, for a month and for a year of demo history.
#[test]
fn monthly_and_yearly_figures_match_the_cases() -> Result<()> {
    use chrono::Datelike;
    use privacydesk_core::domain::reports::stats::median;
    use privacydesk_core::{Kind, Year};
    let (fx, cases) = demo_cases(2_000, 5)?;
    let today = fx.desk.today();
    let month_start = today
        .with_day(1)
        .and_then(|d| d.checked_sub_months(chrono::Months::new(2)))
        .ok_or_else(|| Error::invalid("date"))?;
    let month = Month::parse(&month_start.format("%Y-%m").to_string())?;
    let (first, last) = (month.first(), month.last());
    let rows = fx.desk.monthly_rows(month)?;
    for kind in Kind::ALL {
        let row = rows
            .iter()
            .find(|r| r.kind == kind.as_str())
            .ok_or_else(|| Error::invalid("row"))?;
        let of_kind = || cases.iter().filter(|c| c.kind == *kind);
        let in_month = |d: chrono::NaiveDate| first <= d && d <= last;
        let closed: Vec<_> = of_kind()
            .filter(|c| c.closed_on.is_some_and(in_month))
            .collect();
        let open_at_end: Vec<_> = of_kind()
            .filter(|c| c.received_on <= last && c.closed_on.is_none_or(|d| d > last))
            .collect();
        let mut days: Vec<i64> = closed
            .iter()
            .filter_map(|c| c.answered_on().map(|d| (d - c.received_on).num_days()))
            .collect();
        days.sort_unstable();
        // A request in appeal was answered with the refusal it is appealed against.
        let answered =
            |c: &privacydesk_core::Case| c.outcome.or(c.appeal.as_ref().map(|a| a.against));
        let outcome = |o| closed.iter().filter(|c| answered(c) == Some(o)).count() as u64;
        assert_eq!(
            row.received,
            of_kind().filter(|c| in_month(c.received_on)).count() as u64
        );
        assert_eq!(row.closed, closed.len() as u64, "{kind}");
        assert_eq!(row.fulfilled, outcome(Outcome::Fulfilled), "{kind}");
        assert_eq!(
            row.partially_fulfilled,
            outcome(Outcome::PartiallyFulfilled)
        );
        assert_eq!(row.denied, outcome(Outcome::Denied), "{kind}");
        assert_eq!(row.withdrawn, outcome(Outcome::Withdrawn), "{kind}");
        assert_eq!(row.merged, outcome(Outcome::Merged), "{kind}");
        assert_eq!(
            row.extended,
            of_kind()
                .filter(|c| c.extension.is_some_and(|e| in_month(e.granted_on)))
                .count() as u64
        );
        assert_eq!(
            row.closed_on_time,
            closed
                .iter()
                .filter(|c| c.closed_on_time() == Some(true))
                .count() as u64
        );
        assert_eq!(row.median_days_to_close, median(&days), "{kind}");
        assert_eq!(row.open_at_month_end, open_at_end.len() as u64, "{kind}");
        let overdue = open_at_end
            .iter()
            .filter(|c| {
                c.due_on < last
                    && c.purge_on
                        .is_none_or(|p| p < last && c.legal_hold.is_none())
            })
            .count() as u64;
        assert_eq!(row.overdue_at_month_end, overdue, "{kind}");
    }
    assert!(rows.iter().any(|r| r.closed > 0), "the month has closings");

    let year = Year::parse(&(today.year() - 1).to_string())?;
    let in_year = |d: chrono::NaiveDate| d.year() == today.year() - 1;
    let metrics = fx.desk.yearly_rows(year)?;
    for kind in Kind::ALL {
        let row = metrics
            .iter()
            .find(|r| r.kind == kind.as_str())
            .ok_or_else(|| Error::invalid("row"))?;
        // The rule, from whole cases: an answer on the merits counts on the day it was given
        // (a scheduled deletion's day for an account closure, closed or not); a withdrawal or
        // merge on its closing day.
        let on_merits = |o: Option<Outcome>| {
            matches!(
                o,
                Some(Outcome::Fulfilled | Outcome::PartiallyFulfilled | Outcome::Denied)
            )
        };
        let counted: Vec<(Outcome, Option<i64>)> = cases
            .iter()
            .filter(|c| c.kind == *kind)
            .filter_map(|c| {
                let outcome = match (c.state, c.outcome) {
                    (State::DeletionScheduled, _) if c.legal_hold.is_some() => {
                        Outcome::PartiallyFulfilled
                    }
                    (State::DeletionScheduled, _) => Outcome::Fulfilled,
                    (State::Closed, Some(o)) => o,
                    (State::InAppeal, None) => c.appeal.as_ref()?.against,
                    _ => return None,
                };
                let day = if on_merits(Some(outcome)) {
                    c.purge_on
                        .map(|p| p - chrono::Days::new(30))
                        .or(c.closed_on)?
                } else {
                    c.closed_on?
                };
                in_year(day).then(|| {
                    let days = on_merits(Some(outcome)).then(|| (day - c.received_on).num_days());
                    (outcome, days)
                })
            })
            .collect();
        let outcome = |o| counted.iter().filter(|(got, _)| *got == o).count() as u64;
        let received = cases
            .iter()
            .filter(|c| c.kind == *kind && in_year(c.received_on))
            .count() as u64;
        assert_eq!(row.received, received, "{kind}");
        assert_eq!(row.complied_in_whole, outcome(Outcome::Fulfilled), "{kind}");
        assert_eq!(row.complied_in_part, outcome(Outcome::PartiallyFulfilled));
        assert_eq!(row.denied, outcome(Outcome::Denied), "{kind}");
        assert_eq!(row.withdrawn, outcome(Outcome::Withdrawn), "{kind}");
        assert_eq!(row.merged, outcome(Outcome::Merged), "{kind}");
        let mut days: Vec<i64> = counted.iter().filter_map(|(_, d)| *d).collect();
        days.sort_unstable();
        assert_eq!(row.median_days_to_respond, median(&days), "{kind}");
    }
    Ok(())
}

/// CCPA §7102 counts a request in the year it was answered. An account closure is answered
/// the day its deletion is scheduled: it belongs to that year even when the purge is confirmed
/// in the next, or a legal hold keeps it open; a revocation counts when it happens.
#[test]
fn yearly_metrics_count_a_deletion_in_the_year_it_was_scheduled() -> Result<()> {
    use privacydesk_core::Year;
    let mut fx = Fixture::new();
    fx.desk.set_today(date("2025-12-10"));
    let mut scheduled = Vec::new();
    for n in 0..4 {
        let r = fx.new_case(
            "account_closure",
            "Ana Ruiz",
            &format!("ana{n}@example.com"),
            "2025-12-01",
        )?;
        fx.desk.act(&r, Action::Verify, &ActionInput::default())?;
        fx.desk
            .act(&r, Action::ScheduleDeletion, &ActionInput::default())?;
        scheduled.push(r);
    }
    let [_pending, held, confirmed, revoked] = &scheduled[..] else {
        return Err(Error::invalid("four cases"));
    };
    let reason = |text: &str| ActionInput {
        reason: Some(text.into()),
        ..ActionInput::default()
    };
    fx.desk
        .act(held, Action::Hold, &reason("tax records, 10 years"))?;
    let denied = fx.new_case("access", "Bo Li", "bo@example.com", "2025-11-01")?;
    fx.desk.act(
        &denied,
        Action::Close,
        &ActionInput {
            outcome: Some(Outcome::Denied),
            denial_basis: Some(DenialBasis::IdentityNotVerified),
            reason: Some("identity could not be verified".into()),
            ..ActionInput::default()
        },
    )?;
    fx.desk.set_today(date("2026-01-09"));
    fx.desk.act(confirmed, Action::ConfirmDeletion, &told())?;
    fx.desk.act(
        revoked,
        Action::Close,
        &ActionInput {
            outcome: Some(Outcome::Withdrawn),
            reason: Some("the person changed their mind".into()),
            ..ActionInput::default()
        },
    )?;
    fx.desk.set_today(date("2026-02-01"));
    let row = |year: &str, kind: &str| -> Result<privacydesk_core::domain::reports::YearlyRow> {
        fx.desk
            .yearly_rows(Year::parse(year)?)?
            .into_iter()
            .find(|r| r.kind == kind)
            .ok_or_else(|| Error::invalid("row"))
    };
    let closures = row("2025", "account_closure")?;
    assert_eq!(closures.received, 4);
    // The pending and the confirmed deletion in whole, the held one in part.
    assert_eq!(
        (
            closures.complied_in_whole,
            closures.complied_in_part,
            closures.withdrawn
        ),
        (2, 1, 0)
    );
    assert_eq!(closures.median_days_to_respond, Some(9.0));
    let access = row("2025", "access")?;
    assert_eq!(
        (access.denied, access.median_days_to_respond),
        (1, Some(39.0))
    );
    let next = row("2026", "account_closure")?;
    assert_eq!(
        (
            next.complied_in_whole,
            next.complied_in_part,
            next.withdrawn
        ),
        (0, 0, 1)
    );
    assert_eq!(next.median_days_to_respond, None);
    Ok(())
}

/// A search with thousands of matches takes the other plan (walking the queue and keeping the
/// matches); its page must be the same as filtering every case by hand.
#[test]
fn a_search_with_thousands_of_matches_pages_like_one_with_few() -> Result<()> {
    let (fx, all) = demo_cases(3_000, 9)?;
    for (word, state) in [("example", State::InProgress), ("example", State::Closed)] {
        let expected: Vec<String> = all
            .iter()
            .filter(|c| c.state == state && c.requester.email.as_str().contains(word))
            .map(|c| c.reference.to_string())
            .take(50)
            .collect();
        assert!(expected.len() >= 10, "{word} {state}: too few to compare");
        let filter = CaseFilter {
            state: Some(state),
            search: Some(word.into()),
            limit: Some(50),
            ..CaseFilter::default()
        };
        let got: Vec<String> = fx
            .desk
            .list(&filter)?
            .into_iter()
            .map(|s| s.case.reference.to_string())
            .collect();
        assert_eq!(got, expected, "{word} in {state}");
        let matches = all
            .iter()
            .filter(|c| c.requester.email.as_str().contains(word))
            .count();
        assert!(
            matches > 2_000,
            "the broad plan is exercised ({matches} matches)"
        );
    }
    Ok(())
}

/// The list (and so every search) shows each open case before any closed one, a held deletion
/// after the other open cases, and closed cases the most recently closed first.
#[test]
fn open_cases_come_first_and_closed_ones_newest_first() -> Result<()> {
    let (_fx, cases) = demo_cases(800, 3)?;
    let group = |c: &privacydesk_core::Case| match c.state {
        State::Closed => 2,
        State::DeletionScheduled if c.legal_hold.is_some() => 1,
        _ => 0,
    };
    let groups: Vec<u8> = cases.iter().map(group).collect();
    assert!(groups.is_sorted(), "open, held, then closed");
    assert!(groups.contains(&0) && groups.contains(&1) && groups.contains(&2));
    let closings: Vec<_> = cases.iter().filter_map(|c| c.closed_on).collect();
    assert!(closings.is_sorted_by(|a, b| a >= b), "latest closing first");
    let open_due: Vec<_> = cases
        .iter()
        .filter(|c| group(c) == 0)
        .filter_map(|c| c.attention_on())
        .collect();
    assert!(open_due.is_sorted(), "open cases soonest first");
    Ok(())
}

/// Migration 008 rewrites the sort keys of a database made before it: its SQL must give
/// exactly the key the code gives each case.
#[test]
fn migration_008_sorts_an_older_database_like_the_code_does() -> Result<()> {
    let mut fx = Fixture::file();
    fx.desk.seed_demo(600, 4, &mut |_| {})?;
    let conn = raw(&fx.path);
    // The keys as schema 7 wrote them: the due date when closed, 9999-12-31 when held.
    conn.execute_batch(
        "UPDATE cases SET queue_on = due_on WHERE state = 'closed';
         UPDATE cases SET queue_on = '9999-12-31' WHERE queue_on = '8999-12-31';",
    )?;
    conn.execute_batch(include_str!(
        "../migrations/sqlcipher/008_closed_cases_last.sql"
    ))?;
    let mut stmt = conn.prepare("SELECT reference, queue_on FROM cases")?;
    let stored: std::collections::HashMap<String, String> = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let cases = fx.desk.list(&CaseFilter::default())?;
    assert_eq!(cases.len(), stored.len());
    for summary in &cases {
        let case = &summary.case;
        assert_eq!(
            stored.get(case.reference.as_str()).map(String::as_str),
            Some(case.queue_on().to_string().as_str()),
            "{} {}",
            case.reference,
            case.state
        );
    }
    Ok(())
}

/// Migration 009 adds the identity column to a database made before it: every case with a
/// `verify` event counts as verified, every other as unchecked, as the code would have set.
#[test]
fn migration_009_marks_the_verified_cases_of_an_older_database() -> Result<()> {
    use privacydesk_core::Identity;
    let mut fx = Fixture::file();
    fx.desk.seed_demo(300, 9, &mut |_| {})?;
    // Cases nobody has verified yet, beside the demo's worked ones.
    for n in 0..3 {
        fx.new_case(
            "access",
            "Ana Ruiz",
            &format!("ana{n}@example.com"),
            "2026-06-01",
        )?;
    }
    let cases = fx.desk.list(&CaseFilter::default())?;
    let conn = raw(&fx.path);
    conn.execute_batch(&format!(
        "ALTER TABLE cases DROP COLUMN identity;
         ALTER TABLE cases DROP COLUMN agent_name;
         ALTER TABLE cases DROP COLUMN agent_proof;
         {SCHEMAS_13_ON_UNDONE}
         PRAGMA user_version = 8;",
    ))?;
    drop(conn);
    fx.reopen()?;
    let mut verified = 0;
    for summary in &cases {
        let view = fx.desk.case(&summary.case.reference)?;
        let was_verified = view.events.iter().any(|e| e.action == "verify");
        let expected = if was_verified {
            Identity::Verified
        } else {
            Identity::Unchecked
        };
        assert_eq!(view.case.identity, expected, "{}", view.case.reference);
        verified += usize::from(was_verified);
    }
    assert!(
        verified > 100 && verified < cases.len(),
        "{verified} of {}",
        cases.len()
    );
    Ok(())
}

/// Schema 10 moves GDPR and UK GDPR due dates off public holidays: a database made before it
/// has each such due date worked out again when it is opened, and nothing else changes.
#[test]
fn migration_010_moves_stored_due_dates_off_public_holidays() -> Result<()> {
    let mut fx = Fixture::file();
    fx.desk.set_today(date("2026-03-20"));
    let holiday = NewCase {
        kind: "access".into(),
        name: "Ana Ruiz".into(),
        email: "ana@example.com".into(),
        received: Some("2026-03-03".into()),
        jurisdiction: Some("uk-gdpr".into()),
        ..NewCase::default()
    };
    let easter = fx.desk.new_case(&holiday)?;
    let plain = fx.new_case("access", "Ben Ode", "ben@example.com", "2026-03-04")?;
    let before_plain = fx.desk.case(&plain)?.case.due_on;
    assert_eq!(fx.desk.case(&easter)?.case.due_on, date("2026-04-07"));
    let conn = raw(&fx.path);
    // As schema 9 stored it: a month on, off the weekend only (3 April, Good Friday).
    conn.execute(
        "UPDATE cases SET due_on = '2026-04-03', attention_on = '2026-04-03',
             queue_on = '2026-04-03' WHERE reference = ?1",
        [easter.as_str()],
    )?;
    conn.execute_batch(&format!(
        "ALTER TABLE cases DROP COLUMN agent_name;
         ALTER TABLE cases DROP COLUMN agent_proof;
         {SCHEMAS_13_ON_UNDONE}
         PRAGMA user_version = 9;",
    ))?;
    drop(conn);
    fx.reopen()?;
    fx.desk.set_today(date("2026-03-20"));
    let moved = fx.desk.case(&easter)?;
    assert_eq!(moved.case.due_on, date("2026-04-07"));
    assert_eq!(moved.attention_on, Some(date("2026-04-07")));
    assert_eq!(fx.desk.case(&plain)?.case.due_on, before_plain);
    let conn = raw(&fx.path);
    let queue: String = conn.query_row(
        "SELECT queue_on FROM cases WHERE reference = ?1",
        [easter.as_str()],
        |r| r.get(0),
    )?;
    assert_eq!(queue, "2026-04-07");
    Ok(())
}

#[test]
fn an_opt_out_signal_needs_no_identity_check_and_no_letter() -> Result<()> {
    use privacydesk_core::Identity;
    use privacydesk_core::domain::next::Step;
    let mut fx = Fixture::new();
    fx.desk.set_today(date("2026-11-23"));
    let signal = |kind: &str| NewCase {
        kind: kind.into(),
        name: "Browser user".into(),
        email: "gpc@example.com".into(),
        received: Some("2026-11-20".into()),
        jurisdiction: Some("ccpa".into()),
        channel: Some("signal".into()),
        ..NewCase::default()
    };
    let refused = fx.desk.new_case(&signal("access"));
    assert!(matches!(refused, Err(Error::Invalid(why)) if why.contains("only opts out")));
    let r = fx.desk.new_case(&signal("marketing-opt-out"))?;
    let view = fx.desk.case(&r)?;
    assert_eq!(view.case.identity, Identity::NotNeeded);
    assert_eq!(
        view.case.due_on,
        date("2026-12-14"),
        "15 business days, Thanksgiving skipped"
    );
    assert_eq!(view.next.map(|n| n.step), Some(Step::Action(Action::Close)));
    assert!(
        !view
            .allowed_actions
            .iter()
            .any(|s| s.action == Action::RequestId)
    );
    let close = view
        .allowed_actions
        .iter()
        .find(|s| s.action == Action::Close)
        .ok_or_else(|| Error::invalid("close offered"))?;
    assert!(close.unsent_answer.is_none(), "no letter is asked for");
    let closed = fx.desk.act(
        &r,
        Action::Close,
        &ActionInput {
            outcome: Some(Outcome::Fulfilled),
            ..Default::default()
        },
    )?;
    assert_eq!(closed.case.outcome, Some(Outcome::Fulfilled));
    Ok(())
}

/// Schema 11 counts a CCPA opt-out in 15 business days: an older database's opt-outs get
/// their due dates worked out again, and nothing else changes.
#[test]
fn migration_011_gives_ccpa_opt_outs_their_business_day_deadline() -> Result<()> {
    let mut fx = Fixture::file();
    fx.desk.set_today(date("2026-11-23"));
    let opt_out = fx.desk.new_case(&NewCase {
        kind: "marketing-opt-out".into(),
        name: "Ana Ruiz".into(),
        email: "ana@example.com".into(),
        received: Some("2026-11-20".into()),
        jurisdiction: Some("ccpa".into()),
        ..NewCase::default()
    })?;
    let access = fx.new_case("access", "Ben Ode", "ben@example.com", "2026-11-20")?;
    let access_due = fx.desk.case(&access)?.case.due_on;
    let conn = raw(&fx.path);
    // As schema 10 stored it: 45 calendar days.
    conn.execute(
        "UPDATE cases SET due_on = '2027-01-04', attention_on = '2027-01-04',
             queue_on = '2027-01-04' WHERE reference = ?1",
        [opt_out.as_str()],
    )?;
    conn.execute_batch(&format!(
        "ALTER TABLE cases DROP COLUMN agent_name;
         ALTER TABLE cases DROP COLUMN agent_proof;
         {SCHEMAS_13_ON_UNDONE}
         PRAGMA user_version = 10;",
    ))?;
    drop(conn);
    fx.reopen()?;
    fx.desk.set_today(date("2026-11-23"));
    assert_eq!(fx.desk.case(&opt_out)?.case.due_on, date("2026-12-14"));
    assert_eq!(fx.desk.case(&access)?.case.due_on, access_due);
    Ok(())
}

#[test]
fn an_access_request_is_fulfilled_only_once_verified_and_answered() -> Result<()> {
    use privacydesk_core::domain::next::Step;
    use privacydesk_core::{Identity, LetterKind};
    let mut fx = Fixture::new();
    let r = fx.new_case("access", "Ana Ruiz", "ana@example.com", "2026-06-01")?;
    let fulfilled = ActionInput {
        outcome: Some(Outcome::Fulfilled),
        ..Default::default()
    };
    let refused = fx.desk.act(&r, Action::Close, &fulfilled);
    assert!(matches!(refused, Err(Error::NotAllowed(why)) if why.contains("identity")));
    let view = fx.desk.case(&r)?;
    assert_eq!(
        view.next.as_ref().map(|n| n.step),
        Some(Step::Action(Action::Verify))
    );
    let suggested: Vec<Action> = view
        .allowed_actions
        .iter()
        .filter(|s| s.suggested)
        .map(|s| s.action)
        .collect();
    assert_eq!(
        suggested,
        [Action::Verify],
        "one highlighted button: verify"
    );

    fx.desk.act(&r, Action::Verify, &ActionInput::default())?;
    let unanswered = fx.desk.act(&r, Action::Close, &fulfilled);
    assert!(matches!(unanswered, Err(Error::NotAllowed(why)) if why.contains("not marked sent")));
    let view = fx.desk.case(&r)?;
    assert_eq!(view.case.identity, Identity::Verified);
    let next = view.next.ok_or_else(|| Error::invalid("a next step"))?;
    assert_eq!(next.step, Step::Letter(LetterKind::AccessResponse));
    assert_eq!(next.then_close, Some(Outcome::Fulfilled));
    assert_eq!(
        view.offered_letters.first().map(|o| o.kind),
        Some(LetterKind::AccessResponse),
        "the picker starts on the answer, not on a request for clarification"
    );

    let draft = fx.desk.letter(&r, LetterKind::AccessResponse)?;
    let body = draft
        .body
        .replace(&draft.blanks[0], "account-export.zip: profile and tickets");
    let closed = fx
        .desk
        .send_letter_and_close(&r, LetterKind::AccessResponse, &body)?;
    assert_eq!(
        (closed.case.state, closed.case.outcome),
        (State::Closed, Some(Outcome::Fulfilled))
    );
    let last: Vec<&str> = closed
        .events
        .iter()
        .rev()
        .take(2)
        .map(|e| e.action.as_str())
        .collect();
    assert_eq!(last, ["close", "letter_sent"]);
    assert!(closed.next.is_none(), "nothing left to do");
    assert!(
        closed
            .offered_letters
            .iter()
            .all(|o| o.kind != LetterKind::AccessResponse),
        "a closed case does not offer the answer it already sent"
    );
    assert!(fx.desk.verify()?.is_ok());
    Ok(())
}

#[test]
fn no_check_needed_is_recorded_with_its_reason_and_a_denial_closes_at_once() -> Result<()> {
    use privacydesk_core::Identity;
    let mut fx = Fixture::new();
    let r = fx.new_case("erasure", "Ana Ruiz", "ana@example.com", "2026-06-01")?;
    let bare = ActionInput {
        identity: Some(Identity::NotNeeded),
        ..Default::default()
    };
    assert!(matches!(
        fx.desk.act(&r, Action::Verify, &bare),
        Err(Error::Invalid(_))
    ));
    let why = ActionInput {
        reason: Some("Asked from the logged-in account".into()),
        ..bare
    };
    let view = fx.desk.act(&r, Action::Verify, &why)?;
    assert_eq!(view.case.identity, Identity::NotNeeded);
    let verify = view.events.last().ok_or_else(|| Error::invalid("event"))?;
    assert_eq!(verify.details["identity"], "not_needed");
    assert_eq!(
        verify.text.as_deref(),
        Some("Asked from the logged-in account")
    );
    let closed = fx.desk.act(
        &r,
        Action::Close,
        &ActionInput {
            outcome: Some(Outcome::Fulfilled),
            ..told()
        },
    )?;
    let close = closed
        .events
        .last()
        .ok_or_else(|| Error::invalid("event"))?;
    assert_eq!(close.details["without_letter"], "completion");

    let denied = fx.new_case("access", "Ben Ode", "ben@example.com", "2026-06-01")?;
    let view = fx.desk.act(
        &denied,
        Action::Close,
        &ActionInput {
            outcome: Some(Outcome::Denied),
            reason: Some("Fourth identical request this month".into()),
            ..Default::default()
        },
    )?;
    assert_eq!(view.case.outcome, Some(Outcome::Denied));
    Ok(())
}

#[test]
fn a_request_filed_by_an_authorized_agent_keeps_the_agent_and_the_proof() -> Result<()> {
    use privacydesk_core::Kind;
    use privacydesk_core::domain::law::Agents;
    use privacydesk_core::domain::new_case::agent_may_file;
    let mut fx = Fixture::new();
    let form = |proof: Option<&str>| NewCase {
        kind: "access".into(),
        name: "Ana Ruiz".into(),
        email: "ana@example.com".into(),
        jurisdiction: Some("ccpa".into()),
        agent_name: Some("Privacy Rights Agency LLC".into()),
        agent_proof: proof.map(String::from),
        ..NewCase::default()
    };
    let unproved = fx.desk.new_case(&form(None));
    assert!(matches!(unproved, Err(Error::Invalid(why)) if why.contains("proof")));
    let r = fx
        .desk
        .new_case(&form(Some("Signed authorisation dated 2026-11-30")))?;
    let view = fx.desk.case(&r)?;
    let agent = view
        .case
        .authorized_agent
        .ok_or_else(|| Error::invalid("an agent"))?;
    assert_eq!(agent.name, "Privacy Rights Agency LLC");
    assert_eq!(agent.proof, "Signed authorisation dated 2026-11-30");
    let created = view
        .events
        .first()
        .ok_or_else(|| Error::invalid("created"))?;
    assert_eq!(
        created.details["authorized_agent"], true,
        "no name in the trail"
    );
    assert!(created.summary.contains("filed by an authorized agent"));
    // A law that lets agents file only opt-outs refuses an agent's access request.
    let opt_outs_only = Agents {
        kinds: vec![Kind::MarketingOptOut],
        citation: "an opt-out only".into(),
    };
    let refused = agent_may_file(Kind::Access, &opt_outs_only, "a state law");
    assert!(
        matches!(refused, Err(Error::NotAllowed(why)) if why.contains("may not file access requests"))
    );
    assert!(agent_may_file(Kind::MarketingOptOut, &opt_outs_only, "a state law").is_ok());
    Ok(())
}
