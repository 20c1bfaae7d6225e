//! `terraform.valid`: every Terraform file parses.

use crate::check::{Check, CheckMeta, Context, Outcome};
use crate::findings::{Finding, Severity};
use crate::repo::text::plural;
use crate::views::terraform::{Model, Role, parse_budget};

const EXPLAIN: &str = r#"
## What it checks
That every `.tf`, `.tf.json`, `.tfvars` and `.tfvars.json` file outside
`.terraform/` parses: HCL through the same grammar Terraform uses, JSON syntax
as JSON, and that a `.tf` file holds only blocks at its top level. Each broken
file is a finding at the line and column of the error; the other files and
checks go on.

## Why it matters
A configuration that does not parse cannot be planned, let alone applied. A
syntax error found by the release gate is found before the deploy job starts
and fails half-way.

## How to fix
Open the file at the reported line and column and fix the syntax; run
`terraform fmt` and `terraform validate` locally to confirm.

## Example
```hcl
resource "aws_s3_bucket" "logs" {
  bucket = "my-logs"
}
```
"#;

pub(super) fn check() -> Box<dyn Check> {
    // It reports the syntax errors of the files it did parse even when the
    // budget left others unparsed.
    crate::checks::on_view(
        CheckMeta::define("terraform.valid")
            .title("Terraform files parse")
            .severity(Severity::Error)
            .explain(EXPLAIN)
            .fix("fix the syntax error at the reported file:line:column (`terraform validate`)")
            .build(),
        crate::views::terraform::model,
        super::any_terraform,
        run,
    )
}

fn run(m: &Model, _ctx: &Context) -> Outcome {
    let mut findings = Vec::new();
    // Test data and examples may be broken on purpose (SPEC §9).
    for f in m.files.iter().filter(|f| f.product) {
        match &f.parsed {
            Err(e) => findings.push(
                Finding::new(format!("does not parse: {}", e.message))
                    .at(f.path.clone(), Some(e.line))
                    .col(Some(e.col)),
            ),
            Ok(body) if f.role == Role::Config && !f.path.ends_with(".json") => {
                for a in &body.attrs {
                    findings.push(
                        Finding::new(format!(
                            "attribute `{}` at the top level: a .tf file holds only blocks",
                            a.name
                        ))
                        .at(f.path.clone(), Some(a.line))
                        .col(Some(a.col)),
                    );
                }
            }
            Ok(_) => {}
        }
    }
    let n = m.files.iter().filter(|f| f.product).count();
    if let Some(e) = m.budget_error() {
        // The files not parsed are named in the message, not as findings.
        let over = parse_budget::over_budget();
        findings.retain(|f| !f.message.ends_with(&over));
        return Outcome::error(e).with_findings(findings);
    }
    Outcome::from_findings(
        findings,
        format!("{} parse", plural(n, "Terraform file")),
        format!("Terraform files that do not parse (of {n})"),
    )
}
