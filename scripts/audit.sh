#!/usr/bin/env bash
# cargo audit of Cargo.lock against a local copy of the RustSec advisory
# database (no network): scripts/audit.sh DB_DIR
#   DB_DIR: a clone of https://github.com/rustsec/advisory-db (a bare git
#   directory is checked out into a temporary work tree first).
set -euo pipefail
cd "$(dirname "$0")/.."
db=${1:?usage: scripts/audit.sh ADVISORY_DB_DIR}
command -v cargo-audit >/dev/null || { echo "cargo-audit is not installed (cargo install cargo-audit --locked)"; exit 2; }
if [ ! -d "$db/crates" ]; then
    tree=$(mktemp -d)
    trap 'rm -rf "$tree"' EXIT
    git --git-dir="$db" --work-tree="$tree" checkout -f HEAD -- . 2>/dev/null ||
        { echo "$db is neither an advisory-db checkout nor a git directory"; exit 2; }
    git --git-dir="$db" log -1 --format='advisory-db snapshot: %H (%cd)'
    db=$tree
fi
cargo audit --db "$db" --no-fetch --file Cargo.lock
