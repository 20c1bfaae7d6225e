//! The engine, CLI, config, index and report (the core issue).

use crate::common::*;
use crate::docs::{RUNBOOK, docs_repo};

#[test]
fn missing_path_is_exit_2() {
    let r = Repo::plain();
    let out = r.readyctl(&["check", "does-not-exist"]);
    assert_eq!(out.code, 2, "{out:?}");
    assert!(
        out.stderr.contains("does-not-exist: no such directory"),
        "{}",
        out.stderr
    );
    r.write("file.txt", "x");
    let out = r.readyctl(&["check", "file.txt"]);
    assert_eq!(out.code, 2, "{out:?}");
    assert!(
        out.stderr.contains("file.txt: not a directory"),
        "{}",
        out.stderr
    );
}

#[test]
fn bad_flags_are_exit_2() {
    let r = Repo::plain();
    assert_eq!(r.readyctl(&["check", "--format", "yaml"]).code, 2);
    assert_eq!(r.readyctl(&["check", "--fail-on", "sometimes"]).code, 2);
    assert_eq!(r.readyctl(&["frobnicate"]).code, 2);
    let out = r.readyctl(&["check", "--only", "nothing.*", "--no-progress"]);
    assert_eq!(out.code, 2, "{out:?}");
    assert!(out.stderr.contains("matches no check"), "{}", out.stderr);
}

#[test]
fn unknown_config_key_names_file_and_line() {
    let r = Repo::git();
    r.write(
        "readyctl.yaml",
        "version: 1\nchecks:\n  skip: []\n  sevrity: {}\n",
    );
    let out = r.readyctl(&["check", "--no-progress"]);
    assert_eq!(out.code, 2, "{out:?}");
    assert!(out.stderr.contains("readyctl.yaml:4:3"), "{}", out.stderr);
    assert!(out.stderr.contains("sevrity"), "{}", out.stderr);
}

#[test]
fn config_errors_are_exit_2_with_lines() {
    let cases: &[(&str, &str)] = &[
        ("version: 1\nhealth:\n  retries: lots\n", "readyctl.yaml:3"),
        ("version: 1\nchecks: [unclosed\n", "readyctl.yaml:"),
        ("version: 2\n", "readyctl.yaml:1"),
        (
            "version: 1\nchecks:\n  skip:\n    - docs.rolback\n",
            "readyctl.yaml:4",
        ),
        (
            "version: 1\nchecks:\n  severity:\n    docs.nope: error\n",
            "readyctl.yaml:4",
        ),
        (
            "version: 1\nchecks:\n  severity:\n    docs.rollback: fatal\n",
            "readyctl.yaml:4",
        ),
        (
            "version: 1\nhealth:\n  timeout: 5 parsecs\n",
            "readyctl.yaml:3",
        ),
    ];
    for (text, want) in cases {
        let r = Repo::git();
        r.write("readyctl.yaml", text);
        let out = r.readyctl(&["check", "--no-progress"]);
        assert_eq!(out.code, 2, "{text:?}: {out:?}");
        assert!(out.stderr.contains(want), "{text:?}: {}", out.stderr);
        assert!(!out.stderr.contains("panicked"), "{}", out.stderr);
    }
}

#[test]
fn unreadable_config_is_exit_2() {
    let r = Repo::git();
    let out = r.readyctl(&["check", "--config", "nope.yaml", "--no-progress"]);
    assert_eq!(out.code, 2, "{out:?}");
    assert!(
        out.stderr.contains("nope.yaml: cannot read"),
        "{}",
        out.stderr
    );
    r.write("bin.yaml", b"\xff\xfe\x00garbage".as_slice());
    let out = r.readyctl(&["check", "--config", "bin.yaml", "--no-progress"]);
    assert_eq!(out.code, 2, "{out:?}");
}

#[test]
fn config_skip_and_severity_apply() {
    let r = Repo::git();
    r.write("RUNBOOK.md", RUNBOOK);
    r.write(
        "readyctl.yaml",
        "version: 1\nchecks:\n  skip: [\"docs.incident-*\"]\n  severity:\n    docs.readiness-checklist: warning\n",
    );
    let (v, code) = r.check_json(&["--only", "docs.*"]);
    let c = check(&v, "docs.incident-response");
    assert_eq!(c["status"], "skip");
    assert_eq!(c["message"], "skipped in readyctl.yaml");
    let c = check(&v, "docs.readiness-checklist");
    assert_eq!(
        (c["status"].as_str(), c["severity"].as_str()),
        (Some("fail"), Some("warning"))
    );
    assert_eq!(code, 0, "only a warning failed: {v:#}");
}

#[test]
fn only_and_skip_select_checks() {
    let r = docs_repo();
    let (v, _) = r.check_json(&["--only", "docs.run*,docs.rollback"]);
    let ids: Vec<&str> = v["checks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["docs.rollback", "docs.runbook"]);
    let (v, _) = r.check_json(&["--only", "docs.*", "--skip", "docs.r*"]);
    let ids: Vec<&str> = v["checks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        [
            "docs.disaster-recovery",
            "docs.incident-response",
            "docs.placeholders"
        ]
    );
}

#[test]
fn fail_on_levels() {
    // Only warnings fail: incident response and disaster recovery are missing.
    let r = Repo::git();
    r.write("RUNBOOK.md", "# svc\n## Overview\nx\n## Deploy\n1. go\n## Verify\n1. curl\n## FAQ\n- q\n## Rollback\n1. back\n")
        .write("deployment-readiness.md", "- [x] done\n");
    let only = ["--only", "docs.*"];
    let run = |fail_on: &str| {
        let mut a = only.to_vec();
        a.extend(["--fail-on", fail_on]);
        r.check_json(&a)
    };
    let (v, code) = run("error");
    assert_eq!(status(&v, "docs.disaster-recovery"), "fail");
    assert_eq!((code, v["ready"].as_bool()), (0, Some(true)));
    let (v, code) = run("warning");
    assert_eq!((code, v["ready"].as_bool()), (1, Some(false)));
    // An error-severity failure passes the gate with --fail-on never.
    r.write("deployment-readiness.md", "- [ ] not done\n");
    let (v, code) = run("never");
    assert_eq!(status(&v, "docs.readiness-checklist"), "fail");
    assert_eq!((code, v["ready"].as_bool()), (0, Some(true)));
    let (_, code) = run("error");
    assert_eq!(code, 1);
}

#[test]
fn json_report_shape() {
    let r = Repo::git();
    r.write("README.md", "# svc\n");
    let (v, code) = r.check_json(&["--only", "docs.*"]);
    assert_eq!(code, 1);
    assert_eq!(v["schema"], "readyctl.report/v1");
    assert_eq!(v["version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(v["root"], ".");
    assert_eq!(v["ready"], false);
    let checks = v["checks"].as_array().unwrap();
    let s = &v["summary"];
    let count = |st: &str| checks.iter().filter(|c| c["status"] == st).count() as u64;
    for st in ["pass", "fail", "skip", "error"] {
        assert_eq!(s[st].as_u64().unwrap(), count(st), "{st}");
    }
    let keys: Vec<(String, String)> = checks
        .iter()
        .map(|c| {
            (
                c["area"].as_str().unwrap().into(),
                c["id"].as_str().unwrap().into(),
            )
        })
        .collect();
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(keys, sorted, "stable order: area, then id");
    let c = check(&v, "docs.rollback");
    for k in [
        "id", "area", "title", "severity", "status", "message", "findings", "fix",
    ] {
        assert!(c.get(k).is_some(), "missing {k}: {c:#}");
    }
    assert_eq!(
        c["fix"]["hint"],
        "document how to roll back a release, with concrete steps"
    );
    assert!(
        check(&v, "docs.placeholders").get("fix").is_none(),
        "passing checks carry no fix"
    );
}

#[test]
fn root_is_reported_as_given() {
    let r = docs_repo();
    let parent = r.path().parent().unwrap();
    let name = r.path().file_name().unwrap().to_str().unwrap();
    let out = run_in(
        parent,
        &[
            "check",
            name,
            "--format",
            "json",
            "--only",
            "docs.runbook",
            "--no-progress",
        ],
    );
    let v: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(v["root"], name);
    assert_eq!(out.code, 0, "{out:?}");
}

#[test]
fn human_report_shows_evidence_fix_and_verdict() {
    let r = Repo::git();
    r.write(
        "docs/ops.md",
        "# Ops\n\n## Rollback\n\nWe roll back if needed.\n",
    );
    let out = r.readyctl(&[
        "check",
        "--only",
        "docs.*",
        "--no-progress",
        "--color",
        "never",
    ]);
    assert_eq!(out.code, 1);
    let s = &out.stdout;
    assert!(s.contains("✗ docs.rollback"), "{s}");
    assert!(
        s.contains("→ docs/ops.md:3  \"Rollback\" has no step under it"),
        "{s}"
    );
    assert!(s.contains("fix: document how to roll back a release, with concrete steps — run `readyctl scaffold rollback`"), "{s}");
    assert!(s.contains("✓ docs.placeholders"), "{s}");
    assert!(s.lines().last().unwrap().starts_with("✗ NOT READY"), "{s}");
    assert!(!s.contains('\u{1b}'), "no colour with --color never");
    let coloured = r.readyctl(&[
        "check",
        "--only",
        "docs.*",
        "--no-progress",
        "--color",
        "always",
    ]);
    assert!(
        coloured.stdout.contains('\u{1b}'),
        "colour with --color always"
    );
    let mut cmd = bin();
    let out = cmd
        .args([
            "check",
            "--only",
            "docs.*",
            "--no-progress",
            "--color",
            "auto",
        ])
        .env("NO_COLOR", "1")
        .current_dir(r.path())
        .output()
        .unwrap();
    assert!(!String::from_utf8_lossy(&out.stdout).contains('\u{1b}'));
}

#[test]
fn ready_verdict_and_exit_0() {
    let r = docs_repo();
    let out = r.readyctl(&["check", "--only", "docs.*", "--no-progress"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert!(
        out.stdout.lines().last().unwrap().starts_with("✓ READY"),
        "{}",
        out.stdout
    );
}

#[test]
fn output_file_gets_the_report_and_stdout_a_summary() {
    let r = docs_repo();
    let out = r.readyctl(&[
        "check",
        "--only",
        "docs.*",
        "--no-progress",
        "--format",
        "json",
        "--output",
        "out/report.json",
    ]);
    assert_eq!(out.code, 0, "{out:?}");
    let v: serde_json::Value = serde_json::from_str(&r.read("out/report.json")).unwrap();
    assert_eq!(v["ready"], true);
    assert!(out.stdout.contains("READY"), "{}", out.stdout);
    assert!(
        out.stdout.contains("report written to out/report.json"),
        "{}",
        out.stdout
    );
}

#[test]
fn sync_checklist_rewrites_only_marked_boxes() {
    let r = docs_repo();
    let before = "# Ready  \r\n\n\
- [ ] Runbook <!-- readyctl: docs.runbook -->\n\
- [x] Rollback <!-- readyctl: docs.rollback -->\n\
- [ ] manual, not ticked   \n\
- [X] manual, ticked\n\
  * [x]   nested <!--readyctl:docs.placeholders-->\n\
\tTrailing text with ünïcode and a tab\n";
    r.write("deployment-readiness.md", before);
    r.write(
        "RUNBOOK.md",
        RUNBOOK.replace("## Rollback\n1. `./deploy.sh previous`\n", ""),
    );
    r.write("docs/x.md", "# x\n\n## Overview\n[Brief description]\n");
    let out = r.readyctl(&[
        "check",
        "--only",
        "docs.readiness-checklist",
        "--sync-checklist",
        "--no-progress",
    ]);
    assert_eq!(out.code, 1, "{out:?}");
    let after = r.read("deployment-readiness.md");
    let expected = before
        .replace("- [ ] Runbook", "- [x] Runbook")
        .replace("- [x] Rollback", "- [ ] Rollback");
    assert_eq!(after, expected);
    assert!(
        out.stderr
            .contains("updated 2 boxes in deployment-readiness.md"),
        "{}",
        out.stderr
    );
    // A second run changes nothing.
    r.readyctl(&[
        "check",
        "--only",
        "docs.readiness-checklist",
        "--sync-checklist",
        "--no-progress",
    ]);
    assert_eq!(r.read("deployment-readiness.md"), expected);
}

#[test]
fn list_and_explain_come_from_the_registry() {
    let r = Repo::plain();
    let out = r.readyctl(&["list", "--format", "json"]);
    assert_eq!(out.code, 0);
    let v: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    let ids: Vec<&str> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    for id in [
        "docs.runbook",
        "docs.rollback",
        "docs.readiness-checklist",
        "docs.placeholders",
    ] {
        assert!(ids.contains(&id), "{ids:?}");
    }
    let human = r.readyctl(&["list"]).stdout;
    assert!(
        human.lines().any(|l| l.starts_with("docs.rollback")
            && l.contains("error")
            && l.contains("Rollback procedure documented")),
        "{human}"
    );
    let out = r.readyctl(&["explain", "docs.rollback"]);
    assert_eq!(out.code, 0);
    for section in [
        "## What it checks",
        "## Why it matters",
        "## How to fix",
        "## Example",
    ] {
        assert!(out.stdout.contains(section), "{}", out.stdout);
    }
    let out = r.readyctl(&["explain", "docs.nope"]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("unknown check `docs.nope`"),
        "{}",
        out.stderr
    );
}

#[test]
fn hostile_trees_check_normally() {
    let r = Repo::git();
    r.write("RUNBOOK.md", RUNBOOK);
    r.write("blob.bin", [0u8, 159, 146, 150, 0, 1, 2, 3].repeat(1000));
    // A 50 MB Markdown file: indexed, not read.
    let big = "# Rollback\n".to_string() + &"x".repeat(50 * 1024 * 1024);
    r.write("docs/huge.md", big);
    // Markdown that is hardly Markdown.
    r.write(
        "docs/weird.md",
        "```\nunclosed fence\n# not a heading\n<div>\n- [ \n* [x\n",
    );
    r.write(
        "docs/latin1.md",
        b"# Caf\xe9\n\n## Rollback\n\n1. step \xff\n".as_slice(),
    );
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        std::os::unix::fs::symlink(".", r.path().join("loop")).unwrap();
        std::os::unix::fs::symlink("..", r.path().join("docs/up")).unwrap();
        std::os::unix::fs::symlink("/etc", r.path().join("outside")).unwrap();
        std::os::unix::fs::symlink("/etc/hostname", r.path().join("outside-runbook.md")).unwrap();
        let name = std::ffi::OsStr::from_bytes(b"notes-\xff\xfe.md");
        std::fs::write(r.path().join(name), "# notes\n").unwrap();
    }
    let (v, code) = r.check_json(&["--only", "docs.*"]);
    assert!(code == 0 || code == 1, "{v:#}");
    assert_eq!(v["summary"]["error"], 0, "{v:#}");
    let c = check(&v, "docs.rollback");
    assert_eq!(c["status"], "pass");
    // The rollback in the 50 MB file is not read; the Latin-1 one is.
    assert!(
        c["message"].as_str().unwrap().contains("docs/latin1.md:3")
            || c["message"].as_str().unwrap().contains("RUNBOOK.md"),
        "{c:#}"
    );
    let out = r.readyctl(&["check", "--only", "docs.*", "--no-progress"]);
    assert!(!out.stderr.contains("panicked"), "{}", out.stderr);
}

#[test]
fn ignore_rules_and_tracked_files() {
    let r = Repo::git();
    r.write(".gitignore", "build/\n")
        .write("build/RUNBOOK.md", RUNBOOK)
        .write(".readyctlignore", "vendored-docs/\n")
        .write("vendored-docs/RUNBOOK.md", RUNBOOK);
    let (v, _) = r.check_json(&["--only", "docs.runbook"]);
    assert_eq!(
        status(&v, "docs.runbook"),
        "fail",
        "ignored runbooks do not count: {v:#}"
    );
    // A file committed before it was ignored is still committed.
    r.git_cmd(&["add", "-f", "build/RUNBOOK.md"]);
    let (v, _) = r.check_json(&["--only", "docs.runbook"]);
    assert_eq!(status(&v, "docs.runbook"), "pass", "{v:#}");
}

#[test]
fn works_on_a_subdirectory_of_a_repository_and_outside_git() {
    let r = Repo::git();
    r.write("services/api/RUNBOOK.md", RUNBOOK);
    r.commit("init");
    let out = r.readyctl(&[
        "check",
        "services/api",
        "--only",
        "docs.runbook",
        "--format",
        "json",
        "--no-progress",
    ]);
    assert_eq!(out.code, 0, "{out:?}");
    let p = Repo::plain();
    p.write("RUNBOOK.md", RUNBOOK);
    let (v, code) = p.check_json(&["--only", "docs.runbook"]);
    assert_eq!((code, status(&v, "docs.runbook").as_str()), (0, "pass"));
}

#[test]
fn bundled_example_is_checked() {
    let out = run_in(
        &crate_root(),
        &[
            "check",
            "examples/service",
            "--offline",
            "--no-progress",
            "--format",
            "json",
        ],
    );
    let v: serde_json::Value =
        serde_json::from_str(&out.stdout).unwrap_or_else(|e| panic!("{e}: {out:?}"));
    assert_eq!(v["root"], "examples/service");
    for c in v["checks"].as_array().unwrap() {
        if c["id"].as_str().unwrap().starts_with("docs.") {
            assert_eq!(c["status"], "pass", "{c:#}");
        }
    }
    assert_eq!(out.code, 0, "the example is ready: {:#}", v);
}

// ---- hostile ignore files (issue 13) ---------------------------------------

/// `readyctl check .` in `dir`, killed after 30 s (a hang fails the test).
fn check_bounded(dir: &std::path::Path, extra: &[&str]) -> (Option<i32>, String, String) {
    let mut cmd = crate::common::bin();
    cmd.args(["check", ".", "--offline", "--no-progress"])
        .args(extra)
        .current_dir(dir);
    let out = assert_cmd::Command::from_std(cmd)
        .timeout(std::time::Duration::from_secs(30))
        .output()
        .expect("readyctl runs");
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn mkfifo(path: &std::path::Path) {
    let ok = std::process::Command::new("mkfifo")
        .arg(path)
        .status()
        .expect("mkfifo runs")
        .success();
    assert!(ok, "mkfifo {}", path.display());
}

#[test]
fn a_fifo_or_a_huge_ignore_file_is_refused_not_opened() {
    // At the root: exit 2 naming the file (it decides what the walk sees).
    for name in [".gitignore", ".readyctlignore"] {
        let r = Repo::git();
        r.write("README.md", "# svc\n");
        mkfifo(&r.path().join(name));
        let (code, _, err) = check_bounded(r.path(), &[]);
        assert_eq!(code, Some(2), "{name}: {err}");
        assert!(
            err.contains(name) && err.contains("not a regular file"),
            "{err}"
        );
    }
    let r = Repo::git();
    r.write("README.md", "# svc\n");
    r.write(".gitignore", "x\n".repeat(600_000));
    let (code, _, err) = check_bounded(r.path(), &[]);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("over the 1024 KiB"), "{err}");
    // In a subdirectory: that directory is not entered, and the secret
    // scan, which must read everything, fails closed.
    let r = Repo::git();
    r.write("README.md", "# svc\n")
        .write("sub/app.py", "x = 1\n");
    mkfifo(&r.path().join("sub/.gitignore"));
    let (code, out, err) = check_bounded(r.path(), &["--only", "secrets.none-committed"]);
    assert_eq!(code, Some(1), "{out}{err}");
    assert!(out.contains("sub/.gitignore: not a regular file"), "{out}");
}

#[test]
fn a_full_or_closed_standard_output_is_exit_2_not_a_panic() {
    let r = docs_repo();
    let Ok(full) = std::fs::OpenOptions::new().write(true).open("/dev/full") else {
        eprintln!("no /dev/full on this system: skipped");
        return;
    };
    let out = crate::common::bin()
        .args(["check", ".", "--offline", "--no-progress"])
        .current_dir(r.path())
        .stdout(full)
        .output()
        .expect("readyctl runs");
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("cannot write to standard output"), "{err}");
    assert!(!err.contains("panicked"), "{err}");
}

#[test]
fn invalid_endpoints_and_globs_are_config_errors_at_load_even_offline() {
    for (endpoint, want) in [
        ("url: ftp://example.com/health", "unsupported url scheme"),
        (
            "url: http://example.com/\n      expect_status: 999",
            "999 is not an HTTP status",
        ),
        (
            "url: http://example.com/\n      expect_status: []",
            "empty list",
        ),
        (
            "url: http://example.com/\n      method: 'GE T'",
            "invalid method",
        ),
        (
            "url: http://example.com/\n      headers: {\"Bad Header\": x}",
            "invalid header name",
        ),
    ] {
        let r = Repo::git();
        r.write(
            "readyctl.yaml",
            format!("version: 1\nhealth:\n  endpoints:\n    - name: api\n      {endpoint}\n"),
        );
        let run = r.readyctl(&["check", ".", "--offline", "--no-progress"]);
        assert_eq!(run.code, 2, "{endpoint}: {}", run.stderr);
        assert!(run.stderr.contains("readyctl.yaml:4"), "{}", run.stderr);
        assert!(run.stderr.contains(want), "{want}: {}", run.stderr);
    }
    let r = Repo::git();
    r.write(
        "readyctl.yaml",
        "version: 1\nsecrets:\n  allow_paths: [\"a/{b\"]\n",
    );
    let run = r.readyctl(&["check", ".", "--offline", "--no-progress"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("secrets.allow_paths: invalid glob"),
        "{}",
        run.stderr
    );
}

#[test]
fn nothing_is_read_or_written_outside_the_root() {
    // Paths in readyctl.yaml that leave the root are config errors.
    for (yaml, key) in [
        ("secrets:\n  baseline: ../x.json\n", "secrets.baseline"),
        ("secrets:\n  baseline: /tmp/x.json\n", "secrets.baseline"),
        ("checks:\n  paths: [/etc]\n", "checks.paths"),
        ("checklist: ../../etc/passwd\n", "checklist"),
        (
            "health:\n  endpoints:\n    - name: api\n      url: https://example.com/\n      ca_cert: /etc/passwd\n",
            "ca_cert",
        ),
    ] {
        let r = Repo::git();
        r.write("readyctl.yaml", format!("version: 1\n{yaml}"));
        for args in [
            &["check", ".", "--offline", "--no-progress"][..],
            &["baseline", "."][..],
        ] {
            let run = r.readyctl(args);
            assert_eq!(run.code, 2, "{yaml} {args:?}: {}", run.stderr);
            assert!(run.stderr.contains(key), "{}", run.stderr);
        }
        assert!(!r.path().parent().unwrap().join("x.json").exists());
    }
    // A readyctl.yaml that is a symlink out of the repository is not read.
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("cfg.yaml"), "version: 1\n").unwrap();
    let r = Repo::git();
    std::os::unix::fs::symlink(
        outside.path().join("cfg.yaml"),
        r.path().join("readyctl.yaml"),
    )
    .unwrap();
    let run = r.readyctl(&["check", ".", "--offline", "--no-progress"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("outside the repository"),
        "{}",
        run.stderr
    );
    // A report is never written over a symlink, and a scaffold never
    // through a symlinked directory.
    let r = docs_repo();
    std::os::unix::fs::symlink(outside.path().join("victim"), r.path().join("report.json"))
        .unwrap();
    let run = r.readyctl(&[
        "check",
        ".",
        "--offline",
        "--no-progress",
        "--format",
        "json",
        "--output",
        "report.json",
    ]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(!outside.path().join("victim").exists());
    let r = Repo::git();
    std::os::unix::fs::symlink(outside.path(), r.path().join("docs")).unwrap();
    let run = r.readyctl(&["scaffold", "runbook", "."]);
    assert_ne!(run.code, 0, "{}", run.stdout);
    assert!(
        run.stderr.contains("refusing to write through docs"),
        "{}",
        run.stderr
    );
    assert!(!outside.path().join("RUNBOOK.md").exists());
}

#[test]
fn globs_nested_thousands_deep_are_refused_not_a_stack_overflow() {
    let deep = format!("{}a{}", "{".repeat(20_000), "}".repeat(20_000));
    // In .gitignore: never handed to the glob compiler.
    let r = Repo::git();
    r.write("README.md", "# svc\n")
        .write(".gitignore", format!("{deep}\n"));
    let (code, _, err) = check_bounded(r.path(), &[]);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("deeper than 16 levels"), "{err}");
    // In readyctl.yaml and in a declarative check: config errors.
    for (file, text) in [
        (
            "readyctl.yaml",
            format!("version: 1\nsecrets:\n  allow_paths: [\"{deep}\"]\n"),
        ),
        (
            "readyctl.yaml",
            format!("version: 1\npaths:\n  vendored: [\"{deep}\"]\n"),
        ),
        (
            ".readyctl/checks/deep.yaml",
            format!(
                "id: team.deep\ntitle: Deep\nseverity: warning\nexplain:\n  what: a\n  why: b\n  fix: c\n  example: d\nrule:\n  file_exists:\n    files: [\"{deep}\"]\n"
            ),
        ),
    ] {
        let r = Repo::git();
        r.write("README.md", "# svc\n").write(file, text);
        let (code, _, err) = check_bounded(r.path(), &[]);
        assert_eq!(code, Some(2), "{file}: {err}");
        assert!(
            err.contains("deeper than 16 levels"),
            "{file}: {}",
            &err[..err.len().min(400)]
        );
        assert!(
            err.len() < 2000,
            "the glob is not echoed whole: {} bytes",
            err.len()
        );
    }
}
