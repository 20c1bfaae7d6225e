//! The CI model every `ci.*` check reads: each CI file parsed once per run
//! (YAML through serde-saphyr with positions; Jenkinsfiles as text), and
//! the jobs of every system reduced to what the checks look at — a name, a
//! line, the commands it runs, what it needs.

pub mod detect;

pub use detect::{CiFile, CiRole, CiSystem, ci_files, systems};

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use crate::repo::index::{Content, Index};
use crate::views::yaml::node::{self, Node, SNode, Tree};
use detect::classify;

/// Why a file could not be read as CI configuration.
#[derive(Debug, Clone)]
pub struct Problem {
    pub line: u32,
    pub col: Option<u32>,
    pub message: String,
}

/// One CI file, parsed.
#[derive(Debug)]
pub struct CiDoc {
    pub file: CiFile,
    /// YAML documents (empty for a Jenkinsfile).
    pub docs: Result<Vec<SNode>, Problem>,
    /// The text, kept for Jenkinsfiles only.
    pub text: Option<String>,
}

impl CiDoc {
    /// The first YAML document, when it parsed.
    pub fn doc(&self) -> Option<&SNode> {
        self.docs.as_ref().ok().and_then(|d| d.first())
    }
}

/// A command-like string of a job and its line.
#[derive(Debug, Clone)]
pub struct Command {
    pub text: String,
    pub line: u32,
    /// The file the command is written in, when it is not the job's own
    /// (a step of a called reusable workflow or an `extends:` template).
    pub file: Option<usize>,
}

/// A job (or, for systems without named jobs here, the whole file).
#[derive(Debug, Clone)]
pub struct Job {
    /// Index into [`CiModel::files`].
    pub file: usize,
    pub id: String,
    /// The display name (`name:`) or the id.
    pub name: String,
    pub line: u32,
    pub commands: Vec<Command>,
    /// GitHub `needs` / GitLab `needs`.
    pub needs: Vec<String>,
    /// Whether `needs:` was given at all (GitLab: DAG instead of stages).
    pub has_needs: bool,
    /// GitLab stage.
    pub stage: Option<String>,
    /// A GitLab hidden job (`.name`): a template, not run itself.
    pub hidden: bool,
}

#[derive(Debug, Default)]
pub struct CiModel {
    pub files: Vec<CiDoc>,
    pub jobs: Vec<Job>,
    /// GitLab `stages:` (with `.pre` first and `.post` last).
    pub gitlab_stages: Vec<String>,
    /// The hooks of `.pre-commit-config.yaml` (id, line), which a CI step
    /// running pre-commit runs.
    pub precommit_hooks: Vec<(String, u32)>,
}

/// The pre-commit configuration file.
pub const PRECOMMIT_CONFIG: &str = ".pre-commit-config.yaml";

/// Does this command line run pre-commit (`pre-commit run`, `prek run`, or
/// an action that does)?
pub fn runs_precommit(line: &str) -> bool {
    let l = line.trim();
    l.contains("pre-commit run")
        || l.starts_with("prek run")
        || (l.contains("pre-commit") && (l.contains('@') || l.starts_with("uses")))
}

impl CiModel {
    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    pub fn github(&self) -> impl Iterator<Item = (usize, &CiDoc)> {
        self.files
            .iter()
            .enumerate()
            .filter(|(_, f)| f.file.system == CiSystem::GitHubActions)
    }

    pub fn has_github_workflow(&self) -> bool {
        self.github().any(|(_, f)| f.file.role == CiRole::Pipeline)
    }

    /// Jobs that run (GitLab templates left out).
    pub fn running_jobs(&self) -> impl Iterator<Item = &Job> {
        self.jobs.iter().filter(|j| !j.hidden)
    }

    /// The pipeline files (not includes or actions), for findings about a
    /// whole pipeline: `(file index, line of its jobs)`.
    pub fn pipelines(&self) -> impl Iterator<Item = (&CiDoc, u32)> {
        self.files
            .iter()
            .filter(|f| f.file.role == CiRole::Pipeline)
            .map(|f| {
                let line = f
                    .doc()
                    .and_then(|d| d.key_node("jobs").or_else(|| d.key_node("workflows")))
                    .map(|k| k.line())
                    .unwrap_or(1);
                (f, line)
            })
    }

    pub fn path(&self, job: &Job) -> &str {
        &self.files[job.file].file.path
    }

    /// The file a command of `job` is written in (a called workflow's or a
    /// template's own file, not the caller's).
    pub fn command_path(&self, job: &Job, command: &Command) -> &str {
        &self.files[command.file.unwrap_or(job.file)].file.path
    }
}

/// The CI model of `index`, built once per run.
pub fn model(index: &Index) -> Arc<CiModel> {
    index.view(|ix| crate::views::yaml::with_parser_stack(|| build(ix)))
}

fn read(index: &Index, path: &str) -> Result<String, Problem> {
    let whole = |m: &str| Problem {
        line: 1,
        col: None,
        message: m.to_string(),
    };
    let f = index.get(path).ok_or_else(|| whole("file not found"))?;
    match f.content() {
        Content::Text(t) => Ok(t.clone()),
        Content::Binary => Err(whole("binary content, not a CI configuration")),
        Content::TooLarge => Err(whole("file too large to check (over 10 MiB)")),
        Content::Unreadable(e) => Err(whole(&format!("cannot read: {e}"))),
    }
}

fn parse_file(index: &Index, file: CiFile) -> CiDoc {
    let text = match read(index, &file.path) {
        Ok(t) => t,
        Err(p) => {
            return CiDoc {
                file,
                docs: Err(p),
                text: None,
            };
        }
    };
    if file.system == CiSystem::Jenkins {
        return CiDoc {
            file,
            docs: Ok(Vec::new()),
            text: Some(text),
        };
    }
    let parsed = if file.system == CiSystem::Drone {
        node::parse_multi(&text)
    } else if text.trim().is_empty() {
        Ok(Vec::new())
    } else {
        node::parse(&text).map(|n| vec![n])
    };
    let docs = parsed
        .map(|d| d.into_iter().filter(|n| n.value != Node::Null).collect())
        .map_err(|e| Problem {
            line: e.line.unwrap_or(1).max(1),
            col: e.column,
            message: friendly(&e.message),
        });
    CiDoc {
        file,
        docs,
        text: None,
    }
}

/// serde-saphyr's message, without advice meant for programmers.
fn friendly(message: &str) -> String {
    let m = message
        .split(", set DuplicateKeyPolicy")
        .next()
        .unwrap_or(message);
    if m.contains("budget breached") || m.contains("recursion limit") {
        format!("refused: nesting or alias expansion beyond the parser's limits ({m})")
    } else {
        m.to_string()
    }
}

/// GitLab `include:` entries: `(local paths, other includes as text)`.
fn gitlab_includes(doc: &SNode) -> (Vec<String>, Vec<Command>) {
    let mut local = Vec::new();
    let mut other = Vec::new();
    let Some(inc) = doc.get("include") else {
        return (local, other);
    };
    let items: Vec<&SNode> = match &inc.value {
        Node::Seq(s) => s.iter().collect(),
        _ => vec![inc],
    };
    for item in items {
        if let Some(s) = item.as_str() {
            if s.contains("://") {
                other.push(Command {
                    text: s.to_string(),
                    line: item.line(),
                    file: None,
                });
            } else {
                local.push(s.trim_start_matches('/').to_string());
            }
            continue;
        }
        if let Some(l) = item.get("local").and_then(Tree::as_str) {
            local.push(l.trim_start_matches('/').to_string());
        }
        for key in ["template", "remote", "component", "project", "file"] {
            if let Some(v) = item.get(key) {
                for s in v.strings() {
                    other.push(Command {
                        text: format!("{key}: {s}"),
                        line: v.line(),
                        file: None,
                    });
                }
            }
        }
    }
    (local, other)
}

fn build(index: &Index) -> CiModel {
    let mut files: Vec<CiDoc> = index
        .files()
        .iter()
        .filter_map(|f| {
            // Only the product's pipelines (SPEC §9): a CI file in test data
            // is a fixture.
            classify(&f.path)
                .filter(|_| f.is_product())
                .map(|(system, role)| CiFile {
                    path: f.path.clone(),
                    system,
                    role,
                })
        })
        .map(|cf| parse_file(index, cf))
        .collect();

    // GitLab local includes, followed transitively.
    let mut seen: BTreeSet<String> = files.iter().map(|f| f.file.path.clone()).collect();
    let mut i = 0;
    let mut include_cmds: Vec<(usize, Vec<Command>)> = Vec::new();
    while i < files.len() {
        if files[i].file.system == CiSystem::GitLab
            && let Some(doc) = files[i].doc()
        {
            let (local, other) = gitlab_includes(doc);
            if !other.is_empty() {
                include_cmds.push((i, other));
            }
            for pattern in local {
                let matched: Vec<String> = if pattern.contains('*') {
                    index
                        .glob(&[pattern.as_str()])
                        .map(|v| v.into_iter().map(|f| f.path.clone()).collect())
                        .unwrap_or_default()
                } else if index.get(&pattern).is_some() {
                    vec![pattern.clone()]
                } else {
                    Vec::new()
                };
                for p in matched {
                    if seen.insert(p.clone()) {
                        files.push(parse_file(
                            index,
                            CiFile {
                                path: p,
                                system: CiSystem::GitLab,
                                role: CiRole::Include,
                            },
                        ));
                    }
                }
            }
        }
        i += 1;
    }
    // Keep path order; remember where each file went.
    let mut order: Vec<usize> = (0..files.len()).collect();
    order.sort_by(|&a, &b| files[a].file.path.cmp(&files[b].file.path));
    let mut new_index = vec![0; files.len()];
    for (new, &old) in order.iter().enumerate() {
        new_index[old] = new;
    }
    let mut slots: Vec<Option<CiDoc>> = files.into_iter().map(Some).collect();
    let files: Vec<CiDoc> = order
        .iter()
        .map(|&o| slots[o].take().expect("once"))
        .collect();

    let precommit_hooks = index
        .get(PRECOMMIT_CONFIG)
        .filter(|f| f.is_product())
        .and_then(|f| f.text())
        .and_then(|t| node::parse_multi(t).ok())
        .map(|docs| {
            docs.iter()
                .filter_map(|d| d.get("repos"))
                .flat_map(|r| r.seq())
                .filter_map(|repo| repo.get("hooks"))
                .flat_map(|h| h.seq())
                .filter_map(|h| {
                    h.get("id")
                        .map(|id| (id.scalar().unwrap_or_default(), id.line()))
                })
                .collect()
        })
        .unwrap_or_default();
    let mut model = CiModel {
        files,
        jobs: Vec::new(),
        gitlab_stages: Vec::new(),
        precommit_hooks,
    };
    for (old, cmds) in include_cmds {
        let file = new_index[old];
        model.jobs.push(Job {
            file,
            id: "include".into(),
            name: "include".into(),
            line: cmds.first().map(|c| c.line).unwrap_or(1),
            commands: cmds,
            needs: Vec::new(),
            has_needs: false,
            stage: None,
            hidden: true,
        });
    }
    for fi in 0..model.files.len() {
        let jobs = jobs_of(&model.files[fi], fi);
        model.jobs.extend(jobs);
        if model.files[fi].file.system == CiSystem::GitLab
            && let Some(st) = model.files[fi].doc().and_then(|d| d.get("stages"))
            && model.gitlab_stages.is_empty()
        {
            model.gitlab_stages = st.strings();
        }
    }
    if model.gitlab_stages.is_empty() {
        model.gitlab_stages = ["build", "test", "deploy"].map(String::from).to_vec();
    }
    model.gitlab_stages.insert(0, ".pre".into());
    model.gitlab_stages.push(".post".into());
    inherit(&mut model);
    model
}

/// The literal values of an `env:` map.
fn literal_env(env: Option<&SNode>) -> BTreeMap<String, String> {
    env.map(|e| {
        e.map()
            .iter()
            .filter_map(|(k, v)| Some((k.scalar()?, v.scalar()?)))
            .filter(|(_, v)| !v.contains("${{"))
            .collect()
    })
    .unwrap_or_default()
}

/// Replace `${{ env.NAME }}`, `${NAME}` and `$NAME` by their literal values.
fn expand_env(text: &str, env: &BTreeMap<String, String>) -> String {
    let mut out = text.to_string();
    for (k, v) in env {
        for pattern in [
            format!("${{{{ env.{k} }}}}"),
            format!("${{{{env.{k}}}}}"),
            format!("${{{k}}}"),
        ] {
            out = out.replace(&pattern, v);
        }
        // `$NAME` as a whole word.
        let bare = format!("${k}");
        let mut rebuilt = String::with_capacity(out.len());
        let mut rest = out.as_str();
        while let Some(i) = rest.find(&bare) {
            let after = &rest[i + bare.len()..];
            let whole = !after.starts_with(|c: char| c.is_ascii_alphanumeric() || c == '_');
            rebuilt.push_str(&rest[..i]);
            rebuilt.push_str(if whole { v } else { &bare });
            rest = after;
        }
        rebuilt.push_str(rest);
        out = rebuilt;
    }
    out
}

/// Strings under `node` as commands (every line of a script block).
fn commands_in(node: &SNode, skip_keys: &[&str], out: &mut Vec<Command>) {
    match &node.value {
        Node::Str(s) => out.push(Command {
            text: s.clone(),
            line: node.line(),
            file: None,
        }),
        Node::Seq(s) => s.iter().for_each(|n| commands_in(n, skip_keys, out)),
        Node::Map(m) => {
            for (k, v) in m {
                let key = k.scalar().unwrap_or_default();
                if !skip_keys.contains(&key.as_str()) {
                    commands_in(v, skip_keys, out);
                }
            }
        }
        _ => {}
    }
}

/// GitHub step keys that are not commands.
const GITHUB_SKIP: &[&str] = &[
    "name",
    "if",
    "id",
    "shell",
    "working-directory",
    "timeout-minutes",
    "continue-on-error",
];

fn job(file: usize, id: &str, name: Option<&str>, line: u32) -> Job {
    Job {
        file,
        id: id.to_string(),
        name: name.unwrap_or(id).to_string(),
        line,
        commands: Vec::new(),
        needs: Vec::new(),
        has_needs: false,
        stage: None,
        hidden: false,
    }
}

/// Top-level GitLab keys that are not jobs.
pub(crate) const GITLAB_KEYWORDS: &[&str] = &[
    "default",
    "include",
    "stages",
    "variables",
    "workflow",
    "image",
    "services",
    "cache",
    "before_script",
    "after_script",
    "spec",
];

fn jobs_of(f: &CiDoc, fi: usize) -> Vec<Job> {
    let mut out = Vec::new();
    if let Some(text) = &f.text {
        let mut j = job(fi, &f.file.path, None, 1);
        for (i, l) in text.lines().enumerate() {
            j.commands.push(Command {
                text: l.to_string(),
                line: i as u32 + 1,
                file: None,
            });
        }
        out.push(j);
        return out;
    }
    let Ok(docs) = &f.docs else { return out };
    for doc in docs {
        match (f.file.system, f.file.role) {
            (CiSystem::GitHubActions, CiRole::Action) => {
                let mut j = job(fi, &f.file.path, None, 1);
                if let Some(steps) = doc.get("runs").and_then(|r| r.get("steps")) {
                    commands_in(steps, GITHUB_SKIP, &mut j.commands);
                }
                out.push(j);
            }
            (CiSystem::GitHubActions, _) => {
                let Some(jobs) = doc.get("jobs") else {
                    continue;
                };
                let workflow_env = literal_env(doc.get("env"));
                for (k, v) in jobs.map() {
                    let id = k.scalar().unwrap_or_default();
                    let mut j = job(fi, &id, v.get("name").and_then(Tree::as_str), k.line());
                    if let Some(steps) = v.get("steps") {
                        commands_in(steps, GITHUB_SKIP, &mut j.commands);
                    }
                    // `${{ env.CARGO }} test` runs `cargo test` when the
                    // workflow or job sets `CARGO: cargo`.
                    let mut env = workflow_env.clone();
                    env.extend(literal_env(v.get("env")));
                    if !env.is_empty() {
                        for c in &mut j.commands {
                            c.text = expand_env(&c.text, &env);
                        }
                    }
                    if let Some(u) = v.get("uses") {
                        commands_in(u, &[], &mut j.commands);
                    }
                    if let Some(n) = v.get("needs") {
                        j.needs = n.strings();
                        j.has_needs = true;
                    }
                    out.push(j);
                }
            }
            (CiSystem::GitLab, _) => {
                for (k, v) in doc.map() {
                    let id = k.scalar().unwrap_or_default();
                    if GITLAB_KEYWORDS.contains(&id.as_str()) || !v.is_map() {
                        continue;
                    }
                    let mut j = job(fi, &id, None, k.line());
                    j.hidden = id.starts_with('.');
                    for key in ["before_script", "script", "after_script", "trigger", "run"] {
                        if let Some(s) = v.get(key) {
                            commands_in(s, &[], &mut j.commands);
                        }
                    }
                    if let Some(e) = v.get("extends") {
                        // Resolved by `inherit`: kept as needs-like links.
                        for t in e.strings() {
                            j.commands.push(Command {
                                text: format!("\u{0}extends {t}"),
                                line: e.line(),
                                file: None,
                            });
                        }
                    }
                    j.stage = Some(
                        v.get("stage")
                            .and_then(Tree::scalar)
                            .unwrap_or_else(|| "test".into()),
                    );
                    if let Some(n) = v.get("needs") {
                        j.has_needs = true;
                        for item in n.seq() {
                            if let Some(s) = item.scalar() {
                                j.needs.push(s);
                            } else if let Some(s) = item.get("job").and_then(Tree::scalar) {
                                j.needs.push(s);
                            }
                        }
                    }
                    out.push(j);
                }
            }
            (CiSystem::CircleCi, _) => {
                if let Some(jobs) = doc.get("jobs") {
                    for (k, v) in jobs.map() {
                        let id = k.scalar().unwrap_or_default();
                        let mut j = job(fi, &id, None, k.line());
                        if let Some(steps) = v.get("steps") {
                            commands_in(steps, &["name"], &mut j.commands);
                        }
                        out.push(j);
                    }
                }
                // Workflows invoke orb jobs by name (`- node/test`).
                if let Some(wf) = doc.get("workflows") {
                    let mut j = job(fi, "workflows", None, wf.line());
                    collect_keys_and_strings(wf, &mut j.commands);
                    out.push(j);
                }
            }
            _ => {
                let mut j = job(fi, &f.file.path, None, 1);
                commands_in(doc, &["name", "label", "displayName"], &mut j.commands);
                out.push(j);
            }
        }
    }
    out
}

fn collect_keys_and_strings(n: &SNode, out: &mut Vec<Command>) {
    match &n.value {
        Node::Str(s) => out.push(Command {
            text: s.clone(),
            line: n.line(),
            file: None,
        }),
        Node::Seq(s) => s.iter().for_each(|x| collect_keys_and_strings(x, out)),
        Node::Map(m) => {
            for (k, v) in m {
                if let Some(s) = k.scalar() {
                    out.push(Command {
                        text: s,
                        line: k.line(),
                        file: None,
                    });
                }
                collect_keys_and_strings(v, out);
            }
        }
        _ => {}
    }
}

/// Give jobs the commands they get from elsewhere: GitLab `extends`
/// templates, and GitHub local actions and reusable workflows they call.
fn inherit(model: &mut CiModel) {
    // A few rounds resolve chains (`extends` of `extends`); cycles stop.
    for _ in 0..4 {
        // Commands per GitLab template name and per GitHub local file.
        let mut gitlab: BTreeMap<String, Vec<Command>> = BTreeMap::new();
        let mut local: BTreeMap<String, Vec<Command>> = BTreeMap::new();
        for j in &model.jobs {
            let f = &model.files[j.file].file;
            let own = j
                .commands
                .iter()
                .filter(|x| !x.text.starts_with('\u{0}'))
                .cloned()
                .map(|mut c| {
                    c.file.get_or_insert(j.file);
                    c
                });
            match f.system {
                CiSystem::GitLab => gitlab.entry(j.id.clone()).or_default().extend(own),
                CiSystem::GitHubActions => {
                    let dir = f.path.rsplit_once('/').map(|(d, _)| d).unwrap_or("");
                    let key = if f.role == CiRole::Action {
                        dir
                    } else {
                        f.path.as_str()
                    };
                    local.entry(key.to_string()).or_default().extend(own);
                }
                _ => {}
            }
        }
        let mut changed = false;
        for j in &mut model.jobs {
            let system = model.files[j.file].file.system;
            let mut extra: Vec<Command> = Vec::new();
            for c in &j.commands {
                let from = match system {
                    CiSystem::GitLab => c
                        .text
                        .strip_prefix("\u{0}extends ")
                        .and_then(|t| gitlab.get(t)),
                    CiSystem::GitHubActions => c.text.trim().strip_prefix("./").and_then(|p| {
                        let p = p.split('@').next().unwrap_or(p).trim_end_matches('/');
                        local.get(p)
                    }),
                    _ => None,
                };
                if let Some(cmds) = from {
                    extra.extend(cmds.iter().cloned());
                }
            }
            extra.retain(|e| {
                !j.commands
                    .iter()
                    .any(|c| c.text == e.text && c.line == e.line)
            });
            extra.dedup_by(|a, b| a.text == b.text && a.line == b.line);
            changed |= !extra.is_empty();
            j.commands.extend(extra);
        }
        if !changed {
            break;
        }
    }
    for j in &mut model.jobs {
        j.commands.retain(|c| !c.text.starts_with('\u{0}'));
    }
}
