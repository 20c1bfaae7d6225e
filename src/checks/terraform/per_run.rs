//! A value computed once per [`Index`] and shared by the checks that read it
//! (the parsed Terraform and CI models), so that six checks running in
//! parallel parse each file once.
//!
//! The cache is keyed on the index's identity (its address, the address of
//! its file table and the number of files) and on the value's type. In the
//! binary there is one index per run; the cache keeps only the last few
//! entries, so a long-lived process (the test harness) does not grow.

use std::any::{Any, TypeId};
use std::sync::{Arc, Mutex, OnceLock};

use crate::index::Index;

type Key = (TypeId, usize, usize, usize);
type Slot = Arc<dyn Any + Send + Sync>;

static SLOTS: Mutex<Vec<(Key, Slot)>> = Mutex::new(Vec::new());

/// How many (index, type) entries are kept.
const KEEP: usize = 8;

/// The `T` of `index`, built by `build` on first use. Concurrent callers
/// for the same index wait for the first one instead of building again.
///
/// `build` must not use the global rayon pool: a worker waiting on its
/// `join` may pick up another check that waits here, on the cell its own
/// thread is filling. Builders use their own threads ([`parallel_map`]).
pub fn per_index<T, F>(index: &Index, build: F) -> Arc<T>
where
    T: Send + Sync + 'static,
    F: FnOnce(&Index) -> T,
{
    let key: Key = (
        TypeId::of::<T>(),
        index as *const Index as usize,
        index.files().as_ptr() as usize,
        index.len(),
    );
    let slot: Arc<OnceLock<Arc<T>>> = {
        let mut slots = SLOTS.lock().unwrap_or_else(|p| p.into_inner());
        let found = slots
            .iter()
            .find(|(k, _)| *k == key)
            .and_then(|(_, s)| s.clone().downcast::<OnceLock<Arc<T>>>().ok());
        match found {
            Some(s) => s,
            None => {
                let s: Arc<OnceLock<Arc<T>>> = Arc::new(OnceLock::new());
                slots.push((key, s.clone() as Slot));
                if slots.len() > KEEP {
                    slots.remove(0);
                }
                s
            }
        }
    };
    slot.get_or_init(|| Arc::new(build(index))).clone()
}

/// Map `items` with `f` on up to `available_parallelism` scoped threads of
/// our own (not rayon's pool: see [`per_index`]), keeping the order.
pub fn parallel_map<I, O, F>(items: &[I], f: F) -> Vec<O>
where
    I: Sync,
    O: Send,
    F: Fn(&I) -> O + Sync,
{
    let threads = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .min(16);
    if threads < 2 || items.len() < 32 {
        return items.iter().map(&f).collect();
    }
    let chunk = items.len().div_ceil(threads);
    std::thread::scope(|s| {
        let handles: Vec<_> = items
            .chunks(chunk)
            .map(|part| {
                let f = &f;
                s.spawn(move || part.iter().map(f).collect::<Vec<O>>())
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
            .collect()
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[test]
    fn built_once_and_shared_across_threads() {
        let dir = tempfile::tempdir().unwrap();
        let index = Index::build(dir.path()).unwrap();
        let calls = AtomicUsize::new(0);
        let values: Vec<Arc<u64>> = std::thread::scope(|s| {
            let hs: Vec<_> = (0..8)
                .map(|_| {
                    s.spawn(|| {
                        per_index(&index, |_| {
                            calls.fetch_add(1, Ordering::SeqCst);
                            std::thread::sleep(std::time::Duration::from_millis(20));
                            42u64
                        })
                    })
                })
                .collect();
            hs.into_iter().map(|h| h.join().unwrap()).collect()
        });
        assert_eq!(calls.load(Ordering::SeqCst), 1);
        assert!(values.iter().all(|v| **v == 42));
    }

    #[test]
    fn parallel_map_keeps_order() {
        let items: Vec<u32> = (0..1000).collect();
        let out = parallel_map(&items, |x| x * 2);
        assert_eq!(out, items.iter().map(|x| x * 2).collect::<Vec<_>>());
    }
}
