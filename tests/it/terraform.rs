//! `terraform` tests.

use crate::common::{Repo, check, finding_locations, status};

const TF_IDS: &[&str] = &[
    "terraform.valid",
    "terraform.version-pinned",
    "terraform.providers-pinned",
    "terraform.remote-state",
    "terraform.lockfile",
    "terraform.sensitive-variables",
];

fn tf_json(repo: &Repo) -> serde_json::Value {
    repo.check_json(&["--only", "terraform.*"]).0
}

/// A root module that passes every check.
const GOOD_VERSIONS: &str = r#"terraform {
  required_version = ">= 1.6"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.0"
    }
    random = "~> 3.6"
  }

  backend "s3" {
    bucket = "acme-state"
    key    = "prod/terraform.tfstate"
    region = "eu-west-1"
  }
}
"#;

/// Constructs real modules use.
const REAL_MAIN: &str = r#"provider "aws" {
  region = var.region
}

locals {
  subnets = {
    for idx, cidr in var.cidrs : "subnet-${idx}" => cidr
    if cidr != ""
  }
  names = [for s in var.names : upper(s)
  if length(s) > 0]
  policy = <<-EOT
    {
      "Version": "2012-10-17",
      "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "${var.bucket}"}]
    }
  EOT
  greeting = "Hello, %{ if var.name != "" }${var.name}%{ else }world%{ endif }!"
  subnet_configurations = [
    for v in var.subnet_objects :
    {
      ipv4      = cidrhost(v.cidr_block, 10)
      subnet_id = v.id
    }
  ]
  per_az = { "${var.region}a" = { PerAZ = "private-a" } }
}

resource "aws_security_group" "this" {
  name = "sg-${var.env}"

  dynamic "ingress" {
    for_each = var.ingress
    content {
      from_port   = ingress.value.port
      to_port     = ingress.value.port
      protocol    = "tcp"
      cidr_blocks = ingress.value.cidrs
    }
  }
}

moved {
  from = aws_security_group.old
  to   = aws_security_group.this
}

import {
  to = aws_s3_bucket.logs
  id = "acme-logs"
}

check "health" {
  data "http" "api" {
    url = "https://api.example.com/healthz"
  }
  assert {
    condition     = data.http.api.status_code == 200
    error_message = "API unhealthy"
  }
}

variable "db_password" {
  type      = string
  sensitive = true
}

variable "api_token" {
  type      = string
  sensitive = true
  default   = ""
}

variable "password_length" {
  type    = number
  default = 24
}
"#;

const LOCK: &str = "# This file is maintained automatically by \"terraform init\".\n";

fn good_root(repo: &Repo, dir: &str) {
    let p = |f: &str| {
        if dir.is_empty() {
            f.to_string()
        } else {
            format!("{dir}/{f}")
        }
    };
    repo.write(&p("versions.tf"), GOOD_VERSIONS);
    repo.write(&p("main.tf"), REAL_MAIN);
    repo.write(&p(".terraform.lock.hcl"), LOCK);
    repo.write(
        &p("prod.tfvars"),
        "region = \"eu-west-1\"\ncidrs = [\"10.0.0.0/24\"]\n",
    );
}

#[test]
fn no_terraform_skips_every_check() {
    let repo = Repo::plain();
    repo.write("README.md", "# app\n");
    let r = tf_json(&repo);
    for id in TF_IDS {
        assert_eq!(status(&r, id), "skip", "{id}");
        assert_eq!(check(&r, id)["message"], "no Terraform files", "{id}");
    }
}

#[test]
fn real_shaped_root_module_passes_everything() {
    let repo = Repo::git();
    good_root(&repo, "");
    repo.commit("infra");
    let r = tf_json(&repo);
    for id in TF_IDS {
        assert_eq!(status(&r, id), "pass", "{id}: {:#}", check(&r, id));
    }
}

#[test]
fn syntax_error_names_file_line_column_and_other_files_still_checked() {
    let repo = Repo::plain();
    good_root(&repo, "");
    repo.write(
        "broken.tf",
        "resource \"aws_s3_bucket\" \"b\" {\n  bucket = \"x\"\n  tags = {\n    a = \n  }\n}\n",
    );
    // A secret variable in a file after the broken one is still seen.
    repo.write("zz_vars.tf", "variable \"admin_secret\" {}\n");
    let r = tf_json(&repo);
    assert_eq!(status(&r, "terraform.valid"), "fail");
    let f = &check(&r, "terraform.valid")["findings"][0];
    assert_eq!(f["path"], "broken.tf");
    assert_eq!(f["line"], 4, "{f:#}");
    assert!(f["column"].as_u64().unwrap() >= 1);
    assert_eq!(
        finding_locations(&r, "terraform.sensitive-variables"),
        vec![("zz_vars.tf".to_string(), 1)]
    );
    assert_eq!(status(&r, "terraform.version-pinned"), "pass");
}

#[test]
fn top_level_attribute_in_tf_is_invalid_but_tfvars_are_fine() {
    let repo = Repo::plain();
    good_root(&repo, "");
    repo.write("oops.tf", "# comment\nregion = \"eu-west-1\"\n");
    let r = tf_json(&repo);
    assert_eq!(
        finding_locations(&r, "terraform.valid"),
        vec![("oops.tf".to_string(), 2)]
    );
}

#[test]
fn malformed_inputs_are_findings_not_crashes() {
    let repo = Repo::plain();
    good_root(&repo, "");
    let deep = format!(
        "locals {{\n  x = {}1{}\n}}\n",
        "[".repeat(5000),
        "]".repeat(5000)
    );
    repo.write("deep.tf", deep);
    let deep_blocks = format!("{}{}", "a {\n".repeat(5000), "}\n".repeat(5000));
    repo.write("deep_blocks.tf", deep_blocks);
    repo.write("unterminated.tf", "resource \"x\" \"y\" {\n  a = \"open\n");
    repo.write("binary.tf", b"\x00\x01\x02terraform\x00");
    repo.write(
        "bad.tf.json",
        "{\n  \"terraform\": {\n    \"required_version\": \n}\n",
    );
    repo.write(
        "deep.tf.json",
        format!("{}{}", "[".repeat(5000), "]".repeat(5000)),
    );
    repo.write("prod.auto.tfvars", "region = \"eu-west-1\"\ncount = \n");
    // Terraform rejects a redefined attribute; so does hcl::edit.
    repo.write(
        "dup.tf",
        "resource \"aws_s3_bucket\" \"b\" {\n  bucket = \"a\"\n  bucket = \"b\"\n}\n",
    );
    let r = tf_json(&repo);
    assert_eq!(status(&r, "terraform.valid"), "fail");
    let mut paths: Vec<String> = finding_locations(&r, "terraform.valid")
        .into_iter()
        .map(|(p, _)| p)
        .collect();
    paths.sort();
    assert_eq!(
        paths,
        vec![
            "bad.tf.json",
            "binary.tf",
            "deep.tf",
            "deep.tf.json",
            "deep_blocks.tf",
            "dup.tf",
            "prod.auto.tfvars",
            "unterminated.tf"
        ]
    );
    let locs = finding_locations(&r, "terraform.valid");
    assert!(locs.contains(&("deep.tf".to_string(), 2)), "{locs:?}");
    assert!(locs.contains(&("bad.tf.json".to_string(), 4)), "{locs:?}");
    assert!(locs.contains(&("dup.tf".to_string(), 3)), "{locs:?}");
    // The other checks ran.
    assert_eq!(status(&r, "terraform.remote-state"), "pass");
}

#[test]
fn terraform_dir_is_skipped() {
    let repo = Repo::plain();
    good_root(&repo, "");
    repo.write(".terraform/modules/vpc/main.tf", "this is { not hcl");
    let r = tf_json(&repo);
    assert_eq!(status(&r, "terraform.valid"), "pass");
}

#[test]
fn version_not_pinned_points_at_terraform_block_or_first_file() {
    let repo = Repo::plain();
    // Root 1: a terraform block without required_version.
    repo.write(
        "envs/prod/versions.tf",
        "# versions\n\nterraform {\n  backend \"s3\" {}\n}\n",
    );
    // Root 2: no terraform block at all (a provider makes it a root).
    repo.write("envs/dev/main.tf", "provider \"aws\" {}\n");
    let r = tf_json(&repo);
    assert_eq!(status(&r, "terraform.version-pinned"), "fail");
    assert_eq!(
        finding_locations(&r, "terraform.version-pinned"),
        vec![
            ("envs/dev/main.tf".to_string(), 1),
            ("envs/prod/versions.tf".to_string(), 3)
        ]
    );
    let c = check(&r, "terraform.version-pinned");
    assert_eq!(c["severity"], "warning");
    assert_eq!(c["fix"]["scaffold"], "terraform");
}

#[test]
fn unpinned_provider_is_reported_at_its_entry() {
    let repo = Repo::plain();
    good_root(&repo, "");
    repo.write(
        "modules/db/versions.tf",
        "terraform {\n  required_providers {\n    aws = {\n      source = \"hashicorp/aws\"\n    }\n    random = {\n      source  = \"hashicorp/random\"\n      version = \">= 3.0\"\n    }\n    null = {}\n  }\n}\n",
    );
    let r = tf_json(&repo);
    assert_eq!(status(&r, "terraform.providers-pinned"), "fail");
    assert_eq!(
        finding_locations(&r, "terraform.providers-pinned"),
        vec![
            ("modules/db/versions.tf".to_string(), 3),
            ("modules/db/versions.tf".to_string(), 10)
        ]
    );
    assert_eq!(
        check(&r, "terraform.providers-pinned")["fix"]["scaffold"],
        "terraform"
    );
}

#[test]
fn local_backend_and_missing_backend_are_reported() {
    let repo = Repo::plain();
    repo.write(
        "live/a/main.tf",
        "terraform {\n  required_version = \"~> 1.9\"\n  backend \"local\" {\n    path = \"x.tfstate\"\n  }\n}\nprovider \"aws\" {}\n",
    );
    repo.write(
        "live/b/main.tf",
        "provider \"aws\" {}\n\nterraform {\n  required_version = \"~> 1.9\"\n}\n",
    );
    repo.write(
        "live/c/main.tf",
        "terraform {\n  required_version = \"~> 1.9\"\n  cloud {\n    organization = \"acme\"\n    workspaces { name = \"c\" }\n  }\n}\n",
    );
    let r = tf_json(&repo);
    assert_eq!(status(&r, "terraform.remote-state"), "fail");
    assert_eq!(
        finding_locations(&r, "terraform.remote-state"),
        vec![
            ("live/a/main.tf".to_string(), 3),
            ("live/b/main.tf".to_string(), 3)
        ]
    );
    assert_eq!(
        check(&r, "terraform.remote-state")["fix"]["scaffold"],
        "terraform"
    );
}

#[test]
fn missing_or_ignored_lockfile_is_reported() {
    let repo = Repo::git();
    good_root(&repo, "envs/prod");
    good_root(&repo, "envs/stage");
    std::fs::remove_file(repo.path().join("envs/stage/.terraform.lock.hcl")).unwrap();
    // Present on disk but ignored: not committed.
    good_root(&repo, "envs/dev");
    repo.write(".gitignore", ".terraform/\nenvs/dev/.terraform.lock.hcl\n");
    repo.commit("infra");
    let r = tf_json(&repo);
    assert_eq!(status(&r, "terraform.lockfile"), "fail");
    // The anchor is the first block that uses providers: versions.tf's
    // `terraform` block declares `required_providers`... but main.tf sorts
    // first and its `provider` block is on line 1.
    assert_eq!(
        finding_locations(&r, "terraform.lockfile"),
        vec![
            ("envs/dev/main.tf".to_string(), 1),
            ("envs/stage/main.tf".to_string(), 1)
        ]
    );
    let c = check(&r, "terraform.lockfile");
    assert_eq!(
        c["fix"]["hint"],
        "run `terraform init` and commit .terraform.lock.hcl"
    );
    assert!(c["fix"].get("scaffold").is_none());
}

#[test]
fn secret_variables_must_be_sensitive_without_literal_default() {
    let repo = Repo::plain();
    good_root(&repo, "");
    let secret_value = ["hunter", "2-", "s3cr3t"].concat();
    repo.write(
        "variables.tf",
        format!(
            "variable \"db_password\" {{\n  type = string\n}}\n\nvariable \"api_key\" {{\n  sensitive = false\n}}\n\nvariable \"github_token\" {{\n  sensitive = true\n  default   = \"{secret_value}\"\n}}\n\nvariable \"secret_name\" {{\n  default = \"prod/db\"\n}}\n"
        ),
    );
    let (r, _) = repo.check_json(&["--only", "terraform.*"]);
    assert_eq!(status(&r, "terraform.sensitive-variables"), "fail");
    assert_eq!(
        finding_locations(&r, "terraform.sensitive-variables"),
        vec![
            ("variables.tf".to_string(), 1),
            ("variables.tf".to_string(), 6),
            ("variables.tf".to_string(), 11)
        ]
    );
    // The default's value is never printed, in any format.
    for format in ["json", "human"] {
        let out = repo.readyctl(&[
            "check",
            "--offline",
            "--no-progress",
            "--only",
            "terraform.*",
            "--format",
            format,
        ]);
        assert!(
            !out.stdout.contains(&secret_value),
            "{format}: {}",
            out.stdout
        );
    }
}

#[test]
fn reusable_modules_and_examples_are_not_root_modules() {
    // Shaped like a registry module: a root module at the top calling
    // nested local modules, plus examples/ and test fixtures.
    let repo = Repo::git();
    good_root(&repo, "");
    repo.write(
        "main.tf",
        format!(
            "{REAL_MAIN}\nmodule \"vpc\" {{\n  source = \"./modules/vpc\"\n}}\nmodule \"shared\" {{\n  source = \"./shared\"\n}}\n"
        ),
    );
    repo.write(
        "modules/vpc/main.tf",
        "resource \"aws_vpc\" \"this\" {\n  cidr_block = var.cidr\n}\nmodule \"subnets\" {\n  source = \"./modules/subnets\"\n}\n",
    );
    repo.write(
        "modules/vpc/versions.tf",
        "terraform {\n  required_providers {\n    aws = { source = \"hashicorp/aws\", version = \">= 5.0\" }\n  }\n}\n",
    );
    repo.write(
        "modules/vpc/modules/subnets/main.tf",
        "resource \"aws_subnet\" \"s\" {}\n",
    );
    repo.write("shared/main.tf", "resource \"null_resource\" \"n\" {}\n");
    // Examples: no backend, no lock file, unpinned — not the gate's concern.
    repo.write(
        "examples/complete/main.tf",
        "provider \"aws\" {}\nmodule \"vpc\" {\n  source = \"../../\"\n}\nvariable \"db_password\" {\n  default = \"example\"\n}\n",
    );
    repo.write(
        "test/fixtures/basic/main.tf",
        "terraform {\n  required_providers {\n    aws = { source = \"hashicorp/aws\" }\n  }\n}\n",
    );
    repo.commit("module");
    let r = tf_json(&repo);
    for id in TF_IDS {
        assert_eq!(status(&r, id), "pass", "{id}: {:#}", check(&r, id));
    }
    assert!(
        check(&r, "terraform.remote-state")["message"]
            .as_str()
            .unwrap()
            .contains("2 modules in tests or examples not checked"),
        "{:#}",
        check(&r, "terraform.remote-state")
    );
    // Examples and test data may be broken on purpose: never a failure
    // (SPEC §9), and the product's files are still all checked.
    repo.write("examples/complete/broken.tf", "module \"x\" {\n");
    repo.write("test/fixtures/bad/main.tf", "resource \"x\" {\n");
    let r = tf_json(&repo);
    assert_eq!(
        status(&r, "terraform.valid"),
        "pass",
        "{:#}",
        check(&r, "terraform.valid")
    );
    assert_eq!(r["roles"]["examples"], 2, "{:#}", r["roles"]);
    assert_eq!(r["roles"]["test_data"], 2, "{:#}", r["roles"]);
}

#[test]
fn terraform_only_in_test_fixtures_is_not_infrastructure() {
    // A Go tool whose only Terraform is its own test input.
    let repo = Repo::git();
    repo.write("main.go", "package main\n");
    repo.write(
        "internal/plan/testdata/basic/main.tf",
        "resource \"aws_s3_bucket\" \"b\" {}\n",
    );
    repo.write("test/e2e/main.tf", "resource \"null_resource\" \"n\" {}\n");
    repo.commit("tool");
    let r = tf_json(&repo);
    assert_eq!(
        status(&r, "terraform.present"),
        "fail",
        "{:#}",
        check(&r, "terraform.present")
    );
    for id in TF_IDS.iter().filter(|id| **id != "terraform.present") {
        assert_eq!(status(&r, id), "skip", "{id}: {:#}", check(&r, id));
    }
}

#[test]
fn environment_named_test_beside_prod_is_product() {
    let repo = Repo::git();
    for env in ["prod", "test"] {
        repo.write(
            &format!("envs/{env}/main.tf"),
            "terraform {\n  backend \"s3\" {}\n}\n",
        );
    }
    repo.commit("envs");
    let r = tf_json(&repo);
    let msg = check(&r, "terraform.remote-state")["message"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(msg.starts_with("2 root modules"), "{msg}");
}

#[test]
fn paths_config_moves_files_between_roles() {
    let repo = Repo::git();
    repo.write("sandbox/main.tf", "resource \"x\" {\n");
    repo.write(
        "readyctl.yaml",
        "version: 1\npaths:\n  test_data: [\"sandbox/**\"]\n  examples: [\"!examples/**\"]\n",
    );
    repo.write("examples/main.tf", "resource \"y\" {\n");
    repo.commit("paths");
    let r = tf_json(&repo);
    // sandbox/ is test data now; examples/ was taken back into the product.
    let locs = finding_locations(&r, "terraform.valid");
    assert_eq!(locs.len(), 1, "{:#}", check(&r, "terraform.valid"));
    assert_eq!(locs[0].0, "examples/main.tf");
    // A bad glob is a config error at its line.
    repo.write(
        "readyctl.yaml",
        "version: 1\npaths:\n  vendored: [\"a/{b\"]\n",
    );
    let run = repo.readyctl(&["check", ".", "--offline", "--no-progress"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("readyctl.yaml:3"), "{}", run.stderr);
}

#[test]
fn json_syntax_is_read() {
    let repo = Repo::plain();
    repo.write(
        "main.tf.json",
        r#"{
  "terraform": {
    "required_version": ">= 1.6",
    "backend": {"gcs": {"bucket": "acme-state"}},
    "required_providers": {
      "google": {"source": "hashicorp/google", "version": "~> 6.0"},
      "random": {"source": "hashicorp/random"}
    }
  },
  "variable": {
    "client_secret": {"type": "string"}
  },
  "resource": {"google_storage_bucket": {"b": {"name": "x", "location": "EU"}}}
}
"#,
    );
    repo.write(".terraform.lock.hcl", LOCK);
    let r = tf_json(&repo);
    assert_eq!(status(&r, "terraform.valid"), "pass");
    assert_eq!(status(&r, "terraform.version-pinned"), "pass");
    assert_eq!(status(&r, "terraform.remote-state"), "pass");
    assert_eq!(status(&r, "terraform.lockfile"), "pass");
    assert_eq!(
        finding_locations(&r, "terraform.providers-pinned"),
        vec![("main.tf.json".to_string(), 7)]
    );
    assert_eq!(
        finding_locations(&r, "terraform.sensitive-variables"),
        vec![("main.tf.json".to_string(), 11)]
    );
}

#[test]
fn explain_has_every_section() {
    let repo = Repo::plain();
    for id in TF_IDS {
        let out = repo.readyctl(&["explain", id]);
        assert_eq!(out.code, 0, "{id}: {}", out.stderr);
        for section in ["What it checks", "Why it matters", "How to fix", "Example"] {
            assert!(out.stdout.contains(section), "{id} lacks {section}");
        }
    }
}

#[test]
fn terragrunt_counts_and_other_infrastructure_as_code_skips() {
    let repo = Repo::git();
    repo.write(
        "prod/us-east-1/vpc/terragrunt.hcl",
        "terraform {\n  source = \"tfr:///terraform-aws-modules/vpc/aws?version=5.8.1\"\n}\n",
    );
    repo.commit("live");
    let r = tf_json(&repo);
    assert_eq!(
        status(&r, "terraform.present"),
        "pass",
        "{:#}",
        check(&r, "terraform.present")
    );

    let cfn = Repo::git();
    cfn.write(
        "infra/stack.yaml",
        "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  Bucket:\n    Type: AWS::S3::Bucket\n",
    );
    cfn.commit("cfn");
    let r = tf_json(&cfn);
    let c = check(&r, "terraform.present");
    assert_eq!(c["status"], "skip", "{c:#}");
    assert!(
        c["message"].as_str().unwrap().contains("another tool"),
        "{c:#}"
    );

    let helm = Repo::git();
    helm.write(
        "charts/api/Chart.yaml",
        "apiVersion: v2\nname: api\nversion: 0.1.0\n",
    );
    helm.commit("chart");
    assert_eq!(status(&tf_json(&helm), "terraform.present"), "skip");

    // Nothing at all: still a failure.
    let none = Repo::git();
    none.write("main.go", "package main\n");
    none.commit("go");
    assert_eq!(status(&tf_json(&none), "terraform.present"), "fail");
}

#[test]
fn encryption_key_variables_that_name_a_kms_key_are_not_secrets() {
    let repo = Repo::git();
    good_root(&repo, "");
    repo.write(
        "kms.tf",
        "variable \"bucket_encryption_key\" {\n  description = \"Alias of the KMS key that encrypts the bucket\"\n  type        = string\n  default     = \"alias/aws/s3\"\n}\nvariable \"logs_encryption_key\" {\n  type    = string\n  default = \"arn:aws:kms:eu-west-1:111122223333:key/abc\"\n}\nvariable \"app_encryption_key\" {\n  type    = string\n  default = \"c2VjcmV0LWJ5dGVz\"\n}\n",
    );
    repo.commit("kms");
    let r = tf_json(&repo);
    let locs = finding_locations(&r, "terraform.sensitive-variables");
    // Only the variable that holds key material is a finding.
    assert!(
        !locs.is_empty(),
        "{:#}",
        check(&r, "terraform.sensitive-variables")
    );
    assert!(
        locs.iter().all(|(p, l)| p == "kms.tf" && *l >= 10),
        "{locs:?}"
    );
}

#[test]
fn a_multi_line_conditional_in_an_object_for_is_valid() {
    // Valid HCL (newlines do not count inside `for`) that hcl-edit 0.10
    // rejects; the model retries it (src/views/terraform/for_newlines.rs).
    let repo = Repo::git();
    good_root(&repo, "");
    repo.write(
        "locals.tf",
        "locals {\n  subnets = {\n    for k, v in var.subnets : k => v.public\n      ? v.public_cidr\n      : v.private_cidr\n  }\n}\n",
    );
    repo.commit("for");
    let r = tf_json(&repo);
    assert_eq!(
        status(&r, "terraform.valid"),
        "pass",
        "{:#}",
        check(&r, "terraform.valid")
    );
    // A real error after it is still reported at its own line.
    repo.write(
        "locals.tf",
        "locals {\n  subnets = {\n    for k, v in var.subnets : k => v.public\n      ? v.public_cidr\n      : v.private_cidr\n  }\n  broken =\n}\n",
    );
    let r = tf_json(&repo);
    assert_eq!(
        finding_locations(&r, "terraform.valid"),
        vec![("locals.tf".to_string(), 7)]
    );
}
