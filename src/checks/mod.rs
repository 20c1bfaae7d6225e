//! The built-in checks, one module per area. Adding a check means adding
//! it to its area's `checks()`; `list`, `explain`, every output format and
//! the docs come from the registry built here.

pub mod ci;
pub mod docs;
pub mod health;
pub mod monitoring;
pub mod secrets;
pub mod terraform;

use crate::engine::Check;

/// Every built-in check implemented in Rust.
pub fn builtin() -> Vec<Box<dyn Check>> {
    let mut all: Vec<Box<dyn Check>> = Vec::new();
    all.extend(ci::checks());
    all.extend(docs::checks());
    all.extend(health::checks());
    all.extend(monitoring::checks());
    all.extend(secrets::checks());
    all.extend(terraform::checks());
    all
}

use std::path::Path;

use crate::config::LoadedConfig;
use crate::engine::Registry;

/// The registry for a run on `root`: the built-in checks plus the
/// repository's declarative checks.
pub fn registry(root: &Path, config: &LoadedConfig) -> anyhow::Result<Registry> {
    let mut all = builtin();
    all.extend(crate::declarative::load(root, config)?);
    Ok(Registry::new(all)?)
}
