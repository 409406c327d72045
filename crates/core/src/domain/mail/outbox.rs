//! The outbox: each letter sent by email is a message here first, with its Message-ID and
//! Date fixed before the first try, so that a retry sends the same message and a letter is
//! marked sent only when the server took it.
//!
//! A message whose try was cut off (the desk stopped mid-send) is `sending`: the server may
//! have it, so it is never tried again without the agent saying so.

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::domain::ids::{CaseId, LetterId, OutboxId, Reference};
use crate::domain::letters::LetterKind;
use crate::domain::spelling::spelled_enum;
use crate::{Error, Result};

spelled_enum! {
    /// Where a message is on its way out.
    pub enum OutboxState ("outbox state") {
        /// Waiting for its first try.
        Queued = "queued",
        /// A try is under way, or was cut off before the server answered.
        Sending = "sending",
        /// The server took it; its letter is marked sent.
        Sent = "sent",
        /// The last try failed; it waits to be tried again.
        Failed = "failed",
    }
}

spelled_enum! {
    /// Whom a letter goes to.
    pub enum Addressee ("recipient") {
        /// The person who made the request.
        Requester = "requester",
        /// The contact of the customer on the case (the forwarding packet).
        Customer = "customer",
    }
}

impl Addressee {
    /// Who receives a letter of `kind`.
    pub fn of(kind: LetterKind) -> Addressee {
        if kind.to_customer() {
            Addressee::Customer
        } else {
            Addressee::Requester
        }
    }
}

/// One message in the outbox. It holds no personal data: the text is its letter's, the
/// address is read from the case at each try, and a failure is kept as the step and the
/// server's code only.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OutboxEntry {
    pub id: OutboxId,
    #[serde(skip)]
    pub case: CaseId,
    pub reference: Reference,
    pub letter: LetterId,
    pub kind: LetterKind,
    /// The letter's title, as the window shows it.
    pub title: &'static str,
    pub to: Addressee,
    /// The Message-ID, angle brackets included.
    pub message_id: String,
    /// The Date header's time (RFC 3339), fixed at the first try.
    pub dated: String,
    pub state: OutboxState,
    /// Tries so far.
    pub attempts: u32,
    /// Why the last try failed (the step and code, without the server's words).
    pub last_error: Option<String>,
    pub queued_at: String,
    pub queued_by: String,
    pub updated_at: String,
}

/// How long a try may take before a message still `sending` counts as cut off: every step of
/// a send gives up after 30 seconds, so a try older than this is no longer under way.
pub const TRY_LASTS_AT_MOST: chrono::TimeDelta = chrono::TimeDelta::minutes(5);

spelled_enum! {
    /// Whether a message may be tried again now, as the outbox shows it.
    pub enum Retry ("retry") {
        /// Queued or failed: a retry sends it.
        Now = "now",
        /// Cut off mid-send: the server may have it, so only a confirmed resend.
        OnlyResend = "only_resend",
        /// A try is under way (on this desk or another).
        UnderWay = "under_way",
        /// Sent: never again.
        Never = "never",
    }
}

/// A message not yet sent, with whether it may be tried again: what `outbox` lists.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WaitingMessage {
    #[serde(flatten)]
    pub entry: OutboxEntry,
    pub retry: Retry,
}

impl OutboxEntry {
    /// Whether the message may be tried `now`: a queued or failed one may; one being sent
    /// (by this desk or another, since less than [`TRY_LASTS_AT_MOST`]) not; one cut off
    /// mid-send only with a confirmed resend; a sent one never.
    pub fn retry(&self, now: DateTime<Utc>) -> Retry {
        let under_way = DateTime::parse_from_rfc3339(&self.updated_at)
            .map(|at| now.signed_duration_since(at) < TRY_LASTS_AT_MOST)
            .unwrap_or(false);
        match self.state {
            OutboxState::Queued | OutboxState::Failed => Retry::Now,
            OutboxState::Sending if under_way => Retry::UnderWay,
            OutboxState::Sending => Retry::OnlyResend,
            OutboxState::Sent => Retry::Never,
        }
    }

    /// [`OutboxEntry::retry`] as a refusal: `Ok` when a try (with `resend`, a confirmed
    /// resend) may start `now`, else what the person is told.
    pub fn may_try(&self, resend: bool, now: DateTime<Utc>) -> Result<()> {
        match self.retry(now) {
            Retry::Now => Ok(()),
            Retry::UnderWay => Err(Error::NotAllowed(format!(
                "message {} ({} of {}) is being sent right now (since {}); look at the outbox \
                 again in a minute",
                self.id,
                self.kind.cli_name(),
                self.reference,
                self.updated_at.get(11..16).unwrap_or(&self.updated_at)
            ))),
            Retry::OnlyResend if resend => Ok(()),
            Retry::OnlyResend => Err(Error::NotAllowed(format!(
                "message {} ({} of {}) was being sent when the desk stopped, and the mail server \
                 may have it: check the account's sent mail, then retry it with --resend if it \
                 is not there",
                self.id,
                self.kind.cli_name(),
                self.reference
            ))),
            Retry::Never => Err(Error::NotAllowed(format!(
                "message {} ({} of {}) was sent; it is not sent twice",
                self.id,
                self.kind.cli_name(),
                self.reference
            ))),
        }
    }
}

/// A message moved from one state to another, if it is still in one of `from`.
#[derive(Debug, Clone, Copy)]
pub struct MailMove<'a> {
    pub id: OutboxId,
    pub from: &'a [OutboxState],
    pub to: OutboxState,
    /// Why the try failed, kept with a move to `failed`.
    pub error: Option<&'a str>,
    pub at: &'a str,
    /// With `sending` among `from`: a `sending` message moves only if its last try began
    /// before this time (it was cut off), so that of two desks resending it, one does.
    pub sending_before: Option<&'a str>,
}

/// A message about to join the outbox.
#[derive(Debug, Clone, Copy)]
pub struct NewOutboxEntry<'a> {
    pub case: CaseId,
    pub letter: LetterId,
    pub kind: LetterKind,
    pub to: Addressee,
    pub message_id: &'a str,
    pub dated: &'a str,
    pub at: &'a str,
    pub by: &'a str,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(state: OutboxState) -> OutboxEntry {
        OutboxEntry {
            id: OutboxId(7),
            case: CaseId(1),
            reference: Reference::new(2026, 42),
            letter: LetterId(3),
            kind: LetterKind::AccessResponse,
            title: LetterKind::AccessResponse.title(),
            to: Addressee::Requester,
            message_id: "<privacydesk.PR-2026-00042.x@acme.example>".into(),
            dated: "2026-12-04T10:00:00Z".into(),
            state,
            attempts: 1,
            last_error: None,
            queued_at: "2026-12-04T10:00:00Z".into(),
            queued_by: "ana".into(),
            updated_at: "2026-12-04T10:00:00Z".into(),
        }
    }

    #[test]
    fn a_message_is_tried_again_only_when_no_server_may_have_it_yet() {
        let at = |text: &str| {
            DateTime::parse_from_rfc3339(text)
                .expect("a time")
                .with_timezone(&Utc)
        };
        let (soon, later) = (at("2026-12-04T10:01:00Z"), at("2026-12-04T10:06:00Z"));
        assert!(entry(OutboxState::Queued).may_try(false, soon).is_ok());
        assert!(entry(OutboxState::Failed).may_try(false, soon).is_ok());
        let under_way = entry(OutboxState::Sending)
            .may_try(true, soon)
            .expect_err("another try is under way");
        assert!(under_way.to_string().contains("right now"), "{under_way}");
        let cut_off = entry(OutboxState::Sending)
            .may_try(false, later)
            .expect_err("may be there");
        assert!(cut_off.to_string().contains("--resend"), "{cut_off}");
        assert!(entry(OutboxState::Sending).may_try(true, later).is_ok());
        assert!(entry(OutboxState::Sent).may_try(true, later).is_err());
        assert_eq!(
            [
                entry(OutboxState::Failed).retry(soon),
                entry(OutboxState::Sending).retry(soon),
                entry(OutboxState::Sending).retry(later),
                entry(OutboxState::Sent).retry(later),
            ],
            [Retry::Now, Retry::UnderWay, Retry::OnlyResend, Retry::Never]
        );
    }

    #[test]
    fn the_forwarding_packet_goes_to_the_customer_and_every_other_letter_to_the_requester() {
        for kind in LetterKind::ALL {
            let to = Addressee::of(*kind);
            assert_eq!(to == Addressee::Customer, kind.to_customer(), "{kind:?}");
        }
    }
}
