//! `--format markdown`: a summary table and the details of every failure,
//! for `$GITHUB_STEP_SUMMARY`, merge-request comments and chat.

use std::fmt::Write as _;

use super::View;
use crate::findings::{CheckResult, Finding, Report, Severity, Status};

/// Findings shown per check before "… and N more" (step summaries are
/// limited to 1 MiB).
const MAX_FINDINGS: usize = 50;

/// Escape message text for Markdown so that it renders literally: every
/// character that can start inline syntax (emphasis, links, HTML,
/// strikethrough, tables) is backslash-escaped — the fix `*.tfstate*` stays
/// `*.tfstate*` instead of an italic `.tfstate` — and so is anything that
/// would open a block (heading, list, quote) at the start of the text.
/// Code spans the message marks with backticks (`` `x.pem` ``) stay code
/// spans: their content is literal already. Line breaks become spaces: a
/// message is one line of a paragraph, list item or table cell.
pub fn escape_text(s: &str) -> String {
    escape(s, false)
}

fn escape(s: &str, in_table: bool) -> String {
    let one_line = s.replace("\r\n", " ").replace(['\n', '\r'], " ");
    let mut out = String::with_capacity(one_line.len() + 8);
    let mut rest = one_line.as_str();
    while let Some(c) = rest.chars().next() {
        if c == '`' {
            let run = rest.len() - rest.trim_start_matches('`').len();
            if let Some(len) = code_span_len(rest, run) {
                // A code span: literal inside, except that in a table `|`
                // still ends the cell (GFM: `\|` there is a `|` in the code).
                let span = &rest[..len];
                if in_table {
                    out.push_str(&span.replace('|', "\\|"));
                } else {
                    out.push_str(span);
                }
                rest = &rest[len..];
            } else {
                for _ in 0..run {
                    out.push_str("\\`");
                }
                rest = &rest[run..];
            }
            continue;
        }
        if matches!(
            c,
            '\\' | '*' | '_' | '[' | ']' | '<' | '>' | '&' | '~' | '|' | '!' | '#'
        ) {
            out.push('\\');
        }
        out.push(c);
        rest = &rest[c.len_utf8()..];
    }
    // Block syntax only counts at the start: `- x`, `+ x`, `= x`, `1. x`, `1) x`.
    let lead = out.trim_start();
    let offset = out.len() - lead.len();
    match lead.chars().next() {
        Some('-' | '+' | '=') => out.insert(offset, '\\'),
        Some(d) if d.is_ascii_digit() => {
            if let Some((i, '.' | ')')) = lead.char_indices().find(|(_, c)| !c.is_ascii_digit()) {
                out.insert(offset + i, '\\');
            }
        }
        _ => {}
    }
    out
}

/// The byte length of the code span at the start of `s`, which opens with
/// `run` backticks: up to the next run of exactly as many (CommonMark).
fn code_span_len(s: &str, run: usize) -> Option<usize> {
    let mut i = run;
    let bytes = s.as_bytes();
    while i < bytes.len() {
        if bytes[i] == b'`' {
            let start = i;
            while i < bytes.len() && bytes[i] == b'`' {
                i += 1;
            }
            if i - start == run {
                return Some(i);
            }
        } else {
            i += 1;
        }
    }
    None
}

/// Text for a table cell: escaped like [`escape_text`], and `|` escaped in
/// code spans too.
pub fn cell(s: &str) -> String {
    escape(s, true)
}

/// An inline code span that holds `s` whatever backticks it contains.
pub fn code(s: &str) -> String {
    let longest = s.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest + 1);
    let pad = if s.starts_with('`') || s.ends_with('`') {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{s}{pad}{fence}")
}

fn icon(c: &CheckResult) -> &'static str {
    match c.status {
        Status::Pass => "✅",
        Status::Fail if c.severity == Severity::Error => "❌",
        Status::Fail => "⚠️",
        Status::Skip => "⏭️",
        Status::Error => "💥",
    }
}

fn finding_line(f: &Finding) -> String {
    let mut line = String::from("- ");
    if let Some(loc) = f.location() {
        line.push_str(&code(&loc));
        line.push(' ');
    }
    if let Some(c) = &f.commit {
        let short: String = c.chars().take(12).collect();
        let _ = write!(line, "[{}] ", code(&short));
    }
    line.push_str(&escape_text(&f.message));
    if let Some(s) = &f.secret {
        let _ = write!(line, " (secret {})", code(s));
    }
    line
}

pub fn render(report: &Report, view: &View) -> anyhow::Result<String> {
    let s = &report.summary;
    let mut out = String::new();
    let verdict = if report.ready {
        "✅ READY"
    } else {
        "❌ NOT READY"
    };
    let _ = writeln!(out, "## readyctl: {verdict}\n");
    let _ = writeln!(
        out,
        "{} · readyctl {} · {} passed, {} failed, {} skipped, {} errors\n",
        code(&report.root),
        report.version,
        s.pass,
        s.fail,
        s.skip,
        s.error
    );
    if let Some(level) = &report.level {
        let _ = writeln!(out, "{}\n", level_line(level));
    }

    out.push_str("| | Check | Title | Severity | Status | Result |\n");
    out.push_str("| --- | --- | --- | --- | --- | --- |\n");
    for c in &report.checks {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} |",
            icon(c),
            code(&c.id),
            cell(&c.title),
            c.severity,
            c.status,
            cell(&c.message)
        );
    }

    let failing: Vec<&CheckResult> = report
        .checks
        .iter()
        .filter(|c| matches!(c.status, Status::Fail | Status::Error))
        .collect();
    if !failing.is_empty() {
        out.push_str("\n### Failures\n");
        for c in failing {
            let _ = writeln!(
                out,
                "\n#### {} {} — {} ({})\n",
                icon(c),
                code(&c.id),
                escape_text(&c.title),
                if c.status == Status::Error {
                    "could not run"
                } else {
                    c.severity.as_str()
                }
            );
            let _ = writeln!(out, "{}\n", escape_text(&c.message));
            for f in c.findings.iter().take(MAX_FINDINGS) {
                let _ = writeln!(out, "{}", finding_line(f));
            }
            if c.findings.len() > MAX_FINDINGS {
                let _ = writeln!(
                    out,
                    "- … and {} more (see `--format json`)",
                    c.findings.len() - MAX_FINDINGS
                );
            }
            if !c.findings.is_empty() {
                out.push('\n');
            }
            if let Some(fix) = &c.fix {
                let _ = write!(out, "**Fix:** {}", escape_text(&fix.hint));
                if let Some(k) = &fix.scaffold {
                    let _ = write!(out, " — run {}", code(&format!("readyctl scaffold {k}")));
                }
                out.push('\n');
            }
            if view.meta(&c.id).is_some() {
                let _ = writeln!(
                    out,
                    "\nWhy and how: {}",
                    code(&format!("readyctl explain {}", c.id))
                );
            }
        }
    }
    waivers_section(&mut out, report);
    Ok(out)
}

/// **Level:** reached, and what the next one needs.
fn level_line(level: &crate::findings::LevelStatus) -> String {
    let reached = level.reached.as_deref().unwrap_or("none");
    match &level.next {
        None => format!("**Level:** {reached} (the highest)"),
        Some(next) => {
            let ids: Vec<String> = level.missing.iter().map(|i| code(i)).collect();
            format!(
                "**Level:** {reached} · **{}** needs: {}",
                escape_text(next),
                ids.join(", ")
            )
        }
    }
}

/// Waived findings, expired and stale waivers.
fn waivers_section(out: &mut String, report: &Report) {
    let waived: Vec<_> = report.waived().collect();
    if waived.is_empty() && report.waivers.is_empty() {
        return;
    }
    out.push_str("\n### Waivers\n\n");
    for (c, w) in waived.iter().take(MAX_FINDINGS) {
        let mut line = format!("{} {}", finding_line(&w.finding), code(&c.id));
        let _ = write!(line, " — {}", escape_text(&w.reason));
        if let Some(o) = &w.owner {
            let _ = write!(line, " ({}", escape_text(o));
            if let Some(e) = &w.expires {
                let _ = write!(line, ", until {e}");
            }
            line.push(')');
        }
        let _ = writeln!(out, "{line} [{}]", code(&w.waiver));
    }
    if waived.len() > MAX_FINDINGS {
        let _ = writeln!(
            out,
            "- … and {} more (see `--format json`)",
            waived.len() - MAX_FINDINGS
        );
    }
    for w in &report.waivers.expired {
        let _ = writeln!(
            out,
            "- ⚠️ expired on {}: {} for {} (owner {}) — no longer applied",
            w.expires.as_deref().unwrap_or("?"),
            code(&w.waiver),
            code(&w.check),
            escape_text(w.owner.as_deref().unwrap_or("?"))
        );
    }
    for w in &report.waivers.stale {
        let _ = writeln!(
            out,
            "- 🧹 stale: {} for {} matches nothing — remove it",
            code(&w.waiver),
            code(&w.check)
        );
    }
}
