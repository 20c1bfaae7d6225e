//! A YAML tree that keeps the position of every node, read through
//! serde-saphyr (`Spanned`), so that CI findings point at the line.

use std::fmt;

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_saphyr::Spanned;

/// A YAML node and where it is (1-based; 0 when unknown).
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub value: Value,
    pub line: u32,
    pub col: u32,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    /// Numbers keep their text.
    Num(String),
    Str(String),
    Seq(Vec<Node>),
    Map(Vec<(Node, Node)>),
}

impl Node {
    /// The value under `key` of a mapping.
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.entries().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    /// The key node of `key` (for its line).
    pub fn key_node(&self, key: &str) -> Option<&Node> {
        match &self.value {
            Value::Map(m) => m
                .iter()
                .find(|(k, _)| k.scalar().as_deref() == Some(key))
                .map(|(k, _)| k),
            _ => None,
        }
    }

    pub fn has(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    /// `(key, value)` of a mapping, keys as text; nothing otherwise.
    pub fn entries(&self) -> impl Iterator<Item = (String, &Node)> {
        let m: &[(Node, Node)] = match &self.value {
            Value::Map(m) => m,
            _ => &[],
        };
        m.iter().filter_map(|(k, v)| k.scalar().map(|k| (k, v)))
    }

    /// `(key node, value)` of a mapping.
    pub fn map(&self) -> &[(Node, Node)] {
        match &self.value {
            Value::Map(m) => m,
            _ => &[],
        }
    }

    pub fn seq(&self) -> &[Node] {
        match &self.value {
            Value::Seq(s) => s,
            _ => &[],
        }
    }

    pub fn is_map(&self) -> bool {
        matches!(self.value, Value::Map(_))
    }

    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }

    /// A scalar as text (`true`, `3`, `name`).
    pub fn scalar(&self) -> Option<String> {
        match &self.value {
            Value::Str(s) | Value::Num(s) => Some(s.clone()),
            Value::Bool(b) => Some(b.to_string()),
            _ => None,
        }
    }

    /// A string or a list of strings (`needs: build` / `needs: [a, b]`).
    pub fn strings(&self) -> Vec<String> {
        match &self.value {
            Value::Seq(s) => s.iter().filter_map(Node::scalar).collect(),
            _ => self.scalar().into_iter().collect(),
        }
    }

    /// Every string scalar in this subtree, with its line.
    pub fn all_strings<'a>(&'a self, out: &mut Vec<(&'a str, u32)>) {
        match &self.value {
            Value::Str(s) => out.push((s, self.line)),
            Value::Seq(s) => s.iter().for_each(|n| n.all_strings(out)),
            Value::Map(m) => m.iter().for_each(|(_, v)| v.all_strings(out)),
            _ => {}
        }
    }
}

impl<'de> Deserialize<'de> for Node {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = Spanned::<Value>::deserialize(d)?;
        Ok(Node {
            value: s.value,
            line: s.referenced.line() as u32,
            col: s.referenced.column() as u32,
        })
    }
}

impl<'de> Deserialize<'de> for Value {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(ValueVisitor)
    }
}

struct ValueVisitor;

impl<'de> Visitor<'de> for ValueVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any YAML value")
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Value, E> {
        Ok(Value::Num(v.to_string()))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Value, E> {
        Ok(Value::Num(v.to_string()))
    }
    fn visit_i128<E: de::Error>(self, v: i128) -> Result<Value, E> {
        Ok(Value::Num(v.to_string()))
    }
    fn visit_u128<E: de::Error>(self, v: u128) -> Result<Value, E> {
        Ok(Value::Num(v.to_string()))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Value, E> {
        Ok(Value::Num(v.to_string()))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Value, E> {
        Ok(Value::Str(v.to_string()))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<Value, E> {
        Ok(Value::Str(v))
    }
    fn visit_bytes<E: de::Error>(self, v: &[u8]) -> Result<Value, E> {
        Ok(Value::Str(String::from_utf8_lossy(v).into_owned()))
    }
    fn visit_unit<E: de::Error>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_none<E: de::Error>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        Value::deserialize(d)
    }
    fn visit_newtype_struct<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        Value::deserialize(d)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut out = Vec::new();
        while let Some(n) = seq.next_element::<Node>()? {
            out.push(n);
        }
        Ok(Value::Seq(out))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut out = Vec::new();
        while let Some((k, v)) = map.next_entry::<Key, Node>()? {
            out.push((k.0, v));
        }
        Ok(Value::Map(out))
    }
}

/// A mapping key, read as text: `on:` stays the string "on" (YAML 1.1
/// would make it `true`). Complex keys are kept as nodes.
struct Key(Node);

impl<'de> Deserialize<'de> for Key {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = Spanned::<KeyText>::deserialize(d)?;
        Ok(Key(Node {
            value: s.value.0,
            line: s.referenced.line() as u32,
            col: s.referenced.column() as u32,
        }))
    }
}

struct KeyText(Value);

impl<'de> Deserialize<'de> for KeyText {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_str(KeyVisitor).map(KeyText)
    }
}

struct KeyVisitor;

impl<'de> Visitor<'de> for KeyVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a mapping key")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Value, E> {
        Ok(Value::Str(v.to_string()))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<Value, E> {
        Ok(Value::Str(v))
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Str(v.to_string()))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Value, E> {
        Ok(Value::Str(v.to_string()))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Value, E> {
        Ok(Value::Str(v.to_string()))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Value, E> {
        Ok(Value::Str(v.to_string()))
    }
    fn visit_unit<E: de::Error>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Value, A::Error> {
        ValueVisitor.visit_seq(seq)
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Value, A::Error> {
        ValueVisitor.visit_map(map)
    }
}

/// Stack for parsing: serde's recursive descent, unoptimised in debug
/// builds, needs more than a worker thread's 2 MiB at serde-saphyr's
/// nesting limit (64 levels).
const PARSE_STACK: usize = 64 << 20;

/// Run `f` on a thread with a stack large enough for any YAML that
/// serde-saphyr's budget lets through.
pub fn with_big_stack<T: Send>(f: impl FnOnce() -> T + Send) -> T {
    std::thread::scope(|s| {
        std::thread::Builder::new()
            .name("readyctl-yaml".into())
            .stack_size(PARSE_STACK)
            .spawn_scoped(s, f)
            .expect("spawn parser thread")
            .join()
            .unwrap_or_else(|p| std::panic::resume_unwind(p))
    })
}

/// Parse one YAML document.
pub fn parse(text: &str) -> Result<Node, crate::yaml::YamlError> {
    crate::yaml::from_str::<Node>(text)
}

/// Parse every document of a YAML stream.
pub fn parse_multi(text: &str) -> Result<Vec<Node>, crate::yaml::YamlError> {
    crate::yaml::from_str_multi::<Node>(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_of_keys_and_values() {
        with_big_stack(|| {
            let n = parse("on:\n  push:\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n").unwrap();
            let on = n.key_node("on").expect("`on` stays a string key");
            assert_eq!(on.line, 1);
            let jobs = n.get("jobs").unwrap();
            assert_eq!(jobs.key_node("build").unwrap().line, 4);
            let step = &jobs.get("build").unwrap().get("steps").unwrap().seq()[0];
            assert_eq!(step.get("uses").unwrap().line, 7);
            assert_eq!(step.get("uses").unwrap().col, 15);
        });
    }

    #[test]
    fn block_scalars_are_placed_at_their_first_content_line() {
        with_big_stack(|| {
            let n = parse("k: |\n  a\n  b\nl: |\n\n  c\n").unwrap();
            assert_eq!(n.get("k").unwrap().line, 2);
            assert_eq!(n.get("l").unwrap().line, 6);
        });
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

    #[test]
    fn deep_nesting_is_refused() {
        with_big_stack(|| {
            let y = format!("{}1{}", "[".repeat(5000), "]".repeat(5000));
            assert!(parse(&y).is_err());
            let mut block = String::new();
            for i in 0..5000 {
                block.push_str(&" ".repeat(i));
                block.push_str("k:\n");
            }
            assert!(parse(&block).is_err());
        });
    }
}
