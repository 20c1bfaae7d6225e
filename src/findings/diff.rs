//! Comparing two JSON reports (SPEC §12): the pull-request gate.
//!
//! Checks are matched by id, findings by [`crate::findings::fingerprint`] (check id,
//! path, rule, message without line numbers), so a finding whose line moved
//! is the same finding. A failure without findings is matched as one
//! check-level finding.

use std::collections::HashMap;

use serde::Serialize;

use crate::findings::levels::Level;
use crate::findings::{CheckResult, FailOn, Finding, Report, Severity, Status, Waived};

pub const DIFF_SCHEMA: &str = "readyctl.diff/v1";

/// What one report says, in short.
#[derive(Debug, Clone, Serialize)]
pub struct Side {
    pub root: String,
    pub version: String,
    pub ready: bool,
    /// The level reached (`null`: none, or a report without levels).
    pub level: Option<String>,
    /// Ids of the checks that fail or could not run.
    pub failing: Vec<String>,
}

impl Side {
    fn of(r: &Report) -> Side {
        Side {
            root: r.root.clone(),
            version: r.version.clone(),
            ready: r.ready,
            level: r.level.as_ref().and_then(|l| l.reached.clone()),
            failing: r
                .checks
                .iter()
                .filter(|c| matches!(c.status, Status::Fail | Status::Error))
                .map(|c| c.id.clone())
                .collect(),
        }
    }
}

/// How the level moved.
#[derive(Debug, Clone, Serialize)]
pub struct LevelChange {
    pub base: Option<String>,
    pub head: Option<String>,
    /// `lower`, `higher`, `same`, `changed` (names the configuration does not
    /// order) or `unknown` (a report without a level).
    pub change: &'static str,
    /// A lower level counts as a regression of severity `warning`.
    pub blocking: bool,
}

/// What changed for one check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    /// Passed (or was skipped) and now fails.
    NewlyFailing,
    /// Failed and fails with findings it did not have.
    NewFindings,
    /// Not in the base report, and fails.
    NewCheck,
    /// Could not run in head (`status: error`).
    CouldNotRun,
    /// Failed and now passes (or is skipped).
    Fixed,
    /// Still fails, with fewer findings.
    FixedFindings,
    /// Findings that are now waived.
    Waived,
}

impl Kind {
    pub fn describe(self) -> &'static str {
        match self {
            Kind::NewlyFailing => "newly failing",
            Kind::NewFindings => "new findings",
            Kind::NewCheck => "new check, failing",
            Kind::CouldNotRun => "could not run",
            Kind::Fixed => "fixed",
            Kind::FixedFindings => "findings fixed",
            Kind::Waived => "newly waived",
        }
    }
}

/// A finding and its fingerprint.
#[derive(Debug, Clone, Serialize)]
pub struct DiffFinding {
    #[serde(flatten)]
    pub finding: Finding,
    pub fingerprint: String,
    /// For newly waived findings: the waiver's reason, owner and expiry.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub waiver: Option<WaiverInfo>,
}

#[derive(Debug, Clone, Serialize)]
pub struct WaiverInfo {
    pub reason: String,
    pub owner: Option<String>,
    pub expires: Option<String>,
    pub waiver: String,
}

/// One check's change.
#[derive(Debug, Clone, Serialize)]
pub struct Change {
    pub id: String,
    pub title: String,
    pub severity: Severity,
    pub kind: Kind,
    pub base_status: Option<Status>,
    pub head_status: Option<Status>,
    /// The head's message (the base's for a fixed check).
    pub message: String,
    pub findings: Vec<DiffFinding>,
    /// At or above `--fail-on`: makes the exit code 1.
    pub blocking: bool,
}

/// The whole comparison.
#[derive(Debug, Clone, Serialize)]
pub struct Diff {
    pub schema: &'static str,
    pub base: Side,
    pub head: Side,
    pub fail_on: &'static str,
    /// Anything regressed at or above `--fail-on`: exit 1.
    pub regressed: bool,
    pub level: LevelChange,
    pub regressions: Vec<Change>,
    pub improvements: Vec<Change>,
    /// Findings that a waiver or inline ignore took out since the base.
    pub waived: Vec<Change>,
    /// Checks that failed in both, with no new findings.
    pub unchanged: Vec<String>,
}

pub fn fail_on_str(f: FailOn) -> &'static str {
    match f {
        FailOn::Error => "error",
        FailOn::Warning => "warning",
        FailOn::Never => "never",
    }
}

fn blocks(severity: Severity, status: Status, fail_on: FailOn) -> bool {
    match fail_on {
        FailOn::Never => false,
        _ if status == Status::Error => true,
        FailOn::Warning => severity >= Severity::Warning,
        FailOn::Error => severity >= Severity::Error,
    }
}

/// The failures of a check as findings: its findings, or one check-level
/// finding holding its message when it failed without any.
fn failures(c: &CheckResult) -> Vec<(Option<&Finding>, Finding)> {
    if !matches!(c.status, Status::Fail | Status::Error) {
        return Vec::new();
    }
    if c.findings.is_empty() {
        return vec![(None, Finding::new(c.message.clone()))];
    }
    c.findings.iter().map(|f| (Some(f), f.clone())).collect()
}

/// `(key hash, finding)` of each failure.
fn keyed(c: &CheckResult) -> Keyed {
    failures(c)
        .into_iter()
        .map(|(orig, f)| {
            (
                crate::findings::fingerprint::hash(&crate::findings::fingerprint::key(&c.id, orig)),
                f,
            )
        })
        .collect()
}

fn waived_keys(c: &CheckResult) -> Vec<(String, &Waived)> {
    c.waived
        .iter()
        .map(|w| {
            let orig = (w.finding.path.is_some()
                || w.finding.line.is_some()
                || w.finding.rule.is_some()
                || w.finding.secret.is_some())
            .then_some(&w.finding);
            (
                crate::findings::fingerprint::hash(&crate::findings::fingerprint::key(&c.id, orig)),
                w,
            )
        })
        .collect()
}

/// Findings with their fingerprint key hash.
type Keyed = Vec<(String, Finding)>;

/// Split `head` against `base` (multisets by key): (new in head, gone from base).
fn split(base: Keyed, head: Keyed) -> (Keyed, Keyed) {
    let mut pool: HashMap<String, Vec<Finding>> = HashMap::new();
    for (k, f) in base {
        pool.entry(k).or_default().push(f);
    }
    let mut new = Vec::new();
    for (k, f) in head {
        match pool
            .get_mut(&k)
            .and_then(|v| (!v.is_empty()).then(|| v.remove(0)))
        {
            Some(_) => {}
            None => new.push((k, f)),
        }
    }
    let mut gone: Keyed = pool
        .into_iter()
        .flat_map(|(k, v)| v.into_iter().map(move |f| (k.clone(), f)))
        .collect();
    gone.sort_by(|a, b| (&a.1.path, a.1.line, &a.0).cmp(&(&b.1.path, b.1.line, &b.0)));
    (new, gone)
}

fn with_prints(v: Keyed) -> Vec<DiffFinding> {
    v.into_iter()
        .map(|(k, f)| DiffFinding {
            finding: f,
            fingerprint: k,
            waiver: None,
        })
        .collect()
}

/// Compare `base` with `head`. `levels` orders level names (the levels of
/// the configuration in use; unknown names compare by reached/not reached).
pub fn compare(base: &Report, head: &Report, levels: &[Level], fail_on: FailOn) -> Diff {
    let by_id: HashMap<&str, &CheckResult> =
        base.checks.iter().map(|c| (c.id.as_str(), c)).collect();
    let mut regressions = Vec::new();
    let mut improvements = Vec::new();
    let mut waived = Vec::new();
    let mut unchanged = Vec::new();

    for h in &head.checks {
        let b = by_id.get(h.id.as_str()).copied();
        let change =
            |kind: Kind, message: &str, findings: Vec<DiffFinding>, blocking: bool| Change {
                id: h.id.clone(),
                title: h.title.clone(),
                severity: h.severity,
                kind,
                base_status: b.map(|b| b.status),
                head_status: Some(h.status),
                message: message.to_string(),
                findings,
                blocking,
            };
        let head_fails = matches!(h.status, Status::Fail | Status::Error);
        let base_fails = b.is_some_and(|b| matches!(b.status, Status::Fail | Status::Error));
        let block = blocks(h.severity, h.status, fail_on);

        // Findings gone from the base's failures that head waives.
        let base_keyed = b.map(keyed).unwrap_or_default();
        let (new, gone) = split(base_keyed, keyed(h));
        let base_waived: Vec<String> = b
            .map(|b| waived_keys(b).into_iter().map(|(k, _)| k).collect())
            .unwrap_or_default();
        let head_waived = waived_keys(h);
        let mut fixed = Vec::new();
        let mut now_waived = Vec::new();
        for (k, f) in gone {
            match head_waived
                .iter()
                .find(|(hk, _)| *hk == k && !base_waived.contains(hk))
            {
                Some((_, w)) => now_waived.push(DiffFinding {
                    finding: f,
                    fingerprint: k,
                    waiver: Some(WaiverInfo {
                        reason: w.reason.clone(),
                        owner: w.owner.clone(),
                        expires: w.expires.clone(),
                        waiver: w.waiver.clone(),
                    }),
                }),
                None => fixed.push((k, f)),
            }
        }
        if !now_waived.is_empty() {
            waived.push(change(Kind::Waived, &h.message, now_waived, false));
        }

        if h.status == Status::Error && b.is_none_or(|b| b.status != Status::Error) {
            regressions.push(change(Kind::CouldNotRun, &h.message, Vec::new(), block));
            continue;
        }
        if head_fails && b.is_none() {
            regressions.push(change(Kind::NewCheck, &h.message, with_prints(new), block));
            continue;
        }
        if head_fails && !base_fails {
            regressions.push(change(
                Kind::NewlyFailing,
                &h.message,
                with_prints(new),
                block,
            ));
            continue;
        }
        if head_fails && base_fails {
            let any_new = !new.is_empty();
            if any_new {
                regressions.push(change(
                    Kind::NewFindings,
                    &h.message,
                    with_prints(new),
                    block,
                ));
            }
            if !fixed.is_empty() {
                improvements.push(change(
                    Kind::FixedFindings,
                    &h.message,
                    with_prints(fixed),
                    false,
                ));
            }
            if !any_new {
                unchanged.push(h.id.clone());
            }
            continue;
        }
        if !head_fails && base_fails && !fixed.is_empty() {
            let msg = b.map(|b| b.message.as_str()).unwrap_or_default();
            improvements.push(change(Kind::Fixed, msg, with_prints(fixed), false));
        }
    }

    let rank = |name: &Option<String>| -> Option<usize> {
        name.as_ref()
            .and_then(|n| levels.iter().position(|l| &l.name == n))
    };
    let base_level = base.level.as_ref().and_then(|l| l.reached.clone());
    let head_level = head.level.as_ref().and_then(|l| l.reached.clone());
    let change = match (
        base.level.is_some() && head.level.is_some(),
        base_level.is_some(),
        head_level.is_some(),
        rank(&base_level),
        rank(&head_level),
    ) {
        // A report without levels (readyctl 0.1, or a run with --only).
        (false, ..) => "unknown",
        _ if base_level == head_level => "same",
        (_, true, false, _, _) => "lower",
        (_, false, true, _, _) => "higher",
        (_, _, _, Some(b), Some(h)) if h < b => "lower",
        (_, _, _, Some(_), Some(_)) => "higher",
        // Names this configuration does not know: moved, direction unknown.
        _ => "changed",
    };
    let level_blocks = change == "lower" && fail_on == FailOn::Warning;
    let regressed = level_blocks || regressions.iter().any(|c| c.blocking);
    Diff {
        schema: DIFF_SCHEMA,
        base: Side::of(base),
        head: Side::of(head),
        fail_on: fail_on_str(fail_on),
        regressed,
        level: LevelChange {
            base: base_level,
            head: head_level,
            change,
            blocking: level_blocks,
        },
        regressions,
        improvements,
        waived,
        unchanged,
    }
}

/// Read a JSON report; errors name file:line:column.
pub fn load(path: &std::path::Path) -> anyhow::Result<Report> {
    let shown = path.display();
    let text =
        std::fs::read_to_string(path).map_err(|e| anyhow::anyhow!("{shown}: cannot read: {e}"))?;
    let value: serde_json::Value = serde_json::from_str(&text)
        .map_err(|e| anyhow::anyhow!("{shown}:{}:{}: not JSON: {e}", e.line(), e.column()))?;
    if value.get("schema").and_then(|s| s.as_str()) != Some(crate::findings::REPORT_SCHEMA) {
        anyhow::bail!(
            "{shown}: not a readyctl JSON report (no \"schema\": \"{}\"; write one with `readyctl check --format json`)",
            crate::findings::REPORT_SCHEMA
        );
    }
    serde_json::from_str(&text).map_err(|e| {
        anyhow::anyhow!(
            "{shown}:{}:{}: not a readyctl JSON report: {e}",
            e.line(),
            e.column()
        )
    })
}
