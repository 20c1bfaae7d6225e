//! `ci.security-scan`: some CI job runs a security scanner.

use std::sync::LazyLock;

use regex::Regex;

use crate::check::{Check, CheckMeta, Context, Outcome};
use crate::findings::Severity;
use crate::views::ci::CiModel;

const EXPLAIN: &str = r#"
## What it checks
That some CI job runs a security scanner — dependency audit, SAST, secret,
IaC or container scanning: `cargo audit`, `cargo deny`, `npm|yarn|pnpm
audit`, `pip-audit`, `safety`, `bundle audit`, `govulncheck`, `trivy`,
`grype`, `checkov`, `tfsec`, `terrascan`, `kics`, `semgrep`, CodeQL
(`github/codeql-action`), `zizmor`, `gitleaks`, `trufflehog`, `snyk`,
`osv-scanner`, OWASP `dependency-check`, `bandit`, `gosec`, `brakeman`,
`actions/dependency-review-action`, or GitLab's `Security/*` templates and
SAST / secret-detection / dependency-scanning components. `readyctl` itself
does not count: it checks readiness, it does not scan dependencies.

## Why it matters
Known-vulnerable dependencies, leaked credentials and misconfigured
infrastructure are the cheapest incidents to prevent: the scanners exist and
run in seconds. A pipeline that never runs one ships them.

## How to fix
Add a scanning job for your stack (for example `cargo deny check`,
`npm audit --audit-level=high`, `trivy fs .`, `checkov -d infra/`), or run
`readyctl scaffold ci`.

## Example
```yaml
  audit:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2
      - run: cargo deny check advisories
```
"#;

pub(super) fn check() -> Box<dyn Check> {
    super::check(
        CheckMeta::define("ci.security-scan")
            .title("CI runs a security scanner")
            .severity(Severity::Warning)
            .explain(EXPLAIN)
            .fix("add a CI job that runs a dependency, SAST, IaC or container scanner")
            .scaffold("ci")
            .build(),
        run,
    )
}

static SCANNER: LazyLock<Regex> = LazyLock::new(|| {
    super::re(concat!(
        r"(?i)\bcargo[ -](audit|deny)\b|\b(npm|yarn|pnpm)\s+(npm\s+)?audit\b|\bpip-audit\b|\bsafety\s+(check|scan)\b",
        r"|\bbundle(r)?[ -]audit\b|\bgovulncheck\b|\btrivy\b|\bgrype\b|\bcheckov\b|\btfsec\b|\bterrascan\b",
        r"|\bkics\b|\bsemgrep\b|\bcodeql\b|\bzizmor\b|\bgitleaks\b|\btrufflehog\b|\bsnyk\b|\bosv-scanner\b",
        r"|\bdependency-check\b|\bbandit\b|\bgosec\b|\bbrakeman\b|dependency-review-action|anchore/scan-action",
        r"|template:\s*(Security|Jobs)/(SAST|Secret-Detection|Dependency-Scanning|Container-Scanning|DAST|SAST-IaC)",
        r"|components/(sast|secret-detection|dependency-scanning|container-scanning)\b",
    ))
});

/// Does `line` run a security scanner? (`readyctl` lines never count.)
///
/// The scanner must be what runs: an action reference
/// (`github/codeql-action/analyze@v3`), a GitLab template, or the program of
/// one of the line's commands (`trivy fs .`, `cargo audit`, `python -m
/// bandit`, `docker run aquasec/trivy`) — never a path or URL that merely
/// contains its name (`rm -rf /opt/hostedtoolcache/CodeQL`).
pub fn is_scan_command(line: &str) -> bool {
    let l = line.trim();
    if l.to_ascii_lowercase().contains("readyctl") {
        return false;
    }
    let action_ref = !l.contains(char::is_whitespace) && l.contains('/') && l.contains('@');
    if action_ref
        || l.starts_with("template:")
        || l.starts_with("- template:")
        || l.contains("components/")
    {
        return SCANNER.is_match(l);
    }
    l.split(['&', '|', ';', '(', ')', '`'])
        .filter_map(program_and_args)
        .any(|cmd| SCANNER.find(&cmd).is_some_and(|m| m.start() == 0))
}

/// The command a shell fragment runs, from its program on: leading
/// `VAR=value`, `sudo`, `exec`, `time`, `env`, `npx`/`pipx run`/`uvx`,
/// `python -m`, `docker run [flags]` are looked through; the program is
/// named by its file name (`./bin/trivy` is `trivy`).
fn program_and_args(fragment: &str) -> Option<String> {
    /// `docker run` options that take a value as the next word.
    const VALUE_FLAGS: &[&str] = &[
        "-v",
        "--volume",
        "-w",
        "--workdir",
        "-e",
        "--env",
        "--env-file",
        "--name",
        "--network",
        "-p",
        "--publish",
        "--entrypoint",
        "-u",
        "--user",
        "--platform",
        "--mount",
        "-l",
        "--label",
    ];
    let container = fragment
        .split_whitespace()
        .any(|w| matches!(w, "docker" | "podman" | "nerdctl"));
    let mut words = fragment.split_whitespace().peekable();
    while let Some(&w) = words.peek() {
        let skip = matches!(
            w,
            "sudo"
                | "exec"
                | "time"
                | "env"
                | "npx"
                | "pipx"
                | "uvx"
                | "bunx"
                | "run"
                | "-m"
                | "-y"
                | "--yes"
        ) || (w.contains('=') && !w.starts_with('-'))
            || matches!(w, "python" | "python3" | "docker" | "podman" | "nerdctl")
            || (w.starts_with('-') && container);
        if !skip {
            break;
        }
        words.next();
        if container && VALUE_FLAGS.contains(&w) {
            words.next();
        }
    }
    let program = words.next()?;
    let name = program.rsplit('/').next().unwrap_or(program);
    let name = name.split([':', '@']).next().unwrap_or(name);
    let rest: Vec<&str> = words.collect();
    Some(if rest.is_empty() {
        name.to_string()
    } else {
        format!("{name} {}", rest.join(" "))
    })
}

fn run(m: &CiModel, _ctx: &Context) -> Outcome {
    // GitLab `include:` templates count though they are not jobs here.
    let include = m
        .jobs
        .iter()
        .find(|j| j.id == "include" && super::job_runs(j, is_scan_command));
    if let Some(j) = include {
        return Outcome::pass(format!("security templates included by {}", m.path(j)));
    }
    if let Some((job, cmd, line)) = super::find_command(m, is_scan_command) {
        return Outcome::pass(format!(
            "job `{}` runs a security scanner ({}:{line})",
            job.name,
            m.command_path(job, cmd)
        ));
    }
    let findings = super::pipeline_findings(m, "no job in this pipeline runs a security scanner");
    Outcome::fail("no CI job runs a security scanner", findings)
}

#[cfg(test)]
mod tests {
    use super::is_scan_command;

    #[test]
    fn recognises_scanners() {
        for c in [
            "cargo audit",
            "cargo deny check",
            "npm audit --audit-level=high",
            "pip-audit -r requirements.txt",
            "trivy fs .",
            "github/codeql-action/analyze@abc",
            "checkov -d infra",
            "zizmor .github/workflows",
            "gitleaks detect",
            "template: Security/SAST.gitlab-ci.yml",
            "python -m bandit -r src",
            "docker run --rm aquasec/trivy:0.56.0 image app",
            "docker run --rm -v \"$PWD:/src\" -w /src aquasec/trivy:0.58.1 config .",
            "GOFLAGS=-mod=mod govulncheck ./...",
            "go build ./... && govulncheck ./...",
            "npx --yes snyk test",
        ] {
            assert!(is_scan_command(c), "{c}");
        }
        for c in [
            "readyctl check --only 'secrets.*'",
            "cargo test",
            "npm ci",
            "echo audit log",
            "rmz -f /opt/hostedtoolcache/CodeQL &",
            "rm -rf /opt/hostedtoolcache/CodeQL",
            "curl -sSfL https://raw.githubusercontent.com/aquasecurity/trivy/main/contrib/install.sh -o install.sh",
        ] {
            assert!(!is_scan_command(c), "{c}");
        }
    }
}
