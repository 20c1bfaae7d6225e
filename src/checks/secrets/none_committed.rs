//! `secrets.none-committed`: no secret in the files that are (or would be)
//! committed and, with `--history`, in any commit reachable from HEAD.

use std::collections::HashSet;

use rayon::prelude::*;

use super::baseline;
use super::rules::Rules;
use super::scanner::{fingerprint, redact};
use crate::check::{Check, CheckMeta, Context, Outcome};
use crate::config::LoadedConfig;
use crate::findings::{Finding, Severity};
use crate::repo::index::Index;
use crate::repo::index::RawRead as Read;
use crate::repo::text::plural;

const EXPLAIN: &str = r#"
## What it checks
That no secret is committed: every text file the repository tracks (or that
`git add -A` would add) is scanned with readyctl's secret rules — over 400
provider token formats (AWS, GitHub, GitLab, Slack, Stripe, Google, Azure,
Hugging Face, Atlassian, JFrog, Cloudflare, New Relic, Telegram, Discord,
OpenAI, Anthropic and many more; GitHub and npm tokens are confirmed by
their CRC32 checksum), private keys, JWTs, URLs with passwords, and generic
`password`/`secret`/`token`/`api_key` assignments. Placeholders (`...`,
`<token>`, `${VAR}`, `xxxx`, `changeme`), names of secrets (`secretName:`),
hashing settings and regexes are not secrets. In test data, examples,
vendored and generated files (SPEC §9) only a provider's own token format
counts; test keys and example values there are set aside, and counted.
With `--history`, what every commit reachable from HEAD changed is scanned
too, so a secret that was removed later still fails the gate. Binary and
oversized files are skipped. A scan that cannot read everything is an
`error`, never a pass: unreadable files or directories, paths beyond
PATH_MAX, unreadable history (corrupt HEAD, missing objects) and a shallow
clone with `--history` (`git fetch --unshallow` first).

## Why it matters
A committed credential is a leaked credential: every clone, fork, CI cache
and backup holds it, and deleting the line does not remove it from history.
The only fix is to rotate it.

## How to fix
Rotate the secret first, then remove it from the code and read it from the
environment or a secret manager. Findings that are not secrets can be
accepted with `readyctl:allow` on the line, `secrets.allow_paths` globs in
`readyctl.yaml`, or `readyctl baseline`, which records today's findings
(by rule and SHA-256 of the secret, never the secret) so that only new ones
fail.

## Example
```python
# before: a key in the source
client = boto3.client("s3", aws_access_key_id="AKIA…")
# after: from the environment (or an instance role)
client = boto3.client("s3")
```
"#;

pub struct NoneCommitted {
    meta: CheckMeta,
}

impl NoneCommitted {
    pub fn new() -> Self {
        NoneCommitted {
            meta: CheckMeta::define("secrets.none-committed")
                .title("No secret committed")
                .severity(Severity::Error)
                .explain(EXPLAIN)
                .fix("rotate the secret, remove it from the code, read it from the environment or a secret manager")
                .build(),
        }
    }
}

impl Default for NoneCommitted {
    fn default() -> Self {
        Self::new()
    }
}

/// One secret found, with what the baseline and the report need.
#[derive(Debug, Clone)]
pub struct Secret {
    pub rule: String,
    pub description: String,
    pub path: String,
    pub line: u32,
    pub column: u32,
    pub commit: Option<String>,
    /// `sha256:<hex>` of the secret.
    pub fingerprint: String,
    pub redacted: String,
    /// Further lines of the same file holding the same secret.
    pub also: Vec<u32>,
}

impl Secret {
    pub fn finding(&self) -> Finding {
        let mut message = format!("{} ({})", self.description, self.rule);
        if let Some(c) = &self.commit {
            message.push_str(&format!(" in commit {}", &c[..c.len().min(12)]));
        }
        if !self.also.is_empty() {
            let lines: Vec<String> = self.also.iter().map(u32::to_string).collect();
            message.push_str(&format!(
                ", also on {} {}",
                plural(lines.len(), "line").noun(),
                lines.join(", ")
            ));
        }
        let mut f = Finding::new(message)
            .at(self.path.clone(), Some(self.line))
            .col(Some(self.column))
            .rule(&self.rule);
        f.secret = Some(self.redacted.clone());
        f.commit = self.commit.clone();
        f
    }
}

/// Everything a scan found, before the baseline is applied.
#[derive(Debug, Default)]
pub struct Collected {
    pub secrets: Vec<Secret>,
    pub files: usize,
    /// `(commits, blobs)` when history was scanned.
    pub history: Option<(usize, usize)>,
    /// What could not be read (`path: error`): the scan is incomplete.
    pub unreadable: Vec<String>,
    /// Why the history scan is incomplete (a shallow clone), if it is.
    pub history_incomplete: Option<String>,
    /// Paths of blobs in history over the size cap, not scanned.
    pub history_oversized: Vec<String>,
    /// Findings left out because they are test keys, example values or
    /// generic matches outside the product (SPEC §9).
    pub set_aside: usize,
}

/// Does a finding of `rule` in the file at `path` of `role` count? Outside
/// the product only a provider's own token format does (SPEC §9); in prose
/// (Markdown, reStructuredText, AsciiDoc) a generic assignment such as
/// `SECRET_KEY = '192b…'` is a documentation example, and only a provider's
/// token or a private key counts.
fn counts_in(rule: &super::rules::Rule, role: crate::repo::roles::Role, path: &str) -> bool {
    use super::rules::Kind;
    if rule.kind == Kind::Provider {
        return true;
    }
    if role != crate::repo::roles::Role::Product {
        return false;
    }
    !is_prose(path) || rule.kind == Kind::Key
}

/// Documentation written as prose.
fn is_prose(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    [
        ".md",
        ".markdown",
        ".mdx",
        ".rst",
        ".adoc",
        ".asciidoc",
        ".txt",
    ]
    .iter()
    .any(|e| lower.ends_with(e))
}

/// Scan the index (and history) for secrets, honouring inline markers and
/// `secrets.allow_paths`.
pub fn collect(index: &Index, cfg: &LoadedConfig, history: bool) -> Result<Collected, String> {
    let rules = Rules::builtin()?;
    let allow_globs: Vec<&str> = cfg
        .config
        .secrets
        .allow_paths
        .iter()
        .map(String::as_str)
        .collect();
    let allow = crate::repo::index::build_globset(&allow_globs)
        .map_err(|e| format!("{}: secrets.allow_paths: {e}", cfg.file_name()))?;
    let baseline_rel = baseline::rel_path(cfg).to_string();
    let skip = |path: &str| allow.is_match(path) || path == baseline_rel;

    let files: Vec<_> = index.files().iter().filter(|f| !skip(&f.path)).collect();
    let unreadable: std::sync::Mutex<Vec<String>> =
        std::sync::Mutex::new(index.unreadable().to_vec());
    let set_aside = std::sync::atomic::AtomicUsize::new(0);
    let mut secrets: Vec<Secret> = files
        .par_iter()
        .flat_map_iter(|f| {
            let (mut hits, role) = if let Some(data) = already_read(f) {
                (rules.scan(&f.path, data), Some(f.role_from(data)))
            } else {
                SCAN_BUF.with_borrow_mut(|buf| match read_for_scan(f, buf) {
                    Ok(Read::Text(n)) => {
                        let data = &buf[..n];
                        // The role from the bytes in hand: nothing reads the
                        // file again for it (the report counts every role).
                        (rules.scan(&f.path, data), Some(f.role_from(data)))
                    }
                    Ok(Read::Binary(n)) => (Vec::new(), Some(f.role_from(&buf[..n]))),
                    Ok(Read::Skipped) => (Vec::new(), None),
                    Err(e) => {
                        if let Ok(mut u) = unreadable.lock() {
                            u.push(format!("{}: {e}", f.path));
                        }
                        (Vec::new(), None)
                    }
                })
            };
            if !hits.is_empty() {
                let role = role.unwrap_or_else(|| f.role());
                let before = hits.len();
                hits.retain(|h| counts_in(&rules.rules[h.rule], role, &f.path));
                set_aside.fetch_add(before - hits.len(), std::sync::atomic::Ordering::Relaxed);
            }
            hits.into_iter().map(|h| {
                let rule = &rules.rules[h.rule];
                Secret {
                    rule: rule.id.clone(),
                    description: rule.description.clone(),
                    path: f.path.clone(),
                    line: h.line,
                    column: h.column,
                    commit: None,
                    fingerprint: format!("sha256:{}", fingerprint(&h.secret)),
                    redacted: redact(&h.secret),
                    also: Vec::new(),
                }
            })
        })
        .collect();
    secrets = merge_repeats(secrets);

    let mut hist_counts = None;
    let mut history_incomplete = None;
    let mut history_oversized = Vec::new();
    if history {
        let root = index.root.as_path();
        let roles = crate::repo::roles::Roles::from_config(cfg).map_err(|e| e.to_string())?;
        if let Some(scan) = super::history::scan(root, rules, &skip)? {
            hist_counts = Some((scan.commits, scan.blobs));
            history_incomplete = scan.shallow.clone();
            history_oversized = scan.oversized.clone();
            // A secret still in the working tree is reported there only.
            let mut known: HashSet<(String, String)> = secrets
                .iter()
                .map(|s| (s.rule.clone(), s.fingerprint.clone()))
                .collect();
            let mut extra: Vec<Secret> = Vec::new();
            for h in scan.hits {
                let rule = &rules.rules[h.hit.rule];
                if !counts_in(rule, roles.of_path(&h.path, &|_| false), &h.path) {
                    set_aside.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    continue;
                }
                let fp = format!("sha256:{}", fingerprint(&h.hit.secret));
                if !known.insert((rule.id.clone(), fp.clone())) {
                    continue;
                }
                extra.push(Secret {
                    rule: rule.id.clone(),
                    description: rule.description.clone(),
                    path: h.path,
                    line: h.hit.line,
                    column: h.hit.column,
                    commit: Some(h.commit),
                    fingerprint: fp,
                    redacted: redact(&h.hit.secret),
                    also: Vec::new(),
                });
            }
            extra.sort_by(|a, b| (&a.path, a.line, &a.commit).cmp(&(&b.path, b.line, &b.commit)));
            secrets.extend(extra);
        }
    }
    let mut unreadable = unreadable.into_inner().unwrap_or_default();
    unreadable.sort();
    Ok(Collected {
        secrets,
        files: files.len(),
        history: hist_counts,
        unreadable,
        history_incomplete,
        history_oversized,
        set_aside: set_aside.into_inner(),
    })
}

/// The bytes of a file that another step has already read whole (the
/// inline waivers are looked for in every file whose comment syntax readyctl
/// knows, before the checks run), when they are exactly the file's bytes:
/// text that was valid UTF-8, so that the lossy decoding changed nothing (no
/// U+FFFD in it; a file that has one is read again). Scanning it from memory
/// finds what reading the file would.
fn already_read(f: &crate::repo::index::FileEntry) -> Option<&[u8]> {
    let text = f.loaded_text()?.as_bytes();
    memchr::memmem::find(text, "\u{FFFD}".as_bytes())
        .is_none()
        .then_some(text)
}

thread_local! {
    /// Each scanning thread reads every file into the same buffer: no
    /// allocation (and no page faults of a fresh mapping) per file.
    static SCAN_BUF: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Read an indexed file into the thread's buffer ([`FileEntry::read_raw`]:
/// raw bytes, nothing kept in the index).
fn read_for_scan(f: &crate::repo::index::FileEntry, buf: &mut Vec<u8>) -> std::io::Result<Read> {
    f.read_raw(buf)
}

/// How much of a file [`is_binary`] looks at.
const BINARY_SNIFF: usize = 8000;

/// The index's test: a NUL byte in the first 8000 bytes.
pub(crate) fn is_binary(data: &[u8]) -> bool {
    memchr::memchr(0, &data[..data.len().min(BINARY_SNIFF)]).is_some()
}

/// One finding per distinct secret per file: repeats of the same secret
/// (same rule and fingerprint) in the same file become `also` lines.
fn merge_repeats(secrets: Vec<Secret>) -> Vec<Secret> {
    let mut out: Vec<Secret> = Vec::with_capacity(secrets.len());
    let mut seen: std::collections::HashMap<(String, String, String), usize> =
        std::collections::HashMap::new();
    for s in secrets {
        let key = (s.path.clone(), s.rule.clone(), s.fingerprint.clone());
        match seen.get(&key) {
            Some(&i) => out[i].also.push(s.line),
            None => {
                seen.insert(key, out.len());
                out.push(s);
            }
        }
    }
    out
}

impl Check for NoneCommitted {
    fn meta(&self) -> &CheckMeta {
        &self.meta
    }

    fn warm_up(&self) -> Option<fn()> {
        // The 400 rules' regexes and the keyword DFA: tens of ms of CPU.
        Some(|| {
            let _ = Rules::builtin();
        })
    }

    fn run(&self, ctx: &Context) -> Outcome {
        let found = match collect(ctx.index, ctx.config, ctx.options.history) {
            Ok(c) => c,
            Err(e) => return Outcome::error(e),
        };
        let base = match baseline::load(ctx.root, ctx.config) {
            Ok(b) => b.unwrap_or_default(),
            Err(e) => return Outcome::error(e),
        };
        let (accepted, open): (Vec<&Secret>, Vec<&Secret>) = found
            .secrets
            .iter()
            .partition(|s| base.accepts(&s.rule, &s.fingerprint));
        let findings: Vec<Finding> = open.into_iter().map(Secret::finding).collect();
        let suppressed = baselined(&accepted, baseline::rel_path(ctx.config));
        let accepted = accepted.len();
        let scope = match found.history {
            Some((c, b)) => format!(
                "{} and {} ({b} blobs)",
                plural(found.files, "file"),
                plural(c, "commit")
            ),
            None => plural(found.files, "file").to_string(),
        };
        let note = if accepted > 0 {
            format!(" ({accepted} accepted by the baseline)")
        } else {
            String::new()
        };
        let aside = if found.set_aside > 0 {
            format!(
                "; {} or example {} outside the product set aside",
                plural(found.set_aside, "test key"),
                plural(found.set_aside, "value").noun()
            )
        } else {
            String::new()
        };
        // Files over the read cap are not scanned: say so (issue 13).
        let big: Vec<&str> = ctx
            .index
            .files()
            .iter()
            .filter(|f| f.size > crate::repo::index::MAX_TEXT_BYTES)
            .map(|f| f.path.as_str())
            .collect();
        let aside = if found.history_oversized.is_empty() {
            aside
        } else {
            let old = &found.history_oversized;
            format!(
                "{aside}; {} in history over {} MiB not scanned ({}{})",
                plural(old.len(), "file"),
                crate::repo::index::MAX_TEXT_BYTES >> 20,
                shorten(&old[0]),
                if old.len() > 1 { ", …" } else { "" }
            )
        };
        let aside = if big.is_empty() {
            aside
        } else {
            format!(
                "{aside}; {} over {} MiB not scanned ({}{})",
                plural(big.len(), "file"),
                crate::repo::index::MAX_TEXT_BYTES >> 20,
                shorten(big[0]),
                if big.len() > 1 { ", …" } else { "" }
            )
        };
        let n = findings.len();
        // Fail closed: a scan that could not read everything proves nothing.
        let mut gaps: Vec<String> = Vec::new();
        if !found.unreadable.is_empty() {
            let shown: Vec<String> = found
                .unreadable
                .iter()
                .take(3)
                .map(|u| shorten(u))
                .collect();
            let more = found.unreadable.len().saturating_sub(shown.len());
            gaps.push(format!(
                "{} could not be read ({}{})",
                plural(found.unreadable.len(), "path"),
                shown.join("; "),
                if more > 0 {
                    format!("; {more} more")
                } else {
                    String::new()
                }
            ));
        }
        if let Some(why) = &found.history_incomplete {
            gaps.push(why.clone());
        }
        if !gaps.is_empty() {
            let what = if n > 0 {
                format!("{} found, but ", plural(n, "secret"))
            } else {
                String::new()
            };
            return Outcome::error(format!(
                "{what}the scan is incomplete: {}; scanned {scope}",
                gaps.join("; ")
            ))
            .with_findings(findings);
        }
        Outcome::from_findings(
            findings,
            format!("no secret in {scope}{note}{aside}"),
            format!("{} committed in {scope}{note}{aside}", plural(n, "secret")),
        )
        .with_suppressed(suppressed)
    }
}

/// Secrets the baseline accepts, kept in the report as suppressed findings
/// (SARIF `suppressions` of kind `external`), so code scanning shows them
/// as dismissed instead of forgetting them.
fn baselined(accepted: &[&Secret], baseline_file: &str) -> Vec<crate::findings::Suppressed> {
    accepted
        .iter()
        .map(|s| crate::findings::Suppressed {
            finding: s.finding(),
            kind: "external".to_string(),
            justification: format!("accepted in {baseline_file}"),
        })
        .collect()
}

/// At most 100 characters of `s` (a path beyond PATH_MAX stays readable).
fn shorten(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    if chars.len() <= 100 {
        return s.to_string();
    }
    let head: String = chars[..45].iter().collect();
    let tail: String = chars[chars.len() - 45..].iter().collect();
    format!("{head}…{tail}")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Reading into the reused buffer gives what reading the file whole
    /// and testing it did: the bytes of a text file, nothing of a binary or
    /// oversized one.
    #[test]
    fn read_for_scan_agrees_with_reading_whole() {
        let dir = tempfile::tempdir().unwrap();
        let big_text: Vec<u8> = b"line of text\n".repeat(10_000);
        let mut late_nul = b"x".repeat(8_000);
        late_nul.push(0);
        let mut big_binary = b"y".repeat(100);
        big_binary.push(0);
        big_binary.extend(b"z".repeat(200_000));
        let mut big_late_nul = b"w".repeat(8_000);
        big_late_nul.push(0);
        big_late_nul.extend(b"v".repeat(100_000));
        let mut edge = b"u".repeat(7_999);
        edge.push(0);
        let files: Vec<(&str, Vec<u8>)> = vec![
            ("empty.txt", Vec::new()),
            ("small.txt", b"a = 1\n".to_vec()),
            ("big.txt", big_text),
            ("late-nul.txt", late_nul),
            ("big.bin", big_binary),
            ("big-late-nul.txt", big_late_nul),
            ("edge.bin", edge),
            (
                "huge.txt",
                b"h".repeat(crate::repo::index::MAX_TEXT_BYTES as usize + 1),
            ),
        ];
        for (name, data) in &files {
            std::fs::write(dir.path().join(name), data).unwrap();
        }
        let index = Index::build(dir.path()).unwrap();
        // A small buffer left over from a previous file, and a large one.
        for start in [Vec::new(), vec![7u8; 300_000]] {
            let mut buf = start.clone();
            for f in index.files() {
                let data = &files.iter().find(|(n, _)| *n == f.path).unwrap().1;
                let whole_text =
                    data.len() as u64 <= crate::repo::index::MAX_TEXT_BYTES && !is_binary(data);
                match read_for_scan(f, &mut buf).unwrap() {
                    Read::Text(n) => {
                        assert!(whole_text, "{}", f.path);
                        assert_eq!(&buf[..n], &data[..], "{}", f.path);
                    }
                    Read::Binary(n) => {
                        assert!(is_binary(data) && is_binary(&buf[..n]), "{}", f.path);
                        assert_eq!(&buf[..n], &data[..n], "{}", f.path);
                        assert_eq!(f.role_from(&buf[..n]), f.path_role(), "{}", f.path);
                    }
                    Read::Skipped => {
                        assert!(f.size > crate::repo::index::MAX_TEXT_BYTES, "{}", f.path)
                    }
                }
            }
        }
        // Text another step has read is scanned from memory only when it is
        // the file's bytes.
        std::fs::write(dir.path().join("latin1.txt"), b"caf\xe9 = 1\n").unwrap();
        std::fs::write(dir.path().join("utf8.txt"), "café = 1\n").unwrap();
        let index = Index::build(dir.path()).unwrap();
        let latin1 = index.get("latin1.txt").unwrap();
        let utf8 = index.get("utf8.txt").unwrap();
        assert_eq!(already_read(utf8), None, "not read yet");
        assert!(latin1.text().is_some() && utf8.text().is_some());
        assert_eq!(already_read(latin1), None, "lossily decoded");
        assert_eq!(already_read(utf8), Some("café = 1\n".as_bytes()));
        // A file deleted since the walk is skipped, not an error.
        std::fs::remove_file(dir.path().join("small.txt")).unwrap();
        let f = index.get("small.txt").unwrap();
        assert_eq!(read_for_scan(f, &mut Vec::new()).unwrap(), Read::Skipped);
    }
}
