//! `health` tests.
