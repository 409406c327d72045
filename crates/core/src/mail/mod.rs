//! Talking to the company's mail servers: a letter composed as the message that leaves, sent
//! over SMTP, and the login each server takes (a password, or an access token a command of
//! the company's prints). The one place that opens a connection to a mail server.
//!
//! Builds on [`crate::domain::mail`] (the settings and how a message names its case); the
//! desk's use cases call it, and keep what it did in the store.

pub mod compose;
pub mod failure;
pub mod imap;
pub mod login;
pub mod parse;
pub mod smtp;

pub use compose::{Composed, LetterMail, compose};
pub use login::{Login, Secret};
pub use smtp::{Checked, Failure, Phase};
