//! `deploy.smoke-test`: the pipeline verifies a deployment after it
//! happens.

use std::collections::BTreeMap;

use super::pipeline::{self, OnFailure};
use super::{commands, short};
use crate::check::{Check, CheckMeta, Context, Outcome};
use crate::findings::{Finding, Severity};
use crate::repo::text::plural;
use crate::views::ci;

const EXPLAIN: &str = r#"
## What it checks
That every CI job that deploys is followed by a verification of what it
deployed: a later step of the same job, or a job that runs after it, runs a
smoke test (a command or script named `smoke`, `post-deploy`,
`verify-deploy`), a health probe (`curl`/`wget` against a health, status or
ready URL or with `--fail`, `kubectl rollout status`, `kubectl wait`,
`helm test`, `aws ecs wait services-stable`, a URL health-check action) or
`readyctl check --only 'health.*'`.

"Deploys" is decided on the commands, not the job's name: `helm
upgrade|install`, `kubectl apply|replace|set image|rollout restart`,
`skaffold run`, `argocd app sync`, `terraform|tofu|terragrunt apply`,
`aws ecs update-service`, `aws deploy create-deployment`, `cdk|sam|serverless
deploy`, `gcloud run|app|functions deploy`, `fly deploy`, `az webapp deploy`,
ECS/Cloud Run/App Service deploy actions, `make deploy`, `deploy*.sh` …
A job that creates a throwaway cluster (kind, minikube, k3d) or emulator
(LocalStack) is a test, not a deploy; dry runs and `helm template` are not
deploys. "After" is the job order readyctl reads: GitHub Actions `needs:`
(transitively) and workflows run on `workflow_run` or `deployment_status`;
GitLab CI `needs:` or, without it, a later stage. A step that runs only on
failure does not verify a deploy. `skip` when no CI job deploys.

## Why it matters
A deploy command that exits 0 has shipped something, not shown that it
works. Without a check right after, a broken release is found by its users,
and the rollback starts late.

## How to fix
Add a step after the deploy, or a job that needs it, that probes the
deployed service: `kubectl rollout status`, `helm test`, a `curl --fail` of
the health endpoint, or `readyctl check --only 'health.*'` with the
endpoints in `readyctl.yaml`.

## Example
```yaml
# .gitlab-ci.yml
stages: [build, deploy, verify]
deploy:
  stage: deploy
  script:
    - helm upgrade --install api ./chart --atomic --wait
smoke:
  stage: verify
  script:
    - curl --fail --retry 5 https://api.example.com/healthz
```
"#;

pub struct SmokeTest {
    meta: CheckMeta,
}

impl SmokeTest {
    pub fn new() -> Self {
        SmokeTest {
            meta: CheckMeta::define("deploy.smoke-test")
                .title("Deployments are verified after they happen")
                .severity(Severity::Warning)
                .explain(EXPLAIN)
                .fix("after each deploy, run a smoke test or health probe (`kubectl rollout status`, `curl --fail …/healthz`, `readyctl check --only 'health.*'`)")
                .scaffold("ci")
                .build(),
        }
    }
}

impl Check for SmokeTest {
    fn meta(&self) -> &CheckMeta {
        &self.meta
    }

    fn run(&self, ctx: &Context) -> Outcome {
        let m = ci::model(ctx.index);
        if m.is_empty() {
            return Outcome::skip("no CI configuration found");
        }
        let deploys = pipeline::deploys(&m);
        if deploys.is_empty() {
            return Outcome::skip(
                "no CI job deploys (no helm, kubectl, terraform apply, cloud deploy command …)",
            );
        }
        let on_failure = OnFailure::of(&m);
        // One verdict per deploying job: its first unverified deploy.
        let mut per_job: BTreeMap<usize, Result<String, Finding>> = BTreeMap::new();
        for d in &deploys {
            let job = &m.jobs[d.job];
            let verdict = match pipeline::after(&m, d, &on_failure, false, commands::verifies) {
                Some((by, l)) => Ok(format!(
                    "job `{}` ({}:{}) verified by `{}` ({}:{}{})",
                    job.name,
                    d.at.path,
                    d.at.line,
                    short(l.text),
                    l.path,
                    l.line,
                    if std::ptr::eq(by, job) {
                        String::new()
                    } else {
                        format!(", job `{}`", by.name)
                    }
                )),
                None => Err(Finding::new(format!(
                    "`{}` deploys (job `{}`) but nothing verifies it afterwards: no later step or dependent job runs a smoke test or health probe",
                    short(d.at.text),
                    job.name
                ))
                .at(d.at.path.to_string(), Some(d.at.line))),
            };
            match per_job.get(&d.job) {
                Some(Err(_)) => {}
                _ => {
                    per_job.insert(d.job, verdict);
                }
            }
        }
        let mut ok = Vec::new();
        let mut findings = Vec::new();
        for v in per_job.into_values() {
            match v {
                Ok(s) => ok.push(s),
                Err(f) => findings.push(f),
            }
        }
        let jobs = ok.len() + findings.len();
        if findings.is_empty() {
            let shown: Vec<&str> = ok.iter().take(3).map(String::as_str).collect();
            return Outcome::pass(format!(
                "{} verified after the deploy: {}{}",
                plural(jobs, "deploying job"),
                shown.join("; "),
                if ok.len() > 3 { "; …" } else { "" }
            ));
        }
        Outcome::fail(
            format!(
                "{} of {} not verified after the deploy",
                findings.len(),
                plural(jobs, "deploying job"),
            ),
            findings,
        )
    }
}
