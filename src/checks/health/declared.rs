//! `health.declared`: health endpoints are declared somewhere the platform
//! (or readyctl) will probe them. [`discover`] is reusable: the `health`
//! scaffold uses it to write a `health:` section.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::LazyLock;

use regex::Regex;

use crate::check::{Check, CheckMeta, Context, Outcome};
use crate::findings::{Finding, Severity};
use crate::repo::index::{FileEntry, Index};
use crate::views::yaml::node::{Node, SNode, line};

const EXPLAIN: &str = r#"
## What it checks
That the repository declares health endpoints, and where:
- `health.endpoints` in `readyctl.yaml`;
- `readinessProbe`, `livenessProbe` and `startupProbe` in Kubernetes manifests
  (every document of multi-document files; Helm templates under a chart's
  `templates/` are read as text because they are not YAML until rendered;
  chart `values.yaml` probes count too);
- `healthcheck` of services in Docker Compose files;
- `HEALTHCHECK` in Dockerfiles (`HEALTHCHECK NONE` does not count);
- Terraform load-balancer `health_check` blocks, health-check resources
  (Route 53, Google Cloud, Azure load-balancer probes) and ECS container
  `healthCheck`s.

Each declaration is listed with its file:line. A Deployment, StatefulSet or
DaemonSet none of whose containers has a `readinessProbe` is a finding at its
`kind:` line: without one, traffic reaches pods before they can serve it, and
a rollout cannot tell a broken release from a good one. Jobs and CronJobs are
not expected to have probes.

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
    /// A probe in a Kubernetes manifest (or a Helm chart's values).
    Kubernetes,
    /// A probe in a Helm template, read as text.
    Helm,
    /// `healthcheck` of a compose service.
    Compose,
    /// `HEALTHCHECK` in a Dockerfile.
    Dockerfile,
    /// A Terraform health check (text scan).
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
    /// Workloads without a readiness probe, decided once every Service is
    /// known: only a workload behind a Service receives traffic.
    unready: Vec<Unready>,
    /// The pod selectors of the Services of plain manifests.
    selectors: Vec<BTreeMap<String, String>>,
    /// Helm template folders holding a Service, and their workload count.
    template_services: HashSet<String>,
    template_workloads: HashMap<String, usize>,
}

/// A workload without a readiness probe, before we know whether a Service
/// sends it traffic.
#[derive(Debug)]
struct Unready {
    finding: Finding,
    /// The pod template's labels (plain manifests).
    labels: Option<BTreeMap<String, String>>,
    /// A Helm template: its folder, and whether its file holds a Service.
    template: Option<(String, bool)>,
}

impl Scan {
    /// Keep the unready workloads that a Service selects (plain manifests:
    /// the Service's selector is a subset of the pod labels; Helm templates
    /// read as text: a Service in the same file, or the only workload of a
    /// chart with a Service). A load generator or a queue worker with no
    /// Service in front of it needs no readiness probe.
    fn settle(&mut self, k8s: &crate::views::k8s::K8s) {
        for u in std::mem::take(&mut self.unready) {
            // Where the Kubernetes model knows the workload (plain
            // manifests, chart templates, Kustomize bases), "behind a
            // Service" is the model's answer, the same as every check's.
            let known = k8s
                .workloads
                .iter()
                .filter(|w| {
                    Some(&w.at.path) == u.finding.path.as_ref() && Some(w.at.line) == u.finding.line
                })
                .map(|w| k8s.behind_service(w))
                .fold(None, |acc: Option<bool>, b| match (acc, b) {
                    (Some(true), _) | (_, Some(true)) => Some(true),
                    (Some(false), _) | (_, Some(false)) => Some(false),
                    _ => None,
                });
            if let Some(behind) = known {
                if behind {
                    self.findings.push(u.finding);
                }
                continue;
            }
            let behind = match (&u.labels, &u.template) {
                (Some(labels), _) => self.selectors.iter().any(|sel| {
                    !sel.is_empty() && sel.iter().all(|(k, v)| labels.get(k) == Some(v))
                }),
                (None, Some((dir, same_file))) => {
                    *same_file
                        || (self.template_services.contains(dir)
                            && self.template_workloads.get(dir) == Some(&1))
                }
                (None, None) => true,
            };
            if behind {
                self.findings.push(u.finding);
            }
        }
    }
}

/// Every health declaration in the repository's files (readyctl.yaml's
/// endpoints are not included: they are in the loaded config).
pub fn discover(index: &Index) -> Vec<Declared> {
    scan(index).declared
}

const WORKLOADS: &[&str] = &["Deployment", "StatefulSet", "DaemonSet"];
const PROBES: &[&str] = &["readinessProbe", "livenessProbe", "startupProbe"];

static WORKLOAD_KIND: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?m)^\s*kind:\s*[\x22']?(Deployment|StatefulSet|DaemonSet)[\x22']?\s*(#.*)?$")
        .expect("valid regex")
});
static SERVICE_KIND: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?m)^\s*kind:\s*[\x22']?Service[\x22']?\s*(#.*)?$").expect("valid regex")
});
static COMPOSE_NAME: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(docker-)?compose([.-][A-Za-z0-9_.-]+)?\.ya?ml$").expect("valid regex")
});

/// Scan the index for health declarations and for workloads without a
/// readiness probe.
pub fn scan(index: &Index) -> Scan {
    let mut s = Scan::default();
    let dockerfiles = crate::views::dockerfile::view(index);
    let dockerfiles: HashMap<&str, &crate::views::dockerfile::DockerFile> = dockerfiles
        .files
        .iter()
        .map(|d| (d.path.as_str(), d))
        .collect();
    for f in index.files() {
        // Only the product's files (SPEC §9).
        if !f.is_product() {
            continue;
        }
        let name = f.name();
        if let Some(d) = dockerfiles.get(f.path.as_str()) {
            if let Ok(parsed) = &d.parsed {
                // An image that exposes no port (a CLI tool, a batch job)
                // serves nothing to probe.
                if parsed
                    .stages
                    .iter()
                    .any(|st| !st.exposes.is_empty() || !st.healthchecks.is_empty())
                {
                    s.manifests += 1;
                }
                dockerfile(&d.path, parsed, &mut s);
            }
        } else if f.ext() == "tf" {
            if let Some(text) = f.text() {
                terraform(f, text, &mut s);
            }
        } else if f.is_yaml() {
            let Some(text) = f.text() else { continue };
            if COMPOSE_NAME.is_match(name) {
                s.manifests += 1;
                compose(f, text, &mut s);
            } else if text.contains("{{") && is_helm_template(&f.path) {
                if text.contains("kind:") || PROBES.iter().any(|p| text.contains(p)) {
                    s.manifests += 1;
                    helm_template(f, text, &mut s);
                }
            } else if PROBES.iter().any(|p| text.contains(p))
                || WORKLOAD_KIND.is_match(text)
                || SERVICE_KIND.is_match(text)
            {
                let before = s.declared.len();
                kubernetes(f, text, &mut s);
                if s.declared.len() > before || WORKLOAD_KIND.is_match(text) {
                    s.manifests += 1;
                }
            }
        }
    }
    s.settle(&crate::views::k8s::model(index));
    s
}

/// A file under a Helm chart's `templates/` folder.
fn is_helm_template(path: &str) -> bool {
    path.starts_with("templates/") || path.contains("/templates/")
}

fn parse_error(f: &FileEntry, e: &crate::views::yaml::YamlError) -> Finding {
    Finding::new(format!("cannot read as YAML: {}", e.message))
        .at(f.path.clone(), e.line)
        .col(e.column)
}

// ---- Kubernetes ---------------------------------------------------------

fn kubernetes(f: &FileEntry, text: &str, s: &mut Scan) {
    let docs: Vec<SNode> = match crate::views::yaml::from_str_multi(text) {
        Ok(d) => d,
        // Templated elsewhere than a chart's templates/ (Go templates,
        // Jinja): not YAML until rendered, read it as text.
        Err(_) if text.contains("{{") || text.contains("{%") => {
            helm_template(f, text, s);
            return;
        }
        Err(e) => {
            // Only a file that claims to hold workloads is worth a finding.
            if WORKLOAD_KIND.is_match(text) {
                s.findings.push(parse_error(f, &e));
            }
            return;
        }
    };
    for doc in &docs {
        k8s_object(f, &doc.value, s);
    }
}

fn k8s_object(f: &FileEntry, obj: &Node, s: &mut Scan) {
    let kind_entry = obj.entry("kind");
    let kind = kind_entry.and_then(|(_, v)| v.value.as_str()).unwrap_or("");
    if kind == "List" || kind.ends_with("List") {
        for item in obj.get("items").map(|i| i.value.as_seq()).unwrap_or(&[]) {
            k8s_object(f, &item.value, s);
        }
        return;
    }
    let name = obj
        .path(&["metadata", "name"])
        .and_then(|n| n.value.scalar())
        .unwrap_or_else(|| "(unnamed)".into());
    let owner = if kind.is_empty() {
        String::new()
    } else {
        format!(" of {kind} {name}")
    };
    if kind == "Service" {
        if let Some(sel) = obj.path(&["spec", "selector"]) {
            s.selectors.push(string_map(&sel.value));
        }
        return;
    }
    let pod_spec = match kind {
        "Pod" => obj.get("spec"),
        "CronJob" => obj.path(&["spec", "jobTemplate", "spec", "template", "spec"]),
        _ => obj.path(&["spec", "template", "spec"]),
    };
    let Some(pod_spec) = pod_spec.filter(|p| p.value.is_map()) else {
        // Not a workload: probes anywhere in it (a chart's values.yaml, a
        // kustomize patch) still declare endpoints.
        probes_anywhere(f, obj, &owner, s);
        return;
    };
    let mut ready = false;
    // A container without an image is a patch (kustomize overlays), not a
    // workload: the probes live in the base it patches.
    let mut has_image = false;
    for c in pod_spec
        .value
        .get("containers")
        .map(|c| c.value.as_seq())
        .unwrap_or(&[])
    {
        let cname = c
            .value
            .get("name")
            .and_then(|n| n.value.scalar())
            .unwrap_or_else(|| "(unnamed)".into());
        has_image |= c.value.get("image").is_some();
        for p in PROBES {
            if let Some((k, v)) = c.value.entry(p) {
                if *p == "readinessProbe" {
                    ready = true;
                }
                s.declared
                    .push(probe(f, k, v, format!("{p}{owner}, container {cname}")));
            }
        }
    }
    if WORKLOADS.contains(&kind) && has_image && !ready {
        let (k, _) = kind_entry.expect("a workload has a kind");
        let labels = obj
            .path(&["spec", "template", "metadata", "labels"])
            .map(|l| string_map(&l.value))
            .unwrap_or_default();
        s.unready.push(Unready {
            finding: Finding::new(format!(
                "{kind} {name} is behind a Service but has no readinessProbe: traffic reaches pods before they can serve it"
            ))
            .at(f.path.clone(), Some(line(k)))
            .rule("readiness-probe"),
            labels: Some(labels),
            template: None,
        });
    }
}

/// A map of scalars (labels, selectors); other values are left out.
fn string_map(n: &Node) -> BTreeMap<String, String> {
    match n {
        Node::Map(m) => m
            .iter()
            .filter_map(|(k, v)| Some((k.value.as_str()?.to_string(), v.value.scalar()?)))
            .collect(),
        _ => BTreeMap::new(),
    }
}

/// Probe keys anywhere in a tree (values.yaml, patches).
fn probes_anywhere(f: &FileEntry, n: &Node, owner: &str, s: &mut Scan) {
    match n {
        Node::Map(m) => {
            for (k, v) in m {
                match k.value.as_str() {
                    // A probe has a handler; a schema or a policy that
                    // merely names `livenessProbe` declares nothing.
                    Some(p)
                        if PROBES.contains(&p)
                            && ["httpGet", "tcpSocket", "exec", "grpc"]
                                .iter()
                                .any(|h| v.value.get(h).is_some()) =>
                    {
                        s.declared.push(probe(f, k, v, format!("{p}{owner}")));
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
    let p = &v.value;
    let (target, port) = if let Some(h) = p.get("httpGet") {
        let scheme = h
            .value
            .get("scheme")
            .and_then(|s| s.value.scalar())
            .unwrap_or_else(|| "HTTP".into());
        let path = h
            .value
            .get("path")
            .and_then(|s| s.value.scalar())
            .unwrap_or_else(|| "/".into());
        (
            Some(format!("{scheme} GET {path}")),
            h.value.get("port").and_then(|s| s.value.scalar()),
        )
    } else if let Some(t) = p.get("tcpSocket") {
        (
            Some("TCP connect".to_string()),
            t.value.get("port").and_then(|s| s.value.scalar()),
        )
    } else if let Some(g) = p.get("grpc") {
        (
            Some("gRPC health".to_string()),
            g.value.get("port").and_then(|s| s.value.scalar()),
        )
    } else if let Some(e) = p.get("exec") {
        let cmd: Vec<String> = e
            .value
            .get("command")
            .map(|c| {
                c.value
                    .as_seq()
                    .iter()
                    .filter_map(|x| x.value.scalar())
                    .collect()
            })
            .unwrap_or_default();
        (Some(format!("exec: {}", shorten(&cmd.join(" ")))), None)
    } else {
        (None, None)
    };
    Declared {
        kind: DeclaredKind::Kubernetes,
        path: f.path.clone(),
        line: line(key),
        what,
        target,
        port,
    }
}

fn shorten(s: &str) -> String {
    const MAX: usize = 80;
    if s.chars().count() <= MAX {
        s.to_string()
    } else {
        format!("{}…", s.chars().take(MAX).collect::<String>())
    }
}

// ---- Helm templates (text) ----------------------------------------------

static TOP_KIND: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^kind:\s*[\x22']?([A-Za-z]+)").expect("valid regex"));
static PROBE_KEY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(\s*)(readinessProbe|livenessProbe|startupProbe):").expect("valid regex")
});
static PATH_KEY: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\s*path:\s*(\S+)").expect("valid regex"));
static PORT_KEY: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\s*port:\s*(\S+)").expect("valid regex"));

/// A Helm template is Go-template text, not YAML until rendered: read it
/// line by line. A workload document counts as having a readiness probe
/// when it mentions one (`readinessProbe:`, a `toYaml .Values.readinessProbe`
/// or an include of shared probes).
fn helm_template(f: &FileEntry, text: &str, s: &mut Scan) {
    let lines: Vec<&str> = text.lines().collect();
    // Documents: split on `---` lines.
    let mut start = 0;
    let mut bounds = Vec::new();
    for (i, l) in lines.iter().enumerate() {
        if l.trim_end() == "---" || l.starts_with("--- ") {
            bounds.push((start, i));
            start = i + 1;
        }
    }
    bounds.push((start, lines.len()));
    let dir = f.dir().to_string();
    let has_service = lines
        .iter()
        .any(|l| TOP_KIND.captures(l).is_some_and(|c| &c[1] == "Service"));
    if has_service {
        s.template_services.insert(dir.clone());
    }
    for (a, b) in bounds {
        let doc = &lines[a..b];
        let mut kind: Option<(String, u32)> = None;
        let mut ready = false;
        for (j, l) in doc.iter().enumerate() {
            let ln = (a + j + 1) as u32;
            if kind.is_none()
                && let Some(c) = TOP_KIND.captures(l)
            {
                kind = Some((c[1].to_string(), ln));
            }
            let lower = l.to_ascii_lowercase();
            // `readinessProbe:`, `toYaml .Values.readinessProbe`, or an
            // include of shared probes (`include "common.probes" .`): the
            // rendered output is unknown, so a mention counts.
            if lower.contains("readiness") || (lower.contains("{{") && lower.contains("probe")) {
                ready = true;
            }
            if let Some(c) = PROBE_KEY.captures(l) {
                let indent = c[1].len();
                let mut target = None;
                let mut port = None;
                for next in doc.iter().skip(j + 1).take(12) {
                    let ind = next.len() - next.trim_start().len();
                    if !next.trim().is_empty()
                        && ind <= indent
                        && !next.trim_start().starts_with("{{")
                    {
                        break;
                    }
                    if target.is_none()
                        && let Some(p) = PATH_KEY.captures(next)
                    {
                        target = Some(format!("GET {}", p[1].trim_matches(['"', '\''])));
                    }
                    if port.is_none()
                        && let Some(p) = PORT_KEY.captures(next)
                    {
                        port = Some(p[1].trim_matches(['"', '\'']).to_string());
                    }
                }
                let owner = kind
                    .as_ref()
                    .map(|(k, _)| format!(" of {k}"))
                    .unwrap_or_default();
                s.declared.push(Declared {
                    kind: DeclaredKind::Helm,
                    path: f.path.clone(),
                    line: ln,
                    what: format!("{}{owner} (template)", &c[2]),
                    target,
                    port,
                });
            }
        }
        if let Some((k, _)) = &kind
            && WORKLOADS.contains(&k.as_str())
        {
            *s.template_workloads.entry(dir.clone()).or_default() += 1;
        }
        if let Some((k, ln)) = kind
            && WORKLOADS.contains(&k.as_str())
            && !ready
        {
            s.unready.push(Unready {
                finding: Finding::new(format!(
                    "{k} is behind a Service but has no readinessProbe (template, read as text): traffic reaches pods before they can serve it"
                ))
                .at(f.path.clone(), Some(ln))
                .rule("readiness-probe"),
                labels: None,
                template: Some((dir.clone(), has_service)),
            });
        }
    }
}

// ---- Compose --------------------------------------------------------------

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
            target: test.filter(|t| !t.is_empty()).map(|t| shorten(&t)),
            port: None,
        });
    }
}

// ---- Dockerfile -------------------------------------------------------------

/// `HEALTHCHECK` instructions of a parsed Dockerfile (the Dockerfile view);
/// `HEALTHCHECK NONE` does not count.
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
            target: (!hc.cmd.is_empty()).then(|| shorten(&hc.cmd)),
            port: None,
        });
    }
}

// ---- Terraform (text) -------------------------------------------------------
// HCL parsing (hcl::edit) belongs to the terraform checks; a line scan is
// enough to find health checks and their paths.

static TF_RESOURCE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"^\s*resource\s+"([A-Za-z0-9_]+)"\s+"([^"]+)""#).expect("valid regex")
});
static TF_HEALTH_BLOCK: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\s*health_check\s*\{").expect("valid regex"));
static TF_ECS_HEALTH: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#"^\s*"?healthCheck"?\s*[=:]\s*[\{]"#).expect("valid regex"));
static TF_PATH: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"^\s*(path|request_path|resource_path)\s*=\s*"([^"]*)""#).expect("valid regex")
});
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

fn terraform(f: &FileEntry, text: &str, s: &mut Scan) {
    let lines: Vec<&str> = text.lines().collect();
    let mut resource: Option<String> = None;
    let declared_before = s.declared.len();
    let mut services = false;
    for (i, l) in lines.iter().enumerate() {
        let ln = (i + 1) as u32;
        if let Some(c) = TF_RESOURCE.captures(l) {
            resource = Some(format!("{}.{}", &c[1], &c[2]));
            services |= TF_SERVICE_RESOURCES.contains(&&c[1]);
            if TF_HEALTH_RESOURCES.contains(&&c[1]) {
                s.declared.push(Declared {
                    kind: DeclaredKind::Terraform,
                    path: f.path.clone(),
                    line: ln,
                    what: format!("Terraform {}.{}", &c[1], &c[2]),
                    target: tf_path(&lines[i + 1..]),
                    port: None,
                });
            }
            continue;
        }
        let what = if TF_HEALTH_BLOCK.is_match(l) {
            "health_check"
        } else if TF_ECS_HEALTH.is_match(l) {
            "ECS container healthCheck"
        } else {
            continue;
        };
        let owner = resource
            .as_ref()
            .map(|r| format!(" of {r}"))
            .unwrap_or_default();
        s.declared.push(Declared {
            kind: DeclaredKind::Terraform,
            path: f.path.clone(),
            line: ln,
            what: format!("Terraform {what}{owner}"),
            target: tf_path(&lines[i + 1..]),
            port: None,
        });
    }
    if services || s.declared.len() > declared_before {
        s.manifests += 1;
    }
}

/// The `path = "..."` of the block that starts above `rest`.
fn tf_path(rest: &[&str]) -> Option<String> {
    let mut depth = 1i32;
    for l in rest.iter().take(40) {
        if depth == 1
            && let Some(c) = TF_PATH.captures(l)
        {
            return Some(format!("GET {}", &c[2]));
        }
        depth += l.matches('{').count() as i32 - l.matches('}').count() as i32;
        if depth <= 0 {
            break;
        }
    }
    None
}

// ---- the check ----------------------------------------------------------------

pub struct HealthDeclared {
    meta: CheckMeta,
}

impl HealthDeclared {
    pub fn new() -> Self {
        HealthDeclared {
            meta: CheckMeta::define("health.declared").title("Health endpoints declared").severity(Severity::Warning).explain(EXPLAIN).fix("declare health endpoints (readyctl.yaml, readinessProbe, compose healthcheck, HEALTHCHECK)").scaffold("health").build(),
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
