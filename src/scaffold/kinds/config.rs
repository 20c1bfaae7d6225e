//! `config` (and `init`): a `readyctl.yaml` with every default and the
//! health endpoints found; the endpoints are shared with `health`.

use serde::Serialize;
use serde_json::{Value, json};

use super::{Options, base, slug};
use crate::scaffold::context::RepoContext;
use crate::scaffold::files::Files;
use crate::scaffold::write::Planned;
use crate::scaffold::{PLACEHOLDER, render};

pub(super) fn plan(
    ctx: &RepoContext,
    files: &Files,
    _opts: &Options,
) -> anyhow::Result<Vec<Planned>> {
    Ok(vec![config(ctx, files)?])
}

#[derive(Serialize)]
pub(super) struct EndpointOut {
    pub(super) name: String,
    pub(super) url: String,
    pub(super) comment: String,
}

pub(super) fn endpoints(ctx: &RepoContext, guess: bool) -> Vec<EndpointOut> {
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

pub(super) fn config_values(ctx: &RepoContext, endpoints: Vec<EndpointOut>) -> Value {
    let mut v = base(ctx);
    let mut skip = Vec::new();
    if !ctx.has_terraform {
        let other: Vec<String> = crate::scaffold::profile::non_terraform(&ctx.iac)
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
pub fn config(ctx: &RepoContext, files: &Files) -> anyhow::Result<Planned> {
    let path = crate::config::CONFIG_NAMES
        .iter()
        .find(|n| files.exists(n))
        .copied()
        .unwrap_or("readyctl.yaml");
    let text = render("config.yaml.j2", config_values(ctx, endpoints(ctx, false)))?;
    crate::config::parse(path, &text)
        .map_err(|e| anyhow::anyhow!("internal error: scaffolded config does not parse: {e}"))?;
    Ok(Planned::create(path, text))
}
