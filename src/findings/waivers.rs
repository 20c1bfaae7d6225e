//! Waivers and inline ignores (SPEC §10).
//!
//! A waiver in `readyctl.yaml` (`waivers:`) names a check id or glob,
//! optionally path globs, and the required reason, owner and expiry date. An
//! inline `readyctl:ignore ID reason` comment waives check ID on its own line
//! and the line below. Both take matching findings out of a check's failures
//! into its `waived` list; a check whose every failure is waived passes and
//! says so. Expired waivers no longer apply and the report names them; a
//! waiver that matches nothing is reported as stale; an inline ignore without
//! a reason is itself a finding of the check it names.
//!
//! Waivers are applied by the engine as each check's result is made, so the
//! checks of the final phase (the readiness checklist) see waived results.

use std::collections::{BTreeSet, HashMap};
use std::fmt;
use std::sync::atomic::{AtomicUsize, Ordering};

use globset::GlobSet;
use rayon::prelude::*;
use schemars::JsonSchema;
use serde::{Deserialize, Deserializer};
use serde_saphyr::Spanned;

use crate::check::{CheckMeta, IdFilter, Registry};
use crate::config::{ConfigError, LoadedConfig};
use crate::findings::{CheckResult, Finding, Fix, Status, Waived, WaiverNote, WaiverNotes};
use crate::repo::index::{FileEntry, Index};

/// The inline marker.
pub const MARKER: &str = "readyctl:ignore";

/// A calendar date written `YYYY-MM-DD`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, JsonSchema)]
#[schemars(with = "String", extend("format" = "date", "pattern" = r"^\d{4}-\d{2}-\d{2}$"))]
pub struct Date(pub jiff::civil::Date);

impl Date {
    /// Parse `YYYY-MM-DD` (a real calendar date).
    pub fn parse(s: &str) -> Option<Date> {
        let b = s.as_bytes();
        let shape = b.len() == 10
            && b[4] == b'-'
            && b[7] == b'-'
            && b.iter()
                .enumerate()
                .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
        if !shape {
            return None;
        }
        s.parse::<jiff::civil::Date>().ok().map(Date)
    }

    /// Today in UTC.
    pub fn today() -> Date {
        Date(
            jiff::Timestamp::now()
                .to_zoned(jiff::tz::TimeZone::UTC)
                .date(),
        )
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0.strftime("%Y-%m-%d"))
    }
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Date::parse(s.trim()).ok_or_else(|| {
            serde::de::Error::custom(format!(
                "invalid date `{s}`: write the expiry as YYYY-MM-DD, e.g. 2027-03-31"
            ))
        })
    }
}

/// One entry of `waivers:` in `readyctl.yaml`.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct WaiverConfig {
    /// The check id, or a glob over check ids (`terraform.*`), whose failures are accepted.
    #[schemars(with = "String")]
    pub check: Spanned<String>,
    /// Globs of paths (relative to the root) the waiver is limited to;
    /// without them it covers every finding of the check, and a failure
    /// without findings.
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub paths: Vec<Spanned<String>>,
    /// Why the failure is accepted (required).
    #[schemars(with = "String")]
    pub reason: Spanned<String>,
    /// Who answers for it: a team or a person (required).
    #[schemars(with = "String")]
    pub owner: Spanned<String>,
    /// The last day the waiver applies, `YYYY-MM-DD` (required).
    #[schemars(with = "Date")]
    pub expires: Spanned<Date>,
}

/// Check the waivers of `config` against the registry: every check glob and
/// path glob is valid, every check glob names a known check, and reason and
/// owner are not empty. Errors name file:line.
pub fn validate(config: &LoadedConfig, registry: &Registry) -> Result<(), ConfigError> {
    let file = config.file_name();
    let ids = registry.ids();
    for w in &config.config.waivers {
        let w = &w.value;
        let filter = IdFilter::new(&[w.check.value.as_str()])
            .map_err(|e| ConfigError::at(file, &w.check, format!("waivers: {e}")))?;
        if w.check.value.trim().is_empty() {
            return Err(ConfigError::at(
                file,
                &w.check,
                "waivers: `check` is empty: name a check id or glob",
            ));
        }
        if !ids.iter().any(|id| filter.matches(id)) {
            return Err(ConfigError::at(
                file,
                &w.check,
                format!(
                    "waivers: `{}` matches no check {}",
                    w.check.value,
                    crate::check::registry::no_match_hint(&w.check.value, &ids)
                ),
            ));
        }
        for p in &w.paths {
            crate::repo::index::glob(&p.value).map_err(|e| {
                ConfigError::at(
                    file,
                    p,
                    format!(
                        "waivers: invalid path glob `{}`: {e}",
                        crate::repo::text::clip(&p.value, 80)
                    ),
                )
            })?;
        }
        for (field, v) in [("reason", &w.reason), ("owner", &w.owner)] {
            if v.value.trim().is_empty() {
                return Err(ConfigError::at(
                    file,
                    v,
                    format!("waivers: `{field}` is empty: say {}", what(field)),
                ));
            }
        }
    }
    Ok(())
}

fn what(field: &str) -> &'static str {
    if field == "reason" {
        "why the failure is accepted"
    } else {
        "who answers for it"
    }
}

/// A waiver of `readyctl.yaml`, ready to match.
struct Waiver {
    check: String,
    filter: IdFilter,
    path_globs: Vec<String>,
    paths: Option<GlobSet>,
    reason: String,
    owner: String,
    expires: Date,
    /// `readyctl.yaml:14`.
    at: String,
    used: AtomicUsize,
}

impl Waiver {
    fn covers(&self, check: &str, path: Option<&str>) -> bool {
        if !self.filter.matches(check) {
            return false;
        }
        match (&self.paths, path) {
            (None, _) => true,
            (Some(set), Some(p)) => set.is_match(p),
            (Some(_), None) => false,
        }
    }

    fn note(&self) -> WaiverNote {
        WaiverNote {
            check: self.check.clone(),
            paths: self.path_globs.clone(),
            reason: self.reason.clone(),
            owner: Some(self.owner.clone()),
            expires: Some(self.expires.to_string()),
            waiver: self.at.clone(),
        }
    }

    fn waived(&self, finding: Finding) -> Waived {
        self.used.fetch_add(1, Ordering::Relaxed);
        Waived {
            finding,
            reason: self.reason.clone(),
            owner: Some(self.owner.clone()),
            expires: Some(self.expires.to_string()),
            waiver: self.at.clone(),
        }
    }
}

/// An inline `readyctl:ignore ID reason` comment.
#[derive(Debug)]
pub struct Ignore {
    pub path: String,
    /// 1-based line of the comment.
    pub line: u32,
    /// The ids or globs it names, as written.
    pub ids: Vec<String>,
    filter: IdFilter,
    /// `None`: written without a reason.
    pub reason: Option<String>,
    /// Does it name a known check?
    known: bool,
    /// A comment after code covers its own line only; a comment on a line
    /// of its own covers the line below too.
    trailing: bool,
    used: AtomicUsize,
}

impl Ignore {
    fn at(&self) -> String {
        format!("{}:{}", self.path, self.line)
    }

    /// Does it cover finding `f` of `check`? On the comment's line or the
    /// line below; a finding without a line is covered from line 1.
    fn covers(&self, check: &str, f: &Finding) -> bool {
        if self.reason.is_none() || !self.filter.matches(check) {
            return false;
        }
        if f.path.as_deref() != Some(self.path.as_str()) {
            return false;
        }
        match f.line {
            Some(l) => l == self.line || (!self.trailing && l == self.line + 1),
            None => self.line == 1,
        }
    }

    fn note(&self) -> WaiverNote {
        WaiverNote {
            check: self.ids.join(","),
            paths: Vec::new(),
            reason: self.reason.clone().unwrap_or_default(),
            owner: None,
            expires: None,
            waiver: self.at(),
        }
    }
}

/// How comments are written in a file readyctl reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Syntax {
    /// `#` (YAML, shell, Dockerfile, TOML, Python, ignore files).
    Hash,
    /// `#`, `//` and `/* */` (HCL, Terraform).
    Hcl,
    /// `//` and `/* */` (Jenkinsfile, Groovy).
    Slash,
    /// `<!-- -->` outside code (Markdown, HTML).
    Html,
}

impl Syntax {
    fn of(f: &FileEntry) -> Option<Syntax> {
        let name = f.name();
        let lower = name.to_ascii_lowercase();
        if lower == "dockerfile"
            || lower.starts_with("dockerfile.")
            || lower.ends_with(".dockerfile")
            || lower == "containerfile"
            || lower.starts_with("containerfile.")
            || lower == "makefile"
            || lower == ".gitignore"
            || lower == ".dockerignore"
            || lower == ".readyctlignore"
            || lower == ".env"
            || lower.starts_with(".env.")
        {
            return Some(Syntax::Hash);
        }
        if lower == "jenkinsfile" {
            return Some(Syntax::Slash);
        }
        match f.ext().to_ascii_lowercase().as_str() {
            "yml" | "yaml" | "sh" | "bash" | "zsh" | "toml" | "py" | "rb" | "cfg" | "conf"
            | "properties" | "mk" => Some(Syntax::Hash),
            "tf" | "tfvars" | "hcl" => Some(Syntax::Hcl),
            "groovy" | "jenkinsfile" => Some(Syntax::Slash),
            "md" | "markdown" | "mdx" | "html" | "htm" => Some(Syntax::Html),
            _ => None,
        }
    }

    /// If `before` (the text before the marker on its line) ends with a
    /// comment opener of this syntax, the code before that opener.
    fn opens(self, before: &str) -> Option<&str> {
        let b = before.trim_end();
        let openers: &[&str] = match self {
            Syntax::Hash => &["#"],
            Syntax::Hcl => &["#", "//", "/*"],
            Syntax::Slash => &["//", "/*"],
            Syntax::Html => &["<!--"],
        };
        openers.iter().find_map(|o| b.strip_suffix(o))
    }
}

/// Does `token` look like a check id or a glob over ids (`area.name`)?
fn looks_like_id(token: &str) -> bool {
    token.contains('.')
        && token.chars().all(|c| {
            c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '-' | '_' | '*' | '?')
        })
}

/// The inline ignores of one file.
fn scan_file(f: &FileEntry, known: &BTreeSet<String>) -> Vec<Ignore> {
    let Some(syntax) = Syntax::of(f) else {
        return Vec::new();
    };
    let Some(text) = f.text() else {
        return Vec::new();
    };
    if memchr::memmem::find(text.as_bytes(), MARKER.as_bytes()).is_none() {
        return Vec::new();
    }
    let code = match syntax {
        Syntax::Html if f.is_markdown() => f.markdown().map(|d| d.code.clone()).unwrap_or_default(),
        _ => Vec::new(),
    };
    let mut out = Vec::new();
    let mut offset = 0usize;
    for (i, raw) in text.split_inclusive('\n').enumerate() {
        let line_start = offset;
        offset += raw.len();
        let line = raw.trim_end_matches(['\n', '\r']);
        let Some(pos) = line.find(MARKER) else {
            continue;
        };
        let abs = line_start + pos;
        if code.iter().any(|r| r.contains(&abs)) {
            continue;
        }
        let Some(code_before) = syntax.opens(&line[..pos]) else {
            continue;
        };
        let trailing = !code_before.trim().is_empty();
        let mut rest = &line[pos + MARKER.len()..];
        if !rest.is_empty() && !rest.starts_with(char::is_whitespace) {
            continue; // `readyctl:ignored`, not the marker
        }
        for close in ["-->", "*/"] {
            if let Some(j) = rest.find(close) {
                rest = &rest[..j];
            }
        }
        let rest = rest.trim();
        let (first, reason) = match rest.split_once(char::is_whitespace) {
            Some((a, b)) => (a, b),
            None => (rest, ""),
        };
        let ids: Vec<String> = first
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect();
        if ids.is_empty() || !ids.iter().all(|id| looks_like_id(id)) {
            continue;
        }
        let Ok(filter) = IdFilter::new(&ids) else {
            continue;
        };
        let reason = reason
            .trim()
            .trim_start_matches(['-', ':', '—', '–'])
            .trim();
        out.push(Ignore {
            path: f.path.clone(),
            line: i as u32 + 1,
            known: known.iter().any(|id| filter.matches(id)),
            trailing,
            ids,
            filter,
            reason: (!reason.is_empty()).then(|| reason.to_string()),
            used: AtomicUsize::new(0),
        });
    }
    out
}

/// The waivers and inline ignores of one run.
pub struct Waivers {
    active: Vec<Waiver>,
    expired: Vec<Waiver>,
    ignores: Vec<Ignore>,
    /// Indexes into `ignores` by path.
    by_path: HashMap<String, Vec<usize>>,
}

impl Waivers {
    /// The waivers of `config` as of `today`, and the inline ignores of
    /// every file in `index` whose comment syntax readyctl knows.
    pub fn new(
        config: &LoadedConfig,
        index: &Index,
        known: &BTreeSet<String>,
        today: Date,
    ) -> Waivers {
        let file = config.file_name();
        let mut active = Vec::new();
        let mut expired = Vec::new();
        for w in &config.config.waivers {
            let line = w.referenced.line();
            let v = &w.value;
            // Validated at load; anything invalid here matches nothing.
            let Ok(filter) = IdFilter::new(&[v.check.value.as_str()]) else {
                continue;
            };
            let path_globs: Vec<String> = v.paths.iter().map(|p| p.value.clone()).collect();
            let paths = if path_globs.is_empty() {
                None
            } else {
                let globs: Vec<&str> = path_globs.iter().map(String::as_str).collect();
                match crate::repo::index::build_globset(&globs) {
                    Ok(s) => Some(s),
                    Err(_) => continue,
                }
            };
            let waiver = Waiver {
                check: v.check.value.clone(),
                filter,
                path_globs,
                paths,
                reason: v.reason.value.trim().to_string(),
                owner: v.owner.value.trim().to_string(),
                expires: v.expires.value,
                at: if line > 0 {
                    format!("{file}:{line}")
                } else {
                    file.to_string()
                },
                used: AtomicUsize::new(0),
            };
            if waiver.expires < today {
                expired.push(waiver);
            } else {
                active.push(waiver);
            }
        }
        let ignores: Vec<Ignore> = index
            .files()
            .par_iter()
            .flat_map_iter(|f| scan_file(f, known))
            .collect();
        let mut by_path: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, ig) in ignores.iter().enumerate() {
            by_path.entry(ig.path.clone()).or_default().push(i);
        }
        Waivers {
            active,
            expired,
            ignores,
            by_path,
        }
    }

    /// The inline ignores found.
    pub fn ignores(&self) -> &[Ignore] {
        &self.ignores
    }

    fn inline_for(&self, check: &str, f: &Finding) -> Option<&Ignore> {
        let path = f.path.as_deref()?;
        self.by_path
            .get(path)?
            .iter()
            .map(|&i| &self.ignores[i])
            .find(|ig| ig.covers(check, f))
    }

    /// Take the waived failures of `result` into its `waived` list, and add
    /// a finding for every inline ignore of this check that gives no reason.
    /// Skipped checks and checks that could not run are left as they are.
    pub fn apply(&self, result: &mut CheckResult, meta: &CheckMeta) {
        if !matches!(result.status, Status::Pass | Status::Fail) {
            return;
        }
        let id = result.id.clone();
        let had_findings = !result.findings.is_empty();
        if result.status == Status::Fail {
            if result.findings.is_empty() {
                // A failure of the check as a whole: only a waiver without
                // paths covers it.
                if let Some(w) = self.active.iter().find(|w| w.covers(&id, None)) {
                    result
                        .waived
                        .push(w.waived(Finding::new(result.message.clone())));
                }
            } else {
                let mut kept = Vec::new();
                for f in std::mem::take(&mut result.findings) {
                    if let Some(ig) = self.inline_for(&id, &f) {
                        ig.used.fetch_add(1, Ordering::Relaxed);
                        result.waived.push(Waived {
                            finding: f,
                            reason: ig.reason.clone().unwrap_or_default(),
                            owner: None,
                            expires: None,
                            waiver: ig.at(),
                        });
                    } else if let Some(w) = self
                        .active
                        .iter()
                        .find(|w| w.covers(&id, f.path.as_deref()))
                    {
                        result.waived.push(w.waived(f));
                    } else {
                        kept.push(f);
                    }
                }
                result.findings = kept;
            }
            if result.findings.is_empty() && !result.waived.is_empty() {
                let n = result.waived.len();
                let what = if had_findings {
                    format!("{n} finding{}", if n == 1 { "" } else { "s" })
                } else {
                    "the check's failure".to_string()
                };
                result.status = Status::Pass;
                result.message = format!(
                    "passes: every failure waived ({what}) — {}",
                    shorten(&result.message, 200)
                );
                result.fix = None;
            }
        }
        let reasonless: Vec<Finding> = self
            .ignores
            .iter()
            .filter(|ig| ig.reason.is_none() && ig.filter.matches(&id))
            .map(|ig| {
                Finding::new(format!(
                    "`{MARKER} {}` gives no reason: add why the finding is accepted",
                    ig.ids.join(",")
                ))
                .at(ig.path.clone(), Some(ig.line))
                .rule(MARKER)
            })
            .collect();
        if !reasonless.is_empty() {
            if result.status == Status::Pass {
                result.status = Status::Fail;
                result.message = format!(
                    "{} inline ignore{} without a reason",
                    reasonless.len(),
                    if reasonless.len() == 1 { "" } else { "s" }
                );
                result.fix = Some(Fix {
                    hint: format!(
                        "write the reason after the check id: `# {MARKER} {} why it is accepted`",
                        meta.id
                    ),
                    scaffold: None,
                });
            }
            result.findings.extend(reasonless);
        }
    }

    /// Expired waivers, and waivers and inline ignores that matched nothing
    /// although a check they name ran (pass or fail) in `results`.
    pub fn notes(&self, results: &[CheckResult]) -> WaiverNotes {
        let ran = |filter: &IdFilter| {
            results
                .iter()
                .any(|r| matches!(r.status, Status::Pass | Status::Fail) && filter.matches(&r.id))
        };
        let mut notes = WaiverNotes {
            expired: self.expired.iter().map(Waiver::note).collect(),
            stale: Vec::new(),
        };
        for w in &self.active {
            if w.used.load(Ordering::Relaxed) == 0 && ran(&w.filter) {
                notes.stale.push(w.note());
            }
        }
        for ig in &self.ignores {
            let unused = ig.reason.is_some() && ig.used.load(Ordering::Relaxed) == 0;
            if !ig.known || (unused && ran(&ig.filter)) {
                notes.stale.push(ig.note());
            }
        }
        notes
    }
}

/// `s` cut to at most `max` characters, with an ellipsis when cut.
fn shorten(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let mut out: String = s.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        assert!(Date::parse("2027-03-31").is_some());
        assert!(Date::parse("2028-02-29").is_some());
        assert!(Date::parse("2027-02-29").is_none());
        assert!(Date::parse("2027-13-01").is_none());
        assert!(Date::parse("2027-3-31").is_none());
        assert!(Date::parse("31/03/2027").is_none());
        assert_eq!(Date::parse("2027-03-31").unwrap().to_string(), "2027-03-31");
        assert!(Date::parse("2000-01-01").unwrap() < Date::today());
    }

    #[test]
    fn comment_openers() {
        assert_eq!(Syntax::Hash.opens("replicas: 1  #"), Some("replicas: 1  "));
        assert_eq!(Syntax::Hash.opens("replicas: 1 //"), None);
        assert_eq!(Syntax::Hcl.opens("  /*"), Some("  "));
        assert_eq!(Syntax::Hcl.opens("x = 1 //"), Some("x = 1 "));
        assert_eq!(Syntax::Html.opens("<!--"), Some(""));
        assert_eq!(Syntax::Html.opens("#"), None);
        assert!(looks_like_id("terraform.*"));
        assert!(!looks_like_id("ID"));
    }
}
