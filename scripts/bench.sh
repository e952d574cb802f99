#!/usr/bin/env bash
# The benchmark suite: `make bench` (after scripts/ensure-tools.sh) runs this.
# What it measures and how to read the results: scripts/BENCHMARKS.md.
#
#   1. native   cargo bench -p patch-core --bench suite      -> native.json
#   2. C ABI    patch-ffi/bench/run.sh (tiny, vit_u8, vit_preprocess) -> c.json
#   3. numpy    scripts/bench_numpy.py (libpatch via ctypes)  -> numpy.json
#               (pip install numpy first when it is missing)
#   4. python   scripts/python-env.sh (venv under target/, pip install
#               ./patch-py), then scripts/bench_python.py: the stridepatch
#               package against numpy idioms, and its per-call overhead on
#               tiny -> python.json
#   5. wasm     patch-wasm/build.sh --scalar, then the simd128 build (the
#               shipped one, left in patch-wasm/pkg), each copied aside and
#               run by patch-wasm/bench/bench.mjs in Node -> wasm-scalar.json,
#               wasm-simd128.json
#   6. report   scripts/bench_report.py -> RESULTS.md, ratios.svg
#
# BENCH_PROFILE=1 adds, before the report, instruction and cache counts per
# call of every kernel and baseline under callgrind
# (patch-ffi/bench/profile.sh -> profile.md, included in RESULTS.md; about
# two minutes more).
#
# Results go to bench-results/ (or $BENCH_OUT). BENCH_QUICK=1 gives a short
# smoke run (samples of 30-40 ms). Honours CARGO_TARGET_DIR. No timing is
# asserted: a missed target is reported as MISS, not as a failure.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
say() { printf '\033[1m[bench]\033[0m %s\n' "$*"; }

OUT="${BENCH_OUT:-$ROOT/bench-results}"
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
export BENCH_OUT="$OUT"
TARGET="${CARGO_TARGET_DIR:-$ROOT/target}"
case "$TARGET" in /*) ;; *) TARGET="$ROOT/$TARGET" ;; esac
QUICK=0
case "${BENCH_QUICK:-}" in "" | 0) ;; *) QUICK=1 ;; esac

# Results of an earlier run must not mix with this one's.
rm -f "$OUT"/native.json "$OUT"/c.json "$OUT"/numpy.json "$OUT"/python.json "$OUT"/wasm-*.json "$OUT"/meta.json \
    "$OUT"/RESULTS.md "$OUT"/ratios.svg "$OUT"/profile.md
rm -rf "$OUT/tmp"
mkdir -p "$OUT/tmp"

DURATIONS=()
START=$SECONDS
stage() { # name: closes the previous stage's clock
    DURATIONS+=("$1=$((SECONDS - STAGE_START))")
}

say "1/6 native suite: cargo bench -p patch-core --bench suite (BENCH_OUT=$OUT, quick=$QUICK)"
STAGE_START=$SECONDS
cargo bench -p patch-core --bench suite
stage native

say "2/6 C ABI: patch-ffi/bench/run.sh"
STAGE_START=$SECONDS
bash patch-ffi/bench/run.sh "$OUT"
stage c

say "3/6 numpy: scripts/bench_numpy.py"
STAGE_START=$SECONDS
if ! python3 -c 'import numpy' 2>/dev/null; then
    say "numpy is missing: python3 -m pip install numpy"
    python3 -m pip install --quiet numpy
fi
python3 scripts/bench_numpy.py "$OUT/numpy.json" --lib "$TARGET/release/libpatch.so"
stage numpy

say "4/6 Python: scripts/python-env.sh (pip install ./patch-py), scripts/bench_python.py"
STAGE_START=$SECONDS
# In a subshell: python-env.sh sets shell options and variables of its own.
(source scripts/python-env.sh && "$PY" scripts/bench_python.py "$OUT/python.json")
stage python

say "5/6 WebAssembly: scalar and simd128 builds, patch-wasm/bench/bench.mjs in Node"
STAGE_START=$SECONDS
# build.sh always writes patch-wasm/pkg. Build the scalar package first and
# the shipped simd128 one last, so pkg ends in the simd128 state; if the
# simd128 build fails after the scalar one, pkg is put back as it was (or
# removed) rather than left scalar.
PKG="$ROOT/patch-wasm/pkg"
PKG_BACKUP="$OUT/tmp/pkg-before"
if [ -d "$PKG" ]; then cp -r "$PKG" "$PKG_BACKUP"; fi
pkg_state=before
restore_pkg() {
    if [ "$pkg_state" = scalar ]; then
        say "the simd128 build did not finish: restoring patch-wasm/pkg as it was before the scalar build"
        rm -rf "$PKG"
        if [ -d "$PKG_BACKUP" ]; then cp -r "$PKG_BACKUP" "$PKG"; fi
    fi
}
trap restore_pkg EXIT
bash patch-wasm/build.sh --scalar
pkg_state=scalar
cp -r "$PKG" "$OUT/tmp/wasm-scalar"
bash patch-wasm/build.sh
pkg_state=simd128
cp -r "$PKG" "$OUT/tmp/wasm-simd128"
rm -rf "$PKG_BACKUP"
for build in simd128 scalar; do
    node patch-wasm/bench/bench.mjs --pkg "$OUT/tmp/wasm-$build" --suite "wasm-$build" \
        --out "$OUT/wasm-$build.json"
done
stage wasm

case "${BENCH_PROFILE:-}" in
    "" | 0) ;;
    *)
        say "BENCH_PROFILE: callgrind counts per call (patch-ffi/bench/profile.sh)"
        STAGE_START=$SECONDS
        bash patch-ffi/bench/profile.sh "$OUT"
        stage profile
        ;;
esac

say "6/6 report: scripts/bench_report.py"
DURATIONS+=("total=$((SECONDS - START))")
BENCH_META_DURATIONS="${DURATIONS[*]}" BENCH_META_QUICK=$QUICK python3 - "$OUT/meta.json" <<'PY'
import json, os, platform, subprocess, sys, datetime

def run(*cmd):
    try:
        return subprocess.run(cmd, capture_output=True, text=True, check=True).stdout.strip()
    except Exception:
        return "?"

cpu = "?"
try:
    for line in open("/proc/cpuinfo"):
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
except OSError:
    pass
import numpy
meta = {
    "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
    "commit": run("git", "rev-parse", "--short", "HEAD"),
    "dirty": run("git", "status", "--porcelain", "--untracked-files=no") not in ("", "?"),
    "quick": os.environ["BENCH_META_QUICK"] == "1",
    "cpu": cpu,
    "cores": os.cpu_count(),
    "versions": ", ".join([run("rustc", "--version"), "node " + run("node", "--version"),
                           f"Python {platform.python_version()}", f"numpy {numpy.__version__}",
                           run("cc", "--version").splitlines()[0]]),
    "durations": dict(kv.split("=") for kv in os.environ["BENCH_META_DURATIONS"].split()),
}
json.dump(meta, open(sys.argv[1], "w"), indent=1)
PY
python3 scripts/bench_report.py "$OUT"
say "done in $((SECONDS - START)) s: $OUT/RESULTS.md, $OUT/ratios.svg"
