//! Services in one repository (SPEC §12b): a fixture monorepo with a ready
//! service and one that is not, in every format; `--service`; per-service
//! configuration and checklists; `init` proposing services.

use std::collections::HashSet;
use std::path::Path;

use quick_xml::Reader;
use quick_xml::events::Event;
use serde_json::Value;

use crate::common::{Repo, crate_root};

/// Copy the directory `from` into `to`, recursively.
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for entry in std::fs::read_dir(from).expect("read_dir") {
        let entry = entry.expect("entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("type").is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy");
        }
    }
}

const ROOT_CONFIG: &str = "version: 1
services:
  - name: checkout
    path: services/checkout
  - name: payments
    path: services/payments
";

/// A monorepo: `checkout` is the bundled example service (ready),
/// `payments` has a Dockerfile and nothing else (not ready); CI and
/// `.gitignore` at the root.
pub fn monorepo() -> Repo {
    let r = Repo::git();
    copy_dir(
        &crate_root().join("examples/service"),
        &r.path().join("services/checkout"),
    );
    r.write(
        "services/payments/Dockerfile",
        "FROM python:3.12-slim\nUSER 1000\n",
    );
    r.write(
        "services/payments/README.md",
        "# Payments\n\nTakes money.\n",
    );
    copy_dir(
        &crate_root().join("examples/ci/github"),
        &r.path().join(".github/workflows"),
    );
    r.write(
        ".gitignore",
        ".env\n*.tfstate*\n*.pem\n*.key\n.terraform/\n",
    );
    r.write("readyctl.yaml", ROOT_CONFIG);
    r.git_cmd(&[
        "remote",
        "add",
        "origin",
        "https://github.com/acme/shop.git",
    ]);
    r.commit("monorepo");
    r
}

fn run(r: &Repo, extra: &[&str]) -> crate::common::Run {
    let mut args = vec!["check", "--offline", "--no-progress"];
    args.extend_from_slice(extra);
    r.readyctl(&args)
}

fn service<'a>(report: &'a Value, name: &str) -> &'a Value {
    report["services"]
        .as_array()
        .expect("services")
        .iter()
        .find(|s| s["name"] == name)
        .unwrap_or_else(|| panic!("no service {name}: {report:#}"))
}

fn ids(checks: &Value) -> Vec<String> {
    checks
        .as_array()
        .expect("checks")
        .iter()
        .map(|c| c["id"].as_str().unwrap_or_default().to_string())
        .collect()
}

#[test]
fn json_keeps_repository_wide_checks_at_the_root_and_the_rest_per_service() {
    let r = monorepo();
    let (v, code) = r.check_json(&[]);
    assert_eq!(code, 1, "{v:#}");
    assert_eq!(v["ready"], false);
    let root_ids = ids(&v["checks"]);
    assert!(!root_ids.is_empty());
    assert!(
        root_ids
            .iter()
            .all(|id| id.starts_with("ci.") || id.starts_with("secrets.")),
        "{root_ids:?}"
    );
    let checkout = service(&v, "checkout");
    let payments = service(&v, "payments");
    assert_eq!(checkout["path"], "services/checkout");
    assert_eq!(checkout["ready"], true, "{checkout:#}");
    assert_eq!(payments["ready"], false);
    assert!(payments.get("level").is_some());
    for s in [checkout, payments] {
        let sids = ids(&s["checks"]);
        assert!(sids.contains(&"docs.runbook".to_string()));
        assert!(
            !sids
                .iter()
                .any(|id| id.starts_with("ci.") || id.starts_with("secrets.")),
            "{sids:?}"
        );
        let n = s["checks"].as_array().unwrap().len() as u64;
        let sum = &s["summary"];
        assert_eq!(
            sum["pass"].as_u64().unwrap()
                + sum["fail"].as_u64().unwrap()
                + sum["skip"].as_u64().unwrap()
                + sum["error"].as_u64().unwrap(),
            n
        );
    }
    // The service's own files were checked, named from the repository root.
    let runbook = checkout["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "docs.runbook")
        .unwrap();
    assert_eq!(runbook["status"], "pass", "{runbook:#}");
    let failing_payments: Vec<&Value> = payments["checks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["status"] == "fail")
        .collect();
    assert!(
        failing_payments
            .iter()
            .any(|c| c["id"] == "docs.runbook" && c["severity"] == "error")
    );
    for c in checkout["checks"].as_array().unwrap() {
        for f in c["findings"].as_array().unwrap() {
            if let Some(p) = f["path"].as_str() {
                assert!(p.starts_with("services/checkout/"), "{p}");
            }
        }
    }
    // Lines cited from a service's own readyctl.yaml are that file's lines.
    let cfg = r.read("services/checkout/readyctl.yaml");
    let line = cfg.lines().position(|l| l.trim() == "- name: api").unwrap() + 1;
    let declared = checkout["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "health.declared")
        .unwrap();
    let cited = format!("services/checkout/readyctl.yaml:{line} endpoint api");
    assert!(
        declared["message"].as_str().unwrap().contains(&cited),
        "{cited} in {declared:#}"
    );
    // Totals cover the repository-wide checks and every service.
    let total: u64 = ["pass", "fail", "skip", "error"]
        .iter()
        .map(|k| v["summary"][k].as_u64().unwrap())
        .sum();
    let n = v["checks"].as_array().unwrap().len()
        + checkout["checks"].as_array().unwrap().len()
        + payments["checks"].as_array().unwrap().len();
    assert_eq!(total, n as u64);
    // Identity.
    let head = r.git_cmd(&["rev-parse", "HEAD"]);
    assert_eq!(v["repository"]["name"], "shop");
    assert_eq!(
        v["repository"]["remote"],
        "https://github.com/acme/shop.git"
    );
    assert_eq!(v["repository"]["commit"], head.trim());
    assert_eq!(v["repository"]["service"], Value::Null);
    assert!(v["generated_at"].as_str().unwrap().ends_with('Z'));
}

#[test]
fn human_output_has_a_block_per_service_then_the_repository_then_one_verdict() {
    let r = monorepo();
    let out = run(&r, &["--color", "never"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    let text = &out.stdout;
    let at = |needle: &str| {
        text.find(needle)
            .unwrap_or_else(|| panic!("no `{needle}` in\n{text}"))
    };
    let checkout = at("service checkout (services/checkout) — ✓ ready");
    let payments = at("service payments (services/payments) — ✗ not ready");
    let wide = at("\nrepository-wide\n");
    assert!(checkout < payments && payments < wide);
    let last = text.trim_end().lines().last().unwrap();
    assert!(last.starts_with("✗ NOT READY"), "{last}");
    assert!(last.contains("payments: docs.runbook"), "{last}");
    assert_eq!(text.matches("NOT READY").count(), 1, "{text}");
    // Checks of a service are indented under it.
    assert!(
        text[payments..wide].contains("\n    ✗ docs.runbook"),
        "{text}"
    );
}

fn xml_elements(text: &str) -> Vec<(String, Vec<(String, String)>)> {
    let mut reader = Reader::from_str(text);
    let mut out = Vec::new();
    loop {
        match reader.read_event() {
            Ok(Event::Start(e)) | Ok(Event::Empty(e)) => {
                let name = String::from_utf8(e.name().as_ref().to_vec()).unwrap();
                let attrs = e
                    .attributes()
                    .map(|a| {
                        let a = a.unwrap();
                        (
                            String::from_utf8(a.key.as_ref().to_vec()).unwrap(),
                            a.normalized_value(quick_xml::XmlVersion::Explicit1_0)
                                .unwrap()
                                .into_owned(),
                        )
                    })
                    .collect();
                out.push((name, attrs));
            }
            Ok(Event::Eof) => break,
            Ok(_) => {}
            Err(e) => panic!("not well-formed XML: {e}\n{text}"),
        }
    }
    out
}

fn get<'a>(attrs: &'a [(String, String)], key: &str) -> &'a str {
    attrs
        .iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
        .unwrap_or("")
}

#[test]
fn every_format_names_the_service_of_each_result() {
    let r = monorepo();
    let (v, _) = r.check_json(&[]);
    let payments_failing: Vec<String> = service(&v, "payments")["checks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["status"] == "fail")
        .map(|c| c["id"].as_str().unwrap().to_string())
        .collect();
    assert!(!payments_failing.is_empty());

    // SARIF: valid against the schema, the service in each result's
    // properties and message, fingerprints distinct.
    let sarif = run(&r, &["--format", "sarif"]);
    let log: Value = serde_json::from_str(&sarif.stdout).unwrap();
    let schema: Value = serde_json::from_str(
        &std::fs::read_to_string(crate_root().join("tests/data/sarif-schema-2.1.0.json")).unwrap(),
    )
    .unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let errors: Vec<String> = validator.iter_errors(&log).map(|e| e.to_string()).collect();
    assert!(errors.is_empty(), "{errors:?}");
    let run0 = &log["runs"][0];
    let rules = run0["tool"]["driver"]["rules"].as_array().unwrap();
    let results = run0["results"].as_array().unwrap();
    let mut prints = HashSet::new();
    for res in results {
        let idx = res["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[idx]["id"], res["ruleId"]);
        assert!(prints.insert(res["partialFingerprints"]["readyctl/v1"].to_string()));
    }
    for id in &payments_failing {
        assert!(
            results.iter().any(|x| x["ruleId"] == id.as_str()
                && x["properties"]["service"] == "payments"
                && x["message"]["text"]
                    .as_str()
                    .unwrap()
                    .starts_with("[payments] ")),
            "{id} in {results:#?}"
        );
    }

    // JUnit: a suite per service and area, totals from the report.
    let junit = run(&r, &["--format", "junit"]).stdout;
    let els = xml_elements(&junit);
    let suites: Vec<&str> = els
        .iter()
        .filter(|(n, _)| n == "testsuite")
        .map(|(_, a)| get(a, "name"))
        .collect();
    assert!(suites.contains(&"payments/docs"), "{suites:?}");
    assert!(suites.contains(&"checkout/docs"), "{suites:?}");
    assert!(suites.contains(&"ci"), "{suites:?}");
    assert_eq!(get(&els[0].1, "failures"), v["summary"]["fail"].to_string());

    // GitLab Code Quality: the service in each description, fingerprints distinct.
    let gl: Value = serde_json::from_str(&run(&r, &["--format", "gitlab"]).stdout).unwrap();
    let issues = gl.as_array().unwrap();
    let fps: HashSet<&str> = issues
        .iter()
        .map(|i| i["fingerprint"].as_str().unwrap())
        .collect();
    assert_eq!(fps.len(), issues.len());
    for id in &payments_failing {
        assert!(issues.iter().any(|i| {
            i["check_name"] == id.as_str()
                && i["description"]
                    .as_str()
                    .unwrap()
                    .starts_with("[payments] ")
        }));
    }

    // GitHub annotations: the service in the title.
    let gh = run(&r, &["--format", "github"]).stdout;
    assert!(
        gh.lines()
            .any(|l| l.starts_with("::error") && l.contains("title=[payments] Runbook")),
        "{gh}"
    );
    assert!(gh.trim_end().lines().last().unwrap().contains("NOT READY"));

    // Markdown: a table of services, then a section per service.
    let md = run(&r, &["--format", "markdown"]).stdout;
    assert!(md.starts_with("## readyctl: ❌ NOT READY"), "{md}");
    assert!(
        md.contains("| payments | `services/payments` | ❌ |"),
        "{md}"
    );
    assert!(md.contains("### Service checkout (`services/checkout`): ✅ ready"));
    assert!(md.contains("### Service payments (`services/payments`): ❌ not ready"));
    assert!(md.contains("### Repository-wide checks"));
}

#[test]
fn service_flag_checks_only_the_named_services() {
    let r = monorepo();
    let (v, code) = r.check_json(&["--service", "checkout"]);
    assert_eq!(code, 0, "{v:#}");
    assert_eq!(v["ready"], true);
    assert_eq!(v["services"].as_array().unwrap().len(), 1);
    assert_eq!(v["repository"]["service"], "checkout");
    assert!(
        !ids(&v["checks"]).is_empty(),
        "repository-wide checks still run"
    );

    let (v, code) = r.check_json(&["--service", "payments,checkout"]);
    assert_eq!(code, 1);
    let names: Vec<&str> = v["services"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["checkout", "payments"], "declaration order");
    assert_eq!(v["repository"]["service"], Value::Null);

    let bad = run(&r, &["--service", "shipping"]);
    assert_eq!(bad.code, 2);
    assert!(
        bad.stderr.contains(
            "--service shipping: no such service in readyctl.yaml (declared: checkout, payments)"
        ),
        "{}",
        bad.stderr
    );
}

#[test]
fn service_flag_without_services_is_a_usage_error() {
    let r = Repo::git();
    r.write("README.md", "# x\n");
    r.commit("x");
    let out = run(&r, &["--service", "api"]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("declares no services"),
        "{}",
        out.stderr
    );
}

#[test]
fn a_bad_services_entry_names_its_line() {
    let r = Repo::git();
    r.write(
        "readyctl.yaml",
        "version: 1\nservices:\n  - name: api\n    path: services/api\n  - name: web\n    path: services/missing\n",
    );
    r.write("services/api/Dockerfile", "FROM alpine:3.20\n");
    r.commit("x");
    let out = run(&r, &[]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains(
            "readyctl.yaml:5:5: services: path `services/missing` of `web` is not a directory"
        ),
        "{}",
        out.stderr
    );
    r.write(
        "readyctl.yaml",
        "version: 1\nservices:\n  - name: api\n    path: services/api\n  - name: inner\n    path: services/api/inner\n",
    );
    r.write("services/api/inner/Dockerfile", "FROM alpine:3.20\n");
    let out = run(&r, &[]);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("overlaps `api`"), "{}", out.stderr);
    r.write(
        "readyctl.yaml",
        "version: 1\nservices:\n  - name: api\n    path: ../elsewhere\n",
    );
    let out = run(&r, &[]);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("inside the root"), "{}", out.stderr);
}

#[test]
fn a_service_config_is_merged_over_the_root_one() {
    let r = monorepo();
    // Root: a severity for every service; payments: its own skip.
    r.write(
        "readyctl.yaml",
        format!("{ROOT_CONFIG}checks:\n  severity:\n    docs.disaster-recovery: error\n    docs.placeholders: error\n"),
    );
    r.write(
        "services/payments/readyctl.yaml",
        "version: 1\nchecks:\n  skip: [\"docs.runbook\"]\n",
    );
    r.commit("configs");
    let (v, _) = r.check_json(&[]);
    let payments = service(&v, "payments");
    let runbook = payments["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "docs.runbook")
        .unwrap();
    assert_eq!(runbook["status"], "skip");
    assert!(
        runbook["message"]
            .as_str()
            .unwrap()
            .contains("services/payments/readyctl.yaml"),
        "{runbook:#}"
    );
    let placeholders = payments["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "docs.placeholders")
        .unwrap();
    assert_eq!(placeholders["severity"], "error", "root severity applies");
    // checkout has no skip of its own.
    let checkout_runbook = service(&v, "checkout")["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "docs.runbook")
        .unwrap()
        .clone();
    assert_eq!(checkout_runbook["status"], "pass");

    // An error in a service's file names that file and line.
    r.write(
        "services/payments/readyctl.yaml",
        "version: 1\nchecks:\n  skipp: []\n",
    );
    let out = run(&r, &[]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("services/payments/readyctl.yaml:3"),
        "{}",
        out.stderr
    );
}

#[test]
fn each_service_has_its_checklist_or_shares_the_root_one() {
    let r = monorepo();
    r.write(
        "deployment-readiness.md",
        "# Ready?\n\n- [ ] Runbook <!-- readyctl: docs.runbook -->\n- [x] CI <!-- readyctl: ci.present -->\n",
    );
    r.commit("root checklist");
    let (v, _) = r.check_json(&[]);
    let checklist = |s: &str| {
        service(&v, s)["checks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["id"] == "docs.readiness-checklist")
            .unwrap()
            .clone()
    };
    // checkout keeps its own checklist (all resolved).
    let own = checklist("checkout");
    assert_eq!(own["status"], "pass", "{own:#}");
    // payments has none: the root's applies, verified with payments' results
    // and the repository-wide ones; its findings name the root file.
    let shared = checklist("payments");
    assert_eq!(shared["status"], "fail", "{shared:#}");
    let findings = shared["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 1, "{shared:#}");
    assert_eq!(findings[0]["path"], "deployment-readiness.md");
    assert_eq!(findings[0]["line"], 3);
}

#[test]
fn init_proposes_services_and_marks_variants() {
    let r = Repo::git();
    r.write("services/cart/Dockerfile", "FROM alpine:3.20\n");
    r.write(
        "services/cart/k8s/deployment.yaml",
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: cart\n",
    );
    r.write(
        "services/orders/chart/Chart.yaml",
        "apiVersion: v2\nname: orders\nversion: 0.1.0\n",
    );
    r.write("extras/redis/Dockerfile", "FROM redis:7.2\n");
    r.write("deploy/overlays/dev/kustomization.yaml", "resources: []\n");
    r.write(
        "deploy/kustomize/components/debug/kustomization.yaml",
        "kind: Component\n",
    );
    r.write("examples/demo/Dockerfile", "FROM alpine:3.20\n");
    r.write("tests/fixtures/app/Dockerfile", "FROM alpine:3.20\n");
    r.commit("layout");
    let out = r.readyctl(&["init", "."]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let text = r.read("readyctl.yaml");
    let cfg = readyctl::config::parse("readyctl.yaml", &text).expect("init writes a valid config");
    let services: Vec<(String, String)> = cfg
        .services
        .iter()
        .map(|s| (s.value.name.clone(), s.value.path.clone()))
        .collect();
    assert_eq!(
        services,
        [
            ("cart".to_string(), "services/cart".to_string()),
            ("orders".to_string(), "services/orders".to_string())
        ],
        "{text}"
    );
    for variant in [
        "extras/redis",
        "deploy/overlays/dev",
        "deploy/kustomize/components/debug",
    ] {
        assert!(
            text.contains(&format!("  #   path: {variant}\n")),
            "{variant} not proposed as a variant:\n{text}"
        );
    }
    assert!(
        text.contains("# - name: redis    # under `extras/`: a variant"),
        "{text}"
    );
    assert!(
        !text.contains("examples/demo") && !text.contains("tests/fixtures"),
        "{text}"
    );
    // The proposal is what `check` then runs.
    let (v, code) = r.check_json(&[]);
    assert!(code <= 1, "{v:#}");
    assert_eq!(v["services"].as_array().unwrap().len(), 2);
}

#[test]
fn sync_checklist_rewrites_services_own_checklists_only() {
    let r = monorepo();
    let own = r.read("services/checkout/deployment-readiness.md");
    r.write(
        "services/checkout/deployment-readiness.md",
        own.replace("- [x]", "- [ ]"),
    );
    let root = "- [x] Runbook <!-- readyctl: docs.runbook -->\n";
    r.write("deployment-readiness.md", root);
    r.commit("boxes");
    let out = run(&r, &["--sync-checklist"]);
    assert!(out.code <= 1, "{}", out.stderr);
    let synced = r.read("services/checkout/deployment-readiness.md");
    assert_ne!(
        synced,
        own.replace("- [x]", "- [ ]"),
        "checkout's boxes ticked"
    );
    assert!(synced.contains("- [x]"));
    // The root checklist speaks for payments too: left as it was.
    assert_eq!(r.read("deployment-readiness.md"), root);
}
