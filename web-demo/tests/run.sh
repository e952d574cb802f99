#!/usr/bin/env bash
# The visualizer's browser tests (part of `make test`): builds the wasm
# package, serves the page on a free port of 127.0.0.1, and drives it with
# headless Chromium (/usr/bin/chromium) through playwright-core.
# Screenshots of the main states land in web-demo/tests/screenshots/.
# readme.test.mjs runs the ```html blocks of the READMEs in headless Chromium too.
set -euo pipefail
tests="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
demo="$(dirname "$tests")"

say() { printf '\033[1m[web-demo tests]\033[0m %s\n' "$*"; }

bash "$demo/tools/prepare.sh"

if [ ! -x /usr/bin/chromium ]; then
    say "installing chromium from Debian"
    sudo=""
    if [ "$(id -u)" != 0 ]; then sudo=sudo; fi
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium >/dev/null
fi

if [ ! -d "$tests/node_modules/playwright-core" ]; then
    say "npm ci (playwright-core, pinned in package-lock.json; no browser download)"
    (cd "$tests" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund)
fi

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
node --test --test-concurrency=1 --test-reporter=spec browser.test.mjs readme.test.mjs
