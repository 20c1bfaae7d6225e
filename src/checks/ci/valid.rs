//! `ci.valid`: every CI file parses and has its system's basic structure.

use crate::check::{Check, CheckMeta, Context, Outcome};
use crate::findings::{Finding, Severity};
use crate::repo::text::plural;
use crate::views::ci::detect::{CiRole, CiSystem};
use crate::views::ci::{self, CiDoc, CiModel};
use crate::views::yaml::node::{Node, SNode, Tree};

const EXPLAIN: &str = r#"
## What it checks
That every CI configuration file parses — a YAML error is reported at its
line and column, duplicate keys and alias bombs included — and has the basic
structure of its system:

- GitHub Actions: a workflow has `on` and `jobs`; each job has `runs-on` or
  `uses` (a reusable workflow); each step has `run` or `uses`. A local action
  (`.github/actions/*/action.yml`) has `runs.using`.
- GitLab CI: each job (a top-level key that is not a keyword or a hidden
  `.template`) has `script`, `trigger`, `run` or `extends`; local `include:`
  files are checked too.
- CircleCI: `version` and `jobs` or `workflows`; each job has `steps`.
- Azure Pipelines: `stages`, `jobs`, `steps` or `extends`.
- Bitbucket Pipelines: `pipelines`; each `step` has `script`.
- Buildkite: `steps`. Drone: every document has `kind`. Travis: a mapping.
- Jenkinsfile: non-empty, with a `pipeline { ... }` or `node { ... }` block.

## Why it matters
A CI file that does not parse or lacks its jobs runs nothing — often
silently: GitHub shows a red cross on a workflow nobody looks at, and the
release gate that should have stopped a bad deploy never ran.

## How to fix
Fix the file at the reported line. `actionlint` (GitHub), `gitlab-ci-lint`
and `circleci config validate` give more detail.

## Example
```yaml
on: [push]
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2
      - run: cargo test
```
"#;

pub(super) fn check() -> Box<dyn Check> {
    super::check(
        CheckMeta::define("ci.valid")
            .title("CI configuration is valid")
            .severity(Severity::Error)
            .explain(EXPLAIN)
            .fix("fix the CI file at the reported line")
            .scaffold("ci")
            .build(),
        run,
    )
}

fn run(m: &CiModel, _ctx: &Context) -> Outcome {
    let mut findings = Vec::new();
    for f in &m.files {
        structure(f, &mut findings);
    }
    Outcome::from_findings(
        findings,
        format!("{} valid", plural(m.files.len(), "CI file")),
        "invalid CI configuration",
    )
}

fn finding(f: &CiDoc, line: u32, col: Option<u32>, msg: String) -> Finding {
    Finding::new(msg)
        .at(f.file.path.clone(), Some(line.max(1)))
        .col(col)
}

fn structure(f: &CiDoc, out: &mut Vec<Finding>) {
    let docs = match &f.docs {
        Err(p) => {
            out.push(finding(
                f,
                p.line,
                p.col,
                format!("does not parse: {}", p.message),
            ));
            return;
        }
        Ok(d) => d,
    };
    if let Some(text) = &f.text {
        jenkins(f, text, out);
        return;
    }
    let Some(doc) = docs.first() else {
        out.push(finding(f, 1, None, "empty CI file".into()));
        return;
    };
    let mut bad = |n: &SNode, msg: String| out.push(finding(f, n.line(), Some(n.col()), msg));
    if !doc.is_map() {
        bad(doc, "the top level must be a mapping".into());
        return;
    }
    match (f.file.system, f.file.role) {
        (CiSystem::GitHubActions, CiRole::Action) => {
            if doc.get("runs").and_then(|r| r.get("using")).is_none() {
                bad(doc, "action has no `runs.using`".into());
            }
        }
        (CiSystem::GitHubActions, _) => github(doc, &mut bad),
        (CiSystem::GitLab, _) => gitlab(doc, &mut bad),
        (CiSystem::CircleCi, _) => {
            if !doc.has("version") {
                bad(doc, "no `version`".into());
            }
            if !doc.has("jobs") && !doc.has("workflows") {
                bad(doc, "no `jobs` or `workflows`".into());
            }
            if let Some(jobs) = doc.get("jobs") {
                for (k, v) in jobs.map() {
                    if !v.has("steps") {
                        bad(
                            k,
                            format!("job `{}` has no `steps`", k.scalar().unwrap_or_default()),
                        );
                    }
                }
            }
        }
        (CiSystem::AzurePipelines, _) => {
            if !["stages", "jobs", "steps", "extends"]
                .iter()
                .any(|k| doc.has(k))
            {
                bad(doc, "no `stages`, `jobs`, `steps` or `extends`".into());
            }
        }
        (CiSystem::Bitbucket, _) => match doc.get("pipelines") {
            None => bad(doc, "no `pipelines`".into()),
            Some(p) => bitbucket_steps(p, &mut bad),
        },
        (CiSystem::Buildkite, _) => {
            if !doc.has("steps") {
                bad(doc, "no `steps`".into());
            }
        }
        (CiSystem::Drone, _) => {
            for d in docs {
                if !d.has("kind") {
                    bad(d, "document has no `kind`".into());
                }
            }
        }
        (CiSystem::Travis, _) | (CiSystem::Jenkins, _) => {}
    }
}

fn jenkins(f: &CiDoc, text: &str, out: &mut Vec<Finding>) {
    let re = super::re(r"(?m)^\s*(pipeline|node)\b\s*(\([^)]*\))?\s*\{");
    if text.trim().is_empty() {
        out.push(finding(f, 1, None, "empty Jenkinsfile".into()));
    } else if !re.is_match(text) {
        out.push(finding(
            f,
            1,
            None,
            "no `pipeline { ... }` or `node { ... }` block".into(),
        ));
    }
}

fn github(doc: &SNode, bad: &mut impl FnMut(&SNode, String)) {
    // `true:` is how a YAML 1.1 round-trip spells `on:`.
    if !doc.has("on") && !doc.has("true") {
        bad(doc, "workflow has no `on` (triggers)".into());
    }
    let Some(jobs) = doc.get("jobs") else {
        bad(doc, "workflow has no `jobs`".into());
        return;
    };
    if jobs.map().is_empty() {
        bad(jobs, "`jobs` must be a non-empty mapping".into());
        return;
    }
    for (k, v) in jobs.map() {
        let id = k.scalar().unwrap_or_default();
        if !v.is_map() {
            bad(k, format!("job `{id}` must be a mapping"));
            continue;
        }
        if !v.has("runs-on") && !v.has("uses") {
            bad(k, format!("job `{id}` has neither `runs-on` nor `uses`"));
        }
        if let Some(steps) = v.get("steps") {
            if !matches!(steps.value, Node::Seq(_)) {
                bad(steps, format!("job `{id}`: `steps` must be a list"));
            }
            for s in steps.seq() {
                if !s.has("run") && !s.has("uses") {
                    bad(s, format!("job `{id}`: step has neither `run` nor `uses`"));
                }
            }
        }
    }
}

fn gitlab(doc: &SNode, bad: &mut impl FnMut(&SNode, String)) {
    for (k, v) in doc.map() {
        let Some(id) = k.scalar() else { continue };
        if ci::GITLAB_KEYWORDS.contains(&id.as_str()) || id.starts_with('.') {
            continue;
        }
        if !v.is_map() {
            bad(k, format!("job `{id}` must be a mapping"));
        } else if !["script", "trigger", "extends", "run"]
            .iter()
            .any(|x| v.has(x))
        {
            bad(
                k,
                format!("job `{id}` has no `script`, `trigger`, `run` or `extends`"),
            );
        }
    }
}

fn bitbucket_steps(n: &SNode, bad: &mut impl FnMut(&SNode, String)) {
    for (k, v) in n.map() {
        if k.scalar().as_deref() == Some("step") && v.is_map() {
            if !v.has("script") {
                bad(k, "`step` has no `script`".into());
            }
            continue;
        }
        bitbucket_steps(v, bad);
    }
    for s in n.seq() {
        bitbucket_steps(s, bad);
    }
}
