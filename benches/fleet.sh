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

# The fan-out side: how many repositories one core checks per minute. A copy
# of the bundled example service in a git repository (a typical small
# service: docs, Terraform, manifests, monitoring), checked 20 times in a row;
# CPU time (user + sys) is the figure that scales with cores.
REPO=$OUT/throughput-repo
if [ ! -d "$REPO/.git" ]; then
  rm -rf "$REPO"; cp -r examples/service "$REPO"
  (cd "$REPO" && git init -q && git add -A && git -c user.email=b@e -c user.name=b commit -qm repo)
fi
/usr/bin/time -f "20 checks: wall %e s, user %U s, sys %S s" bash -c "
  for i in \$(seq 20); do \"$BIN\" check \"$REPO\" --offline --no-progress --format json --output $OUT/throughput.json >/dev/null || [ \$? -eq 1 ]; done"
