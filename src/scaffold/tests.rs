//! Snapshots of every template rendered for two different repositories, so
//! that reviewers see exactly what users get; and every rendered file
//! parsed with the parser the checks use.

use std::path::Path;

use super::context::{CheckItem, RepoContext};
use super::{Files, Kind, Options, plan};
use crate::repo::index::Index;

/// The built-in checks of SPEC §3, so that the checklist snapshots do not
/// depend on which areas this build has.
const SPEC_CHECKS: &[(&str, &str)] = &[
    ("terraform.present", "Infrastructure is code"),
    ("terraform.valid", "Terraform parses"),
    ("terraform.version-pinned", "Terraform version pinned"),
    ("terraform.providers-pinned", "Providers pinned"),
    ("terraform.remote-state", "Remote state configured"),
    ("terraform.lockfile", "Provider lock file committed"),
    (
        "terraform.sensitive-variables",
        "Secret variables marked sensitive",
    ),
    ("ci.present", "CI configured"),
    ("ci.valid", "CI configuration parses"),
    ("ci.runs-tests", "CI runs the tests"),
    ("ci.release-gate", "CI runs the release gate"),
    ("ci.actions-pinned", "Actions pinned to commit SHAs"),
    ("ci.least-privilege", "Workflows declare permissions"),
    ("ci.security-scan", "CI runs a security scanner"),
    (
        "docs.readiness-checklist",
        "Deployment-readiness checklist resolved",
    ),
    ("docs.runbook", "Runbook documented"),
    ("docs.rollback", "Rollback procedure documented"),
    ("docs.disaster-recovery", "Backup and restore documented"),
    ("docs.placeholders", "No unfilled template placeholders"),
    ("docs.incident-response", "Incident response documented"),
    ("secrets.none-committed", "No secrets committed"),
    ("secrets.sensitive-files", "No sensitive files committed"),
    ("secrets.gitignore", ".gitignore covers secrets"),
    ("health.declared", "Health endpoints declared"),
    ("health.reachable", "Health endpoints reachable"),
    ("monitoring.configured", "Monitoring configured"),
];

fn write(root: &Path, rel: &str, content: &str) {
    let p = root.join(rel);
    std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
    std::fs::write(p, content).expect("write");
}

/// A Rust service on GitHub Actions with AWS Terraform and Kubernetes probes.
fn rust_github_aws(root: &Path) {
    write(
        root,
        "Cargo.toml",
        "[package]\nname = \"payments-api\"\nversion = \"0.1.0\"\n",
    );
    write(root, "src/main.rs", "fn main() {}\n");
    write(root, ".gitignore", "/target\n");
    write(
        root,
        ".github/workflows/build.yml",
        "on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - run: cargo build\n",
    );
    write(
        root,
        "infra/main.tf",
        "provider \"aws\" {\n  region = var.region\n}\n",
    );
    write(
        root,
        "deploy/k8s.yaml",
        "apiVersion: apps/v1\nkind: Deployment\nspec:\n  template:\n    spec:\n      containers:\n        - name: api\n          readinessProbe:\n            httpGet:\n              path: /ready\n              port: 9000\n          livenessProbe:\n            httpGet:\n              path: /live\n              port: 9000\n",
    );
}

/// A Node service on GitLab CI without Terraform, with a Docker HEALTHCHECK.
fn node_gitlab(root: &Path) {
    write(
        root,
        "package.json",
        "{\"name\": \"@shop/storefront\", \"scripts\": {\"test\": \"node --test\"}}\n",
    );
    write(root, "package-lock.json", "{}\n");
    write(root, "README.md", "# storefront\n\nThe shop front end.\n");
    write(
        root,
        ".gitlab-ci.yml",
        "build:\n  script:\n    - npm run build\n",
    );
    write(
        root,
        "Dockerfile",
        "FROM node:22\nHEALTHCHECK --interval=30s CMD wget -qO- http://localhost:3000/healthz || exit 1\n",
    );
}

fn context(root: &Path) -> RepoContext {
    context_of(&Index::build(root).expect("index"))
}

fn context_of(index: &Index) -> RepoContext {
    let mut ctx = RepoContext::from_index(index, "deployment-readiness.md", "2026-01-15".into());
    ctx.checks = SPEC_CHECKS
        .iter()
        .map(|(id, title)| CheckItem {
            id: id.to_string(),
            area: id.split('.').next().unwrap_or_default().to_string(),
            title: title.to_string(),
        })
        .collect();
    // As if the pipeline lacked every job a CI check looks for: the merge
    // into an existing pipeline shows them all.
    ctx.failing = ["ci.runs-tests", "ci.security-scan", "ci.release-gate"]
        .map(String::from)
        .to_vec();
    ctx
}

/// Parse `text` as the checks would, by its path.
fn assert_parses(path: &str, text: &str) {
    if path.ends_with(".yml") || path.ends_with(".yaml") {
        crate::views::yaml::from_str::<serde_json::Value>(text)
            .unwrap_or_else(|e| panic!("{}\n{text}", e.in_file(path)));
    }
    if path.ends_with("readyctl.yaml") {
        crate::config::parse(path, text).unwrap_or_else(|e| panic!("{e}\n{text}"));
    }
    if path.ends_with(".tf") {
        hcl::edit::parser::parse_body(text).unwrap_or_else(|e| panic!("{path}: {e}\n{text}"));
    }
    if path.ends_with(".md") {
        let doc = crate::views::markdown::parse(text);
        assert!(!doc.sections.is_empty(), "{path}: no headings");
        let events = pulldown_cmark::Parser::new(text).count();
        assert!(events > 0, "{path}");
    }
    assert!(text.ends_with('\n'), "{path}: no final newline");
    assert!(
        !text.contains("\n\n\n"),
        "{path}: double blank line\n{text}"
    );
}

fn render_all(fixture: &str, make: fn(&Path)) {
    let dir = tempfile::tempdir().expect("tempdir");
    make(dir.path());
    let index = Index::build(dir.path()).expect("index");
    let files = Files::new(&index);
    let ctx = context_of(&index);
    let titled = Options {
        title: Some("Move sessions to Redis".into()),
        ..Options::default()
    };
    let mut runs: Vec<(String, Kind, Options)> = Kind::ALL
        .iter()
        // Only for repositories with failing Kubernetes workloads.
        .filter(|k| **k != Kind::Disruption)
        .map(|k| (k.name().to_string(), *k, Options::default()))
        .collect();
    for k in [Kind::Postmortem, Kind::Adr, Kind::Rfc, Kind::Change] {
        runs.push((format!("{}-titled", k.name()), k, titled.clone()));
    }
    for (provider, name) in [("github", "ci-github"), ("gitlab", "ci-gitlab")] {
        runs.push((
            name.into(),
            Kind::Ci,
            Options {
                provider: Some(provider.into()),
                ..Options::default()
            },
        ));
    }
    runs.push((
        "meeting-operational-review".into(),
        Kind::Meeting,
        Options {
            template: Some("operational-review".into()),
            ..Options::default()
        },
    ));
    for (label, kind, opts) in runs {
        let planned = plan(kind, &ctx, &files, &opts).expect("plan");
        assert!(!planned.is_empty(), "{label}");
        for p in planned {
            assert_parses(&p.path, &p.content);
            let name = format!("{fixture}__{label}__{}", p.path.replace('/', "_"));
            insta::assert_snapshot!(name, p.content);
        }
    }
}

#[test]
fn rust_service_on_github_with_aws_terraform() {
    render_all("rust-github-aws", rust_github_aws);
}

#[test]
fn node_service_on_gitlab_without_terraform() {
    render_all("node-gitlab", node_gitlab);
}

#[test]
fn context_reads_the_repository() {
    let dir = tempfile::tempdir().expect("tempdir");
    rust_github_aws(dir.path());
    let ctx = context(dir.path());
    assert_eq!(ctx.name, "payments-api");
    assert_eq!(ctx.ci.as_deref(), Some("github"));
    assert_eq!(ctx.clouds, ["aws"]);
    assert_eq!(ctx.terraform_dirs, ["infra"]);
    assert_eq!(ctx.languages[0].test.as_deref(), Some("cargo test"));
    let paths: Vec<(&str, Option<u16>)> = ctx
        .health
        .iter()
        .map(|h| (h.path.as_str(), h.port))
        .collect();
    assert_eq!(paths, [("/ready", Some(9000)), ("/live", Some(9000))]);
    assert_eq!(ctx.health[0].source, "deploy/k8s.yaml:8");

    let dir = tempfile::tempdir().expect("tempdir");
    node_gitlab(dir.path());
    let ctx = context(dir.path());
    assert_eq!(ctx.name, "storefront");
    assert_eq!(ctx.ci_provider(), "gitlab");
    assert!(!ctx.has_terraform);
    assert_eq!(ctx.languages[0].test.as_deref(), Some("npm test"));
    assert_eq!(ctx.health[0].path, "/healthz");
    assert_eq!(ctx.health[0].port, Some(3000));

    let dir = tempfile::tempdir().expect("tempdir");
    write(
        dir.path(),
        "compose.yaml",
        "services:\n  api:\n    image: x\n    healthcheck:\n      test: [\"CMD\", \"curl\", \"-f\", \"http://localhost:8000/status\"]\n      interval: 10s\n",
    );
    let ctx = context(dir.path());
    assert!(ctx.has_compose);
    assert_eq!(ctx.health.len(), 1, "{:?}", ctx.health);
    assert_eq!(ctx.health[0].path, "/status");
    assert_eq!(ctx.health[0].source, "compose.yaml:4");
}

#[test]
fn every_placeholder_has_the_one_form() {
    // Any "TODO" a template writes is the form docs.placeholders reports.
    assert_eq!(
        super::PLACEHOLDER,
        "TODO(readyctl)",
        "templates spell it out"
    );
    for (name, source) in super::TEMPLATES {
        for (i, line) in source.lines().enumerate() {
            for (at, _) in line.match_indices("TODO") {
                assert!(
                    line[at..].starts_with("TODO(readyctl): "),
                    "{name}:{}: {line}",
                    i + 1
                );
            }
        }
    }
}
