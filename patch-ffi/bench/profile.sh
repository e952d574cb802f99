#!/usr/bin/env bash
# Instruction and cache counts per call of every kernel of the suite and of
# its baselines, under valgrind's callgrind (the VM has no perf counters).
#
#   bash patch-ffi/bench/profile.sh OUT_DIR [WORKLOAD...]
#
# Builds libpatch in release and profile_c.c (-O2), then for each workload
# (default: all of `profile_c list`) and variant (kernel, memcpy, fill) runs
# profile_c under `valgrind --tool=callgrind --cache-sim=yes` with 1 call and
# with 1 + K calls; the difference divided by K is the count per call, free
# of setup. Writes OUT_DIR/profile.md (a markdown table; bench_report.py puts
# it into RESULTS.md) and prints it. Single thread. `make bench` runs this
# when BENCH_PROFILE=1 (about two minutes).
#
# Columns: Ir (instructions), Dr/Dw (data reads/writes), D1mr/D1mw (L1 data
# misses, simulated 32 KiB 8-way, 64-byte lines), all per call, and Ir per
# byte written. Caveat: valgrind counts every iteration of `rep movsb` /
# `rep stosb` as one instruction, and glibc's memcpy/memset use them for
# some sizes (1 Ir per byte: vit_u8's memcpy, every memset), so compare the
# kernel's Ir with memcpy's only where memcpy shows ~0.11 Ir per byte (its
# vector loop); the D1 misses compare everywhere.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
out="${1:?usage: profile.sh OUT_DIR [WORKLOAD...]}"
shift
mkdir -p "$out/tmp"
out="$(cd "$out" && pwd)"
cd "$root"
if ! command -v valgrind >/dev/null 2>&1; then
    echo "valgrind is missing (scripts/ensure-tools.sh installs it)" >&2
    exit 1
fi
lib="$(bash "$root/patch-ffi/build-lib.sh")"
bin="$out/tmp/profile_c"
cc -std=c11 -O2 -g -Wall -Wextra -Werror -I"$root/include" "$here/profile_c.c" -o "$bin" \
    -L"$lib" -lpatch -Wl,-rpath,"$lib"

workloads=("$@")
if [ ${#workloads[@]} -eq 0 ]; then mapfile -t workloads < <("$bin" list); fi

# counts WORKLOAD VARIANT CALLS: "Ir Dr Dw I1mr D1mr D1mw ILmr DLmr DLmw" of the whole run.
counts() {
    valgrind --tool=callgrind --cache-sim=yes --I1=32768,8,64 --D1=32768,8,64 --LL=33554432,16,64 \
        --callgrind-out-file=/dev/null "$bin" "$1" "$2" "$3" 2>&1 >/dev/null |
        sed -n 's/^==[0-9]*== Collected : //p'
}

md="$out/profile.md"
{
    echo "Counts per call under valgrind --tool=callgrind --cache-sim=yes (single thread; \`patch-ffi/bench/profile.sh\`)."
    echo "valgrind counts each iteration of \`rep movsb\`/\`rep stosb\` as one instruction: glibc uses them in memset and"
    echo "in memcpy at some sizes (1 Ir per byte), so compare Ir with memcpy's where memcpy shows ~0.11 Ir/byte."
    echo
    echo "| workload | variant | Ir / call | Dr / call | Dw / call | D1 read misses | D1 write misses | Ir / byte written |"
    echo "|---|---|---|---|---|---|---|---|"
} >"$md"
for w in "${workloads[@]}"; do
    # K: enough calls that the difference dwarfs run-to-run jitter, few enough to stay quick.
    case "$w" in tiny) k=200 ;; vit_u8) k=20 ;; *) k=3 ;; esac
    for v in kernel memcpy fill; do
        bytes=$("$bin" "$w" "$v" 0 | sed -n 's/.*, \([0-9]*\) bytes written per call.*/\1/p')
        one=$(counts "$w" "$v" 1)
        many=$(counts "$w" "$v" $((1 + k)))
        python3 - "$w" "$v" "$k" "$bytes" "$one" "$many" >>"$md" <<'PY'
import sys
w, v, k, nbytes, one, many = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5], sys.argv[6]
a, b = [int(x) for x in one.split()], [int(x) for x in many.split()]
d = [(y - x) / k for x, y in zip(a, b)]
ir, dr, dw, _, d1mr, d1mw = d[:6]
name = {"kernel": "**patch (C ABI)**", "memcpy": "memcpy", "fill": "fill (memset)"}[v]
fmt = lambda x: f"{max(round(x), 0):,}"
print(f"| {w if v == 'kernel' else ''} | {name} | {fmt(ir)} | {fmt(dr)} | {fmt(dw)} | {fmt(d1mr)} | {fmt(d1mw)} | "
      f"{ir / nbytes:.3f} |")
PY
    done
done
cat "$md"
