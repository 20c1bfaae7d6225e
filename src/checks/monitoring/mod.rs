//! `monitoring.*` checks.

mod alert_runbooks;
mod configured;

pub use configured::{Found, Scan, scan};

use crate::check::Check;

/// The `monitoring.*` checks (SPEC §3).
pub fn checks() -> Vec<Box<dyn Check>> {
    vec![
        Box::new(configured::Configured::new()),
        Box::new(alert_runbooks::AlertRunbooks::new()),
    ]
}
