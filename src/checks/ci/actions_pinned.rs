//! `ci.actions-pinned`: every third-party GitHub Action is pinned to a
//! full commit SHA.

use crate::check::{Check, CheckMeta, Context, Outcome};
use crate::findings::{Finding, Severity};
use crate::repo::text::plural;
use crate::views::ci::CiModel;
use crate::views::yaml::node::{SNode, Tree};

const EXPLAIN: &str = r#"
## What it checks
That every `uses: owner/repo@ref` in GitHub workflows (steps and reusable
workflow calls) and in local actions (`.github/actions/*/action.yml`) names a
full 40-character commit SHA. Local actions (`./...`) are fine, and so are
Docker images pinned by digest (`docker://image@sha256:...`).

## Why it matters
A tag or branch can be moved to other code at any time by whoever controls
the action's repository — or by whoever stole their token, as in the
`tj-actions/changed-files` compromise that leaked CI secrets from thousands of
repositories. A commit SHA cannot be moved.

## How to fix
Replace each tag with the commit it points to and keep the tag in a comment,
so Dependabot and Renovate can still update it (`pinact` and
`ratchet` do this for a whole repository).

## Example
```yaml
- uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2
```
"#;

pub(super) fn check() -> Box<dyn Check> {
    super::check(
        CheckMeta::define("ci.actions-pinned")
            .title("GitHub Actions pinned to commit SHAs")
            .severity(Severity::Warning)
            .explain(EXPLAIN)
            .fix("pin each `uses:` to a full commit SHA (keep the tag in a comment)")
            .scaffold("ci")
            .build(),
        run,
    )
}

/// Why `uses` is not pinned, or None when it is.
pub fn unpinned(uses: &str) -> Option<&'static str> {
    let u = uses.trim();
    if u.starts_with("./") || u.starts_with("../") {
        return None;
    }
    if let Some(image) = u.strip_prefix("docker://") {
        return (!image.contains("@sha256:")).then_some("Docker image not pinned by digest");
    }
    match u.rsplit_once('@') {
        None => Some("no version"),
        Some((_, r)) if r.len() == 40 && r.bytes().all(|b| b.is_ascii_hexdigit()) => None,
        Some(_) => Some("not pinned to a full commit SHA"),
    }
}

/// `owner/repo` of this repository on GitHub, from its git remote.
fn own_repository(index: &crate::repo::index::Index) -> Option<String> {
    let url = index.git.as_ref()?.remote_url.as_deref()?;
    let rest = url
        .split_once("github.com")
        .map(|(_, r)| r.trim_start_matches([':', '/']))?;
    let mut parts = rest
        .trim_end_matches('/')
        .trim_end_matches(".git")
        .split('/');
    let (owner, repo) = (parts.next()?, parts.next()?);
    (!owner.is_empty() && !repo.is_empty()).then(|| format!("{owner}/{repo}").to_ascii_lowercase())
}

fn collect<'a>(n: &'a SNode, out: &mut Vec<&'a SNode>) {
    if let Some(u) = n.get("uses") {
        out.push(u);
    }
    for s in n.get("steps").map(Tree::seq).unwrap_or(&[]) {
        if let Some(u) = s.get("uses") {
            out.push(u);
        }
    }
}

fn run(m: &CiModel, ctx: &Context) -> Outcome {
    if !m.has_github_workflow() {
        return Outcome::skip("no GitHub Actions workflow");
    }
    let own = own_repository(ctx.index);
    // One finding per distinct reference per file, at its first use
    // there: the fix (pin that action) is the same on every line.
    let mut first: Vec<(String, String, u32, u32, &'static str)> = Vec::new();
    let mut repeats: std::collections::HashMap<(String, String), Vec<String>> =
        std::collections::HashMap::new();
    let mut total = 0;
    for (_, f) in m.github() {
        let Some(doc) = f.doc() else { continue };
        let mut uses = Vec::new();
        for (_, job) in doc.get("jobs").map(Tree::map).unwrap_or(&[]) {
            collect(job, &mut uses);
        }
        if let Some(runs) = doc.get("runs") {
            collect(runs, &mut uses);
        }
        for u in uses {
            let Some(text) = u.as_str() else { continue };
            total += 1;
            // This repository's own reusable workflows and actions are
            // not third-party code.
            if own
                .as_deref()
                .is_some_and(|o| text.to_ascii_lowercase().starts_with(&format!("{o}/")))
            {
                continue;
            }
            if let Some(why) = unpinned(text) {
                let at = u.line().to_string();
                let key = (f.file.path.clone(), text.to_string());
                match repeats.get_mut(&key) {
                    Some(v) => v.push(at),
                    None => {
                        repeats.insert(key, Vec::new());
                        first.push((
                            text.to_string(),
                            f.file.path.clone(),
                            u.line(),
                            u.col(),
                            why,
                        ));
                    }
                }
            }
        }
    }
    let findings: Vec<Finding> = first
        .into_iter()
        .map(|(text, path, line, col, why)| {
            let more = &repeats[&(path.clone(), text.clone())];
            let also = match more.len() {
                0 => String::new(),
                n => format!(
                    " (also on {} {}{})",
                    plural(n, "line").noun(),
                    more.iter().take(5).cloned().collect::<Vec<_>>().join(", "),
                    if n > 5 { ", …" } else { "" }
                ),
            };
            Finding::new(format!("`{text}`: {why}{also}"))
                .at(path, Some(line))
                .col(Some(col))
        })
        .collect();
    Outcome::from_findings(
        findings,
        format!("{total} `uses:` pinned to commit SHAs"),
        "GitHub Actions not pinned to a commit SHA",
    )
}

#[cfg(test)]
mod tests {
    use super::unpinned;

    #[test]
    fn pins() {
        assert!(unpinned("actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683").is_none());
        assert!(unpinned("./.github/actions/setup").is_none());
        assert!(unpinned("docker://alpine@sha256:0123").is_none());
        assert!(unpinned("docker://alpine:3.20").is_some());
        assert!(unpinned("actions/checkout@v4").is_some());
        assert!(unpinned("actions/checkout@11bd719").is_some());
        assert!(unpinned("org/repo/.github/workflows/x.yml@main").is_some());
        assert!(unpinned("actions/checkout").is_some());
    }
}
