//! Declarative checks (`.readyctl/checks/*.yaml`, built-in `checks/*.yaml`):
//! every rule kind and combinator, load errors, first-class treatment in
//! list/explain/reports/checklist/config, `new-check`, and the examples.

use crate::common::*;

/// A check file with `id`, `severity` and a `rule:` body (indented by the caller
/// at two spaces).
fn check_yaml(id: &str, severity: &str, rule: &str) -> String {
    format!(
        "id: {id}\ntitle: Test check {id}\nseverity: {severity}\nexplain:\n  what: w\n  why: y\n  fix: f\n  example: e\nrule:\n{rule}"
    )
}

/// A repo with one custom check `t.rule` and the files in `files`.
fn repo_with(rule: &str, files: &[(&str, &str)]) -> Repo {
    let r = Repo::plain();
    r.write(
        ".readyctl/checks/t.yaml",
        check_yaml("t.rule", "error", rule),
    );
    for (p, c) in files {
        r.write(p, c);
    }
    r
}

/// Run only `t.rule`; return (status, findings as (path, line)).
fn run_rule(r: &Repo) -> (String, Vec<(String, u64)>, serde_json::Value) {
    let (report, _) = r.check_json(&["--only", "t.rule"]);
    let st = status(&report, "t.rule");
    let locs = finding_locations(&report, "t.rule");
    let c = check(&report, "t.rule").clone();
    (st, locs, c)
}

fn loc(p: &str, l: u64) -> (String, u64) {
    (p.to_string(), l)
}

// ---------------------------------------------------------------- file rules

#[test]
fn file_exists_pass_fail_and_exclude() {
    let rule = "  file_exists:\n    files: [\"**/*.tf\"]\n    exclude: [\"**/.terraform/**\"]\n";
    let r = repo_with(rule, &[("infra/main.tf", "# x\n")]);
    assert_eq!(run_rule(&r).0, "pass");

    let r = repo_with(rule, &[(".terraform/modules/m/main.tf", "# x\n")]);
    let (st, locs, c) = run_rule(&r);
    assert_eq!(st, "fail", "{c:#}");
    assert!(locs.is_empty(), "{c:#}");
    assert!(
        c["message"].as_str().unwrap().contains("no file matches"),
        "{c:#}"
    );
}

#[test]
fn file_absent_names_each_file() {
    let rule = "  file_absent:\n    files: [\"**/*.pem\"]\n    exclude: [\"testdata/**\"]\n";
    let r = repo_with(rule, &[("testdata/k.pem", "x"), ("README.md", "x")]);
    assert_eq!(run_rule(&r).0, "pass");
    let r = repo_with(rule, &[("a/k.pem", "x"), ("b.pem", "x")]);
    let (st, locs, _) = run_rule(&r);
    assert_eq!(st, "fail");
    assert_eq!(locs, vec![loc("a/k.pem", 0), loc("b.pem", 0)]);
}

#[test]
fn check_files_are_not_subjects_of_rules() {
    let rule = "  file_lacks:\n    files: [\"**/*.yaml\"]\n    regex: 'hunter2'\n";
    let r = repo_with(rule, &[("app.yaml", "a: 1\n")]);
    assert_eq!(run_rule(&r).0, "pass");
}

#[test]
fn file_contains_every_file_must_match() {
    let rule =
        "  file_contains:\n    files: [\"services/*/Dockerfile\"]\n    regex: '^HEALTHCHECK '\n";
    let ok = "FROM x\nHEALTHCHECK CMD true\n";
    let r = repo_with(
        rule,
        &[("services/a/Dockerfile", ok), ("services/b/Dockerfile", ok)],
    );
    assert_eq!(run_rule(&r).0, "pass");
    let r = repo_with(
        rule,
        &[
            ("services/a/Dockerfile", ok),
            ("services/b/Dockerfile", "FROM x\n# HEALTHCHECK later\n"),
        ],
    );
    let (st, locs, _) = run_rule(&r);
    assert_eq!(st, "fail");
    assert_eq!(locs, vec![loc("services/b/Dockerfile", 0)]);
}

#[test]
fn file_contains_with_no_file_fails_unless_allowed() {
    let rule = "  file_contains:\n    files: [CODEOWNERS]\n    regex: '@'\n";
    let r = repo_with(rule, &[]);
    assert_eq!(run_rule(&r).0, "fail");
    let rule = "  file_contains:\n    files: [CODEOWNERS]\n    regex: '@'\n    allow_none: true\n";
    let r = repo_with(rule, &[]);
    assert_eq!(run_rule(&r).0, "pass");
}

#[test]
fn file_lacks_reports_every_matching_line_with_column() {
    let rule = "  file_lacks:\n    files: [\"**/*.py\"]\n    regex: 'verify\\s*=\\s*False'\n";
    let r = repo_with(rule, &[("app.py", "import requests\nrequests.get(u)\n")]);
    assert_eq!(run_rule(&r).0, "pass");
    let r = repo_with(
        rule,
        &[
            (
                "app.py",
                "import requests\nrequests.get(u, verify=False)\nx = 1\n",
            ),
            ("lib/b.py", "verify = False\n"),
        ],
    );
    let (st, locs, c) = run_rule(&r);
    assert_eq!(st, "fail");
    assert_eq!(locs, vec![loc("app.py", 2), loc("lib/b.py", 1)]);
    assert_eq!(c["findings"][0]["column"], 17, "{c:#}");
}

#[test]
fn markdown_section_needs_steps() {
    let rule = "  markdown_section:\n    files: [\"docs/**/*.md\"]\n    heading: 'on-?call'\n    min_steps: 2\n";
    let r = repo_with(
        rule,
        &[(
            "docs/ops.md",
            "# Ops\n\n## On-call\n\n- page @alice\n- then @bob\n",
        )],
    );
    assert_eq!(run_rule(&r).0, "pass");
    let r = repo_with(
        rule,
        &[(
            "docs/ops.md",
            "# Ops\n\nintro\n\n## Oncall\n\nAsk around.\n\n- one step\n",
        )],
    );
    let (st, locs, _) = run_rule(&r);
    assert_eq!(st, "fail");
    assert_eq!(locs, vec![loc("docs/ops.md", 5)]);
    // No heading at all, and no file at all.
    let r = repo_with(rule, &[("docs/ops.md", "# Ops\n")]);
    assert_eq!(run_rule(&r).0, "fail");
    let r = repo_with(rule, &[("README.md", "## On-call\n- a\n- b\n")]);
    assert_eq!(run_rule(&r).0, "fail");
}

// ---------------------------------------------------------------- yaml_path

const DEPLOY_OK: &str = "apiVersion: v1
kind: Service
metadata: {name: api}
---
apiVersion: apps/v1
kind: Deployment
spec:
  template:
    spec:
      containers:
        - name: api
          resources:
            limits: {memory: 256Mi}
        - name: sidecar
          resources:
            limits:
              memory: 64Mi
";

const DEPLOY_BAD: &str = "apiVersion: apps/v1
kind: Deployment
spec:
  template:
    spec:
      containers:
        - name: api
          resources:
            limits: {memory: 256Mi}
        - name: sidecar
          image: x
---
kind: Deployment
spec:
  template:
    spec:
      containers:
        - name: worker
          resources:
            requests: {cpu: 1}
";

#[test]
fn yaml_path_exists_under_wildcard_multi_document() {
    let rule = "  yaml_path:\n    files: [\"deploy/*.yaml\"]\n    path: spec.template.spec.containers[*].resources.limits\n";
    let r = repo_with(rule, &[("deploy/api.yaml", DEPLOY_OK)]);
    let (st, _, c) = run_rule(&r);
    assert_eq!(st, "pass", "{c:#}");
    let r = repo_with(rule, &[("deploy/api.yaml", DEPLOY_BAD)]);
    let (st, locs, c) = run_rule(&r);
    assert_eq!(st, "fail", "{c:#}");
    // The sidecar (line 10) and the worker (second document, line 18).
    assert_eq!(
        locs,
        vec![loc("deploy/api.yaml", 10), loc("deploy/api.yaml", 18)],
        "{c:#}"
    );
}

#[test]
fn yaml_path_equals_matches_and_absent() {
    let file = "spec:\n  replicas: 1\n  image: nginx:latest\n  hostNetwork: true\n";
    let run = |rule: &str| {
        let r = repo_with(rule, &[("k8s/a.yaml", file)]);
        run_rule(&r)
    };
    let (st, locs, _) =
        run("  yaml_path:\n    files: [\"k8s/*.yaml\"]\n    path: spec.replicas\n    equals: 3\n");
    assert_eq!(st, "fail");
    assert_eq!(locs, vec![loc("k8s/a.yaml", 2)]);
    let (st, _, _) =
        run("  yaml_path:\n    files: [\"k8s/*.yaml\"]\n    path: spec.replicas\n    equals: 1\n");
    assert_eq!(st, "pass");
    let (st, locs, _) = run(
        "  yaml_path:\n    files: [\"k8s/*.yaml\"]\n    path: spec.image\n    matches: ':[0-9]+\\.[0-9]+'\n",
    );
    assert_eq!(st, "fail");
    assert_eq!(locs, vec![loc("k8s/a.yaml", 3)]);
    let (st, locs, _) = run(
        "  yaml_path:\n    files: [\"k8s/*.yaml\"]\n    path: spec.hostNetwork\n    exists: false\n",
    );
    assert_eq!(st, "fail");
    assert_eq!(locs, vec![loc("k8s/a.yaml", 4)]);
    let (st, _, _) = run(
        "  yaml_path:\n    files: [\"k8s/*.yaml\"]\n    path: spec.privileged\n    exists: false\n",
    );
    assert_eq!(st, "pass");
}

#[test]
fn yaml_path_unparseable_file_is_a_finding_with_its_line() {
    let rule = "  yaml_path:\n    files: [\"k8s/*.yaml\"]\n    path: a\n";
    let r = repo_with(rule, &[("k8s/bad.yaml", "a: 1\nb: [unclosed\nc: 2\n")]);
    let (st, locs, c) = run_rule(&r);
    assert_eq!(st, "fail", "{c:#}");
    assert_eq!(locs.len(), 1, "{c:#}");
    assert_eq!(locs[0].0, "k8s/bad.yaml");
    assert!(locs[0].1 >= 2, "{c:#}");
}

// ---------------------------------------------------------------- hcl

const TF: &str = r#"terraform {
  required_version = ">= 1.6"
}

resource "aws_s3_bucket" "logs" {
  bucket = "logs"
  tags = { team = "ops" }
}

resource "aws_s3_bucket" "data" {
  bucket = "data"
}

resource "aws_instance" "web" {
  instance_type = "t3.micro"
}
"#;

#[test]
fn hcl_attribute_exists_with_labels() {
    let rule = "  hcl:\n    block: resource\n    labels: [aws_s3_bucket]\n    attribute: tags\n";
    let r = repo_with(rule, &[("infra/main.tf", TF)]);
    let (st, locs, c) = run_rule(&r);
    assert_eq!(st, "fail", "{c:#}");
    assert_eq!(locs, vec![loc("infra/main.tf", 10)]);
    let fixed = TF.replace("bucket = \"data\"", "bucket = \"data\"\n  tags = {}");
    let r = repo_with(rule, &[("infra/main.tf", &fixed)]);
    assert_eq!(run_rule(&r).0, "pass");
}

#[test]
fn hcl_equals_matches_block_and_absent() {
    let run = |rule: &str| run_rule(&repo_with(rule, &[("main.tf", TF)]));
    let (st, locs, _) = run(
        "  hcl:\n    block: resource\n    labels: [aws_instance, \"*\"]\n    attribute: instance_type\n    equals: t3.large\n",
    );
    assert_eq!(st, "fail");
    assert_eq!(locs, vec![loc("main.tf", 15)]);
    let (st, _, _) = run(
        "  hcl:\n    block: terraform\n    attribute: required_version\n    matches: '>=\\s*1\\.'\n",
    );
    assert_eq!(st, "pass");
    let (st, _, _) = run("  hcl:\n    block: terraform.backend\n");
    assert_eq!(st, "fail");
    let (st, locs, _) =
        run("  hcl:\n    block: resource\n    labels: [aws_instance]\n    exists: false\n");
    assert_eq!(st, "fail");
    assert_eq!(locs, vec![loc("main.tf", 14)]);
    // Default files: **/*.tf outside .terraform/.
    let r = repo_with(
        "  hcl:\n    block: terraform\n    attribute: required_version\n",
        &[
            (".terraform/modules/x/main.tf", "module {}\n"),
            ("main.tf", TF),
        ],
    );
    assert_eq!(run_rule(&r).0, "pass");
}

#[test]
fn hcl_parse_error_names_its_line() {
    let rule = "  hcl:\n    block: terraform\n";
    let r = repo_with(rule, &[("main.tf", "terraform {\n  x = \n}\n")]);
    let (st, locs, c) = run_rule(&r);
    assert_eq!(st, "fail", "{c:#}");
    assert_eq!(locs[0].0, "main.tf");
    assert!(locs[0].1 >= 2, "{c:#}");
}

#[test]
fn hcl_rules_read_terraform_json_like_hcl() {
    // The same rule on the JSON syntax: blocks, labels, nested blocks
    // (objects in JSON) and values, at the line of their key.
    let json = r#"{
  "terraform": {
    "required_version": ">= 1.6",
    "backend": { "s3": { "bucket": "state" } }
  },
  "resource": {
    "aws_instance": {
      "web": {
        "instance_type": "t3.micro",
        "count": 2,
        "lifecycle": { "prevent_destroy": true }
      }
    }
  }
}
"#;
    let run = |rule: &str| run_rule(&repo_with(rule, &[("main.tf.json", json)]));
    let (st, locs, c) = run(
        "  hcl:\n    files: [\"**/*.tf.json\"]\n    block: resource\n    labels: [aws_instance, \"*\"]\n    attribute: instance_type\n    equals: t3.large\n",
    );
    assert_eq!(st, "fail", "{c:#}");
    assert_eq!(locs, vec![loc("main.tf.json", 9)]);
    let (st, _, c) = run(
        "  hcl:\n    files: [\"**/*.tf.json\"]\n    block: resource\n    labels: [aws_instance]\n    attribute: count\n    equals: \"2\"\n",
    );
    assert_eq!(st, "pass", "{c:#}");
    let (st, _, c) = run(
        "  hcl:\n    files: [\"**/*.tf.json\"]\n    block: resource\n    attribute: lifecycle.prevent_destroy\n    equals: \"true\"\n",
    );
    assert_eq!(st, "pass", "{c:#}");
    let (st, _, c) = run("  hcl:\n    files: [\"**/*.tf.json\"]\n    block: terraform.backend\n");
    assert_eq!(st, "pass", "{c:#}");
}

#[test]
fn hcl_rules_refuse_deep_nesting_at_its_line() {
    // The Terraform model's nesting guard applies to declarative rules too.
    let deep = format!(
        "terraform {{}}\nlocals {{\n  x = {}1{}\n}}\n",
        "[".repeat(200),
        "]".repeat(200)
    );
    let r = repo_with("  hcl:\n    block: terraform\n", &[("main.tf", &deep)]);
    let (st, locs, c) = run_rule(&r);
    assert_eq!(st, "fail", "{c:#}");
    assert_eq!(locs, vec![loc("main.tf", 3)], "{c:#}");
    assert!(c.to_string().contains("nesting deeper than"), "{c:#}");
}

// ---------------------------------------------------------------- combinators

#[test]
fn all_any_not() {
    let files: &[(&str, &str)] = &[("SECURITY.md", "x"), ("app.py", "verify=False\n")];
    let all = "  all:\n    - file_exists: {files: [SECURITY.md]}\n    - file_lacks: {files: [\"*.py\"], regex: 'verify=False'}\n";
    let (st, locs, _) = run_rule(&repo_with(all, files));
    assert_eq!(st, "fail");
    assert_eq!(locs, vec![loc("app.py", 1)]);
    let all_ok = "  all:\n    - file_exists: {files: [SECURITY.md]}\n    - file_exists: {files: [\"*.py\"]}\n";
    assert_eq!(run_rule(&repo_with(all_ok, files)).0, "pass");

    let any = "  any:\n    - file_exists: {files: [.github/SECURITY.md]}\n    - file_exists: {files: [SECURITY.md]}\n";
    assert_eq!(run_rule(&repo_with(any, files)).0, "pass");
    let any_bad = "  any:\n    - file_exists: {files: [.github/SECURITY.md]}\n    - file_lacks: {files: [\"*.py\"], regex: 'verify=False'}\n";
    let (st, locs, _) = run_rule(&repo_with(any_bad, files));
    assert_eq!(st, "fail");
    assert!(locs.contains(&loc("app.py", 1)), "{locs:?}");

    let not = "  not:\n    file_exists: {files: [\"*.py\"]}\n";
    assert_eq!(run_rule(&repo_with(not, files)).0, "fail");
    let not_ok = "  not:\n    file_exists: {files: [\"*.go\"]}\n";
    assert_eq!(run_rule(&repo_with(not_ok, files)).0, "pass");
}

// ---------------------------------------------------------------- http

/// A local HTTP server on 127.0.0.1: `/healthz` answers 200 "ok",
/// `/broken` answers 500. Returns the base URL; the server lives as long as
/// the test process.
fn serve() -> String {
    use axum::{Router, http::StatusCode, routing::get};
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async move {
            let app = Router::new()
                .route("/healthz", get(|| async { "ok" }))
                .route(
                    "/broken",
                    get(|| async { (StatusCode::INTERNAL_SERVER_ERROR, "down") }),
                );
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            tx.send(listener.local_addr().unwrap()).unwrap();
            axum::serve(listener, app).await.unwrap();
        });
    });
    format!("http://{}", rx.recv().unwrap())
}

#[test]
fn http_rule_is_skipped_offline() {
    let rule = "  http:\n    name: staging\n    url: http://127.0.0.1:9/healthz\n";
    let (st, _, c) = run_rule(&repo_with(rule, &[]));
    assert_eq!(st, "skip", "{c:#}");
}

/// Needs the HTTP probe engine (`probe::probe_all`), developed on another
/// branch; on a build without it every probe reports a failure.
#[test]
fn http_rule_probes_a_real_server() {
    let base = serve();
    let bad =
        format!("  http:\n    name: staging\n    url: {base}/broken\n    expect_status: 200\n");
    let r = repo_with(&bad, &[]);
    let out = r.readyctl(&[
        "check",
        "--format",
        "json",
        "--no-progress",
        "--only",
        "t.rule",
    ]);
    assert_eq!(out.code, 1, "{out:?}");
    let report: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(status(&report, "t.rule"), "fail", "{report:#}");
    // The finding points at the rule in the check file.
    assert_eq!(
        finding_locations(&report, "t.rule"),
        vec![loc(".readyctl/checks/t.yaml", 10)]
    );
    let ok = format!(
        "  http:\n    name: staging\n    url: {base}/healthz\n    expect_status: 200\n    body_contains: ok\n"
    );
    let r = repo_with(&ok, &[]);
    let out = r.readyctl(&[
        "check",
        "--format",
        "json",
        "--no-progress",
        "--only",
        "t.rule",
    ]);
    let report: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(status(&report, "t.rule"), "pass", "{report:#}");
}

// ---------------------------------------------------------------- load errors

fn load_error(file: &str) -> Run {
    let r = Repo::plain();
    r.write(".readyctl/checks/bad.yaml", file);
    r.readyctl(&["check", "--offline", "--no-progress"])
}

#[test]
fn malformed_check_files_are_exit_2_with_file_line_column() {
    // Unknown key.
    let out = load_error(&check_yaml(
        "t.a",
        "error",
        "  file_exists:\n    files: [x]\n    exlude: [y]\n",
    ));
    assert_eq!(out.code, 2, "{out:?}");
    assert!(
        out.stderr.contains(".readyctl/checks/bad.yaml:12:"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("exlude"), "{}", out.stderr);

    // Bad regex.
    let out = load_error(&check_yaml(
        "t.a",
        "error",
        "  file_lacks:\n    files: [x]\n    regex: 'a(b'\n",
    ));
    assert_eq!(out.code, 2, "{out:?}");
    assert!(
        out.stderr.contains(".readyctl/checks/bad.yaml:12:12"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("invalid regex"), "{}", out.stderr);

    // Bad glob.
    let out = load_error(&check_yaml(
        "t.a",
        "error",
        "  file_exists:\n    files: [ok, \"a[b\"]\n",
    ));
    assert_eq!(out.code, 2, "{out:?}");
    assert!(
        out.stderr.contains(".readyctl/checks/bad.yaml:11:"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("invalid glob"), "{}", out.stderr);

    // Bad id.
    let out = load_error(&check_yaml(
        "MyTeam.Thing",
        "error",
        "  file_exists: {files: [x]}\n",
    ));
    assert_eq!(out.code, 2, "{out:?}");
    assert!(
        out.stderr.contains(".readyctl/checks/bad.yaml:1:5"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("invalid check id"), "{}", out.stderr);

    // Missing explain section, and an empty one.
    let text =
        check_yaml("t.a", "error", "  file_exists: {files: [x]}\n").replace("  example: e\n", "");
    let out = load_error(&text);
    assert_eq!(out.code, 2, "{out:?}");
    assert!(
        out.stderr.contains(".readyctl/checks/bad.yaml:"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("example"), "{}", out.stderr);
    let text =
        check_yaml("t.a", "error", "  file_exists: {files: [x]}\n").replace("why: y", "why: ''");
    let out = load_error(&text);
    assert_eq!(out.code, 2, "{out:?}");
    assert!(
        out.stderr.contains(".readyctl/checks/bad.yaml:6:"),
        "{}",
        out.stderr
    );

    // Bad yaml_path path.
    let out = load_error(&check_yaml(
        "t.a",
        "error",
        "  yaml_path:\n    files: [x]\n    path: a..b\n",
    ));
    assert_eq!(out.code, 2, "{out:?}");
    assert!(
        out.stderr.contains(".readyctl/checks/bad.yaml:12:"),
        "{}",
        out.stderr
    );

    // Not YAML at all.
    let out = load_error("id: [unclosed\n");
    assert_eq!(out.code, 2, "{out:?}");
    assert!(
        out.stderr.contains(".readyctl/checks/bad.yaml:"),
        "{}",
        out.stderr
    );

    // Unknown rule kind.
    let out = load_error(&check_yaml("t.a", "error", "  file_exist: {files: [x]}\n"));
    assert_eq!(out.code, 2, "{out:?}");
    assert!(
        out.stderr.contains(".readyctl/checks/bad.yaml:10:"),
        "{}",
        out.stderr
    );

    // Missing scaffold template.
    let text = check_yaml("t.a", "error", "  file_exists: {files: [x]}\n")
        .replace("rule:\n", "fix:\n  scaffold: SECURITY.md\nrule:\n");
    let out = load_error(&text);
    assert_eq!(out.code, 2, "{out:?}");
    assert!(
        out.stderr.contains(".readyctl/checks/bad.yaml:10:"),
        "{}",
        out.stderr
    );
}

#[test]
fn duplicate_ids_name_the_file() {
    let r = Repo::plain();
    r.write(
        ".readyctl/checks/a.yaml",
        check_yaml("t.same", "error", "  file_exists: {files: [x]}\n"),
    );
    r.write(
        ".readyctl/checks/b.yaml",
        check_yaml("t.same", "error", "  file_exists: {files: [y]}\n"),
    );
    let out = r.readyctl(&["list"]);
    assert_eq!(out.code, 2, "{out:?}");
    assert!(
        out.stderr.contains(".readyctl/checks/b.yaml"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains(".readyctl/checks/a.yaml"),
        "{}",
        out.stderr
    );

    for taken in ["docs.rollback", "ci.present"] {
        let r = Repo::plain();
        r.write(
            ".readyctl/checks/mine.yaml",
            check_yaml(taken, "error", "  file_exists: {files: [x]}\n"),
        );
        let out = r.readyctl(&["list"]);
        assert_eq!(out.code, 2, "{out:?}");
        assert!(
            out.stderr.contains(".readyctl/checks/mine.yaml"),
            "{}",
            out.stderr
        );
        assert!(out.stderr.contains(taken), "{}", out.stderr);
    }
}

#[test]
fn several_checks_per_file_and_duplicates_within_a_file() {
    let a = check_yaml("t.one", "error", "  file_exists: {files: [x]}\n");
    let b = check_yaml("t.two", "info", "  file_exists: {files: [y]}\n");
    let r = Repo::plain();
    r.write(".readyctl/checks/many.yml", format!("{a}---\n{b}"));
    r.write("y", "y");
    let (report, _) = r.check_json(&["--only", "t.*"]);
    assert_eq!(status(&report, "t.one"), "fail");
    assert_eq!(status(&report, "t.two"), "pass");
    let r = Repo::plain();
    r.write(".readyctl/checks/many.yaml", format!("{a}---\n{a}"));
    let out = r.readyctl(&["list"]);
    assert_eq!(out.code, 2, "{out:?}");
    // The second document (after `---` on line 11) has its id on line 12.
    assert!(
        out.stderr.contains(".readyctl/checks/many.yaml:12:5"),
        "{}",
        out.stderr
    );
}

// ---------------------------------------------------------------- first class

fn security_repo() -> Repo {
    let r = Repo::git();
    r.write(
        ".readyctl/checks/security.yaml",
        include_str!("../../examples/custom-checks/security-md.yaml"),
    );
    r
}

#[test]
fn custom_check_in_list_and_explain() {
    let r = security_repo();
    let out = r.readyctl(&["list"]);
    assert_eq!(out.code, 0, "{out:?}");
    let line = out
        .stdout
        .lines()
        .find(|l| l.starts_with("myteam.security-md"))
        .unwrap_or_else(|| panic!("{}", out.stdout));
    assert!(
        line.contains("warning") && line.contains("A security policy is published"),
        "{line}"
    );

    let out = r.readyctl(&["list", "--format", "json"]);
    let items: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    let item = items
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["id"] == "myteam.security-md")
        .unwrap();
    assert_eq!(item["area"], "myteam");
    assert_eq!(item["source"], ".readyctl/checks/security.yaml");

    let out = r.readyctl(&["explain", "myteam.security-md"]);
    assert_eq!(out.code, 0, "{out:?}");
    for s in [
        "## What it checks",
        "## Why it matters",
        "## How to fix",
        "## Example",
    ] {
        assert!(out.stdout.contains(s), "{}", out.stdout);
    }
    assert!(
        out.stdout
            .contains("defined in .readyctl/checks/security.yaml"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("private way to report it"),
        "{}",
        out.stdout
    );
}

#[test]
fn custom_check_in_reports_with_fix() {
    let r = security_repo();
    let (report, code) = r.check_json(&[]);
    assert_eq!(code, 1);
    let c = check(&report, "myteam.security-md");
    assert_eq!(c["status"], "fail");
    assert_eq!(c["area"], "myteam");
    assert_eq!(c["severity"], "warning");
    assert_eq!(
        c["fix"]["hint"],
        "add SECURITY.md with a private way to report vulnerabilities"
    );
    // Human output shows it too.
    let out = r.readyctl(&["check", "--offline", "--no-progress", "--color", "never"]);
    assert!(out.stdout.contains("myteam.security-md"), "{}", out.stdout);
    // And every other format (each is built in: none may be skipped).
    for fmt in ["sarif", "junit", "markdown", "github", "gitlab"] {
        let out = r.readyctl(&["check", "--offline", "--no-progress", "--format", fmt]);
        assert_eq!(out.code, 1, "{fmt}: exit {}: {}", out.code, out.stderr);
        assert!(
            out.stdout.contains("myteam.security-md"),
            "{fmt}: {}",
            out.stdout
        );
    }
    r.write("SECURITY.md", "# Security\nMail security@example.com\n");
    let (report, _) = r.check_json(&[]);
    assert_eq!(status(&report, "myteam.security-md"), "pass");
}

#[test]
fn custom_check_severity_override_from_config() {
    let r = security_repo();
    r.write(
        "readyctl.yaml",
        "version: 1\nchecks:\n  severity: {\"myteam.security-md\": error}\n",
    );
    let (report, _) = r.check_json(&["--only", "myteam.*"]);
    assert_eq!(check(&report, "myteam.security-md")["severity"], "error");
    // As a warning it would not block --fail-on error; as an error it does.
    let (_, code) = r.check_json(&["--only", "myteam.*"]);
    assert_eq!(code, 1);
    r.write("readyctl.yaml", "version: 1\n");
    let (report, code) = r.check_json(&["--only", "myteam.*"]);
    assert_eq!(check(&report, "myteam.security-md")["severity"], "warning");
    assert_eq!(code, 0);
}

#[test]
fn custom_check_as_checklist_marker() {
    let r = security_repo();
    r.write(
        "deployment-readiness.md",
        "# Ready\n\n- [x] Security policy <!-- readyctl: myteam.security-md -->\n",
    );
    let (report, _) = r.check_json(&["--only", "docs.readiness-checklist"]);
    assert_eq!(
        status(&report, "docs.readiness-checklist"),
        "fail",
        "{report:#}"
    );
    assert_eq!(
        finding_locations(&report, "docs.readiness-checklist"),
        vec![loc("deployment-readiness.md", 3)]
    );
    r.write("SECURITY.md", "# Security\n");
    let (report, _) = r.check_json(&["--only", "docs.readiness-checklist"]);
    assert_eq!(
        status(&report, "docs.readiness-checklist"),
        "pass",
        "{report:#}"
    );
}

#[test]
fn checks_paths_from_config() {
    let r = Repo::plain();
    r.write(
        "ops/checks/x.yaml",
        check_yaml("ops.x", "info", "  file_exists: {files: [x]}\n"),
    );
    r.write(
        "readyctl.yaml",
        "version: 1\nchecks:\n  paths: [ops/checks]\n",
    );
    let (report, _) = r.check_json(&["--only", "ops.*"]);
    assert_eq!(status(&report, "ops.x"), "fail");
    r.write("readyctl.yaml", "version: 1\nchecks:\n  paths: [nowhere]\n");
    let out = r.readyctl(&["list"]);
    assert_eq!(out.code, 2, "{out:?}");
    assert!(out.stderr.contains("nowhere"), "{}", out.stderr);
}

// ---------------------------------------------------------------- built-in YAML

#[test]
fn terraform_present_is_declarative_and_ignores_provider_cache() {
    let r = Repo::plain();
    r.write(".terraform/modules/vpc/main.tf", "variable \"x\" {}\n");
    let (report, _) = r.check_json(&["--only", "terraform.present"]);
    let c = check(&report, "terraform.present");
    assert_eq!(c["status"], "fail");
    assert_eq!(c["severity"], "error");
    assert_eq!(c["fix"]["scaffold"], "terraform");
    r.write("infra/main.tf.json", "{}\n");
    let (report, _) = r.check_json(&["--only", "terraform.present"]);
    assert_eq!(status(&report, "terraform.present"), "pass");
    let out = r.readyctl(&["explain", "terraform.present"]);
    assert!(out.stdout.contains("## Why it matters"), "{}", out.stdout);
}

#[test]
fn ci_present_knows_every_provider() {
    let r = Repo::plain();
    let (report, _) = r.check_json(&["--only", "ci.present"]);
    let c = check(&report, "ci.present");
    assert_eq!(c["status"], "fail");
    assert_eq!(c["fix"]["scaffold"], "ci");
    for f in [
        ".github/workflows/ci.yml",
        ".github/workflows/ci.yaml",
        ".gitlab-ci.yml",
        ".circleci/config.yml",
        "Jenkinsfile",
        "azure-pipelines.yml",
        "bitbucket-pipelines.yml",
        ".buildkite/pipeline.yml",
        ".drone.yml",
        ".travis.yml",
    ] {
        let r = Repo::plain();
        r.write(f, "x: 1\n");
        let (report, _) = r.check_json(&["--only", "ci.present"]);
        assert_eq!(status(&report, "ci.present"), "pass", "{f}");
    }
    // A workflow folder with no workflow does not count.
    let r = Repo::plain();
    r.write(".github/workflows/README.md", "x");
    let (report, _) = r.check_json(&["--only", "ci.present"]);
    assert_eq!(status(&report, "ci.present"), "fail");
}

// ---------------------------------------------------------------- new-check

#[test]
fn new_check_writes_a_check_that_loads_and_runs() {
    let r = Repo::plain();
    let out = r.readyctl(&["new-check", "myteam.policy"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert!(r.exists(".readyctl/checks/myteam.policy.yaml"));
    let (report, _) = r.check_json(&["--only", "myteam.*"]);
    assert_eq!(status(&report, "myteam.policy"), "fail");
    r.write("SECURITY.md", "x");
    let (report, _) = r.check_json(&["--only", "myteam.*"]);
    assert_eq!(status(&report, "myteam.policy"), "pass");
    let out = r.readyctl(&["explain", "myteam.policy"]);
    assert_eq!(out.code, 0, "{out:?}");

    // No overwrite without --force.
    r.write(
        ".readyctl/checks/myteam.policy.yaml",
        check_yaml("myteam.policy", "info", "  file_exists: {files: [x]}\n"),
    );
    let out = r.readyctl(&["new-check", "myteam.policy"]);
    assert_eq!(out.code, 2, "{out:?}");
    assert!(out.stderr.contains("--force"), "{}", out.stderr);
    assert!(
        r.read(".readyctl/checks/myteam.policy.yaml")
            .contains("severity: info")
    );
    let out = r.readyctl(&["new-check", "myteam.policy", "--force"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert!(
        r.read(".readyctl/checks/myteam.policy.yaml")
            .contains("severity: warning")
    );

    // --path, bad ids, taken ids.
    let other = Repo::plain();
    let out = r.readyctl(&["new-check", "x.y", "--path", other.path().to_str().unwrap()]);
    assert_eq!(out.code, 0, "{out:?}");
    assert!(other.exists(".readyctl/checks/x.y.yaml"));
    let out = r.readyctl(&["new-check", "NoDot"]);
    assert_eq!(out.code, 2, "{out:?}");
    let out = r.readyctl(&["new-check", "docs.rollback"]);
    assert_eq!(out.code, 2, "{out:?}");
    assert!(out.stderr.contains("already defined"), "{}", out.stderr);
}

// ---------------------------------------------------------------- examples

fn example(name: &str) -> String {
    std::fs::read_to_string(crate_root().join("examples/custom-checks").join(name)).unwrap()
}

#[test]
fn example_codeowners() {
    let r = Repo::plain();
    r.write(".readyctl/checks/c.yaml", example("codeowners.yaml"));
    r.write(
        ".github/CODEOWNERS",
        "# owners\n* @acme/all\n/services/ @acme/platform\n",
    );
    let (report, _) = r.check_json(&["--only", "myteam.*"]);
    assert_eq!(status(&report, "myteam.codeowners"), "pass", "{report:#}");
    r.write(
        ".github/CODEOWNERS",
        "# owners\n/services/billing/\n/docs/ @acme/docs\n",
    );
    let (report, _) = r.check_json(&["--only", "myteam.*"]);
    assert_eq!(status(&report, "myteam.codeowners"), "fail");
    assert_eq!(
        finding_locations(&report, "myteam.codeowners"),
        vec![loc(".github/CODEOWNERS", 0), loc(".github/CODEOWNERS", 2)]
    );
}

#[test]
fn example_helm_resource_limits() {
    let r = Repo::plain();
    r.write(
        ".readyctl/checks/h.yaml",
        example("helm-resource-limits.yaml"),
    );
    r.write(
        "charts/api/values.yaml",
        "image: api\nresources:\n  limits:\n    memory: 256Mi\n",
    );
    let (report, _) = r.check_json(&["--only", "myteam.*"]);
    assert_eq!(
        status(&report, "myteam.helm-resource-limits"),
        "pass",
        "{report:#}"
    );
    r.write(
        "charts/worker/values.yaml",
        "image: worker\nresources:\n  requests:\n    cpu: 1\n",
    );
    r.write("deploy/api.yaml", DEPLOY_BAD);
    let (report, _) = r.check_json(&["--only", "myteam.*"]);
    assert_eq!(status(&report, "myteam.helm-resource-limits"), "fail");
    assert_eq!(
        finding_locations(&report, "myteam.helm-resource-limits"),
        vec![
            loc("charts/worker/values.yaml", 1),
            loc("deploy/api.yaml", 10),
            loc("deploy/api.yaml", 18)
        ]
    );
}

#[test]
fn example_security_md() {
    let r = Repo::plain();
    r.write(".readyctl/checks/s.yaml", example("security-md.yaml"));
    let (report, _) = r.check_json(&["--only", "myteam.*"]);
    assert_eq!(status(&report, "myteam.security-md"), "fail");
    r.write(".github/SECURITY.md", "# Security\n");
    let (report, _) = r.check_json(&["--only", "myteam.*"]);
    assert_eq!(status(&report, "myteam.security-md"), "pass");
}

/// Needs the HTTP probe engine (see `http_rule_probes_a_real_server`).
#[test]
fn example_staging_url() {
    let base = serve();
    let text = example("staging-url.yaml").replace(
        "https://staging.example.com/healthz",
        &format!("{base}/healthz"),
    );
    assert!(text.contains(&base));
    let r = Repo::plain();
    r.write(
        ".readyctl/checks/s.yaml",
        text.replace("/healthz", "/broken"),
    );
    let (report, _) = r.check_json(&["--only", "myteam.*"]);
    assert_eq!(status(&report, "myteam.staging-up"), "skip");
    let out = r.readyctl(&[
        "check",
        "--format",
        "json",
        "--no-progress",
        "--only",
        "myteam.*",
    ]);
    let report: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(status(&report, "myteam.staging-up"), "fail", "{report:#}");
    r.write(".readyctl/checks/s.yaml", &text);
    let out = r.readyctl(&[
        "check",
        "--format",
        "json",
        "--no-progress",
        "--only",
        "myteam.*",
    ]);
    let report: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(status(&report, "myteam.staging-up"), "pass", "{report:#}");
}
