//! How results look in a terminal: tables, the case view, and JSON for scripts.

use chrono::NaiveDate;
use privacydesk_core::domain::next::Step;
use privacydesk_core::{CaseSummary, CaseView, Error, Result, State, VerifyReport};

/// Rows a table shows when no `--limit` is given.
pub const DEFAULT_LIST_LIMIT: u32 = 50;

pub fn json<T: serde::Serialize>(value: &T) -> Result<()> {
    let text = serde_json::to_string_pretty(value).map_err(|e| Error::Invalid(e.to_string()))?;
    println!("{text}");
    Ok(())
}

/// Cuts to `width` characters and pads, so columns line up whatever the script.
pub fn cell(text: &str, width: usize) -> String {
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

/// The date a row shows and the word beside it: the purge date for scheduled deletions.
fn due_cell(summary: &CaseSummary) -> (String, &'static str) {
    let case = &summary.case;
    let purge = case.state == State::DeletionScheduled;
    let flag = match (
        purge,
        case.legal_hold.is_some(),
        summary.overdue,
        summary.due_soon,
    ) {
        (true, true, _, _) => "held",
        (true, false, true, _) => "PURGE DUE",
        (true, false, false, _) => "purge",
        (false, _, true, _) => "OVERDUE",
        (false, _, false, true) => "due soon",
        _ => "",
    };
    let date = if purge {
        case.purge_on
    } else {
        Some(case.due_on)
    };
    (date.map(|d| d.to_string()).unwrap_or_default(), flag)
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
        cell("", 9),
        cell("REQUESTER", 24),
    );
    for summary in cases {
        let case = &summary.case;
        let (due, flag) = due_cell(summary);
        println!(
            "{} {} {} {} {} {} {}",
            cell(case.reference.as_str(), 14),
            cell(&case.kind.cli_name(), 17),
            cell(&case.state.cli_name(), 18),
            cell(&due, 10),
            cell(flag, 9),
            cell(&case.requester.name, 24),
            cell(case.customer.as_deref().unwrap_or("-"), 30).trim_end()
        );
    }
    if total > cases.len() as u64 {
        println!(
            "showing {} of {total} (open soonest due first, then closed latest first; as of {today}); --limit N shows more, --limit 0 all",
            cases.len()
        );
    }
}

pub fn case(view: &CaseView) {
    case_header(view);
    requester(view);
    deadline(view);
    items(&view.case);
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
    if let Some(next) = &view.next {
        let step = match next.step {
            Step::Action(action) => {
                format!("case act {} {}", view.case.reference, action.cli_name())
            }
            Step::Letter(kind) => {
                format!("letter show {} {}", view.case.reference, kind.cli_name())
            }
        };
        println!("next:         {step} ({})", next.why);
    }
    for other in &view.possible_duplicates {
        println!(
            "duplicate?:   {} ({}, {}, received {}) is open from the same address",
            other.reference,
            other.kind.cli_name(),
            other.state.cli_name(),
            other.received_on
        );
    }
    if !view.letters.is_empty() {
        println!("letters:");
        letters(&view.letters);
    }
    let offered: Vec<String> = view
        .offered_letters
        .iter()
        .map(|l| l.kind.cli_name())
        .collect();
    if !offered.is_empty() {
        println!("can write:    {}", offered.join(", "));
    }
    timeline(view);
}

/// The reference, kind and state, and how it ended.
fn case_header(view: &CaseView) {
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
}

/// Who asked, for which customer, and when it must be forwarded.
fn requester(view: &CaseView) {
    let case = &view.case;
    let minor = if case.requester.is_minor {
        "  [MINOR: under 18]"
    } else {
        ""
    };
    println!(
        "requester:    {} <{}>{minor}",
        case.requester.name, case.requester.email
    );
    if let Some(phone) = &case.requester.phone {
        println!("phone:        {phone}");
    }
    if let Some(agent) = &case.authorized_agent {
        println!(
            "filed by:     {} (authorized agent; proof seen: {})",
            agent.name, agent.proof
        );
    }
    println!("identity:     {}", case.identity.cli_name());
    println!("customer:     {}", case.customer.as_deref().unwrap_or("-"));
    if let Some(forwarding) = &view.forwarding {
        let status = match (forwarding.forwarded_on, forwarding.late) {
            (Some(on), false) => format!("forwarded {on}"),
            (Some(on), true) => format!("forwarded {on}, LATE"),
            (None, true) => "not forwarded, LATE".to_string(),
            (None, false) => "not forwarded yet".to_string(),
        };
        println!(
            "forward by:   {} ({} business days; {status})",
            forwarding.forward_by, forwarding.within_business_days
        );
    }
    println!(
        "channel:      {}    jurisdiction: {}",
        case.channel.cli_name(),
        case.jurisdiction.cli_name()
    );
    println!("assignee:     {}", case.assignee.as_deref().unwrap_or("-"));
}

/// The dates, the due date explained, the purge and any hold, and what the person wrote.
fn deadline(view: &CaseView) {
    let case = &view.case;
    println!("received:     {}", case.received_on);
    println!("due:          {}", view.deadline.due_on);
    for line in &view.deadline.explanation {
        println!("              · {line}");
    }
    if let Some(work_by) = &view.work_by {
        println!("work by:      {} — {}", work_by.on, work_by.why);
    }
    if let Some(problem) = &view.calendar_problem {
        eprintln!("warning: {problem}");
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
}

fn items(case: &privacydesk_core::Case) {
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
}

fn timeline(view: &CaseView) {
    println!("timeline:");
    for event in &view.events {
        let details = event_details(&event.details);
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

/// `from → to` for a transition, then the other details as `key: value`.
fn event_details(details: &serde_json::Value) -> String {
    let Some(map) = details.as_object() else {
        return String::new();
    };
    let text = |v: &serde_json::Value| {
        v.as_str()
            .map(|s| s.replace('_', "-"))
            .unwrap_or_else(|| v.to_string())
    };
    let mut parts = Vec::new();
    let transition = map.get("from").zip(map.get("to"));
    if let Some((from, to)) = transition
        && from != to
    {
        parts.push(format!("{} → {}", text(from), text(to)));
    }
    for (key, value) in map {
        let shown = match key.as_str() {
            "from" | "to" => transition.is_none(),
            "note_id" => false,
            _ => true,
        };
        if shown {
            parts.push(format!("{}: {}", key.replace('_', " "), text(value)));
        }
    }
    if parts.is_empty() {
        String::new()
    } else {
        format!(" {}", parts.join(", "))
    }
}

/// Customers, one line each: name, contact, forwarding time.
pub fn customers(customers: &[privacydesk_core::Customer]) {
    if customers.is_empty() {
        println!("no customers");
    }
    for customer in customers {
        let defaults = if customer.configured {
            ""
        } else {
            "  (defaults)"
        };
        println!(
            "{:<30} {:<32} forward within {} business days{defaults}",
            customer.name,
            customer.contact.as_deref().unwrap_or("(no contact set)"),
            customer.forward_within_business_days
        );
    }
}

/// A case's letters, one line each: number, kind, sent or draft, who and when.
pub fn letters(letters: &[privacydesk_core::Letter]) {
    if letters.is_empty() {
        println!("no letters");
    }
    for letter in letters {
        let status = match &letter.sent_at {
            Some(at) => format!("sent {}", &at[..16.min(at.len())]),
            None => format!(
                "draft {}",
                &letter.saved_at[..16.min(letter.saved_at.len())]
            ),
        };
        let redacted = if letter.body.is_empty() {
            "  (text redacted)"
        } else {
            ""
        };
        println!(
            "  {:>4}  {:<22} {status} by {}{redacted}",
            letter.id,
            letter.kind.cli_name(),
            letter.author
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
    let follow_up = view
        .events
        .last()
        .and_then(|e| e.details.get("follow_up"))
        .and_then(|r| r.as_str());
    if let Some(follow_up) = follow_up {
        println!(
            "opened {follow_up}: erasure of the data the company should not have collected \
             (the person is under 18)"
        );
    }
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
    match (report.chain.broken.is_some(), report.cases_unsound) {
        (true, _) => println!("case states:            not checked (the chain is broken)"),
        (false, 0) => println!("case states:            ok (each follows from its audit events)"),
        (false, n) => {
            let more = n.saturating_sub(report.case_problems.len() as u64);
            let more = if more > 0 {
                format!("; and {more} more")
            } else {
                String::new()
            };
            println!(
                "case states:            {n} WRONG: {}{more}",
                report.case_problems.join("; ")
            );
        }
    }
}

/// A filter in a few words: "open, kind erasure, customer Acme".
pub fn filter(filter: &privacydesk_core::CaseFilter) -> String {
    let mut parts = Vec::new();
    if filter.open {
        parts.push("open".to_string());
    }
    if let Some(state) = filter.state {
        parts.push(format!("state {}", state.cli_name()));
    }
    if let Some(kind) = filter.kind {
        parts.push(format!("kind {}", kind.cli_name()));
    }
    if filter.overdue {
        parts.push("overdue".to_string());
    }
    if let Some(days) = filter.due_within {
        parts.push(format!("due within {days} days"));
    }
    if let Some(customer) = &filter.customer {
        parts.push(format!("customer {customer}"));
    }
    if let Some(assignee) = &filter.assignee {
        parts.push(format!("assigned to {assignee}"));
    }
    if let Some(search) = &filter.search {
        parts.push(format!("search {search:?}"));
    }
    if parts.is_empty() {
        "all cases".to_string()
    } else {
        parts.join(", ")
    }
}

/// The people of a team desk, one a line.
pub fn team(members: &[privacydesk_core::TeamMember]) {
    for member in members {
        println!(
            "{:<24} {:<8} added {} by {}",
            member.name,
            member.role.as_str(),
            member.added_at.get(..10).unwrap_or(&member.added_at),
            member.added_by
        );
    }
}

/// The company's files a team desk shares, each with how this machine's copy compares.
pub fn company_files(status: &privacydesk_core::CompanyFilesStatus) {
    if status.files.iter().all(|f| f.shared.is_none()) {
        println!(
            "the team shares no company files yet: each desktop uses its own in {} \
             (a manager shares them with `privacydesk team files share`)",
            status.folder.display()
        );
    }
    for file in &status.files {
        let shared = match &file.shared {
            Some(s) => format!(
                "shared {} by {}",
                s.shared_at.get(..10).unwrap_or(&s.shared_at),
                s.shared_by
            ),
            None => "not shared".to_string(),
        };
        println!("{:<40} {:<28} {}", file.name, shared, file.here.label());
    }
    println!("this machine's folder: {}", status.folder.display());
}

/// What sharing the company's files did.
pub fn shared(shared: &privacydesk_core::Shared) {
    for change in &shared.changes {
        println!("{:<40} {}", change.name, change.change.label());
    }
    for path in &shared.ignored {
        eprintln!(
            "not shared: {} (not a file PrivacyDesk reads)",
            path.display()
        );
    }
    if shared.recorded {
        println!("shared with the team from {}", shared.folder.display());
    } else {
        println!("the team's files were already these: nothing changed");
    }
}

/// What pulling the team's files wrote.
pub fn pulled(written: &privacydesk_core::files::company_folder::Written) {
    for path in &written.written {
        println!("wrote {}", path.display());
    }
    for path in &written.same {
        println!("same  {}", path.display());
    }
    for (from, to) in &written.kept_aside {
        println!(
            "kept your copy of {} as {} (it differed from the team's)",
            from.display(),
            to.display()
        );
    }
}

/// The mail settings, one side a few lines.
pub fn mail_settings(settings: &privacydesk_core::MailSettings) {
    let server = |s: &privacydesk_core::domain::mail::MailServer| {
        let token = match &s.token_command {
            Some(command) => format!(" (token from `{command}`)"),
            None => String::new(),
        };
        format!(
            "{}:{} ({}), user {}, {}{token}",
            s.host,
            s.port,
            s.security.cli_name(),
            s.user,
            s.auth.cli_name()
        )
    };
    match &settings.outgoing {
        Some(out) => {
            println!("outgoing (SMTP): {}", server(&out.server));
            println!("  from {}", out.from);
        }
        None => println!("outgoing (SMTP): not set (letters are not sent by email)"),
    }
    match &settings.incoming {
        Some(inbox) => {
            println!("incoming (IMAP): {}", server(&inbox.server));
            println!("  mailbox {}", inbox.mailbox);
        }
        None => println!("incoming (IMAP): not set (no mailbox is read)"),
    }
}

/// The outbox: a line per message not yet sent, and why its last try failed.
pub fn outbox(waiting: &[privacydesk_core::domain::mail::outbox::WaitingMessage]) {
    use privacydesk_core::domain::mail::outbox::Retry;
    if waiting.is_empty() {
        println!("the outbox is empty: every letter sent by email has left");
        return;
    }
    for waiting in waiting {
        let message = &waiting.entry;
        println!(
            "  {:>4}  {}  {:<22} to the {:<9} {:<7} tries {}  since {}",
            message.id,
            message.reference,
            message.kind.cli_name(),
            message.to.as_str(),
            message.state.as_str(),
            message.attempts,
            &message.queued_at[..16.min(message.queued_at.len())],
        );
        if let Some(why) = &message.last_error {
            println!("        last try: {why}");
        }
        match waiting.retry {
            Retry::UnderWay => println!("        being sent right now"),
            Retry::OnlyResend => println!(
                "        cut off mid-send: the server may have it; check the account's sent \
                 mail, then retry it with --resend"
            ),
            Retry::Now | Retry::Never => {}
        }
    }
    println!("retry one with: privacydesk outbox retry ID");
}
