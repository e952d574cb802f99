#!/usr/bin/env bash
# The C side of `make test` (make test-ffi):
#  1. cargo build --release -p patch-ffi (libpatch.so and libpatch.a);
#  2. cargo test -p patch-ffi (the Rust tests of the exports), the same
#     tests under Miri (the pointer code of src/ptr.rs); regenerate the
#     header with the pinned cbindgen and diff it against the committed
#     include/patch.h;
#  3. build the C11 and C++17 tests, the two examples and the benchmark
#     programs, warnings as errors, against the shared and against the
#     static library, plain and with AddressSanitizer+UBSan;
#  4. run them plain, under ASan+UBSan, and under valgrind (test_threads
#     makes threaded copies and folds, forks, and leaves the pool running
#     at exit; test_oom, which replaces malloc, runs plain only);
#  5. install into a temporary PREFIX (install.sh: libpatch.so.X.Y.Z with
#     SONAME libpatch.so.X and its links, libpatch.a, patch.pc, the CMake
#     package) and check the layout and the SONAME;
#  6. build the examples and every C block of README.md and
#     patch-ffi/README.md with pkg-config, and the examples with CMake
#     (find_package(patch)), each against the shared and the static
#     library, and run them (the README blocks plain and under ASan+UBSan).
# Every step runs even when an earlier one fails; the last line counts them.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
root="$(cd "$here/.." && pwd)"
cd "$root"
say() { printf '\033[1m[ffi]\033[0m [%s] %s\n' "$(date -u +%H:%M:%S)" "$*"; }

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

# The Rust tests of the exports under Miri: every pointer the exports take
# goes through src/ptr.rs, and Miri checks each reference made from one
# (alignment, bounds, aliasing: Stacked Borrows) and every read of freed
# memory. What is left out, and why: tests/numpy.rs (the same exports and
# pointer paths as exports.rs, on the numpy fixture cases: 74 s more under
# Miri for nothing new), and status_gen's file comparison (it reads and
# writes a file; no pointer code). Miri runs the copies single-threaded below the
# 1 MiB threshold of the pool, as the tests make no larger copy.
miri_exports() {
    if ! rustup toolchain list | grep -q '^nightly'; then
        rustup toolchain install nightly --profile minimal --component miri,rust-src
    elif ! rustup component list --toolchain nightly --installed | grep -q '^miri'; then
        rustup component add miri rust-src --toolchain nightly
    fi
    cargo +nightly miri test -q -p patch-ffi --lib --test exports
}
step "cargo +nightly miri test -p patch-ffi --lib --test exports (the pointer code under Miri)" miri_exports

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
    "test_preprocess:$here/tests/c/test_preprocess.c"
    "test_dlpack:$here/tests/c/test_dlpack.c"
    "test_oom:$here/tests/c/test_oom.c"
    "vit_patchify:$here/examples/vit_patchify.c"
    "sliding_inference:$here/examples/sliding_inference.cpp"
)
# test_oom defines malloc and its relatives (to make them fail above a
# limit); ASan and valgrind replace the allocator themselves, so it is
# built and run plain only.
plain_only=" test_oom "
# Out-of-memory cases known to abort or to write their output (none
# today): test_oom reports them as PENDING and fails if one of them passes.
export PATCH_OOM_PENDING=""
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
# test_oom's pending cases abort on purpose: their Rust backtraces are
# off unless PATCH_OOM_BACKTRACE=1 (which shows where each one aborts).
run_plain() {
    case "$1" in
        test_oom.*) RUST_BACKTRACE="${PATCH_OOM_BACKTRACE:-0}" deadline "$work/bin/$1" ;;
        *) deadline "$work/bin/$1" ;;
    esac
}
asan_env() {
    ASAN_OPTIONS=detect_leaks=1:allocator_may_return_null=1:abort_on_error=0:halt_on_error=1 \
        UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 deadline "$@"
}
run_asan() { asan_env "$work/bin/$1"; }
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
            if [ "$variant" = asan ] && [[ "$plain_only" == *" $name "* ]]; then continue; fi
            step "build $name ($link library, $variant)" build "$name" "$src" "$link" "$variant"
        done
    done
done

# The benchmark programs (patch-ffi/bench, run by `make bench`) are built
# here too, so that they follow every API change.
build_bench() {
    local src
    for src in "$here"/bench/*.c; do
        gcc -std=c11 -O2 -Wall -Wextra -Werror -I"$root/include" "$src" \
            -o "$work/bin/$(basename "$src" .c)" "${SHARED[@]}"
    done
}
step "build the benchmark programs (bench_c, profile_c)" build_bench

for entry in "${programs[@]}"; do
    name="${entry%%:*}"
    for link in shared static; do
        if [ -x "$work/bin/$name.$link.plain" ]; then
            step "run $name ($link library)" run_plain "$name.$link.plain"
        fi
        if [ -x "$work/bin/$name.$link.asan" ]; then
            step "run $name ($link library) under ASan+UBSan" run_asan "$name.$link.asan"
        fi
        if command -v valgrind >/dev/null 2>&1 && [ -x "$work/bin/$name.$link.plain" ] &&
            [[ "$plain_only" != *" $name "* ]]; then
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
}
if command -v pkg-config >/dev/null 2>&1; then
    step "pkg-config consumers of the install (C and C++, shared and static)" pkg_config_consumers
else
    step "pkg-config is installed (make tools installs it)" false
fi

# Every C block of README.md and patch-ffi/README.md, exactly as printed
# there (each block is a whole program), built with pkg-config against the
# install and run plain and under ASan+UBSan; the output of the known ones
# is checked too.
readme_blocks() {
    export PKG_CONFIG_PATH="$prefix/lib/pkgconfig"
    local file name n bin out want found=0
    mkdir -p "$work/readme"
    for file in "$root/README.md" "$here/README.md"; do
        name="$(basename "$(dirname "$file")")"
        [ "$file" = "$root/README.md" ] && name=root
        awk -v dir="$work/readme" -v name="$name" '
            /^```c$/ { n++; f = dir "/" name "-" n ".c"; inside = 1; next }
            /^```$/ { inside = 0 }
            inside { print > f }' "$file"
    done
    for src in "$work"/readme/*.c; do
        found=$((found + 1))
        bin="${src%.c}"
        n="$(basename "$bin")"
        echo "README block $n:"
        # shellcheck disable=SC2046
        cc -std=c11 -Wall -Wextra -Werror -pedantic "$src" $(pkg-config --cflags --libs patch) \
            -Wl,-rpath,"$prefix/lib" -o "$bin"
        # shellcheck disable=SC2046
        cc -std=c11 -Wall -Wextra -Werror -pedantic "${SAN[@]}" "$src" \
            $(pkg-config --cflags --libs patch) -Wl,-rpath,"$prefix/lib" -o "$bin.asan"
        out="$(deadline "$bin")"
        echo "  $out"
        [ "$(asan_env "$bin.asan")" = "$out" ]
        case "$n" in
            root-1) want='196 tokens of 768 bytes' ;;
            root-2) want='196 tokens of 768 floats, first -1.7923' ;;
            patch-ffi-1) want='196 patches, strides 10752 48' ;;
            patch-ffi-2) want='columns [18, 30]; column 0: -1 -1 0 1; back[7] = 7' ;;
            patch-ffi-3) want='DLPack 1.1: [98, 400], strides [160, 1], read-only 1' ;;
            *) want='' ;;
        esac
        [ -z "$want" ] || [[ "$out" == *"$want"* ]] || { echo "README block $n printed '$out', not '$want'" >&2; return 1; }
    done
    # README.md has two C blocks, patch-ffi/README.md three.
    [ "$found" -eq 5 ] || { echo "found $found C blocks in the READMEs, expected 5" >&2; return 1; }
}
if command -v pkg-config >/dev/null 2>&1; then
    step "every C block of README.md and patch-ffi/README.md, built against the install and run" readme_blocks
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
