//! The rendering context: what the repository index already tells about the
//! project (name, CI system, cloud, languages and their test commands, health
//! endpoints, existing documents). Templates fill in from this, so a scaffold
//! is about *this* repository, not a generic one.

use std::collections::BTreeSet;
use std::sync::LazyLock;

use regex::Regex;
use serde::Serialize;

use crate::index::{FileEntry, Index};
use crate::text::LineIndex;

/// A language found from its manifest, with the commands CI should run.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Language {
    /// `rust`, `node`, `go`, `python`, `java`.
    pub name: String,
    /// The manifest it was found from (relative path).
    pub manifest: String,
    /// Directory of the manifest ("" at the root).
    pub dir: String,
    /// Commands that install dependencies before testing (may be empty).
    pub setup: Vec<String>,
    /// The test command.
    pub test: String,
    /// The dependency-audit command (a security scanner).
    pub audit: String,
    /// The container image GitLab jobs run in.
    pub image: String,
}

/// A health endpoint or probe found in the repository.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct HealthHint {
    /// A name usable as an endpoint name (`readiness`, `liveness`, `docker`).
    pub name: String,
    /// HTTP path, e.g. `/healthz`.
    pub path: String,
    /// Port, when the probe names a numeric one.
    pub port: Option<u16>,
    /// Where it was found, `file:line`.
    pub source: String,
}

/// A check as the checklist template lists it.
/// A datastore found in the repository (see `resilience.datastore-ha`).
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct DatastoreHint {
    pub name: String,
    /// `redis`, `postgres`, `mysql`, ...
    pub family: String,
    pub engine: String,
    pub platform: String,
    pub path: String,
    pub line: u32,
    /// How it fails over, in a few words.
    pub failover: String,
    /// How it is backed up, in a few words.
    pub backups: String,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct CheckItem {
    pub id: String,
    pub area: String,
    pub title: String,
}

/// Everything templates can use.
#[derive(Debug, Clone, Serialize, Default)]
pub struct RepoContext {
    /// Project name.
    pub name: String,
    /// Where the name came from (`git remote`, `Cargo.toml`, `directory`, ...).
    pub name_source: String,
    /// Detected CI system: `github`, `gitlab`, `circleci`, `jenkins`, `azure`, `bitbucket`.
    pub ci: Option<String>,
    /// CI configuration files found.
    pub ci_files: Vec<String>,
    /// Terraform present (any `.tf` / `.tf.json` outside `.terraform/`).
    pub has_terraform: bool,
    /// Directories holding `.tf` files ("" = root), sorted.
    pub terraform_dirs: Vec<String>,
    /// Cloud providers named in `provider "..."` blocks, sorted.
    pub clouds: Vec<String>,
    /// The Terraform backend type, if one is configured.
    pub backend: Option<String>,
    /// Languages found, in a stable order.
    pub languages: Vec<Language>,
    /// Health endpoints and probes found.
    pub health: Vec<HealthHint>,
    pub has_docker: bool,
    /// A CI job deploys (`deploy.smoke-test` has something to judge).
    pub ci_deploys: bool,
    pub has_kubernetes: bool,
    pub has_compose: bool,
    /// Monitoring configuration present (Prometheus rules, Grafana, alerting).
    pub has_monitoring: bool,
    /// Health endpoints declared in readyctl.yaml.
    pub has_health_config: bool,
    /// Workloads behind a Service without 2 replicas or a PodDisruptionBudget.
    #[serde(skip)]
    pub disruption: Vec<super::disruption::Target>,
    /// Existing Markdown documents (relative paths), for cross-links.
    pub docs: Vec<String>,
    /// The runbook path if one exists.
    pub runbook: Option<String>,
    /// GitHub anchors of the existing runbook's headings.
    pub runbook_anchors: Vec<String>,
    /// Datastores of the resilience inventory.
    pub datastores: Vec<DatastoreHint>,
    /// The checks the checklist may mark (set by the command from the registry).
    pub checks: Vec<CheckItem>,
    /// The checklist path (from readyctl.yaml, default `deployment-readiness.md`).
    pub checklist: String,
    /// Today's date (YYYY-MM-DD), or `READYCTL_DATE`.
    pub date: String,
    /// Services found from their deploy artifacts (SPEC §12b).
    pub services: Vec<crate::services::detect::Proposal>,
}

static PROVIDER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#"(?m)^\s*provider\s+"([A-Za-z0-9_-]+)"\s*\{"#).expect("regex"));
static REQUIRED_PROVIDER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"source\s*=\s*"(?:registry\.terraform\.io/)?hashicorp/(aws|google|azurerm)""#)
        .expect("regex")
});
static BACKEND: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#"(?m)^\s*backend\s+"([A-Za-z0-9_-]+)"\s*\{"#).expect("regex"));
static CLOUD_BLOCK: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?m)^\s*cloud\s*\{").expect("regex"));
static PROBE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?m)^(\s*)(readinessProbe|livenessProbe|startupProbe)\s*:").expect("regex")
});
static PROBE_PATH: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#"^\s*path\s*:\s*["']?(/[^"'\s#]*)"#).expect("regex"));
static PROBE_PORT: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#"^\s*port\s*:\s*["']?(\d{1,5})"#).expect("regex"));
static DOCKER_HEALTH: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?im)^\s*HEALTHCHECK\b(.*)$").expect("regex"));
static URL_IN_CMD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"https?://(?:localhost|127\.0\.0\.1|0\.0\.0\.0)(?::(\d{1,5}))?(/[^\s\x22'|;&)]*)")
        .expect("regex")
});
static TOML_NAME: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#"^\s*name\s*=\s*"([^"]+)""#).expect("regex"));

impl RepoContext {
    /// Build the context from the index; `date` is what `{{ date }}` renders as.
    pub fn from_index(index: &Index, checklist: &str, date: String) -> RepoContext {
        let files = index.files();
        let mut ctx = RepoContext {
            checklist: checklist.to_string(),
            date,
            ..RepoContext::default()
        };
        let (name, source) = project_name(index);
        ctx.name = name;
        ctx.name_source = source;
        ctx.services = crate::services::detect::propose(index);
        detect_ci(&mut ctx, files);
        detect_terraform(&mut ctx, files);
        ctx.languages = detect_languages(index);
        ctx.health = detect_health(files);
        ctx.has_docker = files
            .iter()
            .any(|f| f.is_product() && is_dockerfile(f.name()));
        ctx.has_compose = files.iter().any(|f| f.is_product() && is_compose(f.name()));
        ctx.ci_deploys =
            !crate::checks::deploy::pipeline::deploys(&crate::checks::ci::model::model(index))
                .is_empty();
        ctx.has_kubernetes = files.iter().any(|f| {
            f.is_yaml()
                && f.is_product()
                && f.text().is_some_and(|t| {
                    t.contains("apiVersion:")
                        && (t.contains("kind: Deployment") || t.contains("kind: StatefulSet"))
                })
        }) || !crate::k8s::model(index).workloads.is_empty();
        ctx.has_monitoring = files.iter().any(|f| f.is_product() && is_monitoring(f));
        ctx.disruption = super::disruption::targets(index);
        ctx.has_health_config = crate::config::CONFIG_NAMES.iter().any(|n| {
            index
                .get(n)
                .and_then(|f| f.text())
                .and_then(|t| crate::config::parse(n, t).ok())
                .is_some_and(|c| !c.health.endpoints.is_empty())
        });
        ctx.docs = index
            .markdown()
            .map(|f| f.path.clone())
            .filter(|p| !p.eq_ignore_ascii_case(checklist))
            .take(12)
            .collect();
        ctx.runbook = index
            .markdown()
            .find(|f| crate::checks::docs::is_runbook_path(&f.path))
            .map(|f| f.path.clone());
        ctx.runbook_anchors = ctx
            .runbook
            .as_deref()
            .and_then(|p| index.get(p))
            .and_then(|f| f.markdown())
            .map(|d| d.anchors())
            .unwrap_or_default();
        ctx.datastores = datastores(index);
        ctx
    }

    /// The primary language (the first found), if any.
    pub fn language(&self) -> Option<&Language> {
        self.languages.first()
    }

    /// The CI provider to scaffold: the detected one when it is GitHub or
    /// GitLab, else GitHub.
    pub fn ci_provider(&self) -> &str {
        match self.ci.as_deref() {
            Some("gitlab") => "gitlab",
            _ => "github",
        }
    }

    /// The cloud to scaffold Terraform for.
    pub fn cloud(&self) -> &str {
        self.clouds.first().map(String::as_str).unwrap_or("aws")
    }
}

fn datastores(index: &Index) -> Vec<DatastoreHint> {
    use crate::checks::resilience::inventory::{Ha, family, inventory};
    inventory(index)
        .datastores
        .iter()
        .map(|d| DatastoreHint {
            name: d.name.clone(),
            family: family(&d.engine).to_string(),
            engine: d.engine.clone(),
            platform: d.platform.clone(),
            path: d.at.path.clone(),
            line: d.at.line,
            failover: match &d.ha {
                Ha::Managed { switches } => format!(
                    "provider failover ({})",
                    switches
                        .iter()
                        .map(|s| s.setting.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                Ha::Sentinel(s) => format!(
                    "Redis Sentinel ({} sentinels, down-after-milliseconds {})",
                    s.sentinels
                        .map(|n| n.to_string())
                        .unwrap_or_else(|| "?".into()),
                    s.down_after_ms.0
                ),
                Ha::Builtin { why } => why.clone(),
                Ha::None { .. } => "none declared".into(),
                Ha::Unknown { why, .. } | Ha::NotJudged { why } => why.clone(),
            },
            backups: {
                let on: Vec<&str> = d
                    .backups
                    .iter()
                    .filter(|b| b.enabled)
                    .map(|b| b.what.as_str())
                    .collect();
                if on.is_empty() {
                    "none declared".into()
                } else {
                    on.join("; ")
                }
            },
        })
        .collect()
}

fn is_compose(name: &str) -> bool {
    matches!(
        name.to_ascii_lowercase().as_str(),
        "docker-compose.yml" | "docker-compose.yaml" | "compose.yml" | "compose.yaml"
    )
}

fn is_dockerfile(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    n == "dockerfile" || n.starts_with("dockerfile.") || n.ends_with(".dockerfile")
}

fn is_monitoring(f: &FileEntry) -> bool {
    let p = f.path.to_ascii_lowercase();
    let name = f.name().to_ascii_lowercase();
    (f.is_yaml()
        && (p.contains("alert") || p.contains("prometheus") || p.contains("rules"))
        && f.text()
            .is_some_and(|t| t.contains("expr:") || t.contains("scrape_configs")))
        || (p.contains("grafana") && (name.ends_with(".json") || f.is_yaml()))
        || name == "alertmanager.yml"
        || name == "alertmanager.yaml"
}

/// The project's name: the git remote's repository name, else a manifest's
/// package name, else the directory's name.
fn project_name(index: &Index) -> (String, String) {
    if let Some(url) = index.git.as_ref().and_then(|g| g.remote_url.as_deref()) {
        let trimmed = url.trim_end_matches('/').trim_end_matches(".git");
        if let Some(last) = trimmed.rsplit(['/', ':']).next()
            && !last.is_empty()
        {
            return (last.to_string(), "git remote".into());
        }
    }
    let text = |p: &str| index.get(p).and_then(|f| f.text());
    if let Some(t) = text("Cargo.toml")
        && let Some(n) = toml_name(t, &["[package]"])
    {
        return (n, "Cargo.toml".into());
    }
    if let Some(t) = text("package.json")
        && let Ok(v) = serde_json::from_str::<serde_json::Value>(t)
        && let Some(n) = v.get("name").and_then(|n| n.as_str())
        && !n.is_empty()
    {
        let n = n.rsplit('/').next().unwrap_or(n);
        return (n.to_string(), "package.json".into());
    }
    if let Some(t) = text("pyproject.toml")
        && let Some(n) = toml_name(t, &["[project]", "[tool.poetry]"])
    {
        return (n, "pyproject.toml".into());
    }
    if let Some(t) = text("go.mod")
        && let Some(line) = t.lines().find(|l| l.trim_start().starts_with("module "))
    {
        let module = line.trim_start()["module ".len()..]
            .trim()
            .trim_matches('"');
        if let Some(last) = module.rsplit('/').next()
            && !last.is_empty()
        {
            return (last.to_string(), "go.mod".into());
        }
    }
    let dir = std::fs::canonicalize(&index.root)
        .ok()
        .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
        .unwrap_or_else(|| "service".to_string());
    (dir, "directory".into())
}

/// `name = "..."` inside one of `tables` of a TOML manifest (a line scan:
/// only the name is needed, and a malformed manifest just yields nothing).
fn toml_name(text: &str, tables: &[&str]) -> Option<String> {
    let mut inside = false;
    for line in text.lines() {
        let l = line.trim();
        if l.starts_with('[') {
            inside = tables.contains(&l);
            continue;
        }
        if inside && let Some(c) = TOML_NAME.captures(l) {
            return Some(c[1].to_string());
        }
    }
    None
}

fn detect_ci(ctx: &mut RepoContext, files: &[FileEntry]) {
    let mut found: Vec<(&str, String)> = Vec::new();
    for f in files {
        let p = f.path.as_str();
        let kind = if p.starts_with(".github/workflows/") && f.is_yaml() {
            Some("github")
        } else if p == ".gitlab-ci.yml" || p == ".gitlab-ci.yaml" {
            Some("gitlab")
        } else if p == ".circleci/config.yml" || p == ".circleci/config.yaml" {
            Some("circleci")
        } else if p == "Jenkinsfile" {
            Some("jenkins")
        } else if p == "azure-pipelines.yml" || p == "azure-pipelines.yaml" {
            Some("azure")
        } else if p == "bitbucket-pipelines.yml" {
            Some("bitbucket")
        } else {
            None
        };
        if let Some(k) = kind {
            found.push((k, f.path.clone()));
        }
    }
    ctx.ci = found.first().map(|(k, _)| k.to_string());
    ctx.ci_files = found.into_iter().map(|(_, p)| p).collect();
}

fn detect_terraform(ctx: &mut RepoContext, files: &[FileEntry]) {
    let mut dirs = BTreeSet::new();
    let mut clouds = BTreeSet::new();
    for f in files {
        if !f.is_product() {
            continue;
        }
        let name = f.name();
        if !(name.ends_with(".tf") || name.ends_with(".tf.json")) {
            continue;
        }
        dirs.insert(f.dir().to_string());
        let Some(t) = f.text() else { continue };
        for c in PROVIDER.captures_iter(t) {
            if matches!(&c[1], "aws" | "google" | "azurerm") {
                clouds.insert(c[1].to_string());
            }
        }
        for c in REQUIRED_PROVIDER.captures_iter(t) {
            clouds.insert(c[1].to_string());
        }
        if ctx.backend.is_none() {
            if let Some(c) = BACKEND.captures(t) {
                ctx.backend = Some(c[1].to_string());
            } else if CLOUD_BLOCK.is_match(t) && t.contains("terraform") {
                ctx.backend = Some("cloud".into());
            }
        }
    }
    ctx.has_terraform = !dirs.is_empty();
    ctx.terraform_dirs = dirs.into_iter().collect();
    ctx.clouds = clouds.into_iter().collect();
}

fn detect_languages(index: &Index) -> Vec<Language> {
    // Root manifests first; then one level down (a service in a subfolder).
    let mut out: Vec<Language> = Vec::new();
    let candidates = index
        .files()
        .iter()
        .filter(|f| f.is_product() && !f.path.starts_with('.') && f.path.matches('/').count() <= 1);
    let mut sorted: Vec<&FileEntry> = candidates.collect();
    sorted.sort_by_key(|f| (f.path.matches('/').count(), manifest_rank(f.name())));
    for f in sorted {
        let Some(lang) = language_of(index, f) else {
            continue;
        };
        if out.iter().any(|l| l.name == lang.name) {
            continue;
        }
        out.push(lang);
    }
    out
}

fn manifest_rank(name: &str) -> usize {
    [
        "Cargo.toml",
        "go.mod",
        "package.json",
        "pyproject.toml",
        "requirements.txt",
        "setup.py",
        "pom.xml",
        "build.gradle",
        "build.gradle.kts",
    ]
    .iter()
    .position(|n| *n == name)
    .unwrap_or(usize::MAX)
}

fn language_of(index: &Index, f: &FileEntry) -> Option<Language> {
    let dir = f.dir().to_string();
    let prefix = if dir.is_empty() {
        String::new()
    } else {
        format!("cd {dir} && ")
    };
    let sibling = |n: &str| {
        let p = if dir.is_empty() {
            n.to_string()
        } else {
            format!("{dir}/{n}")
        };
        index.get(&p).is_some()
    };
    let mk = |name: &str, setup: Vec<String>, test: &str, audit: &str, image: &str| Language {
        name: name.into(),
        manifest: f.path.clone(),
        dir: dir.clone(),
        setup: setup.into_iter().map(|s| format!("{prefix}{s}")).collect(),
        test: format!("{prefix}{test}"),
        audit: format!("{prefix}{audit}"),
        image: image.into(),
    };
    Some(match f.name() {
        "Cargo.toml" => mk(
            "rust",
            vec![],
            if sibling("Cargo.lock") {
                "cargo test --locked"
            } else {
                "cargo test"
            },
            "cargo install --locked cargo-audit && cargo audit",
            "rust:1",
        ),
        "package.json" => mk(
            "node",
            vec![if sibling("package-lock.json") {
                "npm ci".into()
            } else {
                "npm install".into()
            }],
            "npm test",
            if sibling("package-lock.json") {
                "npm audit --audit-level=high"
            } else {
                "npm install --package-lock-only && npm audit --audit-level=high"
            },
            "node:22",
        ),
        "go.mod" => mk(
            "go",
            vec![],
            "go test ./...",
            "go run golang.org/x/vuln/cmd/govulncheck@latest ./...",
            "golang:1.23",
        ),
        "pyproject.toml" | "requirements.txt" | "setup.py" => mk(
            "python",
            vec![if sibling("requirements.txt") {
                "python -m pip install -r requirements.txt pytest".into()
            } else {
                "python -m pip install . pytest".into()
            }],
            "pytest",
            if sibling("requirements.txt") {
                "python -m pip install pip-audit && pip-audit -r requirements.txt"
            } else {
                "python -m pip install pip-audit && pip-audit ."
            },
            "python:3.12",
        ),
        "pom.xml" => mk(
            "java",
            vec![],
            "mvn verify",
            "mvn org.owasp:dependency-check-maven:check",
            "maven:3-eclipse-temurin-21",
        ),
        "build.gradle" | "build.gradle.kts" => mk(
            "java",
            vec![],
            if sibling("gradlew") {
                "./gradlew test"
            } else {
                "gradle test"
            },
            "trivy fs --exit-code 1 --severity HIGH,CRITICAL .",
            "gradle:8-jdk21",
        ),
        _ => return None,
    })
}

fn detect_health(files: &[FileEntry]) -> Vec<HealthHint> {
    let mut out: Vec<HealthHint> = Vec::new();
    let mut push = |h: HealthHint| {
        if !out.iter().any(|o| o.path == h.path && o.port == h.port) {
            out.push(h);
        }
    };
    for f in files {
        if !f.is_product() {
            continue;
        }
        if f.is_yaml() {
            let Some(t) = f.text() else { continue };
            let lines: Vec<&str> = t.lines().collect();
            let li = LineIndex::new(t);
            for c in PROBE.captures_iter(t) {
                let Some(m) = c.get(0) else { continue };
                let indent = c[1].len();
                let kind = &c[2];
                let (start_line, _) = li.line_col(m.start());
                // The probe's block: following lines indented deeper.
                let mut path = None;
                let mut port = None;
                for l in lines.iter().skip(start_line as usize) {
                    if l.trim().is_empty() {
                        continue;
                    }
                    let ind = l.len() - l.trim_start().len();
                    if ind <= indent {
                        break;
                    }
                    if path.is_none()
                        && let Some(p) = PROBE_PATH.captures(l)
                    {
                        path = Some(p[1].to_string());
                    }
                    if port.is_none()
                        && let Some(p) = PROBE_PORT.captures(l)
                    {
                        port = p[1].parse().ok();
                    }
                }
                if let Some(path) = path {
                    push(HealthHint {
                        name: kind.trim_end_matches("Probe").to_string(),
                        path,
                        port,
                        source: format!("{}:{start_line}", f.path),
                    });
                }
            }
        }
        if is_compose(f.name()) {
            let Some(t) = f.text() else { continue };
            let lines: Vec<&str> = t.lines().collect();
            for (i, l) in lines.iter().enumerate() {
                if l.trim_start() != "healthcheck:" {
                    continue;
                }
                let indent = l.len() - l.trim_start().len();
                for next in lines.iter().skip(i + 1) {
                    if next.trim().is_empty() {
                        continue;
                    }
                    if next.len() - next.trim_start().len() <= indent {
                        break;
                    }
                    if let Some(u) = URL_IN_CMD.captures(next) {
                        push(HealthHint {
                            name: "compose".into(),
                            path: u[2].to_string(),
                            port: u.get(1).and_then(|p| p.as_str().parse().ok()),
                            source: format!("{}:{}", f.path, i + 1),
                        });
                        break;
                    }
                }
            }
        } else if is_dockerfile(f.name()) {
            let Some(t) = f.text() else { continue };
            let li = LineIndex::new(t);
            for c in DOCKER_HEALTH.captures_iter(t) {
                let Some(m) = c.get(0) else { continue };
                if let Some(u) = URL_IN_CMD.captures(&c[1]) {
                    let (line, _) = li.line_col(m.start());
                    push(HealthHint {
                        name: "docker".into(),
                        path: u[2].to_string(),
                        port: u.get(1).and_then(|p| p.as_str().parse().ok()),
                        source: format!("{}:{line}", f.path),
                    });
                }
            }
        }
    }
    out
}

/// Today's date as YYYY-MM-DD (UTC), or `READYCTL_DATE` when set (tests and
/// reproducible output).
pub fn today() -> String {
    if let Ok(d) = std::env::var("READYCTL_DATE")
        && !d.trim().is_empty()
    {
        return d.trim().to_string();
    }
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let (y, m, d) = civil_from_days((secs / 86_400) as i64);
    format!("{y:04}-{m:02}-{d:02}")
}

/// Days since 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's
/// `civil_from_days`).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(19_723), (2024, 1, 1));
        assert_eq!(civil_from_days(20_513), (2026, 3, 1));
    }

    #[test]
    fn toml_names() {
        let t = "[workspace]\nname = \"no\"\n[package]\nversion = \"1\"\nname = \"payments\"\n";
        assert_eq!(toml_name(t, &["[package]"]).as_deref(), Some("payments"));
        assert_eq!(
            toml_name("[dependencies]\nname = \"x\"", &["[package]"]),
            None
        );
    }
}
