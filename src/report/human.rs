//! The human report: grouped by area, one line per check, evidence and
//! fix under each failure, a closing verdict.

use owo_colors::OwoColorize;
use std::fmt::Write;

use super::View;
use crate::findings::{CheckResult, Report, Severity, Status};

/// Findings shown per check before "… and N more".
const MAX_FINDINGS: usize = 3;

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
    if let Some(level) = &report.level {
        let _ = writeln!(
            out,
            "{}\n",
            p.bold(&fit(&crate::findings::levels::line(level), 0))
        );
    }
    body_with(&mut out, &report.checks, p, view.verbose);
    out.push('\n');
    waiver_notes(&mut out, report, p);
    out.push_str(&verdict(report, p));
    out.push('\n');
    out
}

/// One line per check, grouped by area, with evidence and fix under each
/// failure.
pub fn body(out: &mut String, checks: &[CheckResult], p: Paint) {
    body_with(out, checks, p, false);
}

/// [`body`], with every finding when `verbose`.
pub fn body_with(out: &mut String, checks: &[CheckResult], p: Paint, verbose: bool) {
    let width = checks.iter().map(|c| c.id.len()).max().unwrap_or(0);
    let mut area = "";
    for c in checks {
        if c.area != area {
            if !area.is_empty() {
                out.push('\n');
            }
            area = &c.area;
            let _ = writeln!(out, "{}", p.bold(area));
        }
        check_block(out, p, c, width, verbose);
    }
}

/// The longest line the human report prints (JSON keeps everything).
pub const MAX_LINE: usize = 300;

/// `s` cut so that `indent` + it fits in [`MAX_LINE`] characters.
fn fit(s: &str, indent: usize) -> String {
    crate::repo::text::clip(s, MAX_LINE.saturating_sub(indent + 1))
}

/// One check: its line, then for a failure the message, the evidence
/// (grouped by file, the first [`MAX_FINDINGS`] unless `verbose`, no line
/// over [`MAX_LINE`]) and the fix.
fn check_block(out: &mut String, p: Paint, c: &CheckResult, width: usize, verbose: bool) {
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
                let _ = writeln!(out, "      {}", p.dim(&fit(&c.message, 6)));
            }
        }
        Status::Fail | Status::Error => {
            let _ = writeln!(out, "      {}", fit(&c.message, 6));
            let shown = if verbose {
                c.findings.len()
            } else {
                MAX_FINDINGS.min(c.findings.len())
            };
            // Grouped by file (files in the order they first appear), each
            // finding a clickable `path:line`.
            let mut order: Vec<Option<&str>> = Vec::new();
            for f in &c.findings {
                if !order.contains(&f.path.as_deref()) {
                    order.push(f.path.as_deref());
                }
            }
            let grouped = order
                .iter()
                .flat_map(|p| c.findings.iter().filter(move |f| f.path.as_deref() == *p));
            for f in grouped.take(shown) {
                let mut text = String::new();
                if let Some(commit) = &f.commit {
                    let short: String = commit.chars().take(10).collect();
                    let _ = write!(text, "[{short}] ");
                }
                text.push_str(&f.message);
                if let Some(s) = &f.secret {
                    let _ = write!(text, " ({s})");
                }
                match f.location() {
                    Some(loc) => {
                        let plain = format!("      → {loc}  {text}");
                        if plain.chars().count() <= MAX_LINE {
                            let _ = writeln!(out, "      → {}  {}", p.cyan(&loc), text);
                        } else {
                            // Too long even for the location: cut the line.
                            let _ = writeln!(out, "{}", fit(&plain, 0));
                        }
                    }
                    None => {
                        let _ = writeln!(out, "      → {}", fit(&text, 8));
                    }
                }
            }
            if c.findings.len() > shown {
                let _ = writeln!(
                    out,
                    "      … and {} more (--verbose shows all; --format json)",
                    c.findings.len() - shown
                );
            }
            waived_line(out, c, p);
            if !c.suppressed.is_empty() {
                let n = c.suppressed.len();
                let _ = writeln!(
                    out,
                    "      {}",
                    p.dim(&format!(
                        "{n} finding{} accepted in the baseline",
                        if n == 1 { "" } else { "s" }
                    ))
                );
            }
            if let Some(fix) = &c.fix {
                let mut line = format!("fix: {}", fix.hint);
                if let Some(kind) = &fix.scaffold {
                    let _ = write!(line, " — run `readyctl scaffold {kind}`");
                }
                let _ = writeln!(out, "      {}", p.dim(&fit(&line, 6)));
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
        .chain(report.services.iter().flat_map(|s| s.checks.iter()))
        .filter(|c| matches!(c.status, Status::Fail | Status::Error))
        .collect();
    let width = failing.iter().map(|c| c.id.len()).max().unwrap_or(0);
    let mut out = String::new();
    for c in failing {
        check_block(&mut out, p, c, width, view.verbose);
    }
    out.push_str(&verdict(report, p));
    out.push('\n');
    out
}

/// `N findings waived` under a check (the details are in JSON and SARIF).
fn waived_line(out: &mut String, c: &CheckResult, p: Paint) {
    if c.waived.is_empty() {
        return;
    }
    let n = c.waived.len();
    let _ = writeln!(
        out,
        "      {}",
        p.dim(&format!(
            "{n} finding{} waived (see --format json)",
            if n == 1 { "" } else { "s" }
        ))
    );
}

/// Expired and stale waivers, before the verdict.
fn waiver_notes(out: &mut String, report: &Report, p: Paint) {
    let notes = &report.waivers;
    for w in &notes.expired {
        let _ = writeln!(
            out,
            "{} {} for {} expired on {} (owner {}): no longer applied",
            p.yellow("waiver"),
            w.waiver,
            w.check,
            w.expires.as_deref().unwrap_or("?"),
            w.owner.as_deref().unwrap_or("?"),
        );
    }
    for w in &notes.stale {
        let _ = writeln!(
            out,
            "{} {} for {} matches nothing: remove it",
            p.yellow("stale waiver"),
            w.waiver,
            w.check,
        );
    }
    if !notes.is_empty() {
        out.push('\n');
    }
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
        let blocking: Vec<String> = report
            .checks
            .iter()
            .filter(|c| matches!(c.status, Status::Fail | Status::Error))
            .map(|c| c.id.clone())
            .chain(report.services.iter().flat_map(|s| {
                s.checks
                    .iter()
                    .filter(|c| matches!(c.status, Status::Fail | Status::Error))
                    .map(move |c| format!("{}: {}", s.name, c.id))
            }))
            .take(5)
            .collect();
        format!(
            "{} — {counts} (failing: {})",
            p.red(&p.bold("✗ NOT READY")),
            blocking.join(", ")
        )
    }
}
