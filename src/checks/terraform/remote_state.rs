//! `terraform.remote-state`: every root module keeps its state remotely.

use super::shown;
use crate::check::{Check, CheckMeta, Context, Outcome};
use crate::findings::{Finding, Severity};
use crate::repo::text::plural;
use crate::views::terraform::{Model, Module};

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

pub(super) fn check() -> Box<dyn Check> {
    super::root_check(
        CheckMeta::define("terraform.remote-state")
            .title("Remote state configured")
            .severity(Severity::Warning)
            .explain(EXPLAIN)
            .fix("configure a remote backend (s3, gcs, azurerm, ...) or a `cloud` block in each root module")
            .scaffold("terraform")
            .build(),
        run,
    )
}

fn run(m: &Model, roots: &[&Module], _ctx: &Context) -> Outcome {
    let findings = super::per_root(m, roots, |module, terraform| {
        let remote = terraform.iter().any(|(_, t)| {
            t.body.blocks("cloud").next().is_some()
                || t.body.blocks("backend").any(|b| b.label() != "local")
        });
        if remote {
            return None;
        }
        let local = terraform
            .iter()
            .find_map(|(f, t)| t.body.blocks("backend").next().map(|b| (f, b)));
        Some(match local {
            Some((f, b)) => Finding::new(format!(
                "root module {}: backend \"local\" keeps state on one machine",
                shown(&module.dir)
            ))
            .at(f.path.clone(), Some(b.line))
            .col(Some(b.col)),
            None => super::module_lacks(
                m,
                module,
                terraform,
                "configures no backend (state is local)",
                "configures no backend (state is local)",
            ),
        })
    });
    super::outcome(
        m,
        findings,
        plural(roots.len(), "root module"),
        "keep state remotely",
        "root modules with local state",
    )
}
