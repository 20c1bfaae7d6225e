//! `readyctl list` and `readyctl explain`: both read the one registry.

use std::fmt::Write;

use anyhow::Context as _;

use crate::cli::{Cli, ExplainArgs, ListArgs, ListFormat};
use crate::config;

fn load_registry(cli: &Cli, path: &std::path::Path) -> anyhow::Result<crate::engine::Registry> {
    let cfg = config::load(path, cli.config.as_deref())?;
    crate::checks::registry(path, &cfg)
}

pub fn list(cli: &Cli, args: &ListArgs) -> anyhow::Result<u8> {
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
