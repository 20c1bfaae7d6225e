//! `ci`: a pipeline that tests, scans and gates releases — or the missing
//! jobs merged into the pipeline the repository already has.

use anyhow::bail;
use serde::Serialize;
use serde_json::json;

use super::terraform::terraform_dirs;
use super::{Options, base, ci_name, language_name, read_text};
use crate::scaffold::context::RepoContext;
use crate::scaffold::files::Files;
use crate::scaffold::write::Planned;
use crate::scaffold::{PLACEHOLDER, render};

/// `actions/checkout`, pinned by commit SHA.
pub const CHECKOUT_SHA: &str = "11bd71901bbe5b1630ceea73d27597364c9af683";
pub const CHECKOUT_VERSION: &str = "v4.2.2";
/// The Trivy image used where no language-specific scanner applies.
const TRIVY_IMAGE: &str = "aquasec/trivy:0.58.1";
const TERRAFORM_IMAGE: &str = "hashicorp/terraform:1.9";
const TERRAFORM_VERSION: &str = "1.9.8";

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

pub(super) fn plan(
    ctx: &RepoContext,
    files: &Files,
    opts: &Options,
) -> anyhow::Result<Vec<Planned>> {
    // Merging, not adding: an existing pipeline gets the missing jobs.
    if let Some(p) = &ctx.pipeline
        && opts.provider.as_deref().is_none_or(|w| w == p.system)
    {
        if matches!(p.system.as_str(), "github" | "gitlab" | "circleci") {
            let old = read_text(files, &p.path)?.unwrap_or_default();
            let mut out = vec![crate::scaffold::pipeline::merge(
                ctx, &p.system, &p.path, &old, false,
            )?];
            // Deploy jobs in other workflows wait for a gate of their own
            // (`needs:` does not cross workflow files).
            if ctx.failing.iter().any(|f| f == "ci.release-gate") && p.system == "github" {
                for (path, _) in ctx.deploy_jobs.iter().filter(|(f, _)| *f != p.path) {
                    if !path.starts_with(".github/workflows/") {
                        continue;
                    }
                    let old = read_text(files, path)?.unwrap_or_default();
                    out.push(crate::scaffold::pipeline::merge(
                        ctx, "github", path, &old, true,
                    )?);
                }
            }
            return Ok(out);
        }
        let jobs = crate::scaffold::pipeline::missing_jobs(ctx, &p.system, &p.jobs);
        println!(
            "{} is a {} pipeline, which readyctl does not edit; add by hand:",
            p.path,
            ci_name(&p.system)
        );
        for j in crate::scaffold::pipeline::describe(&jobs) {
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
