"""windows() and tiles(): numpy views equal to sliding_window_view, in
shape, strides and values, for every dtype and stride; aliasing and
read-only rules; inputs through the buffer protocol and DLPack."""

import array
import gc
import weakref

import numpy as np
import pytest
from numpy.lib.stride_tricks import sliding_window_view

import stridepatch as sp
from conftest import random_shape, random_windows, strided
from reference import DTYPES, ref_windows

ALL_VIEW_DTYPES = DTYPES + [np.bool_, np.complex64, np.float16, np.dtype(">i4"), np.dtype("U3")]


def same_view(got, want):
    assert isinstance(got, np.ndarray)
    assert got.shape == want.shape
    assert got.strides == want.strides
    assert got.dtype == want.dtype
    np.testing.assert_array_equal(got, want)


@pytest.mark.parametrize("dtype", ALL_VIEW_DTYPES, ids=str)
def test_windows_equal_sliding_window_view_on_random_strided_arrays(rng, dtype):
    for _ in range(60):
        shape = random_shape(rng)
        x = strided(rng, shape, np.float64).astype(dtype) if np.dtype(dtype).kind == "U" else strided(rng, shape, dtype)
        axes, window, step, dilation = random_windows(rng, shape)
        got = sp.windows(x, window, axes, step, dilation)
        same_view(got, ref_windows(x, window, axes, step, dilation))
        assert np.shares_memory(got, x) or got.size == 0 or x.size == 0
        assert not got.flags.writeable


def test_numpy_defaults_axis_none_int_window_and_steps():
    x = np.arange(2 * 5 * 7, dtype=np.int32).reshape(2, 5, 7)
    same_view(sp.windows(x, (1, 3, 4)), sliding_window_view(x, (1, 3, 4)))
    same_view(sp.windows(x, 3, axis=-1), sliding_window_view(x, 3, axis=-1))
    same_view(sp.windows(x, (2, 2), axis=(1, 2), step=(2, 3)), sliding_window_view(x, (2, 2), axis=(1, 2))[:, ::2, ::3])
    same_view(sp.windows(x, 3, 2, 1, 2), sliding_window_view(x, 5, axis=2)[..., ::2])
    # numpy arrays as step lists, numpy integers as sizes
    same_view(sp.windows(x, np.int64(3), axis=np.array([1])), sliding_window_view(x, 3, axis=1))


def test_negative_and_zero_strides_and_offsets():
    base = np.arange(100, dtype=np.float32)
    x = base[90:10:-3]  # negative stride, offset into its base
    same_view(sp.windows(x, 4, step=2), sliding_window_view(x, 4)[::2])
    z = np.broadcast_to(np.arange(5, dtype=np.int16), (4, 5))  # stride 0 on axis 0
    assert z.strides[0] == 0
    same_view(sp.windows(z, (2, 3)), sliding_window_view(z, (2, 3)))
    # views of views: windows of windows
    img = np.arange(6 * 7, dtype=np.uint8).reshape(6, 7)
    v1 = sp.windows(img, (3, 3))
    same_view(sp.windows(v1, 2, axis=0), sliding_window_view(sliding_window_view(img, (3, 3)), 2, axis=0))
    flipped = img[::-1, ::-2].T
    same_view(sp.windows(flipped, (2, 2), step=2), sliding_window_view(flipped, (2, 2))[::2, ::2])


def test_empty_batch_axes_and_windows_equal_to_the_axis():
    x = np.zeros((0, 5))
    same_view(sp.windows(x, 3, axis=1), sliding_window_view(x, 3, axis=1))
    y = np.arange(5.0)
    same_view(sp.windows(y, 5), sliding_window_view(y, 5))


def test_tiles_and_channel_layouts():
    hwc = np.arange(8 * 12 * 3, dtype=np.uint8).reshape(8, 12, 3)
    v = sp.tiles(hwc, (4, 4))
    want = sliding_window_view(hwc, (4, 4, 3))[::4, ::4, 0]
    same_view(v, want)
    assert v.strides == (4 * 12 * 3, 4 * 3, 12 * 3, 3, 1)
    chw = np.ascontiguousarray(np.moveaxis(hwc, -1, 0))
    vc = sp.tiles(chw, (4, 4), channels="first")
    assert vc.shape == (2, 3, 3, 4, 4)
    np.testing.assert_array_equal(vc, np.moveaxis(v, -1, 2))
    # CHW read from HWC memory: a layout (strides), not a copy
    vl = sp.tiles(np.moveaxis(hwc, -1, 0), (4, 4), channels="first")
    np.testing.assert_array_equal(vl, vc)
    assert np.shares_memory(vl, hwc)
    nhwc = np.stack([hwc, hwc + 1])
    vb = sp.tiles(nhwc, (4, 4))
    assert vb.shape == (2, 2, 3, 4, 4, 3)
    np.testing.assert_array_equal(vb[1], v + 1)
    g = sp.tiles(hwc[..., 0], (4, 3), channels=None)
    same_view(g, sliding_window_view(hwc[..., 0], (4, 3))[::4, ::3])
    # partial tiles at the border are dropped
    assert sp.tiles(np.zeros((10, 10, 1)), (4, 4)).shape == (2, 2, 4, 4, 1)


def test_writeable_only_without_aliasing():
    x = np.zeros((4, 6), np.float32)
    v = sp.tiles(x, (2, 3), channels=None, writeable=True)
    assert v.flags.writeable
    v[1, 1] = 7
    assert (x[2:4, 3:6] == 7).all() and x.sum() == 7 * 6
    w = sp.windows(x, (2, 2), step=2, writeable=True)
    assert w.flags.writeable
    with pytest.raises(sp.PatchError) as e:
        sp.windows(x, (3, 3), writeable=True)
    assert e.value.kind == "aliasing"
    assert "windows on axis 0 overlap (step 1 < extent 3" in str(e.value)
    assert not sp.windows(x, (3, 3)).flags.writeable
    ro = x.copy()
    ro.flags.writeable = False
    with pytest.raises(sp.PatchError, match="read-only") as e:
        sp.windows(ro, (2, 3), step=(2, 3), writeable=True)
    assert e.value.kind == "invalid argument"
    b = np.broadcast_to(np.arange(4.0), (3, 4))
    with pytest.raises(sp.PatchError) as e:
        sp.windows(b, (1, 2), step=(1, 2), writeable=True)
    assert e.value.kind == "aliasing"
    # a read-only view stays read-only to numpy too
    with pytest.raises(ValueError):
        sp.windows(x, 2, axis=0)[0, 0, 0] = 1


def test_the_view_keeps_its_input_alive():
    x = np.arange(1000, dtype=np.float64)
    ref = weakref.ref(x)
    before = np.array(x)
    v = sp.windows(x, 10, step=5)
    del x
    gc.collect()
    assert ref() is not None
    np.testing.assert_array_equal(v[3], before[15:25])
    del v
    gc.collect()
    assert ref() is None


def test_buffer_protocol_inputs_share_memory():
    ba = bytearray(range(10))
    v = sp.windows(ba, 4, step=2)
    assert v.dtype == np.uint8
    np.testing.assert_array_equal(v, sliding_window_view(np.arange(10, dtype=np.uint8), 4)[::2])
    ba[2] = 99
    assert v[1, 0] == 99  # the same memory
    with pytest.raises(BufferError):
        ba.append(1)  # exported while the view lives
    del ba
    gc.collect()
    assert v[1, 0] == 99
    af = array.array("f", [1, 2, 3, 4, 5])
    np.testing.assert_array_equal(sp.windows(af, 2), [[1, 2], [2, 3], [3, 4], [4, 5]])
    mv = memoryview(np.arange(12, dtype=np.int32).reshape(3, 4))[::2]
    same_view(sp.windows(mv, 2, axis=1), sliding_window_view(np.asarray(mv), 2, axis=1))
    # bytes are read-only: so is the view, and writeable=True is refused
    with pytest.raises(sp.PatchError, match="read-only"):
        sp.windows(b"abcdef", 2, step=2, writeable=True)


class DLPackOnly:
    """An object that speaks only DLPack (no buffer protocol, no __array__)."""

    def __init__(self, a):
        self._a = a

    def __dlpack__(self, **kw):
        return self._a.__dlpack__(**kw)

    def __dlpack_device__(self):
        return self._a.__dlpack_device__()


def test_dlpack_inputs_without_a_copy():
    a = np.arange(24, dtype=np.float32).reshape(4, 6)[:, ::-2]
    v = sp.windows(DLPackOnly(a), (2, 2))
    same_view(v, sliding_window_view(a, (2, 2)))
    assert np.shares_memory(v, a)
    e = sp.extract(DLPackOnly(a), (2, 2), step=2)
    np.testing.assert_array_equal(e, sliding_window_view(a, (2, 2))[::2, ::2].reshape(-1, 4))


def test_views_leave_through_dlpack_without_a_copy():
    # numpy's views speak DLPack 1.x, whose read-only flag keeps an
    # overlapping view read-only in the consumer (C programs get the same
    # tensor from patch_view_to_dlpack).
    a = np.arange(40, dtype=np.float32).reshape(5, 8)
    v = sp.windows(a, (2, 3), step=(1, 2))
    back = np.from_dlpack(v)
    same_view(back, v)
    assert np.shares_memory(back, a)
    assert not back.flags.writeable


def test_torch_tensors_when_torch_is_installed():
    torch = pytest.importorskip("torch")
    t = torch.arange(30, dtype=torch.float32).reshape(5, 6)[:, 1:]
    v = sp.windows(t, (2, 3), step=(1, 2))
    want = sliding_window_view(t.numpy(), (2, 3))[:, ::2]
    same_view(v, want)
    t[0, 0] = 100.0
    assert v[0, 0, 0, 0] == 100.0  # no copy
    back = torch.from_dlpack(v)
    assert back.shape == v.shape and back[0, 0, 0, 0] == 100.0
