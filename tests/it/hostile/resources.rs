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
}
