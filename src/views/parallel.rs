//! Work spread over our own threads for the views' builders (the Terraform
//! model parses its files in parallel). Views themselves are cached on the
//! index: [`crate::repo::index::Index::view`].

/// Map `items` with `f` on up to `available_parallelism` scoped threads of
/// our own (not rayon's pool: see [`crate::repo::index::Index::view`]), keeping the order.
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
    use crate::repo::index::Index;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[test]
    fn a_view_is_built_once_and_shared_across_threads() {
        let dir = tempfile::tempdir().unwrap();
        let index = Index::build(dir.path()).unwrap();
        let calls = AtomicUsize::new(0);
        let values: Vec<Arc<u64>> = std::thread::scope(|s| {
            let hs: Vec<_> = (0..8)
                .map(|_| {
                    s.spawn(|| {
                        index.view(|_| {
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
        // Another index has views of its own, even at a reused address.
        drop(index);
        let other = Index::build(dir.path()).unwrap();
        assert_eq!(*other.view(|_| 7u64), 7);
    }

    #[test]
    fn parallel_map_keeps_order() {
        let items: Vec<u32> = (0..1000).collect();
        let out = parallel_map(&items, |x| x * 2);
        assert_eq!(out, items.iter().map(|x| x * 2).collect::<Vec<_>>());
    }
}
