//! `health.*` checks: health endpoints declared, and answering.

mod declared;
mod reachable;

pub use declared::{Declared, DeclaredKind, Scan, discover, scan};

use crate::check::Check;

/// The `health.*` checks (SPEC §3).
pub fn checks() -> Vec<Box<dyn Check>> {
    vec![
        Box::new(declared::HealthDeclared::new()),
        Box::new(reachable::Reachable::new()),
    ]
}
