//! `secrets.gitignore`: the repository's `.gitignore` keeps secret-bearing
//! files out — evaluated with the `ignore` crate's matcher, not by string.

use ignore::gitignore::GitignoreBuilder;

use crate::check::{Check, CheckMeta, Context, Outcome};
use crate::findings::{Finding, Severity};

const EXPLAIN: &str = r#"
## What it checks
That the root `.gitignore` ignores the files secrets live in. readyctl asks
git's own matching rules (negations included) about representative paths:
`.env`, `terraform.tfstate`, `terraform.tfstate.backup`, `x.pem`, `x.key` and
the `.terraform/` directory. Any pattern that covers them counts: `*.tfstate*`,
`**/*.tfstate`, `.env*`, …

## Why it matters
The cheapest leak to prevent is the one `git add -A` never picks up. Without
these patterns a local `.env` or a Terraform state file is one careless
commit away from the repository.

## How to fix
Run `readyctl scaffold gitignore` to add the missing patterns, or add them
yourself.

## Example
```gitignore
.env
.env.*
!.env.example
*.tfstate*
*.pem
*.key
.terraform/
```
"#;

/// Representative paths, whether each is a directory, and the pattern to suggest.
const PROBES: [(&str, bool, &str); 6] = [
    (".env", false, ".env"),
    ("terraform.tfstate", false, "*.tfstate*"),
    ("terraform.tfstate.backup", false, "*.tfstate*"),
    ("x.pem", false, "*.pem"),
    ("x.key", false, "*.key"),
    (".terraform", true, ".terraform/"),
];

pub struct Gitignore {
    meta: CheckMeta,
}

impl Gitignore {
    pub fn new() -> Self {
        Gitignore {
            meta: CheckMeta::define("secrets.gitignore")
                .title(".gitignore covers secret files")
                .severity(Severity::Warning)
                .explain(EXPLAIN)
                .fix("ignore .env, *.tfstate*, *.pem, *.key and .terraform/ in .gitignore")
                .scaffold("gitignore")
                .build(),
        }
    }
}

impl Default for Gitignore {
    fn default() -> Self {
        Self::new()
    }
}

impl Check for Gitignore {
    fn meta(&self) -> &CheckMeta {
        &self.meta
    }

    fn run(&self, ctx: &Context) -> Outcome {
        let root = ctx.root;
        // The indexed `.gitignore` (a regular file inside the root, read once).
        let Some(entry) = ctx.index.get(".gitignore") else {
            if ctx.index.git.is_none() {
                return Outcome::skip("not a git repository and no .gitignore");
            }
            return Outcome::fail(
                "no .gitignore at the repository root",
                vec![Finding::new(
                    "no .gitignore: .env, *.tfstate*, *.pem, *.key and .terraform/ are not ignored",
                )],
            );
        };
        let Some(text) = entry.text() else {
            return Outcome::error(".gitignore: cannot be read as text");
        };
        let mut b = GitignoreBuilder::new(root);
        for line in text.lines() {
            if let Err(e) = b.add_line(None, line) {
                return Outcome::error(format!(".gitignore: {e}"));
            }
        }
        let gi = match b.build() {
            Ok(g) => g,
            Err(e) => return Outcome::error(format!(".gitignore: {e}")),
        };
        let mut missing: Vec<(&str, &str)> = Vec::new();
        for (path, is_dir, pattern) in PROBES {
            if !gi
                .matched_path_or_any_parents(root.join(path), is_dir)
                .is_ignore()
            {
                missing.push((path, pattern));
            }
        }
        // One finding, one fix: the lines to add.
        let n = missing.len();
        let findings: Vec<Finding> = if missing.is_empty() {
            Vec::new()
        } else {
            let add: Vec<String> = missing.iter().map(|(_, p)| format!("`{p}`")).collect();
            vec![
                Finding::new(format!("add {} to .gitignore", add.join(", ")))
                    .at(".gitignore", None),
            ]
        };
        Outcome::from_findings(
            findings,
            format!(
                "`.gitignore` ignores {} representative secret paths",
                PROBES.len()
            ),
            format!(
                "`.gitignore` misses {n} secret path{}",
                if n == 1 { "" } else { "s" }
            ),
        )
    }
}
