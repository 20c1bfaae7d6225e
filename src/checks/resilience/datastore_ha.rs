//! `resilience.datastore-ha`: every declared datastore fails over by itself,
//! within `resilience.failover_target`, without losing acknowledged writes.

use std::time::Duration;

use super::inventory::{Datastore, Ha, Inventory, Sentinel};
use crate::check::{Check, CheckMeta, Context, Outcome};
use crate::findings::{Finding, Severity};
use crate::repo::text::plural;

const EXPLAIN: &str = r#"
## What it checks
That every datastore the repository declares recovers from the loss of a
node or zone without a person. The inventory is read from:
- Terraform: `aws_db_instance` (`multi_az`), `aws_rds_cluster` (at least two
  `aws_rds_cluster_instance`s; Serverless v1 and Multi-AZ DB clusters are
  HA by design), `aws_elasticache_replication_group`
  (`automatic_failover_enabled` and `multi_az_enabled`), single-node
  `aws_elasticache_cluster`s (Redis: no failover; memcached: not judged),
  `aws_memorydb_cluster` (`num_replicas_per_shard` ≥ 1),
  `aws_dynamodb_table` (multi-AZ by design), `google_sql_database_instance`
  (`settings.availability_type = "REGIONAL"`), `google_redis_instance`
  (`tier = "STANDARD_HA"`), `azurerm_postgresql_flexible_server` and
  `azurerm_mysql_flexible_server` (`high_availability`),
  `azurerm_mssql_database` (`zone_redundant`), `azurerm_redis_cache` (not
  `Basic`). `var.NAME` takes the variable's default or its value in an
  auto-loaded `*.tfvars`; other computed values are listed, not judged.
  Read replicas follow their source and are not judged on their own.
- Kubernetes: StatefulSets and Deployments running Redis, PostgreSQL, MySQL, MariaDB or
  MongoDB images (a plain database StatefulSet has no failover manager;
  Patroni/Spilo, repmgr and Galera images do), CloudNativePG `Cluster`
  (`instances` ≥ 2), Zalando `postgresql` (`numberOfInstances` ≥ 2),
  Spotahome `RedisFailover`, the OpsTree Redis operator's `RedisSentinel`
  (`spec.clusterSize` sentinels, `redisSentinelConfig.quorum` and
  `downAfterMilliseconds`, default 30000) with the `RedisReplication` it
  watches (`redisReplicationName`; `clusterSize` servers, settings from the
  `redisConfig.additionalRedisConfig` ConfigMap), a `RedisReplication` no
  sentinel watches and a standalone `Redis` (no failover), `RedisCluster` (at least 3 leaders,
  `redisFollower.replicas` ≥ `redisLeader.replicas`), and Redis
  configuration in mounted ConfigMaps (CloudNativePG backups: `spec.backup`
  or the Barman Cloud plugin).
- Helm: the Bitnami Redis chart's values (`architecture`, `sentinel.*`,
  `replica.replicaCount`, `commonConfiguration`, `master/replica.configuration`)
  in a chart's `values*.yaml` (also under a `redis:` key), an Argo CD
  `Application` (`helm.values`/`valuesObject`) or a Flux `HelmRelease`
  (`values`) of the `redis` chart. The same places read the Bitnami
  `postgresql`, `postgresql-ha` and `mysql` charts' values: in a chart's
  `values*.yaml` under the key (or `alias`) of a `Chart.yaml` dependency on
  that chart. `architecture: standalone` (the default) has nothing to fail
  over to; `architecture: replication` (`readReplicas.replicaCount`,
  `secondary.replicaCount`) adds read replicas the chart never promotes, so
  it fails too; `postgresql-ha` fails over with repmgr when
  `postgresql.replicaCount` ≥ 2. `enabled: false` deploys nothing.
- Compose files: Redis services (servers, replicas with `replicaof`,
  sentinels run with `redis-sentinel`/`--sentinel` or the `bitnami/redis-sentinel`
  image), their `command` arguments, mounted `redis.conf`/`sentinel.conf`
  files and the Bitnami images' `REDIS_*` environment. A Compose file with a
  single datastore service reads as a development setup and is set aside.
- `sentinel*.conf` files no manifest mounts.

For Redis Sentinel: at least 3 sentinels; a quorum of at least 2 and at most
the number of sentinels; `down-after-milliseconds` (Redis default 30000,
Bitnami 60000) plus about 2 s for the election and the promotion within
`resilience.failover_target` (default 10s); on every server
`min-replicas-to-write` ≥ 1 with `min-replicas-max-lag` between 1 and 10 s,
so that a master cut off from its replicas stops acknowledging writes the
failover would lose; and no replica with `replica-priority 0`.

The JSON report lists the whole inventory under the check's `evidence`.

## Why it matters
A database that needs a person to come back is down for as long as it takes
to page one. Sentinel's detection time is the floor of every Redis failover,
and a master that keeps acknowledging writes while partitioned from its
replicas loses them when a replica is promoted: the failover succeeds and
the data is gone.

## How to fix
Turn on the provider's HA switch (`multi_az = true`, a second Aurora
instance, `automatic_failover_enabled` + `multi_az_enabled`,
`availability_type = "REGIONAL"`), run at least three sentinels, and tune
them to the target. Set `resilience.failover_target` in `readyctl.yaml` to
the target your service promises.

## Example
```conf
# sentinel.conf (one per sentinel, three sentinels)
sentinel monitor mymaster redis-master 6379 2
sentinel down-after-milliseconds mymaster 5000
sentinel failover-timeout mymaster 30000

# redis.conf (master and replicas)
min-replicas-to-write 1
min-replicas-max-lag 10
appendonly yes
```
"#;

/// Time Sentinel needs after detection: the vote, the promotion and the
/// reconfiguration of the other replicas (about 2 s in practice).
pub const ELECTION_MS: u64 = 2000;

pub(super) fn check() -> Box<dyn Check> {
    super::check(
        CheckMeta::define("resilience.datastore-ha")
            .title("Datastores fail over by themselves")
            .severity(Severity::Warning)
            .explain(EXPLAIN)
            .fix("turn on the datastore's failover (Multi-AZ, replicas with automatic failover, 3+ Redis sentinels tuned to resilience.failover_target)")
            .build(),
        run,
    )
}

fn secs(ms: u64) -> String {
    let s = ms as f64 / 1000.0;
    if s.fract() == 0.0 {
        format!("{} s", s as u64)
    } else {
        format!("{s:.1} s")
    }
}

/// The findings of one Sentinel deployment.
pub fn sentinel_findings(d: &Datastore, s: &Sentinel, target: Duration) -> Vec<Finding> {
    let mut out = Vec::new();
    let mut push = |msg: String, at: &super::inventory::Loc, rule: &str| {
        out.push(
            Finding::new(msg)
                .at(at.path.clone(), Some(at.line))
                .rule(rule),
        );
    };
    if let Some(n) = s.sentinels
        && n < 3
    {
        push(
            format!(
                "{}: {} ({}); fewer than 3 cannot elect a leader when one is lost",
                d.name,
                plural(n as usize, "sentinel"),
                s.sentinels_desc
            ),
            &s.sentinels_at,
            "sentinel-count",
        );
    }
    if let Some((q, at)) = &s.quorum {
        if *q < 2 {
            push(
                format!(
                    "{}: quorum {q}: one sentinel's view (a slow host, a partition) starts a failover; use at least 2",
                    d.name
                ),
                at,
                "sentinel-quorum",
            );
        } else if let Some(n) = s.sentinels
            && *q > u64::from(n)
        {
            push(
                format!(
                    "{}: quorum {q} is more than the {n} sentinels: no failover can ever be agreed",
                    d.name
                ),
                at,
                "sentinel-quorum",
            );
        }
    }
    let target_ms = target.as_millis() as u64;
    let (down, down_at) = &s.down_after_ms;
    let set = if down_at.is_some() {
        format!("down-after-milliseconds {down}")
    } else {
        format!("down-after-milliseconds is not set: its default {down}")
    };
    let at = down_at.clone().unwrap_or_else(|| s.sentinels_at.clone());
    let placeholder = s.unknown.iter().any(|k| k == "down-after-milliseconds");
    if placeholder {
        // Filled in at run time: nothing to judge in the repository.
    } else if *down >= target_ms {
        push(
            format!(
                "{}: {set} alone exceeds the {} failover target (resilience.failover_target)",
                d.name,
                secs(target_ms)
            ),
            &at,
            "sentinel-down-after",
        );
    } else if down + ELECTION_MS > target_ms {
        push(
            format!(
                "{}: {set} + ~2 s for election and promotion = {}, over the {} failover target",
                d.name,
                secs(down + ELECTION_MS),
                secs(target_ms)
            ),
            &at,
            "sentinel-down-after",
        );
    }
    if !s.nodes.is_empty() && s.nodes.iter().all(|n| n.count <= 1 && !n.replica) {
        push(
            format!(
                "{}: Sentinel watches a master with no replica: there is nothing to promote",
                d.name
            ),
            &s.sentinels_at,
            "sentinel-replicas",
        );
    }
    for n in &s.nodes {
        let (w, w_at) = n.num("min-replicas-to-write", 0);
        let w_at = w_at.unwrap_or_else(|| n.at.clone());
        if w == 0 {
            push(
                format!(
                    "{}: min-replicas-to-write 0: it acknowledges writes no replica has; a failover loses them (zero-data-loss target)",
                    n.name
                ),
                &w_at,
                "redis-min-replicas",
            );
        } else {
            let (lag, lag_at) = n.num("min-replicas-max-lag", 10);
            if lag == 0 || lag > 10 {
                push(
                    format!(
                        "{}: min-replicas-max-lag {lag}: {}; keep it between 1 and 10 s (zero-data-loss target)",
                        n.name,
                        if lag == 0 {
                            "0 turns min-replicas-to-write off"
                        } else {
                            "writes that far behind are lost on failover"
                        }
                    ),
                    &lag_at.unwrap_or(w_at),
                    "redis-min-replicas",
                );
            }
        }
        if n.replica {
            let (p, p_at) = n.num("replica-priority", 100);
            if p == 0 {
                push(
                    format!(
                        "{}: replica-priority 0: Sentinel never promotes this replica",
                        n.name
                    ),
                    &p_at.unwrap_or_else(|| n.at.clone()),
                    "redis-replica-priority",
                );
            }
        }
    }
    out
}

/// One line per datastore for pass messages: `name (how)`.
fn how(d: &Datastore) -> String {
    match &d.ha {
        Ha::Managed { switches } => {
            let on: Vec<&str> = switches.iter().map(|s| s.setting.as_str()).collect();
            format!("{} ({})", d.name, on.join(", "))
        }
        Ha::Sentinel(s) => format!(
            "{} (Sentinel: {} sentinels, down-after {} ms)",
            d.name,
            s.sentinels
                .map(|n| n.to_string())
                .unwrap_or_else(|| "?".into()),
            s.down_after_ms.0
        ),
        Ha::Builtin { why } => format!("{} ({why})", d.name),
        Ha::Unknown { why, .. } | Ha::NotJudged { why } => {
            format!("{} (not judged: {why})", d.name)
        }
        Ha::None { .. } => d.name.clone(),
    }
}

/// A short list for a message: the first few (at most `max`, and no more
/// than fit in about 160 characters), then "and N more".
pub fn short_list(items: &[String], max: usize) -> String {
    let mut s = String::new();
    let mut shown = 0;
    for item in items.iter().take(max) {
        if shown > 0 && s.len() + item.len() > 160 {
            break;
        }
        if shown > 0 {
            s.push_str("; ");
        }
        s.push_str(item);
        shown += 1;
    }
    if items.len() > shown {
        s.push_str(&format!("; and {} more", items.len() - shown));
    }
    s
}

/// The evidence of both resilience checks: the inventory.
pub fn evidence(inv: &Inventory) -> serde_json::Value {
    serde_json::to_value(inv).unwrap_or(serde_json::Value::Null)
}

/// `skip` or `error` when there is nothing (readable) to judge.
pub fn nothing(inv: &Inventory) -> Option<Outcome> {
    if !inv.unreadable.is_empty() {
        let list: Vec<String> = inv
            .unreadable
            .iter()
            .map(|(at, e)| format!("{}:{}: {e}", at.path, at.line))
            .collect();
        return Some(
            Outcome::error(format!("cannot read {}", short_list(&list, 3)))
                .with_evidence(evidence(inv)),
        );
    }
    if inv.datastores.is_empty() {
        let aside = if inv.set_aside.is_empty() {
            String::new()
        } else {
            format!(" ({} set aside as development setups)", inv.set_aside.len())
        };
        return Some(
            Outcome::skip(format!("no datastore declared{aside}")).with_evidence(evidence(inv)),
        );
    }
    None
}

fn run(inv: &Inventory, ctx: &Context) -> Outcome {
    let target = ctx.config.config.resilience.failover_target();
    let mut findings = Vec::new();
    let mut ok = Vec::new();
    let mut computed = Vec::new();
    let mut failing = 0;
    for d in &inv.datastores {
        let before = findings.len();
        let computed_before = computed.len();
        match &d.ha {
            Ha::Managed { switches } => {
                for s in switches {
                    if s.setting.ends_with("(computed)") {
                        computed.push(format!("{} {}", d.name, s.setting));
                    } else if !s.ok {
                        findings.push(
                            Finding::new(s.problem.clone())
                                .at(s.at.path.clone(), Some(s.at.line))
                                .rule("managed-ha"),
                        );
                    }
                }
            }
            Ha::Sentinel(s) => findings.extend(sentinel_findings(d, s, target)),
            Ha::None { problem, at } => findings.push(
                Finding::new(problem.clone())
                    .at(at.path.clone(), Some(at.line))
                    .rule("no-failover"),
            ),
            Ha::Unknown { why, .. } => computed.push(format!("{} ({why})", d.name)),
            Ha::Builtin { .. } | Ha::NotJudged { .. } => {}
        }
        if findings.len() > before {
            failing += 1;
        } else if computed.len() == computed_before {
            ok.push(how(d));
        }
    }
    let note = if computed.is_empty() {
        String::new()
    } else {
        format!(
            "; computed outside the repository, not judged: {}",
            short_list(&computed, 3)
        )
    };
    let n = inv.datastores.len();
    let sentinel = inv
        .datastores
        .iter()
        .any(|d| matches!(d.ha, Ha::Sentinel(_)));
    let within = if sentinel {
        format!(
            " (Sentinel within the {} target)",
            secs(target.as_millis() as u64)
        )
    } else {
        String::new()
    };
    let good = ok.len();
    let outcome = if findings.is_empty() && good == 0 {
        Outcome::pass(format!("no datastore fails{}", note.replacen(';', ":", 1)))
    } else if findings.is_empty() {
        Outcome::pass(format!(
            "{} fail{} over by {}{within}: {}{note}",
            plural(good, "datastore"),
            if good == 1 { "s" } else { "" },
            if good == 1 { "itself" } else { "themselves" },
            short_list(&ok, 3)
        ))
    } else {
        let bad = failing;
        Outcome::fail(
            format!(
                "{bad} of {} cannot fail over safely by {}{}{note}",
                plural(n, "datastore"),
                if bad == 1 { "itself" } else { "themselves" },
                if sentinel {
                    format!(" (failover target {})", secs(target.as_millis() as u64))
                } else {
                    String::new()
                }
            ),
            findings,
        )
    };
    outcome.with_evidence(evidence(inv))
}
