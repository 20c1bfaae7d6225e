//! Deeply nested YAML in every file a YAML reader of readyctl opens: the
//! debug binary (what `cargo test` runs) never overflows its stack (exit
//! 134); it parses up to the nesting budget, refuses past it, and keeps
//! the 0/1/2 exit contract.

use crate::common::Repo;

/// `readinessProbe:` and `depth` nested flow sequences, closed.
fn nested(depth: usize) -> String {
    format!(
        "readinessProbe: {}1{}\n",
        "[".repeat(depth),
        "]".repeat(depth)
    )
}

/// Every place a YAML file is read: (path, content wrapper).
fn places(deep: &str) -> Vec<(&'static str, String)> {
    let value = deep.trim_start_matches("readinessProbe: ").trim_end();
    vec![
        ("k8s/deployment.yaml", deep.to_string()),
        (
            "k8s/multi.yaml",
            format!("apiVersion: apps/v1\nkind: Deployment\n---\n{deep}"),
        ),
        (".github/workflows/ci.yml", deep.to_string()),
        (".gitlab-ci.yml", deep.to_string()),
        (".pre-commit-config.yaml", deep.to_string()),
        ("docker-compose.yml", deep.to_string()),
        (
            "compose.yaml",
            format!("services:\n  web:\n    healthcheck: {value}\n"),
        ),
        ("chart/values.yaml", deep.to_string()),
        ("monitoring/alerts.yaml", format!("groups: {value}\n")),
        (
            "readyctl.yaml",
            format!("version: 1\nchecks:\n  only: {value}\n"),
        ),
        (
            "readyctl.yaml",
            "version: 1\nchecks:\n  paths: [rules]\n".to_string(),
        ),
    ]
}

fn run_everywhere(depth: usize) {
    let deep = nested(depth);
    for (path, content) in places(&deep) {
        let repo = Repo::git();
        repo.write(path, &content);
        repo.write(
            "chart/Chart.yaml",
            "apiVersion: v2\nname: web\nversion: 1.0.0\n",
        );
        // The declarative check directory named by the second readyctl.yaml.
        repo.write("rules/deep.yaml", &deep);
        let r = repo.readyctl(&["check", "--offline", "--no-progress"]);
        assert!(
            matches!(r.code, 0..=2),
            "{path} nested {depth} deep: exit {} (a crash)\nstderr: {}",
            r.code,
            r.stderr
        );
        assert!(
            !r.stderr.contains("overflow") && !r.stderr.contains("panicked"),
            "{path}: {}",
            r.stderr
        );
    }
}

#[test]
fn sixty_nested_sequences_never_crash_a_reader() {
    run_everywhere(60);
}

#[test]
fn nesting_past_the_budget_is_refused_not_a_crash() {
    run_everywhere(70);
}

#[test]
fn a_workflow_nested_past_the_budget_is_invalid_at_its_line() {
    let repo = Repo::git();
    repo.write(
        ".github/workflows/ci.yml",
        format!("on: push\njobs:\n  test: {}\n", nested(70).trim_end()),
    );
    let (report, _) = repo.check_json(&["--only", "ci.valid"]);
    assert_eq!(crate::common::status(&report, "ci.valid"), "fail");
    let at = crate::common::finding_locations(&report, "ci.valid");
    assert_eq!(
        at,
        vec![(".github/workflows/ci.yml".to_string(), 3)],
        "{report:#}"
    );
}
