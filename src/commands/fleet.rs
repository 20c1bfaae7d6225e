//! `readyctl fleet REPORT...`: one scorecard from many JSON reports.

use std::io::IsTerminal;

use anyhow::Context as _;

use crate::cli::{Cli, FleetArgs, FleetFormat};
use crate::fleet;
use crate::report::human::Paint;

pub fn run(cli: &Cli, args: &FleetArgs) -> anyhow::Result<u8> {
    let now = std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.trim().parse::<i64>().ok())
        .unwrap_or_else(|| gix::date::Time::now_utc().seconds);
    let card = fleet::scorecard(&args.reports, now)?;
    let color = cli.color.enabled(std::io::stderr().is_terminal());
    for w in &card.warnings {
        eprintln!("readyctl: {} {w}", Paint(color).yellow("warning:"));
    }
    let to_terminal = args.output.is_none() && std::io::stdout().is_terminal();
    let rendered = match args.format {
        FleetFormat::Human => fleet::render::human(&card, Paint(cli.color.enabled(to_terminal))),
        FleetFormat::Json => fleet::render::json(&card)?,
        FleetFormat::Markdown => fleet::render::markdown(&card),
        FleetFormat::Html => fleet::html::render(&card)?,
    };
    match &args.output {
        Some(path) => {
            crate::repo::safe_fs::write_atomic(path, rendered.as_bytes())
                .with_context(|| format!("{}: cannot write", path.display()))?;
            // A scorecard is meant to be served and shared (the temporary
            // file it was written through is private).
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt as _;
                std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o644))
                    .with_context(|| format!("{}: cannot set permissions", path.display()))?;
            }
            println!("{}", fleet::render::verdict(&card));
            println!("scorecard written to {}", path.display());
        }
        None => print!("{rendered}"),
    }
    // The scorecard is a report, not a gate: it exits 0 when it could be made.
    Ok(super::EXIT_READY)
}
