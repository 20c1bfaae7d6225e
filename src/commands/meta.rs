//! `readyctl schema`, `readyctl completions`, `readyctl man`.

use crate::cli::{Cli, CompletionsArgs};

pub fn schema(_cli: &Cli) -> anyhow::Result<u8> {
    anyhow::bail!("`schema` is not available in this build")
}

pub fn completions(_cli: &Cli, _args: &CompletionsArgs) -> anyhow::Result<u8> {
    anyhow::bail!("`completions` is not available in this build")
}

pub fn man(_cli: &Cli) -> anyhow::Result<u8> {
    anyhow::bail!("`man` is not available in this build")
}
