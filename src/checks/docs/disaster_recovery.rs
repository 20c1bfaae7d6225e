//! `docs.disaster-recovery`: backup and restore procedures.

use std::sync::LazyLock;

use regex::Regex;

use super::ci;
use crate::check::{Check, CheckMeta, Context, Outcome};
use crate::findings::{Finding, Severity};

const EXPLAIN: &str = r#"
## What it checks
That the documentation says how data is backed up and how it is restored:
a heading about backups or disaster recovery ("Backups", "Back up",
"Snapshots", "Disaster recovery"), and a restore procedure with at least one
concrete step (a list item or code block) — either under its own heading
("Restore", "Recovery") or inside the backup section when that section talks
about restoring.

## Why it matters
Backups nobody has restored are hopes. A release that corrupts data is only
recoverable if the restore path is written down and was tried; teams that
set "zero data loss" as a goal need the procedure in the repository next to
the code that can break it.

## How to fix
Add a "Backups and restore" section to the runbook (`readyctl scaffold runbook`
writes one), naming what is backed up, how often, where, and the exact restore
steps.

## Example
```markdown
## Backups and restore
Nightly RDS snapshots, kept 14 days.
### Restore
1. `aws rds restore-db-instance-from-db-snapshot --db-snapshot-identifier <id> ...`
2. Point the service at the restored instance and run the smoke test.
```
"#;

pub struct DisasterRecovery {
    meta: CheckMeta,
}

impl DisasterRecovery {
    pub fn new() -> Self {
        DisasterRecovery {
            meta: CheckMeta::define("docs.disaster-recovery")
                .title("Backup and restore documented")
                .severity(Severity::Warning)
                .explain(EXPLAIN)
                .fix("document what is backed up and the steps to restore it")
                .scaffold("runbook")
                .build(),
        }
    }
}

static BACKUP: LazyLock<Regex> = LazyLock::new(|| {
    // `DR` only in capitals, and a snapshot only of data: "Snapshots" about
    // snapshot tests is no backup.
    ci(
        r"backup|back(ing)? up|(database|db|volume|disk|ebs|rds|etcd|data)\s+snapshots?|disaster[ -]recovery|(?-i:\bDR\b)|business continuity",
    )
});
static RESTORE: LazyLock<Regex> = LazyLock::new(|| ci(r"restor|recover"));

/// "; it names the backups declared in code: ..." when the inventory of
/// `resilience.backups` has backed-up datastores and the documented
/// sections name them (by resource name, service or engine).
fn in_code(
    ctx: &Context,
    sections: &[(
        &crate::repo::index::FileEntry,
        &crate::views::markdown::Section,
    )],
) -> String {
    let inv = crate::checks::resilience::inventory::inventory(ctx.index);
    let backed: Vec<_> = inv
        .datastores
        .iter()
        .filter(|d| d.backups.iter().any(|b| b.enabled))
        .collect();
    if backed.is_empty() {
        return String::new();
    }
    let text: String = sections
        .iter()
        .filter_map(|(f, s)| f.text().and_then(|t| t.get(s.body.clone())))
        .collect::<Vec<_>>()
        .join("\n")
        .to_lowercase();
    let named: Vec<String> = backed
        .iter()
        .filter(|d| {
            d.mentions()
                .iter()
                .any(|w| text.contains(&w.to_lowercase()))
        })
        .map(|d| d.name.clone())
        .collect();
    let list = |v: &[String]| crate::checks::resilience::short_list(v, 3);
    if named.len() == backed.len() {
        format!("; it names the backups declared in code: {}", list(&named))
    } else {
        let missing: Vec<String> = backed
            .iter()
            .filter(|d| !named.contains(&d.name))
            .map(|d| d.name.clone())
            .collect();
        format!(
            "; backed up in code but not named there: {}",
            list(&missing)
        )
    }
}

impl Check for DisasterRecovery {
    fn meta(&self) -> &CheckMeta {
        &self.meta
    }

    fn run(&self, ctx: &Context) -> Outcome {
        let backups = super::sections(ctx.index, &BACKUP);
        let restore_sections = super::sections(ctx.index, &RESTORE);
        let restore = restore_sections
            .iter()
            .find(|(_, s)| s.steps > 0)
            .or_else(|| {
                backups.iter().find(|(f, s)| {
                    s.steps > 0
                        && f.text()
                            .and_then(|t| t.get(s.body.clone()))
                            .is_some_and(|b| RESTORE.is_match(b))
                })
            });
        match (backups.first(), restore) {
            (Some((bf, bs)), Some((rf, rs))) => Outcome::pass(format!(
                "backups at {}:{}, restore procedure at {}:{}{}",
                bf.path,
                bs.line,
                rf.path,
                rs.line,
                in_code(ctx, &[(rf, rs), (bf, bs)])
            )),
            (None, None) => Outcome::fail("no backup or restore procedure documented", vec![]),
            (None, Some((rf, rs))) => Outcome::fail(
                "a restore procedure exists but nothing says what is backed up",
                vec![
                    Finding::new("restore steps without a backups section")
                        .at(rf.path.clone(), Some(rs.line)),
                ],
            ),
            (Some(_), None) => Outcome::fail(
                "backups are mentioned but no restore procedure has concrete steps",
                backups
                    .iter()
                    .map(|(f, s)| {
                        Finding::new(format!("\"{}\" has no restore steps", s.title))
                            .at(f.path.clone(), Some(s.line))
                    })
                    .collect(),
            ),
        }
    }
}
