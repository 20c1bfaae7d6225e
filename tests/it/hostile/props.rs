//! Property tests over the parsers' entry points through the library:
//! text made of each format's own tokens, cut and spliced at random, must
//! never panic, and what comes back is bounded by the input (every error
//! names a line inside the text; counts never exceed the lines). A fixed,
//! small number of cases runs in CI with a fixed seed; `PROPTEST_CASES=N`
//! and `PROPTEST_RNG_SEED=N` run more and others (benches/fuzz.sh is the
//! long, whole-binary run).

use proptest::prelude::*;

fn cases(n: u32) -> ProptestConfig {
    let n = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(n);
    // A fixed seed in CI (the same cases every run); PROPTEST_RNG_SEED=N
    // explores others.
    let seed = std::env::var("PROPTEST_RNG_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(13);
    ProptestConfig {
        cases: n,
        failure_persistence: None,
        rng_seed: proptest::test_runner::RngSeed::Fixed(seed),
        ..ProptestConfig::default()
    }
}

/// Text of up to `max` pieces, each a token of the format, a short random
/// string or a run of one character (nesting, long lines).
fn text_of(tokens: &'static [&'static str], max: usize) -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        6 => proptest::sample::select(tokens).prop_map(str::to_string),
        2 => "\\PC{0,12}",
        1 => (proptest::sample::select(&["{", "[", "(", "-", " ", "\n", "#", ">", "\"", "'", ":", "`"][..]), 1..300usize)
            .prop_map(|(c, n)| c.repeat(n)),
    ];
    proptest::collection::vec(piece, 0..max).prop_map(|v| v.concat())
}

const YAML: &[&str] = &[
    "version: 1\n",
    "checks:\n",
    "  skip: [",
    "]\n",
    "  severity: {",
    "}\n",
    "health:\n",
    "  timeout: ",
    "5s",
    "1e20",
    "99999999999999999999h",
    "  retries: ",
    "4294967295",
    "  concurrency: ",
    "18446744073709551615",
    "  endpoints:\n",
    "    - name: a\n",
    "      url: ",
    "http://127.0.0.1:9/",
    "ftp://x",
    "      expect_status: ",
    "999",
    "[]",
    "2xx",
    "secrets:\n",
    "  allow_paths: [",
    "\"a/{b\"",
    "\"**\"",
    "  baseline: ",
    "../x",
    "paths:\n",
    "  vendored: [",
    "waivers:\n",
    "  - check: docs.rollback\n",
    "    expires: 2030-01-01\n",
    "levels:\n",
    "services:\n",
    "&a ",
    "*a",
    "!!str ",
    "---\n",
    "- ",
    "? ",
    ": ",
    "|\n",
    ">\n",
    "\t",
    "~",
    "null",
    "true",
    "\"\\u0000\"",
    "key",
    ",",
    "#c\n",
];

const MARKDOWN: &[&str] = &[
    "# ",
    "## ",
    "Rollback\n",
    "Runbook\n",
    "- [ ] ",
    "- [x] ",
    "* [X] ",
    "1. ",
    "<!-- readyctl: ",
    "docs.rollback",
    "nope",
    " -->",
    "<!--",
    "-->",
    "```\n",
    "~~~",
    "    code\n",
    "> ",
    "| a | b |\n",
    "|---|---|\n",
    "[link](",
    ")",
    "![i](x)",
    "<div>",
    "</div>",
    "\n",
    "\n\n",
    "TODO",
    "`x`",
    "**b**",
    "_i_",
    "\\",
    "&amp;",
    "<details>",
    "[^1]",
    "[^1]: n\n",
    "---\n",
    "===\n",
    "é",
    "\u{202e}",
];

const HCL: &[&str] = &[
    "resource ",
    "\"aws_s3_bucket\" ",
    "\"b\" ",
    "{\n",
    "}\n",
    "variable ",
    "\"db_password\" ",
    "default = ",
    "\"x\"",
    "sensitive = true\n",
    "terraform ",
    "required_version = \">= 1\"\n",
    "backend \"s3\" {}\n",
    "module \"m\" { source = \"./m\" }\n",
    "for_each = ",
    "[for x in var.l : x]",
    "{ for k, v in var.m : k => v if v }",
    "x ? y : z",
    "${",
    "}",
    "<<EOF\n",
    "EOF\n",
    "<<-X\n",
    "X\n",
    "# c\n",
    "/* c */",
    "// c\n",
    "= ",
    "[",
    "]",
    "(",
    ")",
    "var.a",
    "local.b",
    "1e999",
    "\"",
    "\\",
    "\n",
];

const JSON: &[&str] = &[
    "{",
    "}",
    "[",
    "]",
    "\"resource\"",
    "\"variable\"",
    "\"terraform\"",
    "\"aws_s3_bucket\"",
    "\"b\"",
    "\"default\"",
    "\"${var.a}\"",
    ":",
    ",",
    "1",
    "1e400",
    "-0",
    "null",
    "true",
    "\"\\u00e9\"",
    "\"\\ud800\"",
    " ",
    "\n",
];

const CHECK_YAML: &[&str] = &[
    "id: team.x\n",
    "id: ../x\n",
    "title: T\n",
    "severity: error\n",
    "severity: fatal\n",
    "explain:\n  what: a\n  why: b\n  fix: c\n  example: d\n",
    "rule:\n",
    "  file_exists:\n",
    "  file_lacks:\n",
    "  yaml_path:\n",
    "    files: [",
    "\"**\"",
    "\"{a\"",
    "]\n",
    "    pattern: ",
    "\"(a+)+$\"",
    "\"[\"",
    "    path: ",
    "a.b[0]",
    "a..b",
    "  all:\n",
    "  any:\n",
    "    - ",
    "---\n",
];

proptest! {
    #![proptest_config(cases(64))]

    #[test]
    fn config_parse_never_panics_and_locates_errors(text in text_of(YAML, 40)) {
        let lines = text.lines().count() as u32 + 1;
        if let Err(e) = readyctl::config::parse("readyctl.yaml", &text) {
            prop_assert!(e.line.unwrap_or(1) <= lines, "{e} ({lines} lines)");
            prop_assert!(e.message.len() < 2000, "{} bytes", e.message.len());
        }
    }

    #[test]
    fn yaml_view_never_panics(text in text_of(YAML, 40)) {
        let lines = text.lines().count() as u32 + 1;
        match readyctl::views::yaml::from_str_multi::<readyctl::views::yaml::node::SNode>(&text) {
            Ok(docs) => prop_assert!(docs.len() <= text.len() + 1),
            Err(e) => prop_assert!(e.line.unwrap_or(1) <= lines, "{} ({lines} lines)", e.message),
        }
    }

    #[test]
    fn checklist_parse_never_panics_and_stays_inside_the_text(text in text_of(MARKDOWN, 60)) {
        let list = readyctl::views::checklist::parse("deployment-readiness.md", &text);
        let lines = text.lines().count() as u32 + 1;
        prop_assert!(list.items.len() <= lines as usize);
        for item in &list.items {
            prop_assert!(item.line >= 1 && item.line <= lines);
            prop_assert!(item.box_offset <= text.len());
            // Text events are joined with a space: at most twice the input.
            prop_assert!(item.text.len() <= 2 * text.len());
            for m in &item.markers {
                prop_assert!(m.line >= 1 && m.line <= lines);
            }
        }
    }

    #[test]
    fn markdown_parse_never_panics(text in text_of(MARKDOWN, 60)) {
        let doc = readyctl::views::markdown::parse(&text);
        prop_assert!(doc.sections.len() <= text.lines().count() + 1);
        for r in &doc.code {
            prop_assert!(r.start <= r.end && r.end <= text.len());
        }
    }

    #[test]
    fn terraform_hcl_never_panics_and_locates_errors(text in text_of(HCL, 60)) {
        let lines = text.lines().count() as u32 + 1;
        if let Err(e) = readyctl::views::terraform::parse_hcl(&text) {
            prop_assert!(e.line >= 1 && e.line <= lines, "{} at {} of {lines}", e.message, e.line);
        }
    }

    #[test]
    fn terraform_json_never_panics_and_locates_errors(text in text_of(JSON, 60)) {
        let lines = text.lines().count() as u32 + 1;
        match readyctl::views::terraform::parse_json(&text) {
            Ok(body) => {
                for b in &body.blocks {
                    prop_assert!(b.line >= 1 && b.line <= lines);
                }
            }
            Err(e) => prop_assert!(e.line >= 1 && e.line <= lines),
        }
    }

    #[test]
    fn declarative_checks_never_panic(text in text_of(CHECK_YAML, 40)) {
        if let Err(e) = readyctl::declarative::parse_file(".readyctl/checks/x.yaml", &text, None) {
            prop_assert!(e.lines().all(|l| l.len() < 2000));
        }
    }

    #[test]
    fn globs_never_panic(pattern in "[a-z*?{}\\[\\]!,/\\\\^-]{0,40}") {
        let _ = readyctl::repo::index::glob(&pattern);
        let _ = readyctl::repo::index::build_globset(&[pattern.as_str()]);
    }

    #[test]
    fn redaction_never_lets_a_token_through(
        before in "\\PC{0,40}",
        after in "\\PC{0,40}",
        body in "[A-Za-z0-9]{30}",
    ) {
        let token = format!(
            "ghp_{body}{}",
            readyctl::checks::secrets::rules::base62_crc32(body.as_bytes())
        );
        // After a word character the token is part of a longer word; the
        // scanner (and so redaction) needs a boundary before it.
        let text = format!("{before} {token} {after}");
        let out = readyctl::report::redact::text(&text);
        prop_assert!(!out.contains(&token), "{out}");
    }
}

/// Dockerfile pieces: instructions, substitutions, stages, continuations.
const DOCKERFILE: &[&str] = &[
    "FROM ",
    "alpine:3.20",
    "${BASE:-debian}",
    "${TAG}",
    "@sha256:",
    " AS build",
    "ARG ",
    "TAG=1",
    "ENV ",
    "USER ",
    "65532:65532",
    "root",
    "RUN ",
    "useradd app",
    "HEALTHCHECK ",
    "CMD curl -f http://localhost/ || exit 1",
    "COPY --from=build ",
    "# syntax=docker/dockerfile:1\n",
    " \\\n",
    "\n",
    "$",
    "{",
    "}",
    "\"",
    "[\"sh\", \"-c\"]",
    "<<EOF\n",
    "EOF\n",
];

/// Prometheus rule files: groups, alerts, expressions, annotations.
const RULES: &[&str] = &[
    "groups:\n",
    "- name: g\n",
    "  rules:\n",
    "  - alert: HighErrorRate\n",
    "    expr: rate(http_requests_total{code=~\"5..\"}[5m]) > 0.1\n",
    "    for: 10m\n",
    "    labels:\n",
    "      severity: page\n",
    "    annotations:\n",
    "      runbook_url: docs/runbook.md#high-error-rate\n",
    "      runbook_url: https://example.com/rb\n",
    "  - record: x\n",
    "{{ $labels.instance }}",
    "kind: PrometheusRule\n",
    "spec:\n",
    "  ",
    "- ",
    ": ",
    "[",
    "]",
    "\n",
];

proptest! {
    #![proptest_config(cases(64))]

    #[test]
    fn dockerfile_view_never_panics(text in text_of(DOCKERFILE, 40)) {
        if let Ok(parsed) = readyctl::views::dockerfile::parse(&text)
            && let Some((i, _)) = parsed.final_stage()
        {
            let _ = parsed.effective_user(i);
            let _ = parsed.base_of(i);
            let _ = parsed.runs(i);
        }
    }
}

proptest! {
    #![proptest_config(cases(12))]

    /// Prometheus and Alertmanager files through the monitoring scan (a
    /// temporary tree per case).
    #[test]
    fn prometheus_rules_never_panic(rules in text_of(RULES, 40)) {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("monitoring")).unwrap();
        std::fs::write(dir.path().join("monitoring/alerts.yml"), &rules).unwrap();
        let index = readyctl::repo::index::Index::build(dir.path()).expect("index");
        let scan = readyctl::checks::monitoring::scan(&index);
        prop_assert!(scan.found.len() <= rules.len());
    }
}

proptest! {
    #![proptest_config(cases(12))]

    /// The CI model reads a whole index: a temporary tree per case.
    #[test]
    fn ci_model_never_panics(gha in text_of(YAML, 30), gitlab in text_of(YAML, 30)) {
        let dir = tempfile::tempdir().unwrap();
        let wf = dir.path().join(".github/workflows");
        std::fs::create_dir_all(&wf).unwrap();
        std::fs::write(wf.join("ci.yml"), &gha).unwrap();
        std::fs::write(dir.path().join(".gitlab-ci.yml"), &gitlab).unwrap();
        let index = readyctl::repo::index::Index::build(dir.path()).expect("index");
        let model = readyctl::views::ci::model(&index);
        prop_assert!(model.files.len() <= 2);
    }
}
