//! `health.*` checks.

use crate::engine::Check;

/// The `health.*` checks (SPEC §3).
pub fn checks() -> Vec<Box<dyn Check>> {
    Vec::new()
}
