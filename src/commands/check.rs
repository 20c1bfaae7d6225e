//! `readyctl check`: walk once, run the checks, render the report, gate.

use std::time::Duration;

use anyhow::Context as _;
use indicatif::ProgressBar;

use crate::check::{self, IdFilter, RunOptions, Selection};
use crate::cli::{CheckArgs, Cli};
use crate::config;
use crate::findings::Report;
use crate::repo::index::Index;

/// The check run's progress: a spinner with the check being run.
struct Progress {
    bar: Option<ProgressBar>,
}

impl Progress {
    fn new(enabled: bool) -> Progress {
        Progress {
            bar: crate::cli::progress::delayed_bar(
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

/// A finished run: the report and the registry it was made with.
pub struct Evaluated {
    pub report: Report,
    pub registry: crate::check::Registry,
    /// Where repository-level SARIF results are anchored.
    pub anchor: Option<String>,
}

pub fn run(cli: &Cli, args: &CheckArgs) -> anyhow::Result<u8> {
    let Evaluated {
        report,
        registry,
        anchor,
    } = evaluate(cli, args)?;
    render(cli, args, &report, &registry, anchor.as_deref())
}

/// Run the checks of `args` and make the report (levels and waivers
/// included, paths relative to the git top level); nothing is printed but
/// the progress bar.
pub fn evaluate(cli: &Cli, args: &CheckArgs) -> anyhow::Result<Evaluated> {
    let (root_dir, shown_root) = crate::repo::location::resolve_root(args.path.as_deref());
    let root = &root_dir;
    if !root.exists() {
        anyhow::bail!("{shown_root}: no such directory");
    }
    if !root.is_dir() {
        anyhow::bail!("{shown_root}: not a directory");
    }
    let cfg = config::load(root, cli.config.as_deref())?;
    let registry = crate::checks::registry(root, &cfg)?;
    check::validate_config(&cfg, &registry)?;
    let levels = crate::findings::levels::levels(&cfg);
    let min_level = args
        .min_level
        .as_deref()
        .map(|name| crate::findings::levels::find(&levels, name))
        .transpose()
        .map_err(anyhow::Error::msg)?;
    let selection = Selection {
        only: IdFilter::new(&args.only).map_err(anyhow::Error::msg)?,
        skip: IdFilter::new(&args.skip).map_err(anyhow::Error::msg)?,
    };
    if !selection.only.is_empty() && check::planned(&registry, &selection) == 0 {
        // A hint for the first pattern that matches nothing on its own.
        let ids = registry.ids();
        let first = args
            .only
            .iter()
            .map(String::as_str)
            .find(|p| !p.trim().is_empty())
            .unwrap_or_default();
        anyhow::bail!(
            "--only {} matches no check {}",
            args.only.join(","),
            check::registry::no_match_hint(first, &ids)
        );
    }

    let services = crate::services::declared(root, &cfg, &args.service)?;
    let progress = Progress::new(!args.no_progress && !args.quiet);
    check::warm_up(&registry, &selection);
    let index = Index::build_for(root, &cfg)?;
    progress.set_len(if services.is_empty() {
        check::planned(&registry, &selection)
    } else {
        crate::services::planned(&registry, &selection, services.len())
    });
    let options = RunOptions {
        offline: args.offline,
        history: args.history,
        progress: !args.no_progress && !args.quiet,
    };
    let tick = |id: &str| progress.tick(id);
    let (results, service_run) = if services.is_empty() {
        let r = check::run(
            &registry,
            &selection,
            root,
            &index,
            &cfg,
            &options,
            &tick,
            &[],
        );
        (r, None)
    } else {
        let mut o = crate::services::run(
            &registry,
            &selection,
            root,
            &index,
            &cfg,
            &options,
            &tick,
            &services,
            args.fail_on,
        )?;
        let r = std::mem::replace(
            &mut o.repository,
            check::RunResults {
                reported: Vec::new(),
                all: Vec::new(),
                waivers: Default::default(),
            },
        );
        (r, Some(o))
    };
    progress.finish();

    if args.sync_checklist {
        match &service_run {
            None => sync_checklist(&index, &cfg, &results.all)?,
            Some(o) => crate::services::sync_checklists(&o.runs, &sync_checklist)?,
        }
    }

    let mut report = Report::new(shown_root, results.reported, args.fail_on);
    report.roles = Some(index.role_counts());
    let mut identity = crate::repo::identity::Repository::of(root, index.git.as_ref());
    if let [only] = services.as_slice()
        && !args.service.is_empty()
    {
        identity.service = Some(only.name.clone());
    }
    report.repository = Some(identity);
    report.generated_at = Some(crate::repo::identity::now_rfc3339());
    if let Some(o) = service_run {
        crate::services::attach(&mut report, o.services);
    }
    report.waivers = results.waivers;
    // Checks left out with --skip count as skipped. A run with --only did
    // not verify what a level needs: it reports no level, unless it gates
    // on one (then the checks it did not run are missing).
    let known: std::collections::BTreeSet<String> = registry
        .ids()
        .into_iter()
        .filter(|id| !selection.skip.matches(id))
        .collect();
    if selection.only.is_empty() || min_level.is_some() {
        crate::findings::levels::annotate(&mut report, &levels, &known, min_level);
        if !report.services.is_empty() {
            crate::findings::levels::annotate_services(&mut report, &levels, &known, min_level);
        }
    }
    // The redaction boundary: no message leaves with a secret in it.
    crate::report::redact::report(&mut report);
    let prefix = crate::repo::location::report_prefix(&index);
    crate::repo::location::rebase(&mut report, &prefix);
    let anchor = crate::repo::location::repository_anchor(&index, cfg.checklist())
        .map(|a| format!("{prefix}{a}"));
    // Not freed: the process ends after the report is printed, and freeing
    // an index of tens of thousands of files and their text, one allocation
    // at a time, took 5 % of a large repository's run. (`diff` evaluates
    // twice, nothing more.)
    std::mem::forget(index);
    Ok(Evaluated {
        report,
        registry,
        anchor,
    })
}

/// Print or write `report` in the format of `args` (and every `--report`);
/// the exit code.
fn render(
    cli: &Cli,
    args: &CheckArgs,
    report: &Report,
    registry: &crate::check::Registry,
    anchor: Option<&str>,
) -> anyhow::Result<u8> {
    let metas: Vec<&crate::check::CheckMeta> = registry.checks().iter().map(|c| c.meta()).collect();
    super::check_output::emit(cli, args, report, &metas, anchor)?;
    Ok(if report.ready {
        super::EXIT_READY
    } else {
        super::EXIT_NOT_READY
    })
}

fn sync_checklist(
    index: &Index,
    cfg: &config::LoadedConfig,
    all: &[crate::findings::CheckResult],
) -> anyhow::Result<()> {
    let Some(Ok(list)) = crate::views::checklist::load(index, cfg.checklist()) else {
        eprintln!(
            "readyctl: --sync-checklist: {} not found, nothing to sync",
            cfg.checklist()
        );
        return Ok(());
    };
    let new = crate::views::checklist::synced(&list, all);
    if new != list.source {
        let path = index.root.join(&list.path);
        crate::repo::safe_fs::write_atomic(&path, new.as_bytes())
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
