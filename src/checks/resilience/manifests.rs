//! Datastores in manifests: Compose files, Kubernetes resources (plain
//! StatefulSets of known datastore images, CloudNativePG and Zalando
//! Postgres clusters, Spotahome `RedisFailover`s, the OpsTree Redis
//! operator's `RedisSentinel`/`RedisReplication`/`RedisCluster`, Velero
//! `Schedule`s), the Bitnami Redis chart's values (and, through the same
//! path, the PostgreSQL/MySQL charts' in [`super::sql_charts`]), and
//! `redis.conf` / `sentinel.conf` files.
//! YAML goes through the YAML tree; Redis configuration through
//! [`super::redis_conf`].

use std::collections::{BTreeSet, HashMap};
use std::sync::LazyLock;

use regex::Regex;

use super::inventory::{Backup, Datastore, Ha, Inventory, Loc, RedisNode, Sentinel};
use super::redis_conf::{self, Directive, Settings};
use crate::repo::index::{FileEntry, Index};
use crate::repo::text::plural;
use crate::views::yaml::node::{Node, SNode, line};

static COMPOSE_NAME: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(docker-)?compose([.-][A-Za-z0-9_.-]+)?\.ya?ml$").expect("valid regex")
});

/// Known datastore engines by image name (the last path component, no tag).
fn image_engine(image: &str) -> Option<&'static str> {
    let repo = image.split('@').next().unwrap_or(image);
    let repo = match repo.rsplit_once(':') {
        Some((r, tag)) if !tag.contains('/') => r,
        _ => repo,
    };
    let name = repo.rsplit('/').next().unwrap_or(repo).to_ascii_lowercase();
    if name.contains("exporter") || name.contains("insight") || name.contains("commander") {
        return None;
    }
    Some(match name.as_str() {
        n if n.contains("redis") || n.contains("valkey") || n == "keydb" => "redis",
        n if n.contains("postgres")
            || n == "postgis"
            || n == "spilo"
            || n.starts_with("spilo-") =>
        {
            "postgres"
        }
        n if n.contains("mariadb") => "mariadb",
        n if n.contains("mysql") => "mysql",
        n if n.starts_with("mongo") => "mongodb",
        _ => return None,
    })
}

fn is_bitnami(image: &str) -> bool {
    image.contains("bitnami/")
}

/// A YAML scalar or list as words, each with its line (`command:`).
fn words(n: &SNode) -> Vec<(String, u32)> {
    match &n.value {
        Node::Seq(items) => items
            .iter()
            .filter_map(|i| i.value.scalar().map(|s| (s, line(i))))
            .collect(),
        other => other
            .scalar()
            .and_then(|s| shlex::split(&s))
            .unwrap_or_default()
            .into_iter()
            .map(|w| (w, line(n)))
            .collect(),
    }
}

/// `environment:` as a map or a `K=V` list, with lines.
fn env_of(n: Option<&SNode>) -> HashMap<String, (String, u32)> {
    let mut out = HashMap::new();
    let Some(n) = n else { return out };
    match &n.value {
        Node::Map(m) => {
            for (k, v) in m {
                if let (Some(key), Some(val)) = (k.value.scalar(), v.value.scalar()) {
                    out.insert(key, (val, line(k)));
                }
            }
        }
        Node::Seq(items) => {
            for i in items {
                // Kubernetes `env: [{name, value}]` or Compose `["K=V"]`.
                if let (Some(k), Some(v)) = (
                    i.value.get("name").and_then(|x| x.value.scalar()),
                    i.value.get("value").and_then(|x| x.value.scalar()),
                ) {
                    out.insert(k, (v, line(i)));
                } else if let Some(s) = i.value.scalar()
                    && let Some((k, v)) = s.split_once('=')
                {
                    out.insert(k.to_string(), (v.to_string(), line(i)));
                }
            }
        }
        _ => {}
    }
    out
}

/// One Redis process (or a set of identical ones) found in a manifest.
struct Proc {
    name: String,
    at: Loc,
    count: u32,
    sentinel: bool,
    replica: bool,
    settings: Settings,
    defaults: Vec<(String, String)>,
    /// Sentinel settings from the environment (Bitnami): quorum.
    quorum: Option<(u64, Loc)>,
    bitnami: bool,
    /// The data directory is on a volume (None: unknown).
    data_volume: Option<bool>,
    /// Names other services reach it by (Compose service and container names).
    hosts: Vec<String>,
    /// Settings whose value is a placeholder filled in at run time.
    unknown: Vec<String>,
}

/// Finds the repository file behind a container path: (path, text, first line).
type ConfLookup<'a> = &'a dyn Fn(&str) -> Option<(String, String, u32)>;

/// A Velero `Schedule`: where, its name, included and excluded namespaces, ttl in days.
#[derive(Clone)]
struct VeleroSchedule {
    at: Loc,
    name: String,
    include: Vec<String>,
    exclude: Vec<String>,
    ttl: f64,
}

/// Settings of a Redis container: the configuration file it names (looked
/// up through `files`: container path → repository file), its `--key value`
/// arguments and the Bitnami images' environment.
fn redis_proc(
    name: String,
    at: Loc,
    image: &str,
    cmd: &[(String, u32)],
    env: &HashMap<String, (String, u32)>,
    files: ConfLookup,
    consumed: &mut BTreeSet<String>,
) -> Proc {
    let path = at.path.clone();
    let path = path.as_str();
    let sentinel = image.contains("sentinel")
        || cmd
            .iter()
            .any(|(w, _)| w == "--sentinel" || w.ends_with("redis-sentinel"));
    let mut settings = Settings::default();
    let (file, args) = redis_conf::from_args(cmd, path);
    if let Some(file) = file
        && let Some((p, text, first)) = files(&file)
    {
        consumed.insert(p.clone());
        settings.extend(redis_conf::parse(&text, &p, first));
    }
    settings.extend(args);
    let bitnami = is_bitnami(image);
    let mut defaults = Vec::new();
    let mut quorum = None;
    let mut replica = settings.get("replicaof").is_some();
    if bitnami {
        defaults.push(("appendonly".to_string(), "yes".to_string()));
        for (k, (v, l)) in env {
            let d = |key: &str, args: Vec<String>| Directive {
                key: key.to_string(),
                args,
                path: path.to_string(),
                line: *l,
            };
            match k.as_str() {
                "REDIS_REPLICATION_MODE" => replica |= v == "slave" || v == "replica",
                "REDIS_AOF_ENABLED" => settings.extend([d("appendonly", vec![v.clone()])]),
                "REDIS_SENTINEL_DOWN_AFTER_MILLISECONDS" => settings.extend([d(
                    "sentinel",
                    vec!["down-after-milliseconds".into(), "master".into(), v.clone()],
                )]),
                "REDIS_SENTINEL_QUORUM" => {
                    quorum = v.parse().ok().map(|q| (q, Loc::new(path, *l)));
                }
                "REDIS_EXTRA_FLAGS" | "REDIS_SENTINEL_EXTRA_FLAGS" => {
                    let w: Vec<(String, u32)> = shlex::split(v)
                        .unwrap_or_default()
                        .into_iter()
                        .map(|w| (w, *l))
                        .collect();
                    settings.extend(redis_conf::from_args(&w, path).1);
                }
                _ => {}
            }
        }
        if sentinel && quorum.is_none() {
            quorum = Some((2, at.clone()));
        }
    }
    if let Some((_, _, q, d)) = settings.monitor() {
        quorum = Some((q, Loc::new(&d.path, d.line)));
    }
    Proc {
        name,
        at,
        count: 1,
        sentinel,
        replica,
        settings,
        defaults,
        quorum,
        bitnami,
        data_volume: None,
        hosts: Vec::new(),
        unknown: Vec::new(),
    }
}

/// Build the datastore of a set of Redis processes deployed together.
fn redis_group(name: String, platform: &str, at: Loc, procs: Vec<Proc>) -> Option<Datastore> {
    let (sentinels, servers): (Vec<Proc>, Vec<Proc>) = procs.into_iter().partition(|p| p.sentinel);
    if servers.is_empty() && sentinels.is_empty() {
        return None;
    }
    let mut d = Datastore::new(
        name,
        "redis",
        platform,
        at.clone(),
        Ha::NotJudged { why: String::new() },
    );
    let replicas: u32 = servers.iter().filter(|p| p.replica).map(|p| p.count).sum();
    let nodes: Vec<RedisNode> = servers
        .iter()
        .map(|p| RedisNode {
            name: p.name.clone(),
            at: p.at.clone(),
            replica: p.replica,
            count: p.count,
            settings: p.settings.clone(),
            defaults: p.defaults.clone(),
        })
        .collect();
    for n in &nodes {
        d.fact(
            &format!("{} role", n.name),
            if n.replica { "replica" } else { "master" },
            &n.at,
        );
        for (key, default) in [
            ("min-replicas-to-write", "0"),
            ("min-replicas-max-lag", "10"),
            ("replica-priority", "100"),
            ("appendonly", "no"),
        ] {
            let (v, at) = n
                .value(key)
                .unwrap_or_else(|| (format!("{default} (default)"), None));
            d.fact(
                &format!("{} {key}", n.name),
                v,
                at.as_ref().unwrap_or(&n.at),
            );
        }
    }
    if sentinels.is_empty() {
        d.ha = if replicas == 0 {
            Ha::None {
                problem: format!(
                    "{}: one Redis server with no replica and no Sentinel: nothing fails over",
                    d.name
                ),
                at: at.clone(),
            }
        } else {
            Ha::None {
                problem: format!(
                    "{}: {} but no Sentinel: a failed master is not replaced automatically",
                    d.name,
                    plural(replicas as usize, "replica")
                ),
                at: at.clone(),
            }
        };
    } else {
        let count: u32 = sentinels.iter().map(|p| p.count).sum();
        let first = &sentinels[0];
        let down_default = if first.bitnami { 60000 } else { 30000 };
        let down = sentinels
            .iter()
            .find_map(|p| p.settings.sentinel("down-after-milliseconds"))
            .map(|(v, d)| (v, Some(Loc::new(&d.path, d.line))))
            .unwrap_or((down_default, None));
        let master_name = sentinels
            .iter()
            .find_map(|p| p.settings.monitor().map(|m| m.0.to_string()));
        let quorum = sentinels.iter().find_map(|p| p.quorum.clone());
        let desc = if sentinels.len() == 1 {
            format!("{} × {}", first.count, first.name)
        } else {
            sentinels
                .iter()
                .map(|p| p.name.clone())
                .collect::<Vec<_>>()
                .join(", ")
        };
        d.fact("sentinels", format!("{count} ({desc})"), &first.at);
        if let Some((q, at)) = &quorum {
            d.fact("quorum", q.to_string(), at);
        }
        d.fact(
            "down-after-milliseconds",
            down.0.to_string(),
            down.1.as_ref().unwrap_or(&first.at),
        );
        d.ha = Ha::Sentinel(Box::new(Sentinel {
            master_name,
            sentinels: Some(count),
            sentinels_at: first.at.clone(),
            sentinels_desc: desc,
            quorum,
            down_after_ms: down,
            down_after_default: down_default,
            nodes,
            unknown: sentinels.iter().flat_map(|p| p.unknown.clone()).collect(),
        }));
    }
    // Persistence: every server keeps its data (AOF or RDB) on a volume.
    for p in &servers {
        d.backups.push(persistence(p));
    }
    Some(d)
}

/// Redis persistence of one server: AOF or RDB snapshots, on a volume.
fn persistence(p: &Proc) -> Backup {
    let get = |k: &str| {
        p.settings
            .get(k)
            .map(|d| (d.args.join(" "), Loc::new(&d.path, d.line)))
            .or_else(|| {
                p.defaults
                    .iter()
                    .find(|(dk, _)| dk == k)
                    .map(|(_, v)| (v.clone(), p.at.clone()))
            })
    };
    let aof = get("appendonly").filter(|(v, _)| v == "yes");
    // `save ""` turns RDB snapshots off; no `save` keeps Redis's default schedule.
    let rdb_off = p
        .settings
        .all("save")
        .any(|d| d.args.iter().all(|a| a.is_empty()));
    let rdb_explicit = p
        .settings
        .all("save")
        .any(|d| d.args.iter().any(|a| !a.is_empty()));
    let (what, at, on) = match (&aof, rdb_off) {
        (Some((_, at)), _) => ("appendonly yes (AOF)".to_string(), at.clone(), true),
        (None, false) if rdb_explicit => {
            let d = p.settings.get("save").expect("save directive");
            (
                format!("RDB snapshots (save {})", d.args.join(" ")),
                Loc::new(&d.path, d.line),
                true,
            )
        }
        (None, false) => (
            "RDB snapshots (Redis's default save schedule)".to_string(),
            p.at.clone(),
            true,
        ),
        (None, true) => {
            let d = p.settings.all("save").last().expect("save directive");
            (
                "no persistence (save \"\" and no appendonly)".to_string(),
                Loc::new(&d.path, d.line),
                false,
            )
        }
    };
    let on_volume = p.data_volume != Some(false);
    Backup {
        what: format!("{}: {what}", p.name),
        enabled: on && on_volume,
        days: None,
        unknown: false,
        problem: if !on {
            format!(
                "{}: persistence is off (save \"\" and no appendonly yes): a restart loses every key",
                p.name
            )
        } else {
            format!(
                "{}: {what}, but the data directory is not on a volume: the file is lost with the container",
                p.name
            )
        },
        at: if on { p.at.clone() } else { at },
        persistence: true,
    }
}

/// Collect manifest datastores into `inv`.
pub fn collect(index: &Index, inv: &mut Inventory) {
    let mut consumed: BTreeSet<String> = BTreeSet::new();
    let mut docs: Vec<(&FileEntry, Vec<SNode>)> = Vec::new();
    let mut compose_files: Vec<(String, Vec<Proc>)> = Vec::new();
    for f in index.files() {
        // Only the product's files (SPEC §9; the index decides the roles).
        if !f.is_yaml() || !f.is_product() {
            continue;
        }
        let Some(text) = f.text() else { continue };
        if COMPOSE_NAME.is_match(f.name()) {
            let procs = compose(index, f, text, inv, &mut consumed);
            if !procs.is_empty() {
                compose_files.push((f.path.clone(), procs));
            }
            continue;
        }
        if text.contains("{{") {
            continue; // a template: not YAML until rendered
        }
        let interesting = text.contains("kind:") || is_values(f);
        if !interesting {
            continue;
        }
        match crate::views::yaml::from_str_multi::<SNode>(text) {
            Ok(d) => docs.push((f, d)),
            Err(e)
                if text.contains("kind:")
                    && (text.contains("StatefulSet") || text.contains("Schedule")) =>
            {
                inv.unreadable
                    .push((Loc::new(&f.path, e.line.unwrap_or(1)), e.message))
            }
            Err(_) => {}
        }
    }
    compose_groups(compose_files, inv);
    let velero = kubernetes(&docs, inv);
    for (f, ds) in &docs {
        if is_values(f) {
            let deps = chart_dependencies(index, f);
            for d in ds {
                helm_values(f, d, &deps, inv);
            }
        }
    }
    // Velero schedules cover the PostgreSQL/MySQL charts' volumes too; the
    // namespace of a chart's values is decided at install time, so only a
    // schedule of every namespace covers those.
    let every: Vec<VeleroSchedule> = velero
        .iter()
        .filter(|s| s.include.is_empty() || s.include.iter().any(|n| n == "*"))
        .cloned()
        .collect();
    for d in &mut inv.datastores {
        if d.platform.starts_with("Helm (Bitnami ") && d.engine != "redis" {
            let schedules = if d.namespace.is_some() {
                &velero
            } else {
                &every
            };
            cover_velero(d, schedules);
        }
    }
    conf_files(index, inv, &consumed);
}

/// The `dependencies:` of the `Chart.yaml` next to a values file, as
/// (chart name, values key: its `alias` or its name).
fn chart_dependencies(index: &Index, f: &FileEntry) -> Vec<(String, String)> {
    let path = match f.dir() {
        "" => "Chart.yaml".to_string(),
        dir => format!("{dir}/Chart.yaml"),
    };
    let Some(doc) = index
        .get(&path)
        .and_then(|c| c.text())
        .and_then(|t| crate::views::yaml::from_str::<SNode>(t).ok())
    else {
        return Vec::new();
    };
    doc.value
        .get("dependencies")
        .map(|d| d.value.as_seq())
        .unwrap_or(&[])
        .iter()
        .filter_map(|d| {
            let name = s(&d.value, &["name"])?;
            let key = s(&d.value, &["alias"]).unwrap_or_else(|| name.clone());
            Some((name, key))
        })
        .collect()
}

fn is_values(f: &FileEntry) -> bool {
    let n = f.name().to_ascii_lowercase();
    n.starts_with("values") && (n.ends_with(".yaml") || n.ends_with(".yml"))
}

/// The Redis processes of one Compose file (other datastores are set aside).
fn compose(
    index: &Index,
    f: &FileEntry,
    text: &str,
    inv: &mut Inventory,
    consumed: &mut BTreeSet<String>,
) -> Vec<Proc> {
    let doc: SNode = match crate::views::yaml::from_str(text) {
        Ok(d) => d,
        Err(e) => {
            if text.contains("redis") || text.contains("postgres") || text.contains("mysql") {
                inv.unreadable
                    .push((Loc::new(&f.path, e.line.unwrap_or(1)), e.message));
            }
            return Vec::new();
        }
    };
    let Some(services) = doc.value.get("services") else {
        return Vec::new();
    };
    let dir = f.dir().to_string();
    let mut procs = Vec::new();
    for (k, svc) in services.value.as_map() {
        let Some(name) = k.value.scalar() else {
            continue;
        };
        let image = svc
            .value
            .get("image")
            .and_then(|i| i.value.scalar())
            .unwrap_or_default();
        let at = Loc::new(&f.path, line(k));
        let env = env_of(svc.value.get("environment"));
        let Some(engine) = image_engine(&image) else {
            if let Some(p) = built_sentinel(index, f, &name, svc, &env, at, consumed) {
                procs.push(p);
            }
            continue;
        };
        if engine != "redis" {
            inv.set_aside.push(format!(
                "{}:{} Compose service {name} ({engine}): a single Compose service reads as a development setup",
                f.path,
                line(k)
            ));
            continue;
        }
        let mut cmd = Vec::new();
        for key in ["entrypoint", "command"] {
            if let Some(c) = svc.value.get(key) {
                cmd.extend(words(c));
            }
        }
        // Bind mounts: container path → repository file.
        let mut mounts: Vec<(String, String)> = Vec::new();
        let mut targets: Vec<String> = Vec::new();
        for v in svc
            .value
            .get("volumes")
            .map(|v| v.value.as_seq())
            .unwrap_or(&[])
        {
            let (src, dst) = match &v.value {
                Node::Str(s) => {
                    let mut parts = s.splitn(3, ':');
                    match (parts.next(), parts.next()) {
                        (Some(a), Some(b)) => (a.to_string(), b.to_string()),
                        (Some(a), None) => (String::new(), a.to_string()),
                        _ => continue,
                    }
                }
                Node::Map(_) => (
                    v.value
                        .get("source")
                        .and_then(|x| x.value.scalar())
                        .unwrap_or_default(),
                    v.value
                        .get("target")
                        .and_then(|x| x.value.scalar())
                        .unwrap_or_default(),
                ),
                _ => continue,
            };
            targets.push(dst.clone());
            if src.starts_with('.') {
                mounts.push((dst, join(&dir, &src)));
            }
        }
        let lookup = |container: &str| -> Option<(String, String, u32)> {
            for (dst, src) in &mounts {
                let rel = if container == dst {
                    Some(src.clone())
                } else {
                    container
                        .strip_prefix(&format!("{dst}/"))
                        .map(|rest| format!("{src}/{rest}"))
                };
                if let Some(rel) = rel
                    && let Some(file) = index.get(&rel)
                    && let Some(t) = file.text()
                {
                    return Some((rel, t.to_string(), 1));
                }
            }
            None
        };
        let mut p = redis_proc(name.clone(), at, &image, &cmd, &env, &lookup, consumed);
        p.hosts = std::iter::once(name.clone())
            .chain(
                svc.value
                    .get("container_name")
                    .and_then(|c| c.value.scalar()),
            )
            .collect();
        p.count = svc
            .value
            .path(&["deploy", "replicas"])
            .or_else(|| svc.value.get("scale"))
            .and_then(|r| r.value.scalar())
            .and_then(|s| s.parse().ok())
            .unwrap_or(1);
        if !p.sentinel {
            let data_dir = p
                .settings
                .get("dir")
                .and_then(|d| d.args.first().cloned())
                .unwrap_or_else(|| {
                    if p.bitnami {
                        "/bitnami/redis/data".into()
                    } else {
                        "/data".into()
                    }
                });
            p.data_volume = Some(targets.iter().any(|t| {
                let t = t.trim_end_matches('/');
                data_dir == t || data_dir.starts_with(&format!("{t}/"))
            }));
        }
        procs.push(p);
    }
    procs
}

/// Group the Redis processes of Compose files into deployments. Sentinels
/// kept in a Compose file of their own join the servers they monitor: by
/// the monitored host's service or container name, else (an IP address) the
/// servers-only file nearest in the directory tree.
fn compose_groups(files: Vec<(String, Vec<Proc>)>, inv: &mut Inventory) {
    let mut files: Vec<(String, Vec<Proc>)> = files;
    let only = |procs: &[Proc], sentinel: bool| procs.iter().all(|p| p.sentinel == sentinel);
    let mut i = 0;
    while i < files.len() {
        if !only(&files[i].1, true) {
            i += 1;
            continue;
        }
        let host = files[i]
            .1
            .iter()
            .find_map(|p| p.settings.monitor().map(|m| m.1.to_string()));
        let servers: Vec<usize> = (0..files.len())
            .filter(|&j| j != i && only(&files[j].1, false))
            .collect();
        let by_name = host.as_ref().and_then(|h| {
            servers
                .iter()
                .copied()
                .find(|&j| files[j].1.iter().any(|p| p.hosts.contains(h)))
        });
        let is_ip = host.as_deref().is_some_and(|h| {
            h.parse::<std::net::IpAddr>().is_ok()
                || h.chars()
                    .all(|c| c.is_ascii_digit() || matches!(c, '.' | '*' | 'x'))
        });
        let nearest = || {
            let common = |a: &str, b: &str| {
                a.split('/')
                    .zip(b.split('/'))
                    .take_while(|(x, y)| x == y)
                    .count()
            };
            let scored: Vec<(usize, usize)> = servers
                .iter()
                .map(|&j| (common(&files[i].0, &files[j].0), j))
                .collect();
            let best = scored.iter().map(|s| s.0).max()?;
            let top: Vec<_> = scored.iter().filter(|s| s.0 == best).collect();
            (best > 0 && top.len() == 1).then(|| top[0].1)
        };
        match by_name.or_else(|| if is_ip { nearest() } else { None }) {
            Some(j) => {
                let (_, servers) = files.remove(j);
                let i = if j < i { i - 1 } else { i };
                files[i].1.extend(servers);
            }
            None => i += 1,
        }
    }
    for (path, procs) in files {
        // A lone Redis server with no replica and no Sentinel is a development setup.
        if procs.len() == 1 && !procs[0].sentinel && !procs[0].replica && procs[0].count == 1 {
            let p = &procs[0];
            inv.set_aside.push(format!(
                "{}:{} Compose service {} (redis): a single Redis service reads as a development setup",
                p.at.path, p.at.line, p.name
            ));
            continue;
        }
        let at = procs
            .iter()
            .find(|p| !p.sentinel)
            .unwrap_or(&procs[0])
            .at
            .clone();
        let name = format!("Redis in {path}");
        if let Some(d) = redis_group(name, "Compose", at, procs) {
            inv.datastores.push(d);
        }
    }
}

/// A Compose service built from a directory that holds a `sentinel*.conf`
/// with a `sentinel monitor` line: a sentinel whose configuration is that
/// file, `$VAR` placeholders filled from the service's environment.
fn built_sentinel(
    index: &Index,
    f: &FileEntry,
    name: &str,
    svc: &SNode,
    env: &HashMap<String, (String, u32)>,
    at: Loc,
    consumed: &mut BTreeSet<String>,
) -> Option<Proc> {
    let build = svc.value.get("build")?;
    let context = match &build.value {
        Node::Map(_) => s(&build.value, &["context"])?,
        other => other.scalar()?,
    };
    let dir = join(f.dir(), &context);
    let conf = index.files().iter().find(|c| {
        c.dir() == dir
            && c.name().to_ascii_lowercase().starts_with("sentinel")
            && c.name().ends_with(".conf")
            && c.text().is_some_and(|t| t.contains("sentinel monitor"))
    })?;
    consumed.insert(conf.path.clone());
    let mut unknown = Vec::new();
    let mut directives = redis_conf::parse(conf.text()?, &conf.path, 1);
    for d in &mut directives {
        for a in &mut d.args {
            let Some(var) = a.strip_prefix('$') else {
                continue;
            };
            let var = var.trim_start_matches('{').trim_end_matches('}');
            match env.get(var) {
                Some((v, _)) => *a = v.clone(),
                None => {
                    let key = if d.key == "sentinel" {
                        d.args.first().cloned().unwrap_or_default()
                    } else {
                        d.key.clone()
                    };
                    unknown.push(key);
                    break;
                }
            }
        }
    }
    let mut settings = Settings::default();
    settings.extend(directives);
    let quorum = settings
        .monitor()
        .map(|(_, _, q, d)| (q, Loc::new(&d.path, d.line)));
    let count = svc
        .value
        .path(&["deploy", "replicas"])
        .and_then(|r| r.value.scalar())
        .and_then(|v| v.parse().ok())
        .unwrap_or(1);
    Some(Proc {
        name: name.to_string(),
        at,
        count,
        sentinel: true,
        replica: false,
        settings,
        defaults: Vec::new(),
        quorum,
        bitnami: false,
        data_volume: None,
        hosts: vec![name.to_string()],
        unknown,
    })
}

/// `dir/rel` with `./` and `../` resolved (None outside the root).
fn join(dir: &str, rel: &str) -> String {
    let mut parts: Vec<&str> = dir.split('/').filter(|s| !s.is_empty()).collect();
    for c in rel.split('/') {
        match c {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            c => parts.push(c),
        }
    }
    parts.join("/")
}

/// Where the key at `path` inside the values block `b` (at line offset
/// `off` in `f`) is written.
pub(crate) fn key_loc(f: &FileEntry, b: &SNode, off: u32, path: &[&str]) -> Option<Loc> {
    let (last, parent) = path.split_last()?;
    let p = if parent.is_empty() {
        Some(b)
    } else {
        b.value.path(parent)
    }?;
    p.value
        .entry(last)
        .map(|(k, _)| Loc::new(&f.path, off + line(k)))
}

/// The whole number at `spec.<key>` of an operator resource and where it is
/// written (`at` and `default` when it is not set).
fn spec_count(f: &FileEntry, v: &Node, key: &str, at: &Loc, default: u64) -> (u64, Loc) {
    match v.path(&["spec"]).and_then(|s| s.value.entry(key)) {
        Some((k, x)) => (
            x.value
                .scalar()
                .and_then(|s| s.parse().ok())
                .unwrap_or(default),
            Loc::new(&f.path, line(k)),
        ),
        None => (default, at.clone()),
    }
}

fn s(n: &Node, path: &[&str]) -> Option<String> {
    n.path(path).and_then(|x| x.value.scalar())
}

fn num(n: &Node, path: &[&str]) -> Option<u64> {
    s(n, path).and_then(|v| v.parse().ok())
}

/// A Kubernetes duration such as `720h0m0s` or `168h`, in days.
fn k8s_days(v: &str) -> Option<f64> {
    let d = crate::config::parse_duration(v).or_else(|| {
        // `720h0m0s`: sum the parts.
        let re = Regex::new(r"(\d+(?:\.\d+)?)(h|m|s)").ok()?;
        let mut secs = 0.0;
        for c in re.captures_iter(v) {
            let n: f64 = c[1].parse().ok()?;
            secs += match &c[2] {
                "h" => n * 3600.0,
                "m" => n * 60.0,
                _ => n,
            };
        }
        (secs > 0.0).then(|| std::time::Duration::from_secs_f64(secs))
    })?;
    Some(d.as_secs_f64() / 86400.0)
}

/// CloudNativePG `retentionPolicy` (`30d`, `4w`, `3m`), in days.
fn cnpg_days(v: &str) -> Option<f64> {
    let v = v.trim();
    let (n, unit) = v.split_at(v.find(|c: char| !c.is_ascii_digit())?);
    let n: f64 = n.parse().ok()?;
    Some(match unit {
        "d" => n,
        "w" => n * 7.0,
        "m" => n * 30.0,
        _ => return None,
    })
}

/// Kubernetes resources; returns the Velero schedules found.
fn kubernetes(docs: &[(&FileEntry, Vec<SNode>)], inv: &mut Inventory) -> Vec<VeleroSchedule> {
    // ConfigMaps by name, for configuration files mounted into Redis pods.
    let mut config_maps: HashMap<String, (&FileEntry, &SNode)> = HashMap::new();
    let mut scheduled: Vec<(String, Loc, Option<String>)> = Vec::new();
    let mut velero: Vec<VeleroSchedule> = Vec::new();
    // OpsTree: RedisReplications by name, and those a RedisSentinel watches.
    let mut replications: HashMap<String, (&FileEntry, &SNode)> = HashMap::new();
    let mut watched: BTreeSet<String> = BTreeSet::new();
    for (f, ds) in docs {
        for d in ds {
            let kind = s(&d.value, &["kind"]).unwrap_or_default();
            let api = s(&d.value, &["apiVersion"]).unwrap_or_default();
            let name = s(&d.value, &["metadata", "name"]).unwrap_or_default();
            let at = Loc::new(
                &f.path,
                d.value.entry("kind").map(|(k, _)| line(k)).unwrap_or(1),
            );
            match (kind.as_str(), api.split('/').next().unwrap_or("")) {
                ("ConfigMap", _) => {
                    config_maps.insert(name, (f, d));
                }
                ("RedisReplication", OPSTREE) => {
                    replications.insert(name, (f, d));
                }
                ("RedisSentinel", OPSTREE) => {
                    if let Some(r) = s(
                        &d.value,
                        &["spec", "redisSentinelConfig", "redisReplicationName"],
                    ) {
                        watched.insert(r);
                    }
                }
                ("ScheduledBackup", "postgresql.cnpg.io") => scheduled.push((
                    s(&d.value, &["spec", "cluster", "name"]).unwrap_or_default(),
                    at,
                    s(&d.value, &["spec", "schedule"]),
                )),
                ("Schedule", "velero.io") => {
                    let list = |k: &str| -> Vec<String> {
                        d.value
                            .path(&["spec", "template", k])
                            .map(|x| {
                                x.value
                                    .as_seq()
                                    .iter()
                                    .filter_map(|i| i.value.scalar())
                                    .collect()
                            })
                            .unwrap_or_default()
                    };
                    let ttl = s(&d.value, &["spec", "template", "ttl"])
                        .and_then(|t| k8s_days(&t))
                        .unwrap_or(30.0);
                    velero.push(VeleroSchedule {
                        at,
                        name,
                        include: list("includedNamespaces"),
                        exclude: list("excludedNamespaces"),
                        ttl,
                    });
                }
                _ => {}
            }
        }
    }
    for (f, ds) in docs {
        for d in ds {
            let v = &d.value;
            let kind = s(v, &["kind"]).unwrap_or_default();
            let api = s(v, &["apiVersion"]).unwrap_or_default();
            let group = api.split('/').next().unwrap_or("").to_string();
            let name = s(v, &["metadata", "name"]).unwrap_or_default();
            let ns = s(v, &["metadata", "namespace"]);
            let at = Loc::new(&f.path, v.entry("kind").map(|(k, _)| line(k)).unwrap_or(1));
            let store = match (kind.as_str(), group.as_str()) {
                ("StatefulSet" | "Deployment", "apps") => {
                    statefulset(f, v, &kind, &name, at, &config_maps)
                }
                ("Cluster", "postgresql.cnpg.io") => Some(cnpg(f, v, &name, at, &scheduled)),
                ("postgresql", "acid.zalan.do") => Some(zalando(f, v, &name, at)),
                ("RedisFailover", "databases.spotahome.com") => Some(spotahome(f, v, &name, at)),
                // A RedisReplication a RedisSentinel watches is part of that datastore.
                ("RedisReplication", OPSTREE) if !watched.contains(&name) => {
                    opstree_replication(f, v, &name, at, &config_maps)
                }
                ("RedisSentinel", OPSTREE) => {
                    opstree_sentinel(f, v, &name, at, &replications, &config_maps)
                }
                ("RedisCluster", OPSTREE) => Some(opstree_cluster(f, v, &name, at, &config_maps)),
                // A standalone `Redis`: one server, nothing fails over.
                ("Redis", OPSTREE) => {
                    let mut p = opstree_servers(f, v, &format!("Redis {name}"), &at, &config_maps);
                    (p.count, p.replica) = (1, false);
                    redis_group(
                        format!("Redis {name}"),
                        "OpsTree Redis Operator",
                        at,
                        vec![p],
                    )
                }
                ("Application", "argoproj.io") | ("HelmRelease", "helm.toolkit.fluxcd.io") => {
                    released_chart(f, v, &kind, &name, inv);
                    None
                }
                _ => None,
            };
            if let Some(mut store) = store {
                store.namespace = ns;
                store.kubernetes = true;
                cover_velero(&mut store, &velero);
                inv.datastores.push(store);
            }
        }
    }
    velero
}

/// Velero schedules that back up the datastore's namespace.
fn cover_velero(d: &mut Datastore, velero: &[VeleroSchedule]) {
    let ns = d.namespace.clone().unwrap_or_else(|| "default".into());
    for VeleroSchedule {
        at,
        name,
        include,
        exclude,
        ttl,
    } in velero
    {
        let included = include.is_empty() || include.iter().any(|n| n == "*" || *n == ns);
        if !included || exclude.contains(&ns) {
            continue;
        }
        d.fact(
            "Velero schedule",
            format!("{name} (ttl {:.0} days)", ttl),
            at,
        );
        d.backups.push(Backup {
            what: format!("Velero schedule {name} (kept {:.0} days)", ttl),
            enabled: true,
            days: Some(*ttl),
            unknown: false,
            problem: String::new(),
            at: at.clone(),
            persistence: false,
        });
    }
}

fn containers(v: &Node) -> &[SNode] {
    v.path(&["spec", "template", "spec", "containers"])
        .map(|c| c.value.as_seq())
        .unwrap_or(&[])
}

fn statefulset(
    f: &FileEntry,
    v: &Node,
    kind: &str,
    name: &str,
    at: Loc,
    config_maps: &HashMap<String, (&FileEntry, &SNode)>,
) -> Option<Datastore> {
    let cs = containers(v);
    let (engine, main) = cs.iter().find_map(|c| {
        let image = c.value.get("image")?.value.scalar()?;
        image_engine(&image).map(|e| (e, c))
    })?;
    let replicas = num(v, &["spec", "replicas"]).unwrap_or(1) as u32;
    let image = s(&main.value, &["image"]).unwrap_or_default();
    let claims = v
        .path(&["spec", "volumeClaimTemplates"])
        .is_some_and(|c| !c.value.as_seq().is_empty())
        || v.path(&["spec", "template", "spec", "volumes"])
            .is_some_and(|vs| {
                vs.value
                    .as_seq()
                    .iter()
                    .any(|x| x.value.get("persistentVolumeClaim").is_some())
            });
    let platform = format!("Kubernetes {kind}");
    if engine != "redis" {
        let mut d = Datastore::new(
            format!("{kind} {name}"),
            engine,
            &platform,
            at.clone(),
            Ha::NotJudged { why: String::new() },
        );
        d.fact("replicas", replicas.to_string(), &at);
        d.fact("image", image.clone(), &at);
        let managed = ["repmgr", "spilo", "patroni", "galera", "percona-xtradb"]
            .iter()
            .any(|m| image.contains(m));
        d.ha = if managed {
            Ha::Builtin {
                why: format!("{image} runs its own failover manager"),
            }
        } else {
            Ha::None {
                problem: format!(
                    "{kind} {name} runs {engine} ({}) without a failover manager: a failed primary is not replaced (use an operator or a managed service)",
                    plural(replicas as usize, "replica")
                ),
                at: at.clone(),
            }
        };
        return Some(d);
    }
    // Redis: a sentinel container in every pod, or plain servers.
    let cm_lookup = |container: &SNode| -> Vec<Directive> {
        let mut out = Vec::new();
        let mounts = container
            .value
            .get("volumeMounts")
            .map(|m| m.value.as_seq())
            .unwrap_or(&[]);
        let vols = v
            .path(&["spec", "template", "spec", "volumes"])
            .map(|x| x.value.as_seq())
            .unwrap_or(&[]);
        for m in mounts {
            let Some(vol) = s(&m.value, &["name"]) else {
                continue;
            };
            let Some(cm) = vols
                .iter()
                .find(|x| s(&x.value, &["name"]).as_deref() == Some(&vol))
                .and_then(|x| s(&x.value, &["configMap", "name"]))
            else {
                continue;
            };
            if let Some((cf, cd)) = config_maps.get(&cm)
                && let Some(data) = cd.value.get("data")
            {
                for (k, val) in data.value.as_map() {
                    let key = k.value.scalar().unwrap_or_default();
                    if key.ends_with(".conf")
                        && let Some(text) = val.value.scalar()
                    {
                        // A block scalar starts on the line after its key.
                        out.extend(redis_conf::parse(&text, &cf.path, line(k) + 1));
                    }
                }
            }
        }
        out
    };
    let mut procs = Vec::new();
    let mut consumed = BTreeSet::new();
    for c in cs {
        let image = s(&c.value, &["image"]).unwrap_or_default();
        if image_engine(&image) != Some("redis") {
            continue;
        }
        let cname = s(&c.value, &["name"]).unwrap_or_default();
        let mut cmd = Vec::new();
        for key in ["command", "args"] {
            if let Some(x) = c.value.get(key) {
                cmd.extend(words(x));
            }
        }
        let env = env_of(c.value.get("env"));
        let cat = Loc::new(&f.path, line(c));
        let mut p = redis_proc(
            format!("{kind} {name}/{cname}"),
            cat,
            &image,
            &cmd,
            &env,
            &|_| None,
            &mut consumed,
        );
        let mut conf = Settings::default();
        conf.extend(cm_lookup(c));
        conf.extend(std::mem::take(&mut p.settings.directives));
        p.settings = conf;
        if let Some((_, _, q, d)) = p.settings.monitor() {
            p.quorum = Some((q, Loc::new(&d.path, d.line)));
        }
        p.count = replicas;
        p.replica = replicas > 1;
        p.data_volume = Some(claims);
        procs.push(p);
    }
    let mut d = redis_group(format!("{kind} {name}"), &platform, at.clone(), procs)?;
    if !matches!(d.ha, Ha::Sentinel(_)) && replicas > 1 {
        d.ha = Ha::None {
            problem: format!(
                "{kind} {name}: {replicas} Redis pods without Sentinel: a failed master is not replaced automatically"
            ),
            at,
        };
    }
    Some(d)
}

/// A PostgreSQL cluster an operator fails over: it has a standby to
/// promote when `spec.KEY`, its instance count (1 when not set; the
/// declaration at `at`), is 2 or more; `problem` says what one instance lacks.
fn operated_postgres(
    f: &FileEntry,
    v: &Node,
    name: String,
    operator: &str,
    (key, at): (&str, &Loc),
    problem: impl FnOnce(u64) -> String,
) -> Datastore {
    let (n, nat) = spec_count(f, v, key, at, 1);
    let switch = super::inventory::Switch {
        setting: key.into(),
        ok: n >= 2,
        problem: problem(n),
        at: nat.clone(),
    };
    let ha = Ha::Managed {
        switches: vec![switch],
    };
    let mut d = Datastore::new(name, "postgres", operator, at.clone(), ha);
    d.fact(key, n.to_string(), &nat);
    d
}

fn cnpg(
    f: &FileEntry,
    v: &Node,
    name: &str,
    at: Loc,
    scheduled: &[(String, Loc, Option<String>)],
) -> Datastore {
    let mut d = operated_postgres(
        f,
        v,
        format!("CloudNativePG Cluster {name}"),
        "CloudNativePG",
        ("instances", &at),
        |n| format!("CloudNativePG Cluster {name}: instances = {n}: no standby to promote"),
    );
    let backup = v.path(&["spec", "backup"]);
    // The Barman Cloud plugin (CloudNativePG 1.26+) archives WAL in place of
    // `backup.barmanObjectStore`; its retention lives on the ObjectStore.
    let plugin = v
        .path(&["spec", "plugins"])
        .map(|p| p.value.as_seq())
        .unwrap_or(&[])
        .iter()
        .any(|p| s(&p.value, &["name"]).is_some_and(|n| n.contains("barman-cloud")));
    let store = plugin
        || backup.is_some_and(|b| {
            b.value.get("barmanObjectStore").is_some() || b.value.get("volumeSnapshot").is_some()
        });
    let days = backup
        .and_then(|b| b.value.get("retentionPolicy"))
        .and_then(|r| r.value.scalar())
        .and_then(|r| cnpg_days(&r));
    let sched = scheduled.iter().find(|(c, _, _)| c == name);
    let bat = backup
        .map(|b| Loc::new(&f.path, line(b).saturating_sub(1)))
        .unwrap_or(at.clone());
    if let Some((_, sat, when)) = sched {
        d.fact("ScheduledBackup", when.clone().unwrap_or_default(), sat);
    }
    d.backups.push(Backup {
        what: format!(
            "CloudNativePG backups{}",
            match days {
                Some(n) => format!(" (retentionPolicy {n:.0} days)"),
                None => " (kept until deleted)".into(),
            }
        ),
        enabled: store && sched.is_some(),
        days: Some(days.unwrap_or(f64::INFINITY)),
        unknown: false,
        problem: if !store {
            format!("CloudNativePG Cluster {name}: no spec.backup (barmanObjectStore, volumeSnapshot) or Barman Cloud plugin")
        } else {
            format!("CloudNativePG Cluster {name}: spec.backup is set but no ScheduledBackup takes base backups")
        },
        at: bat,
        persistence: false,
    });
    d
}

fn zalando(f: &FileEntry, v: &Node, name: &str, at: Loc) -> Datastore {
    let mut d = operated_postgres(
        f,
        v,
        format!("Zalando postgresql {name}"),
        "Zalando Postgres Operator",
        ("numberOfInstances", &at),
        |n| {
            format!("postgresql {name}: numberOfInstances = {n}: Patroni has no replica to promote")
        },
    );
    let logical = s(v, &["spec", "enableLogicalBackup"]).as_deref() == Some("true");
    d.backups.push(Backup {
        what: "logical backups (enableLogicalBackup; retention set in the operator)".into(),
        enabled: logical,
        days: None,
        unknown: false,
        problem: format!(
            "postgresql {name}: enableLogicalBackup is not true (WAL archiving, if any, is configured in the operator, not here)"
        ),
        at,
        persistence: false,
    });
    d
}

fn spotahome(f: &FileEntry, v: &Node, name: &str, at: Loc) -> Datastore {
    let custom = |path: &[&str], first: u32| -> Vec<Directive> {
        let mut out = Vec::new();
        for item in v.path(path).map(|x| x.value.as_seq()).unwrap_or(&[]) {
            if let Some(t) = item.value.scalar() {
                out.extend(redis_conf::parse(&t, &f.path, line(item).max(first)));
            }
        }
        out
    };
    let sentinels = num(v, &["spec", "sentinel", "replicas"]).unwrap_or(3) as u32;
    let redis = num(v, &["spec", "redis", "replicas"]).unwrap_or(3) as u32;
    let mut ss = Settings::default();
    // The operator writes `down-after-milliseconds 1000` unless customConfig says otherwise.
    let mut sc = custom(&["spec", "sentinel", "customConfig"], 1);
    for d in &mut sc {
        // `down-after-milliseconds 5000` in customConfig names no master.
        if d.key == "down-after-milliseconds" {
            d.args = vec![
                "down-after-milliseconds".into(),
                "mymaster".into(),
                d.args.join(" "),
            ];
            d.key = "sentinel".into();
        }
    }
    ss.extend(sc);
    let mut rs = Settings::default();
    rs.extend(custom(&["spec", "redis", "customConfig"], 1));
    let down = ss
        .sentinel("down-after-milliseconds")
        .map(|(n, d)| (n, Some(Loc::new(&d.path, d.line))))
        .unwrap_or((1000, None));
    let mut d = Datastore::new(
        format!("RedisFailover {name}"),
        "redis",
        "Spotahome Redis Operator",
        at.clone(),
        Ha::NotJudged { why: String::new() },
    );
    d.fact("sentinel.replicas", sentinels.to_string(), &at);
    d.fact("redis.replicas", redis.to_string(), &at);
    d.ha = Ha::Sentinel(Box::new(Sentinel {
        master_name: Some("mymaster".into()),
        sentinels: Some(sentinels),
        sentinels_at: at.clone(),
        sentinels_desc: "sentinel.replicas".into(),
        quorum: Some((2, at.clone())),
        down_after_ms: down,
        down_after_default: 1000,
        nodes: vec![RedisNode {
            name: format!("RedisFailover {name} redis"),
            at: at.clone(),
            replica: true,
            count: redis,
            settings: rs.clone(),
            defaults: Vec::new(),
        }],
        unknown: Vec::new(),
    }));
    let p = Proc {
        name: format!("RedisFailover {name}"),
        at,
        count: redis,
        sentinel: false,
        replica: true,
        settings: rs,
        defaults: Vec::new(),
        quorum: None,
        bitnami: false,
        data_volume: Some(
            v.path(&["spec", "redis", "storage", "persistentVolumeClaim"])
                .is_some(),
        ),
        hosts: Vec::new(),
        unknown: Vec::new(),
    };
    d.backups.push(persistence(&p));
    d
}

/// The OpsTree Redis operator's API group.
const OPSTREE: &str = "redis.redis.opstreelabs.in";

/// The `redis.conf` lines of the ConfigMap an OpsTree resource names in
/// `spec.redisConfig.additionalRedisConfig`.
fn opstree_conf(v: &Node, config_maps: &HashMap<String, (&FileEntry, &SNode)>) -> Settings {
    let mut settings = Settings::default();
    let Some(cm) = s(v, &["spec", "redisConfig", "additionalRedisConfig"]) else {
        return settings;
    };
    if let Some((cf, cd)) = config_maps.get(&cm)
        && let Some(data) = cd.value.get("data")
    {
        for (k, val) in data.value.as_map() {
            if let Some(text) = val.value.scalar() {
                // A block scalar starts on the line after its key.
                settings.extend(redis_conf::parse(&text, &cf.path, line(k) + 1));
            }
        }
    }
    settings
}

/// The Redis servers of an OpsTree `RedisReplication` (or `RedisCluster`):
/// `spec.clusterSize` pods, their ConfigMap, their volume claim.
fn opstree_servers(
    f: &FileEntry,
    v: &Node,
    name: &str,
    kind_at: &Loc,
    config_maps: &HashMap<String, (&FileEntry, &SNode)>,
) -> Proc {
    let (count, at) = match v.path(&["spec"]).and_then(|x| x.value.entry("clusterSize")) {
        Some((k, x)) => (
            x.value.scalar().and_then(|n| n.parse().ok()).unwrap_or(1),
            Loc::new(&f.path, line(k)),
        ),
        None => (1, kind_at.clone()),
    };
    Proc {
        name: name.to_string(),
        at,
        count,
        sentinel: false,
        replica: count > 1,
        settings: opstree_conf(v, config_maps),
        defaults: Vec::new(),
        quorum: None,
        bitnami: false,
        data_volume: Some(
            v.path(&["spec", "storage", "volumeClaimTemplate"])
                .is_some(),
        ),
        hosts: Vec::new(),
        unknown: Vec::new(),
    }
}

/// An OpsTree `RedisSentinel` (`spec.clusterSize` sentinels, settings in
/// `spec.redisSentinelConfig`) with the `RedisReplication` it watches.
fn opstree_sentinel(
    f: &FileEntry,
    v: &Node,
    name: &str,
    at: Loc,
    replications: &HashMap<String, (&FileEntry, &SNode)>,
    config_maps: &HashMap<String, (&FileEntry, &SNode)>,
) -> Option<Datastore> {
    let conf = v.path(&["spec", "redisSentinelConfig"]);
    let key_at = |parent: Option<&SNode>, key: &str| -> Option<(String, Loc)> {
        let (k, x) = parent?.value.entry(key)?;
        Some((x.value.scalar()?, Loc::new(&f.path, line(k))))
    };
    let mut sentinel = opstree_servers(f, v, &format!("RedisSentinel {name}"), &at, config_maps);
    sentinel.sentinel = true;
    sentinel.replica = false;
    sentinel.data_volume = None;
    sentinel.settings = Settings::default();
    // The operator's defaults: quorum 2, down-after-milliseconds 30000.
    let (q, qat) = key_at(conf, "quorum")
        .and_then(|(q, l)| q.parse().ok().map(|q| (q, l)))
        .unwrap_or((2, at.clone()));
    sentinel.quorum = Some((q, qat));
    if let Some((ms, l)) = key_at(conf, "downAfterMilliseconds") {
        sentinel.settings.extend([Directive {
            key: "sentinel".into(),
            args: vec!["down-after-milliseconds".into(), "mymaster".into(), ms],
            path: l.path,
            line: l.line,
        }]);
    }
    let mut procs = vec![sentinel];
    let target = conf.and_then(|c| s(&c.value, &["redisReplicationName"]));
    let servers = target.as_ref().and_then(|r| replications.get(r));
    if let (Some(r), Some((rf, rd))) = (&target, servers) {
        let kind_at = Loc::new(
            &rf.path,
            rd.value.entry("kind").map(|(k, _)| line(k)).unwrap_or(1),
        );
        procs.push(opstree_servers(
            rf,
            &rd.value,
            &format!("RedisReplication {r}"),
            &kind_at,
            config_maps,
        ));
    }
    let mut d = redis_group(
        format!("RedisSentinel {name}"),
        "OpsTree Redis Operator",
        at,
        procs,
    )?;
    if servers.is_none() {
        d.backups_not_judged = Some(format!(
            "the RedisReplication it watches ({}) is not in the repository",
            target.as_deref().unwrap_or("redisReplicationName not set")
        ));
    }
    Some(d)
}

/// An OpsTree `RedisReplication` no `RedisSentinel` watches.
fn opstree_replication(
    f: &FileEntry,
    v: &Node,
    name: &str,
    at: Loc,
    config_maps: &HashMap<String, (&FileEntry, &SNode)>,
) -> Option<Datastore> {
    let p = opstree_servers(f, v, &format!("RedisReplication {name}"), &at, config_maps);
    let pods = p.count;
    let mut d = redis_group(
        format!("RedisReplication {name}"),
        "OpsTree Redis Operator",
        at.clone(),
        vec![p],
    )?;
    if pods > 1 {
        d.ha = Ha::None {
            problem: format!(
                "RedisReplication {name}: {pods} Redis pods and no RedisSentinel watches them (redisSentinelConfig.redisReplicationName): a failed master is not replaced"
            ),
            at,
        };
    }
    Some(d)
}

/// An OpsTree `RedisCluster`: Redis Cluster fails over by itself when every
/// leader has a follower.
fn opstree_cluster(
    f: &FileEntry,
    v: &Node,
    name: &str,
    at: Loc,
    config_maps: &HashMap<String, (&FileEntry, &SNode)>,
) -> Datastore {
    let p = opstree_servers(f, v, &format!("RedisCluster {name}"), &at, config_maps);
    let leaders = num(v, &["spec", "redisLeader", "replicas"]).unwrap_or(u64::from(p.count));
    let (followers, fat) = match v
        .path(&["spec", "redisFollower"])
        .and_then(|x| x.value.entry("replicas"))
    {
        Some((k, x)) => (
            x.value.scalar().and_then(|n| n.parse().ok()).unwrap_or(0),
            Loc::new(&f.path, line(k)),
        ),
        None => (u64::from(p.count), p.at.clone()),
    };
    let mut d = Datastore::new(
        format!("RedisCluster {name}"),
        "redis",
        "OpsTree Redis Operator",
        at,
        Ha::NotJudged { why: String::new() },
    );
    d.fact("redisLeader.replicas", leaders.to_string(), &p.at);
    d.fact("redisFollower.replicas", followers.to_string(), &fat);
    d.ha = Ha::Managed {
        switches: vec![super::inventory::Switch {
            setting: "redisFollower.replicas".into(),
            ok: followers >= leaders && leaders >= 3,
            problem: format!(
                "RedisCluster {name}: {leaders} leaders and {followers} followers: {}",
                if leaders < 3 {
                    "Redis Cluster needs at least 3 leaders to elect a failover"
                } else {
                    "a leader without a follower has nothing to promote"
                }
            ),
            at: fat,
        }],
    };
    d.backups.push(persistence(&p));
    d
}

/// The Bitnami Redis chart's values (at the top level of a Redis chart's
/// values, or under a `redis:` key of an umbrella chart).
fn helm_values(f: &FileEntry, doc: &SNode, deps: &[(String, String)], inv: &mut Inventory) {
    helm_values_at(f, doc, 0, None, f.path.clone(), inv);
    // The Bitnami PostgreSQL/MySQL charts' values under their dependency's key.
    for (chart, key) in deps {
        if super::sql_charts::is_sql_chart(chart)
            && let Some((k, b)) = doc.value.entry(key)
        {
            let shown = format!("{} ({key})", f.path);
            let at = Loc::new(&f.path, line(k));
            super::sql_charts::values(f, b, 0, at, chart, &shown, inv);
        }
    }
}

/// `helm_values` for values found at line offset `off` (a YAML string
/// inside a manifest); `chart` names the chart the values are given to
/// (an Argo CD Application or a Flux HelmRelease).
fn helm_values_at(
    f: &FileEntry,
    doc: &SNode,
    off: u32,
    chart: Option<&str>,
    shown_as: String,
    inv: &mut Inventory,
) {
    if let Some(c) = chart.filter(|c| super::sql_charts::is_sql_chart(c)) {
        let at = Loc::new(&f.path, off + line(doc).max(1));
        super::sql_charts::values(f, doc, off, at, c, &shown_as, inv);
        return;
    }
    let chart = chart.is_some();
    let mut blocks: Vec<(&SNode, String)> = Vec::new();
    if chart || is_redis_values(&doc.value) {
        blocks.push((doc, shown_as.clone()));
    }
    for (k, v) in doc.value.as_map() {
        if k.value
            .as_str()
            .is_some_and(|k| k == "redis" || k.ends_with("-redis") || k == "valkey")
            && v.value.is_map()
            && is_redis_values(&v.value)
        {
            blocks.push((
                v,
                format!("{shown_as} ({})", k.value.as_str().unwrap_or("")),
            ));
        }
    }
    for (b, shown) in blocks {
        let v = &b.value;
        // A disabled subchart deploys nothing.
        if s(v, &["enabled"]).as_deref() == Some("false") {
            continue;
        }
        let at = Loc::new(&f.path, off + line(b).max(1));
        let arch = s(v, &["architecture"]).unwrap_or_else(|| "replication".into());
        let sentinel_on = s(v, &["sentinel", "enabled"]).as_deref() == Some("true");
        let replicas = num(v, &["replica", "replicaCount"]).unwrap_or(3) as u32;
        let line_of = |path: &[&str]| key_loc(f, b, off, path);
        let conf = |path: &[&str]| -> Vec<Directive> {
            match v.path(path) {
                Some(n) => n
                    .value
                    .scalar()
                    .map(|t| redis_conf::parse(&t, &f.path, off + line(n) + 1))
                    .unwrap_or_default(),
                None => Vec::new(),
            }
        };
        let mut common = Settings::default();
        common.extend(conf(&["commonConfiguration"]));
        let mut master = common.clone();
        master.extend(conf(&["master", "configuration"]));
        let mut replica = common.clone();
        replica.extend(conf(&["replica", "configuration"]));
        let mut procs = Vec::new();
        let defaults = vec![("appendonly".to_string(), "yes".to_string())];
        let name = if chart {
            format!("Redis chart in {shown}")
        } else {
            format!("Bitnami Redis chart values {shown}")
        };
        let persistence_of =
            |role: &str| Some(s(v, &[role, "persistence", "enabled"]).as_deref() != Some("false"));
        // A Redis process of the chart: "NAME ROLE", declared at `key`.
        let chart_proc = |role: &str,
                          key: &[&str],
                          count: u32,
                          replica: bool,
                          settings: Settings,
                          defaults: Vec<(String, String)>,
                          data_volume: Option<bool>| Proc {
            name: format!("{shown} {role}"),
            at: line_of(key).unwrap_or(at.clone()),
            count,
            sentinel: false,
            replica,
            settings,
            defaults,
            quorum: None,
            bitnami: true,
            data_volume,
            hosts: Vec::new(),
            unknown: Vec::new(),
        };
        if sentinel_on {
            // Every pod runs Redis and a sentinel; one is master at a time.
            let mut ss = Settings::default();
            let down = num(v, &["sentinel", "downAfterMilliseconds"]);
            if let (Some(n), Some(at)) = (down, line_of(&["sentinel", "downAfterMilliseconds"])) {
                ss.extend([Directive {
                    key: "sentinel".into(),
                    args: vec![
                        "down-after-milliseconds".into(),
                        "mymaster".into(),
                        n.to_string(),
                    ],
                    path: at.path.clone(),
                    line: at.line,
                }]);
            }
            let q = num(v, &["sentinel", "quorum"]).unwrap_or(2);
            let qat = line_of(&["sentinel", "quorum"]).unwrap_or(at.clone());
            procs.push(Proc {
                sentinel: true,
                quorum: Some((q, qat)),
                ..chart_proc(
                    "sentinel",
                    &["sentinel", "enabled"],
                    replicas,
                    false,
                    ss,
                    Vec::new(),
                    None,
                )
            });
            procs.push(chart_proc(
                "redis",
                &["replica", "replicaCount"],
                replicas,
                true,
                replica,
                defaults,
                persistence_of("replica"),
            ));
        } else {
            procs.push(chart_proc(
                "master",
                &["architecture"],
                1,
                false,
                master,
                defaults.clone(),
                persistence_of("master"),
            ));
            if arch == "replication" {
                procs.push(chart_proc(
                    "replicas",
                    &["replica", "replicaCount"],
                    replicas,
                    true,
                    replica,
                    defaults,
                    persistence_of("replica"),
                ));
            }
        }
        if let Some(mut d) = redis_group(name, "Helm (Bitnami Redis chart)", at, procs) {
            d.kubernetes = true;
            inv.datastores.push(d);
        }
    }
}

/// The values an Argo CD `Application` or a Flux `HelmRelease` gives the
/// Redis chart (`valuesObject`/`values`, or `helm.values` as a YAML string).
fn released_chart(f: &FileEntry, v: &Node, kind: &str, name: &str, inv: &mut Inventory) {
    let chart = s(v, &["spec", "source", "chart"])
        .or_else(|| s(v, &["spec", "chart", "spec", "chart"]))
        .unwrap_or_default();
    if !matches!(chart.as_str(), "redis" | "valkey") && !super::sql_charts::is_sql_chart(&chart) {
        return;
    }
    let shown = format!("{kind} {name}");
    let before = inv.datastores.len();
    // Where the release is installed: Argo CD's destination, Flux's target.
    let ns = s(v, &["spec", "destination", "namespace"])
        .or_else(|| s(v, &["spec", "targetNamespace"]))
        .or_else(|| s(v, &["metadata", "namespace"]).filter(|_| kind == "HelmRelease"));
    released_values(f, v, &chart, shown, inv);
    for d in &mut inv.datastores[before..] {
        d.namespace = ns.clone();
    }
}

/// The values node (or YAML string) of a released chart, read as values of `chart`.
fn released_values(f: &FileEntry, v: &Node, chart: &str, shown: String, inv: &mut Inventory) {
    let chart = chart.to_string();
    let node = v
        .path(&["spec", "source", "helm", "valuesObject"])
        .or_else(|| v.path(&["spec", "values"]));
    if let Some(n) = node {
        helm_values_at(f, n, 0, Some(&chart), shown, inv);
    } else if let Some(text_node) = v.path(&["spec", "source", "helm", "values"])
        && let Some(text) = text_node.value.as_str()
        && let Ok(doc) = crate::views::yaml::from_str::<SNode>(text)
    {
        // The block scalar's node starts at its first line of content.
        helm_values_at(
            f,
            &doc,
            line(text_node).saturating_sub(1),
            Some(&chart),
            shown,
            inv,
        );
    }
}

/// Does a values mapping configure the Bitnami Redis chart?
fn is_redis_values(v: &Node) -> bool {
    let has = |k: &str| v.get(k).is_some_and(|x| x.value.is_map());
    (has("sentinel") && (has("master") || has("replica")))
        || (v.get("architecture").is_some()
            && has("master")
            && has("replica")
            && v.get("auth").is_some())
}

/// `redis.conf` / `sentinel.conf` files no manifest above mounted: a
/// sentinel configuration stands for a Sentinel deployment of unknown size.
fn conf_files(index: &Index, inv: &mut Inventory, consumed: &BTreeSet<String>) {
    // Directories a deployment already reads configuration from (a template
    // next to the files it was copied to is not another deployment).
    let used: BTreeSet<&str> = consumed
        .iter()
        .map(|p| p.rsplit_once('/').map(|(d, _)| d).unwrap_or(""))
        .chain(
            index
                .files()
                .iter()
                .filter(|f| COMPOSE_NAME.is_match(f.name()))
                .map(|f| f.dir()),
        )
        .collect();
    for f in index.files() {
        if consumed.contains(&f.path) || used.contains(f.dir()) {
            continue;
        }
        let n = f.name().to_ascii_lowercase();
        if !(n.ends_with(".conf") && n.starts_with("sentinel") && f.is_product()) {
            continue;
        }
        let Some(text) = f.text() else { continue };
        let mut settings = Settings::default();
        settings.extend(redis_conf::parse(text, &f.path, 1));
        let Some((mname, _, q, md)) = settings.monitor() else {
            continue;
        };
        let at = Loc::new(&f.path, md.line);
        let quorum = Some((q, at.clone()));
        let mname = mname.to_string();
        let down = settings
            .sentinel("down-after-milliseconds")
            .map(|(n, d)| (n, Some(Loc::new(&d.path, d.line))))
            .unwrap_or((30000, None));
        let mut d = Datastore::new(
            format!("Redis Sentinel {mname} ({})", f.path),
            "redis",
            "Redis Sentinel (configuration file)",
            at.clone(),
            Ha::NotJudged { why: String::new() },
        );
        d.fact("quorum", q.to_string(), &at);
        d.fact(
            "down-after-milliseconds",
            down.0.to_string(),
            down.1.as_ref().unwrap_or(&at),
        );
        d.ha = Ha::Sentinel(Box::new(Sentinel {
            master_name: Some(mname),
            sentinels: None,
            sentinels_at: at.clone(),
            sentinels_desc: "not declared in the repository".into(),
            quorum,
            down_after_ms: down,
            down_after_default: 30000,
            nodes: Vec::new(),
            unknown: Vec::new(),
        }));
        d.backups_not_judged =
            Some("a sentinel configuration alone does not show the servers' persistence".into());
        inv.datastores.push(d);
    }
}
