//! `formats` tests.
