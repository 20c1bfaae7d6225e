//! `docs.placeholders`: no scaffolded or template document still holds
//! text a person was meant to replace.

use std::sync::LazyLock;

use regex::Regex;

use crate::check::{Check, CheckMeta, Context, Outcome};
use crate::findings::{Finding, Severity};
use crate::repo::index::FileEntry;
use crate::repo::text::LineIndex;
use crate::repo::text::plural;

/// The one placeholder form readyctl's scaffolds write. Every scaffolded
/// value a person must fill in contains it, in any file type.
pub const SCAFFOLD_PLACEHOLDER: &str = "TODO(readyctl)";

const EXPLAIN: &str = r#"
## What it checks
That no operational document still holds template text meant to be replaced:

- readyctl's own placeholder `TODO(readyctl): ...`, in any Markdown, YAML,
  Terraform or ignore file (every `readyctl scaffold` writes this form);
- in operational documents (the checklist, runbooks, rollback, disaster
  recovery, post-mortem, ADR, RFC, change and meeting records), bracketed
  template text such as `[Brief description]` or `[Service Name]`, `TODO`,
  `TBD`, `FIXME`, `<fill in>` and `<TEAM NAME>` — outside code blocks and
  code spans.

## Why it matters
A runbook that says "[How to restore]" passes a glance and fails the incident.
Scaffolds make the structure cheap; the content still has to be written by
someone who knows the service.

## How to fix
Open each reported file at the reported line and replace the placeholder with
the real content (or delete the section if it does not apply).

## Example
```markdown
## Overview
TODO(readyctl): what this service does and who owns it
```
becomes
```markdown
## Overview
payments-api takes card payments for the web shop; owned by team Checkout.
```
"#;

pub struct Placeholders {
    meta: CheckMeta,
}

impl Placeholders {
    pub fn new() -> Self {
        Placeholders {
            meta: CheckMeta::define("docs.placeholders")
                .title("No unfilled template placeholders")
                .severity(Severity::Warning)
                .explain(EXPLAIN)
                .fix("replace each placeholder with the real content")
                .build(),
        }
    }
}

/// Template text in operational documents.
static GENERIC: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r"(?P<bracket>\[[A-Z][A-Za-z0-9/'&-]*(?:[ \t]+[A-Za-z0-9/'&.,()-]+){0,12}\])",
        r"|(?P<word>\b(?:TODO|TBD|FIXME)\b)",
        r"|(?P<angle>(?i:<\s*(?:fill[ -]?in|insert|add|your)[^>\n]{0,60}>))",
        // `<TEAM NAME>`: capitals and spaces, the way templates ask to be
        // filled in (`<POD_NAME>` is a command's argument, not asked of
        // the writer; one word may be an HTML tag).
        r"|(?P<caps><[A-Z][A-Z0-9]*(?: [A-Z0-9]+){1,5}>)",
    ))
    .expect("valid regex")
});

fn is_operational_doc(path: &str, checklist: &str) -> bool {
    if path.eq_ignore_ascii_case(checklist) {
        return true;
    }
    if super::is_runbook_path(path) {
        return true;
    }
    let lower = path.to_ascii_lowercase();
    [
        "rollback",
        "roll-back",
        "disaster",
        "recovery",
        "postmortem",
        "post-mortem",
        "mortem",
        "incident",
        "oncall",
        "on-call",
        "escalation",
        "adr/",
        "adrs/",
        "decisions/",
        "rfc",
        "change-record",
        "changes/",
        "meeting",
        "deployment-readiness",
        "setup-guide",
    ]
    .iter()
    .any(|k| lower.contains(k))
}

fn is_scaffold_type(f: &FileEntry) -> bool {
    let ext = f.ext().to_ascii_lowercase();
    matches!(
        ext.as_str(),
        "md" | "markdown" | "yml" | "yaml" | "tf" | "hcl" | "tfvars"
    ) || f.name() == ".gitignore"
        || f.name() == "Jenkinsfile"
}

/// Placeholders in `text` as (byte offset, matched text). `operational`
/// turns on the generic template patterns (Markdown only).
pub fn placeholders_in(
    text: &str,
    markdown: Option<&crate::views::markdown::Doc>,
    operational: bool,
) -> Vec<(usize, String)> {
    let mut out: Vec<(usize, String)> = text
        .match_indices(SCAFFOLD_PLACEHOLDER)
        .map(|(i, _)| {
            let end = text[i..].find('\n').map(|e| i + e).unwrap_or(text.len());
            (i, text[i..end].trim_end().to_string())
        })
        .collect();
    if operational && let Some(doc) = markdown {
        let scaffold: Vec<(usize, usize)> = out.iter().map(|(o, s)| (*o, o + s.len())).collect();
        let covered = |pos: usize| scaffold.iter().any(|&(a, b)| a <= pos && pos < b);
        for m in GENERIC.captures_iter(text) {
            let Some(whole) = m.get(0) else { continue };
            if doc.in_code(whole.start()) || covered(whole.start()) {
                continue;
            }
            // "## TODO" in an ADR names a section of follow-up work: the word
            // in a heading, and the section under such a heading, are
            // content, not template text.
            if m.name("word").is_some() && in_todo_section(text, doc, whole.start()) {
                continue;
            }
            if m.name("bracket").is_some() {
                let after = &text[whole.end()..];
                // A link, a reference link, or a link definition.
                if after.starts_with('(') || after.starts_with('[') || after.starts_with(':') {
                    continue;
                }
                let label = &whole.as_str()[1..whole.as_str().len() - 1];
                if label.len() < 2 || text.contains(&format!("[{label}]:")) {
                    continue;
                }
            }
            out.push((whole.start(), whole.as_str().to_string()));
        }
    }
    out.sort_by_key(|(o, _)| *o);
    out
}

/// Is `pos` on a heading line, or in the body of a section whose heading
/// names TODO/TBD/FIXME work?
fn in_todo_section(text: &str, doc: &crate::views::markdown::Doc, pos: usize) -> bool {
    let line_start = text[..pos].rfind('\n').map_or(0, |i| i + 1);
    if text[line_start..].trim_start().starts_with('#') {
        return true;
    }
    doc.sections.iter().any(|s| {
        s.body.contains(&pos)
            && GENERIC
                .captures(&s.title)
                .is_some_and(|c| c.name("word").is_some())
    })
}

impl Check for Placeholders {
    fn meta(&self) -> &CheckMeta {
        &self.meta
    }

    fn run(&self, ctx: &Context) -> Outcome {
        let checklist = ctx.config.checklist();
        let mut findings = Vec::new();
        let mut files = 0;
        for f in ctx
            .index
            .files()
            .iter()
            .filter(|f| is_scaffold_type(f) && f.is_product())
        {
            let operational = f.is_markdown() && is_operational_doc(&f.path, checklist);
            let Some(text) = f.text() else { continue };
            if !operational && !text.contains(SCAFFOLD_PLACEHOLDER) {
                continue;
            }
            let found = placeholders_in(text, f.markdown(), operational);
            if found.is_empty() {
                continue;
            }
            files += 1;
            let lines = LineIndex::new(text);
            for (off, what) in found {
                let (line, col) = lines.line_col(off);
                let shown: String = what.chars().take(80).collect();
                findings.push(
                    Finding::new(format!("placeholder to fill in: {shown}"))
                        .at(f.path.clone(), Some(line))
                        .col(Some(col)),
                );
            }
        }
        let n = findings.len();
        Outcome::from_findings(
            findings,
            "no unfilled placeholders in operational documents",
            format!(
                "{} left in {}",
                plural(n, "placeholder"),
                plural(files, "file")
            ),
        )
    }
}
