#!/usr/bin/env bash
# Builds the C library in release (cargo build --release -p patch-ffi:
# libpatch.so and libpatch.a in TARGET/release, honouring CARGO_TARGET_DIR)
# and adds the link a program linked there needs at run time:
# libpatch.so's SONAME is libpatch.so.MAJOR (patch-ffi/build.rs), so the
# loader looks for TARGET/release/libpatch.so.MAJOR -> libpatch.so.
# Prints the library directory on stdout.
#   lib="$(bash patch-ffi/build-lib.sh)"
#   cc app.c -I include -L"$lib" -lpatch -Wl,-rpath,"$lib"
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
target="${CARGO_TARGET_DIR:-$root/target}"
case "$target" in /*) ;; *) target="$root/$target" ;; esac
lib="$target/release"
(cd "$root" && cargo build --release -p patch-ffi >&2)
for f in libpatch.so libpatch.a; do
    [ -f "$lib/$f" ] || { echo "cargo build did not make $lib/$f" >&2; exit 1; }
done
major="$(bash "$root/scripts/version.sh" | cut -d. -f1)"
ln -sfn libpatch.so "$lib/libpatch.so.$major"
echo "$lib"
