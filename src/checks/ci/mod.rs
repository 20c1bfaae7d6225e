//! `ci.*` checks.

use crate::engine::Check;

/// The `ci.*` checks (SPEC §3).
pub fn checks() -> Vec<Box<dyn Check>> {
    Vec::new()
}
