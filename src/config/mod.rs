//! `readyctl.yaml` (SPEC §8): every key typed, unknown keys rejected with
//! their file:line:column.

pub mod schema;

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use schemars::JsonSchema;
use serde::{Deserialize, Deserializer};
use serde_saphyr::Spanned;

use crate::findings::Severity;
use crate::views::yaml::{self, YamlError};

/// Names the config file is found under at the root, in order.
pub const CONFIG_NAMES: &[&str] = &["readyctl.yaml", "readyctl.yml", ".readyctl.yaml"];
pub const DEFAULT_CHECKLIST: &str = "deployment-readiness.md";

/// The whole configuration file.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(
    title = "readyctl.yaml",
    description = "Configuration of readyctl, the deployment-readiness gate."
)]
pub struct Config {
    /// Format version; only `1` exists.
    #[serde(default)]
    #[schemars(with = "Option<u32>")]
    pub version: Option<Spanned<u32>>,
    /// Path of the readiness checklist, relative to the root.
    #[serde(default)]
    pub checklist: Option<String>,
    #[serde(default)]
    pub checks: ChecksConfig,
    #[serde(default)]
    pub secrets: SecretsConfig,
    #[serde(default)]
    pub health: HealthConfig,
    /// Accepted failures, each with a reason, an owner and an expiry date
    /// (SPEC §10).
    #[serde(default)]
    #[schemars(with = "Vec<crate::findings::waivers::WaiverConfig>")]
    pub waivers: Vec<Spanned<crate::findings::waivers::WaiverConfig>>,
    /// Readiness levels, lowest first; replaces the built-in bronze, silver
    /// and gold (SPEC §11, `readyctl list --levels`).
    #[serde(default)]
    #[schemars(with = "Option<Vec<crate::findings::levels::LevelConfig>>")]
    pub levels: Option<Spanned<Vec<crate::findings::levels::LevelConfig>>>,
    #[serde(default)]
    pub paths: PathsConfig,
    #[serde(default)]
    pub resilience: ResilienceConfig,
    /// Services of a monorepo (SPEC §12b): repository-wide checks (`ci.*`,
    /// `secrets.*`) run once, every other check once per service.
    #[serde(default)]
    #[schemars(with = "Vec<ServiceDecl>")]
    pub services: Vec<Spanned<ServiceDecl>>,
}

/// One entry of `services`.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ServiceDecl {
    /// The service's name, as `--service` and the reports name it.
    pub name: String,
    /// Its directory, relative to the root; a `readyctl.yaml` there is
    /// merged over the root's.
    pub path: String,
}

/// Targets for the `resilience.*` checks.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ResilienceConfig {
    /// The longest acceptable datastore failover, detection included (default 10s).
    #[serde(default)]
    #[schemars(with = "Option<DurationValue>")]
    pub failover_target: Option<Spanned<DurationValue>>,
    /// Fewest days automated backups must be kept (default 7).
    #[serde(default)]
    #[schemars(with = "Option<u32>", range(min = 1))]
    pub min_backup_days: Option<Spanned<u32>>,
}

impl ResilienceConfig {
    pub const DEFAULT_FAILOVER_TARGET: Duration = Duration::from_secs(10);
    pub const DEFAULT_MIN_BACKUP_DAYS: u32 = 7;

    pub fn failover_target(&self) -> Duration {
        self.failover_target
            .as_ref()
            .map(|d| d.value.0)
            .unwrap_or(Self::DEFAULT_FAILOVER_TARGET)
    }

    pub fn min_backup_days(&self) -> u32 {
        self.min_backup_days
            .as_ref()
            .map(|d| d.value)
            .unwrap_or(Self::DEFAULT_MIN_BACKUP_DAYS)
    }
}

/// What is the product and what is not (SPEC §9). Each list adds globs to the
/// built-in defaults; a `!glob` takes a default back (e.g. `"!examples/**"`
/// makes the examples product). A glob matches a file or any of its parent
/// directories.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PathsConfig {
    /// Someone else's code (default: `vendor/`, `third_party/`, `node_modules/` …).
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub vendored: Vec<Spanned<String>>,
    /// Tests and their data (default: `testdata/`, `fixtures/`, `test/`, `tests/` …).
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub test_data: Vec<Spanned<String>>,
    /// Examples (default: `examples/`, `samples/`, `*.example`).
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub examples: Vec<Spanned<String>>,
    /// Generated files (default: those whose header says so, such as `Code generated … DO NOT EDIT`).
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub generated: Vec<Spanned<String>>,
}

/// Which checks run, and how severe their failures are.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ChecksConfig {
    /// Check ids (or globs such as `terraform.*`) that do not apply to this repository.
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub skip: Vec<Spanned<String>>,
    /// Severity overrides by check id.
    #[serde(default)]
    #[schemars(with = "BTreeMap<String, Severity>")]
    pub severity: BTreeMap<String, Spanned<Severity>>,
    /// Extra folders of declarative checks (`*.yaml`), relative to the root.
    #[serde(default)]
    pub paths: Vec<String>,
}

/// The secret scanner.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SecretsConfig {
    /// Globs of paths whose secret findings are accepted (test data, fixtures).
    #[serde(default)]
    pub allow_paths: Vec<String>,
    /// The baseline file of accepted findings (default `.readyctl-baseline.json`).
    #[serde(default)]
    pub baseline: Option<String>,
}

/// Health endpoints and how they are probed.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct HealthConfig {
    /// Per-request timeout (default 5s).
    #[serde(default)]
    pub timeout: Option<DurationValue>,
    /// Retries after a failed attempt (default 2, at most 10).
    #[serde(default, deserialize_with = "retries_in_range")]
    #[schemars(range(min = 0, max = 10))]
    pub retries: Option<u32>,
    /// Endpoints probed at once (default 32, 1 to 256).
    #[serde(default, deserialize_with = "concurrency_in_range")]
    #[schemars(range(min = 1, max = 256))]
    pub concurrency: Option<usize>,
    /// Upper bound for the whole check (default 60s).
    #[serde(default)]
    pub deadline: Option<DurationValue>,
    #[serde(default)]
    #[schemars(with = "Vec<Endpoint>")]
    pub endpoints: Vec<Spanned<Endpoint>>,
}

/// The most retries a probe makes: more only delays the verdict.
pub const MAX_RETRIES: u64 = 10;
/// The most endpoints probed at once.
pub const MAX_CONCURRENCY: u64 = 256;
/// The longest duration any setting takes.
pub const MAX_DURATION: Duration = Duration::from_secs(24 * 3600);

fn bounded<'de, D: Deserializer<'de>>(
    d: D,
    min: u64,
    max: u64,
    what: &str,
) -> Result<Option<u64>, D::Error> {
    let n = u64::deserialize(d)?;
    if n < min || n > max {
        return Err(serde::de::Error::custom(format!(
            "{what} must be between {min} and {max}, not {n}"
        )));
    }
    Ok(Some(n))
}

fn retries_in_range<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u32>, D::Error> {
    Ok(bounded(d, 0, MAX_RETRIES, "retries")?.map(|n| n as u32))
}

fn concurrency_in_range<'de, D: Deserializer<'de>>(d: D) -> Result<Option<usize>, D::Error> {
    Ok(bounded(d, 1, MAX_CONCURRENCY, "concurrency")?.map(|n| n as usize))
}

/// One endpoint of `health.endpoints`.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Endpoint {
    pub name: String,
    pub url: String,
    /// HTTP method (default GET).
    #[serde(default)]
    pub method: Option<String>,
    /// A status code, a list of codes, or a class such as `2xx` (default `2xx`).
    #[serde(default)]
    pub expect_status: Option<ExpectStatus>,
    #[serde(default)]
    pub max_latency: Option<DurationValue>,
    #[serde(default)]
    pub body_contains: Option<String>,
    /// Request headers; `${VAR}` is replaced from the environment.
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
    /// For HTTPS: fail when the certificate expires in fewer days.
    #[serde(default)]
    pub min_cert_days: Option<u32>,
    /// For HTTPS: a PEM file of extra CA certificates to trust for this
    /// endpoint (a private CA), relative to the repository root. The system
    /// roots (and `SSL_CERT_FILE` / `SSL_CERT_DIR`) are trusted as well.
    #[serde(default)]
    pub ca_cert: Option<String>,
}

/// `expect_status`: `200`, `[200, 204]`, or `"2xx"`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum ExpectStatus {
    Code(u16),
    Codes(Vec<u16>),
    Class(String),
}

/// A duration written `500ms`, `5s`, `2m` or `1h` (a bare number is seconds).
#[derive(Debug, Clone, Copy, PartialEq, Eq, JsonSchema)]
#[schemars(with = "String")]
pub struct DurationValue(pub Duration);

impl<'de> Deserialize<'de> for DurationValue {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Num(f64),
            Text(String),
        }
        let too_long = |_| serde::de::Error::custom("duration too long (at most 24h)".to_string());
        match Raw::deserialize(d)? {
            Raw::Num(n) if n >= 0.0 && n.is_finite() => Duration::try_from_secs_f64(n)
                .ok()
                .filter(|d| *d <= MAX_DURATION)
                .map(DurationValue)
                .ok_or(())
                .map_err(too_long),
            Raw::Num(n) => Err(serde::de::Error::custom(format!("invalid duration {n}"))),
            Raw::Text(s) => match parse_duration(&s) {
                Some(d) if d <= MAX_DURATION => Ok(DurationValue(d)),
                Some(_) => Err(too_long(())),
                None => Err(serde::de::Error::custom(format!(
                    "invalid duration `{}` (use e.g. 500ms, 5s, 2m)",
                    crate::repo::text::clip(&s, 40)
                ))),
            },
        }
    }
}

/// Parse `500ms`, `5s`, `1.5s`, `2m`, `1h`.
pub fn parse_duration(s: &str) -> Option<Duration> {
    let s = s.trim();
    let split = s.find(|c: char| !(c.is_ascii_digit() || c == '.'))?;
    let (num, unit) = s.split_at(split);
    let n: f64 = num.parse().ok()?;
    let secs = match unit.trim() {
        "ms" => n / 1000.0,
        "s" => n,
        "m" => n * 60.0,
        "h" => n * 3600.0,
        _ => return None,
    };
    if !(secs.is_finite() && secs >= 0.0) {
        return None;
    }
    Duration::try_from_secs_f64(secs).ok()
}

/// A config error at file:line:column; exit code 2.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    pub file: String,
    pub line: Option<u32>,
    pub column: Option<u32>,
    pub message: String,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.line, self.column) {
            (Some(l), Some(c)) => write!(f, "{}:{l}:{c}: {}", self.file, self.message),
            (Some(l), None) => write!(f, "{}:{l}: {}", self.file, self.message),
            _ => write!(f, "{}: {}", self.file, self.message),
        }
    }
}

impl std::error::Error for ConfigError {}

impl ConfigError {
    pub fn at<T>(file: &str, spanned: &Spanned<T>, message: impl Into<String>) -> Self {
        let loc = spanned.referenced;
        ConfigError {
            file: file.to_string(),
            line: (loc.line() > 0).then(|| loc.line() as u32),
            column: (loc.line() > 0).then(|| loc.column() as u32),
            message: message.into(),
        }
    }

    fn from_yaml(file: &str, e: YamlError) -> Self {
        ConfigError {
            file: file.to_string(),
            line: e.line,
            column: e.column,
            message: e.message,
        }
    }
}

/// A loaded configuration and where it came from.
#[derive(Debug, Default)]
pub struct LoadedConfig {
    pub config: Config,
    /// The file it was read from, as shown to users (None: defaults).
    pub file: Option<String>,
    pub path: Option<PathBuf>,
}

impl LoadedConfig {
    /// The checklist path, relative to the root.
    pub fn checklist(&self) -> &str {
        self.config
            .checklist
            .as_deref()
            .unwrap_or(DEFAULT_CHECKLIST)
    }

    /// The file name shown in config errors.
    pub fn file_name(&self) -> &str {
        self.file.as_deref().unwrap_or("readyctl.yaml")
    }
}

/// Load `explicit` if given, else the first of [`CONFIG_NAMES`] under `root`,
/// else the defaults.
pub fn load(root: &Path, explicit: Option<&Path>) -> Result<LoadedConfig, ConfigError> {
    let (path, shown) = match explicit {
        Some(p) => (p.to_path_buf(), p.display().to_string()),
        None => match CONFIG_NAMES
            .iter()
            .map(|n| root.join(n))
            // A FIFO or device there is found too, and refused when read.
            .find(|p| std::fs::metadata(p).is_ok_and(|m| !m.is_dir()))
        {
            Some(p) => {
                let shown = p
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default();
                // A readyctl.yaml found in the repository is read only when it
                // is inside it (a symlink to /etc/... is not followed out).
                let inside = match (std::fs::canonicalize(&p), std::fs::canonicalize(root)) {
                    (Ok(f), Ok(r)) => f.starts_with(r),
                    _ => false,
                };
                if !inside {
                    return Err(ConfigError {
                        file: shown,
                        line: None,
                        column: None,
                        message: "leads outside the repository (a symbolic link); not read".into(),
                    });
                }
                (p, shown)
            }
            None => return Ok(LoadedConfig::default()),
        },
    };
    let bytes = crate::repo::safe_fs::read_regular(&path, crate::repo::safe_fs::MAX_BYTES)
        .map_err(|e| ConfigError {
            file: shown.clone(),
            line: None,
            column: None,
            message: format!("cannot read: {e}"),
        })?;
    let text = String::from_utf8(bytes).map_err(|_| ConfigError {
        file: shown.clone(),
        line: None,
        column: None,
        message: "not valid UTF-8".into(),
    })?;
    let config = parse(&shown, &text)?;
    Ok(LoadedConfig {
        config,
        file: Some(shown),
        path: Some(path),
    })
}

/// Is `path` relative and free of `..`, so that it stays inside the root?
pub fn stays_inside(path: &str) -> bool {
    let p = Path::new(path);
    !path.is_empty()
        && p.components().all(|c| {
            matches!(
                c,
                std::path::Component::Normal(_) | std::path::Component::CurDir
            )
        })
}

/// Paths the configuration names are read or written under the root only:
/// relative, without `..` (SPEC: nothing is read or written outside the root).
fn check_paths(file: &str, config: &Config) -> Result<(), ConfigError> {
    let outside = |key: &str, value: &str| ConfigError {
        file: file.to_string(),
        line: None,
        column: None,
        message: format!(
            "{key}: `{}` leads outside the repository (use a relative path without `..`)",
            crate::repo::text::clip(value, 80)
        ),
    };
    if let Some(b) = &config.secrets.baseline
        && !stays_inside(b)
    {
        return Err(outside("secrets.baseline", b));
    }
    if let Some(c) = &config.checklist
        && !stays_inside(c)
    {
        return Err(outside("checklist", c));
    }
    for p in &config.checks.paths {
        if !stays_inside(p) {
            return Err(outside("checks.paths", p));
        }
    }
    for e in &config.health.endpoints {
        if let Some(ca) = &e.value.ca_cert
            && !stays_inside(ca)
        {
            return Err(ConfigError::at(
                file,
                e,
                format!(
                    "health.endpoints: {}: ca_cert `{}` leads outside the repository (use a relative path without `..`)",
                    crate::repo::text::clip(&e.value.name, 40),
                    crate::repo::text::clip(ca, 80)
                ),
            ));
        }
    }
    Ok(())
}

/// Parse config text; `file` is used in error messages.
pub fn parse(file: &str, text: &str) -> Result<Config, ConfigError> {
    if text.trim().is_empty() {
        return Ok(Config::default());
    }
    let config: Config = yaml::from_str(text).map_err(|e| ConfigError::from_yaml(file, e))?;
    if let Some(v) = &config.version
        && v.value != 1
    {
        return Err(ConfigError::at(
            file,
            v,
            format!(
                "unsupported version {} (this readyctl reads version 1)",
                v.value
            ),
        ));
    }
    if let Some(t) = &config.resilience.failover_target
        && t.value.0.is_zero()
    {
        return Err(ConfigError::at(
            file,
            t,
            "resilience.failover_target must be longer than 0s",
        ));
    }
    if let Some(d) = &config.resilience.min_backup_days
        && d.value == 0
    {
        return Err(ConfigError::at(
            file,
            d,
            "resilience.min_backup_days must be at least 1 (skip resilience.backups to drop the check)",
        ));
    }
    check_paths(file, &config)?;
    check_allow_paths(file, text)?;
    Ok(config)
}

/// `secrets.allow_paths` with positions (the field itself is plain strings).
#[derive(Deserialize, Default)]
struct AllowPathSpans {
    #[serde(default)]
    secrets: AllowPathSecrets,
}

#[derive(Deserialize, Default)]
struct AllowPathSecrets {
    #[serde(default)]
    allow_paths: Vec<Spanned<String>>,
}

/// Every `secrets.allow_paths` glob compiles, at its line and column.
fn check_allow_paths(file: &str, text: &str) -> Result<(), ConfigError> {
    let spans: AllowPathSpans = yaml::from_str(text).unwrap_or_default();
    for g in &spans.secrets.allow_paths {
        if crate::repo::text::brace_depth(&g.value) > crate::repo::text::MAX_GLOB_BRACES {
            return Err(ConfigError::at(
                file,
                g,
                format!(
                    "secrets.allow_paths: a glob nests `{{…}}` deeper than {} levels",
                    crate::repo::text::MAX_GLOB_BRACES
                ),
            ));
        }
        if let Err(e) = crate::repo::index::glob(&g.value) {
            return Err(ConfigError::at(
                file,
                g,
                format!("secrets.allow_paths: invalid glob: {}", e.kind()),
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(parse_duration("500ms"), Some(Duration::from_millis(500)));
        assert_eq!(parse_duration("5s"), Some(Duration::from_secs(5)));
        assert_eq!(parse_duration("2m"), Some(Duration::from_secs(120)));
        assert_eq!(parse_duration("5 parsecs"), None);
        assert_eq!(parse_duration("99999999999999999999h"), None);
        assert_eq!(parse_duration("s"), None);
    }

    #[test]
    fn unknown_key_names_its_line() {
        let err = parse("readyctl.yaml", "version: 1\nchecks:\n  skp: [a]\n").unwrap_err();
        assert_eq!(err.line, Some(3), "{err}");
        assert!(err.message.contains("skp"), "{err}");
    }

    #[test]
    fn out_of_range_values_name_their_line() {
        for (text, line) in [
            ("version: 1\nhealth:\n  timeout: 1e20\n", 3),
            ("version: 1\nhealth:\n  timeout: 99999999999999999999h\n", 3),
            ("version: 1\nhealth:\n  retries: 4294967295\n", 3),
            (
                "version: 1\nhealth:\n  concurrency: 18446744073709551615\n",
                3,
            ),
            ("version: 1\nhealth:\n  concurrency: 0\n", 3),
        ] {
            let err = parse("readyctl.yaml", text).unwrap_err();
            assert_eq!(err.line, Some(line), "{text}: {err}");
        }
    }

    #[test]
    fn wrong_type_names_its_line() {
        let err = parse("readyctl.yaml", "version: 1\nhealth:\n  retries: lots\n").unwrap_err();
        assert_eq!(err.line, Some(3), "{err}");
    }

    #[test]
    fn full_example_parses() {
        let text = r#"version: 1
checklist: deployment-readiness.md
checks:
  skip: ["terraform.remote-state"]
  severity: {"ci.actions-pinned": error}
secrets:
  allow_paths: ["testdata/**"]
  baseline: .readyctl-baseline.json
health:
  timeout: 5s
  retries: 2
  concurrency: 32
  endpoints:
    - name: api
      url: https://api.example.com/healthz
      expect_status: 200
      max_latency: 500ms
      body_contains: ok
      headers: {Authorization: "Bearer ${HEALTH_TOKEN}"}
      min_cert_days: 14
"#;
        let c = parse("readyctl.yaml", text).unwrap();
        assert_eq!(c.checks.skip[0].value, "terraform.remote-state");
        assert_eq!(c.checks.skip[0].referenced.line(), 4);
        assert_eq!(
            c.checks.severity["ci.actions-pinned"].value,
            Severity::Error
        );
        assert_eq!(
            c.health.endpoints[0].value.expect_status,
            Some(ExpectStatus::Code(200))
        );
        assert_eq!(c.health.endpoints[0].referenced.line(), 14);
    }
}
