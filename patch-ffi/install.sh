#!/usr/bin/env bash
# Installs the C library:
#   PREFIX/include/patch.h
#   PREFIX/lib/libpatch.so.X.Y.Z      the shared library, SONAME libpatch.so.X
#   PREFIX/lib/libpatch.so.X          -> libpatch.so.X.Y.Z (what programs load)
#   PREFIX/lib/libpatch.so            -> libpatch.so.X (what -lpatch finds)
#   PREFIX/lib/libpatch.a             the static library
#   PREFIX/lib/pkgconfig/patch.pc
#   PREFIX/lib/cmake/patch/patchConfig.cmake, patchConfigVersion.cmake
# X.Y.Z is the workspace version (scripts/version.sh), the header's.
#
#   bash patch-ffi/install.sh PREFIX        (make install PREFIX=...)
#   DESTDIR=/stage bash patch-ffi/install.sh /usr    (staged, for packagers:
#                                           files go under /stage/usr, and
#                                           patch.pc names /usr)
# Then: cc app.c $(pkg-config --cflags --libs patch), or in CMake
# find_package(patch CONFIG REQUIRED) and link patch::patch (or
# patch::patch_static). For a prefix the tools do not search, set
# PKG_CONFIG_PATH=PREFIX/lib/pkgconfig or CMAKE_PREFIX_PATH=PREFIX, and at
# run time LD_LIBRARY_PATH or -Wl,-rpath,PREFIX/lib.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
say() { printf '\033[1m[install]\033[0m %s\n' "$*"; }

prefix="${1:-${PREFIX:-/usr/local}}"
case "$prefix" in /*) ;; *) prefix="$PWD/$prefix" ;; esac
prefix="$(realpath -m "$prefix")"
dest="${DESTDIR:-}$prefix"
say "cargo build --release -p patch-ffi"
lib="$(bash "$here/build-lib.sh")"

version="$(bash "$root/scripts/version.sh")"
IFS=. read -r major minor _ <<<"$version"
# The system libraries libpatch.a needs, as printed by
# `cargo rustc --release -p patch-ffi --crate-type staticlib -- --print native-static-libs`
# (patch-ffi/tests/run.sh links static consumers with exactly this list,
# through patch.pc and through the CMake package).
static_libs=(gcc_s util rt pthread m dl c)
pc_static="$(printf -- '-l%s ' "${static_libs[@]}")"
cmake_static="$(IFS=';'; echo "${static_libs[*]}")"

# fill TEMPLATE OUT: writes TEMPLATE with its @FIELD@s replaced.
fill() {
    sed -e "s|@PREFIX@|$prefix|g" -e "s|@VERSION@|$version|g" -e "s|@MAJOR@|$major|g" \
        -e "s|@MINOR@|$minor|g" -e "s|@STATIC_LIBS@|${pc_static% }|g" \
        -e "s|@CMAKE_STATIC_LIBS@|$cmake_static|g" -e "s|@SIZEOF_VOID_P@|$(($(getconf LONG_BIT) / 8))|g" \
        "$1" > "$2"
    chmod 644 "$2"
}

say "installing libpatch $version into $dest"
install -d "$dest/include" "$dest/lib/pkgconfig" "$dest/lib/cmake/patch"
install -m 644 "$root/include/patch.h" "$dest/include/patch.h"
install -m 755 "$lib/libpatch.so" "$dest/lib/libpatch.so.$version"
ln -sfn "libpatch.so.$version" "$dest/lib/libpatch.so.$major"
ln -sfn "libpatch.so.$major" "$dest/lib/libpatch.so"
install -m 644 "$lib/libpatch.a" "$dest/lib/libpatch.a"
fill "$here/patch.pc.in" "$dest/lib/pkgconfig/patch.pc"
fill "$here/cmake/patchConfig.cmake.in" "$dest/lib/cmake/patch/patchConfig.cmake"
fill "$here/cmake/patchConfigVersion.cmake.in" "$dest/lib/cmake/patch/patchConfigVersion.cmake"
for f in include/patch.h "lib/libpatch.so.$version" "lib/libpatch.so.$major" lib/libpatch.so \
    lib/libpatch.a lib/pkgconfig/patch.pc lib/cmake/patch/patchConfig.cmake \
    lib/cmake/patch/patchConfigVersion.cmake; do
    say "  $dest/$f"
done
