//! `readyctl baseline`: record today's secret findings (rule + SHA-256 of
//! the secret, never the secret) so that only new ones fail.

use anyhow::Context as _;

use crate::checks::secrets::{baseline, none_committed};
use crate::cli::{BaselineArgs, Cli};
use crate::config;
use crate::repo::index::Index;

pub fn run(cli: &Cli, args: &BaselineArgs) -> anyhow::Result<u8> {
    let root = &args.path;
    if !root.is_dir() {
        anyhow::bail!("{}: not a directory", root.display());
    }
    let cfg = config::load(root, cli.config.as_deref())?;
    let index = Index::build_for(root, &cfg)?;
    let found = none_committed::collect(&index, &cfg, args.history).map_err(anyhow::Error::msg)?;
    let entries = found.secrets.iter().map(|s| baseline::Entry {
        rule: s.rule.clone(),
        fingerprint: s.fingerprint.clone(),
        path: Some(s.path.clone()),
    });
    let text = baseline::render(entries);
    let path = baseline::path(root, &cfg);
    crate::repo::safe_fs::write_atomic(&path, text.as_bytes())
        .with_context(|| format!("{}: cannot write", path.display()))?;
    let n = found.secrets.len();
    println!(
        "recorded {n} secret finding{} in {}",
        if n == 1 { "" } else { "s" },
        baseline::rel_path(&cfg)
    );
    Ok(super::EXIT_READY)
}
