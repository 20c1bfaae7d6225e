//! File roles (SPEC §9): what is the product, and what is vendored code,
//! test data, an example or generated output.
//!
//! One place decides it. The index asks [`Roles::of_path`] once per file
//! (and [`generated_header`] for files whose path says "product"); every
//! check asks the index (`FileEntry::role`, `FileEntry::is_product`), never
//! a list of its own. Roles are decided on paths relative to the checked
//! root, so `readyctl check examples/service` checks that example as a
//! product.

use std::collections::BTreeMap;

use globset::GlobSet;
use serde::Serialize;

use crate::config::{ConfigError, LoadedConfig};

/// The role of one file (SPEC §9).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Product,
    Vendored,
    TestData,
    Examples,
    Generated,
}

impl Role {
    pub const ALL: [Role; 5] = [
        Role::Product,
        Role::Vendored,
        Role::TestData,
        Role::Examples,
        Role::Generated,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Product => "product",
            Role::Vendored => "vendored",
            Role::TestData => "test_data",
            Role::Examples => "examples",
            Role::Generated => "generated",
        }
    }
}

/// Directories whose contents are someone else's code.
const VENDORED_DIRS: &[&str] = &[
    "vendor",
    "vendors",
    "third_party",
    "third-party",
    "thirdparty",
    "node_modules",
    "bower_components",
    "jspm_packages",
    ".terraform",
    ".venv",
    "venv",
    "site-packages",
    ".bundle",
    "pods",
];

/// Directories whose contents are test data or tests.
const TEST_DIRS: &[&str] = &[
    "test",
    "tests",
    "testing",
    "testdata",
    "test-data",
    "test_data",
    "testfiles",
    "test-files",
    "test_files",
    "fixtures",
    "fixture",
    "__fixtures__",
    "test-fixtures",
    "test_fixtures",
    "__tests__",
    "__mocks__",
    "__snapshots__",
    "e2e",
    "golden",
    "goldens",
];

/// Directories whose contents are examples.
const EXAMPLE_DIRS: &[&str] = &["examples", "example", "_examples", "samples", "sample"];

/// Directories of build output.
const GENERATED_DIRS: &[&str] = &["target"];

fn dir_role(component: &str) -> Option<Role> {
    let c = component.to_ascii_lowercase();
    let c = c.as_str();
    if VENDORED_DIRS.contains(&c) {
        return Some(Role::Vendored);
    }
    if TEST_DIRS.contains(&c)
        || ["test-", "test_", "tests-", "tests_"]
            .iter()
            .any(|p| c.starts_with(p))
        || ["-test", "_test", "-tests", "_tests", "-e2e", "_e2e"]
            .iter()
            .any(|s| c.ends_with(s))
    {
        return Some(Role::TestData);
    }
    if EXAMPLE_DIRS.contains(&c) {
        return Some(Role::Examples);
    }
    if GENERATED_DIRS.contains(&c) {
        return Some(Role::Generated);
    }
    None
}

fn name_role(name: &str) -> Option<Role> {
    let n = name.to_ascii_lowercase();
    let (stem, ext) = n.rsplit_once('.').unwrap_or((n.as_str(), ""));
    // Tests named by convention: foo_test.go, test_foo.py, foo.test.ts,
    // foo.spec.js, main.tftest.hcl, and deliberately broken configs (x.bad.yml).
    if stem.ends_with("_test")
        || (stem.starts_with("test_") && ext == "py")
        || stem.ends_with(".test")
        || stem.ends_with(".spec")
        || stem.ends_with(".tftest")
        || stem.ends_with(".bad")
        || n == "conftest.py"
    {
        return Some(Role::TestData);
    }
    // Example copies of real files: .env.example, values.sample.yaml.
    if matches!(ext, "example" | "sample")
        || stem.ends_with(".example")
        || stem.ends_with(".sample")
        || stem.ends_with("-example")
        || stem.ends_with("_example")
        || stem.starts_with("example-")
        || stem.starts_with("example_")
        || stem.starts_with("sample-")
        || stem.starts_with("sample_")
    {
        return Some(Role::Examples);
    }
    None
}

/// Directory names that are deployment environments: a `test` directory
/// beside one of these (`envs/test` next to `envs/prod`) is an environment,
/// not test data.
const ENVIRONMENTS: &[&str] = &[
    "prod",
    "production",
    "staging",
    "stage",
    "dev",
    "development",
    "qa",
    "uat",
    "live",
    "preprod",
    "sandbox",
];

/// Is `name` (a directory name) a deployment environment's?
pub fn is_environment_name(name: &str) -> bool {
    ENVIRONMENTS.contains(&name.to_ascii_lowercase().as_str())
}

/// The built-in role of `path` (relative, `/`-separated), from its
/// directories (the outermost one that has a role wins) and then its name.
pub fn default_role(path: &str) -> Role {
    default_role_in(path, &|_| false)
}

/// [`default_role`], where `env_parent(dir)` tells whether the directory
/// `dir` holds environment directories (then a `test` child is one too).
pub fn default_role_in(path: &str, env_parent: &dyn Fn(&str) -> bool) -> Role {
    let mut parts = path.split('/');
    let name = parts.next_back().unwrap_or("");
    let mut end = 0;
    for dir in parts {
        let parent = &path[..end.max(1) - 1];
        end += dir.len() + 1;
        if let Some(r) = dir_role(dir) {
            if r == Role::TestData
                && matches!(dir.to_ascii_lowercase().as_str(), "test" | "testing")
                && env_parent(parent)
            {
                continue;
            }
            return r;
        }
    }
    name_role(name).unwrap_or(Role::Product)
}

/// Files that run as they are, whatever produced them: a CI pipeline that a
/// tool generated is still the pipeline.
fn header_exempt(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    lower.starts_with(".github/")
        || lower.starts_with(".circleci/")
        || lower.starts_with(".gitlab")
        || lower.ends_with("jenkinsfile")
        || lower.contains("azure-pipelines")
        || lower.contains("bitbucket-pipelines")
}

/// Does the head of `text` say the file is generated ("Code generated …
/// DO NOT EDIT", "@generated", "autogenerated")? Only the first 5 lines
/// are read.
pub fn generated_header(text: &str) -> bool {
    text.lines().take(5).any(|line| {
        let l = line.to_ascii_lowercase();
        l.contains("do not edit")
            || l.contains("@generated")
            || l.contains("autogenerated")
            || l.contains("auto-generated")
            || l.contains("automatically generated")
            || (l.contains("code generated") && l.contains("by"))
    })
}

/// `paths:` in `readyctl.yaml`: globs that add to (or, with `!`, take back)
/// the built-in roles.
#[derive(Debug, Default)]
pub struct Roles {
    /// User globs that give a role, in precedence order.
    add: Vec<(Role, GlobSet)>,
    /// User `!globs` that take a built-in role back.
    take_back: Vec<(Role, GlobSet)>,
}

impl Roles {
    /// The built-in roles only.
    pub fn builtin() -> Roles {
        Roles::default()
    }

    /// The built-in roles plus `paths:` of `cfg`; a bad glob is a config
    /// error at its line.
    pub fn from_config(cfg: &LoadedConfig) -> Result<Roles, ConfigError> {
        let p = &cfg.config.paths;
        let file = cfg.file_name();
        let mut roles = Roles::default();
        for (role, globs) in [
            (Role::Vendored, &p.vendored),
            (Role::Generated, &p.generated),
            (Role::TestData, &p.test_data),
            (Role::Examples, &p.examples),
        ] {
            let mut add = globset::GlobSetBuilder::new();
            let mut back = globset::GlobSetBuilder::new();
            let (mut n_add, mut n_back) = (0, 0);
            for g in globs {
                let (neg, pattern) = match g.value.strip_prefix('!') {
                    Some(rest) => (true, rest),
                    None => (false, g.value.as_str()),
                };
                if crate::repo::text::brace_depth(pattern) > crate::repo::text::MAX_GLOB_BRACES {
                    return Err(ConfigError::at(
                        file,
                        g,
                        format!(
                            "paths.{}: a glob nests `{{…}}` deeper than {} levels",
                            role.as_str(),
                            crate::repo::text::MAX_GLOB_BRACES
                        ),
                    ));
                }
                let glob = globset::GlobBuilder::new(pattern.trim_end_matches('/'))
                    .literal_separator(true)
                    .build()
                    .map_err(|e| {
                        ConfigError::at(
                            file,
                            g,
                            format!("paths.{}: invalid glob: {}", role.as_str(), e.kind()),
                        )
                    })?;
                if neg {
                    back.add(glob);
                    n_back += 1;
                } else {
                    add.add(glob);
                    n_add += 1;
                }
            }
            let build = |b: globset::GlobSetBuilder| {
                b.build().map_err(|e| ConfigError {
                    file: file.to_string(),
                    line: None,
                    column: None,
                    message: format!("paths.{}: {e}", role.as_str()),
                })
            };
            if n_add > 0 {
                roles.add.push((role, build(add)?));
            }
            if n_back > 0 {
                roles.take_back.push((role, build(back)?));
            }
        }
        Ok(roles)
    }

    /// The role `path` has by its path alone (user globs first, then the
    /// built-in defaults unless a `!glob` took them back). A glob matches a
    /// file or any of its parent directories.
    pub fn of_path(&self, path: &str, env_parent: &dyn Fn(&str) -> bool) -> Role {
        for (role, set) in &self.add {
            if matches_path_or_parent(set, path) {
                return *role;
            }
        }
        let role = default_role_in(path, env_parent);
        if role != Role::Product
            && self
                .take_back
                .iter()
                .any(|(r, set)| *r == role && matches_path_or_parent(set, path))
        {
            return Role::Product;
        }
        role
    }

    /// May a file that `of_path` calls product be generated by its header?
    pub fn header_applies(&self, path: &str) -> bool {
        !header_exempt(path)
            && !self
                .take_back
                .iter()
                .any(|(r, set)| *r == Role::Generated && matches_path_or_parent(set, path))
    }
}

fn matches_path_or_parent(set: &GlobSet, path: &str) -> bool {
    if set.is_match(path) {
        return true;
    }
    let mut p = path;
    while let Some((parent, _)) = p.rsplit_once('/') {
        if set.is_match(parent) {
            return true;
        }
        p = parent;
    }
    false
}

/// Files per role, for the JSON report's `"roles"` object.
pub type RoleCounts = BTreeMap<String, usize>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults() {
        for (path, role) in [
            ("main.tf", Role::Product),
            ("deploy/k8s/deployment.yaml", Role::Product),
            ("vendor/github.com/x/y/credentials.json", Role::Vendored),
            ("web/node_modules/a/index.js", Role::Vendored),
            ("pkg/testdata/deploy.yaml", Role::TestData),
            ("test/fixtures/main.tf", Role::TestData),
            ("integration-tests/deploy.yaml", Role::TestData),
            ("config/rules.bad.yml", Role::TestData),
            ("pkg/server_test.go", Role::TestData),
            ("examples/complete/main.tf", Role::Examples),
            (".env.example", Role::Examples),
            ("docker-compose.example.yml", Role::Examples),
            ("docs/example-16-compatibility-rules.yml", Role::Examples),
            ("contest/main.tf", Role::Product),
            ("latest/main.tf", Role::Product),
            ("docs/testing.md", Role::Product),
        ] {
            assert_eq!(default_role(path), role, "{path}");
        }
    }

    #[test]
    fn outermost_directory_wins() {
        assert_eq!(default_role("examples/app/vendor/x.go"), Role::Examples);
        assert_eq!(default_role("vendor/x/examples/a.tf"), Role::Vendored);
    }

    #[test]
    fn test_environment_beside_prod_is_product() {
        let env = |d: &str| d == "envs";
        assert_eq!(default_role_in("envs/test/main.tf", &env), Role::Product);
        assert_eq!(
            default_role_in("modules/test/main.tf", &env),
            Role::TestData
        );
        assert_eq!(
            default_role_in("test/main.tf", &|d: &str| d.is_empty()),
            Role::Product
        );
    }

    #[test]
    fn headers() {
        assert!(generated_header(
            "// Code generated by protoc-gen-go. DO NOT EDIT.\n"
        ));
        assert!(generated_header("# @generated by tool\n"));
        assert!(!generated_header(
            "# Deploy the service\nkind: Deployment\n"
        ));
        assert!(!generated_header("a\nb\nc\nd\ne\n# DO NOT EDIT\n"));
        assert!(header_exempt(".github/workflows/release.yml"));
    }
}
