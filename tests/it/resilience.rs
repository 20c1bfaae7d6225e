//! `resilience.*` and `monitoring.alert-runbooks` on fixture repositories:
//! Redis Sentinel in Compose and in the Bitnami chart, RDS and AWS Backup in
//! Terraform, alert rules with and without runbooks.

use crate::common::{Repo, check, check_summary};

type Summary = (String, String, Vec<(String, u64)>, Vec<String>);

fn ha(repo: &Repo) -> Summary {
    check_summary(repo, "resilience.datastore-ha")
}

fn backups(repo: &Repo) -> Summary {
    check_summary(repo, "resilience.backups")
}

fn runbooks(repo: &Repo) -> Summary {
    check_summary(repo, "monitoring.alert-runbooks")
}

/// One master, two replicas and three sentinels, configured by mounted files.
const COMPOSE: &str = r#"name: payments
services:
  redis-master:
    image: redis:7.2-alpine
    command: ["redis-server", "/usr/local/etc/redis/redis.conf"]
    volumes:
      - ./redis/master.conf:/usr/local/etc/redis/redis.conf:ro
      - master-data:/data
  redis-replica-1:
    image: redis:7.2-alpine
    command: ["redis-server", "/usr/local/etc/redis/redis.conf", "--replicaof", "redis-master", "6379"]
    volumes:
      - ./redis/replica.conf:/usr/local/etc/redis/redis.conf:ro
      - replica-1-data:/data
  redis-replica-2:
    image: redis:7.2-alpine
    command: ["redis-server", "/usr/local/etc/redis/redis.conf", "--replicaof", "redis-master", "6379"]
    volumes:
      - ./redis/replica.conf:/usr/local/etc/redis/redis.conf:ro
      - replica-2-data:/data
  sentinel-1:
    image: redis:7.2-alpine
    command: ["redis-sentinel", "/etc/redis/sentinel.conf"]
    volumes: ["./redis/sentinel.conf:/etc/redis/sentinel.conf"]
  sentinel-2:
    image: redis:7.2-alpine
    command: ["redis-sentinel", "/etc/redis/sentinel.conf"]
    volumes: ["./redis/sentinel.conf:/etc/redis/sentinel.conf"]
  sentinel-3:
    image: redis:7.2-alpine
    command: ["redis-sentinel", "/etc/redis/sentinel.conf"]
    volumes: ["./redis/sentinel.conf:/etc/redis/sentinel.conf"]
volumes:
  master-data:
  replica-1-data:
  replica-2-data:
"#;

const MASTER_CONF: &str = "# redis.conf of the master\nport 6379\nappendonly yes\nappendfsync everysec\nmin-replicas-to-write 1\nmin-replicas-max-lag 10\n";
const REPLICA_CONF: &str = "port 6379\nappendonly yes\nmin-replicas-to-write 1\nmin-replicas-max-lag 10\nreplica-priority 100\n";
const SENTINEL_CONF: &str = "port 26379\nsentinel monitor mymaster redis-master 6379 2\nsentinel down-after-milliseconds mymaster 5000\nsentinel failover-timeout mymaster 30000\nsentinel parallel-syncs mymaster 1\n";

fn sentinel_repo() -> Repo {
    let repo = Repo::plain();
    repo.write("docker-compose.yml", COMPOSE);
    repo.write("redis/master.conf", MASTER_CONF);
    repo.write("redis/replica.conf", REPLICA_CONF);
    repo.write("redis/sentinel.conf", SENTINEL_CONF);
    repo
}

#[test]
fn compose_sentinel_passes_then_slow_detection_and_unsafe_writes_fail() {
    let repo = sentinel_repo();
    let (st, msg, _, f) = ha(&repo);
    assert_eq!(st, "pass", "{msg} {f:?}");
    assert_eq!(
        msg,
        "1 datastore fails over by itself (Sentinel within the 10 s target): Redis in docker-compose.yml (Sentinel: 3 sentinels, down-after 5000 ms)"
    );
    let (st, msg, _, _) = backups(&repo);
    assert_eq!(st, "pass", "{msg}");

    // Detection alone longer than the target: the arithmetic is in the finding.
    repo.write(
        "redis/sentinel.conf",
        SENTINEL_CONF.replace("mymaster 5000", "mymaster 30000"),
    );
    let (st, _, locs, f) = ha(&repo);
    assert_eq!(st, "fail");
    assert_eq!(locs, vec![("redis/sentinel.conf".to_string(), 3)]);
    assert_eq!(
        f[0],
        "Redis in docker-compose.yml: down-after-milliseconds 30000 alone exceeds the 10 s failover target (resilience.failover_target)"
    );
    // Detection fits, detection + election does not.
    repo.write(
        "redis/sentinel.conf",
        SENTINEL_CONF.replace("mymaster 5000", "mymaster 9000"),
    );
    let (_, _, _, f) = ha(&repo);
    assert!(
        f[0].contains("down-after-milliseconds 9000 + ~2 s for election and promotion = 11 s, over the 10 s failover target"),
        "{f:?}"
    );
    // A looser target from readyctl.yaml makes the same setting pass.
    repo.write(
        "readyctl.yaml",
        "version: 1\nresilience:\n  failover_target: 15s\n",
    );
    let (st, msg, _, _) = ha(&repo);
    assert_eq!(st, "pass", "{msg}");
    std::fs::remove_file(repo.path().join("readyctl.yaml")).unwrap();

    // The master acknowledges writes without a replica: the zero-loss target is named.
    repo.write("redis/sentinel.conf", SENTINEL_CONF);
    repo.write(
        "redis/master.conf",
        MASTER_CONF.replace("min-replicas-to-write 1", "min-replicas-to-write 0"),
    );
    let (st, _, locs, f) = ha(&repo);
    assert_eq!(st, "fail");
    assert_eq!(locs, vec![("redis/master.conf".to_string(), 5)]);
    assert!(
        f[0].starts_with("redis-master: min-replicas-to-write 0:")
            && f[0].contains("(zero-data-loss target)"),
        "{f:?}"
    );
}

#[test]
fn too_few_sentinels_bad_quorum_and_unpromotable_replicas() {
    let repo = sentinel_repo();
    // Two sentinels, quorum 3, a replica that can never be promoted.
    let compose: String = COMPOSE.split("  sentinel-3:").next().unwrap().to_string()
        + "volumes:\n  master-data:\n  replica-1-data:\n  replica-2-data:\n";
    repo.write("docker-compose.yml", &compose);
    repo.write(
        "redis/sentinel.conf",
        SENTINEL_CONF.replace("6379 2", "6379 3"),
    );
    repo.write(
        "redis/replica.conf",
        REPLICA_CONF.replace("replica-priority 100", "replica-priority 0"),
    );
    let (st, _, locs, f) = ha(&repo);
    assert_eq!(st, "fail");
    assert!(
        f[0].contains("2 sentinels (sentinel-1, sentinel-2); fewer than 3"),
        "{f:?}"
    );
    assert_eq!(locs[0], ("docker-compose.yml".to_string(), 21));
    assert!(
        f[1].contains("quorum 3 is more than the 2 sentinels"),
        "{f:?}"
    );
    assert_eq!(locs[1], ("redis/sentinel.conf".to_string(), 2));
    let prio: Vec<_> = f
        .iter()
        .filter(|m| m.contains("replica-priority 0"))
        .collect();
    assert_eq!(prio.len(), 2, "{f:?}");
}

#[test]
fn redis_without_persistence_volume_fails_backups() {
    let repo = sentinel_repo();
    repo.write(
        "docker-compose.yml",
        COMPOSE.replace("      - master-data:/data\n", ""),
    );
    repo.write(
        "redis/master.conf",
        MASTER_CONF.replace("appendonly yes", "appendonly no\nsave \"\""),
    );
    let (st, _, locs, f) = backups(&repo);
    assert_eq!(st, "fail");
    assert_eq!(locs, vec![("redis/master.conf".to_string(), 4)], "{f:?}");
    assert!(f[0].contains("persistence is off"), "{f:?}");
}

#[test]
fn bitnami_chart_values_with_sentinel() {
    let repo = Repo::plain();
    repo.write(
        "deploy/redis/Chart.yaml",
        "apiVersion: v2\nname: cache\nversion: 1.0.0\ndependencies:\n  - name: redis\n    version: 19.6.4\n    repository: oci://registry-1.docker.io/bitnamicharts\n",
    );
    let values = r#"redis:
  architecture: replication
  auth:
    enabled: true
    existingSecret: redis-auth
  commonConfiguration: |-
    appendonly yes
    min-replicas-to-write 1
    min-replicas-max-lag 10
  replica:
    replicaCount: 3
    persistence:
      enabled: true
      size: 8Gi
  sentinel:
    enabled: true
    quorum: 2
    downAfterMilliseconds: 5000
    failoverTimeout: 18000
"#;
    repo.write("deploy/redis/values.yaml", values);
    let (st, msg, _, f) = ha(&repo);
    assert_eq!(st, "pass", "{msg} {f:?}");
    assert!(
        msg.contains("(Sentinel: 3 sentinels, down-after 5000 ms)"),
        "{msg}"
    );
    let (st, msg, _, _) = backups(&repo);
    assert_eq!(st, "pass", "{msg}");

    // The chart's default detection time (60 s) and no write guard.
    repo.write(
        "deploy/redis/values.yaml",
        values
            .replace("    downAfterMilliseconds: 5000\n", "")
            .replace("    min-replicas-to-write 1\n", ""),
    );
    let (st, _, locs, f) = ha(&repo);
    assert_eq!(st, "fail");
    assert!(
        f[0].contains("down-after-milliseconds is not set: its default 60000 alone exceeds the 10 s failover target"),
        "{f:?}"
    );
    assert_eq!(locs[0], ("deploy/redis/values.yaml".to_string(), 15));
    assert!(f[1].contains("min-replicas-to-write 0"), "{f:?}");
}

const RDS_GOOD: &str = r#"resource "aws_db_instance" "main" {
  identifier              = "payments"
  engine                  = "postgres"
  engine_version          = "16.3"
  instance_class          = "db.m6g.large"
  allocated_storage       = 100
  multi_az                = true
  backup_retention_period = 14
  deletion_protection     = true
}
"#;

#[test]
fn rds_multi_az_with_14_day_backups_passes() {
    let repo = Repo::plain();
    repo.write("infra/db.tf", RDS_GOOD);
    let (st, msg, _, _) = ha(&repo);
    assert_eq!(st, "pass", "{msg}");
    assert_eq!(
        msg,
        "1 datastore fails over by itself: aws_db_instance.main (multi_az)"
    );
    let (st, msg, _, _) = backups(&repo);
    assert_eq!(st, "pass", "{msg}");
    assert!(
        msg.contains("aws_db_instance.main (backups: backup_retention_period = 14)"),
        "{msg}"
    );
}

#[test]
fn rds_single_az_without_backups_fails_at_both_lines() {
    let repo = Repo::plain();
    repo.write(
        "infra/db.tf",
        RDS_GOOD
            .replace(
                "multi_az                = true",
                "multi_az                = false",
            )
            .replace(
                "backup_retention_period = 14",
                "backup_retention_period = 0",
            )
            .replace(
                "deletion_protection     = true",
                "deletion_protection     = false",
            ),
    );
    let (st, _, locs, f) = ha(&repo);
    assert_eq!(st, "fail");
    assert_eq!(locs, vec![("infra/db.tf".to_string(), 7)]);
    assert!(
        f[0].starts_with("aws_db_instance.main: multi_az = false: single-AZ"),
        "{f:?}"
    );
    let (st, msg, locs, f) = backups(&repo);
    assert_eq!(st, "fail");
    assert_eq!(locs, vec![("infra/db.tf".to_string(), 8)]);
    assert!(
        f[0].contains("backup_retention_period = 0: no automated backups"),
        "{f:?}"
    );
    assert!(
        msg.contains("deletion_protection off: aws_db_instance.main"),
        "{msg}"
    );

    // Not set at all: the AWS default of one day is too short.
    repo.write(
        "infra/db.tf",
        RDS_GOOD.replace("  backup_retention_period = 14\n", ""),
    );
    let (_, _, locs, f) = backups(&repo);
    assert_eq!(locs, vec![("infra/db.tf".to_string(), 1)]);
    assert!(
        f[0].contains(
            "backups: backup_retention_period is not set (default 1): kept 1 day, fewer than the 7"
        ),
        "{f:?}"
    );
}

#[test]
fn variables_resolve_to_their_defaults() {
    let repo = Repo::plain();
    repo.write(
        "main.tf",
        "variable \"multi_az\" {\n  type    = bool\n  default = false\n}\n\nresource \"aws_db_instance\" \"db\" {\n  engine   = \"mysql\"\n  multi_az = var.multi_az\n  backup_retention_period = var.retention\n}\n",
    );
    let (st, _, locs, f) = ha(&repo);
    assert_eq!(st, "fail", "{f:?}");
    assert_eq!(locs, vec![("main.tf".to_string(), 8)]);
    // A retention without a default is decided outside the repository: not judged.
    let (st, msg, _, _) = backups(&repo);
    assert_eq!(st, "pass", "{msg}");
}

#[test]
fn aws_backup_plan_selecting_by_tag_covers_the_cluster() {
    let repo = Repo::plain();
    repo.write(
        "infra/cache.tf",
        r#"resource "aws_elasticache_replication_group" "sessions" {
  replication_group_id       = "sessions"
  description                = "session store"
  engine                     = "redis"
  node_type                  = "cache.r7g.large"
  num_cache_clusters         = 3
  automatic_failover_enabled = true
  multi_az_enabled           = true
  tags = {
    backup = "daily"
  }
}

resource "aws_backup_plan" "daily" {
  name = "daily"
  rule {
    rule_name         = "daily"
    target_vault_name = "main"
    schedule          = "cron(0 3 * * ? *)"
    lifecycle {
      delete_after = 35
    }
  }
}

resource "aws_backup_selection" "tagged" {
  name         = "tagged"
  iam_role_arn = "arn:aws:iam::123456789012:role/backup"
  plan_id      = aws_backup_plan.daily.id
  selection_tag {
    type  = "STRINGEQUALS"
    key   = "backup"
    value = "daily"
  }
}
"#,
    );
    let (st, msg, _, _) = ha(&repo);
    assert_eq!(st, "pass", "{msg}");
    let (st, msg, _, f) = backups(&repo);
    assert_eq!(st, "pass", "{msg} {f:?}");
    assert!(
        msg.contains("AWS Backup plan aws_backup_plan.daily (kept 35 days, cron(0 3 * * ? *))"),
        "{msg}"
    );
    // Without the tag, only the cluster's own snapshots count: none by default.
    repo.write(
        "infra/cache.tf",
        repo.read("infra/cache.tf")
            .replace("    backup = \"daily\"\n", "    team = \"payments\"\n"),
    );
    let (st, _, locs, f) = backups(&repo);
    assert_eq!(st, "fail");
    assert_eq!(locs, vec![("infra/cache.tf".to_string(), 1)]);
    assert!(
        f[0].contains("snapshot_retention_limit is not set (default 0)"),
        "{f:?}"
    );
}

#[test]
fn inventory_is_in_the_json_evidence() {
    let repo = sentinel_repo();
    repo.write("infra/db.tf", RDS_GOOD);
    let (v, _) = repo.check_json(&["--only", "resilience.*"]);
    let ev = &check(&v, "resilience.datastore-ha")["evidence"];
    let stores = ev["datastores"].as_array().expect("datastores");
    let names: Vec<&str> = stores.iter().map(|d| d["name"].as_str().unwrap()).collect();
    assert_eq!(
        names,
        vec!["Redis in docker-compose.yml", "aws_db_instance.main"]
    );
    assert_eq!(stores[1]["engine"], "postgres");
    assert_eq!(stores[1]["path"], "infra/db.tf");
    assert_eq!(stores[1]["line"], 1);
    let facts = stores[1]["facts"].as_array().unwrap();
    assert!(
        facts
            .iter()
            .any(|f| f["setting"] == "multi_az" && f["value"] == "true" && f["line"] == 7),
        "{facts:?}"
    );
    assert_eq!(stores[0]["failover"]["sentinels"], 3);
    assert_eq!(
        check(&v, "resilience.backups")["evidence"]["datastores"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
}

#[test]
fn nothing_declared_skips() {
    let repo = Repo::plain();
    repo.write("README.md", "# app\n");
    // A single database in Compose is a development setup, set aside.
    repo.write(
        "docker-compose.yml",
        "services:\n  db:\n    image: postgres:16\n    environment:\n      POSTGRES_PASSWORD: dev\n",
    );
    let (st, msg, _, _) = ha(&repo);
    assert_eq!(st, "skip");
    assert_eq!(
        msg,
        "no datastore declared (1 set aside as development setups)"
    );
    let (st, _, _, _) = backups(&repo);
    assert_eq!(st, "skip");
    let (st, msg, _, _) = runbooks(&repo);
    assert_eq!(st, "skip", "{msg}");
}

#[test]
fn invalid_resilience_config_names_its_line() {
    let repo = Repo::plain();
    repo.write(
        "readyctl.yaml",
        "version: 1\nresilience:\n  failover_targt: 5s\n",
    );
    let r = repo.readyctl(&["check", "--offline", "--no-progress"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("readyctl.yaml:3"), "{}", r.stderr);
    repo.write(
        "readyctl.yaml",
        "version: 1\nresilience:\n  min_backup_days: 0\n",
    );
    let r = repo.readyctl(&["check", "--offline", "--no-progress"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("readyctl.yaml:3"), "{}", r.stderr);
}

const RUNBOOK: &str = "# payments runbook\n\n## Overview\n\nPayments.\n\n## Datastore failover\n\n1. Check `redis-cli -p 26379 sentinel masters`.\n";

fn alerts(runbook_url: Option<&str>) -> String {
    let ann = runbook_url
        .map(|u| format!("        annotations:\n          summary: replicas missing\n          runbook_url: {u}\n"))
        .unwrap_or_default();
    format!(
        "groups:\n  - name: redis\n    rules:\n      - record: redis:connected_slaves:min\n        expr: min(redis_connected_slaves)\n      - alert: RedisReplicasMissing\n        expr: redis_connected_slaves{{job=\"redis\"}} < 2\n        for: 1m\n{ann}"
    )
}

#[test]
fn alert_with_runbook_link_to_existing_heading_passes() {
    let repo = sentinel_repo();
    repo.write("docs/RUNBOOK.md", RUNBOOK);
    repo.write(
        "monitoring/alerts.yml",
        alerts(Some("docs/RUNBOOK.md#datastore-failover")),
    );
    let (st, msg, _, f) = runbooks(&repo);
    assert_eq!(st, "pass", "{msg} {f:?}");
    assert_eq!(
        msg,
        "1 alert link a runbook (1 in this repository, 0 elsewhere); every datastore has an alert"
    );
}

#[test]
fn alert_linking_a_missing_heading_fails_at_the_alert() {
    let repo = Repo::plain();
    repo.write("docs/RUNBOOK.md", RUNBOOK);
    repo.write(
        "monitoring/alerts.yml",
        alerts(Some("../docs/RUNBOOK.md#redis-failover")),
    );
    let (st, _, locs, f) = runbooks(&repo);
    assert_eq!(st, "fail");
    assert_eq!(locs, vec![("monitoring/alerts.yml".to_string(), 6)]);
    assert_eq!(
        f[0],
        "alert RedisReplicasMissing: runbook link ../docs/RUNBOOK.md#redis-failover is broken: docs/RUNBOOK.md has no heading #redis-failover (has: payments-runbook, overview, datastore-failover)"
    );
    repo.write("monitoring/alerts.yml", alerts(Some("docs/RUNBOK.md")));
    let (_, _, _, f) = runbooks(&repo);
    assert!(
        f[0].ends_with("is broken: no file docs/RUNBOK.md in the repository"),
        "{f:?}"
    );
}

#[test]
fn alert_without_runbook_fails_and_names_unwatched_datastores() {
    let repo = sentinel_repo();
    repo.write("infra/db.tf", RDS_GOOD);
    repo.write("monitoring/alerts.yml", alerts(None));
    let (st, msg, locs, f) = runbooks(&repo);
    assert_eq!(st, "fail");
    assert_eq!(locs, vec![("monitoring/alerts.yml".to_string(), 6)]);
    assert_eq!(
        f[0],
        "alert RedisReplicasMissing has no runbook link (annotations.runbook_url)"
    );
    assert!(
        msg.ends_with("; no alert for datastore aws_db_instance.main"),
        "{msg}"
    );
}

#[test]
fn links_by_url_into_this_repository_are_resolved() {
    let repo = Repo::git();
    repo.git_cmd(&[
        "remote",
        "add",
        "origin",
        "git@github.com:acme/payments.git",
    ]);
    repo.write("docs/RUNBOOK.md", RUNBOOK);
    repo.write(
        "monitoring/alerts.yml",
        alerts(Some(
            "https://github.com/acme/payments/blob/main/docs/RUNBOOK.md#datastore-failover",
        )),
    );
    let (st, msg, _, _) = runbooks(&repo);
    assert_eq!(st, "pass", "{msg}");
    assert!(msg.contains("(1 in this repository, 0 elsewhere)"), "{msg}");
    repo.write(
        "monitoring/alerts.yml",
        alerts(Some(
            "https://github.com/acme/payments/blob/main/docs/RUNBOOK.md#sentinel",
        )),
    );
    let (st, _, _, f) = runbooks(&repo);
    assert_eq!(st, "fail");
    assert!(
        f[0].contains("docs/RUNBOOK.md has no heading #sentinel"),
        "{f:?}"
    );
    // Another repository's runbook is not fetched.
    repo.write(
        "monitoring/alerts.yml",
        alerts(Some(
            "https://github.com/other/runbooks/blob/main/redis.md#sentinel",
        )),
    );
    let (st, msg, _, _) = runbooks(&repo);
    assert_eq!(st, "pass", "{msg}");
    assert!(msg.contains("(0 in this repository, 1 elsewhere)"), "{msg}");
}

#[test]
fn terraform_alarms_need_a_link_in_their_description() {
    let repo = Repo::plain();
    repo.write("docs/RUNBOOK.md", RUNBOOK);
    repo.write(
        "infra/alarms.tf",
        r#"resource "aws_cloudwatch_metric_alarm" "replication_lag" {
  alarm_name          = "payments-db-replica-lag"
  namespace           = "AWS/RDS"
  metric_name         = "ReplicaLag"
  comparison_operator = "GreaterThanThreshold"
  evaluation_periods  = 3
  period              = 60
  statistic           = "Maximum"
  threshold           = 30
  alarm_description   = "Replica lag over 30 s. Runbook: docs/RUNBOOK.md#datastore-failover"
}

resource "datadog_monitor" "redis_down" {
  name    = "Redis down"
  type    = "metric alert"
  query   = "avg(last_5m):avg:redis.net.clients{env:prod} < 1"
  message = <<-EOT
    Redis has no clients. @pagerduty-payments
  EOT
}
"#,
    );
    let (st, _, locs, f) = runbooks(&repo);
    assert_eq!(st, "fail", "{f:?}");
    assert_eq!(locs, vec![("infra/alarms.tf".to_string(), 13)]);
    assert_eq!(
        f[0],
        "alert datadog_monitor.redis_down has no runbook link (a link in message)"
    );
}

#[test]
fn scaffolded_alerts_link_sections_of_the_scaffolded_runbook() {
    let repo = sentinel_repo();
    for kind in ["runbook", "monitoring"] {
        let r = repo.readyctl(&["scaffold", kind]);
        assert_eq!(r.code, 0, "{}", r.stderr);
    }
    let runbook = repo.read("docs/RUNBOOK.md");
    assert!(runbook.contains("## Datastore failover"), "{runbook}");
    assert!(
        runbook.contains("- **Redis in docker-compose.yml** (Compose, redis, `docker-compose.yml:3`): Redis Sentinel (3 sentinels, down-after-milliseconds 5000)"),
        "{runbook}"
    );
    let alerts = repo.read("monitoring/alerts.yml");
    assert!(
        alerts.contains("expr: redis_master_link_up == 0"),
        "{alerts}"
    );
    let (st, msg, _, f) = runbooks(&repo);
    assert_eq!(st, "pass", "{msg} {f:?}");
    assert!(msg.ends_with("every datastore has an alert"), "{msg}");
    let (st, msg, _, _) = check_summary(&repo, "docs.disaster-recovery");
    assert_eq!(st, "pass", "{msg}");
    assert!(
        msg.ends_with("; it names the backups declared in code: Redis in docker-compose.yml"),
        "{msg}"
    );
}

#[test]
fn scaffolded_alerts_link_only_headings_an_existing_runbook_has() {
    let repo = Repo::plain();
    repo.write(
        "docs/RUNBOOK.md",
        "# Ops\n\n## Troubleshooting\n\nRestart it.\n",
    );
    let r = repo.readyctl(&["scaffold", "monitoring"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let alerts = repo.read("monitoring/alerts.yml");
    assert!(
        alerts.contains("runbook_url: \"docs/RUNBOOK.md#troubleshooting\""),
        "{alerts}"
    );
    assert!(
        alerts.contains("runbook_url: \"docs/RUNBOOK.md\"\n"),
        "{alerts}"
    );
    assert!(!alerts.contains("#scaling"), "{alerts}");
    let (st, msg, _, f) = runbooks(&repo);
    assert_eq!(st, "pass", "{msg} {f:?}");
}

#[test]
fn kubernetes_operators_statefulsets_and_velero() {
    let repo = Repo::plain();
    repo.write(
        "k8s/db.yaml",
        r#"apiVersion: postgresql.cnpg.io/v1
kind: Cluster
metadata:
  name: orders
  namespace: shop
spec:
  instances: 3
  storage:
    size: 20Gi
  backup:
    retentionPolicy: "30d"
    barmanObjectStore:
      destinationPath: s3://backups/orders
---
apiVersion: postgresql.cnpg.io/v1
kind: ScheduledBackup
metadata:
  name: orders-daily
  namespace: shop
spec:
  schedule: "0 0 3 * * *"
  cluster:
    name: orders
---
apiVersion: databases.spotahome.com/v1
kind: RedisFailover
metadata:
  name: sessions
  namespace: shop
spec:
  sentinel:
    replicas: 3
  redis:
    replicas: 3
    customConfig:
      - "min-replicas-to-write 1"
      - "min-replicas-max-lag 5"
      - "appendonly yes"
    storage:
      persistentVolumeClaim:
        metadata:
          name: sessions-data
        spec:
          accessModes: [ReadWriteOnce]
          resources:
            requests:
              storage: 1Gi
"#,
    );
    repo.write(
        "k8s/legacy.yaml",
        r#"apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: reports-db
  namespace: reports
spec:
  replicas: 1
  serviceName: reports-db
  selector:
    matchLabels: {app: reports-db}
  template:
    metadata:
      labels: {app: reports-db}
    spec:
      containers:
        - name: postgres
          image: postgres:16.3
  volumeClaimTemplates:
    - metadata: {name: data}
      spec:
        accessModes: [ReadWriteOnce]
        resources: {requests: {storage: 10Gi}}
"#,
    );
    let (st, msg, locs, f) = ha(&repo);
    assert_eq!(st, "fail", "{msg}");
    assert_eq!(locs, vec![("k8s/legacy.yaml".to_string(), 2)]);
    assert!(
        f[0].starts_with(
            "StatefulSet reports-db runs postgres (1 replica) without a failover manager"
        ),
        "{f:?}"
    );
    let (st, _, locs, f) = backups(&repo);
    assert_eq!(st, "fail");
    assert_eq!(locs, vec![("k8s/legacy.yaml".to_string(), 2)], "{f:?}");
    // A Velero schedule of the namespace, kept two weeks, backs it up.
    repo.write(
        "k8s/velero.yaml",
        "apiVersion: velero.io/v1\nkind: Schedule\nmetadata:\n  name: nightly\n  namespace: velero\nspec:\n  schedule: \"0 2 * * *\"\n  template:\n    includedNamespaces: [reports]\n    ttl: 336h0m0s\n",
    );
    let (st, msg, _, f) = backups(&repo);
    assert_eq!(st, "pass", "{msg} {f:?}");
    assert!(
        msg.starts_with("3 datastores backed up (at least 7 days): "),
        "{msg}"
    );
    let (v, _) = repo.check_json(&["--only", "resilience.backups"]);
    let stores = &check(&v, "resilience.backups")["evidence"]["datastores"];
    let reports = stores
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["name"] == "StatefulSet reports-db")
        .expect("reports-db in the inventory");
    assert_eq!(
        reports["backups"][0]["what"],
        "Velero schedule nightly (kept 14 days)"
    );
    assert_eq!(reports["backups"][0]["path"], "k8s/velero.yaml");
    let orders = stores
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["name"] == "CloudNativePG Cluster orders")
        .expect("orders in the inventory");
    assert_eq!(orders["backups"][0]["days"], 30.0);
}

#[test]
fn grafana_alerting_provisioning_rules_need_runbooks() {
    let repo = Repo::plain();
    repo.write("docs/RUNBOOK.md", RUNBOOK);
    repo.write(
        "grafana/provisioning/alerting/redis.yaml",
        r#"apiVersion: 1
groups:
  - orgId: 1
    name: redis
    folder: Datastores
    interval: 1m
    rules:
      - uid: redis-replicas
        title: Redis replicas missing
        condition: C
        data:
          - refId: A
            datasourceUid: prometheus
            model:
              expr: redis_connected_slaves
        for: 1m
        annotations:
          runbook_url: docs/RUNBOOK.md#datastore-failover
      - uid: redis-memory
        title: Redis memory high
        condition: C
        data:
          - refId: A
            datasourceUid: prometheus
            model:
              expr: redis_memory_used_bytes / redis_memory_max_bytes
        for: 5m
"#,
    );
    let (st, _, locs, f) = runbooks(&repo);
    assert_eq!(st, "fail");
    assert_eq!(
        locs,
        vec![("grafana/provisioning/alerting/redis.yaml".to_string(), 20)]
    );
    assert_eq!(
        f[0],
        "alert Redis memory high has no runbook link (annotations.runbook_url)"
    );
}

#[test]
fn redis_chart_values_inside_an_argo_cd_application() {
    let repo = Repo::plain();
    repo.write(
        "apps/redis.yaml",
        r#"apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: cache
  namespace: argocd
spec:
  project: default
  source:
    repoURL: https://charts.bitnami.com/bitnami
    chart: redis
    targetRevision: 18.1.2
    helm:
      values: |
        architecture: replication
        replica:
          replicaCount: 3
        commonConfiguration: |-
          min-replicas-to-write 1
        sentinel:
          enabled: true
          downAfterMilliseconds: 30000
  destination:
    server: https://kubernetes.default.svc
    namespace: cache
"#,
    );
    let (st, _, locs, f) = ha(&repo);
    assert_eq!(st, "fail");
    assert_eq!(locs, vec![("apps/redis.yaml".to_string(), 21)]);
    assert_eq!(
        f[0],
        "Redis chart in Application cache: down-after-milliseconds 30000 alone exceeds the 10 s failover target (resilience.failover_target)"
    );
}

/// An application chart that depends on bitnami/postgresql.
const PG_CHART: &str = "apiVersion: v2\nname: orders\nversion: 0.3.0\ndependencies:\n  - name: postgresql\n    version: 16.2.1\n    repository: oci://registry-1.docker.io/bitnamicharts\n    condition: postgresql.enabled\n";

const PG_VALUES: &str = r#"image:
  repository: ghcr.io/acme/orders
  tag: 1.4.2
postgresql:
  enabled: true
  architecture: standalone
  auth:
    database: orders
    existingSecret: orders-db
  primary:
    persistence:
      enabled: true
      size: 20Gi
"#;

#[test]
fn bitnami_postgresql_dependency_standalone_replication_and_backups() {
    let repo = Repo::plain();
    repo.write("charts/orders/Chart.yaml", PG_CHART);
    repo.write("charts/orders/values.yaml", PG_VALUES);
    let (st, _, locs, f) = ha(&repo);
    assert_eq!(st, "fail", "{f:?}");
    assert_eq!(locs, vec![("charts/orders/values.yaml".to_string(), 6)]);
    assert_eq!(
        f[0],
        "Bitnami postgresql chart values charts/orders/values.yaml (postgresql): architecture standalone: one PostgreSQL primary and nothing to fail over to"
    );
    // Persistence is not a backup.
    let (st, _, locs, f) = backups(&repo);
    assert_eq!(st, "fail", "{f:?}");
    assert_eq!(locs, vec![("charts/orders/values.yaml".to_string(), 4)]);
    assert!(
        f[0].ends_with("backup.enabled is not true; primary.persistence keeps the data on a volume, which is not a backup (a dropped table is gone from it too)"),
        "{f:?}"
    );

    // Read replicas: the chart promotes none of them.
    let replication = PG_VALUES.replace(
        "  architecture: standalone\n",
        "  architecture: replication\n  readReplicas:\n    replicaCount: 2\n",
    );
    repo.write("charts/orders/values.yaml", &replication);
    let (st, _, locs, f) = ha(&repo);
    assert_eq!(st, "fail", "{f:?}");
    assert_eq!(locs, vec![("charts/orders/values.yaml".to_string(), 6)]);
    assert!(
        f[0].contains(
            "architecture replication adds 2 read replicas that the chart never promotes"
        ),
        "{f:?}"
    );

    // The chart's backup CronJob.
    repo.write(
        "charts/orders/values.yaml",
        format!("{replication}  backup:\n    enabled: true\n    cronjob:\n      schedule: \"15 2 * * *\"\n"),
    );
    let (st, msg, _, f) = backups(&repo);
    assert_eq!(st, "pass", "{msg} {f:?}");
    assert!(
        msg.contains("pg_dumpall CronJob (backup.cronjob.schedule 15 2 * * *"),
        "{msg}"
    );

    // Dumps to the job pod's emptyDir are gone with it.
    repo.write(
        "charts/orders/values.yaml",
        format!("{replication}  backup:\n    enabled: true\n    cronjob:\n      storage:\n        enabled: false\n"),
    );
    let (st, _, locs, f) = backups(&repo);
    assert_eq!(st, "fail");
    assert_eq!(locs, vec![("charts/orders/values.yaml".to_string(), 20)]);
    assert!(
        f[0].contains("backup.cronjob.storage.enabled is false"),
        "{f:?}"
    );

    // A disabled dependency deploys nothing.
    repo.write(
        "charts/orders/values.yaml",
        PG_VALUES.replace(
            "  enabled: true\n  architecture",
            "  enabled: false\n  architecture",
        ),
    );
    let (st, _, _, _) = ha(&repo);
    assert_eq!(st, "skip");

    // The same key without the dependency is the application's own setting.
    repo.write(
        "charts/orders/Chart.yaml",
        "apiVersion: v2\nname: orders\nversion: 0.3.0\n",
    );
    repo.write("charts/orders/values.yaml", PG_VALUES);
    let (st, _, _, _) = ha(&repo);
    assert_eq!(st, "skip");
}

#[test]
fn bitnami_postgresql_ha_passes_and_mysql_replication_fails() {
    let repo = Repo::plain();
    repo.write(
        "deploy/db/Chart.yaml",
        "apiVersion: v2\nname: db\nversion: 1.0.0\ndependencies:\n  - name: postgresql-ha\n    version: 14.2.0\n    repository: oci://registry-1.docker.io/bitnamicharts\n    alias: pg\n",
    );
    repo.write(
        "deploy/db/values.yaml",
        "pg:\n  postgresql:\n    replicaCount: 3\n  pgpool:\n    replicaCount: 2\n",
    );
    let (st, msg, _, f) = ha(&repo);
    assert_eq!(st, "pass", "{msg} {f:?}");
    assert!(msg.contains("postgresql.replicaCount (repmgr)"), "{msg}");
    repo.write(
        "deploy/db/values.yaml",
        "pg:\n  postgresql:\n    replicaCount: 1\n",
    );
    let (st, _, locs, _) = ha(&repo);
    assert_eq!(st, "fail");
    assert_eq!(locs, vec![("deploy/db/values.yaml".to_string(), 3)]);

    let repo = Repo::plain();
    repo.write(
        "apps/mysql.yaml",
        r#"apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: shop-db
  namespace: shop
spec:
  interval: 10m
  chart:
    spec:
      chart: mysql
      version: 11.1.x
      sourceRef:
        kind: HelmRepository
        name: bitnami
  values:
    architecture: replication
    secondary:
      replicaCount: 2
    primary:
      persistence:
        enabled: true
"#,
    );
    let (st, _, locs, f) = ha(&repo);
    assert_eq!(st, "fail", "{f:?}");
    assert_eq!(locs, vec![("apps/mysql.yaml".to_string(), 16)]);
    assert!(
        f[0].contains("adds 2 read replicas that the chart never promotes"),
        "{f:?}"
    );
    let (st, _, locs, f) = backups(&repo);
    assert_eq!(st, "fail");
    assert_eq!(locs, vec![("apps/mysql.yaml".to_string(), 21)]);
    assert!(
        f[0].contains("the bitnami/mysql chart takes no backups; primary.persistence keeps the data on a volume, which is not a backup"),
        "{f:?}"
    );
}

/// An OpsTree RedisReplication watched by a RedisSentinel, configured by a ConfigMap.
fn opstree(sentinels: u32) -> String {
    format!(
        r#"apiVersion: v1
kind: ConfigMap
metadata:
  name: redis-extra
  namespace: cache
data:
  redis-additional.conf: |
    appendonly yes
    min-replicas-to-write 1
    min-replicas-max-lag 10
---
apiVersion: redis.redis.opstreelabs.in/v1beta2
kind: RedisReplication
metadata:
  name: sessions
  namespace: cache
spec:
  clusterSize: 3
  kubernetesConfig:
    image: quay.io/opstree/redis:v7.0.15
  redisConfig:
    additionalRedisConfig: redis-extra
  storage:
    volumeClaimTemplate:
      spec:
        accessModes: ["ReadWriteOnce"]
        resources:
          requests:
            storage: 2Gi
---
apiVersion: redis.redis.opstreelabs.in/v1beta2
kind: RedisSentinel
metadata:
  name: sessions-sentinel
  namespace: cache
spec:
  clusterSize: {sentinels}
  kubernetesConfig:
    image: quay.io/opstree/redis-sentinel:v7.0.15
  redisSentinelConfig:
    redisReplicationName: sessions
    masterGroupName: mymaster
    quorum: "2"
    downAfterMilliseconds: "5000"
    failoverTimeout: "30000"
"#
    )
}

#[test]
fn opstree_redis_sentinel_and_replication() {
    let repo = Repo::plain();
    repo.write("k8s/redis.yaml", opstree(3));
    let (st, msg, _, f) = ha(&repo);
    assert_eq!(st, "pass", "{msg} {f:?}");
    assert!(
        msg.contains("RedisSentinel sessions-sentinel (Sentinel: 3 sentinels, down-after 5000 ms)"),
        "{msg}"
    );
    let (st, msg, _, f) = backups(&repo);
    assert_eq!(st, "pass", "{msg} {f:?}");

    // One sentinel cannot elect a leader; quorum 2 can never be reached.
    repo.write("k8s/redis.yaml", opstree(1));
    let (st, _, locs, f) = ha(&repo);
    assert_eq!(st, "fail");
    assert_eq!(
        locs,
        vec![
            ("k8s/redis.yaml".to_string(), 37),
            ("k8s/redis.yaml".to_string(), 43)
        ],
        "{f:?}"
    );
    assert!(
        f[0].contains("1 sentinel (1 × RedisSentinel sessions-sentinel)"),
        "{f:?}"
    );
    assert!(
        f[1].contains("quorum 2 is more than the 1 sentinels"),
        "{f:?}"
    );

    // The write guard comes from the ConfigMap the RedisReplication names.
    repo.write(
        "k8s/redis.yaml",
        opstree(3).replace("    min-replicas-to-write 1\n", ""),
    );
    let (st, _, _, f) = ha(&repo);
    assert_eq!(st, "fail");
    assert!(
        f[0].starts_with("RedisReplication sessions: min-replicas-to-write 0"),
        "{f:?}"
    );

    // Without a sentinel the replication has no failover.
    let replication_only = opstree(3);
    let replication_only = &replication_only[..replication_only.rfind("---").unwrap()];
    repo.write("k8s/redis.yaml", replication_only);
    let (st, _, locs, f) = ha(&repo);
    assert_eq!(st, "fail");
    assert_eq!(locs, vec![("k8s/redis.yaml".to_string(), 13)]);
    assert!(
        f[0].contains("3 Redis pods and no RedisSentinel watches them"),
        "{f:?}"
    );

    // A standalone Redis resource after another document.
    repo.write(
        "k8s/redis.yaml",
        "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: cache\n---\napiVersion: redis.redis.opstreelabs.in/v1beta2\nkind: Redis\nmetadata:\n  name: tokens\nspec:\n  kubernetesConfig:\n    image: quay.io/opstree/redis:v7.0.15\n",
    );
    let (st, _, locs, f) = ha(&repo);
    assert_eq!(st, "fail");
    assert_eq!(locs, vec![("k8s/redis.yaml".to_string(), 7)]);
    assert_eq!(
        f[0],
        "Redis tokens: one Redis server with no replica and no Sentinel: nothing fails over"
    );
}

#[test]
fn opstree_redis_cluster_needs_a_follower_per_leader() {
    let repo = Repo::plain();
    let cluster = |followers: u32| {
        format!(
            "apiVersion: redis.redis.opstreelabs.in/v1beta2\nkind: RedisCluster\nmetadata:\n  name: feed\nspec:\n  clusterSize: 3\n  redisLeader:\n    replicas: 3\n  redisFollower:\n    replicas: {followers}\n  storage:\n    volumeClaimTemplate:\n      spec:\n        resources:\n          requests:\n            storage: 1Gi\n"
        )
    };
    repo.write("k8s/feed.yaml", cluster(3));
    let (st, msg, _, f) = ha(&repo);
    assert_eq!(st, "pass", "{msg} {f:?}");
    repo.write("k8s/feed.yaml", cluster(0));
    let (st, _, locs, f) = ha(&repo);
    assert_eq!(st, "fail");
    assert_eq!(locs, vec![("k8s/feed.yaml".to_string(), 10)]);
    assert_eq!(
        f[0],
        "RedisCluster feed: 3 leaders and 0 followers: a leader without a follower has nothing to promote"
    );
}

#[test]
fn velero_covers_a_released_postgresql_chart_by_its_destination_namespace() {
    let repo = Repo::plain();
    let app = |ns: &str| {
        format!(
            r#"apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: orders-db
  namespace: argocd
spec:
  project: default
  source:
    repoURL: registry-1.docker.io/bitnamicharts
    chart: postgresql
    targetRevision: 16.2.1
    helm:
      valuesObject:
        architecture: standalone
        primary:
          persistence:
            size: 50Gi
  destination:
    server: https://kubernetes.default.svc
    namespace: {ns}
"#
        )
    };
    repo.write("argocd/orders-db.yaml", app("orders"));
    repo.write(
        "velero/schedule.yaml",
        "apiVersion: velero.io/v1\nkind: Schedule\nmetadata:\n  name: orders-nightly\n  namespace: velero\nspec:\n  schedule: \"0 1 * * *\"\n  template:\n    includedNamespaces:\n      - orders\n    ttl: 336h0m0s\n",
    );
    let (st, _, locs, f) = ha(&repo);
    assert_eq!(st, "fail");
    assert_eq!(
        locs,
        vec![("argocd/orders-db.yaml".to_string(), 14)],
        "{f:?}"
    );
    assert!(
        f[0].starts_with(
            "Bitnami postgresql chart values Application orders-db: architecture standalone"
        ),
        "{f:?}"
    );
    let (st, msg, _, f) = backups(&repo);
    assert_eq!(st, "pass", "{msg} {f:?}");
    assert!(
        msg.contains("Velero schedule orders-nightly (kept 14 days)"),
        "{msg}"
    );

    // Another namespace: the schedule does not cover it.
    repo.write("argocd/orders-db.yaml", app("billing"));
    let (st, _, locs, f) = backups(&repo);
    assert_eq!(st, "fail");
    assert_eq!(
        locs,
        vec![("argocd/orders-db.yaml".to_string(), 14)],
        "{f:?}"
    );
    assert!(f[0].contains("backup.enabled is not true"), "{f:?}");
}
