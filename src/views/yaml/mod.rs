//! YAML through serde-saphyr, with errors that name line and column.
//!
//! Every YAML reader of readyctl (`readyctl.yaml`, declarative checks, CI
//! workflows, Kubernetes manifests, Compose files, Helm values, alert
//! rules) parses through [`from_str`] / [`from_str_multi`], and so through
//! the one depth guard: serde-saphyr's nesting budget ([`MAX_DEPTH`]) and a
//! parser stack large enough for that depth even in an unoptimised build
//! ([`with_parser_stack`]). A file nested deeper is an error at its line,
//! never a stack overflow.

pub mod node;

use serde::de::DeserializeOwned;
use std::cell::Cell;
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

/// Deepest nesting of sequences and mappings a YAML file may have.
pub const MAX_DEPTH: usize = 64;

/// Stack of a parser thread: serde's recursive descent, unoptimised in
/// debug builds, takes tens of KiB per nesting level — more than a worker
/// thread's 2 MiB at [`MAX_DEPTH`]. Only the pages used are committed.
const PARSER_STACK: usize = 64 << 20;

thread_local! {
    static ON_PARSER_STACK: Cell<bool> = const { Cell::new(false) };
}

/// Run `f` where a parse of any depth serde-saphyr's budget lets through
/// fits on the stack: directly when already on a parser thread, otherwise
/// on a fresh one. A view that parses many files wraps its whole build in
/// it, so that the thread is started once.
pub fn with_parser_stack<T: Send>(f: impl FnOnce() -> T + Send) -> T {
    if ON_PARSER_STACK.get() {
        return f();
    }
    std::thread::scope(|s| {
        std::thread::Builder::new()
            .name("readyctl-parse".into())
            .stack_size(PARSER_STACK)
            .spawn_scoped(s, || {
                ON_PARSER_STACK.set(true);
                f()
            })
            .expect("start a parser thread")
            .join()
            .unwrap_or_else(|p| std::panic::resume_unwind(p))
    })
}

fn options() -> serde_saphyr::Options {
    let mut budget = serde_saphyr::Budget::default();
    budget.max_depth = MAX_DEPTH;
    let mut options = serde_saphyr::Options::default();
    options.budget = Some(budget);
    options
}

/// Parse one YAML document into `T`.
pub fn from_str<T: DeserializeOwned + Send>(text: &str) -> Result<T, YamlError> {
    with_parser_stack(|| serde_saphyr::from_str_with_options(text, options()).map_err(convert))
}

/// Parse every document of a multi-document YAML stream into `T`.
pub fn from_str_multi<T: DeserializeOwned + Send>(text: &str) -> Result<Vec<T>, YamlError> {
    with_parser_stack(|| serde_saphyr::from_multiple_with_options(text, options()).map_err(convert))
}

type Docs = Result<Vec<node::SNode>, YamlError>;
type Slot = std::sync::Arc<std::sync::OnceLock<std::sync::Arc<Docs>>>;

/// Every file's YAML documents parsed so far, per path (a view on the index).
#[derive(Default)]
struct Files(std::sync::Mutex<std::collections::HashMap<String, Slot>>);

/// The YAML documents of `f` as spanned trees, parsed once per index on
/// first use (`None` when the file has no text).
pub fn documents(
    index: &crate::repo::index::Index,
    f: &crate::repo::index::FileEntry,
) -> Option<std::sync::Arc<Docs>> {
    let text = f.text()?;
    let files = index.view(|_| Files::default());
    let slot = {
        let mut map = files.0.lock().unwrap_or_else(|p| p.into_inner());
        map.entry(f.path.clone()).or_default().clone()
    };
    Some(
        slot.get_or_init(|| std::sync::Arc::new(node::parse_multi(text)))
            .clone(),
    )
}
