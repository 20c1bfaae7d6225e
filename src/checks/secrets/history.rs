//! History scan: every commit reachable from HEAD (gix, pure Rust), each
//! blob scanned once. Trees already seen are not walked again, so a commit
//! costs only the trees it changed.

use std::collections::HashSet;
use std::path::Path;
use std::sync::Mutex;

use gix::ObjectId;

use super::rules::Rules;
use super::scanner::Hit;

/// A blob to scan: first commit (oldest first) and path it was seen under.
struct Blob {
    id: ObjectId,
    path: String,
    commit: ObjectId,
}

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
}

/// Scan every commit reachable from HEAD of the repository at `root`.
/// `Ok(None)` when `root` is not in a git repository or HEAD is unborn.
/// `skip_path` drops paths (allow_paths, `.readyctlignore`).
pub fn scan(
    root: &Path,
    rules: &Rules,
    skip_path: &(dyn Fn(&str) -> bool + Sync),
) -> Result<Option<HistoryScan>, String> {
    let mut repo = match gix::discover(root) {
        Ok(r) => r,
        Err(_) => return Ok(None),
    };
    repo.object_cache_size_if_unset(16 << 20);
    let head = match repo.head_id() {
        Ok(id) => id.detach(),
        Err(_) => return Ok(None),
    };
    let sync = repo.into_sync();
    let hits: Mutex<Vec<HistoryHit>> = Mutex::new(Vec::new());
    let failure: Mutex<Option<String>> = Mutex::new(None);
    let mut counts = (0, 0);
    // The walk (one thread) feeds batches of new blobs to the scanners
    // (the other threads) as it goes.
    rayon::scope(|scope| {
        let walked = walk(&sync, head, skip_path, &mut |batch: Vec<Blob>| {
            let (sync, hits, failure) = (&sync, &hits, &failure);
            scope.spawn(move |_| match scan_blobs(sync, rules, &batch) {
                Ok(mut found) => hits.lock().expect("lock").append(&mut found),
                Err(e) => {
                    failure.lock().expect("lock").get_or_insert(e);
                }
            });
        });
        match walked {
            Ok(c) => counts = c,
            Err(e) => {
                failure.lock().expect("lock").get_or_insert(e);
            }
        }
    });
    if let Some(e) = failure.into_inner().expect("lock") {
        return Err(e);
    }
    let mut hits = hits.into_inner().expect("lock");
    hits.sort_by(|a, b| (&a.path, a.hit.line).cmp(&(&b.path, b.hit.line)));
    Ok(Some(HistoryScan {
        commits: counts.0,
        blobs: counts.1,
        hits,
    }))
}

/// How many blobs go to one scanning task.
const BATCH: usize = 256;

/// Walk every commit reachable from `head`, oldest first, handing each
/// never-seen blob to `emit` in batches. Returns `(commits, blobs)`.
fn walk(
    sync: &gix::ThreadSafeRepository,
    head: ObjectId,
    skip_path: &(dyn Fn(&str) -> bool + Sync),
    emit: &mut dyn FnMut(Vec<Blob>),
) -> Result<(usize, usize), String> {
    let repo = sync.to_thread_local();
    let walk = repo
        .rev_walk([head])
        .all()
        .map_err(|e| format!("git history: {e}"))?;
    let mut commits = Vec::new();
    for info in walk {
        let info = info.map_err(|e| format!("git history: {e}"))?;
        commits.push(info.id);
    }
    // Oldest first, so a blob is attributed to the commit that introduced it.
    commits.reverse();

    let mut seen_trees: HashSet<ObjectId> = HashSet::new();
    let mut seen_blobs: HashSet<ObjectId> = HashSet::new();
    let mut batch: Vec<Blob> = Vec::with_capacity(BATCH);
    let mut blobs = 0;
    for &commit in &commits {
        let c = repo
            .find_commit(commit)
            .map_err(|e| format!("git history: commit {commit}: {e}"))?;
        let tree = c
            .tree_id()
            .map_err(|e| format!("git history: commit {commit}: {e}"))?
            .detach();
        let mut stack: Vec<(ObjectId, String)> = vec![(tree, String::new())];
        while let Some((tid, prefix)) = stack.pop() {
            if !seen_trees.insert(tid) {
                continue;
            }
            let t = repo
                .find_tree(tid)
                .map_err(|e| format!("git history: tree {tid}: {e}"))?;
            let decoded = t
                .decode()
                .map_err(|e| format!("git history: tree {tid}: {e}"))?;
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
                    && seen_blobs.insert(e.oid.to_owned())
                {
                    blobs += 1;
                    batch.push(Blob {
                        id: e.oid.to_owned(),
                        path,
                        commit,
                    });
                    if batch.len() == BATCH {
                        emit(std::mem::replace(&mut batch, Vec::with_capacity(BATCH)));
                    }
                }
            }
        }
    }
    if !batch.is_empty() {
        emit(batch);
    }
    Ok((commits.len(), blobs))
}

/// Scan a batch of blobs (text only, at most the index's size limit).
fn scan_blobs(
    sync: &gix::ThreadSafeRepository,
    rules: &Rules,
    batch: &[Blob],
) -> Result<Vec<HistoryHit>, String> {
    let mut repo = sync.to_thread_local();
    repo.object_cache_size_if_unset(4 << 20);
    let mut out = Vec::new();
    for b in batch {
        let obj = repo
            .find_object(b.id)
            .map_err(|e| format!("git history: blob {}: {e}", b.id))?;
        let data = &obj.data;
        if data.len() as u64 > crate::index::MAX_TEXT_BYTES
            || super::none_committed::is_binary(data)
        {
            continue;
        }
        out.extend(rules.scan(&b.path, data).into_iter().map(|hit| HistoryHit {
            hit,
            path: b.path.clone(),
            commit: b.commit.to_string(),
        }));
    }
    Ok(out)
}
