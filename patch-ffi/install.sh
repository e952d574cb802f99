#!/usr/bin/env bash
# Installs the C library: PREFIX/include/patch.h, PREFIX/lib/libpatch.so,
# PREFIX/lib/libpatch.a and PREFIX/lib/pkgconfig/patch.pc.
#   bash patch-ffi/install.sh PREFIX        (make install PREFIX=...)
# Then: cc app.c $(pkg-config --cflags --libs patch)
# (with PKG_CONFIG_PATH=PREFIX/lib/pkgconfig for a prefix pkg-config does
# not search, and LD_LIBRARY_PATH or -Wl,-rpath,PREFIX/lib at run time).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
say() { printf '\033[1m[install]\033[0m %s\n' "$*"; }

prefix="${1:-${PREFIX:-/usr/local}}"
mkdir -p "$prefix"
prefix="$(cd "$prefix" && pwd)"
target="${CARGO_TARGET_DIR:-$root/target}"
case "$target" in /*) ;; *) target="$root/$target" ;; esac
lib="$target/release"

say "cargo build --release -p patch-ffi"
(cd "$root" && cargo build --release -p patch-ffi)

version="$(sed -n 's/^#define PATCH_VERSION "\(.*\)"$/\1/p' "$root/include/patch.h")"
if [ -z "$version" ]; then
    echo "no PATCH_VERSION in include/patch.h" >&2
    exit 1
fi

say "installing libpatch $version into $prefix"
install -d "$prefix/include" "$prefix/lib/pkgconfig"
install -m 644 "$root/include/patch.h" "$prefix/include/patch.h"
install -m 755 "$lib/libpatch.so" "$prefix/lib/libpatch.so"
install -m 644 "$lib/libpatch.a" "$prefix/lib/libpatch.a"
sed -e "s|@PREFIX@|$prefix|g" -e "s|@VERSION@|$version|g" "$here/patch.pc.in" \
    > "$prefix/lib/pkgconfig/patch.pc"
chmod 644 "$prefix/lib/pkgconfig/patch.pc"
say "  $prefix/include/patch.h"
say "  $prefix/lib/libpatch.so"
say "  $prefix/lib/libpatch.a"
say "  $prefix/lib/pkgconfig/patch.pc"
