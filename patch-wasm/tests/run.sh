#!/usr/bin/env bash
# The wasm part of the test command (`make test-wasm`):
#
#  1. build the npm package (patch-wasm/build.sh: release, simd128);
#  2. run the wasm-bindgen-test tests (tests/wasm.rs) in Node;
#  3. `npm pack` the package, install the tarball into a fresh ES module
#     project and run `node --test` on tests/*.test.mjs there, so they
#     `import 'patch-wasm'` exactly as a user does; run every ```js block
#     of README.md and patch-wasm/README.md there (tests/readme-blocks.mjs;
#     the ```html blocks run in headless Chromium, web-demo/tests);
#  4. type-check the TypeScript examples with `tsc --noEmit` against the
#     installed package's .d.ts (TypeScript from tests/package-lock.json);
#  5. the same tarball in a CommonJS project made by `npm init -y`:
#     `require('patch-wasm')` (tests/require.test.cjs) and its types.
#
# Installs the wasm target, wasm-bindgen-cli and wasm-pack when missing
# (through build.sh). Honours CARGO_TARGET_DIR. PATCH_WASM_TEST_SCALAR=1
# also builds and tests the scalar (no simd128) package.
set -euo pipefail
cd "$(dirname "$0")/.."
CRATE=$(pwd)
say() { printf '\033[1m[patch-wasm test]\033[0m [%s] %s\n' "$(date -u +%H:%M:%S)" "$*"; }

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

    say "[$label] fresh ES module project: npm install $(basename "$tgz")"
    cd "$WORK/$label/project"
    printf '{\n  "name": "patch-wasm-user",\n  "private": true,\n  "type": "module"\n}\n' > package.json
    npm install --no-audit --no-fund --prefer-offline --silent "$tgz"
    cp "$CRATE"/tests/*.test.mjs "$CRATE"/tests/reference.mjs .

    say "[$label] node --test (import 'patch-wasm' from the installed tarball)"
    node --test ./*.test.mjs

    say "[$label] the README code blocks, as written"
    local block
    for block in $(node "$CRATE/tests/readme-blocks.mjs" readme "$CRATE/../README.md" "$CRATE/README.md"); do
        say "[$label]   node $block"
        node "$block" >/dev/null
    done

    say "[$label] tsc --noEmit on the TypeScript examples against the shipped .d.ts"
    cp "$CRATE"/tests/example.ts "$CRATE"/tests/example-web.ts "$CRATE"/tests/tsconfig.json \
        "$CRATE"/tests/example-nodom.ts "$CRATE"/tests/tsconfig-nodom.json .
    "$CRATE"/tests/node_modules/.bin/tsc -p tsconfig.json
    "$CRATE"/tests/node_modules/.bin/tsc -p tsconfig-nodom.json   # no DOM lib
    say "[$label] tsc: no errors"

    say "[$label] CommonJS project from npm init -y: require('patch-wasm') and its types"
    mkdir -p "$WORK/$label/cjs"
    cd "$WORK/$label/cjs"
    npm init -y >/dev/null
    grep -q '"type": "commonjs"' package.json || { echo "npm init -y no longer writes type commonjs" >&2; exit 1; }
    npm install --no-audit --no-fund --prefer-offline --silent "$tgz"
    cp "$CRATE"/tests/require.test.cjs "$CRATE"/tests/example-cjs.ts "$CRATE"/tests/tsconfig-cjs.json .
    node --test ./require.test.cjs
    "$CRATE"/tests/node_modules/.bin/tsc -p tsconfig-cjs.json
    say "[$label] CommonJS: tests and tsc passed"
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
