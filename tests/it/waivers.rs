//! Waivers and inline ignores (SPEC §10): before and after expiry, path
//! globs, inline comments with and without a reason, stale waivers, and
//! how every format shows waived findings.

use crate::common::{Repo, check, status};
use crate::levels::{RUNBOOK, WORKFLOW};
use serde_json::Value;

/// A valid workflow with two unpinned third-party actions at lines 9 and 10.
const UNPINNED: &str = "name: ci
on: [push]
permissions:
  contents: read
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: docker/build-push-action@v6
      - run: make build
";

fn repo_with(config: &str) -> Repo {
    let r = Repo::git();
    r.write(".github/workflows/ci.yml", UNPINNED)
        .write("docs/RUNBOOK.md", RUNBOOK)
        .write("readyctl.yaml", config);
    r
}

fn waived(report: &Value, id: &str) -> Vec<Value> {
    check(report, id)["waived"]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

fn waiver(check: &str, expires: &str, extra: &str) -> String {
    format!(
        "version: 1
waivers:
  - check: {check}
    reason: vendor actions are reviewed by hand
    owner: \"@platform\"
    expires: {expires}
{extra}"
    )
}

#[test]
fn a_waiver_applies_until_it_expires_then_the_report_names_it() {
    // In force: every failure waived, the check passes and says so.
    let r = repo_with(&waiver("ci.actions-pinned", "2099-12-31", ""));
    let (v, _) = r.check_json(&[]);
    let c = check(&v, "ci.actions-pinned");
    assert_eq!(c["status"], "pass", "{c:#}");
    assert!(
        c["message"]
            .as_str()
            .unwrap()
            .starts_with("passes: every failure waived (2 findings)"),
        "{c:#}"
    );
    assert_eq!(c["findings"], serde_json::json!([]));
    let w = waived(&v, "ci.actions-pinned");
    assert_eq!(w.len(), 2);
    assert_eq!(w[0]["path"], ".github/workflows/ci.yml");
    assert_eq!(w[0]["line"], 9);
    assert_eq!(w[0]["reason"], "vendor actions are reviewed by hand");
    assert_eq!(w[0]["owner"], "@platform");
    assert_eq!(w[0]["expires"], "2099-12-31");
    assert_eq!(w[0]["waiver"], "readyctl.yaml:3");
    assert!(
        v.get("waivers").is_none(),
        "nothing expired or stale: {v:#}"
    );
    let human = r.readyctl(&["check", "--offline", "--no-progress"]);
    assert!(
        human
            .stdout
            .contains("passes: every failure waived (2 findings)"),
        "{}",
        human.stdout
    );

    // Expired: no longer applied, and named.
    r.write(
        "readyctl.yaml",
        waiver("ci.actions-pinned", "2001-02-03", ""),
    );
    let (v, _) = r.check_json(&[]);
    assert_eq!(status(&v, "ci.actions-pinned"), "fail");
    assert!(waived(&v, "ci.actions-pinned").is_empty());
    let expired = &v["waivers"]["expired"];
    assert_eq!(expired[0]["check"], "ci.actions-pinned");
    assert_eq!(expired[0]["expires"], "2001-02-03");
    assert_eq!(expired[0]["waiver"], "readyctl.yaml:3");
    let human = r.readyctl(&["check", "--offline", "--no-progress"]);
    assert!(
        human.stdout.contains(
            "waiver readyctl.yaml:3 for ci.actions-pinned expired on 2001-02-03 (owner @platform): no longer applied"
        ),
        "{}",
        human.stdout
    );
}

#[test]
fn a_failure_without_findings_is_waived_by_a_waiver_without_paths() {
    let r = repo_with(&waiver("terraform.present", "2099-12-31", ""));
    let (v, _) = r.check_json(&[]);
    let c = check(&v, "terraform.present");
    assert_eq!(c["status"], "pass");
    assert!(c.get("fix").is_none(), "a passing check has no fix");
    assert_eq!(waived(&v, "terraform.present").len(), 1);
}

#[test]
fn paths_limit_a_waiver_and_globs_name_checks() {
    let config = waiver(
        "ci.*",
        "2099-12-31",
        "    paths: [\".github/workflows/release*.yml\"]\n",
    );
    let r = repo_with(&config);
    r.write(".github/workflows/release.yml", UNPINNED);
    let (v, _) = r.check_json(&[]);
    let c = check(&v, "ci.actions-pinned");
    assert_eq!(c["status"], "fail");
    let w = waived(&v, "ci.actions-pinned");
    assert_eq!(w.len(), 2);
    assert!(
        w.iter()
            .all(|f| f["path"] == ".github/workflows/release.yml")
    );
    assert!(
        c["findings"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["path"] == ".github/workflows/ci.yml")
    );
    // The human report counts the waived findings under the failing check.
    let human = r.readyctl(&["check", "--offline", "--no-progress"]);
    assert!(
        human
            .stdout
            .contains("2 findings waived (see --format json)"),
        "{}",
        human.stdout
    );
}

#[test]
fn a_waiver_that_matches_nothing_is_stale() {
    // secrets.none-committed passes: the waiver has nothing to waive.
    let r = repo_with(&waiver("secrets.none-committed", "2099-12-31", ""));
    let (v, code) = r.check_json(&[]);
    assert_eq!(v["waivers"]["stale"][0]["check"], "secrets.none-committed");
    assert_eq!(v["waivers"]["stale"][0]["waiver"], "readyctl.yaml:3");
    assert!(v["waivers"]["expired"].as_array().unwrap().is_empty());
    // Stale is a note, not a failure.
    let (_, without) = repo_with("version: 1\n").check_json(&[]);
    assert_eq!(code, without);
    let human = r.readyctl(&["check", "--offline", "--no-progress"]);
    assert!(
        human
            .stdout
            .contains("stale waiver readyctl.yaml:3 for secrets.none-committed matches nothing"),
        "{}",
        human.stdout
    );
    // Not judged when the check did not run.
    let (v, _) = r.check_json(&["--only", "ci.*"]);
    assert!(v.get("waivers").is_none(), "{v:#}");
}

#[test]
fn invalid_waivers_are_config_errors_naming_the_line() {
    let r = repo_with("version: 1\n");
    for (yaml, line, words) in [
        (waiver("ci.actions-pinned", "2027-02-30", ""), 6, "invalid date `2027-02-30`"),
        (waiver("ci.actions-pinned", "31/12/2027", ""), 6, "YYYY-MM-DD"),
        (waiver("nope.*", "2099-12-31", ""), 3, "matches no check"),
        (
            waiver("ci.actions-pined", "2099-12-31", ""),
            3,
            "matches no check (did you mean `ci.actions-pinned`?",
        ),
        (
            "version: 1\nwaivers:\n  - check: ci.actions-pinned\n    reason: x\n    expires: 2099-12-31\n"
                .to_string(),
            5,
            "missing field `owner`",
        ),
        (
            "version: 1\nwaivers:\n  - check: ci.actions-pinned\n    reason: \"\"\n    owner: me\n    expires: 2099-12-31\n"
                .to_string(),
            4,
            "`reason` is empty",
        ),
        (
            waiver("ci.actions-pinned", "2099-12-31", "    path: [x]\n"),
            7,
            "path",
        ),
    ] {
        r.write("readyctl.yaml", &yaml);
        let out = r.readyctl(&["check", "--offline", "--no-progress"]);
        assert_eq!(out.code, 2, "{yaml}\n{}", out.stdout);
        assert!(
            out.stderr.contains(&format!("readyctl.yaml:{line}")) && out.stderr.contains(words),
            "{yaml}\n{}",
            out.stderr
        );
    }
}

#[test]
fn inline_ignores_in_yaml_hcl_and_markdown_comments() {
    let r = Repo::git();
    // YAML: a trailing comment covers its own line only.
    r.write(
        ".github/workflows/ci.yml",
        UNPINNED.replace(
            "actions/checkout@v4\n",
            "actions/checkout@v4 # readyctl:ignore ci.actions-pinned first-party action\n",
        ),
    );
    // HCL: `//` on the line above the block; `/* */` and `#` also work.
    r.write(
        "infra/a/main.tf",
        "// readyctl:ignore terraform.remote-state sandbox, state stays local\nterraform {\n  required_version = \">= 1.6\"\n}\n",
    );
    r.write(
        "infra/b/main.tf",
        "/* readyctl:ignore terraform.remote-state throwaway lab */\nterraform {\n  required_version = \">= 1.6\"\n}\n",
    );
    r.write(
        "infra/c/main.tf",
        "terraform {\n  required_version = \">= 1.6\"\n}\n",
    );
    // Markdown: an HTML comment on the line above.
    r.write(
        "docs/RUNBOOK.md",
        format!(
            "{RUNBOOK}\n## Contacts\n<!-- readyctl:ignore docs.placeholders filled in at hand-over -->\nTODO(readyctl): on-call rota\n"
        ),
    );
    let (v, _) = r.check_json(&[]);

    let pinned = check(&v, "ci.actions-pinned");
    assert_eq!(pinned["status"], "fail", "the line below is not covered");
    let w = waived(&v, "ci.actions-pinned");
    assert_eq!(w.len(), 1, "{pinned:#}");
    assert_eq!(w[0]["line"], 9);
    assert_eq!(w[0]["reason"], "first-party action");
    assert_eq!(w[0]["owner"], Value::Null);
    assert_eq!(w[0]["waiver"], ".github/workflows/ci.yml:9");
    assert_eq!(
        crate::common::finding_locations(&v, "ci.actions-pinned"),
        vec![(".github/workflows/ci.yml".to_string(), 10)]
    );

    let state = check(&v, "terraform.remote-state");
    let w = waived(&v, "terraform.remote-state");
    let mut paths: Vec<&str> = w.iter().map(|f| f["path"].as_str().unwrap()).collect();
    paths.sort();
    assert_eq!(paths, ["infra/a/main.tf", "infra/b/main.tf"], "{state:#}");
    assert_eq!(
        w.iter().find(|f| f["path"] == "infra/b/main.tf").unwrap()["reason"],
        "throwaway lab"
    );
    assert_eq!(
        crate::common::finding_locations(&v, "terraform.remote-state")
            .iter()
            .map(|(p, _)| p.as_str())
            .collect::<Vec<_>>(),
        ["infra/c/main.tf"]
    );

    let ph = check(&v, "docs.placeholders");
    assert_eq!(ph["status"], "pass", "{ph:#}");
    assert_eq!(
        waived(&v, "docs.placeholders")[0]["reason"],
        "filled in at hand-over"
    );
}

#[test]
fn an_inline_ignore_without_a_reason_is_itself_a_finding() {
    let r = Repo::git();
    r.write(
        ".github/workflows/ci.yml",
        UNPINNED.replace(
            "      - uses: actions/checkout@v4\n",
            "      # readyctl:ignore ci.actions-pinned\n      - uses: actions/checkout@v4\n",
        ),
    )
    .write("docs/RUNBOOK.md", RUNBOOK);
    let (v, _) = r.check_json(&[]);
    let c = check(&v, "ci.actions-pinned");
    assert_eq!(c["status"], "fail");
    assert!(waived(&v, "ci.actions-pinned").is_empty(), "not applied");
    let findings = c["findings"].as_array().unwrap();
    let reasonless = findings
        .iter()
        .find(|f| f["rule"] == "readyctl:ignore")
        .unwrap_or_else(|| panic!("{c:#}"));
    assert_eq!(reasonless["path"], ".github/workflows/ci.yml");
    assert_eq!(reasonless["line"], 9);
    assert!(
        reasonless["message"]
            .as_str()
            .unwrap()
            .contains("gives no reason"),
        "{reasonless}"
    );
    // Both unpinned actions still fail.
    assert_eq!(findings.len(), 3);

    // On a check that otherwise passes, it makes the check fail.
    r.write(
        ".github/workflows/ci.yml",
        WORKFLOW.replace("jobs:", "# readyctl:ignore ci.least-privilege\njobs:"),
    );
    let (v, _) = r.check_json(&[]);
    let c = check(&v, "ci.least-privilege");
    assert_eq!(c["status"], "fail", "{c:#}");
    assert_eq!(c["message"], "1 inline ignore without a reason");
}

#[test]
fn an_inline_ignore_that_matches_nothing_is_stale() {
    let r = Repo::git();
    r.write(
        ".github/workflows/ci.yml",
        WORKFLOW.replace(
            "      - run: make build\n",
            "      - run: make build # readyctl:ignore ci.actions-pinned nothing to pin here\n",
        ),
    )
    .write("docs/RUNBOOK.md", RUNBOOK)
    // An example in a code block is documentation, not an ignore.
    .write(
        "docs/waivers.md",
        "# Waivers\n\n```markdown\n<!-- readyctl:ignore docs.runbook example only -->\n```\n",
    );
    let (v, _) = r.check_json(&[]);
    let stale = v["waivers"]["stale"].as_array().unwrap();
    assert_eq!(stale.len(), 1, "{stale:?}");
    assert_eq!(stale[0]["waiver"], ".github/workflows/ci.yml:10");
    assert_eq!(stale[0]["check"], "ci.actions-pinned");
}

#[test]
fn sarif_shows_waived_findings_as_suppressed_results_and_validates() {
    let r = repo_with(&waiver("ci.actions-pinned", "2099-12-31", ""));
    r.write(
        "infra/main.tf",
        "# readyctl:ignore terraform.remote-state lab account\nterraform {\n  required_version = \">= 1.6\"\n}\n",
    );
    let out = r.readyctl(&["check", "--offline", "--no-progress", "--format", "sarif"]);
    let log: Value = serde_json::from_str(&out.stdout).unwrap();
    crate::formats::assert_valid_sarif(&log);
    let results = log["runs"][0]["results"].as_array().unwrap();
    let suppressed: Vec<&Value> = results
        .iter()
        .filter(|r| r.get("suppressions").is_some())
        .collect();
    assert_eq!(suppressed.len(), 3, "{suppressed:#?}");
    let external: Vec<&&Value> = suppressed
        .iter()
        .filter(|r| r["ruleId"] == "ci.actions-pinned")
        .collect();
    assert_eq!(external.len(), 2);
    let s = &external[0]["suppressions"][0];
    assert_eq!(s["kind"], "external");
    assert_eq!(s["status"], "accepted");
    assert_eq!(s["justification"], "vendor actions are reviewed by hand");
    assert_eq!(s["properties"]["owner"], "@platform");
    assert_eq!(
        external[0]["locations"][0]["physicalLocation"]["region"]["startLine"],
        9
    );
    let inline = suppressed
        .iter()
        .find(|r| r["ruleId"] == "terraform.remote-state")
        .unwrap();
    assert_eq!(inline["suppressions"][0]["kind"], "inSource");
    assert_eq!(inline["suppressions"][0]["justification"], "lab account");

    // Markdown lists them too.
    let md = r.readyctl(&[
        "check",
        "--offline",
        "--no-progress",
        "--format",
        "markdown",
    ]);
    assert!(md.stdout.contains("### Waivers"), "{}", md.stdout);
    assert!(
        md.stdout
            .contains("vendor actions are reviewed by hand (@platform, until 2099-12-31)"),
        "{}",
        md.stdout
    );
}

#[test]
fn the_checklist_sees_waived_results() {
    let r = repo_with(&waiver("ci.actions-pinned", "2099-12-31", ""));
    r.write(
        "deployment-readiness.md",
        "# Ready\n- [ ] Actions pinned <!-- readyctl: ci.actions-pinned -->\n",
    );
    let (v, _) = r.check_json(&[]);
    assert_eq!(status(&v, "docs.readiness-checklist"), "pass", "{v:#}");
}

#[test]
fn inline_ignores_in_dockerfiles_and_shell_for_a_user_check() {
    let r = Repo::git();
    r.write(
        ".readyctl/checks/no-latest.yaml",
        "id: myteam.no-latest
title: No image tagged latest
severity: error
explain:
  what: no `latest` image tag
  why: latest moves under your feet
  fix: pin a version
  example: 'FROM python:3.12'
fix:
  hint: pin the image version
rule:
  file_lacks:
    files: [\"**/Dockerfile\", \"**/*.sh\"]
    regex: 'tag-latest'
",
    )
    .write(
        "Dockerfile",
        "# readyctl:ignore myteam.no-latest base image rebuilt nightly\nFROM base:tag-latest\nFROM other:tag-latest\n",
    )
    .write(
        "scripts/deploy.sh",
        "#!/bin/sh\ndocker pull app:tag-latest  # readyctl:ignore myteam.* smoke image only\ndocker pull db:tag-latest\n",
    );
    let (v, _) = r.check_json(&[]);
    let c = check(&v, "myteam.no-latest");
    assert_eq!(c["status"], "fail");
    let mut left = crate::common::finding_locations(&v, "myteam.no-latest");
    left.sort();
    assert_eq!(
        left,
        [
            ("Dockerfile".to_string(), 3),
            ("scripts/deploy.sh".to_string(), 3)
        ]
    );
    let w = waived(&v, "myteam.no-latest");
    let mut at: Vec<(String, String)> = w
        .iter()
        .map(|f| {
            (
                format!("{}:{}", f["path"].as_str().unwrap(), f["line"]),
                f["reason"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    at.sort();
    assert_eq!(
        at,
        [
            (
                "Dockerfile:2".to_string(),
                "base image rebuilt nightly".to_string()
            ),
            (
                "scripts/deploy.sh:2".to_string(),
                "smoke image only".to_string()
            ),
        ]
    );
}
