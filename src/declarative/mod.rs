//! Declarative checks: YAML files in `checks/` (built in) and
//! `.readyctl/checks/` (the repository's own), same format.
//!
//! A check file holds one check per YAML document (see `docs/custom-checks.md`
//! and [`format::CheckDef`]). Everything that can be wrong with a check file —
//! unknown keys, a bad regex, glob, path or id, an empty explain section — is
//! reported at load with its file:line:column (exit 2), never at run time.

pub mod format;
pub mod node;
pub mod rules;

use std::collections::HashMap;
use std::path::Path;

use crate::check::{Check, CheckMeta, Context, Explain, Outcome};
use crate::config::LoadedConfig;
use crate::findings::Status;
use format::CheckDef;
use rules::{Compiled, LoadError};

/// The built-in declarative checks (`checks/*.yaml`), compiled into the binary.
pub const BUILTIN: &[(&str, &str)] = &[
    ("checks/ci.yaml", include_str!("../../checks/ci.yaml")),
    (
        "checks/terraform.yaml",
        include_str!("../../checks/terraform.yaml"),
    ),
];

/// Where a repository keeps its own checks.
pub const USER_DIR: &str = ".readyctl/checks";
/// Where a repository keeps templates its checks' `fix.scaffold` names.
pub const SCAFFOLD_DIR: &str = ".readyctl/scaffolds";

/// A check declared in YAML.
pub struct DeclarativeCheck {
    meta: CheckMeta,
    rule: Compiled,
    /// The check does not apply when this passes (`skip_if`).
    skip_if: Option<(Compiled, String)>,
}

impl Check for DeclarativeCheck {
    fn meta(&self) -> &CheckMeta {
        &self.meta
    }

    fn run(&self, ctx: &Context) -> Outcome {
        if let Some((rule, why)) = &self.skip_if {
            let r = rule.eval(ctx);
            match r.status {
                Status::Pass => return Outcome::skip(format!("{why} ({})", r.message)),
                Status::Error => return r,
                Status::Fail | Status::Skip => {}
            }
        }
        let mut outcome = self.rule.eval(ctx);
        // A finding with no location that only repeats the message adds nothing.
        let message = &outcome.message;
        outcome
            .findings
            .retain(|f| f.path.is_some() || !message.contains(&f.message));
        outcome
    }
}

/// The built-in declarative checks (`checks/*.yaml`, compiled in).
pub fn builtin() -> anyhow::Result<Vec<Box<dyn Check>>> {
    Ok(builtin_loaded()?
        .into_iter()
        .map(|c| Box::new(c) as Box<dyn Check>)
        .collect())
}

fn builtin_loaded() -> anyhow::Result<Vec<DeclarativeCheck>> {
    let mut out = Vec::new();
    for (name, text) in BUILTIN {
        for mut c in
            parse_file(name, text, None).map_err(|e| anyhow::anyhow!("built-in check file {e}"))?
        {
            c.meta.source = "builtin".to_string();
            out.push(c);
        }
    }
    Ok(out)
}

/// The declarative checks for a run on `root`: built-in ones and the
/// repository's own.
pub fn load(root: &Path, config: &LoadedConfig) -> anyhow::Result<Vec<Box<dyn Check>>> {
    let mut out: Vec<Box<dyn Check>> = Vec::new();
    // id → where it was defined, for duplicate errors that name both places.
    let mut seen: HashMap<String, String> = HashMap::new();
    for c in builtin_loaded()? {
        seen.insert(c.meta.id.clone(), "a built-in check".to_string());
        out.push(Box::new(c));
    }

    let mut dirs: Vec<(String, bool)> = vec![(USER_DIR.to_string(), false)];
    for p in &config.config.checks.paths {
        let p = p.trim_end_matches('/').to_string();
        if !dirs.iter().any(|(d, _)| *d == p) {
            dirs.push((p, true));
        }
    }
    for (dir, required) in dirs {
        let abs = root.join(&dir);
        if !abs.is_dir() {
            if required {
                anyhow::bail!(
                    "{}: checks.paths: `{dir}` is not a directory under {}",
                    config.file_name(),
                    root.display()
                );
            }
            continue;
        }
        let mut files: Vec<_> = std::fs::read_dir(&abs)
            .map_err(|e| anyhow::anyhow!("{dir}: cannot read: {e}"))?
            .filter_map(|e| e.ok())
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "yaml" || x == "yml") && p.is_file())
            .collect();
        files.sort();
        for path in files {
            let shown = format!(
                "{dir}/{}",
                path.file_name().unwrap_or_default().to_string_lossy()
            );
            let bytes = crate::repo::safe_fs::read_regular(&path, crate::repo::safe_fs::MAX_BYTES)
                .map_err(|e| anyhow::anyhow!("{shown}: cannot read: {e}"))?;
            let text = String::from_utf8(bytes)
                .map_err(|_| anyhow::anyhow!("{shown}: not valid UTF-8"))?;
            for c in parse_file(&shown, &text, Some(root)).map_err(anyhow::Error::msg)? {
                if let Some(prev) = seen.get(&c.meta.id) {
                    anyhow::bail!(
                        "{}: check id `{}` is already defined by {prev}",
                        c.meta.source,
                        c.meta.id
                    );
                }
                seen.insert(c.meta.id.clone(), c.meta.source.clone());
                out.push(Box::new(c));
            }
        }
    }
    Ok(out)
}

/// Parse and validate one check file; errors read `file:line:column: message`.
/// `root` is the repository (None for built-in files).
pub fn parse_file(
    shown: &str,
    text: &str,
    root: Option<&Path>,
) -> Result<Vec<DeclarativeCheck>, String> {
    let defs: Vec<serde_saphyr::Spanned<CheckDef>> =
        crate::views::yaml::from_str_multi(text).map_err(|e| e.in_file(shown))?;
    let mut out = Vec::new();
    let mut ids: HashMap<String, u64> = HashMap::new();
    for def in defs {
        let line = def.referenced.line();
        let check = build(&def.value, shown, root)
            .map_err(|e| format!("{shown}:{}:{}: {}", e.line, e.column, e.message))?;
        if let Some(prev) = ids.insert(check.meta.id.clone(), line) {
            return Err(format!(
                "{shown}:{}:{}: check id `{}` is already defined at line {prev}",
                def.value.id.referenced.line(),
                def.value.id.referenced.column(),
                check.meta.id
            ));
        }
        out.push(check);
    }
    if out.is_empty() {
        return Err(format!("{shown}: no check in this file"));
    }
    Ok(out)
}

/// Is `id` of the form `area.name`, lower case?
pub fn valid_id(id: &str) -> bool {
    let Some((area, name)) = id.split_once('.') else {
        return false;
    };
    let part = |s: &str| {
        s.chars()
            .next()
            .is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
            && s.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
    };
    area.chars().next().is_some_and(|c| c.is_ascii_lowercase()) && part(area) && part(name)
}

fn build(def: &CheckDef, shown: &str, root: Option<&Path>) -> Result<DeclarativeCheck, LoadError> {
    let id = def.id.value.trim();
    if !valid_id(id) {
        return Err(LoadError::at(
            &def.id,
            format!(
                "invalid check id `{}`: use `area.name`, lower case letters, digits, `-` or `_` (e.g. `myteam.security-md`)",
                def.id.value
            ),
        ));
    }
    if def.title.value.trim().is_empty() {
        return Err(LoadError::at(&def.title, "`title` is empty"));
    }
    let ex = &def.explain;
    for (name, s) in [
        ("what", &ex.what),
        ("why", &ex.why),
        ("fix", &ex.fix),
        ("example", &ex.example),
    ] {
        if s.value.trim().is_empty() {
            return Err(LoadError::at(
                s,
                format!(
                    "`explain.{name}` is empty: every check documents what, why, fix and example"
                ),
            ));
        }
    }
    let explain = Explain {
        what: ex.what.value.trim().to_string(),
        why: ex.why.value.trim().to_string(),
        fix: ex.fix.value.trim().to_string(),
        example: ex.example.value.trim().to_string(),
    };
    let mut scaffold = None;
    let mut hint = None;
    if let Some(fix) = &def.fix {
        hint = fix.hint.clone().filter(|h| !h.trim().is_empty());
        if let Some(s) = &fix.scaffold {
            let v = s.value.trim();
            if crate::scaffold::Kind::parse(v).is_none() {
                let rel = Path::new(v);
                let safe = !v.is_empty()
                    && rel.is_relative()
                    && rel
                        .components()
                        .all(|c| matches!(c, std::path::Component::Normal(_)));
                if !safe {
                    return Err(LoadError::at(
                        s,
                        format!(
                            "`fix.scaffold`: `{v}` must be a path relative to {SCAFFOLD_DIR}/ or a `readyctl scaffold` kind"
                        ),
                    ));
                }
                match root {
                    Some(root) if root.join(SCAFFOLD_DIR).join(rel).is_file() => {}
                    Some(_) => {
                        return Err(LoadError::at(
                            s,
                            format!(
                                "`fix.scaffold`: no template {SCAFFOLD_DIR}/{v} (and `{v}` is not a `readyctl scaffold` kind)"
                            ),
                        ));
                    }
                    None => {
                        return Err(LoadError::at(
                            s,
                            format!("`fix.scaffold`: `{v}` is not a `readyctl scaffold` kind"),
                        ));
                    }
                }
            }
            scaffold = Some(v.to_string());
        }
    }
    let fix_hint = hint.unwrap_or_else(|| {
        explain
            .fix
            .lines()
            .next()
            .unwrap_or_default()
            .trim()
            .to_string()
    });
    let rule = rules::compile(&def.rule, root.map(|_| shown))?;
    let skip_if = match &def.skip_if {
        Some(s) => Some((
            rules::compile(&s.rule, root.map(|_| shown))?,
            s.message.clone(),
        )),
        None => None,
    };
    Ok(DeclarativeCheck {
        meta: CheckMeta {
            id: id.to_string(),
            area: id.split('.').next().unwrap_or(id).to_string(),
            title: def.title.value.trim().to_string(),
            severity: def.severity,
            explain,
            fix_hint,
            scaffold,
            source: shown.to_string(),
        },
        rule,
        skip_if,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_files_load() {
        let mut ids = Vec::new();
        for (name, text) in BUILTIN {
            for c in parse_file(name, text, None).unwrap() {
                assert!(
                    c.meta.explain.missing_sections().is_empty(),
                    "{}",
                    c.meta.id
                );
                ids.push(c.meta.id.clone());
            }
        }
        ids.sort();
        assert_eq!(ids, ["ci.present", "terraform.present"]);
    }

    /// Every `checks/*.yaml` is built in (a new file must be added to `BUILTIN`).
    #[test]
    fn every_checks_file_is_builtin() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("checks");
        let mut on_disk: Vec<String> = std::fs::read_dir(&dir)
            .unwrap()
            .filter_map(|e| e.ok())
            .map(|e| e.path())
            .filter(|p| p.is_file() && p.extension().is_some_and(|x| x == "yaml" || x == "yml"))
            .map(|p| format!("checks/{}", p.file_name().unwrap().to_string_lossy()))
            .collect();
        on_disk.sort();
        let mut built_in: Vec<String> = BUILTIN.iter().map(|(n, _)| n.to_string()).collect();
        built_in.sort();
        assert_eq!(on_disk, built_in);
    }

    #[test]
    fn ids() {
        assert!(valid_id("myteam.security-md"));
        assert!(valid_id("a1.b_2"));
        assert!(!valid_id("MyTeam.x"));
        assert!(!valid_id("noarea"));
        assert!(!valid_id("a.b.c"));
        assert!(!valid_id(".x"));
        assert!(!valid_id("a."));
    }
}
