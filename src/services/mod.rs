//! Services in one repository (SPEC §12b).
//!
//! The repository is walked once. Repository-wide checks (`ci.*`,
//! `secrets.*`) run once on the whole index; every other check runs once per
//! service on a slice of that index (the service's files, paths relative to
//! the service, contents shared), with the service's configuration (its own
//! `readyctl.yaml` merged over the root's) and its own checklist. Finding
//! paths are then made relative to the repository root again.

pub mod config;
pub mod detect;

use std::path::Path;

use anyhow::Context as _;

use crate::check::{self, Registry, RunOptions, RunResults, Selection};
use crate::config::{ConfigError, LoadedConfig};
use crate::findings::{CheckResult, FailOn, Report, ServiceReport, Summary};
use crate::repo::index::Index;

/// Areas whose checks look at the repository as a whole and run once, at
/// the root: CI configuration and secrets.
pub const REPOSITORY_WIDE_AREAS: &[&str] = &["ci", "secrets"];

/// Does check `id` run once for the repository (not per service)?
pub fn is_repository_wide(id: &str) -> bool {
    let area = id.split('.').next().unwrap_or(id);
    REPOSITORY_WIDE_AREAS.contains(&area)
}

/// A declared service.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Service {
    pub name: String,
    /// Relative to the root, `/`-separated, no trailing `/`.
    pub path: String,
}

fn normalize(path: &str) -> Option<String> {
    let mut parts = Vec::new();
    for part in path.trim().split(['/', '\\']) {
        match part {
            "" | "." => {}
            ".." => return None,
            p => parts.push(p),
        }
    }
    if path.trim().starts_with('/') || parts.is_empty() {
        return None;
    }
    Some(parts.join("/"))
}

/// The services declared in `cfg`, checked against the tree at `root`, and
/// narrowed to `wanted` (`--service`) when it is not empty.
pub fn declared(
    root: &Path,
    cfg: &LoadedConfig,
    wanted: &[String],
) -> anyhow::Result<Vec<Service>> {
    let file = cfg.file_name();
    let mut out: Vec<Service> = Vec::new();
    for s in &cfg.config.services {
        let name = s.value.name.trim();
        if name.is_empty() || name.contains(',') {
            return Err(ConfigError::at(
                file,
                s,
                "services: a name must not be empty or contain `,`",
            )
            .into());
        }
        let Some(path) = normalize(&s.value.path) else {
            return Err(ConfigError::at(
                file,
                s,
                format!(
                    "services: path `{}` of `{name}` must be a directory inside the root (not the root itself)",
                    s.value.path
                ),
            )
            .into());
        };
        if !root.join(&path).is_dir() {
            return Err(ConfigError::at(
                file,
                s,
                format!("services: path `{path}` of `{name}` is not a directory"),
            )
            .into());
        }
        for other in &out {
            let clash = if other.name == name {
                Some(format!("services: `{name}` is declared twice"))
            } else if other.path == path
                || path.starts_with(&format!("{}/", other.path))
                || other.path.starts_with(&format!("{path}/"))
            {
                Some(format!(
                    "services: `{name}` ({path}) overlaps `{}` ({}); a file belongs to one service",
                    other.name, other.path
                ))
            } else {
                None
            };
            if let Some(msg) = clash {
                return Err(ConfigError::at(file, s, msg).into());
            }
        }
        out.push(Service {
            name: name.to_string(),
            path,
        });
    }
    if wanted.is_empty() {
        return Ok(out);
    }
    if out.is_empty() {
        anyhow::bail!("--service: {file} declares no services (see `readyctl init`)");
    }
    let mut picked = Vec::new();
    for w in wanted {
        let w = w.trim();
        if w.is_empty() {
            continue;
        }
        match out.iter().find(|s| s.name == w) {
            Some(s) if !picked.contains(s) => picked.push(s.clone()),
            Some(_) => {}
            None => anyhow::bail!(
                "--service {w}: no such service in {file} (declared: {})",
                out.iter()
                    .map(|s| s.name.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        }
    }
    // Declaration order, whatever the order on the command line.
    out.retain(|s| picked.contains(s));
    Ok(out)
}

/// How many checks a services run runs (for progress bars).
pub fn planned(registry: &Registry, selection: &Selection, services: usize) -> usize {
    let mut n = 0;
    for c in registry.checks() {
        let id = &c.meta().id;
        if selection.selects(id) {
            n += if is_repository_wide(id) { 1 } else { services };
        }
    }
    n
}

/// One service's run, kept for `--sync-checklist`.
pub struct ServiceRun {
    pub service: Service,
    pub index: Index,
    pub config: LoadedConfig,
    /// Every result of the run, paths relative to the service.
    pub all: Vec<CheckResult>,
    /// The service has no checklist of its own and was verified against
    /// the root's.
    pub borrowed_checklist: bool,
}

/// The results of a services run.
pub struct Outcome {
    /// The repository-wide checks, run at the root.
    pub repository: RunResults,
    pub services: Vec<ServiceReport>,
    pub runs: Vec<ServiceRun>,
}

/// Run the repository-wide checks once and every other check per service.
#[allow(clippy::too_many_arguments)]
pub fn run(
    registry: &Registry,
    selection: &Selection,
    root: &Path,
    index: &Index,
    cfg: &LoadedConfig,
    options: &RunOptions,
    progress: &(dyn Fn(&str) + Sync),
    services: &[Service],
    fail_on: FailOn,
) -> anyhow::Result<Outcome> {
    // Every slice is built before any check runs and lives until the end:
    // caches keyed on an index's address must never see a reused address.
    let mut prepared = Vec::new();
    for s in services {
        let svc_cfg = config::load(root, cfg, &s.path, registry)?;
        let checklist = svc_cfg.checklist().to_string();
        let own = index.get(&format!("{}/{checklist}", s.path)).is_some();
        let root_checklist = cfg.checklist().to_string();
        let borrowed = !own && index.get(&root_checklist).is_some();
        let extra: Vec<(&str, &str)> = if borrowed {
            vec![(root_checklist.as_str(), checklist.as_str())]
        } else {
            Vec::new()
        };
        let slice = index.slice(&s.path, &extra);
        prepared.push((s.clone(), slice, svc_cfg, borrowed, root_checklist));
    }

    // Repository-wide: the selected ones, plus those a service's checklist
    // marks (so that its items resolve against the one root result).
    let selected: Vec<String> = registry
        .ids()
        .into_iter()
        .filter(|id| selection.selects(id))
        .collect();
    let mut wide: Vec<String> = selected
        .iter()
        .filter(|id| is_repository_wide(id))
        .cloned()
        .collect();
    let known = registry.ids();
    for (_, slice, svc_cfg, _, _) in &prepared {
        if let Some(Ok(list)) = crate::views::checklist::load(slice, svc_cfg.checklist()) {
            for m in list.items.iter().flat_map(|i| &i.markers) {
                if is_repository_wide(&m.id) && known.contains(&m.id) && !wide.contains(&m.id) {
                    wide.push(m.id.clone());
                }
            }
        }
    }
    let mut repository = run_exact(registry, &wide, root, index, cfg, options, progress, &[]);
    repository.reported.retain(|c| selection.selects(&c.id));
    let per_service: Vec<String> = selected
        .iter()
        .filter(|id| !is_repository_wide(id))
        .cloned()
        .collect();

    let mut reports = Vec::new();
    let mut runs = Vec::new();
    for (service, slice, svc_cfg, borrowed, root_checklist) in prepared {
        let svc_root = root.join(&service.path);
        let results = run_exact(
            registry,
            &per_service,
            &svc_root,
            &slice,
            &svc_cfg,
            options,
            progress,
            &repository.all,
        );
        let checklist = svc_cfg.checklist().to_string();
        // Paths from the service's files become paths from the root; a path
        // that names a root file and no file of the service (the root's
        // readyctl.yaml a service inherits) stays as it is.
        let rebase = |mut c: CheckResult| {
            for f in &mut c.findings {
                if let Some(p) = &f.path {
                    f.path = Some(if borrowed && *p == checklist {
                        root_checklist.clone()
                    } else if slice.get(p).is_none() && index.get(p).is_some() {
                        p.clone()
                    } else {
                        format!("{}/{p}", service.path)
                    });
                }
            }
            c
        };
        let checks: Vec<CheckResult> = results.reported.into_iter().map(rebase).collect();
        reports.push(ServiceReport {
            name: service.name.clone(),
            path: service.path.clone(),
            ready: !checks.iter().any(|c| c.blocks(fail_on)),
            level: None,
            summary: Summary::of(&checks),
            checks,
        });
        runs.push(ServiceRun {
            service,
            index: slice,
            config: svc_cfg,
            all: results.all,
            borrowed_checklist: borrowed,
        });
    }
    Ok(Outcome {
        repository,
        services: reports,
        runs,
    })
}

/// Run exactly the checks `ids` (none when empty), given `given`.
#[allow(clippy::too_many_arguments)]
fn run_exact(
    registry: &Registry,
    ids: &[String],
    root: &Path,
    index: &Index,
    cfg: &LoadedConfig,
    options: &RunOptions,
    progress: &(dyn Fn(&str) + Sync),
    given: &[CheckResult],
) -> RunResults {
    if ids.is_empty() {
        return RunResults {
            reported: Vec::new(),
            all: Vec::new(),
            waivers: Default::default(),
        };
    }
    let exact: Vec<String> = ids.iter().map(|id| globset::escape(id)).collect();
    let selection = Selection {
        only: check::IdFilter::new(&exact).unwrap_or_default(),
        skip: check::IdFilter::default(),
    };
    check::run(
        registry, &selection, root, index, cfg, options, progress, given,
    )
}

/// Put the services' results into `report`: the verdict and the summary
/// cover the repository-wide checks and every service.
pub fn attach(report: &mut Report, services: Vec<ServiceReport>) {
    report.ready = report.ready && services.iter().all(|s| s.ready);
    let mut total = report.summary.clone();
    for s in &services {
        total.pass += s.summary.pass;
        total.fail += s.summary.fail;
        total.skip += s.summary.skip;
        total.error += s.summary.error;
    }
    report.summary = total;
    report.services = services;
}

/// What `--sync-checklist` does to one checklist.
pub type SyncFn = dyn Fn(&Index, &LoadedConfig, &[CheckResult]) -> anyhow::Result<()>;

/// `--sync-checklist` for a services run: each service's own checklist
/// (a borrowed root checklist is left alone: it speaks for every service).
pub fn sync_checklists(runs: &[ServiceRun], sync: &SyncFn) -> anyhow::Result<()> {
    for r in runs {
        if r.borrowed_checklist {
            continue;
        }
        sync(&r.index, &r.config, &r.all).with_context(|| format!("service {}", r.service.name))?;
    }
    Ok(())
}
