//! `readyctl check`: walk once, run the checks, render the report, gate.

use std::io::IsTerminal;
use std::time::Duration;

use anyhow::Context as _;
use indicatif::ProgressBar;

use crate::cli::{CheckArgs, Cli};
use crate::config;
use crate::engine::{self, IdFilter, RunOptions, Selection};
use crate::index::Index;
use crate::model::Report;
use crate::report::{self, Format, View};

/// The check run's progress: a spinner with the check being run.
struct Progress {
    bar: Option<ProgressBar>,
}

impl Progress {
    fn new(enabled: bool) -> Progress {
        Progress {
            bar: crate::progress::delayed_bar(
                enabled,
                None,
                "{spinner} {msg} [{pos}/{len}] {elapsed}",
                Duration::from_millis(400),
            ),
        }
    }

    fn set_len(&self, n: usize) {
        if let Some(b) = &self.bar {
            b.set_length(n as u64);
        }
    }

    fn tick(&self, id: &str) {
        if let Some(b) = &self.bar {
            b.set_message(id.to_string());
            b.inc(1);
        }
    }

    fn finish(&self) {
        if let Some(b) = &self.bar {
            b.finish_and_clear();
        }
    }
}

pub fn run(cli: &Cli, args: &CheckArgs) -> anyhow::Result<u8> {
    let root = &args.path;
    let shown_root = root.display().to_string();
    if !root.exists() {
        anyhow::bail!("{shown_root}: no such directory");
    }
    if !root.is_dir() {
        anyhow::bail!("{shown_root}: not a directory");
    }
    let cfg = config::load(root, cli.config.as_deref())?;
    let registry = crate::checks::registry(root, &cfg)?;
    engine::validate_config(&cfg, &registry)?;
    let selection = Selection {
        only: IdFilter::new(&args.only).map_err(anyhow::Error::msg)?,
        skip: IdFilter::new(&args.skip).map_err(anyhow::Error::msg)?,
    };
    if !selection.only.is_empty() && engine::planned(&registry, &selection) == 0 {
        anyhow::bail!(
            "--only {} matches no check (see `readyctl list`)",
            args.only.join(",")
        );
    }

    let progress = Progress::new(!args.no_progress);
    let index = Index::build_for(root, &cfg)?;
    progress.set_len(engine::planned(&registry, &selection));
    let options = RunOptions {
        offline: args.offline,
        history: args.history,
        progress: !args.no_progress,
    };
    let results = engine::run(&registry, &selection, root, &index, &cfg, &options, &|id| {
        progress.tick(id)
    });
    progress.finish();

    if args.sync_checklist {
        sync_checklist(&index, &cfg, &results.all)?;
    }

    let mut report = Report::new(shown_root, results.reported, args.fail_on);
    report.roles = Some(index.role_counts());
    let metas: Vec<&crate::engine::CheckMeta> =
        registry.checks().iter().map(|c| c.meta()).collect();
    let to_terminal = args.output.is_none() && std::io::stdout().is_terminal();
    let view = View {
        metas: &metas,
        color: args.format == Format::Human && cli.color.enabled(to_terminal),
    };
    let rendered = report::render(&report, args.format, &view)?;
    match &args.output {
        Some(path) => {
            super::write_atomic(path, rendered.as_bytes())
                .with_context(|| format!("{}: cannot write", path.display()))?;
            let p = report::human::Paint(cli.color.enabled(std::io::stdout().is_terminal()));
            println!("{}", report::human::verdict(&report, p));
            println!("report written to {}", path.display());
        }
        None => print!("{rendered}"),
    }
    Ok(if report.ready {
        super::EXIT_READY
    } else {
        super::EXIT_NOT_READY
    })
}

fn sync_checklist(
    index: &Index,
    cfg: &config::LoadedConfig,
    all: &[crate::model::CheckResult],
) -> anyhow::Result<()> {
    let Some(Ok(list)) = crate::checklist::load(index, cfg.checklist()) else {
        eprintln!(
            "readyctl: --sync-checklist: {} not found, nothing to sync",
            cfg.checklist()
        );
        return Ok(());
    };
    let new = crate::checklist::synced(&list, all);
    if new != list.source {
        let path = index.root.join(&list.path);
        super::write_atomic(&path, new.as_bytes())
            .with_context(|| format!("{}: cannot write", list.path))?;
        let changed = list
            .source
            .bytes()
            .zip(new.bytes())
            .filter(|(a, b)| a != b)
            .count();
        eprintln!(
            "readyctl: updated {} box{} in {}",
            changed,
            if changed == 1 { "" } else { "es" },
            list.path
        );
    }
    Ok(())
}
