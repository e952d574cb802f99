#!/usr/bin/env bash
# The C side of `make test` (make test-ffi):
#  1. cargo build --release -p patch-ffi (libpatch.so and libpatch.a);
#  2. cargo test -p patch-ffi (the Rust tests of the exports); regenerate
#     the header with the pinned cbindgen and diff it against the
#     committed include/patch.h;
#  3. build the C11 and C++17 tests and the two examples, warnings as
#     errors, against the shared and against the static library, plain and
#     with AddressSanitizer+UBSan;
#  4. run them plain, under ASan+UBSan, and under valgrind (test_threads
#     makes threaded copies and folds, forks, and leaves the pool running
#     at exit);
#  5. install into a temporary PREFIX (install.sh: libpatch.so.X.Y.Z with
#     SONAME libpatch.so.X and its links, libpatch.a, patch.pc, the CMake
#     package) and check the layout and the SONAME;
#  6. build the examples and the README's quick start with pkg-config, and
#     the examples with CMake (find_package(patch)), each against the
#     shared and the static library, and run them.
# Every step runs even when an earlier one fails; the last line counts them.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
root="$(cd "$here/.." && pwd)"
cd "$root"
say() { printf '\033[1m[ffi]\033[0m %s\n' "$*"; }

work="$(mktemp -d "${TMPDIR:-/tmp}/patch-ffi-test.XXXXXX")"
trap 'rm -rf "$work"' EXIT

passed=0
failed=0
failures=()
# step NAME COMMAND...: runs one step, prints its output, records the
# outcome. The step runs in a subshell with `set -e` in force (in an `if`
# condition bash would ignore it), so any failing command fails the step.
step() {
    local name="$1" rc
    shift
    say "$name"
    set +e
    (
        set -e
        "$@"
    )
    rc=$?
    set -e
    if [ "$rc" -eq 0 ]; then
        passed=$((passed + 1))
    else
        failed=$((failed + 1))
        failures+=("$name")
        printf '\033[1;31m[ffi] FAILED: %s\033[0m\n' "$name"
    fi
}

say "cargo build --release -p patch-ffi (patch-ffi/build-lib.sh)"
lib="$(bash "$here/build-lib.sh")"

step "cargo test -p patch-ffi (Rust tests of the exports)" cargo test -q -p patch-ffi

header_is_current() {
    bash "$here/gen-header.sh" "$work/patch.h"
    if ! diff -u "$root/include/patch.h" "$work/patch.h"; then
        echo "include/patch.h differs from a fresh cbindgen generation (diff above):" >&2
        echo "run 'bash patch-ffi/gen-header.sh' (make header) and commit include/patch.h" >&2
        return 1
    fi
}
step "include/patch.h matches a fresh generation" header_is_current

CFLAGS=(-std=c11 -Wall -Wextra -Werror -pedantic -g -O1 -I"$root/include" -I"$here/tests/c")
CXXFLAGS=(-std=c++17 -Wall -Wextra -Werror -g -O1 -I"$root/include" -I"$here/tests/c")
SAN=(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all)
SHARED=(-L"$lib" -lpatch -Wl,-rpath,"$lib")
STATIC=("$lib/libpatch.a" -lpthread -ldl -lm)

# name:source pairs; the extension picks the compiler.
programs=(
    "test_c:$here/tests/c/test_patch.c"
    "test_cpp:$here/tests/c/test_patch.cpp"
    "test_threads:$here/tests/c/test_threads.c"
    "vit_patchify:$here/examples/vit_patchify.c"
    "sliding_inference:$here/examples/sliding_inference.cpp"
)
mkdir -p "$work/bin"

build() { # name source link(shared|static) variant(plain|asan)
    local name="$1" src="$2" link="$3" variant="$4" out compiler flags
    out="$work/bin/$name.$link.$variant"
    if [[ "$src" == *.cpp ]]; then compiler=g++; flags=("${CXXFLAGS[@]}"); else compiler=gcc; flags=("${CFLAGS[@]}"); fi
    if [ "$variant" = asan ]; then flags+=("${SAN[@]}"); fi
    if [ "$link" = shared ]; then
        "$compiler" "${flags[@]}" "$src" -o "$out" "${SHARED[@]}" -lpthread -lm
    else
        "$compiler" "${flags[@]}" "$src" -o "$out" "${STATIC[@]}"
        # A static build must not need libpatch.so at run time.
        if ldd "$out" | grep -q 'libpatch\.so'; then
            echo "$out links libpatch.so although it was built against libpatch.a" >&2
            return 1
        fi
    fi
}

# Every run has a deadline: a hang (test_threads forks, and waits for its
# child with a deadline of its own) fails the step instead of blocking CI.
deadline() { timeout --kill-after=10 600 "$@"; }
run_plain() { deadline "$work/bin/$1"; }
run_asan() {
    ASAN_OPTIONS=detect_leaks=1:allocator_may_return_null=1:abort_on_error=0:halt_on_error=1 \
        UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 deadline "$work/bin/$1"
}
# No suppression file: the library joins its threads at exit by itself, and
# test_threads runs copies and folds on 2 threads (the forked child too).
run_valgrind() {
    deadline valgrind --error-exitcode=1 --leak-check=full --show-leak-kinds=definite,possible \
        --errors-for-leak-kinds=definite,possible -q "$work/bin/$1"
}

for entry in "${programs[@]}"; do
    name="${entry%%:*}"
    src="${entry#*:}"
    for link in shared static; do
        for variant in plain asan; do
            step "build $name ($link library, $variant)" build "$name" "$src" "$link" "$variant"
        done
    done
done

for entry in "${programs[@]}"; do
    name="${entry%%:*}"
    for link in shared static; do
        if [ -x "$work/bin/$name.$link.plain" ]; then
            step "run $name ($link library)" run_plain "$name.$link.plain"
        fi
        if [ -x "$work/bin/$name.$link.asan" ]; then
            step "run $name ($link library) under ASan+UBSan" run_asan "$name.$link.asan"
        fi
        if command -v valgrind >/dev/null 2>&1 && [ -x "$work/bin/$name.$link.plain" ]; then
            step "run $name ($link library) under valgrind" run_valgrind "$name.$link.plain"
        fi
    done
done
if ! command -v valgrind >/dev/null 2>&1; then
    step "valgrind is installed (make tools installs it)" false
fi

prefix="$work/prefix"
version="$(bash "$root/scripts/version.sh")"
major="${version%%.*}"

# The layout install.sh promises, the links, and the SONAME.
install_layout() {
    bash "$here/install.sh" "$prefix"
    local f
    for f in include/patch.h "lib/libpatch.so.$version" lib/libpatch.a lib/pkgconfig/patch.pc \
        lib/cmake/patch/patchConfig.cmake lib/cmake/patch/patchConfigVersion.cmake; do
        [ -f "$prefix/$f" ] && [ ! -L "$prefix/$f" ] || { echo "install did not create the file $prefix/$f" >&2; return 1; }
    done
    [ "$(readlink "$prefix/lib/libpatch.so.$major")" = "libpatch.so.$version" ] ||
        { echo "lib/libpatch.so.$major is not a link to libpatch.so.$version" >&2; return 1; }
    [ "$(readlink "$prefix/lib/libpatch.so")" = "libpatch.so.$major" ] ||
        { echo "lib/libpatch.so is not a link to libpatch.so.$major" >&2; return 1; }
    readelf -d "$prefix/lib/libpatch.so.$version" | tee "$work/dynamic.txt" | grep SONAME
    grep -q "(SONAME) *Library soname: \[libpatch\.so\.$major\]" "$work/dynamic.txt" ||
        { echo "the SONAME of libpatch.so.$version is not libpatch.so.$major" >&2; return 1; }
}
step "install into a temporary PREFIX: files, links, SONAME libpatch.so.$major" install_layout

# needs_shared BIN: BIN records libpatch.so.MAJOR (the SONAME, not the
# unversioned link) and runs; needs_static BIN: BIN needs no libpatch.so.
needs_shared() { readelf -d "$1" | grep -q "(NEEDED).*\[libpatch\.so\.$major\]" || { echo "$1 does not need libpatch.so.$major" >&2; return 1; }; }
needs_static() { if ldd "$1" | grep -q 'libpatch\.so'; then echo "$1 needs libpatch.so although linked statically" >&2; return 1; fi; }
check_vit_output() { grep -q 'view shape   (14, 14, 16, 16, 3)' "$1" && grep -q 'byte strides (10752, 48, 672, 3, 1)' "$1"; }

pkg_config_consumers() {
    export PKG_CONFIG_PATH="$prefix/lib/pkgconfig"
    local got
    got="$(pkg-config --modversion patch)"
    echo "pkg-config: patch $got; cflags: $(pkg-config --cflags patch); libs: $(pkg-config --libs patch)"
    [ "$got" = "$version" ] || { echo "patch.pc says $got, the workspace $version" >&2; return 1; }
    # What the README tells a C user to type (plus an rpath for the temporary prefix).
    # shellcheck disable=SC2046
    cc -std=c11 -Wall -Wextra -Werror -pedantic "$here/examples/vit_patchify.c" \
        $(pkg-config --cflags --libs patch) -Wl,-rpath,"$prefix/lib" -o "$work/vit_pc"
    needs_shared "$work/vit_pc"
    "$work/vit_pc" | tee "$work/vit_pc.out"
    check_vit_output "$work/vit_pc.out"
    # shellcheck disable=SC2046
    c++ -std=c++17 -Wall -Wextra -Werror "$here/examples/sliding_inference.cpp" \
        $(pkg-config --cflags --libs patch) -Wl,-rpath,"$prefix/lib" -o "$work/sliding_pc"
    needs_shared "$work/sliding_pc"
    "$work/sliding_pc"
    # Static linking through pkg-config's private libraries.
    # shellcheck disable=SC2046
    cc -std=c11 "$here/examples/vit_patchify.c" $(pkg-config --cflags patch) \
        "$(pkg-config --variable=libdir patch)/libpatch.a" \
        $(pkg-config --static --libs-only-l patch | sed 's/-lpatch //') -o "$work/vit_pc_static"
    needs_static "$work/vit_pc_static"
    "$work/vit_pc_static" > "$work/vit_pc_static.out"
    check_vit_output "$work/vit_pc_static.out"
    # shellcheck disable=SC2046
    c++ -std=c++17 "$here/examples/sliding_inference.cpp" $(pkg-config --cflags patch) \
        "$(pkg-config --variable=libdir patch)/libpatch.a" \
        $(pkg-config --static --libs-only-l patch | sed 's/-lpatch //') -o "$work/sliding_pc_static"
    needs_static "$work/sliding_pc_static"
    "$work/sliding_pc_static" >/dev/null
    # The quick start of patch-ffi/README.md, exactly as printed there.
    awk '/^```c$/{f=1;next} /^```$/{f=0} f' "$here/README.md" > "$work/readme.c"
    # shellcheck disable=SC2046
    cc -std=c11 -Wall -Wextra -Werror -pedantic "$work/readme.c" \
        $(pkg-config --cflags --libs patch) -Wl,-rpath,"$prefix/lib" -o "$work/readme"
    "$work/readme" | tee "$work/readme.out"
    grep -q '196 patches, strides 10752 48' "$work/readme.out"
}
if command -v pkg-config >/dev/null 2>&1; then
    step "pkg-config consumers of the install (C and C++, shared and static)" pkg_config_consumers
else
    step "pkg-config is installed (make tools installs it)" false
fi

# patch-ffi/tests/cmake: find_package(patch CONFIG REQUIRED) with version
# checks, the examples linked with patch::patch and patch::patch_static.
cmake_consumers() {
    local build="$work/cmake-build" link
    cmake -S "$here/tests/cmake" -B "$build" -DCMAKE_PREFIX_PATH="$prefix" \
        -DPATCH_EXPECTED_VERSION="$version" -DCMAKE_BUILD_TYPE=Release
    cmake --build "$build" -j 2
    for link in shared static; do
        "needs_$link" "$build/vit_patchify_$link"
        "needs_$link" "$build/sliding_inference_$link"
        "$build/vit_patchify_$link" > "$work/vit_cmake_$link.out"
        check_vit_output "$work/vit_cmake_$link.out"
        "$build/sliding_inference_$link"
    done
}
if command -v cmake >/dev/null 2>&1; then
    step "CMake consumers of the install (find_package(patch), patch::patch and patch::patch_static)" cmake_consumers
else
    step "cmake is installed (make tools installs it)" false
fi

if [ "$failed" -gt 0 ]; then
    say "failed steps:"
    for f in "${failures[@]}"; do say "  $f"; done
fi
echo "ffi: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
