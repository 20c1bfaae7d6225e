//! Helm charts: each template rendered as far as the chart's own
//! `values.yaml` and `Chart.yaml` tell, then read through the YAML tree.
//!
//! This is not Helm: it evaluates the small part of Go templates that
//! decides what the checks read — `.Values.*` (also inside `with`),
//! `.Chart.Name`/`.Chart.AppVersion`, `default`, `quote`, `required`,
//! `toYaml … | nindent N`, `if`/`else`/`with` on values, `not`/`and`/`or`/
//! `eq`/`ne`/`empty`. Everything else (`include`, `template`, `tpl`,
//! `.Release.*`, variables, `range`) is *unknown*: it renders as a marker
//! (`«…»`) that the model reads as "cannot tell", never as a failure. A
//! condition it cannot decide takes its first branch. Each rendered line
//! keeps the template line it came from, and the values.yaml key it read.

use std::sync::Arc;

use super::extract::{LineMap, Raw, documents};
use super::{Loc, Source, Unread};
use crate::repo::index::{FileEntry, Index};
use crate::views::yaml::node::{Node, SNode};

/// Opens the marker of a value the renderer cannot resolve.
pub const UNKNOWN_OPEN: char = '«';
const UNKNOWN_CLOSE: char = '»';

/// A templated text for people: markers shown as `{{ … }}`.
pub fn shown(s: &str) -> String {
    let mut out = String::new();
    let mut inside = false;
    for c in s.chars() {
        match c {
            UNKNOWN_OPEN => {
                inside = true;
                out.push_str("{{ ");
            }
            UNKNOWN_CLOSE => {
                inside = false;
                out.push_str(" }}");
            }
            '_' if inside => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// Is `path` a template of a Helm chart (under `<chart>/templates/`, with
/// `<chart>/Chart.yaml` indexed)?
pub(crate) fn in_chart(index: &Index, path: &str) -> bool {
    chart_of(path).is_some_and(|dir| index.get(&join(&dir, "Chart.yaml")).is_some())
}

/// The chart directory of a path under `templates/`.
fn chart_of(path: &str) -> Option<String> {
    if path.starts_with("templates/") {
        return Some(String::new());
    }
    let i = path.find("/templates/")?;
    Some(path[..i].to_string())
}

fn join(dir: &str, name: &str) -> String {
    if dir.is_empty() {
        name.to_string()
    } else {
        format!("{dir}/{name}")
    }
}

/// Render every product chart's templates into objects.
pub(crate) fn collect(index: &Index, raws: &mut Vec<Raw>, unread: &mut Vec<Unread>) {
    let files = index.files();
    for chart in files.iter().filter(|f| f.name() == "Chart.yaml") {
        if !chart.is_product() {
            continue;
        }
        let dir = chart.dir().to_string();
        let meta: Option<SNode> = chart
            .text()
            .and_then(|t| crate::views::yaml::from_str(t).ok());
        let get = |k: &str| meta.as_ref().and_then(|m| m.value.get(k)?.value.scalar());
        let values_path = join(&dir, "values.yaml");
        let values: Option<SNode> = index
            .get(&values_path)
            .and_then(|f| f.text())
            .and_then(|t| crate::views::yaml::from_str(t).ok());
        let ctx = Ctx {
            values: values.as_ref().map(|v| &v.value),
            values_path: &values_path,
            chart_name: get("name"),
            app_version: get("appVersion"),
        };
        let prefix = join(&dir, "templates/");
        let start = files.partition_point(|f| f.path.as_str() < prefix.as_str());
        for f in files[start..]
            .iter()
            .take_while(|f| f.path.starts_with(&prefix))
        {
            if !f.is_yaml() || f.name().starts_with('_') || !f.is_product() {
                continue;
            }
            template(f, &dir, &ctx, raws, unread);
        }
    }
}

fn template(f: &FileEntry, dir: &str, ctx: &Ctx, raws: &mut Vec<Raw>, unread: &mut Vec<Unread>) {
    let Some(text) = f.text() else { return };
    if !text.contains("kind:") {
        return;
    }
    let lines = render(text, ctx);
    // One document at a time: a document the renderer cannot make YAML of
    // does not hide the others.
    let mut start = 0;
    let mut docs: Vec<(usize, usize)> = Vec::new();
    for (i, l) in lines.iter().enumerate() {
        if l.text.trim_end() == "---" || l.text.starts_with("--- ") {
            docs.push((start, i));
            start = i + 1;
        }
    }
    docs.push((start, lines.len()));
    for (a, b) in docs {
        let part = &lines[a..b];
        if !part
            .iter()
            .any(|l| l.text.trim_start().starts_with("kind:"))
        {
            continue;
        }
        let body: String = part.iter().map(|l| format!("{}\n", l.text)).collect();
        let map = Arc::new(LineMap {
            src: part.iter().map(|l| l.src).collect(),
            values: part.iter().map(|l| l.values.clone()).collect(),
        });
        match documents(&body) {
            Ok(objs) => {
                for d in objs {
                    let interesting = d
                        .value
                        .get("kind")
                        .and_then(|k| k.value.as_str())
                        .is_some_and(super::extract::interesting);
                    if interesting {
                        let mut raw = Raw::new(
                            d,
                            &f.path,
                            Source::Helm {
                                chart: dir.to_string(),
                            },
                            format!("helm:{dir}"),
                        );
                        raw.lines = Some(map.clone());
                        raws.push(raw);
                    }
                }
            }
            Err(e) => {
                let line = e
                    .line
                    .and_then(|l| map.src.get(l.saturating_sub(1) as usize).copied())
                    .unwrap_or_else(|| part.first().map_or(1, |l| l.src));
                unread.push(Unread {
                    at: Loc::new(f.path.clone(), line),
                    why: format!(
                        "Helm template not readable without rendering: {}",
                        e.message
                    ),
                });
            }
        }
    }
}

struct Ctx<'a> {
    values: Option<&'a Node>,
    values_path: &'a str,
    chart_name: Option<String>,
    app_version: Option<String>,
}

/// A rendered line.
#[derive(Debug, Clone)]
struct Line {
    text: String,
    src: u32,
    values: Option<Loc>,
}

#[derive(Debug)]
enum Seg<'a> {
    Text(&'a str, u32),
    Action(&'a str, u32),
}

/// Split a template into text and `{{ … }}` actions, with their lines.
fn segments(text: &str) -> Vec<Seg<'_>> {
    let mut out = Vec::new();
    let mut rest = text;
    let mut line = 1u32;
    while let Some(i) = rest.find("{{") {
        if i > 0 {
            out.push(Seg::Text(&rest[..i], line));
            line += rest[..i].matches('\n').count() as u32;
        }
        let after = &rest[i + 2..];
        let Some(j) = after.find("}}") else {
            out.push(Seg::Text(&rest[i..], line));
            return out;
        };
        out.push(Seg::Action(&after[..j], line));
        line += after[..j].matches('\n').count() as u32;
        rest = &after[j + 2..];
    }
    if !rest.is_empty() {
        out.push(Seg::Text(rest, line));
    }
    out
}

struct Frame<'a> {
    /// Was the enclosing block emitting?
    parent: bool,
    active: bool,
    /// A branch of this if/with has been taken.
    taken: bool,
    /// `with` pushed a context.
    ctx: bool,
    _kind: &'a str,
}

/// A value being evaluated: `node` is `None` when unknown.
#[derive(Debug, Clone)]
struct V {
    node: Option<Node>,
    loc: Option<Loc>,
    /// A marker for an unknown value.
    expr: String,
    quote: bool,
    yaml: bool,
    indent: Option<usize>,
    /// A `.Values` key that values.yaml does not have: empty to Helm in a
    /// condition or a `default`, unknown when printed.
    missing: bool,
}

impl V {
    fn unknown(expr: &str) -> V {
        V {
            node: None,
            loc: None,
            expr: marker(expr),
            quote: false,
            yaml: false,
            indent: None,
            missing: false,
        }
    }
    fn known(n: Node) -> V {
        V {
            node: Some(n),
            loc: None,
            expr: String::new(),
            quote: false,
            yaml: false,
            indent: None,
            missing: false,
        }
    }
    fn truthy(&self) -> Option<bool> {
        if self.missing {
            return Some(false);
        }
        self.node.as_ref().map(truthy)
    }
}

fn marker(expr: &str) -> String {
    let mut cleaned = String::new();
    for c in expr.trim().chars() {
        if c.is_ascii_alphanumeric() || matches!(c, '.' | '-') {
            cleaned.push(c);
        } else if !cleaned.ends_with('_') {
            cleaned.push('_');
        }
    }
    let cleaned = cleaned.trim_matches(|c| c == '_' || c == '.');
    let end = cleaned
        .char_indices()
        .nth(80)
        .map_or(cleaned.len(), |(i, _)| i);
    format!("{UNKNOWN_OPEN}{}{UNKNOWN_CLOSE}", &cleaned[..end])
}

fn truthy(n: &Node) -> bool {
    match n {
        Node::Null => false,
        Node::Bool(b) => *b,
        Node::Int(i) => *i != 0,
        Node::Float(f) => *f != 0.0,
        Node::Str(s) => !s.is_empty(),
        Node::Seq(s) => !s.is_empty(),
        Node::Map(m) => !m.is_empty(),
    }
}

struct Renderer<'a> {
    ctx: &'a Ctx<'a>,
    out: Vec<Line>,
    cur: String,
    cur_src: u32,
    cur_values: Option<Loc>,
    frames: Vec<Frame<'a>>,
    /// `with` contexts (`None`: unknown).
    dots: Vec<Option<Node>>,
}

fn render(text: &str, ctx: &Ctx) -> Vec<Line> {
    let mut r = Renderer {
        ctx,
        out: Vec::new(),
        cur: String::new(),
        cur_src: 1,
        cur_values: None,
        frames: Vec::new(),
        dots: Vec::new(),
    };
    for seg in segments(text) {
        match seg {
            Seg::Text(t, line) => r.text(t, line),
            Seg::Action(a, line) => r.action(a, line),
        }
    }
    r.flush();
    r.out
}

impl<'a> Renderer<'a> {
    fn active(&self) -> bool {
        self.frames.last().is_none_or(|f| f.active)
    }

    fn flush(&mut self) {
        let text = std::mem::take(&mut self.cur);
        if !text.trim().is_empty() {
            self.out.push(Line {
                text,
                src: self.cur_src,
                values: self.cur_values.take(),
            });
        }
        self.cur_values = None;
    }

    fn text(&mut self, t: &str, mut line: u32) {
        for (i, piece) in t.split('\n').enumerate() {
            if i > 0 {
                if self.active() {
                    self.flush();
                } else {
                    self.cur.clear();
                    self.cur_values = None;
                }
                line += 1;
            }
            if self.active() && !piece.is_empty() {
                if self.cur.trim().is_empty() {
                    self.cur_src = line;
                }
                self.cur.push_str(piece);
            }
        }
    }

    fn push_frame(&mut self, active: bool, ctx: bool, kind: &'a str) {
        let parent = self.active();
        self.frames.push(Frame {
            parent,
            active: parent && active,
            taken: active,
            ctx,
            _kind: kind,
        });
    }

    fn action(&mut self, raw: &str, line: u32) {
        let a = raw.trim_start_matches('-').trim_end_matches('-').trim();
        if a.starts_with("/*") {
            return;
        }
        let (word, rest) = a.split_once(char::is_whitespace).unwrap_or((a, ""));
        let rest = rest.trim();
        match word {
            "if" => {
                let c = if self.active() {
                    self.eval(rest).truthy().unwrap_or(true)
                } else {
                    false
                };
                self.push_frame(c, false, "if");
            }
            "with" => {
                let v = if self.active() {
                    Some(self.eval(rest))
                } else {
                    None
                };
                let c = v.as_ref().is_some_and(|v| v.truthy().unwrap_or(true));
                self.push_frame(c, true, "with");
                self.dots.push(v.and_then(|v| v.node));
            }
            "range" | "define" | "block" => self.push_frame(false, false, "range"),
            "else" => {
                let (kw, cond) = rest.split_once(char::is_whitespace).unwrap_or((rest, ""));
                let Some(f) = self.frames.last() else { return };
                let (parent, taken) = (f.parent, f.taken);
                let take = if taken || !parent {
                    false
                } else if kw == "if" || kw == "with" {
                    self.eval(cond).truthy().unwrap_or(false)
                } else {
                    true
                };
                if let Some(f) = self.frames.last_mut() {
                    f.active = parent && take;
                    f.taken |= take;
                }
            }
            "end" => {
                if let Some(f) = self.frames.pop()
                    && f.ctx
                {
                    self.dots.pop();
                }
            }
            _ if !self.active() => {}
            _ if a.starts_with('$') && a.contains(":=") => {}
            _ if a.starts_with('$') && a.contains('=') && !a.contains("==") => {}
            _ => {
                let v = self.eval(a);
                self.emit(v, line);
            }
        }
    }

    fn emit(&mut self, v: V, line: u32) {
        if self.cur.trim().is_empty() {
            self.cur_src = line;
        }
        if v.loc.is_some() {
            self.cur_values = v.loc.clone();
        }
        let block = v.indent.is_some()
            || (v.yaml && matches!(v.node, Some(Node::Map(_)) | Some(Node::Seq(_))));
        if !block {
            let text = match &v.node {
                None => v.expr.clone(),
                Some(n) if v.yaml => yaml_line(n),
                Some(n) => match n.scalar() {
                    Some(s) if v.quote => json(&Node::Str(s)),
                    Some(s) => s,
                    None => marker("value"),
                },
            };
            self.cur.push_str(&text);
            return;
        }
        let indent = v.indent.unwrap_or(self.cur.len());
        let lines: Vec<String> = match &v.node {
            None => vec![format!("\"{}\": \"{}\"", v.expr, v.expr)],
            Some(n) if v.yaml || matches!(n, Node::Map(_) | Node::Seq(_)) => yaml_lines(n),
            Some(n) => vec![n.scalar().unwrap_or_default()],
        };
        let pad = " ".repeat(indent);
        let values = v.loc.clone().or(self.cur_values.clone());
        if !self.cur.trim().is_empty() {
            self.flush();
        } else {
            self.cur.clear();
        }
        for l in lines {
            self.out.push(Line {
                text: format!("{pad}{l}"),
                src: line,
                values: values.clone(),
            });
        }
        self.cur_src = line;
    }

    /// Evaluate a pipeline.
    fn eval(&self, expr: &str) -> V {
        let cmds = split_top(expr, '|');
        let mut v: Option<V> = None;
        for c in cmds {
            let c = c.trim();
            if c.is_empty() {
                continue;
            }
            v = Some(self.command(c, v));
        }
        v.unwrap_or_else(|| V::unknown(expr))
    }

    /// One command, with the piped value as its last argument.
    fn command(&self, cmd: &str, piped: Option<V>) -> V {
        let words = split_words(cmd);
        let Some(first) = words.first() else {
            return V::unknown(cmd);
        };
        let mut args: Vec<V> = Vec::new();
        let is_fn = first
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic())
            && !matches!(first.as_str(), "true" | "false" | "nil");
        if !is_fn {
            // A term (`.Values.x`, a literal) — piped values have no place.
            return self.term(first);
        }
        for w in &words[1..] {
            args.push(self.term(w));
        }
        if let Some(p) = piped {
            args.push(p);
        }
        let last = args.last().cloned();
        match first.as_str() {
            "quote" | "squote" => {
                let mut v = last.unwrap_or_else(|| V::unknown(cmd));
                v.quote = true;
                v
            }
            "toYaml" | "toJson" | "toPrettyJson" => {
                let mut v = last.unwrap_or_else(|| V::unknown(cmd));
                v.yaml = true;
                v
            }
            "nindent" | "indent" => {
                let n = args
                    .first()
                    .and_then(|a| a.node.as_ref()?.scalar()?.parse().ok());
                let mut v = last.unwrap_or_else(|| V::unknown(cmd));
                if args.len() >= 2 {
                    v.indent = n;
                }
                v
            }
            "default" => {
                // default DEFAULT VALUE
                if args.len() < 2 {
                    return V::unknown(cmd);
                }
                let value = &args[args.len() - 1];
                match &value.node {
                    Some(n) if truthy(n) => value.clone(),
                    Some(_) => args[0].clone(),
                    // A key missing from values.yaml is empty to Helm.
                    None if value.missing => args[0].clone(),
                    None => V::unknown(cmd),
                }
            }
            "required" | "int" | "int64" | "toString" | "trim" | "float64" => {
                last.unwrap_or_else(|| V::unknown(cmd))
            }
            "not" => match last.and_then(|v| v.truthy()) {
                Some(b) => V::known(Node::Bool(!b)),
                None => V::unknown(cmd),
            },
            "and" | "or" => {
                let vals: Vec<Option<bool>> = args.iter().map(V::truthy).collect();
                let and = first == "and";
                let decided = if and {
                    if vals.contains(&Some(false)) {
                        Some(false)
                    } else if vals.iter().all(|v| *v == Some(true)) {
                        Some(true)
                    } else {
                        None
                    }
                } else if vals.contains(&Some(true)) {
                    Some(true)
                } else if vals.iter().all(|v| *v == Some(false)) {
                    Some(false)
                } else {
                    None
                };
                decided.map_or_else(|| V::unknown(cmd), |b| V::known(Node::Bool(b)))
            }
            "eq" | "ne" if args.len() == 2 => {
                match (
                    args[0].node.as_ref().and_then(Node::scalar),
                    args[1].node.as_ref().and_then(Node::scalar),
                ) {
                    (Some(a), Some(b)) => V::known(Node::Bool((a == b) == (first == "eq"))),
                    _ => V::unknown(cmd),
                }
            }
            "empty" => match last.and_then(|v| v.truthy()) {
                Some(b) => V::known(Node::Bool(!b)),
                None => V::unknown(cmd),
            },
            "lower" | "upper" => match last.as_ref().and_then(|v| v.node.as_ref()?.scalar()) {
                Some(s) => V::known(Node::Str(if first == "lower" {
                    s.to_lowercase()
                } else {
                    s.to_uppercase()
                })),
                None => V::unknown(cmd),
            },
            _ => V::unknown(cmd),
        }
    }

    fn term(&self, w: &str) -> V {
        let w = w.trim();
        if let Some(inner) = w.strip_prefix('(').and_then(|x| x.strip_suffix(')')) {
            return self.eval(inner);
        }
        if (w.starts_with('"') && w.ends_with('"') && w.len() >= 2)
            || (w.starts_with('`') && w.ends_with('`') && w.len() >= 2)
        {
            let s = serde_json::from_str::<String>(w).unwrap_or_else(|_| w[1..w.len() - 1].into());
            return V::known(Node::Str(s));
        }
        match w {
            "true" => return V::known(Node::Bool(true)),
            "false" => return V::known(Node::Bool(false)),
            "nil" => return V::known(Node::Null),
            _ => {}
        }
        if let Ok(i) = w.parse::<i128>() {
            return V::known(Node::Int(i));
        }
        let path = w.strip_prefix('$').unwrap_or(w);
        if let Some(rest) = path.strip_prefix(".Values") {
            return self.values(rest);
        }
        match path {
            ".Chart.Name" => {
                return self
                    .ctx
                    .chart_name
                    .clone()
                    .map_or_else(|| V::unknown(w), |n| V::known(Node::Str(n)));
            }
            ".Chart.AppVersion" => {
                return self
                    .ctx
                    .app_version
                    .clone()
                    .map_or_else(|| V::unknown(w), |n| V::known(Node::Str(n)));
            }
            _ => {}
        }
        if w == "."
            || (w.starts_with('.') && !w.starts_with(".Release") && !w.starts_with(".Chart"))
        {
            // Inside `with`: the context.
            let Some(Some(dot)) = self.dots.last() else {
                return V::unknown(w);
            };
            let keys: Vec<&str> = w.split('.').filter(|k| !k.is_empty()).collect();
            let mut n = dot;
            for k in keys {
                match n.get(k) {
                    Some(x) => n = &x.value,
                    None => return V::unknown(w),
                }
            }
            return V::known(n.clone());
        }
        V::unknown(w)
    }

    /// `.Values` followed by `rest` (`.a.b`).
    fn values(&self, rest: &str) -> V {
        let expr = format!("Values{rest}");
        let Some(root) = self.ctx.values else {
            let mut v = V::unknown(&expr);
            v.missing = true;
            return v;
        };
        let keys: Vec<&str> = rest.split('.').filter(|k| !k.is_empty()).collect();
        let mut n = root;
        let mut line = None;
        for k in keys {
            match n.entry(k) {
                Some((key, v)) => {
                    line = Some(crate::views::yaml::node::line(key));
                    n = &v.value;
                }
                None => {
                    let mut v = V::unknown(&expr);
                    v.missing = true;
                    return v;
                }
            }
        }
        let mut v = V::known(n.clone());
        v.expr = marker(&expr);
        v.loc = line.map(|l| Loc::new(self.ctx.values_path, l));
        v
    }
}

/// Split on `sep` outside quotes and parentheses.
fn split_top(s: &str, sep: char) -> Vec<&str> {
    let mut out = Vec::new();
    let mut depth = 0i32;
    let mut quote: Option<char> = None;
    let mut start = 0;
    for (i, c) in s.char_indices() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '`') => quote = Some(c),
            (None, '(') => depth += 1,
            (None, ')') => depth -= 1,
            (None, c) if c == sep && depth == 0 => {
                out.push(&s[start..i]);
                start = i + c.len_utf8();
            }
            _ => {}
        }
    }
    out.push(&s[start..]);
    out
}

/// Words of a command: quoted strings and parenthesised groups kept whole.
fn split_words(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut depth = 0i32;
    let mut quote: Option<char> = None;
    for c in s.chars() {
        match (quote, c) {
            (Some(q), c) if c == q => {
                quote = None;
                cur.push(c);
            }
            (Some(_), _) => cur.push(c),
            (None, '"' | '`') => {
                quote = Some(c);
                cur.push(c);
            }
            (None, '(') => {
                depth += 1;
                cur.push(c);
            }
            (None, ')') => {
                depth -= 1;
                cur.push(c);
            }
            (None, c) if c.is_whitespace() && depth == 0 => {
                if !cur.is_empty() {
                    out.push(std::mem::take(&mut cur));
                }
            }
            _ => cur.push(c),
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// A node as JSON text (JSON is YAML): one line, whatever its shape.
fn json(n: &Node) -> String {
    serde_json::to_string(&to_json(n)).unwrap_or_else(|_| "null".into())
}

fn to_json(n: &Node) -> serde_json::Value {
    use serde_json::Value as J;
    match n {
        Node::Null => J::Null,
        Node::Bool(b) => J::Bool(*b),
        Node::Int(i) => i64::try_from(*i).map_or_else(|_| J::String(i.to_string()), J::from),
        Node::Float(f) => serde_json::Number::from_f64(*f).map_or(J::Null, J::Number),
        Node::Str(s) => J::String(s.clone()),
        Node::Seq(items) => J::Array(items.iter().map(|i| to_json(&i.value)).collect()),
        Node::Map(m) => J::Object(
            m.iter()
                .map(|(k, v)| (k.value.scalar().unwrap_or_default(), to_json(&v.value)))
                .collect::<serde_json::Map<_, _>>(),
        ),
    }
}

/// `toYaml` inline: the node as one flow line.
fn yaml_line(n: &Node) -> String {
    json(n)
}

/// `toYaml` as a block: a mapping as `key: value` lines, a sequence as
/// `- item` lines (values in flow style), so every line maps back to the
/// template line that asked for it.
fn yaml_lines(n: &Node) -> Vec<String> {
    match n {
        Node::Map(m) if !m.is_empty() => m
            .iter()
            .map(|(k, v)| {
                format!(
                    "{}: {}",
                    json(&Node::Str(k.value.scalar().unwrap_or_default())),
                    json(&v.value)
                )
            })
            .collect(),
        Node::Seq(s) if !s.is_empty() => {
            s.iter().map(|i| format!("- {}", json(&i.value))).collect()
        }
        other => vec![json(other)],
    }
}

/// The values of a chart as seen by the renderer (for tests).
#[cfg(test)]
fn render_with(text: &str, values: &str, app_version: Option<&str>) -> String {
    let v: SNode = crate::views::yaml::from_str(values).unwrap();
    let ctx = Ctx {
        values: Some(&v.value),
        values_path: "values.yaml",
        chart_name: Some("chart".into()),
        app_version: app_version.map(str::to_string),
    };
    render(text, &ctx)
        .into_iter()
        .map(|l| format!("{}|{}\n", l.src, l.text))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_values_and_keeps_lines() {
        let t = "kind: Deployment\nspec:\n  {{- if not .Values.hpa.enabled }}\n  replicas: {{ .Values.replicaCount }}\n  {{- end }}\n  template:\n    spec:\n      containers:\n        - name: app\n          image: \"{{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}\"\n          resources:\n            {{- toYaml .Values.resources | nindent 12 }}\n";
        let v = "replicaCount: 3\nhpa:\n  enabled: false\nimage:\n  repository: ghcr.io/a/b\n  tag: \"\"\nresources:\n  requests:\n    cpu: 100m\n";
        let out = render_with(t, v, Some("1.2.3"));
        assert!(out.contains("4|  replicas: 3\n"), "{out}");
        assert!(
            out.contains("10|          image: \"ghcr.io/a/b:1.2.3\"\n"),
            "{out}"
        );
        assert!(
            out.contains("12|            \"requests\": {\"cpu\":\"100m\"}\n"),
            "{out}"
        );
    }

    #[test]
    fn unknown_is_a_marker_and_if_else_takes_one_branch() {
        let t = "a: {{ include \"x.name\" . }}\n{{- if .Capabilities.APIVersions.Has \"v1\" }}\nb: 1\n{{- else }}\nb: 2\n{{- end }}\n{{- with .Values.missing }}\nc: 3\n{{- end }}\nd: {{ .Values.nope }}\n";
        let out = render_with(t, "x: 1\n", None);
        assert!(out.contains("1|a: «include_x.name»"), "{out}");
        assert_eq!(shown("«include_x.name»-web"), "{{ include x.name }}-web");
        assert!(out.contains("b: 1") && !out.contains("b: 2"), "{out}");
        assert!(!out.contains("c: 3"), "{out}");
        assert!(out.contains("d: «Values.nope»"), "{out}");
    }
}
