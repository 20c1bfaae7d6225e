//! `readyctl diff BASE.json [HEAD.json]`: what a change made worse or
//! better (SPEC §12). Exit 1 when anything regressed at or above
//! `--fail-on`.

use std::fmt::Write as _;
use std::io::IsTerminal;

use anyhow::Context as _;
use clap::Parser;

use crate::cli::{Cli, Command, DiffArgs, DiffFormat};
use crate::findings::diff::{Change, Diff, DiffFinding};
use crate::repo::text::plural;
use crate::report::human::Paint;
use crate::report::markdown::{code, escape_text};

/// Findings shown per change before "… and N more".
const MAX_FINDINGS: usize = 20;

pub fn run(cli: &Cli, args: &DiffArgs) -> anyhow::Result<u8> {
    let base = crate::findings::diff::load(&args.base)?;
    let head = match &args.head {
        Some(p) => crate::findings::diff::load(p)?,
        None => fresh_check(cli, args)?,
    };
    let cfg = crate::config::load(std::path::Path::new("."), cli.config.as_deref())?;
    let levels = crate::findings::levels::levels(&cfg);
    let diff = crate::findings::diff::compare(&base, &head, &levels, args.fail_on);

    let to_terminal = args.output.is_none() && std::io::stdout().is_terminal();
    let rendered = match args.format {
        DiffFormat::Json => {
            let mut s = serde_json::to_string_pretty(&diff)?;
            s.push('\n');
            s
        }
        DiffFormat::Markdown => markdown(&diff),
        DiffFormat::Human => human(&diff, Paint(cli.color.enabled(to_terminal))),
    };
    match &args.output {
        Some(path) => {
            crate::repo::safe_fs::write_atomic(path, rendered.as_bytes())
                .with_context(|| format!("{}: cannot write", path.display()))?;
            let p = Paint(cli.color.enabled(std::io::stdout().is_terminal()));
            println!("{}", verdict(&diff, p));
            println!("comparison written to {}", path.display());
        }
        None => print!("{rendered}"),
    }
    Ok(if diff.regressed {
        super::EXIT_NOT_READY
    } else {
        super::EXIT_READY
    })
}

/// `readyctl check .` with the global options of this run.
fn fresh_check(cli: &Cli, args: &DiffArgs) -> anyhow::Result<crate::findings::Report> {
    let mut argv: Vec<String> = vec!["readyctl".into()];
    if let Some(c) = &cli.config {
        argv.push("--config".into());
        argv.push(c.display().to_string());
    }
    argv.extend(["check".into(), ".".into()]);
    argv.push("--fail-on".into());
    argv.push(crate::findings::diff::fail_on_str(args.fail_on).into());
    if args.offline {
        argv.push("--offline".into());
    }
    if args.no_progress {
        argv.push("--no-progress".into());
    }
    let parsed = Cli::try_parse_from(&argv)?;
    let Command::Check(check_args) = &parsed.command else {
        anyhow::bail!("internal error: not a check command");
    };
    Ok(super::check::evaluate(&parsed, check_args)?.report)
}

fn level_name(l: &Option<String>) -> &str {
    l.as_deref().unwrap_or("none")
}

/// The closing line.
pub fn verdict(d: &Diff, p: Paint) -> String {
    let blocking =
        d.regressions.iter().filter(|c| c.blocking).count() + usize::from(d.level.blocking);
    let regressions = plural(d.regressions.len(), "regression");
    let improvements = plural(d.improvements.len(), "improvement");
    if d.regressed {
        format!(
            "{} — {regressions} ({blocking} at or above --fail-on {}), {improvements}",
            p.red(&p.bold("✗ REGRESSED")),
            d.fail_on
        )
    } else {
        format!(
            "{} — {regressions}, {improvements}",
            p.green(&p.bold("✓ NO REGRESSION"))
        )
    }
}

/// Findings worth listing under a change: a check-level failure (no
/// location) that only repeats the change's message is left out.
fn listed(c: &Change) -> Vec<&DiffFinding> {
    c.findings
        .iter()
        .filter(|f| f.finding.path.is_some() || f.finding.message != c.message)
        .collect()
}

fn finding_text(f: &DiffFinding) -> String {
    let mut s = String::new();
    if let Some(loc) = f.finding.location() {
        s.push_str(&loc);
        s.push_str("  ");
    }
    s.push_str(&crate::report::sarif::finding_text(&f.finding));
    if let Some(w) = &f.waiver {
        let _ = write!(s, " — waived: {}", w.reason);
        if let Some(o) = &w.owner {
            let _ = write!(s, " ({o}");
            if let Some(e) = &w.expires {
                let _ = write!(s, ", until {e}");
            }
            s.push(')');
        }
        let _ = write!(s, " [{}]", w.waiver);
    }
    s
}

fn human_changes(out: &mut String, title: &str, changes: &[Change], p: Paint, mark: &str) {
    if changes.is_empty() {
        return;
    }
    let _ = writeln!(out, "{}", p.bold(&format!("{title} ({})", changes.len())));
    let width = changes.iter().map(|c| c.id.len()).max().unwrap_or(0);
    for c in changes {
        let sev = format!("[{}]", c.severity);
        let _ = writeln!(
            out,
            "  {mark} {:<width$}  {} {}",
            c.id,
            c.kind.describe(),
            if c.blocking { p.red(&sev) } else { p.dim(&sev) }
        );
        if !c.message.is_empty() {
            let _ = writeln!(out, "      {}", p.dim(&c.message));
        }
        let findings = listed(c);
        for f in findings.iter().take(MAX_FINDINGS) {
            let _ = writeln!(out, "      → {}", finding_text(f));
        }
        if findings.len() > MAX_FINDINGS {
            let _ = writeln!(
                out,
                "      … and {} more (see --format json)",
                findings.len() - MAX_FINDINGS
            );
        }
    }
    out.push('\n');
}

pub fn human(d: &Diff, p: Paint) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} · base {} (level {}, {} failing) → head {} (level {}, {} failing)\n",
        p.bold("readyctl diff"),
        d.base.root,
        level_name(&d.base.level),
        d.base.failing.len(),
        d.head.root,
        level_name(&d.head.level),
        d.head.failing.len()
    );
    if !matches!(d.level.change, "same" | "unknown") {
        let line = format!(
            "level: {} → {} ({})",
            level_name(&d.level.base),
            level_name(&d.level.head),
            d.level.change
        );
        let line = if d.level.change == "lower" {
            p.red(&line)
        } else {
            p.green(&line)
        };
        let _ = writeln!(out, "{line}\n");
    }
    human_changes(&mut out, "Regressions", &d.regressions, p, &p.red("✗"));
    human_changes(&mut out, "Improvements", &d.improvements, p, &p.green("✓"));
    human_changes(&mut out, "Newly waived", &d.waived, p, &p.yellow("~"));
    if !d.unchanged.is_empty() {
        let _ = writeln!(out, "still failing: {}\n", d.unchanged.join(", "));
    }
    out.push_str(&verdict(d, p));
    out.push('\n');
    out
}

fn md_changes(out: &mut String, title: &str, changes: &[Change], icon: &str) {
    if changes.is_empty() {
        return;
    }
    let _ = writeln!(out, "### {title} ({})\n", changes.len());
    for c in changes {
        let gate = if c.blocking { " — **blocks**" } else { "" };
        let _ = writeln!(
            out,
            "- {icon} {} {} ({}, {}){gate}",
            code(&c.id),
            escape_text(&c.title),
            c.kind.describe(),
            c.severity
        );
        let findings = listed(c);
        for f in findings.iter().take(MAX_FINDINGS) {
            let mut line = String::from("  - ");
            if let Some(loc) = f.finding.location() {
                line.push_str(&code(&loc));
                line.push(' ');
            }
            line.push_str(
                &escape_text(&crate::report::sarif::finding_text(&f.finding))
                    .replace(['\n', '\r'], " "),
            );
            if let Some(w) = &f.waiver {
                let _ = write!(line, " — waived: {}", escape_text(&w.reason));
                if let Some(o) = &w.owner {
                    let _ = write!(line, " ({}", escape_text(o));
                    if let Some(e) = &w.expires {
                        let _ = write!(line, ", until {e}");
                    }
                    line.push(')');
                }
            }
            let _ = writeln!(out, "{line}");
        }
        if findings.len() > MAX_FINDINGS {
            let _ = writeln!(
                out,
                "  - … and {} more (see `readyctl diff --format json`)",
                findings.len() - MAX_FINDINGS
            );
        }
    }
    out.push('\n');
}

/// A pull-request comment. The first line is an HTML comment a bot can look
/// for to update its previous comment instead of adding one.
pub fn markdown(d: &Diff) -> String {
    let mut out = String::from("<!-- readyctl-diff -->\n");
    let head = if d.regressed {
        format!("❌ {}", plural(d.regressions.len(), "regression"))
    } else if d.regressions.is_empty() {
        "✅ no regression".to_string()
    } else {
        format!(
            "✅ no regression at or above `--fail-on {}` ({} below it)",
            d.fail_on,
            d.regressions.len()
        )
    };
    let _ = writeln!(out, "## readyctl: {head}\n");
    let arrow = match d.level.change {
        "lower" => " ⬇️",
        "higher" => " ⬆️",
        _ => "",
    };
    let level = if d.level.change == "unknown" {
        String::new()
    } else {
        format!(
            "Level: **{}** → **{}**{arrow} · ",
            level_name(&d.level.base),
            level_name(&d.level.head)
        )
    };
    let _ = writeln!(
        out,
        "{level}{} · failing checks: {} → {}\n",
        plural(d.improvements.len(), "improvement"),
        d.base.failing.len(),
        d.head.failing.len()
    );
    md_changes(&mut out, "Regressions", &d.regressions, "❌");
    md_changes(&mut out, "Improvements", &d.improvements, "✅");
    md_changes(&mut out, "Newly waived", &d.waived, "🏷️");
    if !d.unchanged.is_empty() {
        let ids: Vec<String> = d.unchanged.iter().map(|i| code(i)).collect();
        let _ = writeln!(out, "Still failing, unchanged: {}\n", ids.join(", "));
    }
    out
}
