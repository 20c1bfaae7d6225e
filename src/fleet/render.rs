//! The scorecard as a terminal table, JSON and Markdown.

use std::fmt::Write as _;

use super::{Row, Scorecard, age, display_name};
use crate::report::human::Paint;
use crate::report::markdown::{cell, code};

/// Failing checks shown per row before "+N".
const MAX_FAILING: usize = 4;

fn failing_short(r: &Row) -> String {
    let mut s = r
        .failing
        .iter()
        .take(MAX_FAILING)
        .cloned()
        .collect::<Vec<_>>()
        .join(", ");
    if r.failing.len() > MAX_FAILING {
        let _ = write!(s, " +{}", r.failing.len() - MAX_FAILING);
    }
    s
}

fn level(r: &Row) -> &str {
    match (&r.level, r.has_level) {
        (Some(l), _) => l,
        (None, true) => "none",
        (None, false) => "-",
    }
}

fn percent(rate: Option<f64>) -> String {
    match rate {
        Some(r) => format!("{:.0}%", r * 100.0),
        None => "-".into(),
    }
}

/// One line: how many rows are ready.
pub fn verdict(card: &Scorecard) -> String {
    format!(
        "{} of {} ready ({} reports)",
        card.ready,
        card.rows.len(),
        card.reports
    )
}

pub fn human(card: &Scorecard, p: Paint) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} fleet · {} rows from {} reports\n",
        p.bold("readyctl"),
        card.rows.len(),
        card.reports
    );
    let names: Vec<String> = card.rows.iter().map(display_name).collect();
    let w_name = names
        .iter()
        .map(|n| n.chars().count())
        .max()
        .unwrap_or(0)
        .max(10);
    let w_owner = card
        .rows
        .iter()
        .map(|r| r.owner.as_deref().unwrap_or("-").chars().count())
        .max()
        .unwrap_or(0)
        .max(5);
    let w_level = card
        .rows
        .iter()
        .map(|r| level(r).len())
        .max()
        .unwrap_or(0)
        .max(5);
    let _ = writeln!(
        out,
        "  {:<w_name$}  {:<w_owner$}  {:<w_level$}  {:<5}  {:>4}  FAILING",
        "REPOSITORY", "OWNER", "LEVEL", "READY", "AGE"
    );
    for (r, name) in card.rows.iter().zip(&names) {
        let ready = if r.ready {
            p.green(&format!("{:<5}", "yes"))
        } else {
            p.red(&format!("{:<5}", "no"))
        };
        let _ = writeln!(
            out,
            "  {:<w_name$}  {:<w_owner$}  {:<w_level$}  {}  {:>4}  {}",
            name,
            r.owner.as_deref().unwrap_or("-"),
            level(r),
            ready,
            age(r.age_seconds),
            failing_short(r)
        );
    }
    out.push('\n');
    let _ = writeln!(out, "{}", p.bold("pass rate per check (worst first)"));
    let w_id = card.checks.iter().map(|c| c.id.len()).max().unwrap_or(0);
    for c in &card.checks {
        let bar_len = c.rate.map(|r| (r * 20.0).round() as usize).unwrap_or(0);
        let bar = format!("{}{}", "█".repeat(bar_len), "·".repeat(20 - bar_len));
        let _ = writeln!(
            out,
            "  {:<w_id$}  {}  {:>4}  ({} pass, {} fail, {} error, {} skip)",
            c.id,
            bar,
            percent(c.rate),
            c.pass,
            c.fail,
            c.error,
            c.skip
        );
    }
    out.push('\n');
    let _ = writeln!(out, "{}", p.bold("levels"));
    for (l, n) in &card.levels {
        let _ = writeln!(out, "  {l}: {n}");
    }
    out.push('\n');
    let line = verdict(card);
    let _ = writeln!(
        out,
        "{}",
        if card.ready == card.rows.len() {
            p.green(&line)
        } else {
            p.red(&line)
        }
    );
    out
}

pub fn json(card: &Scorecard) -> anyhow::Result<String> {
    let mut v = serde_json::to_value(card)?;
    // Levels as objects, not pairs.
    v["levels"] = card
        .levels
        .iter()
        .map(|(l, n)| serde_json::json!({"level": l, "count": n}))
        .collect();
    let mut s = serde_json::to_string_pretty(&v)?;
    s.push('\n');
    Ok(s)
}

pub fn markdown(card: &Scorecard) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "## readyctl fleet: {}\n", verdict(card));
    out.push_str("| Repository | Service | Owner | Level | Ready | Age | Failing checks |\n");
    out.push_str("| --- | --- | --- | --- | --- | --- | --- |\n");
    for r in &card.rows {
        let failing = r
            .failing
            .iter()
            .map(|f| code(f))
            .collect::<Vec<_>>()
            .join(", ");
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} | {} |",
            cell(&r.repository),
            cell(r.service.as_deref().unwrap_or("")),
            cell(r.owner.as_deref().unwrap_or("")),
            cell(level(r)),
            if r.ready { "✅" } else { "❌" },
            age(r.age_seconds),
            cell(&failing)
        );
    }
    out.push_str("\n### Pass rate per check\n\n| Check | Pass rate | Pass | Fail | Error | Skip |\n| --- | --- | --- | --- | --- | --- |\n");
    for c in &card.checks {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} |",
            code(&c.id),
            percent(c.rate),
            c.pass,
            c.fail,
            c.error,
            c.skip
        );
    }
    out.push_str("\n### Levels\n\n| Level | Rows |\n| --- | --- |\n");
    for (l, n) in &card.levels {
        let _ = writeln!(out, "| {} | {n} |", cell(l));
    }
    if !card.warnings.is_empty() {
        let _ = writeln!(
            out,
            "\n<details><summary>{} warnings</summary>\n",
            card.warnings.len()
        );
        for w in &card.warnings {
            let _ = writeln!(out, "- {}", cell(w));
        }
        out.push_str("\n</details>\n");
    }
    out
}
