//! Issue 13 item 8: a FIFO (or any non-regular file) at a path readyctl
//! opens by name is never opened: a clear error or `status: error`, never
//! a hang. (The ignore files are in core.rs.)

use super::{bounded, mkfifo, repo};

const CHECK: &[&str] = &[
    "check",
    ".",
    "--offline",
    "--no-progress",
    "--format",
    "json",
];

fn status(stdout: &str, id: &str) -> (String, String) {
    let v: serde_json::Value = serde_json::from_str(stdout).expect("JSON report");
    let c = crate::common::check(&v, id);
    (
        c["status"].as_str().unwrap_or_default().to_string(),
        c["message"].as_str().unwrap_or_default().to_string(),
    )
}

#[test]
fn a_fifo_config_is_exit_2_for_every_command() {
    let r = repo();
    mkfifo(&r.path().join("readyctl.yaml"));
    for args in [
        CHECK,
        &["baseline", "."][..],
        &["scaffold", "--missing", "."][..],
        &["init", "."][..],
    ] {
        let run = bounded(r.path(), args);
        assert_eq!(run.code, 2, "{args:?}: {}", run.stderr);
        assert!(
            run.stderr.contains("readyctl.yaml") && run.stderr.contains("not a regular file"),
            "{args:?}: {}",
            run.stderr
        );
    }
    // --config FILE names a FIFO outside the repository: refused too.
    let outside = tempfile::tempdir().unwrap();
    let fifo = outside.path().join("cfg.yaml");
    mkfifo(&fifo);
    let r = repo();
    let run = bounded(
        r.path(),
        &[
            "check",
            ".",
            "--offline",
            "--no-progress",
            "--config",
            fifo.to_str().unwrap(),
        ],
    );
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("not a regular file"), "{}", run.stderr);
}

#[test]
fn a_fifo_baseline_fails_the_scan_closed_and_is_not_replaced() {
    for (config, name) in [
        (None, ".readyctl-baseline.json"),
        (
            Some("version: 1\nsecrets:\n  baseline: secrets.baseline\n"),
            "secrets.baseline",
        ),
    ] {
        let r = repo();
        if let Some(c) = config {
            r.write("readyctl.yaml", c);
        }
        let fifo = r.path().join(name);
        mkfifo(&fifo);
        let run = bounded(r.path(), CHECK);
        assert_eq!(run.code, 1, "{name}: {}", run.stderr);
        let (st, msg) = status(&run.stdout, "secrets.none-committed");
        assert_eq!(st, "error", "{name}: {msg}");
        assert!(
            msg.contains(name) && msg.contains("not a regular file"),
            "{msg}"
        );
        // `readyctl baseline` does not replace it with a regular file.
        let run = bounded(r.path(), &["baseline", "."]);
        assert_eq!(run.code, 2, "{name}: {}", run.stdout);
        assert!(run.stderr.contains(name), "{}", run.stderr);
        let ft = std::fs::symlink_metadata(&fifo).unwrap().file_type();
        assert!(
            std::os::unix::fs::FileTypeExt::is_fifo(&ft),
            "{name} was replaced"
        );
    }
}

#[test]
fn a_fifo_checklist_is_an_error_and_is_neither_read_nor_replaced() {
    let r = repo();
    let fifo = r.path().join("deployment-readiness.md");
    mkfifo(&fifo);
    let run = bounded(r.path(), CHECK);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let (st, msg) = status(&run.stdout, "docs.readiness-checklist");
    assert_eq!(st, "error", "{msg}");
    assert!(msg.contains("not a regular file"), "{msg}");
    for args in [
        &["scaffold", "--missing", "."][..],
        &["init", "."][..],
        &["scaffold", "checklist", "."][..],
    ] {
        let run = bounded(r.path(), args);
        assert_eq!(run.code, 2, "{args:?}: {}{}", run.stdout, run.stderr);
        assert!(
            run.stderr
                .contains("deployment-readiness.md: not a regular file"),
            "{args:?}: {}",
            run.stderr
        );
        let ft = std::fs::symlink_metadata(&fifo).unwrap().file_type();
        assert!(
            std::os::unix::fs::FileTypeExt::is_fifo(&ft),
            "{args:?} replaced it"
        );
    }
    // --force does not replace it either.
    let run = bounded(r.path(), &["scaffold", "checklist", ".", "--force"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
}

#[test]
fn a_fifo_declarative_check_or_ca_cert_is_refused() {
    let r = repo();
    mkfifo(&r.path().join(".readyctl/checks/team.yaml"));
    let run = bounded(r.path(), CHECK);
    // Not a regular file: the loader lists `*.yaml` files only, so it is
    // not loaded; the run goes on without it.
    assert!(matches!(run.code, 0..=2), "{}", run.stderr);
    let r = repo();
    mkfifo(&r.path().join("ca.pem"));
    r.write(
        "readyctl.yaml",
        "version: 1\nhealth:\n  endpoints:\n    - name: api\n      url: https://127.0.0.1:9/\n      ca_cert: ca.pem\n",
    );
    let run = bounded(
        r.path(),
        &[
            "check",
            ".",
            "--no-progress",
            "--format",
            "json",
            "--only",
            "health.reachable",
        ],
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    let (st, msg) = status(&run.stdout, "health.reachable");
    assert_ne!(st, "pass", "{msg}");
}

#[test]
fn a_report_is_never_written_over_a_fifo() {
    // Issue 13 item 3: --output renamed a temporary file over a FIFO.
    let r = repo();
    let fifo = r.path().join("report.json");
    mkfifo(&fifo);
    for args in [
        &[
            "check",
            ".",
            "--offline",
            "--no-progress",
            "--format",
            "json",
            "--output",
            "report.json",
        ][..],
        &[
            "check",
            ".",
            "--offline",
            "--no-progress",
            "--report",
            "json=report.json",
        ][..],
    ] {
        let run = bounded(r.path(), args);
        assert_eq!(run.code, 2, "{args:?}: {}", run.stderr);
        assert!(run.stderr.contains("report.json"), "{}", run.stderr);
        let ft = std::fs::symlink_metadata(&fifo).unwrap().file_type();
        assert!(
            std::os::unix::fs::FileTypeExt::is_fifo(&ft),
            "{args:?} replaced it"
        );
    }
}
