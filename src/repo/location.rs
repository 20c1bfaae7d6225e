//! Where a run stands in the repository (SPEC §2): which directory is
//! checked when no PATH is given, and how report paths are named.
//!
//! Checks see paths relative to the checked root; reports name files
//! relative to the repository root (the git top level, or the checked root
//! outside git), so that `readyctl check services/api` names
//! `services/api/...` the way GitHub code scanning, GitLab Code Quality and
//! workflow annotations resolve them.

use std::path::{Path, PathBuf};

use crate::findings::Report;
use crate::repo::index::Index;

/// The directory to check: PATH when given; else, from a directory inside a
/// git work tree, the work tree's top level (as gitleaks, tflint and
/// zizmor find the repository from a subdirectory); else the current
/// directory. Returns the directory and how it is shown in reports.
pub fn resolve_root(path: Option<&Path>) -> (PathBuf, String) {
    if let Some(p) = path {
        return (p.to_path_buf(), p.display().to_string());
    }
    let here = PathBuf::from(".");
    let Some(top) = git_top_level(&here) else {
        return (here, ".".to_string());
    };
    let cwd = std::env::current_dir().ok();
    let cwd = cwd.and_then(|c| std::fs::canonicalize(c).ok());
    match cwd.as_deref().and_then(|c| relative_up(c, &top)) {
        Some(up) if up.as_os_str().is_empty() => (here, ".".to_string()),
        Some(up) => {
            let shown = up.display().to_string();
            (up, shown)
        }
        None => {
            let shown = top.display().to_string();
            (top, shown)
        }
    }
}

/// The canonical top level of the git work tree holding `dir`, if any.
pub fn git_top_level(dir: &Path) -> Option<PathBuf> {
    let repo = gix::discover(dir).ok()?;
    let work = repo.workdir()?;
    std::fs::canonicalize(work).ok()
}

/// `../..` from `from` up to its ancestor `to` (empty when equal); `None`
/// when `to` is not an ancestor of `from`.
fn relative_up(from: &Path, to: &Path) -> Option<PathBuf> {
    let rest = from.strip_prefix(to).ok()?;
    let mut up = PathBuf::new();
    for _ in rest.components() {
        up.push("..");
    }
    Some(up)
}

/// The checked root relative to the repository root, `/`-separated, with a
/// trailing `/` (empty when the root is the repository root or outside git).
pub fn report_prefix(index: &Index) -> String {
    let Some(git) = &index.git else {
        return String::new();
    };
    let root = std::fs::canonicalize(&index.root).unwrap_or_else(|_| index.root.clone());
    let work = std::fs::canonicalize(&git.workdir).unwrap_or_else(|_| git.workdir.clone());
    let Ok(rel) = root.strip_prefix(&work) else {
        return String::new();
    };
    let mut out = String::new();
    for c in rel.components() {
        out.push_str(&c.as_os_str().to_string_lossy());
        out.push('/');
    }
    out
}

/// Name every finding's path relative to the repository root. Findings from
/// git history (those naming a `commit`) already carry paths of the commit's
/// tree, which is the repository root: they stay as they are.
pub fn rebase(report: &mut Report, prefix: &str) {
    if prefix.is_empty() {
        return;
    }
    let services = report.services.iter_mut().flat_map(|s| s.checks.iter_mut());
    for check in report.checks.iter_mut().chain(services) {
        let suppressed = check.suppressed.iter_mut().map(|s| &mut s.finding);
        let waived = check.waived.iter_mut().map(|w| &mut w.finding);
        for f in check.findings.iter_mut().chain(suppressed).chain(waived) {
            if f.commit.is_some() {
                continue;
            }
            if let Some(p) = &mut f.path {
                p.insert_str(0, prefix);
            }
        }
    }
}

/// The file a result without a location of its own (a runbook that does not
/// exist at all) is anchored at in SARIF and GitLab Code Quality, relative to
/// the checked root: the readyctl configuration, else the readiness
/// checklist, else the README, else the first file at the root, else the
/// first file at all. `None` only for a root without files: a report never
/// points at a file that is not there.
pub fn repository_anchor(index: &Index, checklist: &str) -> Option<String> {
    let mut candidates: Vec<&str> = crate::config::CONFIG_NAMES.to_vec();
    candidates.push(checklist);
    if let Some(f) = candidates.iter().find_map(|c| index.get(c)) {
        return Some(f.path.clone());
    }
    index
        .files()
        .iter()
        .filter(|f| !f.path.contains('/'))
        .find(|f| {
            let stem = f.name().split('.').next().unwrap_or("");
            stem.eq_ignore_ascii_case("readme")
        })
        .or_else(|| index.files().iter().find(|f| !f.path.contains('/')))
        .or_else(|| index.files().first())
        .map(|f| f.path.clone())
}
