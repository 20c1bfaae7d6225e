//! One module per command; each returns the process exit code.

pub mod baseline;
pub mod check;
pub mod check_output;
pub mod diff;
pub mod fleet;
pub mod list;
pub mod meta;
pub mod new_check;
pub mod scaffold;

use std::io::IsTerminal;
use std::process::ExitCode;

use clap::Parser;

use crate::cli::{Cli, Command};

/// Exit code: ready.
pub const EXIT_READY: u8 = 0;
/// Exit code: not ready.
pub const EXIT_NOT_READY: u8 = 1;
/// Exit code: could not check.
pub const EXIT_USAGE: u8 = 2;

/// Parse the command line, run the command, and map errors to exit 2.
pub fn main() -> ExitCode {
    exit_on_closed_stdout();
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() {
                EXIT_USAGE
            } else {
                EXIT_READY
            });
        }
    };
    match dispatch(&cli) {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            let color = cli.color.enabled(std::io::stderr().is_terminal());
            let prefix = crate::report::human::Paint(color).red("error:");
            let message = crate::report::redact::text(&format!("{e:#}"));
            eprintln!("readyctl: {prefix} {message}");
            ExitCode::from(EXIT_USAGE)
        }
    }
}

/// Standard output closed (`readyctl check | head -1`) or full: Rust's
/// `print!` panics ("failed printing to stdout", exit 101). Say so in one line
/// and exit 2 (the report could not be delivered) instead; every other panic
/// keeps the default report.
fn exit_on_closed_stdout() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let payload = info
            .payload()
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| info.payload().downcast_ref::<&str>().copied())
            .unwrap_or("");
        if let Some(why) = payload.strip_prefix("failed printing to stdout: ") {
            use std::io::Write;
            let _ = writeln!(
                std::io::stderr(),
                "readyctl: error: cannot write to standard output: {why}"
            );
            std::process::exit(i32::from(EXIT_USAGE));
        }
        default(info);
    }));
}

fn dispatch(cli: &Cli) -> anyhow::Result<u8> {
    match &cli.command {
        Command::Check(args) => check::run(cli, args),
        Command::List(args) => list::list(cli, args),
        Command::Explain(args) => list::explain(cli, args),
        Command::Scaffold(args) => scaffold::scaffold(cli, args),
        Command::Init(args) => scaffold::init(cli, args),
        Command::Baseline(args) => baseline::run(cli, args),
        Command::NewCheck(args) => new_check::run(cli, args),
        Command::Schema => meta::schema(cli),
        Command::Diff(args) => diff::run(cli, args),
        Command::Completions(args) => meta::completions(cli, args),
        Command::Man(args) => meta::man(cli, args),
        Command::Fleet(args) => fleet::run(cli, args),
    }
}
