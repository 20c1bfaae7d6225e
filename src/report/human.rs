//! The human report: grouped by area, one line per check, evidence and
//! fix under each failure, a closing verdict.

use owo_colors::OwoColorize;
use std::fmt::Write;

use super::View;
use crate::model::{CheckResult, Report, Severity, Status};

/// Findings shown per check before "… and N more".
const MAX_FINDINGS: usize = 20;

/// Applies colour only when enabled.
#[derive(Clone, Copy)]
pub struct Paint(pub bool);

impl Paint {
    pub fn green(self, s: &str) -> String {
        if self.0 {
            s.green().to_string()
        } else {
            s.to_string()
        }
    }
    pub fn red(self, s: &str) -> String {
        if self.0 {
            s.red().to_string()
        } else {
            s.to_string()
        }
    }
    pub fn yellow(self, s: &str) -> String {
        if self.0 {
            s.yellow().to_string()
        } else {
            s.to_string()
        }
    }
    pub fn dim(self, s: &str) -> String {
        if self.0 {
            s.dimmed().to_string()
        } else {
            s.to_string()
        }
    }
    pub fn bold(self, s: &str) -> String {
        if self.0 {
            s.bold().to_string()
        } else {
            s.to_string()
        }
    }
    pub fn cyan(self, s: &str) -> String {
        if self.0 {
            s.cyan().to_string()
        } else {
            s.to_string()
        }
    }
}

fn icon(p: Paint, c: &CheckResult) -> String {
    match c.status {
        Status::Pass => p.green("✓"),
        Status::Fail if c.severity == Severity::Error => p.red("✗"),
        Status::Fail => p.yellow("✗"),
        Status::Skip => p.dim("○"),
        Status::Error => p.red("!"),
    }
}

pub fn render(report: &Report, view: &View) -> String {
    let p = Paint(view.color);
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} {} · {} · {} checks\n",
        p.bold("readyctl"),
        report.version,
        report.root,
        report.checks.len()
    );
    let width = report.checks.iter().map(|c| c.id.len()).max().unwrap_or(0);
    let mut area = "";
    for c in &report.checks {
        if c.area != area {
            if !area.is_empty() {
                out.push('\n');
            }
            area = &c.area;
            let _ = writeln!(out, "{}", p.bold(area));
        }
        check_block(&mut out, p, c, width);
    }
    out.push('\n');
    out.push_str(&verdict(report, p));
    out.push('\n');
    out
}

/// One check: its line, then for a failure the message, the evidence and the fix.
fn check_block(out: &mut String, p: Paint, c: &CheckResult, width: usize) {
    let sev = match (c.status, c.severity) {
        (Status::Fail, Severity::Error) | (Status::Error, _) => {
            format!(" {}", p.red(&format!("[{}]", c.severity)))
        }
        (Status::Fail, s) => format!(" {}", p.yellow(&format!("[{s}]"))),
        _ => String::new(),
    };
    let _ = writeln!(out, "  {} {:<width$}  {}{}", icon(p, c), c.id, c.title, sev);
    match c.status {
        Status::Pass | Status::Skip => {
            if !c.message.is_empty() {
                let _ = writeln!(out, "      {}", p.dim(&c.message));
            }
        }
        Status::Fail | Status::Error => {
            let _ = writeln!(out, "      {}", c.message);
            for f in c.findings.iter().take(MAX_FINDINGS) {
                let mut line = String::new();
                if let Some(loc) = f.location() {
                    line.push_str(&p.cyan(&loc));
                    line.push_str("  ");
                }
                if let Some(commit) = &f.commit {
                    let short: String = commit.chars().take(10).collect();
                    let _ = write!(line, "[{short}] ");
                }
                line.push_str(&f.message);
                if let Some(s) = &f.secret {
                    let _ = write!(line, " ({s})");
                }
                let _ = writeln!(out, "      → {line}");
            }
            if c.findings.len() > MAX_FINDINGS {
                let _ = writeln!(
                    out,
                    "      … and {} more (see --format json)",
                    c.findings.len() - MAX_FINDINGS
                );
            }
            if let Some(fix) = &c.fix {
                let mut line = format!("fix: {}", fix.hint);
                if let Some(kind) = &fix.scaffold {
                    let _ = write!(line, " — run `readyctl scaffold {kind}`");
                }
                let _ = writeln!(out, "      {}", p.dim(&line));
            }
        }
    }
}

/// `--quiet`: only the failing checks (with their evidence and fix) and
/// the verdict line.
pub fn render_quiet(report: &Report, view: &View) -> String {
    let p = Paint(view.color);
    let failing: Vec<&CheckResult> = report
        .checks
        .iter()
        .filter(|c| matches!(c.status, Status::Fail | Status::Error))
        .collect();
    let width = failing.iter().map(|c| c.id.len()).max().unwrap_or(0);
    let mut out = String::new();
    for c in failing {
        check_block(&mut out, p, c, width);
    }
    out.push_str(&verdict(report, p));
    out.push('\n');
    out
}

/// The closing line: READY / NOT READY with the counts.
pub fn verdict(report: &Report, p: Paint) -> String {
    let s = &report.summary;
    let counts = format!(
        "{} passed, {} failed, {} skipped, {} errors",
        s.pass, s.fail, s.skip, s.error
    );
    if report.ready {
        format!("{} — {counts}", p.green(&p.bold("✓ READY")))
    } else {
        let blocking: Vec<&str> = report
            .checks
            .iter()
            .filter(|c| matches!(c.status, Status::Fail | Status::Error))
            .map(|c| c.id.as_str())
            .take(5)
            .collect();
        format!(
            "{} — {counts} (failing: {})",
            p.red(&p.bold("✗ NOT READY")),
            blocking.join(", ")
        )
    }
}
