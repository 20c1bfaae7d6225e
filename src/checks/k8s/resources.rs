//! `k8s.resources`: every container of a workload sets CPU and memory
//! requests and a memory limit.

use super::{dedupe, names};
use crate::check::{Check, CheckMeta, Context, Outcome};
use crate::findings::{Finding, Severity};
use crate::repo::text::plural;
use crate::views::k8s::{Kind, Setting, Workload};

const EXPLAIN: &str = r#"
## What it checks
That every container (init containers aside) of every Deployment,
StatefulSet, DaemonSet, Job and CronJob — and Argo Rollout and ReplicaSet —
sets `resources.requests.cpu`, `resources.requests.memory` and
`resources.limits.memory`. A request left out defaults to the limit of the
same resource (as Kubernetes does), so limits alone count as requests. A CPU
limit is not required (it throttles more than it protects).

Workloads are read from plain manifests, Helm charts (templates rendered
against the chart's own `values.yaml`: `resources: {{ toYaml .Values.resources | nindent 12 }}`
counts with whatever values.yaml sets) and Kustomize overlays (the effective
object, patches applied). A value the model cannot resolve (an `include`, a
key missing from values.yaml) is unknown and never a failure. Test data,
vendored code and examples are not read (file roles). One finding per
workload, at its `kind:` line, naming the containers and what they miss.

## Why it matters
The scheduler places pods by their requests: without them a node is
overcommitted and pods are evicted or starved under load. Without a memory
limit one leaking container takes the node's memory from every other pod.

## How to fix
Set requests from observed usage (a VPA recommendation or the metrics of
a load test) and a memory limit, in the manifest or the chart's values.yaml.

## Example
```yaml
containers:
  - name: api
    image: ghcr.io/acme/api:1.4.2
    resources:
      requests: {cpu: 100m, memory: 128Mi}
      limits: {memory: 256Mi}
```
"#;

pub struct Resources {
    meta: CheckMeta,
}

impl Resources {
    pub fn new() -> Self {
        Resources {
            meta: CheckMeta::define("k8s.resources")
                .title("Kubernetes containers set resource requests and limits")
                .severity(Severity::Warning)
                .explain(EXPLAIN)
                .fix("set resources.requests.cpu/memory and resources.limits.memory on every container (manifest or values.yaml)")
                .build(),
        }
    }
}

fn judged(w: &Workload) -> bool {
    matches!(
        w.kind,
        Kind::Deployment
            | Kind::StatefulSet
            | Kind::DaemonSet
            | Kind::Job
            | Kind::CronJob
            | Kind::Rollout
            | Kind::ReplicaSet
    )
}

/// What a workload's containers miss: `container: what, what`.
fn missing(w: &Workload) -> Vec<String> {
    let mut out = Vec::new();
    for c in w.app_containers() {
        let r = &c.resources;
        let mut miss = Vec::new();
        // A request left out defaults to the limit (Kubernetes).
        if r.requests_cpu == Setting::Unset && r.limits_cpu == Setting::Unset {
            miss.push("CPU request");
        }
        if r.requests_memory == Setting::Unset && r.limits_memory == Setting::Unset {
            miss.push("memory request");
        }
        if r.limits_memory == Setting::Unset {
            miss.push("memory limit");
        }
        if !miss.is_empty() {
            out.push(format!("{} (no {})", c.name, miss.join(", ")));
        }
    }
    out
}

impl Check for Resources {
    fn meta(&self) -> &CheckMeta {
        &self.meta
    }

    fn run(&self, ctx: &Context) -> Outcome {
        let k8s = crate::views::k8s::model(ctx.index);
        let workloads: Vec<&Workload> = k8s.workloads.iter().filter(|w| judged(w)).collect();
        if workloads.is_empty() {
            return Outcome::skip(
                "no Kubernetes workloads (Deployment, StatefulSet, DaemonSet, Job, CronJob) in the product",
            );
        }
        let mut findings = Vec::new();
        let mut containers = 0;
        for w in &workloads {
            containers += w.app_containers().count();
            let miss = missing(w);
            if miss.is_empty() {
                continue;
            }
            findings.push(
                Finding::new(format!("{}: {}", w.describe(), names(&miss)))
                    .at(w.at.path.clone(), Some(w.at.line))
                    .rule("resources"),
            );
        }
        let findings = dedupe(findings);
        let distinct: std::collections::HashSet<_> =
            workloads.iter().map(|w| (&w.at, &w.name)).collect();
        Outcome::from_findings(
            findings.clone(),
            format!(
                "{} ({}) with CPU and memory requests and a memory limit",
                plural(distinct.len(), "workload"),
                plural(containers, "container")
            ),
            format!(
                "{} of {} without CPU/memory requests or a memory limit",
                plural(findings.len(), "workload"),
                distinct.len()
            ),
        )
    }
}
