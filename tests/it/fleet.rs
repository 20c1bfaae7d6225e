//! `readyctl fleet` (SPEC §13): reports of three fixture repositories (one
//! of them a monorepo with two services), aggregated in every format; the
//! HTML parsed and checked for self-containment; bad input.

use std::path::{Path, PathBuf};

use quick_xml::Reader;
use quick_xml::events::Event;
use serde_json::Value;

use crate::common::{Repo, run_in};

/// A ready single-service repository.
fn alpha() -> Repo {
    let r = Repo::git();
    r.write("readyctl.yaml", "version: 1\nchecks:\n  skip: [\"terraform.*\", \"docs.*\", \"health.*\", \"monitoring.*\", \"ci.*\"]\n");
    r.write(
        ".gitignore",
        ".env\n*.tfstate*\n*.pem\n*.key\n.terraform/\n",
    );
    r.git_cmd(&[
        "remote",
        "add",
        "origin",
        "https://github.com/acme/alpha.git",
    ]);
    r.commit("alpha");
    r
}

/// A repository that is not ready (no CI, no docs).
fn beta() -> Repo {
    let r = Repo::git();
    r.write("README.md", "# Beta\n");
    r.git_cmd(&[
        "remote",
        "add",
        "origin",
        "git@github.com:beta-org/beta.git",
    ]);
    r.commit("beta");
    r
}

/// The two-service monorepo, cloned from a local mirror path ending in
/// `repo.git` (named `gamma`, no owner: a path has no host).
fn gamma() -> Repo {
    let r = crate::services::monorepo();
    r.git_cmd(&["remote", "set-url", "origin", "/srv/mirrors/gamma/repo.git"]);
    r
}

/// Write the JSON report of each repository into a new directory.
fn reports(repos: &[&Repo]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (i, r) in repos.iter().enumerate() {
        let out = dir.path().join(format!("r{i}.json"));
        let run = r.readyctl(&[
            "check",
            "--offline",
            "--no-progress",
            "--format",
            "json",
            "--output",
            out.to_str().unwrap(),
        ]);
        assert!(run.code <= 1, "{}", run.stderr);
    }
    dir
}

fn fleet(dir: &Path, args: &[&str]) -> crate::common::Run {
    let mut a = vec!["fleet"];
    a.extend_from_slice(args);
    run_in(dir, &a)
}

pub fn three() -> (Repo, Repo, Repo, tempfile::TempDir) {
    let (a, b, c) = (alpha(), beta(), gamma());
    let d = reports(&[&a, &b, &c]);
    (a, b, c, d)
}

#[test]
fn json_has_a_row_per_repository_and_service_and_pass_rates() {
    let (_a, _b, _c, d) = three();
    let out = fleet(d.path(), &["--format", "json", "."]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stderr.is_empty(),
        "no warning for current reports: {}",
        out.stderr
    );
    let v: Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(v["schema"], "readyctl.fleet/v1");
    assert_eq!(v["reports"], 3);
    let rows = v["rows"].as_array().unwrap();
    let mut names: Vec<(String, String, String, bool)> = rows
        .iter()
        .map(|r| {
            (
                r["repository"].as_str().unwrap().to_string(),
                r["service"].as_str().unwrap_or("").to_string(),
                r["owner"].as_str().unwrap_or("").to_string(),
                r["ready"].as_bool().unwrap(),
            )
        })
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            ("alpha".into(), "".into(), "acme".into(), true),
            ("beta".into(), "".into(), "beta-org".into(), false),
            ("gamma".into(), "checkout".into(), "".into(), true),
            ("gamma".into(), "payments".into(), "".into(), false),
        ]
    );
    assert_eq!(v["ready"], 2);
    // Not ready first.
    assert_eq!(rows[0]["ready"], false);
    let payments = rows.iter().find(|r| r["service"] == "payments").unwrap();
    let failing: Vec<&str> = payments["failing"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f.as_str().unwrap())
        .collect();
    assert!(failing.contains(&"docs.runbook"), "{failing:?}");
    assert!(payments["commit"].as_str().unwrap().len() == 40);
    assert!(payments["age_seconds"].as_i64().unwrap() >= 0);
    // Pass rates: docs.runbook ran in beta, checkout and payments; passed in checkout.
    let runbook = v["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "docs.runbook")
        .unwrap();
    assert_eq!(runbook["pass"], 1, "{runbook:#}");
    assert_eq!(runbook["fail"], 2, "{runbook:#}");
    assert_eq!(runbook["skip"], 1, "skipped in alpha: {runbook:#}");
    let rate = runbook["rate"].as_f64().unwrap();
    assert!((rate - 1.0 / 3.0).abs() < 1e-9);
    // Worst first.
    let rates: Vec<f64> = v["checks"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|c| c["rate"].as_f64())
        .collect();
    assert!(rates.windows(2).all(|w| w[0] <= w[1]), "{rates:?}");
    // Every report and service carries its level (SPEC §11, §12b): alpha
    // and gamma's ready checkout service reach gold.
    assert_eq!(
        v["levels"],
        serde_json::json!([{"level": "gold", "count": 2}, {"level": "none", "count": 2}])
    );

    // A scorecard written beside the reports is left out, with a warning.
    std::fs::write(d.path().join("fleet.json"), &out.stdout).unwrap();
    let again = fleet(d.path(), &["--format", "json", "."]);
    assert_eq!(again.code, 0, "{}", again.stderr);
    assert!(
        again
            .stderr
            .contains("fleet.json: a fleet scorecard, not a report: left out"),
        "{}",
        again.stderr
    );
    let v2: Value = serde_json::from_str(&again.stdout).unwrap();
    assert_eq!(v2["rows"].as_array().unwrap().len(), 4);
    assert_eq!(v2["reports"], 3);
}

#[test]
fn human_and_markdown_show_every_row_and_the_verdict() {
    let (_a, _b, _c, d) = three();
    let out = fleet(d.path(), &["--color", "never", "."]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    for needle in [
        "REPOSITORY",
        "alpha ",
        "beta ",
        "gamma/checkout",
        "gamma/payments",
        "pass rate per check",
        "docs.runbook",
        "33%",
    ] {
        assert!(
            out.stdout.contains(needle),
            "no `{needle}` in\n{}",
            out.stdout
        );
    }
    assert_eq!(
        out.stdout.trim_end().lines().last().unwrap(),
        "2 of 4 ready (3 reports)"
    );
    let md = fleet(d.path(), &["--format", "markdown", "."]).stdout;
    assert!(
        md.starts_with("## readyctl fleet: 2 of 4 ready (3 reports)"),
        "{md}"
    );
    assert!(md.contains("| gamma | payments |  | none | ❌ |"), "{md}");
    assert!(md.contains("| gamma | checkout |  | gold | ✅ |"), "{md}");
    assert!(
        md.contains("| `docs.runbook` | 33% | 1 | 2 | 0 | 1 |"),
        "{md}"
    );
    // --output: the file holds the scorecard, stdout the verdict.
    let file = d.path().join("out").join("fleet.md");
    let out = fleet(
        d.path(),
        &[
            "--format",
            "markdown",
            "--output",
            file.to_str().unwrap(),
            "r0.json",
            "r1.json",
        ],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stdout.contains("1 of 2 ready"));
    assert!(
        std::fs::read_to_string(&file)
            .unwrap()
            .contains("| alpha |")
    );
}

/// Elements of an XHTML-compatible page: (name, attributes, text inside
/// up to the next tag).
fn parse_html(text: &str) -> Vec<(String, Vec<(String, String)>)> {
    let mut reader = Reader::from_str(text);
    let mut out = Vec::new();
    let mut depth: i64 = 0;
    loop {
        match reader.read_event() {
            Ok(Event::Start(e)) => {
                depth += 1;
                out.push((
                    String::from_utf8(e.name().as_ref().to_vec()).unwrap(),
                    attrs(&e),
                ));
            }
            Ok(Event::Empty(e)) => out.push((
                String::from_utf8(e.name().as_ref().to_vec()).unwrap(),
                attrs(&e),
            )),
            Ok(Event::End(_)) => depth -= 1,
            Ok(Event::Eof) => break,
            Ok(_) => {}
            Err(e) => panic!("the page does not parse: {e}"),
        }
    }
    assert_eq!(depth, 0, "unbalanced tags");
    out
}

fn attrs(e: &quick_xml::events::BytesStart) -> Vec<(String, String)> {
    e.attributes()
        .map(|a| {
            let a = a.unwrap();
            (
                String::from_utf8(a.key.as_ref().to_vec()).unwrap(),
                a.normalized_value(quick_xml::XmlVersion::Explicit1_0)
                    .unwrap()
                    .into_owned(),
            )
        })
        .collect()
}

fn attr<'a>(a: &'a [(String, String)], k: &str) -> Option<&'a str> {
    a.iter().find(|(x, _)| x == k).map(|(_, v)| v.as_str())
}

/// Nothing on the page makes the browser fetch anything.
pub fn assert_self_contained(html: &str) {
    let els = parse_html(html);
    for (name, a) in &els {
        assert!(
            !matches!(
                name.as_str(),
                "link" | "img" | "iframe" | "object" | "embed" | "base"
            ),
            "<{name}> on the page"
        );
        for key in [
            "src",
            "href",
            "action",
            "srcset",
            "data",
            "poster",
            "xlink:href",
        ] {
            if let Some(v) = attr(a, key) {
                assert!(
                    v.starts_with('#') || v.starts_with("data:"),
                    "<{name} {key}=\"{v}\"> leaves the page"
                );
            }
        }
    }
    let csp = els
        .iter()
        .find(|(n, a)| n == "meta" && attr(a, "http-equiv") == Some("Content-Security-Policy"))
        .expect("a Content-Security-Policy");
    assert!(
        attr(&csp.1, "content")
            .unwrap()
            .starts_with("default-src 'none'")
    );
    let lower = html.to_ascii_lowercase();
    for bad in [
        "@import",
        "url(",
        "fetch(",
        "xmlhttprequest",
        "<script src",
        "http-equiv=\"refresh\"",
    ] {
        assert!(!lower.contains(bad), "`{bad}` on the page");
    }
}

pub fn fleet_html(dir: &Path) -> String {
    let out = fleet(dir, &["--format", "html", "."]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    out.stdout
}

#[test]
fn html_is_one_self_contained_page_with_the_table_and_the_chart() {
    let (_a, _b, _c, d) = three();
    let html = fleet_html(d.path());
    assert_self_contained(&html);
    let els = parse_html(&html);
    let rows: Vec<&Vec<(String, String)>> = els
        .iter()
        .filter(|(n, a)| n == "tr" && attr(a, "data-name").is_some())
        .map(|(_, a)| a)
        .collect();
    assert_eq!(rows.len(), 4);
    let owners: Vec<&str> = rows.iter().filter_map(|a| attr(a, "data-owner")).collect();
    assert!(owners.contains(&"acme") && owners.contains(&"beta-org"));
    assert!(
        els.iter()
            .any(|(n, a)| n == "table" && attr(a, "id") == Some("rows"))
    );
    assert!(
        els.iter()
            .any(|(n, a)| n == "svg" && attr(a, "id") == Some("chart"))
    );
    let bars = els
        .iter()
        .filter(|(n, a)| n == "g" && attr(a, "class") == Some("bar"))
        .count();
    let v: Value =
        serde_json::from_str(&fleet(d.path(), &["--format", "json", "."]).stdout).unwrap();
    assert_eq!(bars, v["checks"].as_array().unwrap().len());
    // Filters for owner and level, hidden until the script shows them.
    for id in ["f-owner", "f-level"] {
        assert!(
            els.iter()
                .any(|(n, a)| n == "select" && attr(a, "id") == Some(id))
        );
    }
    assert!(els.iter().any(|(n, a)| n == "div"
        && attr(a, "id") == Some("controls")
        && attr(a, "hidden").is_some()));
}

#[test]
fn html_escapes_everything_from_reports() {
    let d = tempfile::tempdir().unwrap();
    let evil = "<script>alert(1)</script>";
    let report = serde_json::json!({
        "schema": "readyctl.report/v1",
        "version": "0.1.0",
        "root": ".",
        "ready": false,
        "summary": {"pass": 0, "fail": 1, "skip": 0, "error": 0},
        "checks": [{"id": "x.\"><img src=x>", "area": "x", "title": "t", "severity": "error",
                    "status": "fail", "message": "m", "findings": []}],
        "repository": {"name": evil, "remote": "https://example.com/o\"wn/r'x.git", "commit": null, "service": null},
        "generated_at": "2026-01-01T00:00:00Z"
    });
    std::fs::write(d.path().join("r.json"), report.to_string()).unwrap();
    let html = fleet_html(d.path());
    assert!(!html.contains(evil), "{html}");
    assert!(
        html.contains("&lt;script&gt;alert(1)&lt;&#x2f;script&gt;")
            || html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
        "{html}"
    );
    assert!(!html.contains("<img"));
    assert_self_contained(&html);
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

#[test]
fn older_reports_are_read_with_a_warning_and_bad_files_are_errors() {
    let d = tempfile::tempdir().unwrap();
    // A 0.1 report: no repository, no generated_at.
    write(
        d.path(),
        "old.json",
        r#"{"schema":"readyctl.report/v1","version":"0.1.0","root":"/ci/builds/legacy","ready":true,
            "summary":{"pass":1,"fail":0,"skip":0,"error":0},
            "checks":[{"id":"docs.runbook","area":"docs","title":"Runbook","severity":"error","status":"pass","message":"ok","findings":[]}]}"#,
    );
    let out = fleet(d.path(), &["--format", "json", "old.json"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stderr.contains("old.json: no `repository`"),
        "{}",
        out.stderr
    );
    let v: Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(v["rows"][0]["repository"], "legacy");
    assert!(v["rows"][0]["generated_at"].is_string(), "file time used");

    // Not JSON: exit 2, the file and line named.
    write(d.path(), "broken.json", "{\n  \"ready\": @\n}\n");
    let out = fleet(d.path(), &["broken.json"]);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("broken.json:2:"), "{}", out.stderr);
    assert!(out.stderr.contains("invalid JSON"), "{}", out.stderr);

    // JSON, but not a report (a SARIF log in the same directory).
    write(d.path(), "scan.json", r#"{"version":"2.1.0","runs":[]}"#);
    let out = fleet(d.path(), &["scan.json"]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("scan.json: not a readyctl JSON report"),
        "{}",
        out.stderr
    );
    // A directory holding it fails the same way.
    let out = fleet(d.path(), &["."]);
    assert_eq!(out.code, 2);

    // Nothing to read.
    let empty = tempfile::tempdir().unwrap();
    let out = fleet(empty.path(), &["."]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("no JSON report found"),
        "{}",
        out.stderr
    );
    let out = fleet(empty.path(), &["missing.json"]);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("missing.json"), "{}", out.stderr);
}

#[test]
fn the_newest_report_of_a_repository_wins() {
    let a = alpha();
    let d = tempfile::tempdir().unwrap();
    let run = |name: &str, epoch: &str| {
        let out = crate::common::bin()
            .args([
                "check",
                "--offline",
                "--no-progress",
                "--format",
                "json",
                "--output",
                d.path().join(name).to_str().unwrap(),
            ])
            .env("SOURCE_DATE_EPOCH", epoch)
            .current_dir(a.path())
            .output()
            .unwrap();
        assert!(out.status.code().unwrap() <= 1);
    };
    run("new.json", "1800000000");
    run("old.json", "1700000000");
    let out = fleet(d.path(), &["--format", "json", "."]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let v: Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(v["rows"].as_array().unwrap().len(), 1);
    assert!(
        v["rows"][0]["source"]
            .as_str()
            .unwrap()
            .ends_with("new.json")
    );
    assert!(
        out.stderr
            .contains("old.json: older report of alpha set aside"),
        "{}",
        out.stderr
    );
}

#[test]
fn levels_are_read_when_reports_carry_them() {
    let d = tempfile::tempdir().unwrap();
    let report = |name: &str, level: Value| {
        let v = serde_json::json!({
            "schema": "readyctl.report/v1", "version": "0.2.0", "root": ".", "ready": true,
            "summary": {"pass": 0, "fail": 0, "skip": 0, "error": 0}, "checks": [],
            "repository": {"name": name, "remote": null, "commit": null, "service": null},
            "generated_at": "2026-01-01T00:00:00Z",
            "level": level
        });
        write(d.path(), &format!("{name}.json"), &v.to_string());
    };
    report(
        "a",
        serde_json::json!({"reached": "silver", "next": "gold", "missing": ["x.y"]}),
    );
    report(
        "b",
        serde_json::json!({"reached": "silver", "next": "gold", "missing": []}),
    );
    report(
        "c",
        serde_json::json!({"reached": null, "next": "bronze", "missing": []}),
    );
    let v: Value =
        serde_json::from_str(&fleet(d.path(), &["--format", "json", "."]).stdout).unwrap();
    assert_eq!(
        v["levels"],
        serde_json::json!([{"level": "silver", "count": 2}, {"level": "none", "count": 1}])
    );
}
