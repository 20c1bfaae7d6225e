//! `readyctl scaffold` and `readyctl init`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::bail;

use crate::check::{self, RunOptions, Selection};
use crate::cli::{Cli, InitArgs, ScaffoldArgs};
use crate::config::{self, LoadedConfig};
use crate::findings::Status as CheckStatus;
use crate::repo::index::Index;
use crate::scaffold::context::{CheckItem, RepoContext, today};
use crate::scaffold::{self, Applied, Kind, Options, Planned, write};

pub fn scaffold(cli: &Cli, args: &ScaffoldArgs) -> anyhow::Result<u8> {
    let (root, kinds_arg) = if args.missing {
        if args.kind.is_some() && args.path.is_some() {
            bail!(
                "with --missing, give only the PATH (got `{}` and `{}`)",
                args.kind.as_deref().unwrap_or_default(),
                args.path
                    .as_deref()
                    .map(|p| p.display().to_string())
                    .unwrap_or_default()
            );
        }
        let root = args
            .kind
            .as_deref()
            .map(PathBuf::from)
            .or_else(|| args.path.clone())
            .unwrap_or_else(|| PathBuf::from("."));
        (root, None)
    } else {
        let Some(name) = args.kind.as_deref() else {
            bail!("missing KIND: one of {} (or --missing)", Kind::list());
        };
        let Some(kind) = Kind::parse(name) else {
            bail!(
                "unknown scaffold kind `{name}`: use one of {}",
                Kind::list()
            );
        };
        check_flags(kind, args)?;
        (
            args.path.clone().unwrap_or_else(|| PathBuf::from(".")),
            Some(kind),
        )
    };
    check_values(args)?;
    let opts = Options {
        provider: args.provider.clone(),
        template: args.template.clone(),
        title: args.title.clone(),
        cloud: args.cloud.clone(),
    };
    let root = checked_root(&root)?;
    let cfg = config::load(&root, cli.config.as_deref())?;
    let index = Index::build_for(&root, &cfg)?;
    let results = run_checks(&root, &index, &cfg)?;
    let mut ctx = context(&root, &index, &cfg, &results)?;
    // What the scaffold reads: the index, and what this run writes.
    let mut files = scaffold::Files::new(&index);
    if args.dry_run {
        for l in ctx.profile_lines() {
            println!("{l}");
        }
    }

    let kinds: Vec<(Kind, Vec<String>)> = match kinds_arg {
        Some(k) => vec![(k, Vec::new())],
        None => {
            let kinds = missing_kinds(&ctx, &results);
            if kinds.is_empty() {
                println!("nothing to scaffold: every check with a scaffold fix passes");
                return Ok(super::EXIT_READY);
            }
            kinds
        }
    };

    let mut applied = Vec::new();
    for (kind, failing) in kinds {
        let planned = scaffold::plan(kind, &ctx, &files, &opts)?;
        for p in &planned {
            let a = write::apply(&root, p, args.force, args.dry_run)?;
            report(&a);
            if a.changed() {
                files.wrote(&p.path, &p.content);
            }
            if a.status == write::Status::Skipped {
                // The file is the user's: say what to fix in it by hand.
                for why in &failing {
                    println!("  still to fix by hand: {why}");
                }
            }
            applied.push((a, p.clone()));
        }
        if kind == Kind::Ci {
            // Editing the user's own jobs (pinning actions to SHAs, choosing
            // their token permissions) is theirs to do.
            for why in failing.iter().filter(|w| {
                w.starts_with("ci.actions-pinned") || w.starts_with("ci.least-privilege")
            }) {
                println!("  still to fix by hand: {why}");
            }
        }
        anticipate(&mut ctx, kind, &planned, &opts);
    }
    summary(&applied, args.dry_run);
    Ok(super::EXIT_READY)
}

pub fn init(cli: &Cli, args: &InitArgs) -> anyhow::Result<u8> {
    let root = checked_root(&args.path)?;
    let cfg = config::load(&root, cli.config.as_deref())?;
    let index = Index::build_for(&root, &cfg)?;
    let results = run_checks(&root, &index, &cfg)?;
    let ctx = context(&root, &index, &cfg, &results)?;
    if args.explain {
        for l in ctx.profile_lines() {
            println!("{l}");
        }
    }
    let opts = Options::default();
    let mut files = scaffold::Files::new(&index);
    let mut applied = Vec::new();
    for kind in [Kind::Config, Kind::Checklist] {
        for p in scaffold::plan(kind, &ctx, &files, &opts)? {
            let a = write::apply(&root, &p, args.force, args.dry_run)?;
            report(&a);
            if a.changed() {
                files.wrote(&p.path, &p.content);
            }
            applied.push((a, p));
        }
    }
    summary(&applied, args.dry_run);
    Ok(super::EXIT_READY)
}

/// Flags that only make sense for one kind are refused elsewhere (exit 2).
fn check_flags(kind: Kind, args: &ScaffoldArgs) -> anyhow::Result<()> {
    let wrong = |flag: &str, for_kinds: &str| {
        anyhow::anyhow!("{flag} applies to `scaffold {for_kinds}`, not `scaffold {kind}`")
    };
    if args.provider.is_some() && kind != Kind::Ci {
        return Err(wrong("--provider", "ci"));
    }
    if args.template.is_some() && kind != Kind::Meeting {
        return Err(wrong("--template", "meeting"));
    }
    if args.cloud.is_some() && kind != Kind::Terraform {
        return Err(wrong("--cloud", "terraform"));
    }
    if args.title.is_some()
        && !matches!(
            kind,
            Kind::Postmortem | Kind::Adr | Kind::Rfc | Kind::Change | Kind::Meeting
        )
    {
        return Err(wrong("--title", "postmortem|adr|rfc|change|meeting"));
    }
    Ok(())
}

fn check_values(args: &ScaffoldArgs) -> anyhow::Result<()> {
    if let Some(p) = args.provider.as_deref()
        && !matches!(p, "github" | "gitlab")
    {
        bail!("unknown CI provider `{p}` (use --provider github or --provider gitlab)");
    }
    if let Some(t) = args.template.as_deref()
        && !matches!(t, "strategy" | "operational-review")
    {
        bail!(
            "unknown meeting template `{t}` (use --template strategy or --template operational-review)"
        );
    }
    if let Some(c) = args.cloud.as_deref()
        && !matches!(c, "aws" | "google" | "gcp" | "azurerm" | "azure")
    {
        bail!("unknown cloud `{c}` (use --cloud aws, --cloud google or --cloud azurerm)");
    }
    if let Some(t) = args.title.as_deref()
        && t.trim().is_empty()
    {
        bail!("--title is empty");
    }
    Ok(())
}

fn checked_root(root: &Path) -> anyhow::Result<PathBuf> {
    let shown = root.display();
    if !root.exists() {
        bail!("{shown}: no such directory");
    }
    if !root.is_dir() {
        bail!("{shown}: not a directory");
    }
    Ok(root.to_path_buf())
}

/// The rendering context, with the checks the checklist may mark.
fn context(
    root: &Path,
    index: &Index,
    cfg: &LoadedConfig,
    results: &[CheckResult],
) -> anyhow::Result<RepoContext> {
    let mut ctx = RepoContext::from_index(index, cfg.checklist(), today());
    ctx.failing = results
        .iter()
        .filter(|r| matches!(r.status, CheckStatus::Fail | CheckStatus::Error))
        .map(|r| r.id.clone())
        .collect();
    let registry = crate::checks::registry(root, cfg)?;
    ctx.checks = registry
        .checks()
        .iter()
        .map(|c| {
            let m = c.meta();
            CheckItem {
                id: m.id.clone(),
                area: m.area.clone(),
                title: m.title.clone(),
            }
        })
        .collect();
    ctx.checks
        .sort_by(|a, b| (&a.area, &a.id).cmp(&(&b.area, &b.id)));
    Ok(ctx)
}

/// A check's result, as far as scaffolding cares.
struct CheckResult {
    id: String,
    status: CheckStatus,
    message: String,
    scaffold: Option<String>,
}

/// Run the checks offline, once: the context and `--missing` read them.
fn run_checks(root: &Path, index: &Index, cfg: &LoadedConfig) -> anyhow::Result<Vec<CheckResult>> {
    let registry = crate::checks::registry(root, cfg)?;
    check::validate_config(cfg, &registry)?;
    let options = RunOptions {
        offline: true,
        history: false,
        progress: false,
    };
    let results = check::run(
        &registry,
        &Selection::default(),
        root,
        index,
        cfg,
        &options,
        &|_| {},
        &[],
    );
    Ok(results
        .reported
        .iter()
        .map(|r| CheckResult {
            id: r.id.clone(),
            status: r.status,
            message: r.message.clone(),
            scaffold: r.fix.as_ref().and_then(|f| f.scaffold.clone()),
        })
        .collect())
}

/// The scaffold kinds that fix the failing checks, in the order they are
/// applied.
fn missing_kinds(ctx: &RepoContext, results: &[CheckResult]) -> Vec<(Kind, Vec<String>)> {
    let mut kinds: BTreeMap<Kind, Vec<String>> = BTreeMap::new();
    for r in results {
        if !matches!(r.status, CheckStatus::Fail | CheckStatus::Error) {
            continue;
        }
        let Some(name) = r.scaffold.as_deref() else {
            continue;
        };
        match Kind::parse(name) {
            // A repository without Terraform gets no Terraform skeleton.
            Some(Kind::Terraform) if !ctx.has_terraform => {
                let other: Vec<&str> = crate::scaffold::profile::non_terraform(&ctx.iac)
                    .iter()
                    .map(|f| f.name.as_str())
                    .collect();
                println!(
                    "{} failed: not scaffolding Terraform, this repository has none{}; skip `terraform.*` in readyctl.yaml (`readyctl init` does)",
                    r.id,
                    if other.is_empty() {
                        String::new()
                    } else {
                        format!(" (its infrastructure is {})", other.join(", "))
                    }
                );
            }
            Some(k) => {
                println!("{} failed: scaffolding {k}", r.id);
                kinds
                    .entry(k)
                    .or_default()
                    .push(format!("{}: {}", r.id, r.message));
            }
            None => eprintln!(
                "readyctl: {} names scaffold `{name}`, which this readyctl does not know; skipped",
                r.id
            ),
        }
    }
    let mut out: Vec<(Kind, Vec<String>)> = kinds.into_iter().collect();
    out.sort_by_key(|(k, _)| Kind::ALL.iter().position(|a| a == k));
    out
}

/// After planning `kind`, make the context describe the repository as it
/// will be, so that later kinds (the checklist, CI) see what was scaffolded
/// — also in a dry run, where nothing is written.
fn anticipate(ctx: &mut RepoContext, kind: Kind, planned: &[Planned], opts: &Options) {
    match kind {
        Kind::Terraform if !ctx.has_terraform => {
            ctx.has_terraform = true;
            if let Some(p) = planned.first() {
                let dir = p.path.rsplit_once('/').map(|(d, _)| d).unwrap_or("");
                ctx.terraform_dirs = vec![dir.to_string()];
                ctx.terraform_roots = vec![dir.to_string()];
            }
            if ctx.clouds.is_empty() {
                let cloud = match opts.cloud.as_deref() {
                    Some("gcp") => "google",
                    Some("azure") => "azurerm",
                    Some(c) => c,
                    None => "aws",
                };
                ctx.clouds = vec![cloud.to_string()];
            }
        }
        Kind::Ci => {
            for p in planned {
                if ctx.ci.is_none() {
                    ctx.ci = Some(
                        if p.path.starts_with(".github/") {
                            "github"
                        } else {
                            "gitlab"
                        }
                        .to_string(),
                    );
                }
                if !ctx.ci_files.contains(&p.path) {
                    ctx.ci_files.push(p.path.clone());
                }
            }
        }
        Kind::Health => ctx.has_health_config = true,
        Kind::Monitoring => ctx.has_monitoring = true,
        Kind::Runbook if ctx.runbook.is_none() => {
            ctx.runbook = Some("docs/RUNBOOK.md".into());
        }
        _ => {}
    }
}

fn report(a: &Applied) {
    println!("{}", a.message());
    if let Some(d) = &a.diff {
        print!("{d}");
        if !d.ends_with('\n') {
            println!();
        }
    }
}

fn summary(applied: &[(Applied, Planned)], dry_run: bool) {
    let mut todo = Vec::new();
    for (a, p) in applied {
        let counts = a.changed()
            || matches!(
                a.status,
                write::Status::WouldCreate | write::Status::WouldChange
            );
        if !counts {
            continue;
        }
        for (line, text) in scaffold::placeholders(&p.content) {
            todo.push(format!("  {}:{line}: {text}", p.path));
        }
    }
    if dry_run {
        println!("dry run: nothing was written");
    }
    if !todo.is_empty() {
        println!(
            "{} placeholder{} for a person to fill in (`readyctl check` reports them as docs.placeholders):",
            todo.len(),
            if todo.len() == 1 { "" } else { "s" }
        );
        for t in todo {
            println!("{t}");
        }
    }
}
