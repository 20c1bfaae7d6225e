//! readyctl: is this repository ready to deploy?
//!
//! Data flows one way: [`index`] (one walk) → [`engine`] (checks from
//! [`checks`]) → [`model`] (findings) → [`report`] (every output format).

pub mod check_meta;
pub mod checklist;
pub mod checks;
pub mod cli;
pub mod color;
pub mod commands;
pub mod config;
pub mod config_schema;
pub mod declarative;
pub mod diff;
pub mod dockerfile;
pub mod docs;
pub mod engine;
pub mod fingerprint;
pub mod fleet;
pub mod identity;
pub mod index;
pub mod k8s;
pub mod levels;
pub mod location;
pub mod markdown;
pub mod model;
pub mod probe;
pub mod progress;
pub mod redact;
pub mod report;
pub mod roles;
pub mod safe_fs;
pub mod scaffold;
pub mod services;
pub mod text;
pub mod waivers;
pub mod yaml;
