//! `ci.least-privilege`: every GitHub workflow declares `permissions:`.

use crate::check::{Check, CheckMeta, Context, Outcome};
use crate::findings::{Finding, Severity};
use crate::views::ci::CiModel;
use crate::views::ci::detect::CiRole;
use crate::views::yaml::node::{SNode, Tree};

const EXPLAIN: &str = r#"
## What it checks
That every GitHub Actions workflow limits its `GITHUB_TOKEN`: a top-level
`permissions:` block, or a `permissions:` block on every job. A workflow
without one is reported at each job that has none; `permissions: write-all`
is reported wherever it appears.

## Why it matters
Without `permissions:` the token gets the repository's default, which on
older repositories and organisations is read-write on everything. Any step —
a compromised action, a malicious pull request build — can then push code,
create releases or change issues with it.

## How to fix
Add `permissions: contents: read` at the top of the workflow and grant more
only to the job that needs it.

## Example
```yaml
permissions:
  contents: read
jobs:
  release:
    permissions:
      contents: write
```
"#;

pub(super) fn check() -> Box<dyn Check> {
    super::check(
        CheckMeta::define("ci.least-privilege")
            .title("GitHub workflows declare token permissions")
            .severity(Severity::Warning)
            .explain(EXPLAIN)
            .fix("add `permissions: {contents: read}` to each workflow and widen it per job")
            .scaffold("ci")
            .build(),
        run,
    )
}

fn write_all(p: &SNode) -> bool {
    p.as_str() == Some("write-all")
}

fn run(m: &CiModel, _ctx: &Context) -> Outcome {
    if !m.has_github_workflow() {
        return Outcome::skip("no GitHub Actions workflow");
    }
    let mut findings = Vec::new();
    let mut workflows = 0;
    for (_, f) in m.github().filter(|(_, f)| f.file.role == CiRole::Pipeline) {
        let Some(doc) = f.doc() else { continue };
        workflows += 1;
        let path = f.file.path.clone();
        let top = doc.get("permissions");
        if let Some(p) = top.filter(|p| write_all(p)) {
            findings.push(
                Finding::new("`permissions: write-all` grants every scope")
                    .at(path.clone(), Some(p.line())),
            );
        }
        for (k, job) in doc.get("jobs").map(Tree::map).unwrap_or(&[]) {
            let id = k.scalar().unwrap_or_default();
            match job.get("permissions") {
                Some(p) if write_all(p) => findings.push(
                    Finding::new(format!("job `{id}`: `permissions: write-all` grants every scope"))
                        .at(path.clone(), Some(p.line())),
                ),
                Some(_) => {}
                None if top.is_none() => findings.push(
                    Finding::new(format!(
                        "job `{id}` has no `permissions:` and the workflow sets none (the token gets the repository default)"
                    ))
                    .at(path.clone(), Some(k.line())),
                ),
                None => {}
            }
        }
    }
    Outcome::from_findings(
        findings,
        format!(
            "{workflows} workflow{} token permissions",
            if workflows == 1 {
                " declares"
            } else {
                "s declare"
            }
        ),
        "GitHub workflows without least-privilege `permissions:`",
    )
}
