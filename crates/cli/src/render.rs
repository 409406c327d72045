//! How results look in a terminal: tables, the case view, and JSON for scripts.

use chrono::NaiveDate;
use privacydesk_core::{CaseSummary, CaseView, Error, Result, State, VerifyReport};

/// Rows a table shows when no `--limit` is given.
pub const DEFAULT_LIST_LIMIT: u32 = 50;

pub fn json<T: serde::Serialize>(value: &T) -> Result<()> {
    let text = serde_json::to_string_pretty(value).map_err(|e| Error::Invalid(e.to_string()))?;
    println!("{text}");
    Ok(())
}

/// Cuts to `width` characters and pads, so columns line up whatever the script.
fn cell(text: &str, width: usize) -> String {
    let mut out: String = text
        .chars()
        .filter(|c| !c.is_control())
        .take(width)
        .collect();
    if text.chars().count() > width {
        out.pop();
        out.push('…');
    }
    let pad = width.saturating_sub(out.chars().count());
    out.extend(std::iter::repeat_n(' ', pad));
    out
}

fn due_flag(summary: &CaseSummary) -> &'static str {
    if summary.case.state == State::Closed {
        ""
    } else if summary.overdue {
        "OVERDUE"
    } else if summary.due_soon {
        "due soon"
    } else {
        ""
    }
}

pub fn list(cases: &[CaseSummary], total: u64, today: NaiveDate) {
    if cases.is_empty() {
        println!("no cases match");
        return;
    }
    println!(
        "{} {} {} {} {} {} CUSTOMER",
        cell("REFERENCE", 14),
        cell("KIND", 17),
        cell("STATE", 18),
        cell("DUE", 10),
        cell("", 8),
        cell("REQUESTER", 24),
    );
    for summary in cases {
        let case = &summary.case;
        println!(
            "{} {} {} {} {} {} {}",
            cell(case.reference.as_str(), 14),
            cell(&case.kind.cli_name(), 17),
            cell(&case.state.cli_name(), 18),
            cell(&case.due_on.to_string(), 10),
            cell(due_flag(summary), 8),
            cell(&case.requester.name, 24),
            cell(case.customer.as_deref().unwrap_or("-"), 30).trim_end()
        );
    }
    if total > cases.len() as u64 {
        println!(
            "showing {} of {total} (soonest due first, as of {today}); --limit N shows more, --limit 0 all",
            cases.len()
        );
    }
}

pub fn case(view: &CaseView) {
    let case = &view.case;
    let flag = if view.overdue {
        "  OVERDUE"
    } else if view.due_soon {
        "  due soon"
    } else {
        ""
    };
    println!(
        "{}  {}  {}{flag}",
        case.reference,
        case.kind.cli_name(),
        case.state.cli_name()
    );
    if let Some(outcome) = case.outcome {
        let basis = case
            .denial_basis
            .map(|b| format!(" ({})", b.cli_name()))
            .unwrap_or_default();
        println!("outcome:      {}{basis}", outcome.cli_name());
        if let Some(reason) = &case.denial_reason {
            println!("reason:       {reason}");
        }
    }
    let minor = if case.requester.is_minor {
        "  [MINOR: under 18]"
    } else {
        ""
    };
    println!(
        "requester:    {} <{}>{minor}",
        case.requester.name, case.requester.email
    );
    println!("customer:     {}", case.customer.as_deref().unwrap_or("-"));
    println!(
        "channel:      {}    jurisdiction: {}",
        case.channel.cli_name(),
        case.jurisdiction.cli_name()
    );
    println!("assignee:     {}", case.assignee.as_deref().unwrap_or("-"));
    println!("received:     {}", case.received_on);
    println!("due:          {}", case.due_on);
    for line in &view.deadline.explanation {
        println!("              · {line}");
    }
    if let Some(purge) = case.purge_on {
        println!("purge on:     {purge}");
    }
    if let Some(hold) = &case.legal_hold {
        println!("legal hold:   {hold}");
    }
    if !case.details.is_empty() {
        println!(
            "details:      {}",
            case.details.replace('\n', "\n              ")
        );
    }
    for (i, item) in case.items.iter().enumerate() {
        let reason = item
            .reason
            .as_deref()
            .map(|r| format!(": {r}"))
            .unwrap_or_default();
        println!(
            "item {}:       {} [{}]{reason}",
            i + 1,
            item.url,
            item.outcome.cli_name()
        );
    }
    let actions: Vec<String> = view
        .allowed_actions
        .iter()
        .map(|a| a.action.cli_name())
        .collect();
    println!(
        "actions:      {}",
        if actions.is_empty() {
            "-".into()
        } else {
            actions.join(", ")
        }
    );
    println!("timeline:");
    for event in &view.events {
        let mut details = event.details.clone();
        if let Some(map) = details.as_object_mut() {
            map.remove("note_id");
        }
        let details = match details.as_object() {
            Some(map) if map.is_empty() => String::new(),
            _ => format!(" {details}"),
        };
        let text = event
            .text
            .as_deref()
            .map(|t| format!(" — {t}"))
            .unwrap_or_default();
        println!(
            "  {}  {:<18} {}{details}{text}",
            &event.at[..16.min(event.at.len())],
            event.action,
            event.actor
        );
    }
}

pub fn acted(view: &CaseView) {
    let case = &view.case;
    let outcome = case
        .outcome
        .map(|o| format!(" ({})", o.cli_name()))
        .unwrap_or_default();
    println!(
        "{}: {}{outcome}, due {}",
        case.reference,
        case.state.cli_name(),
        case.due_on
    );
}

pub fn verify(report: &VerifyReport) {
    let ok = |problems: &[String]| {
        if problems.is_empty() {
            "ok".to_string()
        } else {
            problems.join("; ")
        }
    };
    println!("integrity check:        {}", ok(&report.file.integrity));
    println!("cipher integrity check: {}", ok(&report.file.cipher));
    match &report.chain.broken {
        None => println!(
            "audit chain:            ok ({} events, head {})",
            report.chain.events, report.chain.head
        ),
        Some(broken) => println!(
            "audit chain:            BROKEN at event {}: {}",
            broken.seq, broken.problem
        ),
    }
}
