//! Each kind: which files it writes, and the values its templates get.

use std::path::Path;

use anyhow::{Context as _, bail};
use serde::Serialize;
use serde_json::{Value, json};

use super::context::{CheckItem, RepoContext};
use super::write::Planned;
use super::{Kind, PLACEHOLDER, render};

/// `actions/checkout`, pinned by commit SHA.
pub const CHECKOUT_SHA: &str = "11bd71901bbe5b1630ceea73d27597364c9af683";
pub const CHECKOUT_VERSION: &str = "v4.2.2";
/// The Trivy image used where no language-specific scanner applies.
const TRIVY_IMAGE: &str = "aquasec/trivy:0.58.1";
const TERRAFORM_IMAGE: &str = "hashicorp/terraform:1.9";
const TERRAFORM_VERSION: &str = "1.9.8";

/// The entries `gitignore` makes sure of, in order, with the paths that
/// prove an existing rule already covers each (path, is_dir).
pub const GITIGNORE_ENTRIES: &[(&str, &[(&str, bool)])] = &[
    (".env", &[(".env", false)]),
    (
        ".env.*",
        &[(".env.local", false), (".env.production", false)],
    ),
    (
        "*.tfstate*",
        &[
            ("terraform.tfstate", false),
            ("terraform.tfstate.backup", false),
        ],
    ),
    ("*.pem", &[("server.pem", false)]),
    ("*.key", &[("server.key", false)]),
    (".terraform/", &[(".terraform", true)]),
];

/// Options from the command line.
#[derive(Debug, Clone, Default)]
pub struct Options {
    pub provider: Option<String>,
    pub template: Option<String>,
    pub title: Option<String>,
    pub cloud: Option<String>,
}

/// Plan the files of `kind` for the repository at `root`.
pub fn plan(
    kind: Kind,
    ctx: &RepoContext,
    root: &Path,
    opts: &Options,
) -> anyhow::Result<Vec<Planned>> {
    match kind {
        Kind::Runbook => Ok(vec![Planned::create(
            "docs/RUNBOOK.md",
            render("runbook.md.j2", base(ctx))?,
        )]),
        Kind::Rollback => Ok(vec![Planned::create(
            "docs/ROLLBACK.md",
            render("rollback.md.j2", base(ctx))?,
        )]),
        Kind::Checklist => Ok(vec![Planned::create(
            ctx.checklist.clone(),
            checklist(ctx)?,
        )]),
        Kind::Ci => ci(ctx, root, opts),
        Kind::Terraform => terraform(ctx, root, opts),
        Kind::Gitignore => gitignore(root).map(|p| vec![p]),
        Kind::Health => {
            let mut out = vec![health(ctx, root)?];
            out.extend(readiness_probes(ctx, root)?);
            Ok(out)
        }
        Kind::Monitoring => {
            let mut v = base(ctx);
            v["job"] = json!(slug(&ctx.name));
            v["alert_prefix"] = json!(camel(&ctx.name));
            let runbook = ctx.runbook.as_deref().unwrap_or("docs/RUNBOOK.md");
            v["runbook"] = json!(runbook);
            // Link a section only where it exists (or will: the runbook scaffold has them all).
            let link = |anchor: &str| {
                if ctx.runbook.is_none() || ctx.runbook_anchors.iter().any(|a| a == anchor) {
                    format!("{runbook}#{anchor}")
                } else {
                    runbook.to_string()
                }
            };
            v["links"] = json!({
                "troubleshooting": link("troubleshooting"),
                "verification": link("verification"),
                "rollback": link("rollback"),
                "scaling": link("scaling"),
                "datastore_failover": link("datastore-failover"),
            });
            let families: std::collections::BTreeSet<&str> =
                ctx.datastores.iter().map(|d| d.family.as_str()).collect();
            v["datastore_families"] = json!(families);
            Ok(vec![Planned::create(
                "monitoring/alerts.yml",
                render("monitoring/alerts.yml.j2", v)?,
            )])
        }
        Kind::Postmortem => record(ctx, root, opts, "docs/postmortems", Naming::Dated, |v| {
            render("postmortem.md.j2", v)
        }),
        Kind::Adr => record(ctx, root, opts, "docs/adr", Naming::Numbered, |v| {
            render("adr.md.j2", v)
        }),
        Kind::Rfc => record(ctx, root, opts, "docs/rfcs", Naming::Numbered, |v| {
            render("rfc.md.j2", v)
        }),
        Kind::Change => record(ctx, root, opts, "docs/changes", Naming::Dated, |v| {
            render("change.md.j2", v)
        }),
        Kind::Meeting => {
            let template = opts.template.as_deref().unwrap_or("strategy");
            if !matches!(template, "strategy" | "operational-review") {
                bail!(
                    "unknown meeting template `{template}` (use --template strategy or --template operational-review)"
                );
            }
            let name = format!("meeting-{template}.md.j2");
            let mut o = opts.clone();
            o.template = Some(template.to_string());
            record(ctx, root, &o, "docs/meetings", Naming::Dated, |v| {
                render(&name, v)
            })
        }
        Kind::Config => Ok(vec![config(ctx, root)?]),
        Kind::Disruption => super::disruption::plan(ctx),
    }
}

/// The context every template gets, with display forms added.
pub fn base(ctx: &RepoContext) -> Value {
    let mut v = serde_json::to_value(ctx).unwrap_or_else(|_| json!({}));
    v["ci_name"] = json!(ctx.ci.as_deref().map(ci_name));
    v["terraform_dirs_shown"] = json!(
        ctx.terraform_dirs
            .iter()
            .map(|d| if d.is_empty() { "." } else { d.as_str() })
            .collect::<Vec<_>>()
    );
    v["clouds_shown"] = json!(ctx.clouds.iter().map(|c| cloud_name(c)).collect::<Vec<_>>());
    v["procedures"] = json!(super::deploy::procedures(ctx));
    if let Some(langs) = v["languages"].as_array_mut() {
        for l in langs {
            let name = l["name"].as_str().unwrap_or_default().to_string();
            l["display"] = json!(language_name(&name));
        }
    }
    v
}

fn ci_name(ci: &str) -> &'static str {
    match ci {
        "github" => "GitHub Actions",
        "gitlab" => "GitLab CI",
        "circleci" => "CircleCI",
        "jenkins" => "Jenkins",
        "azure" => "Azure Pipelines",
        "bitbucket" => "Bitbucket Pipelines",
        _ => "CI",
    }
}

fn cloud_name(c: &str) -> &str {
    match c {
        "aws" => "AWS",
        "google" => "Google Cloud",
        "azurerm" => "Azure",
        other => other,
    }
}

fn language_name(l: &str) -> &str {
    match l {
        "rust" => "Rust",
        "node" => "Node.js",
        "go" => "Go",
        "python" => "Python",
        "java" => "Java",
        other => other,
    }
}

/// A lower-case, dash-separated form of `s` for file names and labels.
pub fn slug(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    let mut out: String = out.trim_end_matches('-').chars().take(60).collect();
    while out.ends_with('-') {
        out.pop();
    }
    if out.is_empty() {
        "untitled".into()
    } else {
        out
    }
}

/// `payments-api` → `PaymentsApi` (alert names).
fn camel(s: &str) -> String {
    slug(s)
        .split('-')
        .map(|w| {
            let mut c = w.chars();
            match c.next() {
                Some(f) => f.to_ascii_uppercase().to_string() + c.as_str(),
                None => String::new(),
            }
        })
        .collect()
}

// ---------------------------------------------------------------- checklist

/// Is a check worth an item in this repository's checklist?
fn relevant(c: &CheckItem, ctx: &RepoContext) -> bool {
    let service = ctx.has_docker
        || ctx.has_kubernetes
        || ctx.has_compose
        || ctx.has_terraform
        || !ctx.health.is_empty()
        || ctx.has_health_config;
    let github = ctx
        .ci_files
        .iter()
        .any(|f| f.starts_with(".github/workflows/"));
    match c.area.as_str() {
        "terraform" => ctx.has_terraform,
        "ci" => match c.id.as_str() {
            "ci.actions-pinned" | "ci.least-privilege" => github,
            _ => ctx.ci.is_some(),
        },
        "health" => match c.id.as_str() {
            "health.reachable" => ctx.has_health_config,
            _ => service,
        },
        "monitoring" => service || ctx.has_monitoring,
        "resilience" => !ctx.datastores.is_empty(),
        "k8s" => ctx.has_kubernetes,
        "container" => ctx.has_docker,
        "deploy" => match c.id.as_str() {
            "deploy.smoke-test" => ctx.ci_deploys,
            "deploy.auto-rollback" => ctx.ci_deploys || ctx.has_kubernetes,
            // deploy.strategy
            _ => ctx.has_kubernetes || service,
        },
        // The checklist cannot be an item of itself.
        "docs" => c.id != "docs.readiness-checklist",
        _ => true,
    }
}

fn area_title(area: &str) -> String {
    match area {
        "docs" => "Documentation".into(),
        "terraform" => "Infrastructure as code".into(),
        "ci" => "Continuous integration".into(),
        "secrets" => "Secrets".into(),
        "health" => "Health".into(),
        "monitoring" => "Monitoring".into(),
        "resilience" => "Resilience".into(),
        "k8s" => "Kubernetes".into(),
        "container" => "Containers".into(),
        "deploy" => "Deployment".into(),
        other => format!("Team checks: {other}"),
    }
}

fn checklist(ctx: &RepoContext) -> anyhow::Result<String> {
    const ORDER: &[&str] = &[
        "terraform",
        "ci",
        "secrets",
        "health",
        "monitoring",
        "resilience",
        "k8s",
        "deploy",
        "container",
        "docs",
    ];
    let mut areas: Vec<&str> = Vec::new();
    for c in ctx.checks.iter().filter(|c| relevant(c, ctx)) {
        if !areas.contains(&c.area.as_str()) {
            areas.push(&c.area);
        }
    }
    areas.sort_by_key(|a| (ORDER.iter().position(|o| o == a).unwrap_or(ORDER.len()), *a));
    let groups: Vec<Value> = areas
        .iter()
        .map(|a| {
            let checks: Vec<&CheckItem> = ctx
                .checks
                .iter()
                .filter(|c| c.area == *a && relevant(c, ctx))
                .collect();
            json!({"title": area_title(a), "checks": checks})
        })
        .collect();
    let mut v = base(ctx);
    v["groups"] = json!(groups);
    render("checklist.md.j2", v)
}

// ----------------------------------------------------------------------- ci

#[derive(Serialize)]
struct Step {
    name: String,
    run: String,
    comment: Option<String>,
}

fn step(name: &str, run: impl Into<String>) -> Step {
    Step {
        name: name.into(),
        run: run.into(),
        comment: None,
    }
}

#[derive(Serialize)]
struct Job {
    name: String,
    image: String,
    entrypoint: bool,
    steps: Vec<Step>,
}

fn terraform_dirs(ctx: &RepoContext) -> Vec<String> {
    if ctx.terraform_dirs.is_empty() {
        vec!["terraform".into()]
    } else {
        ctx.terraform_dirs
            .iter()
            .map(|d| if d.is_empty() { ".".into() } else { d.clone() })
            .collect()
    }
}

fn terraform_steps(ctx: &RepoContext) -> Vec<Step> {
    let mut v = vec![step("Terraform format", "terraform fmt -check -recursive")];
    for d in terraform_dirs(ctx) {
        v.push(step(
            &format!("Terraform validate ({d})"),
            format!("cd {d} && terraform init -backend=false && terraform validate"),
        ));
    }
    v
}

fn ci(ctx: &RepoContext, root: &Path, opts: &Options) -> anyhow::Result<Vec<Planned>> {
    // Merging, not adding: an existing pipeline gets the missing jobs.
    if let Some(p) = &ctx.pipeline
        && opts.provider.as_deref().is_none_or(|w| w == p.system)
    {
        if matches!(p.system.as_str(), "github" | "gitlab" | "circleci") {
            let old = read_text(&root.join(&p.path))?.unwrap_or_default();
            let mut out = vec![super::pipeline::merge(
                ctx, &p.system, &p.path, &old, false,
            )?];
            // Deploy jobs in other workflows wait for a gate of their own
            // (`needs:` does not cross workflow files).
            if ctx.failing.iter().any(|f| f == "ci.release-gate") && p.system == "github" {
                for (path, _) in ctx.deploy_jobs.iter().filter(|(f, _)| *f != p.path) {
                    if !path.starts_with(".github/workflows/") {
                        continue;
                    }
                    let old = read_text(&root.join(path))?.unwrap_or_default();
                    out.push(super::pipeline::merge(ctx, "github", path, &old, true)?);
                }
            }
            return Ok(out);
        }
        let jobs = super::pipeline::missing_jobs(ctx, &p.system, &p.jobs);
        println!(
            "{} is a {} pipeline, which readyctl does not edit; add by hand:",
            p.path,
            ci_name(&p.system)
        );
        for j in super::pipeline::describe(&jobs) {
            println!("  {j}");
        }
        return Ok(Vec::new());
    }
    let provider = opts.provider.as_deref().unwrap_or(match ctx.ci.as_deref() {
        Some("gitlab") => "gitlab",
        _ => "github",
    });
    let mut v = base(ctx);
    match provider {
        "github" => {
            let mut test = Vec::new();
            for l in ctx.languages.iter().filter(|l| l.test.is_some()) {
                for s in &l.setup {
                    test.push(step(
                        &format!("Install dependencies ({})", language_name(&l.name)),
                        s.clone(),
                    ));
                }
                if let Some(t) = &l.test {
                    test.push(step(
                        &format!("Test ({})", language_name(&l.name)),
                        t.clone(),
                    ));
                }
            }
            if ctx.has_terraform {
                test.push(step(
                    "Install Terraform",
                    format!(
                        "curl -fsSLo \"$RUNNER_TEMP/tf.zip\" https://releases.hashicorp.com/terraform/{TERRAFORM_VERSION}/terraform_{TERRAFORM_VERSION}_linux_amd64.zip && sudo unzip -o \"$RUNNER_TEMP/tf.zip\" terraform -d /usr/local/bin"
                    ),
                ));
                test.extend(terraform_steps(ctx));
            }
            if test.is_empty() {
                test.push(Step {
                    name: "Test".into(),
                    run: "make test".into(),
                    comment: Some(format!(
                        "{PLACEHOLDER}: replace with the command that tests {}",
                        ctx.name
                    )),
                });
            }
            let mut security: Vec<Step> = ctx
                .languages
                .iter()
                .map(|l| {
                    step(
                        &format!("Dependency audit ({})", language_name(&l.name)),
                        l.audit.clone(),
                    )
                })
                .collect();
            if ctx.has_terraform {
                security.push(step(
                    "IaC scan (trivy)",
                    format!(
                        "docker run --rm -v \"$PWD:/src\" -w /src {TRIVY_IMAGE} config --exit-code 1 --severity HIGH,CRITICAL ."
                    ),
                ));
            }
            if security.is_empty() {
                security.push(step(
                    "Vulnerability scan (trivy)",
                    format!(
                        "docker run --rm -v \"$PWD:/src\" -w /src {TRIVY_IMAGE} fs --exit-code 1 --severity HIGH,CRITICAL ."
                    ),
                ));
            }
            v["test_steps"] = json!(test);
            v["security_steps"] = json!(security);
            v["checkout_sha"] = json!(CHECKOUT_SHA);
            v["checkout_version"] = json!(CHECKOUT_VERSION);
            Ok(vec![Planned::create(
                ".github/workflows/ci.yml",
                render("ci/github.yml.j2", v)?,
            )])
        }
        "gitlab" => {
            let mut test_jobs = Vec::new();
            let mut security_jobs = Vec::new();
            for l in &ctx.languages {
                if let Some(t) = &l.test {
                    let mut steps: Vec<Step> =
                        l.setup.iter().map(|s| step("setup", s.clone())).collect();
                    steps.push(step("test", t.clone()));
                    test_jobs.push(Job {
                        name: format!("test-{}", l.name),
                        image: l.image.clone(),
                        entrypoint: false,
                        steps,
                    });
                }
                let audit = vec![step("audit", l.audit.clone())];
                security_jobs.push(Job {
                    name: format!("audit-{}", l.name),
                    image: if l.audit.starts_with("trivy") {
                        TRIVY_IMAGE.into()
                    } else {
                        l.image.clone()
                    },
                    entrypoint: l.audit.starts_with("trivy"),
                    steps: audit,
                });
            }
            if ctx.has_terraform {
                test_jobs.push(Job {
                    name: "terraform-validate".into(),
                    image: TERRAFORM_IMAGE.into(),
                    entrypoint: true,
                    steps: terraform_steps(ctx),
                });
                security_jobs.push(Job {
                    name: "iac-scan".into(),
                    image: TRIVY_IMAGE.into(),
                    entrypoint: true,
                    steps: vec![step(
                        "trivy",
                        "trivy config --exit-code 1 --severity HIGH,CRITICAL .",
                    )],
                });
            }
            if test_jobs.is_empty() {
                test_jobs.push(Job {
                    name: "test".into(),
                    image: "alpine:3.20".into(),
                    entrypoint: false,
                    steps: vec![Step {
                        name: "test".into(),
                        run: "make test".into(),
                        comment: Some(format!(
                            "{PLACEHOLDER}: replace with the command that tests {} (and the image above)",
                            ctx.name
                        )),
                    }],
                });
            }
            if security_jobs.is_empty() {
                security_jobs.push(Job {
                    name: "vulnerability-scan".into(),
                    image: TRIVY_IMAGE.into(),
                    entrypoint: true,
                    steps: vec![step(
                        "trivy",
                        "trivy fs --exit-code 1 --severity HIGH,CRITICAL .",
                    )],
                });
            }
            v["test_jobs"] = json!(test_jobs);
            v["security_jobs"] = json!(security_jobs);
            Ok(vec![Planned::create(
                ".gitlab-ci.yml",
                render("ci/gitlab.yml.j2", v)?,
            )])
        }
        other => {
            bail!("unknown CI provider `{other}` (use --provider github or --provider gitlab)")
        }
    }
}

// ---------------------------------------------------------------- terraform

struct CloudSpec {
    name: &'static str,
    source: &'static str,
    version: &'static str,
}

fn cloud_spec(cloud: &str) -> Option<CloudSpec> {
    Some(match cloud {
        "aws" => CloudSpec {
            name: "aws",
            source: "hashicorp/aws",
            version: "~> 5.0",
        },
        "google" | "gcp" => CloudSpec {
            name: "google",
            source: "hashicorp/google",
            version: "~> 6.0",
        },
        "azurerm" | "azure" => CloudSpec {
            name: "azurerm",
            source: "hashicorp/azurerm",
            version: "~> 4.0",
        },
        _ => return None,
    })
}

fn hcl_str(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into())
}

fn backend_for(cloud: &str, name: &str) -> Value {
    let state_key = format!("{}/terraform.tfstate", slug(name));
    let settings: Vec<(&str, String)> = match cloud {
        "google" => vec![
            (
                "bucket",
                hcl_str(&format!(
                    "{PLACEHOLDER}: the GCS bucket that holds Terraform state"
                )),
            ),
            ("prefix", hcl_str(&slug(name))),
        ],
        "azurerm" => vec![
            (
                "resource_group_name",
                hcl_str(&format!(
                    "{PLACEHOLDER}: the resource group of the state storage account"
                )),
            ),
            (
                "storage_account_name",
                hcl_str(&format!("{PLACEHOLDER}: the state storage account")),
            ),
            ("container_name", hcl_str("tfstate")),
            ("key", hcl_str(&state_key)),
        ],
        _ => vec![
            (
                "bucket",
                hcl_str(&format!(
                    "{PLACEHOLDER}: the S3 bucket that holds Terraform state"
                )),
            ),
            ("key", hcl_str(&state_key)),
            ("region", hcl_str("us-east-1")),
            ("encrypt", "true".into()),
        ],
    };
    let width = settings.iter().map(|(k, _)| k.len()).max().unwrap_or(0);
    let kind = match cloud {
        "google" => "gcs",
        "azurerm" => "azurerm",
        _ => "s3",
    };
    json!({
        "kind": kind,
        // Keys padded as `terraform fmt` aligns them.
        "settings": settings.iter().map(|(k, v)| json!({"key": format!("{k:width$}"), "value": v})).collect::<Vec<_>>(),
    })
}

/// Into an existing root module: only what is missing, in its own
/// `terraform` block (see `tf_merge`).
fn terraform_merge(
    ctx: &RepoContext,
    root: &Path,
    spec: &CloudSpec,
    dir: &str,
) -> anyhow::Result<Option<Planned>> {
    let dir = if dir.is_empty() { "." } else { dir };
    let backend = {
        let b = backend_for(spec.name, &ctx.name);
        let mut t = format!(
            "  # Remote state, so that every run (and every person) sees the same state.\n  # The storage must exist before `terraform init`.\n  backend \"{}\" {{\n",
            b["kind"].as_str().unwrap_or("s3")
        );
        for s in b["settings"].as_array().into_iter().flatten() {
            t.push_str(&format!(
                "    {} = {}\n",
                s["key"].as_str().unwrap_or_default(),
                s["value"].as_str().unwrap_or_default()
            ));
        }
        t.push_str("  }\n");
        Some(t)
    };
    let clouds: Vec<&str> = if ctx.clouds.is_empty() {
        vec![spec.name]
    } else {
        ctx.clouds.iter().map(String::as_str).collect()
    };
    let mut providers = String::from("  required_providers {\n");
    for c in clouds {
        let Some(cs) = cloud_spec(c) else { continue };
        let pin = super::tf_merge::locked_pin(root, dir, cs.source)
            .unwrap_or_else(|| cs.version.to_string());
        providers.push_str(&format!(
            "    {} = {{\n      source  = \"{}\"\n      version = \"{pin}\"\n    }}\n",
            cs.name, cs.source
        ));
    }
    providers.push_str("  }\n");
    super::tf_merge::merge(
        root,
        dir,
        &super::tf_merge::Additions {
            name: ctx.name.clone(),
            required_version: ">= 1.5",
            backend,
            providers: Some(providers),
        },
    )
}

fn terraform(ctx: &RepoContext, root: &Path, opts: &Options) -> anyhow::Result<Vec<Planned>> {
    let cloud = opts.cloud.as_deref().unwrap_or_else(|| ctx.cloud());
    let spec = cloud_spec(cloud).with_context(|| {
        format!("unknown cloud `{cloud}` (use --cloud aws, --cloud google or --cloud azurerm)")
    })?;
    if ctx.has_terraform {
        // Pins and backends belong to root modules; a reusable module has
        // none to add (and never gets a backend).
        let mut out = Vec::new();
        for dir in &ctx.terraform_roots {
            out.extend(terraform_merge(ctx, root, &spec, dir)?);
        }
        return Ok(out);
    }
    let mut v = base(ctx);
    v["provider"] = json!({"name": spec.name, "source": spec.source, "version": spec.version});
    // Keep a backend the repository already has; never configure two.
    v["backend"] = if ctx.has_terraform && ctx.backend.is_some() {
        Value::Null
    } else {
        backend_for(spec.name, &ctx.name)
    };
    let dir = terraform_dirs(ctx).remove(0);
    let at = |f: &str| {
        if dir == "." {
            f.to_string()
        } else {
            format!("{dir}/{f}")
        }
    };
    let mut out = vec![Planned::create(
        at("versions.tf"),
        render("terraform/versions.tf.j2", &v)?,
    )];
    // An existing module keeps its own provider blocks, variables and outputs.
    if !ctx.has_terraform {
        out.push(Planned::create(
            at("main.tf"),
            render("terraform/main.tf.j2", &v)?,
        ));
        out.push(Planned::create(
            at("variables.tf"),
            render("terraform/variables.tf.j2", &v)?,
        ));
        out.push(Planned::create(
            at("outputs.tf"),
            render("terraform/outputs.tf.j2", &v)?,
        ));
    }
    Ok(out)
}

// ---------------------------------------------------------------- gitignore

fn read_text(path: &Path) -> anyhow::Result<Option<String>> {
    match crate::repo::safe_fs::read_regular(path, crate::repo::safe_fs::MAX_BYTES) {
        Ok(bytes) => String::from_utf8(bytes)
            .map(Some)
            .map_err(|_| anyhow::anyhow!("{}: not valid UTF-8, not touched", path.display())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(anyhow::anyhow!("{}: cannot read: {e}", path.display())),
    }
}

fn ignore_matcher(root: &Path, text: &str) -> anyhow::Result<ignore::gitignore::Gitignore> {
    let mut b = ignore::gitignore::GitignoreBuilder::new(root);
    for line in text.lines() {
        // A line git would reject is git's business; it just matches nothing.
        let _ = b.add_line(None, line);
    }
    b.build().context(".gitignore")
}

fn gitignore(root: &Path) -> anyhow::Result<Planned> {
    let existing = read_text(&root.join(".gitignore"))?;
    let text = existing.clone().unwrap_or_default();
    let gi = ignore_matcher(root, &text)?;
    let mut missing: Vec<&str> = GITIGNORE_ENTRIES
        .iter()
        .filter(|(_, probes)| {
            !probes
                .iter()
                .all(|(p, dir)| gi.matched(root.join(p), *dir).is_ignore())
        })
        .map(|(e, _)| *e)
        .collect();
    if missing.contains(&".env.*") {
        // `.env.*` would hide the example file that documents the variables.
        let mut after = text.clone();
        for m in &missing {
            after.push('\n');
            after.push_str(m);
        }
        if ignore_matcher(root, &after)?
            .matched(root.join(".env.example"), false)
            .is_ignore()
        {
            let at = missing
                .iter()
                .position(|m| *m == ".env.*")
                .map_or(missing.len(), |i| i + 1);
            missing.insert(at, "!.env.example");
        }
    }
    match existing {
        None => Ok(Planned::create(
            ".gitignore",
            render("gitignore.j2", json!({"entries": missing}))?,
        )),
        Some(old) => {
            if missing.is_empty() {
                return Ok(Planned::merge(".gitignore", old, "already covers them"));
            }
            let mut new = old.clone();
            if !new.is_empty() && !new.ends_with('\n') {
                new.push('\n');
            }
            if !new.trim().is_empty() {
                new.push('\n');
            }
            new.push_str("# Secret hygiene (added by `readyctl scaffold gitignore`)\n");
            for m in &missing {
                new.push_str(m);
                new.push('\n');
            }
            let note = format!("added {}", missing.join(" "));
            Ok(Planned::merge(".gitignore", new, &note))
        }
    }
}

// ------------------------------------------------------------------- health

#[derive(Serialize)]
struct EndpointOut {
    name: String,
    url: String,
    comment: String,
}

fn endpoints(ctx: &RepoContext, guess: bool) -> Vec<EndpointOut> {
    let mut out: Vec<EndpointOut> = Vec::new();
    for h in &ctx.health {
        let mut name = slug(&h.name);
        if out.iter().any(|e| e.name == name) {
            name = format!("{name}-{}", out.len() + 1);
        }
        out.push(EndpointOut {
            name,
            url: format!("http://localhost:{}{}", h.port.unwrap_or(8080), h.path),
            comment: format!(
                "{} probe at {}; {PLACEHOLDER}: the address the release gate can reach",
                h.name, h.source
            ),
        });
    }
    if out.is_empty() && guess {
        out.push(EndpointOut {
            name: slug(&ctx.name),
            url: "http://localhost:8080/healthz".into(),
            comment: format!(
                "{PLACEHOLDER}: the URL of {}'s health endpoint (this one is a guess)",
                ctx.name
            ),
        });
    }
    out
}

fn config_values(ctx: &RepoContext, endpoints: Vec<EndpointOut>) -> Value {
    let mut v = base(ctx);
    let mut skip = Vec::new();
    if !ctx.has_terraform {
        let other: Vec<String> = super::profile::non_terraform(&ctx.iac)
            .iter()
            .map(|f| format!("{} ({})", f.name, f.evidence))
            .collect();
        let reason = if other.is_empty() {
            "No Terraform and no other infrastructure as code found: the terraform.* checks do not apply.".to_string()
        } else {
            format!(
                "Infrastructure here is {}, not Terraform: the terraform.* checks do not apply.",
                other.join(", ")
            )
        };
        skip.push(json!({"glob": "terraform.*", "reason": reason}));
    }
    v["skip"] = json!(skip);
    v["endpoints"] = json!(endpoints);
    v
}

/// `readyctl.yaml` for `config` and `init`: every default, the endpoints found.
pub fn config(ctx: &RepoContext, root: &Path) -> anyhow::Result<Planned> {
    let path = crate::config::CONFIG_NAMES
        .iter()
        .find(|n| root.join(n).is_file())
        .copied()
        .unwrap_or("readyctl.yaml");
    let text = render("config.yaml.j2", config_values(ctx, endpoints(ctx, false)))?;
    crate::config::parse(path, &text)
        .map_err(|e| anyhow::anyhow!("internal error: scaffolded config does not parse: {e}"))?;
    Ok(Planned::create(path, text))
}

fn health(ctx: &RepoContext, root: &Path) -> anyhow::Result<Planned> {
    let found = crate::config::CONFIG_NAMES
        .iter()
        .find(|n| root.join(n).is_file())
        .copied();
    let eps = endpoints(ctx, true);
    let Some(path) = found else {
        let text = render("config.yaml.j2", config_values(ctx, eps))?;
        crate::config::parse("readyctl.yaml", &text).map_err(|e| {
            anyhow::anyhow!("internal error: scaffolded config does not parse: {e}")
        })?;
        return Ok(Planned::create("readyctl.yaml", text));
    };
    let old = read_text(&root.join(path))?.unwrap_or_default();
    let parsed = crate::config::parse(path, &old)
        .map_err(|e| anyhow::anyhow!("{e} (fix it before scaffolding health)"))?;
    if !parsed.health.endpoints.is_empty() {
        return Ok(Planned::merge(
            path,
            old,
            "already declares health endpoints",
        ));
    }
    let new = merge_health(&old, &eps)?;
    crate::config::parse(path, &new).map_err(|e| {
        anyhow::anyhow!("cannot merge health endpoints into {path} as text ({e}); add them by hand")
    })?;
    Ok(Planned::merge(
        path,
        new,
        &format!(
            "added {} health endpoint{}",
            eps.len(),
            if eps.len() == 1 { "" } else { "s" }
        ),
    ))
}

/// Readiness probes for the workloads behind a Service that lack one
/// (`health.declared` fails on them whatever readyctl.yaml declares).
fn readiness_probes(ctx: &RepoContext, root: &Path) -> anyhow::Result<Vec<Planned>> {
    let mut files: Vec<(&str, Vec<u32>)> = Vec::new();
    for u in &ctx.unready {
        match files.iter_mut().find(|(p, _)| *p == u.path) {
            Some((_, lines)) => lines.push(u.line),
            None => files.push((&u.path, vec![u.line])),
        }
    }
    let mut out = Vec::new();
    for (path, lines) in files {
        let (planned, by_hand) = match super::probes::add(root, path, &lines) {
            Ok(x) => x,
            Err(e) => (None, vec![e.to_string()]),
        };
        for b in by_hand {
            println!("  still to fix by hand: health.declared: {b}");
        }
        out.extend(planned);
    }
    Ok(out)
}

/// Add `endpoints:` to the `health:` section of a readyctl.yaml, as text:
/// every other line stays as the user wrote it.
fn merge_health(old: &str, eps: &[EndpointOut]) -> anyhow::Result<String> {
    let block = |indent: usize| -> anyhow::Result<String> {
        let rendered = render("health-endpoints.yaml.j2", json!({"endpoints": eps}))?;
        // The partial is written for an indent of 2.
        Ok(rendered
            .lines()
            .map(|l| {
                let l = l.strip_prefix("  ").unwrap_or(l);
                format!("{}{l}\n", " ".repeat(indent))
            })
            .collect())
    };
    let lines: Vec<&str> = old.split_inclusive('\n').collect();
    let top = |l: &str| !l.starts_with([' ', '\t', '#', '\n', '\r']) && !l.trim().is_empty();
    let Some(start) = lines
        .iter()
        .position(|l| l.starts_with("health:") && top(l))
    else {
        let mut new = old.to_string();
        if !new.is_empty() && !new.ends_with('\n') {
            new.push('\n');
        }
        if !new.trim().is_empty() {
            new.push('\n');
        }
        new.push_str("health:\n");
        new.push_str(&block(2)?);
        return Ok(new);
    };
    let rest = lines[start]["health:".len()..].trim();
    if !(rest.is_empty() || rest.starts_with('#')) {
        bail!("`health:` is written inline ({rest}); add `endpoints:` by hand");
    }
    let end = lines[start + 1..]
        .iter()
        .position(|l| top(l))
        .map_or(lines.len(), |i| start + 1 + i);
    let children: Vec<usize> = (start + 1..end)
        .filter(|&i| {
            let t = lines[i].trim_start();
            !t.is_empty() && !t.starts_with('#')
        })
        .collect();
    let indent = children
        .first()
        .map(|&i| lines[i].len() - lines[i].trim_start().len())
        .unwrap_or(2);
    let mut out = String::new();
    // An existing empty `endpoints:` line is replaced, not duplicated.
    let empty_key = children.iter().copied().find(|&i| {
        let t = lines[i].trim();
        let ind = lines[i].len() - lines[i].trim_start().len();
        ind == indent
            && t.strip_prefix("endpoints:").is_some_and(|r| {
                let r = r.split('#').next().unwrap_or("").trim();
                r.is_empty() || r == "[]" || r == "~" || r == "null"
            })
    });
    let insert_after = children.last().copied().unwrap_or(start);
    for (i, l) in lines.iter().enumerate() {
        if Some(i) == empty_key {
            out.push_str(&block(indent)?);
            continue;
        }
        out.push_str(l);
        if i == insert_after && empty_key.is_none() {
            if !l.ends_with('\n') {
                out.push('\n');
            }
            out.push_str(&block(indent)?);
        }
    }
    Ok(out)
}

// ------------------------------------------------------------------ records

enum Naming {
    Dated,
    Numbered,
}

/// A record (post-mortem, ADR, RFC, change, meeting): with `--title`, a new
/// dated or numbered file; without, the folder's `TEMPLATE*.md`.
fn record(
    ctx: &RepoContext,
    root: &Path,
    opts: &Options,
    dir: &str,
    naming: Naming,
    render_fn: impl Fn(&Value) -> anyhow::Result<String>,
) -> anyhow::Result<Vec<Planned>> {
    let mut v = base(ctx);
    let suffix = opts
        .template
        .as_deref()
        .map(|t| format!("-{t}"))
        .unwrap_or_default();
    let (path, title, number) = match opts.title.as_deref().map(str::trim) {
        Some(t) if !t.is_empty() => {
            let s = slug(t);
            match naming {
                Naming::Dated => (format!("{dir}/{}-{s}.md", ctx.date), t.to_string(), None),
                Naming::Numbered => {
                    let (n, existing) = next_number(&root.join(dir), &s);
                    let path = existing.unwrap_or_else(|| format!("{n:04}-{s}.md"));
                    let num = path[..4].to_string();
                    (format!("{dir}/{path}"), t.to_string(), Some(num))
                }
            }
        }
        Some(_) => bail!("--title is empty"),
        None => (
            format!("{dir}/TEMPLATE{suffix}.md"),
            format!("{PLACEHOLDER}: title"),
            Some("NNNN".to_string()),
        ),
    };
    v["title"] = json!(title);
    v["number"] = json!(number.unwrap_or_default());
    Ok(vec![Planned::create(path, render_fn(&v)?)])
}

/// The next free number in `dir` (files named `NNNN-...md`), and the name of
/// an existing record with the same slug (so that running twice changes
/// nothing).
fn next_number(dir: &Path, slug: &str) -> (u32, Option<String>) {
    let mut max = 0;
    let mut same = None;
    if let Ok(rd) = std::fs::read_dir(dir) {
        let mut names: Vec<String> = rd
            .filter_map(|e| e.ok())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        for name in names {
            let digits: String = name.chars().take_while(|c| c.is_ascii_digit()).collect();
            if digits.len() == 4
                && let Ok(n) = digits.parse::<u32>()
            {
                max = max.max(n);
                if name == format!("{digits}-{slug}.md") && same.is_none() {
                    same = Some(name);
                }
            }
        }
    }
    (max + 1, same)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs() {
        assert_eq!(
            slug("Use PostgreSQL for orders!"),
            "use-postgresql-for-orders"
        );
        assert_eq!(slug("  --  "), "untitled");
        assert_eq!(camel("payments-api"), "PaymentsApi");
    }

    #[test]
    fn health_merge_keeps_user_lines() {
        let eps = vec![EndpointOut {
            name: "api".into(),
            url: "http://localhost:8080/healthz".into(),
            comment: "c".into(),
        }];
        let old = "version: 1\nhealth:\n    timeout: 3s # fast\n\nsecrets:\n  allow_paths: []\n";
        let new = merge_health(old, &eps).unwrap();
        assert!(new.starts_with("version: 1\nhealth:\n    timeout: 3s # fast\n    endpoints:\n"));
        assert!(new.ends_with("\nsecrets:\n  allow_paths: []\n"), "{new}");
        let c = crate::config::parse("readyctl.yaml", &new).unwrap();
        assert_eq!(c.health.endpoints.len(), 1);

        let old = "health:\n  endpoints: []\n  retries: 1\n";
        let new = merge_health(old, &eps).unwrap();
        let c = crate::config::parse("readyctl.yaml", &new).unwrap();
        assert_eq!(c.health.endpoints.len(), 1);
        assert_eq!(c.health.retries, Some(1));

        assert!(merge_health("health: {timeout: 5s}\n", &eps).is_err());
    }
}
