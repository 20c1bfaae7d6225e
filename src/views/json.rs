//! JSON files as values (serde_json), parsed once per index on first use
//! and shared: Grafana dashboards, exported alert rules, `.tf.json` aside
//! (the Terraform view reads those itself, with its own bounds).

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use crate::repo::index::{FileEntry, Index};

/// Why a JSON file does not parse, with its 1-based position.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JsonError {
    pub message: String,
    pub line: u32,
    pub column: u32,
}

impl std::fmt::Display for JsonError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

/// The parse of one file.
pub type Parsed = Result<serde_json::Value, JsonError>;

type Slot = Arc<OnceLock<Arc<Parsed>>>;

/// Every file's JSON parsed so far, per path (a view on the index).
#[derive(Default)]
struct Files(Mutex<HashMap<String, Slot>>);

/// Parse JSON text (serde_json's default recursion limit of 128 bounds
/// the nesting, so a hostile file cannot overflow the stack).
pub fn parse(text: &str) -> Parsed {
    serde_json::from_str(text).map_err(|e| JsonError {
        message: e.to_string(),
        line: e.line() as u32,
        column: e.column() as u32,
    })
}

/// The JSON value of `f`, parsed once per index on first use (`None` when
/// the file has no text).
pub fn document(index: &Index, f: &FileEntry) -> Option<Arc<Parsed>> {
    let text = f.text()?;
    let files = index.view(|_| Files::default());
    let slot = {
        let mut map = files.0.lock().unwrap_or_else(|p| p.into_inner());
        map.entry(f.path.clone()).or_default().clone()
    };
    Some(slot.get_or_init(|| Arc::new(parse(text))).clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_carry_their_position() {
        let e = parse("{\n  \"a\": 1,\n  \"b\": ]\n}").unwrap_err();
        assert_eq!((e.line, e.column), (3, 8));
        assert!(e.message.contains("expected value"), "{e}");
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let text = "[".repeat(100_000);
        assert!(parse(&text).is_err());
    }
}
