//! The command line, as scripts call it: the stable contract of `privacydesk`.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

/// PrivacyDesk: privacy requests in an encrypted case database.
#[derive(Debug, Parser)]
#[command(name = "privacydesk", version, about, max_term_width = 100)]
pub struct Cli {
    /// The database: a file, or a team desk's address postgres://NAME@HOST[:PORT]/TEAM
    /// [default: a file in the platform data directory]
    #[arg(long, global = true, value_name = "FILE|URL", env = "PRIVACYDESK_DB")]
    pub db: Option<PathBuf>,
    /// The agent recorded on audit events [default: your login name]; on a team desk it is
    /// always whoever logs in
    #[arg(long, global = true, value_name = "NAME")]
    pub agent: Option<String>,
    /// Read the passphrase from this file (used when PRIVACYDESK_PASSPHRASE is not set)
    #[arg(long, global = true, value_name = "FILE")]
    pub passphrase_file: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create a new encrypted database; or, with a team desk's address naming the server's
    /// administrator, set the team desk up (schema, roles, team key) with its first manager
    Init {
        /// On a team desk: the first manager's name (their passphrase from
        /// PRIVACYDESK_NEW_PASSPHRASE or a prompt)
        #[arg(long, value_name = "NAME")]
        manager: Option<String>,
    },
    /// The people of a team desk: list, add, remove; change your own passphrase
    #[command(subcommand)]
    Team(TeamCommand),
    /// Log, list, show and work cases
    #[command(subcommand)]
    Case(CaseCommand),
    /// Export data as CSV
    #[command(subcommand)]
    Export(ExportCommand),
    /// Write reports as CSV
    #[command(subcommand)]
    Report(ReportCommand),
    /// Your saved views of the case list
    #[command(subcommand)]
    View(ViewCommand),
    /// The customers whose data the company processes: contacts, forwarding times, open cases
    #[command(subcommand)]
    Customer(CustomerCommand),
    /// Write, keep and save the letters of a case (templates: the `letters` folder beside the
    /// database)
    #[command(subcommand)]
    Letter(LetterCommand),
    /// Import cases from a CSV file (kind,name,email,received; optional jurisdiction,customer,channel,details,minor,phone)
    Import {
        /// The CSV file, with a header row
        file: PathBuf,
    },
    /// Add realistic demo cases (creates the database if it does not exist)
    Demo {
        /// How many cases
        #[arg(long, value_name = "N")]
        cases: u64,
        /// Random seed, for the same data every time
        #[arg(long, value_name = "S", default_value_t = 1)]
        seed: u64,
    },
    /// The laws whose deadlines cases follow, with their citations (no database needed)
    #[command(subcommand)]
    Laws(LawsCommand),
    /// The public-holiday calendars that deadlines and business days follow (no database needed)
    #[command(subcommand)]
    Calendar(CalendarCommand),
    /// The company's mail account: where letters leave from, which mailbox requests arrive in
    #[command(subcommand)]
    Mail(MailCommand),
    /// Letters sent by email that the mail server has not taken yet
    #[command(subcommand)]
    Outbox(OutboxCommand),
    /// Mail that arrived: import messages, and open a case from, merge or mark as spam each one
    /// that waits in the intake queue
    #[command(subcommand)]
    Intake(IntakeCommand),
    /// Check the file's integrity, its encryption and the audit chain
    Verify,
    /// Copy the database, online, to a new encrypted file with the same passphrase
    Backup {
        /// The new file (must not exist)
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
    },
    /// Change the passphrase (new one from PRIVACYDESK_NEW_PASSPHRASE or a prompt)
    Rekey,
    /// Copy the whole desk into a new one: a file into a new team desk (set up with `init`,
    /// before anyone works on it), or a team desk into an archive file. Cases, notes, letters,
    /// customers, views, settings and the audit trail with its chain; the copy is verified
    #[command(name = "copy-to")]
    CopyTo {
        /// A new file (its passphrase from PRIVACYDESK_NEW_PASSPHRASE or a prompt), or a team
        /// desk's address naming its manager (their passphrase from
        /// PRIVACYDESK_TARGET_PASSPHRASE or a prompt)
        #[arg(value_name = "FILE|URL")]
        target: PathBuf,
    },
    /// Redact requester details on cases closed longer ago than the retention period
    /// (default 24 months), keeping the request record and the audit trail
    Retention {
        /// Only list the cases due (and those a legal hold keeps whole), changing nothing
        #[arg(long)]
        dry_run: bool,
        /// Set the retention period first (24 to 120 months; kept in the database)
        #[arg(long, value_name = "N")]
        months: Option<u32>,
    },
}

#[derive(Debug, Subcommand)]
pub enum TeamCommand {
    /// Everyone on the team, with their role
    List,
    /// Add someone (a manager's): their passphrase from PRIVACYDESK_NEW_PASSPHRASE or a prompt,
    /// to give them in person
    Add {
        /// Their name: lower-case letters, digits and _, e.g. ana_ruiz
        name: String,
        /// What they may do: agent (works cases), manager (also reports, retention, customers,
        /// the team) or viewer (reads only)
        #[arg(long, value_name = "ROLE")]
        role: String,
    },
    /// Remove someone (a manager's): they can no longer log in; what they did stays on the trail
    Remove {
        /// Their name
        name: String,
    },
    /// Change your own passphrase (the new one from PRIVACYDESK_NEW_PASSPHRASE or a prompt)
    Passphrase,
    /// Rotate the team key (a manager's): every personal value sealed again under a new key,
    /// so that a key someone kept (an agent removed) opens nothing; the others take the new
    /// key when they next sign in
    RotateKey,
    /// The company's files the team shares (letter templates, company.toml, calendars.toml,
    /// mail.toml), each with who shared it and how this machine's copy compares
    Files {
        #[command(subcommand)]
        action: Option<FilesCommand>,
    },
}

#[derive(Debug, Subcommand)]
pub enum FilesCommand {
    /// Share this machine's folder of them with the team (a manager's): from then on every
    /// desktop fills letters and counts closure days from the shared ones
    Share,
    /// Write the team's shared files into this machine's folder, to read or edit (a local
    /// file with other text is kept aside as NAME.before-pull)
    Pull,
}

#[derive(Debug, Subcommand)]
pub enum MailCommand {
    /// Show the mail settings in force; with options, change this machine's first (mail.toml
    /// beside the database; on a team desk, in its folder of company files until a manager
    /// shares it). The password is never in them
    Settings(Box<MailSettingsArgs>),
    /// Connect to the outgoing mail server, secure the connection and log in, as a send would,
    /// and say what worked (sends nothing). The password is read from PRIVACYDESK_SMTP_PASSWORD
    Test,
    /// Read the privacy mailbox (IMAP): each message since the last fetch is imported once, on
    /// the case it answers or into the intake queue; nothing on the server is changed. The
    /// password is read from PRIVACYDESK_IMAP_PASSWORD (else PRIVACYDESK_SMTP_PASSWORD)
    Fetch {
        /// Read every message of the mailbox again (those imported before are still skipped)
        #[arg(long)]
        again: bool,
        /// Print JSON
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum OutboxCommand {
    /// The messages not yet sent, with why the last try failed
    List {
        /// Print JSON instead of a table
        #[arg(long)]
        json: bool,
    },
    /// Try a message again (the same message: its Message-ID and Date are kept)
    Retry {
        /// The message's number (see `outbox list`)
        id: i64,
        /// Send a message whose last try was cut off mid-send, after checking the account's
        /// sent mail shows it did not leave
        #[arg(long)]
        resend: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum IntakeCommand {
    /// Import messages saved as .eml files: a reply to a case is kept on it, any other message
    /// waits in the intake queue; a message imported before is skipped
    Import {
        /// The .eml files
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// The messages waiting in the intake queue, oldest first
    List {
        /// Every message kept, not only those waiting
        #[arg(long)]
        all: bool,
        /// Print JSON instead of a table
        #[arg(long)]
        json: bool,
    },
    /// One message: its sender, subject, text and files, and what may be done with it
    Show {
        /// The message's number (see `intake list`)
        id: i64,
        /// Print JSON
        #[arg(long)]
        json: bool,
    },
    /// Log a new case from a message in the queue: its sender, the day it arrived and its text
    /// fill the form, and what you give here replaces them
    ToCase(ToCaseArgs),
    /// Keep a message in the queue on an open case instead (its text becomes a note)
    Merge {
        /// The message's number
        id: i64,
        /// The case
        #[arg(long, value_name = "REFERENCE")]
        into: String,
    },
    /// Mark a message in the queue as spam (it stays kept)
    Spam {
        /// The message's number
        id: i64,
    },
    /// Save a message's original as it arrived (a .eml file)
    Save {
        /// The message's number
        id: i64,
        /// Where to write it
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
    },
}

#[derive(Debug, Args)]
pub struct ToCaseArgs {
    /// The message's number
    pub id: i64,
    /// What the person asks for (`intake show` suggests one; the choice is yours)
    #[arg(long)]
    pub kind: String,
    /// Requester's name [default: the sender's]
    #[arg(long, allow_hyphen_values = true)]
    pub name: Option<String>,
    /// Requester's email [default: the sender's]
    #[arg(long)]
    pub email: Option<String>,
    /// Requester's phone number
    #[arg(long, value_name = "NUMBER")]
    pub phone: Option<String>,
    /// Day of receipt, YYYY-MM-DD [default: the day the message arrived]
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub received: Option<String>,
    /// gdpr, uk-gdpr, ccpa, pipeda, quebec, lgpd, default
    #[arg(long)]
    pub jurisdiction: Option<String>,
    /// The customer (controller) whose data it is
    #[arg(long, allow_hyphen_values = true)]
    pub customer: Option<String>,
    /// What the person wrote [default: the message's subject and text]
    #[arg(long, allow_hyphen_values = true)]
    pub details: Option<String>,
    /// A post or page to remove (forum-removal; repeat for each)
    #[arg(long = "item", value_name = "URL")]
    pub items: Vec<String>,
    /// The request concerns someone under 18
    #[arg(long)]
    pub minor: bool,
}

#[derive(Debug, Args)]
pub struct MailSettingsArgs {
    /// Outgoing mail: the SMTP server, e.g. smtp.gmail.com
    #[arg(long, value_name = "HOST")]
    pub smtp_host: Option<String>,
    /// Outgoing mail: its port [default: 587 with starttls, 465 with tls]
    #[arg(long, value_name = "N")]
    pub smtp_port: Option<u16>,
    /// Outgoing mail: starttls, tls, or none (only for a server on this machine)
    #[arg(long, value_name = "SECURITY")]
    pub security: Option<String>,
    /// Outgoing mail: the account's user name
    #[arg(long, value_name = "USER")]
    pub user: Option<String>,
    /// Outgoing mail: the sender address letters carry
    #[arg(long, value_name = "ADDRESS")]
    pub from: Option<String>,
    /// Outgoing mail: password, or xoauth2 (Gmail / Google Workspace, Microsoft 365)
    #[arg(long, value_name = "AUTH")]
    pub auth: Option<String>,
    /// Outgoing mail with xoauth2: the command that prints an access token
    #[arg(long, value_name = "CMD")]
    pub token_command: Option<String>,
    /// Incoming mail: the IMAP server, e.g. imap.gmail.com
    #[arg(long, value_name = "HOST")]
    pub imap_host: Option<String>,
    /// Incoming mail: its port [default: 993 with tls, 143 with starttls]
    #[arg(long, value_name = "N")]
    pub imap_port: Option<u16>,
    /// Incoming mail: tls, starttls, or none (only for a server on this machine)
    #[arg(long, value_name = "SECURITY")]
    pub imap_security: Option<String>,
    /// Incoming mail: the account's user name
    #[arg(long, value_name = "USER")]
    pub imap_user: Option<String>,
    /// Incoming mail: password or xoauth2
    #[arg(long, value_name = "AUTH")]
    pub imap_auth: Option<String>,
    /// Incoming mail with xoauth2: the command that prints an access token
    #[arg(long, value_name = "CMD")]
    pub imap_token_command: Option<String>,
    /// Incoming mail: the mailbox read [default: INBOX]
    #[arg(long, value_name = "NAME")]
    pub mailbox: Option<String>,
    /// Print the settings as JSON
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Subcommand)]
pub enum LawsCommand {
    /// List the built-in laws
    List,
    /// Show one law: its periods, extension, clock, appeal, agents and authority, each cited
    Show {
        /// The jurisdiction, e.g. gdpr, uk-gdpr, ccpa (see `laws list`)
        name: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum CalendarCommand {
    /// List the built-in calendars, and the company's settings (calendars.toml beside the
    /// database: the calendar chosen per law, the closure days)
    List,
    /// Write a commented calendars.toml beside the database to fill in (an existing file is
    /// kept)
    Init,
    /// Show one calendar's holidays in a year
    Show {
        /// The calendar, e.g. uk-england-wales, ie, us (see `calendar list`)
        name: String,
        /// The year [default: this year]
        #[arg(long, value_name = "YYYY")]
        year: Option<i32>,
    },
}

#[derive(Debug, Subcommand)]
pub enum CaseCommand {
    /// Log a new request; prints its reference
    New(NewArgs),
    /// List cases: open ones soonest due first, then closed ones latest first
    List(ListArgs),
    /// Show a case, its deadline explained, the actions allowed and its timeline
    Show {
        /// Case reference, e.g. PR-2026-00001
        reference: String,
        /// Print JSON
        #[arg(long)]
        json: bool,
    },
    /// Add a note to a case
    Note {
        /// Case reference
        reference: String,
        /// The note
        #[arg(allow_hyphen_values = true)]
        text: String,
    },
    /// Do something to a case
    Act(ActArgs),
    /// Assign, forward or note several cases at once (each gets its own audit event)
    #[command(subcommand)]
    Bulk(BulkCommand),
    /// Merge a duplicate into another open case from the same address: the duplicate is
    /// closed as merged, both keep their history
    Merge {
        /// The duplicate, to be closed
        duplicate: String,
        /// The case to keep
        #[arg(long, value_name = "REFERENCE")]
        into: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum BulkCommand {
    /// Give the cases to an agent
    Assign {
        /// The agent
        #[arg(long, value_name = "AGENT")]
        to: String,
        /// Case references
        #[arg(required = true)]
        references: Vec<String>,
    },
    /// Forward the cases to their customers
    Forward {
        /// Case references
        #[arg(required = true)]
        references: Vec<String>,
    },
    /// Add the same note to each case
    Note {
        /// The note
        #[arg(long, value_name = "TEXT", allow_hyphen_values = true)]
        text: String,
        /// Case references
        #[arg(required = true)]
        references: Vec<String>,
    },
}

#[derive(Debug, Subcommand)]
pub enum ViewCommand {
    /// Save a named set of filters for `case list --view NAME` (yours alone)
    Save {
        /// The view's name
        name: String,
        #[command(flatten)]
        filter: FilterArgs,
    },
    /// Your saved views
    List,
    /// Delete one of your saved views
    Delete {
        /// The view's name
        name: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum LetterCommand {
    /// Print the letter to edit: the saved draft, or the template filled from the case
    Show {
        /// Case reference
        reference: String,
        /// identity-request, clarification-request, extension-notice, access-response,
        /// correction-done, removal-answer, account-closure, completion, denial,
        /// inquiry-answer, customer-forwarding
        letter: String,
    },
    /// Keep an edited letter as the case's draft (blanks may remain)
    Draft {
        /// Case reference
        reference: String,
        /// Which letter
        letter: String,
        /// The edited text ("-" for standard input)
        #[arg(long, value_name = "FILE")]
        file: PathBuf,
    },
    /// Drop the saved draft, going back to the template
    Discard {
        /// Case reference
        reference: String,
        /// Which letter
        letter: String,
    },
    /// Mark a letter sent, keeping its text on the case exactly as given
    Send {
        /// Case reference
        reference: String,
        /// Which letter
        letter: String,
        /// The text as sent ("-" for standard input) [default: the saved draft or the
        /// filled template, if it has no blank left]
        #[arg(long, value_name = "FILE")]
        file: Option<PathBuf>,
        /// Close the case too, with the outcome the letter answers (fulfilled, or partially
        /// fulfilled when a page stayed up), in the same transaction
        #[arg(long)]
        close: bool,
        /// Send it by email through the company's mail account (see `mail settings`) to the
        /// requester, or the customer's contact for the forwarding packet; marked sent only
        /// once the server took it, else kept in the outbox. The password is read from
        /// PRIVACYDESK_SMTP_PASSWORD
        #[arg(long, conflicts_with = "close")]
        by_email: bool,
    },
    /// List a case's letters, sent and drafts
    List {
        /// Case reference
        reference: String,
    },
    /// Save a sent letter as a text file to attach to an email
    Export {
        /// Case reference
        reference: String,
        /// The letter's number (see `letter list`)
        id: i64,
        /// The file to write
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
    },
    /// Write the default templates and company.toml for editing (files already there are kept)
    Templates {
        /// The folder [default: `letters` beside the database]
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
    },
}

#[derive(Debug, Args)]
pub struct NewArgs {
    /// access, correction, erasure, forum-removal, account-closure, restriction, marketing-opt-out, inquiry
    #[arg(long)]
    pub kind: String,
    /// Requester's name
    #[arg(long, allow_hyphen_values = true)]
    pub name: String,
    /// Requester's email
    #[arg(long)]
    pub email: String,
    /// Requester's phone number
    #[arg(long, value_name = "NUMBER")]
    pub phone: Option<String>,
    /// Day of receipt, YYYY-MM-DD [default: today]
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub received: Option<String>,
    /// gdpr, uk-gdpr, ccpa, pipeda, quebec, lgpd, default
    #[arg(long)]
    pub jurisdiction: Option<String>,
    /// The customer (controller) whose data it is
    #[arg(long, allow_hyphen_values = true)]
    pub customer: Option<String>,
    /// email, web, phone, forum, letter, signal (an opt-out preference signal such as Global
    /// Privacy Control; marketing-opt-out only) [default: email]
    #[arg(long)]
    pub channel: Option<String>,
    /// What the person wrote
    #[arg(long, allow_hyphen_values = true)]
    pub details: Option<String>,
    /// A post or page to remove (forum-removal; repeat for each)
    #[arg(long = "item", value_name = "URL")]
    pub items: Vec<String>,
    /// The request concerns someone under 18
    #[arg(long)]
    pub minor: bool,
    /// Filed by an authorized agent: the agent's name (needs --agent-proof)
    #[arg(long, value_name = "NAME")]
    pub authorized_agent: Option<String>,
    /// The proof of the person's permission the agent showed (a signed authorisation…)
    #[arg(long, value_name = "TEXT", allow_hyphen_values = true)]
    pub agent_proof: Option<String>,
}

#[derive(Debug, Args)]
pub struct ListArgs {
    /// Start from this saved view (see `privacydesk view`); other filters narrow it
    #[arg(long, value_name = "NAME")]
    pub view: Option<String>,
    #[command(flatten)]
    pub filter: FilterArgs,
    /// At most this many cases [default: 50 as a table, all as JSON; 0 for all]
    #[arg(long, value_name = "N")]
    pub limit: Option<u32>,
    /// Print a JSON array
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct FilterArgs {
    /// Only this state (new, verifying-identity, in-progress, awaiting-customer, awaiting-requester, deletion-scheduled, closed)
    #[arg(long)]
    pub state: Option<String>,
    /// Only this kind
    #[arg(long)]
    pub kind: Option<String>,
    /// Only open cases
    #[arg(long)]
    pub open: bool,
    /// Only open cases past their due date
    #[arg(long)]
    pub overdue: bool,
    /// Only open cases due within this many days
    #[arg(long, value_name = "DAYS")]
    pub due_within: Option<u32>,
    /// Search reference, name, email, details and notes
    #[arg(long, value_name = "TEXT")]
    pub search: Option<String>,
    /// Only this customer's cases
    #[arg(long, value_name = "NAME")]
    pub customer: Option<String>,
    /// Only cases assigned to this agent
    #[arg(long, value_name = "AGENT")]
    pub assignee: Option<String>,
}

#[derive(Debug, Args)]
pub struct ActArgs {
    /// Case reference
    pub reference: String,
    /// request-id, verify, forward, customer-replied, ask-requester, requester-replied, extend,
    /// schedule-deletion, hold, release-hold, confirm-deletion, close, reopen, assign,
    /// remove-item, refuse-item
    pub action: String,
    /// Why (needed to deny, reopen, extend, hold, refuse an item)
    #[arg(long, allow_hyphen_values = true)]
    pub reason: Option<String>,
    /// fulfilled, partially-fulfilled, denied, withdrawn (close)
    #[arg(long)]
    pub outcome: Option<String>,
    /// Basis of a denial: identity-not-verified, manifestly-unfounded, legal-obligation,
    /// exemption, controller-decision, no-data, other [default: other]
    #[arg(long, value_name = "BASIS")]
    pub denial_basis: Option<String>,
    /// New due date (extend)
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub until: Option<String>,
    /// Agent to assign to
    #[arg(long, value_name = "AGENT")]
    pub to: Option<String>,
    /// Forum item URL (remove-item, refuse-item)
    #[arg(long, value_name = "URL")]
    pub item: Option<String>,
    /// verify: record that no identity check is needed, giving why in --reason (a GPC
    /// signal, a logged-in account) [default: the identity was verified]
    #[arg(long)]
    pub no_check_needed: bool,
    /// close, confirm-deletion: fulfil without the answer letter marked sent here; you
    /// confirm the answer reached the person another way
    #[arg(long)]
    pub without_letter: bool,
    /// request-id: the request is reasonably suspected fraudulent and cannot be authenticated
    /// yet; where the law says so (Utah), its clock stops until it is
    #[arg(long)]
    pub suspected_fraud: bool,
    /// Only if the case is still at this revision (`revision.number` in `case show --json`):
    /// refused with exit code 6 if someone changed it since it was looked at
    #[arg(long, value_name = "N")]
    pub seen: Option<i64>,
}

#[derive(Debug, Subcommand)]
pub enum ExportCommand {
    /// Export cases (filters combine)
    Cases {
        /// The CSV file to write (replaced atomically)
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
        /// Received on or after
        #[arg(long, value_name = "YYYY-MM-DD")]
        from: Option<String>,
        /// Received on or before
        #[arg(long, value_name = "YYYY-MM-DD")]
        to: Option<String>,
        /// Only this state
        #[arg(long)]
        state: Option<String>,
        /// Only this kind
        #[arg(long)]
        kind: Option<String>,
        /// Start with a byte-order mark, for Excel
        #[arg(long)]
        bom: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum ReportCommand {
    /// Per kind: received, closed and how, on time, days to close, open and overdue at month end
    Monthly {
        /// The month, YYYY-MM
        #[arg(long, value_name = "YYYY-MM")]
        month: String,
        /// The CSV file to write
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
    },
    /// The CCPA yearly metrics (11 CCR §7102): per kind, received, complied with in whole or in
    /// part, denied, and the median and mean days to respond
    Yearly {
        /// The calendar year, YYYY
        #[arg(long, value_name = "YYYY")]
        year: String,
        /// The CSV file to write
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
    },
}

#[derive(Debug, Subcommand)]
pub enum CustomerCommand {
    /// Every customer named on an open case or configured, with its settings
    List,
    /// A customer's settings and open cases, with their forwarding dates
    Show {
        /// The customer's name
        name: String,
    },
    /// Set a customer's contact or forwarding time
    Set {
        /// The customer's name, as on its cases
        name: String,
        /// Where forwarded requests go (an email address; "" to clear)
        #[arg(long, value_name = "EMAIL")]
        contact: Option<String>,
        /// The contract's time to forward a request, in business days [default: 5]
        #[arg(long, value_name = "DAYS")]
        forward_days: Option<u32>,
    },
}
