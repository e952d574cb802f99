#!/usr/bin/env bash
# `make demo`: builds the wasm package, copies it next to the page and serves
# the visualizer on 127.0.0.1 until Ctrl-C. The port is $PORT (default 8080),
# or the next free one when it is busy.
set -euo pipefail
demo="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

bash "$demo/tools/prepare.sh"

echo
echo "  The patch visualizer is starting; open the URL printed below in a browser."
echo "  Stop it with Ctrl-C."
echo
exec node "$demo/tools/server.mjs" "$demo"
