//! `monitoring.alert-runbooks`: every alerting rule tells the on-call
//! engineer where its runbook is, and links into this repository resolve to
//! an existing file and heading.

use std::collections::BTreeSet;
use std::path::Path;
use std::sync::LazyLock;

use regex::Regex;

use crate::check::{Check, CheckMeta, Context, Outcome};
use crate::checks::resilience::inventory::{family, inventory};
use crate::findings::{Finding, Severity};
use crate::repo::index::Index;
use crate::repo::text::plural;
use crate::views::terraform::{self, Attr, Block, Value};
use crate::views::yaml::node::{Node, SNode, line};

const EXPLAIN: &str = r#"
## What it checks
That every alerting rule carries a runbook link, and that links into this
repository lead somewhere. Alerting rules are read from:
- Prometheus rule files and `PrometheusRule` resources (rules with `alert`;
  recording rules need no runbook), also inside ConfigMaps: the link is the
  `runbook_url` (or `runbook`) annotation;
- Grafana alerting provisioning files (rules with `title` and `condition`):
  the `runbook_url` annotation;
- Terraform: `aws_cloudwatch_metric_alarm`/`aws_cloudwatch_composite_alarm`
  (a link in `alarm_description`), `datadog_monitor` (a link in `message`),
  `grafana_rule_group` rules (`annotations.runbook_url`),
  `google_monitoring_alert_policy` (`documentation`),
  `azurerm_monitor_metric_alert` (`description`),
  `newrelic_nrql_alert_condition` (`runbook_url`).

A link is a URL or a repository path to a Markdown file. A relative path is
resolved from the alert's file, then from the root; a URL into this
repository (its `origin` remote, `.../blob/REF/PATH` on GitHub or GitLab)
is resolved in the checked tree. The file must exist and, with a `#anchor`,
have a heading with that anchor under GitHub's rules (lower case,
punctuation dropped, spaces to `-`, `-1`, `-2` for repeats). Links
elsewhere and templated links (`{{ $labels.x }}`) are counted, not fetched.

The pass message also names the datastores of the inventory (see
`resilience.datastore-ha`) that no alert watches (by their exporter's
metrics: `redis_*`, `pg_*`, `mysql_*`, `mongodb_*`, or CloudWatch/Datadog
metrics of the managed service) and the exporters found.

## Why it matters
An alert pages someone at 3 a.m. who did not write it. A runbook link turns
"what does this mean and what do I do" into one click; a link to a heading
that was renamed sends them to the top of a long document instead.

## How to fix
Add `runbook_url` to each rule's annotations, pointing at the runbook
section that handles it (`readyctl scaffold monitoring` writes alerts linked
to the sections `readyctl scaffold runbook` writes). When a heading is
renamed, update the links that point at it.

## Example
```yaml
groups:
  - name: redis
    rules:
      - alert: RedisReplicaDown
        expr: redis_connected_slaves{job="redis"} < 2
        for: 1m
        annotations:
          summary: A Redis replica is missing; a failover may lose writes
          runbook_url: docs/RUNBOOK.md#datastore-failover
```
"#;

static URL: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#"https?://[^\s<>"'`)\]|]+"#).expect("valid regex"));
static MD_PATH: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:^|[\s(\[])((?:\.{1,2}/|/)?[A-Za-z0-9_.\-/]+\.md(?:#[A-Za-z0-9_\-]+)?)")
        .expect("valid regex")
});
static METRIC_FAMILY: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\b(redis|pg|cnpg|mysql|mongodb)_[a-z_]+").expect("valid regex"));

/// One alerting rule.
#[derive(Debug, Clone)]
pub struct Alert {
    pub name: String,
    pub path: String,
    pub line: u32,
    /// What a runbook link is called where this alert lives.
    pub field: &'static str,
    pub links: Vec<String>,
    /// Datastore families the alert watches.
    pub families: BTreeSet<&'static str>,
    /// The text the links would be in is computed (not judged).
    pub computed: bool,
}

/// Alerting rules and exporters found.
#[derive(Debug, Default)]
pub struct AlertScan {
    pub alerts: Vec<Alert>,
    /// `path:line what` of datastore exporters and scrape jobs.
    pub exporters: Vec<String>,
}

fn families_of(text: &str) -> BTreeSet<&'static str> {
    let mut out = BTreeSet::new();
    for c in METRIC_FAMILY.captures_iter(text) {
        out.insert(match &c[1] {
            "redis" => "redis",
            "pg" | "cnpg" => "postgres",
            "mysql" => "mysql",
            _ => "mongodb",
        });
    }
    out
}

/// Links in free text (a description or a message).
fn links_in(text: &str) -> Vec<String> {
    let mut out: Vec<String> = URL
        .find_iter(text)
        .map(|m| m.as_str().trim_end_matches(['.', ',', ';']).to_string())
        .collect();
    for c in MD_PATH.captures_iter(text) {
        let p = &c[1];
        if !out.iter().any(|u| u.contains(p)) {
            out.push(p.to_string());
        }
    }
    out
}

/// Scan the index for alerting rules.
pub fn scan(index: &Index) -> AlertScan {
    let mut s = AlertScan::default();
    for f in index.files() {
        if !f.is_yaml() || !f.is_product() {
            continue;
        }
        let Some(text) = f.text() else { continue };
        let rules = text.contains("rules:");
        let images = text.contains("exporter");
        let scrape = text.contains("scrape_configs:");
        if !(rules || images || scrape) {
            continue;
        }
        let Ok(docs) = crate::views::yaml::from_str_multi::<SNode>(text) else {
            continue; // templates and broken files: monitoring.configured reports those
        };
        for d in &docs {
            yaml_doc(&f.path, &d.value, 0, &mut s);
        }
    }
    terraform(index, &mut s);
    s
}

fn yaml_doc(path: &str, d: &Node, offset: u32, s: &mut AlertScan) {
    let kind = d.get("kind").and_then(|k| k.value.as_str()).unwrap_or("");
    let groups = match kind {
        "PrometheusRule" => d.path(&["spec", "groups"]),
        "ConfigMap" => {
            // Rule files kept in a ConfigMap: each data entry is a file.
            for (k, v) in d.get("data").map(|x| x.value.as_map()).unwrap_or(&[]) {
                if let Some(t) = v.value.as_str()
                    && t.contains("rules:")
                    && let Ok(inner) = crate::views::yaml::from_str::<SNode>(t)
                {
                    yaml_doc(path, &inner.value, offset + line(k), s);
                }
            }
            None
        }
        _ => d.get("groups"),
    };
    if let Some(g) = groups {
        for group in g.value.as_seq() {
            for r in group
                .value
                .get("rules")
                .map(|x| x.value.as_seq())
                .unwrap_or(&[])
            {
                rule(path, r, offset, s);
            }
        }
    }
    // Exporters: containers or services whose image is one, and scrape jobs.
    exporters(path, d, offset, s, 0);
}

fn rule(path: &str, r: &SNode, offset: u32, s: &mut AlertScan) {
    let v = &r.value;
    let (name, at, field) = if let Some((k, a)) = v.entry("alert") {
        (
            a.value.scalar().unwrap_or_default(),
            line(k),
            "annotations.runbook_url",
        )
    } else if let (Some((k, t)), true) = (
        v.entry("title"),
        v.get("condition").is_some() || v.get("data").is_some(),
    ) {
        (
            t.value.scalar().unwrap_or_default(),
            line(k),
            "annotations.runbook_url",
        )
    } else {
        return;
    };
    let mut links = Vec::new();
    if let Some(ann) = v.get("annotations") {
        for (k, val) in ann.value.as_map() {
            let key = k.value.scalar().unwrap_or_default().to_ascii_lowercase();
            if matches!(
                key.as_str(),
                "runbook_url" | "runbook" | "runbookurl" | "runbook_link" | "runbook-url"
            ) && let Some(l) = val.value.scalar()
                && !l.trim().is_empty()
            {
                links.push(l.trim().to_string());
            }
        }
    }
    let expr = v
        .get("expr")
        .and_then(|e| e.value.scalar())
        .unwrap_or_default();
    let mut families = families_of(&expr);
    // Grafana rules keep their queries under `data[].model.expr`.
    for q in v.get("data").map(|d| d.value.as_seq()).unwrap_or(&[]) {
        if let Some(e) = q
            .value
            .path(&["model", "expr"])
            .and_then(|e| e.value.scalar())
        {
            families.extend(families_of(&e));
        }
    }
    s.alerts.push(Alert {
        name,
        path: path.to_string(),
        line: offset + at,
        field,
        links,
        families,
        computed: false,
    });
}

fn exporters(path: &str, n: &Node, offset: u32, s: &mut AlertScan, depth: usize) {
    if depth > 12 {
        return;
    }
    for (k, v) in n.as_map() {
        let key = k.value.as_str().unwrap_or("");
        if key == "image"
            && let Some(img) = v.value.as_str()
            && img.contains("exporter")
            && let Some(f) = ["redis", "postgres", "mysqld", "mongodb"]
                .iter()
                .find(|f| img.contains(*f))
        {
            s.exporters
                .push(format!("{path}:{} {f} exporter ({img})", offset + line(k)));
        }
        if key == "scrape_configs" {
            for job in v.value.as_seq() {
                if let Some(name) = job.value.get("job_name").and_then(|j| j.value.scalar())
                    && ["redis", "postgres", "mysql", "mongo", "sentinel"]
                        .iter()
                        .any(|f| name.to_ascii_lowercase().contains(f))
                {
                    s.exporters
                        .push(format!("{path}:{} scrape job {name}", offset + line(job)));
                }
            }
        }
        match &v.value {
            Node::Map(_) => exporters(path, &v.value, offset, s, depth + 1),
            Node::Seq(items) => {
                for i in items {
                    exporters(path, &i.value, offset, s, depth + 1);
                }
            }
            _ => {}
        }
    }
}

fn text_of(a: Option<&Attr>) -> (Option<String>, bool) {
    match a {
        None => (None, false),
        Some(a) => match (&a.text, &a.value) {
            (Some(t), _) => (Some(t.clone()), false),
            (None, Value::Expr) => (None, true),
            _ => (None, false),
        },
    }
}

fn terraform(index: &Index, s: &mut AlertScan) {
    let m = terraform::model(index);
    for module in m.checked_modules() {
        for (f, b) in m.blocks(module) {
            if b.kind != "resource" {
                continue;
            }
            let kind = b.label();
            let name = format!(
                "{}.{}",
                kind,
                b.labels.get(1).map(String::as_str).unwrap_or("")
            );
            let mut push = |field: &'static str,
                            text: (Option<String>, bool),
                            fams: BTreeSet<&'static str>,
                            at: u32,
                            name: String| {
                let (t, computed) = text;
                s.alerts.push(Alert {
                    name,
                    path: f.path.clone(),
                    line: at,
                    field,
                    links: t.as_deref().map(links_in).unwrap_or_default(),
                    families: fams,
                    computed,
                });
            };
            match kind {
                "aws_cloudwatch_metric_alarm" | "aws_cloudwatch_composite_alarm" => {
                    let ns = attr_str(b, "namespace").unwrap_or_default();
                    let fams: BTreeSet<&'static str> = match ns.as_str() {
                        "AWS/RDS" => ["postgres", "mysql", "sqlserver"].into(),
                        "AWS/ElastiCache" | "AWS/MemoryDB" => ["redis"].into(),
                        "AWS/DynamoDB" => ["dynamodb"].into(),
                        _ => BTreeSet::new(),
                    };
                    push(
                        "a link in alarm_description",
                        text_of(b.body.attr("alarm_description")),
                        fams,
                        b.line,
                        name,
                    );
                }
                "datadog_monitor" => {
                    let q = attr_str(b, "query")
                        .unwrap_or_default()
                        .to_ascii_lowercase();
                    let mut fams = BTreeSet::new();
                    for (needle, fam) in [
                        ("redis", "redis"),
                        ("postgres", "postgres"),
                        ("aws.rds", "postgres"),
                        ("mysql", "mysql"),
                        ("aws.elasticache", "redis"),
                        ("dynamodb", "dynamodb"),
                    ] {
                        if q.contains(needle) {
                            fams.insert(fam);
                        }
                    }
                    push(
                        "a link in message",
                        text_of(b.body.attr("message")),
                        fams,
                        b.line,
                        name,
                    );
                }
                "azurerm_monitor_metric_alert" => {
                    push(
                        "a link in description",
                        text_of(b.body.attr("description")),
                        BTreeSet::new(),
                        b.line,
                        name,
                    );
                }
                "newrelic_nrql_alert_condition" => {
                    push(
                        "runbook_url",
                        text_of(b.body.attr("runbook_url")),
                        BTreeSet::new(),
                        b.line,
                        name,
                    );
                }
                "google_monitoring_alert_policy" => {
                    let doc = b.body.blocks("documentation").next();
                    let mut text = doc
                        .map(|d| text_of(d.body.attr("content")))
                        .unwrap_or((None, false));
                    if let Some(d) = doc {
                        for l in d.body.blocks("links") {
                            if let (Some(u), _) = text_of(l.body.attr("url")) {
                                let t = text.0.get_or_insert_with(String::new);
                                t.push(' ');
                                t.push_str(&u);
                            }
                        }
                    }
                    push("documentation", text, BTreeSet::new(), b.line, name);
                }
                "grafana_rule_group" => {
                    for r in b.body.blocks("rule") {
                        let rname = attr_str(r, "name").unwrap_or_default();
                        let mut links = Vec::new();
                        let mut computed = false;
                        if let Some(Attr {
                            value: Value::Object(o),
                            ..
                        }) = r.body.attr("annotations")
                        {
                            for a in o {
                                if a.name == "runbook_url" {
                                    match &a.text {
                                        Some(t) => links.push(t.clone()),
                                        None => computed = true,
                                    }
                                }
                            }
                        } else if r.body.attr("annotations").is_some() {
                            computed = true;
                        }
                        s.alerts.push(Alert {
                            name: format!("{name} rule {rname}"),
                            path: f.path.clone(),
                            line: r.line,
                            field: "annotations.runbook_url",
                            links,
                            families: BTreeSet::new(),
                            computed,
                        });
                    }
                }
                _ => {}
            }
        }
    }
}

fn attr_str(b: &Block, name: &str) -> Option<String> {
    b.body.attr(name).and_then(|a| a.text.clone())
}

/// What became of one link.
enum Resolved {
    /// A file (and heading) of this repository.
    Local,
    /// Elsewhere, or templated: counted, not fetched.
    External,
    Broken(String),
}

/// `owner/name` (lower case) of a GitHub/GitLab/Bitbucket remote, with its host.
fn remote_slug(url: &str) -> Option<(String, String)> {
    let u = url.trim().trim_end_matches('/').trim_end_matches(".git");
    let rest = if let Some(r) = u.strip_prefix("git@") {
        r.replacen(':', "/", 1)
    } else {
        let r = u.split_once("://")?.1;
        r.rsplit_once('@')
            .map(|(_, h)| h.to_string())
            .unwrap_or_else(|| r.to_string())
    };
    let (host, path) = rest.split_once('/')?;
    Some((host.to_ascii_lowercase(), path.to_ascii_lowercase()))
}

/// The path of `root` inside the git work tree ("" at its top).
fn root_prefix(index: &Index) -> Option<String> {
    index.git.as_ref()?.root_in_workdir.clone()
}

fn normalize(dir: &str, rel: &str) -> Option<String> {
    crate::repo::text::resolve_relative(dir, rel)
}

fn resolve(link: &str, from: &str, index: &Index) -> Resolved {
    if link.contains("{{") || link.contains("${") || link.contains("$labels") {
        return Resolved::External;
    }
    let (target, anchor) = match link.split_once('#') {
        Some((t, a)) => (t, Some(a)),
        None => (link, None),
    };
    let file = if target.starts_with("http://") || target.starts_with("https://") {
        let Some(remote) = index.git.as_ref().and_then(|g| g.remote_url.as_deref()) else {
            return Resolved::External;
        };
        let (Some((rh, rp)), Some((lh, lp))) = (remote_slug(remote), remote_slug(target)) else {
            return Resolved::External;
        };
        let lp_lower = lp.to_ascii_lowercase();
        if rh != lh || !lp_lower.starts_with(&format!("{rp}/")) {
            return Resolved::External;
        }
        // Keep the original case of the path after owner/name.
        let Some(after) = target.get(target.len() - lp.len() + rp.len() + 1..) else {
            return Resolved::External;
        };
        let after = after.strip_prefix("-/").unwrap_or(after);
        let Some(rest) = after
            .strip_prefix("blob/")
            .or_else(|| after.strip_prefix("tree/"))
            .or_else(|| after.strip_prefix("src/"))
        else {
            return Resolved::External; // wiki, issues...
        };
        let Some((_, in_repo)) = rest.split_once('/') else {
            return Resolved::Broken(format!("{link} names no file"));
        };
        let prefix = root_prefix(index).unwrap_or_default();
        let in_root = if prefix.is_empty() {
            Some(in_repo.to_string())
        } else {
            in_repo
                .strip_prefix(&format!("{prefix}/"))
                .map(str::to_string)
        };
        match in_root {
            Some(p) => match index.get(&p) {
                Some(_) => p,
                None => return Resolved::Broken(format!("{in_repo} is not in the repository")),
            },
            None => return Resolved::External, // outside the checked tree
        }
    } else if target.contains("://") || target.starts_with("mailto:") {
        return Resolved::External;
    } else if target.is_empty() {
        return Resolved::Broken("the link has only an anchor, no file".into());
    } else {
        let dir = Path::new(from)
            .parent()
            .map(|p| p.to_string_lossy().into_owned())
            .unwrap_or_default();
        let candidates = if let Some(abs) = target.strip_prefix('/') {
            vec![normalize("", abs)]
        } else {
            vec![normalize(&dir, target), normalize("", target)]
        };
        match candidates
            .into_iter()
            .flatten()
            .find(|c| index.get(c).is_some())
        {
            Some(p) => p,
            None => return Resolved::Broken(format!("no file {target} in the repository")),
        }
    };
    let Some(anchor) = anchor.filter(|a| !a.is_empty()) else {
        return Resolved::Local;
    };
    let Some(entry) = index.get(&file) else {
        return Resolved::Broken(format!("no file {file}"));
    };
    let Some(doc) = entry.markdown() else {
        return Resolved::Local; // `#L10` into code and the like
    };
    let anchors = doc.anchors();
    if anchors.iter().any(|a| a.eq_ignore_ascii_case(anchor)) {
        Resolved::Local
    } else {
        let mut shown: Vec<&str> = Vec::new();
        let mut len = 0;
        for a in &anchors {
            if shown.len() == 6 || len + a.len() > 100 {
                shown.push("...");
                break;
            }
            len += a.len() + 2;
            shown.push(a);
        }
        Resolved::Broken(format!(
            "{file} has no heading #{anchor} (has: {})",
            shown.join(", ")
        ))
    }
}

pub struct AlertRunbooks {
    meta: CheckMeta,
}

impl AlertRunbooks {
    pub fn new() -> Self {
        AlertRunbooks {
            meta: CheckMeta::define("monitoring.alert-runbooks")
                .title("Every alert links a runbook that exists")
                .severity(Severity::Warning)
                .explain(EXPLAIN)
                .fix("add a runbook_url annotation (or the provider's equivalent) to every alert, pointing at an existing runbook heading")
                .build(),
        }
    }
}

impl Check for AlertRunbooks {
    fn meta(&self) -> &CheckMeta {
        &self.meta
    }

    fn run(&self, ctx: &Context) -> Outcome {
        let s = scan(ctx.index);
        if s.alerts.is_empty() {
            return Outcome::skip(
                "no alerting rules (Prometheus, PrometheusRule, Grafana alerting, CloudWatch, Datadog ...)",
            );
        }
        let mut findings = Vec::new();
        let (mut local, mut external, mut computed) = (0, 0, 0);
        for a in &s.alerts {
            let at = |m: String| Finding::new(m).at(a.path.clone(), Some(a.line));
            if a.links.is_empty() {
                if a.computed {
                    computed += 1;
                } else {
                    findings.push(
                        at(format!(
                            "alert {} has no runbook link ({})",
                            a.name, a.field
                        ))
                        .rule("missing-runbook"),
                    );
                }
                continue;
            }
            for l in &a.links {
                match resolve(l, &a.path, ctx.index) {
                    Resolved::Local => local += 1,
                    Resolved::External => external += 1,
                    Resolved::Broken(why) => findings.push(
                        at(format!(
                            "alert {}: runbook link {l} is broken: {why}",
                            a.name
                        ))
                        .rule("broken-runbook-link"),
                    ),
                }
            }
        }
        // Datastores no alert watches.
        let inv = inventory(ctx.index);
        let watched: BTreeSet<&str> = s
            .alerts
            .iter()
            .flat_map(|a| a.families.iter().copied())
            .collect();
        let unwatched: Vec<String> = inv
            .datastores
            .iter()
            .filter(|d| !watched.contains(family(&d.engine)))
            .map(|d| d.name.clone())
            .collect();
        let mut notes = Vec::new();
        if !inv.datastores.is_empty() {
            if unwatched.is_empty() {
                notes.push("every datastore has an alert".to_string());
            } else {
                notes.push(format!(
                    "no alert for {} {}",
                    plural(unwatched.len(), "datastore").noun(),
                    crate::checks::resilience::short_list(&unwatched, 3)
                ));
            }
            if !s.exporters.is_empty() {
                notes.push(format!(
                    "exporters: {}",
                    crate::checks::resilience::short_list(&s.exporters, 2)
                ));
            }
        }
        if computed > 0 {
            notes.push(format!(
                "{} computed, not judged",
                plural(computed, "alert text")
            ));
        }
        let notes = if notes.is_empty() {
            String::new()
        } else {
            format!("; {}", notes.join("; "))
        };
        let n = s.alerts.len();
        if findings.is_empty() {
            Outcome::pass(format!(
                "{} link a runbook ({local} in this repository, {external} elsewhere){notes}",
                plural(n, "alert")
            ))
        } else {
            Outcome::fail(
                format!(
                    "{} of {} without a working runbook link{notes}",
                    findings.len(),
                    plural(n, "alert")
                ),
                findings,
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remotes() {
        assert_eq!(
            remote_slug("git@github.com:Acme/Pay.git"),
            Some(("github.com".into(), "acme/pay".into()))
        );
        assert_eq!(
            remote_slug("https://user@gitlab.com/g/sub/p.git"),
            Some(("gitlab.com".into(), "g/sub/p".into()))
        );
    }

    #[test]
    fn links_in_text() {
        assert_eq!(
            links_in("Runbook: https://wiki.example.com/x. See docs/RUNBOOK.md#redis too"),
            vec!["https://wiki.example.com/x", "docs/RUNBOOK.md#redis"]
        );
    }
}
