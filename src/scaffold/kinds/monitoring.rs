//! `monitoring`: Prometheus alert rules for the service, each linking the
//! runbook section that says what to do.

use serde_json::json;

use super::{Options, base, camel, slug};
use crate::scaffold::context::RepoContext;
use crate::scaffold::files::Files;
use crate::scaffold::render;
use crate::scaffold::write::Planned;

pub(super) fn plan(
    ctx: &RepoContext,
    _files: &Files,
    _opts: &Options,
) -> anyhow::Result<Vec<Planned>> {
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
