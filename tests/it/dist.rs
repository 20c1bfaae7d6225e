//! Distribution and CI fit (issue 15): report paths from a subdirectory,
//! running from a subdirectory, `--report`, `--quiet`, colour variables,
//! Markdown escaping read back by a Markdown parser, man pages, SARIF for
//! GitHub code scanning, and the GitHub Action's scripts.

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Command;

use pulldown_cmark::{Event, Options, Parser, Tag};
use serde_json::Value;

use crate::common::{Repo, bin, check, crate_root, run_in, status};
use crate::formats::assert_valid_sarif;

/// An AWS access key id made at run time (no whole key in the source).
fn fake_key() -> String {
    ["AK", "IA", "ZQ3D", "HX7P", "2LMN", "4RTW"].concat()
}

/// A monorepo: README at the top, one service in `mono/svc` whose checks
/// fail with findings in its own files.
fn monorepo() -> Repo {
    let r = Repo::git();
    r.write("README.md", "# Mono\n");
    r.write(
        "mono/svc/RUNBOOK.md",
        "# Svc\n\n## Overview\n\nThe service.\n",
    );
    r.write(
        "mono/svc/deployment-readiness.md",
        "# Ready?\n\n- [ ] Rollback documented <!-- readyctl: docs.rollback -->\n- [ ] Window agreed\n",
    );
    r.write("mono/svc/.env", "DEBUG=1\n");
    r.commit("mono");
    r
}

fn check_args<'a>(path: &'a str, format: &'a str) -> Vec<&'a str> {
    vec![
        "check",
        path,
        "--format",
        format,
        "--offline",
        "--no-progress",
    ]
}

/// Every path a format names, for the formats that name them structurally.
fn sarif_uris(log: &Value) -> Vec<String> {
    log["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|r| r["locations"].as_array().cloned().unwrap_or_default())
        .map(|l| {
            l["physicalLocation"]["artifactLocation"]["uri"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect()
}

fn assert_exist(root: &Path, paths: &[String], what: &str) {
    assert!(!paths.is_empty(), "{what}: no paths");
    for p in paths {
        assert!(root.join(p).is_file(), "{what}: {p} does not exist");
    }
}

#[test]
fn paths_name_files_from_the_repository_root_in_every_format() {
    let r = monorepo();
    let run = |format: &str| {
        let out = r.readyctl(&check_args("mono/svc", format));
        assert_eq!(out.code, 1, "{format}: {}", out.stderr);
        out.stdout
    };

    let json: Value = serde_json::from_str(&run("json")).unwrap();
    let paths: Vec<String> = json["checks"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|c| c["findings"].as_array().cloned().unwrap())
        .filter_map(|f| f["path"].as_str().map(str::to_string))
        .collect();
    assert!(
        paths.iter().all(|p| p.starts_with("mono/svc/")),
        "{paths:?}"
    );
    assert!(paths.contains(&"mono/svc/RUNBOOK.md".to_string()));
    assert!(paths.contains(&"mono/svc/.env".to_string()));
    assert_exist(r.path(), &paths, "json");

    let sarif: Value = serde_json::from_str(&run("sarif")).unwrap();
    assert_valid_sarif(&sarif);
    let uris = sarif_uris(&sarif);
    assert!(
        uris.contains(&"mono/svc/RUNBOOK.md".to_string()),
        "{uris:?}"
    );
    assert_exist(r.path(), &uris, "sarif");

    let gitlab: Value = serde_json::from_str(&run("gitlab")).unwrap();
    let gl: Vec<String> = gitlab
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["location"]["path"].as_str().unwrap().to_string())
        .collect();
    assert!(gl.contains(&"mono/svc/.env".to_string()), "{gl:?}");
    assert_exist(r.path(), &gl, "gitlab");

    let gh = run("github");
    let files: Vec<String> = gh
        .lines()
        .filter_map(|l| l.split("file=").nth(1))
        .map(|rest| rest.split([',', ':']).next().unwrap().to_string())
        .collect();
    assert!(files.contains(&"mono/svc/RUNBOOK.md".to_string()), "{gh}");
    assert_exist(r.path(), &files, "github");

    let junit = run("junit");
    assert!(junit.contains("mono/svc/RUNBOOK.md:1"), "{junit}");
    let md = run("markdown");
    assert!(md.contains("`mono/svc/RUNBOOK.md:1`"), "{md}");
    assert!(
        md.contains("`mono/svc/deployment-readiness.md:4:3`"),
        "{md}"
    );
    let human = run("human");
    assert!(human.contains("mono/svc/RUNBOOK.md:1"), "{human}");

    // A secret found in history names the file of the commit's tree, from
    // the top level too (not prefixed twice).
    r.write(
        "mono/svc/app.ini",
        format!("aws_access_key_id = {}\n", fake_key()),
    );
    r.commit("leak");
    std::fs::remove_file(r.path().join("mono/svc/app.ini")).unwrap();
    r.commit("unleak");
    let out = r.readyctl(&[
        "check",
        "mono/svc",
        "--only",
        "secrets.none-committed",
        "--history",
        "--format",
        "json",
        "--offline",
        "--no-progress",
    ]);
    let v: Value = serde_json::from_str(&out.stdout).expect(&out.stderr);
    let found = &check(&v, "secrets.none-committed")["findings"];
    assert_eq!(found[0]["path"], "mono/svc/app.ini", "{found:#}");
    assert!(found[0]["commit"].is_string());

    // Outside git, PATH is the repository root: paths stay relative to it.
    let plain = Repo::plain();
    plain.write("svc/RUNBOOK.md", "# Svc\n\n## Overview\n\nThe service.\n");
    let out = plain.readyctl(&check_args("svc", "json"));
    let v: Value = serde_json::from_str(&out.stdout).unwrap();
    let runbook = &check(&v, "docs.runbook")["findings"][0]["path"];
    assert_eq!(runbook, "RUNBOOK.md");
}

#[test]
fn check_from_a_subdirectory_checks_the_repository_and_its_config() {
    let r = Repo::git();
    r.write(
        "readyctl.yaml",
        "version: 1\nchecks:\n  skip: [\"docs.runbook\"]\n",
    );
    r.write("src/app/main.py", "print('hi')\n");
    r.write("RUNBOOK.md", "# Ops\n");
    r.commit("init");
    let sub = r.path().join("src/app");
    let out = run_in(
        &sub,
        &["check", "--format", "json", "--offline", "--no-progress"],
    );
    let v: Value = serde_json::from_str(&out.stdout).expect(&out.stderr);
    assert_eq!(v["root"], "../..");
    assert_eq!(
        status(&v, "docs.runbook"),
        "skip",
        "readyctl.yaml was found"
    );
    assert!(
        check(&v, "docs.runbook")["message"]
            .as_str()
            .unwrap()
            .contains("readyctl.yaml")
    );
    // The same report as from the top level, but for the shown root.
    let (top, _) = r.check_json(&[]);
    let ids = |v: &Value| {
        v["checks"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| (c["id"].clone(), c["status"].clone()))
            .collect::<Vec<_>>()
    };
    assert_eq!(ids(&v), ids(&top));

    // An explicit `.` still means this directory.
    let here = run_in(
        &sub,
        &[
            "check",
            ".",
            "--format",
            "json",
            "--offline",
            "--no-progress",
        ],
    );
    let v: Value = serde_json::from_str(&here.stdout).unwrap();
    assert_eq!(v["root"], ".");
    assert_eq!(status(&v, "docs.runbook"), "fail");
}

#[test]
fn report_flag_writes_every_format_from_one_run() {
    let r = monorepo();
    let out = r.readyctl(&[
        "check",
        "mono/svc",
        "--format",
        "json",
        "--offline",
        "--no-progress",
        "--report",
        "sarif=out/readyctl.sarif",
        "--report",
        "junit=readyctl.xml",
        "--report",
        "markdown=summary.md",
    ]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    let json: Value = serde_json::from_str(&out.stdout).expect("stdout keeps --format");
    assert_eq!(json["ready"], false);
    for (format, file) in [
        ("sarif", "out/readyctl.sarif"),
        ("junit", "readyctl.xml"),
        ("markdown", "summary.md"),
    ] {
        let direct = r.readyctl(&check_args("mono/svc", format)).stdout;
        assert_eq!(r.read(file), direct, "{format}");
        assert!(out.stderr.contains(file), "{}", out.stderr);
    }
    for bad in ["yaml=x", "sarif", "json="] {
        let run = r.readyctl(&["check", "--offline", "--report", bad]);
        assert_eq!(run.code, 2, "{bad}");
        assert!(run.stderr.contains("FORMAT=FILE") || run.stderr.contains("format"));
    }
}

#[test]
fn quiet_prints_only_failures_and_the_verdict() {
    let r = monorepo();
    let full = r.readyctl(&check_args("mono/svc", "human"));
    let mut args = check_args("mono/svc", "human");
    args.push("-q");
    let quiet = r.readyctl(&args);
    assert_eq!(quiet.code, full.code);
    assert!(
        full.stdout.contains("✓"),
        "the full report has passing checks"
    );
    assert!(!quiet.stdout.contains("✓ "), "{}", quiet.stdout);
    assert!(!quiet.stdout.contains("readyctl 0.1"), "no header");
    assert!(quiet.stdout.contains("docs.runbook"));
    assert!(quiet.stdout.contains("mono/svc/RUNBOOK.md:1"));
    let last = quiet.stdout.trim_end().lines().last().unwrap();
    assert!(last.starts_with("✗ NOT READY"), "{last}");
    // With --output, stdout is the verdict line alone.
    args.extend(["--output", "report.txt"]);
    let to_file = r.readyctl(&args);
    assert_eq!(to_file.stdout.lines().count(), 1, "{}", to_file.stdout);
}

#[test]
fn colour_follows_force_color_clicolor_force_and_no_color() {
    let r = monorepo();
    let run = |env: &[(&str, &str)], extra: &[&str]| {
        let mut c = bin();
        c.args(check_args("mono/svc", "human"))
            .args(extra)
            .current_dir(r.path());
        for (k, v) in env {
            c.env(k, v);
        }
        let out = c.output().unwrap();
        String::from_utf8_lossy(&out.stdout).contains("\u{1b}[")
    };
    assert!(!run(&[], &[]), "a pipe is not coloured");
    assert!(run(&[("FORCE_COLOR", "1")], &[]));
    assert!(run(&[("CLICOLOR_FORCE", "1")], &[]));
    assert!(!run(&[("FORCE_COLOR", "0")], &[]));
    assert!(!run(&[("FORCE_COLOR", "1"), ("NO_COLOR", "1")], &[]));
    assert!(!run(&[("FORCE_COLOR", "1")], &["--color", "never"]));
    assert!(run(&[], &["--color", "always"]));
}

// ------------------------------------------------------------- Markdown

/// The text a Markdown renderer shows for `md` (GFM tables and
/// strikethrough on), and whether it opened emphasis, links, HTML or
/// strikethrough anywhere.
fn rendered(md: &str) -> (String, Vec<String>) {
    let mut text = String::new();
    let mut markup = Vec::new();
    let opts = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH;
    for e in Parser::new_ext(md, opts) {
        match e {
            Event::Text(t) | Event::Code(t) => text.push_str(&t),
            Event::SoftBreak | Event::HardBreak => text.push(' '),
            Event::Html(h) | Event::InlineHtml(h) => markup.push(format!("html {h}")),
            Event::Start(
                t @ (Tag::Emphasis
                | Tag::Strikethrough
                | Tag::Link { .. }
                | Tag::Image { .. }
                | Tag::Heading { .. }
                | Tag::List(_)
                | Tag::BlockQuote(_)),
            ) => markup.push(format!("{t:?}")),
            _ => {}
        }
    }
    (text, markup)
}

#[test]
fn markdown_message_text_renders_literally() {
    use readyctl::report::markdown::escape_text;
    for s in [
        "ignore *.tfstate* and _build_ files",
        "<b>ops</b> & <!-- c --> &amp;",
        "[link](http://example.com) ![img](x.png) ~~gone~~",
        "# not a heading",
        "- not a list",
        "+ not a list",
        "1. not a list",
        "3) not a list",
        "> not a quote",
        "a \\ backslash and a | pipe",
        "a stray ` backtick",
    ] {
        let (text, markup) = rendered(&escape_text(s));
        assert!(markup.is_empty(), "{s:?} opened {markup:?}");
        assert_eq!(text, s, "{s:?} rendered differently");
    }
    // Code spans a message marks stay code, their content literal.
    let (text, markup) = rendered(&escape_text("`x.pem` is not ignored (add `*.pem`)"));
    assert!(markup.is_empty());
    assert_eq!(text, "x.pem is not ignored (add *.pem)");
}

#[test]
fn markdown_report_shows_the_gitignore_fix_literally() {
    let r = Repo::git();
    r.write(".gitignore", "node_modules/\n");
    r.commit("init");
    let out = r.readyctl(&[
        "check",
        "--only",
        "secrets.gitignore",
        "--format",
        "markdown",
        "--fail-on",
        "warning",
        "--offline",
        "--no-progress",
    ]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    let (text, markup) = rendered(&out.stdout);
    let unexpected: Vec<&String> = markup
        .iter()
        .filter(|m| !m.starts_with("Heading") && !m.starts_with("List"))
        .collect();
    assert!(unexpected.is_empty(), "{unexpected:?}\n{}", out.stdout);
    assert!(
        text.contains("ignore .env, *.tfstate*, *.pem, *.key and .terraform/"),
        "{text}"
    );
}

// ------------------------------------------------------------- man pages

#[test]
fn man_dir_writes_every_page_the_top_page_refers_to() {
    let dir = tempfile::tempdir().unwrap();
    let out = bin()
        .args(["man", "--dir"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(out.status.success());
    let top = std::fs::read_to_string(dir.path().join("readyctl.1")).unwrap();
    assert!(
        top.starts_with(".ie") || top.contains(".TH readyctl 1"),
        "{top}"
    );
    let refs: BTreeSet<String> = top
        .split(|c: char| c.is_whitespace())
        .filter_map(|w| w.strip_prefix("readyctl\\-"))
        .filter_map(|w| w.strip_suffix("(1)"))
        .map(|w| w.replace("\\-", "-"))
        .collect();
    assert!(refs.len() >= 10, "{refs:?}");
    assert!(!refs.contains("help"));
    for name in &refs {
        let page = dir.path().join(format!("readyctl-{name}.1"));
        assert!(
            page.is_file(),
            "readyctl.1 refers to {} (missing)",
            page.display()
        );
    }
    let written: BTreeSet<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(written.len(), refs.len() + 1, "{written:?}");
    let check_page = std::fs::read_to_string(dir.path().join("readyctl-check.1")).unwrap();
    for flag in [
        "format",
        "output",
        "fail\\-on",
        "only",
        "skip",
        "offline",
        "history",
        "sync\\-checklist",
        "no\\-progress",
        "report",
        "quiet",
    ] {
        assert!(
            check_page.contains(&format!("\\-\\-{flag}")),
            "readyctl-check.1 lacks --{flag}"
        );
    }
    // `readyctl man` alone still prints the top page.
    let printed = bin().arg("man").output().unwrap();
    assert_eq!(String::from_utf8_lossy(&printed.stdout), top);
}

// ------------------------------------------------------------- SARIF

fn sarif_of(r: &Repo, extra: &[&str]) -> Value {
    let mut args = check_args(".", "sarif");
    args.extend_from_slice(extra);
    let out = r.readyctl(&args);
    assert!(out.code <= 1, "{}", out.stderr);
    let v: Value = serde_json::from_str(&out.stdout).unwrap();
    assert_valid_sarif(&v);
    v
}

fn rule<'a>(log: &'a Value, id: &str) -> &'a Value {
    log["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == id)
        .unwrap_or_else(|| panic!("no rule {id}"))
}

#[test]
fn sarif_ranks_secrets_rules_as_security_and_links_their_docs() {
    let r = Repo::git();
    r.write("README.md", "# x\n");
    r.commit("init");
    let log = sarif_of(&r, &[]);
    let secrets = rule(&log, "secrets.none-committed");
    let tags = secrets["properties"]["tags"].as_array().unwrap();
    assert!(tags.contains(&Value::from("security")), "{tags:?}");
    assert_eq!(secrets["properties"]["security-severity"], "9.5");
    assert_eq!(
        rule(&log, "secrets.sensitive-files")["properties"]["security-severity"],
        "8.0"
    );
    let docs = rule(&log, "docs.runbook");
    assert!(docs["properties"].get("security-severity").is_none());
    assert!(
        !docs["properties"]["tags"]
            .as_array()
            .unwrap()
            .contains(&Value::from("security"))
    );
    let help = docs["helpUri"].as_str().expect("helpUri");
    let repo = env!("CARGO_PKG_REPOSITORY");
    assert!(help.starts_with(repo), "{help}");
    // The anchor is a heading of docs/checks.md as GitHub slugs it.
    let anchor = help.split('#').nth(1).unwrap();
    let docs_md = std::fs::read_to_string(crate_root().join("docs/checks.md")).unwrap();
    let heading = docs_md
        .lines()
        .find(|l| l.starts_with("### docs.runbook"))
        .unwrap();
    assert_eq!(
        readyctl::check::docs::anchor(heading.trim_start_matches("### ")),
        anchor
    );
}

#[test]
fn sarif_anchors_repository_results_at_files_that_exist() {
    // No readyctl.yaml, no checklist: the README.
    let r = Repo::git();
    r.write("README.md", "# x\n");
    r.write("src/main.rs", "fn main() {}\n");
    r.commit("init");
    let log = sarif_of(&r, &[]);
    let uris = sarif_uris(&log);
    assert!(uris.contains(&"README.md".to_string()), "{uris:?}");
    assert_exist(r.path(), &uris, "sarif");
    assert!(!uris.contains(&"deployment-readiness.md".to_string()));

    // In a subdirectory, the anchor is the service's own file, named from the top.
    let m = monorepo();
    let out = m.readyctl(&check_args("mono/svc", "sarif"));
    let log: Value = serde_json::from_str(&out.stdout).unwrap();
    let results = log["runs"][0]["results"].as_array().unwrap();
    let repo_level: Vec<&Value> = results
        .iter()
        .filter(|r| r["properties"]["scope"] == "repository")
        .collect();
    assert!(!repo_level.is_empty());
    for res in repo_level {
        assert_eq!(
            res["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            "mono/svc/deployment-readiness.md"
        );
    }
}

#[test]
fn sarif_keeps_baselined_secrets_as_suppressed_results() {
    let r = Repo::git();
    let key = fake_key();
    r.write("README.md", "# x\n");
    r.write("config/app.ini", format!("aws_access_key_id = {key}\n"));
    r.commit("leak");
    let before = sarif_of(&r, &["--only", "secrets.none-committed"]);
    let open: Vec<&Value> = before["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .collect();
    assert_eq!(open.len(), 1, "{before:#}");
    assert!(open[0].get("suppressions").is_none());

    let b = r.readyctl(&["baseline"]);
    assert_eq!(b.code, 0, "{}", b.stderr);
    let after = sarif_of(&r, &["--only", "secrets.none-committed"]);
    let results = after["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), 1, "{after:#}");
    let s = &results[0];
    assert_eq!(s["suppressions"][0]["kind"], "external");
    assert!(
        s["suppressions"][0]["justification"]
            .as_str()
            .unwrap()
            .contains(".readyctl-baseline.json")
    );
    assert_eq!(
        s["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "config/app.ini"
    );
    // The same alert: code scanning closes it as dismissed, not fixed.
    assert_eq!(s["partialFingerprints"], open[0]["partialFingerprints"]);
    let text = serde_json::to_string(&after).unwrap();
    assert!(!text.contains(&key), "the secret is never printed whole");

    let (json, code) = r.check_json(&["--only", "secrets.none-committed"]);
    assert_eq!(code, 0);
    let c = check(&json, "secrets.none-committed");
    assert_eq!(c["status"], "pass");
    assert_eq!(c["suppressed"][0]["kind"], "external");
    assert_eq!(c["suppressed"][0]["path"], "config/app.ini");
}

// ------------------------------------------------------------- the Action

fn script(name: &str) -> PathBuf {
    crate_root().join("scripts/action").join(name)
}

#[test]
fn action_gate_script_runs_once_and_never_expands_a_glob() {
    let dir = tempfile::tempdir().unwrap();
    let work = dir.path();
    std::fs::write(work.join("terraform.tfvars"), "region = \"eu\"\n").unwrap();
    std::fs::write(work.join("main.tf"), "terraform {}\n").unwrap();
    let outputs = work.join("gh-output");
    let summary = work.join("gh-summary");
    std::fs::write(&summary, "").unwrap();
    let exe = assert_cmd::cargo::cargo_bin("readyctl");
    let out = Command::new("bash")
        .arg("-x")
        .arg(script("run.sh"))
        .current_dir(work)
        .env("READYCTL_BIN", &exe)
        .env("INPUT_PATH", ".")
        .env("INPUT_FORMAT", "github")
        .env("INPUT_FAIL_ON", "error")
        .env("INPUT_ARGS", "--offline --skip terraform.*")
        .env("INPUT_SUMMARY", "true")
        .env("INPUT_UPLOAD_SARIF", "true")
        .env("INPUT_SARIF_FILE", "readyctl.sarif")
        .env("GITHUB_OUTPUT", &outputs)
        .env("GITHUB_STEP_SUMMARY", &summary)
        .env("RUNNER_TEMP", work)
        .env_remove("NO_COLOR")
        .output()
        .unwrap();
    let trace = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{trace}");
    let calls: Vec<&str> = trace
        .lines()
        .filter(|l| l.starts_with("+ ") && l.contains(&format!("{} check", exe.display())))
        .collect();
    assert_eq!(calls.len(), 1, "readyctl runs once:\n{trace}");
    assert!(calls[0].contains("--skip 'terraform.*'"), "{}", calls[0]);
    assert!(!calls[0].contains("terraform.tfvars"), "{}", calls[0]);
    assert!(
        calls[0].contains("--report sarif=readyctl.sarif"),
        "{}",
        calls[0]
    );

    let gh_output = std::fs::read_to_string(&outputs).unwrap();
    assert!(gh_output.contains("exit-code=1"), "{gh_output}");
    assert!(gh_output.contains("ready=false"));
    let sarif: Value =
        serde_json::from_str(&std::fs::read_to_string(work.join("readyctl.sarif")).unwrap())
            .unwrap();
    assert_valid_sarif(&sarif);
    let rules = sarif["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap();
    assert!(!rules.is_empty());
    assert!(
        rules
            .iter()
            .all(|r| !r["id"].as_str().unwrap().starts_with("terraform.")),
        "terraform.* skipped"
    );
    let md = std::fs::read_to_string(&summary).unwrap();
    assert!(md.starts_with("## readyctl: ❌ NOT READY"), "{md}");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("::error "),
        "annotations on stdout: {stdout}"
    );
}

/// A one-thread HTTP server on 127.0.0.1 serving the files of `dir`.
fn serve(dir: PathBuf) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut line = String::new();
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            if reader.read_line(&mut line).is_err() {
                continue;
            }
            loop {
                let mut h = String::new();
                if reader.read_line(&mut h).unwrap_or(0) == 0 || h == "\r\n" {
                    break;
                }
            }
            let path = line.split_whitespace().nth(1).unwrap_or("/");
            let file = dir.join(path.trim_start_matches('/'));
            let _ = match std::fs::read(&file) {
                Ok(body) => stream
                    .write_all(
                        format!(
                            "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                            body.len()
                        )
                        .as_bytes(),
                    )
                    .and_then(|_| stream.write_all(&body)),
                Err(_) => stream.write_all(
                    b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
                ),
            };
        }
    });
    format!("http://{addr}")
}

fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[test]
fn action_install_script_verifies_the_release_checksum() {
    let version = env!("CARGO_PKG_VERSION");
    let target = "x86_64-unknown-linux-musl";
    let releases = tempfile::tempdir().unwrap();
    let rel = releases.path().join(format!("v{version}"));
    let name = format!("readyctl-{version}-{target}");
    std::fs::create_dir_all(rel.join(&name)).unwrap();
    std::fs::copy(
        assert_cmd::cargo::cargo_bin("readyctl"),
        rel.join(&name).join("readyctl"),
    )
    .unwrap();
    let archive = format!("{name}.tar.gz");
    let tar = Command::new("tar")
        .args(["-czf", &archive, &name])
        .current_dir(&rel)
        .status()
        .unwrap();
    assert!(tar.success());
    let digest = sha256_hex(&std::fs::read(rel.join(&archive)).unwrap());
    let url = serve(releases.path().to_path_buf());

    let install = |sums: &str| {
        std::fs::write(rel.join("SHA256SUMS"), sums).unwrap();
        let temp = tempfile::tempdir().unwrap();
        let outputs = temp.path().join("gh-output");
        let out = Command::new("bash")
            .arg(script("install.sh"))
            .env("READYCTL_RELEASES_URL", &url)
            .env("RUNNER_OS", "Linux")
            .env("RUNNER_ARCH", "X64")
            .env("RUNNER_TEMP", temp.path())
            .env("GITHUB_OUTPUT", &outputs)
            .env_remove("READYCTL_BUILD_FROM_SOURCE")
            .output()
            .unwrap();
        let log = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        let bin_line = std::fs::read_to_string(&outputs).unwrap_or_default();
        (out.status.code().unwrap_or(-1), log, bin_line, temp)
    };

    let (code, log, bin_line, _temp) = install(&format!("{digest}  {archive}\n"));
    assert_eq!(code, 0, "{log}");
    assert!(log.contains("SHA-256 verified"), "{log}");
    let installed = bin_line.trim().strip_prefix("bin=").expect("bin= output");
    let v = Command::new(installed).arg("--version").output().unwrap();
    assert_eq!(
        String::from_utf8_lossy(&v.stdout).trim(),
        format!("readyctl {version}")
    );

    let wrong = sha256_hex(b"something else");
    let (code, log, bin_line, _temp) = install(&format!("{wrong}  {archive}\n"));
    assert_eq!(code, 1, "{log}");
    assert!(log.contains("SHA-256 of"), "{log}");
    assert!(bin_line.is_empty(), "nothing installed on a mismatch");

    // No release for this platform: a clear error unless building is asked for.
    std::fs::remove_file(rel.join(&archive)).unwrap();
    let (code, log, _, _temp) = install(&format!("{digest}  {archive}\n"));
    assert_eq!(code, 1, "{log}");
    assert!(log.contains("build-from-source"), "{log}");
}

// ------------------------------------------------------------- pre-commit

#[test]
fn pre_commit_hooks_run_in_the_default_stage_from_a_locked_build() {
    let text = std::fs::read_to_string(crate_root().join(".pre-commit-hooks.yaml")).unwrap();
    let hooks: Vec<Value> = serde_saphyr::from_str(&text).expect("YAML");
    let ids: Vec<&str> = hooks.iter().map(|h| h["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["readyctl", "readyctl-docs"]);
    for h in &hooks {
        // No `stages`: `pre-commit install` (the default stage) runs them.
        assert!(h.get("stages").is_none(), "{h}");
        assert_eq!(h["language"], "python", "{h}");
        assert_eq!(h["pass_filenames"], false);
        assert!(h["entry"].as_str().unwrap().starts_with("readyctl check"));
    }
    // pip builds the hook with maturin from Cargo.lock.
    let pyproject = std::fs::read_to_string(crate_root().join("pyproject.toml")).unwrap();
    assert!(pyproject.contains("bindings = \"bin\""));
    assert!(pyproject.contains("locked = true"));
}
