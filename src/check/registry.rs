//! The one registry every listing and run comes from, the selection of a
//! run (`--only`, `--skip`), and the validation of `readyctl.yaml`'s
//! references to check ids against it.

use std::collections::{BTreeSet, HashMap};

use crate::config::{ConfigError, LoadedConfig};

use super::Check;

/// Every check readyctl knows, built-in and declared, in (area, id) order.
pub struct Registry {
    checks: Vec<Box<dyn Check>>,
}

#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct RegistryError(pub String);

impl Registry {
    pub fn new(mut checks: Vec<Box<dyn Check>>) -> Result<Registry, RegistryError> {
        let mut seen: HashMap<String, String> = HashMap::new();
        for c in &checks {
            let m = c.meta();
            if let Some(prev) = seen.insert(m.id.clone(), m.source.clone()) {
                return Err(RegistryError(format!(
                    "{}: check id `{}` is already defined by {}",
                    m.source, m.id, prev
                )));
            }
        }
        checks.sort_by(|a, b| {
            let (a, b) = (a.meta(), b.meta());
            (&a.area, &a.id).cmp(&(&b.area, &b.id))
        });
        Ok(Registry { checks })
    }

    pub fn checks(&self) -> &[Box<dyn Check>] {
        &self.checks
    }

    pub fn get(&self, id: &str) -> Option<&dyn Check> {
        self.checks
            .iter()
            .find(|c| c.meta().id == id)
            .map(|c| c.as_ref())
    }

    pub fn ids(&self) -> BTreeSet<String> {
        self.checks.iter().map(|c| c.meta().id.clone()).collect()
    }
}

/// Globs over check ids (`terraform.*`, `docs.rollback`).
#[derive(Debug, Clone, Default)]
pub struct IdFilter {
    globs: Vec<globset::GlobMatcher>,
}

impl IdFilter {
    pub fn new<S: AsRef<str>>(patterns: &[S]) -> Result<IdFilter, String> {
        let mut globs = Vec::new();
        for p in patterns {
            let p = p.as_ref().trim();
            if p.is_empty() {
                continue;
            }
            globs.push(
                globset::Glob::new(p)
                    .map_err(|e| format!("invalid check glob `{p}`: {e}"))?
                    .compile_matcher(),
            );
        }
        Ok(IdFilter { globs })
    }

    pub fn is_empty(&self) -> bool {
        self.globs.is_empty()
    }

    pub fn matches(&self, id: &str) -> bool {
        self.globs.iter().any(|g| g.is_match(id))
    }
}

/// Which checks a run reports.
#[derive(Debug, Clone, Default)]
pub struct Selection {
    pub only: IdFilter,
    pub skip: IdFilter,
}

impl Selection {
    pub fn selects(&self, id: &str) -> bool {
        (self.only.is_empty() || self.only.matches(id)) && !self.skip.matches(id)
    }
}

/// Check `readyctl.yaml`'s references to check ids against the registry:
/// a typo must not silently disable or re-grade nothing.
pub fn validate_config(config: &LoadedConfig, registry: &Registry) -> Result<(), ConfigError> {
    let file = config.file_name();
    let ids = registry.ids();
    for s in &config.config.checks.skip {
        let filter = IdFilter::new(&[s.value.as_str()]).map_err(|e| ConfigError::at(file, s, e))?;
        if !ids.iter().any(|id| filter.matches(id)) {
            return Err(ConfigError::at(
                file,
                s,
                format!(
                    "checks.skip: `{}` matches no check (see `readyctl list`)",
                    s.value
                ),
            ));
        }
    }
    for (id, sev) in &config.config.checks.severity {
        if !ids.contains(id) {
            return Err(ConfigError::at(
                file,
                sev,
                format!("checks.severity: unknown check id `{id}` (see `readyctl list`)"),
            ));
        }
    }
    for e in &config.config.health.endpoints {
        crate::net::probe::validate_endpoint(&e.value).map_err(|m| {
            ConfigError::at(
                file,
                e,
                format!(
                    "health.endpoints: {}: {m}",
                    crate::repo::text::clip(&e.value.name, 40)
                ),
            )
        })?;
    }
    if let Err(e) = crate::repo::index::build_globset(
        &config
            .config
            .secrets
            .allow_paths
            .iter()
            .map(String::as_str)
            .collect::<Vec<_>>(),
    ) {
        return Err(ConfigError {
            file: file.to_string(),
            line: None,
            column: None,
            message: format!("secrets.allow_paths: invalid glob: {}", e.kind()),
        });
    }
    crate::findings::waivers::validate(config, registry)?;
    crate::findings::levels::validate(config, registry)?;
    Ok(())
}
