#!/usr/bin/env bash
# Benchmark the terraform.* and ci.* checks on a generated tree:
# 2,000 Terraform files (200 modules: 100 root modules, 100 reusable ones,
# plus examples) and 200 GitHub workflows (with a GitLab pipeline and
# includes beside them).
#
#   benches/tfci.sh            # uses target/release/readyctl (build it first:
#                              # cargo build --release)
#   READYCTL=path benches/tfci.sh
#
# Uses hyperfine when installed, else /usr/bin/time -v; prints peak RSS
# either way. Not run by CI.
set -euo pipefail

here="$(cd "$(dirname "$0")/.." && pwd)"
bin="${READYCTL:-$here/target/release/readyctl}"
[ -x "$bin" ] || { echo "no binary at $bin (cargo build --release)" >&2; exit 2; }

work="$(mktemp -d)"
trap '[ -n "${KEEP:-}" ] || rm -rf "$work"' EXIT
tree="$work/repo"

python3 - "$tree" <<'PY'
import os, sys
root = sys.argv[1]
def w(rel, text):
    p = os.path.join(root, rel)
    os.makedirs(os.path.dirname(p), exist_ok=True)
    with open(p, "w") as f:
        f.write(text)

SHA = "11bd71901bbe5b1630ceea73d27597364c9af683"
tf_files = 0
for m in range(200):
    reusable = m % 2 == 1
    d = f"modules/m{m:03}" if reusable else f"envs/e{m:03}"
    if not reusable:
        w(f"{d}/versions.tf", f'''terraform {{
  required_version = "~> 1.9"
  required_providers {{
    aws = {{
      source  = "hashicorp/aws"
      version = "~> 5.0"
    }}
  }}
  backend "s3" {{
    bucket = "state-{m}"
    key    = "e{m}/terraform.tfstate"
    region = "eu-west-1"
  }}
}}
''')
        w(f"{d}/.terraform.lock.hcl", "# lock\n")
        w(f"{d}/prod.tfvars", f'region = "eu-west-1"\nname = "e{m}"\n')
    else:
        w(f"{d}/versions.tf", 'terraform {\n  required_providers {\n    aws = { source = "hashicorp/aws", version = ">= 5.0" }\n  }\n}\n')
    tf_files += 1
    for i in range(9):
        body = []
        for r in range(6):
            body.append(f'''resource "aws_security_group" "sg_{i}_{r}" {{
  name = "sg-${{var.env}}-{i}-{r}"
  tags = {{ for k, v in var.tags : k => upper(v)
    if v != "" }}
  dynamic "ingress" {{
    for_each = var.ingress
    content {{
      from_port   = ingress.value.port
      to_port     = ingress.value.port
      protocol    = "tcp"
      cidr_blocks = [for c in ingress.value.cidrs : c if c != "0.0.0.0/0"]
    }}
  }}
  description = <<-EOT
    Security group {i}/{r} for ${{var.env}}
  EOT
}}
''')
        body.append(f'variable "db_password_{i}" {{\n  type      = string\n  sensitive = true\n}}\n')
        body.append(f'variable "tags_{i}" {{\n  type    = map(string)\n  default = {{}}\n}}\n')
        if i == 0 and not reusable:
            body.append(f'module "m" {{\n  source = "../../modules/m{m+1:03}"\n}}\n')
        w(f"{d}/main_{i}.tf", "\n".join(body))
        tf_files += 1
print(f"terraform files: {tf_files}", file=sys.stderr)

for n in range(200):
    w(f".github/workflows/wf{n:03}.yml", f'''name: wf{n}
on:
  push:
    branches: [main]
  pull_request:
permissions:
  contents: read
jobs:
  test:
    strategy:
      matrix:
        os: [ubuntu-latest, macos-latest, windows-latest]
        toolchain: [stable, beta]
    runs-on: ${{{{ matrix.os }}}}
    steps:
      - uses: actions/checkout@{SHA}
      - uses: actions/cache@{SHA}
        with:
          path: ~/.cargo
          key: ${{{{ runner.os }}}}-{n}
      - run: |
          cargo build --locked
          cargo test --locked
  audit:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@{SHA}
      - run: cargo deny check
  gate:
    needs: [test, audit]
    runs-on: ubuntu-latest
    steps:
      - run: readyctl check
  deploy:
    needs: gate
    runs-on: ubuntu-latest
    steps:
      - run: ./deploy.sh {n}
''')
w(".gitlab-ci.yml", "stages: [test, deploy]\ninclude:\n  - local: ci/*.yml\n")
for n in range(10):
    w(f"ci/part{n}.yml", f".tpl{n}: &tpl{n}\n  image: rust\n\njob{n}:\n  <<: *tpl{n}\n  script: [cargo test]\n")
PY

cmd=("$bin" check "$tree" --offline --no-progress --only 'terraform.*,ci.*' --fail-on never)
echo "tree: $(find "$tree" -name '*.tf' | wc -l) .tf files, $(ls "$tree/.github/workflows" | wc -l) workflows"
"${cmd[@]}" --format json | python3 -c 'import json,sys; r=json.load(sys.stdin); print("summary:", r["summary"]); [print(" ", c["id"], c["status"], "-", c["message"]) for c in r["checks"]]'

if command -v hyperfine >/dev/null; then
  hyperfine --warmup 2 --runs 15 "$(printf '%q ' "${cmd[@]}") >/dev/null"
fi
/usr/bin/time -v "${cmd[@]}" >/dev/null 2>"$work/time.txt" || true
grep -E "Elapsed \(wall|Maximum resident" "$work/time.txt"
