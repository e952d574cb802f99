#!/usr/bin/env bash
# Installs what the tests, the demo and the benchmarks need, skipping
# whatever is already present at the pinned version. Safe to run repeatedly.
set -euo pipefail
cd "$(dirname "$0")/.."

# Pinned tool versions. WASM_BINDGEN must equal the `wasm-bindgen = "=X"`
# pin in patch-wasm/Cargo.toml (the test command checks it).
CBINDGEN_VERSION=0.29.4
WASM_BINDGEN_VERSION=0.2.129
WASM_PACK_VERSION=0.15.1

say() { printf '\033[1m[tools]\033[0m [%s] %s\n' "$(date -u +%H:%M:%S)" "$*"; }

have_version() { # command, expected version substring
    command -v "$1" >/dev/null 2>&1 && "$1" --version 2>/dev/null | grep -q "$2"
}

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    say "adding the wasm32-unknown-unknown target"
    rustup target add wasm32-unknown-unknown
fi
for comp in rustfmt clippy; do
    if ! rustup component list --installed | grep -q "^$comp"; then
        say "adding $comp"
        rustup component add "$comp"
    fi
done

install_crate() { # crate, version, binary
    if have_version "$3" "$2"; then return; fi
    say "installing $1 $2 (a few minutes, once)"
    cargo install --locked "$1" --version "$2"
}
install_crate cbindgen "$CBINDGEN_VERSION" cbindgen
install_crate wasm-bindgen-cli "$WASM_BINDGEN_VERSION" wasm-bindgen
install_crate wasm-pack "$WASM_PACK_VERSION" wasm-pack

apt_install() { # binary, package...
    if command -v "$1" >/dev/null 2>&1; then return; fi
    shift
    say "installing $* from Debian"
    local sudo=""
    if [ "$(id -u)" != 0 ]; then sudo=sudo; fi
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "$@" >/dev/null
}
apt_install /usr/bin/chromium chromium
apt_install valgrind valgrind
apt_install pkg-config pkg-config
apt_install g++ g++
apt_install cmake cmake

if ! command -v node >/dev/null 2>&1; then
    echo "node (>= 20) is required for the wasm and browser tests" >&2
    exit 1
fi
say "tools ready"
