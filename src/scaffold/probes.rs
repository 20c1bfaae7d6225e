//! `scaffold health` for a workload behind a Service that has no
//! `readinessProbe` (why `health.declared` fails although readyctl.yaml
//! declares endpoints): the probe is added to the manifest, as text, next
//! to what the container already declares — a copy of its `livenessProbe`
//! handler, else a TCP check of its first `containerPort`. Every other line
//! stays as written; Helm templates (not YAML until rendered) are left to a
//! person.

use super::files::Files;
use super::write::Planned;
use crate::views::yaml::node::{self, Tree};

/// A workload without a readiness probe: the manifest and its `kind:` line.
#[derive(Debug, Clone, serde::Serialize, PartialEq, Eq)]
pub struct Unready {
    pub path: String,
    pub line: u32,
}

fn indent_of(l: &str) -> usize {
    l.len() - l.trim_start_matches(' ').len()
}

/// The lines (0-based, inclusive) of the block of the key at `start`.
fn block(lines: &[&str], start: usize) -> (usize, usize) {
    let ind = indent_of(lines[start]);
    let mut last = start;
    for (i, l) in lines.iter().enumerate().skip(start + 1) {
        let t = l.trim();
        if t.is_empty() || t.starts_with('#') {
            continue;
        }
        // A sequence at the key's own indent belongs to it (`key:\n- item`).
        if indent_of(l) > ind || (indent_of(l) == ind && l.trim_start().starts_with("- ")) {
            last = i;
        } else {
            break;
        }
    }
    (start, last)
}

/// Add readiness probes to the workloads of `path` listed in `unready`.
/// Returns the merged file and what could not be done.
pub fn add(
    files: &Files,
    path: &str,
    kind_lines: &[u32],
) -> anyhow::Result<(Option<Planned>, Vec<String>)> {
    let mut by_hand = Vec::new();
    let old = match files.text(path) {
        Ok(Some(t)) => t.to_string(),
        Ok(None) => anyhow::bail!("{path}: cannot read: not in the repository index"),
        Err(e) => anyhow::bail!("{path}: cannot read: {e}"),
    };
    let Ok(docs) = node::parse_multi(&old) else {
        by_hand.push(format!(
            "{path}: not plain YAML (a template?); add a readinessProbe by hand"
        ));
        return Ok((None, by_hand));
    };
    let lines: Vec<&str> = old.lines().collect();
    // (insert before 0-based line, text)
    let mut inserts: Vec<(usize, String)> = Vec::new();
    for doc in &docs {
        let Some(k) = doc.key_node("kind") else {
            continue;
        };
        if !kind_lines.contains(&k.line()) {
            continue;
        }
        let containers = doc
            .get("spec")
            .and_then(|s| s.get("template"))
            .and_then(|t| t.get("spec"))
            .and_then(|s| s.get("containers"));
        for c in containers.map(Tree::seq).unwrap_or(&[]) {
            if c.has("readinessProbe") {
                continue;
            }
            let cname = c.get("name").and_then(Tree::scalar).unwrap_or_default();
            if let Some(lk) = c.key_node("livenessProbe") {
                let at = lk.line().saturating_sub(1) as usize;
                let first = lines[at];
                if first.trim_start().starts_with('-') {
                    by_hand.push(format!("{path}:{}: container {cname}", lk.line()));
                    continue;
                }
                let (s, e) = block(&lines, at);
                let mut text: String = lines[s..=e].iter().map(|l| format!("{l}\n")).collect();
                text = text.replacen("livenessProbe:", "readinessProbe:", 1);
                inserts.push((at, text));
                continue;
            }
            let port = c
                .get("ports")
                .and_then(|p| p.seq().first())
                .and_then(|p| p.get("containerPort"))
                .and_then(Tree::scalar);
            let Some(port) = port else {
                by_hand.push(format!(
                    "{path}:{}: container {cname} declares no livenessProbe and no containerPort",
                    c.line()
                ));
                continue;
            };
            // After the container's last line, at its keys' indent.
            let Some((first_key, _)) = c.map().first() else {
                continue;
            };
            let key_line = lines[first_key.line().saturating_sub(1) as usize];
            let ind = if key_line.trim_start().starts_with("- ") {
                indent_of(key_line) + 2
            } else {
                indent_of(key_line)
            };
            let last_key = c.map().last().map_or(first_key.line(), |(k, _)| k.line());
            let (_, e) = block(&lines, last_key.saturating_sub(1) as usize);
            let p = " ".repeat(ind);
            inserts.push((
                e + 1,
                format!("{p}readinessProbe:\n{p}  tcpSocket:\n{p}    port: {port}\n"),
            ));
        }
    }
    if inserts.is_empty() {
        return Ok((None, by_hand));
    }
    inserts.sort_by_key(|(i, _)| *i);
    let mut out = String::with_capacity(old.len() + 256);
    let src: Vec<&str> = old.split_inclusive('\n').collect();
    let mut next = inserts.iter().peekable();
    for (i, l) in src.iter().enumerate() {
        while let Some((at, text)) = next.peek()
            && *at == i
        {
            out.push_str(text);
            next.next();
        }
        out.push_str(l);
    }
    for (_, text) in next {
        if !out.ends_with('\n') {
            out.push('\n');
        }
        out.push_str(text);
    }
    // Read back: still YAML, and every workload now has its probe.
    let back = node::parse_multi(&out).map_err(|e| {
        anyhow::anyhow!(
            "{path}: adding a readinessProbe broke the YAML ({}); add it by hand",
            e.message
        )
    })?;
    let probes = back
        .iter()
        .flat_map(|d| {
            d.get("spec")
                .and_then(|s| s.get("template"))
                .and_then(|t| t.get("spec"))
                .and_then(|s| s.get("containers"))
                .map(Tree::seq)
                .unwrap_or(&[])
        })
        .filter(|c| c.has("readinessProbe"))
        .count();
    if probes == 0 {
        anyhow::bail!("{path}: could not place a readinessProbe; add it by hand");
    }
    let n = inserts.len();
    Ok((
        Some(Planned::merge(
            path,
            out,
            &format!("added {n} readinessProbe{}", if n == 1 { "" } else { "s" }),
        )),
        by_hand,
    ))
}
