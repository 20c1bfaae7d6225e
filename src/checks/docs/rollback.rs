//! `docs.rollback`: a rollback procedure with at least one concrete step.

use std::sync::LazyLock;

use regex::Regex;

use super::ci;
use crate::check::{Check, CheckMeta, Context, Outcome};
use crate::findings::{Finding, Severity};

const EXPLAIN: &str = r#"
## What it checks
That some Markdown file in the repository has a heading about rolling back —
"Rollback", "Roll back", "Rolling back", "Revert", "Downgrade" — with at least
one concrete step under it: a list item or a code block (nested subsections
count).

## Why it matters
A release you cannot undo is a bet. When a deploy goes wrong the rollback must
be a procedure someone can follow under pressure, not a plan to write one. A
heading with only prose ("we will roll back if needed") is not a procedure.

## How to fix
Run `readyctl scaffold rollback` to write `docs/ROLLBACK.md` (decision criteria,
step-by-step procedure, data recovery, verification), or add a rollback section
with numbered steps or the exact commands to your runbook.

## Example
```markdown
## Rollback
1. Find the last good release: `git tag --sort=-creatordate | head -2`
2. Redeploy it: `./deploy.sh v1.4.2`
3. Verify: `curl -fsS https://api.example.com/healthz`
```
"#;

pub struct Rollback {
    meta: CheckMeta,
}

impl Rollback {
    pub fn new() -> Self {
        Rollback {
            meta: CheckMeta::define("docs.rollback")
                .title("Rollback procedure documented")
                .severity(Severity::Error)
                .explain(EXPLAIN)
                .fix("document how to roll back a release, with concrete steps")
                .scaffold("rollback")
                .build(),
        }
    }
}

static HEADING: LazyLock<Regex> =
    LazyLock::new(|| ci(r"roll[ -]?back|rolling back|revert|downgrad"));
/// Headings that name rollback as a thing (an RBAC action, an API field),
/// not as a procedure.
static NOT_PROCEDURE: LazyLock<Regex> = LazyLock::new(|| {
    ci(r"\b(action|permission|rbac|polic(y|ies)|api|field|flag|option|parameter|event|metric)s?\b")
});

impl Check for Rollback {
    fn meta(&self) -> &CheckMeta {
        &self.meta
    }

    fn run(&self, ctx: &Context) -> Outcome {
        let found: Vec<_> = super::sections(ctx.index, &HEADING)
            .into_iter()
            .filter(|(_, s)| !NOT_PROCEDURE.is_match(&s.title))
            .collect();
        if let Some((f, s)) = found.iter().find(|(_, s)| s.steps > 0) {
            return Outcome::pass(format!(
                "rollback procedure in {}:{} ({} step{})",
                f.path,
                s.line,
                s.steps,
                if s.steps == 1 { "" } else { "s" }
            ));
        }
        if found.is_empty() {
            let n = ctx.index.markdown().count();
            return Outcome::fail(
                format!(
                    "no rollback procedure found in {n} Markdown file{}",
                    if n == 1 { "" } else { "s" }
                ),
                vec![],
            );
        }
        Outcome::fail(
            "rollback headings have no concrete step (a list item or a code block)",
            found
                .iter()
                .map(|(f, s)| {
                    Finding::new(format!("\"{}\" has no step under it", s.title))
                        .at(f.path.clone(), Some(s.line))
                })
                .collect(),
        )
    }
}
