//! `--format github`: GitHub Actions workflow commands. Each finding becomes
//! an `::error` / `::warning` / `::notice` annotation on its file and line,
//! then one plain summary line closes the output.

use std::fmt::Write as _;

use super::View;
use super::human::{Paint, verdict};
use crate::findings::{CheckResult, Finding, Report, Severity, Status};

/// Escape a workflow command's message (GitHub's `escapeData`).
pub fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escape a workflow command's property value (GitHub's `escapeProperty`).
pub fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

/// The command for a failing check of `severity` (`status: error` is always
/// `error`: the gate fails closed).
pub fn command(c: &CheckResult) -> &'static str {
    if c.status == Status::Error {
        return "error";
    }
    match c.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "notice",
    }
}

fn annotation(out: &mut String, c: &CheckResult, f: Option<&Finding>, message: &str) {
    let mut props: Vec<(&str, String)> = Vec::new();
    if let Some(f) = f
        && let Some(path) = &f.path
    {
        props.push(("file", path.clone()));
        if let Some(line) = f.line {
            props.push(("line", line.to_string()));
            if let Some(col) = f.column {
                props.push(("col", col.to_string()));
            }
        }
    }
    props.push(("title", format!("{} ({})", c.title, c.id)));
    let props: Vec<String> = props
        .iter()
        .map(|(k, v)| format!("{k}={}", escape_property(v)))
        .collect();
    let _ = writeln!(
        out,
        "::{} {}::{}",
        command(c),
        props.join(","),
        escape_data(message)
    );
}

pub fn render(report: &Report, _view: &View) -> anyhow::Result<String> {
    let mut out = String::new();
    for c in &report.checks {
        if !matches!(c.status, Status::Fail | Status::Error) {
            continue;
        }
        if c.findings.is_empty() {
            annotation(&mut out, c, None, &super::sarif::check_text(c));
            continue;
        }
        for f in &c.findings {
            let text = format!("{}: {}", c.id, super::sarif::finding_text(f));
            annotation(&mut out, c, Some(f), &text);
        }
    }
    out.push_str(&verdict(report, Paint(false)));
    out.push('\n');
    Ok(out)
}
