//! The rendering context: what the repository index already tells about the
//! project (name, CI system, cloud, languages and their test commands, health
//! endpoints, existing documents). Templates fill in from this, so a scaffold
//! is about *this* repository, not a generic one.

use serde::Serialize;

use super::profile;
use crate::repo::index::{FileEntry, Index};

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
    /// The test command, when the manifest has one (a package.json without
    /// a `test` script has none).
    pub test: Option<String>,
    /// The lint command, when there is one.
    pub lint: Option<String>,
    /// The dependency-audit command (a security scanner).
    pub audit: String,
    /// The container image GitLab jobs run in.
    pub image: String,
}

pub use super::profile::{DeployJob, Found, HealthHint, Pipeline};

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
    /// The main CI system: `github`, `gitlab`, `circleci`, `jenkins`, `azure`, `bitbucket`.
    pub ci: Option<String>,
    /// Every CI system in use.
    pub ci_systems: Vec<String>,
    /// CI pipeline files found.
    pub ci_files: Vec<String>,
    /// The pipeline a CI scaffold adds jobs to.
    pub pipeline: Option<Pipeline>,
    /// GitHub / GitLab pipeline files with deploy jobs (as `ci.release-gate`
    /// sees them), and those jobs' ids: the release gate goes there.
    pub deploy_jobs: Vec<(String, Vec<String>)>,
    /// Infrastructure-as-code tools found (Terraform, CloudFormation, Helm, ...).
    pub iac: Vec<Found>,
    /// How releases are deployed (Flux, Argo CD, Helm, kubectl, ECS, ...).
    pub deploy: Vec<Found>,
    /// Checks that failed when the context was built (offline run), by id.
    pub failing: Vec<String>,
    /// Workloads behind a Service without a readiness probe.
    pub unready: Vec<super::probes::Unready>,
    /// Terraform present (any `.tf` / `.tf.json` outside `.terraform/`).
    pub has_terraform: bool,
    /// Root modules ("" = the repository root), sorted: where state,
    /// backends and version pins apply.
    pub terraform_roots: Vec<String>,
    /// Root modules, else (a reusable module) every module ("" = root), sorted.
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
        let ci = crate::views::ci::model(index);
        (ctx.ci_systems, ctx.ci_files) = profile::ci(&ci);
        ctx.pipeline = profile::pipeline(&ci);
        for j in ci.running_jobs() {
            if !crate::checks::ci::release_gate::is_deploy(j) {
                continue;
            }
            let path = ci.path(j).to_string();
            match ctx.deploy_jobs.iter_mut().find(|(p, _)| *p == path) {
                Some((_, ids)) => ids.push(j.id.clone()),
                None => ctx.deploy_jobs.push((path, vec![j.id.clone()])),
            }
        }
        ctx.ci = ctx
            .pipeline
            .as_ref()
            .map(|p| p.system.clone())
            .or_else(|| ctx.ci_systems.first().cloned());
        let tfm = crate::views::terraform::model(index);
        let t = profile::terraform(&tfm);
        ctx.has_terraform = !tfm.is_empty();
        ctx.terraform_roots = t.dirs.clone();
        ctx.terraform_dirs = if t.dirs.is_empty() { t.modules } else { t.dirs };
        ctx.clouds = t.clouds;
        ctx.backend = t.backend;
        ctx.languages = detect_languages(index);
        ctx.health = profile::health(index);
        ctx.unready = crate::checks::health::scan(index)
            .findings
            .into_iter()
            .filter(|f| f.rule.as_deref() == Some("readiness-probe"))
            .filter_map(|f| {
                Some(super::probes::Unready {
                    path: f.path?,
                    line: f.line?,
                })
            })
            .collect();
        ctx.has_docker = files
            .iter()
            .any(|f| f.is_product() && crate::views::dockerfile::is_dockerfile(f.name()));
        ctx.has_compose = files.iter().any(|f| f.is_product() && is_compose(f.name()));
        ctx.ci_deploys =
            !crate::checks::deploy::pipeline::deploys(&crate::views::ci::model(index)).is_empty();
        // The Kubernetes model: objects of plain manifests (a sketch of a
        // Deployment without an image too), rendered Helm charts and
        // Kustomize output; a chart template it could not render is
        // Kubernetes too.
        let k8s = crate::views::k8s::model(index);
        ctx.has_kubernetes = !k8s.files.is_empty()
            || k8s
                .unread
                .iter()
                .any(|u| u.why.starts_with("Helm template"));
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
        ctx.iac = profile::iac(index, &tfm);
        ctx.deploy = profile::deploy(index, &ci, &tfm, &ctx.iac, ctx.has_kubernetes);
        ctx
    }

    /// The profile in a few lines: what the scaffolds are tuned to, and
    /// the file that shows each (printed by `init --explain` and
    /// `scaffold --dry-run`).
    pub fn profile_lines(&self) -> Vec<String> {
        let list = |v: &[Found]| {
            v.iter()
                .map(|f| {
                    let d = f
                        .detail
                        .as_deref()
                        .map(|d| format!(" {d}"))
                        .unwrap_or_default();
                    format!("{}{d} ({})", f.name, f.evidence)
                })
                .collect::<Vec<_>>()
                .join(", ")
        };
        let none = |s: String| {
            if s.is_empty() {
                "none found".to_string()
            } else {
                s
            }
        };
        let mut out = vec![format!(
            "profile of {} (name from {}):",
            self.name, self.name_source
        )];
        let ci = match &self.pipeline {
            Some(p) => {
                let mut s = format!(
                    "{}; main pipeline {} ({} job{})",
                    self.ci_systems.join(", "),
                    p.path,
                    p.jobs.len(),
                    if p.jobs.len() == 1 { "" } else { "s" }
                );
                if let Some(d) = p.deploy_jobs.first() {
                    s.push_str(&format!(
                        "; deploy job `{}` {}",
                        d.id,
                        if p.verified {
                            "is verified after it runs"
                        } else {
                            "has no post-deploy verification"
                        }
                    ));
                }
                s
            }
            None => self.ci_systems.join(", "),
        };
        out.push(format!("  CI: {}", none(ci)));
        out.push(format!("  infrastructure: {}", none(list(&self.iac))));
        out.push(format!("  deploy: {}", none(list(&self.deploy))));
        let langs: Vec<String> = self
            .languages
            .iter()
            .map(|l| {
                let cmds: Vec<String> = [("test", &l.test), ("lint", &l.lint)]
                    .iter()
                    .filter_map(|(k, c)| c.as_ref().map(|c| format!("{k} `{c}`")))
                    .collect();
                format!(
                    "{} ({}{})",
                    l.name,
                    l.manifest,
                    if cmds.is_empty() {
                        ": no test command".to_string()
                    } else {
                        format!(": {}", cmds.join(", "))
                    }
                )
            })
            .collect();
        out.push(format!("  languages: {}", none(langs.join("; "))));
        let health: Vec<String> = self
            .health
            .iter()
            .map(|h| format!("{} ({}, {})", h.path, h.name, h.source))
            .collect();
        out.push(format!("  health endpoints: {}", none(health.join(", "))));
        let ds: Vec<String> = self
            .datastores
            .iter()
            .map(|d| format!("{} {} ({}:{})", d.engine, d.name, d.path, d.line))
            .collect();
        out.push(format!("  datastores: {}", none(ds.join(", "))));
        out
    }

    /// The primary language (the first found), if any.
    pub fn language(&self) -> Option<&Language> {
        self.languages.first()
    }

    /// The CI provider to scaffold a new pipeline for: the detected one, else GitHub.
    pub fn ci_provider(&self) -> &str {
        self.ci.as_deref().unwrap_or("github")
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
    if let Some(url) = index.git.as_ref().and_then(|g| g.remote_url.as_deref())
        && let Some(name) = crate::repo::identity::name_from_remote(url)
    {
        // A mirror names its folders `owner+name`.
        let name = name.rsplit('+').next().unwrap_or(&name).to_string();
        if !name.is_empty() {
            return (name, "git remote".into());
        }
    }
    if let Some((n, from)) = crate::views::manifest::project_name(index) {
        return (n, from.into());
    }
    let dir = index.root_name().unwrap_or_else(|| "service".to_string());
    (dir, "directory".into())
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
    let at = |c: &str| format!("{prefix}{c}");
    let mk = |name: &str,
              setup: Vec<String>,
              test: Option<&str>,
              lint: Option<&str>,
              audit: &str,
              image: &str| Language {
        name: name.into(),
        manifest: f.path.clone(),
        dir: dir.clone(),
        setup: setup.into_iter().map(|s| at(&s)).collect(),
        test: test.map(at),
        lint: lint.map(at),
        audit: at(audit),
        image: image.into(),
    };
    let make_target = |t: &str| {
        let p = if dir.is_empty() {
            "Makefile".to_string()
        } else {
            format!("{dir}/Makefile")
        };
        index
            .get(&p)
            .and_then(|m| m.text())
            .is_some_and(|m| m.lines().any(|l| l.starts_with(&format!("{t}:"))))
    };
    Some(match f.name() {
        "Cargo.toml" => mk(
            "rust",
            vec![],
            Some(if sibling("Cargo.lock") {
                "cargo test --locked"
            } else {
                "cargo test"
            }),
            Some("cargo clippy --all-targets -- -D warnings"),
            "cargo install --locked cargo-audit && cargo audit",
            "rust:1",
        ),
        "package.json" => {
            let scripts = crate::views::manifest::package_scripts(index, &f.path);
            let has = |s: &str| scripts.iter().any(|x| x == s);
            let lock = sibling("package-lock.json");
            let install = if lock { "npm ci" } else { "npm install" };
            let test = has("test").then_some("npm test");
            let lint = has("lint").then_some("npm run lint");
            mk(
                "node",
                if test.is_some() || lint.is_some() {
                    vec![install.to_string()]
                } else {
                    vec![]
                },
                test,
                lint,
                if lock {
                    "npm audit --audit-level=high"
                } else {
                    "npm install --package-lock-only && npm audit --audit-level=high"
                },
                "node:22",
            )
        }
        "go.mod" => mk(
            "go",
            vec![],
            Some("go test ./..."),
            Some("go vet ./..."),
            "go install golang.org/x/vuln/cmd/govulncheck@latest && govulncheck ./...",
            "golang:1.23",
        ),
        "pyproject.toml" | "requirements.txt" | "setup.py" => {
            let has_tests = index.files().iter().any(|t| {
                (dir.is_empty() || t.path.starts_with(&format!("{dir}/")))
                    && t.ext() == "py"
                    && (t.name().starts_with("test_") || t.name().ends_with("_test.py"))
            });
            mk(
                "python",
                if has_tests {
                    vec![if sibling("requirements.txt") {
                        "python -m pip install -r requirements.txt pytest".into()
                    } else {
                        "python -m pip install . pytest".into()
                    }]
                } else {
                    vec![]
                },
                if make_target("test") {
                    Some("make test")
                } else {
                    has_tests.then_some("pytest")
                },
                None,
                if sibling("requirements.txt") {
                    "python -m pip install pip-audit && pip-audit -r requirements.txt"
                } else {
                    "python -m pip install pip-audit && pip-audit ."
                },
                "python:3.12",
            )
        }
        "pom.xml" => mk(
            "java",
            vec![],
            Some(if sibling("mvnw") {
                "./mvnw -B verify"
            } else {
                "mvn -B verify"
            }),
            None,
            "mvn org.owasp:dependency-check-maven:check",
            "maven:3-eclipse-temurin-21",
        ),
        "build.gradle" | "build.gradle.kts" => mk(
            "java",
            vec![],
            Some(if sibling("gradlew") {
                "./gradlew test"
            } else {
                "gradle test"
            }),
            None,
            "trivy fs --exit-code 1 --severity HIGH,CRITICAL .",
            "gradle:8-jdk21",
        ),
        _ => return None,
    })
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
}
