//! `docs.incident-response`: who is called, and how incidents are written up.

use std::sync::LazyLock;

use regex::Regex;

use super::ci;
use crate::check::{Check, CheckMeta, Context, Outcome};
use crate::findings::Severity;

const EXPLAIN: &str = r#"
## What it checks
That an incident process is documented, in two parts:

- **Contacts**: a heading about on-call, escalation, contacts or incident
  response ("On-call", "Escalation", "Contacts", "Incident response") with
  content under it, in any Markdown file.
- **Learning**: a post-mortem template or post-mortem records — a Markdown file
  whose path mentions `postmortem`, `post-mortem`, `incident-report` or lives
  under `incidents/`, or a heading about a post-mortem.

## Why it matters
A release gate protects the deploy; the incident process protects everything
after it. Without escalation contacts the first minutes of an outage are spent
finding a human; without post-mortems the same outage comes back.

## How to fix
Add an "Escalation" section with the on-call rotation and contacts to the
runbook, and run `readyctl scaffold postmortem` to write a post-mortem template
under `docs/postmortems/`.

## Example
```markdown
## Escalation
1. On-call engineer (PagerDuty rotation `payments-primary`)
2. Team lead: @alice
3. Incident commander: #incident channel
```
"#;

pub struct IncidentResponse {
    meta: CheckMeta,
}

impl IncidentResponse {
    pub fn new() -> Self {
        IncidentResponse {
            meta: CheckMeta::define("docs.incident-response")
                .title("Incident response documented")
                .severity(Severity::Warning)
                .explain(EXPLAIN)
                .fix("document on-call/escalation contacts and keep a post-mortem template")
                .scaffold("postmortem")
                .build(),
        }
    }
}

// "Contacts" alone is a heading of anything (an address-book service's
// README): only people to call about an incident count.
static CONTACTS: LazyLock<Regex> = LazyLock::new(|| {
    ci(
        r"on[- ]?call|escalat|(emergency|support|incident|ops|operations)\s+contacts?\b|incident (response|management|process)|pag(er|ing)|who to call",
    )
});
/// A section that describes the post-mortem practice in its body.
static POSTMORTEM_BODY: LazyLock<Regex> = LazyLock::new(|| {
    ci(r"post[- ]?mortem|incident review|retrospective|\bRCA\b|root cause analysis")
});
static POSTMORTEM_HEADING: LazyLock<Regex> =
    LazyLock::new(|| ci(r"post[- ]?mortem|incident review|retrospective"));

fn is_postmortem_path(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    lower.contains("postmortem")
        || lower.contains("post-mortem")
        || lower.contains("post_mortem")
        || lower.contains("mortem")
        || lower.contains("incident-report")
        || lower.split('/').any(|c| c == "incidents")
}

impl Check for IncidentResponse {
    fn meta(&self) -> &CheckMeta {
        &self.meta
    }

    fn run(&self, ctx: &Context) -> Outcome {
        let contacts = super::sections(ctx.index, &CONTACTS)
            .into_iter()
            .find(|(_, s)| s.blocks > 0)
            .map(|(f, s)| format!("{}:{}", f.path, s.line));
        let postmortem = ctx
            .index
            .markdown()
            .find(|f| is_postmortem_path(&f.path))
            .map(|f| f.path.clone())
            .or_else(|| {
                super::sections(ctx.index, &POSTMORTEM_HEADING)
                    .first()
                    .map(|(f, s)| format!("{}:{}", f.path, s.line))
            })
            .or_else(|| {
                // The practice written in the incident section itself ("we
                // hold a blameless post-mortem within 5 days").
                super::sections(ctx.index, &CONTACTS)
                    .into_iter()
                    .find(|(f, s)| {
                        f.text()
                            .and_then(|t| t.get(s.body.clone()))
                            .is_some_and(|b| POSTMORTEM_BODY.is_match(b))
                    })
                    .map(|(f, s)| format!("{}:{}", f.path, s.line))
            });
        match (contacts, postmortem) {
            (Some(c), Some(p)) => {
                Outcome::pass(format!("escalation contacts at {c}, post-mortems at {p}"))
            }
            (None, Some(p)) => Outcome::fail(
                format!(
                    "post-mortems at {p}, but no on-call or escalation contacts are documented"
                ),
                vec![],
            ),
            (Some(c), None) => Outcome::fail(
                format!("escalation contacts at {c}, but no post-mortem template or records"),
                vec![],
            ),
            (None, None) => Outcome::fail(
                "no on-call/escalation contacts and no post-mortem template",
                vec![],
            ),
        }
    }
}
