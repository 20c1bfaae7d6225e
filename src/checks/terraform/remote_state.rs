//! `terraform.remote-state`: every root module keeps its state remotely.

use super::model;
use super::shown;
use crate::engine::{Check, CheckMeta, Context, Outcome};
use crate::model::{Finding, Severity};

const EXPLAIN: &str = r#"
## What it checks
That every root module configures a backend other than `local`
(`terraform { backend "s3" { ... } }`, `gcs`, `azurerm`, `remote`, `http`, …)
or a `terraform { cloud { ... } }` block. Reusable modules (used as a local
`source` by another module, or under `modules/`) do not hold state and are
not checked, nor are test data and examples (file roles: `readyctl.yaml`
`paths:`).

## Why it matters
Local state lives on one laptop or one CI runner: it is lost with the
machine, cannot be locked against two concurrent applies, and often ends up
committed with every secret Terraform knows.

## How to fix
Configure a remote backend with locking in each root module, or run
`readyctl scaffold terraform` for a `backend.tf` to fill in.

## Example
```hcl
terraform {
  backend "s3" {
    bucket       = "acme-terraform-state"
    key          = "prod/network.tfstate"
    region       = "eu-west-1"
    use_lockfile = true
  }
}
```
"#;

pub struct RemoteState {
    meta: CheckMeta,
}

impl RemoteState {
    pub fn new() -> Self {
        RemoteState {
            meta: CheckMeta::define("terraform.remote-state")
                .title("Remote state configured")
                .severity(Severity::Warning)
                .explain(EXPLAIN)
                .fix("configure a remote backend (s3, gcs, azurerm, ...) or a `cloud` block in each root module")
                .scaffold("terraform")
                .build(),
        }
    }
}

impl Check for RemoteState {
    fn meta(&self) -> &CheckMeta {
        &self.meta
    }

    fn run(&self, ctx: &Context) -> Outcome {
        let m = model::model(ctx.index);
        if let Some(o) = super::unavailable(&m) {
            return o;
        }
        let roots: Vec<_> = m.checked_modules().filter(|x| x.root).collect();
        if roots.is_empty() {
            return Outcome::skip(format!("no root module{}", super::examples_note(&m)));
        }
        let mut findings = Vec::new();
        for module in &roots {
            let terraform: Vec<_> = m
                .blocks(module)
                .filter(|(_, b)| b.kind == "terraform")
                .collect();
            let remote = terraform.iter().any(|(_, t)| {
                t.body.blocks("cloud").next().is_some()
                    || t.body.blocks("backend").any(|b| b.label() != "local")
            });
            if remote {
                continue;
            }
            let local = terraform
                .iter()
                .find_map(|(f, t)| t.body.blocks("backend").next().map(|b| (f, b)));
            findings.push(match local {
                Some((f, b)) => Finding::new(format!(
                    "root module {}: backend \"local\" keeps state on one machine",
                    shown(&module.dir)
                ))
                .at(f.path.clone(), Some(b.line))
                .col(Some(b.col)),
                None => match terraform.first() {
                    Some((f, t)) => Finding::new(format!(
                        "root module {}: `terraform` block configures no backend (state is local)",
                        shown(&module.dir)
                    ))
                    .at(f.path.clone(), Some(t.line))
                    .col(Some(t.col)),
                    None => Finding::new(format!(
                        "root module {} configures no backend (state is local)",
                        shown(&module.dir)
                    ))
                    .at(m.first_file(module).to_string(), Some(1)),
                },
            });
        }
        Outcome::from_findings(
            findings,
            format!(
                "{} keep state remotely{}",
                super::plural(roots.len(), "root module"),
                super::examples_note(&m)
            ),
            "root modules with local state",
        )
    }
}
