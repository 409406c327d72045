//! Workflow tests.
