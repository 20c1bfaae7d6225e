//! Integration tests: the real binary on fixture repositories made in
//! temporary directories. One test binary, one module per area.

mod browser;
mod ci;
mod cli_cases;
mod common;
mod core;
mod custom;
mod deploy;
mod diff;
mod dist;
mod docs;
mod fleet;
mod formats;
mod health;
mod hostile;
mod k8s;
mod layering;
mod levels;
mod monitoring;
mod recipes;
mod resilience;
mod scaffold;
mod scaffold_fit;
mod secrets;
mod services;
mod terraform;
mod waivers;
mod yaml_depth;
