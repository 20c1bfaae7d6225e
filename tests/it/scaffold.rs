//! `scaffold` and `init` tests: the real binary on fixture repositories.

use std::collections::BTreeMap;
use std::path::Path;

use crate::common::{Repo, Run, check, status};

/// Checks whose fix needs a tool run, not a file from a template: the
/// Terraform lock file is written by `terraform init`.
const UNSCAFFOLDABLE: &[&str] = &["terraform.lockfile"];

const KINDS: &[&str] = &[
    "runbook",
    "rollback",
    "checklist",
    "ci",
    "terraform",
    "gitignore",
    "health",
    "monitoring",
    "postmortem",
    "adr",
    "rfc",
    "change",
    "meeting",
    "config",
];

fn scaffold(repo: &Repo, args: &[&str]) -> Run {
    let mut all = vec!["scaffold"];
    all.extend_from_slice(args);
    let out = crate::common::bin()
        .args(&all)
        .env("READYCTL_DATE", "2026-01-15")
        .current_dir(repo.path())
        .output()
        .expect("readyctl runs");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn ok(run: &Run) -> &Run {
    assert_eq!(
        run.code, 0,
        "stdout:\n{}\nstderr:\n{}",
        run.stdout, run.stderr
    );
    run
}

/// Every file under `dir` (outside .git) with its bytes.
fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).expect("read_dir") {
            let e = e.expect("entry");
            let p = e.path();
            if e.file_name() == ".git" {
                continue;
            }
            if p.is_dir() {
                stack.push(p);
            } else {
                let rel = p.strip_prefix(dir).expect("under dir");
                out.insert(
                    rel.to_string_lossy().replace('\\', "/"),
                    std::fs::read(&p).expect("read"),
                );
            }
        }
    }
    out
}

/// A Rust service on GitHub with AWS Terraform and a Kubernetes probe.
fn rust_service() -> Repo {
    let r = Repo::git();
    r.write(
        "Cargo.toml",
        "[package]\nname = \"payments-api\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
    )
    .write("src/main.rs", "fn main() {}\n")
    .write(
        ".github/workflows/build.yml",
        "on: push\npermissions:\n  contents: read\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - run: cargo build\n",
    )
    .write(
        "infra/main.tf",
        "provider \"aws\" {\n  region = \"eu-west-1\"\n}\n",
    )
    .write(
        "k8s/deployment.yaml",
        "apiVersion: apps/v1\nkind: Deployment\nspec:\n  template:\n    spec:\n      containers:\n        - name: api\n          readinessProbe:\n            httpGet:\n              path: /ready\n              port: 9000\n",
    );
    r.commit("service");
    r
}

/// A Node service on GitLab without Terraform.
fn node_service() -> Repo {
    let r = Repo::git();
    r.write(
        "package.json",
        "{\"name\": \"storefront\", \"scripts\": {\"test\": \"node --test\"}}\n",
    )
    .write("package-lock.json", "{}\n")
    .write(".gitlab-ci.yml", "build:\n  script:\n    - npm run build\n")
    .write(
        "Dockerfile",
        "FROM node:22\nHEALTHCHECK CMD curl -fsS http://localhost:3000/healthz || exit 1\n",
    );
    r.commit("service");
    r
}

#[test]
fn round_trip_missing_then_check_passes_what_scaffolds_fix() {
    let repo = Repo::git();
    let (before, _) = repo.check_json(&[]);
    // The checks a scaffold can fix, as the report names them.
    let fixable: Vec<String> = before["checks"]
        .as_array()
        .expect("checks")
        .iter()
        .filter(|c| c["fix"]["scaffold"].is_string())
        .map(|c| c["id"].as_str().unwrap_or_default().to_string())
        .collect();
    assert!(fixable.contains(&"docs.runbook".to_string()), "{before:#}");

    let run = scaffold(&repo, &["--missing"]);
    ok(&run);
    assert!(
        run.stdout.contains("wrote docs/RUNBOOK.md"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("placeholder"), "{}", run.stdout);
    repo.commit("scaffolded");

    let (after, _) = repo.check_json(&[]);
    for id in &fixable {
        if id == "docs.readiness-checklist" {
            // Only the items a person must confirm stay open: manual items,
            // items whose check was skipped offline, the item that waits for
            // the placeholders, and the lock file only `terraform init` writes.
            for f in check(&after, id)["findings"].as_array().expect("findings") {
                let m = f["message"].as_str().unwrap_or_default();
                assert!(
                    m.contains("manual item")
                        || m.contains("skipped and the box is not ticked")
                        || m.ends_with("docs.placeholders failed")
                        || m.ends_with("terraform.lockfile failed"),
                    "unexpected open item: {m}\n{after:#}"
                );
            }
            continue;
        }
        if UNSCAFFOLDABLE.contains(&id.as_str()) {
            continue;
        }
        if id == "terraform.present" {
            // A repository without Terraform gets no Terraform skeleton
            // (issue 20): `init` skips terraform.* instead.
            assert!(
                run.stdout.contains("not scaffolding Terraform"),
                "{}",
                run.stdout
            );
            continue;
        }
        assert_eq!(
            status(&after, id),
            "pass",
            "{id} still fails after scaffold --missing: {:#}",
            check(&after, id)
        );
    }
    assert_eq!(status(&after, "docs.placeholders"), "fail");

    // A person fills in the placeholders and ticks the manual items: ready.
    for (path, bytes) in snapshot(repo.path()) {
        let text = String::from_utf8(bytes).expect("utf-8");
        let mut new = text.replace("TODO(readyctl):", "Filled in:");
        if path == "deployment-readiness.md" {
            // Ticked by hand: only decides for manual items and for checks
            // that were skipped (a failing check keeps its item open).
            new = new
                .lines()
                .map(|l| l.replacen("- [ ]", "- [x]", 1))
                .collect::<Vec<_>>()
                .join("\n")
                + "\n";
        }
        if new != text {
            repo.write(&path, new);
        }
    }
    // ... and runs `terraform init`, which writes the lock file.
    for (path, _) in snapshot(repo.path()) {
        if path.ends_with("/versions.tf") {
            let dir = &path[..path.len() - "versions.tf".len()];
            repo.write(
                &format!("{dir}.terraform.lock.hcl"),
                "provider \"registry.terraform.io/hashicorp/aws\" {\n  version     = \"5.80.0\"\n  constraints = \"~> 5.0\"\n}\n",
            );
        }
    }
    repo.commit("filled in");
    let (done, _) = repo.check_json(&[]);
    assert_eq!(status(&done, "docs.placeholders"), "pass", "{done:#}");
    assert_eq!(
        status(&done, "docs.readiness-checklist"),
        "pass",
        "{done:#}"
    );
    for id in &fixable {
        if id == "terraform.present" {
            // Not scaffolded (no Terraform here): `init` would skip it.
            continue;
        }
        assert_eq!(status(&done, id), "pass", "{id}: {:#}", check(&done, id));
    }
}

#[test]
fn missing_twice_changes_nothing() {
    let repo = rust_service();
    ok(&scaffold(&repo, &["--missing"]));
    let first = snapshot(repo.path());
    let run = ok(&scaffold(&repo, &["--missing"])).stdout.clone();
    assert_eq!(
        first,
        snapshot(repo.path()),
        "second run changed files:\n{run}"
    );
    assert!(!run.contains("wrote "), "{run}");
}

#[test]
fn every_kind_twice_changes_nothing() {
    for repo in [rust_service(), node_service(), Repo::git()] {
        for kind in KINDS {
            let mut args = vec![*kind];
            if matches!(*kind, "adr" | "rfc" | "change" | "postmortem") {
                args.extend(["--title", "Move sessions to Redis"]);
            }
            ok(&scaffold(&repo, &args));
            let once = snapshot(repo.path());
            let again = scaffold(&repo, &args);
            ok(&again);
            assert_eq!(once, snapshot(repo.path()), "{kind}: {}", again.stdout);
            assert!(
                again.stdout.contains("is up to date") || again.stdout.contains("skipped"),
                "{kind}: {}",
                again.stdout
            );
            for changed in ["wrote ", "updated ", "overwrote "] {
                assert!(!again.stdout.contains(changed), "{kind}: {}", again.stdout);
            }
        }
    }
}

#[test]
fn never_overwrites_without_force() {
    let repo = Repo::git();
    repo.write("docs/RUNBOOK.md", "# My runbook\n\nmine\n");
    let run = ok(&scaffold(&repo, &["runbook"])).stdout.clone();
    assert!(
        run.contains("docs/RUNBOOK.md exists, skipped (use --force)"),
        "{run}"
    );
    assert_eq!(repo.read("docs/RUNBOOK.md"), "# My runbook\n\nmine\n");

    let run = ok(&scaffold(&repo, &["runbook", "--force"])).stdout.clone();
    assert!(run.contains("overwrote docs/RUNBOOK.md"), "{run}");
    assert!(repo.read("docs/RUNBOOK.md").contains("## Rollback"));
}

#[test]
fn dry_run_writes_nothing_and_shows_a_diff() {
    let repo = Repo::git();
    repo.write(".gitignore", "target/\n");
    let before = snapshot(repo.path());
    let run = ok(&scaffold(&repo, &["--missing", "--dry-run"]))
        .stdout
        .clone();
    assert_eq!(before, snapshot(repo.path()), "dry run wrote files");
    assert!(run.contains("would write docs/RUNBOOK.md"), "{run}");
    assert!(
        run.contains("--- /dev/null\n+++ b/docs/RUNBOOK.md"),
        "{run}"
    );
    assert!(run.contains("+## Rollback"), "{run}");
    assert!(run.contains("dry run: nothing was written"), "{run}");

    let run = ok(&scaffold(&repo, &["gitignore", "--dry-run"]))
        .stdout
        .clone();
    assert_eq!(before, snapshot(repo.path()));
    assert!(run.contains("--- a/.gitignore\n+++ b/.gitignore"), "{run}");
    assert!(run.contains("+*.pem"), "{run}");
    assert!(run.contains(" target/"), "{run}");

    // An existing file shows what --force would change, still writing nothing.
    repo.write("docs/ROLLBACK.md", "# Rollback\n");
    let before = snapshot(repo.path());
    let run = ok(&scaffold(&repo, &["rollback", "--dry-run", "--force"]))
        .stdout
        .clone();
    assert_eq!(before, snapshot(repo.path()));
    assert!(run.contains("-# Rollback"), "{run}");
}

#[test]
fn gitignore_merge_keeps_user_lines_and_order() {
    let repo = Repo::git();
    let mine = "# build output\ntarget/\n*.log\n\n.env\n.terraform\nnode_modules/";
    repo.write(".gitignore", mine);
    let run = ok(&scaffold(&repo, &["gitignore"])).stdout.clone();
    assert!(run.contains("updated .gitignore"), "{run}");
    let new = repo.read(".gitignore");
    assert!(new.starts_with(&format!("{mine}\n")), "{new}");
    let added: Vec<&str> = new[mine.len()..]
        .lines()
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .collect();
    // `.env` and `.terraform` were already covered; nothing is duplicated.
    assert_eq!(
        added,
        [".env.*", "!.env.example", "*.tfstate*", "*.pem", "*.key"],
        "{new}"
    );
    let run = ok(&scaffold(&repo, &["gitignore"])).stdout.clone();
    assert!(run.contains(".gitignore is up to date"), "{run}");
    assert_eq!(repo.read(".gitignore"), new);

    // The result really ignores what it should (git itself says so).
    for f in [
        ".env",
        ".env.local",
        "prod.tfstate",
        "a.tfstate.backup",
        "k.pem",
        "k.key",
    ] {
        repo.write(f, "x");
    }
    repo.write(".env.example", "X=");
    repo.write(".terraform/providers/p", "x");
    let status = repo.git_cmd(&["status", "--porcelain", "--untracked-files=all"]);
    assert!(status.contains(".env.example"), "{status}");
    for f in [
        ".env\n",
        ".env.local",
        "tfstate",
        ".pem",
        ".key",
        ".terraform/",
    ] {
        assert!(!status.contains(f), "{f} not ignored:\n{status}");
    }
}

#[test]
fn gitignore_created_when_missing() {
    let repo = Repo::git();
    ok(&scaffold(&repo, &["gitignore"]));
    let text = repo.read(".gitignore");
    for e in [".env", "*.tfstate*", "*.pem", "*.key", ".terraform/"] {
        assert!(text.lines().any(|l| l == e), "{e} missing:\n{text}");
    }
}

#[test]
fn health_merges_into_existing_config() {
    let repo = rust_service();
    let mine = "# our settings\nversion: 1\nhealth:\n  timeout: 3s  # slow network\nsecrets:\n  allow_paths: [\"testdata/**\"]\n";
    repo.write("readyctl.yaml", mine);
    let run = ok(&scaffold(&repo, &["health"])).stdout.clone();
    assert!(run.contains("updated readyctl.yaml"), "{run}");
    let new = repo.read("readyctl.yaml");
    assert!(
        new.starts_with(
            "# our settings\nversion: 1\nhealth:\n  timeout: 3s  # slow network\n  endpoints:\n"
        ),
        "{new}"
    );
    assert!(
        new.ends_with("secrets:\n  allow_paths: [\"testdata/**\"]\n"),
        "{new}"
    );
    let cfg = readyctl::config::parse("readyctl.yaml", &new).expect("parses");
    let eps: Vec<_> = cfg.health.endpoints.iter().map(|e| &e.value).collect();
    assert_eq!(eps.len(), 1);
    assert_eq!(eps[0].url, "http://localhost:9000/ready");
    assert!(new.contains("k8s/deployment.yaml:8"), "{new}");
    // The merged file is a valid config for `check`.
    let (_, code) = repo.check_json(&[]);
    assert_ne!(code, 2);
}

#[test]
fn bad_kinds_and_flags_exit_2() {
    let repo = Repo::git();
    for args in [
        vec!["nonsense"],
        vec![],
        vec!["runbook", "--provider", "github"],
        vec!["ci", "--provider", "jenkins"],
        vec!["terraform", "--cloud", "oracle"],
        vec!["meeting", "--template", "party"],
        vec!["--missing", ".", "extra"],
        vec!["runbook", "no/such/dir"],
    ] {
        let run = scaffold(&repo, &args);
        assert_eq!(run.code, 2, "{args:?}: {run:?}");
        assert!(!run.stderr.is_empty(), "{args:?}");
    }
    assert!(snapshot(repo.path()).is_empty());
}

#[test]
fn missing_takes_the_path_as_its_positional() {
    let outer = Repo::plain();
    let inner = outer.path().join("svc");
    std::fs::create_dir_all(&inner).expect("mkdir");
    let run = crate::common::run_in(outer.path(), &["scaffold", "--missing", "svc"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(inner.join("docs/RUNBOOK.md").is_file());
    // Paths are printed relative to the root.
    assert!(
        run.stdout.contains("wrote docs/RUNBOOK.md"),
        "{}",
        run.stdout
    );
}

#[test]
fn adr_takes_the_next_free_number() {
    let repo = Repo::git();
    repo.write(
        "docs/adr/0001-record-decisions.md",
        "# 1. Record decisions\n",
    )
    .write("docs/adr/0007-use-rust.md", "# 7. Use Rust\n");
    let run = ok(&scaffold(&repo, &["adr", "--title", "Use PostgreSQL"]))
        .stdout
        .clone();
    assert!(
        run.contains("wrote docs/adr/0008-use-postgresql.md"),
        "{run}"
    );
    let text = repo.read("docs/adr/0008-use-postgresql.md");
    assert!(text.starts_with("# 0008. Use PostgreSQL\n"), "{text}");
    let run = ok(&scaffold(&repo, &["adr", "--title", "Use PostgreSQL"]))
        .stdout
        .clone();
    assert!(run.contains("is up to date"), "{run}");
    assert!(!repo.exists("docs/adr/0009-use-postgresql.md"));
}

#[test]
fn dated_records_use_the_given_date() {
    let repo = Repo::git();
    ok(&scaffold(
        &repo,
        &["postmortem", "--title", "Checkout outage"],
    ));
    assert!(repo.exists("docs/postmortems/2026-01-15-checkout-outage.md"));
    ok(&scaffold(
        &repo,
        &[
            "meeting",
            "--template",
            "operational-review",
            "--title",
            "January review",
        ],
    ));
    let text = repo.read("docs/meetings/2026-01-15-january-review.md");
    assert!(
        text.starts_with("# Operational review: January review\n"),
        "{text}"
    );
    ok(&scaffold(
        &repo,
        &["change", "--title", "Add a read replica"],
    ));
    let text = repo.read("docs/changes/2026-01-15-add-a-read-replica.md");
    for s in [
        "## Goals",
        "## Pre-implementation checklist",
        "## Rollback plan",
        "## Validation",
        "## Risks",
    ] {
        assert!(text.contains(s), "{s}:\n{text}");
    }
}

/// Every generated file parses with the parsers the checks use.
fn assert_parses(root: &Path, files: &BTreeMap<String, Vec<u8>>) {
    for (path, bytes) in files {
        let text = std::str::from_utf8(bytes).expect("utf-8");
        if path.ends_with(".yml") || path.ends_with(".yaml") {
            readyctl::views::yaml::from_str::<serde_json::Value>(text)
                .unwrap_or_else(|e| panic!("{path}: {}", e.in_file(path)));
        }
        if path.ends_with(".tf") {
            hcl::edit::parser::parse_body(text).unwrap_or_else(|e| panic!("{path}: {e}"));
        }
        if path.ends_with(".md") {
            let doc = readyctl::views::markdown::parse(text);
            assert!(!doc.sections.is_empty(), "{path} has no headings");
            // Every section has content under it.
            for s in &doc.sections {
                assert!(s.blocks > 0, "{path}:{}: empty section {}", s.line, s.title);
            }
        }
        if path == "readyctl.yaml" {
            readyctl::config::parse(path, text).unwrap_or_else(|e| panic!("{e}"));
        }
    }
    let _ = root;
}

#[test]
fn every_generated_file_parses() {
    for repo in [rust_service(), node_service(), Repo::git()] {
        let before = snapshot(repo.path());
        for kind in KINDS {
            ok(&scaffold(&repo, &[kind]));
        }
        ok(&scaffold(&repo, &["ci", "--provider", "gitlab", "--force"]));
        ok(&scaffold(&repo, &["ci", "--provider", "github", "--force"]));
        ok(&scaffold(
            &repo,
            &["meeting", "--template", "operational-review"],
        ));
        let files: BTreeMap<String, Vec<u8>> = snapshot(repo.path())
            .into_iter()
            .filter(|(p, b)| before.get(p) != Some(b))
            .collect();
        assert!(files.contains_key("docs/RUNBOOK.md"));
        assert_parses(repo.path(), &files);
        // The config `check` reads is valid (exit 2 would mean it is not).
        let (_, code) = repo.check_json(&[]);
        assert_ne!(code, 2);
    }
}

#[test]
fn terraform_skeleton_is_pinned_and_remote() {
    let repo = Repo::git();
    ok(&scaffold(&repo, &["terraform"]));
    for f in ["versions.tf", "main.tf", "variables.tf", "outputs.tf"] {
        assert!(repo.exists(&format!("terraform/{f}")), "{f}");
    }
    let body: hcl::Body = hcl::parse(&repo.read("terraform/versions.tf")).expect("hcl");
    let tf = body
        .blocks()
        .find(|b| b.identifier() == "terraform")
        .expect("terraform block");
    assert!(
        tf.body()
            .attributes()
            .any(|a| a.key() == "required_version")
    );
    let rp = tf
        .body()
        .blocks()
        .find(|b| b.identifier() == "required_providers")
        .expect("required_providers");
    let aws = rp
        .body()
        .attributes()
        .find(|a| a.key() == "aws")
        .expect("aws provider");
    let text = format!("{:?}", aws.expr());
    assert!(
        text.contains("hashicorp/aws") && text.contains("~> 5.0"),
        "{text}"
    );
    let backend = tf
        .body()
        .blocks()
        .find(|b| b.identifier() == "backend")
        .expect("backend");
    assert_eq!(backend.labels()[0].as_str(), "s3");

    let repo = Repo::git();
    ok(&scaffold(&repo, &["terraform", "--cloud", "google"]));
    let v = repo.read("terraform/versions.tf");
    assert!(
        v.contains("hashicorp/google") && v.contains("backend \"gcs\""),
        "{v}"
    );
    hcl::edit::parser::parse_body(&repo.read("terraform/main.tf")).expect("hcl");
}

#[test]
fn github_workflow_is_pinned_and_least_privilege() {
    let repo = rust_service();
    // With a workflow already there, `scaffold ci` adds jobs to it (see
    // scaffold_fit); without one, it writes a whole workflow.
    std::fs::remove_file(repo.path().join(".github/workflows/build.yml")).expect("rm");
    ok(&scaffold(&repo, &["ci", "--provider", "github"]));
    let text = repo.read(".github/workflows/ci.yml");
    let wf: serde_json::Value = readyctl::views::yaml::from_str(&text).expect("yaml");
    assert_eq!(wf["permissions"]["contents"], "read", "{text}");
    assert!(wf.get("on").is_some(), "{text}");
    let jobs = wf["jobs"].as_object().expect("jobs");
    let mut runs = Vec::new();
    for (name, job) in jobs {
        assert!(job["runs-on"].is_string(), "{name} has no runs-on");
        for s in job["steps"].as_array().expect("steps") {
            if let Some(u) = s["uses"].as_str() {
                let (_, rev) = u.split_once('@').expect("uses has @");
                assert!(
                    rev.len() == 40 && rev.chars().all(|c| c.is_ascii_hexdigit()),
                    "{u} is not pinned to a commit SHA"
                );
            }
            if let Some(r) = s["run"].as_str() {
                runs.push((name.clone(), r.to_string()));
            }
        }
    }
    assert!(text.contains("# v4.2.2"), "version comment: {text}");
    assert!(
        runs.iter().any(|(_, r)| r.contains("cargo test")),
        "{runs:?}"
    );
    assert!(
        runs.iter().any(|(_, r)| r.contains("cargo audit")),
        "{runs:?}"
    );
    assert!(
        runs.iter().any(|(_, r)| r.contains("terraform validate")),
        "{runs:?}"
    );
    assert!(
        runs.iter().any(|(_, r)| r.starts_with("readyctl check")),
        "release gate step: {runs:?}"
    );
    // No deploy job with a `./deploy.sh` placeholder: the deploy is the
    // repository's own.
    assert!(jobs.get("deploy").is_none(), "{text}");
    assert!(!text.contains("deploy.sh"), "{text}");
}

#[test]
fn gitlab_pipeline_follows_the_language() {
    let repo = node_service();
    ok(&scaffold(&repo, &["ci"]));
    assert!(!repo.exists(".github/workflows/ci.yml"));
    // .gitlab-ci.yml exists already: the missing jobs are added to it, and
    // the user's lines are kept as they were.
    let text = repo.read(".gitlab-ci.yml");
    assert!(
        text.starts_with("build:\n  script:\n    - npm run build\n\n"),
        "{text}"
    );
    let p: serde_json::Value = readyctl::views::yaml::from_str(&text).expect("yaml");
    let script = |job: &str| p[job]["script"].to_string();
    assert!(script("test-node").contains("npm test"), "{text}");
    assert_eq!(p["test-node"]["image"], "node:22", "{text}");
    assert!(script("audit-node").contains("npm audit"), "{text}");
    assert!(script("release-gate").contains("readyctl check"), "{text}");
    assert!(p.get("deploy").is_none(), "{text}");
    // Twice: nothing changes.
    ok(&scaffold(&repo, &["ci"]));
    repo.commit("ci");
    let run = ok(&scaffold(&repo, &["ci"])).stdout.clone();
    assert_eq!(repo.read(".gitlab-ci.yml"), text, "{run}");
}

#[test]
fn init_is_tuned_to_the_repository() {
    let repo = node_service();
    let run = ok(&crate::common::run_in(repo.path(), &["init"]))
        .stdout
        .clone();
    assert!(run.contains("wrote readyctl.yaml"), "{run}");
    assert!(run.contains("wrote deployment-readiness.md"), "{run}");
    let list = repo.read("deployment-readiness.md");
    assert!(!list.contains("readyctl: terraform."), "{list}");
    assert!(!list.contains("Terraform plan reviewed"), "{list}");
    assert!(list.contains("<!-- readyctl: docs.runbook -->"), "{list}");
    let cfg = repo.read("readyctl.yaml");
    let parsed = readyctl::config::parse("readyctl.yaml", &cfg).expect("parses");
    // The Dockerfile's HEALTHCHECK became an endpoint.
    assert_eq!(
        parsed.health.endpoints[0].value.url,
        "http://localhost:3000/healthz"
    );
    // Every marker names a check that exists.
    let (report, code) = repo.check_json(&[]);
    assert_ne!(code, 2);
    for f in check(&report, "docs.readiness-checklist")["findings"]
        .as_array()
        .expect("findings")
    {
        let m = f["message"].as_str().unwrap_or_default();
        assert!(!m.contains("unknown check"), "{m}");
    }
    // Twice: nothing changes.
    let before = snapshot(repo.path());
    let run = ok(&crate::common::run_in(repo.path(), &["init"]))
        .stdout
        .clone();
    assert_eq!(before, snapshot(repo.path()), "{run}");

    let repo = rust_service();
    ok(&crate::common::run_in(repo.path(), &["init"]));
    let list = repo.read("deployment-readiness.md");
    assert!(list.contains("Terraform plan reviewed"), "{list}");
}

#[test]
fn init_dry_run_and_existing_files() {
    let repo = Repo::git();
    repo.write("readyctl.yaml", "version: 1\n");
    let run = ok(&crate::common::run_in(repo.path(), &["init", "--dry-run"]))
        .stdout
        .clone();
    assert!(
        run.contains("readyctl.yaml exists, skipped (use --force)"),
        "{run}"
    );
    assert!(run.contains("+++ b/deployment-readiness.md"), "{run}");
    assert!(!repo.exists("deployment-readiness.md"));
    assert_eq!(repo.read("readyctl.yaml"), "version: 1\n");
}

#[test]
fn bad_input_is_a_clear_error() {
    // A .gitignore that is not UTF-8 is left alone.
    let repo = Repo::git();
    repo.write(".gitignore", b"target/\n\xff\xfe\n".as_slice());
    let run = scaffold(&repo, &["gitignore"]);
    assert_eq!(run.code, 2, "{run:?}");
    assert!(
        run.stderr.contains(".gitignore") && run.stderr.contains("UTF-8"),
        "{run:?}"
    );
    assert_eq!(
        std::fs::read(repo.path().join(".gitignore")).unwrap(),
        b"target/\n\xff\xfe\n"
    );

    // An invalid readyctl.yaml is named with its line.
    let repo = Repo::git();
    repo.write("readyctl.yaml", "version: 1\nchecks:\n  skp: []\n");
    for args in [vec!["--missing"], vec!["health"], vec!["runbook"]] {
        let run = scaffold(&repo, &args);
        assert_eq!(run.code, 2, "{args:?}: {run:?}");
        assert!(run.stderr.contains("readyctl.yaml:3"), "{args:?}: {run:?}");
    }
    assert!(!repo.exists("docs/RUNBOOK.md"));

    // A checklist path that leaves the repository is refused.
    let repo = Repo::git();
    repo.write("readyctl.yaml", "version: 1\nchecklist: ../outside.md\n");
    let run = scaffold(&repo, &["checklist"]);
    assert_eq!(run.code, 2, "{run:?}");
    assert!(run.stderr.contains("outside the repository"), "{run:?}");
    assert!(!repo.path().join("../outside.md").exists());

    // `health:` written inline cannot be merged as text: say so, touch nothing.
    let repo = Repo::git();
    repo.write("readyctl.yaml", "version: 1\nhealth: {timeout: 5s}\n");
    let run = scaffold(&repo, &["health"]);
    assert_eq!(run.code, 2, "{run:?}");
    assert!(run.stderr.contains("inline"), "{run:?}");
    assert_eq!(
        repo.read("readyctl.yaml"),
        "version: 1\nhealth: {timeout: 5s}\n"
    );
}

#[test]
fn missing_keeps_a_users_file_and_says_what_to_fix() {
    let repo = Repo::git();
    repo.write("docs/RUNBOOK.md", "# Runbook\n\n## Overview\n\nOurs.\n");
    let run = ok(&scaffold(&repo, &["--missing"])).stdout.clone();
    assert!(
        run.contains("docs/RUNBOOK.md exists, skipped (use --force)"),
        "{run}"
    );
    assert!(
        run.contains("still to fix by hand: docs.runbook: "),
        "{run}"
    );
    assert_eq!(
        repo.read("docs/RUNBOOK.md"),
        "# Runbook\n\n## Overview\n\nOurs.\n"
    );
    // The other fixes were still written.
    assert!(repo.exists("docs/ROLLBACK.md"), "{run}");
}

#[cfg(unix)]
#[test]
fn symlinks_are_not_replaced() {
    let repo = Repo::git();
    repo.write("shared/gitignore", "target/\n");
    std::os::unix::fs::symlink("shared/gitignore", repo.path().join(".gitignore")).unwrap();
    let run = ok(&scaffold(&repo, &["gitignore"])).stdout.clone();
    assert!(
        run.contains(".gitignore exists, skipped (use --force)"),
        "{run}"
    );
    let meta = std::fs::symlink_metadata(repo.path().join(".gitignore")).unwrap();
    assert!(meta.file_type().is_symlink());
    assert_eq!(repo.read("shared/gitignore"), "target/\n");
}

/// A kind planned after another reads what that one wrote (the scaffold
/// reads the index, built before the run, plus the run's own writes): a
/// team check fixed by `scaffold config` writes readyctl.yaml first, and
/// `health` then merges its endpoint into that file instead of skipping it.
#[test]
fn a_later_kind_reads_what_an_earlier_one_wrote() {
    let service = || {
        let repo = Repo::git();
        repo.write(
            ".readyctl/checks/team.yaml",
            "id: team.config\ntitle: Team config committed\nseverity: error\nexplain:\n  what: w\n  why: y\n  fix: f\n  example: e\nfix:\n  scaffold: config\nrule:\n  file_exists: {files: [readyctl.yaml]}\n",
        );
        // A service without a health check: health.declared fails.
        repo.write(
            "compose.yaml",
            "services:\n  api:\n    image: nginx:1.27\n    ports: [\"8080:80\"]\n",
        );
        repo
    };
    let repo = service();
    let run = ok(&scaffold(&repo, &["--missing"])).stdout.clone();
    assert!(
        run.contains("health.declared failed: scaffolding health"),
        "{run}"
    );
    let wrote = run.find("wrote readyctl.yaml").expect(&run);
    let merged = run
        .find("updated readyctl.yaml (added 1 health endpoint)")
        .expect(&run);
    assert!(wrote < merged, "{run}");
    let cfg = repo.read("readyctl.yaml");
    assert_eq!(cfg.matches("\nhealth:").count(), 1, "{cfg}");
    assert!(cfg.contains("  endpoints:\n"), "{cfg}");
    // A dry run writes nothing, so the later kind sees no readyctl.yaml.
    let repo = service();
    let run = ok(&scaffold(&repo, &["--missing", "--dry-run"]))
        .stdout
        .clone();
    assert_eq!(run.matches("would write readyctl.yaml").count(), 2, "{run}");
    assert!(!repo.exists("readyctl.yaml"));
}
