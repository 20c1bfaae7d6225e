//! The repository profile: what the repository is, computed once from the
//! index and the models the checks already build (the CI model, the
//! Terraform model, `health.declared`'s discovery, the resilience
//! inventory, file roles). Scaffolds render from it, and `init --explain` /
//! `scaffold --dry-run` print it so a user sees why a scaffold looks the way
//! it does.

use std::collections::BTreeSet;

use serde::Serialize;

use crate::checks::health::{Declared, DeclaredKind};
use crate::repo::index::{FileEntry, Index};
use crate::views::ci::detect::{CiRole, CiSystem};
use crate::views::ci::{CiModel, Job};
use crate::views::terraform as tf;
use crate::views::yaml::node::{self, SNode, Tree};

/// A tool or mechanism found, and the file that shows it.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Found {
    /// Stable id: `terraform`, `helm`, `flux`, ...
    pub id: String,
    /// Display name: `Terraform`, `Helm`, `Flux`, ...
    pub name: String,
    /// `path` or `path:line` of the evidence.
    pub evidence: String,
    /// A name the commands need (a Helm release, an Argo CD application,
    /// a chart directory, an ECS service), when known.
    pub detail: Option<String>,
    /// A namespace, when known (Flux / Helm).
    pub namespace: Option<String>,
}

fn found(id: &str, name: &str, evidence: impl Into<String>) -> Found {
    Found {
        id: id.into(),
        name: name.into(),
        evidence: evidence.into(),
        detail: None,
        namespace: None,
    }
}

/// A job of the main pipeline that deploys.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct DeployJob {
    pub id: String,
    pub line: u32,
    /// The deploying command.
    pub command: String,
}

/// The pipeline a scaffold adds jobs to.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Pipeline {
    /// `github`, `gitlab`, `circleci`, `jenkins`, `azure`, `bitbucket`, ...
    pub system: String,
    pub path: String,
    /// Job ids in the file.
    pub jobs: Vec<String>,
    /// Jobs that deploy.
    pub deploy_jobs: Vec<DeployJob>,
    /// Some job that runs after a deploy (depends on it, or a later step
    /// of the same job) verifies it: curl/wget, `kubectl rollout status`,
    /// `helm test`, `readyctl check --only 'health.*'`.
    pub verified: bool,
}

// ------------------------------------------------------------------- CI

/// CI systems in use (ids, stable order) and their pipeline files.
pub fn ci(model: &CiModel) -> (Vec<String>, Vec<String>) {
    let mut systems: Vec<CiSystem> = model.files.iter().map(|f| f.file.system).collect();
    systems.sort();
    systems.dedup();
    let files = model
        .files
        .iter()
        .filter(|f| f.file.role == CiRole::Pipeline)
        .map(|f| f.file.path.clone())
        .collect();
    (systems.iter().map(|s| s.id().to_string()).collect(), files)
}

/// Words of a command that deploy.
pub const DEPLOY_COMMANDS: &[&str] = &[
    "helm upgrade",
    "helm install",
    "helmfile apply",
    "helmfile sync",
    "kubectl apply",
    "kubectl set image",
    "kubectl rollout restart",
    "kustomize build",
    "skaffold run",
    "skaffold deploy",
    "aws ecs update-service",
    "aws ecs deploy",
    "amazon-ecs-deploy-task-definition",
    "ecs-deploy",
    "gcloud run deploy",
    "deploy-cloudrun",
    "serverless deploy",
    "sls deploy",
    "sam deploy",
    "cdk deploy",
    "pulumi up",
    "terraform apply",
    "tofu apply",
    "argocd app sync",
    "flux reconcile",
    "az deployment",
    "az webapp deploy",
    "fly deploy",
    "flyctl deploy",
];

/// Words of a command that verify a deployment.
fn verifies(cmd: &str) -> bool {
    let c = cmd.trim();
    c.contains("curl ")
        || c.contains("wget ")
        || c.contains("kubectl rollout status")
        || c.contains("kubectl wait")
        || c.contains("helm test")
        || (c.contains("readyctl check") && c.contains("health"))
        || c.contains("smoke")
}

fn deploy_command(job: &Job) -> Option<(String, u32)> {
    job.commands.iter().find_map(|c| {
        let t = c.text.trim();
        DEPLOY_COMMANDS
            .iter()
            .any(|d| t.contains(d))
            .then(|| (first_line(t).to_string(), c.line))
    })
}

fn first_line(s: &str) -> &str {
    s.lines()
        .map(str::trim)
        .find(|l| DEPLOY_COMMANDS.iter().any(|d| l.contains(d)))
        .or_else(|| s.lines().next())
        .unwrap_or(s)
}

/// The main pipeline: the file holding the deploy job, else the pipeline
/// that runs on pushes / merge requests with the most jobs.
pub fn pipeline(model: &CiModel) -> Option<Pipeline> {
    let mut best: Option<(usize, i64)> = None;
    for (fi, f) in model.files.iter().enumerate() {
        if f.file.role != CiRole::Pipeline || f.docs.is_err() {
            continue;
        }
        let jobs: Vec<&Job> = model
            .jobs
            .iter()
            .filter(|j| j.file == fi && !j.hidden)
            .collect();
        let deploys = jobs.iter().filter(|j| deploy_command(j).is_some()).count() as i64;
        let name = f.file.path.rsplit('/').next().unwrap_or("");
        let on_push = f
            .doc()
            .and_then(|d| d.get("on").or_else(|| d.get("true")))
            .map(|on| {
                let s = on.strings();
                s.iter().any(|x| x == "push" || x == "pull_request")
                    || on.has("push")
                    || on.has("pull_request")
            })
            .unwrap_or(true);
        let named = matches!(
            name.split('.').next().unwrap_or(""),
            "ci" | "build" | "test" | "tests" | "main" | "pipeline" | "config"
        );
        let score =
            deploys * 1000 + i64::from(on_push) * 100 + i64::from(named) * 50 + jobs.len() as i64;
        if best.is_none_or(|(_, s)| score > s) {
            best = Some((fi, score));
        }
    }
    let (fi, _) = best?;
    let f = &model.files[fi];
    let jobs: Vec<&Job> = model
        .jobs
        .iter()
        .filter(|j| j.file == fi && !j.hidden && j.id != "workflows")
        .collect();
    let deploy_jobs: Vec<DeployJob> = jobs
        .iter()
        .filter_map(|j| {
            deploy_command(j).map(|(command, line)| DeployJob {
                id: j.id.clone(),
                line,
                command,
            })
        })
        .collect();
    let verified = deploy_jobs
        .iter()
        .any(|d| verified_after(model, fi, d, &jobs));
    Some(Pipeline {
        system: f.file.system.id().to_string(),
        path: f.file.path.clone(),
        jobs: jobs.iter().map(|j| j.id.clone()).collect(),
        deploy_jobs,
        verified,
    })
}

/// Is the deploy of `d` followed by a verification: a later command of the
/// same job, or a job that needs it (GitHub/GitLab `needs`, GitLab later
/// stage, CircleCI `requires`)?
fn verified_after(model: &CiModel, fi: usize, d: &DeployJob, jobs: &[&Job]) -> bool {
    let Some(job) = jobs.iter().find(|j| j.id == d.id) else {
        return false;
    };
    if job
        .commands
        .iter()
        .any(|c| c.line > d.line && verifies(&c.text))
    {
        return true;
    }
    let f = &model.files[fi];
    let stage_pos = |s: &Option<String>| {
        s.as_deref()
            .and_then(|s| model.gitlab_stages.iter().position(|x| x == s))
    };
    let after: Vec<&&Job> = jobs
        .iter()
        .filter(|j| {
            j.id != d.id
                && (j.needs.contains(&d.id)
                    || (f.file.system == CiSystem::GitLab
                        && !j.has_needs
                        && stage_pos(&j.stage) > stage_pos(&job.stage))
                    || circleci_requires(f.doc(), &j.id, &d.id))
        })
        .collect();
    after
        .iter()
        .any(|j| j.commands.iter().any(|c| verifies(&c.text)))
}

fn circleci_requires(doc: Option<&SNode>, job: &str, dep: &str) -> bool {
    let Some(wfs) = doc.and_then(|d| d.get("workflows")) else {
        return false;
    };
    wfs.entries().any(|(_, wf)| {
        wf.get("jobs").is_some_and(|jobs| {
            jobs.seq().iter().any(|item| {
                item.get(job)
                    .and_then(|v| v.get("requires"))
                    .is_some_and(|r| r.strings().iter().any(|s| s == dep))
            })
        })
    })
}

// ------------------------------------------------------------ Terraform

/// What the Terraform model tells.
#[derive(Debug, Default)]
pub struct Terraform {
    /// Root modules of the product ("" = the repository root), sorted.
    pub dirs: Vec<String>,
    /// Every module of the product (for a repository that is one reusable
    /// module, there is no root).
    pub modules: Vec<String>,
    pub clouds: Vec<String>,
    pub backend: Option<String>,
}

pub fn terraform(model: &tf::Model) -> Terraform {
    let mut out = Terraform::default();
    let mut dirs = BTreeSet::new();
    let mut clouds = BTreeSet::new();
    for m in model.checked_modules() {
        let product = m.files.iter().any(|&i| model.files[i].product);
        if !product {
            continue;
        }
        if m.root {
            dirs.insert(m.dir.clone());
        }
        out.modules.push(m.dir.clone());
        for (_, b) in model.blocks(m) {
            match b.kind.as_str() {
                "provider" if matches!(b.label(), "aws" | "google" | "azurerm") => {
                    clouds.insert(b.label().to_string());
                }
                "terraform" => {
                    for rp in b.body.blocks("required_providers") {
                        for a in &rp.body.attrs {
                            if let tf::Value::Object(fields) = &a.value
                                && let Some(tf::Value::Str(src)) =
                                    fields.iter().find(|f| f.name == "source").map(|f| &f.value)
                            {
                                let src = src.trim_start_matches("registry.terraform.io/");
                                if let Some(c) = src.strip_prefix("hashicorp/")
                                    && matches!(c, "aws" | "google" | "azurerm")
                                {
                                    clouds.insert(c.to_string());
                                }
                            }
                        }
                    }
                    if out.backend.is_none() {
                        if let Some(be) = b.body.blocks("backend").next() {
                            out.backend = Some(be.label().to_string());
                        } else if b.body.blocks("cloud").next().is_some() {
                            out.backend = Some("cloud".into());
                        }
                    }
                }
                _ => {}
            }
        }
    }
    out.dirs = dirs.into_iter().collect();
    out.clouds = clouds.into_iter().collect();
    out
}

// ------------------------------------------------------------------ IaC

fn yaml_docs(f: &FileEntry) -> Vec<SNode> {
    f.text()
        .and_then(|t| node::parse_multi(t).ok())
        .unwrap_or_default()
}

/// Is `line` a top-level key `key:` of a YAML text (CloudFormation files
/// carry `!Ref` tags that a plain YAML reader refuses, so the top-level
/// keys are read per line)?
fn top_key(text: &str, key: &str) -> Option<u32> {
    text.lines()
        .position(|l| {
            l.strip_prefix(key)
                .is_some_and(|r| r.trim_start().starts_with(':'))
                || l.strip_prefix(&format!("\"{key}\""))
                    .is_some_and(|r| r.trim_start().starts_with(':'))
        })
        .map(|i| i as u32 + 1)
}

/// The infrastructure-as-code tools of the product, in a stable order.
pub fn iac(index: &Index, tfm: &tf::Model) -> Vec<Found> {
    let mut out: Vec<Found> = Vec::new();
    let mut add = |f: Found| {
        if !out.iter().any(|o| o.id == f.id) {
            out.push(f);
        }
    };
    if let Some(f) = tfm
        .files
        .iter()
        .find(|f| f.product && f.role == tf::Role::Config)
    {
        let tofu = index
            .files()
            .iter()
            .any(|x| x.is_product() && (x.ext() == "tofu" || x.name() == ".opentofu-version"));
        if tofu {
            add(found("opentofu", "OpenTofu", f.path.clone()));
        } else {
            add(found("terraform", "Terraform", f.path.clone()));
        }
    }
    for f in index.files().iter().filter(|f| f.is_product()) {
        let name = f.name();
        let lower = name.to_ascii_lowercase();
        match lower.as_str() {
            "cdk.json" => add(found("cdk", "AWS CDK", f.path.clone())),
            "pulumi.yaml" | "pulumi.yml" => add(found("pulumi", "Pulumi", f.path.clone())),
            "chart.yaml" => {
                let mut h = found("helm", "Helm", f.path.clone());
                h.detail = Some(if f.dir().is_empty() {
                    ".".into()
                } else {
                    f.dir().to_string()
                });
                add(h)
            }
            "kustomization.yaml" | "kustomization.yml" | "kustomization" => {
                let mut k = found("kustomize", "Kustomize", f.path.clone());
                k.detail = Some(if f.dir().is_empty() {
                    ".".into()
                } else {
                    f.dir().to_string()
                });
                add(k)
            }
            "ansible.cfg" => add(found("ansible", "Ansible", f.path.clone())),
            "serverless.yml" | "serverless.yaml" | "serverless.ts" | "serverless.js" => {
                add(found("serverless", "Serverless Framework", f.path.clone()))
            }
            _ => {}
        }
        if lower.ends_with(".bicep") {
            add(found("bicep", "Bicep", f.path.clone()));
        }
        let Some(text) = f.text() else { continue };
        if f.is_yaml() || lower.ends_with(".json") || lower.ends_with(".template") {
            if let Some(line) = top_key(text, "AWSTemplateFormatVersion") {
                let sam = text.contains("AWS::Serverless");
                if sam {
                    add(found("sam", "AWS SAM", format!("{}:{line}", f.path)));
                } else {
                    add(found(
                        "cloudformation",
                        "CloudFormation",
                        format!("{}:{line}", f.path),
                    ));
                }
            } else if let Some(line) = top_key(text, "Transform")
                && text.contains("AWS::Serverless")
            {
                add(found("sam", "AWS SAM", format!("{}:{line}", f.path)));
            }
        }
        if lower.ends_with(".json")
            && text.contains("schema.management.azure.com")
            && text.contains("deploymentTemplate.json")
        {
            add(found("arm", "Azure Resource Manager", f.path.clone()));
        }
        if f.is_yaml()
            && text.contains("hosts:")
            && (text.contains("tasks:") || text.contains("roles:"))
            && yaml_docs(f).iter().any(|d| {
                d.seq()
                    .iter()
                    .any(|p| p.has("hosts") && (p.has("tasks") || p.has("roles")))
            })
        {
            add(found("ansible", "Ansible", f.path.clone()));
        }
    }
    out.sort_by_key(|f| IAC_ORDER.iter().position(|o| *o == f.id));
    out
}

const IAC_ORDER: &[&str] = &[
    "terraform",
    "opentofu",
    "cloudformation",
    "sam",
    "cdk",
    "pulumi",
    "bicep",
    "arm",
    "serverless",
    "helm",
    "kustomize",
    "ansible",
];

/// Is `id` an IaC tool that provisions infrastructure other than Terraform?
pub fn non_terraform(iac: &[Found]) -> Vec<&Found> {
    iac.iter()
        .filter(|f| f.id != "terraform" && f.id != "opentofu")
        .collect()
}

// --------------------------------------------------------------- deploy

/// How releases reach production, most specific first.
pub fn deploy(
    index: &Index,
    ci: &CiModel,
    tfm: &tf::Model,
    iac: &[Found],
    has_kubernetes: bool,
) -> Vec<Found> {
    let mut out: Vec<Found> = Vec::new();
    let push = |out: &mut Vec<Found>, f: Found| {
        if !out.iter().any(|o| o.id == f.id) {
            out.push(f);
        }
    };
    // GitOps controllers, from their own manifests.
    for f in index
        .files()
        .iter()
        .filter(|f| f.is_product() && f.is_yaml())
    {
        let Some(text) = f.text() else { continue };
        let flux = text.contains("fluxcd.io");
        let argo = text.contains("argoproj.io");
        if !flux && !argo {
            continue;
        }
        for d in yaml_docs(f) {
            let api = d.get("apiVersion").and_then(Tree::as_str).unwrap_or("");
            let kind = d.get("kind").and_then(Tree::as_str).unwrap_or("");
            let name = d
                .get("metadata")
                .and_then(|m| m.get("name"))
                .and_then(Tree::scalar);
            let ns = d
                .get("metadata")
                .and_then(|m| m.get("namespace"))
                .and_then(Tree::scalar);
            let at = format!("{}:{}", f.path, d.key_node("kind").map_or(1, |k| k.line()));
            if api.contains("fluxcd.io") && matches!(kind, "HelmRelease" | "Kustomization") {
                let mut x = found("flux", "Flux", at);
                x.detail = name.map(|n| format!("{} {n}", kind.to_ascii_lowercase()));
                x.namespace = ns;
                // A HelmRelease says more than a Kustomization.
                if kind == "HelmRelease" {
                    out.retain(|o| o.id != "flux");
                }
                push(&mut out, x);
            } else if api.contains("argoproj.io")
                && matches!(kind, "Application" | "ApplicationSet")
            {
                let mut x = found("argocd", "Argo CD", at);
                x.detail = name;
                push(&mut out, x);
            }
        }
    }
    // Deploy commands in CI.
    for j in ci.running_jobs() {
        let Some((cmd, line)) = deploy_command(j) else {
            continue;
        };
        let at = format!("{}:{line}", ci.path(j));
        let id = if cmd.contains("helm ") || cmd.contains("helmfile") {
            ("helm", "Helm release")
        } else if cmd.contains("kubectl") || cmd.contains("kustomize") || cmd.contains("skaffold") {
            ("kubectl", "kubectl apply")
        } else if cmd.contains("ecs") {
            ("ecs", "Amazon ECS")
        } else if cmd.contains("run deploy") || cmd.contains("cloudrun") {
            ("cloud-run", "Cloud Run")
        } else if cmd.contains("serverless") || cmd.contains("sls ") || cmd.contains("sam deploy") {
            ("serverless", "serverless deploy")
        } else if cmd.contains("argocd") {
            ("argocd", "Argo CD")
        } else if cmd.contains("flux") {
            ("flux", "Flux")
        } else {
            continue;
        };
        let mut x = found(id.0, id.1, at);
        if id.0 == "helm" {
            x.detail = helm_release(&cmd);
        }
        push(&mut out, x);
    }
    // Platforms declared in Terraform.
    for f in tfm.files.iter().filter(|f| f.product) {
        for b in f.body().map(|b| b.blocks.as_slice()).unwrap_or(&[]) {
            if b.kind != "resource" {
                continue;
            }
            let at = format!("{}:{}", f.path, b.line);
            match b.label() {
                "aws_ecs_service" => {
                    let mut x = found("ecs", "Amazon ECS", at);
                    x.detail = b.labels.get(1).cloned();
                    push(&mut out, x);
                }
                "google_cloud_run_service" | "google_cloud_run_v2_service" => {
                    push(&mut out, found("cloud-run", "Cloud Run", at))
                }
                _ => {}
            }
        }
    }
    // Serverless / SAM templates deploy themselves.
    for i in iac {
        if matches!(i.id.as_str(), "serverless" | "sam") {
            push(
                &mut out,
                found("serverless", "serverless deploy", i.evidence.clone()),
            );
        }
    }
    // A chart or plain manifests with nothing else: applied by hand or CI.
    if !out
        .iter()
        .any(|o| matches!(o.id.as_str(), "flux" | "argocd" | "helm"))
        && let Some(h) = iac.iter().find(|i| i.id == "helm")
    {
        push(&mut out, found("helm", "Helm release", h.evidence.clone()));
    }
    if out.is_empty() && has_kubernetes {
        if let Some(k) = iac.iter().find(|i| i.id == "kustomize") {
            push(
                &mut out,
                found("kubectl", "kubectl apply -k", k.evidence.clone()),
            );
        } else {
            let manifest = index
                .files()
                .iter()
                .find(|f| {
                    f.is_product()
                        && f.is_yaml()
                        && f.text().is_some_and(|t| {
                            t.contains("kind: Deployment") || t.contains("kind: StatefulSet")
                        })
                })
                .map_or_else(|| "Kubernetes manifests".to_string(), |f| f.path.clone());
            push(&mut out, found("kubectl", "kubectl apply", manifest));
        }
    }
    out
}

/// The release name of `helm upgrade [--install] NAME CHART`.
fn helm_release(cmd: &str) -> Option<String> {
    let words: Vec<&str> = cmd.split_whitespace().collect();
    let at = words
        .windows(2)
        .position(|w| w[0] == "helm" && (w[1] == "upgrade" || w[1] == "install"))?;
    words[at + 2..]
        .iter()
        .find(|w| !w.starts_with('-'))
        .filter(|w| !w.contains('$') && !w.contains('{'))
        .map(|w| w.to_string())
}

// --------------------------------------------------------------- health

/// A health endpoint of the product.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct HealthHint {
    /// `readiness`, `liveness`, `startup`, `compose`, `docker`, `terraform`.
    pub name: String,
    /// HTTP path, e.g. `/healthz`.
    pub path: String,
    pub port: Option<u16>,
    /// `file:line`.
    pub source: String,
    /// The Kubernetes workload that declares it (`deployment/api`), when known.
    pub workload: Option<String>,
}

/// The product's HTTP health endpoints, from `health.declared`'s own
/// discovery (product files only, SPEC §9), leaving out optional variants
/// of a deployment (`extras/`, `overlays/`, `components/`).
pub fn health(index: &Index) -> Vec<HealthHint> {
    let declared = crate::checks::health::discover(index);
    let mut out: Vec<HealthHint> = Vec::new();
    for d in &declared {
        if is_variant(&d.path) {
            continue;
        }
        let Some((path, url_port)) = http_path(d) else {
            continue;
        };
        let port = d.port.as_deref().and_then(|p| p.parse().ok()).or(url_port);
        if out.iter().any(|o| o.path == path) {
            continue;
        }
        let name = match d.kind {
            DeclaredKind::Kubernetes | DeclaredKind::Helm => d
                .what
                .split_whitespace()
                .next()
                .unwrap_or("probe")
                .trim_end_matches("Probe")
                .to_string(),
            k => k.as_str().to_string(),
        };
        out.push(HealthHint {
            name,
            path,
            port,
            source: format!("{}:{}", d.path, d.line),
            workload: workload_of(&d.what),
        });
    }
    out
}

/// `readinessProbe of Deployment api, container api` → `deployment/api`.
fn workload_of(what: &str) -> Option<String> {
    let rest = what.split(" of ").nth(1)?;
    let mut words = rest.split([' ', ',']).filter(|w| !w.is_empty());
    let kind = words.next()?;
    let name = words.next()?;
    (matches!(kind, "Deployment" | "StatefulSet" | "DaemonSet") && !name.starts_with('('))
        .then(|| format!("{}/{name}", kind.to_ascii_lowercase()))
}

/// Under a folder of optional variants of a deployment?
pub fn is_variant(path: &str) -> bool {
    let dirs: Vec<&str> = path.split('/').collect();
    dirs[..dirs.len().saturating_sub(1)]
        .iter()
        .any(|c| crate::services::detect::VARIANT_DIRS.contains(c))
}

/// The HTTP path (and a port from a URL) a declaration checks.
fn http_path(d: &Declared) -> Option<(String, Option<u16>)> {
    let t = d.target.as_deref()?;
    if let Some(p) = t
        .strip_prefix("HTTP GET ")
        .or_else(|| t.strip_prefix("HTTPS GET "))
    {
        return p
            .starts_with('/')
            .then(|| (p.split_whitespace().next().unwrap_or(p).to_string(), None));
    }
    // `http://host:port/path`, or a probe command's `localhost:port/path`.
    let at = t
        .find("://")
        .map(|i| i + 3)
        .or_else(|| t.find("localhost:").or_else(|| t.find("127.0.0.1:")))?;
    let rest = &t[at..];
    let end = rest
        .find(|c: char| c.is_whitespace() || "\"'|;&)".contains(c))
        .unwrap_or(rest.len());
    let url = &rest[..end];
    let (host, path) = url.split_at(url.find('/')?);
    let port = host.rsplit_once(':').and_then(|(_, p)| p.parse().ok());
    Some((path.to_string(), port))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn helm_release_names() {
        assert_eq!(
            helm_release("helm upgrade --install podinfo ./charts/podinfo").as_deref(),
            Some("podinfo")
        );
        assert_eq!(helm_release("helm upgrade $RELEASE chart"), None);
    }

    #[test]
    fn variants() {
        assert!(is_variant("extras/redis/deploy.yaml"));
        assert!(!is_variant("kubernetes-manifests/extras.yaml"));
    }
}
