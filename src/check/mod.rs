//! The check engine: what a check is ([`api`]), how checks are described
//! ([`meta`]: the builder every built-in check uses), the one [`registry`]
//! every listing and run comes from, the runner ([`engine`]), and the
//! documentation generated from the registry ([`docs`]).
//!
//! Data flows one way: walk → index → checks → findings → report.

pub mod api;
pub mod docs;
pub mod engine;
pub mod meta;
pub mod registry;

pub use api::{Check, CheckMeta, Context, Explain, Outcome, Phase, RunOptions};
pub use engine::{RunResults, planned, run, warm_up};
pub use registry::{IdFilter, Registry, RegistryError, Selection, validate_config};
