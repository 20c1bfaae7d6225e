//! `health`: health endpoints merged into readyctl.yaml (as text: the
//! user's lines stay), and readiness probes for the workloads that lack one.

use anyhow::bail;
use serde_json::json;

use super::config::{EndpointOut, config_values, endpoints};
use super::{Options, read_text};
use crate::scaffold::context::RepoContext;
use crate::scaffold::files::Files;
use crate::scaffold::render;
use crate::scaffold::write::Planned;

pub(super) fn plan(
    ctx: &RepoContext,
    files: &Files,
    _opts: &Options,
) -> anyhow::Result<Vec<Planned>> {
    let mut out = vec![health(ctx, files)?];
    out.extend(readiness_probes(ctx, files)?);
    Ok(out)
}

fn health(ctx: &RepoContext, files: &Files) -> anyhow::Result<Planned> {
    let found = crate::config::CONFIG_NAMES
        .iter()
        .find(|n| files.exists(n))
        .copied();
    let eps = endpoints(ctx, true);
    let Some(path) = found else {
        let text = render("config.yaml.j2", config_values(ctx, eps))?;
        crate::config::parse("readyctl.yaml", &text).map_err(|e| {
            anyhow::anyhow!("internal error: scaffolded config does not parse: {e}")
        })?;
        return Ok(Planned::create("readyctl.yaml", text));
    };
    let old = read_text(files, path)?.unwrap_or_default();
    let parsed = crate::config::parse(path, &old)
        .map_err(|e| anyhow::anyhow!("{e} (fix it before scaffolding health)"))?;
    if !parsed.health.endpoints.is_empty() {
        return Ok(Planned::merge(
            path,
            old,
            "already declares health endpoints",
        ));
    }
    let new = merge_health(&old, &eps)?;
    crate::config::parse(path, &new).map_err(|e| {
        anyhow::anyhow!("cannot merge health endpoints into {path} as text ({e}); add them by hand")
    })?;
    Ok(Planned::merge(
        path,
        new,
        &format!(
            "added {} health endpoint{}",
            eps.len(),
            if eps.len() == 1 { "" } else { "s" }
        ),
    ))
}

/// Readiness probes for the workloads behind a Service that lack one
/// (`health.declared` fails on them whatever readyctl.yaml declares).
fn readiness_probes(ctx: &RepoContext, files: &Files) -> anyhow::Result<Vec<Planned>> {
    let mut manifests: Vec<(&str, Vec<u32>)> = Vec::new();
    for u in &ctx.unready {
        match manifests.iter_mut().find(|(p, _)| *p == u.path) {
            Some((_, lines)) => lines.push(u.line),
            None => manifests.push((&u.path, vec![u.line])),
        }
    }
    let mut out = Vec::new();
    for (path, lines) in manifests {
        let (planned, by_hand) = match crate::scaffold::probes::add(files, path, &lines) {
            Ok(x) => x,
            Err(e) => (None, vec![e.to_string()]),
        };
        for b in by_hand {
            println!("  still to fix by hand: health.declared: {b}");
        }
        out.extend(planned);
    }
    Ok(out)
}

/// Add `endpoints:` to the `health:` section of a readyctl.yaml, as text:
/// every other line stays as the user wrote it.
fn merge_health(old: &str, eps: &[EndpointOut]) -> anyhow::Result<String> {
    let block = |indent: usize| -> anyhow::Result<String> {
        let rendered = render("health-endpoints.yaml.j2", json!({"endpoints": eps}))?;
        // The partial is written for an indent of 2.
        Ok(rendered
            .lines()
            .map(|l| {
                let l = l.strip_prefix("  ").unwrap_or(l);
                format!("{}{l}\n", " ".repeat(indent))
            })
            .collect())
    };
    let lines: Vec<&str> = old.split_inclusive('\n').collect();
    let top = |l: &str| !l.starts_with([' ', '\t', '#', '\n', '\r']) && !l.trim().is_empty();
    let Some(start) = lines
        .iter()
        .position(|l| l.starts_with("health:") && top(l))
    else {
        let mut new = old.to_string();
        if !new.is_empty() && !new.ends_with('\n') {
            new.push('\n');
        }
        if !new.trim().is_empty() {
            new.push('\n');
        }
        new.push_str("health:\n");
        new.push_str(&block(2)?);
        return Ok(new);
    };
    let rest = lines[start]["health:".len()..].trim();
    if !(rest.is_empty() || rest.starts_with('#')) {
        bail!("`health:` is written inline ({rest}); add `endpoints:` by hand");
    }
    let end = lines[start + 1..]
        .iter()
        .position(|l| top(l))
        .map_or(lines.len(), |i| start + 1 + i);
    let children: Vec<usize> = (start + 1..end)
        .filter(|&i| {
            let t = lines[i].trim_start();
            !t.is_empty() && !t.starts_with('#')
        })
        .collect();
    let indent = children
        .first()
        .map(|&i| lines[i].len() - lines[i].trim_start().len())
        .unwrap_or(2);
    let mut out = String::new();
    // An existing empty `endpoints:` line is replaced, not duplicated.
    let empty_key = children.iter().copied().find(|&i| {
        let t = lines[i].trim();
        let ind = lines[i].len() - lines[i].trim_start().len();
        ind == indent
            && t.strip_prefix("endpoints:").is_some_and(|r| {
                let r = r.split('#').next().unwrap_or("").trim();
                r.is_empty() || r == "[]" || r == "~" || r == "null"
            })
    });
    let insert_after = children.last().copied().unwrap_or(start);
    for (i, l) in lines.iter().enumerate() {
        if Some(i) == empty_key {
            out.push_str(&block(indent)?);
            continue;
        }
        out.push_str(l);
        if i == insert_after && empty_key.is_none() {
            if !l.ends_with('\n') {
                out.push('\n');
            }
            out.push_str(&block(indent)?);
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn health_merge_keeps_user_lines() {
        let eps = vec![EndpointOut {
            name: "api".into(),
            url: "http://localhost:8080/healthz".into(),
            comment: "c".into(),
        }];
        let old = "version: 1\nhealth:\n    timeout: 3s # fast\n\nsecrets:\n  allow_paths: []\n";
        let new = merge_health(old, &eps).unwrap();
        assert!(new.starts_with("version: 1\nhealth:\n    timeout: 3s # fast\n    endpoints:\n"));
        assert!(new.ends_with("\nsecrets:\n  allow_paths: []\n"), "{new}");
        let c = crate::config::parse("readyctl.yaml", &new).unwrap();
        assert_eq!(c.health.endpoints.len(), 1);

        let old = "health:\n  endpoints: []\n  retries: 1\n";
        let new = merge_health(old, &eps).unwrap();
        let c = crate::config::parse("readyctl.yaml", &new).unwrap();
        assert_eq!(c.health.endpoints.len(), 1);
        assert_eq!(c.health.retries, Some(1));

        assert!(merge_health("health: {timeout: 5s}\n", &eps).is_err());
    }
}
