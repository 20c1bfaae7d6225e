//! Kustomize patches on YAML trees: strategic merge (maps merged, lists of
//! named items merged by `name`, `$patch: delete` honoured) and JSON 6902
//! (`add`, `replace`, `remove` on simple paths).

use crate::views::yaml::node::{Node, SNode};

/// Merge `patch` into `base` (strategic merge, as far as the checks need).
pub(crate) fn merge(base: &mut SNode, patch: &SNode) {
    match (&mut base.value, &patch.value) {
        (Node::Map(b), Node::Map(p)) => {
            for (pk, pv) in p {
                let Some(key) = pk.value.as_str() else {
                    continue;
                };
                if key.starts_with("$patch") || key.starts_with("$setElementOrder") {
                    continue;
                }
                if pv.value.get("$patch").and_then(|x| x.value.as_str()) == Some("delete") {
                    b.retain(|(k, _)| k.value.as_str() != Some(key));
                    continue;
                }
                match b.iter_mut().find(|(k, _)| k.value.as_str() == Some(key)) {
                    Some((_, bv)) => merge(bv, pv),
                    None => b.push((pk.clone(), pv.clone())),
                }
            }
        }
        (Node::Seq(b), Node::Seq(p)) if named(b) && named(p) => {
            for item in p {
                let name = item.value.get("name").and_then(|n| n.value.scalar());
                if item.value.get("$patch").and_then(|x| x.value.as_str()) == Some("delete") {
                    b.retain(|i| i.value.get("name").and_then(|n| n.value.scalar()) != name);
                    continue;
                }
                match b
                    .iter_mut()
                    .find(|i| i.value.get("name").and_then(|n| n.value.scalar()) == name)
                {
                    Some(bi) => merge(bi, item),
                    None => b.push(item.clone()),
                }
            }
        }
        _ => *base = patch.clone(),
    }
}

fn named(items: &[SNode]) -> bool {
    !items.is_empty() && items.iter().all(|i| i.value.get("name").is_some())
}

/// Does a strategic-merge patch set `path` (to know where a value came from)?
pub(crate) fn sets<'a>(patch: &'a SNode, path: &[&str]) -> Option<&'a SNode> {
    patch.value.path(path)
}

/// One JSON 6902 operation; returns the path's keys when it applied.
pub(crate) fn json6902(base: &mut SNode, op: &SNode) -> Option<Vec<String>> {
    let kind = op.value.get("op")?.value.as_str()?;
    let path = op.value.get("path")?.value.as_str()?;
    let keys: Vec<String> = path
        .split('/')
        .skip(1)
        .map(|k| k.replace("~1", "/").replace("~0", "~"))
        .collect();
    let (last, parents) = keys.split_last()?;
    let mut cur = base;
    for k in parents {
        cur = child(cur, k)?;
    }
    match kind {
        "add" | "replace" => {
            let value = op.value.get("value")?.clone();
            match &mut cur.value {
                Node::Map(m) => {
                    match m.iter_mut().find(|(mk, _)| mk.value.as_str() == Some(last)) {
                        Some((_, v)) => *v = value,
                        None => {
                            let key = SNode::new(
                                Node::Str(last.clone()),
                                value.referenced,
                                value.defined,
                            );
                            m.push((key, value));
                        }
                    }
                }
                Node::Seq(s) if last == "-" => s.push(value),
                Node::Seq(s) => {
                    let i: usize = last.parse().ok()?;
                    if kind == "add" && i <= s.len() {
                        s.insert(i, value);
                    } else if i < s.len() {
                        s[i] = value;
                    } else {
                        return None;
                    }
                }
                _ => return None,
            }
        }
        "remove" => match &mut cur.value {
            Node::Map(m) => m.retain(|(mk, _)| mk.value.as_str() != Some(last)),
            Node::Seq(s) => {
                let i: usize = last.parse().ok()?;
                if i < s.len() {
                    s.remove(i);
                }
            }
            _ => return None,
        },
        _ => return None,
    }
    Some(keys)
}

fn child<'a>(n: &'a mut SNode, key: &str) -> Option<&'a mut SNode> {
    match &mut n.value {
        Node::Map(m) => m
            .iter_mut()
            .find(|(k, _)| k.value.as_str() == Some(key))
            .map(|(_, v)| v),
        Node::Seq(s) => {
            let i: usize = key.parse().ok()?;
            s.get_mut(i)
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn y(s: &str) -> SNode {
        crate::views::yaml::from_str(s).unwrap()
    }

    #[test]
    fn strategic_merge_by_name() {
        let mut b = y(
            "spec:\n  replicas: 1\n  template:\n    spec:\n      containers:\n        - name: a\n          image: x:1\n        - name: b\n          image: y:1\n",
        );
        let p = y(
            "spec:\n  replicas: 3\n  template:\n    spec:\n      containers:\n        - name: b\n          resources: {requests: {cpu: 1}}\n",
        );
        merge(&mut b, &p);
        assert_eq!(
            b.value.path(&["spec", "replicas"]).unwrap().value,
            Node::Int(3)
        );
        let cs = b
            .value
            .path(&["spec", "template", "spec", "containers"])
            .unwrap();
        assert_eq!(cs.value.as_seq().len(), 2);
        assert!(cs.value.as_seq()[1].value.get("resources").is_some());
        assert!(cs.value.as_seq()[1].value.get("image").is_some());
    }

    #[test]
    fn json_patch_ops() {
        let mut b = y(
            "spec:\n  replicas: 1\n  template:\n    spec:\n      containers:\n        - name: a\n",
        );
        json6902(&mut b, &y("op: replace\npath: /spec/replicas\nvalue: 4\n")).unwrap();
        json6902(
            &mut b,
            &y("op: add\npath: /spec/template/spec/containers/0/image\nvalue: x:2\n"),
        )
        .unwrap();
        assert_eq!(
            b.value.path(&["spec", "replicas"]).unwrap().value,
            Node::Int(4)
        );
        let c = &b
            .value
            .path(&["spec", "template", "spec", "containers"])
            .unwrap()
            .value
            .as_seq()[0];
        assert_eq!(c.value.get("image").unwrap().value, Node::Str("x:2".into()));
    }
}
