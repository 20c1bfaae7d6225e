//! Where `readyctl check` writes its report: stdout or `--output`, plus
//! every `--report FORMAT=FILE` — all views of the one run.

use std::io::IsTerminal;
use std::path::Path;

use anyhow::Context as _;

use crate::check::CheckMeta;
use crate::cli::{CheckArgs, Cli};
use crate::findings::Report;
use crate::report::{self, Format, View};

/// Render `format`; `--quiet` shortens only the human report.
fn render(report: &Report, format: Format, view: &View, quiet: bool) -> anyhow::Result<String> {
    if quiet && format == Format::Human {
        return Ok(report::human::render_quiet(report, view));
    }
    report::render(report, format, view)
}

fn write(path: &Path, text: &str) -> anyhow::Result<()> {
    // A report replaces a regular file only: never a symlink (its target
    // would be left, the link replaced), a FIFO or a device.
    if let Ok(m) = std::fs::symlink_metadata(path)
        && !m.file_type().is_file()
    {
        anyhow::bail!(
            "{}: not a regular file (a symlink, FIFO or device); the report is not written",
            path.display()
        );
    }
    crate::repo::safe_fs::write_atomic(path, text.as_bytes())
        .with_context(|| format!("{}: cannot write", path.display()))
}

/// Print or write the report in `--format`, then every `--report`.
pub fn emit(
    cli: &Cli,
    args: &CheckArgs,
    report: &Report,
    metas: &[&CheckMeta],
    anchor: Option<&str>,
) -> anyhow::Result<()> {
    let stdout_tty = std::io::stdout().is_terminal();
    let to_terminal = args.output.is_none() && stdout_tty;
    let view = View {
        metas,
        color: args.format == Format::Human && cli.color.enabled(to_terminal),
        anchor,
        verbose: args.verbose,
    };
    // Files never get colour escapes.
    let file_view = View {
        metas,
        color: false,
        anchor,
        verbose: args.verbose,
    };
    for target in &args.reports {
        let text = render(report, target.format, &file_view, false)?;
        write(&target.path, &text)?;
    }
    match &args.output {
        Some(path) => {
            let text = render(report, args.format, &file_view, args.quiet)?;
            write(path, &text)?;
            let p = report::human::Paint(cli.color.enabled(stdout_tty));
            println!("{}", report::human::verdict(report, p));
            if !args.quiet {
                println!("report written to {}", path.display());
            }
        }
        None => print!("{}", render(report, args.format, &view, args.quiet)?),
    }
    if !args.quiet {
        for target in &args.reports {
            eprintln!(
                "readyctl: {} report written to {}",
                format_name(target.format),
                target.path.display()
            );
        }
    }
    Ok(())
}

fn format_name(f: Format) -> String {
    use clap::ValueEnum as _;
    f.to_possible_value()
        .map(|v| v.get_name().to_string())
        .unwrap_or_default()
}
