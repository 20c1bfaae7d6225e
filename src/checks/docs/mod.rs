//! `docs.*`: the documents a team needs to ship and roll back safely.

mod disaster_recovery;
mod incident_response;
mod placeholders;
mod readiness_checklist;
mod rollback;
mod runbook;

pub use placeholders::{SCAFFOLD_PLACEHOLDER, placeholders_in};
pub use runbook::is_runbook_path;

use regex::Regex;

use crate::check::Check;
use crate::repo::index::{FileEntry, Index};
use crate::views::markdown::{Doc, Section};

pub fn checks() -> Vec<Box<dyn Check>> {
    vec![
        Box::new(readiness_checklist::ReadinessChecklist::new()),
        Box::new(runbook::Runbook::new()),
        Box::new(rollback::Rollback::new()),
        Box::new(disaster_recovery::DisasterRecovery::new()),
        Box::new(placeholders::Placeholders::new()),
        Box::new(incident_response::IncidentResponse::new()),
    ]
}

/// A case-insensitive regex from a literal pattern of ours.
pub(crate) fn ci(pattern: &str) -> Regex {
    Regex::new(&format!("(?i){pattern}")).expect("valid built-in regex")
}

/// Every Markdown document of the product (SPEC §9), with its structure.
/// Release notes and changelogs record what happened; they are never a
/// procedure ("### Reverts" is not a rollback plan).
pub(crate) fn documents(index: &Index) -> impl Iterator<Item = (&FileEntry, &Doc)> {
    index
        .markdown()
        .filter(|f| !is_release_notes(&f.path))
        .filter_map(|f| f.markdown().map(|d| (f, d)))
}

/// CHANGELOG.md, HISTORY.md, RELEASE_NOTES.md, NEWS.md, changelog/… and the like.
pub(crate) fn is_release_notes(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    let name = lower.rsplit('/').next().unwrap_or(&lower);
    let stem = name.split('.').next().unwrap_or(name);
    let stem = stem.replace(['-', '_', ' '], "");
    matches!(
        stem.as_str(),
        "changelog" | "changes" | "history" | "news" | "releasenotes"
    ) || lower.split('/').rev().skip(1).any(|d| {
        matches!(
            d.replace(['-', '_'], "").as_str(),
            "changelog" | "changelogs" | "releasenotes" | "changes"
        )
    })
}

/// Sections whose title matches `re`, across every document.
pub(crate) fn sections<'a>(index: &'a Index, re: &'a Regex) -> Vec<(&'a FileEntry, &'a Section)> {
    documents(index)
        .flat_map(|(f, d)| d.sections_matching(re).map(move |s| (f, s)))
        .filter(|(_, s)| !TLDR.is_match(&s.title))
        .collect()
}

/// "TL;DR" is a summary, not disaster recovery.
static TLDR: std::sync::LazyLock<Regex> = std::sync::LazyLock::new(|| ci(r"^\s*tl;?\s*dr\b"));
