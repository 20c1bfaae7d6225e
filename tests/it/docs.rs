//! `docs.*` checks: every status, with paths and lines.

use crate::common::*;

pub const RUNBOOK: &str = "# svc runbook

## Overview
What svc does.

## Deployment
1. merge to main

## Verification
curl -fsS https://svc.example.com/healthz

## Troubleshooting
- **502**: restart the task

## Escalation
1. On-call: PagerDuty `svc-primary`

## Backups
Nightly snapshots.

### Restore
1. `pg_restore -d svc latest.dump`

## Rollback
1. `./deploy.sh previous`
";

/// A repository whose docs pass every docs check.
pub fn docs_repo() -> Repo {
    let r = Repo::git();
    r.write("RUNBOOK.md", RUNBOOK)
        .write("docs/postmortems/TEMPLATE.md", "# Post-mortem\n\n## Summary\nwhat happened\n")
        .write(
            "deployment-readiness.md",
            "# Ready\n\n- [x] Runbook <!-- readyctl: docs.runbook -->\n- [x] Stakeholders informed\n",
        );
    r
}

fn docs_only(r: &Repo) -> serde_json::Value {
    r.check_json(&["--only", "docs.*"]).0
}

#[test]
fn all_docs_pass_and_exit_0() {
    let r = docs_repo();
    let (v, code) = r.check_json(&["--only", "docs.*"]);
    for id in [
        "docs.runbook",
        "docs.rollback",
        "docs.disaster-recovery",
        "docs.placeholders",
        "docs.incident-response",
        "docs.readiness-checklist",
    ] {
        assert_eq!(status(&v, id), "pass", "{id}: {:#}", check(&v, id));
    }
    assert_eq!(code, 0);
    assert_eq!(v["ready"], true);
}

#[test]
fn runbook_missing_fails_with_scaffold_fix() {
    let r = Repo::git();
    r.write("README.md", "# hello\n");
    let v = docs_only(&r);
    let c = check(&v, "docs.runbook");
    assert_eq!(c["status"], "fail");
    assert!(c["message"].as_str().unwrap().contains("no runbook found"));
    assert_eq!(c["fix"]["scaffold"], "runbook");
}

#[test]
fn runbook_missing_sections_are_named() {
    let r = Repo::git();
    r.write(
        "docs/runbook.md",
        "# svc\n\n## Overview\ntext\n\n## Deploy\n1. go\n",
    );
    let v = docs_only(&r);
    let c = check(&v, "docs.runbook");
    assert_eq!(c["status"], "fail");
    let msgs: Vec<&str> = c["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["message"].as_str().unwrap())
        .collect();
    assert!(msgs.iter().any(|m| m.contains("verification")), "{msgs:?}");
    assert!(
        msgs.iter().any(|m| m.contains("troubleshooting")),
        "{msgs:?}"
    );
    assert!(!msgs.iter().any(|m| m.contains("overview")), "{msgs:?}");
    assert_eq!(
        finding_locations(&v, "docs.runbook")[0],
        ("docs/runbook.md".to_string(), 1)
    );
}

#[test]
fn runbook_synonyms_and_split_runbooks_pass() {
    let r = Repo::git();
    r.write(
        "docs/runbooks/intro.md",
        "# About\nthe service\n\n## Release\n1. tag it\n",
    )
    .write(
        "docs/runbooks/ops.md",
        "# Smoke test\nrun it\n\n# Known issues\n- slow start\n",
    );
    let v = docs_only(&r);
    assert_eq!(
        status(&v, "docs.runbook"),
        "pass",
        "{:#}",
        check(&v, "docs.runbook")
    );
}

#[test]
fn rollback_heading_without_steps_fails_at_its_line() {
    let r = Repo::git();
    r.write(
        "docs/ops.md",
        "# Ops\n\nintro\n\n## Rollback\n\nWe roll back if needed.\n",
    );
    let v = docs_only(&r);
    assert_eq!(status(&v, "docs.rollback"), "fail");
    assert_eq!(
        finding_locations(&v, "docs.rollback"),
        vec![("docs/ops.md".to_string(), 5)]
    );
}

#[test]
fn rollback_absent_fails_and_code_block_step_passes() {
    let r = Repo::git();
    r.write("README.md", "# svc\n");
    let v = docs_only(&r);
    assert!(
        check(&v, "docs.rollback")["message"]
            .as_str()
            .unwrap()
            .contains("no rollback procedure found in 1 Markdown file")
    );
    r.write(
        "docs/release.md",
        "# Release\n\n## Reverting a release\n\n```sh\ngit revert HEAD\n```\n",
    );
    let v = docs_only(&r);
    let c = check(&v, "docs.rollback");
    assert_eq!(c["status"], "pass");
    assert!(
        c["message"].as_str().unwrap().contains("docs/release.md:3"),
        "{c:#}"
    );
}

#[test]
fn disaster_recovery_statuses() {
    let r = Repo::git();
    r.write("README.md", "# svc\n");
    assert_eq!(status(&docs_only(&r), "docs.disaster-recovery"), "fail");
    r.write(
        "docs/dr.md",
        "# DR\n\n## Backups\n\nWe take nightly snapshots.\n",
    );
    let v = docs_only(&r);
    assert_eq!(status(&v, "docs.disaster-recovery"), "fail");
    assert_eq!(
        finding_locations(&v, "docs.disaster-recovery"),
        vec![("docs/dr.md".to_string(), 1), ("docs/dr.md".to_string(), 3)]
    );
    r.write(
        "docs/dr.md",
        "# DR\n\n## Backups\n\nNightly.\n\n## Restore\n\n1. `pg_restore latest.dump`\n",
    );
    assert_eq!(status(&docs_only(&r), "docs.disaster-recovery"), "pass");
}

#[test]
fn incident_response_needs_contacts_and_postmortems() {
    let r = Repo::git();
    r.write("RUNBOOK.md", "# svc\n\n## Escalation\n1. call Alice\n");
    let v = docs_only(&r);
    assert_eq!(status(&v, "docs.incident-response"), "fail");
    assert!(
        check(&v, "docs.incident-response")["message"]
            .as_str()
            .unwrap()
            .contains("no post-mortem")
    );
    r.write(
        "AUDIT_MORTEM.md",
        "# Incidents\n\n## 2026-01-02 outage\nwhat happened\n",
    );
    assert_eq!(status(&docs_only(&r), "docs.incident-response"), "pass");

    // The other half: post-mortems without contacts fail too, and adding
    // the escalation contacts makes it pass.
    let r = Repo::git();
    r.write(
        "docs/postmortems/TEMPLATE.md",
        "# Post-mortem template\n\n## Summary\n\n## Timeline\n\n## Action items\n",
    );
    let v = docs_only(&r);
    assert_eq!(status(&v, "docs.incident-response"), "fail", "{v:#}");
    let message = check(&v, "docs.incident-response")["message"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    assert!(
        message.contains("no on-call or escalation contacts"),
        "{message}"
    );
    r.write("RUNBOOK.md", "# svc\n\n## Escalation\n1. call Alice\n");
    assert_eq!(status(&docs_only(&r), "docs.incident-response"), "pass");
}

#[test]
fn placeholders_are_found_with_line_and_column() {
    let r = Repo::git();
    r.write(
        "docs/RUNBOOK.md",
        "# svc\n\n## Overview\n[Brief description of the service]\n\nSee [the docs](https://x.example) and [ref].\n\n[ref]: https://y.example\n\n```\n[Not A Placeholder]\nTODO in code\n```\n\n## Scaling\nTBD\n",
    )
    .write("monitoring/alerts.yml", "groups:\n  - name: x\n    # TODO(readyctl): add rules\n")
    .write("README.md", "# svc\n\nTODO: write a README\n");
    let v = docs_only(&r);
    let c = check(&v, "docs.placeholders");
    assert_eq!(c["status"], "fail");
    let locs: Vec<(String, u64, u64)> = c["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["path"].as_str().unwrap().to_string(),
                f["line"].as_u64().unwrap(),
                f["column"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        locs,
        vec![
            ("docs/RUNBOOK.md".to_string(), 4, 1),
            ("docs/RUNBOOK.md".to_string(), 16, 1),
            ("monitoring/alerts.yml".to_string(), 3, 7),
        ]
    );
}

#[test]
fn capitalised_angle_placeholders_are_template_text_but_command_arguments_are_not() {
    let r = Repo::git();
    r.write(
        "docs/RUNBOOK.md",
        "# svc\n\n## Escalation\nPage <TEAM NAME> on call.\n\n## Logs\nRun `kubectl logs <POD NAME>` or read <POD_NAME>'s events.<BR>\n",
    );
    let v = docs_only(&r);
    let c = check(&v, "docs.placeholders");
    assert_eq!(c["status"], "fail", "{c:#}");
    let found: Vec<(u64, u64)> = c["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["line"].as_u64().unwrap(), f["column"].as_u64().unwrap()))
        .collect();
    assert_eq!(found, vec![(4, 6)], "{c:#}");
}

#[test]
fn placeholders_pass_on_filled_docs() {
    let r = docs_repo();
    assert_eq!(status(&docs_only(&r), "docs.placeholders"), "pass");
}

#[test]
fn checklist_missing_and_empty_fail() {
    let r = Repo::git();
    r.write("README.md", "# svc\n");
    let v = docs_only(&r);
    let c = check(&v, "docs.readiness-checklist");
    assert_eq!(c["status"], "fail");
    assert_eq!(c["message"], "deployment-readiness.md not found");
    assert_eq!(c["fix"]["scaffold"], "checklist");
    r.write("deployment-readiness.md", "# Ready\n\nNothing to tick.\n");
    assert_eq!(status(&docs_only(&r), "docs.readiness-checklist"), "fail");
}

#[test]
fn checklist_unresolved_items_are_listed_at_their_lines() {
    let r = Repo::git();
    r.write(
        "deployment-readiness.md",
        "# Ready\n\n- [x] Rollback documented <!-- readyctl: docs.rollback -->\n- [ ] Stakeholders informed\n- [x] Window agreed\n- [ ] Thing <!-- readyctl: docs.nonsense -->\n",
    );
    let (v, code) = r.check_json(&["--only", "docs.readiness-checklist"]);
    assert_eq!(code, 1);
    let c = check(&v, "docs.readiness-checklist");
    assert_eq!(c["status"], "fail");
    assert_eq!(
        c["message"],
        "deployment-readiness.md: 3 of 4 items unresolved"
    );
    let f = c["findings"].as_array().unwrap();
    let lines: Vec<u64> = f.iter().map(|f| f["line"].as_u64().unwrap()).collect();
    assert_eq!(lines, vec![3, 4, 6]);
    assert!(
        f[0]["message"]
            .as_str()
            .unwrap()
            .contains("docs.rollback failed"),
        "{f:?}"
    );
    assert!(
        f[1]["message"].as_str().unwrap().contains("not ticked"),
        "{f:?}"
    );
    assert!(
        f[2]["message"]
            .as_str()
            .unwrap()
            .contains("unknown check `docs.nonsense`"),
        "{f:?}"
    );
    assert_eq!(f[2]["column"], 28);
    // Only the selected check is reported, though docs.rollback ran for the checklist.
    assert_eq!(v["checks"].as_array().unwrap().len(), 1);
}

#[test]
fn checklist_that_cannot_be_read_is_an_error_and_fails_closed() {
    let r = Repo::git();
    r.write(
        "deployment-readiness.md",
        b"- [x] a\0\x01\x02 binary".as_slice(),
    );
    let (v, code) = r.check_json(&["--only", "docs.readiness-checklist", "--fail-on", "never"]);
    assert_eq!(status(&v, "docs.readiness-checklist"), "error");
    assert_eq!(
        code, 1,
        "an error status fails the gate even with --fail-on never"
    );
    assert_eq!(v["summary"]["error"], 1);
}

#[test]
fn checklist_path_from_config() {
    let r = docs_repo();
    r.write("readyctl.yaml", "version: 1\nchecklist: docs/READY.md\n")
        .write("docs/READY.md", "- [ ] manual thing\n");
    let v = docs_only(&r);
    let c = check(&v, "docs.readiness-checklist");
    assert_eq!(c["status"], "fail");
    assert_eq!(
        finding_locations(&v, "docs.readiness-checklist"),
        vec![("docs/READY.md".to_string(), 1)]
    );
}

// ---- real shapes that misled the docs checks (trust) ----------------------

fn docs_status(repo: &Repo, id: &str) -> (String, String) {
    let (s, m, _, _) = check_summary(repo, id);
    (s, m)
}

#[test]
fn changelog_reverts_and_rbac_rollback_action_are_not_procedures() {
    let r = Repo::git();
    r.write(
        "CHANGELOG.md",
        "# Changelog\n\n## v1.2.0\n\n### Reverts\n\n- revert \"feat: new cache\" (#123)\n- revert bump\n",
    )
    .write(
        "docs/operator-manual/rbac.md",
        "# RBAC\n\n## The rollback action\n\n- `applications, rollback, */*, allow`\n- grants rolling back an app\n",
    );
    r.commit("docs");
    let (s, m) = docs_status(&r, "docs.rollback");
    assert_eq!(s, "fail", "{m}");
    // A real procedure passes, and is cited.
    r.write(
        "docs/ROLLBACK.md",
        "# Rolling back a release\n\n1. `helm rollback api 0`\n2. Watch `kubectl rollout status deploy/api`\n",
    );
    let (s, m) = docs_status(&r, "docs.rollback");
    assert_eq!(s, "pass", "{m}");
    assert!(m.contains("docs/ROLLBACK.md:1"), "{m}");
}

#[test]
fn tldr_and_test_snapshots_are_not_disaster_recovery() {
    let r = Repo::git();
    r.write(
        "CONTRIBUTING.md",
        "# Contributing\n\n## TL;DR\n\n- run `make test`\n\n## Snapshots\n\nWe use insta snapshots; to restore a snapshot run `cargo insta review`.\n",
    );
    r.commit("docs");
    let (s, m) = docs_status(&r, "docs.disaster-recovery");
    assert_eq!(s, "fail", "{m}");
    assert!(m.starts_with("no backup"), "{m}");
}

#[test]
fn restore_written_as_a_sentence_with_an_inline_command_counts() {
    let r = Repo::git();
    r.write(
        "docs/operations.md",
        "# Operations\n\n## Backups\n\nRDS keeps automated snapshots for 14 days.\n\n## Disaster recovery\n\nTo restore: `aws rds restore-db-instance-from-db-snapshot --db-instance-identifier api-restored --db-snapshot-identifier <id>` and point the service at it.\n",
    );
    r.commit("docs");
    let (s, m) = docs_status(&r, "docs.disaster-recovery");
    assert_eq!(s, "pass", "{m}");
}

#[test]
fn incident_section_with_paging_escalation_and_postmortem_practice_passes() {
    let r = Repo::git();
    r.write(
        "docs/RUNBOOK.md",
        "# Runbook\n\n## Incident response\n\nAlerts page the on-call engineer through PagerDuty (service `api-prod`).\nEscalate to the platform lead after 30 minutes.\nEvery SEV1/SEV2 gets a blameless post-mortem within five working days.\n",
    );
    r.commit("docs");
    let (s, m) = docs_status(&r, "docs.incident-response");
    assert_eq!(s, "pass", "{m}");
}

#[test]
fn a_service_named_contacts_is_not_an_escalation_list() {
    let r = Repo::git();
    r.write(
        "src/contacts/README.md",
        "# contacts\n\nThe contacts service stores the user's address book.\n",
    );
    r.commit("svc");
    let (s, m) = docs_status(&r, "docs.incident-response");
    assert_eq!(s, "fail", "{m}");
    assert!(m.starts_with("no on-call"), "{m}");
}

#[test]
fn a_schema_document_is_not_the_runbook() {
    let r = Repo::git();
    r.write(
        "docs/playbook.schema.md",
        "# Playbook schema\n\n## Overview\nfields\n\n## Deployment\nn/a\n\n## Verification\nn/a\n\n## Troubleshooting\nn/a\n",
    );
    r.commit("docs");
    let (s, m) = docs_status(&r, "docs.runbook");
    assert_eq!(s, "fail", "{m}");
    assert!(m.starts_with("no runbook found"), "{m}");
}

#[test]
fn an_adr_section_of_follow_up_work_named_todo_is_not_a_placeholder() {
    let r = Repo::git();
    r.write(
        "docs/adr/0003-use-postgres.md",
        "# 3. Use PostgreSQL\n\n## Status\nAccepted\n\n## Decision\nWe use PostgreSQL 16.\n\n## TODO\n\n- migrate the reporting jobs (TODO: owner to be named by Q3)\n",
    );
    r.commit("adr");
    let (s, m, _, f) = check_summary(&r, "docs.placeholders");
    assert_eq!(s, "pass", "{m} {f:?}");
    // Template text elsewhere in the ADR still fails.
    r.write(
        "docs/adr/0004-queues.md",
        "# 4. Queues\n\n## Decision\nTBD\n",
    );
    let (s, _, locs, _) = check_summary(&r, "docs.placeholders");
    assert_eq!(s, "fail");
    assert_eq!(locs, vec![("docs/adr/0004-queues.md".to_string(), 4)]);
}
