//! `k8s.disruption`: every Deployment/StatefulSet behind a Service runs at
//! least 2 replicas (or an HPA keeps at least 2) and is selected by a
//! PodDisruptionBudget.

use super::dedupe;
use crate::check::{Check, CheckMeta, Context, Outcome};
use crate::findings::{Finding, Severity};
use crate::repo::text::plural;
use crate::views::k8s::{K8s, Kind, Loc, ReplicasFrom, Setting, Workload};

const EXPLAIN: &str = r#"
## What it checks
That every Deployment, StatefulSet and Argo Rollout that a Service sends
traffic to (the Service's selector matches the pod template's labels, in
the same namespace and the same chart, kustomization or set of plain
manifests):
- runs at least 2 replicas: `spec.replicas` ≥ 2 (from the manifest, the
  chart's values.yaml or a Kustomize patch), or a HorizontalPodAutoscaler
  targeting it with `minReplicas` ≥ 2;
- is selected by a PodDisruptionBudget.

Jobs, CronJobs and DaemonSets are never required to; neither is a workload
no Service selects (a queue worker, a load generator), nor one in a
Kustomize overlay for a development environment (`dev`, `local`, `test`,
`ci`, `sandbox` …). A replica count or selector the model cannot resolve is
unknown, never a failure. The finding points at the replica count to raise
(the manifest, values.yaml or patch line) or at the workload's `kind:` line.
A workload shipped several ways (a Helm chart, plain manifests, a Kustomize
base) is one finding, at its shallowest place, naming the others.

## Why it matters
One replica means every node drain, eviction or crash is an outage. Without
a PodDisruptionBudget a cluster upgrade may evict every replica at once:
Kubernetes only waits for evictions the budget forbids.

## How to fix
Raise `replicas` (or the HPA's `minReplicas`) to 2 or more and add a
PodDisruptionBudget selecting the pods: `readyctl scaffold disruption`
writes one (and an HPA when replicas are below 2) for each failing workload.

## Example
```yaml
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: api}
spec:
  maxUnavailable: 1
  selector:
    matchLabels: {app: api}
```
"#;

pub struct Disruption {
    meta: CheckMeta,
}

impl Disruption {
    pub fn new() -> Self {
        Disruption {
            meta: CheckMeta::define("k8s.disruption")
                .title("Served workloads survive disruptions")
                .severity(Severity::Warning)
                .explain(EXPLAIN)
                .fix("run 2+ replicas (or an HPA with minReplicas >= 2) and add a PodDisruptionBudget for each workload behind a Service")
                .scaffold("disruption")
                .build(),
        }
    }
}

/// What a served workload lacks, and where to point.
pub struct Gap {
    /// Replicas below 2 (with no HPA keeping 2).
    pub replicas: Option<u64>,
    pub no_pdb: bool,
    pub at: Loc,
}

/// The workloads `k8s.disruption` judges: behind a Service, replicated,
/// not in a development overlay, not managed through another object.
pub fn candidates(k8s: &K8s) -> impl Iterator<Item = &Workload> {
    k8s.workloads.iter().filter(move |w| {
        matches!(w.kind, Kind::Deployment | Kind::StatefulSet | Kind::Rollout)
            && !w.is_dev()
            && w.workload_ref.is_none()
            && k8s.rollout_of(w).is_none()
            && k8s.behind_service(w) == Some(true)
    })
}

/// The gap of one candidate, `None` when it is covered.
pub fn gap(k8s: &K8s, w: &Workload) -> Option<Gap> {
    let hpas: Vec<_> = k8s.hpas_of(w).collect();
    let replicas = if hpas.is_empty() {
        match w.replicas.count {
            Some(n) if n < 2 => Some(n),
            _ => None,
        }
    } else {
        let ok = hpas.iter().any(|h| match &h.min_replicas {
            Setting::Set(v) => v.parse::<u64>().map_or(true, |n| n >= 2),
            Setting::Unknown => true,
            Setting::Unset => false,
        });
        if ok {
            None
        } else {
            Some(
                hpas.iter()
                    .find_map(|h| h.min_replicas.value()?.parse().ok())
                    .unwrap_or(1),
            )
        }
    };
    let no_pdb = k8s.pdbs_of(w).next().is_none() && !k8s.unknown_pdb(w);
    if replicas.is_none() && !no_pdb {
        return None;
    }
    let at = match (&replicas, &w.replicas.at, hpas.first()) {
        (Some(_), _, Some(h)) => h.at.clone(),
        (Some(_), Some(at), None) if w.replicas.from != ReplicasFrom::Default => at.clone(),
        _ => w.at.clone(),
    };
    Some(Gap {
        replicas,
        no_pdb,
        at,
    })
}

impl Check for Disruption {
    fn meta(&self) -> &CheckMeta {
        &self.meta
    }

    fn run(&self, ctx: &Context) -> Outcome {
        let k8s = crate::views::k8s::model(ctx.index);
        let cands: Vec<&Workload> = candidates(&k8s).collect();
        if cands.is_empty() {
            return Outcome::skip(
                "no Deployment or StatefulSet behind a Service (Jobs, CronJobs, DaemonSets and development overlays are not judged)",
            );
        }
        // (workload, place, message, overlays, rule)
        let mut grouped: Vec<(String, Loc, String, Vec<String>, &str)> = Vec::new();
        for w in &cands {
            let Some(g) = gap(&k8s, w) else { continue };
            let mut parts = Vec::new();
            if let Some(n) = g.replicas {
                if k8s.hpas_of(w).next().is_some() {
                    parts.push(format!("its HPA has minReplicas {n}"));
                } else {
                    parts.push(format!("runs {n} replica{}", if n == 1 { "" } else { "s" }));
                }
            }
            if g.no_pdb {
                parts.push("no PodDisruptionBudget selects it".to_string());
            }
            let env = w
                .env
                .clone()
                .filter(|_| matches!(w.source, crate::views::k8s::Source::Kustomize { .. }));
            let msg = format!(
                "{} is behind a Service but {}",
                w.describe(),
                parts.join(" and ")
            );
            let rule = if g.replicas.is_some() {
                "replicas"
            } else {
                "pdb"
            };
            match grouped
                .iter_mut()
                .find(|(_, at, m, _, _)| *at == g.at && *m == msg)
            {
                Some((_, _, _, envs, _)) => envs.extend(env),
                None => grouped.push((w.describe(), g.at, msg, env.into_iter().collect(), rule)),
            }
        }
        // One finding per place: a base that several overlays include is
        // named once, with the overlays.
        let mut places: Vec<(String, Finding)> = Vec::new();
        for (workload, at, msg, mut envs, rule) in grouped {
            envs.sort();
            envs.dedup();
            let msg = if envs.is_empty() {
                msg
            } else {
                format!(
                    "{msg} (overlay{} {})",
                    if envs.len() == 1 { "" } else { "s" },
                    envs.join(", ")
                )
            };
            places.push((
                workload,
                Finding::new(msg)
                    .at(at.path.clone(), Some(at.line))
                    .rule(rule),
            ));
        }
        // One finding per workload: the same Deployment in a chart, plain
        // manifests and a Kustomize base (three ways to ship one service) is
        // one workload at risk, reported at its first place and naming the
        // others (each still needs the fix).
        // The shallowest place first: `kubernetes-manifests/` before
        // `extras/cloudsql/kubernetes-manifests/`.
        let depth = |f: &Finding| f.path.as_deref().map_or(0, |p| p.matches('/').count());
        places.sort_by(|(a, f), (b, g)| {
            (a, depth(f), &f.path, f.line).cmp(&(b, depth(g), &g.path, g.line))
        });
        let definitions = places.len();
        let at = |f: &Finding| {
            format!(
                "{}:{}",
                f.path.as_deref().unwrap_or(""),
                f.line.unwrap_or(0)
            )
        };
        let mut findings: Vec<Finding> = Vec::new();
        for same in places.chunk_by(|(a, _), (b, _)| a == b) {
            let mut first = same[0].1.clone();
            let mut others: Vec<String> = Vec::new();
            for (_, f) in &same[1..] {
                let o = at(f);
                if o != at(&first) && !others.contains(&o) {
                    others.push(o);
                }
            }
            if !others.is_empty() {
                first.message = format!(
                    "{}; also defined at {}",
                    first.message,
                    super::names(&others)
                );
            }
            findings.push(first);
        }
        let findings = dedupe(findings);
        Outcome::from_findings(
            findings.clone(),
            format!(
                "{} behind a Service, each with 2+ replicas and a PodDisruptionBudget",
                plural(cands.len(), "workload")
            ),
            format!(
                "{} behind a Service can be taken down by one disruption{}",
                plural(findings.len(), "workload"),
                if definitions > findings.len() {
                    format!(" ({definitions} places to fix)")
                } else {
                    String::new()
                }
            ),
        )
    }
}
