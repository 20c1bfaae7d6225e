//! `terraform.version-pinned`: every root module pins the Terraform version.

use crate::check::{Check, CheckMeta, Context, Outcome};
use crate::findings::Severity;
use crate::repo::text::plural;
use crate::views::terraform::{Model, Module, Value};

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

pub(super) fn check() -> Box<dyn Check> {
    super::root_check(
        CheckMeta::define("terraform.version-pinned")
            .title("Terraform version pinned in root modules")
            .severity(Severity::Warning)
            .explain(EXPLAIN)
            .fix("add `terraform { required_version = \"~> 1.x\" }` to each root module")
            .scaffold("terraform")
            .build(),
        run,
    )
}

fn run(m: &Model, roots: &[&Module], _ctx: &Context) -> Outcome {
    let findings = super::per_root(m, roots, |module, terraform| {
        let pinned = terraform.iter().any(|(_, b)| {
            b.body
                .attr("required_version")
                .is_some_and(|a| !matches!(&a.value, Value::Str(s) if s.trim().is_empty()))
        });
        (!pinned).then(|| {
            super::module_lacks(
                m,
                module,
                terraform,
                "has no `required_version`",
                "has no `terraform { required_version = ... }`",
            )
        })
    });
    super::outcome(
        m,
        findings,
        plural(roots.len(), "root module"),
        "pin the Terraform version",
        "root modules without a Terraform version constraint",
    )
}
