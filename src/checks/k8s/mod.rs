//! `k8s.*`: Kubernetes workload hygiene, read from the one Kubernetes model
//! of the run ([`crate::views::k8s`]): plain manifests, Helm charts rendered
//! against their values.yaml, and Kustomize overlays.

mod disruption;
pub use disruption::{Gap, candidates, gap};
mod images_pinned;
mod resources;

use std::collections::HashSet;

use crate::check::Check;
use crate::findings::Finding;

/// The `k8s.*` checks (SPEC §3).
pub fn checks() -> Vec<Box<dyn Check>> {
    vec![
        Box::new(disruption::Disruption::new()),
        Box::new(images_pinned::ImagesPinned::new()),
        Box::new(resources::Resources::new()),
    ]
}

/// One finding per place and message: a base that three overlays include
/// is reported once.
pub fn dedupe(findings: Vec<Finding>) -> Vec<Finding> {
    let mut seen = HashSet::new();
    let mut out: Vec<Finding> = findings
        .into_iter()
        .filter(|f| seen.insert((f.path.clone(), f.line, f.message.clone())))
        .collect();
    out.sort_by(|a, b| (&a.path, a.line).cmp(&(&b.path, b.line)));
    out
}

/// A list of names, the first few.
pub fn names(items: &[String]) -> String {
    const SHOWN: usize = 4;
    let mut s = items
        .iter()
        .take(SHOWN)
        .cloned()
        .collect::<Vec<_>>()
        .join(", ");
    if items.len() > SHOWN {
        s.push_str(&format!(" and {} more", items.len() - SHOWN));
    }
    s
}
