//! Views of the case list: the side bar's built-in ones, and the named filters an agent saves.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::domain::case::DUE_SOON_DAYS;
use crate::domain::filter::CaseFilter;
use crate::domain::text;
use crate::{Agent, Error, Kind, Result, State};

/// The longest view name, in characters.
pub const MAX_NAME_CHARS: usize = 80;

/// The most views one agent keeps.
pub const MAX_VIEWS: usize = 50;

/// How many customers, and how many agents, the side bar lists (the largest queues).
pub const SIDE_BAR_GROUP: usize = 12;

/// A named filter set.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SavedView {
    /// Its name.
    pub name: String,
    /// The filter it applies (no paging).
    pub filter: CaseFilter,
    /// When it was last saved (RFC 3339).
    pub saved_at: String,
}

/// Checks a view's name: a single line of at most [`MAX_NAME_CHARS`] characters.
pub fn view_name(name: &str) -> Result<String> {
    let name = text::name("view name", name)?;
    if name.chars().count() > MAX_NAME_CHARS {
        return Err(Error::Invalid(format!(
            "a view name has at most {MAX_NAME_CHARS} characters"
        )));
    }
    Ok(name)
}

/// The counts the side bar shows beside its views.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Overview {
    /// Cases per state (every state present, zero included).
    pub by_state: BTreeMap<State, u64>,
    /// Open cases.
    pub open: u64,
    /// Open cases past their attention date.
    pub overdue: u64,
    /// Open cases due within [`DUE_SOON_DAYS`] days (overdue included).
    pub due_soon: u64,
    /// Open cases per kind (every kind present, zero included).
    pub open_by_kind: BTreeMap<Kind, u64>,
    /// Open cases per customer, largest first; cases without a customer are left out.
    pub customers: Vec<(String, u64)>,
    /// Open cases per assignee, largest first; unassigned ones are left out.
    pub assignees: Vec<(String, u64)>,
    /// The side bar: every view with its filter and count, in the order shown.
    pub views: Vec<ListView>,
}

/// One view in the side bar: a filter under a title, in a group.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ListView {
    /// Stable within a session (`open`, `state:closed`, `saved:My view` …).
    pub key: String,
    /// The heading it is listed under.
    pub group: &'static str,
    /// What it is called.
    pub title: String,
    /// How many cases it holds; `None` for a saved view (not counted).
    pub count: Option<u64>,
    /// The cases it lists.
    pub filter: CaseFilter,
    /// Whether its count needs attention now (overdue cases).
    pub alert: bool,
    /// An agent's own saved view (it can be deleted).
    pub saved: bool,
}

impl ListView {
    fn counted(
        key: String,
        group: &'static str,
        title: String,
        count: u64,
        filter: CaseFilter,
    ) -> Self {
        ListView {
            key,
            group,
            title,
            count: Some(count),
            filter,
            alert: false,
            saved: false,
        }
    }
}

/// A spelling as the start of a title: `in_progress` → "In progress".
pub fn title_of(spelling: &str) -> String {
    let text = spelling.replace('_', " ");
    let mut chars = text.chars();
    chars
        .next()
        .map(|first| first.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// The side bar for `agent`: the working views, each state, open cases by kind, the largest
/// customers' and agents' queues, then the agent's saved views.
pub fn side_bar(overview: &Overview, agent: &Agent, saved: &[SavedView]) -> Vec<ListView> {
    let mut views = working_views(overview, agent);
    views.extend(overview.by_state.iter().map(|(&state, &n)| {
        let filter = CaseFilter {
            state: Some(state),
            ..CaseFilter::default()
        };
        let title = title_of(state.as_str());
        ListView::counted(format!("state:{state}"), "States", title, n, filter)
    }));
    views.extend(overview.open_by_kind.iter().map(|(&kind, &n)| {
        let filter = CaseFilter {
            kind: Some(kind),
            ..open()
        };
        let title = title_of(kind.as_str());
        ListView::counted(format!("kind:{kind}"), "Open by kind", title, n, filter)
    }));
    views.extend(queues(
        "Customers",
        "customer",
        &overview.customers,
        |name| CaseFilter {
            customer: Some(name.to_string()),
            ..open()
        },
    ));
    views.extend(queues("Agents", "assignee", &overview.assignees, |name| {
        CaseFilter {
            assignee: Some(name.to_string()),
            ..open()
        }
    }));
    views.extend(saved.iter().map(|view| ListView {
        key: format!("saved:{}", view.name),
        group: "My views",
        title: view.name.clone(),
        count: None,
        filter: view.filter.clone(),
        alert: false,
        saved: true,
    }));
    views
}

fn open() -> CaseFilter {
    CaseFilter {
        open: true,
        ..CaseFilter::default()
    }
}

/// What an agent works from: everything open, their own queue, what is due soon, what is late.
fn working_views(overview: &Overview, agent: &Agent) -> Vec<ListView> {
    let mine = overview
        .assignees
        .iter()
        .find(|(name, _)| name == agent.as_str())
        .map_or(0, |(_, n)| *n);
    let own = CaseFilter {
        assignee: Some(agent.as_str().to_string()),
        ..open()
    };
    let soon = CaseFilter {
        due_within: Some(DUE_SOON_DAYS as u32),
        ..CaseFilter::default()
    };
    let late = CaseFilter {
        overdue: true,
        ..CaseFilter::default()
    };
    vec![
        ListView::counted(
            "open".into(),
            "Views",
            "All open".into(),
            overview.open,
            open(),
        ),
        ListView::counted("mine".into(), "Views", "My queue".into(), mine, own),
        ListView::counted(
            "soon".into(),
            "Views",
            format!("Due ≤ {DUE_SOON_DAYS} days"),
            overview.due_soon,
            soon,
        ),
        ListView {
            alert: overview.overdue > 0,
            ..ListView::counted(
                "overdue".into(),
                "Views",
                "Overdue".into(),
                overview.overdue,
                late,
            )
        },
    ]
}

/// The largest open queues of one group, each a view under `group`.
fn queues<'a>(
    group: &'static str,
    key: &'static str,
    counts: &'a [(String, u64)],
    filter: impl Fn(&str) -> CaseFilter + 'a,
) -> impl Iterator<Item = ListView> + 'a {
    counts.iter().take(SIDE_BAR_GROUP).map(move |(name, n)| {
        ListView::counted(
            format!("{key}:{name}"),
            group,
            name.clone(),
            *n,
            filter(name),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_side_bar_lists_the_working_views_first_and_the_agents_own_last() -> Result<()> {
        let agent = Agent::new("sam")?;
        let overview = Overview {
            open: 5,
            overdue: 1,
            due_soon: 2,
            by_state: State::ALL.iter().map(|&s| (s, 1)).collect(),
            assignees: vec![("sam".into(), 3), ("ana".into(), 2)],
            customers: vec![("Acme".into(), 4)],
            ..Overview::default()
        };
        let saved = [SavedView {
            name: "Mine, Acme".into(),
            filter: CaseFilter::default(),
            saved_at: String::new(),
        }];
        let views = side_bar(&overview, &agent, &saved);
        let titles: Vec<(&str, &str, Option<u64>)> = views
            .iter()
            .take(4)
            .map(|v| (v.key.as_str(), v.title.as_str(), v.count))
            .collect();
        assert_eq!(
            titles,
            [
                ("open", "All open", Some(5)),
                ("mine", "My queue", Some(3)),
                ("soon", "Due ≤ 7 days", Some(2)),
                ("overdue", "Overdue", Some(1)),
            ]
        );
        assert!(views[3].alert && !views[0].alert);
        assert_eq!(views[1].filter.assignee.as_deref(), Some("sam"));
        let in_progress = views.iter().find(|v| v.key == "state:in_progress");
        assert_eq!(in_progress.map(|v| v.title.as_str()), Some("In progress"));
        let last = views.last().map(|v| (v.group, v.saved, v.count));
        assert_eq!(last, Some(("My views", true, None)));
        assert!(
            views
                .iter()
                .any(|v| v.key == "customer:Acme" && v.filter.open)
        );
        Ok(())
    }
}
