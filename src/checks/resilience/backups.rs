//! `resilience.backups`: every declared datastore has automated backups
//! kept at least `resilience.min_backup_days`.

use super::datastore_ha::{evidence, short_list};
use super::inventory::{Datastore, Inventory};
use super::terraform::fmt_num;
use crate::check::{Check, CheckMeta, Context, Outcome};
use crate::findings::{Finding, Severity};
use crate::repo::text::plural;

const EXPLAIN: &str = r#"
## What it checks
That every datastore in the inventory (see `readyctl explain
resilience.datastore-ha` for where it comes from) has automated backups kept
at least `resilience.min_backup_days` (default 7) days:
- RDS and Aurora `backup_retention_period` (the AWS default is 1 day; 0
  turns backups off); `deletion_protection` is recorded in the evidence;
- ElastiCache and MemoryDB `snapshot_retention_limit` (default 0: none);
- DynamoDB `point_in_time_recovery { enabled = true }` (35 days, or
  `recovery_period_in_days`);
- Cloud SQL `settings.backup_configuration.enabled` with
  `backup_retention_settings.retained_backups` (default 7) and point-in-time
  recovery; Memorystore `persistence_config.persistence_mode = "RDB"`;
- Azure flexible servers' `backup_retention_days` (default 7), SQL Database
  `short_term_retention_policy`, Azure Cache for Redis `rdb_backup_enabled`;
- AWS Backup: an `aws_backup_selection` of an `aws_backup_plan` that names
  the resource (`resources = [aws_db_instance.main.arn]`), selects it by tag
  (`selection_tag` or `condition { string_equals }` against the resource's
  literal `tags`) or selects `["*"]`; retention is the longest
  `lifecycle.delete_after` of the plan's rules (none: kept until deleted);
- Velero `Schedule`s whose `includedNamespaces` cover a Kubernetes
  datastore's namespace (`ttl`, default 720h); for the PostgreSQL/MySQL
  charts, the Argo CD destination or Flux target namespace, and for a
  chart's own `values*.yaml` (installed anywhere) only a schedule of every
  namespace;
- CloudNativePG `spec.backup` with a `ScheduledBackup` (and
  `retentionPolicy`), Zalando `enableLogicalBackup`;
- the Bitnami `postgresql` chart's `backup.enabled` (a `pg_dumpall`
  CronJob on `backup.cronjob.schedule`, default `@daily`, writing to a
  volume in the cluster, kept until deleted; `backup.cronjob.storage.enabled:
  false` writes them to an emptyDir, which is none); the `mysql` and
  `postgresql-ha` charts take no backups. `primary.persistence` keeps the
  data on a volume, which is not a backup: a dropped table is gone from it
  too, so it does not count for these charts;
- self-hosted Redis: persistence on every server (`appendonly yes`, or RDB
  `save` lines; `save ""` without AOF is none) with the data directory on a
  volume (Compose `volumes`, StatefulSet `volumeClaimTemplates`, the chart's
  `persistence.enabled`, OpsTree `storage.volumeClaimTemplate`). Persistence is not a copy elsewhere; it is what a
  self-hosted Redis has, and a master restarting empty wipes its replicas.

A retention computed outside the repository is listed, not judged.

## Why it matters
Failover protects against a lost node, not against a bad migration, a
deleted table or a corrupted write: those replicate instantly. Only a backup
older than the mistake brings the data back, and a retention of one day
means a problem found after the weekend cannot be undone.

## How to fix
Set the retention on the resource, or select it with an AWS Backup plan or
a Velero schedule, and describe the restore in the runbook (see
`docs.disaster-recovery`). Change `resilience.min_backup_days` in
`readyctl.yaml` if your recovery objective needs a different window.

## Example
```hcl
resource "aws_db_instance" "main" {
  engine                  = "postgres"
  multi_az                = true
  backup_retention_period = 14
  deletion_protection     = true
}
```
"#;

pub(super) fn check() -> Box<dyn Check> {
    super::check(
        CheckMeta::define("resilience.backups")
            .title("Datastores are backed up automatically")
            .severity(Severity::Warning)
            .explain(EXPLAIN)
            .fix("keep automated backups for resilience.min_backup_days (retention on the resource, an AWS Backup plan or a Velero schedule; persistence for self-hosted Redis)")
            .build(),
        run,
    )
}

/// Findings for one datastore (empty when its backups are good), and how it is backed up.
fn judge(d: &Datastore, min_days: f64) -> (Vec<Finding>, String) {
    let at = |f: Finding, l: &super::inventory::Loc| f.at(l.path.clone(), Some(l.line));
    let persistence: Vec<_> = d.backups.iter().filter(|b| b.persistence).collect();
    let copies: Vec<_> = d.backups.iter().filter(|b| !b.persistence).collect();
    // A copy elsewhere kept long enough.
    if let Some(b) = copies
        .iter()
        .find(|b| b.enabled && !b.unknown && b.days.is_none_or(|n| n >= min_days))
    {
        return (Vec::new(), format!("{} ({})", d.name, b.what));
    }
    // Decided outside the repository: listed, not judged.
    if let Some(b) = copies.iter().find(|b| b.unknown) {
        return (Vec::new(), format!("?{} ({})", d.name, b.what));
    }
    // Self-hosted persistence on every server.
    if copies.is_empty() && !persistence.is_empty() && persistence.iter().all(|b| b.enabled) {
        return (
            Vec::new(),
            format!(
                "{} (persistence on {})",
                d.name,
                plural(persistence.len(), "server set")
            ),
        );
    }
    let mut out = Vec::new();
    for b in &copies {
        if !b.enabled {
            out.push(at(Finding::new(b.problem.clone()).rule("no-backup"), &b.at));
        } else if let Some(n) = b.days {
            out.push(at(
                Finding::new(format!(
                    "{}: {}: kept {} day{}, fewer than the {} of resilience.min_backup_days",
                    d.name,
                    b.what,
                    fmt_num(n),
                    if n == 1.0 { "" } else { "s" },
                    fmt_num(min_days)
                ))
                .rule("short-retention"),
                &b.at,
            ));
        }
    }
    if copies.is_empty() {
        for b in persistence.iter().filter(|b| !b.enabled) {
            out.push(at(
                Finding::new(b.problem.clone()).rule("no-persistence"),
                &b.at,
            ));
        }
    }
    if out.is_empty() {
        out.push(at(
            Finding::new(format!(
                "{}: no automated backup declared (retention, AWS Backup plan, Velero schedule)",
                d.name
            ))
            .rule("no-backup"),
            &d.at,
        ));
    }
    (out, String::new())
}

fn run(inv: &Inventory, ctx: &Context) -> Outcome {
    let min_days = f64::from(ctx.config.config.resilience.min_backup_days());
    let mut findings = Vec::new();
    let mut ok = Vec::new();
    let mut unprotected = Vec::new();
    let mut judged = 0;
    for d in &inv.datastores {
        if d.backups_not_judged.is_some() {
            continue;
        }
        judged += 1;
        let (f, how) = judge(d, min_days);
        if f.is_empty() {
            ok.push(how);
        }
        findings.extend(f);
        if d.facts.iter().any(|f| {
            f.setting == "deletion_protection"
                && f.value != "true"
                && !f.value.starts_with("computed")
        }) {
            unprotected.push(d.name.clone());
        }
    }
    if judged == 0 {
        return Outcome::skip("no datastore whose backups can be judged (caches only)")
            .with_evidence(evidence(inv));
    }
    let (unknown, ok): (Vec<String>, Vec<String>) =
        ok.into_iter().partition(|h| h.starts_with('?'));
    let unknown: Vec<String> = unknown.iter().map(|h| h[1..].to_string()).collect();
    let mut note = String::new();
    if !unknown.is_empty() {
        note.push_str(&format!(
            "; retention computed outside the repository, not judged: {}",
            short_list(&unknown, 2)
        ));
    }
    if !unprotected.is_empty() {
        note.push_str(&format!(
            "; deletion_protection off: {}",
            short_list(&unprotected, 3)
        ));
    }
    let outcome = if findings.is_empty() && ok.is_empty() {
        Outcome::pass(format!("no datastore fails{}", note.replacen(';', ":", 1)))
    } else if findings.is_empty() {
        Outcome::pass(format!(
            "{} backed up (at least {} days): {}{note}",
            plural(ok.len(), "datastore"),
            fmt_num(min_days),
            short_list(&ok, 3)
        ))
    } else {
        Outcome::fail(
            format!(
                "{} of {} without backups kept {} days{note}",
                judged - ok.len() - unknown.len(),
                plural(judged, "datastore"),
                fmt_num(min_days)
            ),
            findings,
        )
    };
    outcome.with_evidence(evidence(inv))
}
