//! A YAML document as a generic tree whose every node knows its position,
//! read through serde-saphyr. Manifests and user files come in every shape;
//! walking a tree never fails on a field of an unexpected type, where a
//! typed struct would reject the whole file. Used by the health checks and
//! the declarative `yaml_path` rule.

use std::fmt;

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_saphyr::Spanned;

/// A YAML node.
#[derive(Debug, Clone, PartialEq)]
pub enum Node {
    Null,
    Bool(bool),
    Int(i128),
    Float(f64),
    Str(String),
    Seq(Vec<Spanned<Node>>),
    /// Keys and values in document order.
    Map(Vec<(Spanned<Node>, Spanned<Node>)>),
}

/// A node with its position.
pub type SNode = Spanned<Node>;

impl Node {
    /// The value of `key` in a mapping.
    pub fn get(&self, key: &str) -> Option<&SNode> {
        self.entry(key).map(|(_, v)| v)
    }

    /// Key and value of `key` in a mapping.
    pub fn entry(&self, key: &str) -> Option<(&SNode, &SNode)> {
        match self {
            Node::Map(m) => m
                .iter()
                .find(|(k, _)| k.value.as_str() == Some(key))
                .map(|(k, v)| (k, v)),
            _ => None,
        }
    }

    /// Follow a path of mapping keys.
    pub fn path(&self, keys: &[&str]) -> Option<&SNode> {
        let (first, rest) = keys.split_first()?;
        let v = self.get(first)?;
        if rest.is_empty() {
            Some(v)
        } else {
            v.value.path(rest)
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Node::Str(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_seq(&self) -> &[SNode] {
        match self {
            Node::Seq(s) => s,
            _ => &[],
        }
    }

    pub fn as_map(&self) -> &[(SNode, SNode)] {
        match self {
            Node::Map(m) => m,
            _ => &[],
        }
    }

    pub fn is_map(&self) -> bool {
        matches!(self, Node::Map(_))
    }

    /// The text of a scalar, `null` included (`None` for sequences and mappings).
    pub fn scalar_text(&self) -> Option<String> {
        match self {
            Node::Null => Some("null".into()),
            other => other.scalar(),
        }
    }

    /// A short description for messages.
    pub fn describe(&self) -> String {
        match self {
            Node::Seq(_) => "a sequence".into(),
            Node::Map(_) => "a mapping".into(),
            other => format!("`{}`", other.scalar_text().unwrap_or_default()),
        }
    }

    /// A scalar as text (numbers and booleans too).
    pub fn scalar(&self) -> Option<String> {
        match self {
            Node::Str(s) => Some(s.clone()),
            Node::Int(i) => Some(i.to_string()),
            Node::Float(f) => Some(f.to_string()),
            Node::Bool(b) => Some(b.to_string()),
            _ => None,
        }
    }
}

/// 1-based line of a node (0 when unknown).
pub fn line(n: &SNode) -> u32 {
    n.referenced.line() as u32
}

impl<'de> Deserialize<'de> for Node {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Node, D::Error> {
        d.deserialize_any(NodeVisitor)
    }
}

struct NodeVisitor;

impl<'de> Visitor<'de> for NodeVisitor {
    type Value = Node;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any YAML value")
    }

    fn visit_unit<E: de::Error>(self) -> Result<Node, E> {
        Ok(Node::Null)
    }
    fn visit_none<E: de::Error>(self) -> Result<Node, E> {
        Ok(Node::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Node, D::Error> {
        Node::deserialize(d)
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Node, E> {
        Ok(Node::Bool(v))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Node, E> {
        Ok(Node::Int(v.into()))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Node, E> {
        Ok(Node::Int(v.into()))
    }
    fn visit_i128<E: de::Error>(self, v: i128) -> Result<Node, E> {
        Ok(Node::Int(v))
    }
    fn visit_u128<E: de::Error>(self, v: u128) -> Result<Node, E> {
        Ok(i128::try_from(v).map_or(Node::Float(v as f64), Node::Int))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Node, E> {
        Ok(Node::Float(v))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Node, E> {
        Ok(Node::Str(v.to_string()))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<Node, E> {
        Ok(Node::Str(v))
    }
    fn visit_bytes<E: de::Error>(self, v: &[u8]) -> Result<Node, E> {
        Ok(Node::Str(String::from_utf8_lossy(v).into_owned()))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Node, A::Error> {
        let mut out = Vec::new();
        while let Some(v) = seq.next_element::<SNode>()? {
            out.push(v);
        }
        Ok(Node::Seq(out))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Node, A::Error> {
        let mut out = Vec::new();
        while let Some(k) = map.next_key::<SNode>()? {
            let v = map.next_value::<SNode>()?;
            out.push((k, v));
        }
        Ok(Node::Map(out))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nodes_know_their_lines() {
        let docs: Vec<SNode> = crate::yaml::from_str_multi(
            "a: 1\nb:\n  c: [x, y]\n  d: {e: true}\n---\nkind: Deployment\n",
        )
        .unwrap();
        assert_eq!(docs.len(), 2);
        let (k, v) = docs[0].value.entry("b").unwrap();
        assert_eq!(line(k), 2);
        assert_eq!(line(v.value.get("c").unwrap()), 3);
        assert_eq!(v.value.path(&["d", "e"]).unwrap().value, Node::Bool(true));
        let (k, _) = docs[1].value.entry("kind").unwrap();
        assert_eq!(line(k), 6);
    }
}
