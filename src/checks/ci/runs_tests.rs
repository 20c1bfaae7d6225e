//! `ci.runs-tests`: some CI job runs a test or validate command.

use std::sync::LazyLock;

use regex::Regex;

use crate::check::{Check, CheckMeta, Context, Outcome};
use crate::findings::Severity;
use crate::views::ci::{self, CiModel};

const EXPLAIN: &str = r#"
## What it checks
That some CI job runs a recognised test or validation command: `cargo test`,
`cargo nextest`, `go test`, `npm|yarn|pnpm|bun test`, `jest`, `vitest`,
`pytest`, `tox`, `nox`, `mvn test|verify`, `gradle test|check`,
`make test|check`, `terraform validate|test`, `rspec`, `rake test|spec`,
`dotnet test`, `ctest`, `phpunit`, `mix test`, `swift test`, `bazel test`,
`deno test`, `just test`, or a CircleCI orb's `*/test` job. Commands reached
through GitLab `extends`, GitHub local actions and local reusable workflows
count for the job that uses them.

## Why it matters
A pipeline that builds and deploys without running the tests ships whatever
was pushed. The release gate can only be trusted when the pipeline proves the
code works before it deploys.

## How to fix
Add a test job to your pipeline, or run `readyctl scaffold ci` for a
pipeline with test, scan and release-gate jobs.

## Example
```yaml
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2
      - run: cargo test --locked
```
"#;

pub(super) fn check() -> Box<dyn Check> {
    super::check(
        CheckMeta::define("ci.runs-tests")
            .title("CI runs the tests")
            .severity(Severity::Warning)
            .explain(EXPLAIN)
            .fix("add a CI job that runs your test suite")
            .scaffold("ci")
            .build(),
        run,
    )
}

static TEST: LazyLock<Regex> = LazyLock::new(|| {
    super::re(concat!(
        r"(?i)\bcargo(\s+\+\S+)?\s+(test|nextest|t)\b|cargo-nextest|\bgo\s+test\b|\bgotestsum\b",
        r"|\b(npm|yarn|pnpm|bun)\s+(run\s+)?(test|t)\b|\b(npm|yarn|pnpm)\s+run\s+test:|\bnpx\s+(jest|vitest|mocha|playwright\s+test)\b",
        r"|\b(jest|vitest|mocha)(\s|$)|\bpytest\b|\bpython3?\s+-m\s+(pytest|unittest)\b|\btox\b|\bnox\b",
        r"|\b(mvn|mvnw)\b.*\b(test|verify)\b|\bgradlew?\b.*\b(test|check)\b",
        // A target named test/tests/check, or test-unit, test:e2e, unit-test:
        // not `make check-protos`.
        r"|\b(make|mage|just|task)\b(\s+\S+)*?\s+(test|tests|check|tests?[-_:][\w:-]+|[\w-]+[-_:]tests?)(\s|$)",
        r"|\b(terraform|tofu|terragrunt)\b.*\b(validate|test)\b",
        r"|\brspec\b|\brake\s+(test|spec)\b|\bdotnet\s+test\b|\bctest\b|\bphpunit\b|\bmix\s+test\b",
        r"|\bswift\s+test\b|\bbazel(isk)?\s+test\b|\bdeno\s+test\b",
        r"|^\s*[\w-]+/test\s*$",
    ))
});

/// Does `line` run tests?
pub fn is_test_command(line: &str) -> bool {
    TEST.is_match(line)
}

/// pre-commit hooks that test or validate (`terraform_validate`,
/// `pytest`, `go-unit-tests`, `cargo-test`, `helm-lint` is not).
fn is_test_hook(id: &str) -> bool {
    let id = id.to_ascii_lowercase();
    id.contains("validate") || id.contains("test") || id == "cargo-check"
}

fn run(m: &CiModel, _ctx: &Context) -> Outcome {
    if let Some((job, cmd, line)) = super::find_command(m, is_test_command) {
        return Outcome::pass(format!(
            "job `{}` runs tests ({}:{line})",
            job.name,
            m.command_path(job, cmd)
        ));
    }
    // Tests run as pre-commit hooks (`terraform_validate`, `pytest`).
    if let Some((hook, hook_line)) = m.precommit_hooks.iter().find(|(id, _)| is_test_hook(id))
        && let Some((job, cmd, line)) = super::find_command(m, ci::runs_precommit)
    {
        return Outcome::pass(format!(
            "job `{}` runs pre-commit ({}:{line}), whose hook `{hook}` tests ({}:{hook_line})",
            job.name,
            m.command_path(job, cmd),
            ci::PRECOMMIT_CONFIG
        ));
    }
    let findings =
        super::pipeline_findings(m, "no job in this pipeline runs a test or validate command");
    Outcome::fail("no CI job runs tests", findings)
}

#[cfg(test)]
mod tests {
    use super::is_test_command;

    #[test]
    fn recognises_test_commands() {
        for c in [
            "cargo test --locked",
            "cargo nextest run",
            "go test ./...",
            "npm test",
            "pnpm run test",
            "yarn test",
            "pytest -q",
            "python -m pytest",
            "tox -e py312",
            "./mvnw -B verify",
            "./gradlew check",
            "make test",
            "terraform validate",
            "bundle exec rspec",
            "dotnet test",
            "ctest --output-on-failure",
            "node/test",
            "mage test:unit",
            "make test-integration",
            "just tests",
            "cargo test --verbose --workspace",
        ] {
            assert!(is_test_command(c), "{c}");
        }
        for c in [
            "cargo build --release",
            "npm ci",
            "echo testing",
            "docker build .",
            "make",
            "terraform plan",
            "make check-protos",
            "make testdata-refresh",
        ] {
            assert!(!is_test_command(c), "{c}");
        }
    }
}
