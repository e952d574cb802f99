"""Shared fixtures of the stridepatch tests (scripts/test-python.sh runs them)."""

import numpy as np
import pytest


@pytest.fixture
def rng(request):
    # One seed per test, printed on failure by pytest's parametrized id.
    return np.random.default_rng(abs(hash(request.node.nodeid)) % (2**32))


def values(rng, shape, dtype):
    """Distinct-looking values of dtype (small enough for every integer type)."""
    n = int(np.prod(shape, dtype=np.int64))
    if np.issubdtype(dtype, np.floating):
        v = rng.standard_normal(n) * 10
    else:
        v = rng.integers(0, 100, n)
    return v.astype(dtype).reshape(shape)


def strided(rng, shape, dtype, allow_zero=True):
    """An array of `shape` with random strides: a random slice (offsets, steps
    of 1-3, reversed axes) of a bigger array, maybe transposed, maybe with a
    broadcast (zero-stride) axis: views of views of views."""
    ndim = len(shape)
    perm = rng.permutation(ndim) if rng.random() < 0.4 else np.arange(ndim)
    steps = [int(rng.choice([1, 1, 2, 3])) for _ in range(ndim)]
    flips = [bool(rng.random() < 0.35) for _ in range(ndim)]
    big = [shape[p] * s + int(rng.integers(0, 3)) for p, s in zip(perm, steps)]
    a = values(rng, big, dtype)
    sl = []
    for p, s, b in zip(perm, steps, big):
        n = shape[p]
        span = (n - 1) * s + 1 if n > 0 else 0
        off = int(rng.integers(0, b - span + 1))
        sl.append(slice(off, off + span, s) if n > 0 else slice(0, 0))
    a = a[tuple(sl)]
    a = a[tuple(slice(None, None, -1) if f else slice(None) for f in flips)]
    a = a.transpose(np.argsort(perm))
    assert a.shape == tuple(shape)
    if allow_zero and ndim and rng.random() < 0.2:
        ax = int(rng.integers(0, ndim))
        if shape[ax] > 1:
            idx = [slice(None)] * ndim
            idx[ax] = slice(0, 1)
            a = np.broadcast_to(a[tuple(idx)], shape)
    return a


def random_windows(rng, shape, max_window=None, need_fit=True):
    """Random window axes (increasing), sizes, steps and dilations that fit `shape`."""
    ndim = len(shape)
    k = int(rng.integers(1, ndim + 1))
    axes = sorted(rng.choice(ndim, size=k, replace=False).tolist())
    window, step, dilation = [], [], []
    for a in axes:
        d = shape[a]
        dil = int(rng.choice([1, 1, 2]))
        max_size = (d - 1) // dil + 1 if need_fit else d + 2
        size = int(rng.integers(1, max(max_size, 1) + 1))
        if need_fit and dil * (size - 1) + 1 > d:
            dil = 1
        window.append(size)
        step.append(int(rng.integers(1, 4)))
        dilation.append(dil)
    return axes, window, step, dilation


def random_shape(rng, max_ndim=4, lo=1, hi=7):
    ndim = int(rng.integers(1, max_ndim + 1))
    return tuple(int(v) for v in rng.integers(lo, hi + 1, ndim))
