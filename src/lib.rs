//! readyctl: is this repository ready to deploy?
//!
//! Data flows one way: [`repo`] (one walk, the index, file roles) →
//! [`views`] (each format parsed once, on first use) → [`check`] (the
//! engine running [`checks`] and [`declarative`] checks) → [`findings`]
//! (results, waivers, levels) → [`report`] (every output format) or
//! [`scaffold`]. [`cli`] and [`commands`] drive it; [`net`] probes health
//! endpoints; [`services`] and [`fleet`] roll results up.

pub mod check;
pub mod checks;
pub mod cli;
pub mod commands;
pub mod config;
pub mod declarative;
pub mod findings;
pub mod fleet;
pub mod net;
pub mod repo;
pub mod report;
pub mod scaffold;
pub mod services;
pub mod views;
