//! What a scaffold reads: the repository's index — the files `check` sees,
//! each read once — plus the files this run has already written, so that a
//! kind planned after another sees what that one wrote. The scaffold never
//! opens, lists or stats a file itself; [`super::write`] is the one place
//! that touches the disk, for the file it replaces.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::path::Path;

use crate::repo::index::{Content, Index, MAX_TEXT_BYTES};

/// The repository as the scaffold sees it.
pub struct Files<'a> {
    index: &'a Index,
    /// Written by this run, by relative path (newer than the index).
    written: BTreeMap<String, String>,
}

/// Why an indexed file cannot be read as text to edit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unusable {
    /// Not valid UTF-8: editing it as text would change its bytes.
    NotUtf8,
    Binary,
    TooLarge(u64),
    /// The read failed (the error).
    Unreadable(String),
}

impl fmt::Display for Unusable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Unusable::NotUtf8 => f.write_str("not valid UTF-8"),
            Unusable::Binary => f.write_str("binary content"),
            Unusable::TooLarge(n) => write!(
                f,
                "{n} bytes, over the {} KiB cap; not read",
                MAX_TEXT_BYTES / 1024
            ),
            Unusable::Unreadable(e) => f.write_str(e),
        }
    }
}

impl<'a> Files<'a> {
    pub fn new(index: &'a Index) -> Files<'a> {
        Files {
            index,
            written: BTreeMap::new(),
        }
    }

    /// The repository root (for matching paths; never opened here).
    pub fn root(&self) -> &Path {
        &self.index.root
    }

    /// Record that this run wrote `content` to `path`.
    pub fn wrote(&mut self, path: &str, content: &str) {
        self.written.insert(path.to_string(), content.to_string());
    }

    /// Is there a file at `path` (relative, `/`-separated)?
    pub fn exists(&self, path: &str) -> bool {
        self.written.contains_key(path) || self.index.get(path).is_some()
    }

    /// The text of the file at `path`, to edit: `None` when there is none;
    /// an error when it cannot be edited as text without losing bytes.
    pub fn text(&self, path: &str) -> Result<Option<&str>, Unusable> {
        if let Some(t) = self.written.get(path) {
            return Ok(Some(t));
        }
        let Some(f) = self.index.get(path) else {
            return Ok(None);
        };
        match f.content() {
            Content::Text(_) if f.is_lossy() => Err(Unusable::NotUtf8),
            Content::Text(t) => Ok(Some(t)),
            Content::Binary => Err(Unusable::Binary),
            Content::TooLarge => Err(Unusable::TooLarge(f.size)),
            Content::Unreadable(e) => Err(Unusable::Unreadable(e.clone())),
        }
    }

    /// The names directly in `dir` (`""` or `.` for the root): its files,
    /// and its subdirectories that hold files; sorted.
    pub fn names_in(&self, dir: &str) -> Vec<String> {
        let dir = dir.trim_matches('/');
        let prefix = if dir.is_empty() || dir == "." {
            String::new()
        } else {
            format!("{dir}/")
        };
        let paths = self
            .index
            .files()
            .iter()
            .map(|f| f.path.as_str())
            .chain(self.written.keys().map(String::as_str));
        let names: BTreeSet<&str> = paths
            .filter_map(|p| p.strip_prefix(prefix.as_str()))
            .filter_map(|rest| rest.split('/').next())
            .filter(|n| !n.is_empty())
            .collect();
        names.into_iter().map(str::to_string).collect()
    }

    /// `name` in `dir` as a relative path (`dir` `""` or `.`: the root).
    pub fn join(dir: &str, name: &str) -> String {
        let dir = dir.trim_matches('/');
        if dir.is_empty() || dir == "." {
            name.to_string()
        } else {
            format!("{dir}/{name}")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_index_and_what_the_run_wrote() {
        let dir = tempfile::tempdir().expect("tempdir");
        let put = |rel: &str, bytes: &[u8]| {
            let p = dir.path().join(rel);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, bytes).unwrap();
        };
        put(".gitignore", b"target/\n");
        put("docs/adr/0001-a.md", b"# A\n");
        put("docs/adr/0002-assets/x.png", b"\x89PNG\0");
        put("bad.txt", b"ok\n\xff\xfe\n");
        let index = Index::build(dir.path()).expect("index");
        let mut files = Files::new(&index);
        assert_eq!(files.text(".gitignore"), Ok(Some("target/\n")));
        assert_eq!(files.text("missing"), Ok(None));
        assert_eq!(files.text("bad.txt"), Err(Unusable::NotUtf8));
        assert_eq!(
            files.text("docs/adr/0002-assets/x.png"),
            Err(Unusable::Binary)
        );
        assert!(!files.exists("readyctl.yaml"));
        assert_eq!(files.names_in("docs/adr"), ["0001-a.md", "0002-assets"]);
        assert_eq!(files.names_in("."), files.names_in(""));
        assert!(files.names_in("").contains(&"docs".to_string()));

        files.wrote("readyctl.yaml", "version: 1\n");
        files.wrote("docs/adr/0003-b.md", "# B\n");
        assert!(files.exists("readyctl.yaml"));
        assert_eq!(files.text("readyctl.yaml"), Ok(Some("version: 1\n")));
        assert_eq!(
            files.names_in("docs/adr/"),
            ["0001-a.md", "0002-assets", "0003-b.md"]
        );
        assert_eq!(Files::join(".", "main.tf"), "main.tf");
        assert_eq!(Files::join("infra", "main.tf"), "infra/main.tf");
    }
}
