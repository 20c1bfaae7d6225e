#!/usr/bin/env bash
# Build readyctl as one static Linux x86_64 binary, prove it is static, and
# run it on the bundled example repository. Prints the size.
#
# The release workflow builds x86_64-unknown-linux-musl (static by default).
# This script does the same when the musl target and musl-gcc (Debian:
# musl-tools; ring compiles C) are installed, else falls back to a static
# glibc build (-C target-feature=+crt-static). Caveat of that fallback:
# static glibc cannot load NSS modules, so host names resolve from
# /etc/hosts and DNS only (no mDNS/LDAP/systemd-resolved NSS plugins) in
# health.reachable's probes; the musl build has the same resolver scope.
set -euo pipefail
cd "$(dirname "$0")/.."

if rustup target list --installed 2>/dev/null | grep -qx x86_64-unknown-linux-musl &&
    command -v musl-gcc >/dev/null; then
    target=x86_64-unknown-linux-musl
    export CC_x86_64_unknown_linux_musl=musl-gcc
    cargo build --release --locked --target "$target"
else
    target=x86_64-unknown-linux-gnu
    echo "musl target or musl-gcc missing: static glibc build (see the caveat above)"
    RUSTFLAGS='-C target-feature=+crt-static' cargo build --release --locked --target "$target"
fi
bin=target/$target/release/readyctl

file "$bin"
file "$bin" | grep -Eq 'static(ally|-pie) linked' || { echo "not statically linked"; exit 1; }
if command -v ldd >/dev/null; then ldd "$bin" 2>&1 | sed 's/^/ldd: /' || true; fi
rc=0
"$bin" check examples/service --offline --no-progress --quiet || rc=$?
[ "$rc" -le 1 ] || { echo "readyctl exited $rc on examples/service"; exit 1; }
echo "static binary: $bin ($target), $(stat -c %s "$bin") bytes ($(du -h "$bin" | cut -f1))"
