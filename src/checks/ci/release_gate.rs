//! `ci.release-gate`: some CI job runs `readyctl check`, and deploy jobs
//! depend on it.

use std::collections::{BTreeSet, HashMap};
use std::sync::LazyLock;

use regex::Regex;

use crate::check::{Check, CheckMeta, Context, Outcome};
use crate::findings::{Finding, Severity};
use crate::views::ci::detect::CiSystem;
use crate::views::ci::{CiModel, Job};
use crate::views::yaml::node::Tree;

const EXPLAIN: &str = r#"
## What it checks
That some CI job runs the release gate, `readyctl check` (directly or
through an action whose name contains `readyctl`). When the pipeline has
deploy jobs — a job whose id or name mentions deploy, release, publish,
promote or rollout, or that runs `deploy`, `publish`, `helm upgrade`,
`kubectl apply`, `terraform apply`, `docker push`, `goreleaser` or
`semantic-release` — each must depend on the gate: on GitHub Actions through
`needs:` (directly or transitively) in the same workflow, or a workflow
triggered by `workflow_run`; on GitLab CI through `needs:` or, without
`needs:`, a stage after the gate's stage. A job that runs the gate itself is
gated.

## Why it matters
The readiness checklist only protects production if the deploy cannot start
before it passed. A gate job running beside the deploy job, in parallel, is a
report, not a gate.

## How to fix
Add a job that runs `readyctl check` and make the deploy jobs depend on it
(`needs: [readiness]`), or run `readyctl scaffold ci`.

## Example
```yaml
jobs:
  readiness:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2
      - run: readyctl check --format github
  deploy:
    needs: [readiness]
    runs-on: ubuntu-latest
    steps:
      - run: ./deploy.sh
```
"#;

pub(super) fn check() -> Box<dyn Check> {
    super::check(
        CheckMeta::define("ci.release-gate")
            .title("CI runs the release gate before deploying")
            .severity(Severity::Warning)
            .explain(EXPLAIN)
            .fix("add a CI job that runs `readyctl check` and make deploy jobs depend on it")
            .scaffold("ci")
            .build(),
        run,
    )
}

static GATE: LazyLock<Regex> = LazyLock::new(|| {
    super::re(r"(?i)\breadyctl(\.exe)?\b[^\n#]*\bcheck\b|^\s*[\w.-]+/[\w./-]*readyctl[\w.-]*@")
});
static DEPLOY_NAME: LazyLock<Regex> =
    LazyLock::new(|| super::re(r"(?i)(^|[^a-z])(deploy|release|publish|promot|rollout)"));
static DEPLOY_COMMAND: LazyLock<Regex> = LazyLock::new(|| {
    super::re(
        r"(?i)(^|[\s/])deploy\b|\bpublish\b|helm\s+(upgrade|install)\b|kubectl\s+(apply|rollout)\b|terraform\s+apply\b|docker\s+push\b|\bgoreleaser\b|semantic-release",
    )
});

pub fn is_gate_command(line: &str) -> bool {
    GATE.is_match(line)
}

pub(crate) fn is_deploy(job: &Job) -> bool {
    DEPLOY_NAME.is_match(&job.id)
        || DEPLOY_NAME.is_match(&job.name)
        || super::job_runs(job, |l| DEPLOY_COMMAND.is_match(l))
}

fn run(m: &CiModel, _ctx: &Context) -> Outcome {
    let Some((gate, gate_cmd, gate_line)) = super::find_command(m, is_gate_command) else {
        let findings = super::pipeline_findings(m, "no job in this pipeline runs `readyctl check`");
        return Outcome::fail(
            "no CI job runs the release gate (`readyctl check`)",
            findings,
        );
    };
    let findings: Vec<Finding> = m
        .running_jobs()
        .filter(|j| !super::job_runs(j, is_gate_command) && is_deploy(j))
        .filter(|j| !gated(m, j))
        .map(|j| {
            Finding::new(format!(
                "deploy job `{}` does not depend on the release gate",
                j.name
            ))
            .at(m.path(j).to_string(), Some(j.line))
        })
        .collect();
    Outcome::from_findings(
        findings,
        format!(
            "job `{}` runs the release gate ({}:{gate_line})",
            gate.name,
            m.command_path(gate, gate_cmd)
        ),
        "deploy jobs that can run before the release gate",
    )
}

/// Does `job` (a deploy job) wait for a gate job? Only GitHub Actions and
/// GitLab CI express job order readyctl reads; other systems pass.
fn gated(m: &CiModel, job: &Job) -> bool {
    let system = m.files[job.file].file.system;
    match system {
        CiSystem::GitHubActions => {
            let doc = m.files[job.file].doc();
            if doc
                .and_then(|d| d.get("on"))
                .is_some_and(|on| on.has("workflow_run"))
            {
                return true;
            }
            let same: HashMap<&str, &Job> = m
                .jobs
                .iter()
                .filter(|j| j.file == job.file)
                .map(|j| (j.id.as_str(), j))
                .collect();
            needs_gate(job, &same)
        }
        CiSystem::GitLab => {
            let all: HashMap<&str, &Job> = m
                .running_jobs()
                .filter(|j| m.files[j.file].file.system == CiSystem::GitLab)
                .map(|j| (j.id.as_str(), j))
                .collect();
            if job.has_needs {
                return needs_gate(job, &all);
            }
            let stage = |j: &Job| {
                let s = j.stage.as_deref().unwrap_or("test");
                m.gitlab_stages.iter().position(|x| x == s)
            };
            let Some(mine) = stage(job) else { return false };
            all.values()
                .any(|g| super::job_runs(g, is_gate_command) && stage(g).is_some_and(|s| s < mine))
        }
        _ => true,
    }
}

/// Is a gate job among `job`'s transitive `needs`?
fn needs_gate(job: &Job, jobs: &HashMap<&str, &Job>) -> bool {
    let mut seen = BTreeSet::new();
    let mut todo: Vec<&str> = job.needs.iter().map(String::as_str).collect();
    while let Some(n) = todo.pop() {
        if !seen.insert(n) {
            continue;
        }
        if let Some(j) = jobs.get(n) {
            if super::job_runs(j, is_gate_command) {
                return true;
            }
            todo.extend(j.needs.iter().map(String::as_str));
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::is_gate_command;

    #[test]
    fn recognises_the_gate() {
        assert!(is_gate_command("readyctl check"));
        assert!(is_gate_command("./bin/readyctl check --format github ."));
        assert!(is_gate_command(
            "acme/readyctl-action@0123456789abcdef0123456789abcdef01234567"
        ));
        assert!(!is_gate_command("readyctl scaffold ci"));
        assert!(!is_gate_command("cargo check"));
    }
}
