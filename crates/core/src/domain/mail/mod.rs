//! Mail as the desk's rules see it: the account settings and how a message names its case.
//!
//! Pure values and functions; talking to a mail server is [`crate::mail`]'s.

pub mod intake;
pub mod letter_mail;
pub mod outbox;
pub mod settings;
pub mod threading;

pub use settings::{
    AuthMethod, Incoming, MailServer, MailSettings, Outgoing, Security, ServerChange,
};
pub use threading::{
    message_id, own_message_ids, reference_in_message_ids, reference_in_subject, subject_for,
};
