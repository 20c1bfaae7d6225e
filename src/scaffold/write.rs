//! Applying a plan safely: never overwrite without `--force`, show a diff
//! instead of writing with `--dry-run`, write atomically, and change nothing
//! when the file already holds what would be written.

use std::path::Path;

use anyhow::Context as _;

/// A file a scaffold wants to write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Planned {
    /// Relative to the root, `/`-separated.
    pub path: String,
    /// The full new content.
    pub content: String,
    /// A merge into an existing file (keeps the user's content), which needs
    /// no `--force`.
    pub merge: bool,
    /// What the merge did, for the message.
    pub note: Option<String>,
}

impl Planned {
    pub fn create(path: impl Into<String>, content: String) -> Planned {
        Planned {
            path: path.into(),
            content,
            merge: false,
            note: None,
        }
    }

    pub fn merge(path: impl Into<String>, content: String, note: &str) -> Planned {
        Planned {
            path: path.into(),
            content,
            merge: true,
            note: Some(note.to_string()),
        }
    }
}

/// What happened to one planned file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Created,
    Overwritten,
    Merged,
    /// The file already holds exactly this content.
    Unchanged,
    /// The file exists and differs; `--force` was not given.
    Skipped,
    WouldCreate,
    WouldChange,
}

#[derive(Debug, Clone)]
pub struct Applied {
    pub path: String,
    pub status: Status,
    pub note: Option<String>,
    /// The unified diff (dry run).
    pub diff: Option<String>,
}

impl Applied {
    /// The line printed for this file.
    pub fn message(&self) -> String {
        let p = &self.path;
        let note = self
            .note
            .as_deref()
            .map(|n| format!(" ({n})"))
            .unwrap_or_default();
        match self.status {
            Status::Created => format!("wrote {p}"),
            Status::Overwritten => format!("overwrote {p}"),
            Status::Merged => format!("updated {p}{note}"),
            Status::Unchanged => format!("{p} is up to date{note}"),
            Status::Skipped => format!("{p} exists, skipped (use --force)"),
            Status::WouldCreate => format!("would write {p}"),
            Status::WouldChange => format!("would update {p}{note}"),
        }
    }

    /// Did (or would) this change a file?
    pub fn changed(&self) -> bool {
        matches!(
            self.status,
            Status::Created | Status::Overwritten | Status::Merged
        )
    }
}

/// A unified diff from `old` (None: no file) to `new`.
pub fn diff(path: &str, old: Option<&str>, new: &str) -> String {
    let before = old.unwrap_or("");
    let d = similar::TextDiff::from_lines(before, new);
    let from = if old.is_some() {
        format!("a/{path}")
    } else {
        "/dev/null".to_string()
    };
    d.unified_diff()
        .context_radius(3)
        .header(&from, &format!("b/{path}"))
        .to_string()
}

/// Apply one planned file under `root`.
pub fn apply(root: &Path, p: &Planned, force: bool, dry_run: bool) -> anyhow::Result<Applied> {
    let rel = Path::new(&p.path);
    if rel.as_os_str().is_empty()
        || rel
            .components()
            .any(|c| !matches!(c, std::path::Component::Normal(_)))
    {
        anyhow::bail!(
            "{}: refusing to write outside the repository (the path must be relative, without `..`)",
            p.path
        );
    }
    // Never through a symlinked directory (`docs -> /elsewhere`): every
    // directory on the way must be a real directory inside the root.
    let mut dir = root.to_path_buf();
    for c in rel.parent().into_iter().flat_map(|p| p.components()) {
        dir.push(c);
        if let Ok(m) = std::fs::symlink_metadata(&dir)
            && !m.is_dir()
        {
            anyhow::bail!(
                "{}: refusing to write through {} (a symbolic link or not a directory)",
                p.path,
                dir.strip_prefix(root).unwrap_or(&dir).display()
            );
        }
    }
    let abs = root.join(rel);
    let meta = std::fs::symlink_metadata(&abs).ok();
    let old = match &meta {
        None => None,
        Some(m) if m.is_dir() => anyhow::bail!("{}: is a directory", p.path),
        // A symlink is compared through its target but never written through.
        Some(m) if m.file_type().is_symlink() => Some(
            crate::repo::safe_fs::read_regular_text(&abs, crate::repo::safe_fs::MAX_BYTES).ok(),
        ),
        // A FIFO, device or socket is neither read nor replaced.
        Some(m) if !m.is_file() => anyhow::bail!(
            "{}: not a regular file (a FIFO, device or socket); not touched",
            p.path
        ),
        Some(_) => {
            let bytes = crate::repo::safe_fs::read_regular(&abs, crate::repo::safe_fs::MAX_BYTES)
                .with_context(|| format!("{}: cannot read", p.path))?;
            Some(String::from_utf8(bytes).ok())
        }
    };
    let done = |status, diff| Applied {
        path: p.path.clone(),
        status,
        note: p.note.clone(),
        diff,
    };
    if let Some(Some(text)) = &old
        && *text == p.content
    {
        return Ok(done(Status::Unchanged, None));
    }
    let exists = old.is_some();
    let symlink = meta.as_ref().is_some_and(|m| m.file_type().is_symlink());
    // A merge only ever reads a file as text and adds to it; anything else
    // that is in the way (a different file, a symlink that writing would
    // replace) is left alone unless forced.
    if exists && !force && (!p.merge || symlink) {
        return Ok(done(Status::Skipped, None));
    }
    if dry_run {
        let before = old.as_ref().and_then(|o| o.as_deref());
        let status = if exists {
            Status::WouldChange
        } else {
            Status::WouldCreate
        };
        return Ok(done(status, Some(diff(&p.path, before, &p.content))));
    }
    crate::repo::safe_fs::write_atomic(&abs, p.content.as_bytes())
        .with_context(|| format!("{}: cannot write", p.path))?;
    let status = match (exists, p.merge) {
        (false, _) => Status::Created,
        (true, true) => Status::Merged,
        (true, false) => Status::Overwritten,
    };
    Ok(done(status, None))
}
