//! From YAML trees to the model's objects, and the plain manifests.

use std::collections::{BTreeMap, HashSet};
use std::sync::Arc;

use super::helm::UNKNOWN_OPEN;
use super::*;
use crate::repo::index::Index;
use crate::views::yaml::node::{Node, SNode};

/// Rendered line → source line, and the values.yaml key a line reads.
#[derive(Debug, Default)]
pub(crate) struct LineMap {
    pub src: Vec<u32>,
    pub values: Vec<Option<Loc>>,
}

/// One object before extraction.
#[derive(Debug, Clone)]
pub(crate) struct Raw {
    pub doc: SNode,
    /// The file the object is declared in.
    pub path: String,
    pub lines: Option<Arc<LineMap>>,
    pub source: Source,
    pub scope: String,
    pub env: Option<String>,
    /// Changed by a kustomize patch: lines inside may belong to other files.
    pub patched: bool,
    pub replicas_at: Option<Loc>,
    pub image_at: Vec<(String, Loc)>,
    /// Before any patch: (container, image, line) as the file declares them.
    pub base_images: Vec<(String, String, u32)>,
}

impl Raw {
    pub fn new(doc: SNode, path: &str, source: Source, scope: String) -> Raw {
        Raw {
            doc,
            path: path.to_string(),
            lines: None,
            source,
            scope,
            env: None,
            patched: false,
            replicas_at: None,
            image_at: Vec::new(),
            base_images: Vec::new(),
        }
    }

    /// Remember where each container's image is written, before patches.
    pub fn keep_base_images(&mut self) {
        let v = &self.doc.value;
        let pod = if v.get("kind").and_then(|k| k.value.as_str()) == Some("CronJob") {
            v.path(&["spec", "jobTemplate", "spec", "template", "spec"])
        } else {
            v.path(&["spec", "template", "spec"])
        };
        let Some(pod) = pod else { return };
        for key in ["containers", "initContainers"] {
            for c in pod.value.get(key).map(|c| c.value.as_seq()).unwrap_or(&[]) {
                if let (Some(name), Some(img)) = (
                    c.value.get("name").and_then(|n| n.value.scalar()),
                    c.value.get("image"),
                ) && let Some(i) = img.value.scalar()
                {
                    self.base_images
                        .push((name, i, crate::views::yaml::node::line(img)));
                }
            }
        }
    }

    fn line_of(&self, n: &SNode) -> u32 {
        let l = crate::views::yaml::node::line(n);
        match &self.lines {
            Some(m) => m
                .src
                .get(l.saturating_sub(1) as usize)
                .copied()
                .unwrap_or(l),
            None => l,
        }
    }

    fn loc(&self, n: &SNode) -> Loc {
        Loc::new(self.path.clone(), self.line_of(n))
    }

    /// A location inside the object: exact unless a patch may have moved it.
    fn inner_loc(&self, n: &SNode, fallback: &Loc) -> Loc {
        if self.patched {
            fallback.clone()
        } else {
            self.loc(n)
        }
    }

    /// The values.yaml key the line of `n` reads, if any.
    fn values_loc(&self, n: &SNode) -> Option<Loc> {
        let m = self.lines.as_ref()?;
        let l = crate::views::yaml::node::line(n);
        m.values
            .get(l.saturating_sub(1) as usize)
            .cloned()
            .flatten()
    }
}

/// Documents of a YAML text, `List`s flattened; `None` when it does not parse.
pub(crate) fn documents(text: &str) -> Result<Vec<SNode>, crate::views::yaml::YamlError> {
    let docs: Vec<SNode> = crate::views::yaml::from_str_multi(text)?;
    let mut out = Vec::new();
    for d in docs {
        flatten(d, &mut out);
    }
    Ok(out)
}

fn flatten(d: SNode, out: &mut Vec<SNode>) {
    let kind = d.value.get("kind").and_then(|k| k.value.as_str());
    if kind.is_some_and(|k| k == "List" || k.ends_with("List")) {
        if let Some(items) = d.value.get("items") {
            for i in items.value.as_seq() {
                flatten(i.clone(), out);
            }
        }
        return;
    }
    if d.value.is_map() {
        out.push(d);
    }
}

/// Does `text` look like it holds Kubernetes objects? (cheap, before parsing)
pub(crate) fn looks_like_k8s(text: &str) -> bool {
    text.contains("kind:") && text.contains("apiVersion")
}

/// The object kinds the model reads.
pub(crate) fn interesting(kind: &str) -> bool {
    Kind::parse(kind).is_some()
        || matches!(
            kind,
            "Service" | "PodDisruptionBudget" | "HorizontalPodAutoscaler" | "Canary"
        )
}

/// Plain manifests: product YAML files that no kustomization includes and
/// that are not Helm templates.
pub(crate) fn plain(
    index: &Index,
    consumed: &HashSet<String>,
    raws: &mut Vec<Raw>,
    unread: &mut Vec<Unread>,
) {
    for f in index.files() {
        if !f.is_yaml() || consumed.contains(&f.path) || !f.is_product() {
            continue;
        }
        if super::kustomize::is_kustomization(f.name()) || super::helm::in_chart(index, &f.path) {
            continue;
        }
        // Beside a kustomization that does not list it: not deployed with it.
        if ["kustomization.yaml", "kustomization.yml", "Kustomization"]
            .iter()
            .any(|k| index.get(&join(f.dir(), k)).is_some())
        {
            continue;
        }
        let Some(text) = f.text() else { continue };
        if !looks_like_k8s(text) {
            continue;
        }
        match documents(text) {
            Ok(docs) => {
                for d in docs {
                    if d.value
                        .get("kind")
                        .and_then(|k| k.value.as_str())
                        .is_some_and(interesting)
                    {
                        raws.push(Raw::new(
                            d,
                            &f.path,
                            Source::Manifest,
                            PLAIN_SCOPE.to_string(),
                        ));
                    }
                }
            }
            Err(e) => {
                // Templated text (Jinja, Go templates outside a chart) is
                // not YAML until rendered: unknown, not an error.
                if !text.contains("{{") && !text.contains("{%") {
                    unread.push(Unread {
                        at: Loc::new(f.path.clone(), e.line.unwrap_or(1)),
                        why: format!("cannot read as YAML: {}", e.message),
                    });
                }
            }
        }
    }
}

fn join(dir: &str, name: &str) -> String {
    if dir.is_empty() {
        name.to_string()
    } else {
        format!("{dir}/{name}")
    }
}

fn is_unknown_text(s: &str) -> bool {
    s.contains(UNKNOWN_OPEN)
}

fn scalar(n: Option<&SNode>) -> Option<String> {
    n.and_then(|n| n.value.scalar())
}

/// A setting: unset when absent or null, unknown when templated.
fn setting(n: Option<&SNode>) -> Setting {
    match n.map(|n| &n.value) {
        None | Some(Node::Null) => Setting::Unset,
        Some(Node::Str(s)) if is_unknown_text(s) => Setting::Unknown,
        Some(Node::Str(s)) if s.trim().is_empty() => Setting::Unset,
        Some(v) => match v.scalar() {
            Some(s) => Setting::Set(s),
            None => Setting::Unknown,
        },
    }
}

/// Labels or a selector; `None` when any part is templated beyond reach
/// in a way that cannot be compared (a whole map from an include is kept
/// as its marker key, which compares equal on both sides).
fn string_map(n: Option<&SNode>) -> Option<BTreeMap<String, String>> {
    match n.map(|n| &n.value) {
        None | Some(Node::Null) => Some(BTreeMap::new()),
        Some(Node::Map(m)) => Some(
            m.iter()
                .filter_map(|(k, v)| Some((k.value.scalar()?, v.value.scalar()?)))
                .collect(),
        ),
        _ => None,
    }
}

fn name_of(v: &Node) -> String {
    v.path(&["metadata", "name"])
        .and_then(|n| n.value.scalar())
        .map(|n| {
            if is_unknown_text(&n) {
                super::helm::shown(&n)
            } else {
                n
            }
        })
        .unwrap_or_else(|| "(unnamed)".into())
}

fn namespace_of(v: &Node) -> Option<String> {
    v.path(&["metadata", "namespace"])
        .and_then(|n| n.value.scalar())
        .filter(|n| !is_unknown_text(n) && !n.is_empty())
}

/// Read one object into the model.
pub(crate) fn object(raw: &Raw, out: &mut K8s) {
    let v = &raw.doc.value;
    let Some((kind_key, kind_node)) = v.entry("kind") else {
        return;
    };
    let Some(kind) = kind_node.value.as_str() else {
        return;
    };
    let at = raw.loc(kind_key);
    let name = name_of(v);
    let namespace = namespace_of(v);
    let api = scalar(v.get("apiVersion")).unwrap_or_default();
    match kind {
        "Service" => out.services.push(Service {
            name,
            namespace,
            selector: string_map(v.path(&["spec", "selector"])),
            at,
            scope: raw.scope.clone(),
        }),
        "PodDisruptionBudget" => {
            let sel = v.path(&["spec", "selector"]);
            let selector = match sel {
                Some(s) if s.value.get("matchExpressions").is_some() => None,
                Some(s) => string_map(s.value.get("matchLabels")),
                None => Some(BTreeMap::new()),
            };
            out.pdbs.push(Pdb {
                name,
                namespace,
                selector,
                min_available: setting(v.path(&["spec", "minAvailable"])),
                max_unavailable: setting(v.path(&["spec", "maxUnavailable"])),
                at,
                scope: raw.scope.clone(),
            })
        }
        "HorizontalPodAutoscaler" => out.hpas.push(Hpa {
            name,
            namespace,
            target_kind: scalar(v.path(&["spec", "scaleTargetRef", "kind"])).unwrap_or_default(),
            target_name: scalar(v.path(&["spec", "scaleTargetRef", "name"]))
                .map(|n| shown_name(&n))
                .unwrap_or_default(),
            min_replicas: setting(v.path(&["spec", "minReplicas"])),
            at,
            scope: raw.scope.clone(),
        }),
        "Canary" if api.starts_with("flagger.app") => {
            let analysis = v
                .path(&["spec", "analysis"])
                .or_else(|| v.path(&["spec", "canaryAnalysis"]));
            let analysis_checks = analysis.is_some_and(|a| {
                !a.value
                    .get("metrics")
                    .map(|m| m.value.as_seq())
                    .unwrap_or(&[])
                    .is_empty()
                    || !a
                        .value
                        .get("webhooks")
                        .map(|m| m.value.as_seq())
                        .unwrap_or(&[])
                        .is_empty()
            });
            out.canaries.push(Canary {
                name,
                namespace,
                target_kind: scalar(v.path(&["spec", "targetRef", "kind"])).unwrap_or_default(),
                target_name: scalar(v.path(&["spec", "targetRef", "name"]))
                    .map(|n| shown_name(&n))
                    .unwrap_or_default(),
                analysis: analysis.map(|a| raw.inner_loc(a, &at)),
                analysis_checks,
                at,
                scope: raw.scope.clone(),
            })
        }
        _ => {
            if let Some(k) = Kind::parse(kind) {
                if k == Kind::Rollout && !api.starts_with("argoproj.io") {
                    return;
                }
                if let Some(w) = workload(raw, k, name, namespace, api, at) {
                    out.workloads.push(w);
                }
            }
        }
    }
}

fn shown_name(n: &str) -> String {
    if is_unknown_text(n) {
        super::helm::shown(n)
    } else {
        n.to_string()
    }
}

fn workload(
    raw: &Raw,
    kind: Kind,
    name: String,
    namespace: Option<String>,
    api_version: String,
    at: Loc,
) -> Option<Workload> {
    let v = &raw.doc.value;
    let template = match kind {
        Kind::CronJob => v.path(&["spec", "jobTemplate", "spec", "template"]),
        _ => v.path(&["spec", "template"]),
    };
    let workload_ref = if kind == Kind::Rollout {
        scalar(v.path(&["spec", "workloadRef", "name"]))
    } else {
        None
    };
    let pod = template.and_then(|t| t.value.get("spec"));
    let mut containers = Vec::new();
    if let Some(pod) = pod {
        for (key, init) in [("containers", false), ("initContainers", true)] {
            for c in pod.value.get(key).map(|c| c.value.as_seq()).unwrap_or(&[]) {
                containers.push(container(raw, c, init, &at));
            }
        }
    }
    // A workload whose containers name no image is a patch (kustomize
    // overlays, values), not something that runs.
    if workload_ref.is_none()
        && (containers.is_empty()
            || containers
                .iter()
                .all(|c| c.image.reference == Setting::Unset))
    {
        return None;
    }
    let labels = template
        .and_then(|t| t.value.path(&["metadata", "labels"]))
        .map(|l| string_map(Some(l)).unwrap_or_default())
        .unwrap_or_default();
    let pod_security = pod
        .and_then(|p| p.value.get("securityContext"))
        .map(|s| security(raw, s, &at))
        .unwrap_or_default();
    Some(Workload {
        kind,
        api_version,
        name,
        namespace,
        replicas: replicas(raw, kind, &at),
        labels,
        containers,
        pod_security,
        strategy: strategy(raw, kind, &at),
        workload_ref,
        at,
        source: raw.source.clone(),
        scope: raw.scope.clone(),
        env: raw.env.clone(),
    })
}

fn replicas(raw: &Raw, kind: Kind, at: &Loc) -> Replicas {
    if !kind.replicated() {
        return Replicas {
            count: None,
            from: ReplicasFrom::Default,
            at: None,
        };
    }
    let Some(n) = raw.doc.value.path(&["spec", "replicas"]) else {
        return Replicas {
            count: Some(1),
            from: ReplicasFrom::Default,
            at: None,
        };
    };
    let text = n.value.scalar();
    let count = match &n.value {
        Node::Int(i) => u64::try_from(*i).ok(),
        Node::Str(s) => s.trim().parse().ok(),
        _ => None,
    };
    let (from, loc) = if let Some(l) = &raw.replicas_at {
        (ReplicasFrom::Kustomize, Some(l.clone()))
    } else if let Some(l) = raw.values_loc(n) {
        (ReplicasFrom::HelmValues, Some(l))
    } else {
        (ReplicasFrom::Manifest, Some(raw.inner_loc(n, at)))
    };
    match count {
        Some(c) => Replicas {
            count: Some(c),
            from,
            at: loc,
        },
        None if matches!(n.value, Node::Null) => Replicas {
            count: Some(1),
            from: ReplicasFrom::Default,
            at: None,
        },
        None => Replicas {
            count: None,
            from: if text.is_some_and(|t| is_unknown_text(&t)) {
                ReplicasFrom::Unknown
            } else {
                from
            },
            at: loc,
        },
    }
}

fn security(raw: &Raw, s: &SNode, at: &Loc) -> Security {
    Security {
        run_as_non_root: match s.value.get("runAsNonRoot").map(|n| &n.value) {
            Some(Node::Bool(b)) => Some(*b),
            Some(Node::Str(s)) if s == "true" => Some(true),
            Some(Node::Str(s)) if s == "false" => Some(false),
            _ => None,
        },
        run_as_user: match s.value.get("runAsUser").map(|n| &n.value) {
            Some(Node::Int(i)) => i64::try_from(*i).ok(),
            Some(Node::Str(s)) => s.trim().parse().ok(),
            _ => None,
        },
        at: Some(raw.inner_loc(s, at)),
    }
}

fn container(raw: &Raw, c: &SNode, init: bool, at: &Loc) -> Container {
    let v = &c.value;
    let name = scalar(v.get("name"))
        .map(|n| shown_name(&n))
        .unwrap_or_else(|| "(unnamed)".into());
    let image_node = v.get("image");
    let reference = setting(image_node);
    let image_at = raw
        .image_at
        .iter()
        .find(|(img, _)| reference.value().is_some_and(|r| r == img))
        .map(|(_, l)| l.clone())
        .or_else(|| image_node.and_then(|n| raw.values_loc(n)))
        .or_else(|| {
            // Patched: the line the base declares, when the image is still its.
            let r = reference.value()?;
            raw.base_images
                .iter()
                .find(|(n, i, _)| *n == name && i == r)
                .map(|(_, _, l)| Loc::new(raw.path.clone(), *l))
        })
        .unwrap_or_else(|| raw.inner_loc(image_node.unwrap_or(c), at));
    let res = v.get("resources");
    let resources = match res.map(|r| &r.value) {
        Some(Node::Str(s)) if is_unknown_text(s) => Resources {
            requests_cpu: Setting::Unknown,
            requests_memory: Setting::Unknown,
            limits_cpu: Setting::Unknown,
            limits_memory: Setting::Unknown,
        },
        _ => {
            let r = res.map(|r| &r.value);
            let part = |group: &str, key: &str| {
                let g = r.and_then(|r| r.get(group));
                match g.map(|g| &g.value) {
                    Some(Node::Str(s)) if is_unknown_text(s) => Setting::Unknown,
                    Some(Node::Map(m))
                        if m.iter().any(|(k, _)| {
                            k.value.as_str().is_some_and(|k| k.contains(UNKNOWN_OPEN))
                        }) && g.and_then(|g| g.value.get(key)).is_none() =>
                    {
                        Setting::Unknown
                    }
                    _ => setting(g.and_then(|g| g.value.get(key))),
                }
            };
            // A `resources:` map holding an include's marker key is unknown.
            if r.is_some_and(|r| {
                r.as_map()
                    .iter()
                    .any(|(k, _)| k.value.as_str().is_some_and(|k| k.contains(UNKNOWN_OPEN)))
            }) {
                Resources {
                    requests_cpu: Setting::Unknown,
                    requests_memory: Setting::Unknown,
                    limits_cpu: Setting::Unknown,
                    limits_memory: Setting::Unknown,
                }
            } else {
                Resources {
                    requests_cpu: part("requests", "cpu"),
                    requests_memory: part("requests", "memory"),
                    limits_cpu: part("limits", "cpu"),
                    limits_memory: part("limits", "memory"),
                }
            }
        }
    };
    let probes = ["readinessProbe", "livenessProbe", "startupProbe"]
        .iter()
        .filter_map(|p| v.entry(p).map(|(k, body)| probe(raw, p, k, body, at)))
        .collect();
    let probes_unknown = v.as_map().iter().any(|(k, val)| {
        k.value.as_str().is_some_and(is_unknown_text)
            || (k.value.as_str().is_some_and(|k| k.ends_with("Probe"))
                && val.value.as_str().is_some_and(is_unknown_text))
    });
    Container {
        name,
        init,
        image: Image {
            reference,
            at: image_at,
        },
        resources,
        security: v
            .get("securityContext")
            .map(|s| security(raw, s, at))
            .unwrap_or_default(),
        probes,
        probes_unknown,
        at: raw.inner_loc(c, at),
    }
}

/// A probe: its handler (what it checks, on which port) and, for a Helm
/// template, the values.yaml key it was rendered from.
fn probe(raw: &Raw, kind: &str, key: &SNode, body: &SNode, at: &Loc) -> Probe {
    let (handler, target, port) = probe_handler(body);
    Probe {
        kind: kind.to_string(),
        at: raw.inner_loc(key, at),
        target,
        port,
        values_at: handler.and_then(|h| raw.values_loc(h)),
    }
}

/// What a probe body checks: its handler node, a description ("HTTP GET
/// /ready", "TCP connect", "gRPC health", "exec: …") and its port; each
/// `None` when the body has no handler. Templated values are shown as
/// their template. Shared with `health.declared` for probes the model does
/// not hold (chart values no template renders).
pub fn probe_handler(body: &SNode) -> (Option<&SNode>, Option<String>, Option<String>) {
    let p = &body.value;
    let port = |h: &SNode| scalar(h.value.get("port")).map(|p| shown_name(&p));
    if let Some(h) = p.get("httpGet") {
        let scheme = scalar(h.value.get("scheme")).unwrap_or_else(|| "HTTP".into());
        let path = scalar(h.value.get("path")).unwrap_or_else(|| "/".into());
        (
            Some(h),
            Some(format!("{} GET {}", shown_name(&scheme), shown_name(&path))),
            port(h),
        )
    } else if let Some(t) = p.get("tcpSocket") {
        (Some(t), Some("TCP connect".to_string()), port(t))
    } else if let Some(g) = p.get("grpc") {
        (Some(g), Some("gRPC health".to_string()), port(g))
    } else if let Some(e) = p.get("exec") {
        let cmd: Vec<String> = e
            .value
            .get("command")
            .map(|c| c.value.as_seq())
            .unwrap_or(&[])
            .iter()
            .filter_map(|x| x.value.scalar())
            .map(|x| shown_name(&x))
            .collect();
        (
            Some(e),
            Some(format!(
                "exec: {}",
                crate::repo::text::shorten(&cmd.join(" "))
            )),
            None,
        )
    } else {
        (None, None, None)
    }
}

fn strategy(raw: &Raw, kind: Kind, at: &Loc) -> Strategy {
    let v = &raw.doc.value;
    let key = match kind {
        Kind::StatefulSet | Kind::DaemonSet => "updateStrategy",
        _ => "strategy",
    };
    let mut out = Strategy {
        kind: StrategyKind::Default,
        at: None,
        max_unavailable: Setting::Unset,
        max_surge: Setting::Unset,
        steps: 0,
        analysis: None,
    };
    let Some((k, s)) = v.get("spec").and_then(|spec| spec.value.entry(key)) else {
        return out;
    };
    out.at = Some(raw.inner_loc(k, at));
    if kind == Kind::Rollout {
        if let Some(c) = s.value.get("canary") {
            out.kind = StrategyKind::Canary;
            let steps = c
                .value
                .get("steps")
                .map(|s| s.value.as_seq())
                .unwrap_or(&[]);
            out.steps = steps.len();
            out.max_unavailable = setting(c.value.get("maxUnavailable"));
            out.max_surge = setting(c.value.get("maxSurge"));
            out.analysis = c
                .value
                .get("analysis")
                .or_else(|| steps.iter().find_map(|st| st.value.get("analysis")))
                .map(|a| raw.inner_loc(a, at));
        } else if let Some(b) = s.value.get("blueGreen") {
            out.kind = StrategyKind::BlueGreen;
            out.analysis = b
                .value
                .get("prePromotionAnalysis")
                .or_else(|| b.value.get("postPromotionAnalysis"))
                .map(|a| raw.inner_loc(a, at));
        } else {
            out.kind = StrategyKind::Unknown;
        }
        return out;
    }
    match &s.value {
        Node::Str(t) if is_unknown_text(t) => {
            out.kind = StrategyKind::Unknown;
            return out;
        }
        Node::Map(m)
            if m.iter()
                .any(|(k, _)| k.value.as_str().is_some_and(is_unknown_text)) =>
        {
            out.kind = StrategyKind::Unknown;
            return out;
        }
        _ => {}
    }
    out.kind = match setting(s.value.get("type")) {
        Setting::Set(t) => match t.as_str() {
            "RollingUpdate" => StrategyKind::RollingUpdate,
            "Recreate" => StrategyKind::Recreate,
            "OnDelete" => StrategyKind::OnDelete,
            _ => StrategyKind::Other(t),
        },
        Setting::Unknown => StrategyKind::Unknown,
        Setting::Unset if s.value.get("rollingUpdate").is_some() => StrategyKind::RollingUpdate,
        Setting::Unset => StrategyKind::Default,
    };
    if let Some(ru) = s.value.get("rollingUpdate") {
        out.max_unavailable = setting(ru.value.get("maxUnavailable"));
        out.max_surge = setting(ru.value.get("maxSurge"));
    }
    out
}
