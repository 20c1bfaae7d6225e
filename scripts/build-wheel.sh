#!/usr/bin/env bash
# Build the PyPI wheel (maturin, `bindings = "bin"`), install it into a fresh
# virtualenv and run it on the bundled example repository, then run it the
# way pre-commit's `language: python` does without a Rust toolchain (a
# `local` hook whose additional_dependencies name the wheel). Prints the
# wheel's size and the time from `pip install` to the first report.
#
#   scripts/build-wheel.sh              # host (glibc) wheel
#   TARGET=x86_64-unknown-linux-musl scripts/build-wheel.sh   # static wheel
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

python3 -m venv "$work/build"
"$work/build/bin/pip" install --quiet "maturin>=1.9,<2"
args=(build --release --locked --out "$work/wheels")
if [ -n "${TARGET:-}" ]; then
    args+=(--target "$TARGET")
    case "$TARGET" in
        *musl*)
            export "CC_${TARGET//-/_}=musl-gcc"
            # A static binary runs on glibc systems too: tag it for both.
            args+=(--compatibility manylinux_2_17 musllinux_1_2)
            ;;
    esac
fi
"$work/build/bin/maturin" "${args[@]}"
wheel=$(ls "$work"/wheels/readyctl-*.whl)
mkdir -p target/wheels
cp "$wheel" target/wheels/
echo "wheel: $(basename "$wheel"), $(stat -c %s "$wheel") bytes ($(du -h "$wheel" | cut -f1))"

# A fresh venv, no Rust on PATH: pip install, then the first report.
python3 -m venv "$work/user"
nocargo=$(printf '%s\n' "${PATH//:/$'\n'}" | grep -v '/\.cargo/bin' | paste -sd:)
start=$(date +%s.%N)
PATH=$nocargo "$work/user/bin/pip" install --quiet --no-index "$wheel"
rc=0
PATH=$nocargo "$work/user/bin/readyctl" check examples/service --offline --no-progress --quiet || rc=$?
end=$(date +%s.%N)
[ "$rc" -le 1 ] || { echo "readyctl from the wheel exited $rc"; exit 1; }
awk -v a="$start" -v b="$end" 'BEGIN { printf "pip install to first report: %.2f s\n", b - a }'
"$work/user/bin/readyctl" --version

# pre-commit, language: python, wheel only (PIP_FIND_LINKS stands in for PyPI).
if [ "${SKIP_PRE_COMMIT:-}" != 1 ]; then
    "$work/build/bin/pip" install --quiet pre-commit
    repo=$work/repo
    cp -r examples/service "$repo"
    version=$(sed -n 's/^version = "\(.*\)"$/\1/p' Cargo.toml | head -n 1)
    cat >"$repo/.pre-commit-config.yaml" <<YAML
repos:
  - repo: local
    hooks:
      - id: readyctl
        name: readyctl release gate
        entry: readyctl check --offline --no-progress --quiet --fail-on never
        language: python
        additional_dependencies: ["readyctl==$version"]
        pass_filenames: false
        always_run: true
YAML
    (
        cd "$repo"
        git init -q && git add -A &&
            git -c user.email=ci@example.com -c user.name=ci commit -qm init
        PATH=$nocargo PIP_FIND_LINKS="$work/wheels" PRE_COMMIT_HOME="$work/pre-commit" \
            "$work/build/bin/pre-commit" run --all-files --verbose readyctl
    )
    echo "pre-commit (language: python, no Rust toolchain) ran readyctl from the wheel"
fi
echo "wheel copied to $root/target/wheels/"
