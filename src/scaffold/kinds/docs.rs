//! `runbook` and `rollback`: the operational documents, from the context.

use super::{Options, base};
use crate::scaffold::context::RepoContext;
use crate::scaffold::files::Files;
use crate::scaffold::render;
use crate::scaffold::write::Planned;

pub(super) fn runbook(
    ctx: &RepoContext,
    _files: &Files,
    _opts: &Options,
) -> anyhow::Result<Vec<Planned>> {
    Ok(vec![Planned::create(
        "docs/RUNBOOK.md",
        render("runbook.md.j2", base(ctx))?,
    )])
}

pub(super) fn rollback(
    ctx: &RepoContext,
    _files: &Files,
    _opts: &Options,
) -> anyhow::Result<Vec<Planned>> {
    Ok(vec![Planned::create(
        "docs/ROLLBACK.md",
        render("rollback.md.j2", base(ctx))?,
    )])
}
