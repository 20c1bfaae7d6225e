//! Which CI systems a repository uses, and which files configure them.
//! The one place that knows CI file names: the checks, `scaffold` and
//! `init` all ask here.

use crate::repo::index::Index;

/// A CI system readyctl recognises.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum CiSystem {
    GitHubActions,
    GitLab,
    CircleCi,
    Jenkins,
    AzurePipelines,
    Bitbucket,
    Buildkite,
    Drone,
    Travis,
}

impl CiSystem {
    /// Short, stable name (`github`, `gitlab`, ...), as `scaffold ci --provider` takes.
    pub fn id(self) -> &'static str {
        match self {
            CiSystem::GitHubActions => "github",
            CiSystem::GitLab => "gitlab",
            CiSystem::CircleCi => "circleci",
            CiSystem::Jenkins => "jenkins",
            CiSystem::AzurePipelines => "azure",
            CiSystem::Bitbucket => "bitbucket",
            CiSystem::Buildkite => "buildkite",
            CiSystem::Drone => "drone",
            CiSystem::Travis => "travis",
        }
    }

    /// Human name.
    pub fn name(self) -> &'static str {
        match self {
            CiSystem::GitHubActions => "GitHub Actions",
            CiSystem::GitLab => "GitLab CI",
            CiSystem::CircleCi => "CircleCI",
            CiSystem::Jenkins => "Jenkins",
            CiSystem::AzurePipelines => "Azure Pipelines",
            CiSystem::Bitbucket => "Bitbucket Pipelines",
            CiSystem::Buildkite => "Buildkite",
            CiSystem::Drone => "Drone",
            CiSystem::Travis => "Travis CI",
        }
    }
}

/// What a CI file is to its system.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CiRole {
    /// A pipeline / workflow the system runs.
    Pipeline,
    /// A file a GitLab pipeline includes with `include: local`.
    Include,
    /// A GitHub composite or Docker action (`.github/actions/**/action.yml`).
    Action,
}

/// One CI configuration file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CiFile {
    /// Relative to the root, `/`-separated.
    pub path: String,
    pub system: CiSystem,
    pub role: CiRole,
}

/// Every CI configuration file of the repository, in path order: the
/// pipelines found by name, GitLab's local includes, and GitHub's local
/// actions. Computed once per run (it shares the parsed CI model).
pub fn ci_files(index: &Index) -> Vec<CiFile> {
    super::model(index)
        .files
        .iter()
        .map(|f| f.file.clone())
        .collect()
}

/// The CI systems in use, each once, in a stable order.
pub fn systems(index: &Index) -> Vec<CiSystem> {
    let mut s: Vec<CiSystem> = ci_files(index).into_iter().map(|f| f.system).collect();
    s.sort();
    s.dedup();
    s
}

fn is_yaml_name(name: &str) -> bool {
    let l = name.to_ascii_lowercase();
    l.ends_with(".yml") || l.ends_with(".yaml")
}

/// The system and role of `path`, by its name alone (GitLab includes are
/// found from the pipeline's `include:`).
pub fn classify(path: &str) -> Option<(CiSystem, CiRole)> {
    let (dir, name) = path.rsplit_once('/').unwrap_or(("", path));
    let pipeline = |s| Some((s, CiRole::Pipeline));
    match (dir, name) {
        (".github/workflows", n) if is_yaml_name(n) => pipeline(CiSystem::GitHubActions),
        (d, "action.yml" | "action.yaml") if d.starts_with(".github/actions/") => {
            Some((CiSystem::GitHubActions, CiRole::Action))
        }
        ("", ".gitlab-ci.yml" | ".gitlab-ci.yaml") => pipeline(CiSystem::GitLab),
        (".circleci", "config.yml" | "config.yaml") => pipeline(CiSystem::CircleCi),
        ("", "azure-pipelines.yml" | "azure-pipelines.yaml") => pipeline(CiSystem::AzurePipelines),
        ("", "bitbucket-pipelines.yml" | "bitbucket-pipelines.yaml") => {
            pipeline(CiSystem::Bitbucket)
        }
        (".buildkite", "pipeline.yml" | "pipeline.yaml") => pipeline(CiSystem::Buildkite),
        ("", ".drone.yml" | ".drone.yaml") => pipeline(CiSystem::Drone),
        ("", ".travis.yml" | ".travis.yaml") => pipeline(CiSystem::Travis),
        (_, n) if n == "Jenkinsfile" || n.starts_with("Jenkinsfile.") => {
            pipeline(CiSystem::Jenkins)
        }
        _ => None,
    }
}
