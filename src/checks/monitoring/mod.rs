//! `monitoring.*` checks.

mod configured;

pub use configured::{Found, Scan, scan};

use crate::engine::Check;

/// The `monitoring.*` checks (SPEC §3).
pub fn checks() -> Vec<Box<dyn Check>> {
    vec![Box::new(configured::Configured::new())]
}
