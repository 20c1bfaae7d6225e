//! Merging, not adding: when the repository already has a CI pipeline,
//! `scaffold ci` proposes the missing jobs *in that pipeline, in its own CI
//! system*, instead of writing a second pipeline.
//!
//! How: the jobs are rendered as text in the file's own indentation and
//! inserted after the last job (GitHub Actions, GitLab CI: at the end of the
//! `jobs:` block / the file; CircleCI: under `jobs:`, and each job is added
//! to the first workflow). Every other byte of the file stays as it was,
//! the result is re-read with the CI model's own parser, and the merge is
//! refused ("add by hand") when the new jobs are not where they must be.
//! Like `gitignore` and `health`, this is a merge that only adds, so it
//! needs no `--force`; `--dry-run` prints it as a diff. Jenkins, Azure
//! Pipelines, Bitbucket and the other systems are not edited: the jobs to
//! add are printed instead.

use anyhow::bail;
use serde::Serialize;

use super::context::{Language, RepoContext};
use super::kinds::{CHECKOUT_SHA, CHECKOUT_VERSION};
use super::write::Planned;
use crate::views::yaml::node::{self, SNode, Tree};

/// A step: a name and a shell command.
#[derive(Debug, Clone, Serialize)]
pub struct Step {
    pub name: String,
    pub run: String,
}

fn step(name: &str, run: impl Into<String>) -> Step {
    Step {
        name: name.into(),
        run: run.into(),
    }
}

/// A job to add.
#[derive(Debug, Clone)]
pub struct NewJob {
    pub id: String,
    /// GitLab / CircleCI container image.
    pub image: String,
    pub steps: Vec<Step>,
    /// Jobs it runs after.
    pub needs: Vec<String>,
    /// Needs the working tree.
    pub checkout: bool,
    /// Environment (name, GitHub expression / description).
    pub service_url: bool,
    /// GitLab stage.
    pub stage: String,
}

pub const TERRAFORM_VERSION: &str = "1.9.8";
const TRIVY_IMAGE: &str = "aquasec/trivy:0.58.1";

fn lang_name(l: &str) -> &str {
    match l {
        "rust" => "Rust",
        "node" => "SNode.js",
        "go" => "Go",
        "python" => "Python",
        "java" => "Java",
        other => other,
    }
}

fn circleci_image(l: &Language) -> &'static str {
    match l.name.as_str() {
        "rust" => "cimg/rust:1.83",
        "node" => "cimg/node:22.11",
        "go" => "cimg/go:1.23",
        "python" => "cimg/python:3.12",
        "java" => "cimg/openjdk:21.0",
        _ => "cimg/base:2024.12",
    }
}

/// Which jobs the pipeline lacks, from the checks that failed and the
/// profile: tests, a security scan, the release gate, and a post-deploy
/// smoke test when a deploy job is not verified.
pub fn missing_jobs(ctx: &RepoContext, system: &str, existing: &[String]) -> Vec<NewJob> {
    let failing = |id: &str| ctx.failing.iter().any(|f| f == id);
    let mut out: Vec<NewJob> = Vec::new();
    let free = |base: &str, out: &[NewJob]| {
        let mut id = base.to_string();
        let mut n = 2;
        while existing.contains(&id) || out.iter().any(|j| j.id == id) {
            id = format!("{base}-{n}");
            n += 1;
        }
        id
    };
    let image_of = |l: &Language| {
        if system == "circleci" {
            circleci_image(l).to_string()
        } else {
            l.image.clone()
        }
    };
    let new = |id: String, image: String, steps: Vec<Step>| NewJob {
        id,
        image,
        steps,
        needs: Vec::new(),
        checkout: true,
        service_url: false,
        stage: "test".into(),
    };
    if failing("ci.runs-tests") {
        for l in ctx.languages.iter().filter(|l| l.test.is_some()) {
            let mut steps: Vec<Step> = l
                .setup
                .iter()
                .map(|s| step(&format!("Install dependencies ({})", lang_name(&l.name)), s))
                .collect();
            if let Some(t) = &l.test {
                steps.push(step(&format!("Test ({})", lang_name(&l.name)), t));
            }
            let id = free(&format!("test-{}", l.name), &out);
            out.push(new(id, image_of(l), steps));
        }
        if ctx.has_terraform {
            let mut steps = Vec::new();
            if system != "gitlab" {
                steps.push(step("Install Terraform", install_terraform()));
            }
            steps.push(step("Terraform format", "terraform fmt -check -recursive"));
            for d in &ctx.terraform_dirs {
                let d = if d.is_empty() { "." } else { d.as_str() };
                steps.push(step(
                    &format!("Terraform validate ({d})"),
                    format!(
                        "terraform -chdir={d} init -backend=false && terraform -chdir={d} validate"
                    ),
                ));
            }
            let id = free("terraform-validate", &out);
            let image = if system == "circleci" {
                "cimg/base:2024.12"
            } else {
                "hashicorp/terraform:1.9"
            };
            out.push(new(id, image.into(), steps));
        }
    }
    if failing("ci.security-scan") {
        let audits: Vec<&Language> = ctx
            .languages
            .iter()
            .filter(|l| !l.audit.contains("trivy"))
            .collect();
        let trivy = || {
            let cmd = "trivy fs --scanners vuln,misconfig --exit-code 1 --severity HIGH,CRITICAL .";
            match system {
                "github" => (
                    "ubuntu-latest".to_string(),
                    format!(
                        "docker run --rm -v \"$PWD:/src\" -w /src {TRIVY_IMAGE} {}",
                        &cmd["trivy ".len()..]
                    ),
                ),
                "circleci" => (
                    "cimg/base:2024.12".to_string(),
                    format!(
                        "curl -sfL https://raw.githubusercontent.com/aquasecurity/trivy/v0.58.1/contrib/install.sh | sh -s -- -b ./bin v0.58.1 && ./bin/{cmd}"
                    ),
                ),
                _ => (TRIVY_IMAGE.to_string(), cmd.to_string()),
            }
        };
        if audits.is_empty() || ctx.has_terraform {
            // No language scanner (or infrastructure to scan too): trivy.
            let (image, cmd) = trivy();
            out.push(new(
                free("security-scan", &out),
                image,
                vec![step("Vulnerability and IaC scan (trivy)", cmd)],
            ));
        }
        if system == "github" && !audits.is_empty() {
            // One job: the runner has every toolchain.
            let steps = audits
                .iter()
                .map(|l| {
                    step(
                        &format!("Dependency audit ({})", lang_name(&l.name)),
                        &l.audit,
                    )
                })
                .collect();
            out.push(new(free("dependency-audit", &out), String::new(), steps));
        } else {
            // One job per language, in its own image.
            for l in audits {
                let steps = vec![step(
                    &format!("Dependency audit ({})", lang_name(&l.name)),
                    &l.audit,
                )];
                out.push(new(
                    free(&format!("audit-{}", l.name), &out),
                    image_of(l),
                    steps,
                ));
            }
        }
    }
    if failing("ci.release-gate") {
        let image = if system == "circleci" {
            "cimg/rust:1.83"
        } else {
            "rust:1"
        };
        let report = match system {
            "github" => "readyctl check --format github",
            _ => "readyctl check",
        };
        out.push(new(
            free("release-gate", &out),
            image.into(),
            vec![
                step("Install readyctl", "cargo install --locked readyctl"),
                step("Release gate", report),
            ],
        ));
    }
    if let Some(p) = &ctx.pipeline
        && p.system == system
        && !p.verified
        && let Some(d) = p.deploy_jobs.first()
    {
        let mut steps = Vec::new();
        let mut paths: Vec<&str> = ctx.health.iter().map(|h| h.path.as_str()).collect();
        paths.dedup();
        if paths.is_empty() {
            paths.push("/");
        }
        for path in paths {
            steps.push(step(
                &format!("Probe {path}"),
                format!(
                    "curl -fsS --retry 10 --retry-delay 6 --retry-all-errors \"$SERVICE_URL{}\"",
                    if path == "/" { "" } else { path }
                ),
            ));
        }
        let mut j = new(
            free("smoke-test", &out),
            if system == "circleci" {
                "cimg/base:2024.12".into()
            } else {
                "curlimages/curl:8.11.1".into()
            },
            steps,
        );
        j.needs = vec![d.id.clone()];
        j.checkout = false;
        j.service_url = true;
        j.stage = ".post".into();
        out.push(j);
    }
    out
}

pub fn install_terraform() -> String {
    format!(
        "curl -fsSLo /tmp/tf.zip https://releases.hashicorp.com/terraform/{TERRAFORM_VERSION}/terraform_{TERRAFORM_VERSION}_linux_amd64.zip && sudo unzip -o /tmp/tf.zip terraform -d /usr/local/bin"
    )
}

// ------------------------------------------------------------ text edits

fn indent_of(l: &str) -> usize {
    l.len() - l.trim_start_matches(' ').len()
}

fn is_content(l: &str) -> bool {
    let t = l.trim();
    !t.is_empty() && !t.starts_with('#')
}

/// The index of the last line of the block that starts at `start` (0-based)
/// with a key at `indent`: following lines indented deeper (blank lines and
/// comments inside it included, trailing ones not).
fn block_last(lines: &[&str], start: usize, indent: usize) -> usize {
    let mut last = start;
    for (i, l) in lines.iter().enumerate().skip(start + 1) {
        if !is_content(l) {
            continue;
        }
        // A sequence item at the key's own indent still belongs to it
        // (`key:\n- item`).
        if indent_of(l) > indent || (indent_of(l) == indent && l.trim_start().starts_with("- ")) {
            last = i;
        } else {
            break;
        }
    }
    last
}

/// Insert `block` (lines ending in '\n') after line `after` (0-based).
fn insert_after(text: &str, after: usize, block: &str) -> String {
    let mut out = String::with_capacity(text.len() + block.len());
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    for (i, l) in lines.iter().enumerate() {
        out.push_str(l);
        if i == after {
            if !l.ends_with('\n') {
                out.push('\n');
            }
            out.push_str(block);
        }
    }
    if after >= lines.len() {
        if !out.is_empty() && !out.ends_with('\n') {
            out.push('\n');
        }
        out.push_str(block);
    }
    out
}

/// The text of a key's block in the original file (its lines), re-indented
/// from `from` to `to` spaces, to copy a deploy job's conditions.
fn copy_block(lines: &[&str], key_line: u32, to: usize) -> String {
    let start = key_line.saturating_sub(1) as usize;
    let Some(first) = lines.get(start) else {
        return String::new();
    };
    let from = indent_of(first);
    let last = block_last(lines, start, from);
    lines[start..=last]
        .iter()
        .map(|l| {
            let cut = indent_of(l).min(from);
            format!("{}{}\n", " ".repeat(to), &l[cut..])
        })
        .collect()
}

fn yaml_scalar(s: &str) -> String {
    super::yaml_filter(s.to_string())
}

fn pad(n: usize) -> String {
    " ".repeat(n)
}

// ------------------------------------------------------------- rendering

fn github_job(j: &NewJob, ind: usize, copied_if: &str) -> String {
    let (a, b, c) = (pad(ind), pad(ind + 2), pad(ind + 4));
    let mut s = format!("{a}{}:\n", j.id);
    if !j.needs.is_empty() {
        s.push_str(&format!("{b}needs: [{}]\n", j.needs.join(", ")));
    }
    s.push_str(copied_if);
    s.push_str(&format!("{b}runs-on: ubuntu-latest\n"));
    s.push_str(&format!("{b}permissions:\n{c}contents: read\n"));
    s.push_str(&format!("{b}timeout-minutes: 20\n"));
    if j.service_url {
        s.push_str(&format!(
            "{b}env:\n{c}# The deployed service's base URL: set it under Settings > Variables.\n{c}SERVICE_URL: ${{{{ vars.SERVICE_URL }}}}\n"
        ));
    }
    s.push_str(&format!("{b}steps:\n"));
    if j.checkout {
        s.push_str(&format!(
            "{c}- uses: actions/checkout@{CHECKOUT_SHA} # {CHECKOUT_VERSION}\n{c}  with:\n{c}    persist-credentials: false\n"
        ));
    }
    for st in &j.steps {
        s.push_str(&format!(
            "{c}- name: {}\n{c}  run: {}\n",
            yaml_scalar(&st.name),
            yaml_scalar(&st.run)
        ));
    }
    s
}

fn gitlab_job(j: &NewJob, stage: &str, copied: &str) -> String {
    let mut s = format!("{}:\n  stage: {stage}\n", j.id);
    // Images whose entrypoint is the tool need it cleared for `script:`.
    if ["trivy", "terraform", "curlimages"]
        .iter()
        .any(|i| j.image.contains(i))
    {
        s.push_str(&format!(
            "  image:\n    name: {}\n    entrypoint: [\"\"]\n",
            j.image
        ));
    } else {
        s.push_str(&format!("  image: {}\n", j.image));
    }
    if !j.needs.is_empty() {
        s.push_str(&format!("  needs: [{}]\n", j.needs.join(", ")));
    }
    s.push_str(copied);
    if j.service_url {
        s.push_str("  # SERVICE_URL: the deployed service's base URL (a CI/CD variable).\n");
    }
    s.push_str("  script:\n");
    for st in &j.steps {
        s.push_str(&format!("    - {}\n", yaml_scalar(&st.run)));
    }
    s
}

fn circleci_job(j: &NewJob, ind: usize) -> String {
    let (a, b, c) = (pad(ind), pad(ind + 2), pad(ind + 4));
    let mut s = format!("{a}{}:\n{b}docker:\n{c}- image: {}\n", j.id, j.image);
    if j.service_url {
        s.push_str(&format!(
            "{b}# SERVICE_URL: the deployed service's base URL (a project environment variable).\n"
        ));
    }
    s.push_str(&format!("{b}steps:\n"));
    if j.checkout {
        s.push_str(&format!("{c}- checkout\n"));
    }
    for st in &j.steps {
        s.push_str(&format!(
            "{c}- run:\n{c}    name: {}\n{c}    command: {}\n",
            yaml_scalar(&st.name),
            yaml_scalar(&st.run)
        ));
    }
    s
}

// ----------------------------------------------------------------- merge

/// The proposed change to the pipeline at `path` (text `old`).
pub fn merge(
    ctx: &RepoContext,
    system: &str,
    path: &str,
    old: &str,
    gate_only: bool,
) -> anyhow::Result<Planned> {
    let doc = node::parse(old).map_err(|e| {
        anyhow::anyhow!(
            "{path}:{}: cannot read the pipeline ({}); fix it before scaffolding CI",
            e.line.unwrap_or(1),
            e.message
        )
    })?;
    let existing: Vec<String> = match system {
        "github" | "circleci" => doc
            .get("jobs")
            .map(|j| j.entries().map(|(k, _)| k).collect())
            .unwrap_or_default(),
        _ => doc.entries().map(|(k, _)| k).collect(),
    };
    let mut jobs = missing_jobs(ctx, system, &existing);
    if gate_only {
        jobs.retain(|j| j.id.starts_with("release-gate"));
    }
    let deploy_ids: Vec<String> = ctx
        .deploy_jobs
        .iter()
        .find(|(p, _)| p == path)
        .map(|(_, ids)| ids.clone())
        .unwrap_or_default();
    if jobs.is_empty() {
        return Ok(Planned::merge(
            path,
            old.to_string(),
            "has the jobs the checks look for",
        ));
    }
    let lines: Vec<&str> = old.lines().collect();
    let new = match system {
        "github" => merge_github(&doc, &lines, old, &jobs, path, &deploy_ids)?,
        "gitlab" => merge_gitlab(&doc, &lines, old, &jobs, &deploy_ids)?,
        "circleci" => merge_circleci(&doc, &lines, old, &jobs, path)?,
        other => bail!("{path}: readyctl does not edit {other} pipelines"),
    };
    // Read back with the CI model's parser: every new job must be there.
    let back = node::parse(&new).map_err(|e| {
        anyhow::anyhow!(
            "{path}: the merged pipeline does not parse ({}); add the jobs by hand",
            e.message
        )
    })?;
    for j in &jobs {
        let there = match system {
            "gitlab" => back.get(&j.id).is_some(),
            _ => back.get("jobs").and_then(|x| x.get(&j.id)).is_some(),
        };
        if !there {
            bail!("{path}: could not place job `{}`; add it by hand", j.id);
        }
    }
    let ids: Vec<&str> = jobs.iter().map(|j| j.id.as_str()).collect();
    Ok(Planned::merge(
        path,
        new,
        &format!(
            "added job{} {}",
            if ids.len() == 1 { "" } else { "s" },
            ids.join(", ")
        ),
    ))
}

fn jobs_block(doc: &SNode, lines: &[&str], path: &str) -> anyhow::Result<(usize, usize)> {
    let Some(key) = doc.key_node("jobs") else {
        bail!("{path}: no `jobs:` mapping to add to");
    };
    let Some(jobs) = doc.get("jobs").filter(|j| j.is_map()) else {
        bail!("{path}: `jobs:` is not a mapping");
    };
    let start = key.line().saturating_sub(1) as usize;
    let key_indent = lines.get(start).map_or(0, |l| indent_of(l));
    if lines.get(start).is_some_and(|l| {
        l.trim_start()
            .trim_start_matches("jobs:")
            .trim()
            .starts_with('{')
    }) {
        bail!("{path}: `jobs:` is written inline; add the jobs by hand");
    }
    let child = jobs
        .map()
        .first()
        .and_then(|(k, _)| lines.get(k.line().saturating_sub(1) as usize))
        .map_or(key_indent + 2, |l| indent_of(l));
    Ok((block_last(lines, start, key_indent), child))
}

fn merge_github(
    doc: &SNode,
    lines: &[&str],
    old: &str,
    jobs: &[NewJob],
    path: &str,
    deploy_ids: &[String],
) -> anyhow::Result<String> {
    let (last, child) = jobs_block(doc, lines, path)?;
    let mut block = String::new();
    for j in jobs {
        // A smoke test runs when its deploy runs: copy the deploy job's `if:`.
        let copied = j
            .needs
            .first()
            .and_then(|d| doc.get("jobs")?.get(d))
            .and_then(|d| d.key_node("if"))
            .map(|k| copy_block(lines, k.line(), child + 2))
            .unwrap_or_default();
        block.push('\n');
        block.push_str(&github_job(j, child, &copied));
    }
    let mut text = insert_after(old, last, &block);
    // The deploy jobs wait for the new release gate (earlier lines: the
    // insertion above did not move them).
    if let Some(gate) = jobs.iter().find(|j| j.id.starts_with("release-gate")) {
        // Bottom up: an added line must not move the jobs still to edit.
        for (k, v) in doc.get("jobs").map(Tree::map).unwrap_or(&[]).iter().rev() {
            let id = k.scalar().unwrap_or_default();
            if deploy_ids.contains(&id) {
                text = add_need(&text, k.line(), v, &gate.id, child + 2);
            }
        }
    }
    Ok(text)
}

/// Make the job whose key is on `key_line` depend on `dep` (`needs:`),
/// editing only its `needs` line(s).
fn add_need(text: &str, key_line: u32, job: &SNode, dep: &str, child: usize) -> String {
    let mut lines: Vec<String> = text.split_inclusive('\n').map(String::from).collect();
    match job.key_node("needs") {
        None => {
            let at = key_line as usize; // the line after the key (0-based)
            lines.insert(
                at.min(lines.len()),
                format!("{}needs: [{dep}]\n", pad(child)),
            );
        }
        Some(k) => {
            let i = k.line().saturating_sub(1) as usize;
            let Some(line) = lines.get(i).cloned() else {
                return text.to_string();
            };
            let (body, nl) = line
                .strip_suffix('\n')
                .map_or((line.as_str(), ""), |b| (b, "\n"));
            let (code, comment) = match body.find(" #") {
                Some(c) => (&body[..c], &body[c..]),
                None => (body, ""),
            };
            let value = code.split_once(':').map_or("", |(_, v)| v).trim();
            let new = if let Some(inner) = value.strip_prefix('[').and_then(|v| v.strip_suffix(']'))
            {
                let sep = if inner.trim().is_empty() { "" } else { ", " };
                format!(
                    "{}needs: [{}{sep}{dep}]{comment}{nl}",
                    pad(indent_of(body)),
                    inner.trim()
                )
            } else if value.is_empty() {
                // A block sequence: one more item after the last.
                let items = job.get("needs").map(Tree::seq).unwrap_or(&[]);
                if let Some(last) = items.last() {
                    let li = last.line().saturating_sub(1) as usize;
                    let item_indent = lines.get(li).map_or(child + 2, |l| indent_of(l));
                    lines.insert(li + 1, format!("{}- {dep}\n", pad(item_indent)));
                }
                return lines.concat();
            } else {
                format!(
                    "{}needs: [{value}, {dep}]{comment}{nl}",
                    pad(indent_of(body))
                )
            };
            lines[i] = new;
        }
    }
    lines.concat()
}

fn merge_gitlab(
    doc: &SNode,
    lines: &[&str],
    old: &str,
    jobs: &[NewJob],
    deploy_ids: &[String],
) -> anyhow::Result<String> {
    let stages: Vec<String> = doc.get("stages").map(|s| s.strings()).unwrap_or_default();
    let test_stage = if stages.is_empty() || stages.iter().any(|s| s == "test") {
        "test".to_string()
    } else {
        stages[0].clone()
    };
    let mut block = String::new();
    for j in jobs {
        let stage = if j.stage == ".post" {
            ".post".to_string()
        } else {
            test_stage.clone()
        };
        let mut copied = String::new();
        if let Some(d) = j.needs.first().and_then(|d| doc.get(d)) {
            for key in ["rules", "only", "except", "environment"] {
                if key == "environment" {
                    continue;
                }
                if let Some(k) = d.key_node(key) {
                    copied.push_str(&copy_block(lines, k.line(), 2));
                }
            }
        }
        block.push('\n');
        block.push_str(&gitlab_job(j, &stage, &copied));
    }
    let last = lines.len().saturating_sub(1);
    let last_content = lines
        .iter()
        .rposition(|l| !l.trim().is_empty())
        .unwrap_or(last);
    let mut text = insert_after(old, last_content, &block);
    // A deploy job with `needs:` runs as soon as those are done: it must
    // need the gate too (without `needs:`, its later stage waits anyway).
    if let Some(gate) = jobs.iter().find(|j| j.id.starts_with("release-gate")) {
        for (k, v) in doc.map().iter().rev() {
            let id = k.scalar().unwrap_or_default();
            if v.is_map() && v.has("needs") && deploy_ids.contains(&id) {
                text = add_need(&text, k.line(), v, &gate.id, 2);
            }
        }
    }
    Ok(text)
}

fn merge_circleci(
    doc: &SNode,
    lines: &[&str],
    old: &str,
    jobs: &[NewJob],
    path: &str,
) -> anyhow::Result<String> {
    // The workflow entries first (they come later in the file): inserting
    // from the bottom keeps earlier line numbers valid.
    let Some(wf) = doc.get("workflows").and_then(|w| {
        w.map()
            .iter()
            .find(|(k, v)| k.scalar().as_deref() != Some("version") && v.get("jobs").is_some())
    }) else {
        bail!("{path}: no workflow to add the jobs to; add them by hand");
    };
    let wf_jobs = wf.1.get("jobs").expect("checked");
    let Some(first_item) = wf_jobs.seq().first() else {
        bail!("{path}: the workflow's `jobs:` is empty or inline; add the jobs by hand");
    };
    let wf_key = wf.1.key_node("jobs").expect("checked");
    let key_line = wf_key.line().saturating_sub(1) as usize;
    let item_line = lines
        .iter()
        .enumerate()
        .skip(key_line + 1)
        .find(|(_, l)| l.trim_start().starts_with("- "))
        .map(|(i, _)| i)
        .unwrap_or(first_item.line().saturating_sub(1) as usize);
    let item_indent = indent_of(lines[item_line]);
    let wf_last = block_last(lines, key_line, indent_of(lines[key_line]));
    let mut entries = String::new();
    for j in jobs {
        if j.needs.is_empty() {
            entries.push_str(&format!("{}- {}\n", pad(item_indent), j.id));
        } else {
            entries.push_str(&format!(
                "{}- {}:\n{}requires: [{}]\n",
                pad(item_indent),
                j.id,
                pad(item_indent + 4),
                j.needs.join(", ")
            ));
            // Run only where the deploy runs: copy its filters.
            if let Some(filters) = wf_jobs
                .seq()
                .iter()
                .find_map(|it| it.get(&j.needs[0]))
                .and_then(|d| d.key_node("filters"))
            {
                entries.push_str(&copy_block(lines, filters.line(), item_indent + 4));
            }
        }
    }
    let (jobs_last, child) = jobs_block(doc, lines, path)?;
    if jobs_last > wf_last {
        // `jobs:` after `workflows:`: insert the later one first.
        let mut block = String::new();
        for j in jobs {
            block.push('\n');
            block.push_str(&circleci_job(j, child));
        }
        let text = insert_after(old, jobs_last, &block);
        return Ok(insert_after(&text, wf_last, &entries));
    }
    let text = insert_after(old, wf_last, &entries);
    let mut block = String::new();
    for j in jobs {
        block.push('\n');
        block.push_str(&circleci_job(j, child));
    }
    Ok(insert_after(&text, jobs_last, &block))
}

/// For systems readyctl does not edit: the jobs, as lines to print.
pub fn describe(jobs: &[NewJob]) -> Vec<String> {
    jobs.iter()
        .map(|j| {
            let cmds: Vec<&str> = j.steps.iter().map(|s| s.run.as_str()).collect();
            let after = if j.needs.is_empty() {
                String::new()
            } else {
                format!(" (after `{}`)", j.needs.join("`, `"))
            };
            format!("{}{after}: {}", j.id, cmds.join(" && "))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn block_ends() {
        let t = "on: push\njobs:\n  a:\n    x: 1\n\n  # c\n  b:\n    y: 2\n\n# tail\nenv: {}\n";
        let lines: Vec<&str> = t.lines().collect();
        assert_eq!(block_last(&lines, 1, 0), 7);
        let out = insert_after(t, 7, "  z: {}\n");
        assert!(
            out.contains("    y: 2\n  z: {}\n\n# tail\nenv: {}\n"),
            "{out}"
        );
    }
}
