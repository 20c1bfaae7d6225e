//! Paths over position-keeping YAML nodes, for `yaml_path`.
//!
//! The nodes come from `crate::views::yaml::node`, so that findings can point
//! at the line of the node they are about.

use serde_saphyr::Location;

pub use crate::views::yaml::node::Node;

/// One step of a path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Seg {
    Key(String),
    Index(usize),
    /// Every item of a sequence or every value of a mapping.
    Any,
}

/// Parse `a.b[*].c`, `a["x.y"][0]`, `a.*.b`.
pub fn parse_path(path: &str) -> Result<Vec<Seg>, String> {
    let mut segs = Vec::new();
    let chars: Vec<char> = path.chars().collect();
    let mut i = 0;
    let mut expect_key = true;
    while i < chars.len() {
        match chars[i] {
            '.' => {
                if expect_key {
                    return Err(format!("empty key at character {}", i + 1));
                }
                expect_key = true;
                i += 1;
            }
            '[' => {
                let close = chars[i..]
                    .iter()
                    .position(|&c| c == ']')
                    .map(|p| p + i)
                    .ok_or_else(|| format!("unclosed `[` at character {}", i + 1))?;
                let inner: String = chars[i + 1..close].iter().collect();
                let inner = inner.trim();
                if inner == "*" {
                    segs.push(Seg::Any);
                } else if let Ok(n) = inner.parse::<usize>() {
                    segs.push(Seg::Index(n));
                } else if inner.len() >= 2
                    && ((inner.starts_with('"') && inner.ends_with('"'))
                        || (inner.starts_with('\'') && inner.ends_with('\'')))
                {
                    segs.push(Seg::Key(inner[1..inner.len() - 1].to_string()));
                } else {
                    return Err(format!("`[{inner}]`: use `[*]`, a number, or a quoted key"));
                }
                expect_key = false;
                i = close + 1;
            }
            _ => {
                if !expect_key {
                    return Err(format!("expected `.` or `[` at character {}", i + 1));
                }
                let start = i;
                while i < chars.len() && chars[i] != '.' && chars[i] != '[' {
                    i += 1;
                }
                let key: String = chars[start..i].iter().collect();
                segs.push(if key == "*" { Seg::Any } else { Seg::Key(key) });
                expect_key = false;
            }
        }
    }
    if segs.is_empty() {
        return Err("empty path".into());
    }
    if expect_key {
        return Err("path ends with `.`".into());
    }
    Ok(segs)
}

/// A node reached by a path, with the position to report it at (the key's
/// line for mapping values).
#[derive(Debug, Clone, Copy)]
pub struct Reached<'a> {
    pub node: &'a Node,
    pub at: Location,
}

/// Every node `segs` leads to from `start`.
pub fn resolve<'a>(start: Reached<'a>, segs: &[Seg]) -> Vec<Reached<'a>> {
    let mut current = vec![start];
    for seg in segs {
        let mut next = Vec::new();
        for r in current {
            match (seg, r.node) {
                (Seg::Key(k), Node::Map(entries)) => {
                    if let Some((key, v)) = entries
                        .iter()
                        .find(|(key, _)| key.value.scalar_text().as_deref() == Some(k.as_str()))
                    {
                        next.push(Reached {
                            node: &v.value,
                            at: key.referenced,
                        });
                    }
                }
                (Seg::Index(n), Node::Seq(items)) => {
                    if let Some(v) = items.get(*n) {
                        next.push(Reached {
                            node: &v.value,
                            at: v.referenced,
                        });
                    }
                }
                (Seg::Any, Node::Seq(items)) => next.extend(items.iter().map(|v| Reached {
                    node: &v.value,
                    at: v.referenced,
                })),
                (Seg::Any, Node::Map(entries)) => {
                    next.extend(entries.iter().map(|(key, v)| Reached {
                        node: &v.value,
                        at: key.referenced,
                    }))
                }
                _ => {}
            }
        }
        current = next;
    }
    current
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths() {
        assert_eq!(
            parse_path("spec.containers[*].resources").unwrap(),
            vec![
                Seg::Key("spec".into()),
                Seg::Key("containers".into()),
                Seg::Any,
                Seg::Key("resources".into())
            ]
        );
        assert_eq!(
            parse_path("metadata.labels[\"app.kubernetes.io/name\"]").unwrap()[2],
            Seg::Key("app.kubernetes.io/name".into())
        );
        assert_eq!(
            parse_path("a[2].*").unwrap()[1..],
            [Seg::Index(2), Seg::Any]
        );
        assert!(parse_path("a..b").is_err());
        assert!(parse_path("a.").is_err());
        assert!(parse_path("a[x]").is_err());
        assert!(parse_path("a[1").is_err());
    }

    #[test]
    fn nodes_keep_lines() {
        let text = "a:\n  b:\n    - x: 1\n    - x: 2\n---\nc: true\n";
        let docs: Vec<serde_saphyr::Spanned<Node>> =
            crate::views::yaml::from_str_multi(text).unwrap();
        assert_eq!(docs.len(), 2);
        let root = Reached {
            node: &docs[0].value,
            at: docs[0].referenced,
        };
        let found = resolve(root, &parse_path("a.b[*].x").unwrap());
        let lines: Vec<u64> = found.iter().map(|r| r.at.line()).collect();
        assert_eq!(lines, vec![3, 4]);
        assert_eq!(found[1].node.scalar_text().as_deref(), Some("2"));
        let root2 = Reached {
            node: &docs[1].value,
            at: docs[1].referenced,
        };
        let c = resolve(root2, &parse_path("c").unwrap());
        assert_eq!(c[0].at.line(), 6);
    }
}
