#!/usr/bin/env bash
# The visualizer's browser tests (part of `make test`): builds the wasm
# package, serves the page on a free port of 127.0.0.1, and drives it with
# headless Chromium (/usr/bin/chromium) through playwright-core.
# Screenshots of the main states land in web-demo/tests/screenshots/.
# readme.test.mjs runs the ```html blocks of the READMEs in headless Chromium too.
# images.test.mjs tests patch-wasm's image sources and its Worker example (patch-wasm/examples).
set -euo pipefail
tests="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
demo="$(dirname "$tests")"

say() { printf '\033[1m[web-demo tests]\033[0m [%s] %s\n' "$(date -u +%H:%M:%S)" "$*"; }

bash "$demo/tools/prepare.sh"

if [ ! -x /usr/bin/chromium ]; then
    say "installing chromium from Debian"
    sudo=""
    if [ "$(id -u)" != 0 ]; then sudo=sudo; fi
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium >/dev/null
fi

if [ ! -d "$tests/node_modules/playwright-core" ] || [ ! -d "$tests/node_modules/axe-core" ]; then
    say "npm ci (playwright-core and axe-core, pinned in package-lock.json; no browser download)"
    (cd "$tests" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund)
fi

# The code panel's programs are run by snippets.test.mjs: the numpy ones in a
# Python with numpy (the tests' own virtual environment under target/, numpy
# installed into it when missing), the C ones compiled against the library.
repo="$(dirname "$demo")"
target="${CARGO_TARGET_DIR:-$repo/target}"
case "$target" in /*) ;; *) target="$repo/$target" ;; esac
venv="$target/web-demo-venv"
if [ ! -x "$venv/bin/python" ]; then
    say "python3 -m venv $venv"
    python3 -m venv "$venv"
fi
if ! "$venv/bin/python" -c "import numpy" 2>/dev/null; then
    say "pip install numpy (into $venv)"
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check numpy
fi
export SNIPPET_PYTHON="$venv/bin/python"
# stridepatch, when scripts/test-python.sh installed it (make test runs that first).
if [ -x "$target/python-venv/bin/python" ] && "$target/python-venv/bin/python" -c "import stridepatch, numpy" 2>/dev/null; then
    export STRIDEPATCH_PYTHON="$target/python-venv/bin/python"
fi
say "building the C library (patch-ffi/build-lib.sh)"
PATCH_LIB_DIR="$(bash "$repo/patch-ffi/build-lib.sh")"
export PATCH_LIB_DIR PATCH_INCLUDE_DIR="$repo/include"

log="$(mktemp)"
PORT=0 QUIET=1 node "$demo/tools/server.mjs" "$demo" >"$log" 2>&1 &
server=$!
cleanup() {
    kill "$server" 2>/dev/null || true
    wait "$server" 2>/dev/null || true
    rm -f "$log"
}
trap cleanup EXIT INT TERM

url=""
for _ in $(seq 1 100); do
    url="$(grep -o 'http://127\.0\.0\.1:[0-9]*/' "$log" | head -n1 || true)"
    [ -n "$url" ] && break
    if ! kill -0 "$server" 2>/dev/null; then break; fi
    sleep 0.1
done
if [ -z "$url" ]; then
    echo "the static server did not start:" >&2
    cat "$log" >&2
    exit 1
fi
say "page served at $url"

export DEMO_URL="$url"
export SCREENSHOT_DIR="$tests/screenshots"
cd "$tests"
node --test --test-concurrency=1 --test-reporter=spec browser.test.mjs teach.test.mjs readme.test.mjs images.test.mjs
