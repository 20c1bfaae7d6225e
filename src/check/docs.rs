//! Documentation generated from the registry: `docs/checks.md` is rendered
//! by [`checks_markdown`] and a test keeps the committed file in sync.

use std::fmt::Write as _;

use crate::check::{CheckMeta, Registry};

/// How to regenerate the committed file (shown by the sync test).
pub const REGENERATE: &str =
    "READYCTL_BLESS=1 cargo test --test it formats::docs_checks_md_is_current";

/// The registry of built-in checks, as documented in `docs/checks.md`.
pub fn builtin_registry() -> anyhow::Result<Registry> {
    let mut all = crate::checks::builtin();
    all.extend(crate::declarative::builtin()?);
    Ok(Registry::new(all)?)
}

/// A GitHub-style heading anchor for `text` (lower case, spaces to `-`,
/// punctuation other than `-` and `_` dropped).
pub fn anchor(text: &str) -> String {
    text.chars()
        .filter_map(|c| {
            if c.is_alphanumeric() || c == '-' || c == '_' {
                Some(c.to_ascii_lowercase())
            } else if c == ' ' {
                Some('-')
            } else {
                None
            }
        })
        .collect()
}

/// Where a built-in check's documentation is published: its section of
/// docs/checks.md at this version's tag in the repository `Cargo.toml`
/// names. `None` for a repository's own declarative checks.
pub fn help_uri(m: &CheckMeta) -> Option<String> {
    let repo = env!("CARGO_PKG_REPOSITORY").trim_end_matches('/');
    if m.source != "builtin" || repo.is_empty() {
        return None;
    }
    Some(format!(
        "{repo}/blob/v{}/docs/checks.md#{}",
        env!("CARGO_PKG_VERSION"),
        anchor(&heading(m))
    ))
}

fn heading(m: &CheckMeta) -> String {
    format!("{} — {}", m.id, m.title)
}

/// Every check of `registry` as one Markdown reference: an index table, then
/// per area each check's severity, fix and explain text.
pub fn checks_markdown(registry: &Registry) -> String {
    let metas: Vec<&CheckMeta> = registry.checks().iter().map(|c| c.meta()).collect();
    let mut areas: Vec<&str> = metas.iter().map(|m| m.area.as_str()).collect();
    areas.dedup();

    let mut out = String::new();
    out.push_str("# Checks\n\n");
    let _ = writeln!(
        out,
        "<!-- Generated from the check registry; do not edit by hand. Regenerate with: {REGENERATE} -->\n"
    );
    let _ = writeln!(
        out,
        "readyctl has {} built-in check{} in {} area{}. Every check prints the same text with \
         `readyctl explain ID`; change a check's severity or skip it in `readyctl.yaml` \
         (`checks.severity`, `checks.skip`).\n",
        metas.len(),
        if metas.len() == 1 { "" } else { "s" },
        areas.len(),
        if areas.len() == 1 { "" } else { "s" },
    );

    out.push_str("| id | default severity | title | scaffold |\n");
    out.push_str("| --- | --- | --- | --- |\n");
    for m in &metas {
        let scaffold = m
            .scaffold
            .as_ref()
            .map(|k| format!("`readyctl scaffold {k}`"))
            .unwrap_or_else(|| "—".to_string());
        let _ = writeln!(
            out,
            "| [`{}`](#{}) | {} | {} | {} |",
            m.id,
            anchor(&heading(m)),
            m.severity,
            m.title.replace('|', "\\|"),
            scaffold
        );
    }

    out.push_str(&crate::findings::levels::markdown(registry));

    for area in &areas {
        let _ = writeln!(out, "\n## {area}");
        for m in metas.iter().filter(|m| m.area == *area) {
            let _ = writeln!(out, "\n### {}\n", heading(m));
            let _ = write!(out, "Default severity: **{}**", m.severity);
            if let Some(k) = &m.scaffold {
                let _ = write!(out, " · scaffold: `readyctl scaffold {k}`");
            }
            out.push_str("\n\n");
            if !m.fix_hint.is_empty() {
                let _ = writeln!(out, "Fix in one line: {}.\n", m.fix_hint);
            }
            for (name, body) in [
                ("What it checks", &m.explain.what),
                ("Why it matters", &m.explain.why),
                ("How to fix", &m.explain.fix),
                ("Example", &m.explain.example),
            ] {
                let _ = writeln!(out, "#### {name}\n\n{}\n", body.trim());
            }
        }
    }
    while out.ends_with("\n\n") {
        out.pop();
    }
    out
}
