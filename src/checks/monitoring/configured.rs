//! `monitoring.configured`: the repository configures monitoring or alerting.

use std::sync::LazyLock;

use regex::Regex;

use crate::check::{Check, CheckMeta, Context, Outcome};
use crate::findings::{Finding, Severity};
use crate::repo::index::{FileEntry, Index};
use crate::views::terraform as tf;
use crate::views::yaml::node::{Node, SNode, line};

const EXPLAIN: &str = r#"
## What it checks
That the repository configures monitoring or alerting, in any of these forms:
- Prometheus rule files (`groups:` of rules with `alert`/`record` and `expr`),
  and Prometheus configuration (`scrape_configs`, `rule_files`);
- Prometheus Operator resources: `PrometheusRule`, `ServiceMonitor`,
  `PodMonitor`, `Probe`, `AlertmanagerConfig`;
- Alertmanager configuration (`route` and `receivers`);
- Grafana dashboards (JSON with `panels`);
- Terraform resources for CloudWatch alarms, Datadog monitors, PagerDuty,
  Grafana, New Relic alerts, Azure Monitor or Google Cloud Monitoring.

Rule files are checked: every group needs a `name` and `rules`, every rule an
`expr` and exactly one of `alert` or `record`, `for` must be a Prometheus
duration, and brackets in `expr` must balance. A rule file (or dashboard)
that does not parse is a finding at its line. (The PromQL itself is not
fully parsed: `promtool check rules` does that.)

## Why it matters
A deploy that breaks production should page someone before users do. Without
alerts or dashboards in the repository, whether a release is healthy is
decided by whoever happens to look.

## How to fix
Run `readyctl scaffold monitoring` for a starting set of Prometheus alert
rules, or commit the dashboards and alert definitions you already keep in a
UI (Grafana JSON export, Terraform for your monitoring provider).

## Example
```yaml
# monitoring/alerts.yml
groups:
  - name: api
    rules:
      - alert: HighErrorRate
        expr: sum(rate(http_requests_total{code=~"5.."}[5m])) / sum(rate(http_requests_total[5m])) > 0.05
        for: 10m
        labels: {severity: page}
        annotations:
          summary: More than 5% of requests fail
```
"#;

/// One piece of monitoring configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    pub path: String,
    pub line: u32,
    pub what: String,
}

/// What a scan found: configuration, and problems in it.
#[derive(Debug, Default)]
pub struct Scan {
    pub found: Vec<Found>,
    pub findings: Vec<Finding>,
}

static OPERATOR_KIND: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?m)^\s*kind:\s*[\x22']?(PrometheusRule|ServiceMonitor|PodMonitor|Probe|AlertmanagerConfig|Alertmanager|Prometheus)[\x22']?\s*$",
    )
    .expect("valid regex")
});
/// Terraform resource types of monitoring providers.
static TF_MONITORING: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^((aws_cloudwatch_(metric|composite)_alarm|aws_cloudwatch_dashboard)|(datadog_(monitor|synthetics_test|dashboard|dashboard_json|service_level_objective)[a-z_]*)|(pagerduty_[a-z_]+)|(grafana_[a-z_]+)|(newrelic_(alert_[a-z_]+|nrql_alert_condition|synthetics_[a-z_]+|one_dashboard[a-z_]*))|(azurerm_monitor_[a-z_]+)|(google_monitoring_[a-z_]+)|(opsgenie_[a-z_]+))$",
    )
    .expect("valid regex")
});
static PROM_DURATION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(\d+y)?(\d+w)?(\d+d)?(\d+h)?(\d+m)?(\d+s)?(\d+ms)?$").expect("valid regex")
});

/// Scan the index for monitoring and alerting configuration.
pub fn scan(index: &Index) -> Scan {
    let mut s = Scan::default();
    let mut terraform_model = None;
    for f in index.files() {
        // Only the product's files (SPEC §9).
        if !f.is_product() {
            continue;
        }
        let name = f.name().to_ascii_lowercase();
        if name.ends_with(".tf") || name.ends_with(".tf.json") {
            let m = terraform_model.get_or_insert_with(|| tf::model(index));
            if let Some(file) = m.file(&f.path) {
                terraform(file, &mut s);
            }
            continue;
        }
        match f.ext() {
            "json" => {
                if let Some(text) = f.text()
                    && text.contains("\"panels\"")
                {
                    grafana(index, f, &mut s);
                }
            }
            _ if f.is_yaml() => {
                if let Some(text) = f.text() {
                    yaml_file(f, text, &mut s);
                }
            }
            _ => {}
        }
    }
    s
}

/// Monitoring resources of a Terraform file, from the Terraform model (HCL
/// and JSON syntax alike). A file that does not parse is reported by
/// `terraform.valid`.
fn terraform(file: &tf::TfFile, s: &mut Scan) {
    let Some(body) = file.body() else { return };
    for b in body.blocks("resource") {
        let (Some(kind), Some(name)) = (b.labels.first(), b.labels.get(1)) else {
            continue;
        };
        if TF_MONITORING.is_match(kind) {
            s.found.push(Found {
                path: file.path.clone(),
                line: b.line,
                what: format!("Terraform {kind}.{name}"),
            });
        }
    }
}

fn grafana(index: &Index, f: &FileEntry, s: &mut Scan) {
    let Some(parsed) = crate::views::json::document(index, f) else {
        return;
    };
    match parsed.as_ref() {
        Ok(v) => {
            // A dashboard, or an export wrapping one under `dashboard`.
            let d = v
                .get("dashboard")
                .filter(|d| d.get("panels").is_some())
                .unwrap_or(v);
            if let Some(panels) = d.get("panels").and_then(|p| p.as_array()) {
                let title = d
                    .get("title")
                    .and_then(|t| t.as_str())
                    .map(|t| format!(" \"{t}\""))
                    .unwrap_or_default();
                s.found.push(Found {
                    path: f.path.clone(),
                    line: 1,
                    what: format!(
                        "Grafana dashboard{title} ({} panel{})",
                        panels.len(),
                        if panels.len() == 1 { "" } else { "s" }
                    ),
                });
            }
        }
        Err(e) => s.findings.push(
            Finding::new(format!("Grafana dashboard does not parse as JSON: {e}"))
                .at(f.path.clone(), Some(e.line))
                .col(Some(e.column)),
        ),
    }
}

fn yaml_file(f: &FileEntry, text: &str, s: &mut Scan) {
    let rules_like = text.contains("groups:") && text.contains("expr:");
    let grafana_alerting =
        text.contains("groups:") || text.contains("contactPoints:") || text.contains("policies:");
    let operator = OPERATOR_KIND.is_match(text);
    let alertmanager = text.contains("receivers:") && text.contains("route:");
    let prometheus = text.contains("scrape_configs:") || text.contains("rule_files:");
    if !(rules_like || operator || alertmanager || prometheus || grafana_alerting) {
        return;
    }
    let docs: Vec<SNode> = match crate::views::yaml::from_str_multi(text) {
        Ok(d) => d,
        Err(_) if text.contains("{{") => {
            // A template (Helm): not YAML until rendered; count resources by text.
            for c in OPERATOR_KIND.captures_iter(text) {
                let m = c.get(0).expect("match");
                let at = m.start() + (m.len() - m.as_str().trim_start().len());
                s.found.push(Found {
                    path: f.path.clone(),
                    line: crate::repo::text::line_of(text, at),
                    what: format!("{} (template)", &c[1]),
                });
            }
            return;
        }
        Err(e) => {
            s.findings.push(
                Finding::new(format!("does not parse as YAML: {}", e.message))
                    .at(f.path.clone(), e.line)
                    .col(e.column),
            );
            return;
        }
    };
    for doc in &docs {
        let d = &doc.value;
        let kind_entry = d.entry("kind");
        let kind = kind_entry.and_then(|(_, v)| v.value.as_str()).unwrap_or("");
        let kind_line = kind_entry.map(|(k, _)| line(k)).unwrap_or(1);
        let name = d
            .path(&["metadata", "name"])
            .and_then(|n| n.value.scalar())
            .unwrap_or_default();
        match kind {
            "PrometheusRule" => {
                let (alerts, records) = match d.path(&["spec", "groups"]) {
                    Some(g) => rule_groups(f, g, s),
                    None => {
                        s.findings.push(
                            Finding::new(format!("PrometheusRule {name} has no spec.groups"))
                                .at(f.path.clone(), Some(kind_line)),
                        );
                        (0, 0)
                    }
                };
                s.found.push(Found {
                    path: f.path.clone(),
                    line: kind_line,
                    what: format!("PrometheusRule {name} ({})", counts(alerts, records)),
                });
                continue;
            }
            "ServiceMonitor" | "PodMonitor" | "Probe" | "AlertmanagerConfig" | "Alertmanager"
            | "Prometheus" => {
                if d.get("apiVersion")
                    .and_then(|a| a.value.as_str())
                    .is_some_and(|a| a.starts_with("monitoring.coreos.com"))
                {
                    s.found.push(Found {
                        path: f.path.clone(),
                        line: kind_line,
                        what: format!("{kind} {name}"),
                    });
                }
                continue;
            }
            "" => {}
            _ => continue,
        }
        // Grafana alerting provisioning (`apiVersion: 1`, groups with a
        // folder, rules with uid/condition/data): Grafana's format, not a
        // Prometheus rule file.
        if let Some((k, what)) = grafana_alerting_doc(d) {
            s.found.push(Found {
                path: f.path.clone(),
                line: line(k),
                what,
            });
            continue;
        }
        if let Some((k, g)) = d.entry("groups")
            && (rules_like
                || g.value
                    .as_seq()
                    .iter()
                    .any(|x| x.value.get("rules").is_some()))
        {
            let (alerts, records) = rule_groups(f, g, s);
            s.found.push(Found {
                path: f.path.clone(),
                line: line(k),
                what: format!("Prometheus rules ({})", counts(alerts, records)),
            });
        }
        if let (Some((k, route)), Some(receivers)) = (d.entry("route"), d.get("receivers")) {
            if route.value.is_map() && matches!(receivers.value, Node::Seq(_)) {
                s.found.push(Found {
                    path: f.path.clone(),
                    line: line(k),
                    what: format!(
                        "Alertmanager configuration ({} receiver{})",
                        receivers.value.as_seq().len(),
                        if receivers.value.as_seq().len() == 1 {
                            ""
                        } else {
                            "s"
                        }
                    ),
                });
            } else {
                s.findings.push(
                    Finding::new("Alertmanager configuration: `route` must be a mapping and `receivers` a list")
                        .at(f.path.clone(), Some(line(k))),
                );
            }
        }
        if let Some((k, _)) = d.entry("scrape_configs").or_else(|| d.entry("rule_files")) {
            let jobs = d
                .get("scrape_configs")
                .map(|s| s.value.as_seq().len())
                .unwrap_or(0);
            s.found.push(Found {
                path: f.path.clone(),
                line: line(k),
                what: format!(
                    "Prometheus configuration ({jobs} scrape job{})",
                    if jobs == 1 { "" } else { "s" }
                ),
            });
        }
    }
}

/// A Grafana alerting provisioning document: what it holds, at its key.
fn grafana_alerting_doc(d: &Node) -> Option<(&SNode, String)> {
    if let Some((k, g)) = d.entry("groups") {
        let groups = g.value.as_seq();
        let grafana = groups.iter().any(|grp| {
            grp.value.get("folder").is_some()
                || grp.value.get("orgId").is_some()
                || grp.value.get("rules").is_some_and(|r| {
                    r.value.as_seq().iter().any(|rule| {
                        rule.value.get("uid").is_some()
                            || rule.value.get("condition").is_some()
                            || rule.value.get("data").is_some()
                    })
                })
        });
        if grafana {
            let n: usize = groups
                .iter()
                .map(|grp| grp.value.get("rules").map_or(0, |r| r.value.as_seq().len()))
                .sum();
            return Some((k, format!("Grafana alert rules ({n})")));
        }
        return None;
    }
    for key in ["contactPoints", "policies"] {
        if let Some((k, v)) = d.entry(key)
            && matches!(v.value, Node::Seq(_))
            && d.get("apiVersion").is_some()
        {
            let what = if key == "contactPoints" {
                "Grafana contact points"
            } else {
                "Grafana notification policies"
            };
            return Some((k, what.to_string()));
        }
    }
    None
}

fn counts(alerts: usize, records: usize) -> String {
    format!(
        "{alerts} alert{}, {records} recording rule{}",
        if alerts == 1 { "" } else { "s" },
        if records == 1 { "" } else { "s" }
    )
}

/// Check a `groups:` list; returns (alerts, recording rules).
fn rule_groups(f: &FileEntry, groups: &SNode, s: &mut Scan) -> (usize, usize) {
    let mut bad = |n: &SNode, msg: String| {
        s.findings.push(
            Finding::new(msg)
                .at(f.path.clone(), Some(line(n).max(1)))
                .rule("prometheus-rules"),
        );
    };
    let Node::Seq(list) = &groups.value else {
        bad(groups, "`groups` must be a list of rule groups".into());
        return (0, 0);
    };
    let (mut alerts, mut records) = (0, 0);
    for g in list {
        let gname = g.value.get("name").and_then(|n| n.value.scalar());
        if gname.as_deref().is_none_or(|n| n.trim().is_empty()) {
            bad(g, "rule group has no `name`".into());
        }
        let gname = gname.unwrap_or_default();
        let Some(rules) = g.value.get("rules") else {
            bad(g, format!("rule group {gname:?} has no `rules`"));
            continue;
        };
        let Node::Seq(rules) = &rules.value else {
            bad(
                rules,
                format!("rule group {gname:?}: `rules` must be a list"),
            );
            continue;
        };
        if let Some(i) = g.value.get("interval") {
            check_duration(i, "interval", &mut bad);
        }
        for r in rules {
            let alert = r.value.get("alert").and_then(|a| a.value.scalar());
            let record = r.value.get("record").and_then(|a| a.value.scalar());
            let label = alert
                .as_ref()
                .or(record.as_ref())
                .cloned()
                .unwrap_or_else(|| "(unnamed)".into());
            match (&alert, &record) {
                (Some(_), None) => alerts += 1,
                (None, Some(_)) => records += 1,
                (Some(_), Some(_)) => {
                    bad(r, format!("rule {label}: has both `alert` and `record`"))
                }
                (None, None) => bad(r, "rule has neither `alert` nor `record`".into()),
            }
            match r.value.get("expr") {
                None => bad(r, format!("rule {label}: no `expr`")),
                Some(e) => match e.value.scalar() {
                    Some(x) if !x.trim().is_empty() => {
                        if let Some(problem) = unbalanced(&x) {
                            bad(e, format!("rule {label}: expr {problem}"));
                        }
                    }
                    _ => bad(e, format!("rule {label}: `expr` is empty")),
                },
            }
            for key in ["for", "keep_firing_for"] {
                if let Some(d) = r.value.get(key) {
                    check_duration(d, &format!("rule {label}: `{key}`"), &mut bad);
                }
            }
            for key in ["labels", "annotations"] {
                if let Some(m) = r.value.get(key)
                    && !matches!(m.value, Node::Map(_) | Node::Null)
                {
                    bad(m, format!("rule {label}: `{key}` must be a mapping"));
                }
            }
        }
    }
    (alerts, records)
}

fn check_duration(n: &SNode, what: &str, bad: &mut impl FnMut(&SNode, String)) {
    let v = n.value.scalar().unwrap_or_default();
    if v.is_empty() || !PROM_DURATION.is_match(&v) {
        bad(
            n,
            format!("{what} {v:?} is not a Prometheus duration (e.g. 5m, 1h30m)"),
        );
    }
}

/// Brackets of a PromQL expression that do not balance (outside strings).
fn unbalanced(expr: &str) -> Option<String> {
    let mut stack: Vec<char> = Vec::new();
    let mut quote: Option<char> = None;
    let mut escaped = false;
    let mut comment = false;
    for c in expr.chars() {
        // A `#` comment runs to the end of the line; its text (an
        // apostrophe in "don't") is not PromQL.
        if comment {
            comment = c != '\n';
            continue;
        }
        if let Some(q) = quote {
            if escaped {
                escaped = false;
            } else if c == '\\' && q != '`' {
                escaped = true;
            } else if c == q {
                quote = None;
            }
            continue;
        }
        match c {
            '#' => comment = true,
            '"' | '\'' | '`' => quote = Some(c),
            '(' | '[' | '{' => stack.push(c),
            ')' | ']' | '}' => {
                let want = match c {
                    ')' => '(',
                    ']' => '[',
                    _ => '{',
                };
                if stack.pop() != Some(want) {
                    return Some(format!("has an unmatched `{c}`"));
                }
            }
            _ => {}
        }
    }
    if quote.is_some() {
        return Some("has an unterminated string".into());
    }
    stack.pop().map(|c| format!("has an unclosed `{c}`"))
}

pub struct Configured {
    meta: CheckMeta,
}

impl Configured {
    pub fn new() -> Self {
        Configured {
            meta: CheckMeta::define("monitoring.configured")
                .title("Monitoring and alerting configured")
                .severity(Severity::Warning)
                .explain(EXPLAIN)
                .fix("commit alert rules or dashboards (Prometheus, Grafana, or your provider's Terraform)")
                .scaffold("monitoring")
                .build(),
        }
    }
}

const LISTED: usize = 50;

impl Check for Configured {
    fn meta(&self) -> &CheckMeta {
        &self.meta
    }

    fn run(&self, ctx: &Context) -> Outcome {
        let s = scan(ctx.index);
        let mut list: Vec<String> = s
            .found
            .iter()
            .take(LISTED)
            .map(|f| format!("{}:{} {}", f.path, f.line, f.what))
            .collect();
        if s.found.len() > LISTED {
            list.push(format!("and {} more", s.found.len() - LISTED));
        }
        if !s.findings.is_empty() {
            let n = s.findings.len();
            return Outcome::fail(
                format!(
                    "{n} problem{} in monitoring configuration{}",
                    if n == 1 { "" } else { "s" },
                    if list.is_empty() {
                        String::new()
                    } else {
                        format!("; found: {}", list.join("; "))
                    }
                ),
                s.findings,
            );
        }
        if s.found.is_empty() {
            return Outcome::fail(
                "no monitoring or alerting configuration found (Prometheus rules or config, ServiceMonitor/PodMonitor/PrometheusRule, Alertmanager config, Grafana dashboards, or Terraform for CloudWatch, Datadog, PagerDuty, Grafana, New Relic, Azure Monitor, Google Cloud Monitoring)",
                vec![],
            );
        }
        Outcome::pass(format!("monitoring configured: {}", list.join("; ")))
    }
}

#[cfg(test)]
mod tests {
    use super::unbalanced;

    #[test]
    fn brackets() {
        assert_eq!(unbalanced(r#"sum(rate(x{a="(("}[5m]))"#), None);
        assert!(unbalanced("sum(rate(x[5m])").is_some());
        assert!(unbalanced("x[5m)").is_some());
        assert!(unbalanced(r#"x{a="b}"#).is_some());
    }
}
