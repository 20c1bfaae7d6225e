//! Each kind: which files it writes, and the values its templates get.
//!
//! One file per kind (or per family of kinds): adding a kind is a variant of
//! [`Kind`], its file here, and its line in [`planner`]. This module holds
//! what every kind shares: the options, the dispatch, and the context every
//! template gets ([`base`]).

use serde_json::{Value, json};

use super::Kind;
use super::context::RepoContext;
use super::files::{Files, Unusable};
use super::write::Planned;

mod checklist;
mod ci;
mod config;
mod docs;
mod gitignore;
mod health;
mod monitoring;
mod records;
mod terraform;

pub use ci::{CHECKOUT_SHA, CHECKOUT_VERSION};
pub use config::config;
pub use gitignore::GITIGNORE_ENTRIES;

/// Options from the command line.
#[derive(Debug, Clone, Default)]
pub struct Options {
    pub provider: Option<String>,
    pub template: Option<String>,
    pub title: Option<String>,
    pub cloud: Option<String>,
}

/// How a kind plans its files.
type Planner = fn(&RepoContext, &Files, &Options) -> anyhow::Result<Vec<Planned>>;

/// The planner of each kind, in its own file.
fn planner(kind: Kind) -> Planner {
    match kind {
        Kind::Gitignore => gitignore::plan,
        Kind::Config => config::plan,
        Kind::Terraform => terraform::plan,
        Kind::Ci => ci::plan,
        Kind::Health => health::plan,
        Kind::Monitoring => monitoring::plan,
        Kind::Disruption => |ctx, _, _| super::disruption::plan(ctx),
        Kind::Runbook => docs::runbook,
        Kind::Rollback => docs::rollback,
        Kind::Postmortem => records::postmortem,
        Kind::Adr => records::adr,
        Kind::Rfc => records::rfc,
        Kind::Change => records::change,
        Kind::Meeting => records::meeting,
        Kind::Checklist => checklist::plan,
    }
}

/// Plan the files of `kind` for the repository `files` shows.
pub fn plan(
    kind: Kind,
    ctx: &RepoContext,
    files: &Files,
    opts: &Options,
) -> anyhow::Result<Vec<Planned>> {
    planner(kind)(ctx, files, opts)
}

/// The context every template gets, with display forms added.
pub fn base(ctx: &RepoContext) -> Value {
    let mut v = serde_json::to_value(ctx).unwrap_or_else(|_| json!({}));
    v["ci_name"] = json!(ctx.ci.as_deref().map(ci_name));
    v["terraform_dirs_shown"] = json!(
        ctx.terraform_dirs
            .iter()
            .map(|d| if d.is_empty() { "." } else { d.as_str() })
            .collect::<Vec<_>>()
    );
    v["clouds_shown"] = json!(ctx.clouds.iter().map(|c| cloud_name(c)).collect::<Vec<_>>());
    v["procedures"] = json!(super::deploy::procedures(ctx));
    if let Some(langs) = v["languages"].as_array_mut() {
        for l in langs {
            let name = l["name"].as_str().unwrap_or_default().to_string();
            l["display"] = json!(language_name(&name));
        }
    }
    v
}

fn ci_name(ci: &str) -> &'static str {
    match ci {
        "github" => "GitHub Actions",
        "gitlab" => "GitLab CI",
        "circleci" => "CircleCI",
        "jenkins" => "Jenkins",
        "azure" => "Azure Pipelines",
        "bitbucket" => "Bitbucket Pipelines",
        _ => "CI",
    }
}

fn cloud_name(c: &str) -> &str {
    match c {
        "aws" => "AWS",
        "google" => "Google Cloud",
        "azurerm" => "Azure",
        other => other,
    }
}

fn language_name(l: &str) -> &str {
    match l {
        "rust" => "Rust",
        "node" => "Node.js",
        "go" => "Go",
        "python" => "Python",
        "java" => "Java",
        other => other,
    }
}

/// A lower-case, dash-separated form of `s` for file names and labels.
pub fn slug(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    let mut out: String = out.trim_end_matches('-').chars().take(60).collect();
    while out.ends_with('-') {
        out.pop();
    }
    if out.is_empty() {
        "untitled".into()
    } else {
        out
    }
}

/// `payments-api` → `PaymentsApi` (alert names).
fn camel(s: &str) -> String {
    slug(s)
        .split('-')
        .map(|w| {
            let mut c = w.chars();
            match c.next() {
                Some(f) => f.to_ascii_uppercase().to_string() + c.as_str(),
                None => String::new(),
            }
        })
        .collect()
}

/// A file the scaffold merges into, as text (`None`: absent); one that is
/// not text, or not UTF-8, is not touched.
fn read_text(files: &Files, path: &str) -> anyhow::Result<Option<String>> {
    let shown = files.root().join(path);
    match files.text(path) {
        Ok(t) => Ok(t.map(str::to_string)),
        Err(Unusable::NotUtf8) => Err(anyhow::anyhow!(
            "{}: not valid UTF-8, not touched",
            shown.display()
        )),
        Err(e) => Err(anyhow::anyhow!("{}: cannot read: {e}", shown.display())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs() {
        assert_eq!(
            slug("Use PostgreSQL for orders!"),
            "use-postgresql-for-orders"
        );
        assert_eq!(slug("  --  "), "untitled");
        assert_eq!(camel("payments-api"), "PaymentsApi");
    }
}
