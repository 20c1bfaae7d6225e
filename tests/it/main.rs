//! Integration tests: the real binary on fixture repositories made in
//! temporary directories. One test binary, one module per area.

mod browser;
mod ci;
mod common;
mod core;
mod custom;
mod diff;
mod dist;
mod docs;
mod fleet;
mod formats;
mod health;
mod hostile;
mod levels;
mod monitoring;
mod recipes;
mod resilience;
mod scaffold;
mod secrets;
mod services;
mod terraform;
mod waivers;
