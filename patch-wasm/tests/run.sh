#!/usr/bin/env bash
# The wasm part of the test command (`make test-wasm`):
#
#  1. build the npm package (patch-wasm/build.sh: release, simd128);
#  2. run the wasm-bindgen-test tests (tests/wasm.rs) in Node;
#  3. `npm pack` the package, install the tarball into a fresh temporary
#     Node project and run `node --test` on tests/*.test.mjs there, so they
#     `import 'patch-wasm'` exactly as a user does;
#  4. type-check the TypeScript examples with `tsc --noEmit` against the
#     installed package's .d.ts (TypeScript from tests/package-lock.json).
#
# Installs the wasm target, wasm-bindgen-cli and wasm-pack when missing
# (through build.sh). Honours CARGO_TARGET_DIR. PATCH_WASM_TEST_SCALAR=1
# also builds and tests the scalar (no simd128) package.
set -euo pipefail
cd "$(dirname "$0")/.."
CRATE=$(pwd)
say() { printf '\033[1m[patch-wasm test]\033[0m %s\n' "$*"; }

say "node $(node --version), npm $(npm --version)"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/patch-wasm-test.XXXXXX")
cleanup() { rm -rf "$WORK"; }
trap cleanup EXIT

say "npm ci in tests/ (TypeScript) when tests/node_modules is missing"
if [ ! -x tests/node_modules/.bin/tsc ]; then
    (cd tests && npm ci --no-audit --no-fund)
fi

run_package_tests() { # label
    local label=$1
    say "[$label] npm pack"
    mkdir -p "$WORK/$label/tarball" "$WORK/$label/project"
    (cd pkg && npm pack --silent --pack-destination "$WORK/$label/tarball" >/dev/null)
    local tgz
    tgz=$(ls "$WORK/$label/tarball"/patch-wasm-*.tgz)
    say "[$label] $(basename "$tgz"): $(tar tzf "$tgz" | wc -l) files, $(wc -c <"$tgz") bytes"

    say "[$label] fresh Node project: npm install $(basename "$tgz")"
    cd "$WORK/$label/project"
    printf '{\n  "name": "patch-wasm-user",\n  "private": true,\n  "type": "module"\n}\n' > package.json
    npm install --no-audit --no-fund --prefer-offline --silent "$tgz"
    cp "$CRATE"/tests/*.test.mjs "$CRATE"/tests/reference.mjs .

    say "[$label] node --test (import 'patch-wasm' from the installed tarball)"
    node --test ./*.test.mjs

    say "[$label] tsc --noEmit on the TypeScript examples against the shipped .d.ts"
    cp "$CRATE"/tests/example.ts "$CRATE"/tests/example-web.ts "$CRATE"/tests/tsconfig.json .
    "$CRATE"/tests/node_modules/.bin/tsc -p tsconfig.json
    say "[$label] tsc: no errors"
    cd "$CRATE"
}

say "build the package"
bash build.sh

say "wasm-bindgen-test tests in Node (cargo test --target wasm32-unknown-unknown)"
CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner \
CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS="-C target-feature=+simd128" \
    cargo test -p patch-wasm --target wasm32-unknown-unknown --tests

run_package_tests simd128

if [ "${PATCH_WASM_TEST_SCALAR:-0}" = 1 ]; then
    say "scalar build (no simd128)"
    bash build.sh --scalar
    run_package_tests scalar
fi

say "all patch-wasm tests passed"
