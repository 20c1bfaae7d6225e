//! `readyctl scaffold disruption`: a PodDisruptionBudget (and, below 2
//! replicas, a HorizontalPodAutoscaler keeping 2) for every workload that
//! fails `k8s.disruption`, written beside its manifest.
//!
//! Plain manifests only: a file beside a Helm template or a Kustomize base
//! would not be deployed until a person adds it to the chart or the
//! kustomization, so those workloads are listed for a person to fix.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::json;

use super::context::RepoContext;
use super::render;
use super::write::Planned;
use crate::repo::index::Index;

/// A workload that needs a PodDisruptionBudget (and maybe an HPA).
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Target {
    /// The manifest declaring the workload.
    pub path: String,
    pub kind: String,
    pub api_version: String,
    pub name: String,
    pub namespace: Option<String>,
    pub labels: BTreeMap<String, String>,
    /// Needs a PodDisruptionBudget.
    pub pdb: bool,
    /// Replicas below 2 with no HPA: write one.
    pub hpa: bool,
    pub replicas: u64,
    /// A plain manifest (a file beside it is applied with it).
    pub plain: bool,
    pub source: String,
}

/// The failing workloads of `index` (see `k8s.disruption`).
pub fn targets(index: &Index) -> Vec<Target> {
    let k8s = crate::views::k8s::model(index);
    let mut out: Vec<Target> = Vec::new();
    for w in crate::checks::k8s::candidates(&k8s) {
        let Some(gap) = crate::checks::k8s::gap(&k8s, w) else {
            continue;
        };
        let t = Target {
            path: w.at.path.clone(),
            kind: w.kind.as_str().to_string(),
            api_version: w.api_version.clone(),
            name: w.name.clone(),
            namespace: w.namespace.clone(),
            labels: w.labels.clone(),
            pdb: gap.no_pdb,
            hpa: gap.replicas.is_some() && k8s.hpas_of(w).next().is_none(),
            replicas: gap.replicas.unwrap_or(1),
            plain: w.source == crate::views::k8s::Source::Manifest,
            source: w.source.describe(),
        };
        if !out.contains(&t) {
            out.push(t);
        }
    }
    out
}

/// The file written for a target: `<dir>/<name>-disruption.yaml`.
fn file_for(t: &Target) -> String {
    let dir = t.path.rsplit_once('/').map(|(d, _)| d).unwrap_or("");
    let name: String = t
        .name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c
            } else {
                '-'
            }
        })
        .collect();
    if dir.is_empty() {
        format!("{name}-disruption.yaml")
    } else {
        format!("{dir}/{name}-disruption.yaml")
    }
}

pub fn plan(ctx: &RepoContext) -> anyhow::Result<Vec<Planned>> {
    let mut out = Vec::new();
    let mut by_hand = Vec::new();
    for t in &ctx.disruption {
        if !t.plain || !(t.pdb || t.hpa) || t.labels.is_empty() {
            by_hand.push(format!("{} {} ({}, {})", t.kind, t.name, t.source, t.path));
            continue;
        }
        let v = json!({
            "kind": t.kind,
            "api_version": t.api_version,
            "name": t.name,
            "namespace": t.namespace,
            "label_lines": t
                .labels
                .iter()
                .map(|(k, v)| format!("{}: {}", json!(k), json!(v)))
                .collect::<Vec<_>>(),
            "hpa": t.hpa,
            "pdb": t.pdb,
            "replicas": t.replicas,
            "source": t.path,
        });
        out.push(Planned::create(
            file_for(t),
            render("k8s/disruption.yaml.j2", v)?,
        ));
    }
    for w in &by_hand {
        println!(
            "  to fix by hand: {w}: add a PodDisruptionBudget (and 2+ replicas) to its chart or kustomization"
        );
    }
    if out.is_empty() && by_hand.is_empty() {
        println!(
            "nothing to scaffold: no workload behind a Service lacks 2 replicas or a PodDisruptionBudget"
        );
    }
    Ok(out)
}
