#!/usr/bin/env bash
# `readyctl fleet` over N generated reports (default 10,000): wall time and
# peak memory per format. Not run by CI. Needs hyperfine and GNU time.
#
#   bash benches/fleet.sh [N]
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-10000}
OUT=benches/out
DIR=$OUT/reports-$N
mkdir -p "$OUT"
[ -n "${NO_BUILD:-}" ] || cargo build --release --quiet
BIN=${BIN:-$PWD/target/release/readyctl}
if [ ! -f "$DIR/.done" ]; then
  rm -rf "$DIR"
  rc=0; "$BIN" check examples/service --offline --no-progress --format json --output "$OUT/template.json" >/dev/null || rc=$?
  [ "$rc" -le 1 ]
  python3 benches/gen_reports.py "$OUT/template.json" "$DIR" "$N"
  touch "$DIR/.done"
fi
echo "reports: $N files, $(du -sh --exclude=.done "$DIR" | cut -f1)"
hyperfine --warmup 1 --runs 5 \
  -n "fleet --format json" "$BIN fleet $DIR --format json --output $OUT/fleet.json" \
  -n "fleet --format html" "$BIN fleet $DIR --format html --output $OUT/fleet.html" \
  --export-markdown "$OUT/fleet-$N.md"
for fmt in json html; do
  /usr/bin/time -f "$fmt: peak RSS %M KB, wall %e s, user %U s, sys %S s" \
    "$BIN" fleet "$DIR" --format $fmt --output "$OUT/fleet.$fmt" >/dev/null
done
ls -la "$OUT/fleet.html" "$OUT/fleet.json"
