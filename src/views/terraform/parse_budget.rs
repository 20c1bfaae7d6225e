//! Memory bounds of the Terraform model. `hcl-edit` keeps every token with
//! its decoration: a parsed file costs about 65 times its size (a 10 MB
//! `.tf` took 674 MB); a JSON file about 30 times (serde_json values). So a
//! `.tf` over [`MAX_HCL_BYTES`] or a `.tf.json` over [`MAX_JSON_BYTES`] is
//! not parsed (`terraform.valid` names it at line 1), and the threads that
//! parse in parallel hold at most [`IN_FLIGHT_BYTES`] of source between them
//! (a file as large as that is parsed alone).
//!
//! The parsed model is kept for the whole run, at up to 30 times the source
//! size, so the run parses at most [`MAX_TOTAL_BYTES`] of Terraform over all
//! files ([`Budget`]); past it the model stops parsing and the `terraform.*`
//! checks are `error`, naming the budget and the files not parsed.

use std::sync::{Condvar, Mutex};

/// The largest Terraform file parsed (real ones are far below: the largest
/// `.tf` of the corpus is a few hundred KB).
pub const MAX_HCL_BYTES: usize = 2 * 1024 * 1024;

/// The largest Terraform JSON file parsed (generated `cdk.tf.json` files
/// run to a few MB).
pub const MAX_JSON_BYTES: usize = 8 * 1024 * 1024;

/// Source bytes of Terraform (HCL and JSON) parsed per run, over all files.
/// Eight 1.9 MB `.tf` files (each under [`MAX_HCL_BYTES`]) took 560 MB;
/// the largest Terraform of the 18-repository corpus is 0.5 MB in total.
pub const MAX_TOTAL_BYTES: usize = 4 * 1024 * 1024;

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

/// What is left of [`MAX_TOTAL_BYTES`] in one run. Files are taken in a
/// fixed order; the first that does not fit ends the parsing, so the files
/// not parsed do not depend on thread timing.
#[derive(Debug)]
pub struct Budget {
    left: usize,
    spent: bool,
}

impl Default for Budget {
    fn default() -> Self {
        Budget {
            left: MAX_TOTAL_BYTES,
            spent: false,
        }
    }
}

impl Budget {
    /// May a file of `len` bytes be parsed? Takes its share if so.
    pub fn take(&mut self, len: usize) -> bool {
        if self.spent || len > self.left {
            self.spent = true;
            return false;
        }
        self.left -= len;
        true
    }
}

/// The parse error of a file left out by the run's budget.
pub fn over_budget() -> String {
    format!(
        "not parsed: the run's {} MiB budget for parsing Terraform was used by other files",
        MAX_TOTAL_BYTES / (1024 * 1024)
    )
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

    #[test]
    fn the_budget_stops_at_the_first_file_that_does_not_fit() {
        let mut b = Budget::default();
        assert!(b.take(MAX_TOTAL_BYTES - 10));
        assert!(!b.take(11));
        // A smaller file after it is not parsed either: the order decides.
        assert!(!b.take(1));
        let mut b = Budget::default();
        assert!(b.take(MAX_TOTAL_BYTES));
        assert!(!b.take(1));
    }
}
