//! Package manifests: the name a project gives itself and the scripts it
//! declares, read with the right parser for each — `Cargo.toml` and
//! `pyproject.toml` with the `toml` crate, `package.json` through the JSON
//! view, `go.mod` by its `module` directive (go.mod is line-oriented: each
//! directive is a line, the module path its second token).

use std::sync::Arc;

use crate::repo::index::Index;

/// A TOML file's table, parsed once per index (`None`: absent or invalid).
fn toml_table(index: &Index, path: &str) -> Option<Arc<toml::Table>> {
    #[derive(Default)]
    struct Tables(std::sync::Mutex<std::collections::HashMap<String, Option<Arc<toml::Table>>>>);
    let f = index.get(path)?;
    let tables = index.view(|_| Tables::default());
    let mut map = tables.0.lock().unwrap_or_else(|p| p.into_inner());
    map.entry(path.to_string())
        .or_insert_with(|| {
            f.text()
                .and_then(|t| t.parse::<toml::Table>().ok())
                .map(Arc::new)
        })
        .clone()
}

/// The string at `keys` (a path of tables) of a TOML file.
fn toml_str(index: &Index, path: &str, keys: &[&str]) -> Option<String> {
    let table = toml_table(index, path)?;
    let mut v: &toml::Value = table.get(keys[0])?;
    for k in &keys[1..] {
        v = v.get(k)?;
    }
    v.as_str().filter(|s| !s.is_empty()).map(str::to_string)
}

/// The project's own name and the manifest it comes from: `Cargo.toml`
/// `[package] name`, `package.json` `name` (without its npm scope),
/// `pyproject.toml` `[project]` or `[tool.poetry]` `name`, or the last
/// element of `go.mod`'s module path; in that order.
pub fn project_name(index: &Index) -> Option<(String, &'static str)> {
    if let Some(n) = toml_str(index, "Cargo.toml", &["package", "name"]) {
        return Some((n, "Cargo.toml"));
    }
    if let Some(f) = index.get("package.json")
        && let Some(doc) = super::json::document(index, f)
        && let Ok(v) = doc.as_ref()
        && let Some(n) = v.get("name").and_then(|n| n.as_str())
        && !n.is_empty()
    {
        let n = n.rsplit('/').next().unwrap_or(n);
        return Some((n.to_string(), "package.json"));
    }
    if let Some(n) = toml_str(index, "pyproject.toml", &["project", "name"])
        .or_else(|| toml_str(index, "pyproject.toml", &["tool", "poetry", "name"]))
    {
        return Some((n, "pyproject.toml"));
    }
    let module = index.get("go.mod").and_then(|f| f.text()).and_then(|t| {
        t.lines().find_map(|l| {
            let mut words = l.split_whitespace();
            (words.next() == Some("module"))
                .then(|| words.next())
                .flatten()
                .map(|m| m.trim_matches('"').to_string())
        })
    })?;
    let last = module.rsplit('/').next().unwrap_or(&module);
    (!last.is_empty()).then(|| (last.to_string(), "go.mod"))
}

/// The script names of the `package.json` at `path` (npm's default `test`
/// script, which only fails, does not count).
pub fn package_scripts(index: &Index, path: &str) -> Vec<String> {
    let Some(doc) = index
        .get(path)
        .and_then(|f| super::json::document(index, f))
    else {
        return Vec::new();
    };
    let Ok(v) = doc.as_ref() else {
        return Vec::new();
    };
    v.get("scripts")
        .and_then(|s| s.as_object())
        .map(|m| {
            m.iter()
                .filter(|(_, cmd)| {
                    cmd.as_str()
                        .is_some_and(|c| !c.contains("no test specified") && !c.trim().is_empty())
                })
                .map(|(k, _)| k.clone())
                .collect()
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn index(files: &[(&str, &str)]) -> (tempfile::TempDir, Index) {
        let dir = tempfile::tempdir().expect("tempdir");
        for (p, t) in files {
            std::fs::write(dir.path().join(p), t).expect("write");
        }
        let index = Index::build(dir.path()).expect("index");
        (dir, index)
    }

    #[test]
    fn names_come_from_the_right_table() {
        let (_d, i) = index(&[(
            "Cargo.toml",
            "[workspace]\nmembers = [\"a\"]\n[package]\nversion = \"1\"\nname = \"payments\"\n",
        )]);
        assert_eq!(project_name(&i), Some(("payments".into(), "Cargo.toml")));
        let (_d, i) = index(&[
            ("Cargo.toml", "[dependencies]\nname = \"x\"\n"),
            ("pyproject.toml", "[tool.poetry]\nname = \"billing\"\n"),
        ]);
        assert_eq!(project_name(&i), Some(("billing".into(), "pyproject.toml")));
        let (_d, i) = index(&[("package.json", "{\"name\": \"@acme/cart\"}")]);
        assert_eq!(project_name(&i), Some(("cart".into(), "package.json")));
        let (_d, i) = index(&[("go.mod", "// c\nmodule github.com/acme/orders\n\ngo 1.22\n")]);
        assert_eq!(project_name(&i), Some(("orders".into(), "go.mod")));
        let (_d, i) = index(&[("Cargo.toml", "[package\nname = \"broken\"\n")]);
        assert_eq!(project_name(&i), None);
    }

    #[test]
    fn npm_default_test_script_does_not_count() {
        let (_d, i) = index(&[(
            "package.json",
            r#"{"scripts": {"test": "echo \"Error: no test specified\" && exit 1", "lint": "eslint ."}}"#,
        )]);
        assert_eq!(
            package_scripts(&i, "package.json"),
            vec!["lint".to_string()]
        );
    }
}
