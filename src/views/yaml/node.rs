//! The one YAML tree of readyctl: a document as a generic tree whose every
//! node knows its position, read through serde-saphyr by one visitor.
//! Manifests, workflows and user files come in every shape; walking a tree
//! never fails on a field of an unexpected type, where a typed struct would
//! reject the whole file. Read by the CI model, the health, monitoring and
//! resilience checks and the declarative `yaml_path` rule.
//!
//! Mapping keys are read as text (`on:` is the key "on", `80:` the key
//! "80"), as the tools that read these files see them; complex keys stay
//! nodes. [`Tree`] gives a spanned node the accessors of its value plus its
//! line and column. Parse with [`parse`] / [`parse_multi`] (or
//! `crate::views::yaml::from_str::<SNode>`): both go through the depth guard of
//! `crate::views::yaml`.

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

/// Parse one YAML document (through the depth guard).
pub fn parse(text: &str) -> Result<SNode, crate::views::yaml::YamlError> {
    crate::views::yaml::from_str::<SNode>(text)
}

/// Parse every document of a YAML stream (through the depth guard).
pub fn parse_multi(text: &str) -> Result<Vec<SNode>, crate::views::yaml::YamlError> {
    crate::views::yaml::from_str_multi::<SNode>(text)
}

/// A spanned node's value accessors, with its position.
pub trait Tree {
    /// 1-based line (0 when unknown).
    fn line(&self) -> u32;
    /// 1-based column (0 when unknown).
    fn col(&self) -> u32;
    /// The value under `key` of a mapping.
    fn get(&self, key: &str) -> Option<&SNode>;
    /// The key node of `key` (for its line).
    fn key_node(&self, key: &str) -> Option<&SNode>;
    fn has(&self, key: &str) -> bool {
        self.get(key).is_some()
    }
    /// `(key, value)` of a mapping, keys as text; nothing otherwise.
    fn entries(&self) -> impl Iterator<Item = (String, &SNode)>;
    /// `(key node, value)` of a mapping.
    fn map(&self) -> &[(SNode, SNode)];
    fn seq(&self) -> &[SNode];
    fn is_map(&self) -> bool;
    fn as_str(&self) -> Option<&str>;
    /// A scalar as text (`true`, `3`, `name`).
    fn scalar(&self) -> Option<String>;
    /// A string or a list of strings (`needs: build` / `needs: [a, b]`).
    fn strings(&self) -> Vec<String> {
        match self.seq() {
            [] => self.scalar().into_iter().collect(),
            s => s.iter().filter_map(Tree::scalar).collect(),
        }
    }
    /// Every string scalar in this subtree, with its line.
    fn all_strings<'a>(&'a self, out: &mut Vec<(&'a str, u32)>);
}

impl Tree for SNode {
    fn line(&self) -> u32 {
        self.referenced.line() as u32
    }
    fn col(&self) -> u32 {
        self.referenced.column() as u32
    }
    fn get(&self, key: &str) -> Option<&SNode> {
        self.value.get(key)
    }
    fn key_node(&self, key: &str) -> Option<&SNode> {
        self.value.entry(key).map(|(k, _)| k)
    }
    fn entries(&self) -> impl Iterator<Item = (String, &SNode)> {
        self.value
            .as_map()
            .iter()
            .filter_map(|(k, v)| k.value.scalar().map(|k| (k, v)))
    }
    fn map(&self) -> &[(SNode, SNode)] {
        self.value.as_map()
    }
    fn seq(&self) -> &[SNode] {
        self.value.as_seq()
    }
    fn is_map(&self) -> bool {
        self.value.is_map()
    }
    fn as_str(&self) -> Option<&str> {
        self.value.as_str()
    }
    fn scalar(&self) -> Option<String> {
        self.value.scalar()
    }
    fn all_strings<'a>(&'a self, out: &mut Vec<(&'a str, u32)>) {
        match &self.value {
            Node::Str(s) => out.push((s, self.line())),
            Node::Seq(s) => s.iter().for_each(|n| n.all_strings(out)),
            Node::Map(m) => m.iter().for_each(|(_, v)| v.all_strings(out)),
            _ => {}
        }
    }
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
    fn visit_newtype_struct<D: Deserializer<'de>>(self, d: D) -> Result<Node, D::Error> {
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
        while let Some((Key(k), v)) = map.next_entry::<Key, SNode>()? {
            out.push((k, v));
        }
        Ok(Node::Map(out))
    }
}

/// A mapping key, read as text: `on:` stays the string "on" (YAML 1.1
/// would make it `true`), `80:` the string "80". Complex keys stay nodes.
struct Key(SNode);

impl<'de> Deserialize<'de> for Key {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = Spanned::<KeyText>::deserialize(d)?;
        Ok(Key(Spanned {
            value: s.value.0,
            referenced: s.referenced,
            defined: s.defined,
        }))
    }
}

struct KeyText(Node);

impl<'de> Deserialize<'de> for KeyText {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_str(KeyVisitor).map(KeyText)
    }
}

struct KeyVisitor;

impl<'de> Visitor<'de> for KeyVisitor {
    type Value = Node;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a mapping key")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Node, E> {
        Ok(Node::Str(v.to_string()))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<Node, E> {
        Ok(Node::Str(v))
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Node, E> {
        Ok(Node::Str(v.to_string()))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Node, E> {
        Ok(Node::Str(v.to_string()))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Node, E> {
        Ok(Node::Str(v.to_string()))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Node, E> {
        Ok(Node::Str(v.to_string()))
    }
    fn visit_unit<E: de::Error>(self) -> Result<Node, E> {
        Ok(Node::Null)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Node, A::Error> {
        NodeVisitor.visit_seq(seq)
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Node, A::Error> {
        NodeVisitor.visit_map(map)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nodes_know_their_lines() {
        let docs: Vec<SNode> = crate::views::yaml::from_str_multi(
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

    #[test]
    fn positions_of_keys_and_values() {
        let n = parse("on:\n  push:\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n").unwrap();
        let on = n.key_node("on").expect("`on` stays a string key");
        assert_eq!(on.line(), 1);
        let jobs = n.get("jobs").unwrap();
        assert_eq!(jobs.key_node("build").unwrap().line(), 4);
        let step = &jobs.get("build").unwrap().get("steps").unwrap().seq()[0];
        assert_eq!(step.get("uses").unwrap().line(), 7);
        assert_eq!(step.get("uses").unwrap().col(), 15);
    }

    #[test]
    fn keys_are_text() {
        let n = parse("80: http\ntrue: yes\n1.5: x\n").unwrap();
        assert_eq!(n.get("80").unwrap().as_str(), Some("http"));
        assert!(n.has("true"));
        assert_eq!(n.entries().count(), 3);
    }

    #[test]
    fn block_scalars_are_placed_at_their_first_content_line() {
        let n = parse("k: |\n  a\n  b\nl: |\n\n  c\n").unwrap();
        assert_eq!(n.get("k").unwrap().line(), 2);
        assert_eq!(n.get("l").unwrap().line(), 6);
    }

    #[test]
    fn merge_keys_and_anchors() {
        let n = parse(".base: &base\n  image: rust\n  script:\n    - cargo test\ntest:\n  <<: *base\n  stage: test\n").unwrap();
        let t = n.get("test").unwrap();
        assert!(t.has("script"), "{t:#?}");
    }

    #[test]
    fn duplicate_keys_are_errors() {
        let e = parse("jobs:\n  a: 1\n  a: 2\n").unwrap_err();
        assert_eq!(e.line, Some(3), "{e:?}");
    }

    #[test]
    fn alias_bomb_is_refused() {
        let mut y = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..30 {
            let p = i - 1;
            y.push_str(&format!(
                "a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"
            ));
        }
        assert!(parse(&y).is_err());
    }

    /// On an ordinary 2 MiB thread (as a check's worker has), deep nesting
    /// is parsed up to the budget and refused past it, never overflowing.
    #[test]
    fn deep_nesting_is_parsed_or_refused_on_a_small_stack() {
        std::thread::Builder::new()
            .stack_size(2 << 20)
            .spawn(|| {
                let at =
                    |n: usize| format!("readinessProbe: {}1{}\n", "[".repeat(n), "]".repeat(n));
                assert!(parse(&at(60)).is_ok());
                assert!(parse_multi(&at(60)).is_ok());
                assert!(parse(&at(crate::views::yaml::MAX_DEPTH + 1)).is_err());
                assert!(parse(&at(5000)).is_err());
                let mut block = String::new();
                for i in 0..5000 {
                    block.push_str(&" ".repeat(i));
                    block.push_str("k:\n");
                }
                assert!(parse(&block).is_err());
                let typed: Result<serde_json::Value, _> = crate::views::yaml::from_str(&at(60));
                assert!(typed.is_ok());
            })
            .unwrap()
            .join()
            .unwrap();
    }
}
