//! `docs.runbook`: a runbook with overview, deploy, verification and
//! troubleshooting sections.

use std::sync::LazyLock;

use regex::Regex;

use super::ci;
use crate::check::{Check, CheckMeta, Context, Outcome};
use crate::findings::{Finding, Severity};

const EXPLAIN: &str = r#"
## What it checks
That the repository has a runbook — a Markdown file named like `RUNBOOK.md`,
`docs/runbook*.md`, anything under `docs/runbooks/` or `runbooks/`, `OPERATIONS.md`
or a `*playbook*.md` — and that, taken together, the runbooks have the four
sections an on-call engineer reaches for first, found by heading
(case-insensitive, with synonyms):

- **Overview** (Overview, Introduction, About, Summary, Purpose, Architecture)
- **Deploy** (Deploy, Deployment, Release, Setup, Installation, Getting started)
- **Verification** (Verification, Verify, Smoke test, Health, Validation)
- **Troubleshooting** (Troubleshooting, Known issues, FAQ, Common problems, Debugging)

## Why it matters
At 3 a.m. the person paging through the repository did not write the service.
Without a runbook, a failed release turns into archaeology; without a
verification section nobody knows whether the deploy worked; without
troubleshooting every incident starts from zero.

## How to fix
Run `readyctl scaffold runbook` to write `docs/RUNBOOK.md` from a template tuned to
the repository, then fill in the `TODO(readyctl)` placeholders. If you already
have a runbook, add the missing sections the finding names.

## Example
```markdown
# payments-api runbook
## Overview
What the service does, who owns it, what depends on it.
## Deployment
1. Merge to main; the pipeline runs `readyctl check` and deploys.
## Verification
curl -fsS https://payments.example.com/healthz
## Troubleshooting
- **502 from the load balancer**: check the target group health.
```
"#;

pub struct Runbook {
    meta: CheckMeta,
}

impl Runbook {
    pub fn new() -> Self {
        Runbook {
            meta: CheckMeta::define("docs.runbook")
                .title("Runbook documented")
                .severity(Severity::Error)
                .explain(EXPLAIN)
                .fix("write a runbook with overview, deploy, verification and troubleshooting sections")
                .scaffold("runbook")
                .build(),
        }
    }
}

/// The four sections, each with the heading pattern that satisfies it.
static SECTIONS: LazyLock<Vec<(&'static str, Regex)>> = LazyLock::new(|| {
    vec![
        (
            "overview",
            ci(r"overview|introduction|\babout\b|summary|purpose|architecture|description"),
        ),
        (
            "deploy",
            ci(r"deploy|release|set ?up|install|getting started|provision|roll ?out"),
        ),
        (
            "verification",
            ci(r"verif|smoke|health|validat|post-deploy"),
        ),
        (
            "troubleshooting",
            ci(
                r"troubleshoot|known (issues|problems)|\bfaq\b|common (problems|issues|errors)|debug|diagnos",
            ),
        ),
    ]
});

/// Is `path` (relative, `/`-separated) named like a runbook?
pub fn is_runbook_path(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    let name = lower.rsplit('/').next().unwrap_or(&lower);
    let stem = name.rsplit_once('.').map(|(s, _)| s).unwrap_or(name);
    // `playbook.schema.md` documents a schema, not a procedure.
    let documents_something_else = stem.contains('.');
    (!documents_something_else && (stem.contains("runbook") || stem.contains("playbook")))
        || matches!(
            stem,
            "operations" | "ops" | "operating" | "operations-guide" | "operations_guide"
        )
        || lower.split('/').any(|c| c == "runbooks" || c == "runbook")
}

impl Check for Runbook {
    fn meta(&self) -> &CheckMeta {
        &self.meta
    }

    fn run(&self, ctx: &Context) -> Outcome {
        let candidates: Vec<_> = super::documents(ctx.index)
            .filter(|(f, _)| is_runbook_path(&f.path))
            .collect();
        if candidates.is_empty() {
            let untracked = ctx
                .index
                .markdown()
                .any(|f| is_runbook_path(&f.path) && !f.tracked);
            let mut msg = "no runbook found (looked for RUNBOOK.md, docs/runbook*.md, docs/runbooks/, OPERATIONS.md)".to_string();
            if untracked {
                msg.push_str("; a runbook exists but is not committed");
            }
            return Outcome::fail(msg, vec![]);
        }
        // Where each required section was found, across all runbooks.
        let mut found: Vec<Option<(String, u32)>> = vec![None; SECTIONS.len()];
        for (f, doc) in &candidates {
            for (i, (_, re)) in SECTIONS.iter().enumerate() {
                if found[i].is_some() {
                    continue;
                }
                if let Some(s) = doc
                    .sections
                    .iter()
                    .find(|s| re.is_match(&s.title) && s.blocks > 0)
                {
                    found[i] = Some((f.path.clone(), s.line));
                }
            }
        }
        let missing: Vec<&str> = SECTIONS
            .iter()
            .zip(&found)
            .filter(|(_, f)| f.is_none())
            .map(|((name, _), _)| *name)
            .collect();
        let primary = &candidates[0].0.path;
        if missing.is_empty() {
            let files: Vec<&str> = candidates.iter().map(|(f, _)| f.path.as_str()).collect();
            Outcome::pass(format!(
                "runbook {} has overview, deploy, verification and troubleshooting sections",
                files.join(", ")
            ))
        } else {
            Outcome::fail(
                format!("runbook {primary} lacks sections: {}", missing.join(", ")),
                missing
                    .iter()
                    .map(|m| {
                        Finding::new(format!(
                            "no `{m}` section (a heading with content under it)"
                        ))
                        .at(primary.clone(), Some(1))
                    })
                    .collect(),
            )
        }
    }
}
