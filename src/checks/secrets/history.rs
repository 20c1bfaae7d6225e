//! History scan: every commit reachable from HEAD (gix, pure Rust), each
//! blob scanned once. Trees already seen are not walked again, so a commit
//! costs only the trees it changed.

use std::collections::HashSet;
use std::path::Path;

use gix::ObjectId;
use rayon::prelude::*;

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
    let mut blobs: Vec<Blob> = Vec::new();
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
                    blobs.push(Blob {
                        id: e.oid.to_owned(),
                        path,
                        commit,
                    });
                }
            }
        }
    }

    let sync = repo.into_sync();
    let results: Result<Vec<Vec<HistoryHit>>, String> = blobs
        .par_iter()
        .map_init(
            || sync.to_thread_local(),
            |repo, b| {
                let header = repo
                    .find_header(b.id)
                    .map_err(|e| format!("git history: blob {}: {e}", b.id))?;
                if header.size() > crate::index::MAX_TEXT_BYTES {
                    return Ok(Vec::new());
                }
                let obj = repo
                    .find_object(b.id)
                    .map_err(|e| format!("git history: blob {}: {e}", b.id))?;
                let data = &obj.data;
                if super::none_committed::is_binary(data) {
                    return Ok(Vec::new());
                }
                Ok(rules
                    .scan(&b.path, data)
                    .into_iter()
                    .map(|hit| HistoryHit {
                        hit,
                        path: b.path.clone(),
                        commit: b.commit.to_string(),
                    })
                    .collect())
            },
        )
        .collect();
    Ok(Some(HistoryScan {
        commits: commits.len(),
        blobs: blobs.len(),
        hits: results?.into_iter().flatten().collect(),
    }))
}
