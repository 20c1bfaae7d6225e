#!/usr/bin/env bash
# Mutation run (issue 13): mutated repositories through `readyctl check`,
# `scaffold --missing` and `init` for a time budget; reports any exit code
# outside 0/1/2, any timeout (a hang), a planted secret printed whole or a
# write outside the repository, or a run over 300 MB peak RSS. Failing
# cases are kept (rebuilt as they were) for replay.
#
#   benches/fuzz.sh [SECONDS] [extra args for benches/fuzz.py]
#   READYCTL_BIN=target/debug/readyctl benches/fuzz.sh 1200 --seed /path/to/repo
#
# Runs niced. Exit 1 when any case failed. docs/RELIABILITY.md records runs.
set -euo pipefail
cd "$(dirname "$0")/.."
budget="${1:-300}"
shift || true
bin="${READYCTL_BIN:-target/release/readyctl}"
if [[ ! -x "$bin" ]]; then
  echo "fuzz: building $bin" >&2
  if [[ "$bin" == target/release/readyctl ]]; then cargo build --release --locked; else cargo build --locked; fi
fi
# Run a copy, so that a rebuild during the run does not change the binary.
copy="$(mktemp -d)/readyctl"
cp "$bin" "$copy"
trap 'rm -rf "$(dirname "$copy")"' EXIT
nice -n 10 python3 benches/fuzz.py --budget "$budget" --bin "$copy" "$@"
