//! Datastores declared in Terraform, read from the one Terraform model of
//! the run: RDS and Aurora, ElastiCache, MemoryDB, DynamoDB, Cloud SQL,
//! Memorystore, Azure databases and caches; and the AWS Backup plans that
//! select them.
//!
//! A setting given as `var.NAME` takes the variable's literal default, or
//! its value in an auto-loaded `terraform.tfvars`/`*.auto.tfvars` of the
//! module; anything else computed is reported as decided outside the
//! repository, not guessed.

use std::collections::HashMap;

use super::inventory::{Backup, Datastore, Ha, Inventory, Loc, Switch};
use crate::repo::index::Index;
use crate::views::terraform::{self, Attr, Block, Body, Role, Value};

/// A setting's value after resolving variables.
#[derive(Debug, Clone, PartialEq)]
enum V {
    Bool(bool),
    Num(f64),
    Str(String),
    Absent,
    /// Computed: the expression's references.
    Computed(String),
}

impl V {
    fn show(&self) -> String {
        match self {
            V::Bool(b) => b.to_string(),
            V::Num(n) => fmt_num(*n),
            V::Str(s) => format!("\"{s}\""),
            V::Absent => "not set".into(),
            V::Computed(e) => format!("computed ({e})"),
        }
    }
    fn truthy(&self) -> Option<bool> {
        match self {
            V::Bool(b) => Some(*b),
            V::Str(s) if s == "true" => Some(true),
            V::Str(s) if s == "false" => Some(false),
            _ => None,
        }
    }
    fn num(&self) -> Option<f64> {
        match self {
            V::Num(n) => Some(*n),
            V::Str(s) => s.parse().ok(),
            _ => None,
        }
    }
    fn str(&self) -> Option<&str> {
        match self {
            V::Str(s) => Some(s),
            _ => None,
        }
    }
}

pub(crate) fn fmt_num(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        format!("{n}")
    }
}

/// Variables of one module: literal defaults, overridden by auto-loaded tfvars.
#[derive(Default)]
struct Vars<'a> {
    values: HashMap<String, &'a Attr>,
}

/// A resource with its file.
struct Res<'a> {
    path: &'a str,
    block: &'a Block,
    vars: &'a Vars<'a>,
}

impl<'a> Res<'a> {
    fn kind(&self) -> &str {
        self.block.label()
    }
    fn name(&self) -> &str {
        self.block.labels.get(1).map(String::as_str).unwrap_or("")
    }
    fn address(&self) -> String {
        format!("{}.{}", self.kind(), self.name())
    }
    fn loc(&self) -> Loc {
        Loc::new(self.path, self.block.line)
    }
    fn get(&self, name: &str) -> (V, Loc) {
        get(
            self.path,
            &self.block.body,
            name,
            self.vars,
            self.block.line,
        )
    }
    fn nested(&self, path: &[&str]) -> Option<&'a Block> {
        let mut body: &'a Body = &self.block.body;
        let mut found = None;
        for p in path {
            let b = body.blocks.iter().find(|b| b.kind == *p)?;
            body = &b.body;
            found = Some(b);
        }
        found
    }
    fn get_in(&self, block: &Block, name: &str) -> (V, Loc) {
        get(self.path, &block.body, name, self.vars, block.line)
    }
    /// Is `name` set to something (a variable defaulting to null is not)?
    fn set(&self, name: &str) -> bool {
        !matches!(self.get(name).0, V::Absent)
    }
    /// `setting = value` as written, with the variable it came from.
    fn shown(&self, setting: &str, v: &V, default: &str) -> String {
        let via = self
            .block
            .body
            .attr(setting)
            .filter(|a| matches!(a.value, Value::Expr) && a.refs.len() == 1)
            .map(|a| a.refs[0].clone());
        match (via, v) {
            (Some(var), V::Absent) => format!("{setting} = {var} (null: default {default})"),
            (Some(var), V::Computed(_)) => format!("{setting} = {var} (computed)"),
            (Some(var), v) => format!("{setting} = {var} ({})", v.show()),
            (None, V::Absent) => format!("{setting} is not set (default {default})"),
            (None, v) => format!("{setting} = {}", v.show()),
        }
    }
}

fn value_of(a: &Attr, vars: &Vars) -> V {
    match &a.value {
        Value::Bool(b) => V::Bool(*b),
        Value::Str(s) => V::Str(s.clone()),
        Value::Null => V::Absent,
        Value::Number => a.number.map(V::Num).unwrap_or(V::Computed("number".into())),
        Value::Expr if a.refs.len() == 1 && a.refs[0].starts_with("var.") => {
            let name = &a.refs[0][4..];
            match vars.values.get(name) {
                Some(d) => match value_of(d, &Vars::default()) {
                    V::Computed(_) => V::Computed(a.refs[0].clone()),
                    v => v,
                },
                None => V::Computed(a.refs[0].clone()),
            }
        }
        _ => V::Computed(if a.refs.is_empty() {
            "expression".into()
        } else {
            let mut seen: Vec<&str> = Vec::new();
            for r in &a.refs {
                if !seen.contains(&r.as_str()) {
                    seen.push(r);
                }
            }
            seen.join(", ")
        }),
    }
}

fn get(path: &str, body: &Body, name: &str, vars: &Vars, block_line: u32) -> (V, Loc) {
    match body.attr(name) {
        Some(a) => (value_of(a, vars), Loc::new(path, a.line)),
        None => (V::Absent, Loc::new(path, block_line)),
    }
}

/// Collect Terraform datastores and AWS Backup coverage into `inv`.
pub fn collect(index: &Index, inv: &mut Inventory) {
    let m = terraform::model(index);
    if m.is_empty() {
        return;
    }
    for module in m.checked_modules() {
        let mut vars = Vars::default();
        for &i in &module.files {
            if let Some(b) = m.files[i].body() {
                for v in b.blocks("variable") {
                    if let Some(d) = v.body.attr("default") {
                        vars.values.insert(v.label().to_string(), d);
                    }
                }
            }
        }
        // Auto-loaded variable files of the module override defaults.
        for f in m
            .files
            .iter()
            .filter(|f| f.role == Role::Vars && f.dir == module.dir)
        {
            let name = f.path.rsplit('/').next().unwrap_or(&f.path);
            let auto = name == "terraform.tfvars"
                || name == "terraform.tfvars.json"
                || name.ends_with(".auto.tfvars")
                || name.ends_with(".auto.tfvars.json");
            if let (true, Some(b)) = (auto, f.body()) {
                for a in &b.attrs {
                    vars.values.insert(a.name.clone(), a);
                }
            }
        }
        let resources: Vec<Res> = m
            .blocks(module)
            .filter(|(_, b)| b.kind == "resource")
            .map(|(f, b)| Res {
                path: &f.path,
                block: b,
                vars: &vars,
            })
            .collect();
        let start = inv.datastores.len();
        for r in &resources {
            if let Some(d) = datastore(r, &resources) {
                inv.datastores.push(d);
            }
        }
        aws_backup(&resources, &mut inv.datastores[start..]);
    }
}

fn tags_of(r: &Res) -> Vec<(String, String)> {
    match r.block.body.attr("tags").map(|a| &a.value) {
        Some(Value::Object(attrs)) => attrs
            .iter()
            .filter_map(|a| match &a.value {
                Value::Str(s) => Some((a.name.clone(), s.clone())),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    }
}

fn switch(setting: &str, ok: bool, problem: String, at: Loc) -> Switch {
    Switch {
        setting: setting.to_string(),
        ok,
        problem,
        at,
    }
}

/// A boolean switch that must be true (default `default`).
fn bool_switch(d: &mut Datastore, r: &Res, setting: &str, default: bool, why: &str) -> Switch {
    let (v, at) = r.get(setting);
    d.fact(setting, v.show(), &at);
    match v {
        V::Computed(e) => switch(setting, true, format!("computed ({e})"), at).unknown(),
        other => {
            let on = other.truthy().unwrap_or(default);
            let shown = r.shown(setting, &other, &default.to_string());
            switch(setting, on, format!("{}: {shown}: {why}", r.address()), at)
        }
    }
}

trait Unknown {
    fn unknown(self) -> Switch;
}
impl Unknown for Switch {
    /// A switch whose value is computed: recorded, not judged.
    fn unknown(mut self) -> Switch {
        self.setting = format!("{} (computed)", self.setting);
        self
    }
}

/// Retention in days from `setting` (default `default`); `what` names the backup kind.
fn retention(d: &mut Datastore, r: &Res, setting: &str, default: f64, what: &str) -> Backup {
    let (v, at) = r.get(setting);
    d.fact(setting, v.show(), &at);
    let (days, unknown) = match &v {
        V::Computed(_) => (None, true),
        V::Absent => (Some(default), false),
        other => (Some(other.num().unwrap_or(default)), false),
    };
    let enabled = unknown || days.is_some_and(|n| n > 0.0);
    let shown = r.shown(setting, &v, &fmt_num(default));
    Backup {
        what: format!("{what}: {shown}"),
        enabled,
        days,
        unknown,
        problem: format!("{}: {shown}: no automated {what}", r.address()),
        at,
        persistence: false,
    }
}

fn datastore(r: &Res, all: &[Res]) -> Option<Datastore> {
    let kind = r.kind();
    let d = |engine: &str, platform: &str| {
        let mut d = Datastore::new(
            r.address(),
            engine,
            platform,
            r.loc(),
            Ha::Managed {
                switches: Vec::new(),
            },
        );
        d.tf_address = Some(r.address());
        d.tags = tags_of(r);
        d
    };
    let engine_of = |default: &str| {
        r.get("engine")
            .0
            .str()
            .map(str::to_string)
            .unwrap_or_else(|| default.to_string())
    };
    let out = match kind {
        "aws_db_instance" => {
            // A read replica follows its source: HA and backups are the source's.
            if r.set("replicate_source_db") {
                return None;
            }
            // An instance of an Aurora cluster is judged with the cluster.
            if r.set("cluster_identifier") {
                return None;
            }
            let mut d = d(&engine_of("unknown"), "Amazon RDS");
            let s = bool_switch(
                &mut d,
                r,
                "multi_az",
                false,
                "single-AZ: an AZ outage or host failure takes the database down until it is replaced",
            );
            d.ha = Ha::Managed { switches: vec![s] };
            let b = retention(&mut d, r, "backup_retention_period", 1.0, "backups");
            d.backups.push(b);
            note_protection(&mut d, r);
            d
        }
        "aws_rds_cluster" => {
            let engine = engine_of("aurora");
            let mut d = d(&engine, "Amazon Aurora / RDS cluster");
            let mode = r.get("engine_mode").0;
            let instances = cluster_instances(r, all);
            let ha = if mode.str() == Some("serverless") {
                Ha::Builtin {
                    why: "Aurora Serverless v1 recovers in another AZ by itself".into(),
                }
            } else if matches!(r.get("db_cluster_instance_class").0, V::Str(_)) {
                Ha::Builtin {
                    why: "a Multi-AZ DB cluster (one writer, two readers in other AZs)".into(),
                }
            } else {
                let (n, computed, at) = instances;
                d.fact("cluster instances", n.to_string(), &at);
                let s = switch(
                    "cluster instances",
                    computed || n >= 2,
                    format!(
                        "{}: {} (aws_rds_cluster_instance): Aurora fails over only to a replica; add a second instance in another AZ",
                        r.address(),
                        if n == 0 {
                            "no instance".to_string()
                        } else {
                            format!("{n} instance")
                        }
                    ),
                    r.loc(),
                );
                Ha::Managed {
                    switches: vec![if computed { s.unknown() } else { s }],
                }
            };
            d.ha = ha;
            let b = retention(&mut d, r, "backup_retention_period", 1.0, "backups");
            d.backups.push(b);
            note_protection(&mut d, r);
            d
        }
        "aws_elasticache_replication_group" => {
            let mut d = d(&engine_of("redis"), "Amazon ElastiCache");
            let a = bool_switch(
                &mut d,
                r,
                "automatic_failover_enabled",
                false,
                "a failed primary is not replaced by a replica",
            );
            let m = bool_switch(
                &mut d,
                r,
                "multi_az_enabled",
                false,
                "replicas may share the primary's AZ",
            );
            d.ha = Ha::Managed {
                switches: vec![a, m],
            };
            let b = retention(&mut d, r, "snapshot_retention_limit", 0.0, "snapshots");
            d.backups.push(b);
            d
        }
        "aws_elasticache_cluster" => {
            if r.set("replication_group_id") {
                return None;
            }
            let engine = engine_of("redis");
            let mut d = d(&engine, "Amazon ElastiCache");
            if engine == "memcached" {
                d.ha = Ha::NotJudged {
                    why: "memcached is a cache without replication or persistence".into(),
                };
                d.backups_not_judged = Some("memcached keeps no data to back up".into());
            } else {
                d.ha = Ha::None {
                    problem: format!(
                        "{}: a single-node {engine} cluster has no replica to fail over to; use aws_elasticache_replication_group with automatic_failover_enabled",
                        r.address()
                    ),
                    at: r.loc(),
                };
                let b = retention(&mut d, r, "snapshot_retention_limit", 0.0, "snapshots");
                d.backups.push(b);
            }
            d
        }
        "aws_elasticache_serverless_cache" => {
            let mut d = d(&engine_of("redis"), "Amazon ElastiCache Serverless");
            d.ha = Ha::Builtin {
                why: "serverless caches replicate across AZs".into(),
            };
            let b = retention(&mut d, r, "snapshot_retention_limit", 0.0, "snapshots");
            d.backups.push(b);
            d
        }
        "aws_memorydb_cluster" => {
            let mut d = d(&engine_of("redis"), "Amazon MemoryDB");
            let (v, at) = r.get("num_replicas_per_shard");
            d.fact("num_replicas_per_shard", v.show(), &at);
            let n = v.num().unwrap_or(1.0);
            let s = switch(
                "num_replicas_per_shard",
                n >= 1.0,
                format!(
                    "{}: num_replicas_per_shard = {}: a shard without a replica cannot fail over",
                    r.address(),
                    fmt_num(n)
                ),
                at,
            );
            d.ha = Ha::Managed {
                switches: vec![if matches!(v, V::Computed(_)) {
                    s.unknown()
                } else {
                    s
                }],
            };
            let b = retention(&mut d, r, "snapshot_retention_limit", 0.0, "snapshots");
            d.backups.push(b);
            d
        }
        "aws_dynamodb_table" => {
            let mut d = d("dynamodb", "Amazon DynamoDB");
            d.ha = Ha::Builtin {
                why: "DynamoDB replicates every table across three AZs".into(),
            };
            let pitr = r.nested(&["point_in_time_recovery"]);
            let (v, at) = match pitr {
                Some(b) => r.get_in(b, "enabled"),
                None => (V::Absent, r.loc()),
            };
            d.fact("point_in_time_recovery.enabled", v.show(), &at);
            let unknown = matches!(v, V::Computed(_));
            let on = unknown || v.truthy() == Some(true);
            let days = pitr
                .and_then(|b| r.get_in(b, "recovery_period_in_days").0.num())
                .unwrap_or(35.0);
            d.backups.push(Backup {
                what: format!("point-in-time recovery ({} days)", fmt_num(days)),
                enabled: on,
                days: Some(days),
                unknown,
                problem: format!(
                    "{}: point_in_time_recovery is not enabled: no continuous backup",
                    r.address()
                ),
                at,
                persistence: false,
            });
            d
        }
        "google_sql_database_instance" => {
            let version = r
                .get("database_version")
                .0
                .str()
                .map(|s| s.to_ascii_lowercase())
                .unwrap_or_else(|| "unknown".into());
            // A read replica follows its master.
            if r.set("master_instance_name") {
                return None;
            }
            let mut d = d(&version, "Cloud SQL");
            let settings = r.nested(&["settings"]);
            let (v, at) = match settings {
                Some(s) => r.get_in(s, "availability_type"),
                None => (V::Absent, r.loc()),
            };
            d.fact("settings.availability_type", v.show(), &at);
            let s = switch(
                "availability_type",
                matches!(v, V::Computed(_)) || v.str() == Some("REGIONAL"),
                format!(
                    "{}: availability_type {}: a zonal instance has no standby to fail over to (set \"REGIONAL\")",
                    r.address(),
                    if v == V::Absent {
                        "is not set (default ZONAL)".to_string()
                    } else {
                        format!("= {}", v.show())
                    }
                ),
                at,
            );
            d.ha = Ha::Managed {
                switches: vec![if matches!(v, V::Computed(_)) {
                    s.unknown()
                } else {
                    s
                }],
            };
            let bc = settings.and_then(|s| s.body.blocks("backup_configuration").next());
            let (en, at) = match bc {
                Some(b) => r.get_in(b, "enabled"),
                None => (
                    V::Absent,
                    settings
                        .map(|s| Loc::new(r.path, s.line))
                        .unwrap_or(r.loc()),
                ),
            };
            d.fact("backup_configuration.enabled", en.show(), &at);
            let unknown = matches!(en, V::Computed(_));
            let retained = bc
                .and_then(|b| b.body.blocks("backup_retention_settings").next())
                .and_then(|b| r.get_in(b, "retained_backups").0.num())
                .unwrap_or(7.0);
            let pitr = bc.is_some_and(|b| {
                r.get_in(b, "point_in_time_recovery_enabled").0.truthy() == Some(true)
                    || r.get_in(b, "binary_log_enabled").0.truthy() == Some(true)
            });
            d.fact("point-in-time recovery", pitr.to_string(), &at);
            d.backups.push(Backup {
                what: format!(
                    "daily backups ({} kept{})",
                    fmt_num(retained),
                    if pitr { ", point-in-time recovery" } else { "" }
                ),
                enabled: unknown || en.truthy() == Some(true),
                days: Some(retained),
                unknown,
                problem: format!(
                    "{}: backup_configuration.enabled {}: no automated backups",
                    r.address(),
                    if en == V::Absent {
                        "is not set (default false)".to_string()
                    } else {
                        format!("= {}", en.show())
                    }
                ),
                at,
                persistence: false,
            });
            note_protection(&mut d, r);
            d
        }
        "google_redis_instance" => {
            let mut d = d("redis", "Memorystore for Redis");
            let (v, at) = r.get("tier");
            d.fact("tier", v.show(), &at);
            let s = switch(
                "tier",
                matches!(v, V::Computed(_)) || v.str() == Some("STANDARD_HA"),
                format!(
                    "{}: tier {}: a BASIC instance has no replica (set \"STANDARD_HA\")",
                    r.address(),
                    if v == V::Absent {
                        "is not set (default BASIC)".to_string()
                    } else {
                        format!("= {}", v.show())
                    }
                ),
                at,
            );
            d.ha = Ha::Managed { switches: vec![s] };
            let (mode, at) = match r.nested(&["persistence_config"]) {
                Some(b) => r.get_in(b, "persistence_mode"),
                None => (V::Absent, r.loc()),
            };
            d.fact("persistence_config.persistence_mode", mode.show(), &at);
            d.backups.push(Backup {
                what: "RDB snapshots (persistence_mode RDB)".into(),
                enabled: matches!(mode, V::Computed(_)) || mode.str() == Some("RDB"),
                days: None,
                unknown: matches!(mode, V::Computed(_)),
                problem: format!(
                    "{}: persistence_config.persistence_mode is not \"RDB\": no snapshot of the data",
                    r.address()
                ),
                at,
                persistence: true,
            });
            d
        }
        "azurerm_postgresql_flexible_server" | "azurerm_mysql_flexible_server" => {
            let engine = if kind.contains("postgres") {
                "postgres"
            } else {
                "mysql"
            };
            let mut d = d(engine, "Azure Database flexible server");
            let (mode, at) = match r.nested(&["high_availability"]) {
                Some(b) => r.get_in(b, "mode"),
                None => (V::Absent, r.loc()),
            };
            d.fact("high_availability.mode", mode.show(), &at);
            let s = switch(
                "high_availability",
                !matches!(mode, V::Absent),
                format!(
                    "{}: no high_availability block: no standby to fail over to (mode = \"ZoneRedundant\")",
                    r.address()
                ),
                at,
            );
            d.ha = Ha::Managed { switches: vec![s] };
            let b = retention(&mut d, r, "backup_retention_days", 7.0, "backups");
            d.backups.push(b);
            d
        }
        "azurerm_mssql_database" => {
            let mut d = d("sqlserver", "Azure SQL Database");
            let s = bool_switch(
                &mut d,
                r,
                "zone_redundant",
                false,
                "replicas share one zone",
            );
            d.ha = Ha::Managed { switches: vec![s] };
            let (days, at) = match r.nested(&["short_term_retention_policy"]) {
                Some(b) => {
                    let (v, at) = r.get_in(b, "retention_days");
                    (v.num().unwrap_or(7.0), at)
                }
                None => (7.0, r.loc()),
            };
            d.fact(
                "short_term_retention_policy.retention_days",
                fmt_num(days),
                &at,
            );
            d.backups.push(Backup {
                what: format!("point-in-time backups ({} days)", fmt_num(days)),
                enabled: days > 0.0,
                days: Some(days),
                unknown: false,
                problem: format!("{}: no point-in-time backups", r.address()),
                at,
                persistence: false,
            });
            d
        }
        "azurerm_redis_cache" => {
            let mut d = d("redis", "Azure Cache for Redis");
            let (sku, at) = r.get("sku_name");
            d.fact("sku_name", sku.show(), &at);
            let s = switch(
                "sku_name",
                matches!(sku, V::Computed(_)) || sku.str() != Some("Basic"),
                format!(
                    "{}: sku_name = \"Basic\": a single node without a replica",
                    r.address()
                ),
                at.clone(),
            );
            d.ha = Ha::Managed { switches: vec![s] };
            let rdb = r
                .nested(&["redis_configuration"])
                .map(|b| r.get_in(b, "rdb_backup_enabled"));
            let (v, at) = rdb.unwrap_or((V::Absent, at));
            d.fact("redis_configuration.rdb_backup_enabled", v.show(), &at);
            d.backups.push(Backup {
                what: "RDB backups to storage".into(),
                enabled: matches!(v, V::Computed(_)) || v.truthy() == Some(true),
                days: None,
                unknown: matches!(v, V::Computed(_)),
                problem: format!(
                    "{}: redis_configuration.rdb_backup_enabled is not true: no backup of the data",
                    r.address()
                ),
                at,
                persistence: false,
            });
            d
        }
        _ => return None,
    };
    Some(out)
}

/// `deletion_protection` is recorded (a fact), not judged.
fn note_protection(d: &mut Datastore, r: &Res) {
    let (v, at) = r.get("deletion_protection");
    d.fact("deletion_protection", v.show(), &at);
}

/// Instances of an Aurora cluster: (count, computed, where).
fn cluster_instances(cluster: &Res, all: &[Res]) -> (u32, bool, Loc) {
    let me = cluster.address();
    let mut n = 0u32;
    let mut computed = false;
    let mut at = cluster.loc();
    for r in all
        .iter()
        .filter(|r| r.kind() == "aws_rds_cluster_instance")
    {
        let Some(a) = r.block.body.attr("cluster_identifier") else {
            continue;
        };
        if !a.refs.iter().any(|x| x.starts_with(&me)) {
            continue;
        }
        at = r.loc();
        match r.block.body.attr("count").map(|c| value_of(c, r.vars)) {
            None => n += 1,
            Some(V::Num(c)) => n += c as u32,
            Some(_) => computed = true,
        }
        if r.block.body.attr("for_each").is_some() {
            computed = true;
        }
    }
    (n, computed, at)
}

/// AWS Backup plans and selections: a plan's rules (with their retention)
/// cover the datastores a selection names by resource or by tag.
fn aws_backup(resources: &[Res], stores: &mut [Datastore]) {
    for sel in resources
        .iter()
        .filter(|r| r.kind() == "aws_backup_selection")
    {
        let Some(plan_ref) = sel
            .block
            .body
            .attr("plan_id")
            .and_then(|a| a.refs.iter().find(|x| x.starts_with("aws_backup_plan.")))
        else {
            continue;
        };
        let Some(plan) = resources
            .iter()
            .find(|r| r.kind() == "aws_backup_plan" && plan_ref.starts_with(&(r.address() + ".")))
        else {
            continue;
        };
        // The longest retention of the plan's rules; None: kept forever.
        let mut days: Option<Option<f64>> = None;
        let mut schedule = String::new();
        for rule in plan.block.body.blocks("rule") {
            if schedule.is_empty()
                && let V::Str(s) = plan.get_in(rule, "schedule").0
            {
                schedule = s;
            }
            let keep = rule
                .body
                .blocks("lifecycle")
                .next()
                .and_then(|l| plan.get_in(l, "delete_after").0.num());
            days = Some(match (days.flatten(), keep) {
                (_, None) => None,
                (Some(a), Some(b)) => Some(a.max(b)),
                (None, Some(b)) if days.is_none() => Some(b),
                (None, Some(_)) => None,
            });
        }
        let Some(days) = days else { continue };
        let by_resource: Vec<&String> = sel
            .block
            .body
            .attr("resources")
            .map(|a| a.refs.iter().collect())
            .unwrap_or_default();
        let wildcard = sel
            .block
            .body
            .attr("resources")
            .is_some_and(|a| a.items.iter().any(|s| s == "*"));
        let mut tag_rules: Vec<(String, String)> = Vec::new();
        for t in sel.block.body.blocks("selection_tag") {
            if let (V::Str(k), V::Str(v)) = (sel.get_in(t, "key").0, sel.get_in(t, "value").0) {
                tag_rules.push((k, v));
            }
        }
        for c in sel.block.body.blocks("condition") {
            for eq in c.body.blocks("string_equals") {
                if let (V::Str(k), V::Str(v)) = (sel.get_in(eq, "key").0, sel.get_in(eq, "value").0)
                {
                    let k = k.strip_prefix("aws:ResourceTag/").unwrap_or(&k).to_string();
                    tag_rules.push((k, v));
                }
            }
        }
        for d in stores.iter_mut() {
            let Some(addr) = &d.tf_address else { continue };
            let named = by_resource
                .iter()
                .any(|x| x.starts_with(&(addr.clone() + ".")) || *x == addr);
            let tagged = tag_rules
                .iter()
                .any(|(k, v)| d.tags.iter().any(|(tk, tv)| tk == k && tv == v));
            let how = if named {
                "by resource".to_string()
            } else if let Some((k, v)) = tag_rules
                .iter()
                .find(|(k, v)| d.tags.iter().any(|(tk, tv)| tk == k && tv == v))
            {
                format!("by tag {k} = {v}")
            } else if wildcard && tag_rules.is_empty() {
                "by resources = [\"*\"]".to_string()
            } else {
                continue;
            };
            let _ = tagged;
            let kept = match days {
                Some(n) => format!("kept {} days", fmt_num(n)),
                None => "kept until deleted".to_string(),
            };
            d.fact(
                "AWS Backup",
                format!("{} selects it {how}; {kept}", plan.address()),
                &sel.loc(),
            );
            d.backups.push(Backup {
                what: format!(
                    "AWS Backup plan {} ({kept}{})",
                    plan.address(),
                    if schedule.is_empty() {
                        String::new()
                    } else {
                        format!(", {schedule}")
                    }
                ),
                enabled: true,
                days: Some(days.unwrap_or(f64::INFINITY)),
                unknown: false,
                problem: String::new(),
                at: sel.loc(),
                persistence: false,
            });
        }
    }
}
