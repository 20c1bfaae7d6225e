//! One walk of the repository, building the index every check reads.
//!
//! Checks never walk the tree themselves. "Committed" content is what git
//! tracks plus what `git add -A` would add (every file not ignored); outside
//! git, every file not ignored. Symlinks are not followed (their targets
//! inside the root are indexed under their own path), so the walk can
//! neither leave the root nor loop. File contents are read lazily, once,
//! and shared by all checks.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

use globset::{GlobSet, GlobSetBuilder};

use crate::repo::roles::{Role, RoleCounts, Roles};

/// Files larger than this are indexed but their content is not read.
pub const MAX_TEXT_BYTES: u64 = 10 * 1024 * 1024;

/// How much of a file is looked at to decide whether it is binary.
const BINARY_SNIFF_BYTES: usize = 8000;

/// The name of readyctl's own ignore file, read like `.gitignore`.
pub const IGNORE_FILE: &str = ".readyctlignore";

#[derive(Debug)]
pub enum Content {
    /// Text, decoded lossily when it was not valid UTF-8.
    Text(String),
    Binary,
    TooLarge,
    Unreadable(String),
}

#[derive(Debug)]
pub struct FileEntry {
    /// Relative to the root, `/`-separated (lossy for non-UTF-8 names).
    pub path: String,
    pub abs: PathBuf,
    pub size: u64,
    /// Tracked by git (always true outside git).
    pub tracked: bool,
    /// The role by path alone (SPEC §9); see [`FileEntry::role`].
    path_role: Role,
    /// May the file's header still make it `generated`?
    header_applies: bool,
    role: OnceLock<Role>,
    /// Shared with the slices of the index ([`Index::slice`]): read once.
    /// The flag: was the text decoded lossily (not valid UTF-8)?
    content: Arc<OnceLock<(Content, bool)>>,
    markdown: Arc<OnceLock<Option<crate::views::markdown::Doc>>>,
}

impl FileEntry {
    fn new(path: String, abs: PathBuf, size: u64, tracked: bool) -> Self {
        FileEntry {
            path,
            abs,
            size,
            tracked,
            path_role: Role::Product,
            header_applies: true,
            role: OnceLock::new(),
            content: Arc::new(OnceLock::new()),
            markdown: Arc::new(OnceLock::new()),
        }
    }

    /// The same file under another relative path; content and parsed
    /// views are shared with `self`.
    fn renamed(&self, path: String) -> FileEntry {
        FileEntry {
            path,
            abs: self.abs.clone(),
            size: self.size,
            tracked: self.tracked,
            path_role: self.path_role,
            header_applies: self.header_applies,
            role: OnceLock::new(),
            content: Arc::clone(&self.content),
            markdown: Arc::clone(&self.markdown),
        }
    }

    /// The file's role (SPEC §9): by its path, and for product files whose
    /// head says they are generated, `generated` (reads the file once).
    pub fn role(&self) -> Role {
        *self.role.get_or_init(|| {
            if self.path_role == Role::Product
                && self.header_applies
                && self
                    .text()
                    .is_some_and(crate::repo::roles::generated_header)
            {
                Role::Generated
            } else {
                self.path_role
            }
        })
    }

    /// The file's role, as [`FileEntry::role`], deciding the header from
    /// `data` — the file's bytes, which the caller has just read — instead
    /// of reading the file again. A scan that reads every file anyway (the
    /// secret scan) gives each file its role this way, so that nothing
    /// reads it a second time (nor keeps it in memory) for its role.
    pub fn role_from(&self, data: &[u8]) -> Role {
        *self.role.get_or_init(|| {
            if self.path_role == Role::Product && self.header_applies && generated_head(data) {
                Role::Generated
            } else {
                self.path_role
            }
        })
    }

    /// Is the file part of the product (not vendored, test data, an example
    /// or generated)? Only product files count as evidence, and only their
    /// problems fail a check.
    pub fn is_product(&self) -> bool {
        self.role() == Role::Product
    }

    /// The Markdown structure of a Markdown file, parsed once.
    pub fn markdown(&self) -> Option<&crate::views::markdown::Doc> {
        if !self.is_markdown() {
            return None;
        }
        self.markdown
            .get_or_init(|| self.text().map(crate::views::markdown::parse))
            .as_ref()
    }

    /// The role by path alone, without reading the file: cheap enough to
    /// filter a whole tree before reading anything.
    pub fn path_role(&self) -> Role {
        self.path_role
    }

    /// The file's content, read on first use.
    pub fn content(&self) -> &Content {
        &self.loaded().0
    }

    /// Is the text a lossy decoding (the file is not valid UTF-8)? A file
    /// that is edited and written back must not be: its bytes would change.
    pub fn is_lossy(&self) -> bool {
        self.loaded().1
    }

    fn loaded(&self) -> &(Content, bool) {
        self.content.get_or_init(|| load(&self.abs, self.size))
    }

    /// The file's text, or `None` for binary, oversized or unreadable files.
    pub fn text(&self) -> Option<&str> {
        match self.content() {
            Content::Text(t) => Some(t),
            _ => None,
        }
    }

    /// Read an indexed file into `buf` (grown as needed, never shrunk: `buf`'s
    /// length is its capacity, the returned length is what was read), an error
    /// for a file that cannot be read. For a reader of every file (the secret
    /// scan): unlike [`FileEntry::text`] nothing is kept in memory, and there is
    /// no UTF-8 decoding. The same tests as [`FileEntry::text`]: over
    /// [`MAX_TEXT_BYTES`] is oversized, a NUL byte in the first 8000 bytes is
    /// binary.
    pub fn read_raw(&self, buf: &mut Vec<u8>) -> std::io::Result<RawRead> {
        use std::io::Read;
        let max = MAX_TEXT_BYTES;
        if self.size > max {
            return Ok(RawRead::Skipped);
        }
        let mut file = match std::fs::File::open(&self.abs) {
            Ok(file) => file,
            // Deleted since the walk: nothing to scan.
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(RawRead::Skipped),
            Err(e) => return Err(e),
        };
        // One byte more than the walk saw, to meet the end of the file in the
        // first read; a file that grew is read on (up to one byte over the cap).
        let limit = max as usize + 1;
        let want = (self.size as usize + 1).min(limit);
        if buf.len() < want {
            buf.resize(want, 0);
        }
        let mut n = 0;
        let mut sniffed = false;
        loop {
            if n == buf.len() {
                if n >= limit {
                    break;
                }
                let grown = (n * 2).clamp(n + 8192, limit);
                buf.resize(grown, 0);
            }
            let end = if !sniffed && self.size > SNIFF_FIRST_ABOVE {
                BINARY_SNIFF_BYTES.min(buf.len())
            } else {
                buf.len()
            };
            let got = match file.read(&mut buf[n..end]) {
                Ok(0) => break,
                Ok(got) => got,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            };
            n += got;
            if !sniffed && n >= BINARY_SNIFF_BYTES {
                sniffed = true;
                if buf[..n.min(BINARY_SNIFF_BYTES)].contains(&0) {
                    return Ok(RawRead::Binary(n));
                }
            }
        }
        if n as u64 > max {
            return Ok(RawRead::Skipped);
        }
        if buf[..n.min(BINARY_SNIFF_BYTES)].contains(&0) {
            return Ok(RawRead::Binary(n));
        }
        Ok(RawRead::Text(n))
    }

    /// The file's text if something has already read it (with
    /// [`FileEntry::text`]), without reading it: `None` when it has not been
    /// read yet, is not text, or was not valid UTF-8 (decoded lossily).
    pub fn loaded_text(&self) -> Option<&str> {
        match self.content.get() {
            Some((Content::Text(t), false)) => Some(t),
            _ => None,
        }
    }

    /// The last path component.
    pub fn name(&self) -> &str {
        self.path.rsplit('/').next().unwrap_or(&self.path)
    }

    /// The directory part of the path ("" at the root).
    pub fn dir(&self) -> &str {
        self.path.rsplit_once('/').map(|(d, _)| d).unwrap_or("")
    }

    /// The extension, lower-cased comparison is up to the caller.
    pub fn ext(&self) -> &str {
        let name = self.name();
        match name.rsplit_once('.') {
            Some((stem, ext)) if !stem.is_empty() => ext,
            _ => "",
        }
    }

    pub fn is_markdown(&self) -> bool {
        matches!(
            self.ext().to_ascii_lowercase().as_str(),
            "md" | "markdown" | "mdx"
        )
    }

    pub fn is_yaml(&self) -> bool {
        matches!(self.ext().to_ascii_lowercase().as_str(), "yml" | "yaml")
    }
}

/// What [`FileEntry::read_raw`] put in the buffer.
#[derive(Debug, PartialEq, Eq)]
pub enum RawRead {
    /// A text file of this many bytes, to scan.
    Text(usize),
    /// A binary file (a NUL byte in its first 8000 bytes): the first this
    /// many bytes, which hold that NUL. Not read further, not scanned.
    Binary(usize),
    /// Oversized, or deleted since the walk: nothing to scan.
    Skipped,
}

/// Files larger than this are read in two steps: the bytes that decide
/// whether the file is binary first, so that a large binary file is not
/// read whole.
const SNIFF_FIRST_ABOVE: u64 = 64 * 1024;

/// Would [`FileEntry::text`] of a file holding `data` be `Some` with a
/// generated header? The same tests as [`load`] (size cap, a NUL byte in the
/// first [`BINARY_SNIFF_BYTES`]), and [`crate::repo::roles::generated_header`] on
/// the first five lines only. Decoding just those lines lossily gives the
/// same characters as decoding the whole file and taking its first five
/// lines: a `\n` byte is never part of a UTF-8 sequence, so the decoding of
/// the bytes before it does not depend on the bytes after it.
fn generated_head(data: &[u8]) -> bool {
    if data.len() as u64 > MAX_TEXT_BYTES || data[..data.len().min(BINARY_SNIFF_BYTES)].contains(&0)
    {
        return false;
    }
    let end = memchr::memchr_iter(b'\n', data)
        .nth(4)
        .map_or(data.len(), |i| i + 1);
    crate::repo::roles::generated_header(&String::from_utf8_lossy(&data[..end]))
}

fn load(abs: &Path, size: u64) -> (Content, bool) {
    if size > MAX_TEXT_BYTES {
        return (Content::TooLarge, false);
    }
    match std::fs::read(abs) {
        Ok(bytes) => {
            if bytes.len() as u64 > MAX_TEXT_BYTES {
                return (Content::TooLarge, false);
            }
            let sniff = &bytes[..bytes.len().min(BINARY_SNIFF_BYTES)];
            if sniff.contains(&0) {
                return (Content::Binary, false);
            }
            match String::from_utf8(bytes) {
                Ok(s) => (Content::Text(s), false),
                Err(e) => (
                    Content::Text(String::from_utf8_lossy(e.as_bytes()).into_owned()),
                    true,
                ),
            }
        }
        Err(e) => (Content::Unreadable(e.to_string()), false),
    }
}

/// What git tells about the root.
#[derive(Debug, Default, Clone)]
pub struct GitInfo {
    /// The work tree the root lives in.
    pub workdir: PathBuf,
    /// URL of the `origin` remote (or the first remote), if any.
    pub remote_url: Option<String>,
    /// The commit HEAD points at (hex), if any.
    pub head: Option<String>,
    /// The root's path inside the work tree (`/`-separated, "" at its top;
    /// `None` when it could not be placed there).
    pub root_in_workdir: Option<String>,
}

#[derive(Debug)]
pub struct Index {
    pub root: PathBuf,
    pub git: Option<GitInfo>,
    files: Vec<FileEntry>,
    /// What the walk could not read (a directory without permission, a path
    /// beyond PATH_MAX): `path: error`, sorted. Checks that must read every
    /// file (secrets) fail closed on these.
    unreadable: Vec<String>,
    by_path: HashMap<String, usize>,
    /// Parsed views of this index (the Terraform model, the CI model, the
    /// datastore inventory), each built once on first use: see [`Index::view`].
    views: Views,
}

/// One slot per view type; a slot is filled once, by the first caller.
#[derive(Default)]
struct Views(Mutex<Vec<(std::any::TypeId, ViewSlot)>>);

type ViewSlot = std::sync::Arc<dyn std::any::Any + Send + Sync>;

impl std::fmt::Debug for Views {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Views")
    }
}

#[derive(Debug, thiserror::Error)]
pub enum IndexError {
    #[error("{0}: no such directory")]
    Missing(String),
    #[error("{0}: not a directory")]
    NotADirectory(String),
    #[error("{0}: cannot read: {1}")]
    Unreadable(String, String),
}

impl Index {
    /// The name of the root directory (its canonical path's last element).
    pub fn root_name(&self) -> Option<String> {
        std::fs::canonicalize(&self.root)
            .ok()
            .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
    }

    /// Walk `root` once, in parallel, with the built-in file roles.
    pub fn build(root: &Path) -> Result<Index, IndexError> {
        Index::build_with(root, &Roles::builtin())
    }

    /// Walk `root` once, with the file roles of `cfg` (`paths:`); a bad
    /// `paths:` glob is a config error.
    pub fn build_for(root: &Path, cfg: &crate::config::LoadedConfig) -> anyhow::Result<Index> {
        let roles = Roles::from_config(cfg)?;
        Ok(Index::build_with(root, &roles)?)
    }

    /// Walk `root` once, in parallel; `roles` decides each file's role.
    pub fn build_with(root: &Path, roles: &Roles) -> Result<Index, IndexError> {
        let shown = root.display().to_string();
        let meta = std::fs::metadata(root).map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => IndexError::Missing(shown.clone()),
            _ => IndexError::Unreadable(shown.clone(), e.to_string()),
        })?;
        if !meta.is_dir() {
            return Err(IndexError::NotADirectory(shown));
        }
        std::fs::read_dir(root)
            .map_err(|e| IndexError::Unreadable(shown.clone(), e.to_string()))?;
        let root = root.to_path_buf();
        // The root's own ignore files decide what the whole walk sees: one
        // that cannot be read safely stops here, with its name.
        let budget = std::sync::Arc::new(IgnoreBudget::default());
        if let Some((path, why)) = unsafe_ignore_file(&root, &budget) {
            return Err(IndexError::Unreadable(path.display().to_string(), why));
        }

        let (git, tracked) = git_tracked(&root);
        let (mut files, mut unreadable) = walk(&root, &tracked, budget);

        // Tracked files that the ignore rules hid (a `.env` committed before it was
        // ignored is still committed) — except what `.readyctlignore` excludes.
        if !tracked.is_empty() {
            let seen: HashSet<&str> = files.iter().map(|f| f.path.as_str()).collect();
            let rc_ignore = readyctl_ignore(&root);
            let mut extra = Vec::new();
            for rel in &tracked {
                if seen.contains(rel.as_str()) {
                    continue;
                }
                let abs = root.join(rel);
                if rc_ignore
                    .as_ref()
                    .is_some_and(|m| m.matched_path_or_any_parents(&abs, false).is_ignore())
                {
                    continue;
                }
                // symlink_metadata: a tracked symlink is not followed.
                match std::fs::symlink_metadata(&abs) {
                    Ok(m) if m.is_file() => {
                        extra.push(FileEntry::new(rel.clone(), abs, m.len(), true))
                    }
                    Ok(_) => {}
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                    Err(e) => unreadable.push(format!("{rel}: {e}")),
                }
            }
            files.extend(extra);
        }

        {
            use rayon::slice::ParallelSliceMut;
            files.par_sort_unstable_by(|a, b| a.path.cmp(&b.path));
        }
        unreadable.sort();
        assign_roles(&mut files, roles);
        let by_path = files
            .iter()
            .enumerate()
            .map(|(i, f)| (f.path.clone(), i))
            .collect();
        Ok(Index {
            root,
            git,
            files,
            by_path,
            unreadable,
            views: Views::default(),
        })
    }

    /// The files under `dir` (relative, `/`-separated) as an index rooted
    /// there, without walking again: paths become relative to `dir`, file
    /// contents are shared with `self`. `extra` maps more files of `self`
    /// into the slice under a path of their own (a root file a service
    /// borrows, such as the checklist).
    pub fn slice(&self, dir: &str, extra: &[(&str, &str)]) -> Index {
        let dir = dir.trim_matches('/');
        let mut files: Vec<FileEntry> = if dir.is_empty() {
            self.files
                .iter()
                .map(|f| f.renamed(f.path.clone()))
                .collect()
        } else {
            let prefix = format!("{dir}/");
            self.files
                .iter()
                .filter_map(|f| {
                    let rel = f.path.strip_prefix(&prefix)?;
                    Some(f.renamed(rel.to_string()))
                })
                .collect()
        };
        for (from, to) in extra {
            if let Some(f) = self.get(from)
                && !files.iter().any(|g| g.path == *to)
            {
                files.push(f.renamed(to.to_string()));
            }
        }
        files.sort_by(|a, b| a.path.cmp(&b.path));
        let by_path = files
            .iter()
            .enumerate()
            .map(|(i, f)| (f.path.clone(), i))
            .collect();
        Index {
            root: if dir.is_empty() {
                self.root.clone()
            } else {
                self.root.join(dir)
            },
            git: self.git.clone(),
            files,
            by_path,
            views: Views::default(),
            unreadable: self
                .unreadable
                .iter()
                .filter_map(|u| {
                    if dir.is_empty() {
                        Some(u.clone())
                    } else {
                        u.strip_prefix(&format!("{dir}/")).map(str::to_string)
                    }
                })
                .collect(),
        }
    }

    /// The view `T` of this index, built by `build` on first use and shared
    /// by every check that reads it; concurrent callers wait for the first
    /// one instead of building again. The view lives as long as the index.
    ///
    /// `build` must not use the global rayon pool: a worker waiting on its
    /// `join` may pick up another check that waits here, on the cell its own
    /// thread is filling (builders use their own threads).
    pub fn view<T, F>(&self, build: F) -> std::sync::Arc<T>
    where
        T: Send + Sync + 'static,
        F: FnOnce(&Index) -> T,
    {
        use std::sync::Arc;
        let id = std::any::TypeId::of::<T>();
        let slot: Arc<OnceLock<Arc<T>>> = {
            let mut views = self.views.0.lock().unwrap_or_else(|p| p.into_inner());
            match views
                .iter()
                .find(|(t, _)| *t == id)
                .and_then(|(_, s)| s.clone().downcast::<OnceLock<Arc<T>>>().ok())
            {
                Some(s) => s,
                None => {
                    let s: Arc<OnceLock<Arc<T>>> = Arc::new(OnceLock::new());
                    views.push((id, s.clone() as ViewSlot));
                    s
                }
            }
        };
        slot.get_or_init(|| Arc::new(build(self))).clone()
    }

    /// What the walk could not read, `path: error` (sorted).
    pub fn unreadable(&self) -> &[String] {
        &self.unreadable
    }

    /// Every indexed file, sorted by path.
    pub fn files(&self) -> &[FileEntry] {
        &self.files
    }

    pub fn len(&self) -> usize {
        self.files.len()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// The file at `path` (relative, `/`-separated), if indexed.
    pub fn get(&self, path: &str) -> Option<&FileEntry> {
        self.by_path.get(path).map(|&i| &self.files[i])
    }

    /// Find a file by path, ignoring ASCII case.
    pub fn get_ignore_case(&self, path: &str) -> Option<&FileEntry> {
        self.get(path).or_else(|| {
            self.files
                .iter()
                .find(|f| f.path.eq_ignore_ascii_case(path))
        })
    }

    /// Files whose path matches any of `globs` (gitignore-free glob syntax,
    /// `**` crosses directories). Invalid globs are reported as errors.
    pub fn glob(&self, globs: &[&str]) -> Result<Vec<&FileEntry>, globset::Error> {
        let set = build_globset(globs)?;
        Ok(self
            .files
            .iter()
            .filter(|f| set.is_match(&f.path))
            .collect())
    }

    /// The product's Markdown files.
    pub fn markdown(&self) -> impl Iterator<Item = &FileEntry> {
        self.files
            .iter()
            .filter(|f| f.is_markdown() && f.is_product())
    }

    /// Files per role (every role present, zero or not).
    pub fn role_counts(&self) -> RoleCounts {
        let mut counts: RoleCounts = Role::ALL
            .iter()
            .map(|r| (r.as_str().to_string(), 0))
            .collect();
        for f in &self.files {
            *counts.entry(f.role().as_str().to_string()).or_default() += 1;
        }
        counts
    }

    pub fn is_git(&self) -> bool {
        self.git.is_some()
    }
}

/// A case-insensitive glob set where `*` does not cross `/`.
pub fn build_globset(globs: &[&str]) -> Result<GlobSet, globset::Error> {
    let mut b = GlobSetBuilder::new();
    for g in globs {
        if crate::repo::text::brace_depth(g) > crate::repo::text::MAX_GLOB_BRACES {
            // Refused before the compiler recurses into it.
            return Err(globset::GlobBuilder::new("{")
                .build()
                .expect_err("an unclosed brace"));
        }
        b.add(
            globset::GlobBuilder::new(g)
                .literal_separator(true)
                .case_insensitive(true)
                .build()?,
        );
    }
    b.build()
}

/// A single glob, as in [`build_globset`].
pub fn glob(pattern: &str) -> Result<globset::GlobMatcher, globset::Error> {
    if crate::repo::text::brace_depth(pattern) > crate::repo::text::MAX_GLOB_BRACES {
        return Err(globset::GlobBuilder::new("{")
            .build()
            .expect_err("an unclosed brace"));
    }
    Ok(globset::GlobBuilder::new(pattern)
        .literal_separator(true)
        .build()?
        .compile_matcher())
}

/// Give every file its role by path. A directory that holds environment
/// directories (`prod/`, `staging/` …) makes a `test/` beside them an
/// environment too.
fn assign_roles(files: &mut [FileEntry], roles: &Roles) {
    use rayon::prelude::*;
    // Each directory once: a directory already seen has had its parents
    // seen too (files come sorted, so most share the previous one's).
    let mut seen: HashSet<&str> = HashSet::new();
    let mut env_parents: HashSet<String> = HashSet::new();
    for f in files.iter() {
        let mut p = f.dir();
        while !p.is_empty() && seen.insert(p) {
            let (parent, name) = p.rsplit_once('/').unwrap_or(("", p));
            if crate::repo::roles::is_environment_name(name) {
                env_parents.insert(parent.to_string());
            }
            p = parent;
        }
    }
    let env_parent = |d: &str| env_parents.contains(d);
    files.par_iter_mut().for_each(|f| {
        f.path_role = roles.of_path(&f.path, &env_parent);
        f.header_applies = roles.header_applies(&f.path);
    });
}

fn readyctl_ignore(root: &Path) -> Option<ignore::gitignore::Gitignore> {
    let path = root.join(IGNORE_FILE);
    if !path.is_file() {
        return None;
    }
    let mut b = ignore::gitignore::GitignoreBuilder::new(root);
    b.add(path);
    b.build().ok()
}

fn rel_path(root: &Path, abs: &Path) -> Option<String> {
    let rel = abs.strip_prefix(root).ok()?;
    let mut out = String::new();
    for (i, c) in rel.components().enumerate() {
        if i > 0 {
            out.push('/');
        }
        out.push_str(&c.as_os_str().to_string_lossy());
    }
    (!out.is_empty()).then_some(out)
}

/// The ignore files the walk reads in every directory.
const IGNORE_NAMES: &[&str] = &[".gitignore", ".ignore", IGNORE_FILE];

/// The largest ignore file the walk reads; a larger one is refused (an 18 MB
/// `.gitignore` would cost gigabytes of glob automata).
pub const MAX_IGNORE_BYTES: u64 = 1024 * 1024;

/// An ignore file of `dir` that must not be opened: not a regular file (a
/// FIFO would block the walk forever, a device would be read), or larger
/// than [`MAX_IGNORE_BYTES`]. Checked before the walk reads it.
fn unsafe_ignore_file(dir: &Path, budget: &IgnoreBudget) -> Option<(PathBuf, String)> {
    for name in IGNORE_NAMES {
        let path = dir.join(name);
        // Follows a symlink: what the walk would open.
        let Ok(meta) = std::fs::metadata(&path) else {
            continue;
        };
        if !meta.is_file() {
            return Some((path, "not a regular file; not read".to_string()));
        }
        if meta.len() <= MAX_IGNORE_BYTES
            && let Ok(bytes) = std::fs::read(&path)
        {
            let text = String::from_utf8_lossy(&bytes);
            if crate::repo::text::brace_depth(&text) > crate::repo::text::MAX_GLOB_BRACES {
                return Some((
                    path,
                    format!(
                        "a pattern nests `{{…}}` deeper than {} levels; not read",
                        crate::repo::text::MAX_GLOB_BRACES
                    ),
                ));
            }
            if let Some(why) = budget.take(&text) {
                return Some((path, why));
            }
        }
        if meta.len() > MAX_IGNORE_BYTES {
            return Some((
                path,
                format!(
                    "{} bytes, over the {} KiB an ignore file may have; not read",
                    meta.len(),
                    MAX_IGNORE_BYTES / 1024
                ),
            ));
        }
    }
    None
}

/// Patterns the ignore files of one walk may hold between them, and of
/// those, patterns with a wildcard. Each is compiled into the glob matcher
/// of its directory (and the root's again by `secrets.gitignore` and the
/// gitignore scaffold): a pattern with a wildcard and a slash costs about
/// 7.5 KB, a literal one about 0.7 KB, so a 1 MiB `.gitignore` of 66,000
/// `/build1/*.o` lines took 550 MB in `check` and 1.5 GB in `scaffold`,
/// and a line of a million `*` 1.8 GB. Real ignore files hold hundreds.
pub const MAX_IGNORE_PATTERNS: usize = 30_000;
/// See [`MAX_IGNORE_PATTERNS`].
pub const MAX_IGNORE_WILDCARDS: usize = 5_000;
/// The longest ignore pattern: one longer than PATH_MAX matches no path.
pub const MAX_IGNORE_PATTERN_BYTES: usize = 4096;

/// What is left of [`MAX_IGNORE_PATTERNS`] and [`MAX_IGNORE_WILDCARDS`]
/// in one walk, taken by each ignore file as the walk reaches it.
#[derive(Default)]
struct IgnoreBudget(Mutex<(usize, usize)>);

impl IgnoreBudget {
    /// Take the patterns of `text`, or say why the file is not read.
    fn take(&self, text: &str) -> Option<String> {
        let (mut patterns, mut wildcards) = (0usize, 0usize);
        for line in text.lines() {
            let line = line.trim_end();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            if line.len() > MAX_IGNORE_PATTERN_BYTES {
                return Some(format!(
                    "a pattern of {} bytes, over {MAX_IGNORE_PATTERN_BYTES} (no path is longer); not read",
                    line.len()
                ));
            }
            patterns += 1;
            if line.contains(['*', '?', '[', '{']) {
                wildcards += 1;
            }
        }
        let mut used = self.0.lock().unwrap_or_else(|p| p.into_inner());
        // Short: the secret scan shows 100 characters per unread path.
        if used.1 + wildcards > MAX_IGNORE_WILDCARDS {
            return Some(format!(
                "{wildcards} wildcard patterns; a run's ignore files may hold \
                 {MAX_IGNORE_WILDCARDS} (taken: {}); not read",
                used.1
            ));
        }
        if used.0 + patterns > MAX_IGNORE_PATTERNS {
            return Some(format!(
                "{patterns} patterns; a run's ignore files may hold {MAX_IGNORE_PATTERNS} \
                 (taken: {}); not read",
                used.0
            ));
        }
        used.0 += patterns;
        used.1 += wildcards;
        None
    }
}

fn walk(
    root: &Path,
    tracked: &HashSet<String>,
    budget: std::sync::Arc<IgnoreBudget>,
) -> (Vec<FileEntry>, Vec<String>) {
    let collected: Mutex<Vec<FileEntry>> = Mutex::new(Vec::new());
    let failed: std::sync::Arc<Mutex<Vec<String>>> = std::sync::Arc::default();
    let refused = std::sync::Arc::clone(&failed);
    let root_owned = root.to_path_buf();
    let walker = ignore::WalkBuilder::new(root)
        .hidden(false)
        .follow_links(false)
        .require_git(false)
        .git_global(false)
        .add_custom_ignore_filename(IGNORE_FILE)
        .filter_entry(move |e| {
            if e.file_name() == ".git" {
                return false;
            }
            // A directory whose ignore file cannot be read safely is not
            // entered: its files are reported as unreadable (checks that
            // must read everything fail closed) instead of hanging.
            // (The root's were checked before the walk.)
            if e.depth() > 0
                && e.file_type().is_some_and(|t| t.is_dir())
                && let Some((path, why)) = unsafe_ignore_file(e.path(), &budget)
            {
                let shown =
                    rel_path(&root_owned, &path).unwrap_or_else(|| path.display().to_string());
                if let Ok(mut v) = refused.lock() {
                    v.push(format!("{shown}: {why}"));
                }
                return false;
            }
            true
        })
        .threads(
            std::thread::available_parallelism()
                .map_or(2, |n| n.get())
                .min(8),
        )
        .build_parallel();

    struct Sink<'a> {
        local: Vec<FileEntry>,
        shared: &'a Mutex<Vec<FileEntry>>,
    }
    impl Drop for Sink<'_> {
        fn drop(&mut self) {
            if let Ok(mut v) = self.shared.lock() {
                v.append(&mut self.local);
            }
        }
    }

    walker.run(|| {
        let mut sink = Sink {
            local: Vec::new(),
            shared: &collected,
        };
        let failed = &failed;
        Box::new(move |entry| {
            let entry = match entry {
                Ok(entry) => entry,
                Err(e) => {
                    if let Some(msg) = walk_error(root, &e)
                        && let Ok(mut v) = failed.lock()
                    {
                        v.push(msg);
                    }
                    return ignore::WalkState::Continue;
                }
            };
            let Some(ft) = entry.file_type() else {
                return ignore::WalkState::Continue;
            };
            if !ft.is_file() {
                return ignore::WalkState::Continue;
            }
            let Some(rel) = rel_path(root, entry.path()) else {
                return ignore::WalkState::Continue;
            };
            let size = entry.metadata().map(|m| m.len()).unwrap_or(0);
            let is_tracked = tracked.is_empty() || tracked.contains(&rel);
            sink.local.push(FileEntry::new(
                rel,
                entry.path().to_path_buf(),
                size,
                is_tracked,
            ));
            ignore::WalkState::Continue
        })
    });
    let failed = std::mem::take(&mut *failed.lock().unwrap_or_else(|p| p.into_inner()));
    (collected.into_inner().unwrap_or_default(), failed)
}

/// `path: error` for a walk error that hides files (unreadable directory,
/// too-long path); `None` for errors in ignore files, which hide nothing.
fn walk_error(root: &Path, e: &ignore::Error) -> Option<String> {
    let mut err = e;
    let mut path = None;
    loop {
        match err {
            ignore::Error::WithPath {
                path: p,
                err: inner,
            } => {
                path = Some(p.clone());
                err = inner;
            }
            ignore::Error::WithDepth { err: inner, .. }
            | ignore::Error::WithLineNumber { err: inner, .. } => err = inner,
            ignore::Error::Io(io) => {
                let shown = path
                    .as_deref()
                    .map(|p| rel_path(root, p).unwrap_or_else(|| p.display().to_string()))
                    .unwrap_or_else(|| ".".to_string());
                return Some(format!("{shown}: {io}"));
            }
            ignore::Error::Loop { child, .. } => {
                let shown = rel_path(root, child).unwrap_or_else(|| child.display().to_string());
                return Some(format!("{shown}: filesystem loop"));
            }
            _ => return None,
        }
    }
}

/// Open the git repository containing `root`, if any, and list the files its
/// index tracks under `root`, relative to `root`.
fn git_tracked(root: &Path) -> (Option<GitInfo>, HashSet<String>) {
    let Ok(repo) = gix::discover(root) else {
        return (None, HashSet::new());
    };
    let Some(workdir) = repo.workdir().map(Path::to_path_buf) else {
        return (None, HashSet::new());
    };
    let remote_url = remote_url(&repo);
    let mut info = GitInfo {
        workdir: workdir.clone(),
        remote_url,
        head: repo.head_id().ok().map(|id| id.to_string()),
        root_in_workdir: None,
    };
    let canon_root = std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
    let canon_work = std::fs::canonicalize(&workdir).unwrap_or(workdir);
    let prefix = match canon_root.strip_prefix(&canon_work) {
        Ok(p) => rel_path(Path::new(""), p).unwrap_or_default(),
        Err(_) => return (Some(info), HashSet::new()),
    };
    info.root_in_workdir = Some(prefix.clone());
    let mut out = HashSet::new();
    if let Ok(index) = repo.index_or_empty() {
        for entry in index.entries() {
            let path = entry.path(&index);
            let Ok(path) = std::str::from_utf8(path.as_ref()) else {
                continue;
            };
            let rel = if prefix.is_empty() {
                Some(path)
            } else {
                path.strip_prefix(prefix.as_str())
                    .and_then(|p| p.strip_prefix('/'))
            };
            if let Some(rel) = rel {
                out.insert(rel.to_string());
            }
        }
    }
    (Some(info), out)
}

fn remote_url(repo: &gix::Repository) -> Option<String> {
    let config = repo.config_snapshot();
    config
        .string("remote.origin.url")
        .map(|s| s.to_string())
        .or_else(|| {
            let names = repo.remote_names();
            let first = names.iter().next()?;
            config
                .string(format!("remote.{first}.url").as_str())
                .map(|s| s.to_string())
        })
}

#[cfg(test)]
mod role_from_tests {
    use super::*;
    use proptest::prelude::*;

    /// The role from bytes already read is the role from reading the file.
    fn same_role(dir: &Path, n: usize, data: &[u8]) {
        let abs = dir.join(format!("f{n}.go"));
        std::fs::write(&abs, data).unwrap();
        let read = FileEntry::new("f.go".into(), abs.clone(), data.len() as u64, true);
        let given = FileEntry::new("f.go".into(), abs, data.len() as u64, true);
        assert_eq!(given.role_from(data), read.role(), "{data:?}");
    }

    fn piece() -> impl Strategy<Value = Vec<u8>> {
        prop_oneof![
            Just(b"\n".to_vec()),
            Just(b"\r\n".to_vec()),
            Just(b"// Code generated by x. DO NOT EDIT.".to_vec()),
            Just(b"@GENERATED".to_vec()),
            Just(b"auto-gen".to_vec()),
            Just(b"erated".to_vec()),
            Just(vec![0xE2, 0x82]),
            Just(vec![0xFF]),
            Just(vec![0]),
            Just(b"package main".to_vec()),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]
        #[test]
        fn role_from_bytes_is_role_from_the_file(pieces in proptest::collection::vec(piece(), 0..24)) {
            let dir = tempfile::tempdir().unwrap();
            same_role(dir.path(), 0, &pieces.concat());
        }
    }

    #[test]
    fn role_from_cases() {
        let dir = tempfile::tempdir().unwrap();
        let long = format!("a\n{}// DO NOT EDIT\n", "x".repeat(9000));
        let sixth = "1\n2\n3\n4\n5\n// Code generated by y. DO NOT EDIT.\n";
        let fifth = "1\n2\n3\n4\n// Code generated by y. DO NOT EDIT.";
        let nul_late = format!("// @generated\n{}\0", "y".repeat(8100));
        let nul_early = "// @generated\n\0";
        for (n, d) in [long.as_str(), sixth, fifth, &nul_late, nul_early, ""]
            .into_iter()
            .enumerate()
        {
            same_role(dir.path(), n + 1, d.as_bytes());
        }
    }
}
