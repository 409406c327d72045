//! The reliability suite (issue 4): real failures injected — SIGKILL, flipped bytes, a full
//! disk, two writers, hostile input — and what PrivacyDesk must do about each. `SECURITY.md`
//! maps every promise to the test here that proves it.

mod harness;

mod audit_chain;
mod backup_and_rekey;
mod crash;
mod csv_injection;
mod disk_full;
mod hostile_input;
mod plaintext;
mod retention;
mod tamper;
mod team_server;
mod two_writers;
