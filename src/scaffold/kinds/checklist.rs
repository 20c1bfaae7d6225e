//! `checklist`: the deployment-readiness checklist, one item per check
//! that applies to this repository, grouped by area.

use serde_json::{Value, json};

use super::{Options, base};
use crate::scaffold::context::{CheckItem, RepoContext};
use crate::scaffold::files::Files;
use crate::scaffold::render;
use crate::scaffold::write::Planned;

pub(super) fn plan(
    ctx: &RepoContext,
    _files: &Files,
    _opts: &Options,
) -> anyhow::Result<Vec<Planned>> {
    Ok(vec![Planned::create(
        ctx.checklist.clone(),
        checklist(ctx)?,
    )])
}

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
