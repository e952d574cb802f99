#!/usr/bin/env bash
# Prints the workspace version ([workspace.package] version in Cargo.toml),
# the one version every artifact carries: the crates, the header's
# PATCH_VERSION macros (gen-header.sh), libpatch.so.X.Y.Z and its SONAME
# (patch-ffi/build.rs), patch.pc and the CMake package (install.sh).
#   bash scripts/version.sh          0.1.0
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
version="$(awk '
    /^\[/ { in_pkg = ($0 == "[workspace.package]") }
    in_pkg && /^version[[:space:]]*=/ { gsub(/^[^"]*"|".*$/, ""); print; exit }
' "$root/Cargo.toml")"
if ! [[ "$version" =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]]; then
    echo "no MAJOR.MINOR.PATCH version under [workspace.package] in $root/Cargo.toml (got '$version')" >&2
    exit 1
fi
echo "$version"
