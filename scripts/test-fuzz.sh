#!/usr/bin/env bash
# The fuzz part of `make test` (`make test-fuzz`): builds the cargo-fuzz
# targets of fuzz/ (libFuzzer, AddressSanitizer, nightly) and runs each one
# briefly, starting from its committed corpus (fuzz/corpus/NAME): the
# corpus inputs are replayed first, so any of them that crashes fails the
# test, then the target fuzzes for the rest of its time.
#
#   FUZZ_SMOKE_SECONDS  seconds per target (default 12)
#   FUZZ_TARGETS        the targets (default: all of `cargo fuzz list`)
#
# Without the nightly toolchain or cargo-fuzz the step is skipped with a
# message, except on CI (CI=true), where both are installed. The long
# campaigns are `make fuzz` (scripts/fuzz-campaign.sh).
set -euo pipefail
cd "$(dirname "$0")/../fuzz"
say() { printf '\033[1m[fuzz]\033[0m [%s] %s\n' "$(date -u +%H:%M:%S)" "$*"; }

SECONDS_PER_TARGET=${FUZZ_SMOKE_SECONDS:-12}
CARGO_FUZZ_VERSION=0.13.2

have_nightly() { rustup toolchain list 2>/dev/null | grep -q '^nightly'; }
have_cargo_fuzz() { cargo fuzz --version >/dev/null 2>&1; }

if ! have_nightly || ! have_cargo_fuzz; then
    if [ "${CI:-}" != true ]; then
        say "SKIPPED: the fuzz smoke needs the nightly toolchain and cargo-fuzz" \
            "(rustup toolchain install nightly; cargo install --locked cargo-fuzz);" \
            "CI=true installs them"
        exit 0
    fi
    if ! have_nightly; then
        say "installing the nightly toolchain"
        rustup toolchain install nightly --profile minimal
    fi
    if ! have_cargo_fuzz; then
        say "installing cargo-fuzz $CARGO_FUZZ_VERSION (a minute, once)"
        cargo install --locked cargo-fuzz --version "$CARGO_FUZZ_VERSION"
    fi
fi

targets=${FUZZ_TARGETS:-$(cargo +nightly fuzz list)}
say "building the fuzz targets: $(echo $targets)"
cargo +nightly fuzz build
for t in $targets; do
    mkdir -p "corpus/$t"
    say "$t: ${SECONDS_PER_TARGET} s from its corpus ($(ls "corpus/$t" | wc -l) inputs)"
    # A scratch copy: the smoke run's new inputs do not land in the
    # committed corpus. -timeout: an input running 10 s is a finding.
    scratch=$(mktemp -d)
    cp -r "corpus/$t/." "$scratch/"
    if ! cargo +nightly fuzz run "$t" "$scratch" -- \
        -max_total_time="$SECONDS_PER_TARGET" -timeout=10 -print_final_stats=1 \
        >"$scratch.log" 2>&1; then
        tail -n 60 "$scratch.log"
        say "FAILED: $t (the input is under fuzz/artifacts/$t/)"
        rm -rf "$scratch" "$scratch.log"
        exit 1
    fi
    grep -E '^#[0-9]+ +DONE' "$scratch.log" | tail -n 1 || true
    rm -rf "$scratch" "$scratch.log"
done
say "fuzz smoke passed"
