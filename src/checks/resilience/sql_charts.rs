//! The Bitnami PostgreSQL, PostgreSQL HA and MySQL charts' values: a
//! chart's `values*.yaml` under the key of a `dependencies:` entry of its
//! `Chart.yaml`, or the values an Argo CD `Application` / Flux
//! `HelmRelease` gives one of these charts. Called from the Helm values
//! path of [`super::manifests`], which finds the values node.
//!
//! `architecture: replication` of bitnami/postgresql and bitnami/mysql adds
//! read replicas that nothing promotes: only bitnami/postgresql-ha (repmgr)
//! fails over. `primary.persistence` keeps the data on a volume, which is
//! not a backup; only bitnami/postgresql's `backup.cronjob` takes one.

use super::inventory::{Backup, Datastore, Ha, Inventory, Loc, Switch};
use crate::repo::index::FileEntry;
use crate::views::yaml::node::{Node, SNode};

/// The charts read here, by their name in `Chart.yaml` or an Application.
pub fn is_sql_chart(chart: &str) -> bool {
    matches!(chart, "postgresql" | "postgresql-ha" | "mysql")
}

fn s(n: &Node, path: &[&str]) -> Option<String> {
    n.path(path).and_then(|x| x.value.scalar())
}

/// One values block `b` of `chart` (at line offset `off` in `f`, declared
/// at `at`: its key, or the first line of the values), shown as `shown`.
pub fn values(
    f: &FileEntry,
    b: &SNode,
    off: u32,
    at: Loc,
    chart: &str,
    shown: &str,
    inv: &mut Inventory,
) {
    let v = &b.value;
    if !v.is_map() || s(v, &["enabled"]).as_deref() == Some("false") {
        return; // a disabled dependency deploys nothing
    }
    let line_of = |path: &[&str]| super::manifests::key_loc(f, b, off, path);
    let num = |path: &[&str], default: u64| -> u64 {
        s(v, path).and_then(|x| x.parse().ok()).unwrap_or(default)
    };
    let (engine, product) = match chart {
        "mysql" => ("mysql", "MySQL"),
        _ => ("postgres", "PostgreSQL"),
    };
    let name = format!("Bitnami {chart} chart values {shown}");
    let mut d = Datastore::new(
        name.clone(),
        engine,
        &format!("Helm (Bitnami {chart} chart)"),
        at.clone(),
        Ha::NotJudged { why: String::new() },
    );
    d.kubernetes = true;
    if chart == "postgresql-ha" {
        // repmgr promotes a standby; pgpool routes to the new primary.
        let n = num(&["postgresql", "replicaCount"], 3);
        let nat = line_of(&["postgresql", "replicaCount"]).unwrap_or(at.clone());
        d.fact("postgresql.replicaCount", n.to_string(), &nat);
        d.ha = Ha::Managed {
            switches: vec![Switch {
                setting: "postgresql.replicaCount (repmgr)".into(),
                ok: n >= 2,
                problem: format!(
                    "{name}: postgresql.replicaCount {n}: repmgr has no standby to promote"
                ),
                at: nat,
            }],
        };
    } else {
        let arch = s(v, &["architecture"]).unwrap_or_else(|| "standalone".into());
        let aat = line_of(&["architecture"]).unwrap_or(at.clone());
        d.fact("architecture", arch.clone(), &aat);
        let replicas_key: &[&str] = if chart == "mysql" {
            &["secondary", "replicaCount"]
        } else {
            &["readReplicas", "replicaCount"]
        };
        d.ha = if arch == "replication" {
            let n = num(replicas_key, 1);
            d.fact(
                &replicas_key.join("."),
                n.to_string(),
                &line_of(replicas_key).unwrap_or(aat.clone()),
            );
            Ha::None {
                problem: format!(
                    "{name}: architecture replication adds {n} read replica{} that the chart never promotes: a lost primary stays down (use {})",
                    if n == 1 { "" } else { "s" },
                    if chart == "mysql" {
                        "an operator with failover or a managed service"
                    } else {
                        "bitnami/postgresql-ha or an operator"
                    }
                ),
                at: aat,
            }
        } else {
            Ha::None {
                problem: format!(
                    "{name}: architecture {arch}: one {product} primary and nothing to fail over to"
                ),
                at: aat,
            }
        };
    }
    let persist_key: &[&str] = if chart == "postgresql-ha" {
        &["persistence", "enabled"]
    } else {
        &["primary", "persistence", "enabled"]
    };
    let persisted = s(v, persist_key).as_deref() != Some("false");
    d.fact(
        &persist_key.join("."),
        persisted.to_string(),
        &line_of(persist_key).unwrap_or(at.clone()),
    );
    let volume = if persisted {
        "keeps the data on a volume, which is not a backup"
    } else {
        "is off: the data lives only as long as the pod"
    };
    if chart == "postgresql" {
        // Newer charts: a CronJob running pg_dumpall to a volume of its own.
        let on = s(v, &["backup", "enabled"]).as_deref() == Some("true");
        // Without `cronjob.storage` the dumps go to the job pod's emptyDir.
        let kept = s(v, &["backup", "cronjob", "storage", "enabled"]).as_deref() != Some("false");
        let schedule = s(v, &["backup", "cronjob", "schedule"]).unwrap_or_else(|| "@daily".into());
        let mut bat = line_of(&["backup", "enabled"]).unwrap_or(at.clone());
        if on {
            d.fact("backup.cronjob.schedule", schedule.clone(), &bat);
        }
        let problem = if on && !kept {
            bat = line_of(&["backup", "cronjob", "storage", "enabled"]).unwrap_or(bat);
            format!(
                "{name}: backup.cronjob.storage.enabled is false: the dumps are written to the job pod's emptyDir and deleted with it"
            )
        } else {
            format!(
                "{name}: backup.enabled is not true; primary.persistence {volume} (a dropped table is gone from it too)"
            )
        };
        d.backups.push(Backup {
            what: format!(
                "pg_dumpall CronJob (backup.cronjob.schedule {schedule}; dumps on a volume in the cluster, kept until deleted)"
            ),
            enabled: on && kept,
            days: None,
            unknown: false,
            problem,
            at: bat,
            persistence: false,
        });
    } else {
        d.backups.push(Backup {
            what: format!("{} (not a backup)", persist_key.join(".")),
            enabled: false,
            days: None,
            unknown: false,
            problem: format!(
                "{name}: the bitnami/{chart} chart takes no backups; {} {volume}: add a Velero schedule or a dump CronJob",
                persist_key[..persist_key.len() - 1].join(".")
            ),
            at: line_of(persist_key).unwrap_or(at.clone()),
            persistence: false,
        });
    }
    inv.datastores.push(d);
}
