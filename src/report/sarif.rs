//! `--format sarif`: SARIF 2.1.0 for code-scanning services (GitHub code
//! scanning, Azure DevOps, SonarQube, IDE viewers).
//!
//! One rule per check (its explain text is the rule's help), one result per
//! finding of a failing check — or one check-level result without a location
//! when a check failed without findings — and `partialFingerprints` that do
//! not depend on line numbers, so an alert survives edits above it.

use std::collections::HashMap;
use std::fmt::Write as _;

use serde_json::{Value, json};

use super::View;
use crate::findings::{CheckResult, Finding, Report, Severity, Status, Waived};

/// `$schema` of the log.
pub const SARIF_SCHEMA_URI: &str = "https://json.schemastore.org/sarif-2.1.0.json";
/// The key of our entry in `partialFingerprints`.
pub const FINGERPRINT_KEY: &str = "readyctl/v1";

/// SARIF `level` for a severity.
pub fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// Line-independent fingerprints ([`crate::findings::fingerprint`]): a hash of the
/// check id, the path and a key that does not move when lines are inserted
/// above the finding, plus an occurrence number so that two identical
/// findings in one file stay two alerts. `readyctl diff` matches findings
/// with the same fingerprints.
#[derive(Default)]
pub struct Fingerprints {
    inner: crate::findings::fingerprint::Fingerprints,
}

impl Fingerprints {
    /// The fingerprint of `finding` of `check`, or of the check itself when
    /// `finding` is `None` (a check-level result).
    pub fn next(&mut self, check: &CheckResult, finding: Option<&Finding>) -> String {
        self.inner.next(&check.id, finding)
    }
}

/// Percent-encode a relative `/`-separated path into a URI reference:
/// unreserved characters and `/` stay, every other byte becomes `%XX`.
pub fn path_to_uri(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/') {
            out.push(b as char);
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

/// A finding's message as one line of text, with the redacted secret and
/// the commit when there are.
pub fn finding_text(f: &Finding) -> String {
    let mut text = f.message.clone();
    if let Some(s) = &f.secret {
        let _ = write!(text, " (secret: {s})");
    }
    if let Some(c) = &f.commit {
        let short: String = c.chars().take(12).collect();
        let _ = write!(text, " (commit {short})");
    }
    text
}

/// The message of a check-level result (no findings).
pub fn check_text(c: &CheckResult) -> String {
    match c.status {
        Status::Error => format!("{}: could not run: {}", c.title, c.message),
        _ => format!("{}: {}", c.title, c.message),
    }
}

fn rule(c: &CheckResult, view: &View) -> Value {
    let meta = view.meta(&c.id);
    let (title, default_sev) = match meta {
        Some(m) => (m.title.as_str(), m.severity),
        None => (c.title.as_str(), c.severity),
    };
    let mut rule = json!({
        "id": c.id,
        "name": rule_name(title),
        "shortDescription": {"text": title},
        "defaultConfiguration": {"level": level(default_sev)},
        "properties": {"tags": tags(&c.area)},
    });
    if let Some(score) = security_severity(&c.id, &c.area, default_sev) {
        rule["properties"]["security-severity"] = json!(score);
    }
    if let Some(m) = meta {
        let what = if m.explain.what.is_empty() {
            m.title.clone()
        } else {
            m.explain.what.clone()
        };
        let mut md = format!("# {} — {}\n\n{}", m.id, m.title, m.explain.to_markdown());
        if !m.fix_hint.is_empty() {
            let _ = write!(md, "\nFix: {}", m.fix_hint);
            if let Some(k) = &m.scaffold {
                let _ = write!(md, " (`readyctl scaffold {k}`)");
            }
            md.push('\n');
        }
        rule["fullDescription"] = json!({"text": what});
        if let Some(uri) = crate::check::docs::help_uri(m) {
            rule["helpUri"] = json!(uri);
        }
        rule["help"] = json!({"text": md, "markdown": md});
    }
    rule
}

/// A rule's `name`: its title in PascalCase (SARIF §3.49.7: an identifier a
/// person understands, different from the opaque `id`).
pub fn rule_name(title: &str) -> String {
    title
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut cs = w.chars();
            match cs.next() {
                Some(f) => f.to_uppercase().chain(cs).collect::<String>(),
                None => String::new(),
            }
        })
        .collect()
}

/// Areas whose failures are security problems: their rules carry the
/// `security` tag and a `security-severity`, so that GitHub code scanning
/// ranks them Critical/High/Medium like other security alerts.
const SECURITY_AREAS: &[&str] = &["secrets"];

/// A rule's tags: its area, `deployment-readiness`, and `security` for
/// [`SECURITY_AREAS`].
pub fn tags(area: &str) -> Vec<&str> {
    let mut tags = vec![area, "deployment-readiness"];
    if SECURITY_AREAS.contains(&area) {
        tags.push("security");
    }
    tags
}

/// GitHub's `security-severity` (a CVSS-like score: over 9.0 Critical,
/// 7.0–8.9 High, 4.0–6.9 Medium, below Low) of a security rule.
pub fn security_severity(id: &str, area: &str, severity: Severity) -> Option<&'static str> {
    if !SECURITY_AREAS.contains(&area) {
        return None;
    }
    Some(match id {
        // A committed credential can be used by anyone who can read the repository.
        "secrets.none-committed" => "9.5",
        // A committed .env, key or state file very likely holds credentials.
        "secrets.sensitive-files" => "8.0",
        _ => match severity {
            Severity::Error => "7.5",
            Severity::Warning => "5.0",
            Severity::Info => "2.0",
        },
    })
}

fn anchor_location(anchor: &str) -> Value {
    json!({"physicalLocation": {
        "artifactLocation": {"uri": path_to_uri(anchor), "uriBaseId": "%SRCROOT%"},
        "region": {"startLine": 1},
    }})
}

fn location(f: &Finding) -> Option<Value> {
    let path = f.path.as_ref()?;
    let mut physical = json!({
        "artifactLocation": {"uri": path_to_uri(path), "uriBaseId": "%SRCROOT%"},
    });
    // A finding about a whole file (a committed `.env`) points at its first
    // line: code scanning shows every alert on a line.
    let line = f.line.filter(|l| *l >= 1).unwrap_or(1);
    let mut region = json!({"startLine": line});
    if let Some(col) = f.column.filter(|c| *c >= 1)
        && f.line.is_some()
    {
        region["startColumn"] = json!(col);
    }
    physical["region"] = region;
    Some(json!({"physicalLocation": physical}))
}

/// A SARIF suppression for a waived finding: `external` for a waiver of
/// `readyctl.yaml`, `inSource` for an inline `readyctl:ignore` comment; the
/// reason is the justification.
fn suppression(w: &Waived) -> Value {
    let kind = if w.owner.is_some() {
        "external"
    } else {
        "inSource"
    };
    let mut s = json!({
        "kind": kind,
        "status": "accepted",
        "justification": w.reason,
        "properties": {"waiver": w.waiver},
    });
    if let Some(o) = &w.owner {
        s["properties"]["owner"] = json!(o);
    }
    if let Some(e) = &w.expires {
        s["properties"]["expires"] = json!(e);
    }
    s
}

pub fn render(report: &Report, view: &View) -> anyhow::Result<String> {
    let mut s = serde_json::to_string_pretty(&log(report, view)?)?;
    s.push('\n');
    Ok(s)
}

/// The SARIF log as a JSON value (the services report merges several).
pub fn log(report: &Report, view: &View) -> anyhow::Result<Value> {
    let mut rules = Vec::new();
    let mut rule_index: HashMap<&str, usize> = HashMap::new();
    for c in &report.checks {
        if !rule_index.contains_key(c.id.as_str()) {
            rule_index.insert(&c.id, rules.len());
            rules.push(rule(c, view));
        }
    }

    let anchor = view.anchor;
    let mut prints = Fingerprints::default();
    let mut results = Vec::new();
    for c in &report.checks {
        let base = |text: String, fingerprint: String| {
            json!({
                "ruleId": c.id,
                "ruleIndex": rule_index[c.id.as_str()],
                "level": level(if c.status == Status::Error { Severity::Error } else { c.severity }),
                "message": {"text": text},
                "partialFingerprints": {FINGERPRINT_KEY: fingerprint},
                "properties": {"status": c.status.as_str(), "severity": c.severity.as_str()},
            })
        };
        let anchored = |r: &mut Value| {
            if let Some(a) = anchor {
                r["locations"] = json!([anchor_location(a)]);
            }
            r["properties"]["scope"] = json!("repository");
        };
        let with_finding = |r: &mut Value, f: &Finding| {
            match location(f) {
                Some(loc) => r["locations"] = json!([loc]),
                None => anchored(r),
            }
            if let Some(sub) = &f.rule {
                r["properties"]["rule"] = json!(sub);
            }
            if let Some(commit) = &f.commit {
                r["properties"]["commit"] = json!(commit);
            }
        };
        if matches!(c.status, Status::Fail | Status::Error) {
            if c.findings.is_empty() {
                let mut r = base(check_text(c), prints.next(c, None));
                anchored(&mut r);
                results.push(r);
            }
            for f in &c.findings {
                let mut r = base(finding_text(f), prints.next(c, Some(f)));
                with_finding(&mut r, f);
                results.push(r);
            }
        }
        // Accepted findings stay visible, as suppressed results: code
        // scanning closes their alerts as dismissed instead of fixed.
        for s in &c.suppressed {
            let f = &s.finding;
            let mut r = base(finding_text(f), prints.next(c, Some(f)));
            r["level"] = json!(level(c.severity));
            with_finding(&mut r, f);
            r["suppressions"] = json!([{"kind": s.kind, "justification": s.justification}]);
            results.push(r);
        }
    }

    // Waived findings stay visible, as suppressed results (SPEC §10).
    for c in &report.checks {
        for w in &c.waived {
            let f = &w.finding;
            let check_level = f.path.is_none() && f.line.is_none() && f.rule.is_none();
            let fingerprint = prints.next(c, (!check_level).then_some(f));
            let text = if check_level {
                format!("{}: {}", c.title, f.message)
            } else {
                finding_text(f)
            };
            let mut r = json!({
                "ruleId": c.id,
                "ruleIndex": rule_index[c.id.as_str()],
                "level": level(c.severity),
                "message": {"text": text},
                "partialFingerprints": {FINGERPRINT_KEY: fingerprint},
                "properties": {"status": "waived", "severity": c.severity.as_str()},
                "suppressions": [suppression(w)],
            });
            match location(f) {
                Some(loc) => r["locations"] = json!([loc]),
                None => {
                    if let Some(a) = anchor {
                        r["locations"] = json!([anchor_location(a)]);
                    }
                    r["properties"]["scope"] = json!("repository");
                }
            }
            results.push(r);
        }
    }

    let mut run_properties = serde_json::Map::new();
    if let Some(l) = &report.level {
        run_properties.insert("level".into(), serde_json::to_value(l)?);
    }
    if !report.waivers.is_empty() {
        run_properties.insert("waivers".into(), serde_json::to_value(&report.waivers)?);
    }

    let log = json!({
        "$schema": SARIF_SCHEMA_URI,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "readyctl",
                "informationUri": env!("CARGO_PKG_REPOSITORY"),
                "version": report.version,
                "semanticVersion": report.version,
                "rules": rules,
            }},
            "invocations": [{
                "executionSuccessful": true,
                "properties": {"ready": report.ready, "root": report.root},
            }],
            "results": results,
            "columnKind": "unicodeCodePoints",
        }],
    });
    let mut log = log;
    if !run_properties.is_empty() {
        log["runs"][0]["properties"] = Value::Object(run_properties);
    }
    Ok(log)
}
