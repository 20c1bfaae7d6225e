//! The one result model every output format is a view of.

pub mod diff;
pub mod fingerprint;
pub mod levels;
pub mod waivers;

use serde::{Deserialize, Serialize};
use std::fmt;

/// How bad a failing check is. Ordered: `Info < Warning < Error`.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }

    pub fn parse(s: &str) -> Option<Severity> {
        match s {
            "info" => Some(Severity::Info),
            "warning" => Some(Severity::Warning),
            "error" => Some(Severity::Error),
            _ => None,
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The outcome of one check (SPEC §4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Pass,
    Fail,
    Skip,
    /// The check could not run: the gate fails closed.
    Error,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Pass => "pass",
            Status::Fail => "fail",
            Status::Skip => "skip",
            Status::Error => "error",
        }
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One piece of evidence: what is wrong, and where.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    pub message: String,
    /// Relative to the root, `/`-separated.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// 1-based.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
    /// 1-based.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rule: Option<String>,
    /// Always a redacted form, never the whole secret.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub secret: Option<String>,
    /// The commit a history finding was seen in.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub commit: Option<String>,
}

impl Finding {
    pub fn new(message: impl Into<String>) -> Self {
        Finding {
            message: message.into(),
            ..Finding::default()
        }
    }

    pub fn at(mut self, path: impl Into<String>, line: Option<u32>) -> Self {
        self.path = Some(path.into());
        self.line = line;
        self
    }

    pub fn col(mut self, column: Option<u32>) -> Self {
        self.column = column;
        self
    }

    pub fn rule(mut self, rule: impl Into<String>) -> Self {
        self.rule = Some(rule.into());
        self
    }

    /// `path:line:column` as far as known, for human output.
    pub fn location(&self) -> Option<String> {
        let path = self.path.as_ref()?;
        Some(match (self.line, self.column) {
            (Some(l), Some(c)) => format!("{path}:{l}:{c}"),
            (Some(l), None) => format!("{path}:{l}"),
            _ => path.clone(),
        })
    }
}

/// How to make a failing check pass.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fix {
    pub hint: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scaffold: Option<String>,
}

/// One check's entry in the report.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CheckResult {
    pub id: String,
    pub area: String,
    pub title: String,
    pub severity: Severity,
    pub status: Status,
    pub message: String,
    pub findings: Vec<Finding>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fix: Option<Fix>,
    /// What the check read (e.g. the datastore inventory), for machines.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub evidence: Option<serde_json::Value>,
    /// Findings a waiver or an inline `readyctl:ignore` took out of the
    /// failures (SPEC §10): still shown, never failing.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub waived: Vec<Waived>,
    /// Findings that are accepted and do not fail the check (secrets in the
    /// baseline); reports keep them visible (SARIF `suppressions`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub suppressed: Vec<Suppressed>,
}

/// A finding taken out of a check's failures by a waiver (SPEC §10).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Waived {
    #[serde(flatten)]
    pub finding: Finding,
    pub reason: String,
    /// Who answers for it (`null` for an inline ignore).
    pub owner: Option<String>,
    /// `YYYY-MM-DD` (`null` for an inline ignore).
    pub expires: Option<String>,
    /// Where the waiver is written: `readyctl.yaml:14`, or the `path:line`
    /// of the inline `readyctl:ignore` comment.
    pub waiver: String,
}

/// The readiness level reached (SPEC §11).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LevelStatus {
    /// The highest level reached; `null` when not even the lowest is.
    pub reached: Option<String>,
    /// The level above it; `null` at the top.
    pub next: Option<String>,
    /// The checks of `next` that neither pass nor are skipped.
    pub missing: Vec<String>,
}

/// A waiver the report names: expired, or matching nothing (stale).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WaiverNote {
    /// The check id or glob it names.
    pub check: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub paths: Vec<String>,
    pub reason: String,
    pub owner: Option<String>,
    pub expires: Option<String>,
    /// Where it is written (`readyctl.yaml:14`, or `path:line` inline).
    pub waiver: String,
}

/// Waivers that need a person's attention.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct WaiverNotes {
    /// Past their `expires` date: no longer applied.
    #[serde(default)]
    pub expired: Vec<WaiverNote>,
    /// Matched nothing in this run: the waived problem is gone, or the
    /// waiver no longer says what it meant to.
    #[serde(default)]
    pub stale: Vec<WaiverNote>,
}

impl WaiverNotes {
    pub fn is_empty(&self) -> bool {
        self.expired.is_empty() && self.stale.is_empty()
    }
}

/// A finding that is accepted, and why (SARIF's `suppression` object).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Suppressed {
    #[serde(flatten)]
    pub finding: Finding,
    /// SARIF suppression kind: `external` (a baseline or config file) or
    /// `inSource` (a comment on the line).
    pub kind: String,
    pub justification: String,
}

impl CheckResult {
    /// Does this result make the gate fail at `fail_on`?
    pub fn blocks(&self, fail_on: FailOn) -> bool {
        match self.status {
            Status::Error => true,
            Status::Fail => match fail_on {
                FailOn::Never => false,
                FailOn::Warning => self.severity >= Severity::Warning,
                FailOn::Error => self.severity >= Severity::Error,
            },
            Status::Pass | Status::Skip => false,
        }
    }
}

/// `--fail-on`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum FailOn {
    #[default]
    Error,
    Warning,
    Never,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Summary {
    pub pass: usize,
    pub fail: usize,
    pub skip: usize,
    pub error: usize,
}

/// The whole report (SPEC §4, schema `readyctl.report/v1`).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Report {
    pub schema: String,
    pub version: String,
    pub root: String,
    pub ready: bool,
    pub summary: Summary,
    /// Files per role (SPEC §9): what was set aside as vendored code, test
    /// data, examples or generated output.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub roles: Option<std::collections::BTreeMap<String, usize>>,
    /// The readiness level reached (SPEC §11); absent in reports of
    /// readyctl 0.1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub level: Option<LevelStatus>,
    pub checks: Vec<CheckResult>,
    /// Expired and stale waivers (SPEC §10).
    #[serde(default, skip_serializing_if = "WaiverNotes::is_empty")]
    pub waivers: WaiverNotes,
    /// What was checked (SPEC §13); absent in reports of older versions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub repository: Option<crate::repo::identity::Repository>,
    /// When the report was written (RFC 3339, UTC).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub generated_at: Option<String>,
    /// Per-service results (SPEC §12b); `checks` then holds the
    /// repository-wide ones.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub services: Vec<ServiceReport>,
}

/// One service's results (SPEC §12b).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ServiceReport {
    pub name: String,
    /// Relative to the repository root, `/`-separated.
    pub path: String,
    pub ready: bool,
    /// The readiness level reached, when levels are computed (else null).
    #[serde(default)]
    pub level: Option<serde_json::Value>,
    pub summary: Summary,
    pub checks: Vec<CheckResult>,
}

impl Summary {
    /// Count the statuses of `checks`.
    pub fn of<'a>(checks: impl IntoIterator<Item = &'a CheckResult>) -> Summary {
        let mut summary = Summary::default();
        for c in checks {
            match c.status {
                Status::Pass => summary.pass += 1,
                Status::Fail => summary.fail += 1,
                Status::Skip => summary.skip += 1,
                Status::Error => summary.error += 1,
            }
        }
        summary
    }
}

pub const REPORT_SCHEMA: &str = "readyctl.report/v1";

impl Report {
    pub fn new(root: String, mut checks: Vec<CheckResult>, fail_on: FailOn) -> Report {
        checks.sort_by(|a, b| (&a.area, &a.id).cmp(&(&b.area, &b.id)));
        let mut summary = Summary::default();
        for c in &checks {
            match c.status {
                Status::Pass => summary.pass += 1,
                Status::Fail => summary.fail += 1,
                Status::Skip => summary.skip += 1,
                Status::Error => summary.error += 1,
            }
        }
        let ready = !checks.iter().any(|c| c.blocks(fail_on));
        Report {
            schema: REPORT_SCHEMA.to_string(),
            version: env!("CARGO_PKG_VERSION").to_string(),
            root,
            ready,
            summary,
            roles: None,
            level: None,
            checks,
            waivers: WaiverNotes::default(),
            repository: None,
            generated_at: None,
            services: Vec::new(),
        }
    }

    /// Every finding with the check it belongs to, in report order.
    pub fn findings(&self) -> impl Iterator<Item = (&CheckResult, &Finding)> {
        self.checks
            .iter()
            .flat_map(|c| c.findings.iter().map(move |f| (c, f)))
    }

    /// Every waived finding with the check it belongs to, in report order.
    pub fn waived(&self) -> impl Iterator<Item = (&CheckResult, &Waived)> {
        self.checks
            .iter()
            .flat_map(|c| c.waived.iter().map(move |w| (c, w)))
    }
}
