//! `readyctl diff` (SPEC §12): moved lines are not new, new findings and
//! newly failing checks regress, fixed checks improve; exit codes follow
//! `--fail-on`; JSON and Markdown outputs.

use crate::common::Repo;
use crate::levels::RUNBOOK;
use serde_json::Value;

/// A valid workflow with one unpinned third-party action (line 9).
const ONE_UNPINNED: &str = "name: ci
on: [push]
permissions:
  contents: read
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: docker/build-push-action@v6
      - run: make build
";

struct Gate {
    repo: Repo,
    /// Reports live outside the checked repository.
    out: tempfile::TempDir,
}

impl Gate {
    fn new() -> Gate {
        let repo = Repo::git();
        repo.write(".github/workflows/ci.yml", ONE_UNPINNED);
        Gate {
            repo,
            out: tempfile::tempdir().unwrap(),
        }
    }

    /// `readyctl check --format json` into `name` in the output directory.
    fn save(&self, name: &str) -> String {
        let path = self.out.path().join(name);
        let r = self.repo.readyctl(&[
            "check",
            "--format",
            "json",
            "--offline",
            "--no-progress",
            "--output",
            path.to_str().unwrap(),
        ]);
        assert!(r.code == 0 || r.code == 1, "{}", r.stderr);
        path.to_str().unwrap().to_string()
    }

    /// `readyctl diff BASE` (fresh check of the repository) in JSON.
    fn diff_json(&self, base: &str, extra: &[&str]) -> (Value, i32) {
        let mut args = vec![
            "diff",
            base,
            "--format",
            "json",
            "--offline",
            "--no-progress",
        ];
        args.extend_from_slice(extra);
        let r = self.repo.readyctl(&args);
        let v: Value = serde_json::from_str(&r.stdout)
            .unwrap_or_else(|e| panic!("{e}\n{}\n{}", r.stdout, r.stderr));
        (v, r.code)
    }
}

fn ids(list: &Value) -> Vec<(String, String)> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["id"].as_str().unwrap().to_string(),
                c["kind"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn a_moved_line_is_not_a_new_finding() {
    let g = Gate::new();
    let base = g.save("base.json");
    g.repo.write(
        ".github/workflows/ci.yml",
        ONE_UNPINNED.replace("jobs:\n", "# build on every push\n\n\njobs:\n"),
    );
    let (v, code) = g.diff_json(&base, &["--fail-on", "warning"]);
    assert_eq!(code, 0, "{v:#}");
    assert_eq!(v["schema"], "readyctl.diff/v1");
    assert_eq!(v["regressed"], false);
    assert!(v["regressions"].as_array().unwrap().is_empty(), "{v:#}");
    assert!(v["improvements"].as_array().unwrap().is_empty(), "{v:#}");
    assert!(
        v["unchanged"]
            .as_array()
            .unwrap()
            .contains(&Value::from("ci.actions-pinned"))
    );
    // The human form says so too.
    let human = g
        .repo
        .readyctl(&["diff", &base, "--offline", "--no-progress"]);
    assert_eq!(human.code, 0);
    assert!(
        human
            .stdout
            .contains("✓ NO REGRESSION — 0 regressions, 0 improvements"),
        "{}",
        human.stdout
    );
}

#[test]
fn a_new_finding_is_a_regression_at_or_above_fail_on() {
    let g = Gate::new();
    let base = g.save("base.json");
    g.repo.write(
        ".github/workflows/ci.yml",
        ONE_UNPINNED.replace(
            "      - run: make build\n",
            "      - uses: aquasecurity/trivy-action@0.28.0\n      - run: make build\n",
        ),
    );
    let (v, code) = g.diff_json(&base, &["--fail-on", "warning"]);
    assert_eq!(code, 1, "{v:#}");
    assert_eq!(v["regressed"], true);
    assert_eq!(
        ids(&v["regressions"]),
        [("ci.actions-pinned".to_string(), "new-findings".to_string())]
    );
    let findings = v["regressions"][0]["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 1, "only the new one: {findings:#?}");
    assert!(
        findings[0]["message"]
            .as_str()
            .unwrap()
            .contains("trivy-action")
    );
    assert_eq!(findings[0]["line"], 10);
    assert!(findings[0]["fingerprint"].as_str().unwrap().len() == 32);
    assert_eq!(v["regressions"][0]["blocking"], true);

    // A warning is below the default --fail-on error: reported, exit 0.
    let (v, code) = g.diff_json(&base, &[]);
    assert_eq!(code, 0);
    assert_eq!(v["regressed"], false);
    assert_eq!(v["regressions"][0]["blocking"], false);
    // --fail-on never never fails.
    assert_eq!(g.diff_json(&base, &["--fail-on", "never"]).1, 0);
}

#[test]
fn a_fixed_check_is_an_improvement_and_a_newly_failing_one_a_regression() {
    let g = Gate::new();
    let base = g.save("base.json");
    // Fix docs.runbook and docs.rollback; break ci.valid.
    g.repo.write("docs/RUNBOOK.md", RUNBOOK);
    g.repo
        .write(".github/workflows/broken.yml", "jobs: [unclosed\n");
    let head = g.save("head.json");

    let r = g.repo.readyctl(&["diff", &base, &head, "--format", "json"]);
    assert_eq!(r.code, 1, "ci.valid is an error-severity regression");
    let v: Value = serde_json::from_str(&r.stdout).unwrap();
    let improvements = ids(&v["improvements"]);
    assert!(
        improvements.contains(&("docs.runbook".to_string(), "fixed".to_string()))
            && improvements.contains(&("docs.rollback".to_string(), "fixed".to_string())),
        "{improvements:?}"
    );
    assert!(
        ids(&v["regressions"]).contains(&("ci.valid".to_string(), "newly-failing".to_string())),
        "{v:#}"
    );
    // Bronze needs ci.valid, which now fails: no level in either report.
    assert_eq!(v["level"]["change"], "same");

    let md = g
        .repo
        .readyctl(&["diff", &base, &head, "--format", "markdown"]);
    assert_eq!(md.code, 1);
    assert!(
        md.stdout
            .starts_with("<!-- readyctl-diff -->\n## readyctl: ❌ "),
        "{}",
        md.stdout
    );
    // ci.valid, and the new (unparsable) pipeline's findings of the other ci checks.
    assert!(md.stdout.contains("### Regressions (4)"), "{}", md.stdout);
    assert!(md.stdout.contains("- ❌ `ci.valid`"), "{}", md.stdout);
    assert!(md.stdout.contains("**blocks**"));
    assert!(md.stdout.contains("- ✅ `docs.runbook`"), "{}", md.stdout);
}

#[test]
fn a_lower_level_is_reported_and_blocks_at_fail_on_warning() {
    let g = Gate::new();
    g.repo.write("docs/RUNBOOK.md", RUNBOOK);
    let base = g.save("base.json");
    let (v, _) = g.repo.check_json(&[]);
    assert_eq!(v["level"]["reached"], "bronze");
    // Removing the rollback section drops the repository below bronze.
    g.repo.write(
        "docs/RUNBOOK.md",
        RUNBOOK.split("## Rollback").next().unwrap(),
    );
    let (v, code) = g.diff_json(&base, &["--fail-on", "warning"]);
    assert_eq!(code, 1);
    assert_eq!(v["level"]["base"], "bronze");
    assert_eq!(v["level"]["head"], Value::Null);
    assert_eq!(v["level"]["change"], "lower");
    let human = g
        .repo
        .readyctl(&["diff", &base, "--offline", "--no-progress"]);
    assert!(
        human.stdout.contains("level: bronze → none (lower)"),
        "{}",
        human.stdout
    );
    // docs.rollback is error severity: it blocks at the default --fail-on.
    assert_eq!(human.code, 1);
}

#[test]
fn a_newly_waived_finding_is_shown_not_counted() {
    let g = Gate::new();
    let base = g.save("base.json");
    g.repo.write(
        ".github/workflows/ci.yml",
        ONE_UNPINNED.replace(
            "build-push-action@v6\n",
            "build-push-action@v6 # readyctl:ignore ci.actions-pinned pinned by Renovate next week\n",
        ),
    );
    let (v, code) = g.diff_json(&base, &["--fail-on", "warning"]);
    assert_eq!(code, 0, "{v:#}");
    assert!(v["regressions"].as_array().unwrap().is_empty());
    assert!(v["improvements"].as_array().unwrap().is_empty(), "{v:#}");
    assert_eq!(v["waived"][0]["id"], "ci.actions-pinned");
    assert_eq!(
        v["waived"][0]["findings"][0]["waiver"]["reason"],
        "pinned by Renovate next week"
    );
}

#[test]
fn bad_reports_are_usage_errors_naming_the_file() {
    let g = Gate::new();
    let bad = g.out.path().join("bad.json");
    std::fs::write(
        &bad,
        "{\n  \"schema\": \"readyctl.report/v1\",\n  oops\n}\n",
    )
    .unwrap();
    let r = g.repo.readyctl(&["diff", bad.to_str().unwrap()]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("bad.json:3:"), "{}", r.stderr);

    let other = g.out.path().join("other.json");
    std::fs::write(&other, "{\"version\": \"2.1.0\", \"runs\": []}").unwrap();
    let r = g.repo.readyctl(&["diff", other.to_str().unwrap()]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("not a readyctl JSON report"),
        "{}",
        r.stderr
    );

    let r = g.repo.readyctl(&["diff", "/nonexistent/base.json"]);
    assert_eq!(r.code, 2);
}

#[test]
fn a_report_without_a_level_compares_as_unknown() {
    let g = Gate::new();
    let base = g.save("base.json");
    // A readyctl 0.1 report: no `level` object.
    let mut v: Value = serde_json::from_str(&std::fs::read_to_string(&base).unwrap()).unwrap();
    v.as_object_mut().unwrap().remove("level");
    std::fs::write(&base, serde_json::to_string(&v).unwrap()).unwrap();
    let (d, code) = g.diff_json(&base, &["--fail-on", "warning"]);
    assert_eq!(code, 0, "{d:#}");
    assert_eq!(d["level"]["change"], "unknown");
    assert_eq!(d["base"]["level"], Value::Null);
}
