//! The secret-detection rules: data in `checks/secrets/rules.yaml`, compiled
//! into the binary and parsed (once, lazily) when a secrets check runs.

use std::sync::OnceLock;

use globset::GlobSet;
use regex::bytes::{Regex, RegexBuilder};
use serde::Deserialize;

use super::keywords::Keywords;

/// The rule file, compiled in.
pub const RULES_YAML: &str = include_str!("../../../checks/secrets/rules.yaml");
/// How the rule file is named in errors.
pub const RULES_FILE: &str = "checks/secrets/rules.yaml";

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleFile {
    #[serde(default)]
    allow: AllowSpec,
    rules: Vec<RuleSpec>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct AllowSpec {
    #[serde(default)]
    stopwords: Vec<String>,
    #[serde(default)]
    regexes: Vec<String>,
    #[serde(default)]
    paths: Vec<String>,
    /// Regexes matched against the setting's name (the regex group `name`):
    /// a match means the value is not a secret (`secret_name: app-db-2`).
    #[serde(default)]
    names: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleSpec {
    id: String,
    description: String,
    regex: String,
    keywords: Vec<String>,
    #[serde(default)]
    entropy: Option<f64>,
    /// A checksum the token carries; when set it confirms the match
    /// instead of the entropy floor.
    #[serde(default)]
    checksum: Option<Checksum>,
    #[serde(default)]
    kind: Kind,
    #[serde(default)]
    allow: AllowSpec,
    /// When set, the rule runs only on files matching one of these globs.
    #[serde(default)]
    only_paths: Vec<String>,
    /// The secret may span lines (private keys): the regex runs over the
    /// whole file instead of the lines around keyword hits.
    #[serde(default)]
    multiline: bool,
    #[serde(default)]
    samples: Samples,
}

/// How a rule recognises a secret, which decides where it counts (SPEC §9):
/// a provider's own token format is reported in every file; the others only
/// in the product's files (not in test data, examples, vendored or
/// generated files, where test keys and example values live).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    /// The token names its provider by itself (prefix, structure, checksum).
    #[default]
    Provider,
    /// A value recognised only by a provider's name next to it.
    Context,
    /// A password or secret assignment of no particular provider.
    Generic,
    /// Key material (PEM, PPK, JWT): test suites hold many made-up ones.
    Key,
}

/// A checksum embedded in a provider's token format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Checksum {
    /// GitHub (`ghp_`, `gho_`, `ghu_`, `ghs_`, `ghr_`) and npm (`npm_`)
    /// tokens: after the `xxx_` prefix, 30 random base62 characters, then
    /// their CRC32 in base62, zero-padded to 6 characters.
    Base62Crc32,
}

impl Checksum {
    /// Does `secret` carry a valid checksum?
    pub fn verify(self, secret: &[u8]) -> bool {
        match self {
            Checksum::Base62Crc32 => {
                let Some(us) = memchr::memrchr(b'_', secret) else {
                    return false;
                };
                let body = &secret[us + 1..];
                if body.len() != 36 {
                    return false;
                }
                let (data, sum) = body.split_at(30);
                base62_crc32(data).as_bytes() == sum
            }
        }
    }
}

const BASE62: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// CRC32 of `data` in base62, zero-padded to 6 characters.
pub fn base62_crc32(data: &[u8]) -> String {
    let mut n = crc32fast::hash(data);
    let mut digits = [b'0'; 6];
    for d in digits.iter_mut().rev() {
        *d = BASE62[(n % 62) as usize];
        n /= 62;
    }
    String::from_utf8_lossy(&digits).into_owned()
}

/// A rule's own test samples.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Samples {
    /// Templates (`{N:CLASS}` expands to N random characters) that must be found.
    #[serde(default)]
    pub tp: Vec<String>,
    /// Texts that must not be found.
    #[serde(default)]
    pub fp: Vec<String>,
}

/// What a rule (or every rule) accepts.
#[derive(Debug, Default)]
pub struct Allow {
    /// Lower-case; a secret containing one is accepted.
    pub stopwords: Vec<String>,
    pub regexes: Vec<Regex>,
    pub paths: Option<GlobSet>,
    pub names: Vec<Regex>,
}

impl Allow {
    fn compile(spec: &AllowSpec, what: &str) -> Result<Allow, String> {
        let regexes = spec
            .regexes
            .iter()
            .map(|r| compile_regex(r).map_err(|e| format!("{what}: allow regex {r:?}: {e}")))
            .collect::<Result<Vec<_>, _>>()?;
        let paths = if spec.paths.is_empty() {
            None
        } else {
            let globs: Vec<&str> = spec.paths.iter().map(String::as_str).collect();
            Some(
                crate::repo::index::build_globset(&globs)
                    .map_err(|e| format!("{what}: allow path: {e}"))?,
            )
        };
        let names = spec
            .names
            .iter()
            .map(|r| compile_regex(r).map_err(|e| format!("{what}: allow name {r:?}: {e}")))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Allow {
            stopwords: spec.stopwords.iter().map(|s| s.to_lowercase()).collect(),
            regexes,
            paths,
            names,
        })
    }

    /// Does this allowlist accept `secret`?
    pub fn accepts(&self, secret: &[u8]) -> bool {
        if !self.stopwords.is_empty() {
            let lower = secret.to_ascii_lowercase();
            if self.stopwords.iter().any(|w| memmem(&lower, w.as_bytes())) {
                return true;
            }
        }
        self.regexes.iter().any(|r| r.is_match(secret))
    }

    /// Does this allowlist accept a value set under `name`?
    pub fn accepts_name(&self, name: &[u8]) -> bool {
        self.names.iter().any(|r| r.is_match(name))
    }

    pub fn accepts_path(&self, path: &str) -> bool {
        self.paths.as_ref().is_some_and(|g| g.is_match(path))
    }
}

fn memmem(hay: &[u8], needle: &[u8]) -> bool {
    needle.is_empty() || hay.windows(needle.len()).any(|w| w == needle)
}

/// One compiled rule.
#[derive(Debug)]
pub struct Rule {
    pub id: String,
    pub description: String,
    pub regex: Regex,
    /// Index of the capture group named `secret`, if any.
    pub secret_group: Option<usize>,
    /// Index of the capture group named `name` (the setting's name), if any.
    pub name_group: Option<usize>,
    pub entropy: Option<f64>,
    pub checksum: Option<Checksum>,
    pub kind: Kind,
    pub allow: Allow,
    /// When set, the rule runs only on matching paths.
    pub only_paths: Option<GlobSet>,
    /// Runs over the whole file rather than keyword windows.
    pub multiline: bool,
    pub samples: Samples,
}

impl Rule {
    fn compile(spec: RuleSpec) -> Result<Rule, String> {
        let regex = compile_regex(&spec.regex)
            .map_err(|e| format!("{RULES_FILE}: rule {}: {e}", spec.id))?;
        let secret_group = regex.capture_names().position(|n| n == Some("secret"));
        let name_group = regex.capture_names().position(|n| n == Some("name"));
        let only_paths = if spec.only_paths.is_empty() {
            None
        } else {
            let globs: Vec<&str> = spec.only_paths.iter().map(String::as_str).collect();
            Some(
                crate::repo::index::build_globset(&globs)
                    .map_err(|e| format!("{RULES_FILE}: rule {}: only_paths: {e}", spec.id))?,
            )
        };
        Ok(Rule {
            only_paths,
            multiline: spec.multiline,
            allow: Allow::compile(&spec.allow, &format!("rule {}", spec.id))?,
            id: spec.id,
            description: spec.description,
            regex,
            secret_group,
            name_group,
            entropy: spec.entropy,
            checksum: spec.checksum,
            kind: spec.kind,
            samples: spec.samples,
        })
    }
}

/// Every rule plus the keyword prefilter.
#[derive(Debug)]
pub struct Rules {
    pub rules: Vec<Rule>,
    pub allow: Allow,
    /// Case-insensitive keywords of every rule.
    pub(crate) keywords: Keywords,
    /// For each keyword pattern, the rules it enables.
    pub(crate) keyword_rules: Vec<Vec<usize>>,
}

/// Compile a rule regex: bytes, Unicode off (ASCII classes).
pub fn compile_regex(pattern: &str) -> Result<Regex, regex::Error> {
    RegexBuilder::new(pattern)
        .unicode(false)
        .size_limit(32 << 20)
        .build()
}

impl Rules {
    /// The built-in rules, parsed and compiled on first use.
    pub fn builtin() -> Result<&'static Rules, String> {
        static RULES: OnceLock<Result<Rules, String>> = OnceLock::new();
        RULES
            .get_or_init(|| Rules::parse(RULES_YAML))
            .as_ref()
            .map_err(Clone::clone)
    }

    /// Parse and compile a rule file.
    pub fn parse(text: &str) -> Result<Rules, String> {
        let file: RuleFile =
            crate::views::yaml::from_str(text).map_err(|e| e.in_file(RULES_FILE))?;
        let allow = Allow::compile(&file.allow, "allow")?;
        // Ids, keywords and the keyword table first (cheap, in order); then
        // the keyword DFA and the rules' regexes are compiled in parallel,
        // usually while the walk is still going (`Check::warm_up`).
        let mut patterns: Vec<String> = Vec::new();
        let mut keyword_rules: Vec<Vec<usize>> = Vec::new();
        let mut seen = std::collections::HashSet::new();
        for (i, spec) in file.rules.iter().enumerate() {
            if !seen.insert(spec.id.as_str()) {
                return Err(format!("{RULES_FILE}: rule {} is defined twice", spec.id));
            }
            if spec.keywords.is_empty() {
                return Err(format!("{RULES_FILE}: rule {} has no keywords", spec.id));
            }
            for kw in &spec.keywords {
                let kw = kw.to_ascii_lowercase();
                match patterns.iter().position(|p| *p == kw) {
                    Some(p) => keyword_rules[p].push(i),
                    None => {
                        patterns.push(kw);
                        keyword_rules.push(vec![i]);
                    }
                }
            }
        }
        // A DFA: the prefilter reads every byte of every file and blob, and
        // with several hundred keywords the default (an NFA following fail
        // links) was the scan's hottest loop. A few MB, built once.
        // On threads of its own, not rayon's: this runs inside a `OnceLock`
        // that the pool's workers may be waiting on (the check runs on
        // them), so work queued on the pool could never start.
        let threads = std::thread::available_parallelism().map_or(2, |n| n.get().min(8));
        let per = file.rules.len().div_ceil(threads).max(1);
        let mut specs = file.rules.into_iter();
        let batches: Vec<Vec<RuleSpec>> = std::iter::from_fn(|| {
            let batch: Vec<RuleSpec> = specs.by_ref().take(per).collect();
            (!batch.is_empty()).then_some(batch)
        })
        .collect();
        let (keywords, compiled) = std::thread::scope(|scope| {
            let keywords = scope.spawn(|| Keywords::new(&patterns));
            let compiled: Vec<Result<Rule, String>> = batches
                .into_iter()
                .map(|batch| {
                    scope.spawn(move || batch.into_iter().map(Rule::compile).collect::<Vec<_>>())
                })
                .collect::<Vec<_>>()
                .into_iter()
                .flat_map(|h| h.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
                .collect();
            let keywords = keywords
                .join()
                .unwrap_or_else(|p| std::panic::resume_unwind(p))
                .map_err(|e| format!("{RULES_FILE}: keywords: {e}"));
            (keywords, compiled)
        });
        let keywords = keywords?;
        // The first error in file order, whichever thread met it.
        let rules = compiled
            .into_iter()
            .collect::<Result<Vec<Rule>, String>>()?;
        Ok(Rules {
            rules,
            allow,
            keywords,
            keyword_rules,
        })
    }

    pub fn get(&self, id: &str) -> Option<&Rule> {
        self.rules.iter().find(|r| r.id == id)
    }
}

/// Shannon entropy of `data`, in bits per byte.
pub fn entropy(data: &[u8]) -> f64 {
    if data.is_empty() {
        return 0.0;
    }
    let mut counts = [0u32; 256];
    for &b in data {
        counts[b as usize] += 1;
    }
    let n = data.len() as f64;
    counts
        .iter()
        .filter(|&&c| c > 0)
        .map(|&c| {
            let p = c as f64 / n;
            -p * p.log2()
        })
        .sum()
}

/// Expand a sample template: `{N:CLASS}` becomes N characters drawn from
/// CLASS (ranges such as `A-Z`, single characters; a trailing `-` is literal)
/// with `rng`; `{crc32:N}` becomes the base62 CRC32 of the N characters
/// before it (see [`Checksum`]). Any other text is copied.
pub fn expand_template(template: &str, rng: &mut impl rand::Rng) -> String {
    let mut out = String::with_capacity(template.len() * 2);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        if let Some(n) = after
            .strip_prefix("crc32:")
            .and_then(|s| s.split_once('}'))
            .and_then(|(n, tail)| Some((n.parse::<usize>().ok()?, tail)))
        {
            let (n, tail) = n;
            let start = out.len().saturating_sub(n);
            let sum = base62_crc32(&out.as_bytes()[start..]);
            out.push_str(&sum);
            rest = tail;
            continue;
        }
        let spec = after
            .find('}')
            .map(|close| (&after[..close], close))
            .and_then(|(inner, close)| {
                let (n, class) = inner.split_once(':')?;
                let n: usize = n.parse().ok()?;
                let chars = class_chars(class)?;
                Some((n, chars, close))
            });
        match spec {
            Some((n, chars, close)) => {
                for _ in 0..n {
                    out.push(chars[rng.random_range(0..chars.len())]);
                }
                rest = &after[close + 1..];
            }
            None => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

fn class_chars(class: &str) -> Option<Vec<char>> {
    let cs: Vec<char> = class.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < cs.len() {
        if i + 2 < cs.len() && cs[i + 1] == '-' {
            let (a, b) = (cs[i], cs[i + 2]);
            if a > b {
                return None;
            }
            out.extend(a..=b);
            i += 3;
        } else {
            out.push(cs[i]);
            i += 1;
        }
    }
    (!out.is_empty()).then_some(out)
}
