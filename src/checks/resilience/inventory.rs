//! The datastore inventory: every database and cache the repository
//! declares, built once per run from the Terraform model, Kubernetes
//! manifests and Helm values, Compose files and Redis configuration files,
//! with the facts `resilience.datastore-ha` and `resilience.backups` judge.

use std::sync::Arc;

use serde::Serialize;

use super::redis_conf::Settings;
use crate::repo::index::Index;

/// A place in a file: the one the Kubernetes view uses.
pub use crate::views::k8s::Loc;

/// One setting read, for the evidence.
#[derive(Debug, Clone, Serialize)]
pub struct Fact {
    pub setting: String,
    pub value: String,
    pub path: String,
    pub line: u32,
}

/// A provider switch that makes a managed datastore fail over.
#[derive(Debug, Clone, Serialize)]
pub struct Switch {
    /// The setting, e.g. `multi_az`.
    pub setting: String,
    pub ok: bool,
    /// What is wrong when not `ok` (a finding message).
    #[serde(skip)]
    pub problem: String,
    #[serde(flatten)]
    pub at: Loc,
}

/// How a datastore fails over.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Ha {
    /// A managed service: every switch must be on.
    Managed { switches: Vec<Switch> },
    /// Redis with Sentinel.
    Sentinel(Box<Sentinel>),
    /// Highly available by design (DynamoDB, serverless caches).
    Builtin { why: String },
    /// Nothing fails over.
    None { problem: String, at: Loc },
    /// Decided by values not in the repository (computed expressions).
    Unknown { why: String, at: Loc },
    /// Not judged (a cache without persistence, a development setup).
    NotJudged { why: String },
}

/// Redis Sentinel topology and settings.
#[derive(Debug, Clone, Serialize)]
pub struct Sentinel {
    /// The monitored master's name (`mymaster`).
    pub master_name: Option<String>,
    /// Sentinel processes, when the topology tells.
    pub sentinels: Option<u32>,
    #[serde(skip)]
    pub sentinels_at: Loc,
    /// What runs the sentinels, for messages ("3 Compose services").
    #[serde(skip)]
    pub sentinels_desc: String,
    #[serde(skip)]
    pub quorum: Option<(u64, Loc)>,
    /// `down-after-milliseconds` and where it is set (None: the default).
    #[serde(skip)]
    pub down_after_ms: (u64, Option<Loc>),
    /// The default of the software that runs the sentinels (30000 for
    /// Redis, 60000 for Bitnami's images and chart).
    #[serde(skip)]
    pub down_after_default: u64,
    /// Redis servers (master and replicas).
    #[serde(skip)]
    pub nodes: Vec<RedisNode>,
    /// Settings filled in at run time (placeholders): not judged.
    #[serde(skip)]
    pub unknown: Vec<String>,
}

/// One Redis server (or a set of identical ones).
#[derive(Debug, Clone, Serialize)]
pub struct RedisNode {
    pub name: String,
    pub at: Loc,
    pub replica: bool,
    /// How many processes share these settings.
    pub count: u32,
    #[serde(skip)]
    pub settings: Settings,
    /// Defaults that differ from Redis's own (Bitnami images).
    pub defaults: Vec<(String, String)>,
}

impl RedisNode {
    /// A setting's value: from the configuration, else the image default.
    pub fn value(&self, key: &str) -> Option<(String, Option<Loc>)> {
        if let Some(d) = self.settings.get(key) {
            return Some((d.args.join(" "), Some(Loc::new(&d.path, d.line))));
        }
        self.defaults
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| (v.clone(), None))
    }

    pub fn num(&self, key: &str, default: u64) -> (u64, Option<Loc>) {
        match self.value(key) {
            Some((v, at)) => (v.trim().parse().unwrap_or(default), at),
            None => (default, None),
        }
    }
}

/// One source of backups for a datastore.
#[derive(Debug, Clone, Serialize)]
pub struct Backup {
    /// What it is: "automated backups (backup_retention_period 14)".
    pub what: String,
    pub enabled: bool,
    /// Days kept; None when retention does not apply (persistence,
    /// continuous backups whose retention is fixed) or is unlimited.
    pub days: Option<f64>,
    /// Retention is decided outside the repository (a computed value).
    pub unknown: bool,
    /// What is wrong when not enabled.
    #[serde(skip)]
    pub problem: String,
    #[serde(flatten)]
    pub at: Loc,
    /// Local persistence (not a copy elsewhere): counts for self-hosted Redis.
    pub persistence: bool,
}

/// A declared datastore.
#[derive(Debug, Clone, Serialize)]
pub struct Datastore {
    /// `aws_db_instance.main`, `compose redis (docker-compose.yml)`.
    pub name: String,
    /// `postgres`, `mysql`, `aurora-postgresql`, `redis`, `dynamodb`, ...
    pub engine: String,
    /// What runs it: "Amazon RDS", "Compose", "Kubernetes StatefulSet", ...
    pub platform: String,
    #[serde(flatten)]
    pub at: Loc,
    #[serde(rename = "failover")]
    pub ha: Ha,
    pub backups: Vec<Backup>,
    /// Why backups are not judged (a cache), if so.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub backups_not_judged: Option<String>,
    pub facts: Vec<Fact>,
    /// Kubernetes namespace (for Velero), AWS tags (for AWS Backup).
    #[serde(skip)]
    pub namespace: Option<String>,
    #[serde(skip)]
    pub tags: Vec<(String, String)>,
    /// Terraform address for AWS Backup selection by resource.
    #[serde(skip)]
    pub tf_address: Option<String>,
    /// Kubernetes/Helm-managed (Velero schedules may cover it).
    #[serde(skip)]
    pub kubernetes: bool,
}

impl Datastore {
    pub fn new(name: String, engine: &str, platform: &str, at: Loc, ha: Ha) -> Datastore {
        Datastore {
            name,
            engine: engine.to_string(),
            platform: platform.to_string(),
            at,
            ha,
            backups: Vec::new(),
            backups_not_judged: None,
            facts: Vec::new(),
            namespace: None,
            tags: Vec::new(),
            tf_address: None,
            kubernetes: false,
        }
    }

    pub fn fact(&mut self, setting: &str, value: impl Into<String>, at: &Loc) {
        self.facts.push(Fact {
            setting: setting.to_string(),
            value: value.into(),
            path: at.path.clone(),
            line: at.line,
        });
    }

    /// Words a document uses when it talks about this datastore: its
    /// resource name, the service and the engine ("payments", "RDS", "postgres").
    pub fn mentions(&self) -> Vec<String> {
        let mut out = Vec::new();
        if let Some(addr) = &self.tf_address
            && let Some(n) = addr.rsplit('.').next()
            && n.len() >= 4
            && !matches!(
                n,
                "main" | "this" | "default" | "primary" | "database" | "cache"
            )
        {
            out.push(n.to_string());
        }
        for w in [
            "RDS",
            "Aurora",
            "ElastiCache",
            "MemoryDB",
            "DynamoDB",
            "Cloud SQL",
            "Memorystore",
            "CloudNativePG",
            "Velero",
            "AWS Backup",
        ] {
            if self.platform.contains(w) || self.backups.iter().any(|b| b.what.contains(w)) {
                out.push(w.to_string());
            }
        }
        out.push(
            match family(&self.engine) {
                "postgres" => "Postgres",
                "mysql" => "MySQL",
                "redis" => "Redis",
                "mongodb" => "Mongo",
                "dynamodb" => "DynamoDB",
                _ => return out,
            }
            .to_string(),
        );
        out
    }

    /// `name (path:line)` for messages.
    pub fn shown(&self) -> String {
        format!("{} ({}:{})", self.name, self.at.path, self.at.line)
    }
}

/// A declared alert target for a datastore is matched on its engine family.
pub fn family(engine: &str) -> &'static str {
    let e = engine.to_ascii_lowercase();
    if e.contains("redis") || e.contains("valkey") {
        "redis"
    } else if e.contains("postgres") {
        "postgres"
    } else if e.contains("mysql") || e.contains("maria") {
        "mysql"
    } else if e.contains("mongo") {
        "mongodb"
    } else if e.contains("dynamo") {
        "dynamodb"
    } else if e.contains("sqlserver") || e.contains("mssql") {
        "sqlserver"
    } else {
        "other"
    }
}

/// Everything found.
#[derive(Debug, Default, Serialize)]
pub struct Inventory {
    pub datastores: Vec<Datastore>,
    /// Files that could not be read (a YAML or config error), with why.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub unreadable: Vec<(Loc, String)>,
    /// Datastores seen but set aside (development Compose files...).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub set_aside: Vec<String>,
}

/// The inventory of `index`, built once per run.
pub fn inventory(index: &Index) -> Arc<Inventory> {
    index.view(build)
}

fn build(index: &Index) -> Inventory {
    let mut inv = Inventory::default();
    super::terraform::collect(index, &mut inv);
    super::manifests::collect(index, &mut inv);
    inv.datastores
        .sort_by(|a, b| (&a.at.path, a.at.line).cmp(&(&b.at.path, b.at.line)));
    inv
}
