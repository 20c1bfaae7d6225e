//! `readyctl list` and `readyctl explain`: both read the one registry.

use std::fmt::Write;

use anyhow::Context as _;

use crate::cli::{Cli, ExplainArgs, ListArgs, ListFormat};
use crate::config;

fn load_registry(cli: &Cli, path: &std::path::Path) -> anyhow::Result<crate::check::Registry> {
    let cfg = config::load(path, cli.config.as_deref())?;
    crate::checks::registry(path, &cfg)
}

pub fn list(cli: &Cli, args: &ListArgs) -> anyhow::Result<u8> {
    if args.levels {
        return list_levels(cli, args);
    }
    let registry = load_registry(cli, &args.path)?;
    let mut out = String::new();
    match args.format {
        ListFormat::Json => {
            let items: Vec<serde_json::Value> = registry
                .checks()
                .iter()
                .map(|c| {
                    let m = c.meta();
                    serde_json::json!({
                        "id": m.id,
                        "area": m.area,
                        "severity": m.severity,
                        "title": m.title,
                        "scaffold": m.scaffold,
                        "source": m.source,
                    })
                })
                .collect();
            out = serde_json::to_string_pretty(&items)?;
            out.push('\n');
        }
        ListFormat::Human => {
            let width = registry
                .checks()
                .iter()
                .map(|c| c.meta().id.len())
                .max()
                .unwrap_or(0);
            for c in registry.checks() {
                let m = c.meta();
                let _ = writeln!(
                    out,
                    "{:<width$}  {:<7}  {}",
                    m.id,
                    m.severity.as_str(),
                    m.title
                );
            }
        }
    }
    print!("{out}");
    Ok(super::EXIT_READY)
}

pub fn explain(cli: &Cli, args: &ExplainArgs) -> anyhow::Result<u8> {
    let registry = load_registry(cli, &args.path)?;
    let check = registry
        .get(&args.id)
        .with_context(|| format!("unknown check `{}` (see `readyctl list`)", args.id))?;
    let m = check.meta();
    let mut out = format!(
        "# {} — {}\n\narea: {} · default severity: {}",
        m.id, m.title, m.area, m.severity
    );
    if let Some(s) = &m.scaffold {
        let _ = write!(out, " · fix: `readyctl scaffold {s}`");
    }
    if m.source != "builtin" {
        let _ = write!(out, " · defined in {}", m.source);
    }
    out.push_str("\n\n");
    out.push_str(&m.explain.to_markdown());
    print!("{out}");
    Ok(super::EXIT_READY)
}

/// `readyctl list --levels`: each level, the globs it names and the checks
/// they match now (the checks of the levels below are required too).
pub fn list_levels(cli: &Cli, args: &ListArgs) -> anyhow::Result<u8> {
    let cfg = config::load(&args.path, cli.config.as_deref())?;
    let registry = crate::checks::registry(&args.path, &cfg)?;
    crate::check::validate_config(&cfg, &registry)?;
    let levels = crate::findings::levels::levels(&cfg);
    let ids = registry.ids();
    let source = if cfg.config.levels.is_some() {
        cfg.file_name().to_string()
    } else {
        "built-in".to_string()
    };
    let mut out = String::new();
    match args.format {
        ListFormat::Json => {
            let items: Vec<serde_json::Value> = levels
                .iter()
                .map(|l| {
                    serde_json::json!({
                        "name": l.name,
                        "about": l.about,
                        "checks": l.checks,
                        "ids": ids.iter().filter(|id| l.names(id)).collect::<Vec<_>>(),
                        "source": source,
                    })
                })
                .collect();
            out = serde_json::to_string_pretty(&items)?;
            out.push('\n');
        }
        ListFormat::Human => {
            let _ = writeln!(
                out,
                "Readiness levels ({source}), lowest first. A level is reached when every check it \
                 names, and every check of the levels below, passes or is skipped.\n"
            );
            let mut below: Vec<&str> = Vec::new();
            for l in &levels {
                let _ = writeln!(out, "{}", l.name);
                if let Some(about) = l.about {
                    let _ = writeln!(out, "  {about}");
                }
                let _ = writeln!(out, "  checks: {}", l.checks.join(", "));
                let own: Vec<&str> = ids
                    .iter()
                    .filter(|id| l.names(id) && !below.contains(&id.as_str()))
                    .map(String::as_str)
                    .collect();
                if !below.is_empty() {
                    let _ = writeln!(out, "  plus every check of the levels below");
                }
                let _ = writeln!(
                    out,
                    "  requires now: {}\n",
                    if own.is_empty() {
                        "(nothing more)".to_string()
                    } else {
                        own.join(", ")
                    }
                );
                below.extend(own);
            }
            out.push_str("Gate on a level with `readyctl check --min-level NAME`; replace these with `levels:` in readyctl.yaml.\n");
        }
    }
    print!("{out}");
    Ok(super::EXIT_READY)
}
