//! Kustomize: the effective objects of every kustomization that no other
//! one includes (an overlay, or a base applied on its own).
//!
//! Read: `resources`, `bases`, `components` (files and directories with
//! their own kustomization, recursively), `patchesStrategicMerge`,
//! `patches` (strategic merge or JSON 6902, from a file or inline, with
//! `target` by kind and name), `patchesJson6902`, `replicas`, `images`,
//! `commonLabels`, `labels` (`includeSelectors`/`includeTemplates`) and
//! `namespace`. Remote resources and `helmCharts` are not fetched.

use std::collections::{HashMap, HashSet};

use super::extract::{Raw, documents};
use super::patch;
use super::{Loc, Source, Unread};
use crate::repo::index::Index;
use crate::views::yaml::node::{Node, SNode, line};

/// Names a kustomization file may have.
pub fn is_kustomization(name: &str) -> bool {
    matches!(
        name,
        "kustomization.yaml" | "kustomization.yml" | "Kustomization"
    )
}

struct Kz {
    path: String,
    dir: String,
    doc: SNode,
}

const MAX_DEPTH: usize = 24;

/// Collect the effective objects; returns the files kustomizations read
/// (they are not plain manifests on their own).
pub(crate) fn collect(
    index: &Index,
    raws: &mut Vec<Raw>,
    unread: &mut Vec<Unread>,
) -> HashSet<String> {
    let mut by_dir: HashMap<String, Kz> = HashMap::new();
    for f in index.files() {
        if !is_kustomization(f.name()) || !f.is_product() {
            continue;
        }
        let Some(text) = f.text() else { continue };
        match crate::views::yaml::from_str::<SNode>(text) {
            Ok(doc) if doc.value.is_map() => {
                by_dir.entry(f.dir().to_string()).or_insert(Kz {
                    path: f.path.clone(),
                    dir: f.dir().to_string(),
                    doc,
                });
            }
            Ok(_) => {}
            Err(e) => unread.push(Unread {
                at: Loc::new(f.path.clone(), e.line.unwrap_or(1)),
                why: format!("cannot read as YAML: {}", e.message),
            }),
        }
    }
    let mut consumed = HashSet::new();
    let mut included: HashSet<String> = HashSet::new();
    for k in by_dir.values() {
        for entry in refs(&k.doc) {
            let Some(p) = resolve(&k.dir, &entry) else {
                continue;
            };
            if by_dir.contains_key(&p) {
                included.insert(p);
            } else if index.get(&p).is_some() {
                consumed.insert(p);
            }
        }
        for p in patch_files(&k.doc) {
            if let Some(p) = resolve(&k.dir, &p) {
                consumed.insert(p);
            }
        }
    }
    let mut tops: Vec<&Kz> = by_dir
        .values()
        .filter(|k| !included.contains(&k.dir))
        .collect();
    tops.sort_by(|a, b| a.path.cmp(&b.path));
    for top in tops {
        let env = top
            .dir
            .rsplit('/')
            .next()
            .filter(|d| !d.is_empty())
            .map(str::to_string);
        let scope = format!("kustomize:{}", top.path);
        let mut stack = Vec::new();
        let mut objs = build(index, &by_dir, top, &scope, &top.path, &mut stack);
        for o in &mut objs {
            o.env = env.clone();
        }
        raws.extend(objs.into_iter().filter(|o| {
            o.doc
                .value
                .get("kind")
                .and_then(|k| k.value.as_str())
                .is_some_and(super::extract::interesting)
        }));
    }
    consumed
}

/// `resources`, `bases` and `components` entries.
fn refs(doc: &SNode) -> Vec<String> {
    ["resources", "bases", "components"]
        .iter()
        .flat_map(|k| doc.value.get(k).map(|v| v.value.as_seq()).unwrap_or(&[]))
        .filter_map(|e| e.value.as_str().map(str::to_string))
        .collect()
}

/// Files that patches read.
fn patch_files(doc: &SNode) -> Vec<String> {
    let mut out = Vec::new();
    for e in doc
        .value
        .get("patchesStrategicMerge")
        .map(|v| v.value.as_seq())
        .unwrap_or(&[])
    {
        if let Some(s) = e.value.as_str()
            && !s.contains('\n')
        {
            out.push(s.to_string());
        }
    }
    for key in ["patches", "patchesJson6902"] {
        for e in doc.value.get(key).map(|v| v.value.as_seq()).unwrap_or(&[]) {
            if let Some(p) = e.value.get("path").and_then(|p| p.value.as_str()) {
                out.push(p.to_string());
            } else if let Some(s) = e.value.as_str() {
                out.push(s.to_string());
            }
        }
    }
    out
}

/// `dir` + a relative entry, normalised; `None` for remote or escaping entries.
fn resolve(dir: &str, entry: &str) -> Option<String> {
    let entry = entry.trim();
    if entry.contains("://") || entry.starts_with("github.com/") || entry.contains('?') {
        return None;
    }
    let mut parts: Vec<&str> = if dir.is_empty() {
        Vec::new()
    } else {
        dir.split('/').collect()
    };
    for p in entry.split('/') {
        match p {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            other => parts.push(other),
        }
    }
    Some(parts.join("/"))
}

fn build(
    index: &Index,
    by_dir: &HashMap<String, Kz>,
    k: &Kz,
    scope: &str,
    top: &str,
    stack: &mut Vec<String>,
) -> Vec<Raw> {
    if stack.len() > MAX_DEPTH || stack.contains(&k.dir) {
        return Vec::new();
    }
    stack.push(k.dir.clone());
    let mut objs = Vec::new();
    for entry in refs(&k.doc) {
        let Some(p) = resolve(&k.dir, &entry) else {
            continue;
        };
        if let Some(sub) = by_dir.get(&p) {
            objs.extend(build(index, by_dir, sub, scope, top, stack));
        } else if let Some(f) = index.get(&p)
            && f.is_product()
            && let Some(text) = f.text()
            && let Ok(docs) = documents(text)
        {
            for d in docs {
                let mut raw = Raw::new(
                    d,
                    &f.path,
                    Source::Kustomize {
                        kustomization: top.to_string(),
                    },
                    scope.to_string(),
                );
                raw.keep_base_images();
                objs.push(raw);
            }
        }
    }
    transform(index, k, &mut objs);
    stack.pop();
    objs
}

fn kind_name(doc: &Node) -> (Option<String>, Option<String>) {
    (
        doc.get("kind").and_then(|k| k.value.scalar()),
        doc.path(&["metadata", "name"])
            .and_then(|k| k.value.scalar()),
    )
}

/// Does `obj` match a patch target (kind and name, when given)?
fn targets(obj: &Raw, kind: Option<&str>, name: Option<&str>) -> bool {
    let (k, n) = kind_name(&obj.doc.value);
    kind.is_none_or(|t| k.as_deref() == Some(t)) && name.is_none_or(|t| n.as_deref() == Some(t))
}

/// Patch documents of an entry: from its file (`path` or the entry itself)
/// or inline (`patch`); with the file they are in (None: inline).
fn patch_docs(index: &Index, k: &Kz, entry: &SNode) -> Vec<(SNode, Option<String>)> {
    let (text, file) = if let Some(p) = entry.value.get("path").and_then(|p| p.value.as_str()) {
        let Some(path) = resolve(&k.dir, p) else {
            return Vec::new();
        };
        (
            index.get(&path).and_then(|f| f.text()).map(str::to_string),
            Some(path),
        )
    } else if let Some(p) = entry.value.get("patch").and_then(|p| p.value.as_str()) {
        (Some(p.to_string()), None)
    } else if let Some(s) = entry.value.as_str() {
        if s.contains('\n') {
            (Some(s.to_string()), None)
        } else {
            let Some(path) = resolve(&k.dir, s) else {
                return Vec::new();
            };
            (
                index.get(&path).and_then(|f| f.text()).map(str::to_string),
                Some(path),
            )
        }
    } else {
        (None, None)
    };
    let Some(text) = text else { return Vec::new() };
    match crate::views::yaml::from_str_multi::<SNode>(&text) {
        Ok(docs) => docs.into_iter().map(|d| (d, file.clone())).collect(),
        Err(_) => Vec::new(),
    }
}

fn transform(index: &Index, k: &Kz, objs: &mut [Raw]) {
    let doc = &k.doc.value;
    let here = |n: &SNode| Loc::new(k.path.clone(), line(n));
    // Strategic-merge patches.
    for entry in doc
        .get("patchesStrategicMerge")
        .map(|v| v.value.as_seq())
        .unwrap_or(&[])
    {
        for (p, file) in patch_docs(index, k, entry) {
            let (kind, name) = kind_name(&p.value);
            let at = |n: &SNode| match &file {
                Some(f) => Loc::new(f.clone(), line(n)),
                None => here(entry),
            };
            apply_merge(objs, &p, kind.as_deref(), name.as_deref(), &at);
        }
    }
    // `patches` (either kind) and `patchesJson6902`.
    for key in ["patches", "patchesJson6902"] {
        for entry in doc.get(key).map(|v| v.value.as_seq()).unwrap_or(&[]) {
            let target = entry.value.get("target");
            let t_kind = target.and_then(|t| t.value.get("kind")?.value.scalar());
            let t_name = target.and_then(|t| t.value.get("name")?.value.scalar());
            for (p, file) in patch_docs(index, k, entry) {
                let at = |n: &SNode| match &file {
                    Some(f) => Loc::new(f.clone(), line(n)),
                    None => here(entry),
                };
                if let Node::Seq(ops) = &p.value {
                    for o in objs.iter_mut() {
                        if target.is_none() || !targets(o, t_kind.as_deref(), t_name.as_deref()) {
                            continue;
                        }
                        for op in ops {
                            if let Some(keys) = patch::json6902(&mut o.doc, op) {
                                o.patched = true;
                                if keys.len() == 2 && keys[0] == "spec" && keys[1] == "replicas" {
                                    o.replicas_at = Some(at(op));
                                }
                            }
                        }
                    }
                } else {
                    let (pk, pn) = kind_name(&p.value);
                    let kind = t_kind.clone().or(pk);
                    let name = t_name.clone().or(pn);
                    apply_merge(objs, &p, kind.as_deref(), name.as_deref(), &at);
                }
            }
        }
    }
    // `replicas: [{name, count}]`.
    for r in doc.get("replicas").map(|v| v.value.as_seq()).unwrap_or(&[]) {
        let (Some(name), Some(count)) = (
            r.value.get("name").and_then(|n| n.value.scalar()),
            r.value.get("count"),
        ) else {
            continue;
        };
        for o in objs.iter_mut() {
            if targets(o, None, Some(&name)) {
                set_path(&mut o.doc, &["spec", "replicas"], count.clone());
                o.replicas_at = Some(here(r));
                o.patched = true;
            }
        }
    }
    // `images: [{name, newName, newTag, digest}]`.
    for i in doc.get("images").map(|v| v.value.as_seq()).unwrap_or(&[]) {
        let Some(name) = i.value.get("name").and_then(|n| n.value.scalar()) else {
            continue;
        };
        let new_name = i.value.get("newName").and_then(|n| n.value.scalar());
        let new_tag = i.value.get("newTag").and_then(|n| n.value.scalar());
        let digest = i.value.get("digest").and_then(|n| n.value.scalar());
        for o in objs.iter_mut() {
            let mut changed = Vec::new();
            for_each_container(&mut o.doc, &mut |c| {
                let Some(Node::Str(img)) = c.value.get("image").map(|n| n.value.clone()) else {
                    return;
                };
                let (repo, tag) = split_image(&img);
                if repo != name {
                    return;
                }
                let repo = new_name.clone().unwrap_or(repo);
                let new = match (&digest, &new_tag, tag) {
                    (Some(d), _, _) => format!("{repo}@{d}"),
                    (None, Some(t), _) => format!("{repo}:{t}"),
                    (None, None, Some(t)) => format!("{repo}{t}"),
                    (None, None, None) => repo,
                };
                if new == img {
                    return;
                }
                if let Some(img_node) = c.value.get("image").cloned() {
                    let mut n = img_node;
                    n.value = Node::Str(new.clone());
                    set_path(c, &["image"], n);
                }
                changed.push(new);
            });
            for new in changed {
                o.image_at.push((new, here(i)));
            }
        }
    }
    // Labels that reach selectors.
    let mut selector_labels: Vec<(SNode, SNode)> = doc
        .get("commonLabels")
        .map(|l| l.value.as_map().to_vec())
        .unwrap_or_default();
    let mut template_labels = Vec::new();
    for l in doc.get("labels").map(|v| v.value.as_seq()).unwrap_or(&[]) {
        let pairs = l
            .value
            .get("pairs")
            .map(|p| p.value.as_map().to_vec())
            .unwrap_or_default();
        let flag = |k: &str| l.value.get(k).map(|v| v.value == Node::Bool(true)) == Some(true);
        if flag("includeSelectors") {
            selector_labels.extend(pairs);
        } else if flag("includeTemplates") {
            template_labels.extend(pairs);
        }
    }
    for o in objs.iter_mut() {
        let kind = o
            .doc
            .value
            .get("kind")
            .and_then(|k| k.value.scalar())
            .unwrap_or_default();
        for (lk, lv) in &selector_labels {
            let paths: &[&[&str]] = match kind.as_str() {
                "Service" => &[&["spec", "selector"]],
                "PodDisruptionBudget" => &[&["spec", "selector", "matchLabels"]],
                "CronJob" => &[&[
                    "spec",
                    "jobTemplate",
                    "spec",
                    "template",
                    "metadata",
                    "labels",
                ]],
                _ => &[
                    &["spec", "template", "metadata", "labels"],
                    &["spec", "selector", "matchLabels"],
                ],
            };
            for p in paths {
                add_label(&mut o.doc, p, lk, lv);
            }
        }
        for (lk, lv) in &template_labels {
            add_label(
                &mut o.doc,
                &["spec", "template", "metadata", "labels"],
                lk,
                lv,
            );
        }
    }
    // `namespace:`.
    if let Some(ns) = doc.get("namespace").filter(|n| n.value.scalar().is_some()) {
        for o in objs.iter_mut() {
            set_path(&mut o.doc, &["metadata", "namespace"], ns.clone());
        }
    }
}

fn apply_merge(
    objs: &mut [Raw],
    p: &SNode,
    kind: Option<&str>,
    name: Option<&str>,
    at: &dyn Fn(&SNode) -> Loc,
) {
    if kind.is_none() && name.is_none() {
        return;
    }
    for o in objs.iter_mut() {
        if !targets(o, kind, name) {
            continue;
        }
        // A patch's `metadata.name` must not rename the object.
        patch::merge(&mut o.doc, p);
        o.patched = true;
        if let Some(r) = patch::sets(p, &["spec", "replicas"]) {
            o.replicas_at = Some(at(r));
        }
    }
}

/// `image` → (repository, `:tag` suffix).
fn split_image(img: &str) -> (String, Option<String>) {
    if let Some((repo, d)) = img.split_once('@') {
        return (repo.to_string(), Some(format!("@{d}")));
    }
    let slash = img.rfind('/').map_or(0, |i| i + 1);
    match img[slash..].rfind(':') {
        Some(i) => (
            img[..slash + i].to_string(),
            Some(img[slash + i..].to_string()),
        ),
        None => (img.to_string(), None),
    }
}

fn for_each_container(doc: &mut SNode, f: &mut dyn FnMut(&mut SNode)) {
    let kind = doc
        .value
        .get("kind")
        .and_then(|k| k.value.scalar())
        .unwrap_or_default();
    let pod: &[&str] = if kind == "CronJob" {
        &["spec", "jobTemplate", "spec", "template", "spec"]
    } else {
        &["spec", "template", "spec"]
    };
    let Some(pod) = get_mut(doc, pod) else { return };
    for key in ["containers", "initContainers"] {
        if let Some(cs) = get_mut(pod, &[key])
            && let Node::Seq(items) = &mut cs.value
        {
            for c in items {
                f(c);
            }
        }
    }
}

fn get_mut<'a>(n: &'a mut SNode, path: &[&str]) -> Option<&'a mut SNode> {
    let mut cur = n;
    for k in path {
        let Node::Map(m) = &mut cur.value else {
            return None;
        };
        cur = m
            .iter_mut()
            .find(|(mk, _)| mk.value.as_str() == Some(k))
            .map(|(_, v)| v)?;
    }
    Some(cur)
}

/// Set `path` to `value`, creating mappings on the way.
fn set_path(n: &mut SNode, path: &[&str], value: SNode) {
    let Some((last, parents)) = path.split_last() else {
        return;
    };
    let mut cur = n;
    for k in parents {
        if !cur.value.is_map() {
            return;
        }
        let Node::Map(m) = &mut cur.value else { return };
        let idx = match m.iter().position(|(mk, _)| mk.value.as_str() == Some(k)) {
            Some(i) => i,
            None => {
                let key = SNode::new(Node::Str(k.to_string()), value.referenced, value.defined);
                let empty = SNode::new(Node::Map(Vec::new()), value.referenced, value.defined);
                m.push((key, empty));
                m.len() - 1
            }
        };
        cur = &mut m[idx].1;
        if matches!(cur.value, Node::Null) {
            cur.value = Node::Map(Vec::new());
        }
    }
    let Node::Map(m) = &mut cur.value else { return };
    match m.iter_mut().find(|(mk, _)| mk.value.as_str() == Some(last)) {
        Some((_, v)) => *v = value,
        None => {
            let key = SNode::new(Node::Str(last.to_string()), value.referenced, value.defined);
            m.push((key, value));
        }
    }
}

fn add_label(n: &mut SNode, path: &[&str], k: &SNode, v: &SNode) {
    let Some(key) = k.value.scalar() else { return };
    let mut full: Vec<&str> = path.to_vec();
    full.push(&key);
    // Only where the map exists or its parent does (never invent a selector).
    let parent_exists = get_mut(n, &path[..path.len() - 1]).is_some();
    if parent_exists {
        set_path(n, &full, v.clone());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_resolve() {
        assert_eq!(resolve("a/b", "../c").as_deref(), Some("a/c"));
        assert_eq!(resolve("", "./x.yaml").as_deref(), Some("x.yaml"));
        assert_eq!(resolve("", "../x"), None);
        assert_eq!(resolve("a", "https://github.com/x"), None);
        assert_eq!(
            split_image("ghcr.io/a/b:1.2"),
            ("ghcr.io/a/b".into(), Some(":1.2".into()))
        );
        assert_eq!(
            split_image("localhost:5000/b"),
            ("localhost:5000/b".into(), None)
        );
    }
}
