//! `secrets.*` checks.

use crate::engine::Check;

/// The `secrets.*` checks (SPEC §3).
pub fn checks() -> Vec<Box<dyn Check>> {
    Vec::new()
}
