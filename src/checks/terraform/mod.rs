//! `terraform.*` checks.

use crate::engine::Check;

/// The `terraform.*` checks (SPEC §3).
pub fn checks() -> Vec<Box<dyn Check>> {
    Vec::new()
}
