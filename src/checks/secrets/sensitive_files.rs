//! `secrets.sensitive-files`: no committed `.env`, private key, Terraform
//! state, credential file, or registry/kube config holding a token.

use std::sync::LazyLock;

use regex::Regex;

use crate::check::{Check, CheckMeta, Context, Outcome};
use crate::findings::{Finding, Severity};
use crate::repo::index::FileEntry;

const EXPLAIN: &str = r#"
## What it checks
That the repository does not commit files that hold credentials by their
nature: `.env` files (`.env.example`, `.sample`, `.template` and `.dist` are
fine), SSH private keys (`id_rsa`, `id_ed25519`, …), `*.pem`/`*.key` files
holding a private key, keystores (`*.p12`, `*.pfx`, `*.jks`, flagged by
name), Terraform state (`*.tfstate`, `*.tfstate.backup`), `credentials.json`,
and `.npmrc`, `.pypirc`, `.netrc` and kubeconfig files that hold a token or
password.

## Why it matters
These files are where credentials live. Terraform state stores every
resource attribute in plain text, including generated passwords; a `.env`
file is the production configuration. Once committed, they are in every
clone and in history forever.

## How to fix
Remove the file from git but keep it locally (`git rm --cached FILE`), add it
to `.gitignore`, and rotate what it held. Keep Terraform state in a remote
backend; commit a `.env.example` with placeholders instead of `.env`.

## Example
```sh
git rm --cached .env terraform.tfstate
printf '.env\n*.tfstate*\n' >> .gitignore
git commit -m "Stop tracking secrets"
```
"#;

pub struct SensitiveFiles {
    meta: CheckMeta,
}

impl SensitiveFiles {
    pub fn new() -> Self {
        SensitiveFiles {
            meta: CheckMeta::define("secrets.sensitive-files")
                .title("No sensitive file committed")
                .severity(Severity::Error)
                .explain(EXPLAIN)
                .fix("remove the file from git (`git rm --cached FILE`), rotate what it held, and ignore it")
                .build(),
        }
    }
}

impl Default for SensitiveFiles {
    fn default() -> Self {
        Self::new()
    }
}

static PRIVATE_KEY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"-----BEGIN[ A-Z0-9]{0,40} PRIVATE KEY(?: BLOCK)?-----|PuTTY-User-Key-File-[23]:")
        .expect("valid regex")
});
/// `.npmrc` auth with a literal value (not `${VAR}`).
static NPMRC_TOKEN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?m)(?:_authToken|_auth|_password)\s*=\s*[^\s$]").expect("valid regex")
});
/// `.pypirc` / `.netrc` password with a literal value.
static PASSWORD_LINE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?m)(?:^|\s)password\s*[:= ]\s*[^\s$]").expect("valid regex"));
/// A kubeconfig's inline credentials.
static KUBE_CRED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?m)^\s*(?:token|client-key-data|password)\s*:\s*["']?[^\s"'$]"#)
        .expect("valid regex")
});
static KUBE_CONFIG: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?m)^kind:\s*Config\s*$").expect("valid regex"));

/// Why `f` is a sensitive file, if it is.
pub fn classify(f: &FileEntry) -> Option<String> {
    let name = f.name();
    let lower = name.to_ascii_lowercase();
    let ext = f.ext().to_ascii_lowercase();
    let text = || f.text().unwrap_or("");

    if lower == ".env" || lower.starts_with(".env.") {
        let suffix = lower.trim_start_matches(".env").trim_start_matches('.');
        let template = [
            "example", "sample", "template", "dist", "defaults", "schema",
        ]
        .iter()
        .any(|t| suffix.split('.').any(|p| p == *t));
        if !template {
            return Some("environment file".into());
        }
        return None;
    }
    if matches!(
        lower.as_str(),
        "id_rsa" | "id_dsa" | "id_ecdsa" | "id_ed25519" | "id_ecdsa_sk" | "id_ed25519_sk"
    ) {
        return Some("SSH private key".into());
    }
    if lower.ends_with(".tfstate") || lower.ends_with(".tfstate.backup") {
        return Some("Terraform state (holds resource secrets in plain text)".into());
    }
    if matches!(ext.as_str(), "p12" | "pfx" | "jks" | "keystore") {
        return Some("keystore".into());
    }
    if matches!(ext.as_str(), "pem" | "key" | "ppk") && PRIVATE_KEY.is_match(text()) {
        return Some("private key".into());
    }
    if lower == "credentials.json" {
        return Some("credentials file".into());
    }
    if lower == "credentials" && f.dir().ends_with(".aws") {
        return Some("AWS credentials file".into());
    }
    if lower == ".npmrc" && NPMRC_TOKEN.is_match(text()) {
        return Some("npm config with an auth token".into());
    }
    if matches!(lower.as_str(), ".pypirc" | ".netrc" | "_netrc") && PASSWORD_LINE.is_match(text()) {
        return Some(format!("{name} with a password"));
    }
    let kube_named = lower == "kubeconfig"
        || ext == "kubeconfig"
        || (lower == "config" && f.dir().ends_with(".kube"));
    let kube_like =
        kube_named || (f.is_yaml() || lower == "config") && KUBE_CONFIG.is_match(text());
    if kube_like && KUBE_CONFIG.is_match(text()) && KUBE_CRED.is_match(text()) {
        return Some("kubeconfig with credentials".into());
    }
    if kube_named && KUBE_CRED.is_match(text()) {
        return Some("kubeconfig with credentials".into());
    }
    None
}

impl Check for SensitiveFiles {
    fn meta(&self) -> &CheckMeta {
        &self.meta
    }

    fn run(&self, ctx: &Context) -> Outcome {
        let allow_globs: Vec<&str> = ctx
            .config
            .config
            .secrets
            .allow_paths
            .iter()
            .map(String::as_str)
            .collect();
        let allow = match crate::repo::index::build_globset(&allow_globs) {
            Ok(g) => g,
            Err(e) => {
                return Outcome::error(format!(
                    "{}: secrets.allow_paths: {e}",
                    ctx.config.file_name()
                ));
            }
        };
        let findings: Vec<Finding> = ctx
            .index
            .files()
            .iter()
            .filter(|f| !allow.is_match(&f.path))
            .filter_map(|f| {
                // A key in test fixtures or an example `.env` is test data
                // (SPEC §9); known-format credentials inside such files are
                // still reported by secrets.none-committed.
                classify(f).filter(|_| f.is_product()).map(|why| {
                    let state = if f.tracked {
                        "committed"
                    } else {
                        "not ignored"
                    };
                    Finding::new(format!("{why} {state}: {}", f.path)).at(f.path.clone(), None)
                })
            })
            .collect();
        let n = findings.len();
        Outcome::from_findings(
            findings,
            "no sensitive file committed",
            format!(
                "{n} sensitive file{} committed",
                if n == 1 { "" } else { "s" }
            ),
        )
    }
}
