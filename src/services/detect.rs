//! The services `readyctl init` proposes: directories with deploy artifacts
//! of their own (a Dockerfile, a Helm chart, Kubernetes manifests, a
//! Terraform root module), read from the index. Obvious variants of a
//! deployment (`extras/`, `overlays/dev`, `kustomize/components`) are marked
//! as such: `init` writes them commented out.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::repo::index::{FileEntry, Index};

/// Folders that hold a service's deploy files rather than being the
/// service: a manifest in `checkout/k8s/` belongs to `checkout`.
const DEPLOY_DIRS: &[&str] = &[
    "deploy",
    "deployment",
    "deployments",
    "k8s",
    "kube",
    "kubernetes",
    "manifests",
    "helm",
    "chart",
    "charts",
    "infra",
    "terraform",
    "tf",
    "docker",
    "base",
    "kustomize",
];

/// Folders whose deploy files are variants of another deployment.
pub const VARIANT_DIRS: &[&str] = &["extras", "overlays", "components", "variants"];

/// Folders that are never a service of the product.
const NOT_PRODUCT: &[&str] = &[
    "examples",
    "example",
    "test",
    "tests",
    "testdata",
    "fixtures",
    "__fixtures__",
    "docs",
    ".github",
    ".gitlab",
    ".readyctl",
];

const WORKLOAD_KINDS: &[&str] = &[
    "Deployment",
    "StatefulSet",
    "DaemonSet",
    "Job",
    "CronJob",
    "Rollout",
    "Service",
];

/// One proposed service.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Proposal {
    pub name: String,
    pub path: String,
    /// What was found there (`Dockerfile`, `Helm chart`, ...).
    pub evidence: Vec<String>,
    /// A variant of another deployment, with the reason, when it is one.
    pub variant: Option<String>,
}

fn artifact(f: &FileEntry) -> Option<&'static str> {
    let name = f.name();
    let lower = name.to_ascii_lowercase();
    if lower == "dockerfile"
        || lower == "containerfile"
        || lower.starts_with("dockerfile.")
        || lower.ends_with(".dockerfile")
    {
        return Some("Dockerfile");
    }
    if name == "Chart.yaml" {
        return Some("Helm chart");
    }
    if matches!(name, "kustomization.yaml" | "kustomization.yml") {
        return Some("Kustomize");
    }
    if f.is_yaml() {
        let text = f.text()?;
        if !text.contains("kind:") || !text.contains("apiVersion:") {
            return None;
        }
        let docs: Vec<serde_json::Value> = crate::views::yaml::from_str_multi(text).ok()?;
        let workload = docs.iter().any(|d| {
            d.get("apiVersion").is_some()
                && d.get("kind")
                    .and_then(|k| k.as_str())
                    .is_some_and(|k| WORKLOAD_KINDS.contains(&k))
        });
        return workload.then_some("Kubernetes manifests");
    }
    None
}

/// Propose the services of the repository behind `index`.
pub fn propose(index: &Index) -> Vec<Proposal> {
    let mut found: BTreeMap<String, Vec<&'static str>> = BTreeMap::new();
    for f in index.files() {
        if !f.is_product() {
            continue;
        }
        let dir = f.dir();
        if dir.split('/').any(|c| NOT_PRODUCT.contains(&c)) {
            continue;
        }
        let Some(kind) = artifact(f) else { continue };
        // Climb out of deploy folders: `checkout/k8s/base` is `checkout`.
        let mut parts: Vec<&str> = dir.split('/').filter(|c| !c.is_empty()).collect();
        while parts.last().is_some_and(|c| DEPLOY_DIRS.contains(c)) {
            parts.pop();
        }
        let path = parts.join("/");
        let e = found.entry(path).or_default();
        if !e.contains(&kind) {
            e.push(kind);
        }
    }
    // Terraform root modules, from the one Terraform model.
    let tf = crate::views::terraform::model(index);
    for m in tf.modules.iter().filter(|m| m.root && !m.example) {
        if m.dir.split('/').any(|c| NOT_PRODUCT.contains(&c)) {
            continue;
        }
        let mut parts: Vec<&str> = m.dir.split('/').filter(|c| !c.is_empty()).collect();
        while parts.last().is_some_and(|c| DEPLOY_DIRS.contains(c)) {
            parts.pop();
        }
        let e = found.entry(parts.join("/")).or_default();
        if !e.contains(&"Terraform root module") {
            e.push("Terraform root module");
        }
    }
    // The root is the repository itself, not a service.
    found.remove("");

    // A directory inside a proposed one belongs to it, unless it is a variant.
    let mut out: Vec<Proposal> = Vec::new();
    for (path, evidence) in found {
        let variant = path
            .split('/')
            .find(|c| VARIANT_DIRS.contains(c))
            .map(|c| format!("under `{c}/`: a variant of another deployment"));
        let inside = out
            .iter_mut()
            .find(|p| p.variant.is_none() && path.starts_with(&format!("{}/", p.path)));
        if let Some(parent) = inside
            && variant.is_none()
        {
            for k in evidence {
                let k = k.to_string();
                if !parent.evidence.contains(&k) {
                    parent.evidence.push(k);
                }
            }
            continue;
        }
        out.push(Proposal {
            name: String::new(),
            path,
            evidence: evidence.into_iter().map(str::to_string).collect(),
            variant,
        });
    }
    // Names: the last path segment, the whole path when that is ambiguous.
    let lasts: Vec<String> = out
        .iter()
        .map(|p| p.path.rsplit('/').next().unwrap_or(&p.path).to_string())
        .collect();
    for (i, p) in out.iter_mut().enumerate() {
        let last = &lasts[i];
        p.name = if lasts.iter().filter(|l| *l == last).count() > 1 {
            p.path.replace('/', "-")
        } else {
            last.clone()
        };
    }
    out
}
