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
#  5. install into a temporary PREFIX and build the examples and the
#     README's quick start with $(pkg-config --cflags --libs patch).
# Every step runs even when an earlier one fails; the last line counts them.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
root="$(cd "$here/.." && pwd)"
cd "$root"
say() { printf '\033[1m[ffi]\033[0m %s\n' "$*"; }

target="${CARGO_TARGET_DIR:-$root/target}"
case "$target" in /*) ;; *) target="$root/$target" ;; esac
lib="$target/release"
work="$(mktemp -d "${TMPDIR:-/tmp}/patch-ffi-test.XXXXXX")"
trap 'rm -rf "$work"' EXIT

passed=0
failed=0
failures=()
# step NAME COMMAND...: runs one step, prints its output, records the outcome.
step() {
    local name="$1"
    shift
    say "$name"
    if "$@"; then
        passed=$((passed + 1))
    else
        failed=$((failed + 1))
        failures+=("$name")
        printf '\033[1;31m[ffi] FAILED: %s\033[0m\n' "$name"
    fi
}

say "cargo build --release -p patch-ffi (target dir $target)"
cargo build --release -p patch-ffi
for f in libpatch.so libpatch.a; do
    if [ ! -f "$lib/$f" ]; then
        echo "missing $lib/$f" >&2
        exit 1
    fi
done

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

pkg_config_install() {
    local prefix="$work/prefix"
    bash "$here/install.sh" "$prefix"
    for f in include/patch.h lib/libpatch.so lib/libpatch.a lib/pkgconfig/patch.pc; do
        [ -f "$prefix/$f" ] || { echo "install did not create $prefix/$f" >&2; return 1; }
    done
    export PKG_CONFIG_PATH="$prefix/lib/pkgconfig"
    local version
    version="$(pkg-config --modversion patch)"
    echo "pkg-config: patch $version; cflags: $(pkg-config --cflags patch); libs: $(pkg-config --libs patch)"
    # What the README tells a C user to type (plus an rpath for the temporary prefix).
    # shellcheck disable=SC2046
    cc -std=c11 -Wall -Wextra -Werror -pedantic "$here/examples/vit_patchify.c" \
        $(pkg-config --cflags --libs patch) -Wl,-rpath,"$prefix/lib" -o "$work/vit_pc"
    "$work/vit_pc" | tee "$work/vit_pc.out"
    grep -q 'view shape   (14, 14, 16, 16, 3)' "$work/vit_pc.out"
    grep -q 'byte strides (10752, 48, 672, 3, 1)' "$work/vit_pc.out"
    # shellcheck disable=SC2046
    c++ -std=c++17 -Wall -Wextra -Werror "$here/examples/sliding_inference.cpp" \
        $(pkg-config --cflags --libs patch) -Wl,-rpath,"$prefix/lib" -o "$work/sliding_pc"
    "$work/sliding_pc"
    # Static linking through pkg-config's private libraries.
    # shellcheck disable=SC2046
    cc -std=c11 "$here/examples/vit_patchify.c" $(pkg-config --cflags patch) \
        "$(pkg-config --variable=libdir patch)/libpatch.a" \
        $(pkg-config --static --libs-only-l patch | sed 's/-lpatch //') -o "$work/vit_pc_static"
    "$work/vit_pc_static" >/dev/null
    # The quick start of patch-ffi/README.md, exactly as printed there.
    awk '/^```c$/{f=1;next} /^```$/{f=0} f' "$here/README.md" > "$work/readme.c"
    # shellcheck disable=SC2046
    cc -std=c11 -Wall -Wextra -Werror -pedantic "$work/readme.c" \
        $(pkg-config --cflags --libs patch) -Wl,-rpath,"$prefix/lib" -o "$work/readme"
    "$work/readme" | tee "$work/readme.out"
    grep -q '196 patches, strides 10752 48' "$work/readme.out"
}
if command -v pkg-config >/dev/null 2>&1; then
    step "install into a temporary PREFIX and build with pkg-config" pkg_config_install
else
    step "pkg-config is installed (make tools installs it)" false
fi

if [ "$failed" -gt 0 ]; then
    say "failed steps:"
    for f in "${failures[@]}"; do say "  $f"; done
fi
echo "ffi: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
