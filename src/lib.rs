//! readyctl: is this repository ready to deploy?
//!
//! Data flows one way: [`index`] (one walk) → [`engine`] (checks from
//! [`checks`]) → [`model`] (findings) → [`report`] (every output format).

pub mod checklist;
pub mod checks;
pub mod cli;
pub mod commands;
pub mod config;
pub mod declarative;
pub mod docs;
pub mod engine;
pub mod index;
pub mod markdown;
pub mod model;
pub mod probe;
pub mod progress;
pub mod report;
pub mod roles;
pub mod scaffold;
pub mod text;
pub mod yaml;
