//! Issue 13 item 11: inputs below the 10 MiB read cap that cost minutes or
//! gigabytes end in a clear finding or `error` instead. The tests assert
//! the behaviour (what is reported); the time and memory figures are in
//! docs/RELIABILITY.md.

use super::{bounded, repo};

fn report(dir: &std::path::Path, only: &str) -> serde_json::Value {
    let run = bounded(
        dir,
        &[
            "check",
            ".",
            "--offline",
            "--no-progress",
            "--format",
            "json",
            "--only",
            only,
        ],
    );
    assert!(matches!(run.code, 0 | 1), "{}", run.stderr);
    serde_json::from_str(&run.stdout).expect("JSON report")
}

#[test]
fn a_terraform_file_over_the_parse_cap_is_named_not_parsed() {
    let r = repo();
    let block =
        "resource \"aws_s3_bucket\" \"b\" {\n  bucket = \"b\"\n  tags   = { a = \"b\" }\n}\n";
    r.write(
        "infra/huge.tf",
        block.repeat(3 * 1024 * 1024 / block.len() + 1),
    )
    .write(
        "infra/main.tf",
        "terraform {\n  required_version = \">= 1.5\"\n}\n",
    );
    let v = report(r.path(), "terraform.valid");
    let c = crate::common::check(&v, "terraform.valid");
    assert_eq!(c["status"], "fail", "{c:#}");
    let f = &c["findings"][0];
    assert_eq!(f["path"], "infra/huge.tf", "{c:#}");
    assert_eq!(f["line"], 1);
    let msg = f["message"].as_str().unwrap();
    assert!(
        msg.contains("over the 2 MiB") && msg.contains("not parsed"),
        "{msg}"
    );
    assert_eq!(c["findings"].as_array().unwrap().len(), 1, "main.tf parses");
}

#[test]
fn a_large_terraform_json_file_is_located_in_one_pass_with_right_lines() {
    // 20k variables, then a secret-named one with a literal default. Its
    // name occurs earlier as a value; the finding is at its key. (Looking
    // every key up from the start took hours on an 8 MB file.)
    let r = repo();
    let mut vars = serde_json::Map::new();
    vars.insert(
        "first".into(),
        serde_json::json!({"description": "db_password", "type": "string"}),
    );
    for i in 0..20_000 {
        vars.insert(format!("v{i}"), serde_json::json!({"type": "string"}));
    }
    vars.insert(
        "db_password".into(),
        serde_json::json!({"type": "string", "default": "x"}),
    );
    let text = serde_json::to_string_pretty(&serde_json::json!({"variable": vars})).unwrap();
    let line = text
        .lines()
        .position(|l| l.trim_start().starts_with("\"db_password\": {"))
        .unwrap()
        + 1;
    r.write("main.tf.json", &text);
    let v = report(r.path(), "terraform.sensitive-variables");
    let locs = crate::common::finding_locations(&v, "terraform.sensitive-variables");
    assert!(
        locs.contains(&("main.tf.json".to_string(), line as u64)),
        "want line {line}: {locs:?}"
    );
}

#[test]
fn a_checklist_item_with_hundreds_of_thousands_of_markers_is_bounded() {
    let r = repo();
    let known = "<!-- readyctl: docs.rollback -->".repeat(150_000);
    let unknown = "<!-- readyctl: nope.x -->".repeat(50_000);
    r.write(
        "deployment-readiness.md",
        format!("# Ready\n\n- [ ] item {known}\n- [ ] other {unknown}\n"),
    );
    let v = report(r.path(), "docs.readiness-checklist");
    let c = crate::common::check(&v, "docs.readiness-checklist");
    assert_eq!(c["status"], "fail", "{c:#}");
    let findings = c["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 2, "one finding per item: {c:#}");
    for f in findings {
        let m = f["message"].as_str().unwrap();
        assert!(m.len() < 300, "{} bytes", m.len());
        assert!(matches!(f["line"].as_u64(), Some(3 | 4)), "{f:#}");
    }
}

#[test]
fn markdown_with_300k_headings_is_checked() {
    let r = repo();
    let mut text = String::new();
    for i in 0..300_000 {
        text.push_str(&format!("# h{i}\n"));
    }
    r.write("docs/RUNBOOK.md", text);
    let v = report(r.path(), "docs.*");
    for c in v["checks"].as_array().unwrap() {
        assert_ne!(c["status"], "error", "{c:#}");
        assert!(c["message"].as_str().unwrap().len() < 600, "{c:#}");
    }
}

#[test]
fn a_text_file_over_the_read_cap_is_named_by_the_secret_scan() {
    let r = repo();
    r.write("dump.sql", "x".repeat(11 * 1024 * 1024));
    let v = report(r.path(), "secrets.none-committed");
    let c = crate::common::check(&v, "secrets.none-committed");
    let msg = c["message"].as_str().unwrap();
    assert!(
        msg.contains("1 file over 10 MiB not scanned (dump.sql)"),
        "{msg}"
    );
}

#[test]
fn history_never_inflates_a_blob_over_the_cap() {
    // 64 MiB of zeros packs to a few KB; its header says how large it is,
    // so it is not inflated (a 1 GiB one took 2.1 GB of memory).
    let r = repo();
    r.write("big.bin.txt", vec![b'a'; 64 * 1024 * 1024]);
    r.commit("big");
    r.git_cmd(&["rm", "-q", "big.bin.txt"]);
    r.commit("gone");
    let run = bounded(
        r.path(),
        &[
            "check",
            ".",
            "--offline",
            "--no-progress",
            "--format",
            "json",
            "--history",
            "--only",
            "secrets.none-committed",
        ],
    );
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    let v: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(crate::common::status(&v, "secrets.none-committed"), "pass");
    // Not scanned, and said so: the pass names what it did not read.
    let msg = v["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "secrets.none-committed")
        .unwrap()["message"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        msg.contains("1 file in history over 10 MiB not scanned (big.bin.txt)"),
        "{msg}"
    );
}

/// `n` bytes (about) of valid Terraform: one bucket after another.
fn buckets(n: usize) -> String {
    let block =
        "resource \"aws_s3_bucket\" \"b\" {\n  bucket = \"b\"\n  tags   = { a = \"b\" }\n}\n";
    block.repeat(n / block.len())
}

#[test]
fn terraform_past_the_run_budget_is_an_error_naming_the_files_not_parsed() {
    // Each file is under the 2 MiB a file may have; together they are over
    // the 4 MiB parsed per run (eight such files took 560 MB). The
    // product's files are parsed first, in path order; the first that does
    // not fit ends the parsing.
    let r = repo();
    r.write(
        "infra/a_broken.tf",
        "resource \"x\" \"y\" {\n  a = [1,\n}\n",
    )
    .write("infra/m0.tf", buckets(1_500_000))
    .write("infra/m1.tf", buckets(1_500_000))
    .write("infra/m2.tf", buckets(1_500_000))
    .write(
        "infra/versions.tf",
        "terraform {\n  required_version = \">= 1.5\"\n}\n",
    )
    .write("examples/demo/main.tf", "terraform {}\n");
    let v = report(r.path(), "terraform.*");
    assert_eq!(v["ready"], false);
    let valid = crate::common::check(&v, "terraform.valid");
    assert_eq!(valid["status"], "error", "{valid:#}");
    let msg = valid["message"].as_str().unwrap();
    assert!(msg.len() < 300, "{msg}");
    assert!(
        msg.contains("over the 4 MiB parsed per run")
            && msg.contains(
                "3 files not parsed (infra/m2.tf, infra/versions.tf, examples/demo/main.tf)"
            ),
        "{msg}"
    );
    // The syntax error of a file that was parsed is still named.
    let locs = crate::common::finding_locations(&v, "terraform.valid");
    assert_eq!(
        locs,
        vec![("infra/a_broken.tf".to_string(), 3)],
        "{valid:#}"
    );
    // Every check that reads the model is `error` with the same message:
    // none can vouch for files it did not read.
    for id in [
        "terraform.version-pinned",
        "terraform.providers-pinned",
        "terraform.remote-state",
        "terraform.lockfile",
        "terraform.sensitive-variables",
    ] {
        let c = crate::common::check(&v, id);
        assert_eq!(c["status"], "error", "{c:#}");
        assert_eq!(c["message"].as_str().unwrap(), msg);
    }
    // Under the budget, the same files are checked as usual.
    std::fs::remove_file(r.path().join("infra/m2.tf")).unwrap();
    let v = report(r.path(), "terraform.*");
    let valid = crate::common::check(&v, "terraform.valid");
    assert_eq!(valid["status"], "fail", "{valid:#}");
    assert_eq!(
        crate::common::status(&v, "terraform.version-pinned"),
        "pass"
    );
}

#[test]
fn scaffold_terraform_reads_no_file_over_the_parse_cap_and_no_symlink() {
    // It parsed every `.tf` of the module whole: a 9.4 MB one took 500 MB.
    let r = repo();
    r.write("main.tf", buckets(2_500_000));
    let run = bounded(r.path(), &["scaffold", "terraform", "."]);
    assert_eq!(run.code, 2, "{}{}", run.stdout, run.stderr);
    let err = &run.stderr;
    assert!(
        err.contains("main.tf") && err.contains("over the 2 MiB") && err.contains("by hand"),
        "{err}"
    );
    assert!(!r.exists("versions.tf"), "nothing written");
    // A symlinked `.tf` (the walk does not follow it; it may lead outside
    // the root) or a FIFO is not in the index, so the scaffold never reads
    // it: what it says there (a version pin) is not taken as the module's.
    for kind in ["symlink", "fifo"] {
        let r = repo();
        let outside = tempfile::tempdir().unwrap();
        let pinned = "terraform {\n  required_version = \">= 1.6\"\n}\n";
        std::fs::write(outside.path().join("x.tf"), pinned).unwrap();
        r.write("main.tf", "resource \"x\" \"y\" {}\n");
        if kind == "symlink" {
            std::os::unix::fs::symlink(outside.path().join("x.tf"), r.path().join("other.tf"))
                .unwrap();
        } else {
            super::mkfifo(&r.path().join("other.tf"));
        }
        let run = bounded(r.path(), &["scaffold", "terraform", "."]);
        assert_eq!(run.code, 0, "{kind}: {}{}", run.stdout, run.stderr);
        let written = std::fs::read_to_string(r.path().join("versions.tf"))
            .or_else(|_| std::fs::read_to_string(r.path().join("main.tf")))
            .unwrap();
        assert!(written.contains("required_version"), "{kind}: {written}");
        assert_eq!(
            std::fs::read_to_string(outside.path().join("x.tf")).unwrap(),
            pinned,
            "{kind}: nothing written outside the root"
        );
    }
}

/// `n` ignore patterns with a wildcard and a slash, the costly kind.
fn wildcard_rules(n: usize) -> String {
    (0..n).map(|i| format!("/build{i}/*.o\n")).collect()
}

#[test]
fn ignore_files_have_a_pattern_budget_per_run() {
    // Found by the mutation run: a `.gitignore` under the 1 MiB cap still
    // compiled into gigabytes (66,000 `/build1/*.o` lines: 550 MB in check,
    // 1.5 GB in scaffold; one line of a million `*`: 1.8 GB).
    let r = repo();
    r.write(".gitignore", wildcard_rules(5_001));
    for args in [
        vec!["check", ".", "--offline", "--no-progress"],
        vec!["scaffold", "--missing", "."],
    ] {
        let run = bounded(r.path(), &args);
        assert_eq!(run.code, 2, "{args:?}: {}{}", run.stdout, run.stderr);
        assert!(
            run.stderr.contains(".gitignore: cannot read: 5001 wildcard patterns; a run's ignore files may hold 5000 (taken: 0); not read"),
            "{}",
            run.stderr
        );
    }
    // A pattern longer than any path.
    let r = repo();
    r.write(".readyctlignore", format!("{}\n", "*".repeat(200_000)));
    let run = bounded(r.path(), &["check", ".", "--offline", "--no-progress"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains(".readyctlignore")
            && run.stderr.contains("a pattern of 200000 bytes, over 4096"),
        "{}",
        run.stderr
    );
    // The budget is per run, not per file: seven directories of 1,000 each
    // go over it; the directory that would pass it is not entered and the
    // secret scan, which must read everything, fails closed naming it.
    let r = repo();
    for d in 0..7 {
        r.write(&format!("pkg{d}/.gitignore"), wildcard_rules(1_000))
            .write(&format!("pkg{d}/app.py"), "x = 1\n");
    }
    let v = report(r.path(), "secrets.none-committed");
    let c = crate::common::check(&v, "secrets.none-committed");
    assert_eq!(c["status"], "error", "{c:#}");
    let msg = c["message"].as_str().unwrap();
    assert!(
        msg.contains(
            "/.gitignore: 1000 wildcard patterns; a run's ignore files may hold 5000 (taken: 5000); not read"
        ),
        "{msg}"
    );
    // Within it, the same files are read as usual.
    for d in 4..7 {
        std::fs::remove_dir_all(r.path().join(format!("pkg{d}"))).unwrap();
    }
    let v = report(r.path(), "secrets.none-committed");
    assert_eq!(crate::common::status(&v, "secrets.none-committed"), "pass");
    // Literal patterns are cheaper: 30,000 of them in all.
    let r = repo();
    r.write(
        ".gitignore",
        (0..30_001).map(|i| format!("f{i}\n")).collect::<String>(),
    );
    let run = bounded(r.path(), &["check", ".", "--offline", "--no-progress"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("30001 patterns; a run's ignore files may hold 30000"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_check_lists_at_most_a_thousand_findings_in_every_format() {
    // Found by the mutation run: 200,000 checklist items each naming
    // another unknown check made 200,000 findings, 1.75 GB to render as
    // SARIF (830 MB as GitLab JSON). Past 1,000, one finding counts the rest.
    let r = repo();
    let items: String = (0..3_000)
        .map(|i| format!("- [ ] item {i} <!-- readyctl: team.gone{i} -->\n"))
        .collect();
    r.write("deployment-readiness.md", format!("# Ready\n\n{items}"));
    let v = report(r.path(), "docs.readiness-checklist");
    let c = crate::common::check(&v, "docs.readiness-checklist");
    assert_eq!(c["status"], "fail", "{c:#}");
    let findings = c["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 1_001);
    assert_eq!(
        findings[999]["message"],
        "marker names unknown check `team.gone999` (see `readyctl list`)"
    );
    let last = &findings[1_000];
    assert_eq!(
        last["message"],
        "2000 more findings not listed (a check lists at most 1000)"
    );
    // At the first one left out.
    assert_eq!(last["path"], "deployment-readiness.md");
    assert_eq!(last["line"], 1_003);
    for format in ["sarif", "gitlab", "junit", "github"] {
        let run = bounded(
            r.path(),
            &[
                "check",
                ".",
                "--offline",
                "--no-progress",
                "--only",
                "docs.readiness-checklist",
                "--format",
                format,
            ],
        );
        assert_eq!(run.code, 1, "{format}: {}", run.stderr);
        assert!(
            run.stdout.contains("team.gone999") && !run.stdout.contains("team.gone1000`"),
            "{format}"
        );
        assert!(
            run.stdout.contains("2000 more findings not listed"),
            "{format}"
        );
    }
}

#[test]
fn a_checklist_of_more_than_ten_thousand_items_or_markers_is_not_used() {
    // Found by the mutation run: one item naming 200,000 different checks
    // (and 200,000 items) took 250–530 MB, the checklist being shared by
    // the engine, the readiness check and every service scope.
    let many_items: String = (0..10_001).map(|i| format!("- [ ] item {i}\n")).collect();
    let many_markers: String = (0..10_001)
        .map(|i| format!("<!-- readyctl: team.c{i} -->"))
        .collect();
    for (text, items, markers) in [
        (many_items, 10_001, 0),
        (format!("- [ ] one {many_markers}\n"), 1, 10_001),
    ] {
        let r = repo();
        r.write("deployment-readiness.md", format!("# Ready\n\n{text}"));
        let v = report(r.path(), "docs.readiness-checklist");
        assert_eq!(v["ready"], false);
        let c = crate::common::check(&v, "docs.readiness-checklist");
        assert_eq!(c["status"], "error", "{c:#}");
        assert_eq!(
            c["message"],
            format!(
                "deployment-readiness.md: {items} task items and {markers} markers, over the 10000 a checklist may hold; not used"
            )
        );
    }
}
