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
