#!/usr/bin/env bash
# The Python environment of the tests and the benchmarks, sourced by
# scripts/test-python.sh and scripts/bench.sh: a virtual environment under
# target/ (or $PYTHON_VENV), with pytest and numpy installed when missing,
# and the stridepatch package built and installed the way a user does it:
# `pip install ./patch-py` (pip fetches maturin, the PEP 517 backend, into
# its isolated build environment; cargo builds the extension in release).
#
# After sourcing, $PY is the environment's python.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TARGET="${CARGO_TARGET_DIR:-$ROOT/target}"
case "$TARGET" in /*) ;; *) TARGET="$ROOT/$TARGET" ;; esac
VENV="${PYTHON_VENV:-$TARGET/python-venv}"
pysay() { printf '\033[1m[python]\033[0m [%s] %s\n' "$(date -u +%H:%M:%S)" "$*"; }

if [ ! -x "$VENV/bin/python" ]; then
    pysay "python3 -m venv $VENV"
    python3 -m venv "$VENV"
fi
PY="$VENV/bin/python"
missing=()
for mod in pytest numpy; do
    "$PY" -c "import $mod" 2>/dev/null || missing+=("$mod")
done
if [ "${#missing[@]}" -gt 0 ]; then
    pysay "pip install ${missing[*]}"
    "$PY" -m pip install --quiet --disable-pip-version-check "${missing[@]}"
fi
# The package as a user installs it (--force-reinstall: the version number
# does not change between builds; --no-deps: numpy is there already).
pysay "pip install ./patch-py"
(cd "$ROOT" && "$PY" -m pip install --quiet --disable-pip-version-check \
    --force-reinstall --no-deps ./patch-py)
export PY
