#!/usr/bin/env bash
# Rust side of `make test`: formatting, lints, every test and doc test of
# the workspace (with and without optional features), and the benchmarks
# built so they cannot rot.
set -euo pipefail
cd "$(dirname "$0")/.."
say() { printf '\033[1m[rust]\033[0m %s\n' "$*"; }

say "cargo fmt --check"
cargo fmt --all -- --check
say "cargo clippy --all-targets -- -D warnings"
cargo clippy --workspace --all-targets --all-features -- -D warnings
say "cargo test (all features)"
cargo test --workspace --all-features
say "cargo test -p patch-core (no default features: single-threaded engine)"
cargo test -p patch-core --no-default-features --lib --tests
say "cargo +nightly miri test -p patch-core --lib (the unsafe casts and the typed copy paths under Miri)"
if ! rustup toolchain list | grep -q '^nightly'; then
    rustup toolchain install nightly --profile minimal --component miri,rust-src
elif ! rustup component list --toolchain nightly --installed | grep -q '^miri'; then
    rustup component add miri rust-src --toolchain nightly
fi
cargo +nightly miri test -p patch-core --lib
say "cargo bench --no-run"
cargo bench --workspace --no-run
