//! Integration tests: the real binary on fixture repositories made in
//! temporary directories. One test binary, one module per area.

mod ci;
mod common;
mod core;
mod custom;
mod diff;
mod docs;
mod formats;
mod health;
mod levels;
mod monitoring;
mod resilience;
mod scaffold;
mod secrets;
mod terraform;
mod waivers;
