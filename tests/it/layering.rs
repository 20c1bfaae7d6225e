//! The data path, enforced: checks, renderers and scaffolds read the index
//! and its views; they never touch the filesystem or parse a file format
//! themselves (docs/ARCHITECTURE.md). A grep over the sources, failing
//! with each offending `file:line`.

use std::path::Path;

use crate::common::crate_root;

/// Where the filesystem is not touched (under src/).
const FILESYSTEM_DIRS: &[&str] = &[
    "checks",
    "report",
    "declarative/rules.rs",
    "check",
    "scaffold",
];

/// Where no file format is parsed (under src/).
const PARSER_DIRS: &[&str] = &[
    "checks",
    "declarative/rules.rs",
    "check",
    "report",
    "scaffold",
];

/// Filesystem and process access.
const FILESYSTEM: &[&str] = &[
    "std::fs",
    "fs::",
    "File::open",
    "File::create",
    "OpenOptions",
    "read_to_string(",
    "read_dir(",
    "canonicalize(",
    "symlink_metadata(",
    "std::process",
    "Command::new(",
    ".is_file()",
    ".is_dir()",
    ".exists()",
    "metadata(",
];

/// Parsers of file formats (writing one, as renderers do, is fine).
const PARSERS: &[&str] = &[
    "serde_json::from_",
    "serde_saphyr::from",
    "hcl::edit::parser",
    "hcl::from_",
    "hcl::parse",
    "pulldown_cmark::Parser",
    "quick_xml::Reader",
    "quick_xml::de",
];

/// Exceptions, each with its reason: (path under src/, pattern).
const ALLOWED: &[(&str, &str, &str)] = &[
    (
        "checks/secrets/baseline.rs",
        "",
        "the secrets baseline is an input file named by readyctl.yaml, read and parsed when the scan starts",
    ),
    (
        "checks/secrets/history.rs",
        "",
        "--history reads git's object store, which the index does not hold",
    ),
    (
        "checks/secrets/packs.rs",
        "",
        "--history reads git's pack files directly (decoded delta chains cached per thread)",
    ),
    (
        "checks/secrets/none_committed.rs",
        "std::fs::read(",
        "the secret scan reads the raw bytes of every file, binary ones included",
    ),
    (
        "scaffold/write.rs",
        "",
        "the one place a scaffold writes (repo::safe_fs::write_atomic); it stats and reads the file it replaces, to compare it and never write through a symlink, FIFO or directory",
    ),
    (
        "scaffold/tf_merge.rs",
        "hcl::edit::parser",
        "an edit needs hcl-edit's editable tree with byte spans, which the read-only Terraform view does not keep; the text comes from the index",
    ),
    (
        "scaffold/tests.rs",
        "",
        "the scaffold's unit tests (a #[cfg(test)] module): they build fixture repositories on disk and parse what the templates render",
    ),
];

fn rs_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for e in std::fs::read_dir(dir).expect("read src") {
        let p = e.expect("entry").path();
        if p.is_dir() {
            rs_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// `file:line: text` of every line of `dirs` (under src/) using one of
/// `patterns`, outside comments and `#[cfg(test)]` modules, and not allowed.
fn offenders(src: &Path, dirs: &[&str], patterns: &[&str]) -> Vec<String> {
    let mut files = Vec::new();
    for d in dirs {
        let p = src.join(d);
        if p.is_dir() {
            rs_files(&p, &mut files);
        } else {
            files.push(p);
        }
    }
    files.sort();
    let mut out = Vec::new();
    for f in files {
        let rel = f
            .strip_prefix(src)
            .expect("under src")
            .to_string_lossy()
            .replace('\\', "/");
        let text = std::fs::read_to_string(&f).expect("read source");
        for (i, line) in text.lines().enumerate() {
            let code = line.trim_start();
            if code.starts_with("#[cfg(test)]") {
                break;
            }
            if code.starts_with("//") {
                continue;
            }
            for pat in patterns {
                if !code.contains(pat) {
                    continue;
                }
                let allowed = ALLOWED
                    .iter()
                    .any(|(p, what, _)| *p == rel && (what.is_empty() || code.contains(what)));
                if !allowed {
                    out.push(format!("src/{rel}:{}: {}", i + 1, code));
                }
                break;
            }
        }
    }
    out
}

#[test]
fn checks_and_renderers_never_touch_the_filesystem() {
    let found = offenders(&crate_root().join("src"), FILESYSTEM_DIRS, FILESYSTEM);
    assert!(
        found.is_empty(),
        "filesystem access outside the index (read the index or a view instead):\n{}",
        found.join("\n")
    );
}

#[test]
fn checks_never_parse_a_format_themselves() {
    let found = offenders(&crate_root().join("src"), PARSER_DIRS, PARSERS);
    assert!(
        found.is_empty(),
        "a check parsing a file format (read a view of src/views/ instead):\n{}",
        found.join("\n")
    );
}

/// Files that once read formats with regexes and line scans and now read
/// only the views (the Kubernetes and Terraform models, the YAML tree, the
/// Dockerfile view): no regex, no line scan, no parser of their own.
const VIEWS_ONLY: &[&str] = &["checks/health/declared.rs"];

/// Ad-hoc reading of a format's text.
const AD_HOC: &[&str] = &["Regex", "regex::", ".lines()", "split('\\n')"];

#[test]
fn view_readers_never_scan_text_themselves() {
    let patterns: Vec<&str> = AD_HOC.iter().chain(PARSERS).copied().collect();
    let found = offenders(&crate_root().join("src"), VIEWS_ONLY, &patterns);
    assert!(
        found.is_empty(),
        "a view reader scanning text itself (read the Kubernetes or Terraform model, the YAML tree or the Dockerfile view):\n{}",
        found.join("\n")
    );
}

/// The grep can fail: planted offences are reported at their line, while
/// comments, test modules and allowed uses are not.
#[test]
fn the_grep_reports_planted_offences_at_their_line() {
    let src = tempfile::tempdir().expect("tempdir");
    let write = |rel: &str, text: &str| {
        let p = src.path().join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    };
    write(
        "checks/docs/runbook.rs",
        "// std::fs in a comment\nfn run() {\n    let t = std::fs::read_to_string(p);\n    let v: V = serde_json::from_str(&t);\n}\n#[cfg(test)]\nmod tests { fn f() { std::fs::write(p, x); } }\n",
    );
    write(
        "checks/secrets/none_committed.rs",
        "fn scan() { let b = std::fs::read(&f.abs); }\n",
    );
    // Every listed place exists, so that the real lists can be used.
    for d in FILESYSTEM_DIRS.iter().chain(PARSER_DIRS) {
        let rel = if d.ends_with(".rs") {
            d.to_string()
        } else {
            format!("{d}/clean.rs")
        };
        if !src.path().join(&rel).exists() {
            write(&rel, "fn clean() {}\n");
        }
    }
    // The scaffold: a kind listing a folder itself is caught; the writer
    // and tf_merge's allowed parse are not, but tf_merge reading a file is.
    write(
        "scaffold/kinds/records.rs",
        "fn next() {\n    for e in std::fs::read_dir(dir) {}\n}\n",
    );
    write(
        "scaffold/write.rs",
        "fn apply() { let m = std::fs::symlink_metadata(&abs); }\n",
    );
    write(
        "scaffold/tf_merge.rs",
        "fn merge() {\n    let b = hcl::edit::parser::parse_body(t);\n    let t = std::fs::read_to_string(p);\n}\n",
    );
    assert_eq!(
        offenders(src.path(), FILESYSTEM_DIRS, FILESYSTEM),
        vec![
            "src/checks/docs/runbook.rs:3: let t = std::fs::read_to_string(p);",
            "src/scaffold/kinds/records.rs:2: for e in std::fs::read_dir(dir) {}",
            "src/scaffold/tf_merge.rs:3: let t = std::fs::read_to_string(p);",
        ]
    );
    assert_eq!(
        offenders(src.path(), PARSER_DIRS, PARSERS),
        vec!["src/checks/docs/runbook.rs:4: let v: V = serde_json::from_str(&t);"]
    );
    write(
        "checks/health/declared.rs",
        "use crate::yaml;\nfn scan(text: &str) {\n    for l in text.lines() {}\n}\n",
    );
    assert_eq!(
        offenders(src.path(), VIEWS_ONLY, AD_HOC),
        vec!["src/checks/health/declared.rs:3: for l in text.lines() {}"]
    );
}
