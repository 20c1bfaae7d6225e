//! `secrets.*` checks: no secret committed (working tree and, with
//! `--history`, every commit), no sensitive file committed, and a
//! `.gitignore` that keeps them out.

pub mod baseline;
pub mod gitignore;
pub mod history;
pub mod keywords;
pub mod none_committed;
pub mod packs;
pub mod placeholder;
pub mod rules;
pub mod scanner;
pub mod sensitive_files;

use crate::check::Check;

/// The `secrets.*` checks (SPEC §3).
pub fn checks() -> Vec<Box<dyn Check>> {
    vec![
        Box::new(gitignore::Gitignore::new()),
        Box::new(none_committed::NoneCommitted::new()),
        Box::new(sensitive_files::SensitiveFiles::new()),
    ]
}
