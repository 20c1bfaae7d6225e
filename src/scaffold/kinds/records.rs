//! Records — `postmortem`, `adr`, `rfc`, `change`, `meeting`: with
//! `--title`, a new dated or numbered file; without, the folder's template.

use anyhow::bail;
use serde_json::{Value, json};

use super::{Options, base, slug};
use crate::scaffold::context::RepoContext;
use crate::scaffold::files::Files;
use crate::scaffold::write::Planned;
use crate::scaffold::{PLACEHOLDER, render};

pub(super) fn postmortem(
    ctx: &RepoContext,
    files: &Files,
    opts: &Options,
) -> anyhow::Result<Vec<Planned>> {
    record(ctx, files, opts, "docs/postmortems", Naming::Dated, |v| {
        render("postmortem.md.j2", v)
    })
}

pub(super) fn adr(
    ctx: &RepoContext,
    files: &Files,
    opts: &Options,
) -> anyhow::Result<Vec<Planned>> {
    record(ctx, files, opts, "docs/adr", Naming::Numbered, |v| {
        render("adr.md.j2", v)
    })
}

pub(super) fn rfc(
    ctx: &RepoContext,
    files: &Files,
    opts: &Options,
) -> anyhow::Result<Vec<Planned>> {
    record(ctx, files, opts, "docs/rfcs", Naming::Numbered, |v| {
        render("rfc.md.j2", v)
    })
}

pub(super) fn change(
    ctx: &RepoContext,
    files: &Files,
    opts: &Options,
) -> anyhow::Result<Vec<Planned>> {
    record(ctx, files, opts, "docs/changes", Naming::Dated, |v| {
        render("change.md.j2", v)
    })
}

pub(super) fn meeting(
    ctx: &RepoContext,
    files: &Files,
    opts: &Options,
) -> anyhow::Result<Vec<Planned>> {
    let template = opts.template.as_deref().unwrap_or("strategy");
    if !matches!(template, "strategy" | "operational-review") {
        bail!(
            "unknown meeting template `{template}` (use --template strategy or --template operational-review)"
        );
    }
    let name = format!("meeting-{template}.md.j2");
    let mut o = opts.clone();
    o.template = Some(template.to_string());
    record(ctx, files, &o, "docs/meetings", Naming::Dated, |v| {
        render(&name, v)
    })
}

enum Naming {
    Dated,
    Numbered,
}

/// A record (post-mortem, ADR, RFC, change, meeting): with `--title`, a new
/// dated or numbered file; without, the folder's `TEMPLATE*.md`.
fn record(
    ctx: &RepoContext,
    files: &Files,
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
                    let (n, existing) = next_number(files, dir, &s);
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
fn next_number(files: &Files, dir: &str, slug: &str) -> (u32, Option<String>) {
    let mut max = 0;
    let mut same = None;
    for name in files.names_in(dir) {
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
    (max + 1, same)
}
