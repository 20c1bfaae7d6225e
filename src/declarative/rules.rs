//! Rules compiled at load (regexes, globs, paths checked once) and their
//! evaluation over the index.

use std::sync::OnceLock;

use globset::GlobSet;
use regex::{Regex, RegexBuilder};
use serde_saphyr::Spanned;

use super::format::{FileSet, HclRule, MarkdownRule, Rule, TextRule, YamlPathRule};
use super::node::{self, Node, Reached, Seg};
use crate::check::{Context, Outcome};
use crate::config::Endpoint;
use crate::findings::{Finding, Status};
use crate::repo::index::{FileEntry, build_globset};
use crate::repo::text::plural;

/// A load error at a position of the check file.
#[derive(Debug)]
pub struct LoadError {
    pub line: u64,
    pub column: u64,
    pub message: String,
}

impl LoadError {
    pub fn at<T>(s: &Spanned<T>, message: impl Into<String>) -> LoadError {
        LoadError {
            line: s.referenced.line(),
            column: s.referenced.column(),
            message: message.into(),
        }
    }
}

/// Files selected by globs.
#[derive(Debug)]
pub struct Files {
    include: Vec<String>,
    exclude: Vec<String>,
    /// Compiled on first use (validated at load).
    sets: OnceLock<Result<(GlobSet, Option<GlobSet>), String>>,
    /// The globs, for messages.
    pub shown: String,
}

impl Files {
    fn new(
        files: &[Spanned<String>],
        exclude: &[Spanned<String>],
        default: &[&str],
        anchor: &Spanned<()>,
    ) -> Result<Files, LoadError> {
        // Parse each glob on its own (cheap) so that an error names its line.
        for g in files.iter().chain(exclude) {
            if crate::repo::text::brace_depth(&g.value) > crate::repo::text::MAX_GLOB_BRACES {
                return Err(LoadError::at(
                    g,
                    format!(
                        "a glob nests `{{…}}` deeper than {} levels",
                        crate::repo::text::MAX_GLOB_BRACES
                    ),
                ));
            }
            globset::GlobBuilder::new(&g.value)
                .literal_separator(true)
                .build()
                .map_err(|e| {
                    LoadError::at(g, format!("invalid glob `{}`: {}", g.value, kind_of(&e)))
                })?;
        }
        let defaulted = files.is_empty();
        let include: Vec<&str> = if defaulted {
            if default.is_empty() {
                return Err(LoadError::at(anchor, "`files` must list at least one glob"));
            }
            default.to_vec()
        } else {
            files.iter().map(|g| g.value.as_str()).collect()
        };
        Ok(Files {
            shown: include.join(", "),
            include: include.iter().map(|g| g.to_string()).collect(),
            exclude: exclude.iter().map(|g| g.value.clone()).collect(),
            sets: OnceLock::new(),
        })
    }

    fn sets(&self) -> Result<&(GlobSet, Option<GlobSet>), String> {
        self.sets
            .get_or_init(|| {
                let build = |globs: &[String]| {
                    let globs: Vec<&str> = globs.iter().map(String::as_str).collect();
                    build_globset(&globs).map_err(|e| format!("invalid glob: {e}"))
                };
                let include = build(&self.include)?;
                let exclude = if self.exclude.is_empty() {
                    None
                } else {
                    Some(build(&self.exclude)?)
                };
                Ok((include, exclude))
            })
            .as_ref()
            .map_err(Clone::clone)
    }

    /// The indexed files the globs select.
    fn select<'a>(&self, ctx: &'a Context) -> Result<Vec<&'a FileEntry>, String> {
        let (include, exclude) = self.sets()?;
        Ok(ctx
            .index
            .files()
            .iter()
            .filter(|f| {
                // readyctl's own folder (check files, templates) is never a
                // subject: a `file_lacks` regex would find itself.
                // Only the product's files (SPEC §9): test data, vendored
                // code and examples are never evidence, nor a failure.
                let own = f.path.starts_with(".readyctl/");
                let excluded = exclude.as_ref().is_some_and(|e| e.is_match(&f.path));
                !own && !excluded && include.is_match(&f.path) && f.is_product()
            })
            .collect())
    }
}

fn kind_of(e: &globset::Error) -> String {
    e.kind().to_string()
}

/// What a value must be.
#[derive(Debug)]
pub enum Expect {
    Exists,
    Absent,
    Equals(String),
    Matches(LazyRegex),
}

impl Expect {
    fn new<T>(
        exists: Option<bool>,
        equals: &Option<super::format::Scalar>,
        matches: &Option<Spanned<String>>,
        anchor: &Spanned<T>,
    ) -> Result<Expect, LoadError> {
        let n = exists.is_some() as u8 + equals.is_some() as u8 + matches.is_some() as u8;
        if n > 1 {
            return Err(LoadError::at(
                anchor,
                "use only one of `exists`, `equals` and `matches`",
            ));
        }
        Ok(match (exists, equals, matches) {
            (Some(false), _, _) => Expect::Absent,
            (_, Some(v), _) => Expect::Equals(v.0.clone()),
            (_, _, Some(re)) => Expect::Matches(compile_regex(re, false)?),
            _ => Expect::Exists,
        })
    }

    /// Why `value` does not satisfy a value expectation, if it does not.
    fn mismatch(&self, value: &str) -> Option<String> {
        match self {
            Expect::Equals(want) if value != want => {
                Some(format!("is `{}`, expected `{want}`", clip(value)))
            }
            Expect::Matches(lazy) => match lazy.get() {
                Err(e) => Some(e),
                Ok(re) if re.is_match(value) => None,
                Ok(re) => Some(format!(
                    "is `{}`, which does not match /{}/",
                    clip(value),
                    re.as_str()
                )),
            },
            _ => None,
        }
    }
}

fn clip(s: &str) -> String {
    let s = s.trim();
    if s.chars().count() > 80 {
        format!("{}…", s.chars().take(80).collect::<String>())
    } else {
        s.to_string()
    }
}

/// A regex validated at load and compiled on first use: compiling is the
/// costly part (Unicode classes), and `list`, `explain` or `--only` never
/// need most checks' regexes.
#[derive(Debug)]
pub struct LazyRegex {
    src: String,
    case_insensitive: bool,
    re: OnceLock<Result<Regex, String>>,
}

impl LazyRegex {
    pub fn get(&self) -> Result<&Regex, String> {
        self.re
            .get_or_init(|| {
                RegexBuilder::new(&self.src)
                    .case_insensitive(self.case_insensitive)
                    .size_limit(1 << 22)
                    .build()
                    .map_err(|e| format!("regex `{}`: {}", self.src, last_line(&e.to_string())))
            })
            .as_ref()
            .map_err(Clone::clone)
    }

    pub fn as_str(&self) -> &str {
        &self.src
    }
}

fn last_line(s: &str) -> String {
    s.lines()
        .rfind(|l| !l.trim().is_empty())
        .unwrap_or("")
        .trim()
        .trim_start_matches("error: ")
        .to_string()
}

fn compile_regex(re: &Spanned<String>, case_insensitive: bool) -> Result<LazyRegex, LoadError> {
    regex_syntax::ParserBuilder::new()
        .case_insensitive(case_insensitive)
        .build()
        .parse(&re.value)
        .map_err(|e| {
            LoadError::at(
                re,
                format!(
                    "invalid regex `{}`: {}",
                    re.value,
                    last_line(&e.to_string())
                ),
            )
        })?;
    Ok(LazyRegex {
        src: re.value.clone(),
        case_insensitive,
        re: OnceLock::new(),
    })
}

/// A rule ready to run.
#[derive(Debug)]
pub enum Compiled {
    All(Vec<Compiled>),
    Any(Vec<Compiled>),
    Not(Box<Compiled>),
    FileExists(Files),
    FileAbsent(Files),
    FileContains {
        files: Files,
        re: LazyRegex,
        allow_none: bool,
    },
    FileLacks {
        files: Files,
        re: LazyRegex,
    },
    Markdown {
        files: Files,
        heading: LazyRegex,
        min_steps: usize,
    },
    Yaml {
        files: Files,
        path: String,
        /// Up to and including the last wildcard: the subjects.
        prefix: Vec<Seg>,
        /// From each subject to the value.
        rest: Vec<Seg>,
        expect: Expect,
        allow_none: bool,
    },
    Hcl {
        files: Files,
        block: Vec<String>,
        labels: Vec<String>,
        attribute: Option<(String, Vec<String>)>,
        expect: Expect,
        allow_none: bool,
    },
    Http {
        endpoint: Box<Endpoint>,
        /// Where the rule is declared (for findings), when inside the root.
        at: Option<(String, u32)>,
    },
}

/// Compile `rule`. `file` is the check file relative to the root, if it is
/// inside it (for http findings).
pub fn compile(rule: &Spanned<Rule>, file: Option<&str>) -> Result<Compiled, LoadError> {
    let anchor = Spanned::new((), rule.referenced, rule.defined);
    Ok(match &rule.value {
        Rule::All(items) | Rule::Any(items) => {
            if items.is_empty() {
                return Err(LoadError::at(rule, "`all`/`any` needs at least one rule"));
            }
            let compiled = items
                .iter()
                .map(|r| compile(r, file))
                .collect::<Result<Vec<_>, _>>()?;
            if matches!(rule.value, Rule::All(_)) {
                Compiled::All(compiled)
            } else {
                Compiled::Any(compiled)
            }
        }
        Rule::Not(inner) => Compiled::Not(Box::new(compile(inner, file)?)),
        Rule::FileExists(FileSet { files, exclude }) => {
            Compiled::FileExists(Files::new(files, exclude, &[], &anchor)?)
        }
        Rule::FileAbsent(FileSet { files, exclude }) => {
            Compiled::FileAbsent(Files::new(files, exclude, &[], &anchor)?)
        }
        Rule::FileContains(TextRule {
            files,
            exclude,
            regex,
            allow_none,
        }) => Compiled::FileContains {
            files: Files::new(files, exclude, &[], &anchor)?,
            re: compile_regex(regex, false)?,
            allow_none: *allow_none,
        },
        Rule::FileLacks(TextRule {
            files,
            exclude,
            regex,
            allow_none: _,
        }) => Compiled::FileLacks {
            files: Files::new(files, exclude, &[], &anchor)?,
            re: compile_regex(regex, false)?,
        },
        Rule::MarkdownSection(MarkdownRule {
            files,
            exclude,
            heading,
            min_steps,
        }) => Compiled::Markdown {
            files: Files::new(files, exclude, &["**/*.md", "**/*.markdown"], &anchor)?,
            heading: compile_regex(heading, true)?,
            min_steps: *min_steps,
        },
        Rule::YamlPath(YamlPathRule {
            files,
            exclude,
            path,
            exists,
            equals,
            matches,
            allow_none,
        }) => {
            let segs = node::parse_path(&path.value)
                .map_err(|e| LoadError::at(path, format!("invalid path `{}`: {e}", path.value)))?;
            let split = segs
                .iter()
                .rposition(|s| *s == Seg::Any)
                .map_or(0, |i| i + 1);
            Compiled::Yaml {
                files: Files::new(files, exclude, &[], &anchor)?,
                path: path.value.clone(),
                prefix: segs[..split].to_vec(),
                rest: segs[split..].to_vec(),
                expect: Expect::new(*exists, equals, matches, rule)?,
                allow_none: *allow_none,
            }
        }
        Rule::Hcl(HclRule {
            files,
            exclude,
            block,
            labels,
            attribute,
            exists,
            equals,
            matches,
            allow_none,
        }) => {
            let block_path: Vec<String> = block.value.split('.').map(str::to_string).collect();
            if block_path.iter().any(|s| !is_ident(s)) {
                return Err(LoadError::at(
                    block,
                    format!("invalid block type `{}`", block.value),
                ));
            }
            let attribute = match attribute {
                Some(a) => {
                    let parts: Vec<String> = a.value.split('.').map(str::to_string).collect();
                    if parts.iter().any(|s| !is_ident(s)) {
                        return Err(LoadError::at(a, format!("invalid attribute `{}`", a.value)));
                    }
                    Some((a.value.clone(), parts))
                }
                None => None,
            };
            let expect = Expect::new(*exists, equals, matches, rule)?;
            if attribute.is_none() && matches!(expect, Expect::Equals(_) | Expect::Matches(_)) {
                return Err(LoadError::at(
                    rule,
                    "`equals`/`matches` need an `attribute`",
                ));
            }
            let mut exclude = exclude.to_vec();
            if files.is_empty() {
                exclude.push(Spanned::new(
                    "**/.terraform/**".to_string(),
                    rule.referenced,
                    rule.defined,
                ));
            }
            Compiled::Hcl {
                files: Files::new(files, &exclude, &["**/*.tf"], &anchor)?,
                block: block_path,
                labels: labels.clone(),
                attribute,
                expect,
                allow_none: *allow_none,
            }
        }
        Rule::Http(endpoint) => {
            if !(endpoint.url.starts_with("http://") || endpoint.url.starts_with("https://")) {
                return Err(LoadError::at(
                    rule,
                    format!("http: `{}` is not an http(s) URL", endpoint.url),
                ));
            }
            Compiled::Http {
                endpoint: Box::new(endpoint.clone()),
                at: file.map(|f| (f.to_string(), rule.referenced.line() as u32)),
            }
        }
    })
}

fn is_ident(s: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

/// The value of a `Result<T, String>`, or return `Outcome::error`.
macro_rules! ready {
    ($e:expr) => {
        match $e {
            Ok(v) => v,
            Err(e) => return Outcome::error(e),
        }
    };
}

/// The outcomes of the parts of an `all` or `any` rule, by status: the
/// first error and skip, every pass and failure.
#[derive(Default)]
struct Parts {
    passes: Vec<String>,
    fails: Vec<String>,
    findings: Vec<Finding>,
    skip: Option<String>,
    error: Option<String>,
}

impl Parts {
    fn add(&mut self, r: Outcome) {
        match r.status {
            Status::Pass => self.passes.push(r.message),
            Status::Fail => {
                self.fails.push(r.message);
                self.findings.extend(r.findings);
            }
            Status::Skip => self.skip = self.skip.take().or(Some(r.message)),
            Status::Error => self.error = self.error.take().or(Some(r.message)),
        }
    }
}

fn found_message(files: &[&FileEntry]) -> String {
    match files.len() {
        0 => "no file".into(),
        1 => format!("found {}", files[0].path),
        n => format!("found {} (and {} more)", files[0].path, n - 1),
    }
}

impl Compiled {
    pub fn eval(&self, ctx: &Context) -> Outcome {
        match self {
            Compiled::All(rules) => {
                let mut parts = Parts::default();
                for r in rules {
                    parts.add(r.eval(ctx));
                }
                if let Some(m) = parts.error {
                    Outcome::error(m)
                } else if !parts.fails.is_empty() {
                    Outcome::fail(parts.fails.join("; "), parts.findings)
                } else if let Some(m) = parts.skip {
                    Outcome::skip(m)
                } else {
                    Outcome::pass(parts.passes.join("; "))
                }
            }
            Compiled::Any(rules) => {
                let mut parts = Parts::default();
                for r in rules {
                    let r = r.eval(ctx);
                    if r.status == Status::Pass {
                        return r;
                    }
                    parts.add(r);
                }
                if let Some(m) = parts.error {
                    Outcome::error(m)
                } else if let Some(m) = parts.skip {
                    Outcome::skip(m)
                } else {
                    Outcome::fail(
                        format!("none of the alternatives holds: {}", parts.fails.join("; ")),
                        parts.findings,
                    )
                }
            }
            Compiled::Not(inner) => {
                let r = inner.eval(ctx);
                let m = &r.message;
                match r.status {
                    Status::Pass => Outcome::fail(
                        format!("expected the opposite: {m}"),
                        vec![Finding::new(format!("`not` rule: {m}")).rule("not")],
                    ),
                    Status::Fail => Outcome::pass(r.message),
                    Status::Skip | Status::Error => r,
                }
            }
            Compiled::FileExists(files) => {
                let found = ready!(files.select(ctx));
                if found.is_empty() {
                    Outcome::fail(
                        format!("no file matches {}", files.shown),
                        vec![
                            Finding::new(format!("no file matches {}", files.shown))
                                .rule("file_exists"),
                        ],
                    )
                } else {
                    Outcome::pass(found_message(&found))
                }
            }
            Compiled::FileAbsent(files) => {
                let found = ready!(files.select(ctx));
                let findings: Vec<Finding> = found
                    .iter()
                    .map(|f| {
                        Finding::new(format!(
                            "{} should not exist (matches {})",
                            f.path, files.shown
                        ))
                        .at(f.path.clone(), None)
                        .rule("file_absent")
                    })
                    .collect();
                if findings.is_empty() {
                    Outcome::pass(format!("no file matches {}", files.shown))
                } else {
                    Outcome::fail(
                        format!("{} should not exist", plural(findings.len(), "file")),
                        findings,
                    )
                }
            }
            Compiled::FileContains {
                files,
                re,
                allow_none,
            } => {
                let re = ready!(re.get());
                let found = ready!(files.select(ctx));
                if found.is_empty() {
                    let m = format!("no file matches {}", files.shown);
                    return if *allow_none {
                        Outcome::pass(m)
                    } else {
                        fail_alone(m, "file_contains")
                    };
                }
                let mut findings = Vec::new();
                for f in &found {
                    let has = f.text().is_some_and(|t| t.lines().any(|l| re.is_match(l)));
                    if !has {
                        let why = if f.text().is_none() {
                            "is not a readable text file"
                        } else {
                            "has no line matching"
                        };
                        findings.push(
                            Finding::new(format!("{} {why} /{}/", f.path, re.as_str()))
                                .at(f.path.clone(), None)
                                .rule("file_contains"),
                        );
                    }
                }
                if findings.is_empty() {
                    Outcome::pass(format!(
                        "{} match /{}/",
                        plural(found.len(), "file"),
                        re.as_str()
                    ))
                } else {
                    Outcome::fail(
                        format!(
                            "{} of {} lack /{}/",
                            findings.len(),
                            plural(found.len(), "file"),
                            re.as_str()
                        ),
                        findings,
                    )
                }
            }
            Compiled::FileLacks { files, re } => {
                let re = ready!(re.get());
                let found = ready!(files.select(ctx));
                let mut findings = Vec::new();
                for f in &found {
                    let Some(text) = f.text() else { continue };
                    for (i, line) in text.lines().enumerate() {
                        if let Some(m) = re.find(line) {
                            let col = line[..m.start()].chars().count() as u32 + 1;
                            findings.push(
                                Finding::new(format!(
                                    "matches /{}/: `{}`",
                                    re.as_str(),
                                    clip(m.as_str())
                                ))
                                .at(f.path.clone(), Some(i as u32 + 1))
                                .col(Some(col))
                                .rule("file_lacks"),
                            );
                        }
                    }
                }
                if findings.is_empty() {
                    Outcome::pass(format!(
                        "no line matches /{}/ in {}",
                        re.as_str(),
                        plural(found.len(), "file")
                    ))
                } else {
                    Outcome::fail(
                        format!("{} match /{}/", plural(findings.len(), "line"), re.as_str()),
                        findings,
                    )
                }
            }
            Compiled::Markdown {
                files,
                heading,
                min_steps,
            } => {
                let heading = ready!(heading.get());
                let found: Vec<&FileEntry> = ready!(files.select(ctx))
                    .into_iter()
                    .filter(|f| f.is_markdown())
                    .collect();
                let mut short = Vec::new();
                for f in &found {
                    let Some(doc) = f.markdown() else { continue };
                    for s in doc.sections.iter().filter(|s| heading.is_match(&s.title)) {
                        if s.steps >= *min_steps {
                            return Outcome::pass(format!(
                                "{}:{}: `{}` has {}",
                                f.path,
                                s.line,
                                s.title,
                                plural(s.steps, "step")
                            ));
                        }
                        short.push(
                            Finding::new(format!(
                                "`{}` has {} (needs at least {min_steps})",
                                s.title,
                                plural(s.steps, "step")
                            ))
                            .at(f.path.clone(), Some(s.line))
                            .rule("markdown_section"),
                        );
                    }
                }
                if found.is_empty() {
                    let m = format!("no Markdown file matches {}", files.shown);
                    return fail_alone(m, "markdown_section");
                }
                if short.is_empty() {
                    let m = format!(
                        "no heading matches /{}/ in {}",
                        heading.as_str(),
                        plural(found.len(), "Markdown file")
                    );
                    fail_alone(m, "markdown_section")
                } else {
                    Outcome::fail(
                        format!(
                            "no section matching /{}/ has enough steps",
                            heading.as_str()
                        ),
                        short,
                    )
                }
            }
            Compiled::Yaml {
                files,
                path,
                prefix,
                rest,
                expect,
                allow_none,
            } => eval_yaml(ctx, files, path, prefix, rest, expect, *allow_none),
            Compiled::Hcl {
                files,
                block,
                labels,
                attribute,
                expect,
                allow_none,
            } => eval_hcl(
                ctx,
                files,
                block,
                labels,
                attribute.as_ref(),
                expect,
                *allow_none,
            ),
            Compiled::Http { endpoint, at } => eval_http(ctx, endpoint, at.as_ref()),
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn eval_yaml(
    ctx: &Context,
    files: &Files,
    path: &str,
    prefix: &[Seg],
    rest: &[Seg],
    expect: &Expect,
    allow_none: bool,
) -> Outcome {
    let found = ready!(structural_files(ctx, files, expect));
    let rest_shown = if prefix.is_empty() {
        path.to_string()
    } else {
        describe_segs(rest)
    };
    let mut findings = Vec::new();
    let mut subjects = 0usize;
    let mut values = 0usize;
    for f in &found {
        let Some(parsed) = crate::views::yaml::documents(ctx.index, f) else {
            continue;
        };
        let docs: &Vec<Spanned<Node>> = match &*parsed {
            Ok(d) => d,
            Err(e) => {
                findings.push(
                    Finding::new(format!("cannot parse YAML: {}", e.message))
                        .at(f.path.clone(), e.line)
                        .col(e.column)
                        .rule("yaml_path"),
                );
                continue;
            }
        };
        for doc in docs {
            if matches!(doc.value, Node::Null) {
                continue;
            }
            let root = Reached {
                node: &doc.value,
                at: doc.referenced,
            };
            for subject in node::resolve(root, prefix) {
                subjects += 1;
                let reached = node::resolve(subject, rest);
                let line = |r: &Reached| (r.at.line() > 0).then(|| r.at.line() as u32);
                let col = |r: &Reached| (r.at.line() > 0).then(|| r.at.column() as u32);
                if reached.is_empty() {
                    if !matches!(expect, Expect::Absent) {
                        findings.push(
                            Finding::new(format!("`{rest_shown}` is missing"))
                                .at(f.path.clone(), line(&subject))
                                .col(col(&subject))
                                .rule("yaml_path"),
                        );
                    }
                    continue;
                }
                for r in reached {
                    values += 1;
                    let problem = match expect {
                        Expect::Exists => None,
                        Expect::Absent => Some(format!("`{path}` should not be set")),
                        Expect::Equals(_) | Expect::Matches(_) => match r.node.scalar_text() {
                            Some(t) => expect.mismatch(&t).map(|m| format!("`{path}` {m}")),
                            None => Some(format!(
                                "`{path}` is {}, expected a scalar",
                                r.node.describe()
                            )),
                        },
                    };
                    if let Some(p) = problem {
                        findings.push(
                            Finding::new(p)
                                .at(f.path.clone(), line(&r))
                                .col(col(&r))
                                .rule("yaml_path"),
                        );
                    }
                }
            }
        }
    }
    let nothing = (subjects == 0 && !matches!(expect, Expect::Absent)).then(|| {
        let m = reached_nothing(files, found.len(), |n| {
            format!("no document in {n} reaches `{}`", describe_segs(prefix))
        });
        (m, allow_none)
    });
    let pass = match expect {
        Expect::Absent => format!("`{path}` is not set in {}", plural(found.len(), "file")),
        _ => format!(
            "`{path}` holds in {}",
            plural(values.max(subjects), "place")
        ),
    };
    settle(findings, path, nothing, "yaml_path", pass)
}

/// The files a structural rule (`yaml_path`, `hcl`) reads, once the
/// pattern it expects compiles.
fn structural_files<'a>(
    ctx: &'a Context,
    files: &Files,
    expect: &Expect,
) -> Result<Vec<&'a FileEntry>, String> {
    if let Expect::Matches(re) = expect {
        re.get()?;
    }
    files.select(ctx)
}

/// How a structural rule (`yaml_path`, `hcl`) ends: the problems found
/// fail it ("N problems for `SUBJECT`"); when it reached nothing, `nothing`
/// (its message, and whether that passes: `allow_none`) decides; else it
/// passes with `pass`.
fn settle(
    findings: Vec<Finding>,
    subject: &str,
    nothing: Option<(String, bool)>,
    rule: &str,
    pass: String,
) -> Outcome {
    if !findings.is_empty() {
        return Outcome::fail(
            format!("{} for `{subject}`", plural(findings.len(), "problem")),
            findings,
        );
    }
    match nothing {
        Some((m, true)) => Outcome::pass(m),
        Some((m, false)) => fail_alone(m, rule),
        None => Outcome::pass(pass),
    }
}

/// What a rule that reached nothing says: that no file matches its files,
/// or what the `n` files that match do not hold.
fn reached_nothing(
    files: &Files,
    found: usize,
    none_in: impl FnOnce(crate::repo::text::Plural) -> String,
) -> String {
    if found == 0 {
        format!("no file matches {}", files.shown)
    } else {
        none_in(plural(found, "file"))
    }
}

/// A failure that is its own finding (there is no line to point at).
fn fail_alone(m: String, rule: &str) -> Outcome {
    Outcome::fail(m.clone(), vec![Finding::new(m).rule(rule)])
}

fn describe_segs(segs: &[Seg]) -> String {
    let mut s = String::new();
    for seg in segs {
        match seg {
            Seg::Key(k) => {
                if !s.is_empty() {
                    s.push('.');
                }
                if k.contains('.') {
                    s.push_str(&format!("[\"{k}\"]"));
                } else {
                    s.push_str(k);
                }
            }
            Seg::Index(n) => s.push_str(&format!("[{n}]")),
            Seg::Any => s.push_str("[*]"),
        }
    }
    s
}

#[allow(clippy::too_many_arguments)]
fn eval_hcl(
    ctx: &Context,
    files: &Files,
    block: &[String],
    labels: &[String],
    attribute: Option<&(String, Vec<String>)>,
    expect: &Expect,
    allow_none: bool,
) -> Outcome {
    use crate::views::terraform::{self as tf, Attr, Block, Body, Value};

    let found = ready!(structural_files(ctx, files, expect));
    let block_shown = {
        let mut s = block.join(".");
        for l in labels {
            s.push_str(&format!(" \"{l}\""));
        }
        s
    };
    let mut findings = Vec::new();
    let mut blocks_seen = 0usize;
    let mut first_block: Option<String> = None;

    fn blocks_at<'a>(body: &'a Body, path: &'a [String], out: &mut Vec<&'a Block>) {
        let Some((first, rest)) = path.split_first() else {
            return;
        };
        for b in body.blocks(first) {
            if rest.is_empty() {
                out.push(b);
            } else {
                blocks_at(&b.body, rest, out);
            }
        }
    }

    /// What a nested block holds: its attributes and blocks. In JSON
    /// syntax a nested block is an object-valued attribute.
    type Scope<'a> = (&'a [Attr], &'a [Block]);

    for f in &found {
        if f.text().is_none() {
            continue;
        }
        let parsed = tf::parsed(ctx.index, f);
        let body = match parsed.result() {
            Ok(b) => b,
            Err(e) => {
                findings.push(
                    Finding::new(format!("cannot parse HCL: {}", e.message))
                        .at(f.path.clone(), Some(e.line))
                        .col(Some(e.col))
                        .rule("hcl"),
                );
                continue;
            }
        };
        let mut matched = Vec::new();
        blocks_at(body, block, &mut matched);
        matched.retain(|b| {
            labels.len() <= b.labels.len()
                && labels
                    .iter()
                    .zip(&b.labels)
                    .all(|(want, have)| want == "*" || want == have.as_str())
        });
        for b in matched {
            blocks_seen += 1;
            let at_block = |m: String| {
                Finding::new(m)
                    .at(f.path.clone(), Some(b.line))
                    .col(Some(b.col))
                    .rule("hcl")
            };
            if first_block.is_none() {
                first_block = Some(format!("{}:{}", f.path, b.line));
            }
            let Some((attr_shown, attr_path)) = attribute else {
                if matches!(expect, Expect::Absent) {
                    findings.push(at_block(format!("`{block_shown}` block should not exist")));
                }
                continue;
            };
            // Nested blocks, then the attribute.
            let (nested, name) = attr_path.split_at(attr_path.len() - 1);
            let mut scopes: Vec<Scope> = vec![(&b.body.attrs, &b.body.blocks)];
            for n in nested {
                scopes = scopes
                    .into_iter()
                    .flat_map(|(attrs, blocks)| {
                        let inner = blocks
                            .iter()
                            .filter(|x| x.kind == *n)
                            .map(|x| (x.body.attrs.as_slice(), x.body.blocks.as_slice()));
                        let objects = attrs.iter().filter_map(|a| match &a.value {
                            Value::Object(o) if a.name == *n => Some((o.as_slice(), &[][..])),
                            _ => None,
                        });
                        inner.chain(objects).collect::<Vec<Scope>>()
                    })
                    .collect();
            }
            let attrs: Vec<&Attr> = scopes
                .iter()
                .filter_map(|(attrs, _)| attrs.iter().find(|a| a.name == name[0]))
                .collect();
            if attrs.is_empty() {
                if !matches!(expect, Expect::Absent) {
                    findings.push(at_block(format!(
                        "`{block_shown}` block has no `{attr_shown}`"
                    )));
                }
                continue;
            }
            for a in attrs {
                let problem = match expect {
                    Expect::Exists => None,
                    Expect::Absent => Some(format!("`{attr_shown}` should not be set")),
                    _ => expect
                        .mismatch(&a.value_text())
                        .map(|m| format!("`{attr_shown}` {m}")),
                };
                if let Some(p) = problem {
                    findings.push(
                        Finding::new(p)
                            .at(f.path.clone(), Some(a.line))
                            .col(Some(a.col))
                            .rule("hcl"),
                    );
                }
            }
        }
    }
    let nothing = (blocks_seen == 0 && !matches!(expect, Expect::Absent)).then(|| {
        let m = reached_nothing(files, found.len(), |n| {
            format!("no `{block_shown}` block in {n}")
        });
        (m, allow_none && attribute.is_some())
    });
    let pass = match (attribute, first_block) {
        (None, Some(at)) if !matches!(expect, Expect::Absent) => {
            format!("`{block_shown}` block at {at}")
        }
        (None, _) => format!("no `{block_shown}` block"),
        (Some((a, _)), _) => format!(
            "`{a}` holds in {}",
            plural(blocks_seen, &format!("`{block_shown}` block"))
        ),
    };
    settle(findings, &block_shown, nothing, "hcl", pass)
}

fn eval_http(ctx: &Context, endpoint: &Endpoint, at: Option<&(String, u32)>) -> Outcome {
    if ctx.options.offline {
        return Outcome::skip(format!("--offline: {} not probed", endpoint.url));
    }
    let h = &ctx.config.config.health;
    let defaults = crate::net::probe::ProbeSettings::default();
    let settings = crate::net::probe::ProbeSettings {
        timeout: h.timeout.map_or(defaults.timeout, |d| d.0),
        retries: h.retries.unwrap_or(defaults.retries),
        concurrency: h.concurrency.unwrap_or(defaults.concurrency).max(1),
        deadline: h.deadline.map_or(defaults.deadline, |d| d.0),
    };
    let results = crate::net::probe::probe_all(std::slice::from_ref(endpoint), &settings);
    let Some(r) = results.into_iter().next() else {
        return Outcome::error(format!("{}: the probe returned no result", endpoint.url));
    };
    if r.ok {
        Outcome::pass(format!("{}: {}", r.url, r.message))
    } else {
        let mut finding =
            Finding::new(format!("{} ({}): {}", r.name, r.url, r.message)).rule("http");
        if let Some((file, line)) = at {
            finding = finding.at(file.clone(), Some(*line));
        }
        Outcome::fail(format!("{}: {}", r.url, r.message), vec![finding])
    }
}
