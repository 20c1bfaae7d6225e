//! `deploy.auto-rollback`: a failed deploy is undone without a person.

use super::commands::{self, DeployKind};
use super::pipeline::{self, OnFailure};
use super::short;
use std::collections::BTreeMap;

use crate::check::{Check, CheckMeta, Context, Outcome};
use crate::findings::{Finding, Severity};
use crate::repo::text::plural;
use crate::views::ci;
use crate::views::k8s::Kind;
use crate::views::terraform::{self as tf, Block, Value};

const EXPLAIN: &str = r#"
## What it checks
That every deployment the repository declares is undone automatically when
it fails:
- ECS services in Terraform (`aws_ecs_service`, or a module given
  `deployment_circuit_breaker`): `deployment_circuit_breaker { enable = true,
  rollback = true }`; services deployed by CodeDeploy (`deployment_controller
  { type = "CODE_DEPLOY" }`) are judged by their deployment group;
- CodeDeploy deployment groups: `auto_rollback_configuration { enabled =
  true, events = ["DEPLOYMENT_FAILURE", …] }`;
- Kubernetes Deployments and Argo Rollouts: an Argo Rollouts `analysis`
  (canary or blue-green) or a Flagger `Canary` with `analysis`; a Deployment
  without one counts when the CI deploys Kubernetes with `helm --atomic` (for
  a chart's Deployments) or rolls its Kubernetes deploy back on failure; one
  finding per Helm chart, kustomization base or set of plain manifests
  (Jobs, CronJobs, StatefulSets, DaemonSets and development overlays are not
  judged);
- CI deploy commands (see `deploy.smoke-test` for what deploys):
  `helm upgrade --atomic` (or Helm 4's `--rollback-on-failure`);
  CloudFormation-based deploys (`cdk deploy`, `sam deploy`,
  `aws cloudformation deploy`, `serverless deploy`) roll back by themselves
  unless `--no-rollback`/`--disable-rollback`; `aws ecs update-service` and
  the ECS deploy action count when the Terraform ECS services have the
  circuit breaker; any deploy counts when a later step or job that runs only
  on failure (GitHub `if: failure()`, GitLab `when: on_failure`) rolls back
  (`helm rollback`, `kubectl rollout undo`, `argocd app rollback`, a
  `rollback*.sh` script …).

`terraform apply` itself is not judged (Terraform has no rollback): the
resources it deploys are. Values computed from variables are not guessed
(they count). Test data and examples are not checked. `skip` when nothing
deployable is declared.

## Why it matters
A deploy that fails at 3 a.m. and stays half-applied waits for a person to
notice, log in and roll back by hand. The platform can do it within
minutes, the moment health checks fail.

## How to fix
Turn on the platform's rollback: `--atomic` for Helm, the ECS deployment
circuit breaker with `rollback = true`, CodeDeploy's automatic rollback; or
add a CI step that runs on failure and rolls back.

## Example
```hcl
resource "aws_ecs_service" "api" {
  name            = "api"
  cluster         = aws_ecs_cluster.main.id
  task_definition = aws_ecs_task_definition.api.arn
  desired_count   = 3

  deployment_circuit_breaker {
    enable   = true
    rollback = true
  }
}
```
"#;

pub struct AutoRollback {
    meta: CheckMeta,
}

impl AutoRollback {
    pub fn new() -> Self {
        AutoRollback {
            meta: CheckMeta::define("deploy.auto-rollback")
                .title("Failed deploys roll back automatically")
                .severity(Severity::Warning)
                .explain(EXPLAIN)
                .fix("turn on automatic rollback: `helm upgrade --atomic`, ECS `deployment_circuit_breaker { rollback = true }`, CodeDeploy `auto_rollback_configuration`, or an on-failure rollback step")
                .build(),
        }
    }
}

/// A literal `true`, or a computed value (not guessed: counts).
fn true_or_computed(v: Option<&Value>) -> bool {
    matches!(v, Some(Value::Bool(true) | Value::Expr))
}

/// Verdict for one Terraform block: `Ok(evidence)` or `Err(message)`.
fn ecs_service(b: &Block) -> Option<Result<String, String>> {
    let controller = b
        .body
        .blocks("deployment_controller")
        .find_map(|c| c.body.attr("type"))
        .map(|a| a.value.clone());
    if let Some(Value::Str(t)) = &controller
        && t != "ECS"
    {
        // CODE_DEPLOY: judged by its deployment group; EXTERNAL: elsewhere.
        return None;
    }
    let name = format!(
        "aws_ecs_service.{}",
        b.labels.get(1).map(String::as_str).unwrap_or("")
    );
    if b.body
        .blocks("dynamic")
        .any(|d| d.label() == "deployment_circuit_breaker")
    {
        return Some(Ok(format!("{name}: circuit breaker set dynamically")));
    }
    let Some(cb) = b.body.blocks("deployment_circuit_breaker").next() else {
        return Some(Err(format!(
            "{name} has no deployment_circuit_breaker: a failed deploy is not rolled back; add `deployment_circuit_breaker {{ enable = true, rollback = true }}`"
        )));
    };
    let enable = true_or_computed(cb.body.attr("enable").map(|a| &a.value));
    let rollback = true_or_computed(cb.body.attr("rollback").map(|a| &a.value));
    if enable && rollback {
        Some(Ok(format!("{name}: circuit breaker with rollback")))
    } else {
        Some(Err(format!(
            "{name}'s deployment_circuit_breaker does not roll back (needs `enable = true` and `rollback = true`)"
        )))
    }
}

fn codedeploy_group(b: &Block) -> Result<String, String> {
    let name = format!(
        "aws_codedeploy_deployment_group.{}",
        b.labels.get(1).map(String::as_str).unwrap_or("")
    );
    if b.body
        .blocks("dynamic")
        .any(|d| d.label() == "auto_rollback_configuration")
    {
        return Ok(format!("{name}: automatic rollback set dynamically"));
    }
    let Some(arc) = b.body.blocks("auto_rollback_configuration").next() else {
        return Err(format!(
            "{name} has no auto_rollback_configuration: a failed deployment is not rolled back"
        ));
    };
    let enabled = true_or_computed(arc.body.attr("enabled").map(|a| &a.value));
    let on_failure = match arc.body.attr("events") {
        None => false,
        Some(e) if e.items.is_empty() => true,
        Some(e) => e.items.iter().any(|i| i == "DEPLOYMENT_FAILURE"),
    };
    if enabled && on_failure {
        Ok(format!("{name}: automatic rollback on DEPLOYMENT_FAILURE"))
    } else {
        Err(format!(
            "{name}'s auto_rollback_configuration does not roll back a failed deployment (needs `enabled = true` and the DEPLOYMENT_FAILURE event)"
        ))
    }
}

/// A module call given `deployment_circuit_breaker = { … }`.
fn module_breaker(b: &Block) -> Option<Result<String, String>> {
    let a = b.body.attr("deployment_circuit_breaker")?;
    let name = format!("module.{}", b.label());
    let Value::Object(attrs) = &a.value else {
        return Some(Ok(format!("{name}: circuit breaker computed")));
    };
    let get = |k: &str| attrs.iter().find(|x| x.name == k).map(|x| &x.value);
    if true_or_computed(get("enable")) && true_or_computed(get("rollback")) {
        Some(Ok(format!("{name}: circuit breaker with rollback")))
    } else {
        Some(Err(format!(
            "{name}'s deployment_circuit_breaker does not roll back (needs `enable = true` and `rollback = true`)"
        )))
    }
}

impl Check for AutoRollback {
    fn meta(&self) -> &CheckMeta {
        &self.meta
    }

    fn run(&self, ctx: &Context) -> Outcome {
        let mut ok: Vec<String> = Vec::new();
        let mut findings: Vec<Finding> = Vec::new();

        // Terraform: ECS services and CodeDeploy groups.
        let t = tf::model(ctx.index);
        let mut ecs_units = 0;
        let mut ecs_ok = true;
        let mut codedeploy_ok = true;
        let mut codedeploy_units = 0;
        for module in t.checked_modules() {
            for (f, b) in t.blocks(module) {
                if !f.product {
                    continue;
                }
                let verdict = match (b.kind.as_str(), b.label()) {
                    ("resource", "aws_ecs_service") => {
                        let v = ecs_service(b);
                        if v.is_some() {
                            ecs_units += 1;
                        }
                        ecs_ok &= v.as_ref().is_none_or(Result::is_ok);
                        v
                    }
                    ("resource", "aws_codedeploy_deployment_group") => {
                        let v = codedeploy_group(b);
                        codedeploy_units += 1;
                        codedeploy_ok &= v.is_ok();
                        Some(v)
                    }
                    ("module", _) => {
                        let v = module_breaker(b);
                        if v.is_some() {
                            ecs_units += 1;
                        }
                        ecs_ok &= v.as_ref().is_none_or(Result::is_ok);
                        v
                    }
                    _ => None,
                };
                match verdict {
                    Some(Ok(e)) => ok.push(format!("{e} ({}:{})", f.path, b.line)),
                    Some(Err(msg)) => {
                        findings.push(Finding::new(msg).at(f.path.clone(), Some(b.line)))
                    }
                    None => {}
                }
            }
        }

        // CI deploys: one finding per job, at its first deploy not undone.
        let m = ci::model(ctx.index);
        let on_failure = OnFailure::of(&m);
        let mut failed_jobs = std::collections::BTreeSet::new();
        // A Kubernetes deploy of the CI is undone when it fails.
        let mut k8s_undone = false;
        for d in pipeline::deploys(&m) {
            if failed_jobs.contains(&d.job) {
                continue;
            }
            let job = &m.jobs[d.job];
            let at = format!("{}:{}", d.at.path, d.at.line);
            if d.kind == DeployKind::Terraform {
                continue;
            }
            let kube = matches!(d.kind, DeployKind::Helm | DeployKind::Kubernetes);
            if commands::self_reverting(d.kind, d.at.text) {
                k8s_undone |= kube;
                ok.push(format!(
                    "`{}` rolls back by itself ({at})",
                    short(d.at.text)
                ));
                continue;
            }
            if d.kind == DeployKind::Ecs && ecs_units > 0 && ecs_ok {
                ok.push(format!(
                    "`{}` ({at}): the ECS services roll back by their circuit breaker",
                    short(d.at.text)
                ));
                continue;
            }
            if d.kind == DeployKind::CodeDeploy && codedeploy_units > 0 && codedeploy_ok {
                ok.push(format!(
                    "`{}` ({at}): the CodeDeploy groups roll back automatically",
                    short(d.at.text)
                ));
                continue;
            }
            if let Some((_, l)) = pipeline::after(&m, &d, &on_failure, true, commands::rolls_back) {
                k8s_undone |= kube;
                ok.push(format!(
                    "`{}` ({at}) is rolled back on failure by `{}` ({}:{})",
                    short(d.at.text),
                    short(l.text),
                    l.path,
                    l.line
                ));
                continue;
            }
            let how = match d.kind {
                DeployKind::Helm => "add `--atomic` (Helm 4: `--rollback-on-failure`)",
                DeployKind::Ecs => {
                    "give the ECS service `deployment_circuit_breaker { enable = true, rollback = true }`"
                }
                _ => {
                    "add a step that runs on failure (`if: failure()`, `when: on_failure`) and rolls back"
                }
            };
            failed_jobs.insert(d.job);
            findings.push(
                Finding::new(format!(
                    "`{}` (job `{}`) is not rolled back when it fails; {how}",
                    short(d.at.text),
                    job.name
                ))
                .at(d.at.path.to_string(), Some(d.at.line)),
            );
        }

        // Kubernetes: Argo Rollouts and Flagger analysis; Deployments of a
        // Helm chart that CI upgrades with `--atomic`, or any when the CI
        // rolls its Kubernetes deploy back on failure.
        let k8s = crate::views::k8s::model(ctx.index);
        let helm_atomic = pipeline::deploys(&m)
            .iter()
            .any(|d| d.kind == DeployKind::Helm && commands::self_reverting(d.kind, d.at.text));
        let mut uncovered: BTreeMap<String, Vec<&crate::views::k8s::Workload>> = BTreeMap::new();
        for w in &k8s.workloads {
            if !matches!(w.kind, Kind::Deployment | Kind::Rollout) || w.is_dev() {
                continue;
            }
            if w.kind == Kind::Deployment && k8s.rollout_of(w).is_some() {
                // Judged as its Rollout (`workloadRef`).
                continue;
            }
            if w.kind == Kind::Rollout {
                let r = w;
                match &r.strategy.analysis {
                    Some(a) => ok.push(format!("{}: Argo Rollouts analysis ({}:{})", w.describe(), a.path, a.line)),
                    None => findings.push(
                        Finding::new(format!(
                            "Rollout {} has no analysis: a failing release is promoted unless a person aborts it; add an `analysis` to its canary or blue-green strategy",
                            r.name
                        ))
                        .at(r.at.path.clone(), Some(r.at.line)),
                    ),
                }
                continue;
            }
            if let Some(c) = k8s.canary_of(w) {
                match &c.analysis {
                    Some(a) => ok.push(format!(
                        "{}: Flagger Canary {} analysis ({}:{})",
                        w.describe(),
                        c.name,
                        a.path,
                        a.line
                    )),
                    None => findings.push(
                        Finding::new(format!(
                            "Flagger Canary {} has no analysis: nothing decides to roll back",
                            c.name
                        ))
                        .at(c.at.path.clone(), Some(c.at.line)),
                    ),
                }
                continue;
            }
            if helm_atomic && matches!(w.source, crate::views::k8s::Source::Helm { .. }) {
                ok.push(format!(
                    "{}: its chart is upgraded with `helm --atomic`",
                    w.describe()
                ));
                continue;
            }
            if k8s_undone {
                ok.push(format!(
                    "{}: the CI rolls its deploy back on failure",
                    w.describe()
                ));
                continue;
            }
            uncovered.entry(w.scope.clone()).or_default().push(w);
        }
        for ws in uncovered.values() {
            let first = ws[0];
            let names: Vec<String> = ws.iter().take(3).map(|w| w.name.clone()).collect();
            let more = if ws.len() > 3 { ", …" } else { "" };
            findings.push(
                Finding::new(format!(
                    "{} ({}{more}, {}): nothing rolls back a failed rollout; use Argo Rollouts or Flagger with analysis, or deploy with `helm upgrade --atomic`",
                    plural(ws.len(), "Deployment"),
                    names.join(", "),
                    first.source.describe(),
                ))
                .at(first.at.path.clone(), Some(first.at.line)),
            );
        }

        // Kustomize overlays of one base are one finding, at the base.
        let mut seen = std::collections::HashSet::new();
        findings.retain(|f| seen.insert((f.path.clone(), f.line)));
        let units = ok.len() + findings.len();
        if units == 0 {
            return Outcome::skip(
                "nothing deployable declared (no Kubernetes Deployment or Rollout, CI deploy command, ECS service or CodeDeploy group)",
            );
        }
        if findings.is_empty() {
            let shown: Vec<&str> = ok.iter().take(3).map(String::as_str).collect();
            return Outcome::pass(format!(
                "{} roll back automatically: {}{}",
                plural(units, "deployment"),
                shown.join("; "),
                if ok.len() > 3 { "; …" } else { "" }
            ));
        }
        Outcome::fail(
            format!(
                "{} of {} not rolled back automatically when they fail",
                findings.len(),
                plural(units, "deployment")
            ),
            findings,
        )
    }
}
