//! YAML through serde-saphyr, with errors that name line and column.

pub mod node;

use serde::de::DeserializeOwned;
use std::fmt;

/// A YAML error at a 1-based position (when known).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YamlError {
    pub line: Option<u32>,
    pub column: Option<u32>,
    pub message: String,
}

impl YamlError {
    /// `file:line:column: message`.
    pub fn in_file(&self, file: &str) -> String {
        match (self.line, self.column) {
            (Some(l), Some(c)) => format!("{file}:{l}:{c}: {}", self.message),
            (Some(l), None) => format!("{file}:{l}: {}", self.message),
            _ => format!("{file}: {}", self.message),
        }
    }
}

impl fmt::Display for YamlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.line, self.column) {
            (Some(l), Some(c)) => write!(f, "line {l}, column {c}: {}", self.message),
            _ => f.write_str(&self.message),
        }
    }
}

fn convert(err: serde_saphyr::Error) -> YamlError {
    let loc = err.location().filter(|l| l.line() > 0);
    let mut message = err.without_snippet().to_string();
    // The plain rendering appends the location; we print our own.
    if let Some(i) = message.find(" at line ") {
        message.truncate(i);
    }
    let message = message.lines().next().unwrap_or("").trim().to_string();
    YamlError {
        line: loc.map(|l| l.line() as u32),
        column: loc.map(|l| l.column() as u32),
        message,
    }
}

/// Parse one YAML document into `T`.
///
/// Both run on a thread with a large stack: serde's recursive descent at
/// serde-saphyr's nesting limit (64) overflows a 2 MiB worker stack in a
/// debug build (found by the property tests, issue 13).
pub fn from_str<T: DeserializeOwned + Send>(text: &str) -> Result<T, YamlError> {
    crate::checks::ci::node::with_big_stack(|| serde_saphyr::from_str(text).map_err(convert))
}

/// Parse every document of a multi-document YAML stream into `T`.
pub fn from_str_multi<T: DeserializeOwned + Send>(text: &str) -> Result<Vec<T>, YamlError> {
    crate::checks::ci::node::with_big_stack(|| serde_saphyr::from_multiple(text).map_err(convert))
}
