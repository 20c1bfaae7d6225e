//! `monitoring` tests.
