//! The command line (SPEC §2). Parsing only: each command lives in
//! `commands/`.

pub mod color;
pub mod progress;

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::findings::FailOn;
use crate::report::Format;

#[derive(Debug, Parser)]
#[command(
    name = "readyctl",
    version,
    about = "Is this repository ready to deploy? Verifies the deployment-readiness checklist, shows the evidence, scaffolds what is missing.",
    after_help = "Exit codes: 0 ready, 1 not ready, 2 could not check (bad flags, unreadable path, invalid readyctl.yaml)."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,

    /// When to colour output (`auto` honours NO_COLOR, FORCE_COLOR, CLICOLOR_FORCE and CLICOLOR).
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,

    /// Use this readyctl.yaml instead of the one at the root.
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

impl ColorChoice {
    /// Should output to a stream that `is_terminal` describes be coloured?
    pub fn enabled(self, is_terminal: bool) -> bool {
        match self {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => crate::cli::color::auto_from_env(is_terminal),
        }
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run every enabled check on PATH and print the report.
    Check(CheckArgs),
    /// List every check: id, area, default severity, title.
    List(ListArgs),
    /// Show a check's documentation: what it checks, why, how to fix, an example.
    Explain(ExplainArgs),
    /// Write the missing file(s) of KIND from a built-in template.
    Scaffold(ScaffoldArgs),
    /// Write readyctl.yaml and deployment-readiness.md tuned to the repository.
    Init(InitArgs),
    /// Record today's secret findings so that only new ones fail.
    Baseline(BaselineArgs),
    /// Write a commented example declarative check to .readyctl/checks/.
    NewCheck(NewCheckArgs),
    /// Print the JSON Schema of readyctl.yaml.
    Schema,
    /// Compare two JSON reports (HEAD defaults to a fresh check of `.`):
    /// what regressed, what improved; exit 1 on a regression.
    Diff(DiffArgs),
    /// Print shell completions.
    Completions(CompletionsArgs),
    /// Print the man page (roff), or write one page per subcommand with --dir.
    Man(ManArgs),
    /// Aggregate JSON reports of many repositories or services into one scorecard.
    Fleet(FleetArgs),
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// The repository to check (default: the git repository holding the
    /// current directory, at its top level; else the current directory).
    pub path: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Write the report to FILE (a short summary still goes to stdout).
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Lowest severity of a failure that makes the repository not ready.
    #[arg(long, value_enum, default_value_t = FailOn::Error)]
    pub fail_on: FailOn,
    /// Run only checks whose id matches one of these globs (e.g. `terraform.*`).
    #[arg(long, value_delimiter = ',', value_name = "GLOB,...")]
    pub only: Vec<String>,
    /// Skip checks whose id matches one of these globs.
    #[arg(long, value_delimiter = ',', value_name = "GLOB,...")]
    pub skip: Vec<String>,
    /// No network: network checks report `skip`.
    #[arg(long)]
    pub offline: bool,
    /// Secrets: scan every commit reachable from HEAD, not only the working tree.
    #[arg(long)]
    pub history: bool,
    /// Rewrite the checklist's boxes of marked items from the results.
    #[arg(long)]
    pub sync_checklist: bool,
    /// Never show a progress bar.
    #[arg(long)]
    pub no_progress: bool,
    /// Ready when the repository reaches this level (and no check could not
    /// run); `--fail-on` then only decides what is printed as a failure.
    /// See `readyctl list --levels`.
    #[arg(long, value_name = "NAME")]
    pub min_level: Option<String>,
    /// Check only these services (declared under `services:` in readyctl.yaml).
    #[arg(long, value_delimiter = ',', value_name = "NAME,...")]
    pub service: Vec<String>,
    /// Also write the report in FORMAT to FILE; repeatable
    /// (e.g. `--report sarif=readyctl.sarif --report junit=readyctl.xml`).
    #[arg(long = "report", value_name = "FORMAT=FILE")]
    pub reports: Vec<crate::report::target::Target>,
    /// Print only the failures and the verdict line (human format); no progress bar.
    #[arg(long, short)]
    pub quiet: bool,
    /// Human format: every finding of every check (by default the first 3,
    /// grouped by file, and a count of the rest).
    #[arg(long, short)]
    pub verbose: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, ValueEnum)]
pub enum ListFormat {
    #[default]
    Human,
    Json,
}

#[derive(Debug, Args)]
pub struct ListArgs {
    #[arg(long, value_enum, default_value_t = ListFormat::Human)]
    pub format: ListFormat,
    /// Also list the declarative checks of the repository at PATH.
    #[arg(long, default_value = ".")]
    pub path: PathBuf,
    /// List the readiness levels (built-in, or `levels:` of readyctl.yaml)
    /// and the checks each requires.
    #[arg(long)]
    pub levels: bool,
}

#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// A check id, e.g. `docs.rollback`.
    pub id: String,
    /// Also find the declarative checks of the repository at PATH.
    #[arg(long, default_value = ".")]
    pub path: PathBuf,
}

#[derive(Debug, Args)]
pub struct ScaffoldArgs {
    /// What to write (runbook, rollback, checklist, ci, terraform, gitignore,
    /// health, monitoring, postmortem, adr, rfc, change, meeting, config,
    /// disruption).
    pub kind: Option<String>,
    /// The repository to write into.
    pub path: Option<PathBuf>,
    /// Scaffold the fix of every failing check that has one.
    #[arg(long)]
    pub missing: bool,
    /// Overwrite existing files.
    #[arg(long)]
    pub force: bool,
    /// Print what would change as a diff; write nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// CI provider for `ci` (github or gitlab).
    #[arg(long)]
    pub provider: Option<String>,
    /// Template variant for `meeting` (strategy or operational-review).
    #[arg(long)]
    pub template: Option<String>,
    /// Title for `adr`, `rfc`, `change`, `postmortem` and `meeting` records.
    #[arg(long)]
    pub title: Option<String>,
    /// Cloud provider for `terraform` (aws, google, azurerm).
    #[arg(long)]
    pub cloud: Option<String>,
}

#[derive(Debug, Args)]
pub struct InitArgs {
    #[arg(default_value = ".")]
    pub path: PathBuf,
    #[arg(long)]
    pub force: bool,
    #[arg(long)]
    pub dry_run: bool,
    /// Print the repository profile (CI, infrastructure, deploy mechanism,
    /// languages, health endpoints) the files are tuned to.
    #[arg(long)]
    pub explain: bool,
}

#[derive(Debug, Args)]
pub struct BaselineArgs {
    #[arg(default_value = ".")]
    pub path: PathBuf,
    /// Also record findings from every commit reachable from HEAD.
    #[arg(long)]
    pub history: bool,
}

#[derive(Debug, Args)]
pub struct NewCheckArgs {
    /// The new check's id, `area.name`.
    pub id: String,
    /// The repository to write into.
    #[arg(long, default_value = ".")]
    pub path: PathBuf,
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, ValueEnum)]
pub enum DiffFormat {
    #[default]
    Human,
    Json,
    Markdown,
}

#[derive(Debug, Args)]
pub struct DiffArgs {
    /// The base JSON report (`readyctl check --format json`), e.g. the main branch's.
    pub base: PathBuf,
    /// The head JSON report; without it, a fresh check of the current directory.
    pub head: Option<PathBuf>,
    /// Output format (markdown: a pull-request comment).
    #[arg(long, value_enum, default_value_t = DiffFormat::Human)]
    pub format: DiffFormat,
    /// Lowest severity of a regression that makes the exit code 1.
    #[arg(long, value_enum, default_value_t = FailOn::Error)]
    pub fail_on: FailOn,
    /// Write the comparison to FILE instead of stdout.
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// For the fresh check: no network (network checks report `skip`).
    #[arg(long)]
    pub offline: bool,
    /// For the fresh check: never show a progress bar.
    #[arg(long)]
    pub no_progress: bool,
}

#[derive(Debug, Args)]
pub struct ManArgs {
    /// Write readyctl.1 and one readyctl-COMMAND.1 per subcommand into DIR
    /// (e.g. /usr/local/share/man/man1) instead of printing readyctl.1.
    #[arg(long, value_name = "DIR")]
    pub dir: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// bash, zsh, fish or powershell.
    pub shell: String,
}

/// `readyctl fleet --format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, ValueEnum)]
pub enum FleetFormat {
    #[default]
    Human,
    Json,
    Markdown,
    Html,
}

#[derive(Debug, Args)]
pub struct FleetArgs {
    /// JSON reports (`readyctl check --format json`), or directories of them.
    #[arg(required = true, value_name = "REPORT")]
    pub reports: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = FleetFormat::Human)]
    pub format: FleetFormat,
    /// Write the scorecard to FILE instead of stdout.
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
}
