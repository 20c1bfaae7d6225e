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

/// The closing words of a "matches no check" error: the nearest check id
/// (or `area.*` for a glob) when one is a typo away, and where the ids are
/// listed, e.g. ``(did you mean `ci.present`? see `readyctl list`)``.
pub fn no_match_hint<'a>(pattern: &str, ids: impl IntoIterator<Item = &'a String>) -> String {
    let pattern = pattern.trim();
    let mut candidates: BTreeSet<String> = BTreeSet::new();
    for id in ids {
        candidates.insert(id.clone());
        if let Some((area, _)) = id.split_once('.') {
            candidates.insert(format!("{area}.*"));
        }
    }
    // Up to two edits (three for long ids): a typo, not another check.
    let limit = if pattern.chars().count() > 15 { 3 } else { 2 };
    let nearest = candidates
        .iter()
        .filter(|c| pattern.contains('*') == c.contains('*'))
        .map(|c| (strsim::damerau_levenshtein(pattern, c), c))
        .filter(|(d, _)| *d > 0 && *d <= limit)
        .min();
    match nearest {
        Some((_, c)) => format!("(did you mean `{c}`? see `readyctl list`)"),
        None => "(see `readyctl list`)".to_string(),
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
                    "checks.skip: `{}` matches no check {}",
                    s.value,
                    no_match_hint(&s.value, &ids)
                ),
            ));
        }
    }
    for (id, sev) in &config.config.checks.severity {
        if !ids.contains(id) {
            return Err(ConfigError::at(
                file,
                sev,
                format!(
                    "checks.severity: unknown check id `{id}` {}",
                    no_match_hint(id, &ids)
                ),
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

#[cfg(test)]
mod tests {
    use super::no_match_hint;

    #[test]
    fn a_typo_gets_the_nearest_id_and_anything_else_the_list() {
        let ids: Vec<String> = ["ci.present", "ci.runs-tests", "secrets.none-committed"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let hint = |p: &str| no_match_hint(p, &ids);
        assert_eq!(
            hint("ci.presnt"),
            "(did you mean `ci.present`? see `readyctl list`)"
        );
        assert_eq!(
            hint("secrets.none-comitted"),
            "(did you mean `secrets.none-committed`? see `readyctl list`)"
        );
        // A glob is matched against areas, a name against names.
        assert_eq!(
            hint("secret.*"),
            "(did you mean `secrets.*`? see `readyctl list`)"
        );
        assert_eq!(hint("nothing.*"), "(see `readyctl list`)");
        assert_eq!(hint("terraform.valid"), "(see `readyctl list`)");
    }
}
