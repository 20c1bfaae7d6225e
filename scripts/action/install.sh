#!/usr/bin/env bash
# Install step of the readyctl GitHub Action (action.yml).
#
# Downloads the release binary of this action's version for the runner's
# platform from the action's own repository, verifies its SHA-256 against
# the release's SHA256SUMS, and prints `bin=PATH` to $GITHUB_OUTPUT. Builds
# from the action's source with `cargo install --locked` only when asked
# (READYCTL_BUILD_FROM_SOURCE=true), when no release binary exists.
#
# Environment (set by action.yml; defaults make it runnable by hand):
#   READYCTL_VERSION            version to install (default: Cargo.toml's)
#   READYCTL_REPOSITORY         owner/name of the release (default: $GITHUB_ACTION_REPOSITORY)
#   READYCTL_BUILD_FROM_SOURCE  "true" to fall back to building from source
#   READYCTL_RELEASES_URL       base URL of the releases (tests point it at a local server)
set -euo pipefail

action_dir=${GITHUB_ACTION_PATH:-$(cd "$(dirname "$0")/../.." && pwd)}
version=${READYCTL_VERSION:-}
if [ -z "$version" ]; then
    version=$(sed -n 's/^version = "\(.*\)"$/\1/p' "$action_dir/Cargo.toml" | head -n 1)
fi
version=${version#v}
case "$version" in
    *[!0-9A-Za-z.+-]* | "") echo "::error::readyctl: not a version: '$version'"; exit 2 ;;
esac
repository=${READYCTL_REPOSITORY:-${GITHUB_ACTION_REPOSITORY:-}}
base=${READYCTL_RELEASES_URL:-https://github.com/$repository/releases/download}
dest=${RUNNER_TEMP:-${TMPDIR:-/tmp}}/readyctl-$version
output=${GITHUB_OUTPUT:-/dev/null}

os=${RUNNER_OS:-$(uname -s)}
arch=${RUNNER_ARCH:-$(uname -m)}
case "$os/$arch" in
    Linux/X64 | Linux/x86_64) target=x86_64-unknown-linux-musl ;;
    Linux/ARM64 | Linux/aarch64) target=aarch64-unknown-linux-musl ;;
    macOS/ARM64 | Darwin/arm64) target=aarch64-apple-darwin ;;
    macOS/X64 | Darwin/x86_64) target=x86_64-apple-darwin ;;
    Windows/X64 | MINGW*/x86_64 | MSYS*/x86_64) target=x86_64-pc-windows-msvc ;;
    *) target="" ;;
esac
exe=readyctl
case "$target" in *windows*) exe=readyctl.exe ;; esac

sha256() {
    if command -v sha256sum >/dev/null 2>&1; then
        sha256sum "$1" | cut -d ' ' -f 1
    else
        shasum -a 256 "$1" | cut -d ' ' -f 1
    fi
}

from_release() {
    [ -n "$target" ] || { echo "readyctl: no release binary for $os/$arch"; return 1; }
    [ -n "$repository" ] || [ -n "${READYCTL_RELEASES_URL:-}" ] || {
        echo "readyctl: the action's repository is unknown (GITHUB_ACTION_REPOSITORY)"
        return 1
    }
    local archive="readyctl-$version-$target.tar.gz" tmp proto="=https"
    # Only a test's local server is plain http.
    [ -z "${READYCTL_RELEASES_URL:-}" ] || proto="=http,https"
    tmp=$(mktemp -d)
    echo "readyctl: downloading $base/v$version/$archive"
    curl --fail --silent --show-error --location --retry 3 --proto "$proto" \
        --output "$tmp/$archive" "$base/v$version/$archive" || return 1
    curl --fail --silent --show-error --location --retry 3 --proto "$proto" \
        --output "$tmp/SHA256SUMS" "$base/v$version/SHA256SUMS" || return 1
    local want got
    want=$(awk -v f="$archive" '$2 == f || $2 == "*" f { print $1 }' "$tmp/SHA256SUMS")
    got=$(sha256 "$tmp/$archive")
    if [ -z "$want" ] || [ "$want" != "$got" ]; then
        echo "::error::readyctl: SHA-256 of $archive is $got, SHA256SUMS says '${want:-nothing}'"
        exit 1
    fi
    echo "readyctl: SHA-256 verified: $got"
    mkdir -p "$dest/bin"
    tar -xzf "$tmp/$archive" -C "$tmp"
    install -m 0755 "$tmp/readyctl-$version-$target/$exe" "$dest/bin/$exe"
    rm -rf "$tmp"
}

from_source() {
    echo "readyctl: building $version from source ($action_dir) with cargo install --locked"
    cargo install --locked --path "$action_dir" --root "$dest"
}

if ! from_release; then
    if [ "${READYCTL_BUILD_FROM_SOURCE:-false}" = true ]; then
        from_source
    else
        echo "::error::readyctl: no release binary for version $version on $os/$arch; set 'build-from-source: true' to build it with cargo"
        exit 1
    fi
fi
"$dest/bin/$exe" --version
echo "bin=$dest/bin/$exe" >> "$output"
