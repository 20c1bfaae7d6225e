//! `deploy.strategy`: each deployable workload declares a safe rollout.

use crate::check::{Check, CheckMeta, Context, Outcome};
use crate::checks::k8s::dedupe;
use crate::findings::{Finding, Severity};
use crate::repo::text::plural;
use crate::views::k8s::{Kind, Setting, StrategyKind, Workload};
use crate::views::terraform::{self as tf, Block, Value};

const EXPLAIN: &str = r#"
## What it checks
That every deployable workload rolls out a new version without taking the
service down, as declared in the repository:
- Kubernetes Deployments, StatefulSets and DaemonSets (plain manifests,
  Helm charts rendered against values.yaml, Kustomize overlays): a
  `RollingUpdate` whose `maxUnavailable` is bounded (below 100%, and below
  the replica count when that is 2 or more). No `strategy:` at all is the
  Kubernetes default, a rolling update with `maxUnavailable: 25%`, and
  counts as safe. `Recreate` fails for a workload behind a Service (every
  pod stops before the new ones start); for a worker no Service selects it
  is accepted. `OnDelete` (pods replaced as a person deletes them) is accepted.
- Argo Rollouts `canary`/`blueGreen`, and a workload a Flagger `Canary`
  targets: safe.
- Terraform, through the Terraform model: `aws_ecs_service` (a CodeDeploy or
  `BLUE_GREEN` deployment controller/configuration is safe; the ECS rolling
  update fails only with `deployment_minimum_healthy_percent = 0`),
  `aws_codedeploy_deployment_group` (`BLUE_GREEN`, or `IN_PLACE` with a
  configuration other than all-at-once), Cloud Run services (a `traffic`
  block splitting between revisions) and App Engine versions (a
  `google_app_engine_service_split_traffic` in the same module),
  `kubernetes_deployment` (`strategy { type = "Recreate" }` fails).

Jobs and CronJobs are not rolled out. `skip` when nothing deployable is
declared. Test data, vendored code and examples are not read.

## Why it matters
A deploy that stops every instance before starting the new version is an
outage on every release, and a bad version reaches every user at once. A
bounded rolling update, a canary or a blue/green switch keeps serving while
the new version proves itself.

## How to fix
Keep the Kubernetes default or set `maxUnavailable` to a bounded value
(`25%`, `1`), replace `Recreate` with `RollingUpdate` where the application
allows two versions side by side, or adopt Argo Rollouts/Flagger; on ECS
keep `deployment_minimum_healthy_percent` above 0 or use CodeDeploy
blue/green; on Cloud Run declare `traffic` splits.

## Example
```yaml
spec:
  replicas: 3
  strategy:
    type: RollingUpdate
    rollingUpdate: {maxUnavailable: 1, maxSurge: 1}
```
"#;

pub struct Strategy {
    meta: CheckMeta,
}

impl Strategy {
    pub fn new() -> Self {
        Strategy {
            meta: CheckMeta::define("deploy.strategy")
                .title("Deployments roll out safely")
                .severity(Severity::Warning)
                .explain(EXPLAIN)
                .fix("use a bounded RollingUpdate, a canary or blue/green (Argo Rollouts, Flagger, CodeDeploy, Cloud Run traffic splits) instead of Recreate or all-at-once")
                .build(),
        }
    }
}

/// Is a `maxUnavailable` value unbounded for `replicas`?
fn unbounded(v: &str, replicas: Option<u64>) -> bool {
    let v = v.trim();
    if let Some(p) = v.strip_suffix('%') {
        return p.trim().parse::<f64>().is_ok_and(|p| p >= 100.0);
    }
    match (v.parse::<u64>(), replicas) {
        (Ok(n), Some(r)) if r >= 2 => n >= r,
        _ => false,
    }
}

/// The verdict on one workload: `None` safe (or unknown), `Some(why)` not.
fn judge(k8s: &crate::views::k8s::K8s, w: &Workload) -> Option<String> {
    if k8s.canary_of(w).is_some() || k8s.rollout_of(w).is_some() {
        return None;
    }
    let s = &w.strategy;
    match &s.kind {
        StrategyKind::Recreate => (k8s.behind_service(w) == Some(true)).then(|| {
            format!(
                "{} uses Recreate but is behind a Service: every pod stops before the new version starts",
                w.describe()
            )
        }),
        StrategyKind::RollingUpdate | StrategyKind::Default | StrategyKind::Canary => {
            match &s.max_unavailable {
                Setting::Set(v) if unbounded(v, w.replicas.count) => Some(format!(
                    "{} rolls out with maxUnavailable {v}: every pod may be down at once",
                    w.describe()
                )),
                _ => None,
            }
        }
        _ => None,
    }
}

fn attr_str<'a>(b: &'a Block, name: &str) -> Option<&'a str> {
    match &b.body.attr(name)?.value {
        Value::Str(s) => Some(s),
        _ => None,
    }
}

/// A Terraform deployable: (verdict, what, line).
fn terraform_unit(b: &Block, module_blocks: &[&Block]) -> Option<(Option<String>, String)> {
    if b.kind != "resource" || b.labels.len() < 2 {
        return None;
    }
    let (ty, name) = (b.labels[0].as_str(), b.labels[1].as_str());
    let what = format!("{ty}.{name}");
    let verdict = match ty {
        "aws_ecs_service" => {
            let controller = b
                .body
                .blocks("deployment_controller")
                .find_map(|c| attr_str(c, "type"));
            let blue_green = b
                .body
                .blocks("deployment_configuration")
                .filter_map(|c| attr_str(c, "strategy"))
                .any(|s| s.eq_ignore_ascii_case("BLUE_GREEN"));
            let min = b.body.attr("deployment_minimum_healthy_percent");
            if blue_green || matches!(controller, Some("CODE_DEPLOY") | Some("EXTERNAL")) {
                None
            } else if min.is_some_and(|m| m.number == Some(0.0)) {
                Some(format!(
                    "{what}: deployment_minimum_healthy_percent = 0 lets ECS stop every task before the new ones run"
                ))
            } else {
                None
            }
        }
        "aws_codedeploy_deployment_group" => {
            let style = b
                .body
                .blocks("deployment_style")
                .find_map(|s| attr_str(s, "deployment_type"));
            let config = attr_str(b, "deployment_config_name").unwrap_or("");
            if style.is_some_and(|s| s.eq_ignore_ascii_case("BLUE_GREEN")) {
                None
            } else if config.ends_with("AllAtOnce")
                && !config.contains("ECS")
                && !config.contains("Lambda")
            {
                Some(format!(
                    "{what}: in-place deployment with {config} updates every instance at once"
                ))
            } else {
                None
            }
        }
        "google_cloud_run_service" | "google_cloud_run_v2_service" => {
            if b.body.blocks("traffic").next().is_some() {
                None
            } else {
                Some(format!(
                    "{what}: no traffic block: every revision takes all traffic at once"
                ))
            }
        }
        "google_app_engine_standard_app_version" | "google_app_engine_flexible_app_version" => {
            let split = module_blocks.iter().any(|o| {
                o.kind == "resource" && o.label() == "google_app_engine_service_split_traffic"
            });
            if split {
                None
            } else {
                Some(format!(
                    "{what}: no google_app_engine_service_split_traffic: the new version takes all traffic at once"
                ))
            }
        }
        "kubernetes_deployment" | "kubernetes_deployment_v1" => {
            let recreate = b.body.blocks("spec").any(|s| {
                s.body
                    .blocks("strategy")
                    .filter_map(|st| attr_str(st, "type"))
                    .any(|t| t == "Recreate")
            });
            recreate.then(|| {
                format!("{what}: strategy Recreate stops every pod before the new version starts")
            })
        }
        _ => return None,
    };
    Some((verdict, what))
}

impl Check for Strategy {
    fn meta(&self) -> &CheckMeta {
        &self.meta
    }

    fn run(&self, ctx: &Context) -> Outcome {
        let k8s = crate::views::k8s::model(ctx.index);
        let mut findings = Vec::new();
        let mut units = 0usize;
        let mut kinds = std::collections::BTreeSet::new();
        let mut seen = std::collections::HashSet::new();
        for w in k8s
            .workloads
            .iter()
            .filter(|w| w.kind.serves() && w.kind != Kind::ReplicaSet && w.workload_ref.is_none())
        {
            if seen.insert((w.at.clone(), w.name.clone())) {
                units += 1;
            }
            kinds.insert(match w.strategy.kind {
                StrategyKind::Canary => "Argo Rollouts canary",
                StrategyKind::BlueGreen => "Argo Rollouts blue/green",
                _ if k8s.canary_of(w).is_some() => "Flagger canary",
                StrategyKind::Recreate => "Recreate",
                StrategyKind::OnDelete => "OnDelete",
                _ => "rolling update",
            });
            if let Some(why) = judge(&k8s, w) {
                let at = w.strategy.at.clone().unwrap_or_else(|| w.at.clone());
                findings.push(
                    Finding::new(why)
                        .at(at.path.clone(), Some(at.line))
                        .rule("kubernetes"),
                );
            }
        }
        let m = tf::model(ctx.index);
        for module in m.checked_modules() {
            let blocks: Vec<(&tf::TfFile, &Block)> =
                m.blocks(module).filter(|(f, _)| f.product).collect();
            let all: Vec<&Block> = blocks.iter().map(|(_, b)| *b).collect();
            for (f, b) in &blocks {
                let Some((verdict, _what)) = terraform_unit(b, &all) else {
                    continue;
                };
                units += 1;
                kinds.insert("Terraform");
                if let Some(why) = verdict {
                    findings.push(
                        Finding::new(why)
                            .at(f.path.clone(), Some(b.line))
                            .col(Some(b.col))
                            .rule("terraform"),
                    );
                }
            }
        }
        if units == 0 {
            return Outcome::skip(
                "nothing deployable declared (no Kubernetes Deployment/StatefulSet/DaemonSet/Rollout, ECS, CodeDeploy, Cloud Run or App Engine service)",
            );
        }
        let findings = dedupe(findings);
        let kinds: Vec<&str> = kinds.into_iter().collect();
        Outcome::from_findings(
            findings.clone(),
            format!(
                "{} with a safe rollout ({})",
                plural(units, "deployable workload"),
                kinds.join(", ")
            ),
            format!(
                "{} of {units} with an unsafe rollout",
                plural(findings.len(), "deployable workload")
            ),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn max_unavailable_bounds() {
        assert!(unbounded("100%", None));
        assert!(!unbounded("25%", None));
        assert!(unbounded("3", Some(3)));
        assert!(!unbounded("1", Some(3)));
        assert!(!unbounded("1", Some(1)));
    }
}
