//! `health.*` checks: health endpoints declared, and answering.

mod reachable;

use crate::engine::Check;

/// The `health.*` checks (SPEC §3).
pub fn checks() -> Vec<Box<dyn Check>> {
    vec![Box::new(reachable::Reachable::new())]
}
