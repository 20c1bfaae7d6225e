//! `deploy.strategy`: how each deployable workload rolls out a new version,
//! read from the Kubernetes model and the Terraform model.

mod strategy;

use crate::engine::Check;

/// The rollout checks (SPEC §3: `deploy.strategy`).
pub fn checks() -> Vec<Box<dyn Check>> {
    vec![Box::new(strategy::Strategy::new())]
}
