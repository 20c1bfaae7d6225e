//! What a check is: its metadata and documentation ([`CheckMeta`],
//! [`Explain`]), what it sees ([`Context`]), what it returns ([`Outcome`])
//! and the [`Check`] trait itself.

use std::collections::BTreeSet;
use std::path::Path;

use crate::config::LoadedConfig;
use crate::findings::{CheckResult, Finding, Severity, Status};
use crate::repo::index::Index;
use crate::views::checklist::Checklist;

/// The four sections of a check's documentation (`readyctl explain`).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Explain {
    pub what: String,
    pub why: String,
    pub fix: String,
    pub example: String,
}

impl Explain {
    /// Build from a Markdown text with the headings `## What it checks`,
    /// `## Why it matters`, `## How to fix` and `## Example`.
    pub fn from_markdown(text: &str) -> Explain {
        use pulldown_cmark::{Event, HeadingLevel, Parser, Tag, TagEnd};
        // Level-2 headings found by the Markdown parser (a `## ` line inside
        // a fenced example is code, not a section).
        let mut heads: Vec<(usize, usize, String)> = Vec::new();
        let mut open: Option<(usize, String)> = None;
        for (event, range) in Parser::new(text).into_offset_iter() {
            match event {
                Event::Start(Tag::Heading {
                    level: HeadingLevel::H2,
                    ..
                }) => open = Some((range.start, String::new())),
                Event::Text(t) | Event::Code(t) => {
                    if let Some((_, title)) = open.as_mut() {
                        title.push_str(&t);
                    }
                }
                Event::End(TagEnd::Heading(HeadingLevel::H2)) => {
                    if let Some((start, title)) = open.take() {
                        heads.push((start, range.end, title));
                    }
                }
                _ => {}
            }
        }
        let mut ex = Explain::default();
        for (i, (_, body_start, title)) in heads.iter().enumerate() {
            let body_end = heads.get(i + 1).map(|h| h.0).unwrap_or(text.len());
            let slot = match title.trim().to_ascii_lowercase().as_str() {
                "what it checks" => &mut ex.what,
                "why it matters" => &mut ex.why,
                "how to fix" => &mut ex.fix,
                "example" => &mut ex.example,
                _ => continue,
            };
            *slot = text[*body_start..body_end].trim().to_string();
        }
        ex
    }

    /// Names of the sections that are empty.
    pub fn missing_sections(&self) -> Vec<&'static str> {
        let mut out = Vec::new();
        for (name, s) in [
            ("What it checks", &self.what),
            ("Why it matters", &self.why),
            ("How to fix", &self.fix),
            ("Example", &self.example),
        ] {
            if s.trim().is_empty() {
                out.push(name);
            }
        }
        out
    }

    /// The Markdown form `readyctl explain` prints.
    pub fn to_markdown(&self) -> String {
        format!(
            "## What it checks\n\n{}\n\n## Why it matters\n\n{}\n\n## How to fix\n\n{}\n\n## Example\n\n{}\n",
            self.what, self.why, self.fix, self.example
        )
    }
}

/// Everything readyctl knows about a check besides how it runs.
#[derive(Debug, Clone)]
pub struct CheckMeta {
    /// `area.name`, lower case.
    pub id: String,
    pub area: String,
    pub title: String,
    pub severity: Severity,
    pub explain: Explain,
    /// One line: how to make it pass.
    pub fix_hint: String,
    /// The `readyctl scaffold` kind that fixes it, if any.
    pub scaffold: Option<String>,
    /// Where the check comes from: `builtin` or the file that declares it.
    pub source: String,
}

impl CheckMeta {}

/// Options of one run that checks may look at.
#[derive(Debug, Clone, Default)]
pub struct RunOptions {
    /// No network: network checks report `skip`.
    pub offline: bool,
    /// Secrets: scan every commit reachable from HEAD.
    pub history: bool,
    /// Checks may show progress bars on stderr (off with `--no-progress`).
    pub progress: bool,
}

/// What a check sees.
pub struct Context<'a> {
    pub root: &'a Path,
    pub index: &'a Index,
    pub config: &'a LoadedConfig,
    pub options: &'a RunOptions,
    /// Every check id the registry knows.
    pub known_ids: &'a BTreeSet<String>,
    /// The readiness checklist, parsed once (None when the file is absent).
    pub checklist: Option<&'a Checklist>,
    /// Results of the main phase, for checks of the final phase.
    pub results: &'a [CheckResult],
}

/// When a check runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// In parallel with the other checks.
    Main,
    /// After the main phase, with its results (the readiness checklist).
    Final,
}

/// What a check returns; the engine adds the metadata.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub status: Status,
    pub message: String,
    pub findings: Vec<Finding>,
    /// What the check read, for machines (`evidence` in the JSON report).
    pub evidence: Option<serde_json::Value>,
    /// Accepted findings that do not fail the check (see [`Outcome::with_suppressed`]).
    pub suppressed: Vec<crate::findings::Suppressed>,
}

impl Outcome {
    pub fn pass(message: impl Into<String>) -> Outcome {
        Outcome {
            status: Status::Pass,
            message: message.into(),
            findings: Vec::new(),
            evidence: None,
            suppressed: Vec::new(),
        }
    }

    pub fn fail(message: impl Into<String>, findings: Vec<Finding>) -> Outcome {
        Outcome {
            status: Status::Fail,
            message: message.into(),
            findings,
            evidence: None,
            suppressed: Vec::new(),
        }
    }

    pub fn skip(message: impl Into<String>) -> Outcome {
        Outcome {
            status: Status::Skip,
            message: message.into(),
            findings: Vec::new(),
            evidence: None,
            suppressed: Vec::new(),
        }
    }

    /// The check could not run; the gate fails closed.
    pub fn error(message: impl Into<String>) -> Outcome {
        Outcome {
            status: Status::Error,
            message: message.into(),
            findings: Vec::new(),
            evidence: None,
            suppressed: Vec::new(),
        }
    }

    /// `pass(ok)` when `findings` is empty, else `fail(bad)`.
    pub fn from_findings(
        findings: Vec<Finding>,
        ok: impl Into<String>,
        bad: impl Into<String>,
    ) -> Outcome {
        if findings.is_empty() {
            Outcome::pass(ok)
        } else {
            Outcome::fail(bad, findings)
        }
    }

    pub fn with_findings(mut self, findings: Vec<Finding>) -> Outcome {
        self.findings = findings;
        self
    }

    /// Attach what the check read (shown under `evidence` in JSON).
    pub fn with_evidence(mut self, evidence: serde_json::Value) -> Outcome {
        self.evidence = Some(evidence);
        self
    }

    /// Keep accepted findings visible in the reports without failing.
    pub fn with_suppressed(mut self, suppressed: Vec<crate::findings::Suppressed>) -> Outcome {
        self.suppressed = suppressed;
        self
    }
}

/// A check: metadata plus a function from the index to an outcome.
pub trait Check: Send + Sync {
    fn meta(&self) -> &CheckMeta;
    fn run(&self, ctx: &Context) -> Outcome;
    fn phase(&self) -> Phase {
        Phase::Main
    }
    /// Work that needs no repository (compiling rules), to be done while
    /// the walk runs: [`warm_up`](crate::check::warm_up) calls it on a
    /// thread of its own before the index is built. The check's `run`
    /// must not depend on it having run.
    fn warm_up(&self) -> Option<fn()> {
        None
    }
    /// Ids of checks whose results this check reads (final phase only).
    fn needs(&self, _ctx_checklist: Option<&Checklist>) -> Vec<String> {
        Vec::new()
    }
}
