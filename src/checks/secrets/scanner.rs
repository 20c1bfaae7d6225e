//! The scanner: keyword prefilter, then the enabled rules' regexes, then
//! entropy and allowlists, inline `readyctl:allow`, and overlap removal.

use super::keywords::KeywordMatch;
use super::rules::{Rules, entropy};

/// One secret found in one blob of text.
#[derive(Debug, Clone)]
pub struct Hit {
    /// Index into `Rules::rules`.
    pub rule: usize,
    /// Byte span of the secret.
    pub start: usize,
    pub end: usize,
    /// 1-based line and column (characters) of the secret.
    pub line: u32,
    pub column: u32,
    /// The secret itself: never printed, only hashed and redacted.
    pub secret: Vec<u8>,
}

thread_local! {
    /// The keyword matches of the file being planned, reused across files.
    static KEYWORD_MATCHES: std::cell::RefCell<Vec<KeywordMatch>> =
        const { std::cell::RefCell::new(Vec::new()) };
}

/// Markers that suppress findings on their line.
const INLINE_ALLOW: [&[u8]; 2] = [b"readyctl:allow", b"gitleaks:allow"];

/// Where a rule must run in one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Plan {
    Off,
    /// The whole file (multi-line rules).
    Whole,
    /// Merged byte windows: the line of each keyword hit and the next one.
    Windows(Vec<(usize, usize)>),
}

impl Rules {
    /// The keyword prefilter: for each rule, where its regex must run.
    pub fn plan(&self, data: &[u8]) -> Vec<Plan> {
        let mut plans = vec![Plan::Off; self.rules.len()];
        // The end of the window of the last hit: the end of the line after
        // the hit's line. Hits come in the order of their ends, so a hit
        // that ends before `line_end` (on the same line as the last one) has
        // the same window end — no search to the end of the line again for
        // each of many hits on one long line (a minified file).
        let (mut from, mut line_end, mut window_end) = (usize::MAX, 0usize, 0usize);
        let matches = KEYWORD_MATCHES.with_borrow_mut(|out| {
            self.keywords.find_all(data, out);
            std::mem::take(out)
        });
        for m in &matches {
            if m.end < from || m.end > line_end {
                from = m.end;
                line_end = next_line_end(data, from);
                window_end = next_line_end(data, line_end + 1);
            }
            for &r in &self.keyword_rules[m.pattern] {
                let plan = &mut plans[r];
                if self.rules[r].multiline {
                    *plan = Plan::Whole;
                    continue;
                }
                if *plan == Plan::Off {
                    *plan = Plan::Windows(Vec::new());
                }
                let Plan::Windows(ws) = plan else { continue };
                // The window ends after the line that follows the hit.
                let end = window_end;
                match ws.last_mut() {
                    Some(last) if m.start <= last.1 => last.1 = last.1.max(end),
                    _ => {
                        let floor = ws.last().map_or(0, |w| w.1);
                        let start = memchr::memrchr(b'\n', &data[floor..m.start])
                            .map_or(floor, |i| floor + i + 1);
                        ws.push((start, end));
                    }
                }
            }
        }
        // Give the buffer back for this thread's next file.
        KEYWORD_MATCHES.with_borrow_mut(|out| *out = matches);
        plans
    }

    /// Scan one file's content. `path` selects path allowlists.
    pub fn scan(&self, path: &str, data: &[u8]) -> Vec<Hit> {
        if self.allow.accepts_path(path) {
            return Vec::new();
        }
        let plans = self.plan(data);
        let mut hits: Vec<Hit> = Vec::new();
        for (i, rule) in self.rules.iter().enumerate() {
            let windows: &[(usize, usize)] = match &plans[i] {
                Plan::Off => continue,
                Plan::Whole => &[(0, data.len())],
                Plan::Windows(ws) => ws,
            };
            if rule.allow.accepts_path(path)
                || rule.only_paths.as_ref().is_some_and(|g| !g.is_match(path))
            {
                continue;
            }
            for &(ws, we) in windows {
                let window = &data[ws..we];
                for caps in rule.regex.captures_iter(window) {
                    let m = match rule.secret_group {
                        Some(g) => caps.get(g),
                        None => (1..caps.len())
                            .filter(|&g| Some(g) != rule.name_group)
                            .find_map(|g| caps.get(g)),
                    }
                    .or_else(|| caps.get(0));
                    if let Some(name) = rule.name_group.and_then(|g| caps.get(g))
                        && rule.allow.accepts_name(name.as_bytes())
                    {
                        continue;
                    }
                    let Some(m) = m else { continue };
                    let secret = m.as_bytes();
                    if secret.is_empty() {
                        continue;
                    }
                    match rule.checksum {
                        Some(c) => {
                            if !c.verify(secret) {
                                continue;
                            }
                        }
                        None => {
                            if let Some(floor) = rule.entropy
                                && entropy(secret) < floor
                            {
                                continue;
                            }
                            if super::placeholder::is_placeholder(secret) {
                                continue;
                            }
                        }
                    }
                    if rule.allow.accepts(secret) || self.allow.accepts(secret) {
                        continue;
                    }
                    // A multi-line secret (a PEM key) is reported where it
                    // begins (`-----BEGIN`), not at its first base64 line.
                    let at = if rule.multiline {
                        caps.get(0).map_or(m.start(), |whole| whole.start())
                    } else {
                        m.start()
                    };
                    let start = ws + at;
                    if inline_allowed(data, start) {
                        continue;
                    }
                    hits.push(Hit {
                        rule: i,
                        start,
                        end: ws + m.end(),
                        line: 0,
                        column: 0,
                        secret: secret.to_vec(),
                    });
                }
            }
        }
        if hits.is_empty() {
            return hits;
        }
        // One finding per secret: the earlier (more specific) rule wins.
        hits.sort_by_key(|h| (h.start, h.rule));
        let mut kept: Vec<Hit> = Vec::with_capacity(hits.len());
        for h in hits {
            if let Some(k) = kept.iter_mut().find(|k| h.start < k.end && k.start < h.end) {
                if h.rule < k.rule {
                    *k = h;
                }
                continue;
            }
            kept.push(h);
        }
        locate(data, &mut kept);
        kept
    }
}

/// The offset of the end of the line holding `from` (its `\n`, or the end).
fn next_line_end(data: &[u8], from: usize) -> usize {
    if from >= data.len() {
        return data.len();
    }
    memchr::memchr(b'\n', &data[from..]).map_or(data.len(), |i| from + i)
}

/// Is `offset`'s line marked `readyctl:allow` (or `gitleaks:allow`)?
fn inline_allowed(data: &[u8], offset: usize) -> bool {
    let start = memchr::memrchr(b'\n', &data[..offset]).map_or(0, |i| i + 1);
    let end = next_line_end(data, offset);
    let line = &data[start..end];
    INLINE_ALLOW
        .iter()
        .any(|m| memchr::memmem::find(line, m).is_some())
}

/// Fill in 1-based line and column (in characters) of sorted hits.
fn locate(data: &[u8], hits: &mut [Hit]) {
    hits.sort_by_key(|h| h.start);
    let mut line = 1u32;
    let mut line_start = 0usize;
    let mut pos = 0usize;
    for h in hits.iter_mut() {
        for i in memchr::memchr_iter(b'\n', &data[pos..h.start]) {
            line += 1;
            line_start = pos + i + 1;
        }
        pos = h.start;
        let col = data[line_start..h.start]
            .iter()
            .filter(|&&b| (b & 0xC0) != 0x80)
            .count();
        h.line = line;
        h.column = col as u32 + 1;
    }
}

/// A redacted form of a secret: at most its first 4 characters (fewer for
/// short secrets) and its length, e.g. `AKIA…(20 chars)`.
pub fn redact(secret: &[u8]) -> String {
    let n = secret.len();
    let show = match n {
        0..8 => 0,
        8..16 => 2,
        _ => 4,
    };
    let prefix: String = secret[..show]
        .iter()
        .map(|&b| if b.is_ascii_graphic() { b as char } else { '?' })
        .collect();
    format!("{prefix}…({n} chars)")
}

/// SHA-256 of the secret, hex: how the baseline names a secret.
pub fn fingerprint(secret: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    let d = Sha256::digest(secret);
    d.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    fn all_rules() -> &'static Rules {
        Rules::builtin().unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn every_rule_has_samples() {
        for r in &all_rules().rules {
            assert!(!r.samples.tp.is_empty(), "rule {} has no tp sample", r.id);
            assert!(!r.samples.fp.is_empty(), "rule {} has no fp sample", r.id);
        }
    }

    #[test]
    fn true_positive_samples_are_found() {
        let rules = all_rules();
        let mut misses = Vec::new();
        let mut total = 0;
        for seed in 0..8u64 {
            let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
            for r in &rules.rules {
                for t in &r.samples.tp {
                    total += 1;
                    let text = rules::expand_template(t, &mut rng);
                    let name = sample_path(r, "sample");
                    let hits = rules.scan(&name, text.as_bytes());
                    if !hits.iter().any(|h| rules.rules[h.rule].id == r.id) {
                        let found: Vec<_> = hits.iter().map(|h| &rules.rules[h.rule].id).collect();
                        misses.push(format!("{}: {t:?} (seed {seed}) found {found:?}", r.id));
                        continue;
                    }
                    // Planted in a larger file, on line 3, after other text.
                    let wrapped = format!("// config\n\nvalue {text}\n");
                    let hits = rules.scan(&sample_path(r, "src/config"), wrapped.as_bytes());
                    match hits.iter().find(|h| rules.rules[h.rule].id == r.id) {
                        Some(h) if h.line >= 3 => {}
                        Some(h) => misses.push(format!("{}: wrapped on line {}", r.id, h.line)),
                        None => misses.push(format!("{}: missed wrapped {t:?}", r.id)),
                    }
                }
            }
        }
        assert!(
            misses.is_empty(),
            "{} of {total} samples missed:\n{}",
            misses.len(),
            misses.join("\n")
        );
    }

    /// A file name the rule applies to: `.txt`, or `.env` for rules limited
    /// to config files.
    fn sample_path(r: &rules::Rule, stem: &str) -> String {
        for ext in ["txt", "env"] {
            let p = format!("{stem}.{ext}");
            if r.only_paths.as_ref().is_none_or(|g| g.is_match(&p)) {
                return p;
            }
        }
        panic!("rule {}: no sample path matches only_paths", r.id)
    }

    #[test]
    fn false_positive_samples_are_not_found() {
        let rules = all_rules();
        let mut found = Vec::new();
        for r in &rules.rules {
            for t in &r.samples.fp {
                let hits = rules.scan(&sample_path(r, "sample"), t.as_bytes());
                if !hits.is_empty() {
                    let by: Vec<_> = hits.iter().map(|h| &rules.rules[h.rule].id).collect();
                    found.push(format!("{}: {t:?} found by {by:?}", r.id));
                }
            }
        }
        assert!(found.is_empty(), "{}", found.join("\n"));
    }

    #[test]
    fn templates_expand_and_hold_no_secret() {
        let mut rng = rand::rngs::StdRng::seed_from_u64(1);
        let s = rules::expand_template("AKIA{16:A-Z2-7}", &mut rng);
        assert_eq!(s.len(), 20);
        assert!(
            s[4..]
                .bytes()
                .all(|b| b.is_ascii_uppercase() || (b'2'..=b'7').contains(&b))
        );
        assert_eq!(rules::expand_template("{\"a\": 1}", &mut rng), "{\"a\": 1}");
        let s = rules::expand_template("{5:_-}", &mut rng);
        assert!(s.bytes().all(|b| b == b'_' || b == b'-'), "{s}");
        // The rule file itself, scanned as a file, holds no secret.
        let all = all_rules();
        let hits = all.scan(rules::RULES_FILE, rules::RULES_YAML.as_bytes());
        let ids: Vec<_> = hits
            .iter()
            .map(|h| (&all.rules[h.rule].id, h.line))
            .collect();
        assert!(ids.is_empty(), "rules.yaml trips the scanner: {ids:?}");
    }

    #[test]
    fn inline_allow_and_positions() {
        let rules = all_rules();
        let key = format!("AK{}", "IA2345QZWXEVRTBYNU");
        let text = format!(
            "a\nb = \"{key}\"\nc = \"{key}\" # readyctl:allow\nd = \"{key}\" // gitleaks:allow\n"
        );
        let hits = rules.scan("x.py", text.as_bytes());
        assert_eq!(hits.len(), 1, "{hits:?}");
        assert_eq!((hits[0].line, hits[0].column), (2, 6));
    }

    #[test]
    fn keyword_windows_reach_the_next_line_and_the_file_end() {
        let rules = all_rules();
        let value = "q7Lm2Xv9Rt4Kp8Wz3Nc6Bd1Fh5Jy0Gs7Ta2E/+Qr";
        let text = format!("a: 1\naws_secret_access_key:\n  {value}\nb: 2\n");
        let hits = rules.scan("c.yaml", text.as_bytes());
        assert_eq!(hits.len(), 1, "{hits:?}");
        assert_eq!((hits[0].line, hits[0].column), (3, 3));
        // A keyword in the last line, no trailing newline.
        let body = &value.replace(['/', '+'], "a")[..30];
        let gh = format!(
            "x\n{}_{body}{}",
            "ghp",
            rules::base62_crc32(body.as_bytes())
        );
        let hits = rules.scan("c.txt", gh.as_bytes());
        assert_eq!(hits.len(), 1, "{hits:?}");
        // Dense keywords merge into few windows.
        let dense = "token token\ntoken\n\n\nsecret\n".repeat(3);
        let plan = rules.plan(dense.as_bytes());
        let generic = rules
            .rules
            .iter()
            .position(|r| r.id == "generic-secret")
            .unwrap();
        let Plan::Windows(ws) = &plan[generic] else {
            panic!("{:?}", plan[generic])
        };
        assert!(ws.windows(2).all(|w| w[0].1 < w[1].0), "{ws:?}");
        assert!(ws.len() <= 6, "{ws:?}");
    }

    #[test]
    fn redaction_shows_at_most_four_characters() {
        assert_eq!(redact(b"AKIA2345ABCDEFGHIJKLMN"), "AKIA…(22 chars)");
        assert_eq!(redact(b"hunter2!x"), "hu…(9 chars)");
        assert_eq!(redact(b"abc"), "…(3 chars)");
    }

    #[test]
    fn entropy_is_shannon() {
        assert_eq!(rules::entropy(b"aaaa"), 0.0);
        assert!((rules::entropy(b"abcd") - 2.0).abs() < 1e-9);
    }

    use super::super::rules;
}
