//! `terraform.providers-pinned`: every `required_providers` entry has a
//! version constraint.

use super::model::{self, Value};
use crate::engine::{Check, CheckMeta, Context, Outcome};
use crate::model::{Finding, Severity};

const EXPLAIN: &str = r#"
## What it checks
That every entry of every `terraform { required_providers { ... } }` block
has a `version` constraint: either `name = { source = "...", version = "..." }`
or the legacy `name = "~> 5.0"`. Reusable modules are checked too (a lower
bound such as `>= 5.0` is enough there); test data and examples (file
roles: `readyctl.yaml` `paths:`) are not.

## Why it matters
An unpinned provider is upgraded to the newest release on the next
`terraform init` without a lock file, and a major provider release can change
or destroy resources on the next apply.

## How to fix
Add a `version` constraint to each provider requirement and commit
`.terraform.lock.hcl`; `readyctl scaffold terraform` writes a pinned
`versions.tf`.

## Example
```hcl
terraform {
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.0"
    }
  }
}
```
"#;

pub struct ProvidersPinned {
    meta: CheckMeta,
}

impl ProvidersPinned {
    pub fn new() -> Self {
        ProvidersPinned {
            meta: CheckMeta::define("terraform.providers-pinned")
                .title("Provider versions pinned")
                .severity(Severity::Warning)
                .explain(EXPLAIN)
                .fix("give each `required_providers` entry a `version` constraint")
                .scaffold("terraform")
                .build(),
        }
    }
}

impl Check for ProvidersPinned {
    fn meta(&self) -> &CheckMeta {
        &self.meta
    }

    fn run(&self, ctx: &Context) -> Outcome {
        let m = model::model(ctx.index);
        if let Some(o) = super::unavailable(&m) {
            return o;
        }
        let mut findings = Vec::new();
        let mut entries = 0;
        for module in m.checked_modules() {
            for (f, t) in m.blocks(module).filter(|(_, b)| b.kind == "terraform") {
                for rp in t.body.blocks("required_providers") {
                    for entry in &rp.body.attrs {
                        entries += 1;
                        let pinned = match &entry.value {
                            Value::Str(s) => !s.trim().is_empty(),
                            Value::Object(o) => o.iter().any(|a| {
                                a.name == "version"
                                    && !matches!(&a.value, Value::Str(s) if s.trim().is_empty())
                                    && a.value != Value::Null
                            }),
                            _ => true,
                        };
                        if !pinned {
                            findings.push(
                                Finding::new(format!(
                                    "provider `{}` has no version constraint",
                                    entry.name
                                ))
                                .at(f.path.clone(), Some(entry.line))
                                .col(Some(entry.col)),
                            );
                        }
                    }
                }
            }
        }
        if entries == 0 {
            return Outcome::pass(format!(
                "no `required_providers` entries to pin{}",
                super::examples_note(&m)
            ));
        }
        Outcome::from_findings(
            findings,
            format!(
                "{} pinned{}",
                super::plural(entries, "provider requirement"),
                super::examples_note(&m)
            ),
            "provider requirements without a version constraint",
        )
    }
}
