//! Scaffolds (SPEC §7): a failing check turns into files.
//!
//! [`context`] reads what the repository already tells (name, CI, cloud,
//! languages, health endpoints) from the index; [`kinds`] turns a kind and
//! that context into planned files by rendering the templates in
//! `scaffolds/` (built into the binary), one file per kind under `kinds/`,
//! reading the repository only through [`files`] (the index, plus what the
//! run has written); [`write`] applies a plan safely:
//! never overwriting without `--force`, a diff for `--dry-run`, atomic
//! writes, and nothing changed when run twice.

pub mod context;
pub mod deploy;
pub mod disruption;
pub mod files;
pub mod kinds;
pub mod pipeline;
pub mod probes;
pub mod profile;
pub mod tf_merge;
pub mod write;

use std::fmt;
use std::sync::LazyLock;

use minijinja::{AutoEscape, Environment, UndefinedBehavior};

pub use context::RepoContext;
pub use files::Files;
pub use kinds::{Options, plan};
pub use write::{Applied, Planned, Status};

/// The placeholder a person must replace; `docs.placeholders` reports each.
pub use crate::checks::docs::SCAFFOLD_PLACEHOLDER as PLACEHOLDER;

/// What `readyctl scaffold KIND` can write.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    Gitignore,
    Config,
    Terraform,
    Ci,
    Health,
    Monitoring,
    Disruption,
    Runbook,
    Rollback,
    Postmortem,
    Adr,
    Rfc,
    Change,
    Meeting,
    Checklist,
}

impl Kind {
    /// Every kind; the order is the order `--missing` applies them in
    /// (the checklist last, so that it can mark what the others created).
    pub const ALL: &'static [Kind] = &[
        Kind::Gitignore,
        Kind::Config,
        Kind::Terraform,
        Kind::Ci,
        Kind::Health,
        Kind::Monitoring,
        Kind::Disruption,
        Kind::Runbook,
        Kind::Rollback,
        Kind::Postmortem,
        Kind::Adr,
        Kind::Rfc,
        Kind::Change,
        Kind::Meeting,
        Kind::Checklist,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Kind::Runbook => "runbook",
            Kind::Rollback => "rollback",
            Kind::Checklist => "checklist",
            Kind::Ci => "ci",
            Kind::Terraform => "terraform",
            Kind::Gitignore => "gitignore",
            Kind::Health => "health",
            Kind::Monitoring => "monitoring",
            Kind::Postmortem => "postmortem",
            Kind::Adr => "adr",
            Kind::Rfc => "rfc",
            Kind::Change => "change",
            Kind::Meeting => "meeting",
            Kind::Config => "config",
            Kind::Disruption => "disruption",
        }
    }

    pub fn parse(s: &str) -> Option<Kind> {
        Kind::ALL.iter().copied().find(|k| k.name() == s)
    }

    /// The kinds, comma-separated (for error messages).
    pub fn list() -> String {
        let mut names: Vec<&str> = Kind::ALL.iter().map(|k| k.name()).collect();
        names.sort_unstable();
        names.join(", ")
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The built-in templates, by name.
const TEMPLATES: &[(&str, &str)] = &[
    (
        "k8s/disruption.yaml.j2",
        include_str!("../../scaffolds/k8s/disruption.yaml.j2"),
    ),
    (
        "runbook.md.j2",
        include_str!("../../scaffolds/runbook.md.j2"),
    ),
    (
        "rollback.md.j2",
        include_str!("../../scaffolds/rollback.md.j2"),
    ),
    (
        "checklist.md.j2",
        include_str!("../../scaffolds/checklist.md.j2"),
    ),
    (
        "postmortem.md.j2",
        include_str!("../../scaffolds/postmortem.md.j2"),
    ),
    ("adr.md.j2", include_str!("../../scaffolds/adr.md.j2")),
    ("rfc.md.j2", include_str!("../../scaffolds/rfc.md.j2")),
    ("change.md.j2", include_str!("../../scaffolds/change.md.j2")),
    (
        "meeting-strategy.md.j2",
        include_str!("../../scaffolds/meeting-strategy.md.j2"),
    ),
    (
        "meeting-operational-review.md.j2",
        include_str!("../../scaffolds/meeting-operational-review.md.j2"),
    ),
    (
        "ci/github.yml.j2",
        include_str!("../../scaffolds/ci/github.yml.j2"),
    ),
    (
        "ci/gitlab.yml.j2",
        include_str!("../../scaffolds/ci/gitlab.yml.j2"),
    ),
    (
        "terraform/versions.tf.j2",
        include_str!("../../scaffolds/terraform/versions.tf.j2"),
    ),
    (
        "terraform/main.tf.j2",
        include_str!("../../scaffolds/terraform/main.tf.j2"),
    ),
    (
        "terraform/variables.tf.j2",
        include_str!("../../scaffolds/terraform/variables.tf.j2"),
    ),
    (
        "terraform/outputs.tf.j2",
        include_str!("../../scaffolds/terraform/outputs.tf.j2"),
    ),
    (
        "monitoring/alerts.yml.j2",
        include_str!("../../scaffolds/monitoring/alerts.yml.j2"),
    ),
    (
        "config.yaml.j2",
        include_str!("../../scaffolds/config.yaml.j2"),
    ),
    (
        "health-endpoints.yaml.j2",
        include_str!("../../scaffolds/health-endpoints.yaml.j2"),
    ),
    ("gitignore.j2", include_str!("../../scaffolds/gitignore.j2")),
];

/// A YAML scalar: plain when that reads back as the same string, else a
/// double-quoted (JSON) string, which YAML reads the same way.
pub(crate) fn yaml_filter(s: String) -> String {
    let plain_safe = !s.is_empty()
        && !s.contains(": ")
        && !s.contains(" #")
        && !s.ends_with(':')
        && !s.starts_with(|c: char| "!&*-?{}[]|>'\"%@`#,: ".contains(c))
        && !s.contains('\n')
        && !matches!(
            s.to_ascii_lowercase().as_str(),
            "true" | "false" | "yes" | "no" | "on" | "off" | "null" | "~"
        )
        && s.parse::<f64>().is_err();
    if plain_safe {
        s
    } else {
        serde_json::to_string(&s).unwrap_or(s)
    }
}

static ENV: LazyLock<Environment<'static>> = LazyLock::new(|| {
    let mut env = Environment::new();
    env.set_trim_blocks(true);
    env.set_lstrip_blocks(true);
    env.set_keep_trailing_newline(true);
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    env.set_auto_escape_callback(|_| AutoEscape::None);
    env.add_filter("yaml", yaml_filter);
    for (name, source) in TEMPLATES {
        env.add_template(name, source)
            .unwrap_or_else(|e| panic!("built-in template {name} is invalid: {e:#}"));
    }
    env
});

/// Render the built-in template `name` with `ctx`.
pub fn render<S: serde::Serialize>(name: &str, ctx: S) -> anyhow::Result<String> {
    let tmpl = ENV
        .get_template(name)
        .map_err(|e| anyhow::anyhow!("template {name}: {e:#}"))?;
    tmpl.render(ctx)
        .map_err(|e| anyhow::anyhow!("rendering {name}: {e:#}"))
}

/// Every `TODO(readyctl)` placeholder in `text`, as (1-based line, text).
pub fn placeholders(text: &str) -> Vec<(usize, String)> {
    text.lines()
        .enumerate()
        .filter_map(|(i, l)| {
            l.find(PLACEHOLDER)
                .map(|at| (i + 1, l[at..].trim_end().to_string()))
        })
        .collect()
}

#[cfg(test)]
mod tests;
