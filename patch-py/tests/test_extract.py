"""extract() and Plan.extract(): equal to np.pad then windows (numpy index
arithmetic) for every padding convention and mode, dtype, stride, order and
fill; out=, dtype= and the reusable Plan."""

import numpy as np
import pytest
from numpy.lib.stride_tricks import sliding_window_view

import stridepatch as sp
from conftest import random_shape, strided, values
from reference import DTYPES, MODES, geometry, ref_extract


def random_geometry(rng, shape):
    """Random roles (window/whole/batch), sizes, steps, dilations and padding."""
    ndim = len(shape)
    roles = [str(rng.choice(["window", "window", "whole", "batch"])) for _ in range(ndim)]
    if "window" not in roles:
        roles[int(rng.integers(0, ndim))] = "window"
    axes = [i for i, r in enumerate(roles) if r == "window"]
    whole = [i for i, r in enumerate(roles) if r == "whole"]
    convention = str(rng.choice(["valid", "same", "explicit", "cover"]))
    window, step, dilation, pads = [], [], [], []
    for a in axes:
        d = shape[a]
        dil = int(rng.choice([1, 1, 2]))
        lo, hi = int(rng.integers(0, 4)), int(rng.integers(0, 4))
        room = d + (lo + hi if convention == "explicit" else 0)
        size = int(rng.integers(1, 5))
        if convention in ("valid", "cover", "explicit"):
            while dil * (size - 1) + 1 > room and size > 1:
                size -= 1
            if dil * (size - 1) + 1 > room:
                dil = 1
        window.append(size)
        step.append(int(rng.integers(1, 4)))
        dilation.append(dil)
        pads.append((lo, hi))
    return axes, whole, window, step, dilation, convention, pads


def padding_arg(convention, pads):
    return pads if convention == "explicit" else convention


@pytest.mark.parametrize("dtype", DTYPES, ids=str)
def test_extract_equals_numpy_pad_then_windows(rng, dtype):
    for _ in range(50):
        shape = random_shape(rng, hi=6)
        x = strided(rng, shape, dtype)
        axes, whole, window, step, dilation, convention, pads = random_geometry(rng, shape)
        mode = str(rng.choice(MODES))
        if mode != "constant" and convention in ("same", "explicit") and 0 in shape:
            mode = "constant"
        order = str(rng.choice(["patch", "feature"]))
        fill = int(rng.integers(0, 100)) if mode == "constant" else None
        roles, width = geometry(shape, window, axes, step, dilation, whole, convention,
                                pads if convention == "explicit" else None)
        want = ref_extract(x, roles, width, mode, fill or 0, order)
        got = sp.extract(x, window, axes, step=step, dilation=dilation, whole=whole or None,
                         padding=padding_arg(convention, pads), mode=mode, fill=fill, order=order)
        assert got.dtype == x.dtype and got.flags.c_contiguous
        assert got.shape == want.shape
        np.testing.assert_array_equal(got, want)


def test_explicit_and_same_padding_are_np_pad_then_sliding_window_view():
    x = np.arange(5 * 6, dtype=np.float32).reshape(5, 6)
    for mode in MODES:
        got = sp.extract(x, (3, 3), padding=((1, 2), (2, 1)), mode=mode, step=(2, 1))
        xp = np.pad(x, ((1, 2), (2, 1)), mode=mode)
        want = sliding_window_view(xp, (3, 3))[::2].reshape(-1, 9)
        np.testing.assert_array_equal(got, want)
    # SAME, step 1, 3x3: one each side (TensorFlow's split, smaller half first)
    np.testing.assert_array_equal(
        sp.extract(x, (3, 3), padding="same"),
        sliding_window_view(np.pad(x, 1), (3, 3)).reshape(-1, 9))
    # SAME, 4x4: total padding 3, 1 before and 2 after
    np.testing.assert_array_equal(
        sp.extract(x, (4, 4), padding="same", mode="edge"),
        sliding_window_view(np.pad(x, ((1, 2), (1, 2)), mode="edge"), (4, 4)).reshape(-1, 16))
    # padding wider than the axis keeps repeating the pattern, as np.pad does
    y = np.array([1, 2, 3])
    for mode in ["reflect", "symmetric", "wrap"]:
        np.testing.assert_array_equal(sp.extract(y, 1, padding=7, mode=mode).ravel(), np.pad(y, 7, mode=mode))


def test_vit_tokens_and_im2col_layouts():
    img = np.arange(32 * 32 * 3, dtype=np.uint8).reshape(32, 32, 3)
    tokens = sp.extract(img, (8, 8), step=8, whole=-1)
    want = img.reshape(4, 8, 4, 8, 3).transpose(0, 2, 1, 3, 4).reshape(16, 192)
    np.testing.assert_array_equal(tokens, want)
    chw = np.ascontiguousarray(img.transpose(2, 0, 1)).astype(np.float32)
    cols = sp.extract(chw, (3, 3), whole=0, padding="same", order="feature")
    # torch F.unfold(x[None], 3, padding=1)[0]: (C*9, H*W), channel-major rows
    xp = np.pad(chw, ((0, 0), (1, 1), (1, 1)))
    unfold = sliding_window_view(xp, (3, 3), axis=(1, 2)).transpose(0, 3, 4, 1, 2).reshape(27, 1024)
    np.testing.assert_array_equal(cols, unfold)


def test_fill_is_typed_and_checked():
    x = np.arange(4, dtype=np.uint8)
    np.testing.assert_array_equal(sp.extract(x, 3, padding=1, fill=255), [[255, 0, 1], [0, 1, 2], [1, 2, 3], [2, 3, 255]])
    np.testing.assert_array_equal(sp.extract(x, 3, padding=1, fill=7.0)[0], [7, 0, 1])
    for bad in [1.5, 256, -1, float("nan")]:
        with pytest.raises(sp.PatchError, match="is not a uint8 value") as e:
            sp.extract(x, 3, padding=1, fill=bad)
        assert e.value.kind == "invalid argument"
    big = np.array([1, 2], dtype=np.int64)
    assert sp.extract(big, 2, padding=(0, 1), fill=2**62 + 1)[-1, -1] == 2**62 + 1
    f = sp.extract(np.ones(2, np.float32), 2, padding=1, fill=float("nan"))
    assert np.isnan(f[0, 0])
    with pytest.raises(sp.PatchError, match="out of range for float32"):
        sp.extract(np.ones(2, np.float32), 2, padding=1, fill=1e300)
    with pytest.raises(sp.PatchError, match="fill is only used with constant padding, not 'reflect'"):
        sp.extract(x, 3, padding=1, mode="reflect", fill=1)
    with pytest.raises(TypeError, match="fill must be a real number"):
        sp.extract(x, 3, padding=1, fill="1")


def test_out_is_written_and_returned():
    x = np.arange(30, dtype=np.int16).reshape(5, 6)
    want = sp.extract(x, (2, 3), step=(1, 3))
    out = np.full(want.shape, -1, np.int16)
    got = sp.extract(x, (2, 3), step=(1, 3), out=out)
    assert got is out
    np.testing.assert_array_equal(out, want)
    nd = np.empty((4, 2, 2, 3), np.int16)  # the view's shape, patch-major
    sp.extract(x, (2, 3), step=(1, 3), out=nd)
    np.testing.assert_array_equal(nd.reshape(8, 6), want)
    feat = np.empty((6, 8), np.int16)
    sp.extract(x, (2, 3), step=(1, 3), order="feature", out=feat)
    np.testing.assert_array_equal(feat, want.T)
    untouched = np.full((8, 6), 5, np.int16)
    for bad, kind in [(np.empty((8, 7), np.int16), "buffer size"),
                      (np.empty((8, 6), np.int32), "unsupported dtype"),
                      (np.empty((6, 8), np.int16).T, "invalid argument")]:
        with pytest.raises(sp.PatchError) as e:
            sp.extract(x, (2, 3), step=(1, 3), out=bad)
        assert e.value.kind == kind
    ro = untouched.copy()
    ro.flags.writeable = False
    with pytest.raises(sp.PatchError, match="writeable"):
        sp.extract(x, (2, 3), step=(1, 3), out=ro)
    big = np.arange(100, dtype=np.int16)
    with pytest.raises(sp.PatchError, match="overlaps") as e:
        sp.extract(big[:60], 10, step=10, out=big[40:].reshape(6, 10))
    np.testing.assert_array_equal(big, np.arange(100))  # nothing written on failure
    with pytest.raises(TypeError, match="out must be a numpy array"):
        sp.extract(x, 2, axis=0, out=[0] * 10)


def test_dtype_converts_into_floats_in_the_copy():
    x = np.arange(8, dtype=np.uint8)
    np.testing.assert_array_equal(sp.extract(x, 4, step=4, dtype=np.uint8), [[0, 1, 2, 3], [4, 5, 6, 7]])
    y = sp.extract(x, 4, step=4, dtype=np.float32)
    assert y.dtype == np.float32
    np.testing.assert_array_equal(y, np.arange(8, dtype=np.float32).reshape(2, 4))
    assert sp.extract(x, 4, step=4, dtype=np.float64).dtype == np.float64
    with pytest.raises(sp.PatchError) as e:
        sp.extract(x, 4, step=4, dtype=np.int16)
    assert e.value.kind == "unsupported dtype"
    assert str(e.value) == ("unsupported dtype: cannot convert uint8 patches to int16: a converting copy writes "
                            "float32, float64, float16 or bfloat16 (or the source type)")
    with pytest.raises(sp.PatchError, match="dtype float16 is not supported"):
        sp.extract(x, 4, dtype=np.float16)
    for bad in [np.zeros(4, bool), np.zeros(4, np.complex64), np.zeros(4, ">i4")]:
        with pytest.raises(sp.PatchError) as e:
            sp.extract(bad, 2)
        assert e.value.kind == "unsupported dtype"


def test_plan_reused_over_many_arrays_equals_the_functions(rng):
    plan = sp.Plan((6, 7, 3), (3, 3), step=(2, 2), whole=-1, padding="same", mode="reflect", dtype=np.float32)
    assert plan.input_shape == (6, 7, 3) and plan.dtype == np.float32
    assert plan.shape == plan.outer_shape + plan.inner_shape
    assert plan.inner_shape == (3, 3, 3) and plan.grid == (3, 4) and not plan.is_view and plan.strides is None
    assert plan.copy_shape() == (12, 27) and plan.copy_shape("feature") == (27, 12)
    assert plan.pads == [(0, 1), (1, 1)]  # SAME: total 1 on axis 0 (smaller half first), 2 on axis 1
    assert plan.patch_origin(0) == [0, -1, 0] and plan.touches_padding(0) and not plan.touches_padding(5)
    for _ in range(20):
        x = strided(rng, (6, 7, 3), np.float32)
        np.testing.assert_array_equal(
            plan.extract(x),
            sp.extract(x, (3, 3), step=2, whole=-1, padding="same", mode="reflect"))
    # another dtype of the same shape: planned once, then kept
    xi = np.arange(6 * 7 * 3, dtype=np.int64).reshape(6, 7, 3)
    np.testing.assert_array_equal(plan.extract(xi), sp.extract(xi, (3, 3), step=2, whole=-1, padding="same", mode="reflect"))
    with pytest.raises(sp.PatchError, match=r"shape \(6, 7, 4\) but the plan was made for shape \(6, 7, 3\)"):
        plan.extract(np.zeros((6, 7, 4), np.float32))
    view_plan = sp.Plan(np.zeros((8, 8, 3), np.uint8), (4, 4), step=4, whole=-1)
    assert view_plan.is_view and view_plan.strides == (96, 12, 24, 3, 1)
    img = values(rng, (8, 8, 3), np.uint8)
    np.testing.assert_array_equal(view_plan.windows(img), sp.tiles(img, (4, 4)))
    with pytest.raises(sp.PatchError) as e:
        plan.windows(np.zeros((6, 7, 3), np.float32))
    assert e.value.kind == "not a view"
    assert "Plan(input_shape=(8, 8, 3), dtype=uint8, shape=(2, 2, 4, 4, 3)" in repr(view_plan)


def test_cover_shifts_the_last_window_back():
    x = np.arange(10.0)
    got = sp.extract(x, 4, step=3, padding="cover")
    np.testing.assert_array_equal(got, [x[0:4], x[3:7], x[6:10]])
    got = sp.extract(x, 4, step=4, padding="cover")
    np.testing.assert_array_equal(got, [x[0:4], x[4:8], x[6:10]])
