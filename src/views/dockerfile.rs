//! The Dockerfile view: every Dockerfile/Containerfile of the index parsed
//! once per run (through the `parse-dockerfile` crate: parser directives,
//! line continuations, heredocs, `FROM --platform=… image AS name`), reduced
//! to what the checks look at — its stages, each with its `FROM` (image,
//! tag, digest, alias, the earlier stage it builds on, `ARG` defaults
//! substituted), `USER`, `EXPOSE` and `HEALTHCHECK` instructions, with
//! 1-based lines.

use std::collections::HashMap;
use std::sync::Arc;

use parse_dockerfile::{Command, HealthcheckArguments, Instruction};

use crate::repo::index::{Content, Index};
use crate::repo::text::LineIndex;

/// Extensions of files that are named after Dockerfiles without being one.
const NOT_DOCKERFILE_EXTENSIONS: &[&str] = &[
    "rs", "go", "py", "js", "mjs", "cjs", "ts", "tsx", "jsx", "java", "kt", "rb", "php", "c", "h",
    "cc", "cpp", "cs", "swift", "scala", "sh", "bash", "ps1", "md", "markdown", "rst", "txt",
    "adoc", "html", "json", "yaml", "yml", "toml", "xml", "lock", "j2", "jinja", "jinja2", "tmpl",
    "tpl", "template", "snap", "bak", "orig", "log", "png", "svg",
];

/// Is `name` (the last path component) a Dockerfile or Containerfile?
/// `Dockerfile`, `Dockerfile.prod`, `Dockerfile-chroot`, `api.Dockerfile`,
/// `Containerfile` …; not a BuildKit `Dockerfile.dockerignore`, nor
/// source code or documentation named after one (`dockerfile.rs`).
pub fn is_dockerfile(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    if lower.ends_with(".dockerignore") {
        return false;
    }
    // `dockerfile.rs`, `Dockerfile.md`, `Dockerfile.j2`: source code,
    // documentation or a template named after Dockerfiles, not one.
    if let Some((_, ext)) = lower.rsplit_once('.')
        && NOT_DOCKERFILE_EXTENSIONS.contains(&ext)
    {
        return false;
    }
    ["dockerfile", "containerfile"].iter().any(|base| {
        lower == *base
            || lower.starts_with(&format!("{base}."))
            || lower.starts_with(&format!("{base}-"))
            || lower.starts_with(&format!("{base}_"))
            || lower.ends_with(&format!(".{base}"))
    })
}

/// Why a file could not be read as a Dockerfile.
#[derive(Debug, Clone)]
pub struct Problem {
    pub line: u32,
    pub col: u32,
    pub message: String,
}

/// An image reference, `[registry/]name[:tag][@digest]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageRef {
    /// As resolved (ARG defaults substituted).
    pub full: String,
    /// Registry and repository, without tag and digest.
    pub name: String,
    pub tag: Option<String>,
    pub digest: Option<String>,
}

impl ImageRef {
    pub fn parse(full: &str) -> ImageRef {
        let (rest, digest) = match full.split_once('@') {
            Some((r, d)) => (r, Some(d.to_string())),
            None => (full, None),
        };
        let slash = rest.rfind('/').map(|i| i + 1).unwrap_or(0);
        let (name, tag) = match rest[slash..].rfind(':') {
            Some(i) => (
                rest[..slash + i].to_string(),
                Some(rest[slash + i + 1..].to_string()),
            ),
            None => (rest.to_string(), None),
        };
        ImageRef {
            full: full.to_string(),
            name,
            tag: tag.filter(|t| !t.is_empty()),
            digest: digest.filter(|d| !d.is_empty()),
        }
    }

    /// The repository without a registry host (`gcr.io/distroless/static`
    /// → `distroless/static`; `docker.io/library/alpine` → `alpine`).
    pub fn repository(&self) -> &str {
        let name = self.name.as_str();
        let name = match name.split_once('/') {
            Some((host, rest))
                if host.contains('.') || host.contains(':') || host == "localhost" =>
            {
                rest
            }
            _ => name,
        };
        name.strip_prefix("library/").unwrap_or(name)
    }
}

/// A `FROM` instruction.
#[derive(Debug, Clone)]
pub struct From {
    pub line: u32,
    /// The image as written (`golang:${GO_VERSION}`).
    pub written: String,
    /// The image with `ARG` defaults substituted; `None` when an `ARG`
    /// it uses has no default (see `unresolved`) or it is a template.
    pub image: Option<ImageRef>,
    /// `ARG`s the image uses that have no default value.
    pub unresolved: Vec<String>,
    /// `AS name`.
    pub alias: Option<String>,
    /// The earlier stage this one builds on (`FROM builder`).
    pub stage: Option<usize>,
}

impl From {
    /// `FROM scratch`: the empty image, nothing to pin.
    pub fn is_scratch(&self) -> bool {
        self.image
            .as_ref()
            .is_some_and(|i| i.full.eq_ignore_ascii_case("scratch"))
    }
}

/// A `USER` instruction.
#[derive(Debug, Clone)]
pub struct User {
    pub line: u32,
    /// As written (`${APP_UID}:${APP_GID}`).
    pub written: String,
    /// With `ARG`/`ENV` values substituted; `None` when one has no value.
    pub user: Option<String>,
}

impl User {
    /// The user part (before `:group`) names root (`root`, `0`).
    pub fn is_root(&self) -> bool {
        self.user.as_deref().is_some_and(|u| {
            let name = u.split(':').next().unwrap_or(u).trim();
            name == "root" || name == "0"
        })
    }
}

/// A `HEALTHCHECK` instruction.
#[derive(Debug, Clone)]
pub struct Healthcheck {
    pub line: u32,
    /// `HEALTHCHECK NONE`.
    pub none: bool,
    /// The command, as written (continuations joined).
    pub cmd: String,
}

/// One build stage.
#[derive(Debug, Clone)]
pub struct Stage {
    pub from: From,
    pub users: Vec<User>,
    /// Lines of `EXPOSE` instructions.
    pub exposes: Vec<u32>,
    pub healthchecks: Vec<Healthcheck>,
    /// Sets `CMD` or `ENTRYPOINT`.
    pub runs: bool,
}

/// A parsed Dockerfile.
#[derive(Debug, Clone, Default)]
pub struct Parsed {
    pub stages: Vec<Stage>,
}

impl Parsed {
    /// The stage the image is built from by default (the last one).
    pub fn final_stage(&self) -> Option<(usize, &Stage)> {
        self.stages
            .len()
            .checked_sub(1)
            .map(|i| (i, &self.stages[i]))
    }

    /// The `USER` in effect at the end of stage `i`: its own last `USER`,
    /// or the one of the earlier stage it builds on.
    pub fn effective_user(&self, mut i: usize) -> Option<&User> {
        for _ in 0..self.stages.len() {
            let stage = self.stages.get(i)?;
            if let Some(u) = stage.users.last() {
                return Some(u);
            }
            i = stage.from.stage?;
        }
        None
    }

    /// Does the image of stage `i` start a process (a `CMD` or `ENTRYPOINT`
    /// of its own, of the stages it builds on, or of a base image other
    /// than `scratch`)? A `FROM scratch` stage that only copies files is an
    /// artifact to export (`docker build --output`), not something run.
    pub fn runs(&self, mut i: usize) -> bool {
        for _ in 0..self.stages.len() {
            let Some(stage) = self.stages.get(i) else {
                return true;
            };
            if stage.runs {
                return true;
            }
            match stage.from.stage {
                Some(s) => i = s,
                None => return !stage.from.is_scratch(),
            }
        }
        true
    }

    /// The external base image stage `i` ends up on (through the earlier
    /// stages it builds on).
    pub fn base_of(&self, mut i: usize) -> Option<&From> {
        for _ in 0..self.stages.len() {
            let stage = self.stages.get(i)?;
            match stage.from.stage {
                Some(s) => i = s,
                None => return Some(&stage.from),
            }
        }
        None
    }
}

#[derive(Debug)]
pub struct DockerFile {
    pub path: String,
    /// A product file (SPEC §9): test data, vendored code and examples are
    /// parsed but never checked.
    pub product: bool,
    pub parsed: Result<Parsed, Problem>,
}

/// Every Dockerfile of the index, in path order.
#[derive(Debug, Default)]
pub struct Dockerfiles {
    pub files: Vec<DockerFile>,
}

impl Dockerfiles {
    /// The product's Dockerfiles.
    pub fn product(&self) -> impl Iterator<Item = &DockerFile> {
        self.files.iter().filter(|f| f.product)
    }

    /// The product's Dockerfiles that build an image the product ships: not
    /// a dev container, a GitHub Actions or CI helper image, or a test,
    /// debug or development variant (see [`ships`]).
    pub fn shipped(&self) -> impl Iterator<Item = &DockerFile> {
        self.product().filter(|f| ships(&f.path))
    }
}

/// Does the Dockerfile at `path` build an image the product ships? Not under
/// `.devcontainer/`, `.github/`, `.circleci/`, an `integration/` test tree
/// or a directory named for tests or examples (`e2e-test-echo`,
/// `ext-auth-example`),
/// and not a variant named for tests, debugging or development
/// (`Dockerfile.test`, `Dockerfile.dev`, `debug.Dockerfile`,
/// `Dockerfile.cypress`).
pub fn ships(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    let mut parts: Vec<&str> = lower.split('/').collect();
    let name = parts.pop().unwrap_or("");
    if parts.iter().any(|d| {
        matches!(
            *d,
            ".devcontainer" | ".github" | ".circleci" | ".gitlab" | "integration"
        ) || d.split(['.', '-', '_']).any(|w| {
            matches!(
                w,
                "test" | "tests" | "e2e" | "example" | "examples" | "fixture" | "fixtures" | "mock"
            )
        })
    }) {
        return false;
    }
    !name
        .split(['.', '-', '_'])
        .filter(|w| *w != "dockerfile" && *w != "containerfile")
        .any(|w| {
            matches!(
                w,
                "test"
                    | "tests"
                    | "e2e"
                    | "ci"
                    | "dev"
                    | "devel"
                    | "development"
                    | "debug"
                    | "local"
                    | "cypress"
                    | "devcontainer"
            )
        })
}

/// The Dockerfile view of `index`, built once per run.
pub fn view(index: &Index) -> Arc<Dockerfiles> {
    index.view(build)
}

fn build(index: &Index) -> Dockerfiles {
    let files = index
        .files()
        .iter()
        .filter(|f| is_dockerfile(f.name()))
        .map(|f| DockerFile {
            path: f.path.clone(),
            product: f.is_product(),
            parsed: match f.content() {
                Content::Text(t) => parse(t),
                Content::Binary => Err(whole("binary content, not a Dockerfile")),
                Content::TooLarge => Err(whole("file too large to check (over 10 MiB)")),
                Content::Unreadable(e) => Err(whole(&format!("cannot read: {e}"))),
            },
        })
        .collect();
    Dockerfiles { files }
}

fn whole(message: &str) -> Problem {
    Problem {
        line: 1,
        col: 1,
        message: message.to_string(),
    }
}

/// Parse a Dockerfile's text into the view.
pub fn parse(text: &str) -> Result<Parsed, Problem> {
    let df = parse_dockerfile::parse(text).map_err(|e| Problem {
        line: e.line().max(1) as u32,
        col: e.column().max(1) as u32,
        message: format!("{e:#}"),
    })?;
    let lines = LineIndex::new(text);
    // ARGs declared before the first FROM, with their defaults (None: no
    // default). Usable in FROM; in a stage only once redeclared.
    let mut global: HashMap<String, Option<String>> = HashMap::new();
    for a in df.global_args() {
        for (k, v) in assignments(&a.arguments.value, &HashMap::new()) {
            global.insert(k, v);
        }
    }
    let mut out = Parsed::default();
    let mut aliases: HashMap<String, usize> = HashMap::new();
    for (i, st) in df.stages().enumerate() {
        let f = st.from;
        let written = f.image.value.to_string();
        let (resolved, unresolved) = expand(&written, &global);
        let template = written.contains("{{") || written.contains("{%");
        let image = resolved.filter(|_| !template).map(|r| ImageRef::parse(&r));
        let stage = image
            .as_ref()
            .and_then(|im| aliases.get(&im.full.to_ascii_lowercase()).copied());
        let alias = f.as_.as_ref().map(|(_, n)| n.value.to_string());
        if let Some(a) = &alias {
            aliases.insert(a.to_ascii_lowercase(), i);
        }
        let mut stage_out = Stage {
            from: From {
                line: lines.line(f.from.span.start),
                written,
                image,
                unresolved,
                alias,
                stage,
            },
            users: Vec::new(),
            exposes: Vec::new(),
            healthchecks: Vec::new(),
            runs: false,
        };
        // ARG/ENV values known in this stage, for `USER ${APP_USER}`.
        let mut vars: HashMap<String, Option<String>> = HashMap::new();
        for ins in st.instructions {
            match ins {
                Instruction::Arg(a) => {
                    for (k, v) in assignments(&a.arguments.value, &vars) {
                        let v = v.or_else(|| global.get(&k).cloned().flatten());
                        vars.insert(k, v);
                    }
                }
                Instruction::Env(e) => {
                    for (k, v) in assignments(&e.arguments.value, &vars) {
                        vars.insert(k, v);
                    }
                }
                Instruction::User(u) => {
                    let written = u.arguments.value.trim().to_string();
                    let (user, _) = expand(&written, &vars);
                    stage_out.users.push(User {
                        line: lines.line(u.user.span.start),
                        written,
                        user,
                    });
                }
                Instruction::Cmd(_) | Instruction::Entrypoint(_) => stage_out.runs = true,
                Instruction::Expose(e) => stage_out.exposes.push(lines.line(e.expose.span.start)),
                Instruction::Healthcheck(h) => {
                    let (none, cmd) = match &h.arguments {
                        HealthcheckArguments::None { .. } => (true, String::new()),
                        HealthcheckArguments::Cmd { arguments, .. } => {
                            let span = match arguments {
                                Command::Exec(s) => s.span.clone(),
                                Command::Shell(s) => s.span.clone(),
                                _ => 0..0,
                            };
                            (false, joined(text.get(span).unwrap_or("")))
                        }
                        _ => (false, String::new()),
                    };
                    stage_out.healthchecks.push(Healthcheck {
                        line: lines.line(h.healthcheck.span.start),
                        none,
                        cmd,
                    });
                }
                _ => {}
            }
        }
        out.stages.push(stage_out);
    }
    Ok(out)
}

/// Continuation lines joined with a space, whitespace collapsed.
fn joined(s: &str) -> String {
    s.replace("\\\r\n", " ")
        .replace("\\\n", " ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// `NAME=value NAME2 "NAME3=a b"` → `(name, value)` (values unquoted and
/// expanded against `vars`); `ENV NAME value` (the legacy form) too.
fn assignments(
    args: &str,
    vars: &HashMap<String, Option<String>>,
) -> Vec<(String, Option<String>)> {
    let words = shell_words(args);
    if words.len() >= 2 && !words[0].contains('=') && !words[1].contains('=') {
        // `ENV NAME value with spaces`.
        let (v, _) = expand(&words[1..].join(" "), vars);
        return vec![(words[0].clone(), v)];
    }
    words
        .into_iter()
        .map(|w| match w.split_once('=') {
            Some((k, v)) => (k.to_string(), expand(v, vars).0),
            None => (w, None),
        })
        .collect()
}

/// Split on unquoted whitespace, removing the quotes.
fn shell_words(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quote: Option<char> = None;
    let mut any = false;
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (None, '"' | '\'') => {
                quote = Some(c);
                any = true;
            }
            (None, '\\') => {
                if let Some(n) = chars.next() {
                    cur.push(n);
                }
            }
            (None, c) if c.is_whitespace() => {
                if any || !cur.is_empty() {
                    out.push(std::mem::take(&mut cur));
                    any = false;
                }
            }
            (_, c) => {
                cur.push(c);
                any = true;
            }
        }
    }
    if any || !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// Substitute `$NAME`, `${NAME}`, `${NAME:-word}`, `${NAME-word}`,
/// `${NAME:+word}` and `${NAME+word}` from `vars`. Returns the text, or
/// `None` with the names that have no value.
pub fn expand(s: &str, vars: &HashMap<String, Option<String>>) -> (Option<String>, Vec<String>) {
    let mut out = String::new();
    let mut missing = Vec::new();
    let b = s.as_bytes();
    let mut i = 0;
    while i < s.len() {
        let c = b[i];
        if c == b'\\' && b.get(i + 1) == Some(&b'$') {
            out.push('$');
            i += 2;
            continue;
        }
        if c != b'$' {
            let ch = s[i..].chars().next().unwrap_or('\u{fffd}');
            out.push(ch);
            i += ch.len_utf8();
            continue;
        }
        let is_name = |x: u8| x.is_ascii_alphanumeric() || x == b'_';
        if b.get(i + 1) == Some(&b'{') {
            let Some(close) = s[i + 2..].find('}') else {
                out.push_str(&s[i..]);
                break;
            };
            let inner = &s[i + 2..i + 2 + close];
            i += 2 + close + 1;
            let name_len = inner.bytes().take_while(|&x| is_name(x)).count();
            let (name, op) = inner.split_at(name_len);
            let value = vars.get(name).cloned().flatten();
            let (op, word) = if let Some(w) = op.strip_prefix(":-") {
                ("-", Some(w))
            } else if let Some(w) = op.strip_prefix(":+") {
                ("+", Some(w))
            } else if let Some(w) = op.strip_prefix('-') {
                ("-", Some(w))
            } else if let Some(w) = op.strip_prefix('+') {
                ("+", Some(w))
            } else {
                ("", None)
            };
            match (op, value, word) {
                ("+", Some(_), Some(w)) => out.push_str(w),
                ("+", None, _) => {}
                ("-", Some(v), _) if !v.is_empty() => out.push_str(&v),
                ("-", _, Some(w)) => out.push_str(w),
                (_, Some(v), _) => out.push_str(&v),
                _ => missing.push(name.to_string()),
            }
        } else {
            let name_len = s[i + 1..].bytes().take_while(|&x| is_name(x)).count();
            if name_len == 0 {
                out.push('$');
                i += 1;
                continue;
            }
            let name = &s[i + 1..i + 1 + name_len];
            i += 1 + name_len;
            match vars.get(name).cloned().flatten() {
                Some(v) => out.push_str(&v),
                None => missing.push(name.to_string()),
            }
        }
    }
    if missing.is_empty() {
        (Some(out), missing)
    } else {
        (None, missing)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        for n in [
            "Dockerfile",
            "Containerfile",
            "Dockerfile.prod",
            "api.Dockerfile",
            "Dockerfile-chroot",
            "Dockerfile_windows",
        ] {
            assert!(is_dockerfile(n), "{n}");
        }
        for n in [
            "Dockerfile.dockerignore",
            "dockerfiles.md",
            "mydockerfile",
            "dockerfile.rs",
            "dockerfile.go",
            "Dockerfile.md",
            "Dockerfile.j2",
        ] {
            assert!(!is_dockerfile(n), "{n}");
        }
    }

    #[test]
    fn shipped_images() {
        for p in [
            "Dockerfile",
            "src/api/Dockerfile.prod",
            "build/api.Dockerfile",
        ] {
            assert!(ships(p), "{p}");
        }
        for p in [
            ".devcontainer/Dockerfile",
            ".github/actions/x/Dockerfile",
            "contrib/Dockerfile.test",
            "src/cart/Dockerfile.debug",
            "dev.Dockerfile",
            "integration/images/a/Dockerfile",
            "images/e2e-test-echo/rootfs/Dockerfile",
            "images/ext-auth-example-authsvc/rootfs/Dockerfile",
        ] {
            assert!(!ships(p), "{p}");
        }
    }

    #[test]
    fn image_refs() {
        let r = ImageRef::parse("localhost:5000/team/app:1.2@sha256:abc");
        assert_eq!(r.name, "localhost:5000/team/app");
        assert_eq!(r.tag.as_deref(), Some("1.2"));
        assert_eq!(r.digest.as_deref(), Some("sha256:abc"));
        assert_eq!(r.repository(), "team/app");
        let r = ImageRef::parse("localhost:5000/app");
        assert_eq!(r.tag, None);
        assert_eq!(
            ImageRef::parse("gcr.io/distroless/static:nonroot").repository(),
            "distroless/static"
        );
    }

    #[test]
    fn stages_args_users_heredocs() {
        let text = "# syntax=docker/dockerfile:1.7\n\
ARG GO_VERSION=1.22\n\
ARG BASE\n\
FROM --platform=$BUILDPLATFORM golang:${GO_VERSION} AS build\n\
RUN <<EOF\n\
FROM not-an-instruction\n\
USER root\n\
EOF\n\
RUN go build \\\n  -o /app .\n\
FROM ${BASE}\n\
FROM build AS test\n\
USER 1000\n\
FROM gcr.io/distroless/static:nonroot\n\
ARG APP_USER=app\n\
USER ${APP_USER}\n\
HEALTHCHECK --interval=5s CMD [\"/app\", \"health\"]\n\
EXPOSE 8080\n";
        let p = parse(text).unwrap();
        assert_eq!(p.stages.len(), 4);
        let b = &p.stages[0];
        assert_eq!(b.from.line, 4);
        assert_eq!(b.from.image.as_ref().unwrap().full, "golang:1.22");
        assert_eq!(b.from.alias.as_deref(), Some("build"));
        assert!(b.users.is_empty(), "heredoc body is not parsed");
        assert_eq!(p.stages[1].from.image, None);
        assert_eq!(p.stages[1].from.unresolved, vec!["BASE".to_string()]);
        assert_eq!(p.stages[2].from.stage, Some(0));
        let last = &p.stages[3];
        assert_eq!(last.users[0].user.as_deref(), Some("app"));
        assert_eq!(last.users[0].line, 16);
        assert_eq!(last.healthchecks[0].cmd, "[\"/app\", \"health\"]");
        assert_eq!(last.exposes, vec![18]);
        assert_eq!(p.effective_user(2).unwrap().line, 13);
        assert!(p.effective_user(0).is_none());
    }
}
