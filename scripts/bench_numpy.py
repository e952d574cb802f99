#!/usr/bin/env python3
"""The numpy part of the benchmark suite (`make bench`, scripts/bench.sh).

Loads libpatch.so (the C ABI, built in release) through ctypes and times,
in this one process, for each workload:

  patch_c       patch_extract_into with a preallocated numpy array as dst (the view
                is made once with patch_view_create; ctypes call included)
  numpy         numpy's idiom: sliding_window_view(x, window)[::s, ::s] then
                np.ascontiguousarray (a new array per call, as numpy users do)
  numpy_copyto  the same strided view copied into a preallocated array with
                np.copyto (numpy's best case: no allocation), for reference
  memcpy        np.copyto of a contiguous array of the output's size into
                another (memcpy of the same bytes)

Workloads (the same geometries as patch-core/benches/suite.rs):

  vit_u8               [224,224,3] u8, 16x16 tiles -> [196,768]
  vit_u8_b64           [64,224,224,3] u8, 16x16 tiles -> [12544,768]
  im2col_nhwc          [56,56,64] f32, 3x3, step 1, SAME zero padding ->
                       [3136,576]; numpy has no padding in
                       sliding_window_view, so its variants include np.pad
                       first (what a numpy user has to write)
  audio_frame_400_160  960000 f32, frames of 400 every 160 -> [5998,400]
  audio_frame_1024_256 960000 f32, frames of 1024 every 256 -> [3747,1024]

Every output is checked equal to numpy's before timing. Each variant's
time is the median seconds per call over several samples; the variants of
a workload are measured round-robin twice and the smaller median kept.
patch_c runs with patch_set_num_threads(1), then with every core (numpy
is single-threaded; it is measured again in each group).

Usage: python3 scripts/bench_numpy.py OUT.json [--lib path/to/libpatch.so]
BENCH_QUICK=1 shortens the samples.
"""

import argparse
import ctypes as C
import json
import os
import statistics
import sys
import time

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

QUICK = os.environ.get("BENCH_QUICK", "") not in ("", "0")
SAMPLE = 0.03 if QUICK else 0.08
SAMPLES = 3 if QUICK else 5

# ---- the C ABI (include/patch.h) -------------------------------------------

PATCH_STATUS_OK = 0
PATCH_ROLE_WINDOW, PATCH_ROLE_WHOLE, PATCH_ROLE_BATCH = 0, 1, 2
PATCH_CONVENTION_VALID, PATCH_CONVENTION_SAME = 0, 1
PATCH_PAD_MODE_CONSTANT = 0
# patch_dtype, by numpy dtype (fixed numbers; 0 is no type).
PATCH_DTYPE = {np.dtype(t): n for n, t in enumerate(
    ["uint8", "int8", "uint16", "int16", "uint32", "int32", "uint64", "int64", "float32",
     "float64"], start=1)}


class PatchLayout(C.Structure):
    """`patch_layout`: const size_t *shape; const ptrdiff_t *strides (NULL: C-contiguous);
    size_t ndim, offset (elements); uint32_t dtype."""

    _fields_ = [
        ("shape", C.POINTER(C.c_size_t)),
        ("strides", C.POINTER(C.c_ssize_t)),
        ("ndim", C.c_size_t),
        ("offset", C.c_size_t),
        ("dtype", C.c_uint32),
    ]


class PatchPadding(C.Structure):
    """`patch_padding`: uint32_t convention, mode."""

    _fields_ = [("convention", C.c_uint32), ("mode", C.c_uint32)]


class PatchAxis(C.Structure):
    """`patch_axis`: uint32_t role; size_t size, step, dilation, pad_lo, pad_hi."""

    _fields_ = [
        ("role", C.c_uint32),
        ("size", C.c_size_t),
        ("step", C.c_size_t),
        ("dilation", C.c_size_t),
        ("pad_lo", C.c_size_t),
        ("pad_hi", C.c_size_t),
    ]


def window(size, step):
    return PatchAxis(PATCH_ROLE_WINDOW, size, step, 1, 0, 0)


def whole():
    return PatchAxis(PATCH_ROLE_WHOLE, 0, 0, 0, 0, 0)


def batch():
    return PatchAxis(PATCH_ROLE_BATCH, 0, 0, 0, 0, 0)


def load(path):
    lib = C.CDLL(path)
    status = C.c_uint32  # patch_status is uint32_t in C11
    view_p = C.c_void_p  # struct patch_view * (opaque)
    lib.patch_view_create.argtypes = [
        C.POINTER(PatchLayout),  # const patch_layout *layout
        C.POINTER(PatchAxis),  # const patch_axis *axes
        C.c_size_t,  # naxes
        C.POINTER(PatchPadding),  # const patch_padding *padding (NULL: VALID)
        C.POINTER(view_p),  # patch_view **out_view
    ]
    lib.patch_view_create.restype = status
    lib.patch_view_free.argtypes = [view_p]
    lib.patch_view_free.restype = None
    lib.patch_view_copy_bytes.argtypes = [view_p, C.POINTER(C.c_size_t)]
    lib.patch_view_copy_bytes.restype = status
    lib.patch_extract_into.argtypes = [
        view_p,  # const patch_view *view
        C.c_void_p,  # const void *src
        C.c_size_t,  # src_bytes
        C.c_void_p,  # void *dst
        C.c_size_t,  # dst_bytes
        C.c_void_p,  # const patch_extract_options *opts (NULL: patch-major, zero fill)
    ]
    lib.patch_extract_into.restype = status
    lib.patch_set_num_threads.argtypes = [C.c_size_t]
    lib.patch_set_num_threads.restype = None
    lib.patch_get_num_threads.argtypes = []
    lib.patch_get_num_threads.restype = C.c_size_t
    lib.patch_last_error_message.argtypes = []
    lib.patch_last_error_message.restype = C.c_char_p
    lib.patch_version.argtypes = []
    lib.patch_version.restype = C.c_char_p
    return lib


def check(lib, st, what):
    if st != PATCH_STATUS_OK:
        raise RuntimeError(f"{what}: status {st}: {lib.patch_last_error_message().decode()}")


class View:
    """A patch_view of a C-contiguous array, and a bound patch_extract_into."""

    def __init__(self, lib, shape, dtype, axes, convention=PATCH_CONVENTION_VALID):
        self.lib = lib
        shp = (C.c_size_t * len(shape))(*shape)
        layout = PatchLayout(shp, None, len(shape), 0, PATCH_DTYPE[np.dtype(dtype)])
        padding = PatchPadding(convention, PATCH_PAD_MODE_CONSTANT)
        ax = (PatchAxis * len(axes))(*axes)
        out = C.c_void_p()
        st = lib.patch_view_create(C.byref(layout), ax, len(axes), C.byref(padding), C.byref(out))
        check(lib, st, "patch_view_create")
        self.ptr = out
        n = C.c_size_t()
        check(lib, lib.patch_view_copy_bytes(out, C.byref(n)), "patch_view_copy_bytes")
        self.copy_bytes = n.value

    def extractor(self, src, dst):
        """A no-argument function copying src's patches into dst (arguments prebound)."""
        assert src.flags.c_contiguous and dst.flags.c_contiguous
        assert dst.nbytes == self.copy_bytes
        f = self.lib.patch_extract_into
        args = (self.ptr, C.c_void_p(src.ctypes.data), C.c_size_t(src.nbytes),
                C.c_void_p(dst.ctypes.data), C.c_size_t(dst.nbytes), None)
        lib = self.lib

        def run():
            st = f(*args)
            if st:
                check(lib, st, "patch_extract_into")

        return run

    def free(self):
        self.lib.patch_view_free(self.ptr)


# ---- timing -----------------------------------------------------------------

def time_fn(f):
    """Median seconds per call over SAMPLES samples of about SAMPLE seconds."""
    f()
    start = time.perf_counter()
    calls = 0
    while time.perf_counter() - start < SAMPLE / 4:
        f()
        calls += 1
    per = max(calls * 4, 1)
    times = []
    for _ in range(SAMPLES):
        t = time.perf_counter()
        for _ in range(per):
            f()
        times.append((time.perf_counter() - t) / per)
    return statistics.median(times)


ROWS = []


def run(workload, nbytes, threads, variants):
    best = {name: float("inf") for name, _ in variants}
    for _ in range(2):
        for name, f in variants:
            best[name] = min(best[name], time_fn(f))
    base = best.get("memcpy")
    print(f"\n{workload} ({nbytes / 1e6:.2f} MB out, patch_c on {threads} thread{'s' if threads > 1 else ''})")
    for name, _ in variants:
        s = best[name]
        extra = []
        if base and name != "memcpy":
            extra.append(f"{s / base:.2f}x memcpy")
        if name == "patch_c" and "numpy" in best:
            extra.append(f"{best['numpy'] / s:.1f}x faster than numpy")
        print(f"  {name:<14} {s * 1e6:>11.1f} us {nbytes / s / 1e9:>7.2f} GB/s   {'  '.join(extra)}")
        ROWS.append({"suite": "numpy", "workload": workload, "variant": name,
                     "threads": threads, "seconds": s, "bytes": nbytes})


# ---- workloads ----------------------------------------------------------------

def fill_u8(n):
    return ((np.arange(n, dtype=np.int64) * 31) % 251).astype(np.uint8)


def fill_f32(n):
    return ((np.arange(n, dtype=np.int64) % 1000) * 0.5).astype(np.float32)


def workload(lib, name, x, view, numpy_view, out_shape, threads):
    """Checks patch_c == numpy, then times patch_c, numpy, numpy_copyto, memcpy.

    numpy_view(x) returns numpy's strided view, shaped so that
    np.ascontiguousarray(...).reshape(out_shape) is the patch-major output.
    """
    dst = np.zeros(out_shape, dtype=x.dtype)
    mat = view.extractor(x, dst)
    mat()
    want = np.ascontiguousarray(numpy_view(x)).reshape(out_shape)
    if not np.array_equal(dst, want):
        raise SystemExit(f"{name}: patch_extract_into differs from numpy's sliding_window_view")
    pre = np.zeros(numpy_view(x).shape, dtype=x.dtype)
    copy_src = np.ascontiguousarray(want.copy())
    copy_dst = np.zeros_like(copy_src)
    run(name, dst.nbytes, threads, [
        ("patch_c", mat),
        ("numpy", lambda: np.ascontiguousarray(numpy_view(x))),
        ("numpy_copyto", lambda: np.copyto(pre, numpy_view(x))),
        ("memcpy", lambda: np.copyto(copy_dst, copy_src)),
    ])


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out", help="JSON file to write")
    ap.add_argument("--lib", default=None, help="libpatch.so (default: $CARGO_TARGET_DIR or target/ release)")
    a = ap.parse_args()
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    path = a.lib or os.path.join(os.environ.get("CARGO_TARGET_DIR", os.path.join(root, "target")),
                                 "release", "libpatch.so")
    lib = load(path)
    print(f"numpy {np.__version__}, libpatch {lib.patch_version().decode()} ({path}); "
          f"{SAMPLES} samples of {SAMPLE * 1e3:.0f} ms, median per call, min over 2 interleaved rounds")

    img = fill_u8(224 * 224 * 3).reshape(224, 224, 3)
    imgs = fill_u8(64 * 224 * 224 * 3).reshape(64, 224, 224, 3)
    nhwc = fill_f32(56 * 56 * 64).reshape(56, 56, 64)
    audio = fill_f32(960_000)

    v_vit = View(lib, [224, 224, 3], img.dtype, [window(16, 16), window(16, 16), whole()])
    v_b64 = View(lib, [64, 224, 224, 3], imgs.dtype,
                 [batch(), window(16, 16), window(16, 16), whole()])
    v_im2col = View(lib, [56, 56, 64], nhwc.dtype, [window(3, 1), window(3, 1), whole()],
                    PATCH_CONVENTION_SAME)
    v_400 = View(lib, [960_000], audio.dtype, [window(400, 160)])
    v_1024 = View(lib, [960_000], audio.dtype, [window(1024, 256)])

    lib.patch_set_num_threads(0)
    all_threads = lib.patch_get_num_threads()
    thread_counts = [1, all_threads] if all_threads > 1 else [1]
    for threads in thread_counts:
        lib.patch_set_num_threads(threads)
        # Whole-axis windows keep each patch in (16, 16, 3) order: patch-major tokens.
        workload(lib, "vit_u8", img, v_vit,
                 lambda x: sliding_window_view(x, (16, 16, 3))[::16, ::16], (196, 768), threads)
        workload(lib, "vit_u8_b64", imgs, v_b64,
                 lambda x: sliding_window_view(x, (16, 16, 3), axis=(1, 2, 3))[:, ::16, ::16],
                 (64 * 196, 768), threads)
        # numpy: np.pad (SAME: 1 each side) then the windows, in the numpy variants' time.
        workload(lib, "im2col_nhwc", nhwc, v_im2col,
                 lambda x: sliding_window_view(np.pad(x, ((1, 1), (1, 1), (0, 0))), (3, 3, 64)),
                 (3136, 576), threads)
        workload(lib, "audio_frame_400_160", audio, v_400,
                 lambda x: sliding_window_view(x, 400)[::160], (5998, 400), threads)
        workload(lib, "audio_frame_1024_256", audio, v_1024,
                 lambda x: sliding_window_view(x, 1024)[::256], (3747, 1024), threads)
    lib.patch_set_num_threads(0)
    for v in (v_vit, v_b64, v_im2col, v_400, v_1024):
        v.free()

    with open(a.out, "w") as f:
        json.dump(ROWS, f, indent=1)
    print(f"\nwrote {a.out}")


if __name__ == "__main__":
    sys.exit(main())
