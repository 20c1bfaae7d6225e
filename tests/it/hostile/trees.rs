//! The hostile trees of issue 13, built at test time: each goes through
//! `check` (every format), `scaffold --missing` and `init`. Every run ends
//! (60 s guard) with exit 0, 1 or 2, no panic message, no planted secret
//! printed whole, and nothing written outside the tree.

use super::{bounded, mkfifo, repo, token};
use crate::common::Repo;

type Build = fn(&Repo, &std::path::Path, &str);

/// `(name, builder)`: the builder gets the repo, a directory outside it and
/// the planted token.
fn trees() -> Vec<(&'static str, Build)> {
    vec![
        ("secret in checklist items and markers", |r, _, t| {
            r.write(
                "deployment-readiness.md",
                format!("- [ ] rotate {t}\n- [ ] x <!-- readyctl: {t} -->\n"),
            );
        }),
        ("secret in a config key and a webhook path", |r, _, t| {
            r.write(
                "readyctl.yaml",
                format!("version: 1\nhealth:\n  endpoints:\n    - name: hook\n      url: https://hooks.slack.com/services/{t}/x\n"),
            );
        }),
        ("secret as an unknown config key", |r, _, t| {
            r.write("readyctl.yaml", format!("version: 1\n{t}: 1\n"));
        }),
        ("secret quoted by a declarative file_lacks", |r, _, t| {
            r.write("app.py", format!("token = '{t}'\n")).write(
                ".readyctl/checks/nokey.yaml",
                "id: team.nokey\ntitle: No key\nseverity: error\nexplain:\n  what: a\n  why: b\n  fix: c\n  example: d\nrule:\n  file_lacks:\n    files: [\"app.py\"]\n    pattern: \"ghp_[A-Za-z0-9]+\"\n",
            );
        }),
        ("docs symlinked outside", |r, out, _| {
            std::os::unix::fs::symlink(out, r.path().join("docs")).unwrap();
        }),
        ("checklist and config symlinked outside", |r, out, _| {
            std::fs::write(out.join("cfg.yaml"), "version: 1\n").unwrap();
            std::os::unix::fs::symlink(out.join("cfg.yaml"), r.path().join("readyctl.yaml"))
                .unwrap();
        }),
        ("baseline outside", |r, _, _| {
            r.write(
                "readyctl.yaml",
                "version: 1\nsecrets:\n  baseline: ../x.json\n",
            );
        }),
        ("fifos everywhere", |r, _, _| {
            for n in [
                "deployment-readiness.md",
                ".readyctl-baseline.json",
                "docs/RUNBOOK.md",
                "main.tf",
                ".github/workflows/ci.yml",
                "sub/.gitignore",
            ] {
                mkfifo(&r.path().join(n));
            }
        }),
        ("symlink loop and dangling links", |r, _, _| {
            std::os::unix::fs::symlink("b", r.path().join("a")).unwrap();
            std::os::unix::fs::symlink("a", r.path().join("b")).unwrap();
            std::os::unix::fs::symlink("/nowhere", r.path().join("main.tf")).unwrap();
            std::os::unix::fs::symlink("/dev/zero", r.path().join("zero.yaml")).unwrap();
        }),
        ("deep brace globs", |r, _, _| {
            let deep = format!("{}a{}", "{".repeat(20_000), "}".repeat(20_000));
            r.write(".readyctlignore", format!("{deep}\n"));
        }),
        ("nesting everywhere", |r, _, _| {
            let n = 5_000;
            r.write(
                "main.tf",
                format!("locals {{ a = {}1{} }}\n", "[".repeat(n), "]".repeat(n)),
            )
            .write(
                "k8s.yaml",
                format!("a: {}{}\n", "[".repeat(n), "]".repeat(n)),
            )
            .write("docs/RUNBOOK.md", "> ".repeat(n))
            .write(
                "main.tf.json",
                format!("{}{}", "[".repeat(n), "]".repeat(n)),
            );
        }),
        ("invalid bytes", |r, _, _| {
            r.write(
                "deployment-readiness.md",
                b"- [ ] \xff\xfe\x00 <!-- readyctl: docs.rollback -->\n",
            )
            .write("readyctl.yaml", b"version: 1\n\xff: 1\n")
            .write(
                ".github/workflows/ci.yml",
                b"on: push\njobs:\n  a:\n    runs-on: \x00\n",
            );
        }),
        ("alias bomb", |r, _, _| {
            let mut y = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
            for i in 1..12 {
                let p = i - 1;
                y.push_str(&format!("a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"));
            }
            r.write("monitoring/alerts.yml", &y)
                .write("readyctl.yaml", &y);
        }),
        ("invalid config values", |r, _, _| {
            r.write(
                "readyctl.yaml",
                "version: 1\nhealth:\n  timeout: 1e20\n  concurrency: 18446744073709551615\n",
            );
        }),
    ]
}

#[test]
fn every_hostile_tree_ends_in_0_1_or_2_without_leaks_or_writes_outside() {
    let t = token();
    let mut problems = Vec::new();
    for (name, build) in trees() {
        let r = repo();
        let outside = tempfile::tempdir().unwrap();
        build(&r, outside.path(), &t);
        let before = std::fs::read_dir(outside.path()).unwrap().count();
        let mut runs: Vec<Vec<&str>> = [
            "human", "json", "sarif", "junit", "markdown", "github", "gitlab",
        ]
        .iter()
        .map(|f| vec!["check", ".", "--offline", "--no-progress", "--format", f])
        .collect();
        runs.push(vec!["scaffold", "--missing", "."]);
        runs.push(vec!["init", "."]);
        for args in &runs {
            let run = bounded(r.path(), args);
            let all = format!("{}{}", run.stdout, run.stderr);
            if !matches!(run.code, 0..=2) {
                problems.push(format!(
                    "{name}: {args:?}: exit {}: {}",
                    run.code, run.stderr
                ));
            }
            if all.contains("panicked") {
                problems.push(format!("{name}: {args:?}: panic: {}", run.stderr));
            }
            if all.contains(&t) {
                problems.push(format!(
                    "{name}: {args:?}: the planted token is printed whole"
                ));
            }
            if std::fs::read_dir(outside.path()).unwrap().count() != before {
                problems.push(format!("{name}: {args:?}: wrote outside the repository"));
            }
        }
        assert!(
            !r.path().parent().unwrap().join("x.json").exists(),
            "{name}"
        );
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
