//! The one result model every output format is a view of.

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
    pub checks: Vec<CheckResult>,
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
            checks,
        }
    }

    /// Every finding with the check it belongs to, in report order.
    pub fn findings(&self) -> impl Iterator<Item = (&CheckResult, &Finding)> {
        self.checks
            .iter()
            .flat_map(|c| c.findings.iter().map(move |f| (c, f)))
    }
}
