//! `--format gitlab`: a GitLab Code Quality report (a subset of the Code
//! Climate spec), for `artifacts: reports: codequality`.
//!
//! One issue per finding of a failing check, one per failing check without
//! findings (anchored, like SARIF, at the repository's readyctl
//! configuration or readiness checklist, line 1).

use serde_json::{Value, json};

use super::View;
use super::sarif::{Fingerprints, check_text, finding_text};
use crate::findings::{CheckResult, Report, Severity, Status};

/// Code Quality severity: `info`, `minor`, `major`, `critical` or `blocker`.
pub fn severity(c: &CheckResult) -> &'static str {
    if c.status == Status::Error {
        return "blocker";
    }
    match c.severity {
        Severity::Error => "critical",
        Severity::Warning => "minor",
        Severity::Info => "info",
    }
}

fn issue(
    c: &CheckResult,
    description: String,
    fingerprint: String,
    path: &str,
    line: u32,
) -> Value {
    json!({
        "type": "issue",
        "engine_name": "readyctl",
        "check_name": c.id,
        "description": description,
        "categories": [if c.area == "secrets" { "Security" } else { "Bug Risk" }],
        "fingerprint": fingerprint,
        "severity": severity(c),
        "location": {"path": path, "lines": {"begin": line}},
    })
}

pub fn render(report: &Report, view: &View) -> anyhow::Result<String> {
    let mut s = serde_json::to_string_pretty(&Value::Array(issues(report, view)))?;
    s.push('\n');
    Ok(s)
}

/// The Code Quality issues (the services report merges several).
pub fn issues(report: &Report, view: &View) -> Vec<Value> {
    let anchor = view.anchor.unwrap_or(".");
    let mut prints = Fingerprints::default();
    let mut issues = Vec::new();
    for c in &report.checks {
        if !matches!(c.status, Status::Fail | Status::Error) {
            continue;
        }
        if c.findings.is_empty() {
            issues.push(issue(c, check_text(c), prints.next(c, None), anchor, 1));
            continue;
        }
        for f in &c.findings {
            let description = format!("{}: {}", c.title, finding_text(f));
            let (path, line) = match f.path.as_deref() {
                Some(p) => (p, f.line.filter(|l| *l >= 1).unwrap_or(1)),
                None => (anchor, 1),
            };
            issues.push(issue(c, description, prints.next(c, Some(f)), path, line));
        }
    }
    issues
}
