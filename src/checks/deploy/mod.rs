//! `deploy.*`: a deployment rolls out safely (`deploy.strategy`, from the
//! Kubernetes and Terraform models), is verified after it happens and is undone
//! without a person when it fails. The last two read the CI model (job order,
//! `needs:`, stages, step conditions); `deploy.auto-rollback` also reads
//! the Terraform model.

mod auto_rollback;
pub mod commands;
pub mod pipeline;
mod smoke_test;
mod strategy;

use crate::check::Check;

/// The `deploy.*` checks of this module (SPEC §3).
pub fn checks() -> Vec<Box<dyn Check>> {
    vec![
        Box::new(strategy::Strategy::new()),
        Box::new(smoke_test::SmokeTest::new()),
        Box::new(auto_rollback::AutoRollback::new()),
    ]
}

/// A command line shortened for a message.
pub(crate) fn short(s: &str) -> String {
    const MAX: usize = 60;
    let s = s.trim();
    if s.chars().count() <= MAX {
        s.to_string()
    } else {
        format!("{}…", s.chars().take(MAX).collect::<String>())
    }
}
