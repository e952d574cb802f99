#!/usr/bin/env bash
# Builds the wasm package (patch-wasm/build.sh) and copies it next to the
# page as web-demo/pkg, which the page imports as ./pkg/web/patch_wasm.js.
# Shared by serve.sh and tests/run.sh. SKIP_WASM_BUILD=1 reuses an existing
# patch-wasm/pkg (for quick iterations on the page).
set -euo pipefail
demo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
repo="$(dirname "$demo")"

say() { printf '\033[1m[web-demo]\033[0m %s\n' "$*"; }

if ! command -v node >/dev/null 2>&1; then
    echo "node (>= 20) is required: it serves the page and drives the tests" >&2
    exit 1
fi

if [ "${SKIP_WASM_BUILD:-0}" = 1 ] && [ -f "$repo/patch-wasm/pkg/web/patch_wasm.js" ]; then
    say "reusing patch-wasm/pkg (SKIP_WASM_BUILD=1)"
else
    if [ ! -f "$repo/patch-wasm/build.sh" ]; then
        echo "patch-wasm/build.sh is missing: the wasm package cannot be built" >&2
        exit 1
    fi
    say "building the wasm package (patch-wasm/build.sh)"
    bash "$repo/patch-wasm/build.sh"
fi

if [ ! -f "$repo/patch-wasm/pkg/web/patch_wasm.js" ] || [ ! -f "$repo/patch-wasm/pkg/patch_wasm_bg.wasm" ]; then
    echo "patch-wasm/pkg/web/patch_wasm.js or patch-wasm/pkg/patch_wasm_bg.wasm is missing after the build" >&2
    exit 1
fi

rm -rf "$demo/pkg"
cp -R "$repo/patch-wasm/pkg" "$demo/pkg"
say "copied patch-wasm/pkg to web-demo/pkg"
