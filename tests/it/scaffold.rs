//! `scaffold` tests.
