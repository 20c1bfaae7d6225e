//! Files readyctl writes (init, scaffold, --output, --report, baseline) get
//! the user's umask over 0666, not the 0600 of the temporary file they are
//! written through; a file that is replaced keeps its mode.

use std::os::unix::fs::PermissionsExt;

use super::repo;

/// Run `readyctl ARGS` under `umask` in `dir`.
fn under_umask(dir: &std::path::Path, umask: &str, args: &[&str]) -> i32 {
    let bin = assert_cmd::cargo::cargo_bin("readyctl");
    let mut cmd = std::process::Command::new("sh");
    cmd.arg("-c")
        .arg(format!("umask {umask} && exec \"$0\" \"$@\""))
        .arg(bin)
        .args(args)
        .current_dir(dir)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1");
    let out = cmd.output().expect("sh runs");
    out.status.code().unwrap_or(-1)
}

fn mode(dir: &std::path::Path, rel: &str) -> u32 {
    std::fs::metadata(dir.join(rel))
        .unwrap_or_else(|e| panic!("{rel}: {e}"))
        .permissions()
        .mode()
        & 0o777
}

#[test]
fn written_files_get_the_umask_not_0600() {
    for (umask, want) in [("022", 0o644), ("027", 0o640)] {
        let r = repo();
        let d = r.path();
        assert_eq!(under_umask(d, umask, &["init", "."]), 0);
        assert_eq!(under_umask(d, umask, &["scaffold", "runbook", "."]), 0);
        let code = under_umask(
            d,
            umask,
            &[
                "check",
                ".",
                "--offline",
                "--no-progress",
                "--format",
                "json",
                "--output",
                "out/report.json",
                "--report",
                "sarif=out/report.sarif",
            ],
        );
        assert!(matches!(code, 0 | 1), "check: {code}");
        assert_eq!(under_umask(d, umask, &["baseline", "."]), 0);
        for rel in [
            "readyctl.yaml",
            "deployment-readiness.md",
            "docs/RUNBOOK.md",
            "out/report.json",
            "out/report.sarif",
            ".readyctl-baseline.json",
        ] {
            assert_eq!(mode(d, rel), want, "{rel} under umask {umask}");
        }
    }
}

#[test]
fn a_replaced_file_keeps_its_mode() {
    let r = repo();
    let d = r.path();
    r.write("report.json", "old\n");
    std::fs::set_permissions(
        d.join("report.json"),
        std::fs::Permissions::from_mode(0o600),
    )
    .unwrap();
    let code = under_umask(
        d,
        "022",
        &[
            "check",
            ".",
            "--offline",
            "--no-progress",
            "--format",
            "json",
            "--output",
            "report.json",
        ],
    );
    assert!(matches!(code, 0 | 1));
    assert_ne!(r.read("report.json"), "old\n");
    assert_eq!(mode(d, "report.json"), 0o600);
}
