//! `terraform.version-pinned`: every root module pins the Terraform version.

use super::model::{self, Value};
use super::shown;
use crate::engine::{Check, CheckMeta, Context, Outcome};
use crate::model::{Finding, Severity};

const EXPLAIN: &str = r#"
## What it checks
That every root module (a directory Terraform is run in: it configures a
backend, `cloud` or a provider, or no other module uses it as a local
`source` and it is not under `modules/`) sets
`terraform { required_version = "..." }`. Test data and examples (file
roles: `readyctl.yaml` `paths:`) are not checked.

## Why it matters
Without a version constraint, whoever runs the next apply — a colleague, a CI
image that was updated overnight — may use a Terraform version that upgrades
the state file format or behaves differently, and the state cannot be read by
the older version again.

## How to fix
Add a `required_version` constraint to the `terraform` block of each root
module, or run `readyctl scaffold terraform` for a pinned `versions.tf`.

## Example
```hcl
terraform {
  required_version = "~> 1.9"
}
```
"#;

pub struct VersionPinned {
    meta: CheckMeta,
}

impl VersionPinned {
    pub fn new() -> Self {
        VersionPinned {
            meta: CheckMeta::define("terraform.version-pinned")
                .title("Terraform version pinned in root modules")
                .severity(Severity::Warning)
                .explain(EXPLAIN)
                .fix("add `terraform { required_version = \"~> 1.x\" }` to each root module")
                .scaffold("terraform")
                .build(),
        }
    }
}

impl Check for VersionPinned {
    fn meta(&self) -> &CheckMeta {
        &self.meta
    }

    fn run(&self, ctx: &Context) -> Outcome {
        let m = model::model(ctx.index);
        if let Some(o) = super::unavailable(&m) {
            return o;
        }
        let roots: Vec<_> = m.checked_modules().filter(|x| x.root).collect();
        let mut findings = Vec::new();
        for module in &roots {
            let terraform: Vec<_> = m
                .blocks(module)
                .filter(|(_, b)| b.kind == "terraform")
                .collect();
            let pinned = terraform.iter().any(|(_, b)| {
                b.body
                    .attr("required_version")
                    .is_some_and(|a| !matches!(&a.value, Value::Str(s) if s.trim().is_empty()))
            });
            if pinned {
                continue;
            }
            let finding = match terraform.first() {
                Some((f, b)) => Finding::new(format!(
                    "root module {}: `terraform` block has no `required_version`",
                    shown(&module.dir)
                ))
                .at(f.path.clone(), Some(b.line))
                .col(Some(b.col)),
                None => Finding::new(format!(
                    "root module {} has no `terraform {{ required_version = ... }}`",
                    shown(&module.dir)
                ))
                .at(m.first_file(module).to_string(), Some(1)),
            };
            findings.push(finding);
        }
        if roots.is_empty() {
            return Outcome::skip(format!("no root module{}", super::examples_note(&m)));
        }
        Outcome::from_findings(
            findings,
            format!(
                "{} pin the Terraform version{}",
                super::plural(roots.len(), "root module"),
                super::examples_note(&m)
            ),
            "root modules without a Terraform version constraint",
        )
    }
}
