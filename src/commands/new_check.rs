//! `readyctl new-check`: write a commented example declarative check to
//! `.readyctl/checks/<id>.yaml`, ready to load and run as written.

use anyhow::Context as _;

use crate::cli::{Cli, NewCheckArgs};
use crate::declarative;

/// The example check for `id`. Every line that is not a comment is a working
/// check; the comments show the other rule kinds.
pub fn template(id: &str) -> String {
    format!(
        r#"# A readyctl check, written by `readyctl new-check {id}`.
# Format: docs/custom-checks.md (JSON Schema: docs/check.schema.json).
# Try it: `readyctl explain {id}` and `readyctl check --only {id}`.

# `area.name`, lower case. Use it as a checklist marker in
# deployment-readiness.md: <!-- readyctl: {id} -->
id: {id}
# One line, shown by `readyctl list` and in reports.
title: A security policy is published
# error, warning or info; readyctl.yaml `checks.severity` can change it.
severity: warning

# What `readyctl explain {id}` prints. All four sections are required.
explain:
  what: That the repository has a SECURITY.md (at the root, in docs/ or in .github/).
  why: |
    People who find a vulnerability need to know how to report it privately;
    without a policy they open a public issue, or give up.
  fix: Add SECURITY.md saying how to report a vulnerability and what to expect.
  example: |
    ```markdown
    # Security policy
    Report vulnerabilities to security@example.com; we answer within 2 working days.
    ```

# Shown with a failure. `scaffold` names a template under .readyctl/scaffolds/
# (or a `readyctl scaffold` kind such as `runbook`).
fix:
  hint: add SECURITY.md with a private way to report vulnerabilities
  # scaffold: SECURITY.md

# The rule. One kind per rule; combine with `all: [...]`, `any: [...]`, `not: ...`.
rule:
  file_exists:
    files: ["SECURITY.md", "docs/SECURITY.md", ".github/SECURITY.md"]
    # exclude: ["vendor/**"]

# Other kinds (globs: `*` stays in a folder, `**` crosses folders):
#
#   file_absent:   {{files: ["**/*.pem"], exclude: ["testdata/**"]}}
#   file_contains: {{files: [CODEOWNERS, .github/CODEOWNERS], regex: '^/services/\S+\s+@'}}
#   file_lacks:    {{files: ["**/*.py"], regex: 'verify\s*=\s*False'}}
#   markdown_section: {{files: ["docs/**/*.md"], heading: 'rollback', min_steps: 2}}
#   yaml_path:
#     files: ["deploy/**/*.yaml"]
#     path: spec.template.spec.containers[*].resources.limits
#     # exists: true (default) | exists: false | equals: VALUE | matches: REGEX
#   hcl:
#     block: resource
#     labels: [aws_s3_bucket, "*"]
#     attribute: tags
#   http:
#     name: staging
#     url: https://staging.example.com/healthz
#     expect_status: 200
"#
    )
}

pub fn run(cli: &Cli, args: &NewCheckArgs) -> anyhow::Result<u8> {
    let id = args.id.trim();
    if !declarative::valid_id(id) {
        anyhow::bail!(
            "invalid check id `{id}`: use `area.name`, lower case letters, digits, `-` or `_` (e.g. `myteam.security-md`)"
        );
    }
    let root = &args.path;
    if !root.is_dir() {
        anyhow::bail!("{}: no such directory", root.display());
    }
    let rel = format!("{}/{id}.yaml", declarative::USER_DIR);
    let path = root.join(&rel);
    if path.exists() && !args.force {
        anyhow::bail!("{rel} already exists (use --force to overwrite it)");
    }
    // The id must not collide with a check defined elsewhere.
    let cfg = crate::config::load(root, cli.config.as_deref())?;
    let registry = crate::checks::registry(root, &cfg)?;
    if let Some(existing) = registry.get(id) {
        let source = &existing.meta().source;
        if *source != rel {
            anyhow::bail!("check id `{id}` is already defined by {source}");
        }
    }
    let text = template(id);
    // What we write must load as written.
    declarative::parse_file(&rel, &text, Some(root)).map_err(anyhow::Error::msg)?;
    crate::repo::safe_fs::write_atomic(&path, text.as_bytes())
        .with_context(|| format!("{rel}: cannot write"))?;
    println!("wrote {rel}");
    println!("next: edit it, then `readyctl explain {id}` and `readyctl check --only {id}`");
    Ok(super::EXIT_READY)
}
