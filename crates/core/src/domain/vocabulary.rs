//! The closed vocabularies of a case: kinds, states, outcomes, denial bases, channels (the
//! laws, which are data, are in `jurisdiction.rs`).

use crate::domain::spelling::spelled_enum;

spelled_enum! {
    /// What the person asked for, as the privacy policy promises it.
    pub enum Kind ("kind") {
        /// Whether we hold their data, and a copy of it.
        Access = "access",
        /// Correct or update their data.
        Correction = "correction",
        /// Delete their data.
        Erasure = "erasure",
        /// Remove their personal information from the public blog or forum, item by item.
        ForumRemoval = "forum_removal",
        /// Close the account; data deleted 30 days after termination.
        AccountClosure = "account_closure",
        /// Stop using their data (restriction or objection).
        Restriction = "restriction",
        /// Stop marketing communications.
        MarketingOptOut = "marketing_opt_out",
        /// A question or complaint.
        Inquiry = "inquiry",
    }
}

spelled_enum! {
    /// Where a case stands in the workflow.
    pub enum State ("state") {
        /// Logged, nothing done yet.
        New = "new",
        /// Waiting for the requester to prove who they are.
        VerifyingIdentity = "verifying_identity",
        /// Being worked.
        InProgress = "in_progress",
        /// Forwarded to the customer (the controller) for a decision.
        AwaitingCustomer = "awaiting_customer",
        /// Waiting for the requester to clarify.
        AwaitingRequester = "awaiting_requester",
        /// Account terminated; deletion due on the purge date.
        DeletionScheduled = "deletion_scheduled",
        /// Answered; an outcome is recorded.
        Closed = "closed",
        /// A refusal appealed, where the law gives the right: decided by closing it again.
        InAppeal = "in_appeal",
    }
}

spelled_enum! {
    /// How a closed case ended.
    pub enum Outcome ("outcome") {
        /// Everything asked for was done.
        Fulfilled = "fulfilled",
        /// Part was done; the answer says why not the rest.
        PartiallyFulfilled = "partially_fulfilled",
        /// Refused, with a basis and a reason.
        Denied = "denied",
        /// The person withdrew the request.
        Withdrawn = "withdrawn",
        /// A duplicate of another open case from the same person, merged into it.
        Merged = "merged",
    }
}

spelled_enum! {
    /// Why a request was denied; reported per basis in the monthly report.
    pub enum DenialBasis ("denial basis") {
        /// The requester's identity could not be verified.
        IdentityNotVerified = "identity_not_verified",
        /// Manifestly unfounded or excessive.
        ManifestlyUnfounded = "manifestly_unfounded",
        /// The law requires the data to be kept.
        LegalObligation = "legal_obligation",
        /// A statutory exemption applies (e.g. others' rights, legal privilege).
        Exemption = "exemption",
        /// The customer (controller) decided against it.
        ControllerDecision = "controller_decision",
        /// We hold no data about the person.
        NoData = "no_data",
        /// Anything else; the reason text says what.
        Other = "other",
    }
}

spelled_enum! {
    /// How the request reached us.
    pub enum Channel ("channel") {
        /// Email to support.
        Email = "email",
        /// The web form.
        Web = "web",
        /// A phone call.
        Phone = "phone",
        /// A forum message.
        Forum = "forum",
        /// A paper letter.
        Letter = "letter",
        /// An opt-out preference signal from the person's browser (Global Privacy Control):
        /// an opt-out that needs no identity check and gets no letter.
        Signal = "signal",
    }
}

spelled_enum! {
    /// What became of one item of a forum removal.
    pub enum ItemOutcome ("item outcome") {
        /// Not decided yet.
        Pending = "pending",
        /// Taken down.
        Removed = "removed",
        /// Kept; the reason goes into the answer to the person.
        Refused = "refused",
    }
}

spelled_enum! {
    /// Whether the requester is known to be who they say: fulfilling a request that discloses,
    /// changes or deletes data needs one of the two checked answers.
    pub enum Identity ("identity") {
        /// Nothing recorded yet.
        Unchecked = "unchecked",
        /// Verified (for a minor, the parent or guardian and their authority).
        Verified = "verified",
        /// Not needed, for the reason recorded with it (a GPC signal, a logged-in account).
        NotNeeded = "not_needed",
    }
}

impl Kind {
    /// Whether fulfilling it discloses, changes or deletes a person's data, so that the
    /// requester's identity must be checked (or why no check is needed recorded) first.
    pub fn needs_identity(self) -> bool {
        matches!(
            self,
            Kind::Access
                | Kind::Correction
                | Kind::Erasure
                | Kind::ForumRemoval
                | Kind::AccountClosure
        )
    }
}
