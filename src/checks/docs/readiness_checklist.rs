//! `docs.readiness-checklist`: the repository's own definition of ready
//! (SPEC §6).

use crate::check::{Check, CheckMeta, Context, Outcome, Phase};
use crate::findings::{Finding, Severity};
use crate::views::checklist::unresolved_reason;

const EXPLAIN: &str = r#"
## What it checks
That `deployment-readiness.md` (or the file `checklist:` names in
`readyctl.yaml`) exists and that every task item in it is resolved:

- an item with a marker such as `<!-- readyctl: docs.rollback -->` is resolved
  when every check it names passes — whatever its box says. When the marked
  check was skipped (for example a network check with `--offline`), the box
  decides;
- an item without a marker is a manual item, resolved only when a person
  ticked it (`- [x]`).

Each unresolved item is reported at its line, with the reason. A marker that
names an unknown check is reported too.

## Why it matters
The checklist is the team's own definition of "ready": the items a machine can
verify are verified on every run, and the items only a person can confirm
(stakeholders informed, release window agreed) stay visible until somebody
confirms them. `readyctl check --sync-checklist` keeps the boxes of marked items
in step with reality.

## How to fix
Run `readyctl scaffold checklist` (or `readyctl init`) to write a checklist tuned
to the repository. Then fix the failing checks the unresolved items name, and
tick the manual items once they are done.

## Example
```markdown
- [ ] Infrastructure is code <!-- readyctl: terraform.present -->
- [ ] Rollback procedure documented <!-- readyctl: docs.rollback -->
- [x] Stakeholders informed of the release window
```
"#;

pub struct ReadinessChecklist {
    meta: CheckMeta,
}

impl ReadinessChecklist {
    pub fn new() -> Self {
        ReadinessChecklist {
            meta: CheckMeta::define("docs.readiness-checklist")
                .title("Deployment-readiness checklist resolved")
                .severity(Severity::Error)
                .explain(EXPLAIN)
                .fix("resolve each open item: fix the check it names, or tick it once done")
                .scaffold("checklist")
                .build(),
        }
    }
}

impl Check for ReadinessChecklist {
    fn meta(&self) -> &CheckMeta {
        &self.meta
    }

    fn phase(&self) -> Phase {
        Phase::Final
    }

    fn needs(&self, checklist: Option<&crate::views::checklist::Checklist>) -> Vec<String> {
        checklist
            .map(|c| {
                c.items
                    .iter()
                    .flat_map(|i| i.markers.iter().map(|m| m.id.clone()))
                    .collect()
            })
            .unwrap_or_default()
    }

    fn run(&self, ctx: &Context) -> Outcome {
        let path = ctx.config.checklist();
        let list = match crate::views::checklist::load(ctx.index, path) {
            None => {
                // A FIFO or device there cannot be read: fail closed.
                if crate::views::checklist::not_a_regular_file(ctx.index, path) {
                    return Outcome::error(format!(
                        "{path}: not a regular file (a FIFO, device or directory); not read"
                    ));
                }
                let mut msg = format!("{path} not found");
                if crate::views::checklist::on_disk_but_not_indexed(ctx.index, path) {
                    msg.push_str(" among the files readyctl reads (is it ignored?)");
                }
                return Outcome::fail(msg, vec![]);
            }
            Some(Err(e)) => return Outcome::error(e),
            Some(Ok(list)) => list,
        };
        if list.items.is_empty() {
            return Outcome::fail(
                format!("{} has no task items (`- [ ] ...`)", list.path),
                vec![Finding::new("no task items").at(list.path.clone(), Some(1))],
            );
        }
        let mut findings = Vec::new();
        let mut unresolved = 0;
        for item in &list.items {
            for m in &item.markers {
                if !ctx.known_ids.contains(&m.id) {
                    findings.push(
                        Finding::new(format!(
                            "marker names unknown check `{}` (see `readyctl list`)",
                            m.id
                        ))
                        .at(list.path.clone(), Some(m.line))
                        .col(Some(m.column)),
                    );
                }
            }
            if let Some(reason) = unresolved_reason(item, ctx.results, ctx.known_ids) {
                unresolved += 1;
                if item.markers.iter().all(|m| ctx.known_ids.contains(&m.id))
                    || item.markers.is_empty()
                {
                    findings.push(
                        Finding::new(format!("unresolved: {} — {reason}", item.text))
                            .at(list.path.clone(), Some(item.line))
                            .col(Some(item.column)),
                    );
                }
            }
        }
        findings.sort_by_key(|f| (f.line, f.column));
        let total = list.items.len();
        let verified = list.items.iter().filter(|i| !i.is_manual()).count();
        if findings.is_empty() {
            Outcome::pass(format!(
                "{}: all {total} items resolved ({verified} verified by checks, {} ticked by hand)",
                list.path,
                total - verified
            ))
        } else {
            Outcome::fail(
                format!("{}: {unresolved} of {total} items unresolved", list.path),
                findings,
            )
        }
    }
}
