//! The Kubernetes model: one per run, shared by every check that reads
//! Kubernetes objects (`k8s.*`, `deploy.*`, `health.declared`).
//!
//! Sources, all through the YAML tree of [`crate::views::yaml::node`]:
//! - plain manifests (multi-document files, `kind: List`);
//! - Helm charts ([`helm`]): each template under a chart's `templates/`
//!   rendered as far as the chart's own `values.yaml` and `Chart.yaml` tell
//!   (`.Values.*`, `toYaml`, `default`, `if`/`with` on values, `.Chart.AppVersion`);
//!   what cannot be resolved is *unknown*, never a failure;
//! - Kustomize ([`kustomize`]): every kustomization that no other one
//!   includes yields its effective objects (resources, bases, components,
//!   strategic-merge and JSON 6902 patches, `replicas`, `images`,
//!   `commonLabels`/`labels`, `namespace`). Files a kustomization includes
//!   are read through it, not on their own.
//!
//! Only product files count (SPEC §9): test fixtures, vendored code,
//! examples and generated files never become objects. Relations ("behind a
//! Service", "selected by a PodDisruptionBudget", "scaled by an HPA") are
//! answered here, so every check means the same by them.
//!
//! ```no_run
//! # fn f(index: &readyctl::repo::index::Index) {
//! let k8s = readyctl::views::k8s::model(index);
//! for w in k8s.workloads.iter().filter(|w| w.kind.serves()) {
//!     let behind = k8s.services_of(w).next().is_some();
//!     let _ = (behind, &w.strategy, k8s.canary_of(w));
//! }
//! # }
//! ```

mod extract;

pub use extract::probe_handler;
pub mod helm;
pub mod kustomize;
mod patch;

use std::collections::{BTreeMap, HashSet};
use std::sync::Arc;

use crate::repo::index::Index;

/// A place in a file a person would point at (`{"path", "line"}` in the
/// evidence of the resilience checks).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
pub struct Loc {
    /// Relative to the root, `/`-separated.
    pub path: String,
    /// 1-based.
    pub line: u32,
}

impl Loc {
    pub fn new(path: impl Into<String>, line: u32) -> Loc {
        Loc {
            path: path.into(),
            line: line.max(1),
        }
    }
}

impl std::fmt::Display for Loc {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", self.path, self.line)
    }
}

/// Where an object comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// A plain manifest file.
    Manifest,
    /// A template of the Helm chart in `chart` (its directory).
    Helm { chart: String },
    /// The effective output of the kustomization file `kustomization`.
    Kustomize { kustomization: String },
}

impl Source {
    pub fn describe(&self) -> String {
        match self {
            Source::Manifest => "manifest".into(),
            Source::Helm { chart } => format!("Helm chart {}", shown_dir(chart)),
            Source::Kustomize { kustomization } => format!("kustomization {kustomization}"),
        }
    }
}

fn shown_dir(d: &str) -> &str {
    if d.is_empty() { "." } else { d }
}

/// The kinds of workload the model knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    Deployment,
    StatefulSet,
    DaemonSet,
    ReplicaSet,
    Job,
    CronJob,
    /// Argo Rollouts `Rollout` (argoproj.io).
    Rollout,
}

impl Kind {
    pub fn parse(kind: &str) -> Option<Kind> {
        Some(match kind {
            "Deployment" => Kind::Deployment,
            "StatefulSet" => Kind::StatefulSet,
            "DaemonSet" => Kind::DaemonSet,
            "ReplicaSet" => Kind::ReplicaSet,
            "Job" => Kind::Job,
            "CronJob" => Kind::CronJob,
            "Rollout" => Kind::Rollout,
            _ => return None,
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Deployment => "Deployment",
            Kind::StatefulSet => "StatefulSet",
            Kind::DaemonSet => "DaemonSet",
            Kind::ReplicaSet => "ReplicaSet",
            Kind::Job => "Job",
            Kind::CronJob => "CronJob",
            Kind::Rollout => "Rollout",
        }
    }

    /// A long-running workload that may serve traffic (not a Job/CronJob).
    pub fn serves(self) -> bool {
        !matches!(self, Kind::Job | Kind::CronJob)
    }

    /// A workload whose replica count is set by the user (Deployments,
    /// StatefulSets, ReplicaSets, Rollouts).
    pub fn replicated(self) -> bool {
        matches!(
            self,
            Kind::Deployment | Kind::StatefulSet | Kind::ReplicaSet | Kind::Rollout
        )
    }
}

/// A value that may be set, unset, or unknown until rendered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Setting {
    /// Set to this text.
    Set(String),
    /// Not set.
    Unset,
    /// Set by something the model cannot resolve (a Helm include, a
    /// value missing from values.yaml): never a failure.
    Unknown,
}

impl Setting {
    pub fn is_set(&self) -> bool {
        matches!(self, Setting::Set(_))
    }
    pub fn is_unset(&self) -> bool {
        matches!(self, Setting::Unset)
    }
    pub fn value(&self) -> Option<&str> {
        match self {
            Setting::Set(s) => Some(s),
            _ => None,
        }
    }
}

/// Where a replica count comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReplicasFrom {
    /// `spec.replicas` in the object itself.
    Manifest,
    /// A Helm template reading the chart's values.yaml.
    HelmValues,
    /// A Kustomize patch or `replicas:` entry.
    Kustomize,
    /// Not written: Kubernetes' default of 1.
    Default,
    /// Written as something the model cannot resolve.
    Unknown,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Replicas {
    /// `None` when unknown (or not applicable: DaemonSets, Jobs).
    pub count: Option<u64>,
    pub from: ReplicasFrom,
    /// Where it is written (the values.yaml key, the patch line), when it is.
    pub at: Option<Loc>,
}

/// `resources:` of a container.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resources {
    pub requests_cpu: Setting,
    pub requests_memory: Setting,
    pub limits_cpu: Setting,
    pub limits_memory: Setting,
}

/// `securityContext` (pod or container): the fields the checks read.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Security {
    pub run_as_non_root: Option<bool>,
    pub run_as_user: Option<i64>,
    pub at: Option<Loc>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Probe {
    /// `readinessProbe`, `livenessProbe` or `startupProbe`.
    pub kind: String,
    pub at: Loc,
    /// What it checks: `HTTP GET /healthz`, `TCP connect`, `gRPC health`,
    /// `exec: <command>`; `None` when no handler is known (templated).
    pub target: Option<String>,
    /// The port it checks (`httpGet`, `tcpSocket`, `grpc`), when written.
    pub port: Option<String>,
    /// The chart's values.yaml key it was rendered from (Helm), if any.
    pub values_at: Option<Loc>,
}

/// A container image reference.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Image {
    /// The reference as rendered; `Unknown` when templated beyond reach.
    pub reference: Setting,
    /// The line to fix (the values.yaml tag, the kustomization `images:` entry).
    pub at: Loc,
}

impl Image {
    /// `Some(true)` pinned (a tag other than `latest`, or a digest),
    /// `Some(false)` not pinned, `None` unknown.
    pub fn pinned(&self) -> Option<bool> {
        let r = self.reference.value()?;
        image_pinned(r)
    }
}

/// Is `image` pinned? `None` when a part of it is unknown or empty.
pub fn image_pinned(image: &str) -> Option<bool> {
    if image.contains(helm::UNKNOWN_OPEN) {
        return None;
    }
    if let Some((_, digest)) = image.split_once('@') {
        return Some(!digest.trim().is_empty());
    }
    let last = image.rsplit('/').next().unwrap_or(image);
    match last.split_once(':') {
        Some((_, "")) => None,
        Some((_, tag)) => Some(tag != "latest"),
        None => Some(false),
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Container {
    pub name: String,
    /// An init container (`initContainers`).
    pub init: bool,
    pub image: Image,
    pub resources: Resources,
    pub security: Security,
    pub probes: Vec<Probe>,
    /// The container holds what the renderer could not resolve (a Helm
    /// `include` of shared probes, a `toYaml` of a missing value): it may
    /// have probes the model cannot see.
    pub probes_unknown: bool,
    pub at: Loc,
}

/// How a workload rolls out a new version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StrategyKind {
    /// No strategy written: Deployments and Rollouts default to a rolling
    /// update (25% unavailable), StatefulSets and DaemonSets to `RollingUpdate`.
    Default,
    RollingUpdate,
    Recreate,
    /// StatefulSet/DaemonSet `OnDelete`.
    OnDelete,
    /// Argo Rollouts `canary`.
    Canary,
    /// Argo Rollouts `blueGreen`.
    BlueGreen,
    /// Templated beyond reach.
    Unknown,
    Other(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Strategy {
    pub kind: StrategyKind,
    /// The `strategy:`/`updateStrategy:` line, when written.
    pub at: Option<Loc>,
    pub max_unavailable: Setting,
    pub max_surge: Setting,
    /// Argo Rollouts: number of canary steps.
    pub steps: usize,
    /// Argo Rollouts analysis (canary `analysis` or an `analysis` step,
    /// blue-green pre/post-promotion analysis): where it is declared.
    pub analysis: Option<Loc>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Workload {
    pub kind: Kind,
    pub api_version: String,
    pub name: String,
    pub namespace: Option<String>,
    /// The `kind:` line of the object (in the base file for Kustomize, the
    /// template for Helm).
    pub at: Loc,
    pub source: Source,
    /// Objects of one scope are deployed together (a chart, a kustomization,
    /// the repository's plain manifests).
    pub scope: String,
    /// For a kustomize overlay: the environment its directory names
    /// (`dev`, `production` …).
    pub env: Option<String>,
    pub replicas: Replicas,
    /// The pod template's labels.
    pub labels: BTreeMap<String, String>,
    pub containers: Vec<Container>,
    pub pod_security: Security,
    pub strategy: Strategy,
    /// An Argo Rollout that points at a Deployment (`workloadRef`).
    pub workload_ref: Option<String>,
}

impl Workload {
    /// `Deployment api`.
    pub fn describe(&self) -> String {
        format!("{} {}", self.kind.as_str(), self.name)
    }

    /// The (non-init) containers.
    pub fn app_containers(&self) -> impl Iterator<Item = &Container> {
        self.containers.iter().filter(|c| !c.init)
    }

    /// A kustomize overlay for a development environment (`dev`, `local`,
    /// `test` …), which may legitimately run one replica.
    pub fn is_dev(&self) -> bool {
        self.env.as_deref().is_some_and(is_dev_env)
    }
}

/// Names of environments that may run without redundancy.
pub fn is_dev_env(name: &str) -> bool {
    matches!(
        name.to_ascii_lowercase().as_str(),
        "dev"
            | "develop"
            | "development"
            | "local"
            | "test"
            | "testing"
            | "ci"
            | "sandbox"
            | "kind"
            | "minikube"
            | "preview"
            | "demo"
    )
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Service {
    pub name: String,
    pub namespace: Option<String>,
    /// `None` when the selector is templated beyond reach.
    pub selector: Option<BTreeMap<String, String>>,
    pub at: Loc,
    pub scope: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pdb {
    pub name: String,
    pub namespace: Option<String>,
    /// `spec.selector.matchLabels` (`None`: templated beyond reach or `matchExpressions`).
    pub selector: Option<BTreeMap<String, String>>,
    pub min_available: Setting,
    pub max_unavailable: Setting,
    pub at: Loc,
    pub scope: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hpa {
    pub name: String,
    pub namespace: Option<String>,
    pub target_kind: String,
    pub target_name: String,
    /// `None`: not written (Kubernetes' default is 1) or unknown.
    pub min_replicas: Setting,
    pub at: Loc,
    pub scope: String,
}

/// A Flagger `Canary`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Canary {
    pub name: String,
    pub namespace: Option<String>,
    pub target_kind: String,
    pub target_name: String,
    /// `spec.analysis` (or the older `spec.canaryAnalysis`).
    pub analysis: Option<Loc>,
    /// The analysis holds metrics or webhooks (what decides a rollback).
    pub analysis_checks: bool,
    pub at: Loc,
    pub scope: String,
}

/// A Helm template or manifest the model could not read as objects.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unread {
    pub at: Loc,
    pub why: String,
}

/// Every Kubernetes object of the product the checks read.
#[derive(Debug, Default)]
pub struct K8s {
    pub workloads: Vec<Workload>,
    pub services: Vec<Service>,
    pub pdbs: Vec<Pdb>,
    pub hpas: Vec<Hpa>,
    pub canaries: Vec<Canary>,
    /// Templates and manifests that could not be read (a Helm template
    /// using constructs beyond the renderer, YAML that does not parse).
    pub unread: Vec<Unread>,
    /// Files of the product that contributed objects.
    pub files: Vec<String>,
    /// Images the repository builds itself and a deploy tool tags at
    /// deploy time (Skaffold `build.artifacts[].image`): a manifest naming
    /// them without a tag is filled in when deployed.
    pub built_images: Vec<String>,
}

impl K8s {
    /// Is `image` (as written) one the repository's deploy tool builds and tags?
    pub fn built_by_repo(&self, image: &str) -> bool {
        let repo = image.split('@').next().unwrap_or(image);
        let slash = repo.rfind('/').map_or(0, |i| i + 1);
        let repo = match repo[slash..].rfind(':') {
            Some(i) => &repo[..slash + i],
            None => repo,
        };
        self.built_images.iter().any(|b| b == repo)
    }
}

/// Skaffold configurations' artifact images (every document and profile).
fn skaffold_images(index: &Index) -> Vec<String> {
    let mut out = Vec::new();
    for f in index.files() {
        let name = f.name();
        if !(name.starts_with("skaffold") && f.is_yaml() && f.is_product()) {
            continue;
        }
        let Some(docs) = f.text().and_then(|t| {
            crate::views::yaml::from_str_multi::<crate::views::yaml::node::SNode>(t).ok()
        }) else {
            continue;
        };
        for d in docs {
            let profiles = d
                .value
                .get("profiles")
                .map(|p| p.value.as_seq())
                .unwrap_or(&[]);
            let builds = std::iter::once(d.value.get("build"))
                .chain(profiles.iter().map(|p| p.value.get("build")))
                .flatten();
            for b in builds {
                for a in b
                    .value
                    .get("artifacts")
                    .map(|a| a.value.as_seq())
                    .unwrap_or(&[])
                {
                    if let Some(i) = a.value.get("image").and_then(|i| i.value.scalar()) {
                        out.push(i);
                    }
                }
            }
        }
    }
    out.sort();
    out.dedup();
    out
}

/// The model of `index`, built once per run.
pub fn model(index: &Index) -> Arc<K8s> {
    index.view(build)
}

/// Build the model (see the module documentation).
pub fn build(index: &Index) -> K8s {
    let mut raws = Vec::new();
    let mut unread = Vec::new();
    let consumed = kustomize::collect(index, &mut raws, &mut unread);
    helm::collect(index, &mut raws, &mut unread);
    extract::plain(index, &consumed, &mut raws, &mut unread);
    let mut out = K8s {
        unread,
        ..K8s::default()
    };
    let mut files = HashSet::new();
    for raw in &raws {
        extract::object(raw, &mut out);
        files.insert(raw.path.clone());
    }
    out.files = files.into_iter().collect();
    out.built_images = skaffold_images(index);
    out.files.sort();
    out.unread.sort_by(|a, b| a.at.cmp(&b.at));
    out.unread.dedup();
    out
}

/// Does `selector` (non-empty) select `labels`?
pub fn selects(selector: &BTreeMap<String, String>, labels: &BTreeMap<String, String>) -> bool {
    selects_known(selector, labels) == Some(true)
}

/// Like [`selects`], `None` when templated labels (a Helm `include` on
/// either side) make it impossible to tell.
pub fn selects_known(
    selector: &BTreeMap<String, String>,
    labels: &BTreeMap<String, String>,
) -> Option<bool> {
    if selector.is_empty() {
        return Some(false);
    }
    let templated = |s: &str| s.contains(helm::UNKNOWN_OPEN);
    let labels_templated = labels.iter().any(|(k, v)| templated(k) || templated(v));
    let mut unknown = false;
    for (k, v) in selector {
        match labels.get(k) {
            Some(l) if l == v => {}
            _ if templated(k) || templated(v) || labels_templated => unknown = true,
            _ => return Some(false),
        }
    }
    if unknown { None } else { Some(true) }
}

fn same_ns(a: &Option<String>, b: &Option<String>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => a == b,
        _ => true,
    }
}

/// May an object (of `scope`, declared at `at`) relate to workload `w`?
/// Objects of one chart or one kustomization relate to each other. Plain
/// manifests relate to what is declared near them: the same directory, a
/// sibling directory (`k8s/services/` and `k8s/deployments/`) or an
/// ancestor or descendant — not an alternative set of manifests elsewhere
/// in the repository (`extras/cloudsql/` beside `kubernetes-manifests/`).
fn meets(scope: &str, at: &Loc, w: &Workload) -> bool {
    if scope == w.scope && scope != PLAIN_SCOPE {
        return true;
    }
    if scope != PLAIN_SCOPE && w.scope != PLAIN_SCOPE {
        return false;
    }
    dirs_related(dir_of(&at.path), dir_of(&w.at.path))
}

fn dir_of(path: &str) -> &str {
    path.rsplit_once('/').map_or("", |(d, _)| d)
}

fn dirs_related(a: &str, b: &str) -> bool {
    let under = |x: &str, y: &str| y.is_empty() || x == y || x.starts_with(&format!("{y}/"));
    under(a, b) || under(b, a) || dir_of(a) == dir_of(b)
}

pub(crate) const PLAIN_SCOPE: &str = "manifests";

impl K8s {
    /// Nothing of the product's own.
    pub fn is_empty(&self) -> bool {
        self.workloads.is_empty()
            && self.services.is_empty()
            && self.pdbs.is_empty()
            && self.hpas.is_empty()
            && self.canaries.is_empty()
    }

    /// The Services whose selector selects `w`'s pods.
    pub fn services_of<'a>(&'a self, w: &'a Workload) -> impl Iterator<Item = &'a Service> + 'a {
        self.services.iter().filter(move |s| {
            meets(&s.scope, &s.at, w)
                && same_ns(&s.namespace, &w.namespace)
                && s.selector
                    .as_ref()
                    .is_some_and(|sel| selects(sel, &w.labels))
        })
    }

    /// Is `w` behind a Service? `None` when a Service near it has a
    /// selector the model cannot compare (templated), so it cannot tell.
    pub fn behind_service(&self, w: &Workload) -> Option<bool> {
        let mut unknown = false;
        for s in &self.services {
            if !meets(&s.scope, &s.at, w) || !same_ns(&s.namespace, &w.namespace) {
                continue;
            }
            match s.selector.as_ref().map(|sel| selects_known(sel, &w.labels)) {
                Some(Some(true)) => return Some(true),
                Some(Some(false)) => {}
                _ => unknown = true,
            }
        }
        if unknown { None } else { Some(false) }
    }

    /// The PodDisruptionBudgets that select `w`'s pods.
    pub fn pdbs_of<'a>(&'a self, w: &'a Workload) -> impl Iterator<Item = &'a Pdb> + 'a {
        self.pdbs.iter().filter(move |p| {
            meets(&p.scope, &p.at, w)
                && same_ns(&p.namespace, &w.namespace)
                && p.selector
                    .as_ref()
                    .is_some_and(|sel| selects(sel, &w.labels))
        })
    }

    /// Is there a PDB near `w` whose selector the model cannot compare?
    pub fn unknown_pdb(&self, w: &Workload) -> bool {
        self.pdbs.iter().any(|p| {
            meets(&p.scope, &p.at, w)
                && same_ns(&p.namespace, &w.namespace)
                && p.selector
                    .as_ref()
                    .is_none_or(|sel| selects_known(sel, &w.labels).is_none())
        })
    }

    /// The HorizontalPodAutoscalers that scale `w`.
    pub fn hpas_of<'a>(&'a self, w: &'a Workload) -> impl Iterator<Item = &'a Hpa> + 'a {
        self.hpas.iter().filter(move |h| {
            meets(&h.scope, &h.at, w)
                && same_ns(&h.namespace, &w.namespace)
                && h.target_kind == w.kind.as_str()
                && names_match(&h.target_name, &w.name)
        })
    }

    /// The Flagger `Canary` that drives `w`.
    pub fn canary_of<'a>(&'a self, w: &'a Workload) -> Option<&'a Canary> {
        self.canaries.iter().find(|c| {
            meets(&c.scope, &c.at, w)
                && same_ns(&c.namespace, &w.namespace)
                && c.target_kind == w.kind.as_str()
                && names_match(&c.target_name, &w.name)
        })
    }

    /// The Argo Rollouts that manage `w` through `workloadRef`.
    pub fn rollout_of<'a>(&'a self, w: &'a Workload) -> Option<&'a Workload> {
        self.workloads.iter().find(|r| {
            r.kind == Kind::Rollout
                && meets(&r.scope, &r.at, w)
                && r.workload_ref
                    .as_deref()
                    .is_some_and(|n| names_match(n, &w.name))
        })
    }
}

/// Names match, or either is templated beyond reach in the same way.
fn names_match(a: &str, b: &str) -> bool {
    a == b
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pinned_images() {
        assert_eq!(image_pinned("nginx"), Some(false));
        assert_eq!(image_pinned("nginx:latest"), Some(false));
        assert_eq!(image_pinned("nginx:1.27"), Some(true));
        assert_eq!(image_pinned("localhost:5000/nginx"), Some(false));
        assert_eq!(image_pinned("localhost:5000/nginx:1.2"), Some(true));
        assert_eq!(image_pinned("nginx@sha256:abc"), Some(true));
        assert_eq!(image_pinned("nginx:"), None);
    }

    #[test]
    fn templated_selectors_are_unknown_not_false() {
        let m = |pairs: &[(&str, &str)]| -> BTreeMap<String, String> {
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect()
        };
        let sel = m(&[("app", "api")]);
        assert_eq!(
            selects_known(&sel, &m(&[("app", "api"), ("tier", "web")])),
            Some(true)
        );
        assert_eq!(selects_known(&sel, &m(&[("app", "web")])), Some(false));
        let inc = m(&[("«include_x.selectorLabels»", "«include_x.selectorLabels»")]);
        assert_eq!(selects_known(&inc, &inc), Some(true));
        let labels = m(&[("«include_x.labels»", "«include_x.labels»")]);
        assert_eq!(selects_known(&inc, &labels), None);
        assert_eq!(selects_known(&BTreeMap::new(), &labels), Some(false));
    }
}

/// `K8S_DUMP=/path cargo test --lib k8s::dump -- --ignored --nocapture`
/// prints the model of a repository (a debugging aid).
#[cfg(test)]
mod dump {
    #[test]
    #[ignore]
    fn dump() {
        let Ok(root) = std::env::var("K8S_DUMP") else {
            return;
        };
        let index = crate::repo::index::Index::build(std::path::Path::new(&root)).unwrap();
        let m = super::build(&index);
        for w in &m.workloads {
            println!(
                "{} {} ns={:?} at={} scope={} env={:?} replicas={:?} labels={:?} strategy={:?}",
                w.kind.as_str(),
                w.name,
                w.namespace,
                w.at,
                w.scope,
                w.env,
                w.replicas,
                w.labels,
                w.strategy.kind
            );
            for c in &w.containers {
                println!(
                    "    {} init={} image={:?}@{} res={:?}",
                    c.name, c.init, c.image.reference, c.image.at, c.resources
                );
            }
        }
        for s in &m.services {
            println!("Service {} {:?} {} {}", s.name, s.selector, s.at, s.scope);
        }
        for p in &m.pdbs {
            println!("PDB {} {:?} {}", p.name, p.selector, p.at);
        }
        for h in &m.hpas {
            println!(
                "HPA {} -> {} {} min={:?} {}",
                h.name, h.target_kind, h.target_name, h.min_replicas, h.at
            );
        }
        for c in &m.canaries {
            println!(
                "Canary {} -> {} {} {:?}",
                c.name, c.target_kind, c.target_name, c.analysis
            );
        }
        for u in &m.unread {
            println!("UNREAD {} {}", u.at, u.why);
        }
    }
}
