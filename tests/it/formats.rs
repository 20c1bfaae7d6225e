//! `formats` tests: every output format is a view over the one report, and
//! each one loads in the tool that consumes it (SARIF against the official
//! schema, JUnit parsed back, GitHub annotations, GitLab Code Quality).
//! Also the distribution pieces: `schema`, `completions`, `man`, and the
//! generated `docs/checks.md`.

use std::collections::BTreeSet;

use quick_xml::Reader;
use quick_xml::events::Event;
use serde_json::Value;

use readyctl::check::CheckMeta;
use readyctl::findings::{CheckResult, FailOn, Finding, Fix, Report, Severity, Status};
use readyctl::report::{self, Format, View};

use crate::common::{Repo, crate_root, finding_locations};

const ALL_FORMATS: &[&str] = &[
    "human", "json", "sarif", "junit", "markdown", "github", "gitlab",
];

// ---------------------------------------------------------------- helpers

/// A fake AWS access key, built at run time so the repository holds none.
fn whole_secret() -> String {
    ["AK", "IA", "IOSF", "ODNN7", "EXAMPLE"].concat()
}

/// The redacted form a scanner would put in `Finding.secret`.
fn redacted(secret: &str) -> String {
    format!(
        "{}{}{}",
        &secret[..4],
        "*".repeat(secret.len() - 8),
        &secret[secret.len() - 4..]
    )
}

fn sarif_validator() -> jsonschema::Validator {
    let text = std::fs::read_to_string(crate_root().join("tests/data/sarif-schema-2.1.0.json"))
        .expect("SARIF schema in tests/data");
    let schema: Value = serde_json::from_str(&text).expect("schema is JSON");
    jsonschema::validator_for(&schema).expect("SARIF schema compiles")
}

/// GitHub code scanning's ingestion rule: every result has a location with
/// an artifact URI.
fn assert_every_result_located(log: &Value) {
    for r in log["runs"][0]["results"].as_array().expect("results") {
        assert!(
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].is_string(),
            "result without a location: {r:#}"
        );
    }
}

pub(crate) fn assert_valid_sarif(log: &Value) {
    let v = sarif_validator();
    let errors: Vec<String> = v
        .iter_errors(log)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "SARIF does not validate:\n{}\n{log:#}",
        errors.join("\n")
    );
}

/// A repository whose docs checks fail in every way a renderer must handle:
/// findings with file:line:column, findings with only a line, a failing
/// check without findings, a skipped check, and a passing one.
fn failing_repo() -> Repo {
    let r = Repo::git();
    r.write(
        "RUNBOOK.md",
        "# Operations\n\n## Overview\n\nThe service.\n\n## Rollback\n\nWe will see.\n",
    );
    r.write(
        "deployment-readiness.md",
        "# Ready?\n\n- [ ] Rollback documented <!-- readyctl: docs.rollback -->\n- [ ] Release window agreed | with <b>ops</b>\n",
    );
    r.write(
        "readyctl.yaml",
        "version: 1\nchecks:\n  skip: [\"docs.incident-response\"]\n",
    );
    r.commit("fixture");
    r
}

fn run_format(r: &Repo, format: &str) -> crate::common::Run {
    r.readyctl(&["check", "--format", format, "--offline", "--no-progress"])
}

/// The JUnit document parsed back with quick-xml: element names with their
/// attributes, in order.
fn parse_xml(text: &str) -> Vec<(String, Vec<(String, String)>)> {
    let mut reader = Reader::from_str(text);
    let mut out = Vec::new();
    loop {
        match reader.read_event() {
            Ok(Event::Start(e)) | Ok(Event::Empty(e)) => {
                let name = String::from_utf8(e.name().as_ref().to_vec()).expect("utf-8 name");
                let attrs = e
                    .attributes()
                    .map(|a| {
                        let a = a.expect("well-formed attribute");
                        (
                            String::from_utf8(a.key.as_ref().to_vec()).expect("utf-8 key"),
                            a.normalized_value(quick_xml::XmlVersion::Explicit1_0)
                                .expect("unescapable value")
                                .into_owned(),
                        )
                    })
                    .collect();
                out.push((name, attrs));
            }
            Ok(Event::Eof) => break,
            Ok(_) => {}
            Err(e) => panic!("JUnit is not well-formed XML: {e}\n{text}"),
        }
    }
    out
}

fn attr<'a>(attrs: &'a [(String, String)], key: &str) -> &'a str {
    attrs
        .iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
        .unwrap_or_else(|| panic!("no attribute {key} in {attrs:?}"))
}

/// A report built in memory with every status, a redacted secret and text
/// that every format has to escape.
fn synthetic_report() -> Report {
    let secret = whole_secret();
    let checks = vec![
        CheckResult {
            evidence: None,
            id: "secrets.none-committed".into(),
            area: "secrets".into(),
            title: "No secrets committed".into(),
            severity: Severity::Error,
            status: Status::Fail,
            message: "1 secret found".into(),
            findings: vec![Finding {
                secret: Some(redacted(&secret)),
                ..Finding::new("AWS access key")
                    .at("config/dir with space/a,b:c.env", Some(7))
                    .col(Some(12))
                    .rule("aws-access-key")
            }],
            fix: Some(Fix {
                hint: "remove the secret and rotate it".into(),
                scaffold: None,
            }),
            waived: vec![],
            suppressed: vec![],
        },
        CheckResult {
            evidence: None,
            id: "docs.runbook".into(),
            area: "docs".into(),
            title: "Runbook documented".into(),
            severity: Severity::Warning,
            status: Status::Fail,
            message: "50% of | sections <script>alert(1)</script>\nsecond line \u{1}".into(),
            findings: vec![
                Finding::new("no `deploy` section; 100% sure\r\nreally").at("RUNBOOK.md", Some(3)),
                Finding::new("no runbook anywhere"),
            ],
            fix: Some(Fix {
                hint: "write a runbook".into(),
                scaffold: Some("runbook".into()),
            }),
            waived: vec![],
            suppressed: vec![],
        },
        CheckResult {
            evidence: None,
            id: "docs.rollback".into(),
            area: "docs".into(),
            title: "Rollback procedure documented".into(),
            severity: Severity::Error,
            status: Status::Fail,
            message: "no rollback procedure found in 0 Markdown files".into(),
            findings: vec![],
            fix: None,
            waived: vec![],
            suppressed: vec![],
        },
        CheckResult {
            evidence: None,
            id: "health.reachable".into(),
            area: "health".into(),
            title: "Health endpoints reachable".into(),
            severity: Severity::Error,
            status: Status::Skip,
            message: "--offline".into(),
            findings: vec![],
            fix: None,
            waived: vec![],
            suppressed: vec![],
        },
        CheckResult {
            evidence: None,
            id: "terraform.valid".into(),
            area: "terraform".into(),
            title: "Terraform parses".into(),
            severity: Severity::Info,
            status: Status::Error,
            message: "could not read main.tf".into(),
            findings: vec![],
            fix: None,
            waived: vec![],
            suppressed: vec![],
        },
        CheckResult {
            evidence: None,
            id: "terraform.present".into(),
            area: "terraform".into(),
            title: "Terraform present".into(),
            severity: Severity::Error,
            status: Status::Pass,
            message: "2 files".into(),
            findings: vec![],
            fix: None,
            waived: vec![],
            suppressed: vec![],
        },
    ];
    Report::new("repo".into(), checks, FailOn::Error)
}

fn render(report: &Report, format: Format) -> String {
    let metas: Vec<&CheckMeta> = Vec::new();
    let view = View {
        metas: &metas,
        color: false,
        anchor: Some("deployment-readiness.md"),
        verbose: false,
    };
    report::render(report, format, &view).expect("renders")
}

const FORMATS: &[Format] = &[
    Format::Human,
    Format::Json,
    Format::Sarif,
    Format::Junit,
    Format::Markdown,
    Format::Github,
    Format::Gitlab,
];

// ---------------------------------------------- renderers on a built report

#[test]
fn no_format_prints_more_of_a_secret_than_the_model_holds() {
    let report = synthetic_report();
    let whole = whole_secret();
    let shown = redacted(&whole);
    for &f in FORMATS {
        let out = render(&report, f);
        assert!(
            !out.contains(&whole),
            "{f:?} printed the whole secret:\n{out}"
        );
        // Nor the hidden middle: nothing but the redacted form's visible ends.
        assert!(
            !out.contains(&whole[4..whole.len() - 4]),
            "{f:?} printed the secret's middle:\n{out}"
        );
        assert!(
            out.contains(&shown),
            "{f:?} dropped the redacted secret the model holds:\n{out}"
        );
    }
}

#[test]
fn sarif_of_every_status_validates_and_locates_findings() {
    let out = render(&synthetic_report(), Format::Sarif);
    let log: Value = serde_json::from_str(&out).expect("SARIF is JSON");
    assert_valid_sarif(&log);
    // The validator does reject what the schema forbids.
    let mut broken = log.clone();
    let located = broken["runs"][0]["results"]
        .as_array_mut()
        .expect("results")
        .iter_mut()
        .find(|r| r.get("locations").is_some())
        .expect("a located result");
    located["locations"][0]["physicalLocation"]["region"]["startLine"] = serde_json::json!(0);
    broken["version"] = serde_json::json!("2.0");
    assert!(sarif_validator().iter_errors(&broken).count() >= 2);
    let run = &log["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().expect("rules");
    assert_eq!(rules.len(), 6, "one rule per check");
    let results = run["results"].as_array().expect("results");
    // 1 secret + 2 runbook findings + 1 check-level rollback + 1 error; no pass/skip.
    assert_eq!(results.len(), 5, "{out}");
    let secret = &results
        .iter()
        .find(|r| r["ruleId"] == "secrets.none-committed")
        .expect("secret result");
    let loc = &secret["locations"][0]["physicalLocation"];
    assert_eq!(
        loc["artifactLocation"]["uri"],
        "config/dir%20with%20space/a%2Cb%3Ac.env"
    );
    assert_eq!(loc["artifactLocation"]["uriBaseId"], "%SRCROOT%");
    assert_eq!(loc["region"]["startLine"], 7);
    assert_eq!(loc["region"]["startColumn"], 12);
    assert_eq!(secret["level"], "error");
    // A failure without findings is a check-level result, anchored (GitHub
    // rejects a whole upload when one result has no location) at the
    // checklist: the root "repo" holds no readyctl.yaml.
    let rollback = results
        .iter()
        .find(|r| r["ruleId"] == "docs.rollback")
        .expect("check-level result for a failure without findings");
    let anchor = &rollback["locations"][0]["physicalLocation"];
    assert_eq!(anchor["artifactLocation"]["uri"], "deployment-readiness.md");
    assert_eq!(anchor["region"]["startLine"], 1);
    assert_eq!(rollback["properties"]["scope"], "repository");
    assert_every_result_located(&log);
    let errored = results
        .iter()
        .find(|r| r["ruleId"] == "terraform.valid")
        .expect("status error is a result");
    assert_eq!(errored["level"], "error", "an error fails closed");
    let runbook: Vec<&Value> = results
        .iter()
        .filter(|r| r["ruleId"] == "docs.runbook")
        .collect();
    assert_eq!(runbook[0]["level"], "warning");
    // ruleIndex points at the rule of the same id.
    for r in results {
        let i = r["ruleIndex"].as_u64().expect("ruleIndex") as usize;
        assert_eq!(rules[i]["id"], r["ruleId"]);
    }
    let prints: BTreeSet<&str> = results
        .iter()
        .map(|r| {
            r["partialFingerprints"]["readyctl/v1"]
                .as_str()
                .expect("fp")
        })
        .collect();
    assert_eq!(prints.len(), results.len(), "fingerprints are unique");
}

#[test]
fn junit_of_every_status_parses_back() {
    let out = render(&synthetic_report(), Format::Junit);
    let els = parse_xml(&out);
    let root = &els[0];
    assert_eq!(root.0, "testsuites");
    assert_eq!(attr(&root.1, "tests"), "6");
    assert_eq!(attr(&root.1, "failures"), "3");
    assert_eq!(attr(&root.1, "errors"), "1");
    // Jenkins' junit-10.xsd allows no `skipped` on <testsuites>; each suite has it.
    assert!(root.1.iter().all(|(k, _)| k != "skipped"), "{:?}", root.1);
    let skipped: usize = els
        .iter()
        .filter(|(n, _)| n == "testsuite")
        .map(|(_, a)| attr(a, "skipped").parse::<usize>().unwrap())
        .sum();
    assert_eq!(skipped, 1);
    let suites: Vec<&str> = els
        .iter()
        .filter(|(n, _)| n == "testsuite")
        .map(|(_, a)| attr(a, "name"))
        .collect();
    assert_eq!(suites, ["docs", "health", "secrets", "terraform"]);
    let count = |name: &str| els.iter().filter(|(n, _)| n == name).count();
    assert_eq!(count("testcase"), 6);
    assert_eq!(count("failure"), 3);
    assert_eq!(count("skipped"), 1);
    assert_eq!(count("error"), 1);
    // The message survives escaping (control character replaced, newline flattened).
    let failure = els
        .iter()
        .find(|(n, a)| n == "failure" && attr(a, "message").starts_with("50%"))
        .expect("runbook failure");
    assert_eq!(
        attr(&failure.1, "message"),
        "50% of | sections <script>alert(1)</script> second line \u{FFFD}"
    );
    assert_eq!(attr(&failure.1, "type"), "warning");
}

#[test]
fn github_annotations_escape_data_and_properties() {
    let out = render(&synthetic_report(), Format::Github);
    let lines: Vec<&str> = out.lines().collect();
    assert!(lines.iter().any(|l| l.starts_with(
        "::error file=config/dir with space/a%2Cb%3Ac.env,line=7,col=12,title=No secrets committed (secrets.none-committed)::"
    )), "{out}");
    let runbook = lines
        .iter()
        .find(|l| l.starts_with("::warning file=RUNBOOK.md,line=3,"))
        .expect("warning on RUNBOOK.md:3");
    assert!(
        runbook.ends_with("no `deploy` section; 100%25 sure%0D%0Areally"),
        "{runbook}"
    );
    // A finding without a path and a check without findings: no file property.
    assert!(lines.iter().any(|l| l.starts_with(
        "::warning title=Runbook documented (docs.runbook)::docs.runbook: no runbook anywhere"
    )));
    assert!(lines.iter().any(|l| l.starts_with(
        "::error title=Rollback procedure documented (docs.rollback)::"
    )));
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("::error title=Terraform parses"))
    );
    // Every line is one command except the closing summary.
    let (last, commands) = lines.split_last().expect("lines");
    assert!(commands.iter().all(|l| l.starts_with("::")), "{out}");
    assert!(
        last.contains("NOT READY") && !last.starts_with("::"),
        "{last}"
    );
}

#[test]
fn markdown_escapes_table_cells() {
    let out = render(&synthetic_report(), Format::Markdown);
    let row = out
        .lines()
        .find(|l| l.starts_with("|") && l.contains("`docs.runbook`"))
        .expect("row for docs.runbook");
    assert!(
        row.contains("50% of \\| sections \\<script\\>alert(1)\\</script\\> second line"),
        "{row}"
    );
    // Same number of unescaped cell separators in every row of the table.
    let cells = |l: &str| l.replace("\\|", "").matches('|').count();
    let table: Vec<&str> = out.lines().filter(|l| l.starts_with('|')).collect();
    assert_eq!(table.len(), 2 + 6);
    assert!(table.iter().all(|l| cells(l) == 7), "{table:#?}");
    assert!(!out.contains("<script>"));
    assert!(out.contains("### Failures"));
    assert!(out.contains("`config/dir with space/a,b:c.env:7:12`"));
}

#[test]
fn gitlab_code_quality_shape() {
    let out = render(&synthetic_report(), Format::Gitlab);
    let v: Value = serde_json::from_str(&out).expect("JSON");
    let issues = v.as_array().expect("an array");
    assert_eq!(issues.len(), 5);
    let allowed = ["info", "minor", "major", "critical", "blocker"];
    let mut prints = BTreeSet::new();
    for i in issues {
        assert!(i["description"].as_str().is_some_and(|s| !s.is_empty()));
        assert!(i["check_name"].is_string());
        assert!(prints.insert(i["fingerprint"].as_str().expect("fingerprint").to_string()));
        assert!(allowed.contains(&i["severity"].as_str().expect("severity")));
        assert!(i["location"]["path"].is_string());
        assert!(
            i["location"]["lines"]["begin"]
                .as_u64()
                .is_some_and(|n| n >= 1)
        );
    }
    let secret = issues
        .iter()
        .find(|i| i["check_name"] == "secrets.none-committed")
        .expect("secret issue");
    assert_eq!(secret["severity"], "critical");
    assert_eq!(
        secret["location"]["path"],
        "config/dir with space/a,b:c.env"
    );
    assert_eq!(secret["location"]["lines"]["begin"], 7);
    let errored = issues
        .iter()
        .find(|i| i["check_name"] == "terraform.valid")
        .expect("error issue");
    assert_eq!(errored["severity"], "blocker");
    assert_eq!(errored["location"]["path"], "deployment-readiness.md");
}

// -------------------------------------------- the real binary on a fixture

#[test]
fn sarif_on_a_repository_validates_with_rules_for_every_check() {
    let r = failing_repo();
    let (json, _) = r.check_json(&[]);
    let run = run_format(&r, "sarif");
    assert_eq!(run.code, 1, "{}", run.stderr);
    let log: Value = serde_json::from_str(&run.stdout).expect("SARIF is JSON");
    assert_valid_sarif(&log);
    let rules = log["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .expect("rules");
    let checks = json["checks"].as_array().expect("checks");
    assert_eq!(rules.len(), checks.len());
    for rule in rules {
        let help = rule["help"]["markdown"].as_str().expect("help markdown");
        assert!(help.contains("## What it checks") && help.contains("## Example"));
        assert!(rule["help"]["text"].is_string());
    }
    let results = log["runs"][0]["results"].as_array().expect("results");
    // Every finding of the JSON report is a located result.
    for (path, line) in finding_locations(&json, "docs.rollback") {
        assert!(results.iter().any(|res| {
            let loc = &res["locations"][0]["physicalLocation"];
            res["ruleId"] == "docs.rollback"
                && loc["artifactLocation"]["uri"] == path.as_str()
                && loc["region"]["startLine"] == line
        }));
    }
    assert_every_result_located(&log);
    // The fixture has readyctl.yaml: repository-level results point at it.
    assert!(
        results
            .iter()
            .any(|r| r["properties"]["scope"] == "repository"
                && r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                    == "readyctl.yaml")
    );
    // Skipped and passing checks yield no result.
    assert!(
        !results
            .iter()
            .any(|r| r["ruleId"] == "docs.incident-response")
    );
}

#[test]
fn sarif_fingerprints_do_not_move_with_lines() {
    let r = failing_repo();
    let prints = |r: &Repo| -> BTreeSet<String> {
        let log: Value = serde_json::from_str(&run_format(r, "sarif").stdout).expect("json");
        log["runs"][0]["results"]
            .as_array()
            .expect("results")
            .iter()
            .map(|x| {
                x["partialFingerprints"]["readyctl/v1"]
                    .as_str()
                    .unwrap()
                    .to_string()
            })
            .collect()
    };
    let before = prints(&r);
    let runbook = r.read("RUNBOOK.md");
    r.write("RUNBOOK.md", format!("<!-- moved -->\n\n{runbook}"));
    let after = prints(&r);
    assert!(!before.is_empty());
    assert_eq!(before, after, "fingerprints changed when lines moved");
}

#[test]
fn junit_on_a_repository_matches_the_report() {
    let r = failing_repo();
    let (json, _) = r.check_json(&[]);
    let run = run_format(&r, "junit");
    assert_eq!(run.code, 1);
    let els = parse_xml(&run.stdout);
    let s = &json["summary"];
    let root = &els[0].1;
    assert_eq!(
        attr(root, "tests"),
        json["checks"].as_array().unwrap().len().to_string()
    );
    assert_eq!(attr(root, "failures"), s["fail"].to_string());
    assert_eq!(attr(root, "errors"), s["error"].to_string());
    let skipped: u64 = els
        .iter()
        .filter(|(n, _)| n == "testsuite")
        .map(|(_, a)| attr(a, "skipped").parse::<u64>().unwrap())
        .sum();
    assert_eq!(skipped, s["skip"].as_u64().unwrap());
    let names: Vec<&str> = els
        .iter()
        .filter(|(n, _)| n == "testcase")
        .map(|(_, a)| attr(a, "name"))
        .collect();
    let ids: Vec<&str> = json["checks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert_eq!(names, ids);
    assert!(
        run.stdout
            .contains("RUNBOOK.md:7: &quot;Rollback&quot; has no step under it")
            || run
                .stdout
                .contains("RUNBOOK.md:7: \"Rollback\" has no step under it")
    );
}

#[test]
fn github_annotations_point_at_the_findings() {
    let r = failing_repo();
    let (json, _) = r.check_json(&[]);
    let run = run_format(&r, "github");
    assert_eq!(run.code, 1);
    for id in ["docs.rollback", "docs.readiness-checklist"] {
        for (path, line) in finding_locations(&json, id) {
            let prefix = format!("::error file={path},line={line}");
            assert!(
                run.stdout
                    .lines()
                    .any(|l| l.starts_with(&prefix) && l.contains(id)),
                "no annotation {prefix} for {id}:\n{}",
                run.stdout
            );
        }
    }
    assert!(run.stdout.contains(
        "::error file=RUNBOOK.md,line=7,title=Rollback procedure documented (docs.rollback)::"
    ));
    assert!(
        run.stdout
            .trim_end()
            .lines()
            .last()
            .unwrap()
            .contains("NOT READY")
    );
}

#[test]
fn gitlab_and_markdown_on_a_repository() {
    let r = failing_repo();
    let run = run_format(&r, "gitlab");
    assert_eq!(run.code, 1);
    let v: Value = serde_json::from_str(&run.stdout).expect("JSON");
    assert!(
        v.as_array()
            .unwrap()
            .iter()
            .any(|i| i["check_name"] == "docs.rollback"
                && i["location"]["path"] == "RUNBOOK.md"
                && i["location"]["lines"]["begin"] == 7)
    );
    let md = run_format(&r, "markdown");
    assert_eq!(md.code, 1);
    assert!(md.stdout.starts_with("## readyctl: ❌ NOT READY"));
    // The manual item's text reaches the details (outside the table, `|` needs no escape).
    assert!(
        md.stdout.lines().any(|l| l.starts_with(
            "- `deployment-readiness.md:4:3` unresolved: Release window agreed \\| with ops"
        )),
        "{}",
        md.stdout
    );
    assert!(!md.stdout.contains("<b>"));
}

#[test]
fn output_file_holds_the_format_and_stdout_the_summary() {
    let r = failing_repo();
    for format in ALL_FORMATS {
        let direct = run_format(&r, format);
        let file = format!("out/report.{format}");
        let run = r.readyctl(&[
            "check",
            "--format",
            format,
            "--offline",
            "--no-progress",
            "--output",
            &file,
        ]);
        assert_eq!(run.code, 1, "{format}: {}", run.stderr);
        // The two runs may straddle a second: the report's time may differ.
        let timeless = |s: &str| {
            s.lines()
                .filter(|l| !l.contains("generated_at"))
                .collect::<Vec<_>>()
                .join("\n")
        };
        assert_eq!(
            timeless(&r.read(&file)),
            timeless(&direct.stdout),
            "{format}: file differs from stdout"
        );
        assert!(run.stdout.contains("NOT READY"), "{format}: {}", run.stdout);
        assert!(run.stdout.contains(&format!("report written to {file}")));
        assert!(run.stdout.lines().count() <= 3, "{format}: {}", run.stdout);
    }
}

#[test]
fn no_format_prints_a_secret_planted_in_the_repository() {
    let r = failing_repo();
    let whole = whole_secret();
    r.write(
        "docs/RUNBOOK.md",
        format!(
            "# Ops\n\n## Overview\n\naws_access_key_id = {whole}\n\n## Deploy\n\n- export KEY={whole}\n"
        ),
    );
    r.write(".env", format!("AWS_ACCESS_KEY_ID={whole}\n"));
    r.commit("plant");
    for format in ALL_FORMATS {
        let run = run_format(&r, format);
        assert!(run.code == 0 || run.code == 1, "{format}: {}", run.stderr);
        assert!(!run.stdout.is_empty());
        assert!(!run.stdout.contains(&whole), "{format} printed the secret");
        assert!(!run.stderr.contains(&whole), "{format} logged the secret");
    }
}

#[test]
fn passing_repository_gives_empty_findings_in_every_format() {
    let r = Repo::git();
    r.write("readyctl.yaml", "version: 1\nchecks:\n  skip: [\"*\"]\n");
    r.commit("all skipped");
    let sarif: Value = serde_json::from_str(&run_format(&r, "sarif").stdout).unwrap();
    assert_valid_sarif(&sarif);
    assert_eq!(sarif["runs"][0]["results"], serde_json::json!([]));
    assert_eq!(run_format(&r, "gitlab").stdout.trim(), "[]");
    let gh = run_format(&r, "github");
    assert_eq!(gh.code, 0);
    assert_eq!(gh.stdout.lines().count(), 1, "{}", gh.stdout);
    assert!(gh.stdout.contains("READY"));
    let junit = parse_xml(&run_format(&r, "junit").stdout);
    assert_eq!(attr(&junit[0].1, "failures"), "0");
    let skipped: usize = junit
        .iter()
        .filter(|(n, _)| n == "testsuite")
        .map(|(_, a)| attr(a, "skipped").parse::<usize>().unwrap())
        .sum();
    assert_eq!(
        skipped,
        junit.iter().filter(|(n, _)| n == "testcase").count()
    );
    assert!(
        run_format(&r, "markdown")
            .stdout
            .starts_with("## readyctl: ✅ READY")
    );
}

// ------------------------------------------------------- schema, shells, man

fn bless() -> bool {
    std::env::var_os("READYCTL_BLESS").is_some_and(|v| v == "1")
}

#[test]
fn committed_config_schema_is_current() {
    let r = Repo::plain();
    let run = r.readyctl(&["schema"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let path = crate_root().join("readyctl.schema.json");
    if bless() {
        std::fs::write(&path, &run.stdout).expect("write readyctl.schema.json");
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == run.stdout,
        "readyctl.schema.json is stale; regenerate with `cargo run -q -- schema > readyctl.schema.json` \
         or READYCTL_BLESS=1 cargo test --test it formats::committed_config_schema_is_current"
    );
}

fn config_validator() -> jsonschema::Validator {
    let text = std::fs::read_to_string(crate_root().join("readyctl.schema.json"))
        .expect("readyctl.schema.json");
    jsonschema::validator_for(&serde_json::from_str(&text).expect("JSON")).expect("compiles")
}

fn config_errors(v: &jsonschema::Validator, yaml: &str) -> Vec<String> {
    let value: Value = readyctl::views::yaml::from_str(yaml).expect("YAML");
    v.iter_errors(&value).map(|e| e.to_string()).collect()
}

/// Every `readyctl.yaml` of the repository (root and examples).
fn example_configs() -> Vec<std::path::PathBuf> {
    let root = crate_root();
    let mut out = Vec::new();
    for name in ["readyctl.yaml", "readyctl.yml"] {
        let p = root.join(name);
        if p.is_file() {
            out.push(p);
        }
    }
    let mut stack = vec![root.join("examples")];
    while let Some(dir) = stack.pop() {
        let Ok(rd) = std::fs::read_dir(&dir) else {
            continue;
        };
        for e in rd.flatten() {
            let p = e.path();
            let ft = e.file_type().expect("file type");
            if ft.is_dir() {
                stack.push(p);
            } else if ft.is_file()
                && matches!(
                    p.file_name().and_then(|n| n.to_str()),
                    Some("readyctl.yaml" | "readyctl.yml" | ".readyctl.yaml")
                )
            {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

#[test]
fn example_configs_validate_against_the_schema() {
    let v = config_validator();
    let configs = example_configs();
    assert!(!configs.is_empty(), "the root readyctl.yaml exists");
    for p in configs {
        let text = std::fs::read_to_string(&p).expect("read");
        let errors = config_errors(&v, &text);
        assert!(errors.is_empty(), "{}: {errors:?}", p.display());
    }
    // The SPEC's own example validates; a typo does not.
    let spec = "version: 1\nchecklist: deployment-readiness.md\nchecks:\n  skip: [\"terraform.remote-state\"]\n  severity: {\"ci.actions-pinned\": error}\nsecrets:\n  allow_paths: [\"testdata/**\"]\n  baseline: .readyctl-baseline.json\nhealth:\n  timeout: 5s\n  retries: 2\n  concurrency: 32\n  endpoints:\n    - name: api\n      url: https://api.example.com/healthz\n      expect_status: 200\n      max_latency: 500ms\n      body_contains: ok\n      headers: {Authorization: \"Bearer ${HEALTH_TOKEN}\"}\n      min_cert_days: 14\n";
    assert_eq!(config_errors(&v, spec), Vec::<String>::new());
    assert!(!config_errors(&v, "version: 1\nchecks:\n  skp: [x]\n").is_empty());
    assert!(!config_errors(&v, "checks:\n  severity: {docs.rollback: fatal}\n").is_empty());
}

#[test]
fn completions_for_every_shell_and_unknown_shell_is_usage_error() {
    let r = Repo::plain();
    for (shell, marker) in [
        ("bash", "complete -F"),
        ("zsh", "#compdef readyctl"),
        ("fish", "complete -c readyctl"),
        ("powershell", "Register-ArgumentCompleter"),
    ] {
        let run = r.readyctl(&["completions", shell]);
        assert_eq!(run.code, 0, "{shell}: {}", run.stderr);
        assert!(run.stdout.contains(marker), "{shell}: no {marker}");
        assert!(
            run.stdout.contains("sync-checklist"),
            "{shell}: flags missing"
        );
    }
    let bad = r.readyctl(&["completions", "tcsh"]);
    assert_eq!(bad.code, 2);
    assert!(
        bad.stderr.contains("unknown shell `tcsh`"),
        "{}",
        bad.stderr
    );
    assert!(bad.stdout.is_empty());
}

#[test]
fn man_page_is_roff_with_every_command() {
    let run = Repo::plain().readyctl(&["man"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains(".TH readyctl 1"), "{}", run.stdout);
    for cmd in ["check", "scaffold", "baseline", "completions", "schema"] {
        assert!(run.stdout.contains(cmd), "man page lacks {cmd}");
    }
    assert!(run.stdout.contains("Exit codes"));
}

#[test]
fn docs_checks_md_is_current() {
    let registry = readyctl::check::docs::builtin_registry().expect("registry");
    let rendered = readyctl::check::docs::checks_markdown(&registry);
    let path = crate_root().join("docs/checks.md");
    if bless() {
        std::fs::write(&path, &rendered).expect("write docs/checks.md");
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    if committed != rendered {
        let diff = similar::TextDiff::from_lines(&committed, &rendered)
            .unified_diff()
            .header("docs/checks.md (committed)", "docs/checks.md (registry)")
            .to_string();
        panic!(
            "docs/checks.md is out of date with the check registry.\nRegenerate it with:\n    {}\n\n{diff}",
            readyctl::check::docs::REGENERATE
        );
    }
    // Every check and each of its sections is there.
    for c in registry.checks() {
        let m = c.meta();
        assert!(rendered.contains(&format!("### {} — {}", m.id, m.title)));
    }
    assert_eq!(
        rendered.matches("#### What it checks").count(),
        registry.checks().len()
    );
}

#[test]
fn human_report_shows_three_findings_per_check_grouped_by_file_and_short_lines() {
    let r = Repo::git();
    // Five workflows each using an unpinned action: five findings in five files,
    // plus two in the first file.
    for i in 0..5 {
        r.write(
            &format!(".github/workflows/w{i}.yml"),
            "on: [push]\npermissions: {}\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - uses: actions/setup-go@v5\n",
        );
    }
    // A committed .env this deep makes a finding longer than 300 characters.
    let deep = format!(
        "{}/.env",
        ["d".repeat(100), "e".repeat(100), "f".repeat(100)].join("/")
    );
    r.write(&deep, "A=1\n");
    r.commit("ci");
    let args = [
        "check",
        ".",
        "--offline",
        "--no-progress",
        "--only",
        "ci.actions-pinned",
    ];
    let run = r.readyctl(&args);
    let out = &run.stdout;
    let shown: Vec<&str> = out.lines().filter(|l| l.contains("→")).collect();
    assert_eq!(shown.len(), 3, "{out}");
    // Grouped by file: the two findings of w0.yml come first, together.
    assert!(shown[0].contains(".github/workflows/w0.yml:7"), "{out}");
    assert!(shown[1].contains(".github/workflows/w0.yml:8"), "{out}");
    assert!(out.contains("… and 7 more (--verbose shows all"), "{out}");
    let mut verbose = args.to_vec();
    verbose.push("--verbose");
    let all = r.readyctl(&verbose).stdout;
    assert_eq!(all.lines().filter(|l| l.contains("→")).count(), 10, "{all}");
    // No line over 300 characters, whatever the messages hold; JSON keeps
    // the whole message.
    let full = r
        .readyctl(&["check", ".", "--offline", "--no-progress", "--verbose"])
        .stdout;
    assert!(full.contains("…"), "{full}");
    assert!(full.lines().all(|l| l.chars().count() <= 300), "{full}");
    let (json, _) = r.check_json(&["--only", "secrets.sensitive-files"]);
    let m = crate::common::check(&json, "secrets.sensitive-files")["findings"][0]["message"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(m.contains(&deep), "{m}");
}
