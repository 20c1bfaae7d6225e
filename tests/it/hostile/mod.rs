//! Issue 13 (hostile input): the situations of the issue built as fixture
//! trees at test time, run through the real binary; the schema and the
//! binary agreeing on invalid configs; property tests over the parsers.
//! Other issue-13 tests live where their area does (core.rs: ignore files,
//! stdout, endpoints, paths outside the root, deep globs; secrets.rs:
//! unreadable and PATH_MAX paths, history; formats.rs: redaction).

mod fifos;
mod modes;
mod props;
mod resources;
mod schema;
mod trees;

use crate::common::Repo;

/// `readyctl ARGS` in `dir`, killed after 60 s (a hang fails the test).
pub fn bounded(dir: &std::path::Path, args: &[&str]) -> crate::common::Run {
    let mut cmd = crate::common::bin();
    cmd.args(args).current_dir(dir);
    let out = assert_cmd::Command::from_std(cmd)
        .timeout(std::time::Duration::from_secs(60))
        .output()
        .expect("readyctl runs");
    crate::common::Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

pub fn mkfifo(path: &std::path::Path) {
    if let Some(d) = path.parent() {
        std::fs::create_dir_all(d).expect("mkdir");
    }
    let ok = std::process::Command::new("mkfifo")
        .arg(path)
        .status()
        .expect("mkfifo runs")
        .success();
    assert!(ok, "mkfifo {}", path.display());
}

/// A git repository with a README.
pub fn repo() -> Repo {
    let r = Repo::git();
    r.write("README.md", "# svc\n");
    r
}

/// A fake GitHub token, built from pieces with the checksum the scanner
/// verifies.
pub fn token() -> String {
    let body = ["q7Lm2Xv9Rt", "4Kp8Wz3Nc6", "Bd1Fh5Jy0G"].concat();
    format!(
        "ghp_{body}{}",
        readyctl::checks::secrets::rules::base62_crc32(body.as_bytes())
    )
}
