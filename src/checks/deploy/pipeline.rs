//! The deploys of the CI model and what runs after them: the order the
//! deploy checks reason about (steps of one job, GitHub `needs:` and
//! `workflow_run`/`deployment_status` workflows, GitLab `needs:` and stages),
//! and which steps and jobs run only when something failed.

use std::collections::{BTreeSet, HashMap, HashSet};

use super::commands::{self, DeployKind};
use crate::views::ci::CiSystem;
use crate::views::ci::{CiModel, Job};
use crate::views::yaml::node::{SNode, Tree};

/// One command line of a job, in the order the job runs them.
#[derive(Debug, Clone)]
pub struct Line<'a> {
    /// Position in the job (steps in order, inherited ones last).
    pub seq: usize,
    pub text: &'a str,
    pub path: &'a str,
    pub line: u32,
    /// Index of the file in the CI model.
    pub file: usize,
}

/// The lines of `job`, one per line of each command (a script block is
/// many commands; a block scalar is placed at its first non-blank line).
pub fn lines<'a>(m: &'a CiModel, job: &'a Job) -> Vec<Line<'a>> {
    let mut out = Vec::new();
    for c in &job.commands {
        let file = c.file.unwrap_or(job.file);
        let blank = c.text.len() - c.text.trim_start_matches('\n').len();
        for (i, l) in c.text.lines().enumerate() {
            if l.trim().is_empty() {
                continue;
            }
            out.push(Line {
                seq: out.len(),
                text: l.trim(),
                path: &m.files[file].file.path,
                line: c.line + (i as u32).saturating_sub(blank as u32),
                file,
            });
        }
    }
    out
}

/// A command that deploys.
#[derive(Debug, Clone)]
pub struct Deploy<'a> {
    /// Index into `CiModel::jobs`.
    pub job: usize,
    pub kind: DeployKind,
    pub at: Line<'a>,
}

/// Every deploy of the running jobs, leaving out jobs that deploy to a
/// throwaway cluster or emulator they create (kind, minikube, k3d,
/// LocalStack): those are tests.
pub fn deploys(m: &CiModel) -> Vec<Deploy<'_>> {
    let mut out = Vec::new();
    for (ji, job) in m.jobs.iter().enumerate() {
        if job.hidden {
            continue;
        }
        let ls = lines(m, job);
        if ls.iter().any(|l| commands::ephemeral(l.text)) {
            continue;
        }
        for l in ls {
            if let Some(kind) = commands::deploy_kind(l.text) {
                out.push(Deploy {
                    job: ji,
                    kind,
                    at: l,
                });
            }
        }
    }
    out
}

/// What runs only when something failed: GitHub steps and jobs whose `if:`
/// tests `failure()` or a failed outcome, GitLab jobs with
/// `when: on_failure` (on the job, or on every one of its `rules:`).
#[derive(Debug, Default)]
pub struct OnFailure {
    /// `(file, line)` of every string of a step that runs on failure.
    lines: HashSet<(usize, u32)>,
    /// `(file, job id)` of jobs that run on failure.
    jobs: HashSet<(usize, String)>,
}

impl OnFailure {
    pub fn of(m: &CiModel) -> OnFailure {
        let mut out = OnFailure::default();
        for (fi, f) in m.files.iter().enumerate() {
            let Some(doc) = f.doc() else { continue };
            match f.file.system {
                CiSystem::GitHubActions => {
                    let Some(jobs) = doc.get("jobs") else {
                        continue;
                    };
                    for (id, job) in jobs.entries() {
                        if job.get("if").is_some_and(failure_condition) {
                            out.jobs.insert((fi, id.clone()));
                        }
                        for step in job.get("steps").map(Tree::seq).unwrap_or_default() {
                            if step.get("if").is_some_and(failure_condition) {
                                let mut strings = Vec::new();
                                step.all_strings(&mut strings);
                                // Every line of a multi-line `run: |` block.
                                for (text, line) in strings {
                                    let n = text.lines().count().max(1) as u32;
                                    for l in line..=line + n {
                                        out.lines.insert((fi, l));
                                    }
                                }
                            }
                        }
                    }
                }
                CiSystem::GitLab => {
                    let on_failure = |n: &SNode| {
                        n.get("when").and_then(Tree::scalar).as_deref() == Some("on_failure")
                    };
                    for (id, job) in doc.entries() {
                        let rules = job.get("rules").map(Tree::seq).unwrap_or_default();
                        if on_failure(job) || (!rules.is_empty() && rules.iter().all(on_failure)) {
                            out.jobs.insert((fi, id));
                        }
                    }
                }
                _ => {}
            }
        }
        out
    }

    pub fn job(&self, job: &Job) -> bool {
        self.jobs.contains(&(job.file, job.id.clone()))
    }

    pub fn line(&self, job: &Job, l: &Line) -> bool {
        self.job(job) || self.lines.contains(&(l.file, l.line))
    }
}

fn failure_condition(n: &SNode) -> bool {
    n.scalar().is_some_and(|s| s.contains("failure"))
}

/// Does `later` run after `first` has run (a different job of the same
/// pipeline)? GitHub: `later` needs `first` (transitively) in the same
/// workflow, or its workflow runs on `workflow_run`/`deployment_status`.
/// GitLab: `later` needs `first` (transitively), or without `needs:` sits
/// in a later stage. Systems whose job order readyctl does not read: any
/// job of the same file.
pub fn runs_after(m: &CiModel, first: &Job, later: &Job) -> bool {
    if std::ptr::eq(first, later) {
        return false;
    }
    let sys_first = m.files[first.file].file.system;
    let sys_later = m.files[later.file].file.system;
    match sys_later {
        CiSystem::GitHubActions => {
            let triggered = m.files[later.file]
                .doc()
                .and_then(|d| d.get("on"))
                .is_some_and(|on| on.has("workflow_run") || on.has("deployment_status"));
            if triggered && later.file != first.file && sys_first == CiSystem::GitHubActions {
                return true;
            }
            if later.file != first.file {
                return false;
            }
            let same: HashMap<&str, &Job> = m
                .jobs
                .iter()
                .filter(|j| j.file == later.file)
                .map(|j| (j.id.as_str(), j))
                .collect();
            needs(later, &first.id, &same)
        }
        CiSystem::GitLab => {
            if sys_first != CiSystem::GitLab {
                return false;
            }
            let all: HashMap<&str, &Job> = m
                .running_jobs()
                .filter(|j| m.files[j.file].file.system == CiSystem::GitLab)
                .map(|j| (j.id.as_str(), j))
                .collect();
            if later.has_needs {
                return needs(later, &first.id, &all);
            }
            let stage = |j: &Job| {
                let s = j.stage.as_deref().unwrap_or("test");
                m.gitlab_stages.iter().position(|x| x == s)
            };
            matches!((stage(first), stage(later)), (Some(a), Some(b)) if b > a)
        }
        _ => later.file == first.file,
    }
}

/// Is `target` among `job`'s transitive `needs`?
fn needs(job: &Job, target: &str, jobs: &HashMap<&str, &Job>) -> bool {
    let mut seen = BTreeSet::new();
    let mut todo: Vec<&str> = job.needs.iter().map(String::as_str).collect();
    while let Some(n) = todo.pop() {
        if n == target {
            return true;
        }
        if !seen.insert(n) {
            continue;
        }
        if let Some(j) = jobs.get(n) {
            todo.extend(j.needs.iter().map(String::as_str));
        }
    }
    false
}

/// The first line after `d` (later in its job, or in a job that runs after
/// it) that `matches` and runs, or does not run, only on failure.
pub fn after<'a>(
    m: &'a CiModel,
    d: &Deploy<'a>,
    on_failure: &OnFailure,
    failure_only: bool,
    matches: impl Fn(&str) -> bool,
) -> Option<(&'a Job, Line<'a>)> {
    let job = &m.jobs[d.job];
    for l in lines(m, job) {
        if l.seq > d.at.seq && matches(l.text) && on_failure.line(job, &l) == failure_only {
            return Some((job, l));
        }
    }
    for other in m.running_jobs() {
        if !runs_after(m, job, other) {
            continue;
        }
        for l in lines(m, other) {
            if matches(l.text) && on_failure.line(other, &l) == failure_only {
                return Some((other, l));
            }
        }
    }
    None
}
