//! `terraform.*`: Terraform hygiene — syntax, version and provider pins,
//! remote state, lock files and sensitive variables.
//!
//! Every check reads the one [`model::Model`] of the run: each file is
//! parsed once and shared. (`terraform.present` is a declarative check.)

mod for_newlines;
mod lockfile;
pub mod model;
pub mod parse_budget;
pub mod per_run;
mod providers_pinned;
mod remote_state;
mod sensitive_variables;
mod valid;
mod version_pinned;

use crate::engine::{Check, Outcome};

/// The `terraform.*` checks (SPEC §3).
pub fn checks() -> Vec<Box<dyn Check>> {
    vec![
        Box::new(valid::Valid::new()),
        Box::new(version_pinned::VersionPinned::new()),
        Box::new(providers_pinned::ProvidersPinned::new()),
        Box::new(remote_state::RemoteState::new()),
        Box::new(lockfile::Lockfile::new()),
        Box::new(sensitive_variables::SensitiveVariables::new()),
    ]
}

/// The outcome when the repository has no Terraform.
pub(crate) fn no_terraform() -> Outcome {
    Outcome::skip("no Terraform files")
}

/// The outcome of a check that cannot look at the model: `skip` without
/// Terraform, `error` when the run's parse budget left files unparsed.
pub(crate) fn unavailable(m: &model::Model) -> Option<Outcome> {
    if m.is_empty() {
        return Some(no_terraform());
    }
    m.budget_error().map(Outcome::error)
}

pub(crate) fn plural(n: usize, word: &str) -> String {
    format!("{n} {word}{}", if n == 1 { "" } else { "s" })
}

/// What a check did not look at: " (N modules in tests or examples not
/// checked; M unparsable files skipped: see terraform.valid)" or "".
pub(crate) fn examples_note(m: &model::Model) -> String {
    let mut parts = Vec::new();
    match m.example_count() {
        0 => {}
        n => parts.push(format!(
            "{} in tests or examples not checked",
            plural(n, "module")
        )),
    }
    match m.files.iter().filter(|f| f.parsed.is_err()).count() {
        0 => {}
        n => parts.push(format!(
            "{} skipped: see terraform.valid",
            plural(n, "unparsable file")
        )),
    }
    if parts.is_empty() {
        String::new()
    } else {
        format!(" ({})", parts.join("; "))
    }
}

/// `dir` for messages: "." for the repository root.
pub(crate) fn shown(dir: &str) -> &str {
    if dir.is_empty() { "." } else { dir }
}
