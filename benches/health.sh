#!/usr/bin/env bash
# Benchmark of health.reachable (release build):
#  1. 1,000 endpoints on a local server, concurrency 64 (target: < 2 s wall);
#  2. one hanging endpoint, timeout 1s, retries 1: the exact cost against
#     the theoretical bound timeout × attempts + backoff (2.0–2.1 s).
# Figures go to docs/PERFORMANCE.md by hand.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
RUNS=${RUNS:-5}
N=${N:-1000}

cargo build --release --quiet
BIN=$ROOT/target/release/readyctl
WORK=$(mktemp -d)
cleanup() {
  [ -n "${OK_PID:-}" ] && kill "$OK_PID" 2>/dev/null || true
  [ -n "${HANG_PID:-}" ] && kill "$HANG_PID" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

python3 benches/health/server.py ok "$WORK/ok.port" & OK_PID=$!
python3 benches/health/server.py hang "$WORK/hang.port" & HANG_PID=$!
for f in ok.port hang.port; do
  for _ in $(seq 50); do [ -s "$WORK/$f" ] && break; sleep 0.1; done
done
OK_PORT=$(cat "$WORK/ok.port")
HANG_PORT=$(cat "$WORK/hang.port")

# 1. N endpoints, concurrency 64.
mkdir -p "$WORK/many"
{
  echo "version: 1"
  echo "health:"
  echo "  concurrency: 64"
  echo "  timeout: 5s"
  echo "  endpoints:"
  for i in $(seq "$N"); do
    echo "    - name: e$i"
    echo "      url: http://127.0.0.1:$OK_PORT/healthz/$i"
    echo "      body_contains: ok"
  done
} > "$WORK/many/readyctl.yaml"

now() { date +%s.%N; }
echo "== $N endpoints, concurrency 64 ($RUNS runs)"
for r in $(seq "$RUNS"); do
  t0=$(now)
  "$BIN" check "$WORK/many" --only health.reachable --no-progress --format json > "$WORK/out.json" || {
    echo "run failed"; head -c 2000 "$WORK/out.json"; exit 1; }
  t1=$(now)
  msg=$(python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); print([c["message"] for c in r["checks"] if c["id"]=="health.reachable"][0])' "$WORK/out.json")
  printf 'run %d: %.3f s  (%s)\n' "$r" "$(echo "$t1 - $t0" | bc)" "$msg"
done

# 2. One hanging endpoint: timeout 1s, retries 1.
mkdir -p "$WORK/hang"
cat > "$WORK/hang/readyctl.yaml" <<YAML
version: 1
health:
  timeout: 1s
  retries: 1
  endpoints:
    - name: hang
      url: http://127.0.0.1:$HANG_PORT/healthz
YAML
echo "== hanging endpoint, timeout 1s, retries 1 (theory: 2 × 1 s + backoff 50–100 ms = 2.05–2.10 s)"
for r in $(seq "$RUNS"); do
  t0=$(now)
  "$BIN" check "$WORK/hang" --only health.reachable --no-progress --format json > "$WORK/out.json" || true
  t1=$(now)
  msg=$(python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); print([f["message"] for c in r["checks"] if c["id"]=="health.reachable" for f in c["findings"]][0])' "$WORK/out.json")
  printf 'run %d: %.3f s  (%s)\n' "$r" "$(echo "$t1 - $t0" | bc)" "$msg"
done
