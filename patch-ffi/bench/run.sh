#!/usr/bin/env bash
# The C ABI part of the benchmark suite (scripts/bench.sh calls it).
#
#   bash patch-ffi/bench/run.sh OUT_DIR
#
# Builds libpatch in release (patch-ffi/build-lib.sh), compiles
# bench_c.c with -O2 against the shared library, and runs it: it writes
# OUT_DIR/c.json. Honours CARGO_TARGET_DIR and BENCH_QUICK.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
out="${1:?usage: run.sh OUT_DIR}"
mkdir -p "$out"
out="$(cd "$out" && pwd)"
cd "$root"

lib="$(bash "$root/patch-ffi/build-lib.sh")"
mkdir -p "$out/tmp"
cc -std=c11 -O2 -Wall -Wextra -Werror -I"$root/include" "$here/bench_c.c" \
    -o "$out/tmp/bench_c" -L"$lib" -lpatch -Wl,-rpath,"$lib"
"$out/tmp/bench_c" "$out/c.json"
