"""Generates patch-core/tests/data/numpy_cases.json: what numpy says about
sliding windows, for the Rust tests to compare against without numpy.

Each case takes a buffer `np.arange(n)` of some dtype, reads it as an array
(possibly transposed and flipped, so strides are permuted and negative),
applies `sliding_window_view` on some axes, slices the grid axes by a step
and the window axes by a dilation, and records the view's shape, byte
strides, element offset and values (buffer indices, in C order).
It also records `np.pad` in every mode next to a plain window copy.

Run: python3 scripts/gen_numpy_cases.py   (needs numpy; output is committed)
"""
import json
import random
from pathlib import Path

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

random.seed(1234)
DTYPES = ["uint8", "int16", "float32", "float64"]


def make_input(shape, perm, flips, dtype):
    n = int(np.prod(shape))
    base = np.arange(n, dtype=np.int64).astype(dtype)
    stored = tuple(shape[p] for p in perm)
    x = base.reshape(stored)
    inv = np.argsort(perm)
    x = x.transpose(inv)
    for a, f in enumerate(flips):
        if f:
            x = np.flip(x, axis=a)
    offset = (x.__array_interface__["data"][0] - base.__array_interface__["data"][0]) // base.itemsize
    return base, x, offset


def view_case(shape, perm, flips, windows, dtype):
    """windows: per axis None (batch) or (size, step, dilation)."""
    base, x, offset = make_input(shape, perm, flips, dtype)
    axes = [a for a, w in enumerate(windows) if w is not None]
    extents = [(windows[a][0] - 1) * windows[a][2] + 1 for a in axes]
    v = sliding_window_view(x, extents, axis=axes)
    outer = tuple(slice(None, None, windows[a][1]) if windows[a] else slice(None) for a in range(x.ndim))
    inner = tuple(slice(None, None, windows[a][2]) for a in axes)
    v = v[outer + inner]
    itemsize = base.itemsize
    values = np.ascontiguousarray(v).astype(np.int64).ravel()
    # Values are buffer indices only when the dtype holds them exactly.
    return {
        "dtype": dtype,
        "itemsize": itemsize,
        "shape": list(shape),
        "strides": [s // itemsize for s in x.strides],
        "offset": int(offset),
        "buffer_len": int(base.size),
        "windows": [list(w) if w else None for w in windows],
        "view_shape": list(v.shape),
        "view_byte_strides": list(v.strides),
        "view_offset": int((v.__array_interface__["data"][0] - base.__array_interface__["data"][0]) // itemsize),
        "values": [int(t) for t in values] if dtype != "uint8" or base.size <= 256 else None,
    }


cases = []
# The worked cases of DESIGN.md section 2.
cases.append(view_case([32, 32, 3], [0, 1, 2], [0, 0, 0], [(8, 8, 1), (8, 8, 1), None], "uint8"))
cases.append(view_case([3, 10, 10], [0, 1, 2], [0, 0, 0], [None, (3, 1, 1), (3, 1, 1)], "float32"))
cases.append(view_case([100], [0], [0], [(20, 8, 1)], "float32"))
cases.append(view_case([2, 9, 11], [0, 1, 2], [0, 0, 0], [None, (3, 2, 1), (2, 3, 2)], "float64"))
# Random geometries: ranks 1-4, permuted and flipped strides.
while len(cases) < 60:
    rank = random.randint(1, 4)
    shape = [random.randint(1, 7) for _ in range(rank)]
    perm = list(range(rank))
    random.shuffle(perm)
    flips = [random.random() < 0.3 for _ in range(rank)]
    windows = []
    for d in shape:
        if random.random() < 0.3:
            windows.append(None)
            continue
        dil = random.randint(1, 2)
        max_size = (d - 1) // dil + 1
        size = random.randint(1, max_size)
        windows.append((size, random.randint(1, 3), dil))
    if all(w is None for w in windows):
        continue
    cases.append(view_case(shape, perm, flips, windows, random.choice(DTYPES[1:])))

pads = []
for mode in ["reflect", "symmetric", "edge", "wrap"]:
    for n in [1, 2, 3, 5]:
        for p in [1, 4, 9]:
            x = np.arange(1, n + 1)
            pads.append({"mode": mode, "len": n, "pad": p, "padded": [int(t) for t in np.pad(x, p, mode=mode)]})

out = Path(__file__).resolve().parent.parent / "patch-core" / "tests" / "data" / "numpy_cases.json"
out.write_text(json.dumps({"numpy_version": np.__version__, "views": cases, "pads": pads}, indent=None) + "\n")
print(f"wrote {len(cases)} view cases and {len(pads)} pad cases to {out}")
