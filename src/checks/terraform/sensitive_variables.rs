//! `terraform.sensitive-variables`: secret-looking variables are
//! `sensitive = true` and carry no literal default.

use std::sync::LazyLock;

use regex::Regex;

use super::model::{self, Value};
use crate::engine::{Check, CheckMeta, Context, Outcome};
use crate::model::{Finding, Severity};

const EXPLAIN: &str = r#"
## What it checks
That every `variable` whose name looks like a secret — it contains
`password`, `passwd`, `passphrase`, `secret`, `token`, `api_key`,
`private_key`, `access_key`, `credentials`, `connection_string`, … — is
declared `sensitive = true` and has no default other than `null` or `""`.
Names that only describe a secret (`password_length`, `secret_name`,
`kms_key_id`, `token_ttl`, `create_access_key`, …) are not secrets. Test
data and examples (file roles: `readyctl.yaml` `paths:`) are not checked. The
default's value is never printed.

## Why it matters
A variable that is not sensitive is shown in plan output, CI logs and
`terraform output`; a literal default is a secret committed to the
repository, in every clone and every fork, for ever.

## How to fix
Mark the variable `sensitive = true`, remove the default, and pass the value
from a secret store (`TF_VAR_db_password` from your CI's secrets, Vault, SSM).
If a default value was ever committed, rotate it.

## Example
```hcl
variable "db_password" {
  type      = string
  sensitive = true
}
```
"#;

pub struct SensitiveVariables {
    meta: CheckMeta,
}

impl SensitiveVariables {
    pub fn new() -> Self {
        SensitiveVariables {
            meta: CheckMeta::define("terraform.sensitive-variables")
                .title("Secret variables are sensitive, without defaults")
                .severity(Severity::Warning)
                .explain(EXPLAIN)
                .fix("mark secret variables `sensitive = true` and remove literal defaults (rotate any committed value)")
                .build(),
        }
    }
}

static SECRET: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)(passw(or)?d|passphrase|secret|token|api_?key|private_?key|access_?key|secret_?key|credential|connection_?string|conn_?str|client_?secret|auth_?key|signing_?key|encryption_?key|master_?key|ssh_?key|webhook_?url|\bpwd\b|_pwd$|^pwd_)",
    )
    .expect("valid regex")
});

/// Names that describe a secret without holding one.
static NOT_SECRET: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)(_(arn|arns|id|ids|name|names|path|paths|file|length|len|ttl|enabled|version|versions|type|count|policy|rotation(_\w+)?|expiry|expiration|days|hours|secret_name|parameter|ref|refs|lifetime|duration|min_\w+|max_\w+|location|url_path|key_id|vault_id|store)$|^(enable|enabled|use|create|generate|manage|rotate|is|has|allow|require|min|max|random)_)",
    )
    .expect("valid regex")
});

/// Does a variable named `name` look like it holds a secret?
pub fn looks_secret(name: &str) -> bool {
    SECRET.is_match(name) && !NOT_SECRET.is_match(name)
}

/// A variable that names or points at a key rather than holding one: its
/// description speaks of a KMS key, an ARN, an alias, a name or an id, or its
/// default is a KMS alias or an ARN (`bucket_encryption_key = "alias/s3"`).
fn references_a_key(body: &super::model::Body) -> bool {
    static REFERENCE: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?i)\b(kms|arn|alias|key (name|id)|name of|id of|identifier of)\b")
            .expect("valid regex")
    });
    let described = matches!(
        body.attr("description").map(|a| &a.value),
        Some(Value::Str(d)) if REFERENCE.is_match(d)
    );
    let points = matches!(
        body.attr("default").map(|a| &a.value),
        Some(Value::Str(d)) if d.starts_with("alias/") || d.starts_with("arn:")
    );
    described || points
}

fn literal_default(v: &Value) -> bool {
    match v {
        Value::Null | Value::Expr | Value::List(0) => false,
        Value::Str(s) => !s.is_empty(),
        Value::Object(o) => !o.is_empty(),
        Value::Bool(_) | Value::Number | Value::List(_) => true,
    }
}

impl Check for SensitiveVariables {
    fn meta(&self) -> &CheckMeta {
        &self.meta
    }

    fn run(&self, ctx: &Context) -> Outcome {
        let m = model::model(ctx.index);
        if let Some(o) = super::unavailable(&m) {
            return o;
        }
        let mut findings = Vec::new();
        let mut secrets = 0;
        for module in m.checked_modules() {
            for (f, v) in m.blocks(module).filter(|(_, b)| b.kind == "variable") {
                let name = v.label();
                if !looks_secret(name) || references_a_key(&v.body) {
                    continue;
                }
                secrets += 1;
                match v.body.attr("sensitive") {
                    Some(a) if a.value == Value::Bool(true) => {}
                    Some(a) => findings.push(
                        Finding::new(format!(
                            "variable `{name}` looks like a secret but is not `sensitive = true`"
                        ))
                        .at(f.path.clone(), Some(a.line))
                        .col(Some(a.col)),
                    ),
                    None => findings.push(
                        Finding::new(format!(
                            "variable `{name}` looks like a secret but is not `sensitive = true`"
                        ))
                        .at(f.path.clone(), Some(v.line))
                        .col(Some(v.col)),
                    ),
                }
                if let Some(d) = v.body.attr("default")
                    && literal_default(&d.value)
                {
                    findings.push(
                        Finding::new(format!(
                            "variable `{name}` has a literal default (value not shown): a committed secret"
                        ))
                        .at(f.path.clone(), Some(d.line))
                        .col(Some(d.col)),
                    );
                }
            }
        }
        Outcome::from_findings(
            findings,
            format!(
                "{} sensitive, without literal defaults{}",
                super::plural(secrets, "secret-looking variable"),
                super::examples_note(&m)
            ),
            "secret-looking variables that are not sensitive or have a literal default",
        )
    }
}

#[cfg(test)]
mod tests {
    use super::looks_secret;

    #[test]
    fn secret_names() {
        for n in [
            "db_password",
            "admin_passwd",
            "api_key",
            "apikey",
            "github_token",
            "client_secret",
            "private_key",
            "aws_access_key",
            "credentials",
            "sql_connection_string",
            "pwd",
        ] {
            assert!(looks_secret(n), "{n}");
        }
        for n in [
            "password_length",
            "secret_name",
            "kms_key_id",
            "token_ttl",
            "create_access_key",
            "enable_token_auth",
            "instance_type",
            "secret_arn",
            "region",
        ] {
            assert!(!looks_secret(n), "{n}");
        }
    }
}
