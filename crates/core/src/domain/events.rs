//! The kinds of audit event: every name the trail holds, in one enum, so that what changes a
//! case's state and what does not is written once.

use crate::domain::spelling::spelled_enum;
use crate::domain::workflow::Action;

spelled_enum! {
    /// An event on a case that leaves its state as it was.
    pub enum CaseEvent ("case event") {
        /// A note by an agent (or the guidance a minor's case starts with).
        Note = "note",
        /// Retention removed the requester's details.
        Redacted = "redacted",
        /// A duplicate was merged into this case: its note, its pages.
        MergedFrom = "merged_from",
        /// A letter's draft was saved.
        LetterDraftSaved = "letter_draft_saved",
        /// A letter's draft was dropped.
        LetterDraftDiscarded = "letter_draft_discarded",
        /// A letter was marked sent; the event holds the SHA-256 of its text.
        LetterSent = "letter_sent",
        /// A sent letter was saved as a file.
        LetterExported = "letter_exported",
        /// An email was kept on the case (a reply to one of its letters, or merged into it
        /// from the intake queue); its text is the event's note, its original kept with it.
        MailReceived = "mail_received",
    }
}

spelled_enum! {
    /// An event about the whole desk, on no case.
    pub enum DeskEvent ("desk event") {
        /// The case CSV was written.
        ExportCases = "export_cases",
        /// The monthly report was written.
        ReportMonthly = "report_monthly",
        /// The yearly metrics were written.
        ReportYearly = "report_yearly",
        /// Cases were imported from a CSV file.
        Import = "import",
        /// A customer's contact or forwarding time was set.
        SetCustomer = "set_customer",
        /// The retention period was set.
        SetRetention = "set_retention",
        /// Someone joined the team desk.
        TeamAdd = "team_add",
        /// Someone left the team desk.
        TeamRemove = "team_remove",
        /// This desk began as a copy of another, whose trail it continues (`copy-to`).
        CopiedIn = "copied_in",
        /// The whole desk was copied to another (`copy-to`).
        CopiedOut = "copied_out",
        /// A manager rotated the team desk's key: everything sealed again under a new one.
        TeamKeyRotated = "team_key_rotated",
        /// A manager shared the company's files (letter templates, `calendars.toml`) with the
        /// team; the event names each with its SHA-256.
        CompanyFilesShared = "company_files_shared",
        /// The mail settings were changed (each side's server and how it logs in, and the
        /// file's SHA-256; never a secret).
        SetMail = "set_mail",
        /// An email that names no case arrived and waits in the intake queue.
        MailQueued = "mail_queued",
        /// An agent marked an email in the intake queue as spam.
        MailSpam = "mail_spam",
        /// A message's original was saved as a file (its SHA-256 and the file's).
        MailSaved = "mail_saved",
    }
}

/// What an audit event records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EventKind {
    /// A case was logged: its first event.
    Created,
    /// An action of the workflow: a row of the transition table.
    Action(Action),
    /// Something on a case that does not change its state.
    OnCase(CaseEvent),
    /// Something about the whole desk.
    Desk(DeskEvent),
}

/// How a merge is written in the trail: the duplicate was merged into another case.
const MERGED_INTO: &str = "merged_into";

impl EventKind {
    /// The name as stored: an action's own spelling (a merge reads `merged_into`), or the
    /// event's.
    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::Created => "created",
            EventKind::Action(Action::Merge) => MERGED_INTO,
            EventKind::Action(action) => action.as_str(),
            EventKind::OnCase(event) => event.as_str(),
            EventKind::Desk(event) => event.as_str(),
        }
    }

    /// The kind a stored name spells, if any.
    pub fn parse(name: &str) -> Option<EventKind> {
        let bytes = name.as_bytes();
        match name {
            "created" => Some(EventKind::Created),
            MERGED_INTO => Some(EventKind::Action(Action::Merge)),
            _ => Action::from_stored(bytes)
                .filter(|&action| action != Action::Merge)
                .map(EventKind::Action)
                .or_else(|| CaseEvent::from_stored(bytes).map(EventKind::OnCase))
                .or_else(|| DeskEvent::from_stored(bytes).map(EventKind::Desk)),
        }
    }
}

impl std::fmt::Display for EventKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn every_kind() -> Vec<EventKind> {
        let mut kinds = vec![EventKind::Created];
        kinds.extend(Action::ALL.iter().map(|&a| EventKind::Action(a)));
        kinds.extend(CaseEvent::ALL.iter().map(|&e| EventKind::OnCase(e)));
        kinds.extend(DeskEvent::ALL.iter().map(|&e| EventKind::Desk(e)));
        kinds
    }

    #[test]
    fn every_kind_has_one_name_and_reads_back() {
        let kinds = every_kind();
        let mut names: Vec<&str> = kinds.iter().map(|k| k.as_str()).collect();
        for kind in &kinds {
            assert_eq!(EventKind::parse(kind.as_str()), Some(*kind), "{kind}");
        }
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), kinds.len(), "two kinds share a name");
    }

    #[test]
    fn names_the_trail_has_always_used_still_read() {
        // Written by earlier versions; a database keeps them for ever.
        for (name, kind) in [
            ("merged_into", EventKind::Action(Action::Merge)),
            ("merged_from", EventKind::OnCase(CaseEvent::MergedFrom)),
            ("close", EventKind::Action(Action::Close)),
            ("letter_sent", EventKind::OnCase(CaseEvent::LetterSent)),
            ("export_cases", EventKind::Desk(DeskEvent::ExportCases)),
        ] {
            assert_eq!(EventKind::parse(name), Some(kind), "{name}");
        }
        assert_eq!(
            EventKind::parse("merge"),
            None,
            "the action's name is not an event"
        );
        assert_eq!(EventKind::parse("teleport"), None);
    }
}
