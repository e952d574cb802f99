"""fold(), Plan.fold(), frame() and overlap_add() against a numpy
scatter-add (np.add.at) of the patches at the input indices they came from."""

import numpy as np
import pytest

import stridepatch as sp
from conftest import random_shape, strided
from reference import gaussian, geometry, hann, patch_weights, ref_extract, ref_fold
from test_extract import padding_arg, random_geometry


def tol(dtype):
    return dict(rtol=2e-5, atol=1e-4) if dtype == np.float32 else dict(rtol=1e-12, atol=1e-10)


@pytest.mark.parametrize("dtype", [np.float32, np.float64], ids=str)
@pytest.mark.parametrize("reduce", ["sum", "mean", "overwrite", "hann", "gaussian", "weights"])
def test_fold_equals_a_numpy_scatter_add(rng, dtype, reduce):
    for _ in range(40):
        shape = random_shape(rng, hi=6)
        axes, whole, window, step, dilation, convention, pads = random_geometry(rng, shape)
        roles, width = geometry(shape, window, axes, step, dilation, whole, convention,
                                pads if convention == "explicit" else None)
        n = ref_extract(np.zeros(shape), roles, width).shape
        patches = rng.standard_normal(n).astype(dtype)
        kw = dict(step=step, dilation=dilation, whole=whole or None, padding=padding_arg(convention, pads))
        weights, arg = None, reduce
        if reduce in ("hann", "gaussian"):
            weights = patch_weights(roles, shape, [hann(w) if reduce == "hann" else gaussian(w) for w in window])
        if reduce == "weights":
            per_axis = [rng.uniform(0.1, 2.0, w).tolist() for w in window]
            weights, arg = patch_weights(roles, shape, per_axis), per_axis
        want = ref_fold(patches, shape, roles, width, "mean" if weights is not None else reduce, weights)
        order = str(rng.choice(["patch", "feature"]))
        p = patches if order == "patch" else np.ascontiguousarray(patches.T)
        got = sp.fold(p, shape, window, axes, reduce=arg, order=order, **kw)
        assert got.dtype == dtype and got.shape == shape
        np.testing.assert_allclose(got, want, **tol(dtype))


def test_mean_fold_of_extracted_patches_gives_back_the_input_where_covered(rng):
    for _ in range(60):
        shape = random_shape(rng, hi=6)
        dtype = np.float32 if rng.random() < 0.5 else np.float64
        x = strided(rng, shape, dtype)
        axes, whole, window, step, dilation, convention, pads = random_geometry(rng, shape)
        kw = dict(step=step, dilation=dilation, whole=whole or None, padding=padding_arg(convention, pads))
        plan = sp.Plan(x, window, axes, **kw)
        back = plan.fold(plan.extract(x))
        roles, width = geometry(shape, window, axes, step, dilation, whole, convention,
                                pads if convention == "explicit" else None)
        covered = ref_fold(np.ones(plan.copy_shape()), shape, roles, width, "sum") > 0
        np.testing.assert_array_equal(back[covered], x[covered])  # exactly
        assert (back[~covered] == 0).all()
        for reduce in ["hann", "gaussian"]:
            np.testing.assert_allclose(plan.fold(plan.extract(x), reduce=reduce)[covered], x[covered], **tol(dtype))


def test_fold_inputs_layouts_and_out():
    x = np.arange(4 * 6, dtype=np.float32).reshape(4, 6)
    p = sp.extract(x, (2, 3), step=(2, 3))
    np.testing.assert_array_equal(sp.fold(p, x.shape, (2, 3), step=(2, 3)), x)
    np.testing.assert_array_equal(sp.fold(p.reshape(2, 2, 2, 3), x.shape, (2, 3), step=(2, 3)), x)  # view shape
    strided_p = np.asfortranarray(p)  # not C-contiguous: copied first
    np.testing.assert_array_equal(sp.fold(strided_p, x.shape, (2, 3), step=(2, 3)), x)
    out = np.full(x.shape, 9, np.float32)
    assert sp.fold(p, x.shape, (2, 3), step=(2, 3), out=out) is out
    np.testing.assert_array_equal(out, x)
    with pytest.raises(sp.PatchError, match=r"patches of shape \(3, 6\) do not fit this geometry, which needs \(4, 6\) or \(2, 2, 2, 3\)") as e:
        sp.fold(p[:3], x.shape, (2, 3), step=(2, 3))
    assert e.value.kind == "buffer size"
    with pytest.raises(sp.PatchError, match="must be float32 or float64, not int32"):
        sp.fold(p.astype(np.int32), x.shape, (2, 3), step=(2, 3))
    with pytest.raises(sp.PatchError, match="sigma_scale is only used with reduce='gaussian'"):
        sp.fold(p, x.shape, (2, 3), step=(2, 3), sigma_scale=0.2)
    with pytest.raises(sp.PatchError, match="sigma_scale -1 must be finite and > 0"):
        sp.fold(p, x.shape, (2, 3), step=(2, 3), reduce="gaussian", sigma_scale=-1.0)
    # a plan made for uint8 images folds float32 predictions
    plan = sp.Plan(np.zeros((4, 6), np.uint8), (2, 3), step=(2, 3))
    np.testing.assert_array_equal(plan.fold(p), x)
    np.testing.assert_array_equal(plan.fold(p.astype(np.float64)), x)


def tf_frame(x, frame_length, hop, pad_end, fill):
    """tf.signal.frame semantics in numpy."""
    n_samples = x.shape[-1]
    if pad_end:
        n = -(-n_samples // hop)
        pad = max((n - 1) * hop + frame_length - n_samples, 0) if n else 0
        x = np.pad(x, [(0, 0)] * (x.ndim - 1) + [(0, pad)], constant_values=fill)
    else:
        n = (n_samples - frame_length) // hop + 1 if n_samples >= frame_length else 0
    if n == 0:
        return np.zeros(x.shape[:-1] + (0, frame_length), x.dtype)
    idx = np.arange(n)[:, None] * hop + np.arange(frame_length)[None, :]
    return x[..., idx]


def test_frame_and_overlap_add_follow_tf_signal(rng):
    for _ in range(80):
        shape = random_shape(rng, max_ndim=3, lo=0, hi=30)
        dtype = rng.choice([np.int16, np.float32, np.float64])
        x = strided(rng, shape, dtype, allow_zero=False)
        frame_length, hop = int(rng.integers(1, 9)), int(rng.integers(1, 9))
        pad_end = bool(rng.random() < 0.5)
        fill = int(rng.integers(-5, 5))
        got = sp.frame(x, frame_length, hop, pad_end=pad_end, fill=fill)
        want = tf_frame(x, frame_length, hop, pad_end, fill)
        assert got.shape == want.shape and got.dtype == x.dtype
        np.testing.assert_array_equal(got, want)
        frames = got.astype(np.float64)
        ola = sp.overlap_add(frames, hop)
        n = frames.shape[-2]
        length = (n - 1) * hop + frame_length if n else 0
        ref = np.zeros(frames.shape[:-2] + (length,))
        for k in range(n):
            ref[..., k * hop:k * hop + frame_length] += frames[..., k, :]
        np.testing.assert_allclose(ola, ref, rtol=1e-12, atol=1e-12)
    out = np.empty((3, 4), np.float32)
    assert sp.frame(np.arange(10, dtype=np.float32), 4, 3, out=out) is out
    with pytest.raises(sp.PatchError, match="hop is 0"):
        sp.frame(np.arange(10), 4, 0)
    with pytest.raises(sp.PatchError, match=r"frames must have shape \(\.\.\., n_frames, frame_length\), got 1 axes"):
        sp.overlap_add(np.zeros(4), 2)
