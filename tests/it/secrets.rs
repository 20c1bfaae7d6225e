//! `secrets` tests. Every fake secret is assembled at run time from pieces,
//! so this file holds none.

use crate::common::{Repo, check, finding_locations, status};

/// A fake AWS access key id, built from pieces (`AK` + `IA` + 16).
fn aws_key(tail: &str) -> String {
    assert_eq!(tail.len(), 16);
    format!("{}{}{}", "AK", "IA", tail)
}

/// A fake GitHub-style token (`ghp`, `npm`…): 30 characters and their
/// base62 CRC32, the checksum the scanner verifies.
fn checksummed(prefix: &str, body: &str) -> String {
    assert_eq!(body.len(), 30);
    format!(
        "{prefix}_{body}{}",
        readyctl::checks::secrets::rules::base62_crc32(body.as_bytes())
    )
}

/// A fake GitHub token.
fn gh_token() -> String {
    checksummed("ghp", "q7Lm2Xv9Rt4Kp8Wz3Nc6Bd1Fh5Jy0G")
}

/// A fake symbol-rich password.
fn password() -> String {
    ["Xq7", "!v9#", "Lm2$", "Rt4"].concat()
}

/// A fake PEM private key.
fn pem_key() -> String {
    let body = "MIIEpAIBAAKCAQEA3Tz2mr7SZiAMfQyuvBjM9Oi8QiN4eR2UjH5KzL0pQwXyVbNm\n\
                Kj7Hc2Fq9Lw3Rt6Yp1Ds4Gv8Bn5Xz0Mk2Ju7Ie3Oa6Pf9Qg1Rh4Si8Tj5Uk2Vl7Wm\n\
                Zz9Yx8Ww7Vv6Uu5Tt4Ss3Rr2Qq1Pp0Oo9Nn8Mm7Ll6Kk5Jj4Ii3Hh2Gg1Ff0Ee9Dd==";
    let kind = ["RSA", "PRIVATE", "KEY"].join(" ");
    format!("-----BEGIN {kind}-----\n{body}\n-----END {kind}-----\n")
}

fn secret_findings(report: &serde_json::Value) -> Vec<serde_json::Value> {
    check(report, "secrets.none-committed")["findings"]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

/// Run human and JSON reports and assert that no output holds `secret`.
fn assert_never_printed(repo: &Repo, secret: &str, extra: &[&str]) {
    for format in ["human", "json"] {
        let mut args = vec![
            "check",
            "--offline",
            "--no-progress",
            "--only",
            "secrets.*",
            "--format",
            format,
        ];
        args.extend_from_slice(extra);
        let r = repo.readyctl(&args);
        let all = format!("{}{}", r.stdout, r.stderr);
        assert!(
            !all.contains(secret),
            "{format} output holds the whole secret:\n{all}"
        );
        // Not even a long piece of it.
        let piece = &secret[secret.len() / 2..];
        assert!(
            !all.contains(piece),
            "{format} output holds a piece:\n{all}"
        );
    }
}

#[test]
fn aws_key_in_code_fails_with_location_and_redacted_secret() {
    let key = aws_key("Q7LM2XV4RT6KP3WZ");
    let repo = Repo::git();
    repo.write("README.md", "# app\n")
        .write("src/app.py", format!("import boto3\n\nKEY = \"{key}\"\n"));
    repo.commit("init");
    let (report, code) = repo.check_json(&["--only", "secrets.none-committed"]);
    assert_eq!(code, 1, "{report:#}");
    assert_eq!(status(&report, "secrets.none-committed"), "fail");
    assert_eq!(
        finding_locations(&report, "secrets.none-committed"),
        vec![("src/app.py".to_string(), 3)]
    );
    let f = &secret_findings(&report)[0];
    assert_eq!(f["rule"], "aws-access-key-id");
    assert_eq!(f["column"], 8);
    assert_eq!(f["secret"], "AKIA…(20 chars)");
    assert!(!f["message"].as_str().unwrap().contains(&key));
    assert_never_printed(&repo, &key, &[]);
}

#[test]
fn many_families_are_found_and_never_printed() {
    let repo = Repo::git();
    let gh = gh_token();
    let pw = password();
    let pem = pem_key();
    let slack = format!(
        "https://hooks.slack.com/{}/T04ABCD1E/B05FGHI2J/{}",
        "services", "k9Lm2Xv7Rt4Kp8Wz3Nc6Bd1F"
    );
    let db = format!("postgres://app:{}@db.internal:5432/app", "Hq2v9Lm4Rt7Kp3Wz");
    repo.write(".github/workflows/x.yml", format!("env:\n  TOKEN: {gh}\n"))
        .write(
            "config/app.yaml",
            format!("database:\n  password: \"{pw}\"\n"),
        )
        .write("deploy/key.txt", &pem)
        .write("notify.sh", format!("curl -X POST {slack}\n"))
        .write("deploy/app.env", format!("DATABASE_URL={db}\n"));
    repo.commit("init");
    let (report, _) = repo.check_json(&["--only", "secrets.none-committed"]);
    let mut rules: Vec<String> = secret_findings(&report)
        .iter()
        .map(|f| f["rule"].as_str().unwrap_or_default().to_string())
        .collect();
    rules.sort();
    assert_eq!(
        rules,
        [
            "database-url-password",
            "generic-secret",
            "github-token",
            "private-key",
            "slack-webhook"
        ],
        "{report:#}"
    );
    for s in [&gh, &pw, &slack, &db] {
        assert_never_printed(&repo, s, &[]);
    }
    assert_never_printed(
        &repo,
        "Kj7Hc2Fq9Lw3Rt6Yp1Ds4Gv8Bn5Xz0Mk2Ju7Ie3Oa6Pf9Qg",
        &[],
    );
}

#[test]
fn placeholders_and_references_do_not_fire() {
    let repo = Repo::git();
    repo.write(
        "main.tf",
        "resource \"aws_db_instance\" \"db\" {\n  password = var.db_password\n}\n",
    )
    .write(
        "config.yaml",
        "db:\n  password: changeme\n  token: ${API_TOKEN}\n  secret: <secret>\n  api_key: xxxxxxxxxxxxxxxx\n",
    )
    .write(".env.example", "PASSWORD=example-password\nAPI_KEY=\n")
    .write(
        "src/lib.rs",
        "pub struct C { token: Option<String>, password: String }\nlet token = self.next_token();\n",
    )
    .write(
        "Cargo.lock",
        "checksum = \"9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08\"\n",
    );
    repo.commit("init");
    let (report, code) = repo.check_json(&["--only", "secrets.none-committed"]);
    assert_eq!(
        status(&report, "secrets.none-committed"),
        "pass",
        "{report:#}"
    );
    assert_eq!(code, 0);
}

#[test]
fn a_secret_repeated_in_a_file_is_one_finding_naming_every_line() {
    let repo = Repo::git();
    let key = aws_key("Q7LM2XV4RT6KP3WZ");
    let other = aws_key("Z3NC6BD2FH5JY7GS");
    repo.write(
        "a.py",
        format!("A = \"{key}\"\nB = 1\nC = \"{key}\"\nD = \"{other}\"\nE = \"{key}\"\n"),
    )
    .write("b.py", format!("A = \"{key}\"\n"));
    repo.commit("init");
    let (report, _) = repo.check_json(&["--only", "secrets.none-committed"]);
    let f = secret_findings(&report);
    let got: Vec<(String, u64, String)> = f
        .iter()
        .map(|f| {
            (
                f["path"].as_str().unwrap().to_string(),
                f["line"].as_u64().unwrap(),
                f["message"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(got.len(), 3, "{report:#}");
    assert_eq!((got[0].0.as_str(), got[0].1), ("a.py", 1));
    assert!(got[0].2.ends_with("also on lines 3, 5"), "{}", got[0].2);
    assert_eq!((got[1].0.as_str(), got[1].1), ("a.py", 4));
    assert_eq!((got[2].0.as_str(), got[2].1), ("b.py", 1));
}

#[test]
fn inline_allow_markers_suppress_their_line_only() {
    let repo = Repo::git();
    let a = aws_key("Q7LM2XV4RT6KP3WZ");
    let b = aws_key("Z3NC6BD2FH5JY7GS");
    let c = aws_key("T2EK7LM4RT7KP3WX");
    repo.write(
        "a.py",
        format!("A = \"{a}\"  # readyctl:allow\nB = \"{b}\"  # gitleaks:allow\nC = \"{c}\"\n"),
    );
    repo.commit("init");
    let (report, _) = repo.check_json(&["--only", "secrets.none-committed"]);
    assert_eq!(
        finding_locations(&report, "secrets.none-committed"),
        vec![("a.py".to_string(), 3)]
    );
}

#[test]
fn allow_paths_suppress_matching_files() {
    let repo = Repo::git();
    let key = aws_key("Q7LM2XV4RT6KP3WZ");
    repo.write("testdata/fixture.json", format!("{{\"k\": \"{key}\"}}\n"))
        .write("src/ok.py", "print('hi')\n");
    repo.commit("init");
    let (report, _) = repo.check_json(&["--only", "secrets.none-committed"]);
    assert_eq!(status(&report, "secrets.none-committed"), "fail");
    repo.write(
        "readyctl.yaml",
        "secrets:\n  allow_paths: [\"testdata/**\"]\n",
    );
    let (report, code) = repo.check_json(&["--only", "secrets.none-committed"]);
    assert_eq!(
        status(&report, "secrets.none-committed"),
        "pass",
        "{report:#}"
    );
    assert_eq!(code, 0);
}

#[test]
fn binary_files_are_skipped() {
    let repo = Repo::git();
    let key = aws_key("Q7LM2XV4RT6KP3WZ");
    let mut bin = vec![0u8, 1, 2, 3, 0];
    bin.extend_from_slice(key.as_bytes());
    repo.write("asset.bin", bin);
    repo.commit("init");
    let (report, _) = repo.check_json(&["--only", "secrets.none-committed"]);
    assert_eq!(
        status(&report, "secrets.none-committed"),
        "pass",
        "{report:#}"
    );
}

#[test]
fn baseline_accepts_moved_lines_and_rejects_new_secrets() {
    let repo = Repo::git();
    let old = aws_key("Q7LM2XV4RT6KP3WZ");
    let pw = password();
    repo.write("src/a.py", format!("KEY = \"{old}\"\n"))
        .write("conf/db.yaml", format!("password: \"{pw}\"\n"));
    repo.commit("init");
    let r = repo.readyctl(&["baseline"]);
    assert_eq!(r.code, 0, "{r:?}");
    assert!(r.stdout.contains("recorded 2 secret findings"), "{r:?}");
    let file = repo.read(".readyctl-baseline.json");
    assert!(!file.contains(&old) && !file.contains(&pw), "{file}");
    assert!(!file.contains(&old[4..12]), "{file}");
    let v: serde_json::Value = serde_json::from_str(&file).expect("baseline is JSON");
    assert_eq!(v["version"], 1);
    assert_eq!(v["secrets"].as_array().map(Vec::len), Some(2));
    assert!(
        v["secrets"][0]["fingerprint"]
            .as_str()
            .unwrap()
            .starts_with("sha256:")
    );

    let (report, code) = repo.check_json(&["--only", "secrets.none-committed"]);
    assert_eq!(
        status(&report, "secrets.none-committed"),
        "pass",
        "{report:#}"
    );
    assert_eq!(code, 0);
    let msg = check(&report, "secrets.none-committed")["message"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(msg.contains("2 accepted by the baseline"), "{msg}");

    // The line moves (and even changes file): still accepted.
    repo.write(
        "src/a.py",
        format!("import os\n\n\ndef f():\n    pass\n\nKEY = \"{old}\"\n"),
    );
    repo.write("src/moved.py", format!("OTHER = \"{old}\"\n"));
    let (report, _) = repo.check_json(&["--only", "secrets.none-committed"]);
    assert_eq!(
        status(&report, "secrets.none-committed"),
        "pass",
        "{report:#}"
    );

    // A new secret fails, and only it is reported.
    let new = aws_key("Z3NC6BD2FH5JY7GS");
    repo.write("src/b.py", format!("\nNEW = \"{new}\"\n"));
    let (report, code) = repo.check_json(&["--only", "secrets.none-committed"]);
    assert_eq!(code, 1);
    assert_eq!(
        finding_locations(&report, "secrets.none-committed"),
        vec![("src/b.py".to_string(), 2)]
    );
}

#[test]
fn configured_baseline_path_and_malformed_baseline() {
    let repo = Repo::git();
    let key = aws_key("Q7LM2XV4RT6KP3WZ");
    repo.write("a.py", format!("K = \"{key}\"\n")).write(
        "readyctl.yaml",
        "secrets:\n  baseline: .ci/secrets-baseline.json\n",
    );
    repo.commit("init");
    std::fs::create_dir_all(repo.path().join(".ci")).unwrap();
    let r = repo.readyctl(&["baseline"]);
    assert_eq!(r.code, 0, "{r:?}");
    assert!(repo.exists(".ci/secrets-baseline.json"));
    let (report, _) = repo.check_json(&["--only", "secrets.none-committed"]);
    assert_eq!(
        status(&report, "secrets.none-committed"),
        "pass",
        "{report:#}"
    );

    repo.write(
        ".ci/secrets-baseline.json",
        "{\n  \"version\": 1,\n  \"secrets\": [oops]\n}\n",
    );
    let (report, code) = repo.check_json(&["--only", "secrets.none-committed"]);
    assert_eq!(
        status(&report, "secrets.none-committed"),
        "error",
        "{report:#}"
    );
    assert_ne!(code, 0);
    let msg = check(&report, "secrets.none-committed")["message"]
        .as_str()
        .unwrap();
    assert!(msg.starts_with(".ci/secrets-baseline.json:3:"), "{msg}");
}

#[test]
fn history_finds_a_removed_secret_only_with_history() {
    let repo = Repo::git();
    let key = aws_key("Q7LM2XV4RT6KP3WZ");
    repo.write("README.md", "# app\n").write(
        "deploy/settings.py",
        format!("DEBUG = False\nAWS_KEY = \"{key}\"\n"),
    );
    repo.commit("add settings");
    let first = repo.git_cmd(&["rev-parse", "HEAD"]).trim().to_string();
    repo.write(
        "deploy/settings.py",
        "DEBUG = False\nAWS_KEY = os.environ['AWS_KEY']\n",
    );
    repo.commit("remove key");
    for i in 0..3 {
        repo.write("README.md", format!("# app {i}\n"));
        repo.commit("docs");
    }

    let (report, code) = repo.check_json(&["--only", "secrets.none-committed"]);
    assert_eq!(
        status(&report, "secrets.none-committed"),
        "pass",
        "{report:#}"
    );
    assert_eq!(code, 0);

    let (report, code) = repo.check_json(&["--only", "secrets.none-committed", "--history"]);
    assert_eq!(code, 1, "{report:#}");
    let f = secret_findings(&report);
    assert_eq!(f.len(), 1, "{report:#}");
    assert_eq!(f[0]["path"], "deploy/settings.py");
    assert_eq!(f[0]["line"], 2);
    assert_eq!(f[0]["commit"], first.as_str());
    assert_eq!(f[0]["rule"], "aws-access-key-id");
    let msg = check(&report, "secrets.none-committed")["message"]
        .as_str()
        .unwrap();
    assert!(msg.contains("5 commits"), "{msg}");
    assert_never_printed(&repo, &key, &["--history"]);

    // The baseline can accept history findings too.
    let r = repo.readyctl(&["baseline", "--history"]);
    assert_eq!(r.code, 0, "{r:?}");
    assert!(!repo.read(".readyctl-baseline.json").contains(&key));
    let (report, _) = repo.check_json(&["--only", "secrets.none-committed", "--history"]);
    assert_eq!(
        status(&report, "secrets.none-committed"),
        "pass",
        "{report:#}"
    );
}

#[test]
fn history_outside_git_scans_the_tree_only() {
    // Outside git there is no history: `--history` still scans the tree,
    // so a secret in a file is found, and a clean tree passes having read
    // its files.
    let repo = Repo::plain();
    repo.write("a.txt", "nothing here\n");
    repo.write(
        "config.py",
        format!("key = \"{}\"\n", aws_key("Q7LM2XV4RT6KP3WZ")),
    );
    let (report, code) = repo.check_json(&["--only", "secrets.none-committed", "--history"]);
    assert_eq!(
        status(&report, "secrets.none-committed"),
        "fail",
        "{report:#}"
    );
    assert_eq!(
        finding_locations(&report, "secrets.none-committed"),
        vec![("config.py".to_string(), 1)]
    );
    assert_eq!(code, 1);
    repo.write("config.py", "key = os.environ[\"KEY\"]\n");
    let (report, code) = repo.check_json(&["--only", "secrets.none-committed", "--history"]);
    assert_eq!(
        status(&report, "secrets.none-committed"),
        "pass",
        "{report:#}"
    );
    let message = check(&report, "secrets.none-committed")["message"]
        .as_str()
        .unwrap_or_default();
    assert!(message.contains("in 2 files"), "{message}");
    assert_eq!(code, 0);
}

#[test]
fn sensitive_files_are_flagged() {
    let repo = Repo::git();
    let pem = pem_key();
    let npm_token = checksummed("npm", "Q7Lm2Xv9Rt4Kp8Wz3Nc6Bd1Fh5Jy0G");
    repo.write(".env", "A=1\n")
        .write("services/api/.env.production", "A=1\n")
        .write(".env.example", "A=\n")
        .write(".env.sample", "A=\n")
        .write(".env.template", "A=\n")
        .write(".env.dist", "A=\n")
        .write("infra/terraform.tfstate", "{}\n")
        .write("infra/terraform.tfstate.backup", "{}\n")
        .write("keys/id_rsa", &pem)
        .write("keys/id_ed25519.pub", "ssh-ed25519 AAAA test\n")
        .write("tls/server.key", &pem)
        .write("tls/ca.pem", "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n")
        .write("tls/store.p12", [0u8, 1, 2])
        .write("android/release.jks", [0u8, 1, 2])
        .write("gcp/credentials.json", "{}\n")
        .write(".npmrc", format!("//registry.npmjs.org/:_authToken={npm_token}\n"))
        .write("ci/.npmrc", "//registry.npmjs.org/:_authToken=${NPM_TOKEN}\n")
        .write(".pypirc", "[pypi]\nusername = __token__\npassword = pypi-abc\n")
        .write(
            "k8s/kubeconfig",
            "apiVersion: v1\nkind: Config\nusers:\n- name: u\n  user:\n    token: abcdef123456\n",
        )
        .write(
            "k8s/exec-kubeconfig.yaml",
            "apiVersion: v1\nkind: Config\nusers:\n- name: u\n  user:\n    exec:\n      command: aws\n",
        );
    repo.commit("init");
    let (report, code) = repo.check_json(&["--only", "secrets.sensitive-files"]);
    assert_eq!(code, 1);
    let mut paths: Vec<String> = finding_locations(&report, "secrets.sensitive-files")
        .into_iter()
        .map(|(p, _)| p)
        .collect();
    paths.sort();
    assert_eq!(
        paths,
        [
            ".env",
            ".npmrc",
            ".pypirc",
            "android/release.jks",
            "gcp/credentials.json",
            "infra/terraform.tfstate",
            "infra/terraform.tfstate.backup",
            "k8s/kubeconfig",
            "keys/id_rsa",
            "services/api/.env.production",
            "tls/server.key",
            "tls/store.p12",
        ],
        "{report:#}"
    );
    let meta = check(&report, "secrets.sensitive-files");
    assert!(
        meta["fix"]["hint"]
            .as_str()
            .unwrap()
            .contains("git rm --cached"),
        "{meta:#}"
    );
}

#[test]
fn sensitive_files_pass_on_a_clean_repo_and_respect_allow_paths() {
    let repo = Repo::git();
    repo.write(".env.example", "A=\n")
        .write("src/main.rs", "fn main() {}\n");
    repo.commit("init");
    let (report, code) = repo.check_json(&["--only", "secrets.sensitive-files"]);
    assert_eq!(
        status(&report, "secrets.sensitive-files"),
        "pass",
        "{report:#}"
    );
    assert_eq!(code, 0);
    // Test data is not the product (SPEC §9): a fixture's .env passes.
    repo.write("testdata/.env", "A=1\n");
    let (report, _) = repo.check_json(&["--only", "secrets.sensitive-files"]);
    assert_eq!(status(&report, "secrets.sensitive-files"), "pass");
    repo.write("config/.env", "A=1\n");
    let (report, _) = repo.check_json(&["--only", "secrets.sensitive-files"]);
    assert_eq!(status(&report, "secrets.sensitive-files"), "fail");
    repo.write(
        "readyctl.yaml",
        "secrets:\n  allow_paths: [\"config/**\"]\n",
    );
    let (report, _) = repo.check_json(&["--only", "secrets.sensitive-files"]);
    assert_eq!(
        status(&report, "secrets.sensitive-files"),
        "pass",
        "{report:#}"
    );
}

#[test]
fn gitignore_is_evaluated_with_git_semantics() {
    let repo = Repo::git();
    repo.write("README.md", "x\n");
    // No .gitignore at all.
    let (report, _) = repo.check_json(&["--only", "secrets.gitignore"]);
    assert_eq!(status(&report, "secrets.gitignore"), "fail");
    assert_eq!(check(&report, "secrets.gitignore")["severity"], "warning");
    assert_eq!(
        check(&report, "secrets.gitignore")["fix"]["scaffold"],
        "gitignore"
    );

    // Different spellings that git treats as covering the paths.
    repo.write(
        ".gitignore",
        ".env*\n!.env.example\n**/*.tfstate\n*.tfstate.*\n*.pem\n/*.key\n.terraform\n",
    );
    let (report, code) = repo.check_json(&["--only", "secrets.gitignore"]);
    assert_eq!(status(&report, "secrets.gitignore"), "pass", "{report:#}");
    assert_eq!(code, 0);

    // A negation re-includes `.env`; a pattern for something else is not enough.
    repo.write(
        ".gitignore",
        "*.tfstate*\n*.pem\n*.key\n.terraform/\n.env\n!.env\n.envrc\n",
    );
    let (report, code) = repo.check_json(&["--only", "secrets.gitignore"]);
    assert_eq!(code, 0, "warnings do not fail the gate");
    let f = &check(&report, "secrets.gitignore")["findings"];
    assert_eq!(f.as_array().map(Vec::len), Some(1), "{report:#}");
    assert!(
        f[0]["message"].as_str().unwrap().contains("`.env`"),
        "{report:#}"
    );

    // `.terraform` as a file pattern anchored elsewhere does not count.
    repo.write(
        ".gitignore",
        "*.tfstate*\n*.pem\n*.key\n.env\nsub/.terraform/\n",
    );
    let (report, _) = repo.check_json(&["--only", "secrets.gitignore"]);
    let f = &check(&report, "secrets.gitignore")["findings"];
    assert!(
        f[0]["message"].as_str().unwrap().contains(".terraform/"),
        "{report:#}"
    );
}

#[test]
fn explain_documents_each_secrets_check() {
    let repo = Repo::plain();
    for id in [
        "secrets.none-committed",
        "secrets.sensitive-files",
        "secrets.gitignore",
    ] {
        let r = repo.readyctl(&["explain", id]);
        assert_eq!(r.code, 0, "{r:?}");
        for h in ["What it checks", "Why it matters", "How to fix", "Example"] {
            assert!(r.stdout.contains(h), "{id}: {h}\n{}", r.stdout);
        }
    }
}

#[test]
fn this_repository_holds_no_secret() {
    let root = crate::common::crate_root();
    let r = crate::common::run_in(
        &root,
        &[
            "check",
            "--offline",
            "--no-progress",
            "--format",
            "json",
            "--only",
            "secrets.none-committed",
        ],
    );
    let report: serde_json::Value = serde_json::from_str(&r.stdout).expect("JSON report");
    assert_eq!(
        status(&report, "secrets.none-committed"),
        "pass",
        "{report:#}"
    );
}

/// Status and message of `secrets.none-committed`.
fn none_committed(report: &serde_json::Value) -> (String, String) {
    let c = check(report, "secrets.none-committed");
    (
        c["status"].as_str().unwrap_or_default().to_string(),
        c["message"].as_str().unwrap_or_default().to_string(),
    )
}

#[test]
fn paths_beyond_path_max_make_the_scan_an_error() {
    let repo = Repo::plain();
    repo.write("README.md", "# app\n");
    // 40 levels of 120-character names: ~4.8 KB, beyond PATH_MAX (4096).
    // Built with relative `cd`s, which have no such limit.
    let name = "d".repeat(120);
    let script = format!(
        "for i in $(seq 40); do mkdir {name} && cd {name} || exit 1; done; echo 'password = \"x\"' > f.txt"
    );
    let out = std::process::Command::new("bash")
        .args(["-c", &script])
        .current_dir(repo.path())
        .output()
        .expect("bash runs");
    assert!(out.status.success(), "{out:?}");
    let (report, code) = repo.check_json(&["--only", "secrets.none-committed"]);
    let (status, msg) = none_committed(&report);
    assert_eq!(status, "error", "{report:#}");
    assert_ne!(code, 0);
    assert!(msg.contains("could not be read"), "{msg}");
    assert!(!msg.contains("no secret"), "{msg}");
    assert!(msg.lines().all(|l| l.chars().count() <= 300), "{msg}");
}

#[test]
fn unreadable_files_make_the_scan_an_error() {
    use std::os::unix::fs::PermissionsExt;
    let repo = Repo::plain();
    repo.write("README.md", "# app\n")
        .write("conf/secret.env", "TOKEN=1\n")
        .write("private/a.txt", "x\n");
    let set = |rel: &str, mode: u32| {
        std::fs::set_permissions(repo.path().join(rel), std::fs::Permissions::from_mode(mode))
            .expect("chmod");
    };
    set("conf/secret.env", 0o000);
    set("private", 0o000);
    // Root reads everything whatever the mode: nothing is unreadable then.
    let root_reads = std::fs::read(repo.path().join("conf/secret.env")).is_ok();
    let (report, code) = repo.check_json(&["--only", "secrets.none-committed"]);
    set("private", 0o755);
    set("conf/secret.env", 0o644);
    let (status, msg) = none_committed(&report);
    if root_reads {
        assert_eq!(status, "pass", "{report:#}");
        return;
    }
    assert_eq!(status, "error", "{report:#}");
    assert_ne!(code, 0);
    assert!(msg.contains("2 paths could not be read"), "{msg}");
    assert!(msg.contains("conf/secret.env"), "{msg}");
    assert!(msg.contains("private"), "{msg}");
}

#[test]
fn a_shallow_clone_is_reported_with_history() {
    let origin = Repo::git();
    let key = aws_key("Q7LM2XV4RT6KP3WZ");
    origin.write("a.py", format!("KEY = \"{key}\"\n"));
    origin.commit("key");
    origin.write("a.py", "KEY = None\n");
    origin.commit("no key");
    origin.write("README.md", "# app\n");
    origin.commit("docs");
    let clone = Repo::plain();
    let url = format!("file://{}", origin.path().display());
    clone.git_cmd(&["clone", "-q", "--depth", "1", &url, "."]);
    let (report, code) = clone.check_json(&["--only", "secrets.none-committed", "--history"]);
    let (status, msg) = none_committed(&report);
    assert_eq!(status, "error", "{report:#}");
    assert_ne!(code, 0);
    assert!(msg.contains("shallow clone"), "{msg}");
    assert!(msg.contains("1 commit present"), "{msg}");
    // Without --history the working tree alone is the question: it passes.
    let (report, _) = clone.check_json(&["--only", "secrets.none-committed"]);
    assert_eq!(none_committed(&report).0, "pass", "{report:#}");
}

#[test]
fn unreadable_history_is_an_error() {
    // A corrupt HEAD.
    let repo = Repo::git();
    repo.write("a.txt", "x\n");
    repo.commit("one");
    repo.write(".git/HEAD", "garbage\n");
    let (report, _) = repo.check_json(&["--only", "secrets.none-committed", "--history"]);
    let (status, msg) = none_committed(&report);
    assert_eq!(status, "error", "{report:#}");
    assert!(msg.contains("history cannot be read"), "{msg}");

    // A missing blob of an old commit.
    let repo = Repo::git();
    repo.write("a.txt", "old content\n");
    repo.commit("one");
    let blob = repo
        .git_cmd(&["rev-parse", "HEAD:a.txt"])
        .trim()
        .to_string();
    repo.write("a.txt", "new\n");
    repo.commit("two");
    std::fs::remove_file(
        repo.path()
            .join(".git/objects")
            .join(&blob[..2])
            .join(&blob[2..]),
    )
    .expect("loose object");
    let (report, _) = repo.check_json(&["--only", "secrets.none-committed", "--history"]);
    let (status, msg) = none_committed(&report);
    assert_eq!(status, "error", "{report:#}");
    assert!(msg.contains(&blob[..12]), "{msg}");

    // A gitfile pointing nowhere.
    let repo = Repo::plain();
    repo.write("a.txt", "x\n")
        .write(".git", "gitdir: /nonexistent/readyctl/x\n");
    let (report, _) = repo.check_json(&["--only", "secrets.none-committed", "--history"]);
    let (status, msg) = none_committed(&report);
    assert_eq!(status, "error", "{report:#}");
    assert!(msg.contains("history cannot be read"), "{msg}");
}

#[test]
fn history_attributes_a_secret_to_the_commit_that_added_it_across_many_commits() {
    // Enough commits for the walk to be split between threads.
    let repo = Repo::git();
    for i in 0..60 {
        repo.write(&format!("src/m{}.txt", i % 7), format!("v{i}\n"));
        repo.commit("work");
    }
    let key = aws_key("Q7LM2XV4RT6KP3WZ");
    repo.write("deploy/keys.py", format!("KEY = \"{key}\"\n"));
    repo.commit("add key");
    let added = repo.git_cmd(&["rev-parse", "HEAD"]).trim().to_string();
    for i in 0..60 {
        repo.write(&format!("src/m{}.txt", i % 5), format!("w{i}\n"));
        // The same file content at a second path, later.
        if i == 30 {
            repo.write("old/keys.py", format!("KEY = \"{key}\"\n"));
        }
        repo.commit("more work");
    }
    repo.write("deploy/keys.py", "KEY = None\n");
    std::fs::remove_file(repo.path().join("old/keys.py")).expect("rm");
    repo.commit("remove");
    for _ in 0..3 {
        let (report, code) = repo.check_json(&["--only", "secrets.none-committed", "--history"]);
        assert_eq!(code, 1, "{report:#}");
        let f = secret_findings(&report);
        assert_eq!(f.len(), 1, "{report:#}");
        assert_eq!(f[0]["commit"], added.as_str(), "{report:#}");
        assert_eq!(f[0]["path"], "deploy/keys.py", "{report:#}");
        assert_eq!(f[0]["commit"], added.as_str(), "{report:#}");
        assert!(
            none_committed(&report).1.contains("122 commits"),
            "{report:#}"
        );
    }
}

/// `commit`'s first parent, or `None` for a root commit.
fn first_parent(repo: &Repo, commit: &str) -> Option<String> {
    let line = repo.git_cmd(&["rev-list", "--parents", "-n", "1", commit]);
    line.split_whitespace().nth(1).map(str::to_string)
}

/// The blob at `path` in `commit`, if any.
fn blob_at(repo: &Repo, commit: &str, path: &str) -> Option<String> {
    let out = repo.git_cmd(&["ls-tree", commit, "--", path]);
    out.split_whitespace().nth(2).map(str::to_string)
}

/// The commit a history finding names added the blob it was found in:
/// the blob is at the finding's path there, and not in its first parent.
fn assert_added_in(repo: &Repo, finding: &serde_json::Value, key: &str) {
    let commit = finding["commit"].as_str().expect("commit");
    let path = finding["path"].as_str().expect("path");
    let blob = blob_at(repo, commit, path).expect("blob at the finding's path");
    let text = repo.git_cmd(&["cat-file", "blob", &blob]);
    assert!(text.contains(key), "{commit}:{path} does not hold the key");
    if let Some(parent) = first_parent(repo, commit) {
        assert_ne!(
            blob_at(repo, &parent, path).as_deref(),
            Some(blob.as_str()),
            "{commit} did not add {path}"
        );
    }
}

#[test]
fn history_reports_a_secret_at_the_branch_commit_that_added_it_not_the_merge() {
    let repo = Repo::git();
    repo.write("README.md", "# app\n");
    repo.commit("init");
    repo.git_cmd(&["checkout", "-q", "-b", "feature"]);
    repo.write("src/lib.py", "x = 1\n");
    repo.commit("feature work");
    let key = aws_key("R4TX6WQ2LM7KZ3VB");
    repo.write("deploy/keys.py", format!("KEY = \"{key}\"\n"));
    repo.commit("add key on the branch");
    let added = repo.git_cmd(&["rev-parse", "HEAD"]).trim().to_string();
    repo.write("src/lib.py", "x = 2\n");
    repo.commit("more feature work");
    repo.git_cmd(&["checkout", "-q", "main"]);
    for i in 0..5 {
        repo.write("README.md", format!("# app {i}\n"));
        repo.commit("main work");
    }
    repo.git_cmd(&["merge", "-q", "--no-ff", "-m", "merge feature", "feature"]);
    repo.write("deploy/keys.py", "KEY = None\n");
    repo.commit("remove key");
    let (report, code) = repo.check_json(&["--only", "secrets.none-committed", "--history"]);
    assert_eq!(code, 1, "{report:#}");
    let f = secret_findings(&report);
    assert_eq!(f.len(), 1, "{report:#}");
    assert_eq!(f[0]["commit"], added.as_str(), "{report:#}");
    assert_eq!(f[0]["path"], "deploy/keys.py");
    assert_added_in(&repo, &f[0], &key);
}

#[test]
fn history_reports_a_secret_once_at_its_oldest_commit_through_edits_reverts_and_copies() {
    let repo = Repo::git();
    let filler: String = (0..40).map(|i| format!("setting_{i} = {i}\n")).collect();
    repo.write("app/settings.py", &filler);
    repo.commit("init");
    // The key is added at line 41 of a long file ...
    let key = aws_key("Q7LM2XV4RT6KP3WZ");
    let with_key = format!("{filler}AWS_KEY = \"{key}\"\n{filler}");
    repo.write("app/settings.py", &with_key);
    repo.commit("add key");
    let added = repo.git_cmd(&["rev-parse", "HEAD"]).trim().to_string();
    // ... stays while other lines of the file change ...
    for i in 0..12 {
        let edited = with_key.replacen(&format!("setting_{i} = {i}\n"), "changed\n", 1);
        repo.write("app/settings.py", edited);
        repo.commit("edit");
    }
    // ... is removed, then the old content comes back (a revert: the same
    // blob), and the same key is copied into another file.
    repo.write("app/settings.py", &filler);
    repo.commit("remove key");
    repo.write("app/settings.py", &with_key);
    repo.commit("revert");
    repo.write("deploy/env.py", format!("KEY = \"{key}\"\n"));
    repo.commit("copy");
    repo.write("app/settings.py", &filler)
        .write("deploy/env.py", "KEY = None\n");
    repo.commit("remove again");

    let (report, code) = repo.check_json(&["--only", "secrets.none-committed", "--history"]);
    assert_eq!(code, 1, "{report:#}");
    let f = secret_findings(&report);
    assert_eq!(f.len(), 1, "{report:#}");
    assert_eq!(f[0]["commit"], added.as_str(), "{report:#}");
    assert_eq!(f[0]["path"], "app/settings.py");
    assert_eq!(f[0]["line"], 41);
    assert_added_in(&repo, &f[0], &key);
    assert!(
        none_committed(&report).1.contains("18 commits"),
        "{report:#}"
    );
}

#[test]
fn test_keys_and_examples_outside_the_product_are_set_aside_but_provider_tokens_are_not() {
    let repo = Repo::git();
    repo.write("README.md", "# app\n")
        .write("tests/fixtures/server.key", pem_key())
        .write(
            "examples/values.yaml",
            format!("db:\n  password: \"{}\"\n", password()),
        )
        .write(
            ".env.example",
            format!(
                "DATABASE_URL=postgres://app:{}@db/app\n",
                "Hq2v9Lm4Rt7Kp3Wz"
            ),
        );
    repo.commit("init");
    let (report, code) = repo.check_json(&["--only", "secrets.none-committed"]);
    let (status, msg) = none_committed(&report);
    assert_eq!(status, "pass", "{report:#}");
    assert_eq!(code, 0);
    assert!(
        msg.contains("3 test keys or example values outside the product set aside"),
        "{msg}"
    );

    // A provider's token is leaked wherever it is.
    let gh = gh_token();
    repo.write(
        "tests/fixtures/config.json",
        format!("{{\"token\": \"{gh}\"}}\n"),
    );
    repo.commit("fixture");
    let (report, code) = repo.check_json(&["--only", "secrets.none-committed"]);
    assert_eq!(code, 1, "{report:#}");
    assert_eq!(
        finding_locations(&report, "secrets.none-committed"),
        vec![("tests/fixtures/config.json".to_string(), 1)]
    );
    // The same key in the product fails.
    repo.write("deploy/server.key", pem_key());
    let (report, _) = repo.check_json(&["--only", "secrets.none-committed"]);
    let rules: Vec<String> = secret_findings(&report)
        .iter()
        .map(|f| {
            format!(
                "{}:{}",
                f["path"].as_str().unwrap_or_default(),
                f["rule"].as_str().unwrap_or_default()
            )
        })
        .collect();
    assert!(
        rules.contains(&"deploy/server.key:private-key".to_string()),
        "{rules:?}"
    );
}

#[test]
fn a_private_key_is_reported_at_its_begin_line() {
    let repo = Repo::git();
    repo.write(
        "deploy/tls.yaml",
        format!(
            "kind: Secret\ndata:\n  key: |\n{}",
            pem_key()
                .lines()
                .map(|l| format!("    {l}\n"))
                .collect::<String>()
        ),
    );
    repo.commit("init");
    let (report, _) = repo.check_json(&["--only", "secrets.none-committed"]);
    let f = secret_findings(&report);
    assert_eq!(f.len(), 1, "{report:#}");
    assert_eq!(f[0]["rule"], "private-key");
    assert_eq!(
        (f[0]["line"].as_u64(), f[0]["column"].as_u64()),
        (Some(4), Some(5)),
        "{report:#}"
    );
}

#[test]
fn yaml_values_starting_with_a_tag_character_are_found() {
    let repo = Repo::git();
    let pw = format!("!{}", ["xY7", "#kq2", "Lm9$", "Rt4v"].concat());
    repo.write(
        "charts/app/values.yaml",
        format!("auth:\n  adminPassword: {pw}\n  ref: !Ref DbPassword\n  other: !vault |\n    $ANSIBLE_VAULT;1.1;AES256\n"),
    );
    repo.commit("init");
    let (report, code) = repo.check_json(&["--only", "secrets.none-committed"]);
    assert_eq!(code, 1, "{report:#}");
    assert_eq!(
        finding_locations(&report, "secrets.none-committed"),
        vec![("charts/app/values.yaml".to_string(), 2)]
    );
}

#[test]
fn names_settings_regexes_and_placeholders_are_not_secrets() {
    let repo = Repo::git();
    repo.write(
        "deploy/app.yaml",
        "env:\n  - name: DB_PASSWORD\n    valueFrom:\n      secretKeyRef:\n        name: app-db-credentials-2024\n        key: password\nvolumes:\n  - secret:\n      secretName: app-tls-2024\n",
    )
    .write(
        "terraform/terraform.tfvars",
        "db_secret_name = \"prod/app/db-2\"\nstorage_encryption_key = \"projects/acme-prod/locations/global/keyRings/app/cryptoKeys/storage-1\"\n",
    )
    .write("db/postgresql.conf", "password_encryption = scram-sha-256\n")
    .write(
        "src/validate.py",
        "PASSWORD_RE = \"^.{8,32}$\"\nTOKEN = \"eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9\"\nAPI_KEY = \"sk_live_q7Lm...\"\n",
    )
    .write(
        "config/app.env",
        "API_TOKEN=<paste-token-here>\nDB_PASSWORD=changeme\nSECRET_KEY=${SECRET_KEY}\nAUTH_TOKEN=xxxxxxxxxxxxxxxx\nSESSION_SECRET=0000000000000000\n",
    );
    repo.commit("init");
    let (report, code) = repo.check_json(&["--only", "secrets.none-committed"]);
    assert_eq!(none_committed(&report).0, "pass", "{report:#}");
    assert_eq!(code, 0);
}

#[test]
fn vendored_credentials_and_fixture_keys_are_not_the_products_files() {
    let repo = Repo::git();
    repo.write("vendor/github.com/acme/sdk/credentials.json", "{}\n")
        .write(
            "rootfs/etc/nginx/lua/test/fixtures/default-cert.pem",
            "not a key\n",
        )
        .write("tests/test_apps/.env", "FOO=bar\n")
        .write("src/main.rs", "fn main() {}\n");
    repo.commit("init");
    let (report, _) = repo.check_json(&["--only", "secrets.sensitive-files"]);
    assert_eq!(
        status(&report, "secrets.sensitive-files"),
        "pass",
        "{report:#}"
    );
}

#[test]
fn a_gitignore_missing_patterns_is_one_finding_with_one_fix() {
    let repo = Repo::git();
    repo.write(".gitignore", "target/\n")
        .write("src/main.rs", "fn main() {}\n");
    repo.commit("init");
    let (report, _) = repo.check_json(&["--only", "secrets.gitignore"]);
    let c = check(&report, "secrets.gitignore");
    let f = c["findings"].as_array().unwrap();
    assert_eq!(f.len(), 1, "{c:#}");
    let m = f[0]["message"].as_str().unwrap();
    assert!(m.starts_with("add `.env`"), "{m}");
    assert!(m.contains("`*.tfstate*`"), "{m}");
}

#[test]
fn a_generic_secret_in_documentation_is_an_example_but_a_provider_token_is_not() {
    // flask's shape: docs/config.rst shows `SECRET_KEY = '<64 hex>'`.
    let hex: String = [
        "192b9bdd22ab9ed4",
        "d12e236c78afcb9a",
        "393ec15f71bbf5dc",
        "987d54727823bcbf",
    ]
    .concat();
    let repo = Repo::git();
    repo.write(
        "docs/config.rst",
        format!(
            "Configuration\n=============\n\n.. code-block:: python\n\n    SECRET_KEY = '{hex}'\n"
        ),
    );
    repo.commit("docs");
    let (report, _) = repo.check_json(&["--only", "secrets.none-committed"]);
    assert_eq!(
        status(&report, "secrets.none-committed"),
        "pass",
        "{report:#}"
    );
    // The same assignment in code is a finding ...
    repo.write("app/settings.py", format!("SECRET_KEY = '{hex}'\n"));
    let (report, _) = repo.check_json(&["--only", "secrets.none-committed"]);
    assert_eq!(
        status(&report, "secrets.none-committed"),
        "fail",
        "{report:#}"
    );
    // ... and a provider's token in the documentation is one too.
    let repo = Repo::git();
    repo.write(
        "docs/setup.md",
        format!("Use `{}` to log in.\n", gh_token()),
    );
    repo.commit("docs");
    let (report, _) = repo.check_json(&["--only", "secrets.none-committed"]);
    assert_eq!(
        status(&report, "secrets.none-committed"),
        "fail",
        "{report:#}"
    );
}

#[test]
fn secrets_quoted_by_other_checks_or_errors_are_redacted_in_every_format() {
    // A token in a checklist item and in an unknown marker id, and in a
    // config key: docs.readiness-checklist and the config error quote them.
    let token = gh_token();
    let repo = Repo::git();
    repo.write(
        "deployment-readiness.md",
        format!(
            "# Ready\n\n- [ ] rotate {token} before launch\n- [ ] x <!-- readyctl: {token} -->\n"
        ),
    );
    repo.commit("list");
    for format in [
        "human", "json", "sarif", "junit", "markdown", "github", "gitlab",
    ] {
        let r = repo.readyctl(&[
            "check",
            "--offline",
            "--no-progress",
            "--only",
            "docs.readiness-checklist",
            "--format",
            format,
        ]);
        let all = format!("{}{}", r.stdout, r.stderr);
        assert!(
            all.contains("ghp_"),
            "{format}: the redacted form is shown:\n{all}"
        );
        assert!(!all.contains(&token), "{format} holds the token:\n{all}");
        assert!(
            !all.contains(&token[20..]),
            "{format} holds a piece:\n{all}"
        );
    }
    repo.write("readyctl.yaml", format!("version: 1\n{token}: 1\n"));
    let r = repo.readyctl(&["check", "--offline", "--no-progress"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(!r.stderr.contains(&token), "{}", r.stderr);
}
