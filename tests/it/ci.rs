//! `ci` tests.

use crate::common::{Repo, check, check_summary, finding_locations, status};

const CI_IDS: &[&str] = &[
    "ci.valid",
    "ci.runs-tests",
    "ci.release-gate",
    "ci.actions-pinned",
    "ci.least-privilege",
    "ci.security-scan",
];

const SHA: &str = "11bd71901bbe5b1630ceea73d27597364c9af683";

fn ci_json(repo: &Repo) -> serde_json::Value {
    repo.check_json(&["--only", "ci.*"]).0
}

fn loc(path: &str, line: u64) -> (String, u64) {
    (path.to_string(), line)
}

/// A workflow shaped like real ones: matrix, reusable workflow, local
/// composite action, gate, scan and a deploy that waits for the gate.
fn good_github(repo: &Repo) {
    repo.write(
        ".github/workflows/ci.yml",
        format!(
            r#"name: CI
on:
  push:
    branches: [main]
  pull_request:
permissions:
  contents: read
concurrency:
  group: ci-${{{{ github.ref }}}}
jobs:
  test:
    strategy:
      matrix:
        os: [ubuntu-latest, macos-latest]
        rust: [stable, beta]
    runs-on: ${{{{ matrix.os }}}}
    steps:
      - uses: actions/checkout@{SHA} # v4.2.2
      - uses: ./.github/actions/setup
      - name: Run cargo test
        run: |
          cargo build --locked
          cargo test --locked
  lint:
    uses: ./.github/workflows/lint.yml
  readiness:
    needs: [test, lint]
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@{SHA}
      - run: readyctl check --format github
  deploy:
    needs: readiness
    if: github.ref == 'refs/heads/main'
    runs-on: ubuntu-latest
    environment: production
    permissions:
      contents: read
      id-token: write
    steps:
      - run: ./scripts/deploy.sh
"#
        ),
    );
    repo.write(
        ".github/workflows/lint.yml",
        format!(
            "on:\n  workflow_call:\npermissions: {{}}\njobs:\n  audit:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@{SHA}\n      - run: cargo deny check advisories\n      - uses: docker://ghcr.io/zizmorcore/zizmor@sha256:0123abcd\n"
        ),
    );
    repo.write(
        ".github/actions/setup/action.yml",
        format!(
            "name: setup\nruns:\n  using: composite\n  steps:\n    - uses: dtolnay/rust-toolchain@{SHA}\n    - run: rustup component add clippy\n      shell: bash\n"
        ),
    );
}

#[test]
fn no_ci_skips_every_check() {
    let repo = Repo::plain();
    repo.write("README.md", "# app\n");
    let r = ci_json(&repo);
    for id in CI_IDS {
        assert_eq!(status(&r, id), "skip", "{id}");
    }
}

#[test]
fn real_shaped_github_workflows_pass_everything() {
    let repo = Repo::plain();
    good_github(&repo);
    let r = ci_json(&repo);
    for id in CI_IDS {
        assert_eq!(status(&r, id), "pass", "{id}: {:#}", check(&r, id));
    }
    assert!(
        check(&r, "ci.security-scan")["message"]
            .as_str()
            .unwrap()
            .contains("job `lint`"),
    );
    // The line of `cargo test` inside the `run: |` block.
    assert!(
        check(&r, "ci.runs-tests")["message"]
            .as_str()
            .unwrap()
            .ends_with("(.github/workflows/ci.yml:23)"),
        "{:#}",
        check(&r, "ci.runs-tests")
    );
}

#[test]
fn yaml_syntax_error_names_file_and_line() {
    let repo = Repo::plain();
    good_github(&repo);
    repo.write(
        ".github/workflows/broken.yml",
        "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps: [\n      - run: x\n",
    );
    let r = ci_json(&repo);
    assert_eq!(status(&r, "ci.valid"), "fail");
    let locs = finding_locations(&r, "ci.valid");
    assert_eq!(locs.len(), 1, "{locs:?}");
    assert_eq!(locs[0].0, ".github/workflows/broken.yml");
    assert!(locs[0].1 >= 5, "{locs:?}");
    assert_eq!(check(&r, "ci.valid")["severity"], "error");
    // The other checks still ran on the good files.
    assert_eq!(status(&r, "ci.runs-tests"), "pass");
}

#[test]
fn github_structure_errors_point_at_the_job() {
    let repo = Repo::plain();
    repo.write(
        ".github/workflows/a.yml",
        "name: a\njobs:\n  build:\n    steps:\n      - run: make\n      - name: nothing\n",
    );
    repo.write(".github/workflows/b.yml", "on: push\n");
    let r = ci_json(&repo);
    assert_eq!(
        finding_locations(&r, "ci.valid"),
        vec![
            loc(".github/workflows/a.yml", 1),
            loc(".github/workflows/a.yml", 3),
            loc(".github/workflows/a.yml", 6),
            loc(".github/workflows/b.yml", 1),
        ]
    );
}

#[test]
fn duplicate_keys_bombs_and_deep_nesting_are_findings() {
    let repo = Repo::plain();
    good_github(&repo);
    repo.write(
        ".github/workflows/dup.yml",
        "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    runs-on: windows-latest\n    steps: [{run: x}]\n",
    );
    let mut bomb = String::from("on: push\na0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 1..40 {
        let p = i - 1;
        bomb.push_str(&format!(
            "a{i}: &a{i} [{}]\n",
            vec![format!("*a{p}"); 10].join(", ")
        ));
    }
    bomb.push_str("jobs: *a39\n");
    repo.write(".github/workflows/bomb.yml", bomb);
    repo.write(
        ".github/workflows/deep.yml",
        format!(
            "on: push\njobs: {}1{}\n",
            "[".repeat(5000),
            "]".repeat(5000)
        ),
    );
    let mut deep_block = String::from("on: push\njobs:\n");
    for i in 1..5000 {
        deep_block.push_str(&" ".repeat(i));
        deep_block.push_str("k:\n");
    }
    repo.write(".github/workflows/deep_block.yml", deep_block);
    let r = ci_json(&repo);
    let locs = finding_locations(&r, "ci.valid");
    let paths: Vec<&str> = locs.iter().map(|(p, _)| p.as_str()).collect();
    assert_eq!(
        paths,
        vec![
            ".github/workflows/bomb.yml",
            ".github/workflows/deep.yml",
            ".github/workflows/deep_block.yml",
            ".github/workflows/dup.yml"
        ],
        "{:#}",
        check(&r, "ci.valid")
    );
    assert!(
        locs.contains(&loc(".github/workflows/dup.yml", 5)),
        "{locs:?}"
    );
    assert!(locs.iter().all(|(_, l)| *l >= 1));
}

#[test]
fn no_test_job_is_reported_at_the_jobs_key() {
    let repo = Repo::plain();
    repo.write(
        ".github/workflows/build.yml",
        "on: push\npermissions: {}\n\njobs:\n  build:\n    name: Run tests\n    runs-on: ubuntu-latest\n    steps:\n      - run: cargo build --release\n",
    );
    let r = ci_json(&repo);
    assert_eq!(status(&r, "ci.runs-tests"), "fail");
    assert_eq!(
        finding_locations(&r, "ci.runs-tests"),
        vec![loc(".github/workflows/build.yml", 4)]
    );
    assert_eq!(check(&r, "ci.runs-tests")["fix"]["scaffold"], "ci");
}

#[test]
fn release_gate_missing_and_ungated_deploy() {
    let repo = Repo::plain();
    repo.write(
        ".github/workflows/ci.yml",
        "on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - run: go test ./...\n",
    );
    let r = ci_json(&repo);
    assert_eq!(status(&r, "ci.release-gate"), "fail");
    assert_eq!(
        finding_locations(&r, "ci.release-gate"),
        vec![loc(".github/workflows/ci.yml", 2)]
    );

    // A gate that runs beside the deploy instead of before it.
    repo.write(
        ".github/workflows/ci.yml",
        "on: push\njobs:\n  gate:\n    runs-on: ubuntu-latest\n    steps:\n      - run: readyctl check\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - run: go build\n  ship-it:\n    needs: build\n    runs-on: ubuntu-latest\n    steps:\n      - run: helm upgrade --install app ./chart\n",
    );
    repo.write(
        ".github/workflows/release.yml",
        "on:\n  push:\n    tags: ['v*']\njobs:\n  publish:\n    runs-on: ubuntu-latest\n    steps:\n      - run: cargo publish\n",
    );
    let r = ci_json(&repo);
    assert_eq!(status(&r, "ci.release-gate"), "fail");
    assert_eq!(
        finding_locations(&r, "ci.release-gate"),
        vec![
            loc(".github/workflows/ci.yml", 11),
            loc(".github/workflows/release.yml", 5)
        ]
    );
}

#[test]
fn unpinned_actions_are_reported_at_their_line() {
    let repo = Repo::plain();
    repo.write(
        ".github/workflows/ci.yml",
        format!(
            "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - uses: ./.github/actions/local\n      - uses: actions/cache@{SHA}\n      - uses: docker://alpine:3.20\n      - uses: docker://alpine@sha256:beef\n  b:\n    uses: acme/workflows/.github/workflows/deploy.yml@main\n"
        ),
    );
    repo.write(
        ".github/actions/local/action.yml",
        "runs:\n  using: composite\n  steps:\n    - uses: actions/setup-node@v4\n",
    );
    let r = ci_json(&repo);
    assert_eq!(status(&r, "ci.actions-pinned"), "fail");
    assert_eq!(
        finding_locations(&r, "ci.actions-pinned"),
        vec![
            loc(".github/actions/local/action.yml", 4),
            loc(".github/workflows/ci.yml", 6),
            loc(".github/workflows/ci.yml", 9),
            loc(".github/workflows/ci.yml", 12),
        ]
    );
    let f = &check(&r, "ci.actions-pinned")["findings"][1];
    assert_eq!(f["column"], 15);
}

#[test]
fn missing_permissions_are_reported_per_job() {
    let repo = Repo::plain();
    repo.write(
        ".github/workflows/ci.yml",
        "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps: [{run: make test}]\n  b:\n    runs-on: ubuntu-latest\n    permissions:\n      contents: read\n    steps: [{run: make}]\n",
    );
    repo.write(
        ".github/workflows/wide.yml",
        "on: push\npermissions: write-all\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps: [{run: make}]\n",
    );
    let r = ci_json(&repo);
    assert_eq!(status(&r, "ci.least-privilege"), "fail");
    assert_eq!(
        finding_locations(&r, "ci.least-privilege"),
        vec![
            loc(".github/workflows/ci.yml", 3),
            loc(".github/workflows/wide.yml", 2)
        ]
    );
}

#[test]
fn github_only_checks_skip_without_github() {
    let repo = Repo::plain();
    repo.write(".gitlab-ci.yml", "test:\n  script:\n    - pytest\n");
    let r = ci_json(&repo);
    assert_eq!(status(&r, "ci.actions-pinned"), "skip");
    assert_eq!(status(&r, "ci.least-privilege"), "skip");
    assert_eq!(status(&r, "ci.runs-tests"), "pass");
}

#[test]
fn security_scan_missing_and_readyctl_does_not_count() {
    let repo = Repo::plain();
    repo.write(
        ".gitlab-ci.yml",
        "stages: [test, gate]\n\ntest:\n  stage: test\n  script:\n    - npm test\ngate:\n  stage: gate\n  script:\n    - readyctl check --only 'secrets.*'\n",
    );
    let r = ci_json(&repo);
    assert_eq!(status(&r, "ci.security-scan"), "fail");
    // No `jobs:` key in GitLab: the finding is at the top of the file.
    assert_eq!(
        finding_locations(&r, "ci.security-scan"),
        vec![loc(".gitlab-ci.yml", 1)]
    );
    assert_eq!(status(&r, "ci.release-gate"), "pass");

    repo.write(
        ".gitlab-ci.yml",
        "include:\n  - template: Security/SAST.gitlab-ci.yml\ntest:\n  script: [npm test]\n",
    );
    let r = ci_json(&repo);
    assert_eq!(
        status(&r, "ci.security-scan"),
        "pass",
        "{:#}",
        check(&r, "ci.security-scan")
    );
}

#[test]
fn gitlab_includes_anchors_extends_and_stage_order() {
    let repo = Repo::plain();
    repo.write(
        ".gitlab-ci.yml",
        r#"stages: [build, test, gate, deploy]
include:
  - local: /ci/test.yml
  - local: ci/deploy/*.yml
  - project: acme/templates
    file: /base.yml

.defaults: &defaults
  image: rust:1.85
  tags: [docker]

build:
  <<: *defaults
  stage: build
  script: cargo build
"#,
    );
    repo.write(
        "ci/test.yml",
        r#".rust-test:
  script:
    - cargo test --workspace
    - cargo deny check

unit:
  extends: .rust-test
  stage: test

gate:
  stage: gate
  script: [readyctl check]
"#,
    );
    repo.write(
        "ci/deploy/prod.yml",
        "deploy-prod:\n  stage: deploy\n  script: ./deploy.sh prod\n",
    );
    let r = ci_json(&repo);
    for id in [
        "ci.valid",
        "ci.runs-tests",
        "ci.security-scan",
        "ci.release-gate",
    ] {
        assert_eq!(status(&r, id), "pass", "{id}: {:#}", check(&r, id));
    }
    assert!(
        check(&r, "ci.runs-tests")["message"]
            .as_str()
            .unwrap()
            .contains("unit"),
    );

    // A deploy job in an earlier stage than the gate, and a DAG job that
    // skips it; an invalid job in an included file.
    repo.write(
        "ci/deploy/prod.yml",
        "deploy-prod:\n  stage: test\n  script: ./deploy.sh prod\n\npublish:\n  stage: deploy\n  needs: [build]\n  script: npm publish\n\nbroken:\n  stage: test\n  image: alpine\n",
    );
    let r = ci_json(&repo);
    assert_eq!(
        finding_locations(&r, "ci.release-gate"),
        vec![loc("ci/deploy/prod.yml", 1), loc("ci/deploy/prod.yml", 5)]
    );
    assert_eq!(
        finding_locations(&r, "ci.valid"),
        vec![loc("ci/deploy/prod.yml", 10)]
    );
}

#[test]
fn other_ci_systems_are_detected_and_read() {
    let repo = Repo::plain();
    repo.write(
        ".circleci/config.yml",
        "version: 2.1\norbs:\n  node: circleci/node@5\njobs:\n  build:\n    docker: [{image: cimg/base:stable}]\n    steps:\n      - checkout\n      - run:\n          name: unit\n          command: make check\nworkflows:\n  main:\n    jobs: [build]\n",
    );
    repo.write(
        "azure-pipelines.yml",
        "trigger: [main]\npool: {vmImage: ubuntu-latest}\nsteps:\n  - script: dotnet test\n",
    );
    repo.write(
        "bitbucket-pipelines.yml",
        "pipelines:\n  default:\n    - step:\n        name: test\n        script:\n          - pip-audit\n",
    );
    repo.write(
        ".buildkite/pipeline.yml",
        "steps:\n  - command: readyctl check\n",
    );
    repo.write(
        ".drone.yml",
        "kind: pipeline\nname: a\nsteps:\n  - name: t\n    image: golang\n    commands: [go vet]\n---\nkind: secret\nname: s\n",
    );
    repo.write(".travis.yml", "language: python\nscript: tox\n");
    repo.write(
        "Jenkinsfile",
        "pipeline {\n  agent any\n  stages {\n    stage('Test') { steps { sh 'mvn -B verify' } }\n  }\n}\n",
    );
    let r = ci_json(&repo);
    for id in [
        "ci.valid",
        "ci.runs-tests",
        "ci.release-gate",
        "ci.security-scan",
    ] {
        assert_eq!(status(&r, id), "pass", "{id}: {:#}", check(&r, id));
    }

    // Each system's structure rule.
    repo.write(
        ".circleci/config.yml",
        "version: 2.1\njobs:\n  build:\n    docker: []\n",
    );
    repo.write("azure-pipelines.yml", "trigger: [main]\n");
    repo.write(
        "bitbucket-pipelines.yml",
        "pipelines:\n  default:\n    - step:\n        name: x\n",
    );
    repo.write(".buildkite/pipeline.yml", "env: {}\n");
    repo.write(".drone.yml", "kind: pipeline\n---\nname: x\n");
    repo.write(".travis.yml", "- a\n");
    repo.write("Jenkinsfile", "echo 'hello'\n");
    let r = ci_json(&repo);
    assert_eq!(
        finding_locations(&r, "ci.valid"),
        vec![
            loc(".buildkite/pipeline.yml", 1),
            loc(".circleci/config.yml", 3),
            loc(".drone.yml", 3),
            loc(".travis.yml", 1),
            loc("Jenkinsfile", 1),
            loc("azure-pipelines.yml", 1),
            loc("bitbucket-pipelines.yml", 3),
        ]
    );
}

#[test]
fn explain_has_every_section() {
    let repo = Repo::plain();
    for id in CI_IDS {
        let out = repo.readyctl(&["explain", id]);
        assert_eq!(out.code, 0, "{id}: {}", out.stderr);
        for section in ["What it checks", "Why it matters", "How to fix", "Example"] {
            assert!(out.stdout.contains(section), "{id} lacks {section}");
        }
    }
}

/// The CI examples shipped in `examples/ci/` pass readyctl's own `ci.*`
/// checks when dropped into a repository.
#[test]
fn shipped_ci_examples_pass_every_ci_check() {
    let root = crate::common::crate_root().join("examples/ci");
    for (src, dest) in [
        (
            "github/release-gate.yml",
            ".github/workflows/release-gate.yml",
        ),
        ("gitlab/.gitlab-ci.yml", ".gitlab-ci.yml"),
    ] {
        let r = Repo::git();
        r.write(dest, std::fs::read_to_string(root.join(src)).unwrap());
        let (v, _) = r.check_json(&["--only", "ci.*"]);
        for c in v["checks"].as_array().unwrap() {
            assert!(
                c["status"] == "pass" || (c["status"] == "skip" && src.starts_with("gitlab")),
                "{src}: {c:#}"
            );
        }
        assert_eq!(status(&v, "ci.release-gate"), "pass", "{src}");
    }
}

// ---- real shapes that misled the ci checks (trust) ------------------------

#[test]
fn cargo_through_a_workflow_env_variable_runs_tests() {
    // ripgrep's shape: `CARGO: cargo` in env, `${{ env.CARGO }} test` in a step.
    let r = Repo::git();
    r.write(
        ".github/workflows/ci.yml",
        "name: ci\non: [push]\nenv:\n  CARGO: cargo\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - run: ${{ env.CARGO }} build --verbose\n      - run: ${{ env.CARGO }} test --verbose --workspace\n",
    );
    r.commit("ci");
    let (s, m, _, _) = check_summary(&r, "ci.runs-tests");
    assert_eq!(s, "pass", "{m}");
    assert!(m.contains(".github/workflows/ci.yml:10"), "{m}");
}

#[test]
fn tests_run_as_pre_commit_hooks_count() {
    // terraform-aws-modules' shape: a pre-commit action and terraform_validate.
    let r = Repo::git();
    r.write(
        ".github/workflows/pre-commit.yml",
        "name: Pre-Commit\non: [pull_request]\njobs:\n  precommit:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - uses: clowdhaus/terraform-composite-actions/pre-commit@v1.11.1\n        with:\n          terraform-version: 1.9.0\n",
    );
    r.write(
        ".pre-commit-config.yaml",
        "repos:\n  - repo: https://github.com/antonbabenko/pre-commit-terraform\n    rev: v1.96.1\n    hooks:\n      - id: terraform_fmt\n      - id: terraform_validate\n",
    );
    r.commit("ci");
    let (s, m, _, _) = check_summary(&r, "ci.runs-tests");
    assert_eq!(s, "pass", "{m}");
    assert!(m.contains("terraform_validate"), "{m}");
    assert!(m.contains(".pre-commit-config.yaml:6"), "{m}");
}

#[test]
fn make_check_protos_is_not_a_test_and_failures_name_one_pipeline() {
    let r = Repo::git();
    for name in ["ci", "release", "docs"] {
        r.write(
            &format!(".github/workflows/{name}.yml"),
            "on: [push]\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - run: make check-protos\n",
        );
    }
    r.commit("ci");
    let (s, m, locs, f) = check_summary(&r, "ci.runs-tests");
    assert_eq!(s, "fail", "{m}");
    assert_eq!(
        locs,
        vec![(".github/workflows/ci.yml".to_string(), 2)],
        "{f:?}"
    );
    assert!(f[0].contains("nor do the 2 other pipeline files"), "{f:?}");
}

#[test]
fn one_finding_per_unpinned_action_and_own_workflows_are_not_third_party() {
    let r = Repo::git();
    r.git_cmd(&["remote", "add", "origin", "https://github.com/acme/svc.git"]);
    r.write(
        ".github/workflows/ci.yml",
        "on: [push]\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - uses: actions/checkout@v4\n  b:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n  c:\n    uses: acme/svc/.github/workflows/reusable.yml@main\n",
    );
    r.commit("ci");
    let (s, m, locs, f) = check_summary(&r, "ci.actions-pinned");
    assert_eq!(s, "fail", "{m}");
    assert_eq!(
        locs,
        vec![(".github/workflows/ci.yml".to_string(), 6)],
        "{f:?}"
    );
    assert!(f[0].contains("(also on lines 7, 11)"), "{f:?}");
}

#[test]
fn deleting_a_codeql_cache_is_not_a_security_scan() {
    // terraform-aws-modules' shape: freeing disk space on the runner.
    let r = Repo::git();
    r.write(
        ".github/workflows/pre-commit.yml",
        "on: [pull_request]\njobs:\n  collect:\n    runs-on: ubuntu-latest\n    steps:\n      - run: |\n          rmz -f /opt/hostedtoolcache/CodeQL &\n          rm -rf /opt/hostedtoolcache/trivy\n          curl -sSfL https://example.com/semgrep/install.sh -o install.sh\n",
    );
    r.commit("ci");
    let (s, m, _, _) = check_summary(&r, "ci.security-scan");
    assert_eq!(s, "fail", "{m}");
    // A scanner that runs passes, cited at its line.
    r.write(
        ".github/workflows/scan.yml",
        "on: [push]\njobs:\n  scan:\n    runs-on: ubuntu-latest\n    steps:\n      - run: docker run --rm aquasec/trivy:0.56.0 fs --exit-code 1 .\n",
    );
    let (s, m, _, _) = check_summary(&r, "ci.security-scan");
    assert_eq!(s, "pass", "{m}");
    assert!(m.contains(".github/workflows/scan.yml:6"), "{m}");
}

#[test]
fn a_step_of_a_called_reusable_workflow_is_cited_in_its_own_file() {
    let r = Repo::git();
    r.write(
        ".github/workflows/ci.yml",
        "on: [push]\njobs:\n  test:\n    uses: ./.github/workflows/test.yml\n",
    );
    r.write(
        ".github/workflows/test.yml",
        "on:\n  workflow_call:\njobs:\n  unit:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - run: make lint\n      - run: make test\n",
    );
    r.commit("ci");
    let (s, m, _, _) = check_summary(&r, "ci.runs-tests");
    assert_eq!(s, "pass", "{m}");
    assert!(m.contains(".github/workflows/test.yml:9"), "{m}");
}

#[test]
fn ci_present_and_the_ci_model_agree_on_what_a_pipeline_is() {
    // Only `.gitlab-ci.yaml` and a Jenkinsfile in a subdirectory: every ci.*
    // check sees the same two pipelines.
    let r = Repo::git();
    r.write(".gitlab-ci.yaml", "test:\n  script:\n    - make test\n");
    r.write(
        "sub/Jenkinsfile",
        "pipeline { agent any\n stages { stage('t') { steps { sh 'make test' } } } }\n",
    );
    r.commit("ci");
    let (v, _) = r.check_json(&["--only", "ci.*"]);
    assert_eq!(
        status(&v, "ci.present"),
        "pass",
        "{:#}",
        check(&v, "ci.present")
    );
    assert_eq!(status(&v, "ci.valid"), "pass");
    assert_eq!(status(&v, "ci.runs-tests"), "pass");
    // Every name the CI model classifies as a pipeline satisfies ci.present,
    // and a composite action alone does not.
    for path in [
        ".github/workflows/a.yaml",
        ".circleci/config.yaml",
        "azure-pipelines.yaml",
        "bitbucket-pipelines.yaml",
        ".buildkite/pipeline.yaml",
        ".drone.yaml",
        ".travis.yaml",
        "deploy/Jenkinsfile.release",
    ] {
        let one = Repo::git();
        one.write(path, "steps: []\n");
        one.commit("ci");
        let (v, _) = one.check_json(&["--only", "ci.present"]);
        assert_eq!(status(&v, "ci.present"), "pass", "{path}");
    }
    let action = Repo::git();
    action.write(
        ".github/actions/setup/action.yml",
        "runs:\n  using: composite\n  steps: []\n",
    );
    action.commit("action");
    let (v, _) = action.check_json(&["--only", "ci.present"]);
    assert_eq!(status(&v, "ci.present"), "fail");
}
