//! Issue 13 item 10: `readyctl schema` and the binary agree on what a
//! `readyctl.yaml` may hold. Every invalid config is exit 2 naming
//! file:line:column from the binary, online or offline, and invalid for a
//! real JSON Schema validator (the `jsonschema` crate) given the schema the
//! binary prints; every valid one passes both.

use super::repo;

fn validator() -> jsonschema::Validator {
    let run = crate::common::Repo::plain().readyctl(&["schema"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let schema: serde_json::Value = serde_json::from_str(&run.stdout).expect("schema is JSON");
    jsonschema::validator_for(&schema).expect("schema compiles")
}

fn schema_accepts(v: &jsonschema::Validator, yaml: &str) -> bool {
    let value: serde_json::Value = readyctl::views::yaml::from_str(yaml).expect("YAML");
    v.is_valid(&value)
}

/// `(exit code, stderr)` of `readyctl check` with `yaml` as readyctl.yaml.
fn binary(yaml: &str, offline: bool) -> (i32, String) {
    let r = repo();
    r.write("readyctl.yaml", yaml);
    let mut args = vec!["check", ".", "--no-progress", "--only", "docs.*"];
    if offline {
        args.push("--offline");
    }
    let run = r.readyctl(&args);
    (run.code, run.stderr)
}

fn endpoint(extra: &str) -> String {
    format!(
        "version: 1\nhealth:\n  endpoints:\n    - name: api\n      url: http://127.0.0.1:9/\n{extra}"
    )
}

#[test]
fn the_schema_and_the_binary_reject_the_same_configs() {
    let deep = format!("{}a{}", "{".repeat(17), "}".repeat(17));
    let invalid: Vec<String> = vec![
        "version: 2\n".into(),
        "version: 0\n".into(),
        "version: 1\nhealth:\n  timeout: \"5 parsecs\"\n".into(),
        "version: 1\nhealth:\n  timeout: 1e20\n".into(),
        "version: 1\nhealth:\n  timeout: -5\n".into(),
        "version: 1\nhealth:\n  deadline: 90000\n".into(),
        "version: 1\nhealth:\n  timeout: 5sec\n".into(),
        "version: 1\nhealth:\n  retries: 4294967295\n".into(),
        "version: 1\nhealth:\n  retries: 11\n".into(),
        "version: 1\nhealth:\n  concurrency: 0\n".into(),
        "version: 1\nhealth:\n  concurrency: 18446744073709551615\n".into(),
        "version: 1\nhealth:\n  concurrency: 257\n".into(),
        "version: 1\nchecks:\n  skip: [Terraform.Valid]\n".into(),
        "version: 1\nchecks:\n  skip: [\"[\"]\n".into(),
        "version: 1\nchecks:\n  severity: {nodot: error}\n".into(),
        "version: 1\nchecks:\n  severity: {docs.rollback: fatal}\n".into(),
        "version: 1\nsecrets:\n  allow_paths: [\"a/{b\"]\n".into(),
        "version: 1\nsecrets:\n  allow_paths: [\"a\\\\\"]\n".into(),
        format!("version: 1\nsecrets:\n  allow_paths: [\"{deep}\"]\n"),
        "version: 1\npaths:\n  vendored: [\"vendor/[\"]\n".into(),
        "version: 1\npaths:\n  generated: [\"gen}\"]\n".into(),
        "version: 1\nwaivers:\n  - check: Docs.Rollback\n    reason: r\n    owner: o\n    expires: 2030-01-01\n".into(),
        "version: 1\nwaivers:\n  - check: docs.rollback\n    paths: [\"[\"]\n    reason: r\n    owner: o\n    expires: 2030-01-01\n".into(),
        "version: 1\nunknown: 1\n".into(),
        endpoint("      expect_status: 999\n"),
        endpoint("      expect_status: 99\n"),
        endpoint("      expect_status: []\n"),
        endpoint("      expect_status: [200, 600]\n"),
        endpoint("      expect_status: 2xy\n"),
        endpoint("      method: 'GE T'\n"),
        endpoint("      headers: {\"Bad Header\": x}\n"),
        endpoint("      max_latency: 5 parsecs\n"),
        "version: 1\nhealth:\n  endpoints:\n    - name: api\n      url: ftp://example.com/\n".into(),
        "version: 1\nhealth:\n  endpoints:\n    - name: api\n      url: \"http://\"\n".into(),
    ];
    let v = validator();
    let mut disagree = Vec::new();
    for yaml in &invalid {
        for offline in [true, false] {
            let (code, err) = binary(yaml, offline);
            let located = err.contains("readyctl.yaml:")
                && err
                    .split("readyctl.yaml:")
                    .nth(1)
                    .is_some_and(|rest| rest.split(':').take(2).all(|n| n.parse::<u32>().is_ok()));
            if code != 2 || !located {
                disagree.push(format!("binary accepts or does not locate (offline {offline}, exit {code}): {yaml}{err}"));
            }
        }
        if schema_accepts(&v, yaml) {
            disagree.push(format!("schema accepts: {yaml}"));
        }
    }
    assert!(disagree.is_empty(), "{}", disagree.join("\n---\n"));
}

#[test]
fn the_schema_and_the_binary_accept_the_same_valid_configs() {
    let valid = [
        "version: 1\n",
        "version: 1\nhealth:\n  timeout: 5s\n  deadline: 2m\n  retries: 10\n  concurrency: 256\n",
        "version: 1\nhealth:\n  timeout: 5\n",
        "version: 1\nhealth:\n  timeout: 1.5\n",
        "version: 1\nhealth:\n  timeout: .5s\n",
        "version: 1\nhealth:\n  timeout: 86400\n",
        "version: 1\nchecks:\n  skip: [\"terraform.*\", \"docs.{runbook,rollback}\"]\n  severity: {ci.actions-pinned: error}\n",
        "version: 1\nsecrets:\n  allow_paths: [\"testdata/**\", \"{a,{b,c}}/*.txt\", \"x[]]y\", \"\\\\{literal\"]\n",
        "version: 1\npaths:\n  examples: [\"!examples/**\"]\n",
        "version: 1\nwaivers:\n  - check: docs.*\n    paths: [\"sandbox/**\"]\n    reason: r\n    owner: o\n    expires: 2030-01-01\n",
        &endpoint("      expect_status: 204\n"),
        &endpoint("      expect_status: [200, 204]\n"),
        &endpoint("      expect_status: 2xx\n"),
        &endpoint("      expect_status: \"503\"\n"),
        &endpoint(
            "      method: head\n      headers: {X-Token: \"${TOKEN}\"}\n      max_latency: 500ms\n",
        ),
    ];
    let v = validator();
    for yaml in valid {
        let (code, err) = binary(yaml, true);
        assert!(matches!(code, 0 | 1), "binary rejects: {yaml}{err}");
        let value: serde_json::Value = readyctl::views::yaml::from_str(yaml).unwrap();
        let errors: Vec<String> = v.iter_errors(&value).map(|e| e.to_string()).collect();
        assert!(errors.is_empty(), "schema rejects: {yaml}{errors:?}");
    }
}

#[test]
fn what_only_the_binary_can_know_is_documented_and_still_exit_2() {
    // A well-formed id that names no check: user checks are not in the
    // schema, so only the binary (which loads them) can reject it; a string
    // duration over 24h; a reversed range. src/config/schema.rs lists these.
    let v = validator();
    for yaml in [
        "version: 1\nchecks:\n  skip: [nope.nope]\n",
        "version: 1\nhealth:\n  timeout: 25h\n",
        "version: 1\nsecrets:\n  allow_paths: [\"[z-a]\"]\n",
    ] {
        assert!(
            schema_accepts(&v, yaml),
            "now the schema rejects it too: {yaml}"
        );
        let (code, err) = binary(yaml, true);
        assert_eq!(code, 2, "{yaml}{err}");
    }
}
