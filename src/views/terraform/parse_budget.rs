//! Memory bounds of the Terraform model. `hcl-edit` keeps every token with
//! its decoration: a parsed file costs about 65 times its size (a 10 MB
//! `.tf` took 674 MB); a JSON file about 30 times (serde_json values). So a
//! `.tf` over [`MAX_HCL_BYTES`] or a `.tf.json` over [`MAX_JSON_BYTES`] is
//! not parsed (`terraform.valid` names it at line 1), and the threads that
//! parse in parallel hold at most [`IN_FLIGHT_BYTES`] of source between them
//! (a file as large as that is parsed alone).

use std::sync::{Condvar, Mutex};

/// The largest Terraform file parsed (real ones are far below: the largest
/// `.tf` of the corpus is a few hundred KB).
pub const MAX_HCL_BYTES: usize = 2 * 1024 * 1024;

/// The largest Terraform JSON file parsed (generated `cdk.tf.json` files
/// run to a few MB).
pub const MAX_JSON_BYTES: usize = 8 * 1024 * 1024;

/// Source bytes being parsed at once, over all threads.
pub const IN_FLIGHT_BYTES: usize = MAX_HCL_BYTES;

static IN_FLIGHT: Mutex<usize> = Mutex::new(0);
static FREED: Condvar = Condvar::new();

/// A share of [`IN_FLIGHT_BYTES`], given back when dropped.
pub struct Permit(usize);

/// Wait until `bytes` (at most [`MAX_HCL_BYTES`]) may be parsed.
pub fn acquire(bytes: usize) -> Permit {
    let bytes = bytes.min(IN_FLIGHT_BYTES);
    let mut used = IN_FLIGHT.lock().unwrap_or_else(|p| p.into_inner());
    while *used + bytes > IN_FLIGHT_BYTES {
        used = FREED.wait(used).unwrap_or_else(|p| p.into_inner());
    }
    *used += bytes;
    Permit(bytes)
}

impl Drop for Permit {
    fn drop(&mut self) {
        let mut used = IN_FLIGHT.lock().unwrap_or_else(|p| p.into_inner());
        *used -= self.0;
        FREED.notify_all();
    }
}

/// The error for a file over the cap, or `None`.
pub fn too_large(len: usize, json: bool) -> Option<String> {
    let max = if json { MAX_JSON_BYTES } else { MAX_HCL_BYTES };
    (len > max).then(|| {
        format!(
            "{len} bytes, over the {} MiB a Terraform file may have to be parsed; not parsed",
            max / (1024 * 1024)
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn permits_are_bounded_and_given_back() {
        let a = acquire(MAX_HCL_BYTES / 2);
        let b = acquire(MAX_HCL_BYTES / 2);
        assert_eq!(*IN_FLIGHT.lock().unwrap(), IN_FLIGHT_BYTES);
        drop(a);
        drop(b);
        let _c = acquire(10);
        assert!(too_large(MAX_HCL_BYTES, false).is_none());
        assert!(
            too_large(MAX_HCL_BYTES + 1, false)
                .unwrap()
                .contains("not parsed")
        );
        assert!(too_large(MAX_HCL_BYTES + 1, true).is_none());
        assert!(too_large(MAX_JSON_BYTES + 1, true).is_some());
    }
}
