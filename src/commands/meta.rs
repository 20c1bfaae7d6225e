//! `readyctl schema`, `readyctl completions`, `readyctl man`.

use std::io::Write;

use clap::CommandFactory;
use clap_complete::Shell;

use crate::cli::{Cli, CompletionsArgs};

/// The shells `readyctl completions` knows.
pub const SHELLS: &[&str] = &["bash", "zsh", "fish", "powershell"];

/// The JSON Schema of `readyctl.yaml`, pretty-printed with a final newline
/// (what `readyctl schema` prints and `readyctl.schema.json` holds).
pub fn config_schema() -> String {
    let schema = schemars::schema_for!(crate::config::Config);
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

/// The man page, roff.
pub fn man_page() -> anyhow::Result<Vec<u8>> {
    let mut out = Vec::new();
    clap_mangen::Man::new(Cli::command())
        .section("1")
        .manual("readyctl manual")
        .render(&mut out)?;
    Ok(out)
}

pub fn man(_cli: &Cli) -> anyhow::Result<u8> {
    print_all(&man_page()?)?;
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
