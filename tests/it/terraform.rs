//! `terraform` tests.
