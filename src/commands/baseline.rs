//! `readyctl baseline`.

use crate::cli::{BaselineArgs, Cli};

pub fn run(_cli: &Cli, _args: &BaselineArgs) -> anyhow::Result<u8> {
    anyhow::bail!("`baseline` is not available in this build")
}
