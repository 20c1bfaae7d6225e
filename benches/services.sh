#!/usr/bin/env bash
# Per-service checking of a generated S-service monorepo (default 50) in one
# run (one walk, the index sliced per service) against checking each service
# directory separately (S runs, each walking its directory and reading the
# git index again). Not run by CI. Needs GNU time.
#
#   bash benches/services.sh [S] [FILES_PER_SERVICE]
set -euo pipefail
cd "$(dirname "$0")/.."
S=${1:-50}
F=${2:-400}
OUT=benches/out
TREE=$OUT/monorepo-$S-$F
mkdir -p "$OUT"
[ -n "${NO_BUILD:-}" ] || cargo build --release --quiet
BIN=${BIN:-$PWD/target/release/readyctl}
if [ ! -f "$TREE/.done" ]; then
  rm -rf "$TREE"
  python3 benches/gen_monorepo.py examples/service "$TREE" "$S" "$F"
  (cd "$TREE" && git init -q && git add -A && git -c user.email=b@e -c user.name=b commit -qm tree)
  touch "$TREE/.done"
fi
echo "monorepo: $S services, $(cd "$TREE" && git ls-files | wc -l) files"
cd "$TREE"
run_all() { "$BIN" check . --offline --no-progress --format json >/dev/null || [ $? -eq 1 ]; }
run_each() {
  for d in services/*/; do
    "$BIN" check "$d" --offline --no-progress --format json >/dev/null || [ $? -eq 1 ]
  done
}
export -f run_all run_each
export BIN
for i in 1 2 3; do
  /usr/bin/time -f "one run, per service:      wall %e s, user %U s, sys %S s, peak RSS %M KB" bash -c run_all
  /usr/bin/time -f "$S runs, one per directory: wall %e s, user %U s, sys %S s, peak RSS %M KB" bash -c run_each
done
