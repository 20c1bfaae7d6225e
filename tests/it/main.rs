//! Integration tests: the real binary on fixture repositories made in
//! temporary directories. One test binary, one module per area.

mod browser;
mod ci;
mod common;
mod core;
mod custom;
mod docs;
mod fleet;
mod formats;
mod health;
mod monitoring;
mod recipes;
mod scaffold;
mod secrets;
mod services;
mod terraform;
