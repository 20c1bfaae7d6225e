//! History scan: every commit reachable from HEAD (gix, pure Rust), each
//! blob scanned once, on every core.
//!
//! 1. The commits are listed (oldest first).
//! 2. Each commit's tree is compared with its first parent's (subtrees with
//!    the same id are not entered), newest commits first, on every core:
//!    git stores older versions as deltas of newer ones, so walking newest
//!    first decodes each tree from a base it just decoded. Every blob a
//!    commit adds or changes at a path is an *introduction*, with the blob
//!    that path held in the parent.
//! 3. Each blob is kept once, at its oldest introduction (the oldest commit
//!    whose tree holds it, and the path it has there): that commit and path
//!    are where its secrets are reported. A blob's commit is always one that
//!    added it.
//! 4. The blobs are scanned, on every core, path by path and newest first
//!    (again the order of git's deltas). A blob whose parent version at the
//!    same path was scanned is scanned only where it differs from it (a
//!    common prefix and suffix are skipped, two lines of context kept; key
//!    material whole): what it shares with that older version was found
//!    there, and is reported at the older commit. A blob's size is read
//!    from its object header before it is inflated: a blob above the size
//!    cap is never decompressed; binary blobs are skipped.
//!
//! Objects are read from the pack files by [`super::packs`], which keeps
//! every object of a delta chain it decoded (gix re-inflates a chain's
//! base for each object built on it); loose objects are read by gix.

use std::collections::{BTreeSet, HashMap};
use std::path::Path;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use gix::ObjectId;
use gix::objs::{FindExt, Kind};

use super::packs::{Found, Packs, Reader};
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
    /// Oldest commit first (the commits in commit-time order), so that the
    /// first hit of a secret is where it was first committed.
    pub hits: Vec<HistoryHit>,
    /// Set when the history is truncated (a shallow clone): what is missing.
    pub shallow: Option<String>,
    /// Paths of blobs over the size cap, not scanned (never inflated).
    pub oversized: Vec<String>,
}

/// A blob a commit added or changed at a path.
#[derive(Debug, Clone)]
struct Intro {
    blob: ObjectId,
    path: String,
    /// Index into the commit list (oldest first).
    commit: u32,
    /// The blob at the same path in the commit's first parent.
    parent: Option<ObjectId>,
}

/// Bytes of decoded trees each thread keeps while comparing trees (a
/// commit's tree is its child's parent tree, decoded just before).
const TREE_CACHE: usize = 16 << 20;
/// Bytes of decoded blobs (and their delta bases) each thread keeps.
const BLOB_CACHE: usize = 32 << 20;
/// Commits a thread takes at a time: consecutive commits share their trees'
/// delta bases.
const CHUNK: usize = 64;

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
    let packs = Packs::open(repo.objects.store_ref().path(), repo.object_hash());
    let sync = repo.into_sync();
    let threads = rayon::current_num_threads().clamp(1, 64);

    let intros = introductions(&sync, &packs, &commits, skip_path, threads)?;
    let blobs = oldest_introductions(intros);
    let jobs = scan_jobs(&blobs);
    let oversized = Mutex::new(BTreeSet::new());
    let hits = scan_blobs(&sync, &packs, rules, &jobs, threads, &oversized)?;
    let oversized: Vec<String> = oversized
        .into_inner()
        .unwrap_or_else(|p| p.into_inner())
        .into_iter()
        .collect();

    // Oldest commit first: a secret found in several blobs is reported
    // where it was first committed.
    let mut hits = hits;
    hits.sort_by(|a, b| (a.2, &a.1, a.0.line, a.0.column).cmp(&(b.2, &b.1, b.0.line, b.0.column)));
    let hits: Vec<HistoryHit> = hits
        .into_iter()
        .map(|(hit, path, commit)| HistoryHit {
            hit,
            path,
            commit: commits[commit as usize].id.to_string(),
        })
        .collect();
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
        blobs: blobs.len(),
        hits,
        shallow,
        oversized,
    }))
}

/// One commit of the history.
#[derive(Debug, Clone, Copy)]
struct CommitInfo {
    id: ObjectId,
    tree: ObjectId,
    /// Index of the first parent in the list, when it is in the history
    /// (not beyond a shallow boundary).
    parent: Option<u32>,
}

/// Every commit reachable from `head`, oldest first (by commit time).
fn commit_list(repo: &gix::Repository, head: ObjectId) -> Result<Vec<CommitInfo>, String> {
    let mut repo = repo.clone();
    // The walk reads each commit; its tree is read from this cache.
    repo.object_cache_size(TREE_CACHE);
    // Newest first by commit time, so that the list read backwards puts
    // the commits in the order they were made (parents before children,
    // unless clocks were skewed).
    let walk = repo
        .rev_walk([head])
        .sorting(gix::revision::walk::Sorting::ByCommitTime(
            gix::traverse::commit::simple::CommitTimeOrder::NewestFirst,
        ))
        .all()
        .map_err(|e| format!("git history cannot be read: {e}"))?;
    let mut found: Vec<(ObjectId, ObjectId, Option<ObjectId>)> = Vec::new();
    for info in walk {
        let info = info.map_err(|e| format!("git history cannot be read: {e}"))?;
        let tree = info
            .object()
            .and_then(|c| c.tree_id().map(|t| t.detach()))
            .map_err(|e| history_error("commit", info.id, e))?;
        found.push((info.id, tree, info.parent_ids.first().copied()));
    }
    found.reverse();
    let index: HashMap<ObjectId, u32> = found
        .iter()
        .enumerate()
        .map(|(i, (id, _, _))| (*id, i as u32))
        .collect();
    Ok(found
        .iter()
        .map(|(id, tree, parent)| CommitInfo {
            id: *id,
            tree: *tree,
            parent: parent.and_then(|p| index.get(&p).copied()),
        })
        .collect())
}

fn history_error(what: &str, id: ObjectId, e: impl std::fmt::Display) -> String {
    format!("git history cannot be read: {what} {id}: {e}")
}

/// One item's work on a thread: (its repository, its state, the item,
/// where results go).
type Work<'a, S, T> =
    dyn Fn(&gix::Repository, &mut S, usize, &mut Vec<T>) -> Result<(), String> + Sync + 'a;

/// Run `work(thread_repo, item)` over `0..n` on `threads` threads, items
/// taken in chunks of `chunk` from the highest index down; stop at the
/// first error.
fn on_threads<T: Send, S>(
    sync: &gix::ThreadSafeRepository,
    threads: usize,
    n: usize,
    chunk: usize,
    state: &(dyn Fn() -> S + Sync),
    work: &Work<'_, S, T>,
) -> Result<Vec<T>, String> {
    let next = AtomicUsize::new(0);
    let failed = AtomicBool::new(false);
    let error: Mutex<Option<String>> = Mutex::new(None);
    let results: Mutex<Vec<T>> = Mutex::new(Vec::new());
    std::thread::scope(|s| {
        for _ in 0..threads.min(n.div_ceil(chunk)).max(1) {
            s.spawn(|| {
                let repo = sync.to_thread_local();
                let mut st = state();
                let mut out = Vec::new();
                loop {
                    if failed.load(Ordering::Relaxed) {
                        break;
                    }
                    let c = next.fetch_add(1, Ordering::Relaxed);
                    let Some(hi) = n.checked_sub(c * chunk) else {
                        break;
                    };
                    if hi == 0 {
                        break;
                    }
                    let lo = hi.saturating_sub(chunk);
                    for i in (lo..hi).rev() {
                        if let Err(e) = work(&repo, &mut st, i, &mut out) {
                            failed.store(true, Ordering::Relaxed);
                            error.lock().expect("lock").get_or_insert(e);
                            break;
                        }
                    }
                }
                results.lock().expect("lock").append(&mut out);
            });
        }
    });
    if let Some(e) = error.into_inner().expect("lock") {
        return Err(e);
    }
    Ok(results.into_inner().expect("lock"))
}

/// Every blob each commit adds or changes, against its first parent
/// (everything, for a root commit), newest commits first.
fn introductions(
    sync: &gix::ThreadSafeRepository,
    packs: &Packs,
    commits: &[CommitInfo],
    skip_path: &(dyn Fn(&str) -> bool + Sync),
    threads: usize,
) -> Result<Vec<Intro>, String> {
    on_threads(
        sync,
        threads,
        commits.len(),
        CHUNK,
        &|| Reader::new(packs, TREE_CACHE),
        &|repo, reader, i, out| {
            let c = commits[i];
            let parent = c.parent.map(|p| commits[p as usize].tree);
            let mut path = String::new();
            let mut diff = Diff {
                repo,
                reader,
                commit: i as u32,
                skip_path,
                out,
            };
            diff.trees(parent, c.tree, &mut path)
        },
    )
}

/// An object's bytes: from the packs, or else from gix.
fn object(
    repo: &gix::Repository,
    reader: &mut Reader<'_>,
    id: ObjectId,
    want: Kind,
) -> Result<std::rc::Rc<Vec<u8>>, String> {
    let what = if want == Kind::Tree { "tree" } else { "blob" };
    let (kind, data) = match reader.find(&id).map_err(|e| history_error(what, id, e))? {
        Some(found) => found,
        None => {
            let mut buf = Vec::new();
            let kind = repo
                .objects
                .find(&id, &mut buf)
                .map_err(|e| history_error(what, id, e))?
                .kind;
            (kind, std::rc::Rc::new(buf))
        }
    };
    if kind != want {
        return Err(history_error(what, id, format!("a {kind}, not a {what}")));
    }
    Ok(data)
}

/// Git's order of tree entries: by name, a tree's name as if it ended in
/// `/`.
fn entry_order(
    a: &gix::objs::tree::EntryRef<'_>,
    b: &gix::objs::tree::EntryRef<'_>,
) -> std::cmp::Ordering {
    let (x, y): (&[u8], &[u8]) = (a.filename.as_ref(), b.filename.as_ref());
    let n = x.len().min(y.len());
    x[..n].cmp(&y[..n]).then_with(|| {
        let end = |name: &[u8], tree: bool| match name.get(n) {
            Some(&c) => c,
            None if tree => b'/',
            None => 0,
        };
        end(x, a.mode.is_tree()).cmp(&end(y, b.mode.is_tree()))
    })
}

/// One commit's comparison with its parent.
struct Diff<'a, 'p> {
    repo: &'a gix::Repository,
    reader: &'a mut Reader<'p>,
    commit: u32,
    skip_path: &'a (dyn Fn(&str) -> bool + Sync),
    out: &'a mut Vec<Intro>,
}

impl Diff<'_, '_> {
    /// The blobs `new` holds that `old` does not hold at the same path.
    fn trees(
        &mut self,
        old: Option<ObjectId>,
        new: ObjectId,
        path: &mut String,
    ) -> Result<(), String> {
        if old == Some(new) {
            return Ok(());
        }
        let hash = self.repo.object_hash();
        let new_data = object(self.repo, self.reader, new, Kind::Tree)?;
        let new_tree = gix::objs::TreeRef::from_bytes(&new_data, hash)
            .map_err(|e| history_error("tree", new, e))?;
        let old_data = match old {
            Some(old) => Some((old, object(self.repo, self.reader, old, Kind::Tree)?)),
            None => None,
        };
        let old_entries = match &old_data {
            Some((id, data)) => {
                gix::objs::TreeRef::from_bytes(data, hash)
                    .map_err(|e| history_error("tree", *id, e))?
                    .entries
            }
            None => Vec::new(),
        };
        let len = path.len();
        // Both lists are in git's order: walk them side by side. (A tree
        // out of order only makes entries look new: scanned, never missed.)
        let mut o = old_entries.iter().peekable();
        for e in &new_tree.entries {
            let mut prior = None;
            while let Some(p) = o.peek() {
                match entry_order(p, e) {
                    std::cmp::Ordering::Less => {
                        o.next();
                    }
                    std::cmp::Ordering::Equal => {
                        prior = o.next();
                        break;
                    }
                    std::cmp::Ordering::Greater => break,
                }
            }
            if prior.is_some_and(|p| p.oid == e.oid) {
                continue;
            }
            let (is_tree, is_blob) = (e.mode.is_tree(), e.mode.is_blob());
            if !is_tree && !is_blob {
                continue;
            }
            if len > 0 {
                path.push('/');
            }
            path.push_str(&String::from_utf8_lossy(e.filename.as_ref()));
            if is_tree {
                self.trees(prior.map(|p| p.oid.to_owned()), e.oid.to_owned(), path)?;
            } else if !(self.skip_path)(path) {
                self.out.push(Intro {
                    blob: e.oid.to_owned(),
                    path: path.clone(),
                    commit: self.commit,
                    parent: prior.filter(|p| p.mode.is_blob()).map(|p| p.oid.to_owned()),
                });
            }
            path.truncate(len);
        }
        Ok(())
    }
}

/// Each blob once, at its oldest introduction (the path sorts ties).
fn oldest_introductions(intros: Vec<Intro>) -> HashMap<ObjectId, Intro> {
    let mut best: HashMap<ObjectId, Intro> = HashMap::with_capacity(intros.len());
    for intro in intros {
        match best.get_mut(&intro.blob) {
            None => {
                best.insert(intro.blob, intro);
            }
            Some(b) => {
                if (intro.commit, &intro.path) < (b.commit, &b.path) {
                    *b = intro;
                }
            }
        }
    }
    best
}

/// The blobs of one path, newest first: (blob, commit, the older version
/// at the same path it may be scanned against).
struct Job {
    path: String,
    blobs: Vec<JobBlob>,
}

/// (blob, commit index, the parent version it is scanned against).
type JobBlob = (ObjectId, u32, Option<ObjectId>);

/// Group the blobs by path, newest first. A blob is scanned against its
/// parent version only when that version was itself scanned at the same
/// path (the same rules apply) in an older commit.
fn scan_jobs(blobs: &HashMap<ObjectId, Intro>) -> Vec<Job> {
    let mut by_path: HashMap<&str, Vec<JobBlob>> = HashMap::new();
    for b in blobs.values() {
        let parent = b.parent.filter(|p| {
            blobs
                .get(p)
                .is_some_and(|o| o.path == b.path && o.commit < b.commit)
        });
        by_path
            .entry(b.path.as_str())
            .or_default()
            .push((b.blob, b.commit, parent));
    }
    let mut jobs: Vec<Job> = by_path
        .into_iter()
        .map(|(path, mut blobs)| {
            blobs.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
            Job {
                path: path.to_string(),
                blobs,
            }
        })
        .collect();
    // The longest first, so that the threads finish together; `on_threads`
    // takes items from the end.
    jobs.sort_by(|a, b| {
        a.blobs
            .len()
            .cmp(&b.blobs.len())
            .then_with(|| b.path.cmp(&a.path))
    });
    jobs
}

/// Scan every job's blobs: (hit, path, commit index).
fn scan_blobs(
    sync: &gix::ThreadSafeRepository,
    packs: &Packs,
    rules: &Rules,
    jobs: &[Job],
    threads: usize,
    oversized: &Mutex<BTreeSet<String>>,
) -> Result<Vec<(Hit, String, u32)>, String> {
    on_threads(
        sync,
        threads,
        jobs.len(),
        1,
        &|| Reader::new(packs, BLOB_CACHE),
        &|repo, reader, i, out| scan_job(repo, reader, rules, &jobs[i], out, oversized),
    )
}

/// Decoded blobs a job still needs: the older versions newer ones were
/// compared with (`None`: binary or over the size cap).
type Kept = Vec<(ObjectId, Option<std::rc::Rc<Vec<u8>>>)>;

fn scan_job(
    repo: &gix::Repository,
    reader: &mut Reader<'_>,
    rules: &Rules,
    job: &Job,
    out: &mut Vec<(Hit, String, u32)>,
    oversized: &Mutex<BTreeSet<String>>,
) -> Result<(), String> {
    let mut kept: Kept = Vec::new();
    let take = |reader: &mut Reader<'_>, kept: &mut Kept, id: ObjectId| match kept
        .iter()
        .position(|(k, _)| *k == id)
    {
        Some(i) => Ok(kept.swap_remove(i).1),
        None => read_blob(repo, reader, id),
    };
    for &(blob, commit, parent) in &job.blobs {
        let Some(data) = take(reader, &mut kept, blob)? else {
            // Binary, or over the cap: the latter is said in the message.
            if repo
                .find_header(blob)
                .is_ok_and(|h| h.size() > crate::repo::index::MAX_TEXT_BYTES)
            {
                oversized
                    .lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .insert(job.path.clone());
            }
            continue;
        };
        let old = match parent {
            Some(p) => {
                let old = take(reader, &mut kept, p)?;
                // Kept for when the parent's own turn comes (next, usually).
                if kept.len() >= 4 {
                    kept.remove(0);
                }
                kept.push((p, old));
                kept.last().and_then(|(_, d)| d.as_deref())
            }
            None => None,
        };
        for hit in scan_changes(rules, &job.path, old.map(Vec::as_slice), &data) {
            out.push((hit, job.path.clone(), commit));
        }
    }
    Ok(())
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

/// Where key material (PEM, PuTTY) begins and ends: the multi-line key
/// rules match from an opening to a closing line.
const KEY_OPEN: [&[u8]; 2] = [b"-----BEGIN", b"PuTTY-User-Key-File-"];
const KEY_CLOSE: [&[u8]; 3] = [b"-----END", b"Private-MAC:", b"Private-Hash:"];

/// Is a key block open at `at`: an opening before it with no closing
/// between? Then the start of that opening.
fn open_key_block(data: &[u8], at: usize) -> Option<usize> {
    let open = KEY_OPEN
        .iter()
        .filter_map(|m| memchr::memmem::rfind(&data[..at], m))
        .max()?;
    let closed = KEY_CLOSE
        .iter()
        .any(|m| memchr::memmem::find(&data[open..at], m).is_some());
    (!closed).then_some(open)
}

/// Widen `start..end` so that no key block is cut: back to the opening of
/// a block open at `start`, on past the closing line of a block open at
/// `end` (or to the end of the file).
fn widen_for_keys(data: &[u8], start: usize, end: usize) -> (usize, usize) {
    let start = match open_key_block(data, start) {
        Some(open) => memchr::memrchr(b'\n', &data[..open]).map_or(0, |i| i + 1),
        None => start,
    };
    let end = if open_key_block(data, end).is_some() {
        KEY_CLOSE
            .iter()
            .filter_map(|m| memchr::memmem::find(&data[end..], m))
            .min()
            .map_or(data.len(), |i| {
                let close = end + i;
                memchr::memchr(b'\n', &data[close..]).map_or(data.len(), |j| close + j + 1)
            })
    } else {
        end
    };
    (start, end)
}

/// Scan a blob, or only what it changed from `old`.
fn scan_changes(rules: &Rules, path: &str, old: Option<&[u8]>, data: &[u8]) -> Vec<Hit> {
    let Some(old) = old else {
        return rules.scan(path, data);
    };
    let (mut start, mut end) = changed_region(old, data);
    // Key material spans lines: its rules see the whole block.
    if memchr::memmem::find(data, b"PRIVATE KEY").is_some()
        || memchr::memmem::find(data, b"PuTTY-User-Key-File").is_some()
    {
        (start, end) = widen_for_keys(data, start, end);
    }
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
    hits
}

/// A blob's bytes, or `None` when it is larger than the size cap (known
/// from its pack entry or object header, before it is inflated) or binary.
fn read_blob(
    repo: &gix::Repository,
    reader: &mut Reader<'_>,
    id: ObjectId,
) -> Result<Option<std::rc::Rc<Vec<u8>>>, String> {
    let data = match reader
        .find_capped(&id, crate::repo::index::MAX_TEXT_BYTES)
        .map_err(|e| history_error("blob", id, e))?
    {
        Some(Found::TooLarge) => return Ok(None),
        Some(Found::Object(kind, data)) => {
            if kind != Kind::Blob {
                return Err(history_error("blob", id, format!("a {kind}, not a blob")));
            }
            data
        }
        None => {
            let header = repo
                .find_header(id)
                .map_err(|e| history_error("blob", id, e))?;
            if header.size() > crate::repo::index::MAX_TEXT_BYTES {
                return Ok(None);
            }
            object(repo, reader, id, Kind::Blob)?
        }
    };
    if super::none_committed::is_binary(&data) {
        return Ok(None);
    }
    Ok(Some(data))
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
    #[test]
    fn a_change_inside_a_key_block_scans_the_whole_block() {
        let rules = Rules::builtin().unwrap_or_else(|e| panic!("{e}"));
        let filler: String = (0..40).map(|i| format!("line {i}\n")).collect();
        let body = |seed: u8| -> String {
            (0..12)
                .map(|l| {
                    (0..64)
                        .map(|i| {
                            let c = (i * 7 + l * 13 + seed as usize * 5) % 62;
                            b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"[c]
                                as char
                        })
                        .collect::<String>()
                        + "\n"
                })
                .collect()
        };
        let pem = |seed: u8| {
            format!(
                "-----BEGIN {} KEY-----\n{}-----END {} KEY-----\n",
                "RSA PRIVATE",
                body(seed),
                "RSA PRIVATE"
            )
        };
        let old = format!("{filler}{}{filler}", pem(1));
        // Only the last line of the body changes, ten lines below BEGIN.
        let mut changed = pem(1);
        let cut = changed.rfind("-----END").unwrap_or(0);
        changed.replace_range(cut - 10..cut - 1, "Zz9Zz9Zz9");
        let new = format!("{filler}{changed}{filler}");
        let hits = scan_changes(rules, "k.txt", Some(old.as_bytes()), new.as_bytes());
        assert_eq!(hits.len(), 1, "{hits:?}");
        assert_eq!(rules.rules[hits[0].rule].id, "private-key");
        assert_eq!(hits[0].line, 41);
        // A change below a closed block does not rescan it.
        let new = format!("{filler}{}{filler}x = 1\n", pem(1));
        assert!(scan_changes(rules, "k.txt", Some(old.as_bytes()), new.as_bytes()).is_empty());
        let (s, e) = widen_for_keys(new.as_bytes(), new.len() - 6, new.len());
        assert_eq!((s, e), (new.len() - 6, new.len()));
    }

    /// Run git in `dir`; its standard output.
    fn git(dir: &Path, args: &[&str]) -> String {
        let out = std::process::Command::new("git")
            .args(args)
            .current_dir(dir)
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .output()
            .expect("git runs");
        assert!(out.status.success(), "git {args:?}: {out:?}");
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    #[test]
    fn the_scan_finds_what_scanning_every_blob_whole_finds_at_commits_that_added_it() {
        use rand::{Rng, SeedableRng};
        let rules = Rules::builtin().unwrap_or_else(|e| panic!("{e}"));
        let tmp = tempfile::tempdir().expect("tempdir");
        let dir = tmp.path();
        git(dir, &["init", "-q", "-b", "main"]);
        git(dir, &["config", "user.email", "t@example.com"]);
        git(dir, &["config", "user.name", "T"]);
        let mut rng = rand::rngs::StdRng::seed_from_u64(11);
        const B32: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        let key = |rng: &mut rand::rngs::StdRng| {
            let tail: String = (0..16)
                .map(|_| B32[rng.random_range(0..B32.len())] as char)
                .collect();
            format!("{}{}{tail}", "AK", "IA")
        };
        let files = ["a.py", "src/b.py", "src/c.yaml", "src/deep/d.txt", "e.env"];
        let mut lines: Vec<Vec<String>> = files
            .iter()
            .map(|_| (0..30).map(|i| format!("line {i}")).collect())
            .collect();
        let write = |lines: &[Vec<String>]| {
            for (f, l) in files.iter().zip(lines) {
                let p = dir.join(f);
                std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
                std::fs::write(&p, l.join("\n") + "\n").expect("write");
            }
        };
        let commit = |msg: &str| {
            git(dir, &["add", "-A"]);
            git(dir, &["commit", "-q", "--allow-empty", "-m", msg]);
        };
        let mut snapshots: Vec<Vec<Vec<String>>> = Vec::new();
        for n in 0..90 {
            if n == 30 {
                git(dir, &["checkout", "-q", "-b", "side"]);
            }
            if n == 45 {
                git(dir, &["checkout", "-q", "main"]);
            }
            if n == 60 {
                git(
                    dir,
                    &[
                        "merge", "-q", "--no-ff", "-X", "theirs", "-m", "merge", "side",
                    ],
                );
                // Take the merged files as they are now.
                for (f, l) in files.iter().zip(lines.iter_mut()) {
                    let text = std::fs::read_to_string(dir.join(f)).expect("read");
                    *l = text.lines().map(str::to_string).collect();
                }
                continue;
            }
            if n % 17 == 16 && !snapshots.is_empty() {
                // A revert to an older state (the same blobs again).
                lines = snapshots[rng.random_range(0..snapshots.len())].clone();
            } else {
                for _ in 0..rng.random_range(1..4) {
                    let f = rng.random_range(0..files.len());
                    let l = rng.random_range(0..lines[f].len());
                    match rng.random_range(0..10) {
                        0 | 1 => lines[f][l] = format!("KEY_{n} = \"{}\"", key(&mut rng)),
                        2 => lines[f].insert(l, format!("added {n}")),
                        _ => lines[f][l] = format!("edit {n}"),
                    }
                }
            }
            snapshots.push(lines.clone());
            write(&lines);
            commit("work");
            // Packed, in two packs, and loose objects after them.
            if n == 50 {
                git(
                    dir,
                    &["repack", "-a", "-d", "-q", "--depth=50", "--window=10"],
                );
            }
            if n == 75 {
                git(dir, &["repack", "-d", "-q"]);
            }
        }
        let objects = dir.join(".git/objects");
        let packs = Packs::open(&objects, gix::hash::Kind::Sha1);
        let mut reader = Reader::new(&packs, 1 << 20);
        let repo = gix::open(dir).expect("open");
        let mut from_packs = 0;
        for line in git(
            dir,
            &["rev-list", "--objects", "--no-object-names", "--all"],
        )
        .lines()
        {
            let id = ObjectId::from_hex(line.as_bytes()).expect("id");
            let mut buf = Vec::new();
            let want = repo
                .objects
                .find(&id, &mut buf)
                .expect("object")
                .data
                .to_vec();
            if let Some((_, got)) = reader.find(&id).expect("decodes") {
                from_packs += 1;
                assert_eq!(*got, want, "{id}");
            }
        }
        assert!(from_packs > 300, "{from_packs} objects read from packs");

        let found = scan(dir, rules, &|_| false)
            .expect("scan")
            .expect("a repository");
        let got: std::collections::BTreeSet<Vec<u8>> =
            found.hits.iter().map(|h| h.hit.secret.clone()).collect();

        // Every blob of every commit, scanned whole.
        let mut want = std::collections::BTreeSet::new();
        let mut seen = std::collections::HashSet::new();
        for c in git(dir, &["rev-list", "HEAD"]).lines() {
            for entry in git(dir, &["ls-tree", "-r", c]).lines() {
                let (meta, path) = entry.split_once('\t').expect("ls-tree line");
                let blob = meta.split_whitespace().nth(2).expect("blob id").to_string();
                if seen.insert((blob.clone(), path.to_string())) {
                    let data = git(dir, &["cat-file", "blob", &blob]);
                    for h in rules.scan(path, data.as_bytes()) {
                        want.insert(h.secret);
                    }
                }
            }
        }
        assert!(want.len() > 10, "{}", want.len());
        assert_eq!(got, want);

        // Each hit's commit added its blob at its path, and holds the secret.
        for h in &found.hits {
            let spec = format!("{}:{}", h.commit, h.path);
            let blob = git(dir, &["rev-parse", &spec]);
            let text = git(dir, &["cat-file", "blob", blob.trim()]);
            assert!(
                text.as_bytes()
                    .windows(20)
                    .any(|w| w == h.hit.secret.as_slice())
            );
            let line = text.lines().nth(h.hit.line as usize - 1).expect("line");
            assert!(
                line.as_bytes()
                    .windows(20)
                    .any(|w| w == h.hit.secret.as_slice())
            );
            let parents = git(dir, &["rev-list", "--parents", "-n", "1", &h.commit]);
            if let Some(parent) = parents.split_whitespace().nth(1) {
                let old = git(dir, &["ls-tree", parent, "--", &h.path]);
                assert!(!old.contains(blob.trim()), "{spec} was not added there");
            }
        }
    }
}
