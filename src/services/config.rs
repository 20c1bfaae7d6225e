//! A service's configuration: its own `readyctl.yaml` merged over the
//! root's (SPEC §12b).
//!
//! Each file is parsed and validated on its own first, so that an error
//! names the file and line it is in. The merge then works on the parsed
//! YAML values: mappings merge key by key (the service's value wins),
//! anything else (scalars, lists) is replaced by the service's value. The
//! merged value goes through the one config parser again.

use std::path::Path;

use serde_json::Value;

use crate::check::Registry;
use crate::config::{self, ConfigError, LoadedConfig};

fn read(path: &Path, shown: &str) -> Result<String, ConfigError> {
    let bytes =
        crate::repo::safe_fs::read_regular(path, crate::repo::safe_fs::MAX_BYTES).map_err(|e| {
            ConfigError {
                file: shown.to_string(),
                line: None,
                column: None,
                message: format!("cannot read: {e}"),
            }
        })?;
    String::from_utf8(bytes).map_err(|_| ConfigError {
        file: shown.to_string(),
        line: None,
        column: None,
        message: "not valid UTF-8".into(),
    })
}

fn value(file: &str, text: &str) -> Result<Value, ConfigError> {
    if text.trim().is_empty() {
        return Ok(Value::Object(Default::default()));
    }
    crate::views::yaml::from_str::<Value>(text).map_err(|e| ConfigError {
        file: file.to_string(),
        line: e.line,
        column: e.column,
        message: e.message,
    })
}

/// Merge `over` into `base`: mappings key by key, anything else replaced.
pub fn merge(base: &mut Value, over: Value) {
    match (base, over) {
        (Value::Object(b), Value::Object(o)) => {
            for (k, v) in o {
                match b.get_mut(&k) {
                    Some(slot) => merge(slot, v),
                    None => {
                        b.insert(k, v);
                    }
                }
            }
        }
        (slot, v) => *slot = v,
    }
}

/// The configuration of the service at `dir` (relative to `root`): the
/// root's configuration, with the service's `readyctl.yaml` (if any)
/// merged over it.
pub fn load(
    root: &Path,
    root_cfg: &LoadedConfig,
    dir: &str,
    registry: &Registry,
) -> Result<LoadedConfig, ConfigError> {
    let root_text = match &root_cfg.path {
        Some(p) => read(p, root_cfg.file_name())?,
        None => String::new(),
    };
    let own = config::CONFIG_NAMES
        .iter()
        .map(|n| (root.join(dir).join(n), format!("{dir}/{n}")))
        .find(|(p, _)| p.is_file());
    let Some((own_path, own_shown)) = own else {
        // No file of its own: the root's, parsed from its own text (so that
        // lines cited from it are the file's), without its `services`.
        let mut config = config::parse(root_cfg.file_name(), &root_text)?;
        config.services.clear();
        return Ok(LoadedConfig {
            config,
            file: root_cfg.file.clone(),
            path: root_cfg.path.clone(),
        });
    };
    let own_text = read(&own_path, &own_shown)?;
    // Alone first: errors name the service's file and line.
    let alone = config::parse(&own_shown, &own_text)?;
    if let Some(first) = alone.services.first() {
        return Err(ConfigError::at(
            &own_shown,
            first,
            "services: a service's readyctl.yaml cannot declare services of its own",
        ));
    }
    crate::check::validate_config(
        &LoadedConfig {
            config: alone,
            file: Some(own_shown.clone()),
            path: Some(own_path.clone()),
        },
        registry,
    )?;
    let mut base = value(root_cfg.file_name(), &root_text)?;
    if let Value::Object(m) = &mut base {
        m.remove("services");
    }
    let own_value = value(&own_shown, &own_text)?;
    // When the two files share no top-level key but `version`, the service's
    // text is kept as written and the root's keys are added after it: every
    // line cited from the service's own keys is the line in its file.
    if let (Value::Object(b), Value::Object(o)) = (&base, &own_value)
        && !b.keys().any(|k| k != "version" && o.contains_key(k))
    {
        let rest: serde_json::Map<String, Value> = b
            .iter()
            .filter(|(k, _)| !o.contains_key(*k))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        let mut text = own_text.clone();
        if !rest.is_empty() {
            if !text.ends_with('\n') {
                text.push('\n');
            }
            text.push_str(&to_yaml(&own_shown, &Value::Object(rest))?);
        }
        let config = config::parse(&own_shown, &text)?;
        return Ok(LoadedConfig {
            config,
            file: Some(own_shown),
            path: Some(own_path),
        });
    }
    merge(&mut base, own_value);
    reparse(&own_shown, Some(own_path), &base)
}

fn to_yaml(shown: &str, v: &Value) -> Result<String, ConfigError> {
    serde_saphyr::to_string(v).map_err(|e| ConfigError {
        file: shown.to_string(),
        line: None,
        column: None,
        message: format!("cannot merge with the root configuration: {e}"),
    })
}

fn reparse(
    shown: &str,
    path: Option<std::path::PathBuf>,
    merged: &Value,
) -> Result<LoadedConfig, ConfigError> {
    let text = to_yaml(shown, merged)?;
    let config = config::parse(shown, &text)?;
    Ok(LoadedConfig {
        config,
        file: Some(shown.to_string()),
        path,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mappings_merge_and_the_rest_is_replaced() {
        let mut base: Value = serde_json::json!({
            "checks": {"skip": ["a.b"], "severity": {"x.y": "error"}},
            "health": {"timeout": "5s"}
        });
        merge(
            &mut base,
            serde_json::json!({"checks": {"skip": ["c.d"]}, "checklist": "READY.md"}),
        );
        assert_eq!(
            base,
            serde_json::json!({
                "checks": {"skip": ["c.d"], "severity": {"x.y": "error"}},
                "health": {"timeout": "5s"},
                "checklist": "READY.md"
            })
        );
    }
}
