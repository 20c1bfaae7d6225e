//! Fixture repositories and the readyctl command.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

use assert_cmd::cargo::CommandCargoExt;

/// A fixture repository in a temporary directory.
pub struct Repo {
    pub dir: tempfile::TempDir,
}

impl Repo {
    /// An empty directory (not a git repository).
    pub fn plain() -> Repo {
        Repo {
            dir: tempfile::tempdir().expect("tempdir"),
        }
    }

    /// An empty git repository.
    pub fn git() -> Repo {
        let r = Repo::plain();
        r.git_cmd(&["init", "-q", "-b", "main"]);
        r.git_cmd(&["config", "user.email", "test@example.com"]);
        r.git_cmd(&["config", "user.name", "Test"]);
        r.git_cmd(&["config", "commit.gpgsign", "false"]);
        r
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Write `content` to `rel`, creating directories.
    pub fn write(&self, rel: &str, content: impl AsRef<[u8]>) -> &Self {
        let p = self.path().join(rel);
        if let Some(d) = p.parent() {
            std::fs::create_dir_all(d).expect("mkdir");
        }
        std::fs::write(&p, content).expect("write");
        self
    }

    pub fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.path().join(rel)).expect("read")
    }

    pub fn exists(&self, rel: &str) -> bool {
        self.path().join(rel).exists()
    }

    /// Run git in the repository; panics on failure.
    pub fn git_cmd(&self, args: &[&str]) -> String {
        let out = Command::new("git")
            .args(args)
            .current_dir(self.path())
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .output()
            .expect("git runs");
        assert!(
            out.status.success(),
            "git {args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// `git add -A && git commit`.
    pub fn commit(&self, message: &str) {
        self.git_cmd(&["add", "-A"]);
        self.git_cmd(&["commit", "-q", "-m", message, "--allow-empty"]);
    }

    /// `readyctl ARGS` with the repository as working directory.
    pub fn readyctl(&self, args: &[&str]) -> Run {
        run_in(self.path(), args)
    }

    /// `readyctl check --format json --offline --no-progress [extra]` on the repo.
    pub fn check_json(&self, extra: &[&str]) -> (serde_json::Value, i32) {
        let mut args = vec!["check", "--format", "json", "--offline", "--no-progress"];
        args.extend_from_slice(extra);
        let r = self.readyctl(&args);
        let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap_or_else(|e| {
            panic!(
                "JSON report: {e}\nstdout: {}\nstderr: {}",
                r.stdout, r.stderr
            )
        });
        (v, r.code)
    }
}

/// The result of one run of the binary.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

pub fn bin() -> Command {
    let mut c = Command::cargo_bin("readyctl").expect("binary built");
    c.env_remove("NO_COLOR")
        .env_remove("FORCE_COLOR")
        .env_remove("CLICOLOR_FORCE")
        .env_remove("CLICOLOR")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1");
    c
}

pub fn run_in(dir: &Path, args: &[&str]) -> Run {
    let out = bin()
        .args(args)
        .current_dir(dir)
        .output()
        .expect("readyctl runs");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// The entry for check `id` in a JSON report.
pub fn check<'a>(report: &'a serde_json::Value, id: &str) -> &'a serde_json::Value {
    report["checks"]
        .as_array()
        .expect("checks array")
        .iter()
        .find(|c| c["id"] == id)
        .unwrap_or_else(|| panic!("check {id} not in report: {report:#}"))
}

/// The status of check `id` in a JSON report.
pub fn status(report: &serde_json::Value, id: &str) -> String {
    check(report, id)["status"]
        .as_str()
        .unwrap_or_default()
        .to_string()
}

/// `(path, line)` of every finding of check `id`.
pub fn finding_locations(report: &serde_json::Value, id: &str) -> Vec<(String, u64)> {
    check(report, id)["findings"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|f| {
                    (
                        f["path"].as_str().unwrap_or_default().to_string(),
                        f["line"].as_u64().unwrap_or(0),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

/// The repository root of this crate (for the bundled example).
pub fn crate_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Run only check `id` on `repo` (offline, JSON) and return its status,
/// message, finding locations and finding messages.
pub fn check_summary(repo: &Repo, id: &str) -> (String, String, Vec<(String, u64)>, Vec<String>) {
    let (v, _) = repo.check_json(&["--only", id]);
    let c = check(&v, id);
    let msgs = c["findings"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|f| f["message"].as_str().unwrap_or_default().to_string())
                .collect()
        })
        .unwrap_or_default();
    (
        status(&v, id),
        c["message"].as_str().unwrap_or_default().to_string(),
        finding_locations(&v, id),
        msgs,
    )
}
