//! Integration tests: the real binary on fixture repositories made in
//! temporary directories. One test binary, one module per area.

mod ci;
mod common;
mod core;
mod custom;
mod dist;
mod docs;
mod formats;
mod health;
mod monitoring;
mod scaffold;
mod secrets;
mod terraform;
