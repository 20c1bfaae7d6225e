//! The built-in checks, one module per area. Adding a check means adding
//! it to its area's `checks()`; `list`, `explain`, every output format and
//! the docs come from the registry built here.

pub mod ci;
pub mod container;
pub mod deploy;
pub mod docs;
pub mod health;
pub mod k8s;
pub mod monitoring;
mod on_view;
pub mod resilience;
pub mod secrets;
pub mod terraform;

use crate::check::Check;
pub(crate) use on_view::{check, on_view};

/// Every built-in check implemented in Rust.
pub fn builtin() -> Vec<Box<dyn Check>> {
    let mut all: Vec<Box<dyn Check>> = Vec::new();
    all.extend(ci::checks());
    all.extend(container::checks());
    all.extend(deploy::checks());
    all.extend(docs::checks());
    all.extend(health::checks());
    all.extend(k8s::checks());
    all.extend(monitoring::checks());
    all.extend(resilience::checks());
    all.extend(secrets::checks());
    all.extend(terraform::checks());
    all
}

use std::path::Path;

use crate::check::Registry;
use crate::config::LoadedConfig;

/// The registry for a run on `root`: the built-in checks plus the
/// repository's declarative checks.
pub fn registry(root: &Path, config: &LoadedConfig) -> anyhow::Result<Registry> {
    let mut all = builtin();
    all.extend(crate::declarative::load(root, config)?);
    Ok(Registry::new(all)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_builtin_check_documents_itself() {
        let all = builtin();
        assert!(!all.is_empty());
        for c in &all {
            let m = c.meta();
            assert!(
                m.explain.missing_sections().is_empty(),
                "{} lacks explain sections {:?}",
                m.id,
                m.explain.missing_sections()
            );
            assert!(!m.title.is_empty() && !m.fix_hint.is_empty(), "{}", m.id);
            let (area, name) = m.id.split_once('.').expect("id is area.name");
            assert_eq!(area, m.area);
            assert!(!name.is_empty() && m.id == m.id.to_lowercase(), "{}", m.id);
        }
        Registry::new(all).expect("ids are unique");
    }
}
