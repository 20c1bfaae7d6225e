#!/usr/bin/env bash
# Core benchmark: one walk + the docs checks on a generated tree of 100,000
# files. Not run by CI. Needs hyperfine and GNU time (apt-get install hyperfine time).
#
#   bash benches/core.sh [N]
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-100000}
OUT=benches/out
TREE=$OUT/tree-$N
mkdir -p "$OUT"
[ -n "${NO_BUILD:-}" ] || cargo build --release --quiet
BIN=$PWD/target/release/readyctl
if [ ! -f "$TREE/.done" ]; then
  rm -rf "$TREE"
  python3 benches/gen_tree.py "$TREE" "$N"
  (cd "$TREE" && git init -q && git add -A && git -c user.email=b@e -c user.name=b commit -qm tree)
  touch "$TREE/.done"
fi
echo "tree: $N files, $(du -sh "$TREE" | cut -f1)"
cd "$TREE"
hyperfine --warmup 2 --runs 10 -i \
  -n "docs checks (issue 2 set)" "$BIN check --offline --no-progress --only 'docs.*'" \
  -n "all checks, offline" "$BIN check --offline --no-progress" \
  --export-markdown "$OLDPWD/$OUT/core-$N.md"
for sel in 'docs.*' '*'; do
  /usr/bin/time -f "peak RSS %M KB, wall %e s  (--only '$sel')" "$BIN" check --offline --no-progress --only "$sel" >/dev/null || true
done
