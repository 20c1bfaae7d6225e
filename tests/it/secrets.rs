//! `secrets` tests.
