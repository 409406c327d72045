//! `privacydesk laws` and `privacydesk calendar`: the built-in laws and holiday calendars, read
//! from core's data files; no database needed.

use crate::run::Context;
use chrono::Datelike;
use privacydesk_core::domain::calendar::Calendar;
use privacydesk_core::domain::deadline::Period;
use privacydesk_core::domain::law::Law;
use privacydesk_core::files::company_calendar::CompanyCalendarFile;
use privacydesk_core::{Error, Jurisdiction, Location, Result};

use crate::args::{CalendarCommand, LawsCommand};

fn period(period: Period) -> String {
    match period {
        Period::Days(n) => format!("{n} days"),
        Period::Months(1) => "1 month".into(),
        Period::Months(n) => format!("{n} months"),
    }
}

/// The built-in laws, or one law whole with its citations.
pub fn laws(command: LawsCommand) -> Result<()> {
    match command {
        LawsCommand::List => list(),
        LawsCommand::Show { name } => show(Law::of(name.parse::<Jurisdiction>()?)?),
    }
}

fn list() -> Result<()> {
    for law in Law::all()? {
        let extension = law
            .extension
            .map(|e| format!("+{}", period(e)))
            .unwrap_or_else(|| "no extension".into());
        println!(
            "{:<10} {:<26} {:<10} {:<14} calendar {}",
            law.jurisdiction.cli_name(),
            law.label,
            period(law.period),
            extension,
            law.calendar.as_deref().unwrap_or("-")
        );
    }
    Ok(())
}

fn show(law: &Law) -> Result<()> {
    match law.country.as_str() {
        "" => println!("{}", law.label),
        country => println!("{} — {country}", law.label),
    }
    println!("answer within:  {} — {}", period(law.period), law.citation);
    match (law.extension, &law.extension_citation) {
        (Some(extension), Some(citation)) => {
            println!("extension:      +{} — {citation}", period(extension))
        }
        _ => println!("extension:      none"),
    }
    let shift = if law.next_working_day {
        "moves to the next working day"
    } else {
        "stays where it falls"
    };
    println!(
        "weekend/holiday: {shift} (calendar {})",
        law.calendar.as_deref().unwrap_or("-")
    );
    let stops = if law.clock_stops { "stops" } else { "runs" };
    println!(
        "clock:          {stops} while waiting on the requester — {}",
        law.clock_citation
    );
    if let Some(citation) = &law.identity_restarts_the_clock {
        println!("identity:       the time starts afresh when proof arrives — {citation}");
    }
    if let Some(citation) = &law.suspected_fraud_stops_the_clock {
        println!("suspected fraud: the clock stops until authenticated — {citation}");
    }
    if let Some(citation) = &law.acknowledgement_citation {
        println!(
            "acknowledge:    within {} business days — {citation}",
            law.acknowledge_within_business_days
        );
    }
    let appeal = match (law.appeal.days, law.appeal.extension_days) {
        (Some(days), Some(more)) => format!("decided within {days} days, +{more} at most"),
        (Some(days), None) => format!("decided within {days} days"),
        _ => "none".into(),
    };
    println!("appeal:         {appeal} — {}", law.appeal.citation);
    let kinds: Vec<String> = law.agents.kinds.iter().map(|k| k.cli_name()).collect();
    println!(
        "agents may file: {} — {}",
        if kinds.is_empty() {
            "nothing".into()
        } else {
            kinds.join(", ")
        },
        law.agents.citation
    );
    println!(
        "complaints to:  {} {}",
        law.authority.name, law.authority.website
    );
    Ok(())
}

/// The built-in holiday calendars and the company's settings, one calendar's holidays in a
/// year, or the company's settings file written to fill in.
pub fn calendar(context: &Context, command: CalendarCommand) -> Result<()> {
    let file = CompanyCalendarFile::in_folder(&context.company_files()?);
    match command {
        CalendarCommand::List => {
            for calendar in Calendar::all()? {
                println!(
                    "{:<20} {} ({}s)",
                    calendar.name, calendar.title, calendar.kind
                );
            }
            company(&file);
            if matches!(context.db, Location::Team(_)) {
                println!(
                    "(this machine's file; once a manager shares the company's files, the \
                     team's calendars.toml is the one in force: privacydesk team files)"
                );
            }
        }
        CalendarCommand::Init => {
            let wrote = file.write_example()?;
            let verb = if wrote { "wrote" } else { "kept the existing" };
            println!("{verb} {}", file.path().display());
            if matches!(context.db, Location::Team(_)) {
                println!(
                    "on a team desk it is this machine's until a manager shares it: \
                     privacydesk team files share"
                );
            }
        }
        CalendarCommand::Show { name, year } => {
            let calendar = Calendar::named(&name)?;
            let year = year.unwrap_or_else(|| chrono::Local::now().date_naive().year());
            if !(1..=9999).contains(&year) {
                return Err(Error::invalid(format!("{year} is not a year (1 to 9999)")));
            }
            println!("{} — {}s in {year}", calendar.title, calendar.kind);
            for holiday in calendar.holidays_in(year) {
                println!(
                    "{}  {}  {}",
                    holiday.date,
                    holiday.date.format("%a"),
                    holiday.name
                );
            }
            println!("source: {}", calendar.source);
        }
    }
    Ok(())
}

/// The company's settings as they read now, or what is wrong with the file.
fn company(file: &CompanyCalendarFile) {
    let read = file.read();
    println!();
    if let Some(problem) = &read.problem {
        eprintln!("warning: {problem}");
        return;
    }
    if !file.path().exists() {
        println!(
            "company settings: none ({} not found; `privacydesk calendar init` writes one)",
            file.path().display()
        );
        return;
    }
    println!("company settings ({}):", file.path().display());
    for (law, calendar) in read.settings.choices() {
        println!("  {:<10} follows {}", law.cli_name(), calendar.name);
    }
    for (day, name) in read.settings.closures() {
        println!("  {day}  {}  closed: {name}", day.format("%a"));
    }
}
