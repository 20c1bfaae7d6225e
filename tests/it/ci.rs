//! `ci` tests.
