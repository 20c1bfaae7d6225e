//! Finding fingerprints that survive moved lines.
//!
//! The same idea as the secrets baseline (a finding is keyed by what it is,
//! not by where it is): a hash of the check id, the path, the rule, the
//! redacted secret or else the message with its line numbers taken out, and
//! the commit of a history finding. SARIF `partialFingerprints` and
//! `readyctl diff` both use it, so an alert and a pull-request gate agree on
//! which findings are the same.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::sync::OnceLock;

use regex::Regex;
use sha2::{Digest, Sha256};

use crate::findings::Finding;

/// `file.ext:12`, `Dockerfile:12:3`, `line 12`, `lines 12-14`, `column 3`:
/// positions a message may quote, which move when lines are inserted above.
/// (`python:3.12` is an image tag, not a position: only a colon after a file
/// name counts.)
fn positions() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(
            r"(?i)(?P<file>\.[a-z][a-z0-9]{0,9}|\b(?:dockerfile|containerfile|jenkinsfile|makefile))(?::\d+)+\b|\b(?P<word>lines?|columns?|col|ln)\s+\d+(?:\s*[-–]\s*\d+)?",
        )
        .expect("valid regex")
    })
}

/// `message` without the line and column numbers it quotes.
pub fn normalise_message(message: &str) -> String {
    positions()
        .replace_all(message.trim(), |c: &regex::Captures| match c.name("file") {
            Some(file) => format!("{}:#", file.as_str()),
            None => format!("{} #", c.name("word").map_or("", |w| w.as_str())),
        })
        .into_owned()
}

/// The line-independent key of `finding` of check `check_id`, or of the
/// check itself when `finding` is `None` (a failure without findings).
pub fn key(check_id: &str, finding: Option<&Finding>) -> String {
    let mut key = String::new();
    key.push_str(check_id);
    key.push('\0');
    match finding {
        Some(f) => {
            key.push_str(f.path.as_deref().unwrap_or(""));
            key.push('\0');
            key.push_str(f.rule.as_deref().unwrap_or(""));
            key.push('\0');
            match &f.secret {
                Some(s) => key.push_str(s),
                None => key.push_str(&normalise_message(&f.message)),
            }
            key.push('\0');
            key.push_str(f.commit.as_deref().unwrap_or(""));
        }
        None => key.push_str("<check>"),
    }
    key
}

/// The first 128 bits of the SHA-256 of `key`, in hex.
pub fn hash(key: &str) -> String {
    let digest = Sha256::digest(key.as_bytes());
    let mut hex = String::with_capacity(32);
    for b in &digest[..16] {
        let _ = write!(hex, "{b:02x}");
    }
    hex
}

/// Fingerprints of a sequence of findings: [`hash`] of [`key`] plus an
/// occurrence number, so that two identical findings in one file stay two.
#[derive(Default)]
pub struct Fingerprints {
    seen: HashMap<String, usize>,
}

impl Fingerprints {
    /// `<hash>:<n>` for the n-th finding with this key.
    pub fn next(&mut self, check_id: &str, finding: Option<&Finding>) -> String {
        let key = key(check_id, finding);
        let n = self.seen.entry(key.clone()).or_insert(0);
        *n += 1;
        format!("{}:{n}", hash(&key))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_are_taken_out() {
        assert_eq!(
            normalise_message("job `gate` runs the gate (.github/workflows/ci.yml:31)"),
            "job `gate` runs the gate (.github/workflows/ci.yml:#)"
        );
        assert_eq!(
            normalise_message("unclosed block at line 12, column 3"),
            "unclosed block at line #, column #"
        );
        assert_eq!(normalise_message("needs 2 replicas"), "needs 2 replicas");
        assert_eq!(
            normalise_message("`FROM python:3.12` at Dockerfile:4"),
            "`FROM python:3.12` at Dockerfile:#"
        );
        assert_eq!(
            normalise_message("image registry.example.com/app:1.4 (k8s/app.yaml:7:3)"),
            "image registry.example.com/app:1.4 (k8s/app.yaml:#)"
        );
    }

    #[test]
    fn a_moved_finding_keeps_its_key() {
        let a = Finding::new("`uses: x@v1` is not pinned").at("ci.yml", Some(3));
        let b = Finding::new("`uses: x@v1` is not pinned").at("ci.yml", Some(30));
        let c = Finding::new("`uses: y@v1` is not pinned").at("ci.yml", Some(3));
        assert_eq!(
            key("ci.actions-pinned", Some(&a)),
            key("ci.actions-pinned", Some(&b))
        );
        assert_ne!(
            key("ci.actions-pinned", Some(&a)),
            key("ci.actions-pinned", Some(&c))
        );
        let mut f = Fingerprints::default();
        let one = f.next("x.y", Some(&a));
        let two = f.next("x.y", Some(&b));
        assert!(one.ends_with(":1") && two.ends_with(":2"));
        assert_eq!(one.split(':').next(), two.split(':').next());
    }
}
