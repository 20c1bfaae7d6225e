//! `readyctl new-check`.

use crate::cli::{Cli, NewCheckArgs};

pub fn run(_cli: &Cli, _args: &NewCheckArgs) -> anyhow::Result<u8> {
    anyhow::bail!("`new-check` is not available in this build")
}
