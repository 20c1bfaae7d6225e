#!/usr/bin/env bash
# Benchmark: what do 500 declarative checks add to a readyctl run?
#
# Builds two identical fixture repositories, one with 500 generated checks in
# .readyctl/checks/ (a mix of every file-based rule kind), and measures
#   - `readyctl list`                    (loading + validating the checks only)
#   - `readyctl check --offline`         (loading + running them)
# with hyperfine when installed (apt-get install hyperfine), else with
# repeated /usr/bin/time.
#
# Usage: benches/custom.sh [path/to/readyctl]   (default target/release/readyctl)
# Build first: cargo build --release. Not run by CI.
set -euo pipefail

BIN=${1:-target/release/readyctl}
BIN=$(realpath "$BIN")
N=${N:-500}
RUNS=${RUNS:-20}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

make_repo() {
  local r=$1
  mkdir -p "$r"
  for s in $(seq 1 40); do
    mkdir -p "$r/services/s$s" "$r/deploy" "$r/infra/m$s" "$r/docs"
    printf 'FROM alpine\nHEALTHCHECK CMD true\nRUN echo %s\n' "$s" > "$r/services/s$s/Dockerfile"
    for f in $(seq 1 5); do
      printf 'def f%s():\n    return requests.get(u, timeout=5)\n' "$f" > "$r/services/s$s/m$f.py"
    done
    printf 'apiVersion: apps/v1\nkind: Deployment\nspec:\n  template:\n    spec:\n      containers:\n        - name: s%s\n          resources:\n            limits: {memory: 64Mi}\n' "$s" > "$r/deploy/s$s.yaml"
    printf 'resource "aws_s3_bucket" "b%s" {\n  bucket = "b%s"\n  tags = {}\n}\n' "$s" "$s" > "$r/infra/m$s/main.tf"
    printf '# Service %s\n\n## Rollback\n\n1. redeploy\n2. verify\n' "$s" > "$r/docs/s$s.md"
  done
  printf '/services/ @acme/platform\n' > "$r/CODEOWNERS"
}

gen_checks() {
  local d=$1/.readyctl/checks
  mkdir -p "$d"
  for i in $(seq 1 "$N"); do
    case $((i % 7)) in
      0) rule="  file_exists: {files: [\"services/*/Dockerfile\"], exclude: [\"vendor/**\"]}" ;;
      1) rule="  file_contains: {files: [\"services/*/Dockerfile\"], regex: '^HEALTHCHECK\\s+CMD\\s+\\S+|never$i'}" ;;
      2) rule="  file_lacks: {files: [\"services/**/*.py\"], regex: 'verify\\s*=\\s*False|x$i'}" ;;
      3) rule="  markdown_section: {files: [\"docs/*.md\"], heading: 'roll ?back|v$i', min_steps: 1}" ;;
      4) rule="  yaml_path: {files: [\"deploy/*.yaml\"], path: 'spec.template.spec.containers[*].resources.limits'}" ;;
      5) rule="  hcl: {block: resource, labels: [aws_s3_bucket], attribute: tags}" ;;
      6) rule="  all:
    - file_absent: {files: [\"**/*.pem\"]}
    - not:
        file_exists: {files: [\"**/.env\"]}" ;;
    esac
    cat > "$d/c$i.yaml" <<YAML
id: bench.c$i
title: Generated check $i
severity: warning
explain:
  what: Generated check number $i.
  why: To measure loading many checks.
  fix: Nothing to fix.
  example: Not applicable.
fix:
  hint: nothing
rule:
$rule
YAML
  done
}

make_repo "$WORK/base"
cp -r "$WORK/base" "$WORK/custom"
gen_checks "$WORK/custom"

# Sanity: the checks load and run (a load error would exit 2).
"$BIN" list --path "$WORK/custom" >/dev/null 2>&1 || { "$BIN" list --path "$WORK/custom"; exit 1; }
set +e
"$BIN" check "$WORK/custom" --offline --no-progress --format json --only 'bench.*' > "$WORK/report.json"
code=$?
set -e
[ "$code" -le 1 ] || { echo "check failed with exit $code"; exit 1; }
echo "checks run: $(grep -c '"id": "bench\.' "$WORK/report.json"), failing: $(grep -c '"status": "fail"' "$WORK/report.json")"
echo "files in fixture: $(find "$WORK/base" -type f | wc -l)"

if command -v hyperfine >/dev/null; then
  hyperfine -N --warmup 3 --runs "$RUNS" \
    -n "list (0 custom)"   "$BIN list --path $WORK/base" \
    -n "list ($N custom)"  "$BIN list --path $WORK/custom" \
    -n "check (0 custom)"  "$BIN check $WORK/base --offline --no-progress --format json --fail-on never" \
    -n "check ($N custom)" "$BIN check $WORK/custom --offline --no-progress --format json --fail-on never"
else
  for args in "list --path $WORK/base" "list --path $WORK/custom" \
              "check $WORK/base --offline --no-progress --format json --fail-on never" \
              "check $WORK/custom --offline --no-progress --format json --fail-on never"; do
    total=0
    for _ in $(seq 1 "$RUNS"); do
      t=$( { /usr/bin/time -f '%e' "$BIN" $args >/dev/null 2>/dev/null; } 2>&1 | tail -1)
      total=$(echo "$total + $t" | bc)
    done
    echo "$args: mean $(echo "scale=4; $total / $RUNS" | bc) s"
  done
fi
