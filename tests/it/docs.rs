//! `docs` tests.
