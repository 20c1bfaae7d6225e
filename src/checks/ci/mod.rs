//! `ci.*`: the CI pipeline is valid, tests, scans, gates releases, and
//! runs third-party code it has pinned with the least privilege.
//!
//! Every check reads the one [`model::CiModel`] of the run; which files
//! are CI configuration is decided in [`detect`]. (`ci.present` is a
//! declarative check.)

mod actions_pinned;
pub mod detect;
mod least_privilege;
pub mod model;
pub mod node;
mod release_gate;
mod runs_tests;
mod security_scan;
mod valid;

pub use detect::{CiFile, CiRole, CiSystem, ci_files, systems};

use regex::Regex;

use crate::engine::{Check, Outcome};
use model::{CiModel, Command, Job};

/// The `ci.*` checks (SPEC §3).
pub fn checks() -> Vec<Box<dyn Check>> {
    vec![
        Box::new(valid::Valid::new()),
        Box::new(runs_tests::RunsTests::new()),
        Box::new(release_gate::ReleaseGate::new()),
        Box::new(actions_pinned::ActionsPinned::new()),
        Box::new(least_privilege::LeastPrivilege::new()),
        Box::new(security_scan::SecurityScan::new()),
    ]
}

/// The outcome when the repository has no CI configuration.
pub(crate) fn no_ci() -> Outcome {
    Outcome::skip("no CI configuration found")
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

/// One finding per pipeline file for a check that found nothing anywhere:
/// at the line of its `jobs:` (or the top of the file).
pub(crate) fn pipeline_findings(model: &CiModel, what: &str) -> Vec<crate::model::Finding> {
    model
        .pipelines()
        .map(|(f, line)| {
            let msg = if f.docs.is_err() {
                format!("{what} (this file does not parse: see ci.valid)")
            } else {
                what.to_string()
            };
            crate::model::Finding::new(msg).at(f.file.path.clone(), Some(line))
        })
        .collect()
}
