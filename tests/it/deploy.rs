//! `container.*` and `deploy.smoke-test` / `deploy.auto-rollback` on
//! fixture repositories in realistic shapes: pass, fail (at the right
//! file:line) and skip for each id.

use crate::common::{Repo, check_summary};

fn run(repo: &Repo, id: &str) -> (String, String, Vec<(String, u64)>, Vec<String>) {
    check_summary(repo, id)
}

const MULTI_STAGE: &str = "# syntax=docker/dockerfile:1.7
ARG GO_VERSION=1.22.5
FROM --platform=$BUILDPLATFORM golang:${GO_VERSION} AS build
WORKDIR /src
COPY . .
RUN <<EOF
set -e
FROM this-is-script-text
go build -o /out/api ./cmd/api
EOF

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/api /api
ENTRYPOINT [\"/api\"]
";

// ---- container.base-pinned ---------------------------------------------------

#[test]
fn base_pinned_passes_on_a_multi_stage_build_with_an_arg_tag() {
    let r = Repo::plain();
    r.write("Dockerfile", MULTI_STAGE);
    let (status, msg, _, _) = run(&r, "container.base-pinned");
    assert_eq!(status, "pass", "{msg}");
    assert!(msg.contains("2 base images"), "{msg}");
}

#[test]
fn base_pinned_fails_at_the_unpinned_from() {
    let r = Repo::plain();
    r.write(
        "services/api/Dockerfile",
        "ARG BASE=node\nFROM ${BASE} AS deps\nRUN npm ci\n\nFROM deps AS build\nRUN npm run build \\\n  --prod\n\nFROM nginx:latest\nCOPY --from=build /app/dist /usr/share/nginx/html\n",
    );
    r.write(
        "worker/Dockerfile",
        "FROM python:3.12-slim@sha256:0123abcd\nCMD [\"python\"]\n",
    );
    let (status, _, locs, msgs) = run(&r, "container.base-pinned");
    assert_eq!(status, "fail");
    assert_eq!(
        locs,
        vec![
            ("services/api/Dockerfile".to_string(), 2),
            ("services/api/Dockerfile".to_string(), 9)
        ],
        "{msgs:?}"
    );
    assert!(msgs[0].contains("`FROM ${BASE}` (`node`)"), "{msgs:?}");
    assert!(msgs[1].contains("`latest` tag"), "{msgs:?}");
}

#[test]
fn base_pinned_does_not_fail_an_arg_without_default_and_skips_test_images() {
    let r = Repo::plain();
    r.write(
        "Dockerfile",
        "ARG BASE_IMAGE\nFROM ${BASE_IMAGE}\nCMD [\"/app\"]\n",
    );
    let (status, msg, locs, _) = run(&r, "container.base-pinned");
    assert_eq!(status, "skip", "{msg}");
    assert!(msg.contains("ARG BASE_IMAGE has no default"), "{msg}");
    assert!(locs.is_empty());

    let t = Repo::plain();
    t.write("tests/fixtures/Dockerfile", "FROM ubuntu\n");
    t.write(".devcontainer/Dockerfile", "FROM ubuntu\n");
    let (status, msg, _, _) = run(&t, "container.base-pinned");
    assert_eq!(status, "skip", "{msg}");
    let (status, _, _, _) = run(&Repo::plain(), "container.base-pinned");
    assert_eq!(status, "skip");
}

#[test]
fn an_unparsable_dockerfile_is_an_error_naming_its_line() {
    let r = Repo::plain();
    r.write(
        "Dockerfile",
        "FROM alpine:3.20\nRUN <<EOF\necho never closed\n",
    );
    let (status, msg, _, _) = run(&r, "container.base-pinned");
    assert_eq!(status, "error", "{msg}");
    assert!(msg.contains("Dockerfile:"), "{msg}");
}

// ---- container.non-root ------------------------------------------------------

#[test]
fn non_root_passes_on_distroless_nonroot_and_an_inherited_user() {
    let r = Repo::plain();
    r.write("api/Dockerfile", MULTI_STAGE);
    r.write(
        "web/Dockerfile",
        "FROM node:20-alpine AS base\nRUN addgroup -S app && adduser -S -G app app\nUSER app\n\nFROM base\nCOPY . /app\nCMD [\"node\", \"/app/server.js\"]\n",
    );
    let (status, msg, _, _) = run(&r, "container.non-root");
    assert_eq!(status, "pass", "{msg}");
    assert!(msg.contains("nonroot"), "{msg}");
    assert!(msg.contains("`USER app` at line 3"), "{msg}");
}

#[test]
fn non_root_fails_at_the_final_stage_with_a_concrete_user() {
    let r = Repo::plain();
    r.write(
        "Dockerfile",
        "FROM golang:1.22 AS build\nUSER 1000\nRUN go build -o /app .\n\nFROM alpine:3.20\nCOPY --from=build /app /app\nCMD [\"/app\"]\n",
    );
    r.write(
        "admin/Dockerfile",
        "FROM debian:12\nUSER app\nUSER root\nCMD [\"bash\"]\n",
    );
    let (status, _, locs, msgs) = run(&r, "container.non-root");
    assert_eq!(status, "fail");
    assert_eq!(
        locs,
        vec![
            ("Dockerfile".to_string(), 5),
            ("admin/Dockerfile".to_string(), 3)
        ]
    );
    assert!(
        msgs[0].contains("adduser -S -G app app") && msgs[0].contains("USER app"),
        "{msgs:?}"
    );
    assert!(msgs[1].contains("`USER root`"), "{msgs:?}");
}

#[test]
fn non_root_counts_the_workloads_run_as_non_root() {
    let r = Repo::plain();
    r.write(
        "src/frontend/Dockerfile",
        "FROM python:3.12-slim\nCMD [\"python\", \"app.py\"]\n",
    );
    r.write(
        "k8s/frontend.yaml",
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: frontend\nspec:\n  selector:\n    matchLabels: {app: frontend}\n  template:\n    metadata:\n      labels: {app: frontend}\n    spec:\n      securityContext:\n        runAsNonRoot: true\n        runAsUser: 1000\n      containers:\n        - name: server\n          image: ghcr.io/acme/frontend:1.4.2\n",
    );
    let (status, msg, _, _) = run(&r, "container.non-root");
    assert_eq!(status, "pass", "{msg}");
    assert!(msg.contains("Deployment frontend"), "{msg}");
}

#[test]
fn non_root_skips_artifact_exports_and_repos_without_dockerfiles() {
    let r = Repo::plain();
    r.write(
        "Dockerfile",
        "FROM golang:1.22 AS build\nRUN go build -o /out/tool .\nFROM scratch\nCOPY --from=build /out/tool /\n",
    );
    let (status, msg, _, _) = run(&r, "container.non-root");
    assert_eq!(status, "skip", "{msg}");
    let (status, _, _, _) = run(&Repo::plain(), "container.non-root");
    assert_eq!(status, "skip");
}

// ---- deploy.smoke-test ---------------------------------------------------------

const GITLAB_SMOKE: &str = "stages: [build, deploy, verify]
build:
  stage: build
  script:
    - docker build -t $IMAGE .
deploy:
  stage: deploy
  script:
    - helm upgrade --install api ./chart --atomic --wait
smoke:
  stage: verify
  script:
    - curl --fail --retry 5 https://api.example.com/healthz
";

#[test]
fn smoke_test_passes_on_gitlab_smoke_in_a_later_stage() {
    let r = Repo::plain();
    r.write(".gitlab-ci.yml", GITLAB_SMOKE);
    let (status, msg, _, _) = run(&r, "deploy.smoke-test");
    assert_eq!(status, "pass", "{msg}");
    assert!(msg.contains("job `smoke`"), "{msg}");
}

#[test]
fn smoke_test_in_the_same_stage_is_not_after_the_deploy() {
    let r = Repo::plain();
    r.write(
        ".gitlab-ci.yml",
        GITLAB_SMOKE.replace("stage: verify", "stage: deploy"),
    );
    let (status, _, locs, msgs) = run(&r, "deploy.smoke-test");
    assert_eq!(status, "fail", "{msgs:?}");
    assert_eq!(locs, vec![(".gitlab-ci.yml".to_string(), 9)]);
}

const GITHUB_DEPLOY: &str = "name: deploy
on:
  push:
    branches: [main]
permissions:
  contents: read
jobs:
  deploy:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683
      - name: Deploy
        run: |
          kubectl apply -k overlays/production
      - name: Roll back
        if: failure()
        run: kubectl rollout undo deployment/api -n prod
  verify:
    needs: deploy
    runs-on: ubuntu-latest
    steps:
      - run: kubectl rollout status deployment/api -n prod --timeout=120s
";

#[test]
fn smoke_test_passes_on_a_github_job_that_needs_the_deploy() {
    let r = Repo::plain();
    r.write(".github/workflows/deploy.yml", GITHUB_DEPLOY);
    let (status, msg, _, _) = run(&r, "deploy.smoke-test");
    assert_eq!(status, "pass", "{msg}");
    assert!(msg.contains("job `verify`"), "{msg}");
}

#[test]
fn smoke_test_fails_at_the_deploy_command_without_verification() {
    let r = Repo::plain();
    // The `verify` job does not need `deploy`: it runs beside it. A step
    // that runs only on failure verifies nothing.
    let wf = GITHUB_DEPLOY.replace("    needs: deploy\n", "");
    r.write(".github/workflows/deploy.yml", &wf);
    let (status, _, locs, msgs) = run(&r, "deploy.smoke-test");
    assert_eq!(status, "fail", "{msgs:?}");
    assert_eq!(locs, vec![(".github/workflows/deploy.yml".to_string(), 14)]);
    assert!(
        msgs[0].contains("kubectl apply -k overlays/production"),
        "{msgs:?}"
    );
}

#[test]
fn smoke_test_skips_without_a_deploying_job() {
    let r = Repo::plain();
    // kind: a throwaway cluster, so this `helm install` is an e2e test.
    r.write(
        ".github/workflows/e2e.yml",
        "on: [pull_request]\njobs:\n  e2e:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: helm/kind-action@a1b0e391336a6ee6713a0583f8c6240d70863de3\n      - run: helm install api ./chart --wait\n      - run: helm template ./chart\n",
    );
    let (status, msg, _, _) = run(&r, "deploy.smoke-test");
    assert_eq!(status, "skip", "{msg}");
    let (status, _, _, _) = run(&Repo::plain(), "deploy.smoke-test");
    assert_eq!(status, "skip");
}

// ---- deploy.auto-rollback ------------------------------------------------------

#[test]
fn auto_rollback_passes_on_helm_atomic_and_a_failure_step() {
    let r = Repo::plain();
    r.write(".gitlab-ci.yml", GITLAB_SMOKE);
    r.write(".github/workflows/deploy.yml", GITHUB_DEPLOY);
    let (status, msg, _, _) = run(&r, "deploy.auto-rollback");
    assert_eq!(status, "pass", "{msg}");
    assert!(msg.contains("rolls back by itself"), "{msg}");
    assert!(msg.contains("kubectl rollout undo"), "{msg}");
}

const ECS: &str = r#"resource "aws_ecs_service" "api" {
  name            = "api"
  cluster         = aws_ecs_cluster.main.id
  task_definition = aws_ecs_task_definition.api.arn
  desired_count   = 3

  deployment_circuit_breaker {
    enable   = true
    rollback = true
  }
}
"#;

#[test]
fn auto_rollback_passes_on_an_ecs_service_with_a_circuit_breaker() {
    let r = Repo::plain();
    r.write("infra/ecs.tf", ECS);
    r.write(
        ".github/workflows/deploy.yml",
        "on: push\njobs:\n  deploy:\n    runs-on: ubuntu-latest\n    steps:\n      - run: aws ecs update-service --cluster prod --service api --force-new-deployment\n      - run: aws ecs wait services-stable --cluster prod --services api\n",
    );
    let (status, msg, _, _) = run(&r, "deploy.auto-rollback");
    assert_eq!(status, "pass", "{msg}");
    assert!(
        msg.contains("aws_ecs_service.api: circuit breaker with rollback"),
        "{msg}"
    );
    let (status, msg, _, _) = run(&r, "deploy.smoke-test");
    assert_eq!(status, "pass", "{msg}");
}

#[test]
fn auto_rollback_fails_at_the_ecs_service_and_the_helm_upgrade() {
    let r = Repo::plain();
    r.write(
        "infra/ecs.tf",
        ECS.replace("rollback = true", "rollback = false"),
    );
    r.write(
        "infra/codedeploy.tf",
        "resource \"aws_codedeploy_deployment_group\" \"web\" {\n  app_name              = \"web\"\n  deployment_group_name = \"web\"\n  service_role_arn      = aws_iam_role.cd.arn\n}\n",
    );
    r.write(
        ".gitlab-ci.yml",
        "deploy:\n  stage: deploy\n  script:\n    - helm upgrade --install api ./chart --wait\n",
    );
    let (status, _, locs, msgs) = run(&r, "deploy.auto-rollback");
    assert_eq!(status, "fail", "{msgs:?}");
    assert_eq!(
        locs,
        vec![
            ("infra/codedeploy.tf".to_string(), 1),
            ("infra/ecs.tf".to_string(), 1),
            (".gitlab-ci.yml".to_string(), 4),
        ],
        "{msgs:?}"
    );
    assert!(msgs[2].contains("--atomic"), "{msgs:?}");
}

#[test]
fn auto_rollback_reads_argo_rollouts_analysis() {
    let r = Repo::plain();
    let rollout = "apiVersion: argoproj.io/v1alpha1\nkind: Rollout\nmetadata:\n  name: api\nspec:\n  replicas: 3\n  selector:\n    matchLabels: {app: api}\n  template:\n    metadata:\n      labels: {app: api}\n    spec:\n      containers:\n        - name: api\n          image: ghcr.io/acme/api:1.2.3\n  strategy:\n    canary:\n      analysis:\n        templates:\n          - templateName: success-rate\n      steps:\n        - setWeight: 20\n        - pause: {duration: 5m}\n";
    r.write("k8s/rollout.yaml", rollout);
    let (status, msg, _, _) = run(&r, "deploy.auto-rollback");
    assert_eq!(status, "pass", "{msg}");
    assert!(msg.contains("Argo Rollouts analysis"), "{msg}");

    let plain = Repo::plain();
    plain.write(
        "k8s/rollout.yaml",
        rollout.replace(
            "      analysis:\n        templates:\n          - templateName: success-rate\n",
            "",
        ),
    );
    let (status, _, locs, _) = run(&plain, "deploy.auto-rollback");
    assert_eq!(status, "fail");
    assert_eq!(locs, vec![("k8s/rollout.yaml".to_string(), 2)]);
}

#[test]
fn auto_rollback_skips_without_anything_deployable() {
    let r = Repo::plain();
    r.write(
        "main.tf",
        "resource \"aws_s3_bucket\" \"b\" {\n  bucket = \"b\"\n}\n",
    );
    r.write(
        ".github/workflows/ci.yml",
        "on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - run: cargo test\n      - run: terraform apply -auto-approve\n",
    );
    let (status, msg, _, _) = run(&r, "deploy.auto-rollback");
    assert_eq!(status, "skip", "{msg}");
}

// ---- the CI scaffold -----------------------------------------------------------

#[test]
fn a_new_ci_scaffold_invents_no_deploy_and_an_existing_deploy_gets_a_smoke_test() {
    // A fresh pipeline has no deploy job (no `./deploy.sh` placeholder), so
    // the deploy checks have nothing to judge.
    for provider in ["github", "gitlab"] {
        let r = Repo::plain();
        r.write("package.json", "{\"name\": \"storefront\"}\n");
        let out = r.readyctl(&["scaffold", "ci", "--provider", provider]);
        assert_eq!(out.code, 0, "{}", out.stderr);
        for id in ["deploy.smoke-test", "deploy.auto-rollback"] {
            let (status, msg, _, _) = run(&r, id);
            assert_eq!(status, "skip", "{provider} {id}: {msg}");
        }
    }
    // An existing workflow that deploys without verifying gets a smoke-test
    // job after its deploy job, and deploy.smoke-test passes.
    let r = Repo::plain();
    r.write(
        ".github/workflows/deploy.yml",
        "name: deploy\non:\n  push:\n    branches: [main]\njobs:\n  deploy:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - run: helm upgrade --install api ./chart --atomic\n",
    );
    let (status, _, findings, _) = run(&r, "deploy.smoke-test");
    assert_eq!(status, "fail");
    assert_eq!(findings[0].0, ".github/workflows/deploy.yml");
    let out = r.readyctl(&["scaffold", "ci"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let wf = r.read(".github/workflows/deploy.yml");
    assert!(
        wf.contains("helm upgrade --install api ./chart --atomic"),
        "{wf}"
    );
    assert!(!r.path().join(".github/workflows/ci.yml").exists());
    let (status, msg, _, msgs) = run(&r, "deploy.smoke-test");
    assert_eq!(status, "pass", "{msg} {msgs:?}\n{wf}");
}

#[test]
fn source_code_named_after_dockerfiles_is_not_a_dockerfile() {
    // readyctl's own `src/dockerfile.rs` (found by the dogfood run in CI):
    // a Rust file is not a Dockerfile, so there is nothing to judge.
    let r = Repo::plain();
    r.write(
        "src/dockerfile.rs",
        "//! Dockerfiles parsed once per run.\npub fn f() {}\n",
    );
    r.write("docs/Dockerfile.md", "# How we build images\n");
    for id in ["container.base-pinned", "container.non-root"] {
        let (status, msg, _, _) = run(&r, id);
        assert_eq!(status, "skip", "{id}: {msg}");
    }
}
