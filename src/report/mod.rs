//! Output formats: every format is a view over one [`Report`].

pub mod github;
pub mod gitlab;
pub mod human;
pub mod json;
pub mod junit;
pub mod markdown;
pub mod redact;
pub mod sarif;
pub mod services;
pub mod target;

use crate::check::CheckMeta;
use crate::findings::Report;

/// `--format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Format {
    #[default]
    Human,
    Json,
    Sarif,
    Junit,
    Markdown,
    Github,
    Gitlab,
}

/// What a view may need beyond the report.
pub struct View<'a> {
    /// Metadata of every check in the report (rules, help texts).
    pub metas: &'a [&'a CheckMeta],
    /// Colour escapes in human output.
    pub color: bool,
    /// Where a result without a location of its own is anchored (SARIF,
    /// GitLab), relative to the repository root; see
    /// [`crate::repo::location::repository_anchor`].
    pub anchor: Option<&'a str>,
    /// Human format: every finding, not the first few of each check.
    pub verbose: bool,
}

impl View<'_> {
    pub fn meta(&self, id: &str) -> Option<&CheckMeta> {
        self.metas.iter().copied().find(|m| m.id == id)
    }
}

/// Render `report` in `format`.
pub fn render(report: &Report, format: Format, view: &View) -> anyhow::Result<String> {
    if !report.services.is_empty() {
        return services::render(report, format, view);
    }
    match format {
        Format::Human => Ok(human::render(report, view)),
        Format::Json => json::render(report),
        Format::Sarif => sarif::render(report, view),
        Format::Junit => junit::render(report, view),
        Format::Markdown => markdown::render(report, view),
        Format::Github => github::render(report, view),
        Format::Gitlab => gitlab::render(report, view),
    }
}
