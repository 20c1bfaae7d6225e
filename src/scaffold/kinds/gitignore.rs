//! `gitignore`: the entries that keep secret-bearing files out of git,
//! added to the repository's `.gitignore` (or a new one).

use std::path::Path;

use anyhow::Context as _;
use serde_json::json;

use super::{Options, read_text};
use crate::scaffold::context::RepoContext;
use crate::scaffold::files::Files;
use crate::scaffold::render;
use crate::scaffold::write::Planned;

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

pub(super) fn plan(
    _ctx: &RepoContext,
    files: &Files,
    _opts: &Options,
) -> anyhow::Result<Vec<Planned>> {
    gitignore(files).map(|p| vec![p])
}

fn ignore_matcher(root: &Path, text: &str) -> anyhow::Result<ignore::gitignore::Gitignore> {
    let mut b = ignore::gitignore::GitignoreBuilder::new(root);
    for line in text.lines() {
        // A line git would reject is git's business; it just matches nothing.
        let _ = b.add_line(None, line);
    }
    b.build().context(".gitignore")
}

fn gitignore(files: &Files) -> anyhow::Result<Planned> {
    let root = files.root();
    let existing = read_text(files, ".gitignore")?;
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
