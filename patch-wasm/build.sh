#!/usr/bin/env bash
# Builds the npm package `patch-wasm` into patch-wasm/pkg/:
#
#   pkg/package.json         name, version, exports (below), types
#   pkg/patch_wasm_bg.wasm   the WebAssembly module, one copy for both builds
#   pkg/web/patch_wasm.js    ES module for browsers (no bundler): `await init()` first
#   pkg/node/patch_wasm.js   Node build, CommonJS (`require`), loads the .wasm synchronously
#   pkg/node/patch_wasm.mjs  Node build, ES module (`import`): re-exports the CommonJS one
#   pkg/{web,node}/patch_wasm.d.ts, node/patch_wasm.d.mts: the types of each entry
#
# package.json `exports` of ".": node -> import (node/patch_wasm.mjs) or
# require (node/patch_wasm.js), browser and default -> web/patch_wasm.js,
# each with its types; "./web" is the browser build by name.
#
# Two wasm-pack runs (--target web and --target nodejs) of one cargo build,
# in `--mode no-install`: the wasm-bindgen on PATH must match the crate's
# pin, nothing is downloaded, and wasm-opt is off (Cargo.toml metadata).
# finish-pkg.mjs then makes one package of them (see its header).
#
# Tarballs in pkg/ (`npm pack` run there) are kept across rebuilds: they
# are moved into the new pkg/ (npm never packs them: `files` lists what
# the package holds).
#
# Usage: bash patch-wasm/build.sh [--scalar] [--dev]
#   --scalar   build without `-C target-feature=+simd128` (default: with it)
#   --dev      unoptimized build with debug info (faster to compile)
# Honours CARGO_TARGET_DIR; PATCH_WASM_OPT_LEVEL overrides the opt-level.
set -euo pipefail
cd "$(dirname "$0")"
HERE=$(pwd)
say() { printf '\033[1m[patch-wasm build]\033[0m %s\n' "$*"; }

SIMD=1
PROFILE=--release
for arg in "$@"; do
    case "$arg" in
        --scalar) SIMD=0 ;;
        --dev) PROFILE=--dev ;;
        -h|--help) sed -n '2,/^[^#]/{/^#/s/^# \{0,1\}//p}' "$0"; exit 0 ;;
        *) echo "unknown argument: $arg (expected --scalar or --dev)" >&2; exit 2 ;;
    esac
done

# --- tools: the wasm target, wasm-bindgen-cli at the crate's pin, wasm-pack ---
PIN=$(sed -n 's/^wasm-bindgen = "=\([0-9.]*\)".*/\1/p' Cargo.toml)
WASM_PACK_VERSION=0.15.1
if ! rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
    say "rustup target add wasm32-unknown-unknown"
    rustup target add wasm32-unknown-unknown
fi
if ! wasm-bindgen --version 2>/dev/null | grep -q " $PIN\$"; then
    say "cargo install wasm-bindgen-cli $PIN (the crate pins wasm-bindgen =$PIN; once, a few minutes)"
    cargo install --locked wasm-bindgen-cli --version "$PIN"
fi
if ! command -v wasm-pack >/dev/null 2>&1; then
    say "cargo install wasm-pack $WASM_PACK_VERSION (once, a few minutes)"
    cargo install --locked wasm-pack --version "$WASM_PACK_VERSION"
fi

# --- codegen settings: the workspace's root profile is not ours to edit, so
# the release profile is set here through cargo's environment overrides.
# opt-level 3, deliberately: the copy kernels are the product, and "s" buys
# nothing here (measured with simd128 and LTO: 3 -> 296 KB, s -> 301 KB,
# z -> 263 KB but folds about 4x slower). The name section is stripped.
export CARGO_PROFILE_RELEASE_OPT_LEVEL="${PATCH_WASM_OPT_LEVEL:-3}"
export CARGO_PROFILE_RELEASE_LTO=true
export CARGO_PROFILE_RELEASE_CODEGEN_UNITS=1
export CARGO_PROFILE_RELEASE_PANIC=abort
export CARGO_PROFILE_RELEASE_DEBUG=false
export CARGO_PROFILE_RELEASE_STRIP=symbols  # drops the name section; wasm-bindgen keeps working
if [ "$SIMD" = 1 ]; then
    FLAGS="-C target-feature=+simd128"
else
    FLAGS=""
fi
export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS="$FLAGS"
say "profile ${PROFILE#--}, opt-level $CARGO_PROFILE_RELEASE_OPT_LEVEL, rustflags '${FLAGS}'${CARGO_TARGET_DIR:+, CARGO_TARGET_DIR=$CARGO_TARGET_DIR}"

# Build into a staging directory and replace pkg/ only when everything
# succeeded, so a failed build never leaves a half-made package behind.
STAGE=pkg.staging
rm -rf "$STAGE"
for target in web nodejs; do
    out=$STAGE/${target%js}
    say "wasm-pack build --target $target --out-dir $out"
    wasm-pack --log-level warn build "$PROFILE" --mode no-install --target "$target" \
        --out-dir "$out" --out-name patch_wasm --no-pack --no-gitignore
done

say "finish-pkg.mjs: one .wasm, init() guard, generic types, ES module entry for Node"
node finish-pkg.mjs "$STAGE"

VERSION=$(sed -n 's/^version = "\(.*\)"/\1/p' ../Cargo.toml | head -n1)
say "writing package.json (patch-wasm $VERSION)"
# web/ is an ES module; node/ is CommonJS, which Node 20 imports with named exports.
printf '{\n  "type": "module"\n}\n' > "$STAGE/web/package.json"
printf '{\n  "type": "commonjs"\n}\n' > "$STAGE/node/package.json"
cat > "$STAGE/package.json" <<JSON
{
  "name": "patch-wasm",
  "version": "$VERSION",
  "description": "Patch extraction by strides in WebAssembly: views of N-d arrays as windows, tiles and frames, copied out with padding and folded back",
  "license": "MIT OR Apache-2.0",
  "keywords": ["patches", "sliding-window", "im2col", "unfold", "fold", "framing", "wasm"],
  "type": "module",
  "main": "./node/patch_wasm.js",
  "module": "./web/patch_wasm.js",
  "browser": "./web/patch_wasm.js",
  "types": "./node/patch_wasm.d.ts",
  "exports": {
    ".": {
      "node": {
        "import": {
          "types": "./node/patch_wasm.d.mts",
          "default": "./node/patch_wasm.mjs"
        },
        "require": {
          "types": "./node/patch_wasm.d.ts",
          "default": "./node/patch_wasm.js"
        },
        "default": {
          "types": "./node/patch_wasm.d.ts",
          "default": "./node/patch_wasm.js"
        }
      },
      "browser": {
        "types": "./web/patch_wasm.d.ts",
        "default": "./web/patch_wasm.js"
      },
      "default": {
        "types": "./web/patch_wasm.d.ts",
        "default": "./web/patch_wasm.js"
      }
    },
    "./web": {
      "types": "./web/patch_wasm.d.ts",
      "default": "./web/patch_wasm.js"
    },
    "./web/patch_wasm.js": {
      "types": "./web/patch_wasm.d.ts",
      "default": "./web/patch_wasm.js"
    },
    "./patch_wasm_bg.wasm": "./patch_wasm_bg.wasm",
    "./package.json": "./package.json"
  },
  "files": [
    "package.json",
    "README.md",
    "patch_wasm_bg.wasm",
    "patch_wasm_bg.wasm.d.ts",
    "web/package.json",
    "web/patch_wasm.js",
    "web/patch_wasm.d.ts",
    "node/package.json",
    "node/patch_wasm.js",
    "node/patch_wasm.d.ts",
    "node/patch_wasm.mjs",
    "node/patch_wasm.d.mts"
  ],
  "sideEffects": false,
  "engines": {
    "node": ">=20"
  }
}
JSON
cp README.md "$STAGE/README.md"
# Keep the tarballs a user packed in pkg/.
for tgz in pkg/*.tgz; do
    if [ -f "$tgz" ]; then
        say "keeping $tgz"
        mv "$tgz" "$STAGE/"
    fi
done
rm -rf pkg
mv "$STAGE" pkg

say "built $HERE/pkg ($([ "$SIMD" = 1 ] && echo simd128 || echo scalar)):"
printf '  %-32s %8d bytes\n' pkg/patch_wasm_bg.wasm "$(wc -c <pkg/patch_wasm_bg.wasm)"
