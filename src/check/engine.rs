//! The runner: the selected checks of a registry, in parallel, each inside
//! `catch_unwind` (a panicking check is an `error`, never a crash), then
//! the final phase (the readiness checklist) with the main phase's results.
//!
//! Data flows one way: walk → index → checks → findings → report.

use std::collections::BTreeSet;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;

use rayon::prelude::*;

use super::{Check, Context, IdFilter, Outcome, Phase, Registry, RunOptions, Selection};
use crate::config::LoadedConfig;
use crate::findings::{CheckResult, Finding, Fix, Status};
use crate::repo::index::Index;

/// The results of a run.
pub struct RunResults {
    /// The selected checks, in (area, id) order: what the report shows.
    pub reported: Vec<CheckResult>,
    /// Every check that ran, including those only the checklist needed.
    pub all: Vec<CheckResult>,
    /// Expired and stale waivers (SPEC §10).
    pub waivers: crate::findings::WaiverNotes,
}

/// Run the selected checks.
///
/// Checks the readiness checklist reads are run even when not selected,
/// but only selected checks are reported. Checks skipped in `readyctl.yaml`
/// are reported as `skip`. `given` are results computed elsewhere (a
/// service's run is given the repository-wide results; `&[]` otherwise):
/// those checks are not run again, and final checks (the checklist) read
/// them with this run's results.
#[allow(clippy::too_many_arguments)]
pub fn run(
    registry: &Registry,
    selection: &Selection,
    root: &Path,
    index: &Index,
    config: &LoadedConfig,
    options: &RunOptions,
    progress: &(dyn Fn(&str) + Sync),
    given: &[CheckResult],
) -> RunResults {
    let known_ids = registry.ids();
    let checklist = crate::views::checklist::load(index, config.checklist());
    let checklist_ref = match &checklist {
        Some(Ok(c)) => Some(c),
        _ => None,
    };
    let config_skip = IdFilter::new(
        &config
            .config
            .checks
            .skip
            .iter()
            .map(|s| s.value.as_str())
            .collect::<Vec<_>>(),
    )
    .unwrap_or_default();
    let waivers = crate::findings::waivers::Waivers::new(
        config,
        index,
        &known_ids,
        crate::findings::waivers::Date::today(),
    );

    let selected: Vec<&dyn Check> = registry
        .checks()
        .iter()
        .map(|c| c.as_ref())
        .filter(|c| selection.selects(&c.meta().id))
        .collect();

    // The main-phase checks to run: selected ones plus what final checks need.
    let mut wanted: BTreeSet<String> = selected.iter().map(|c| c.meta().id.clone()).collect();
    for c in &selected {
        if c.phase() == Phase::Final {
            wanted.extend(c.needs(checklist_ref));
        }
    }
    let main: Vec<&dyn Check> = registry
        .checks()
        .iter()
        .map(|c| c.as_ref())
        .filter(|c| c.phase() == Phase::Main && wanted.contains(&c.meta().id))
        .filter(|c| !given.iter().any(|g| g.id == c.meta().id))
        .collect();

    let run_one = |c: &dyn Check, results: &[CheckResult]| -> CheckResult {
        let meta = c.meta();
        progress(&meta.id);
        let outcome = if config_skip.matches(&meta.id) {
            Outcome::skip(format!("skipped in {}", config.file_name()))
        } else {
            let ctx = Context {
                root,
                index,
                config,
                options,
                known_ids: &known_ids,
                checklist: checklist_ref,
                results,
            };
            match catch_unwind(AssertUnwindSafe(|| c.run(&ctx))) {
                Ok(o) => o,
                Err(p) => {
                    let why = p
                        .downcast_ref::<&str>()
                        .map(|s| s.to_string())
                        .or_else(|| p.downcast_ref::<String>().cloned())
                        .unwrap_or_else(|| "unknown".into());
                    Outcome::error(format!("internal error in check (please report it): {why}"))
                }
            }
        };
        let severity = config
            .config
            .checks
            .severity
            .get(&meta.id)
            .map(|s| s.value)
            .unwrap_or(meta.severity);
        let fix = matches!(outcome.status, Status::Fail | Status::Error).then(|| Fix {
            hint: meta.fix_hint.clone(),
            scaffold: meta.scaffold.clone(),
        });
        let mut result = CheckResult {
            id: meta.id.clone(),
            area: meta.area.clone(),
            title: meta.title.clone(),
            severity,
            status: outcome.status,
            message: outcome.message,
            findings: outcome.findings,
            fix,
            evidence: outcome.evidence,
            suppressed: outcome.suppressed,
            waived: Vec::new(),
        };
        waivers.apply(&mut result, meta);
        cap_findings(&mut result.findings);
        result
    };

    let mut results: Vec<CheckResult> = main.par_iter().map(|c| run_one(*c, &[])).collect();
    let seen: Vec<CheckResult> = results.iter().chain(given).cloned().collect();
    let finals: Vec<CheckResult> = selected
        .iter()
        .filter(|c| c.phase() == Phase::Final)
        .map(|c| run_one(*c, &seen))
        .collect();
    results.extend(finals);
    results.sort_by(|a, b| (&a.area, &a.id).cmp(&(&b.area, &b.id)));
    let reported: Vec<CheckResult> = results
        .iter()
        .filter(|r| selection.selects(&r.id))
        .cloned()
        .collect();
    let waivers = waivers.notes(&reported);
    RunResults {
        reported,
        all: results,
        waivers,
    }
}

/// The most findings one check lists; past it, one last finding counts the
/// rest, at the place of the first one left out. (200,000 unresolved items
/// of one checklist took 1.75 GB to render as SARIF, 830 MB as GitLab
/// JSON; no one reads that far.)
pub const MAX_FINDINGS_PER_CHECK: usize = 1000;

fn cap_findings(findings: &mut Vec<Finding>) {
    if findings.len() <= MAX_FINDINGS_PER_CHECK {
        return;
    }
    let rest = findings.len() - MAX_FINDINGS_PER_CHECK;
    let first_left = &findings[MAX_FINDINGS_PER_CHECK];
    let mut more = Finding::new(format!(
        "{rest} more findings not listed (a check lists at most {MAX_FINDINGS_PER_CHECK})"
    ));
    more.path = first_left.path.clone();
    more.line = first_left.line;
    findings.truncate(MAX_FINDINGS_PER_CHECK);
    findings.push(more);
    findings.shrink_to_fit();
}

/// Start the selected checks' [`Check::warm_up`] work on a thread of its
/// own, so that it overlaps the walk; whatever waits on its result (a
/// `OnceLock`) blocks until it is done. Detached: a run that ends first
/// (an error) does not wait for it.
pub fn warm_up(registry: &Registry, selection: &Selection) {
    let work: Vec<fn()> = registry
        .checks()
        .iter()
        .filter(|c| selection.selects(&c.meta().id))
        .filter_map(|c| c.warm_up())
        .collect();
    if work.is_empty() {
        return;
    }
    let _ = std::thread::Builder::new()
        .name("warm-up".into())
        .spawn(move || work.iter().for_each(|f| f()));
}

/// How many checks [`run`] will run for `selection` (for progress bars).
pub fn planned(registry: &Registry, selection: &Selection) -> usize {
    registry
        .checks()
        .iter()
        .filter(|c| selection.selects(&c.meta().id))
        .count()
}
