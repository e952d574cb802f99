#!/usr/bin/env bash
# Python side of `make test`: builds and installs the stridepatch package
# the way a user does (`pip install ./patch-py`, in a virtual environment
# under target/ that scripts/python-env.sh creates and fills with pytest and
# numpy when they are missing), then runs patch-py/tests with pytest:
# equality with numpy (sliding_window_view, np.pad then windows, a numpy
# scatter-add for folds) on random geometries, strides and dtypes; aliasing
# and read-only rules; errors; the GIL; reference counts and leaks; the
# README's and the docstrings' examples. torch tests run when torch is
# importable in the environment (it is not installed here).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/python-env.sh
pysay "pytest patch-py/tests"
# -p no:cacheprovider: no .pytest_cache in the source tree.
"$PY" -m pytest -q -p no:cacheprovider patch-py/tests "$@"
