//! The engine, CLI, config and report (issue: readyctl core).

use crate::common::*;

#[test]
fn missing_path_is_exit_2() {
    let r = Repo::plain();
    let out = r.readyctl(&["check", "does-not-exist"]);
    assert_eq!(out.code, 2, "{out:?}");
    assert!(
        out.stderr.contains("does-not-exist: no such directory"),
        "{}",
        out.stderr
    );
}

#[test]
fn unknown_config_key_names_file_and_line() {
    let r = Repo::git();
    r.write(
        "readyctl.yaml",
        "version: 1\nchecks:\n  skip: []\n  sevrity: {}\n",
    );
    let out = r.readyctl(&["check", "--no-progress"]);
    assert_eq!(out.code, 2, "{out:?}");
    assert!(out.stderr.contains("readyctl.yaml:4:3"), "{}", out.stderr);
    assert!(out.stderr.contains("sevrity"), "{}", out.stderr);
}
