#!/usr/bin/env python3
"""The Python part of the benchmark suite (`make bench`, scripts/bench.sh).

Times, in this one process, the stridepatch package (installed in the
environment scripts/python-env.sh makes) against the best numpy idioms on
the workloads of patch-core/benches/suite.rs, after checking that every
variant's output equals stridepatch's:

  stridepatch     Plan.extract / Plan.fold into a preallocated out= (the
                  geometry made once: the way a loop over batches runs)
  stridepatch_new the module function (extract, overlap_add, fold) that
                  plans and allocates its result on every call
  numpy_*         numpy idioms, each allocating its result as users write
                  them (``numpy_copyto``: the same strided view copied into
                  a preallocated array, numpy's best case)
  numpy_best      the fastest numpy variant of the workload (a copy of its
                  row; the target compares against it)
  memcpy          np.copyto of a contiguous array of the output's size

and the per-call overhead on `tiny` (32x32x3 uint8, 16x16 ViT tiles, 3072
bytes): Plan.extract into out= (target <= 3 us per call), Plan.extract
allocating, the extract function, Plan.windows (a view), numpy's reshape
idiom and memcpy of the 3072 bytes.

Each variant's time is the median seconds per call over several samples;
the variants of a workload are measured round-robin twice and the smaller
median kept (scripts/bench_numpy.py's timer). stridepatch runs on one
thread, then on every core (numpy is single-threaded; measured again in
each group).

Usage: python scripts/bench_python.py OUT.json    (BENCH_QUICK=1: shorter samples)
"""

import json
import os
import sys

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

import stridepatch as sp

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench_numpy import SAMPLE, SAMPLES, fill_f32, fill_u8, time_fn  # noqa: E402

ROWS = []


def run(workload, nbytes, threads, variants, check=None):
    """Checks every variant's output against the first one's, then times them."""
    if check is not None:
        want = check[0]()
        for name, f in check[1:]:
            got = f()
            if got.shape != want.shape or not np.allclose(got, want, rtol=1e-5, atol=1e-4):
                raise SystemExit(f"{workload}: {name} differs from stridepatch")
    best = {name: float("inf") for name, _ in variants}
    for _ in range(2):
        for name, f in variants:
            best[name] = min(best[name], time_fn(f))
    peers = [n for n in best if n.startswith("numpy")]
    if peers:
        fastest = min(peers, key=best.get)
        best["numpy_best"] = best[fastest]
    base = best.get("memcpy")
    print(f"\n{workload} ({nbytes / 1e6:.3f} MB, stridepatch on {threads} thread{'s' if threads > 1 else ''})")
    for name, s in best.items():
        extra = []
        if base and name != "memcpy":
            extra.append(f"{s / base:.2f}x memcpy")
        if name == "numpy_best":
            extra.append(f"({fastest})")
        if name == "stridepatch" and "numpy_best" in best:
            extra.append(f"{best['numpy_best'] / s:.2f}x faster than the best numpy idiom")
        print(f"  {name:<16} {s * 1e6:>11.2f} us {nbytes / s / 1e9:>7.2f} GB/s   {'  '.join(extra)}")
        row = {"suite": "python", "workload": workload, "variant": name, "threads": threads,
               "seconds": s, "bytes": nbytes}
        if name == "numpy_best":
            row["idiom"] = fastest
        ROWS.append(row)


def memcpy_of(nbytes, dtype):
    a = np.ones(nbytes // np.dtype(dtype).itemsize, dtype)
    b = np.empty_like(a)
    return lambda: np.copyto(b, a)


def copy_workload(name, x, plan, kw, numpy_idioms, threads):
    """A copy: stridepatch (plan, out=), the function, numpy idioms, memcpy."""
    out = np.empty(plan.copy_shape(), x.dtype)
    ours = lambda: plan.extract(x, out=out)  # noqa: E731
    variants = [("stridepatch", ours), ("stridepatch_new", lambda: sp.extract(**kw))]
    variants += list(numpy_idioms.items())
    variants.append(("memcpy", memcpy_of(out.nbytes, x.dtype)))
    check = [lambda: plan.extract(x)] + [(n, (lambda f=f: np.reshape(f(), plan.copy_shape())))
                                         for n, f in numpy_idioms.items() if n != "numpy_copyto"]
    run(name, out.nbytes, threads, variants, check)


def main():
    if len(sys.argv) != 2:
        print(__doc__)
        return 2
    print(f"stridepatch {sp.__version__}, numpy {np.__version__}; {SAMPLES} samples of "
          f"{SAMPLE * 1e3:.0f} ms, median per call, min over 2 interleaved rounds")
    img = fill_u8(224 * 224 * 3).reshape(224, 224, 3)
    imgs = fill_u8(64 * 224 * 224 * 3).reshape(64, 224, 224, 3)
    nhwc = fill_f32(56 * 56 * 64).reshape(56, 56, 64)
    audio = fill_f32(960_000)
    tiny = fill_u8(32 * 32 * 3).reshape(32, 32, 3)

    sp.set_num_threads(0)
    all_threads = sp.num_threads()
    for threads in ([1, all_threads] if all_threads > 1 else [1]):
        sp.set_num_threads(threads)

        vit = dict(window_shape=(16, 16), step=16, whole=-1)
        pre = np.empty((14, 14, 16, 16, 3), np.uint8)
        copy_workload("vit_u8", img, sp.Plan(img, **vit), dict(x=img, **vit), {
            "numpy_swv": lambda: np.ascontiguousarray(sliding_window_view(img, (16, 16, 3))[::16, ::16]),
            "numpy_reshape": lambda: img.reshape(14, 16, 14, 16, 3).transpose(0, 2, 1, 3, 4).reshape(196, 768),
            "numpy_copyto": lambda: np.copyto(pre, img.reshape(14, 16, 14, 16, 3).transpose(0, 2, 1, 3, 4)),
        }, threads)

        vitb = dict(window_shape=(16, 16), axis=(1, 2), step=16, whole=-1)
        preb = np.empty((64, 14, 14, 16, 16, 3), np.uint8)
        copy_workload("vit_u8_b64", imgs, sp.Plan(imgs, **vitb), dict(x=imgs, **vitb), {
            "numpy_reshape": lambda: imgs.reshape(64, 14, 16, 14, 16, 3).transpose(0, 1, 3, 2, 4, 5)
            .reshape(64 * 196, 768),
            "numpy_copyto": lambda: np.copyto(preb, imgs.reshape(64, 14, 16, 14, 16, 3).transpose(0, 1, 3, 2, 4, 5)),
        }, threads)

        conv = dict(window_shape=(3, 3), whole=-1, padding="same")
        copy_workload("im2col_nhwc", nhwc, sp.Plan(nhwc, **conv), dict(x=nhwc, **conv), {
            "numpy_pad_swv": lambda: np.ascontiguousarray(
                sliding_window_view(np.pad(nhwc, ((1, 1), (1, 1), (0, 0))), (3, 3, 64))),
        }, threads)

        for n, hop in [(400, 160), (1024, 256)]:
            pl = sp.Plan(audio, n, step=hop)
            copy_workload(f"audio_frame_{n}_{hop}", audio, pl, dict(x=audio, window_shape=n, step=hop), {
                "numpy_swv": lambda n=n, hop=hop: np.ascontiguousarray(sliding_window_view(audio, n)[::hop]),
            }, threads)

        # Folds.
        frames = sp.frame(audio, 400, 160)
        length = (frames.shape[0] - 1) * 160 + 400
        ola_plan = sp.Plan((length,), 400, step=160, dtype=np.float32)
        ola_out = np.empty(length, np.float32)
        idx = (np.arange(frames.shape[0])[:, None] * 160 + np.arange(400)).ravel()

        def ola_loop():
            out = np.zeros(length, np.float32)
            for k in range(frames.shape[0]):
                out[k * 160:k * 160 + 400] += frames[k]
            return out

        run("fold_ola", frames.nbytes, threads, [
            ("stridepatch", lambda: ola_plan.fold(frames, reduce="sum", out=ola_out)),
            ("stridepatch_new", lambda: sp.overlap_add(frames, 160)),
            ("numpy_bincount", lambda: np.bincount(idx, weights=frames.ravel(), minlength=length)),
            ("numpy_loop", ola_loop),
            ("memcpy", memcpy_of(frames.nbytes, np.float32)),
        ], [lambda: sp.overlap_add(frames, 160),
            ("numpy_bincount", lambda: np.bincount(idx, weights=frames.ravel(), minlength=length)),
            ("numpy_loop", ola_loop)])

        vol = fill_f32(16 * 368 * 368).reshape(16, 368, 368)
        tplan = sp.Plan(vol, (2, 2), axis=(1, 2), step=2)
        tp = tplan.extract(vol)
        tout = np.empty_like(vol)
        back = lambda: tp.reshape(16, 184, 184, 2, 2).transpose(0, 1, 3, 2, 4).reshape(16, 368, 368)  # noqa: E731
        run("fold_mean_2x2", tp.nbytes, threads, [
            ("stridepatch", lambda: tplan.fold(tp, out=tout)),
            ("stridepatch_new", lambda: sp.fold(tp, vol.shape, (2, 2), axis=(1, 2), step=2)),
            ("numpy_reshape", back),
            ("numpy_copyto", lambda: np.copyto(tout, tp.reshape(16, 184, 184, 2, 2).transpose(0, 1, 3, 2, 4)
                                               .reshape(16, 368, 368))),
            ("memcpy", memcpy_of(tp.nbytes, np.float32)),
        ], [lambda: tplan.fold(tp), ("numpy_reshape", back)])

        field = fill_f32(512 * 512).reshape(512, 512)
        gplan = sp.Plan(field, (64, 64), step=32)
        gp = gplan.extract(field)
        gout = np.empty_like(field)
        c = 31.5
        g1 = np.exp(-0.5 * ((np.arange(64) - c) / 8.0) ** 2)
        g2 = np.outer(g1, g1).astype(np.float32)

        def gauss_loop():
            num = np.zeros((512, 512), np.float32)
            den = np.zeros((512, 512), np.float32)
            k = 0
            for i in range(0, 512 - 63, 32):
                for j in range(0, 512 - 63, 32):
                    num[i:i + 64, j:j + 64] += g2 * gp[k].reshape(64, 64)
                    den[i:i + 64, j:j + 64] += g2
                    k += 1
            return num / den

        run("fold_gauss_512", gp.nbytes, threads, [
            ("stridepatch", lambda: gplan.fold(gp, reduce="gaussian", out=gout)),
            ("stridepatch_new", lambda: sp.fold(gp, field.shape, (64, 64), step=32, reduce="gaussian")),
            ("numpy_loop", gauss_loop),
            ("memcpy", memcpy_of(gp.nbytes, np.float32)),
        ], [lambda: gplan.fold(gp, reduce="gaussian"), ("numpy_loop", gauss_loop)])

        if threads == 1:
            tplan16 = sp.Plan(tiny, (16, 16), step=16, whole=-1)
            tout16 = np.empty(tplan16.copy_shape(), np.uint8)
            tpre = np.empty((2, 2, 16, 16, 3), np.uint8)
            run("tiny", tout16.nbytes, 1, [
                ("copy", lambda: tplan16.extract(tiny, out=tout16)),
                ("copy_alloc", lambda: tplan16.extract(tiny)),
                ("function", lambda: sp.extract(tiny, (16, 16), step=16, whole=-1)),
                ("view", lambda: tplan16.windows(tiny)),
                ("numpy_copyto", lambda: np.copyto(tpre, tiny.reshape(2, 16, 2, 16, 3).transpose(0, 2, 1, 3, 4))),
                ("memcpy", memcpy_of(tout16.nbytes, np.uint8)),
            ])
    sp.set_num_threads(0)

    with open(sys.argv[1], "w") as f:
        json.dump(ROWS, f, indent=1)
    print(f"\nwrote {sys.argv[1]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
