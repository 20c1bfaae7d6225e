//! The declarative check format: one check per YAML document.
//!
//! These types are the format's definition: `docs/check.schema.json` is
//! generated from them (see [`schema_json`]) and `docs/custom-checks.md`
//! documents them.

use schemars::JsonSchema;
use serde::Deserialize;
use serde_saphyr::Spanned;

use crate::config::Endpoint;
use crate::findings::Severity;

/// A declarative check.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(
    title = "readyctl declarative check",
    description = "A check readyctl loads from `.readyctl/checks/*.yaml` (or a folder in \
                   readyctl.yaml `checks.paths`). One check per YAML document."
)]
pub struct CheckDef {
    /// `area.name`, lower case: letters, digits, `-` and `_`, e.g. `myteam.security-md`.
    #[schemars(
        with = "String",
        regex(pattern = r"^[a-z][a-z0-9_-]*\.[a-z0-9][a-z0-9_-]*$")
    )]
    pub id: Spanned<String>,
    /// One line, shown by `readyctl list` and in reports.
    #[schemars(with = "String")]
    pub title: Spanned<String>,
    /// Default severity of a failure; readyctl.yaml `checks.severity` may change it.
    pub severity: Severity,
    /// The documentation `readyctl explain` prints; all four sections are required.
    pub explain: ExplainDef,
    /// How to make the check pass.
    #[serde(default)]
    pub fix: Option<FixDef>,
    /// What the check verifies.
    #[schemars(with = "Rule")]
    pub rule: Spanned<Rule>,
    /// When this rule passes, the check does not apply: it reports `skip`
    /// with `message` (e.g. Terraform checks in a repository whose
    /// infrastructure is CloudFormation).
    #[serde(default)]
    pub skip_if: Option<SkipIf>,
}

/// `skip_if`: a rule and the reason shown when it passes.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SkipIf {
    #[schemars(with = "Rule")]
    pub rule: Spanned<Rule>,
    /// Why the check does not apply, shown as the skip message.
    pub message: String,
}

/// The four sections of `readyctl explain` (Markdown allowed).
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ExplainDef {
    /// What it checks.
    #[schemars(with = "String")]
    pub what: Spanned<String>,
    /// Why it matters.
    #[schemars(with = "String")]
    pub why: Spanned<String>,
    /// How to fix.
    #[schemars(with = "String")]
    pub fix: Spanned<String>,
    /// An example that passes.
    #[schemars(with = "String")]
    pub example: Spanned<String>,
}

/// The fix shown with a failure.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FixDef {
    /// One line: how to make the check pass.
    #[serde(default)]
    pub hint: Option<String>,
    /// A template under `.readyctl/scaffolds/` (path relative to that folder), or a
    /// built-in `readyctl scaffold` kind such as `runbook`.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub scaffold: Option<Spanned<String>>,
}

/// A rule: exactly one kind, or a combination of rules.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum Rule {
    /// Passes when every rule passes.
    #[schemars(with = "Vec<Rule>")]
    All(Vec<Spanned<Rule>>),
    /// Passes when at least one rule passes.
    #[schemars(with = "Vec<Rule>")]
    Any(Vec<Spanned<Rule>>),
    /// Passes when the rule fails.
    #[schemars(with = "Rule")]
    Not(Box<Spanned<Rule>>),
    /// Passes when at least one file matches.
    FileExists(FileSet),
    /// Passes when no file matches; a finding per matching file.
    FileAbsent(FileSet),
    /// Passes when every matching file contains the regex; a finding per file that lacks it.
    FileContains(TextRule),
    /// Passes when no matching file contains the regex; a finding per matching line.
    FileLacks(TextRule),
    /// Passes when some matching Markdown file has a section whose heading matches,
    /// with at least `min_steps` steps (list items or code blocks) under it.
    MarkdownSection(MarkdownRule),
    /// A path in YAML files must exist, be absent, equal or match a value.
    YamlPath(YamlPathRule),
    /// A block of HCL (Terraform) files, or an attribute of it, must exist, be absent,
    /// equal or match a value.
    Hcl(HclRule),
    /// An HTTP endpoint answers as expected (like `health.reachable`); skipped with `--offline`.
    Http(Endpoint),
}

/// A set of files: globs over paths relative to the root (`*` does not cross `/`,
/// `**` does; case-insensitive).
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FileSet {
    /// Globs of files to look at.
    #[schemars(with = "Vec<String>")]
    pub files: Vec<Spanned<String>>,
    /// Globs of files to leave out.
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub exclude: Vec<Spanned<String>>,
}

/// `file_contains` / `file_lacks`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TextRule {
    /// Globs of files to look at.
    #[schemars(with = "Vec<String>")]
    pub files: Vec<Spanned<String>>,
    /// Globs of files to leave out.
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub exclude: Vec<Spanned<String>>,
    /// A regular expression (Rust `regex` syntax), searched line by line; `(?i)` for
    /// case-insensitive.
    #[schemars(with = "String")]
    pub regex: Spanned<String>,
    /// `file_contains` only: pass when no file matches `files` (default: fail).
    #[serde(default)]
    pub allow_none: bool,
}

/// `markdown_section`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MarkdownRule {
    /// Globs of Markdown files (default `**/*.md`).
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub files: Vec<Spanned<String>>,
    /// Globs of files to leave out.
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub exclude: Vec<Spanned<String>>,
    /// A regular expression the heading's text must match (case-insensitive).
    #[schemars(with = "String")]
    pub heading: Spanned<String>,
    /// Steps (list items or code blocks) required under the heading (default 1).
    #[serde(default = "one")]
    pub min_steps: usize,
}

fn one() -> usize {
    1
}

/// `yaml_path`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct YamlPathRule {
    /// Globs of YAML files.
    #[schemars(with = "Vec<String>")]
    pub files: Vec<Spanned<String>>,
    /// Globs of files to leave out.
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub exclude: Vec<Spanned<String>>,
    /// A path such as `spec.template.spec.containers[*].resources.limits`: keys joined
    /// by `.`, `[N]` for an item, `[*]` or `*` for every item or key, `["a.b"]` for a
    /// key holding dots.
    #[schemars(with = "String")]
    pub path: Spanned<String>,
    /// `true` (default): the path must exist; `false`: it must not.
    #[serde(default)]
    pub exists: Option<bool>,
    /// The value at the path must equal this scalar.
    #[serde(default)]
    #[schemars(with = "Option<serde_json::Value>")]
    pub equals: Option<Scalar>,
    /// The value at the path must match this regular expression.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub matches: Option<Spanned<String>>,
    /// Pass when nothing is there to check (no file, or no document reaches the
    /// path's last wildcard); default: fail.
    #[serde(default)]
    pub allow_none: bool,
}

/// `hcl`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct HclRule {
    /// Globs of HCL files (default `**/*.tf`, outside `.terraform/`).
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub files: Vec<Spanned<String>>,
    /// Globs of files to leave out.
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub exclude: Vec<Spanned<String>>,
    /// Block type, e.g. `resource`, `terraform`, `provider`; nested blocks as
    /// `terraform.backend`.
    #[schemars(with = "String")]
    pub block: Spanned<String>,
    /// Labels the block must have, in order; `*` matches any label. Fewer labels
    /// than the block has match a prefix.
    #[serde(default)]
    pub labels: Vec<String>,
    /// An attribute of the block (nested blocks as `lifecycle.prevent_destroy`).
    /// Without it the rule is about the block itself.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub attribute: Option<Spanned<String>>,
    /// `true` (default): the attribute (or the block) must exist; `false`: it must not.
    #[serde(default)]
    pub exists: Option<bool>,
    /// The attribute must equal this value (strings compare unquoted; other
    /// expressions by their HCL text).
    #[serde(default)]
    #[schemars(with = "Option<serde_json::Value>")]
    pub equals: Option<Scalar>,
    /// The attribute's value (as in `equals`) must match this regular expression.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub matches: Option<Spanned<String>>,
    /// With `attribute`: pass when no block matches (default: fail).
    #[serde(default)]
    pub allow_none: bool,
}

/// A YAML scalar compared by its text: `true`, `3`, `"abc"`.
#[derive(Debug, Clone, PartialEq)]
pub struct Scalar(pub String);

impl<'de> Deserialize<'de> for Scalar {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = Scalar;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a scalar (string, number or boolean)")
            }
            fn visit_bool<E>(self, v: bool) -> Result<Scalar, E> {
                Ok(Scalar(v.to_string()))
            }
            fn visit_i64<E>(self, v: i64) -> Result<Scalar, E> {
                Ok(Scalar(v.to_string()))
            }
            fn visit_u64<E>(self, v: u64) -> Result<Scalar, E> {
                Ok(Scalar(v.to_string()))
            }
            fn visit_f64<E>(self, v: f64) -> Result<Scalar, E> {
                Ok(Scalar(v.to_string()))
            }
            fn visit_str<E>(self, v: &str) -> Result<Scalar, E> {
                Ok(Scalar(v.to_string()))
            }
            fn visit_unit<E>(self) -> Result<Scalar, E> {
                Ok(Scalar("null".into()))
            }
        }
        d.deserialize_any(V)
    }
}

/// The JSON Schema of a declarative check, as committed in `docs/check.schema.json`.
pub fn schema_json() -> String {
    let schema = schemars::schema_for!(CheckDef);
    let mut s = serde_json::to_string_pretty(&schema).unwrap_or_default();
    s.push('\n');
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `docs/check.schema.json` is generated from these types; regenerate with
    /// `UPDATE_SCHEMA=1 cargo test --lib declarative::format`.
    #[test]
    fn committed_schema_is_current() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/check.schema.json");
        let current = schema_json();
        if std::env::var_os("UPDATE_SCHEMA").is_some() {
            std::fs::write(&path, &current).unwrap();
        }
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            committed == current,
            "docs/check.schema.json is stale: run `UPDATE_SCHEMA=1 cargo test --lib declarative::format`"
        );
    }

    #[test]
    fn parses_with_positions() {
        let text = "id: a.b\ntitle: T\nseverity: warning\nexplain: {what: w, why: y, fix: f, example: e}\nrule:\n  all:\n    - file_exists: {files: [\"x\"]}\n    - not:\n        file_absent: {files: [\"y\"]}\n";
        let def: CheckDef = crate::views::yaml::from_str(text).unwrap();
        assert_eq!(def.id.referenced.line(), 1);
        let Rule::All(items) = &def.rule.value else {
            panic!("{:?}", def.rule.value)
        };
        assert_eq!(items[0].referenced.line(), 7);
        let Rule::FileExists(set) = &items[0].value else {
            panic!()
        };
        assert_eq!(set.files[0].referenced.line(), 7);
    }

    #[test]
    fn unknown_key_has_a_line() {
        let text = "id: a.b\ntitle: T\nseverity: warning\nexplain: {what: w, why: y, fix: f, example: e}\nrule:\n  file_exists: {files: [x], exlude: [y]}\n";
        let err = crate::views::yaml::from_str::<CheckDef>(text).unwrap_err();
        assert_eq!(err.line, Some(6), "{err}");
    }
}
