//! `terraform.*`: Terraform hygiene — syntax, version and provider pins,
//! remote state, lock files and sensitive variables.
//!
//! Every check reads the one [`crate::views::terraform::Model`] of the run: each file is
//! parsed once and shared. (`terraform.present` is a declarative check.)

mod lockfile;
mod providers_pinned;
mod remote_state;
mod sensitive_variables;
mod valid;
mod version_pinned;

use crate::check::{Check, CheckMeta, Context, Outcome};
use crate::findings::Finding;
use crate::repo::text::plural;
use crate::views::terraform;

/// The `terraform.*` checks (SPEC §3).
pub fn checks() -> Vec<Box<dyn Check>> {
    vec![
        valid::check(),
        version_pinned::check(),
        providers_pinned::check(),
        remote_state::check(),
        lockfile::check(),
        sensitive_variables::check(),
    ]
}

/// A `terraform.*` check: `run` reads the model of the run; it is not
/// called when the repository has no Terraform (the check is skipped) or
/// when the run's parse budget left files unparsed (the check is `error`:
/// it cannot judge what it did not read).
fn check(
    meta: CheckMeta,
    run: impl Fn(&terraform::Model, &Context) -> Outcome + Send + Sync + 'static,
) -> Box<dyn Check> {
    crate::checks::on_view(meta, terraform::model, all_parsed, run)
}

/// Skip without Terraform.
fn any_terraform(m: &terraform::Model) -> Option<Outcome> {
    m.is_empty().then(|| Outcome::skip("no Terraform files"))
}

/// [`any_terraform`], and `error` when the parse budget left files unparsed.
fn all_parsed(m: &terraform::Model) -> Option<Outcome> {
    any_terraform(m).or_else(|| m.budget_error().map(Outcome::error))
}

/// What a check did not look at: " (N modules in tests or examples not
/// checked; M unparsable files skipped: see terraform.valid)" or "".
pub(crate) fn examples_note(m: &terraform::Model) -> String {
    let mut parts = Vec::new();
    match m.example_count() {
        0 => {}
        n => parts.push(format!(
            "{} in tests or examples not checked",
            plural(n, "module")
        )),
    }
    match m.files.iter().filter(|f| f.parsed.is_err()).count() {
        0 => {}
        n => parts.push(format!(
            "{} skipped: see terraform.valid",
            plural(n, "unparsable file")
        )),
    }
    if parts.is_empty() {
        String::new()
    } else {
        format!(" ({})", parts.join("; "))
    }
}

/// A `terraform.*` check of root modules: `run` gets the root modules the
/// checks look at; it is not called when there is none (the check is
/// skipped).
fn root_check(
    meta: CheckMeta,
    run: fn(&terraform::Model, &[&terraform::Module], &Context) -> Outcome,
) -> Box<dyn Check> {
    check(meta, move |m, ctx| {
        let roots: Vec<_> = m.checked_modules().filter(|x| x.root).collect();
        if roots.is_empty() {
            return Outcome::skip(format!("no root module{}", examples_note(m)));
        }
        run(m, &roots, ctx)
    })
}

/// The `terraform` blocks of a module, with their files.
type TerraformBlocks<'a> = [(&'a terraform::TfFile, &'a terraform::Block)];

/// What `lacks` finds wrong with each root module, given the module and
/// its `terraform` blocks (None: nothing).
fn per_root<'a>(
    m: &'a terraform::Model,
    roots: &[&'a terraform::Module],
    lacks: impl Fn(&'a terraform::Module, &TerraformBlocks<'a>) -> Option<Finding>,
) -> Vec<Finding> {
    roots
        .iter()
        .filter_map(|module| {
            let terraform: Vec<_> = m
                .blocks(module)
                .filter(|(_, b)| b.kind == "terraform")
                .collect();
            lacks(module, &terraform)
        })
        .collect()
}

/// What a root module lacks: at its first `terraform` block
/// ("root module DIR: `terraform` block IN_BLOCK"), or at its first file
/// when it has none ("root module DIR WITHOUT").
pub(crate) fn module_lacks(
    m: &terraform::Model,
    module: &terraform::Module,
    terraform: &TerraformBlocks,
    in_block: &str,
    without: &str,
) -> Finding {
    let dir = shown(&module.dir);
    match terraform.first() {
        Some((f, t)) => Finding::new(format!("root module {dir}: `terraform` block {in_block}"))
            .at(f.path.clone(), Some(t.line))
            .col(Some(t.col)),
        None => Finding::new(format!("root module {dir} {without}"))
            .at(m.first_file(module).to_string(), Some(1)),
    }
}

/// `pass` with "COUNT HOLDS" and what was not looked at when `findings` is
/// empty, else `fail` with `bad`.
pub(crate) fn outcome(
    m: &terraform::Model,
    findings: Vec<Finding>,
    count: crate::repo::text::Plural,
    holds: &str,
    bad: &str,
) -> Outcome {
    Outcome::from_findings(
        findings,
        format!("{count} {holds}{}", examples_note(m)),
        bad,
    )
}

/// `dir` for messages: "." for the repository root.
pub(crate) fn shown(dir: &str) -> &str {
    if dir.is_empty() { "." } else { dir }
}
