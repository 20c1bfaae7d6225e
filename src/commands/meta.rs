//! `readyctl schema`, `readyctl completions`, `readyctl man`.

use std::io::Write;

use clap::CommandFactory;
use clap_complete::Shell;

use crate::cli::{Cli, CompletionsArgs, ManArgs};

/// The shells `readyctl completions` knows.
pub const SHELLS: &[&str] = &["bash", "zsh", "fish", "powershell"];

/// The JSON Schema of `readyctl.yaml`, pretty-printed with a final newline
/// (what `readyctl schema` prints and `readyctl.schema.json` holds).
pub fn config_schema() -> String {
    let schema = schemars::schema_for!(crate::config::Config);
    let mut schema = serde_json::to_value(&schema).expect("a schema serialises");
    crate::config::schema::tighten(&mut schema);
    let mut s = serde_json::to_string_pretty(&schema).expect("a schema serialises");
    s.push('\n');
    s
}

pub fn schema(_cli: &Cli) -> anyhow::Result<u8> {
    print_all(config_schema().as_bytes())?;
    Ok(super::EXIT_READY)
}

/// The completion script for `shell` (`bash`, `zsh`, `fish`, `powershell`).
pub fn completion_script(shell: &str) -> anyhow::Result<Vec<u8>> {
    let sh = match shell.to_ascii_lowercase().as_str() {
        "bash" => Shell::Bash,
        "zsh" => Shell::Zsh,
        "fish" => Shell::Fish,
        "powershell" | "pwsh" => Shell::PowerShell,
        _ => anyhow::bail!(
            "unknown shell `{shell}` (expected one of: {})",
            SHELLS.join(", ")
        ),
    };
    let mut out = Vec::new();
    clap_complete::generate(sh, &mut Cli::command(), "readyctl", &mut out);
    Ok(out)
}

pub fn completions(_cli: &Cli, args: &CompletionsArgs) -> anyhow::Result<u8> {
    print_all(&completion_script(&args.shell)?)?;
    Ok(super::EXIT_READY)
}

/// Every man page: `readyctl.1` first, then one `readyctl-COMMAND.1` per
/// subcommand — the pages the top page's COMMANDS section refers to — as
/// (file name, roff).
pub fn man_pages() -> anyhow::Result<Vec<(String, Vec<u8>)>> {
    fn walk(cmd: &clap::Command, out: &mut Vec<(String, Vec<u8>)>) -> anyhow::Result<()> {
        let man = clap_mangen::Man::new(cmd.clone())
            .section("1")
            .manual("readyctl manual");
        let mut roff = Vec::new();
        man.render(&mut roff)?;
        out.push((man.get_filename(), roff));
        for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
            walk(sub, out)?;
        }
        Ok(())
    }
    // No `help` subcommand page: `readyctl help` is `--help`.
    let mut cmd = Cli::command().disable_help_subcommand(true);
    cmd.build();
    let mut out = Vec::new();
    walk(&cmd, &mut out)?;
    Ok(out)
}

/// The top-level man page, roff.
pub fn man_page() -> anyhow::Result<Vec<u8>> {
    let mut pages = man_pages()?;
    Ok(pages.swap_remove(0).1)
}

pub fn man(_cli: &Cli, args: &ManArgs) -> anyhow::Result<u8> {
    let Some(dir) = &args.dir else {
        print_all(&man_page()?)?;
        return Ok(super::EXIT_READY);
    };
    std::fs::create_dir_all(dir)
        .map_err(|e| anyhow::anyhow!("{}: cannot create: {e}", dir.display()))?;
    for (name, roff) in man_pages()? {
        let path = dir.join(&name);
        crate::repo::safe_fs::write_atomic(&path, &roff)
            .map_err(|e| anyhow::anyhow!("{}: cannot write: {e}", path.display()))?;
        println!("{}", path.display());
    }
    Ok(super::EXIT_READY)
}

/// Write to stdout; a closed pipe (`readyctl man | head`) is not an error.
fn print_all(bytes: &[u8]) -> anyhow::Result<()> {
    let mut stdout = std::io::stdout().lock();
    match stdout.write_all(bytes).and_then(|_| stdout.flush()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        r => Ok(r?),
    }
}
