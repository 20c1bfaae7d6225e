//! `terraform`: a root module with pinned versions and remote state — or,
//! into existing root modules, only the settings they lack (see `tf_merge`).

use anyhow::Context as _;
use serde_json::{Value, json};

use super::{Options, base, slug};
use crate::scaffold::context::RepoContext;
use crate::scaffold::files::Files;
use crate::scaffold::write::Planned;
use crate::scaffold::{PLACEHOLDER, render};

/// The directories Terraform lives in (`.` for the root), or `terraform`
/// for a repository that has none yet.
pub(super) fn terraform_dirs(ctx: &RepoContext) -> Vec<String> {
    if ctx.terraform_dirs.is_empty() {
        vec!["terraform".into()]
    } else {
        ctx.terraform_dirs
            .iter()
            .map(|d| if d.is_empty() { ".".into() } else { d.clone() })
            .collect()
    }
}

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
    files: &Files,
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
        let pin = crate::scaffold::tf_merge::locked_pin(files, dir, cs.source)
            .unwrap_or_else(|| cs.version.to_string());
        providers.push_str(&format!(
            "    {} = {{\n      source  = \"{}\"\n      version = \"{pin}\"\n    }}\n",
            cs.name, cs.source
        ));
    }
    providers.push_str("  }\n");
    crate::scaffold::tf_merge::merge(
        files,
        dir,
        &crate::scaffold::tf_merge::Additions {
            name: ctx.name.clone(),
            required_version: ">= 1.5",
            backend,
            providers: Some(providers),
        },
    )
}

pub(super) fn plan(
    ctx: &RepoContext,
    files: &Files,
    opts: &Options,
) -> anyhow::Result<Vec<Planned>> {
    let cloud = opts.cloud.as_deref().unwrap_or_else(|| ctx.cloud());
    let spec = cloud_spec(cloud).with_context(|| {
        format!("unknown cloud `{cloud}` (use --cloud aws, --cloud google or --cloud azurerm)")
    })?;
    if ctx.has_terraform {
        // Pins and backends belong to root modules; a reusable module has
        // none to add (and never gets a backend).
        let mut out = Vec::new();
        for dir in &ctx.terraform_roots {
            out.extend(terraform_merge(ctx, files, &spec, dir)?);
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
