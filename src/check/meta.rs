//! A check's metadata by named setters, so that a title and a fix hint
//! cannot be swapped silently as positional strings can:
//!
//! ```ignore
//! CheckMeta::define("docs.runbook")
//!     .title("Runbook documented")
//!     .severity(Severity::Error)
//!     .explain(EXPLAIN)
//!     .fix("write a runbook with overview, deploy, verification and troubleshooting sections")
//!     .scaffold("runbook")
//!     .build()
//! ```
//!
//! `build` refuses (panics, when the registry is built: every test run
//! does) a definition without a title, explanation or fix hint.

use crate::check::{CheckMeta, Explain};
use crate::findings::Severity;

/// A [`CheckMeta`] being defined; see the module documentation.
#[must_use = "finish the definition with .build()"]
#[derive(Debug, Clone)]
pub struct Define {
    id: String,
    title: Option<String>,
    severity: Option<Severity>,
    explain: Option<Explain>,
    fix: Option<String>,
    scaffold: Option<String>,
}

impl CheckMeta {
    /// Start the metadata of built-in check `id` (`area.name`).
    pub fn define(id: &str) -> Define {
        Define {
            id: id.to_string(),
            title: None,
            severity: None,
            explain: None,
            fix: None,
            scaffold: None,
        }
    }
}

impl Define {
    /// The one-line title (`readyctl list`, reports).
    pub fn title(mut self, title: &str) -> Self {
        self.title = Some(title.to_string());
        self
    }

    /// The default severity of a failure.
    pub fn severity(mut self, severity: Severity) -> Self {
        self.severity = Some(severity);
        self
    }

    /// The documentation, Markdown with the four `##` sections of
    /// [`Explain::from_markdown`].
    pub fn explain(mut self, markdown: &str) -> Self {
        self.explain = Some(Explain::from_markdown(markdown));
        self
    }

    /// One line: how to make the check pass.
    pub fn fix(mut self, hint: &str) -> Self {
        self.fix = Some(hint.to_string());
        self
    }

    /// The `readyctl scaffold` kind that fixes it.
    pub fn scaffold(mut self, kind: &str) -> Self {
        self.scaffold = Some(kind.to_string());
        self
    }

    /// The metadata. Panics naming the check when a title, severity,
    /// explanation or fix hint is missing.
    pub fn build(self) -> CheckMeta {
        let missing = |what: &str| -> ! { panic!("check {}: no {what} defined", self.id) };
        let area = self.id.split('.').next().unwrap_or(&self.id).to_string();
        let title = self.title.clone().unwrap_or_else(|| missing("title"));
        let severity = self.severity.unwrap_or_else(|| missing("severity"));
        let explain = self.explain.clone().unwrap_or_else(|| missing("explain"));
        let fix_hint = self.fix.clone().unwrap_or_else(|| missing("fix hint"));
        CheckMeta {
            id: self.id,
            area,
            title,
            severity,
            explain,
            fix_hint,
            scaffold: self.scaffold,
            source: "builtin".to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const EXPLAIN: &str =
        "## What it checks\nw\n## Why it matters\ny\n## How to fix\nf\n## Example\ne\n";

    #[test]
    fn named_setters_fill_every_field() {
        let built = CheckMeta::define("docs.runbook")
            .title("Runbook documented")
            .severity(Severity::Error)
            .explain(EXPLAIN)
            .fix("write a runbook")
            .scaffold("runbook")
            .build();
        assert_eq!(built.id, "docs.runbook");
        assert_eq!(built.area, "docs");
        assert_eq!(built.title, "Runbook documented");
        assert_eq!(built.severity, Severity::Error);
        assert_eq!(built.fix_hint, "write a runbook");
        assert_eq!(built.explain, Explain::from_markdown(EXPLAIN));
        assert!(built.explain.missing_sections().is_empty());
        assert_eq!(built.scaffold.as_deref(), Some("runbook"));
        assert_eq!(built.source, "builtin");
    }

    #[test]
    #[should_panic(expected = "check docs.x: no fix hint defined")]
    fn a_missing_fix_hint_is_refused() {
        let _ = CheckMeta::define("docs.x")
            .title("X")
            .severity(Severity::Warning)
            .explain(EXPLAIN)
            .build();
    }
}
