//! `readyctl scaffold` and `readyctl init`.

use crate::cli::{Cli, InitArgs, ScaffoldArgs};

pub fn scaffold(_cli: &Cli, _args: &ScaffoldArgs) -> anyhow::Result<u8> {
    anyhow::bail!("`scaffold` is not available in this build")
}

pub fn init(_cli: &Cli, _args: &InitArgs) -> anyhow::Result<u8> {
    anyhow::bail!("`init` is not available in this build")
}
