# The two commands of the README:
#   make demo   builds the wasm package and serves the visualizer
#   make test   runs every test (installs what it needs first)
# and `make bench` runs the benchmark suite, `make fuzz` the long fuzz campaigns.

SHELL := /bin/bash
.DEFAULT_GOAL := help

.PHONY: help tools demo test test-rust test-ffi test-wasm test-python test-demo test-fuzz fuzz bench install lib header

help:
	@echo "make demo            build the wasm package and serve the visualizer on 127.0.0.1"
	@echo "make test            every test: fmt, clippy, Rust, C/C++, wasm/Node, Python, browser"
	@echo "make bench           the benchmark suite (results in bench-results/)"
	@echo "make fuzz            long fuzz campaigns, FUZZ_SECONDS per target (default 1200; see fuzz/CAMPAIGNS.md)"
	@echo "make install PREFIX=/usr/local   install patch.h, libpatch.so.X.Y.Z (+ links), libpatch.a, patch.pc, lib/cmake/patch"

tools:
	bash scripts/ensure-tools.sh

demo: tools
	bash web-demo/serve.sh

test: tools test-rust test-ffi test-wasm test-python test-demo test-fuzz
	@echo "all tests passed"

test-rust:
	bash scripts/test-rust.sh

test-ffi:
	bash patch-ffi/tests/run.sh

test-wasm:
	bash patch-wasm/tests/run.sh

test-python:
	bash scripts/test-python.sh

test-demo:
	bash web-demo/tests/run.sh

test-fuzz:
	bash scripts/test-fuzz.sh

FUZZ_SECONDS ?= 1200
fuzz:
	FUZZ_SECONDS=$(FUZZ_SECONDS) bash scripts/fuzz-campaign.sh

bench: tools
	bash scripts/bench.sh

lib:
	bash patch-ffi/build-lib.sh

header:
	bash patch-ffi/gen-header.sh

PREFIX ?= /usr/local
install:
	bash patch-ffi/install.sh "$(PREFIX)"
