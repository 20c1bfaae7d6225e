//! `monitoring.*` checks.

use crate::engine::Check;

/// The `monitoring.*` checks (SPEC §3).
pub fn checks() -> Vec<Box<dyn Check>> {
    Vec::new()
}
