//! `custom` tests.
