//! The Terraform model every `terraform.*` check reads: each `.tf`,
//! `.tf.json`, `.tfvars` and `.tfvars.json` file parsed once per run
//! (HCL through `hcl::edit`, which keeps byte spans; JSON through
//! serde_json), reduced to the blocks and attributes the checks look at,
//! with 1-based line and column numbers; and the modules (directories of
//! configuration files) with their role.

mod for_newlines;
pub mod parse_budget;

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use hcl::edit::Span;
use hcl::edit::expr::{Expression, ObjectKey};
use hcl::edit::structure::{Body as HclBody, Structure};

use crate::repo::index::{Content, FileEntry, Index};
use crate::repo::text::LineIndex;
use crate::views::parallel::parallel_map;

/// Nesting deeper than this is refused before parsing: real configurations
/// nest a dozen levels, and the recursive parser must not exhaust the stack.
pub const MAX_NESTING: usize = 128;

/// A literal value, as far as the checks care.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Number,
    Str(String),
    /// An object literal (`{ source = "...", version = "..." }`).
    Object(Vec<Attr>),
    /// A list or tuple literal, with its length.
    List(usize),
    /// Anything computed: references, calls, templates, heredocs, `for`.
    Expr,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Attr {
    pub name: String,
    pub line: u32,
    pub col: u32,
    pub value: Value,
    /// The value of a number literal.
    pub number: Option<f64>,
    /// Every reference in the expression, dotted (`var.multi_az`,
    /// `aws_db_instance.main.arn`), in lists and calls too.
    pub refs: Vec<String>,
    /// The string literals of a list literal (`["*"]`).
    pub items: Vec<String>,
    /// The text of a string, template or heredoc, interpolations kept as
    /// `${...}` (a monitor's message, an alarm's description).
    pub text: Option<String>,
    /// The expression as written, for values that are not a plain string,
    /// boolean or null (`3`, `var.x`, `["a"]`, `{ a = 1 }`; in JSON syntax
    /// the JSON text), so that rules can compare it.
    pub source: Option<String>,
}

impl Attr {
    fn new(name: String, (line, col): (u32, u32), value: Value) -> Attr {
        Attr {
            name,
            line,
            col,
            value,
            number: None,
            refs: Vec::new(),
            items: Vec::new(),
            text: None,
            source: None,
        }
    }

    /// The value as text, for comparing with an expected value: a string
    /// unquoted, a boolean as `true`/`false`, anything else as written.
    pub fn value_text(&self) -> String {
        match &self.value {
            Value::Str(s) => s.clone(),
            Value::Bool(b) => b.to_string(),
            Value::Null => "null".to_string(),
            _ => self.source.clone().unwrap_or_default(),
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct Body {
    pub attrs: Vec<Attr>,
    pub blocks: Vec<Block>,
}

impl Body {
    pub fn attr(&self, name: &str) -> Option<&Attr> {
        self.attrs.iter().find(|a| a.name == name)
    }

    pub fn blocks<'a>(&'a self, kind: &'a str) -> impl Iterator<Item = &'a Block> + 'a {
        self.blocks.iter().filter(move |b| b.kind == kind)
    }
}

#[derive(Debug, Clone)]
pub struct Block {
    pub kind: String,
    pub labels: Vec<String>,
    pub line: u32,
    pub col: u32,
    pub body: Body,
}

impl Block {
    pub fn label(&self) -> &str {
        self.labels.first().map(String::as_str).unwrap_or("")
    }
}

/// Why a file could not be read as Terraform.
#[derive(Debug, Clone)]
pub struct ParseError {
    pub line: u32,
    pub col: u32,
    pub message: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// `.tf` / `.tf.json`: part of a module.
    Config,
    /// `.tfvars` / `.tfvars.json`: variable values.
    Vars,
}

#[derive(Debug)]
pub struct TfFile {
    pub path: String,
    pub dir: String,
    pub role: Role,
    /// A product file (SPEC §9); test data and examples are parsed for the
    /// model's module structure but never fail a check.
    pub product: bool,
    pub parsed: Result<Body, ParseError>,
}

impl TfFile {
    pub fn body(&self) -> Option<&Body> {
        self.parsed.as_ref().ok()
    }
}

/// A directory of configuration files.
#[derive(Debug)]
pub struct Module {
    /// Relative directory ("" at the repository root).
    pub dir: String,
    /// Indexes into [`Model::files`], in path order (only `Role::Config`).
    pub files: Vec<usize>,
    /// A root module: Terraform is run in it (state and lock file apply).
    pub root: bool,
    /// Test data, an example or generated (SPEC §9): not checked.
    pub example: bool,
}

#[derive(Debug, Default)]
pub struct Model {
    /// Every Terraform file, in path order.
    pub files: Vec<TfFile>,
    pub modules: Vec<Module>,
    /// Files left unparsed by the run's budget ([`parse_budget::Budget`]),
    /// in the order the budget took them (the product's files first).
    pub over_budget: Vec<String>,
    /// Bytes of Terraform source in the model's files (parsed or not).
    pub source_bytes: u64,
    /// What is left of the budget for other HCL files ([`parsed`]).
    budget: std::sync::Mutex<parse_budget::Budget>,
}

impl Model {
    /// Is there no Terraform of the product's own (test data and examples
    /// do not count, SPEC §9)?
    pub fn is_empty(&self) -> bool {
        !self.files.iter().any(|f| f.product)
    }

    /// Modules that the hygiene checks look at (examples and tests left out).
    pub fn checked_modules(&self) -> impl Iterator<Item = &Module> {
        self.modules.iter().filter(|m| !m.example)
    }

    /// Every parsed top-level block of `module`, with its file.
    pub fn blocks<'a>(
        &'a self,
        module: &'a Module,
    ) -> impl Iterator<Item = (&'a TfFile, &'a Block)> {
        module.files.iter().flat_map(move |&i| {
            let f = &self.files[i];
            f.body()
                .into_iter()
                .flat_map(move |b| b.blocks.iter().map(move |bl| (f, bl)))
        })
    }

    /// The first file of `module`, for findings about the module as a whole.
    pub fn first_file<'a>(&'a self, module: &'a Module) -> &'a str {
        module
            .files
            .first()
            .map(|&i| self.files[i].path.as_str())
            .unwrap_or(&module.dir)
    }

    /// The model's file at `path`, if it is a Terraform file of the index.
    pub fn file(&self, path: &str) -> Option<&TfFile> {
        self.files
            .binary_search_by(|f| f.path.as_str().cmp(path))
            .ok()
            .map(|i| &self.files[i])
    }

    pub fn example_count(&self) -> usize {
        self.modules.iter().filter(|m| m.example).count()
    }

    /// When the run's Terraform budget ran out: the message of the checks
    /// that read the model, which are `error` (a check cannot vouch for
    /// files it did not read), naming the budget and the files not parsed.
    pub fn budget_error(&self) -> Option<String> {
        let n = self.over_budget.len();
        if n == 0 {
            return None;
        }
        let shown: Vec<String> = self.over_budget.iter().take(3).map(|p| short(p)).collect();
        let more = if n > shown.len() {
            format!(" and {} more", n - shown.len())
        } else {
            String::new()
        };
        Some(format!(
            "{:.1} MB of Terraform, over the {} MiB parsed per run: {} not parsed ({}{more}); \
             leave generated Terraform out with .readyctlignore",
            self.source_bytes as f64 / 1e6,
            parse_budget::MAX_TOTAL_BYTES / (1024 * 1024),
            crate::repo::text::plural(n, "file"),
            shown.join(", "),
        ))
    }
}

/// A path for a one-line message: at most 48 characters, its end kept.
fn short(path: &str) -> String {
    let chars = path.chars().count();
    if chars <= 48 {
        return path.to_string();
    }
    let tail: String = path.chars().skip(chars - 47).collect();
    format!("…{tail}")
}

/// The model of `index`, built once per run.
pub fn model(index: &Index) -> Arc<Model> {
    index.view(build)
}

fn role_of(name: &str) -> Option<Role> {
    let lower = name.to_ascii_lowercase();
    if lower.ends_with(".tf") || lower.ends_with(".tf.json") {
        Some(Role::Config)
    } else if lower.ends_with(".tfvars") || lower.ends_with(".tfvars.json") {
        Some(Role::Vars)
    } else {
        None
    }
}

/// Build the model: parse every Terraform file (on our own threads), then group
/// the configuration files into modules.
pub fn build(index: &Index) -> Model {
    let entries: Vec<(&FileEntry, Role)> = index
        .files()
        .iter()
        .filter_map(|f| role_of(f.name()).map(|r| (f, r)))
        .filter(|(f, _)| f.path_role() != crate::repo::roles::Role::Vendored)
        .collect();
    // The run's budget goes to the product's files first, then to test data
    // and examples, each in path order; sizes are known before reading.
    let mut order: Vec<usize> = (0..entries.len()).collect();
    order.sort_by_key(|&i| (!entries[i].0.is_product(), entries[i].0.path.as_str()));
    let mut budget = parse_budget::Budget::default();
    let mut allowed = vec![true; entries.len()];
    let mut over_budget = Vec::new();
    for i in order {
        let f = entries[i].0;
        if parses_alone(f) && !budget.take(f.size as usize) {
            allowed[i] = false;
            over_budget.push(f.path.clone());
        }
    }
    let items: Vec<(&FileEntry, Role, bool)> = entries
        .iter()
        .zip(allowed)
        .map(|(&(f, r), ok)| (f, r, ok))
        .collect();
    let files: Vec<TfFile> = parallel_map(&items, |(f, role, ok)| TfFile {
        path: f.path.clone(),
        dir: f.dir().to_string(),
        role: *role,
        product: f.is_product(),
        parsed: if *ok {
            parse_entry(f)
        } else {
            Err(whole_file(&parse_budget::over_budget()))
        },
    });
    let mut files = files;
    files.sort_by(|a, b| a.path.cmp(&b.path));
    let modules = modules(&files);
    Model {
        files,
        modules,
        over_budget,
        source_bytes: entries.iter().map(|(f, _)| f.size).sum(),
        budget: std::sync::Mutex::new(budget),
    }
}

/// Would `f` be parsed were there no run budget (under the read cap and
/// its per-file cap)? Sizes from the walk, before reading.
fn parses_alone(f: &FileEntry) -> bool {
    let json = f.name().to_ascii_lowercase().ends_with(".json");
    f.size <= crate::repo::index::MAX_TEXT_BYTES
        && parse_budget::too_large(f.size as usize, json).is_none()
}

/// An HCL or Terraform JSON file, parsed by the model's parser (nesting
/// guard included): a Terraform file's parse is the model's own; any other
/// HCL file (`terragrunt.hcl`, `*.pkr.hcl`) is parsed on first use and kept
/// on the index.
pub enum Parsed {
    InModel(Arc<Model>, usize),
    Other(Arc<Result<Body, ParseError>>),
}

impl Parsed {
    pub fn result(&self) -> &Result<Body, ParseError> {
        match self {
            Parsed::InModel(m, i) => &m.files[*i].parsed,
            Parsed::Other(r) => r,
        }
    }
}

type Slot = Arc<std::sync::OnceLock<Arc<Result<Body, ParseError>>>>;

/// Parses of HCL files outside the model, per path (a view on the index).
#[derive(Default)]
struct OtherHcl(std::sync::Mutex<std::collections::HashMap<String, Slot>>);

/// The parse of `f` as HCL (or Terraform JSON for a `.json` name).
pub fn parsed(index: &Index, f: &FileEntry) -> Parsed {
    let m = model(index);
    if let Ok(i) = m.files.binary_search_by(|t| t.path.as_str().cmp(&f.path)) {
        return Parsed::InModel(m, i);
    }
    let others = index.view(|_| OtherHcl::default());
    let slot = {
        let mut map = others.0.lock().unwrap_or_else(|p| p.into_inner());
        map.entry(f.path.clone()).or_default().clone()
    };
    Parsed::Other(
        slot.get_or_init(|| {
            let fits = !parses_alone(f)
                || m.budget
                    .lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .take(f.size as usize);
            Arc::new(if fits {
                parse_entry(f)
            } else {
                Err(whole_file(&parse_budget::over_budget()))
            })
        })
        .clone(),
    )
}

fn parse_entry(f: &FileEntry) -> Result<Body, ParseError> {
    let text = match f.content() {
        Content::Text(t) => t.as_str(),
        Content::Binary => return Err(whole_file("binary content, not Terraform text")),
        Content::TooLarge => return Err(whole_file("file too large to check (over 10 MiB)")),
        Content::Unreadable(e) => return Err(whole_file(&format!("cannot read: {e}"))),
    };
    let json = f.name().to_ascii_lowercase().ends_with(".json");
    if let Some(why) = parse_budget::too_large(text.len(), json) {
        return Err(whole_file(&why));
    }
    let _permit = parse_budget::acquire(text.len());
    if json {
        parse_json(text)
    } else {
        parse_hcl(text)
    }
}

fn whole_file(message: &str) -> ParseError {
    ParseError {
        line: 1,
        col: 1,
        message: message.to_string(),
    }
}

/// Parse HCL text into the model.
pub fn parse_hcl(text: &str) -> Result<Body, ParseError> {
    let lines = LineIndex::new(text);
    if let Some(offset) = too_deep(text) {
        let (line, col) = lines.line_col(offset);
        return Err(ParseError {
            line,
            col,
            message: format!("nesting deeper than {MAX_NESTING} levels; not parsed"),
        });
    }
    let error = |e: hcl::edit::parser::Error| ParseError {
        line: lines.line_col(e.location().offset()).0,
        col: lines.line_col(e.location().offset()).1,
        message: e.message().to_string(),
    };
    match hcl::edit::parser::parse_body(text) {
        Ok(body) => Ok(convert_body(&body, &lines)),
        // hcl-edit rejects a valid multi-line conditional inside an object
        // `for`: retry with those newlines as spaces. The offsets are the
        // same, so lines and columns are those of the original text, and a
        // file still broken after the retry reports the retry's error (its
        // real one).
        Err(first) => match for_newlines::join(text) {
            Some(joined) => hcl::edit::parser::parse_body(&joined)
                .map(|body| convert_body(&body, &lines))
                .map_err(error),
            None => Err(error(first)),
        },
    }
}

/// The offset where bracket nesting first exceeds [`MAX_NESTING`]. Counts
/// every bracket, in strings too: an over-estimate, which is safe.
fn too_deep(text: &str) -> Option<usize> {
    let mut depth = 0usize;
    for (i, b) in text.bytes().enumerate() {
        match b {
            b'{' | b'[' | b'(' => {
                depth += 1;
                if depth > MAX_NESTING {
                    return Some(i);
                }
            }
            b'}' | b']' | b')' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    None
}

fn pos(span: Option<std::ops::Range<usize>>, lines: &LineIndex) -> (u32, u32) {
    span.map(|r| lines.line_col(r.start)).unwrap_or((1, 1))
}

fn convert_body(body: &HclBody, lines: &LineIndex) -> Body {
    let mut out = Body::default();
    for s in body.iter() {
        match s {
            Structure::Attribute(a) => {
                out.attrs.push(hcl_attr(
                    a.key.as_str().to_string(),
                    pos(a.span(), lines),
                    &a.value,
                    lines,
                ));
            }
            Structure::Block(b) => {
                let (line, col) = pos(b.span(), lines);
                out.blocks.push(Block {
                    kind: b.ident.as_str().to_string(),
                    labels: b.labels.iter().map(|l| l.as_str().to_string()).collect(),
                    line,
                    col,
                    body: convert_body(&b.body, lines),
                });
            }
        }
    }
    // The model is kept for the whole run: no spare capacity.
    out.attrs.shrink_to_fit();
    out.blocks.shrink_to_fit();
    out
}

fn hcl_attr(name: String, at: (u32, u32), e: &Expression, lines: &LineIndex) -> Attr {
    let mut a = Attr::new(name, at, convert_expr(e, lines));
    if !matches!(a.value, Value::Str(_) | Value::Bool(_) | Value::Null) {
        a.source = Some(e.to_string().trim().to_string());
    }
    a.text = match e {
        Expression::String(s) => Some(s.value().to_string()),
        other => other.as_template().map(|t| t.to_string()),
    };
    match e {
        Expression::Number(n) => a.number = n.value().as_f64(),
        Expression::Array(items) => {
            a.items = items
                .iter()
                .filter_map(|i| match i {
                    Expression::String(s) => Some(s.value().to_string()),
                    _ => None,
                })
                .collect()
        }
        _ => {}
    }
    hcl_refs(e, &mut a.refs);
    a
}

/// Collect the references (`a.b.c` traversals and bare variables) of `e`.
fn hcl_refs(e: &Expression, out: &mut Vec<String>) {
    use hcl::edit::expr::TraversalOperator;
    match e {
        Expression::Variable(v) => out.push(v.as_str().to_string()),
        Expression::Traversal(t) => {
            let mut path = match &t.expr {
                Expression::Variable(v) => v.as_str().to_string(),
                other => {
                    hcl_refs(other, out);
                    return;
                }
            };
            for op in t.operators.iter() {
                match op.value() {
                    TraversalOperator::GetAttr(ident) => {
                        path.push('.');
                        path.push_str(ident.as_str());
                    }
                    _ => break,
                }
            }
            out.push(path);
        }
        Expression::Array(a) => a.iter().for_each(|x| hcl_refs(x, out)),
        Expression::Object(o) => o.iter().for_each(|(_, v)| hcl_refs(v.expr(), out)),
        Expression::Parenthesis(p) => hcl_refs(p.inner(), out),
        Expression::FuncCall(f) => f.args.iter().for_each(|x| hcl_refs(x, out)),
        Expression::Conditional(c) => {
            hcl_refs(&c.cond_expr, out);
            hcl_refs(&c.true_expr, out);
            hcl_refs(&c.false_expr, out);
        }
        Expression::StringTemplate(_) | Expression::HeredocTemplate(_) => {
            for el in e.as_template().into_iter().flat_map(|t| t.iter()) {
                if let hcl::edit::template::Element::Interpolation(i) = el {
                    hcl_refs(&i.expr, out);
                }
            }
        }
        Expression::UnaryOp(u) => hcl_refs(&u.expr, out),
        Expression::BinaryOp(b) => {
            hcl_refs(&b.lhs_expr, out);
            hcl_refs(&b.rhs_expr, out);
        }
        _ => {}
    }
}

fn convert_expr(e: &Expression, lines: &LineIndex) -> Value {
    match e {
        Expression::Null(_) => Value::Null,
        Expression::Bool(b) => Value::Bool(*b.value()),
        Expression::Number(_) => Value::Number,
        Expression::String(s) => Value::Str(s.value().to_string()),
        Expression::Array(a) => Value::List(a.len()),
        Expression::Parenthesis(p) => convert_expr(p.inner(), lines),
        Expression::Object(o) => Value::Object(
            o.iter()
                .filter_map(|(k, v)| {
                    let name = match k {
                        ObjectKey::Ident(i) => i.as_str().to_string(),
                        ObjectKey::Expression(Expression::String(s)) => s.value().to_string(),
                        ObjectKey::Expression(_) => return None,
                    };
                    Some(hcl_attr(name, pos(k.span(), lines), v.expr(), lines))
                })
                .collect(),
        ),
        _ => Value::Expr,
    }
}

/// Parse Terraform JSON syntax into the model. serde_json keeps no
/// positions, so a block's line is that of its key's first occurrence.
pub fn parse_json(text: &str) -> Result<Body, ParseError> {
    let v: serde_json::Value = serde_json::from_str(text).map_err(|e| ParseError {
        line: e.line().max(1) as u32,
        col: e.column().max(1) as u32,
        message: e
            .to_string()
            .split(" at line ")
            .next()
            .unwrap_or("")
            .to_string(),
    })?;
    let serde_json::Value::Object(top) = v else {
        return Err(whole_file(
            "the top level of a Terraform JSON file must be an object",
        ));
    };
    let locator = JsonLocator::new(text);
    let mut body = Body::default();
    for (kind, value) in &top {
        let labels = match kind.as_str() {
            "terraform" | "locals" | "moved" | "import" | "removed" => 0,
            "resource" | "data" | "ephemeral" => 2,
            "variable" | "output" | "provider" | "module" | "check" => 1,
            // Top-level attributes: `.tfvars.json`.
            _ => {
                body.attrs.push(json_attr(kind, value, &locator));
                continue;
            }
        };
        json_blocks(kind, labels, value, Vec::new(), &locator, &mut body.blocks);
    }
    Ok(body)
}

/// Finds the line of a quoted key in JSON text. The model is built in
/// document order (serde_json keeps it), so each key is looked for after the
/// previous one: one pass over the text, not one per key (which made an 8 MB
/// `.tf.json` take hours). A key not found after the cursor is looked for from
/// the start, a bounded number of times.
struct JsonLocator<'a> {
    text: &'a str,
    lines: LineIndex<'a>,
    cursor: std::cell::Cell<usize>,
    misses: std::cell::Cell<u32>,
}

/// Look-ups from the start of the text after a miss, per file.
const JSON_LOCATOR_RESCANS: u32 = 32;

impl<'a> JsonLocator<'a> {
    fn new(text: &'a str) -> Self {
        JsonLocator {
            text,
            lines: LineIndex::new(text),
            cursor: std::cell::Cell::new(0),
            misses: std::cell::Cell::new(0),
        }
    }

    /// The offset of the first `"key"` followed by `:` at or after `from`.
    fn key_at_or_after(&self, needle: &str, from: usize) -> Option<usize> {
        let bytes = self.text.as_bytes();
        let finder = memchr::memmem::Finder::new(needle.as_bytes());
        let mut at = from;
        while let Some(i) = finder.find(&bytes[at.min(bytes.len())..]) {
            let o = at + i;
            let after = &self.text[o + needle.len()..];
            if after.trim_start().starts_with(':') {
                return Some(o);
            }
            at = o + 1;
        }
        None
    }

    fn find(&self, key: &str) -> (u32, u32) {
        let needle = serde_json::to_string(key).unwrap_or_default();
        let mut found = self.key_at_or_after(&needle, self.cursor.get());
        if found.is_none() && self.misses.get() < JSON_LOCATOR_RESCANS {
            self.misses.set(self.misses.get() + 1);
            found = self.key_at_or_after(&needle, 0);
        }
        match found {
            Some(o) => {
                self.cursor.set(o + needle.len());
                self.lines.line_col(o)
            }
            None => (1, 1),
        }
    }
}

fn json_blocks(
    kind: &str,
    labels_left: usize,
    value: &serde_json::Value,
    labels: Vec<String>,
    locator: &JsonLocator,
    out: &mut Vec<Block>,
) {
    match value {
        // Repeated blocks: `"terraform": [{...}, {...}]`.
        serde_json::Value::Array(items) => {
            for item in items {
                json_blocks(kind, labels_left, item, labels.clone(), locator, out);
            }
        }
        serde_json::Value::Object(map) if labels_left > 0 => {
            for (label, inner) in map {
                let mut l = labels.clone();
                l.push(label.clone());
                json_blocks(kind, labels_left - 1, inner, l, locator, out);
            }
        }
        serde_json::Value::Object(map) => {
            let (line, col) = locator.find(labels.last().map(String::as_str).unwrap_or(kind));
            let mut body = Body::default();
            for (k, v) in map {
                let nested = match (kind, k.as_str()) {
                    ("terraform", "backend") => Some(1),
                    ("terraform", "cloud" | "required_providers") => Some(0),
                    ("variable", "validation") => Some(0),
                    _ => None,
                };
                match nested {
                    Some(n) => json_blocks(k, n, v, Vec::new(), locator, &mut body.blocks),
                    None => body.attrs.push(json_attr(k, v, locator)),
                }
            }
            body.attrs.shrink_to_fit();
            body.blocks.shrink_to_fit();
            // `required_providers` entries are attributes of the block.
            out.push(Block {
                kind: kind.to_string(),
                labels,
                line,
                col,
                body,
            });
        }
        _ => {}
    }
}

fn json_attr(name: &str, v: &serde_json::Value, locator: &JsonLocator) -> Attr {
    let mut a = Attr::new(name.to_string(), locator.find(name), json_value(v, locator));
    a.source = match v {
        serde_json::Value::String(s) => Some(s.clone()),
        serde_json::Value::Bool(_) | serde_json::Value::Null => None,
        other => Some(other.to_string()),
    };
    if let serde_json::Value::String(s) = v {
        a.text = Some(s.clone());
    }
    match v {
        serde_json::Value::Number(n) => a.number = n.as_f64(),
        serde_json::Value::Array(items) => {
            for i in items {
                match i {
                    serde_json::Value::String(s) if s.contains("${") => json_refs(s, &mut a.refs),
                    serde_json::Value::String(s) => a.items.push(s.clone()),
                    _ => {}
                }
            }
        }
        serde_json::Value::String(s) if s.contains("${") => json_refs(s, &mut a.refs),
        _ => {}
    }
    a
}

/// The references of a JSON-syntax template (`"${aws_db_instance.main.arn}"`):
/// each interpolation is parsed as an HCL expression.
fn json_refs(template: &str, out: &mut Vec<String>) {
    if let Ok(e) = format!("\"{}\"", template.replace('"', "\\\"")).parse::<Expression>() {
        hcl_refs(&e, out);
    }
}

fn json_value(v: &serde_json::Value, locator: &JsonLocator) -> Value {
    match v {
        serde_json::Value::Null => Value::Null,
        serde_json::Value::Bool(b) => Value::Bool(*b),
        serde_json::Value::Number(_) => Value::Number,
        // In JSON syntax a string holding `${` is a template.
        serde_json::Value::String(s) if s.contains("${") => Value::Expr,
        serde_json::Value::String(s) => Value::Str(s.clone()),
        serde_json::Value::Array(a) => Value::List(a.len()),
        serde_json::Value::Object(m) => {
            Value::Object(m.iter().map(|(k, v)| json_attr(k, v, locator)).collect())
        }
    }
}

/// Resolve `./x` / `../x` against `dir`; None when it leaves the root.
fn resolve(dir: &str, source: &str) -> Option<String> {
    crate::repo::text::resolve_relative(dir, source)
}

fn modules(files: &[TfFile]) -> Vec<Module> {
    let mut by_dir: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, f) in files.iter().enumerate() {
        if f.role == Role::Config {
            by_dir.entry(f.dir.as_str()).or_default().push(i);
        }
    }
    // Directories used as a local `source` of some module block.
    let mut called: BTreeSet<String> = BTreeSet::new();
    for f in files {
        let Some(body) = f.body() else { continue };
        for m in body.blocks("module") {
            if let Some(Attr {
                value: Value::Str(src),
                ..
            }) = m.body.attr("source")
                && (src.starts_with("./") || src.starts_with("../"))
                && let Some(d) = resolve(&f.dir, src)
            {
                called.insert(d);
            }
        }
    }
    by_dir
        .into_iter()
        .map(|(dir, idx)| {
            let configures = idx.iter().any(|&i| {
                files[i].body().is_some_and(|b| {
                    b.blocks("provider").next().is_some()
                        || b.blocks("terraform").any(|t| {
                            t.body.blocks("backend").next().is_some()
                                || t.body.blocks("cloud").next().is_some()
                        })
                })
            });
            // Reusable modules and their wrappers are called, never applied.
            let under_modules = dir.split('/').any(|c| c == "modules" || c == "wrappers");
            let root = configures || (!called.contains(dir) && !under_modules);
            let example = idx.iter().any(|&i| !files[i].product);
            Module {
                dir: dir.to_string(),
                files: idx,
                root,
                example,
            }
        })
        .collect()
}

/// Re-parses of text inside a value (a JSON heredoc inside a call) go no deeper.
const MAX_REPARSE: usize = 4;

impl Attr {
    /// Every object entry named `key` inside this attribute's value, at any
    /// depth: object literals, lists and tuples, the arguments of calls
    /// (`jsonencode([...])`), and JSON or HCL text in a string or heredoc
    /// (an ECS `container_definitions`). Each comes back as an attribute
    /// with its line in the file (for a value written on one line, as in
    /// Terraform JSON, the line of this attribute); its object's entries
    /// are in `Value::Object`. The attribute itself counts when it is named
    /// `key` and holds an object.
    pub fn nested(&self, key: &str) -> Vec<Attr> {
        let mut out = Vec::new();
        if self.name == key && matches!(self.value, Value::Object(_)) {
            out.push(self.clone());
        }
        // `health_check = [{...}]`, Terraform JSON's form of repeated blocks.
        if self.name == key
            && matches!(self.value, Value::List(_))
            && let Some(src) = &self.source
            && too_deep(src).is_none()
            && let Ok(Expression::Array(items)) = src.trim().parse::<Expression>()
        {
            let lines = LineIndex::new(src.trim());
            for item in items.iter() {
                if matches!(item, Expression::Object(_)) {
                    let mut a = hcl_attr(key.to_string(), pos(item.span(), &lines), item, &lines);
                    shift(&mut a, self.line - 1);
                    out.push(a);
                }
            }
        }
        let text = match (&self.source, &self.text) {
            (Some(s), _) => s.as_str(),
            (None, Some(t)) => t.as_str(),
            (None, None) => return out,
        };
        if text.contains(key) {
            nested_in_text(text, key, self.line, 0, &mut out);
        }
        out
    }
}

/// Parse `text` (whose first line is line `base` of the file) as an HCL
/// expression (JSON is one too) and collect the entries named `key`.
fn nested_in_text(text: &str, key: &str, base: u32, depth: usize, out: &mut Vec<Attr>) {
    if depth > MAX_REPARSE || too_deep(text).is_some() {
        return;
    }
    let Ok(e) = text.trim().parse::<Expression>() else {
        return;
    };
    // Offsets are those of the trimmed text.
    let lead = text.len() - text.trim_start().len();
    let base = base + text[..lead].matches('\n').count() as u32;
    let lines = LineIndex::new(text.trim());
    nested_in_expr(&e, key, &lines, base, depth, out);
}

fn nested_in_expr(
    e: &Expression,
    key: &str,
    lines: &LineIndex,
    base: u32,
    depth: usize,
    out: &mut Vec<Attr>,
) {
    let line_of = |span: Option<std::ops::Range<usize>>| base + pos(span, lines).0 - 1;
    match e {
        Expression::Object(o) => {
            for (k, v) in o.iter() {
                let name = match k {
                    ObjectKey::Ident(i) => Some(i.as_str().to_string()),
                    ObjectKey::Expression(Expression::String(s)) => Some(s.value().to_string()),
                    ObjectKey::Expression(_) => None,
                };
                if name.as_deref() == Some(key) && matches!(v.expr(), Expression::Object(_)) {
                    let mut a = hcl_attr(key.to_string(), pos(k.span(), lines), v.expr(), lines);
                    shift(&mut a, base - 1);
                    out.push(a);
                }
                nested_in_expr(v.expr(), key, lines, base, depth, out);
            }
        }
        Expression::Array(items) => items
            .iter()
            .for_each(|x| nested_in_expr(x, key, lines, base, depth, out)),
        Expression::FuncCall(f) => f
            .args
            .iter()
            .for_each(|x| nested_in_expr(x, key, lines, base, depth, out)),
        Expression::Parenthesis(p) => nested_in_expr(p.inner(), key, lines, base, depth, out),
        Expression::Conditional(c) => {
            nested_in_expr(&c.true_expr, key, lines, base, depth, out);
            nested_in_expr(&c.false_expr, key, lines, base, depth, out);
        }
        Expression::String(s) if s.value().contains(key) => {
            nested_in_text(s.value(), key, line_of(s.span()), depth + 1, out);
        }
        Expression::StringTemplate(t) => {
            let text = t.to_string();
            if text.contains(key) {
                // The template's text as written, quotes left out.
                let inner = text.trim().trim_matches('"');
                nested_in_text(inner, key, line_of(t.span()), depth + 1, out);
            }
        }
        Expression::HeredocTemplate(h) => {
            let text = h.template.to_string();
            if text.contains(key) {
                // The text starts on the line after `<<EOF`.
                nested_in_text(&text, key, line_of(h.span()) + 1, depth + 1, out);
            }
        }
        _ => {}
    }
}

/// Move an attribute (and the entries of its object) down by `by` lines.
fn shift(a: &mut Attr, by: u32) {
    a.line += by;
    if let Value::Object(items) = &mut a.value {
        items.iter_mut().for_each(|i| shift(i, by));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hcl_positions_and_values() {
        let text = "# c\nterraform {\n  required_version = \">= 1.5\"\n  required_providers {\n    aws = {\n      source  = \"hashicorp/aws\"\n      version = \"~> 5.0\"\n    }\n  }\n}\n\nvariable \"db_password\" {\n  default = null\n  sensitive = true\n}\n";
        let b = parse_hcl(text).unwrap();
        let t = b.blocks("terraform").next().unwrap();
        assert_eq!((t.line, t.col), (2, 1));
        let rv = t.body.attr("required_version").unwrap();
        assert_eq!((rv.line, rv.col), (3, 3));
        let rp = t.body.blocks("required_providers").next().unwrap();
        let aws = rp.body.attr("aws").unwrap();
        assert_eq!(aws.line, 5);
        let Value::Object(o) = &aws.value else {
            panic!("object")
        };
        assert_eq!(o[1].name, "version");
        assert_eq!(o[1].line, 7);
        let v = b.blocks("variable").next().unwrap();
        assert_eq!((v.label(), v.line), ("db_password", 12));
        assert_eq!(v.body.attr("default").unwrap().value, Value::Null);
        assert_eq!(v.body.attr("sensitive").unwrap().value, Value::Bool(true));
    }

    #[test]
    fn numbers_references_lists_and_texts() {
        let text = "resource \"aws_backup_selection\" \"s\" {\n  days = 14\n  plan_id = aws_backup_plan.daily.id\n  resources = [aws_db_instance.main.arn, \"*\"]\n  multi = var.a ? local.b : 0\n  message = <<-EOT\n    see docs/RUNBOOK.md#x ${var.env}\n  EOT\n}\n";
        let b = parse_hcl(text).unwrap();
        let body = &b.blocks("resource").next().unwrap().body;
        assert_eq!(body.attr("days").unwrap().number, Some(14.0));
        assert_eq!(
            body.attr("plan_id").unwrap().refs,
            vec!["aws_backup_plan.daily.id"]
        );
        let r = body.attr("resources").unwrap();
        assert_eq!(r.refs, vec!["aws_db_instance.main.arn"]);
        assert_eq!(r.items, vec!["*"]);
        assert_eq!(body.attr("multi").unwrap().refs, vec!["var.a", "local.b"]);
        let m = body.attr("message").unwrap();
        assert!(
            m.text.as_deref().unwrap().contains("docs/RUNBOOK.md#x"),
            "{m:?}"
        );
        assert_eq!(m.refs, vec!["var.env"]);
        let j = parse_json(r#"{"resource": {"aws_backup_selection": {"s": {"days": 7, "resources": ["${aws_db_instance.main.arn}"]}}}}"#).unwrap();
        let body = &j.blocks("resource").next().unwrap().body;
        assert_eq!(body.attr("days").unwrap().number, Some(7.0));
        assert_eq!(
            body.attr("resources").unwrap().refs,
            vec!["aws_db_instance.main.arn"]
        );
    }

    #[test]
    fn hcl_error_has_position() {
        let e = parse_hcl("a = 1\nresource \"x\" \"y\" {\n  b = [1,\n}\n").unwrap_err();
        assert!(e.line >= 3, "{e:?}");
    }

    #[test]
    fn deep_nesting_is_refused_not_overflowed() {
        let text = format!("a = {}{}\n", "[".repeat(5000), "]".repeat(5000));
        let e = parse_hcl(&text).unwrap_err();
        assert!(e.message.contains("nesting"), "{e:?}");
        assert_eq!(e.line, 1);
        // Between hcl-edit's own limit (64) and ours: its error, no overflow.
        let e = parse_hcl(&format!("a = {}{}\n", "[".repeat(100), "]".repeat(100))).unwrap_err();
        assert!(e.message.contains("nesting"), "{e:?}");
        // Real depth parses.
        parse_hcl(&format!("a = {}{}\n", "[".repeat(30), "]".repeat(30))).unwrap();
        let blocks = format!("{}{}", "b {\n".repeat(40), "}\n".repeat(40));
        parse_hcl(&blocks).unwrap();
    }

    #[test]
    fn json_blocks_and_lines() {
        let text = r#"{
  "terraform": {
    "required_version": ">= 1.5",
    "backend": {"s3": {"bucket": "b"}},
    "required_providers": {"aws": {"source": "hashicorp/aws"}}
  },
  "variable": {"api_token": {"default": "x", "sensitive": false}}
}"#;
        let b = parse_json(text).unwrap();
        let t = b.blocks("terraform").next().unwrap();
        assert_eq!(t.body.attr("required_version").unwrap().line, 3);
        assert_eq!(t.body.blocks("backend").next().unwrap().label(), "s3");
        let rp = t.body.blocks("required_providers").next().unwrap();
        assert_eq!(rp.body.attr("aws").unwrap().line, 5);
        let v = b.blocks("variable").next().unwrap();
        assert_eq!((v.label(), v.line), ("api_token", 7));
    }

    #[test]
    fn resolves_relative_sources() {
        assert_eq!(
            resolve("envs/prod", "../../modules/vpc").as_deref(),
            Some("modules/vpc")
        );
        assert_eq!(resolve("", "./modules/a/").as_deref(), Some("modules/a"));
        assert_eq!(resolve("", "../x"), None);
    }
}
