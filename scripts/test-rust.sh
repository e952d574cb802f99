#!/usr/bin/env bash
# Rust side of `make test`: formatting, lints, every test and doc test of
# the workspace (with and without optional features), Miri, the docs with
# warnings as errors, `cargo package -p patch-core`, a check with the
# declared minimum Rust version. The benchmarks cannot rot: clippy
# --all-targets type-checks them (a full `cargo bench --no-run` cost CI
# nearly four minutes of optimized builds for no extra check).
set -euo pipefail
cd "$(dirname "$0")/.."
say() { printf '\033[1m[rust]\033[0m [%s] %s\n' "$(date -u +%H:%M:%S)" "$*"; }

say "cargo fmt --check"
cargo fmt --all -- --check
say "cargo clippy --all-targets -- -D warnings"
cargo clippy --workspace --all-targets --all-features -- -D warnings
say "cargo test (all features)"
cargo test --workspace --all-features
say "cargo test -p patch-core (no default features: single-threaded engine)"
cargo test -p patch-core --no-default-features --lib --tests
say "cargo +nightly miri test -p patch-core --lib --features ndarray (the unsafe casts, the typed copy paths and the ndarray views under Miri)"
if ! rustup toolchain list | grep -q '^nightly'; then
    rustup toolchain install nightly --profile minimal --component miri,rust-src
elif ! rustup component list --toolchain nightly --installed | grep -q '^miri'; then
    rustup component add miri rust-src --toolchain nightly
fi
cargo +nightly miri test -p patch-core --lib --features ndarray
say "cargo doc --workspace --no-deps --all-features, warnings as errors"
RUSTDOCFLAGS="-D warnings" cargo doc --workspace --no-deps --all-features
# What crates.io would get, built from the packaged files alone (--allow-dirty
# so that it also runs on a tree with uncommitted changes).
say "cargo package -p patch-core"
cargo package -p patch-core --allow-dirty
# The rust-version Cargo.toml declares is the one tested here.
msrv="$(sed -n 's/^rust-version = "\(.*\)"$/\1/p' Cargo.toml)"
say "cargo +$msrv check --workspace --all-features (the declared rust-version)"
if ! rustup toolchain list | grep -q "^$msrv-"; then
    rustup toolchain install "$msrv" --profile minimal
fi
cargo +"$msrv" check --workspace --all-features
