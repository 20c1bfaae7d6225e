//! Readiness levels (SPEC §11): the level reached, custom levels,
//! `--min-level`, `readyctl list --levels`, and the shipped examples.

use crate::common::{Repo, crate_root, run_in};
use serde_json::Value;

/// The CI workflow of the fixtures: valid, runs no tests, no gate.
pub const WORKFLOW: &str = "name: ci
on: [push]
permissions:
  contents: read
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: make build
";

/// A runbook with every section docs.runbook asks for, and a rollback.
pub const RUNBOOK: &str = "# Runbook

## Overview
The shop's API, owned by team Shop.

## Deployment
1. Merge to main; the pipeline deploys.

## Verification
1. `curl -fsS https://shop.example.com/healthz` returns ok.

## Troubleshooting
- 502: read the logs with `kubectl logs deploy/shop`.

## Rollback
1. `kubectl rollout undo deployment/shop`
2. Run the verification steps.
";

/// A repository that reaches bronze and nothing more: a pipeline, a
/// runbook with a rollback procedure, no secrets.
pub fn bronze_repo() -> Repo {
    let r = Repo::git();
    r.write(".github/workflows/ci.yml", WORKFLOW)
        .write("docs/RUNBOOK.md", RUNBOOK);
    r
}

fn level(v: &Value) -> (Option<String>, Option<String>, Vec<String>) {
    let l = &v["level"];
    assert!(l.is_object(), "no level object: {v:#}");
    (
        l["reached"].as_str().map(str::to_string),
        l["next"].as_str().map(str::to_string),
        l["missing"]
            .as_array()
            .expect("missing is a list")
            .iter()
            .map(|s| s.as_str().unwrap().to_string())
            .collect(),
    )
}

#[test]
fn empty_repository_reaches_no_level_and_says_what_bronze_needs() {
    let r = Repo::git();
    r.write("README.md", "# nothing yet\n");
    let (v, code) = r.check_json(&[]);
    assert_eq!(code, 1);
    let (reached, next, missing) = level(&v);
    assert_eq!(reached, None);
    assert_eq!(v["level"]["reached"], Value::Null, "reached is null");
    assert_eq!(next.as_deref(), Some("bronze"));
    for id in ["ci.present", "docs.runbook", "docs.rollback"] {
        assert!(missing.contains(&id.to_string()), "{missing:?}");
    }
    // Passing bronze checks are not missing.
    assert!(!missing.contains(&"secrets.none-committed".to_string()));

    let human = r.readyctl(&["check", "--offline", "--no-progress"]);
    let first: Vec<&str> = human.stdout.lines().take(3).collect();
    assert!(
        first
            .iter()
            .any(|l| l.starts_with("level: none · bronze needs: ci.present")),
        "level line at the top: {first:?}"
    );
}

#[test]
fn bronze_fixture_reaches_bronze_and_lists_silver_missing() {
    let r = bronze_repo();
    let (v, _) = r.check_json(&[]);
    let (reached, next, missing) = level(&v);
    assert_eq!(reached.as_deref(), Some("bronze"), "{v:#}");
    assert_eq!(next.as_deref(), Some("silver"));
    for id in [
        "ci.runs-tests",
        "ci.release-gate",
        "docs.readiness-checklist",
        "terraform.present",
    ] {
        assert!(missing.contains(&id.to_string()), "{id} in {missing:?}");
    }
    // Missing checks come in report order (area, then id).
    let mut sorted = missing.clone();
    sorted.sort();
    assert_eq!(missing, sorted);
}

#[test]
fn silver_example_reaches_silver_with_its_one_waiver() {
    let dir = crate_root().join("examples/silver-service");
    let r = run_in(
        &crate_root(),
        &[
            "check",
            dir.to_str().unwrap(),
            "--format",
            "json",
            "--offline",
            "--no-progress",
        ],
    );
    let v: Value = serde_json::from_str(&r.stdout).expect(&r.stderr);
    let (reached, next, missing) = level(&v);
    assert_eq!(reached.as_deref(), Some("silver"), "{v:#}");
    assert_eq!(next.as_deref(), Some("gold"));
    assert!(missing.contains(&"ci.actions-pinned".to_string()));
    let waived: Vec<&Value> = v["checks"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|c| c["waived"].as_array().into_iter().flatten())
        .collect();
    assert_eq!(waived.len(), 1, "exactly one waiver: {waived:?}");
    let dr = crate::common::check(&v, "docs.disaster-recovery");
    assert_eq!(dr["status"], "pass");
    assert_eq!(dr["waived"][0]["owner"], "@team-pricing");
    assert!(v.get("waivers").is_none(), "no expired or stale waiver");
}

#[test]
fn service_example_reaches_gold() {
    let dir = crate_root().join("examples/service");
    let r = run_in(
        &crate_root(),
        &[
            "check",
            dir.to_str().unwrap(),
            "--format",
            "json",
            "--offline",
            "--no-progress",
            "--min-level",
            "gold",
        ],
    );
    let v: Value = serde_json::from_str(&r.stdout).expect(&r.stderr);
    let (reached, next, missing) = level(&v);
    assert_eq!(reached.as_deref(), Some("gold"), "{v:#}");
    assert_eq!(next, None);
    assert!(missing.is_empty());
    assert_eq!(r.code, 0);
}

#[test]
fn min_level_decides_the_exit_code() {
    let r = bronze_repo();
    // Error-severity checks fail (no checklist, no Terraform) ...
    let plain = r.readyctl(&["check", "--offline", "--no-progress"]);
    assert_eq!(plain.code, 1, "{}", plain.stdout);
    // ... but bronze is reached: ready at --min-level bronze.
    let bronze = r.readyctl(&[
        "check",
        "--offline",
        "--no-progress",
        "--min-level",
        "bronze",
    ]);
    assert_eq!(bronze.code, 0, "{}", bronze.stdout);
    let (v, code) = r.check_json(&["--min-level", "bronze"]);
    assert_eq!(code, 0);
    assert_eq!(v["ready"], true);
    // Failures are still printed as failures.
    assert!(bronze.stdout.contains("✗ docs.readiness-checklist"));

    let silver = r.readyctl(&[
        "check",
        "--offline",
        "--no-progress",
        "--min-level",
        "silver",
    ]);
    assert_eq!(silver.code, 1);
    let (v, code) = r.check_json(&["--min-level", "silver"]);
    assert_eq!((v["ready"].as_bool(), code), (Some(false), 1));

    let unknown = r.readyctl(&[
        "check",
        "--offline",
        "--no-progress",
        "--min-level",
        "platinum",
    ]);
    assert_eq!(unknown.code, 2);
    assert!(
        unknown.stderr.contains("unknown level `platinum`")
            && unknown.stderr.contains("bronze, silver, gold"),
        "{}",
        unknown.stderr
    );
}

#[test]
fn custom_levels_replace_the_built_in_ones() {
    let r = bronze_repo();
    r.write(
        "readyctl.yaml",
        "version: 1
levels:
  - name: started
    checks: [ci.present]
  - name: documented
    checks: [\"docs.*\"]
  - name: complete
    checks: [\"*\"]
",
    );
    let (v, _) = r.check_json(&[]);
    let (reached, next, missing) = level(&v);
    assert_eq!(reached.as_deref(), Some("started"));
    assert_eq!(next.as_deref(), Some("documented"));
    assert!(
        missing.iter().all(|id| id.starts_with("docs.")),
        "{missing:?}"
    );
    assert!(missing.contains(&"docs.readiness-checklist".to_string()));

    assert_eq!(
        r.readyctl(&[
            "check",
            "--offline",
            "--no-progress",
            "--min-level",
            "started"
        ])
        .code,
        0
    );
    assert_eq!(
        r.readyctl(&[
            "check",
            "--offline",
            "--no-progress",
            "--min-level",
            "documented"
        ])
        .code,
        1
    );
    // The built-in names are gone.
    let gone = r.readyctl(&[
        "check",
        "--offline",
        "--no-progress",
        "--min-level",
        "bronze",
    ]);
    assert_eq!(gone.code, 2);
    assert!(
        gone.stderr.contains("started, documented, complete"),
        "{}",
        gone.stderr
    );

    let list = r.readyctl(&["list", "--levels"]);
    assert_eq!(list.code, 0);
    assert!(list.stdout.contains("Readiness levels (readyctl.yaml)"));
    assert!(
        list.stdout.contains("documented\n  checks: docs.*"),
        "{}",
        list.stdout
    );
    let json = r.readyctl(&["list", "--levels", "--format", "json"]);
    let levels: Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(levels[1]["name"], "documented");
    assert!(
        levels[1]["ids"]
            .as_array()
            .unwrap()
            .contains(&Value::from("docs.rollback"))
    );
}

#[test]
fn a_skipped_check_does_not_block_a_level() {
    let r = bronze_repo();
    r.write(
        "readyctl.yaml",
        "version: 1
checks:
  skip: [\"docs.runbook\"]
levels:
  - name: base
    checks: [\"docs.runbook\", \"ci.present\"]
",
    );
    r.write("docs/RUNBOOK.md", "# nothing here\n");
    let (v, _) = r.check_json(&[]);
    assert_eq!(level(&v).0.as_deref(), Some("base"), "{:#}", v["level"]);
}

#[test]
fn invalid_levels_are_config_errors_naming_the_line() {
    let r = bronze_repo();
    for (yaml, line, words) in [
        (
            "version: 1\nlevels:\n  - name: a\n    checks: [ci.present]\n  - name: b\n    checks: [\"nope.*\"]\n",
            6,
            "matches no check",
        ),
        (
            "version: 1\nlevels:\n  - name: a\n    checks: [ci.present, \"terraform.vaild\"]\n",
            4,
            "matches no check (did you mean `terraform.valid`?",
        ),
        (
            "version: 1\nlevels:\n  - name: a\n    checks: [ci.present]\n  - name: a\n    checks: [ci.valid]\n",
            5,
            "defined twice",
        ),
        (
            "version: 1\nlevels:\n  - name: a\n    check: [ci.present]\n",
            4,
            "check",
        ),
        ("version: 1\nlevels: []\n", 2, "empty"),
    ] {
        r.write("readyctl.yaml", yaml);
        let out = r.readyctl(&["check", "--offline", "--no-progress"]);
        assert_eq!(out.code, 2, "{yaml}\n{}", out.stdout);
        assert!(
            out.stderr.contains(&format!("readyctl.yaml:{line}")) && out.stderr.contains(words),
            "{yaml}\n{}",
            out.stderr
        );
    }
}

#[test]
fn list_levels_documents_the_built_in_levels() {
    let r = Repo::plain();
    let out = r.readyctl(&["list", "--levels"]);
    assert_eq!(out.code, 0);
    for want in [
        "bronze\n",
        "silver\n",
        "gold\n",
        "requires now: ci.present, ci.valid, docs.rollback, docs.runbook, secrets.none-committed, secrets.sensitive-files",
        "plus every check of the levels below",
    ] {
        assert!(out.stdout.contains(want), "{want}\n{}", out.stdout);
    }
    let json: Value =
        serde_json::from_str(&r.readyctl(&["list", "--levels", "--format", "json"]).stdout)
            .unwrap();
    assert_eq!(json.as_array().unwrap().len(), 3);
    assert_eq!(json[2]["checks"], serde_json::json!(["*"]));
}

#[test]
fn markdown_and_sarif_carry_the_level() {
    let r = bronze_repo();
    let md = r.readyctl(&[
        "check",
        "--offline",
        "--no-progress",
        "--format",
        "markdown",
    ]);
    assert!(
        md.stdout
            .contains("**Level:** bronze · **silver** needs: `ci.release-gate`"),
        "{}",
        md.stdout
    );
    let sarif = r.readyctl(&["check", "--offline", "--no-progress", "--format", "sarif"]);
    let log: Value = serde_json::from_str(&sarif.stdout).unwrap();
    assert_eq!(log["runs"][0]["properties"]["level"]["reached"], "bronze");
    assert_eq!(log["runs"][0]["properties"]["level"]["next"], "silver");
}

#[test]
fn init_writes_the_levels_block_and_a_waiver_example_commented_out() {
    let r = bronze_repo();
    let out = r.readyctl(&["init"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let cfg = r.read("readyctl.yaml");
    assert!(cfg.contains("waivers: []"), "{cfg}");
    assert!(cfg.contains("#    owner: \"@platform-team\""), "{cfg}");
    assert!(cfg.contains("# levels:\n#   - name: bronze"), "{cfg}");
    // Uncommented, the examples are valid configuration.
    let uncommented: String = cfg
        .lines()
        .map(|l| {
            if l == "# levels:" {
                "levels:".to_string()
            } else if l.starts_with("#  ") {
                l[1..].to_string()
            } else {
                l.to_string()
            }
        })
        .map(|l| {
            if l == "waivers: []" {
                "waivers:".to_string()
            } else {
                l
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    let uncommented = uncommented.replace("expires: 2027-03-31", "expires: 2099-03-31");
    r.write("readyctl.yaml", &uncommented);
    let out = r.readyctl(&["list", "--levels"]);
    assert_eq!(out.code, 0, "{}\n{uncommented}", out.stderr);
    assert!(out.stdout.contains("Readiness levels (readyctl.yaml)"));
}

#[test]
fn only_reports_no_level_unless_it_gates_and_skip_counts_as_skipped() {
    let r = bronze_repo();
    r.write(
        "docs/RUNBOOK.md",
        RUNBOOK.split("## Rollback").next().unwrap(),
    );
    // docs.rollback fails: no level; skipped on the command line, bronze.
    let (v, _) = r.check_json(&[]);
    assert_eq!(level(&v).0, None);
    let (v, _) = r.check_json(&["--skip", "docs.rollback"]);
    assert_eq!(level(&v).0.as_deref(), Some("bronze"), "{:#}", v["level"]);

    let (v, _) = r.check_json(&["--only", "ci.*"]);
    assert!(
        v.get("level").is_none(),
        "a partial run claims no level: {v:#}"
    );
    let human = r.readyctl(&["check", "--offline", "--no-progress", "--only", "ci.*"]);
    assert!(!human.stdout.contains("level:"), "{}", human.stdout);

    let (v, code) = r.check_json(&["--only", "ci.*", "--min-level", "bronze"]);
    assert_eq!(code, 1);
    let (_, next, missing) = level(&v);
    assert_eq!(next.as_deref(), Some("bronze"));
    assert!(
        missing.contains(&"docs.runbook".to_string()),
        "not run: {missing:?}"
    );
}
