#!/usr/bin/env bash
# Benchmark `readyctl scaffold` and `readyctl init` on a generated repository:
# FILES source files in 100-file folders, a Cargo.toml, a GitHub workflow,
# Terraform and Kubernetes manifests with probes (so that every detector of
# the rendering context has something to read).
#
#   benches/scaffold.sh                 # FILES=20000 RUNS=5
#   FILES=100000 RUNS=3 READYCTL=target/release/readyctl benches/scaffold.sh
#
# Needs: hyperfine, git. Uses target/release/readyctl when built, else
# target/debug/readyctl (dependencies are optimised in the dev profile too).
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
FILES="${FILES:-20000}"
RUNS="${RUNS:-5}"
WORK="${WORK:-/tmp/readyctl-scaffold-bench}"
READYCTL="${READYCTL:-}"
if [ -z "$READYCTL" ]; then
  if [ -x "$ROOT/target/release/readyctl" ]; then
    READYCTL="$ROOT/target/release/readyctl"
  else
    READYCTL="$ROOT/target/debug/readyctl"
  fi
fi
echo "binary: $READYCTL"

rm -rf "$WORK" && mkdir -p "$WORK/repo"
cd "$WORK/repo"
git init -q
printf '[package]\nname = "bench-service"\nversion = "0.1.0"\n' > Cargo.toml
mkdir -p .github/workflows infra k8s
printf 'on: push\njobs:\n  b:\n    runs-on: ubuntu-latest\n    steps:\n      - run: cargo build\n' > .github/workflows/build.yml
printf 'provider "aws" {\n  region = "eu-west-1"\n}\n' > infra/main.tf
for i in $(seq 1 20); do
  printf 'apiVersion: apps/v1\nkind: Deployment\nspec:\n  template:\n    spec:\n      containers:\n        - name: c\n          readinessProbe:\n            httpGet:\n              path: /ready%s\n              port: 8080\n' "$i" > "k8s/deploy-$i.yaml"
done
i=0
while [ "$i" -lt "$FILES" ]; do
  d="src/m$((i / 100))"
  mkdir -p "$d"
  printf 'pub fn f%s() -> u32 { %s }\n' "$i" "$i" > "$d/f$i.rs"
  i=$((i + 1))
done
git add -A >/dev/null && git -c user.email=b@b -c user.name=b commit -qm bench

echo "files: $(git ls-files | wc -l)"
hyperfine -i --warmup 1 --runs "$RUNS" \
  "$READYCTL scaffold --missing --dry-run ." \
  "$READYCTL init --dry-run ." \
  "$READYCTL scaffold runbook --dry-run ." \
  "$READYCTL check --offline --no-progress --format json ."
