//! Readiness levels (SPEC §11).
//!
//! Levels are an ordered list, lowest first, each naming checks by id or
//! glob. A level is reached when every check it names, and every check of
//! the levels below, passes or is skipped. Without `levels:` in
//! `readyctl.yaml` the built-in bronze, silver and gold apply.

use std::collections::BTreeSet;

use schemars::JsonSchema;
use serde::Deserialize;
use serde_saphyr::Spanned;

use crate::check::{IdFilter, Registry};
use crate::config::{ConfigError, LoadedConfig};
use crate::findings::{CheckResult, LevelStatus, Report, Status};

/// One entry of `levels:` in `readyctl.yaml`.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LevelConfig {
    /// The level's name, e.g. `bronze`.
    #[schemars(with = "String")]
    pub name: Spanned<String>,
    /// Check ids or globs (`docs.*`) that must pass or be skipped, in
    /// addition to the checks of the levels below.
    #[schemars(with = "Vec<String>")]
    pub checks: Vec<Spanned<String>>,
}

/// A level, ready to evaluate.
#[derive(Debug, Clone)]
pub struct Level {
    pub name: String,
    /// The globs as written.
    pub checks: Vec<String>,
    /// What this level is for (built-in levels only).
    pub about: Option<&'static str>,
    filter: IdFilter,
}

impl Level {
    fn new(name: &str, checks: &[&str], about: Option<&'static str>) -> Level {
        Level {
            name: name.to_string(),
            checks: checks.iter().map(|s| s.to_string()).collect(),
            about,
            filter: IdFilter::new(checks).unwrap_or_default(),
        }
    }

    /// Does this level name check `id`?
    pub fn names(&self, id: &str) -> bool {
        self.filter.matches(id)
    }
}

/// Built-in bronze: the minimum to deploy at all.
pub const BRONZE: &[&str] = &[
    "ci.present",
    "ci.valid",
    "docs.runbook",
    "docs.rollback",
    "secrets.none-committed",
    "secrets.sensitive-files",
];

/// Built-in silver: operated, not only deployed.
pub const SILVER: &[&str] = &[
    "ci.runs-tests",
    "ci.release-gate",
    "docs.readiness-checklist",
    "docs.disaster-recovery",
    "docs.incident-response",
    "health.declared",
    "monitoring.configured",
    "secrets.*",
    "terraform.present",
    "terraform.valid",
];

/// Built-in gold: every check readyctl runs, of every area (checks added to
/// readyctl later, and the repository's own declarative checks, included).
pub const GOLD: &[&str] = &["*"];

/// The built-in levels.
pub fn builtin() -> Vec<Level> {
    vec![
        Level::new(
            "bronze",
            BRONZE,
            Some("deployable: a pipeline, a runbook, a rollback procedure, no committed secrets"),
        ),
        Level::new(
            "silver",
            SILVER,
            Some(
                "operable: tested and gated in CI, checklist resolved, health and monitoring \
                 declared, infrastructure as code, recovery and incident response documented",
            ),
        ),
        Level::new(
            "gold",
            GOLD,
            Some("everything readyctl can verify passes (or does not apply)"),
        ),
    ]
}

/// The levels of `config`, or the built-in ones.
pub fn levels(config: &LoadedConfig) -> Vec<Level> {
    match &config.config.levels {
        Some(list) => list
            .value
            .iter()
            .map(|l| {
                let globs: Vec<&str> = l.checks.iter().map(|s| s.value.as_str()).collect();
                Level {
                    name: l.name.value.trim().to_string(),
                    checks: globs.iter().map(|s| s.to_string()).collect(),
                    about: None,
                    filter: IdFilter::new(&globs).unwrap_or_default(),
                }
            })
            .collect(),
        None => builtin(),
    }
}

/// Check `levels:` against the registry: at least one level, names unique
/// and not empty, every level names at least one check and every glob
/// matches a known check. Errors name file:line.
pub fn validate(config: &LoadedConfig, registry: &Registry) -> Result<(), ConfigError> {
    let Some(list) = &config.config.levels else {
        return Ok(());
    };
    let file = config.file_name();
    if list.value.is_empty() {
        return Err(ConfigError::at(
            file,
            list,
            "levels: the list is empty: name at least one level, or remove `levels:` to use bronze, silver and gold",
        ));
    }
    let ids = registry.ids();
    let mut seen = BTreeSet::new();
    for l in &list.value {
        let name = l.name.value.trim();
        if name.is_empty() {
            return Err(ConfigError::at(
                file,
                &l.name,
                "levels: a level needs a name",
            ));
        }
        if !seen.insert(name.to_string()) {
            return Err(ConfigError::at(
                file,
                &l.name,
                format!("levels: `{name}` is defined twice"),
            ));
        }
        if l.checks.is_empty() {
            return Err(ConfigError::at(
                file,
                &l.name,
                format!("levels: `{name}` names no checks"),
            ));
        }
        for g in &l.checks {
            let filter = IdFilter::new(&[g.value.as_str()])
                .map_err(|e| ConfigError::at(file, g, format!("levels: {e}")))?;
            if !ids.iter().any(|id| filter.matches(id)) {
                return Err(ConfigError::at(
                    file,
                    g,
                    format!(
                        "levels: `{}` of level `{name}` matches no check {}",
                        g.value,
                        crate::check::registry::no_match_hint(&g.value, &ids)
                    ),
                ));
            }
        }
    }
    Ok(())
}

/// The level named `name`, as an index into `levels`; the error lists the
/// names there are.
pub fn find(levels: &[Level], name: &str) -> Result<usize, String> {
    levels.iter().position(|l| l.name == name).ok_or_else(|| {
        let names: Vec<&str> = levels.iter().map(|l| l.name.as_str()).collect();
        format!(
            "--min-level: unknown level `{name}` (levels: {}; see `readyctl list --levels`)",
            names.join(", ")
        )
    })
}

/// The level `checks` reach. `known` is every check id the registry knows: a
/// check a level names that is not in `checks` (not run: `--only`, `--skip`)
/// does not count as passed.
pub fn evaluate(levels: &[Level], known: &BTreeSet<String>, checks: &[CheckResult]) -> LevelStatus {
    let ok = |id: &str| {
        checks
            .iter()
            .find(|c| c.id == id)
            .is_some_and(|c| matches!(c.status, Status::Pass | Status::Skip))
    };
    let mut status = LevelStatus::default();
    for level in levels {
        let missing: Vec<String> = known
            .iter()
            .filter(|id| level.names(id) && !ok(id))
            .cloned()
            .collect();
        if missing.is_empty() {
            status.reached = Some(level.name.clone());
            continue;
        }
        // Report order: (area, id), as the checks are listed.
        let mut missing = missing;
        let order = |id: &String| {
            checks
                .iter()
                .position(|c| &c.id == id)
                .unwrap_or(usize::MAX)
        };
        missing.sort_by_key(|id| (order(id), id.clone()));
        status.next = Some(level.name.clone());
        status.missing = missing;
        break;
    }
    status
}

/// Set `report.level`, and with `min_level` (an index into `levels`) decide
/// `ready` by it: reached at least that level and no check could not run.
pub fn annotate(
    report: &mut Report,
    levels: &[Level],
    known: &BTreeSet<String>,
    min_level: Option<usize>,
) {
    let status = evaluate(levels, known, &report.checks);
    if let Some(min) = min_level {
        let reached = status
            .reached
            .as_deref()
            .and_then(|r| levels.iter().position(|l| l.name == r));
        let errors = report.checks.iter().any(|c| c.status == Status::Error);
        report.ready = reached.is_some_and(|r| r >= min) && !errors;
    }
    report.level = Some(status);
}

/// With services (SPEC §12b): each service's level counts the
/// repository-wide checks and its own; the repository's level is the lowest
/// of its services', and with `min_level` every service must reach it.
pub fn annotate_services(
    report: &mut Report,
    levels: &[Level],
    known: &BTreeSet<String>,
    min_level: Option<usize>,
) {
    let rank = |s: &LevelStatus| {
        s.reached
            .as_deref()
            .and_then(|r| levels.iter().position(|l| l.name == r))
            .map_or(0, |i| i + 1)
    };
    let errors = report.checks.iter().any(|c| c.status == Status::Error);
    let mut lowest: Option<LevelStatus> = None;
    let mut all_reach = true;
    for s in &mut report.services {
        let mut checks = report.checks.clone();
        checks.extend(s.checks.iter().cloned());
        let status = evaluate(levels, known, &checks);
        if let Some(min) = min_level {
            let ok = rank(&status) > min && !s.checks.iter().any(|c| c.status == Status::Error);
            all_reach &= ok;
            s.ready = ok && !errors;
        }
        if lowest.as_ref().is_none_or(|l| rank(&status) < rank(l)) {
            lowest = Some(status.clone());
        }
        s.level = serde_json::to_value(&status).ok();
    }
    if let Some(l) = lowest {
        report.level = Some(l);
    }
    if min_level.is_some() {
        report.ready = all_reach && !errors;
    }
}

/// One line for the top of the human report.
pub fn line(status: &LevelStatus) -> String {
    let reached = status.reached.as_deref().unwrap_or("none");
    match &status.next {
        None => format!("level: {reached} (the highest)"),
        Some(next) => {
            const SHOWN: usize = 6;
            let mut ids: Vec<&str> = status
                .missing
                .iter()
                .take(SHOWN)
                .map(String::as_str)
                .collect();
            let more = status.missing.len().saturating_sub(SHOWN);
            let more = if more > 0 {
                format!(" and {more} more")
            } else {
                String::new()
            };
            if ids.is_empty() {
                ids.push("-");
            }
            format!("level: {reached} · {next} needs: {}{more}", ids.join(", "))
        }
    }
}

/// The built-in levels as a Markdown section of `docs/checks.md`: each
/// level, what it is for, and the checks it adds to the levels below.
pub fn markdown(registry: &Registry) -> String {
    let ids = registry.ids();
    let mut out = String::from(
        "\n## Readiness levels\n\n\
         Built-in levels (`readyctl list --levels`; `levels:` in `readyctl.yaml` replaces them). \
         A level is reached when every check it names, and every check of the levels below, \
         passes or is skipped; `readyctl check --min-level NAME` gates on it.\n\n\
         | level | for | adds these checks |\n| --- | --- | --- |\n",
    );
    let mut below: Vec<&str> = Vec::new();
    for l in builtin() {
        let own: Vec<&str> = ids
            .iter()
            .filter(|id| l.names(id) && !below.contains(&id.as_str()))
            .map(String::as_str)
            .collect();
        let listed: Vec<String> = own.iter().map(|id| format!("`{id}`")).collect();
        let globs: Vec<String> = l.checks.iter().map(|g| format!("`{g}`")).collect();
        let from = if l.checks.iter().any(|g| g.contains(['*', '?'])) {
            format!(" (from {})", globs.join(", "))
        } else {
            String::new()
        };
        out.push_str(&format!(
            "| {} | {} | {}{from} |\n",
            l.name,
            l.about.unwrap_or(""),
            listed.join(", "),
        ));
        below.extend(own);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::findings::Severity;

    fn result(id: &str, status: Status) -> CheckResult {
        CheckResult {
            id: id.into(),
            area: id.split('.').next().unwrap().into(),
            title: id.into(),
            severity: Severity::Error,
            status,
            message: String::new(),
            findings: vec![],
            fix: None,
            waived: vec![],
            evidence: None,
            suppressed: vec![],
        }
    }

    #[test]
    fn reached_is_the_highest_complete_prefix() {
        let levels = vec![
            Level::new("one", &["a.*"], None),
            Level::new("two", &["b.x"], None),
            Level::new("three", &["*"], None),
        ];
        let known: BTreeSet<String> = ["a.x", "a.y", "b.x", "c.z"].map(String::from).into();
        let checks = vec![
            result("a.x", Status::Pass),
            result("a.y", Status::Skip),
            result("b.x", Status::Pass),
            result("c.z", Status::Fail),
        ];
        let s = evaluate(&levels, &known, &checks);
        assert_eq!(s.reached.as_deref(), Some("two"));
        assert_eq!(s.next.as_deref(), Some("three"));
        assert_eq!(s.missing, vec!["c.z"]);

        // A check not run counts as missing.
        let s = evaluate(&levels, &known, &checks[1..]);
        assert_eq!(s.reached, None);
        assert_eq!(s.missing, vec!["a.x"]);
    }
}
