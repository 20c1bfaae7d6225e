//! History scan: every commit reachable from HEAD (gix, pure Rust), each
//! blob scanned once.
//!
//! The walk and the blob decoding run on every core: the commits are split
//! into chunks that the threads take in turn; each thread decodes its
//! commits' trees and scans the blobs it is the first to see. Trees and
//! blobs seen by any thread are not walked or decoded again (a shared,
//! sharded set), so a commit costs only what it changed. A blob's size is
//! read from its object header before it is inflated: a blob above the size
//! cap is never decompressed.
//!
//! Only what a blob changed is scanned: each thread keeps the last version
//! of every path it saw (within a memory budget), and a new version is
//! scanned from two lines before its first changed byte to two lines after
//! its last (a common prefix and suffix are skipped; they were scanned in
//! the older version). Files holding key material are scanned whole for the
//! multi-line key rules. Without an older version the blob is scanned whole.
//!
//! Which thread sees a blob first depends on timing, so the commit a secret
//! is reported in is settled afterwards, for the secrets found only: the
//! oldest commit whose tree holds that blob at that path.

use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::sync::Mutex;

use gix::ObjectId;
use rayon::prelude::*;

use super::rules::Rules;
use super::scanner::Hit;

/// A secret seen in history.
#[derive(Debug)]
pub struct HistoryHit {
    pub hit: Hit,
    pub path: String,
    pub commit: String,
}

/// What the history scan saw.
#[derive(Debug, Default)]
pub struct HistoryScan {
    pub commits: usize,
    pub blobs: usize,
    pub hits: Vec<HistoryHit>,
    /// Set when the history is truncated (a shallow clone): what is missing.
    pub shallow: Option<String>,
}

/// A set of object ids shared by the threads, sharded to keep lock
/// contention low.
struct SeenSet {
    shards: Vec<Mutex<HashSet<ObjectId>>>,
}

impl SeenSet {
    fn new() -> Self {
        SeenSet {
            shards: (0..64).map(|_| Mutex::new(HashSet::new())).collect(),
        }
    }

    /// Insert `id`; true when it was not there yet.
    fn insert(&self, id: ObjectId) -> bool {
        let shard = id.as_bytes()[0] as usize % self.shards.len();
        self.shards[shard].lock().expect("lock").insert(id)
    }
}

/// Every blob seen, with the first path it was seen at; other paths the
/// same blob was later seen at (copies, renames) are kept as aliases, so a
/// secret is reported at the oldest commit and path that hold it.
struct SeenBlobs {
    shards: Vec<Mutex<HashMap<ObjectId, String>>>,
    aliases: Mutex<Vec<(ObjectId, String)>>,
}

impl SeenBlobs {
    fn new() -> Self {
        SeenBlobs {
            shards: (0..64).map(|_| Mutex::new(HashMap::new())).collect(),
            aliases: Mutex::new(Vec::new()),
        }
    }

    /// Insert `id` seen at `path`; true when it was not seen before.
    fn insert(&self, id: ObjectId, path: &str) -> bool {
        let shard = id.as_bytes()[0] as usize % self.shards.len();
        let mut map = self.shards[shard].lock().expect("lock");
        match map.get(&id) {
            None => {
                map.insert(id, path.to_string());
                true
            }
            Some(first) => {
                if first != path {
                    drop(map);
                    self.aliases
                        .lock()
                        .expect("lock")
                        .push((id, path.to_string()));
                }
                false
            }
        }
    }
}

/// Is there a `.git` (directory or gitfile) at `root` or above it? Then a
/// repository that cannot be opened is an error, not "no repository".
fn has_git_marker(root: &Path) -> bool {
    let mut dir = std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
    loop {
        if std::fs::symlink_metadata(dir.join(".git")).is_ok() {
            return true;
        }
        if !dir.pop() {
            return false;
        }
    }
}

/// Scan every commit reachable from HEAD of the repository at `root`.
/// `Ok(None)` when `root` is not in a git repository or HEAD is unborn; an
/// error when the repository or its history cannot be read (corrupt HEAD,
/// missing objects, a gitfile pointing nowhere). `skip_path` drops paths
/// (allow_paths, the baseline).
pub fn scan(
    root: &Path,
    rules: &Rules,
    skip_path: &(dyn Fn(&str) -> bool + Sync),
) -> Result<Option<HistoryScan>, String> {
    let repo = match gix::discover(root) {
        Ok(r) => r,
        Err(e) if has_git_marker(root) => {
            return Err(format!("git history cannot be read: {e}"));
        }
        Err(_) => return Ok(None),
    };
    let head = repo
        .head()
        .map_err(|e| format!("git history cannot be read: HEAD: {e}"))?;
    if head.is_unborn() {
        return Ok(None);
    }
    let head = head
        .id()
        .ok_or_else(|| "git history cannot be read: HEAD points at nothing".to_string())?
        .detach();
    let shallow = repo
        .is_shallow()
        .map_err(|e| format!("git history cannot be read: {e}"))?;

    let commits = commit_list(&repo, head)?;
    let sync = repo.into_sync();
    let seen_trees = SeenSet::new();
    let seen_blobs = SeenBlobs::new();
    let hits: Mutex<Vec<(HistoryHit, usize)>> = Mutex::new(Vec::new());
    let blobs = std::sync::atomic::AtomicUsize::new(0);

    // Chunks small enough to balance two or more threads, large enough that
    // consecutive commits (which share most trees) stay on one thread.
    let scan_id = SCAN_ID.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
    let chunk = (commits.len() / (rayon::current_num_threads() * 16)).clamp(16, 512);
    // Oldest first (a walk newest first, which suits git's delta order, is
    // not done yet: the attribution to the oldest commit must hold for it).
    let order: Vec<(usize, ObjectId)> = commits.iter().copied().enumerate().collect();
    order.par_chunks(chunk).try_for_each_init(
        || {
            let mut repo = sync.to_thread_local();
            repo.object_cache_size_if_unset(8 << 20);
            repo
        },
        |repo, part| -> Result<(), String> {
            for &(index, commit) in part {
                // One `Previous` per worker thread for the whole scan (rayon
                // calls the init above once per job, which would start it
                // over every chunk).
                let found = PREVIOUS.with_borrow_mut(|previous| {
                    if previous.scan != scan_id {
                        *previous = Previous {
                            scan: scan_id,
                            ..Previous::default()
                        };
                    }
                    walk_commit(
                        repo,
                        rules,
                        commit,
                        skip_path,
                        &seen_trees,
                        &seen_blobs,
                        &blobs,
                        previous,
                    )
                })?;
                if !found.is_empty() {
                    let mut all = hits.lock().expect("lock");
                    all.extend(found.into_iter().map(|h| (h, index)));
                }
            }
            Ok(())
        },
    )?;

    let mut hits = hits.into_inner().expect("lock");
    if !hits.is_empty() {
        let repo = sync.to_thread_local();
        let mut aliases = seen_blobs.aliases.into_inner().expect("lock");
        aliases.sort();
        aliases.dedup();
        settle_commits(&repo, &commits, &aliases, &mut hits)?;
    }
    let mut hits: Vec<HistoryHit> = hits.into_iter().map(|(h, _)| h).collect();
    hits.sort_by(|a, b| {
        (&a.path, a.hit.line, a.hit.column, &a.commit).cmp(&(
            &b.path,
            b.hit.line,
            b.hit.column,
            &b.commit,
        ))
    });
    let shallow = shallow.then(|| {
        format!(
            "the history is truncated (a shallow clone: {} commit{} present); \
             run `git fetch --unshallow` to scan all of it",
            commits.len(),
            if commits.len() == 1 { "" } else { "s" }
        )
    });
    Ok(Some(HistoryScan {
        commits: commits.len(),
        blobs: blobs.into_inner(),
        hits,
        shallow,
    }))
}

/// Every commit reachable from `head`, oldest first.
fn commit_list(repo: &gix::Repository, head: ObjectId) -> Result<Vec<ObjectId>, String> {
    let walk = repo
        .rev_walk([head])
        .all()
        .map_err(|e| format!("git history cannot be read: {e}"))?;
    let mut commits = Vec::new();
    for info in walk {
        let info = info.map_err(|e| format!("git history cannot be read: {e}"))?;
        commits.push(info.id);
    }
    commits.reverse();
    Ok(commits)
}

fn history_error(what: &str, id: ObjectId, e: impl std::fmt::Display) -> String {
    format!("git history cannot be read: {what} {id}: {e}")
}

/// The last version of each path one thread saw, to scan only what a new
/// version changed. Bounded: past the budget it starts over (the next
/// versions are then scanned whole).
#[derive(Default)]
struct Previous {
    by_path: HashMap<String, Vec<u8>>,
    bytes: usize,
    /// The scan these versions belong to (a thread outlives one scan).
    scan: u64,
}

/// Numbers each history scan, so a thread's `Previous` from an earlier scan
/// (of another repository, perhaps) is never used.
static SCAN_ID: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

thread_local! {
    static PREVIOUS: std::cell::RefCell<Previous> = std::cell::RefCell::new(Previous::default());
}

/// Bytes of older versions one thread keeps.
const PREVIOUS_BUDGET: usize = 48 << 20;

impl Previous {
    fn remember(&mut self, path: &str, data: &[u8]) {
        if self.bytes + data.len() > PREVIOUS_BUDGET {
            self.by_path.clear();
            self.bytes = 0;
        }
        if let Some(old) = self.by_path.insert(path.to_string(), data.to_vec()) {
            self.bytes -= old.len();
        }
        self.bytes += data.len();
    }
}

/// The byte range of `new` that differs from `old`, widened to whole lines
/// and two more lines on each side (a rule's window is a keyword's line and
/// the next one).
fn changed_region(old: &[u8], new: &[u8]) -> (usize, usize) {
    let max = old.len().min(new.len());
    // Whole blocks first (memcmp), then bytes.
    const BLOCK: usize = 256;
    let mut prefix = 0;
    while prefix + BLOCK <= max && old[prefix..prefix + BLOCK] == new[prefix..prefix + BLOCK] {
        prefix += BLOCK;
    }
    while prefix < max && old[prefix] == new[prefix] {
        prefix += 1;
    }
    let room = max - prefix;
    let mut suffix = 0;
    while suffix + BLOCK <= room
        && old[old.len() - suffix - BLOCK..old.len() - suffix]
            == new[new.len() - suffix - BLOCK..new.len() - suffix]
    {
        suffix += BLOCK;
    }
    while suffix < room && old[old.len() - suffix - 1] == new[new.len() - suffix - 1] {
        suffix += 1;
    }
    // Back to the start of the line two lines above the first change.
    let mut start = prefix;
    for _ in 0..3 {
        start = memchr::memrchr(b'\n', &new[..start]).unwrap_or(0);
    }
    if start > 0 {
        start += 1;
    }
    // On to the end of the line two lines below the last change.
    let mut end = new.len() - suffix;
    for _ in 0..3 {
        end = match memchr::memchr(b'\n', &new[end.min(new.len())..]) {
            Some(i) => end + i + 1,
            None => new.len(),
        };
    }
    (start.min(new.len()), end.min(new.len()))
}

/// Scan a blob, or only what it changed from `old`.
fn scan_changes(rules: &Rules, path: &str, old: Option<&[u8]>, data: &[u8]) -> Vec<Hit> {
    let Some(old) = old else {
        return rules.scan(path, data);
    };
    let (start, end) = changed_region(old, data);
    if start == 0 && end == data.len() {
        return rules.scan(path, data);
    }
    let line_offset = memchr::memchr_iter(b'\n', &data[..start]).count() as u32;
    let mut hits = rules.scan(path, &data[start..end]);
    for h in &mut hits {
        h.start += start;
        h.end += start;
        h.line += line_offset;
    }
    // Key material spans lines: its rules see the whole file.
    if memchr::memmem::find(data, b"PRIVATE KEY").is_some()
        || memchr::memmem::find(data, b"PuTTY-User-Key-File").is_some()
    {
        for h in rules.scan(path, data) {
            if rules.rules[h.rule].multiline && !hits.iter().any(|k| k.start == h.start) {
                hits.push(h);
            }
        }
    }
    hits
}

/// Walk one commit's trees (those no thread walked yet) and scan the blobs
/// no thread saw yet.
#[allow(clippy::too_many_arguments)]
fn walk_commit(
    repo: &gix::Repository,
    rules: &Rules,
    commit: ObjectId,
    skip_path: &(dyn Fn(&str) -> bool + Sync),
    seen_trees: &SeenSet,
    seen_blobs: &SeenBlobs,
    blobs: &std::sync::atomic::AtomicUsize,
    previous: &mut Previous,
) -> Result<Vec<HistoryHit>, String> {
    let c = repo
        .find_commit(commit)
        .map_err(|e| history_error("commit", commit, e))?;
    let tree = c
        .tree_id()
        .map_err(|e| history_error("commit", commit, e))?
        .detach();
    let mut out = Vec::new();
    let mut stack: Vec<(ObjectId, String)> = vec![(tree, String::new())];
    let mut buf = Vec::new();
    while let Some((tid, prefix)) = stack.pop() {
        if !seen_trees.insert(tid) {
            continue;
        }
        let t = repo
            .find_tree(tid)
            .map_err(|e| history_error("tree", tid, e))?;
        let decoded = t.decode().map_err(|e| history_error("tree", tid, e))?;
        for e in &decoded.entries {
            let name = String::from_utf8_lossy(e.filename.as_ref());
            let path = if prefix.is_empty() {
                name.into_owned()
            } else {
                format!("{prefix}/{name}")
            };
            if e.mode.is_tree() {
                stack.push((e.oid.to_owned(), path));
            } else if e.mode.is_blob()
                && !skip_path(&path)
                && seen_blobs.insert(e.oid.to_owned(), &path)
            {
                blobs.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                let id = e.oid.to_owned();
                if let Some(data) = read_blob(repo, id, &mut buf)? {
                    let old = previous.by_path.get(&path).map(Vec::as_slice);
                    let hits = scan_changes(rules, &path, old, data);
                    out.extend(hits.into_iter().map(|hit| HistoryHit {
                        hit,
                        path: path.clone(),
                        commit: commit.to_string(),
                    }));
                    previous.remember(&path, data);
                }
            }
        }
    }
    Ok(out)
}

/// A blob's bytes, or `None` when it is larger than the size cap (known
/// from its header, before anything is inflated) or binary.
fn read_blob<'b>(
    repo: &gix::Repository,
    id: ObjectId,
    buf: &'b mut Vec<u8>,
) -> Result<Option<&'b [u8]>, String> {
    let header = repo
        .find_header(id)
        .map_err(|e| history_error("blob", id, e))?;
    if header.size() > crate::index::MAX_TEXT_BYTES {
        return Ok(None);
    }
    use gix::prelude::Find;
    let data = repo
        .objects
        .try_find(&id, buf)
        .map_err(|e| history_error("blob", id, e))?
        .ok_or_else(|| history_error("blob", id, "missing object"))?;
    if super::none_committed::is_binary(data.data) {
        return Ok(None);
    }
    Ok(Some(&buf[..]))
}

/// Report each found secret in the oldest commit whose tree holds its blob
/// at its path (the threads saw commits in no fixed order). Only commits
/// older than the one a secret was first seen in are looked at.
fn settle_commits(
    repo: &gix::Repository,
    commits: &[ObjectId],
    aliases: &[(ObjectId, String)],
    hits: &mut [(HistoryHit, usize)],
) -> Result<(), String> {
    // (path, blob) -> index of the oldest commit known to hold it.
    let mut wanted: HashMap<(String, ObjectId), usize> = HashMap::new();
    let mut blob_of: Vec<ObjectId> = Vec::with_capacity(hits.len());
    for (h, at) in hits.iter() {
        let blob = blob_at(repo, commits[*at], &h.path)?
            .unwrap_or_else(|| ObjectId::null(repo.object_hash()));
        blob_of.push(blob);
        let e = wanted.entry((h.path.clone(), blob)).or_insert(*at);
        *e = (*e).min(*at);
        // The same blob at other paths may be older.
        for (_, path) in aliases.iter().filter(|(id, _)| *id == blob) {
            wanted.entry((path.clone(), blob)).or_insert(*at);
        }
    }
    let latest = wanted.values().copied().max().unwrap_or(0);
    let mut last_tree = None;
    for (i, &commit) in commits.iter().enumerate().take(latest) {
        let tree = repo
            .find_commit(commit)
            .and_then(|c| c.tree_id().map(|t| t.detach()))
            .map_err(|e| history_error("commit", commit, e))?;
        if last_tree == Some(tree) {
            continue;
        }
        last_tree = Some(tree);
        for ((path, blob), oldest) in wanted.iter_mut() {
            if *oldest <= i {
                continue;
            }
            if blob_in_tree(repo, tree, path)? == Some(*blob) {
                *oldest = i;
            }
        }
    }
    for ((h, at), blob) in hits.iter_mut().zip(blob_of) {
        // The oldest (commit, path) holding this blob; the path sorts ties.
        let best = wanted
            .iter()
            .filter(|((_, b), _)| *b == blob)
            .map(|((path, _), &i)| (i, path.clone()))
            .min();
        if let Some((oldest, path)) = best {
            *at = oldest;
            h.commit = commits[oldest].to_string();
            h.path = path;
        }
    }
    Ok(())
}

fn blob_at(
    repo: &gix::Repository,
    commit: ObjectId,
    path: &str,
) -> Result<Option<ObjectId>, String> {
    let tree = repo
        .find_commit(commit)
        .and_then(|c| c.tree_id().map(|t| t.detach()))
        .map_err(|e| history_error("commit", commit, e))?;
    blob_in_tree(repo, tree, path)
}

/// The blob at `path` in `tree`, if any.
fn blob_in_tree(
    repo: &gix::Repository,
    tree: ObjectId,
    path: &str,
) -> Result<Option<ObjectId>, String> {
    let mut current = tree;
    let mut parts = path.split('/').peekable();
    while let Some(part) = parts.next() {
        let t = repo
            .find_tree(current)
            .map_err(|e| history_error("tree", current, e))?;
        let decoded = t.decode().map_err(|e| history_error("tree", current, e))?;
        let Some(e) = decoded
            .entries
            .iter()
            .find(|e| String::from_utf8_lossy(e.filename.as_ref()) == part)
        else {
            return Ok(None);
        };
        let id = e.oid.to_owned();
        if parts.peek().is_none() {
            return Ok(e.mode.is_blob().then_some(id));
        }
        if !e.mode.is_tree() {
            return Ok(None);
        }
        current = id;
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_changed_lines_are_scanned_at_their_own_line_numbers() {
        let rules = Rules::builtin().unwrap_or_else(|e| panic!("{e}"));
        let key = |tail: &str| format!("{}{}{tail}", "AK", "IA");
        let old_key = key("Q7LM2XV4RT6KP3WZ");
        let new_key = key("R4TX6WQ2LM7KZ3VB");
        let filler: String = (0..50).map(|i| format!("line {i}\n")).collect();
        let old = format!("{filler}A = \"{old_key}\"\n{filler}");
        let new = format!("{filler}A = \"{old_key}\"\n{filler}B = \"{new_key}\"\n{filler}");
        let (start, end) = changed_region(old.as_bytes(), new.as_bytes());
        assert!(start > 0 && end <= new.len(), "{start}..{end}");
        let hits = scan_changes(rules, "a.py", Some(old.as_bytes()), new.as_bytes());
        assert_eq!(hits.len(), 1, "{hits:?}");
        assert_eq!(hits[0].secret, new_key.as_bytes());
        assert_eq!(hits[0].line, 102);
        // A keyword added above an unchanged value line still finds it.
        let value = "q7Lm2Xv9Rt4Kp8Wz3Nc6Bd1Fh5Jy0Gs7Ta2E/+Qr";
        let old = format!("{filler}other:\n  {value}\n{filler}");
        let new = format!("{filler}aws_secret_access_key:\n  {value}\n{filler}");
        let hits = scan_changes(rules, "c.yaml", Some(old.as_bytes()), new.as_bytes());
        assert_eq!(hits.len(), 1, "{hits:?}");
        assert_eq!(hits[0].line, 52);
    }
}
