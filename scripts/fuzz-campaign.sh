#!/usr/bin/env bash
# Long fuzz campaigns (`make fuzz`): each target in turn, one job, from its
# committed corpus, for FUZZ_SECONDS (default 1200) or FUZZ_RUNS
# executions (default 10 million), whichever comes first. New inputs go
# into fuzz/corpus/NAME (minimize before committing: `cargo +nightly fuzz
# cmin NAME`); a crash, leak or 25 s hang stops the campaign with the
# input under fuzz/artifacts/NAME/. The final statistics are printed per
# target (record them in fuzz/CAMPAIGNS.md).
#
#   FUZZ_SECONDS  seconds per target (default 1200)
#   FUZZ_RUNS     executions per target (default 10000000)
#   FUZZ_TARGETS  the targets (default: all of `cargo fuzz list`)
set -euo pipefail
cd "$(dirname "$0")/../fuzz"
say() { printf '\033[1m[fuzz]\033[0m [%s] %s\n' "$(date -u +%H:%M:%S)" "$*"; }

secs=${FUZZ_SECONDS:-1200}
runs=${FUZZ_RUNS:-10000000}
targets=${FUZZ_TARGETS:-$(cargo +nightly fuzz list)}
cargo +nightly fuzz build
for t in $targets; do
    mkdir -p "corpus/$t"
    say "$t: up to $runs executions or $secs s"
    log=$(mktemp)
    status=0
    nice -n 10 cargo +nightly fuzz run "$t" -- -runs="$runs" -max_total_time="$secs" \
        -timeout=25 -print_final_stats=1 >"$log" 2>&1 || status=$?
    grep -E '^#[0-9]+ +DONE|^stat::|ERROR|SUMMARY|panicked' "$log" || true
    if [ "$status" != 0 ]; then
        tail -n 60 "$log"
        rm -f "$log"
        say "FAILED: $t (the input is under fuzz/artifacts/$t/)"
        exit 1
    fi
    rm -f "$log"
done
say "campaigns done"
