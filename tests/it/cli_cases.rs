//! The cases of `tests/cli/<case>/{cmd, input/, repo, expected.snap}`:
//! each a run of the real binary on a fixture repository, its human output
//! snapshotted with insta (see `tests/cli/README.md`). Together they show
//! every check passing and failing, as a user reads it.

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::Path;

use crate::common::{Repo, crate_root, run_in};

/// A fake AWS access key id, assembled from pieces.
fn fake_aws_key() -> String {
    ["AK", "IA", "Q7LM2XV4", "RT6KP3WZ"].concat()
}

/// A local HTTP server: `/healthz` answers `200 ok`, anything else `503`.
fn serve() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
    let addr = listener.local_addr().expect("address").to_string();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            std::thread::spawn(move || {
                let mut reader = BufReader::new(&stream);
                let mut request = String::new();
                if reader.read_line(&mut request).is_err() {
                    return;
                }
                // Read the headers to their end.
                let mut line = String::new();
                while reader.read_line(&mut line).is_ok_and(|n| n > 2) {
                    line.clear();
                }
                let (status, body) = if request.starts_with("GET /healthz ") {
                    ("200 OK", "ok")
                } else {
                    ("503 Service Unavailable", "down")
                };
                let _ = write!(
                    &stream,
                    "HTTP/1.1 {status}\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                    body.len()
                );
            });
        }
    });
    addr
}

/// Copy `from` into `to`; `dot-x` path components become `.x`.
fn copy_tree(from: &Path, to: &Path, rename_dots: bool) {
    for entry in std::fs::read_dir(from).expect("read fixture dir") {
        let entry = entry.expect("fixture entry");
        let name = entry.file_name().to_string_lossy().into_owned();
        let name = match name.strip_prefix("dot-") {
            Some(rest) if rename_dots => format!(".{rest}"),
            _ => name,
        };
        let target = to.join(&name);
        if entry.file_type().expect("file type").is_dir() {
            std::fs::create_dir_all(&target).expect("mkdir");
            copy_tree(&entry.path(), &target, rename_dots);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy fixture file");
        }
    }
}

/// Fill in the placeholders of every text file under `dir`.
fn fill(dir: &Path, server: &str) {
    for entry in std::fs::read_dir(dir).expect("read dir") {
        let p = entry.expect("entry").path();
        if p.is_dir() {
            if p.file_name().is_some_and(|n| n != ".git") {
                fill(&p, server);
            }
        } else if let Ok(text) = std::fs::read_to_string(&p)
            && text.contains("@@")
        {
            let text = text
                .replace("@@FAKE_AWS_KEY@@", &fake_aws_key())
                .replace("@@SERVER@@", server);
            std::fs::write(&p, text).expect("write");
        }
    }
}

/// What varies from run to run: the server's port, latencies.
fn normalise(text: &str, server: &str) -> String {
    let port = server.rsplit(':').next().unwrap_or_default();
    let text = text.replace(&format!("127.0.0.1:{port}"), "127.0.0.1:[PORT]");
    let ms = regex::Regex::new(r"\b\d+(\.\d+)? ?ms\b").expect("regex");
    ms.replace_all(&text, "[N] ms").into_owned()
}

fn cases() -> Vec<std::path::PathBuf> {
    let mut out: Vec<_> = std::fs::read_dir(crate_root().join("tests/cli"))
        .expect("tests/cli")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.join("cmd").is_file())
        .collect();
    out.sort();
    out
}

/// Run one case; its shown output.
fn run_case(case: &Path, server: &str) -> (String, String) {
    let cmd = std::fs::read_to_string(case.join("cmd")).expect("cmd");
    let cmd = cmd.trim().to_string();
    let args = shlex::split(&cmd).unwrap_or_else(|| panic!("{}: bad cmd", case.display()));
    let repo = Repo::git();
    if let Ok(from) = std::fs::read_to_string(case.join("repo")) {
        copy_tree(&crate_root().join(from.trim()), repo.path(), false);
    }
    if case.join("input").is_dir() {
        copy_tree(&case.join("input"), repo.path(), true);
    }
    fill(repo.path(), server);
    repo.commit("fixture");
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let r = run_in(repo.path(), &args);
    let shown = format!(
        "exit: {}\n--- stdout\n{}--- stderr\n{}",
        r.code, r.stdout, r.stderr
    );
    (cmd, normalise(&shown, server))
}

#[test]
fn every_case_matches_its_snapshot() {
    let server = serve();
    let mut failed = Vec::new();
    for case in cases() {
        let name = case.file_name().unwrap().to_string_lossy().into_owned();
        let (cmd, shown) = run_case(&case, &server);
        let result = std::panic::catch_unwind(|| {
            insta::with_settings!({
                snapshot_path => case.clone(),
                prepend_module_to_snapshot => false,
                omit_expression => true,
                description => format!("readyctl {cmd}"),
            }, {
                insta::assert_snapshot!("expected", shown);
            });
        });
        if result.is_err() {
            failed.push(name);
        }
    }
    assert!(
        failed.is_empty(),
        "cases whose output changed: {failed:?} (review, then INSTA_UPDATE=always cargo test --test it cli_cases)"
    );
}

/// Every check is shown passing and failing in some snapshot.
#[test]
fn every_check_has_a_passing_and_a_failing_snapshot() {
    let list = run_in(&crate_root(), &["list"]);
    assert_eq!(list.code, 0, "{}", list.stderr);
    let ids: Vec<&str> = list
        .stdout
        .lines()
        .filter_map(|l| l.split_whitespace().next())
        .collect();
    assert!(ids.len() > 20, "{}", list.stdout);
    let mut passing = BTreeSet::new();
    let mut failing = BTreeSet::new();
    for case in cases() {
        let Ok(snap) = std::fs::read_to_string(case.join("expected.snap")) else {
            continue;
        };
        for line in snap.lines() {
            let mut words = line.split_whitespace();
            match (words.next(), words.next()) {
                (Some("✓"), Some(id)) => passing.insert(id.to_string()),
                (Some("✗"), Some(id)) => failing.insert(id.to_string()),
                _ => false,
            };
        }
    }
    let missing: Vec<String> = ids
        .iter()
        .flat_map(|id| {
            let mut m = Vec::new();
            if !passing.contains(*id) {
                m.push(format!("{id} (pass)"));
            }
            if !failing.contains(*id) {
                m.push(format!("{id} (fail)"));
            }
            m
        })
        .collect();
    assert!(
        missing.is_empty(),
        "checks without a snapshot in tests/cli: {missing:?}"
    );
}
