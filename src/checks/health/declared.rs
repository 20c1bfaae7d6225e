//! `health.declared`: health endpoints are declared somewhere the platform
//! (or readyctl) will probe them. [`discover`] is reusable: the `health`
//! scaffold uses it to write a `health:` section.

use std::collections::HashSet;

use crate::check::{Check, CheckMeta, Context, Outcome};
use crate::findings::{Finding, Severity};
use crate::repo::index::{FileEntry, Index};
use crate::views::k8s::{K8s, Kind, Source, Workload};
use crate::views::terraform::{Attr, Block, Body, TfFile, Value};
use crate::views::yaml::node::{Node, SNode, line};

const EXPLAIN: &str = r#"
## What it checks
That the repository declares health endpoints, and where:
- `health.endpoints` in `readyctl.yaml`;
- `readinessProbe`, `livenessProbe` and `startupProbe` of the containers of
  Kubernetes workloads, as the Kubernetes model reads them: plain manifests
  (every document of multi-document files), Helm chart templates rendered
  against the chart's `values.yaml` (a probe written in values.yaml and
  templated in shows what it checks), and Kustomize output (patches
  applied); probes in other YAML (values of a chart no template renders, a
  custom resource) count too;
- `healthcheck` of services in Docker Compose files;
- `HEALTHCHECK` in Dockerfiles (`HEALTHCHECK NONE` does not count);
- Terraform (`.tf` and `.tf.json`, through the Terraform model):
  load-balancer `health_check` blocks or objects, health-check resources
  (Route 53, Google Cloud, Azure load-balancer probes) and ECS container
  `healthCheck`s (in `jsonencode(...)`, a JSON heredoc or a JSON string).

Each declaration is listed with its file:line. A Deployment, StatefulSet or
DaemonSet behind a Service none of whose containers has a `readinessProbe` is
a finding at its `kind:` line: without one, traffic reaches pods before they
can serve it, and a rollout cannot tell a broken release from a good one.
Jobs and CronJobs are not expected to have probes, and a container whose
probes come from something the model cannot render (a Helm `include` of
shared probes) is given the benefit of the doubt. A manifest that is not
valid YAML is a finding.

## Why it matters
A release gate, a load balancer and an orchestrator all need a way to ask
"are you up?". A service with no declared health endpoint cannot be probed
before, during or after a deploy, so a broken release is found by its users.

## How to fix
Run `readyctl scaffold health` to add a `health:` section to `readyctl.yaml`,
add a `readinessProbe` to each workload, a `healthcheck` to compose services,
or a `HEALTHCHECK` to the Dockerfile.

## Example
```yaml
# k8s/deployment.yaml
apiVersion: apps/v1
kind: Deployment
metadata: {name: api}
spec:
  template:
    spec:
      containers:
        - name: api
          image: ghcr.io/acme/api:1.4.2
          readinessProbe:
            httpGet: {path: /healthz, port: 8080}
```
"#;

/// Where a declaration was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum DeclaredKind {
    /// `health.endpoints` in readyctl.yaml.
    Config,
    /// A probe in a Kubernetes manifest, a Kustomize output or other YAML.
    Kubernetes,
    /// A probe in a Helm chart template (rendered against its values).
    Helm,
    /// `healthcheck` of a compose service.
    Compose,
    /// `HEALTHCHECK` in a Dockerfile.
    Dockerfile,
    /// A Terraform health check (the Terraform model).
    Terraform,
}

impl DeclaredKind {
    pub fn as_str(self) -> &'static str {
        match self {
            DeclaredKind::Config => "readyctl.yaml",
            DeclaredKind::Kubernetes => "kubernetes",
            DeclaredKind::Helm => "helm",
            DeclaredKind::Compose => "compose",
            DeclaredKind::Dockerfile => "dockerfile",
            DeclaredKind::Terraform => "terraform",
        }
    }
}

/// One declared health endpoint or check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Declared {
    pub kind: DeclaredKind,
    pub path: String,
    /// 1-based.
    pub line: u32,
    /// What it is, e.g. `readinessProbe of Deployment api, container api`.
    pub what: String,
    /// The URL, HTTP path or command it checks, when known.
    pub target: Option<String>,
    /// The port, when known (Kubernetes `httpGet`/`tcpSocket`/`grpc`).
    pub port: Option<String>,
}

impl Declared {
    /// `path:line what (target)`.
    pub fn describe(&self) -> String {
        let mut s = format!("{}:{} {}", self.path, self.line, self.what);
        match (&self.target, &self.port) {
            (Some(t), Some(p)) => s.push_str(&format!(" ({t} on port {p})")),
            (Some(t), None) => s.push_str(&format!(" ({t})")),
            (None, Some(p)) => s.push_str(&format!(" (port {p})")),
            (None, None) => {}
        }
        s
    }
}

/// What a scan of the repository found.
#[derive(Debug, Default)]
pub struct Scan {
    pub declared: Vec<Declared>,
    /// Workloads without a readiness probe, and files that could not be read.
    pub findings: Vec<Finding>,
    /// Files looked at, for the message when nothing is found.
    pub manifests: usize,
}

/// Every health declaration in the repository's files (readyctl.yaml's
/// endpoints are not included: they are in the loaded config).
pub fn discover(index: &Index) -> Vec<Declared> {
    scan(index).declared
}

const PROBES: &[&str] = &["readinessProbe", "livenessProbe", "startupProbe"];

/// Scan the index's views for health declarations and for workloads
/// without a readiness probe.
pub fn scan(index: &Index) -> Scan {
    let mut s = Scan::default();
    let mut candidates: HashSet<String> = HashSet::new();
    let dockerfiles = crate::views::dockerfile::view(index);
    for d in &dockerfiles.files {
        let Ok(parsed) = &d.parsed else { continue };
        // Only the product's files (SPEC §9).
        if !index.get(&d.path).is_some_and(|f| f.is_product()) {
            continue;
        }
        // An image that exposes no port (a CLI tool, a batch job) serves
        // nothing to probe.
        if parsed
            .stages
            .iter()
            .any(|st| !st.exposes.is_empty() || !st.healthchecks.is_empty())
        {
            candidates.insert(d.path.clone());
        }
        dockerfile(&d.path, parsed, &mut s);
    }
    for f in index.files() {
        if f.is_product() && f.is_yaml() && is_compose(f.name()) {
            candidates.insert(f.path.clone());
            if let Some(text) = f.text() {
                compose(f, text, &mut s);
            }
        }
    }
    kubernetes(
        index,
        &crate::views::k8s::model(index),
        &mut s,
        &mut candidates,
    );
    terraform(
        &crate::views::terraform::model(index),
        &mut s,
        &mut candidates,
    );
    s.manifests = candidates.len();
    s.declared
        .sort_by(|a, b| (&a.path, a.line, &a.what).cmp(&(&b.path, b.line, &b.what)));
    // One probe line deployed by several kustomize overlays is one declaration.
    s.declared.dedup_by(|a, b| {
        (&a.path, a.line, a.what.split(' ').next()) == (&b.path, b.line, b.what.split(' ').next())
    });
    s.findings
        .sort_by(|a, b| (&a.path, a.line).cmp(&(&b.path, b.line)));
    s.findings
        .dedup_by(|a, b| (&a.path, a.line, &a.message) == (&b.path, b.line, &b.message));
    s
}

/// A Docker Compose file name: `compose.yaml`, `docker-compose.yml`,
/// `docker-compose.prod.yml`, `compose-dev.yaml` …
fn is_compose(name: &str) -> bool {
    let Some(stem) = name
        .strip_suffix(".yml")
        .or_else(|| name.strip_suffix(".yaml"))
    else {
        return false;
    };
    let rest = stem.strip_prefix("docker-").unwrap_or(stem);
    let Some(rest) = rest.strip_prefix("compose") else {
        return false;
    };
    rest.is_empty()
        || ((rest.starts_with('.') || rest.starts_with('-'))
            && rest.len() > 1
            && rest[1..]
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-')))
}

fn parse_error(f: &FileEntry, e: &crate::views::yaml::YamlError) -> Finding {
    Finding::new(format!("cannot read as YAML: {}", e.message))
        .at(f.path.clone(), e.line)
        .col(e.column)
}

// ---- Kubernetes (the Kubernetes model) -------------------------------------

/// The workload kinds that must be ready before they receive traffic.
fn needs_readiness(kind: Kind) -> bool {
    matches!(kind, Kind::Deployment | Kind::StatefulSet | Kind::DaemonSet)
}

fn kubernetes(index: &Index, k8s: &K8s, s: &mut Scan, candidates: &mut HashSet<String>) {
    // Files probes are rendered from (a chart's values.yaml): their probes
    // are listed where the templates use them.
    let mut rendered_from: HashSet<String> = HashSet::new();
    for w in &k8s.workloads {
        // A chart's values are read where its templates use them.
        if let Source::Helm { chart } = &w.source {
            for v in ["values.yaml", "values.yml"] {
                rendered_from.insert(if chart.is_empty() {
                    v.to_string()
                } else {
                    format!("{chart}/{v}")
                });
            }
        }
        let kind = match w.source {
            Source::Helm { .. } => DeclaredKind::Helm,
            _ => DeclaredKind::Kubernetes,
        };
        let mut ready = false;
        let mut unknown = false;
        for c in w.app_containers() {
            unknown |= c.probes_unknown;
            for p in &c.probes {
                ready |= p.kind == "readinessProbe";
                if let Some(v) = &p.values_at {
                    rendered_from.insert(v.path.clone());
                }
                candidates.insert(p.at.path.clone());
                s.declared.push(Declared {
                    kind,
                    path: p.at.path.clone(),
                    line: p.at.line,
                    what: format!("{} of {}, container {}", p.kind, owner(w), c.name),
                    target: p.target.clone(),
                    port: p.port.clone(),
                });
            }
        }
        if !needs_readiness(w.kind) {
            continue;
        }
        candidates.insert(w.at.path.clone());
        if !ready && !unknown && behind_service(k8s, w) {
            s.findings.push(
                Finding::new(format!(
                    "{} is behind a Service but has no readinessProbe: traffic reaches pods before they can serve it",
                    w.describe()
                ))
                .at(w.at.path.clone(), Some(w.at.line))
                .rule("readiness-probe"),
            );
        }
    }
    // Manifests that are not YAML: the model cannot see their workloads.
    for u in &k8s.unread {
        if u.why.starts_with("cannot read as YAML") {
            candidates.insert(u.at.path.clone());
            s.findings
                .push(Finding::new(u.why.clone()).at(u.at.path.clone(), Some(u.at.line)));
        }
    }
    other_yaml(index, k8s, &rendered_from, s, candidates);
}

/// `Deployment api`; a name templated beyond reach in parentheses
/// (`Deployment ({{ include "web.fullname" }})`), which readers of the
/// declarations (the health scaffold) take as no name.
fn owner(w: &Workload) -> String {
    if w.name.contains("{{") {
        format!("{} ({})", w.kind.as_str(), w.name)
    } else {
        w.describe()
    }
}

/// Does a Service send `w` traffic? The model's answer; where a Service
/// near it has a selector the model cannot compare (templated), a Service
/// in the same file, or the only serving workload of a chart or
/// kustomization that has a Service, counts as behind it.
fn behind_service(k8s: &K8s, w: &Workload) -> bool {
    if let Some(b) = k8s.behind_service(w) {
        return b;
    }
    if k8s.services.iter().any(|s| s.at.path == w.at.path) {
        return true;
    }
    let scope_services = k8s.services.iter().any(|s| s.scope == w.scope);
    let scope_workloads = k8s
        .workloads
        .iter()
        .filter(|o| o.scope == w.scope && needs_readiness(o.kind))
        .count();
    scope_services && scope_workloads == 1
}

/// Probes in product YAML the model holds no object for: a chart's values
/// that no template renders, a custom resource, a patch outside any
/// kustomization. Read through the YAML tree; a probe counts only with a
/// handler (a schema or a policy that merely names `livenessProbe`
/// declares nothing).
fn other_yaml(
    index: &Index,
    k8s: &K8s,
    rendered_from: &HashSet<String>,
    s: &mut Scan,
    candidates: &mut HashSet<String>,
) {
    // Files whose workloads the model read (a Deployment whose containers
    // name no image is a patch, not a workload: its probes are read here).
    let modelled: HashSet<&str> = k8s
        .workloads
        .iter()
        .flat_map(|w| {
            std::iter::once(w.at.path.as_str()).chain(
                w.containers
                    .iter()
                    .flat_map(|c| c.probes.iter().map(|p| p.at.path.as_str())),
            )
        })
        .collect();
    for f in index.files() {
        if !f.is_product()
            || !f.is_yaml()
            || is_compose(f.name())
            || modelled.contains(f.path.as_str())
            || rendered_from.contains(&f.path)
            || crate::views::k8s::kustomize::is_kustomization(f.name())
        {
            continue;
        }
        let Some(text) = f.text() else { continue };
        // Templated text (a chart template, Jinja) is not YAML until
        // rendered; the model renders the charts it can.
        if text.contains("{{") || text.contains("{%") || !PROBES.iter().any(|p| text.contains(p)) {
            continue;
        }
        let Ok(docs) = crate::views::yaml::from_str_multi::<SNode>(text) else {
            continue;
        };
        let before = s.declared.len();
        for doc in &docs {
            let kind = doc.value.get("kind").and_then(|k| k.value.as_str());
            let name = doc
                .value
                .path(&["metadata", "name"])
                .and_then(|n| n.value.scalar());
            let owner = match (kind, name) {
                (Some(k), n) => format!(" of {k} {}", n.unwrap_or_else(|| "(unnamed)".into())),
                _ => String::new(),
            };
            probes_anywhere(f, &doc.value, &owner, s);
        }
        if s.declared.len() > before {
            candidates.insert(f.path.clone());
        }
    }
}

/// Probe keys anywhere in a tree.
fn probes_anywhere(f: &FileEntry, n: &Node, owner: &str, s: &mut Scan) {
    match n {
        Node::Map(m) => {
            // A container of an object: its probes are named after it.
            let container = n
                .get("name")
                .filter(|_| !owner.is_empty())
                .and_then(|c| c.value.scalar())
                .map(|c| format!(", container {c}"))
                .unwrap_or_default();
            for (k, v) in m {
                match k.value.as_str() {
                    Some(p)
                        if PROBES.contains(&p)
                            && ["httpGet", "tcpSocket", "exec", "grpc"]
                                .iter()
                                .any(|h| v.value.get(h).is_some()) =>
                    {
                        s.declared
                            .push(probe(f, k, v, format!("{p}{owner}{container}")));
                    }
                    _ => probes_anywhere(f, &v.value, owner, s),
                }
            }
        }
        Node::Seq(items) => {
            for i in items {
                probes_anywhere(f, &i.value, owner, s);
            }
        }
        _ => {}
    }
}

fn probe(f: &FileEntry, key: &SNode, v: &SNode, what: String) -> Declared {
    let (_, target, port) = crate::views::k8s::probe_handler(v);
    Declared {
        kind: DeclaredKind::Kubernetes,
        path: f.path.clone(),
        line: line(key),
        what,
        target,
        port,
    }
}

// ---- Compose (the YAML tree) -----------------------------------------------

fn compose(f: &FileEntry, text: &str, s: &mut Scan) {
    let doc: SNode = match crate::views::yaml::from_str(text) {
        Ok(d) => d,
        Err(e) => {
            s.findings.push(parse_error(f, &e));
            return;
        }
    };
    let Some(services) = doc.value.get("services") else {
        return;
    };
    for (name, svc) in services.value.as_map() {
        let Some((k, hc)) = svc.value.entry("healthcheck") else {
            continue;
        };
        let disabled = hc.value.get("disable").map(|d| d.value == Node::Bool(true)) == Some(true);
        let test = hc.value.get("test").map(|t| match &t.value {
            Node::Seq(parts) => {
                let parts: Vec<String> = parts.iter().filter_map(|p| p.value.scalar()).collect();
                let skip = usize::from(matches!(
                    parts.first().map(String::as_str),
                    Some("CMD" | "CMD-SHELL")
                ));
                parts[skip.min(parts.len())..].join(" ")
            }
            other => other.scalar().unwrap_or_default(),
        });
        if disabled || test.as_deref() == Some("NONE") {
            continue;
        }
        let service = name.value.scalar().unwrap_or_default();
        s.declared.push(Declared {
            kind: DeclaredKind::Compose,
            path: f.path.clone(),
            line: line(k),
            what: format!("healthcheck of compose service {service}"),
            target: test
                .filter(|t| !t.is_empty())
                .map(|t| crate::repo::text::shorten(&t)),
            port: None,
        });
    }
}

// ---- Dockerfile (the Dockerfile view) ----------------------------------------

/// `HEALTHCHECK` instructions of a parsed Dockerfile; `HEALTHCHECK NONE`
/// does not count.
fn dockerfile(path: &str, parsed: &crate::views::dockerfile::Parsed, s: &mut Scan) {
    for hc in parsed.stages.iter().flat_map(|st| &st.healthchecks) {
        if hc.none {
            continue;
        }
        s.declared.push(Declared {
            kind: DeclaredKind::Dockerfile,
            path: path.to_string(),
            line: hc.line,
            what: "Dockerfile HEALTHCHECK".into(),
            target: (!hc.cmd.is_empty()).then(|| crate::repo::text::shorten(&hc.cmd)),
            port: None,
        });
    }
}

// ---- Terraform (the Terraform model) -------------------------------------------

/// Resources that run a service someone could probe: a Terraform file
/// without one (a VPC, a bucket) is not a candidate for health checks.
const TF_SERVICE_RESOURCES: &[&str] = &[
    "aws_ecs_service",
    "aws_ecs_task_definition",
    "aws_lb_target_group",
    "aws_alb_target_group",
    "aws_apprunner_service",
    "aws_elastic_beanstalk_environment",
    "google_cloud_run_service",
    "google_cloud_run_v2_service",
    "google_app_engine_standard_app_version",
    "google_app_engine_flexible_app_version",
    "kubernetes_deployment",
    "kubernetes_deployment_v1",
    "kubernetes_stateful_set",
    "kubernetes_stateful_set_v1",
    "azurerm_container_app",
    "azurerm_container_group",
    "azurerm_linux_web_app",
    "azurerm_windows_web_app",
    "azurerm_app_service",
];

/// Resources that are health checks themselves.
const TF_HEALTH_RESOURCES: &[&str] = &[
    "aws_route53_health_check",
    "google_compute_health_check",
    "google_compute_http_health_check",
    "google_compute_https_health_check",
    "google_compute_region_health_check",
    "azurerm_lb_probe",
];

/// Attributes naming the HTTP path a health check requests.
const TF_PATHS: &[&str] = &["path", "request_path", "resource_path"];

fn terraform(
    model: &crate::views::terraform::Model,
    s: &mut Scan,
    candidates: &mut HashSet<String>,
) {
    for f in &model.files {
        let Some(body) = f.body().filter(|_| f.product) else {
            continue;
        };
        let before = s.declared.len();
        let mut services = false;
        for b in &body.blocks {
            let owner = match (b.kind.as_str(), b.labels.as_slice()) {
                ("resource" | "data", [t, n, ..]) => format!("{t}.{n}"),
                ("module", [n, ..]) => format!("module.{n}"),
                (k, [n, ..]) => format!("{k}.{n}"),
                (k, []) => k.to_string(),
            };
            if b.kind == "resource" {
                services |= TF_SERVICE_RESOURCES.contains(&b.label());
                if TF_HEALTH_RESOURCES.contains(&b.label()) {
                    s.declared.push(Declared {
                        kind: DeclaredKind::Terraform,
                        path: f.path.clone(),
                        line: b.line,
                        what: format!("Terraform {owner}"),
                        target: tf_path(&b.body, 1),
                        port: None,
                    });
                }
            }
            tf_nested(f, &b.body, &owner, s);
        }
        if services || s.declared.len() > before {
            candidates.insert(f.path.clone());
        }
    }
}

/// `health_check` blocks and objects, and ECS `healthCheck`s, anywhere in
/// `body` (nested blocks, `dynamic "health_check"`, object values, calls
/// such as `jsonencode(...)`, JSON text).
fn tf_nested(f: &TfFile, body: &Body, owner: &str, s: &mut Scan) {
    let mut hits: Vec<(u32, &str, Option<String>)> = Vec::new();
    tf_hits(body, &mut hits);
    for (line, what, target) in hits {
        s.declared.push(Declared {
            kind: DeclaredKind::Terraform,
            path: f.path.clone(),
            line,
            what: format!("Terraform {what} of {owner}"),
            target,
            port: None,
        });
    }
}

fn tf_hits(body: &Body, hits: &mut Vec<(u32, &'static str, Option<String>)>) {
    for b in &body.blocks {
        if b.kind == "health_check" {
            hits.push((b.line, "health_check", tf_path(&b.body, 0)));
        } else if b.kind == "dynamic" && b.label() == "health_check" {
            let content = b.body.blocks("content").next();
            hits.push((
                b.line,
                "health_check",
                content.and_then(|c| tf_path(&c.body, 0)),
            ));
            continue;
        }
        tf_hits(&b.body, hits);
    }
    for a in &body.attrs {
        for hc in a.nested("health_check") {
            hits.push((hc.line, "health_check", object_path(&hc)));
        }
        for hc in a.nested("healthCheck") {
            hits.push((hc.line, "ECS container healthCheck", ecs_command(&hc)));
        }
    }
}

/// `GET <path>` of a health check's body, looking `depth` levels of nested
/// blocks down (`http_health_check { request_path = ... }`).
fn tf_path(body: &Body, depth: usize) -> Option<String> {
    let direct = body
        .attrs
        .iter()
        .filter(|a| TF_PATHS.contains(&a.name.as_str()))
        .find_map(|a| match &a.value {
            Value::Str(p) => Some(format!("GET {p}")),
            _ => None,
        })
        .or_else(|| body.attrs.iter().find_map(object_path_of));
    if direct.is_some() || depth == 0 {
        return direct;
    }
    body.blocks
        .iter()
        .find_map(|b: &Block| tf_path(&b.body, depth - 1))
}

/// The path attribute of a nested object (`http_health_check = {...}` in
/// Terraform JSON).
fn object_path_of(a: &Attr) -> Option<String> {
    match &a.value {
        Value::Object(_) if a.name.ends_with("health_check") => object_path(a),
        _ => None,
    }
}

/// `GET <path>` of an object-valued health check.
fn object_path(a: &Attr) -> Option<String> {
    let Value::Object(items) = &a.value else {
        return None;
    };
    items
        .iter()
        .filter(|i| TF_PATHS.contains(&i.name.as_str()))
        .find_map(|i| match &i.value {
            Value::Str(p) => Some(format!("GET {p}")),
            _ => None,
        })
}

/// The command of an ECS container `healthCheck`, `CMD-SHELL` left out.
fn ecs_command(a: &Attr) -> Option<String> {
    let Value::Object(items) = &a.value else {
        return None;
    };
    let cmd = items.iter().find(|i| i.name == "command")?;
    let parts: Vec<&str> = cmd
        .items
        .iter()
        .map(String::as_str)
        .skip_while(|p| matches!(*p, "CMD" | "CMD-SHELL"))
        .collect();
    (!parts.is_empty()).then(|| crate::repo::text::shorten(&parts.join(" ")))
}

// ---- the check ----------------------------------------------------------------

pub struct HealthDeclared {
    meta: CheckMeta,
}

impl HealthDeclared {
    pub fn new() -> Self {
        HealthDeclared {
            meta: CheckMeta::define("health.declared")
                .title("Health endpoints declared")
                .severity(Severity::Warning)
                .explain(EXPLAIN)
                .fix("declare health endpoints (readyctl.yaml, readinessProbe, compose healthcheck, HEALTHCHECK)")
                .scaffold("health")
                .build(),
        }
    }
}

/// Declarations listed in the message at most.
const LISTED: usize = 50;

impl Check for HealthDeclared {
    fn meta(&self) -> &CheckMeta {
        &self.meta
    }

    fn run(&self, ctx: &Context) -> Outcome {
        let mut scan = scan(ctx.index);
        let file = ctx.config.file_name().to_string();
        let mut declared: Vec<Declared> = ctx
            .config
            .config
            .health
            .endpoints
            .iter()
            .map(|e| Declared {
                kind: DeclaredKind::Config,
                path: file.clone(),
                line: e.referenced.line() as u32,
                what: format!("endpoint {}", e.value.name),
                target: Some(crate::net::probe::display_url_str(&e.value.url)),
                port: None,
            })
            .collect();
        declared.append(&mut scan.declared);

        let mut list: Vec<String> = declared
            .iter()
            .take(LISTED)
            .map(Declared::describe)
            .collect();
        if declared.len() > LISTED {
            list.push(format!("and {} more", declared.len() - LISTED));
        }
        let n = declared.len();
        let listed = list.join("; ");
        let plural = if n == 1 { "" } else { "s" };
        if !scan.findings.is_empty() {
            let w = scan.findings.len();
            let msg = if n == 0 {
                format!(
                    "no health endpoint declared, and {w} problem{}",
                    if w == 1 { "" } else { "s" }
                )
            } else {
                format!(
                    "{n} health check{plural} declared, but {w} problem{}",
                    if w == 1 { "" } else { "s" }
                )
            };
            return Outcome::fail(msg, scan.findings);
        }
        if n == 0 && scan.manifests == 0 {
            // A library, a CLI tool: nothing here runs as a service.
            return Outcome::skip(
                "nothing deployable declared (no Dockerfile, compose file, Kubernetes workload or Terraform service), and no health.endpoints",
            );
        }
        if n == 0 {
            return Outcome::fail(
                format!(
                    "no health endpoint declared: none in {file} (health.endpoints), and no Kubernetes probe, compose healthcheck, Dockerfile HEALTHCHECK or Terraform health check in {} candidate file{}",
                    scan.manifests,
                    if scan.manifests == 1 { "" } else { "s" }
                ),
                vec![],
            );
        }
        Outcome::pass(format!("{n} health check{plural} declared: {listed}"))
    }
}
