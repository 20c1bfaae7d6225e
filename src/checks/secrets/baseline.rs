//! The secrets baseline (`.readyctl-baseline.json`): findings accepted
//! today, keyed by rule id and the SHA-256 of the secret — not by line, so
//! a moved line stays accepted, and never the secret itself.

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::config::LoadedConfig;

/// The default baseline file name.
pub const DEFAULT_FILE: &str = ".readyctl-baseline.json";

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BaselineFile {
    pub version: u32,
    pub secrets: Vec<Entry>,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    pub rule: String,
    /// `sha256:<hex>` of the secret.
    pub fingerprint: String,
    /// Where it was first seen (informational; not part of the key).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
}

/// The accepted `(rule, fingerprint)` pairs.
#[derive(Debug, Default)]
pub struct Baseline {
    keys: HashSet<(String, String)>,
}

impl Baseline {
    pub fn accepts(&self, rule: &str, fingerprint: &str) -> bool {
        self.keys
            .contains(&(rule.to_string(), fingerprint.to_string()))
    }

    pub fn len(&self) -> usize {
        self.keys.len()
    }

    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }
}

/// The baseline file's path relative to the root, as configured.
pub fn rel_path(cfg: &LoadedConfig) -> &str {
    cfg.config
        .secrets
        .baseline
        .as_deref()
        .unwrap_or(DEFAULT_FILE)
}

pub fn path(root: &Path, cfg: &LoadedConfig) -> PathBuf {
    root.join(rel_path(cfg))
}

/// Read the baseline; `Ok(None)` when the file does not exist.
pub fn load(root: &Path, cfg: &LoadedConfig) -> Result<Option<Baseline>, String> {
    let rel = rel_path(cfg);
    let text = match crate::repo::safe_fs::read_regular_text(
        &root.join(rel),
        crate::repo::safe_fs::MAX_BYTES,
    ) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(format!("{rel}: cannot read: {e}")),
    };
    let file: BaselineFile = serde_json::from_str(&text).map_err(|e| {
        format!(
            "{rel}:{}:{}: not a readyctl baseline: {e}",
            e.line(),
            e.column()
        )
    })?;
    if file.version != 1 {
        return Err(format!(
            "{rel}: baseline version {} is not supported (expected 1)",
            file.version
        ));
    }
    Ok(Some(Baseline {
        keys: file
            .secrets
            .into_iter()
            .map(|e| (e.rule, e.fingerprint))
            .collect(),
    }))
}

/// Render a baseline of `entries` (deduplicated by key, sorted).
pub fn render(entries: impl IntoIterator<Item = Entry>) -> String {
    let mut by_key: BTreeMap<(String, String), Option<String>> = BTreeMap::new();
    for e in entries {
        let slot = by_key.entry((e.rule, e.fingerprint)).or_insert(None);
        if slot.is_none() {
            *slot = e.path;
        }
    }
    let file = BaselineFile {
        version: 1,
        secrets: by_key
            .into_iter()
            .map(|((rule, fingerprint), path)| Entry {
                rule,
                fingerprint,
                path,
            })
            .collect(),
    };
    let mut s = serde_json::to_string_pretty(&file).unwrap_or_default();
    s.push('\n');
    s
}
