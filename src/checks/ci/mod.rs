//! `ci.*`: the CI pipeline is valid, tests, scans, gates releases, and
//! runs third-party code it has pinned with the least privilege.
//!
//! Every check reads the one [`crate::views::ci::CiModel`] of the run; which files
//! are CI configuration is decided in [`crate::views::ci::detect`]. (`ci.present` is a
//! declarative check.)

mod actions_pinned;
mod least_privilege;
pub(crate) mod release_gate;
mod runs_tests;
mod security_scan;
mod valid;

use regex::Regex;

use crate::check::{Check, CheckMeta, Context, Outcome};
use crate::views::ci::{self, CiModel, Command, Job};

/// The `ci.*` checks (SPEC §3).
pub fn checks() -> Vec<Box<dyn Check>> {
    vec![
        valid::check(),
        runs_tests::check(),
        release_gate::check(),
        actions_pinned::check(),
        least_privilege::check(),
        security_scan::check(),
    ]
}

/// A `ci.*` check: `run` reads the CI model of the run; it is not called
/// when the repository has no CI configuration (the check is skipped).
fn check(meta: CheckMeta, run: fn(&CiModel, &Context) -> Outcome) -> Box<dyn Check> {
    crate::checks::on_view(
        meta,
        ci::model,
        |m| {
            m.is_empty()
                .then(|| Outcome::skip("no CI configuration found"))
        },
        run,
    )
}

pub(crate) fn re(pattern: &str) -> Regex {
    Regex::new(pattern).expect("valid built-in regex")
}

/// The first line of a running job's commands that `matches` (line by
/// line: a script block is many commands).
pub(crate) fn find_command(
    model: &CiModel,
    matches: impl Fn(&str) -> bool,
) -> Option<(&Job, &Command, u32)> {
    for j in model.running_jobs() {
        for c in &j.commands {
            for (i, l) in c.text.lines().enumerate() {
                if matches(l) {
                    // A block scalar is placed at its first non-blank line.
                    let blank = c.text.len() - c.text.trim_start_matches('\n').len();
                    let offset = (i as u32).saturating_sub(blank as u32);
                    return Some((j, c, c.line + offset));
                }
            }
        }
    }
    None
}

/// Does `job` run a line that `matches`?
pub(crate) fn job_runs(job: &Job, matches: impl Fn(&str) -> bool) -> bool {
    job.commands.iter().any(|c| c.text.lines().any(&matches))
}

/// One finding for a check that found nothing anywhere: at the `jobs:` line
/// of the main pipeline (the one a person would add the job to), not one per
/// workflow file; the message counts the others.
pub(crate) fn pipeline_findings(model: &CiModel, what: &str) -> Vec<crate::findings::Finding> {
    let all: Vec<_> = model.pipelines().collect();
    let main = all
        .iter()
        .max_by_key(|(f, _)| {
            let p = f.file.path.to_ascii_lowercase();
            let stem = p
                .rsplit('/')
                .next()
                .unwrap_or(&p)
                .split('.')
                .next()
                .unwrap_or("")
                .to_string();
            let named = [
                "ci", "main", "build", "test", "tests", "pr", "push", "pipeline", "checks",
            ]
            .iter()
            .position(|n| stem == *n)
            .map_or(0, |i| 20 - i);
            // Prefer a named main pipeline, then any whose docs parse; ties
            // go to the first in path order.
            (named, f.docs.is_ok() as usize, std::cmp::Reverse(p))
        })
        .copied();
    let others = all.len().saturating_sub(1);
    main.into_iter()
        .map(|(f, line)| {
            let what = if others > 0 {
                if others == 1 {
                    format!("{what} (nor does the other pipeline file)")
                } else {
                    format!("{what} (nor do the {others} other pipeline files)")
                }
            } else {
                what.to_string()
            };
            let what = what.as_str();
            let msg = if f.docs.is_err() {
                format!("{what} (this file does not parse: see ci.valid)")
            } else {
                what.to_string()
            };
            crate::findings::Finding::new(msg).at(f.file.path.clone(), Some(line))
        })
        .collect()
}
