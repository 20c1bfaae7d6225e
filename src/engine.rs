//! The check engine: the `Check` trait, the one registry every listing and
//! run comes from, and the runner.
//!
//! Data flows one way: walk → index → checks → findings → report.

use std::collections::{BTreeSet, HashMap};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;

use rayon::prelude::*;

use crate::checklist::Checklist;
use crate::config::{ConfigError, LoadedConfig};
use crate::index::Index;
use crate::model::{CheckResult, Finding, Fix, Severity, Status};

/// The four sections of a check's documentation (`readyctl explain`).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Explain {
    pub what: String,
    pub why: String,
    pub fix: String,
    pub example: String,
}

impl Explain {
    /// Build from a Markdown text with the headings `## What it checks`,
    /// `## Why it matters`, `## How to fix` and `## Example`.
    pub fn from_markdown(text: &str) -> Explain {
        use pulldown_cmark::{Event, HeadingLevel, Parser, Tag, TagEnd};
        // Level-2 headings found by the Markdown parser (a `## ` line inside
        // a fenced example is code, not a section).
        let mut heads: Vec<(usize, usize, String)> = Vec::new();
        let mut open: Option<(usize, String)> = None;
        for (event, range) in Parser::new(text).into_offset_iter() {
            match event {
                Event::Start(Tag::Heading {
                    level: HeadingLevel::H2,
                    ..
                }) => open = Some((range.start, String::new())),
                Event::Text(t) | Event::Code(t) => {
                    if let Some((_, title)) = open.as_mut() {
                        title.push_str(&t);
                    }
                }
                Event::End(TagEnd::Heading(HeadingLevel::H2)) => {
                    if let Some((start, title)) = open.take() {
                        heads.push((start, range.end, title));
                    }
                }
                _ => {}
            }
        }
        let mut ex = Explain::default();
        for (i, (_, body_start, title)) in heads.iter().enumerate() {
            let body_end = heads.get(i + 1).map(|h| h.0).unwrap_or(text.len());
            let slot = match title.trim().to_ascii_lowercase().as_str() {
                "what it checks" => &mut ex.what,
                "why it matters" => &mut ex.why,
                "how to fix" => &mut ex.fix,
                "example" => &mut ex.example,
                _ => continue,
            };
            *slot = text[*body_start..body_end].trim().to_string();
        }
        ex
    }

    /// Names of the sections that are empty.
    pub fn missing_sections(&self) -> Vec<&'static str> {
        let mut out = Vec::new();
        for (name, s) in [
            ("What it checks", &self.what),
            ("Why it matters", &self.why),
            ("How to fix", &self.fix),
            ("Example", &self.example),
        ] {
            if s.trim().is_empty() {
                out.push(name);
            }
        }
        out
    }

    /// The Markdown form `readyctl explain` prints.
    pub fn to_markdown(&self) -> String {
        format!(
            "## What it checks\n\n{}\n\n## Why it matters\n\n{}\n\n## How to fix\n\n{}\n\n## Example\n\n{}\n",
            self.what, self.why, self.fix, self.example
        )
    }
}

/// Everything readyctl knows about a check besides how it runs.
#[derive(Debug, Clone)]
pub struct CheckMeta {
    /// `area.name`, lower case.
    pub id: String,
    pub area: String,
    pub title: String,
    pub severity: Severity,
    pub explain: Explain,
    /// One line: how to make it pass.
    pub fix_hint: String,
    /// The `readyctl scaffold` kind that fixes it, if any.
    pub scaffold: Option<String>,
    /// Where the check comes from: `builtin` or the file that declares it.
    pub source: String,
}

impl CheckMeta {
    /// Metadata for a built-in check; the area is the id's prefix.
    pub fn builtin(
        id: &str,
        title: &str,
        severity: Severity,
        explain_md: &str,
        fix_hint: &str,
        scaffold: Option<&str>,
    ) -> CheckMeta {
        CheckMeta {
            id: id.to_string(),
            area: id.split('.').next().unwrap_or(id).to_string(),
            title: title.to_string(),
            severity,
            explain: Explain::from_markdown(explain_md),
            fix_hint: fix_hint.to_string(),
            scaffold: scaffold.map(str::to_string),
            source: "builtin".to_string(),
        }
    }
}

/// Options of one run that checks may look at.
#[derive(Debug, Clone, Default)]
pub struct RunOptions {
    /// No network: network checks report `skip`.
    pub offline: bool,
    /// Secrets: scan every commit reachable from HEAD.
    pub history: bool,
    /// Checks may show progress bars on stderr (off with `--no-progress`).
    pub progress: bool,
}

/// What a check sees.
pub struct Context<'a> {
    pub root: &'a Path,
    pub index: &'a Index,
    pub config: &'a LoadedConfig,
    pub options: &'a RunOptions,
    /// Every check id the registry knows.
    pub known_ids: &'a BTreeSet<String>,
    /// The readiness checklist, parsed once (None when the file is absent).
    pub checklist: Option<&'a Checklist>,
    /// Results of the main phase, for checks of the final phase.
    pub results: &'a [CheckResult],
}

/// When a check runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// In parallel with the other checks.
    Main,
    /// After the main phase, with its results (the readiness checklist).
    Final,
}

/// What a check returns; the engine adds the metadata.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub status: Status,
    pub message: String,
    pub findings: Vec<Finding>,
    /// What the check read, for machines (`evidence` in the JSON report).
    pub evidence: Option<serde_json::Value>,
    /// Accepted findings that do not fail the check (see [`Outcome::with_suppressed`]).
    pub suppressed: Vec<crate::model::Suppressed>,
}

impl Outcome {
    pub fn pass(message: impl Into<String>) -> Outcome {
        Outcome {
            status: Status::Pass,
            message: message.into(),
            findings: Vec::new(),
            evidence: None,
            suppressed: Vec::new(),
        }
    }

    pub fn fail(message: impl Into<String>, findings: Vec<Finding>) -> Outcome {
        Outcome {
            status: Status::Fail,
            message: message.into(),
            findings,
            evidence: None,
            suppressed: Vec::new(),
        }
    }

    pub fn skip(message: impl Into<String>) -> Outcome {
        Outcome {
            status: Status::Skip,
            message: message.into(),
            findings: Vec::new(),
            evidence: None,
            suppressed: Vec::new(),
        }
    }

    /// The check could not run; the gate fails closed.
    pub fn error(message: impl Into<String>) -> Outcome {
        Outcome {
            status: Status::Error,
            message: message.into(),
            findings: Vec::new(),
            evidence: None,
            suppressed: Vec::new(),
        }
    }

    /// `pass(ok)` when `findings` is empty, else `fail(bad)`.
    pub fn from_findings(
        findings: Vec<Finding>,
        ok: impl Into<String>,
        bad: impl Into<String>,
    ) -> Outcome {
        if findings.is_empty() {
            Outcome::pass(ok)
        } else {
            Outcome::fail(bad, findings)
        }
    }

    pub fn with_findings(mut self, findings: Vec<Finding>) -> Outcome {
        self.findings = findings;
        self
    }

    /// Attach what the check read (shown under `evidence` in JSON).
    pub fn with_evidence(mut self, evidence: serde_json::Value) -> Outcome {
        self.evidence = Some(evidence);
        self
    }

    /// Keep accepted findings visible in the reports without failing.
    pub fn with_suppressed(mut self, suppressed: Vec<crate::model::Suppressed>) -> Outcome {
        self.suppressed = suppressed;
        self
    }
}

/// A check: metadata plus a function from the index to an outcome.
pub trait Check: Send + Sync {
    fn meta(&self) -> &CheckMeta;
    fn run(&self, ctx: &Context) -> Outcome;
    fn phase(&self) -> Phase {
        Phase::Main
    }
    /// Ids of checks whose results this check reads (final phase only).
    fn needs(&self, _ctx_checklist: Option<&Checklist>) -> Vec<String> {
        Vec::new()
    }
}

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
        crate::probe::validate_endpoint(&e.value).map_err(|m| {
            ConfigError::at(
                file,
                e,
                format!(
                    "health.endpoints: {}: {m}",
                    crate::text::clip(&e.value.name, 40)
                ),
            )
        })?;
    }
    if let Err(e) = crate::index::build_globset(
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
    crate::waivers::validate(config, registry)?;
    crate::levels::validate(config, registry)?;
    Ok(())
}

/// The results of a run.
pub struct RunResults {
    /// The selected checks, in (area, id) order: what the report shows.
    pub reported: Vec<CheckResult>,
    /// Every check that ran, including those only the checklist needed.
    pub all: Vec<CheckResult>,
    /// Expired and stale waivers (SPEC §10).
    pub waivers: crate::model::WaiverNotes,
}

/// Run the selected checks.
///
/// Checks the readiness checklist reads are run even when not selected,
/// but only selected checks are reported. Checks skipped in `readyctl.yaml`
/// are reported as `skip`.
pub fn run(
    registry: &Registry,
    selection: &Selection,
    root: &Path,
    index: &Index,
    config: &LoadedConfig,
    options: &RunOptions,
    progress: &(dyn Fn(&str) + Sync),
) -> RunResults {
    run_scoped(
        registry,
        selection,
        root,
        index,
        config,
        options,
        progress,
        &[],
    )
}

/// [`run`], given results computed elsewhere (a service's run is given the
/// repository-wide results): those checks are not run again, and final
/// checks (the checklist) read them with this run's results.
#[allow(clippy::too_many_arguments)]
pub fn run_scoped(
    registry: &Registry,
    selection: &Selection,
    root: &Path,
    index: &Index,
    config: &LoadedConfig,
    options: &RunOptions,
    progress: &(dyn Fn(&str) + Sync),
    given: &[CheckResult],
) -> RunResults {
    let known_ids = registry.ids();
    let checklist = crate::checklist::load(index, config.checklist());
    let checklist_ref = match &checklist {
        Some(Ok(c)) => Some(c),
        _ => None,
    };
    let config_skip = IdFilter::new(
        &config
            .config
            .checks
            .skip
            .iter()
            .map(|s| s.value.as_str())
            .collect::<Vec<_>>(),
    )
    .unwrap_or_default();
    let waivers =
        crate::waivers::Waivers::new(config, index, &known_ids, crate::waivers::Date::today());

    let selected: Vec<&dyn Check> = registry
        .checks()
        .iter()
        .map(|c| c.as_ref())
        .filter(|c| selection.selects(&c.meta().id))
        .collect();

    // The main-phase checks to run: selected ones plus what final checks need.
    let mut wanted: BTreeSet<String> = selected.iter().map(|c| c.meta().id.clone()).collect();
    for c in &selected {
        if c.phase() == Phase::Final {
            wanted.extend(c.needs(checklist_ref));
        }
    }
    let main: Vec<&dyn Check> = registry
        .checks()
        .iter()
        .map(|c| c.as_ref())
        .filter(|c| c.phase() == Phase::Main && wanted.contains(&c.meta().id))
        .filter(|c| !given.iter().any(|g| g.id == c.meta().id))
        .collect();

    let run_one = |c: &dyn Check, results: &[CheckResult]| -> CheckResult {
        let meta = c.meta();
        progress(&meta.id);
        let outcome = if config_skip.matches(&meta.id) {
            Outcome::skip(format!("skipped in {}", config.file_name()))
        } else {
            let ctx = Context {
                root,
                index,
                config,
                options,
                known_ids: &known_ids,
                checklist: checklist_ref,
                results,
            };
            match catch_unwind(AssertUnwindSafe(|| c.run(&ctx))) {
                Ok(o) => o,
                Err(p) => {
                    let why = p
                        .downcast_ref::<&str>()
                        .map(|s| s.to_string())
                        .or_else(|| p.downcast_ref::<String>().cloned())
                        .unwrap_or_else(|| "unknown".into());
                    Outcome::error(format!("internal error in check (please report it): {why}"))
                }
            }
        };
        let severity = config
            .config
            .checks
            .severity
            .get(&meta.id)
            .map(|s| s.value)
            .unwrap_or(meta.severity);
        let fix = matches!(outcome.status, Status::Fail | Status::Error).then(|| Fix {
            hint: meta.fix_hint.clone(),
            scaffold: meta.scaffold.clone(),
        });
        let mut result = CheckResult {
            id: meta.id.clone(),
            area: meta.area.clone(),
            title: meta.title.clone(),
            severity,
            status: outcome.status,
            message: outcome.message,
            findings: outcome.findings,
            fix,
            evidence: outcome.evidence,
            suppressed: outcome.suppressed,
            waived: Vec::new(),
        };
        waivers.apply(&mut result, meta);
        cap_findings(&mut result.findings);
        result
    };

    let mut results: Vec<CheckResult> = main.par_iter().map(|c| run_one(*c, &[])).collect();
    let seen: Vec<CheckResult> = results.iter().chain(given).cloned().collect();
    let finals: Vec<CheckResult> = selected
        .iter()
        .filter(|c| c.phase() == Phase::Final)
        .map(|c| run_one(*c, &seen))
        .collect();
    results.extend(finals);
    results.sort_by(|a, b| (&a.area, &a.id).cmp(&(&b.area, &b.id)));
    let reported: Vec<CheckResult> = results
        .iter()
        .filter(|r| selection.selects(&r.id))
        .cloned()
        .collect();
    let waivers = waivers.notes(&reported);
    RunResults {
        reported,
        all: results,
        waivers,
    }
}

/// The most findings one check lists; past it, one last finding counts the
/// rest, at the place of the first one left out. (200,000 unresolved items
/// of one checklist took 1.75 GB to render as SARIF, 830 MB as GitLab
/// JSON; no one reads that far.)
pub const MAX_FINDINGS_PER_CHECK: usize = 1000;

fn cap_findings(findings: &mut Vec<crate::model::Finding>) {
    if findings.len() <= MAX_FINDINGS_PER_CHECK {
        return;
    }
    let rest = findings.len() - MAX_FINDINGS_PER_CHECK;
    let first_left = &findings[MAX_FINDINGS_PER_CHECK];
    let mut more = crate::model::Finding::new(format!(
        "{rest} more findings not listed (a check lists at most {MAX_FINDINGS_PER_CHECK})"
    ));
    more.path = first_left.path.clone();
    more.line = first_left.line;
    findings.truncate(MAX_FINDINGS_PER_CHECK);
    findings.push(more);
    findings.shrink_to_fit();
}

/// How many checks [`run`] will run for `selection` (for progress bars).
pub fn planned(registry: &Registry, selection: &Selection) -> usize {
    registry
        .checks()
        .iter()
        .filter(|c| selection.selects(&c.meta().id))
        .count()
}
