//! Every format of a report with services (SPEC §12b): the service in each
//! result.
//!
//! - human: a block per service, then the repository-wide checks, then one
//!   verdict line;
//! - JSON: the model as it is (`services: [...]`);
//! - SARIF and GitLab Code Quality: each section rendered by its own
//!   renderer, then merged, each result carrying the service
//!   (`properties.service` / the description) and a fingerprint that
//!   includes it;
//! - JUnit: a test suite per service and area (`checkout/docs`);
//! - GitHub annotations: the service in each annotation's title;
//! - Markdown: a section per service, then the repository-wide checks.

use std::fmt::Write as _;

use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use super::human::{Paint, body, verdict};
use super::{Format, View};
use crate::findings::{CheckResult, FailOn, Report, ServiceReport, Status};

/// `name (path)`.
fn title(s: &ServiceReport) -> String {
    format!("{} ({})", s.name, s.path)
}

/// A report of one section: the repository-wide checks, or one service's.
fn section(report: &Report, checks: Vec<CheckResult>, ready: bool) -> Report {
    let mut r = Report::new(report.root.clone(), checks, FailOn::Never);
    r.ready = ready;
    r.repository = report.repository.clone();
    r.generated_at = report.generated_at.clone();
    r
}

/// The repository-wide checks, then every service's, with the service in
/// each check's title and area; the services are kept for the verdict.
fn flattened(report: &Report) -> Report {
    let mut checks = report.checks.clone();
    for s in &report.services {
        for c in &s.checks {
            let mut c = c.clone();
            c.title = format!("[{}] {}", s.name, c.title);
            c.area = format!("{}/{}", s.name, c.area);
            checks.push(c);
        }
    }
    let mut r = report.clone();
    r.checks = checks;
    r
}

fn hash(parts: &[&str]) -> String {
    let digest = Sha256::digest(parts.join("\0").as_bytes());
    digest[..16].iter().fold(String::new(), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

pub fn render(report: &Report, format: Format, view: &View) -> anyhow::Result<String> {
    match format {
        Format::Human => Ok(human(report, view)),
        Format::Json => super::json::render(report),
        Format::Sarif => sarif(report, view),
        Format::Gitlab => gitlab(report, view),
        Format::Junit => super::junit::render(&flattened(report), view),
        Format::Github => {
            // The closing summary line names the services' failing checks.
            let text = super::github::render(&flattened(report), view)?;
            let body = text.trim_end().rsplit_once('\n').map_or("", |(b, _)| b);
            let sep = if body.is_empty() { "" } else { "\n" };
            Ok(format!("{body}{sep}{}\n", verdict(report, Paint(false))))
        }
        Format::Markdown => markdown(report, view),
    }
}

fn human(report: &Report, view: &View) -> String {
    let p = Paint(view.color);
    let mut out = String::new();
    let n: usize = report.checks.len()
        + report
            .services
            .iter()
            .map(|s| s.checks.len())
            .sum::<usize>();
    let _ = writeln!(
        out,
        "{} {} · {} · {} services · {} checks\n",
        p.bold("readyctl"),
        report.version,
        report.root,
        report.services.len(),
        n
    );
    for s in &report.services {
        let state = if s.ready {
            p.green("✓ ready")
        } else {
            p.red("✗ not ready")
        };
        let _ = writeln!(out, "{} {} — {state}", p.bold("service"), p.bold(&title(s)));
        let mut block = String::new();
        body(&mut block, &s.checks, p);
        indent(&mut out, &block);
        out.push('\n');
    }
    if !report.checks.is_empty() {
        let _ = writeln!(out, "{}", p.bold("repository-wide"));
        let mut block = String::new();
        body(&mut block, &report.checks, p);
        indent(&mut out, &block);
        out.push('\n');
    }
    out.push_str(&verdict(report, p));
    out.push('\n');
    out
}

fn indent(out: &mut String, block: &str) {
    for line in block.lines() {
        if line.is_empty() {
            out.push('\n');
        } else {
            let _ = writeln!(out, "  {line}");
        }
    }
}

/// Sections: `(service, report)`, the repository-wide one first.
fn sections(report: &Report) -> Vec<(Option<&ServiceReport>, Report)> {
    let wide_ready = !report.checks.iter().any(|c| c.status == Status::Error);
    let mut out = vec![(None, section(report, report.checks.clone(), wide_ready))];
    for s in &report.services {
        out.push((Some(s), section(report, s.checks.clone(), s.ready)));
    }
    out
}

fn sarif(report: &Report, view: &View) -> anyhow::Result<String> {
    let mut merged: Option<Value> = None;
    for (service, sec) in sections(report) {
        let mut log = super::sarif::log(&sec, view)?;
        let run = log["runs"][0].take();
        let Some(base) = merged.as_mut() else {
            merged = Some(with_service(run, None));
            continue;
        };
        let run = with_service(run, service);
        let rules = base["tool"]["driver"]["rules"]
            .as_array_mut()
            .ok_or_else(|| anyhow::anyhow!("SARIF without rules"))?;
        for rule in run["tool"]["driver"]["rules"]
            .as_array()
            .cloned()
            .unwrap_or_default()
        {
            if !rules.iter().any(|r| r["id"] == rule["id"]) {
                rules.push(rule);
            }
        }
        let rules = rules.clone();
        let results = base["results"]
            .as_array_mut()
            .ok_or_else(|| anyhow::anyhow!("SARIF without results"))?;
        for mut r in run["results"].as_array().cloned().unwrap_or_default() {
            if let Some(i) = rules.iter().position(|x| x["id"] == r["ruleId"]) {
                r["ruleIndex"] = json!(i);
            }
            results.push(r);
        }
    }
    let mut run = merged.unwrap_or(Value::Null);
    run["invocations"][0]["properties"]["ready"] = json!(report.ready);
    run["invocations"][0]["properties"]["services"] =
        json!(report.services.iter().map(|s| &s.name).collect::<Vec<_>>());
    let mut log = super::sarif::log(&section(report, vec![], report.ready), view)?;
    log["runs"] = json!([run]);
    let mut s = serde_json::to_string_pretty(&log)?;
    s.push('\n');
    Ok(s)
}

/// The service in each result of a SARIF run: a property, a prefix of the
/// message, and part of the fingerprint (the same finding in two services is
/// two alerts).
fn with_service(mut run: Value, service: Option<&ServiceReport>) -> Value {
    let Some(s) = service else { return run };
    if let Some(results) = run["results"].as_array_mut() {
        for r in results {
            r["properties"]["service"] = json!(s.name);
            let text = r["message"]["text"]
                .as_str()
                .unwrap_or_default()
                .to_string();
            r["message"]["text"] = json!(format!("[{}] {text}", s.name));
            let key = super::sarif::FINGERPRINT_KEY;
            if let Some(fp) = r["partialFingerprints"][key].as_str().map(str::to_string) {
                let n = fp.rsplit_once(':').map(|(_, n)| n).unwrap_or("1");
                r["partialFingerprints"][key] = json!(format!("{}:{n}", hash(&[&s.name, &fp])));
            }
        }
    }
    run
}

fn gitlab(report: &Report, view: &View) -> anyhow::Result<String> {
    let mut issues = Vec::new();
    for (service, sec) in sections(report) {
        for mut issue in super::gitlab::issues(&sec, view) {
            if let Some(s) = service {
                let d = issue["description"]
                    .as_str()
                    .unwrap_or_default()
                    .to_string();
                issue["description"] = json!(format!("[{}] {d}", s.name));
                let fp = issue["fingerprint"]
                    .as_str()
                    .unwrap_or_default()
                    .to_string();
                issue["fingerprint"] = json!(hash(&[&s.name, &fp]));
            }
            issues.push(issue);
        }
    }
    let mut s = serde_json::to_string_pretty(&Value::Array(issues))?;
    s.push('\n');
    Ok(s)
}

fn markdown(report: &Report, view: &View) -> anyhow::Result<String> {
    let s = &report.summary;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "## readyctl: {}\n",
        if report.ready {
            "✅ READY"
        } else {
            "❌ NOT READY"
        }
    );
    let _ = writeln!(
        out,
        "{} · readyctl {} · {} services · {} passed, {} failed, {} skipped, {} errors\n",
        super::markdown::code(&report.root),
        report.version,
        report.services.len(),
        s.pass,
        s.fail,
        s.skip,
        s.error
    );
    out.push_str("| Service | Path | Ready | Failing checks |\n| --- | --- | --- | --- |\n");
    for svc in &report.services {
        let failing: Vec<String> = svc
            .checks
            .iter()
            .filter(|c| matches!(c.status, Status::Fail | Status::Error))
            .map(|c| super::markdown::code(&c.id))
            .collect();
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} |",
            super::markdown::cell(&svc.name),
            super::markdown::code(&svc.path),
            if svc.ready { "✅" } else { "❌" },
            failing.join(", ")
        );
    }
    for (service, sec) in sections(report) {
        let heading = match service {
            Some(svc) => format!(
                "### Service {} ({}): {}",
                super::markdown::escape_text(&svc.name),
                super::markdown::code(&svc.path),
                if svc.ready {
                    "✅ ready"
                } else {
                    "❌ not ready"
                }
            ),
            None => "### Repository-wide checks".to_string(),
        };
        if sec.checks.is_empty() {
            continue;
        }
        let _ = writeln!(out, "\n{heading}\n");
        let text = super::markdown::render(&sec, view)?;
        // Without the section's own title and summary lines; its headings
        // one level down.
        for line in text.lines().skip(4) {
            if line.starts_with('#') {
                let _ = writeln!(out, "#{line}");
            } else {
                let _ = writeln!(out, "{line}");
            }
        }
    }
    Ok(out)
}
