//! `terraform.lockfile`: every root module commits `.terraform.lock.hcl`.

use super::model;
use super::shown;
use crate::engine::{Check, CheckMeta, Context, Outcome};
use crate::model::{Finding, Severity};

const EXPLAIN: &str = r#"
## What it checks
That every root module that uses providers (it declares `provider`,
`required_providers`, `resource`, `data` or `module` blocks) has a
`.terraform.lock.hcl` committed beside its `.tf` files. Reusable modules are
not checked (Terraform ignores their lock files), nor are test data and
examples (file roles: `readyctl.yaml` `paths:`).

## Why it matters
The dependency lock file records the exact provider versions and their
checksums. Without it every `terraform init` may pick a newer provider than
the one the plan was reviewed with, and nothing verifies that the provider
binary is the one that was used before.

## How to fix
Run `terraform init` in the root module and commit `.terraform.lock.hcl`
(use `terraform providers lock -platform=...` for every platform your team
and CI run on).

## Example
```console
$ terraform -chdir=envs/prod init
$ git add envs/prod/.terraform.lock.hcl
```
"#;

pub struct Lockfile {
    meta: CheckMeta,
}

impl Lockfile {
    pub fn new() -> Self {
        Lockfile {
            meta: CheckMeta::define("terraform.lockfile")
                .title("Provider lock file committed")
                .severity(Severity::Warning)
                .explain(EXPLAIN)
                .fix("run `terraform init` and commit .terraform.lock.hcl")
                .build(),
        }
    }
}

const USES_PROVIDERS: &[&str] = &["provider", "resource", "data", "module", "ephemeral"];

impl Check for Lockfile {
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
        let mut needing = 0;
        for module in &roots {
            let anchor = m.blocks(module).find(|(_, b)| {
                USES_PROVIDERS.contains(&b.kind.as_str())
                    || (b.kind == "terraform"
                        && b.body.blocks("required_providers").next().is_some())
            });
            let Some((f, b)) = anchor else { continue };
            needing += 1;
            let lock = if module.dir.is_empty() {
                ".terraform.lock.hcl".to_string()
            } else {
                format!("{}/.terraform.lock.hcl", module.dir)
            };
            if ctx.index.get(&lock).is_none() {
                findings.push(
                    Finding::new(format!(
                        "root module {} has no committed {lock}",
                        shown(&module.dir)
                    ))
                    .at(f.path.clone(), Some(b.line))
                    .col(Some(b.col)),
                );
            }
        }
        if needing == 0 {
            return Outcome::pass("no root module uses providers");
        }
        Outcome::from_findings(
            findings,
            format!(
                "{} commit .terraform.lock.hcl{}",
                super::plural(needing, "root module"),
                super::examples_note(&m)
            ),
            "root modules without a committed .terraform.lock.hcl",
        )
    }
}
