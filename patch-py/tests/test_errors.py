"""Errors: PatchError (a ValueError) with the engine's kind, code and
message; TypeError for wrong types."""

import numpy as np
import pytest

import stridepatch as sp


def raises(kind, message, f, *args, **kw):
    with pytest.raises(sp.PatchError) as e:
        f(*args, **kw)
    assert e.value.kind == kind
    assert str(e.value) == message, str(e.value)
    return e.value


def test_patch_error_is_a_value_error_with_kind_and_code():
    e = raises("window too large",
               "window too large: window 5 (extent 9 with dilation 2) is larger than axis 0 of length 8",
               sp.windows, np.arange(8), 5, dilation=2)
    assert isinstance(e, ValueError)
    assert sp.PatchError.__module__ == "stridepatch" and issubclass(sp.PatchError, ValueError)
    kinds = {name: code for code, name, _ in sp.error_kinds()}
    assert kinds[e.kind] == e.code == 5
    assert list(kinds) == ["rank mismatch", "zero size", "zero step", "zero dilation", "window too large",
                           "out of bounds", "overflow", "aliasing", "buffer size", "unsupported dtype",
                           "invalid argument", "not a view", "allocation"]


def test_engine_messages_name_the_numbers():
    x = np.zeros((4, 5))
    raises("zero step", "zero step: step of axis 1 is 0; it must be at least 1", sp.windows, x, 2, axis=1, step=0)
    raises("zero size", "zero size: window size of axis 0 is 0; it must be at least 1", sp.windows, x, (0, 1))
    raises("zero dilation", "zero dilation: dilation of axis 0 is 0; it must be at least 1", sp.extract, x, (1, 1), dilation=(0, 1))
    raises("rank mismatch",
           "rank mismatch: window_shape has 1 entries but the array has 2 axes (pass axes to window some of them)",
           sp.windows, x, 3)
    raises("out of bounds", "out of bounds: axis 2 is out of range for an array of 2 axes", sp.windows, x, 2, axis=2)
    raises("out of bounds", "out of bounds: axis -3 is out of range for an array of 2 axes", sp.extract, x, 2, whole=-3)
    raises("invalid argument",
           "invalid argument: axes [1, 0] must be strictly increasing after resolving negative axes (one window per axis, in input order)",
           sp.windows, x, (2, 2), axis=(1, 0))
    raises("window too large", "window too large: window 6 is larger than axis 1 of length 5 padded by (0, 0)",
           sp.extract, x, 6, axis=1, padding=0)
    raises("rank mismatch", "rank mismatch: explicit padding has 1 (lo, hi) pairs but the spec has 2 window axes",
           sp.extract, x, (2, 2), padding=[(1, 1)])
    raises("not a view",
           "not a view: the windows read padding; no strides express this, extract a copy instead",
           sp.Plan(x, (3, 3), padding="same").windows, x)
    raises("invalid argument", "invalid argument: cannot pad axis 0 of length 0 with mode reflect: there is no element to read",
           sp.extract, np.zeros((0, 3)), (1, 1), padding=1, mode="reflect")


def test_binding_checks_of_python_values():
    x = np.zeros((4, 5))
    raises("invalid argument", "invalid argument: window_shape is -1; it must be >= 0", sp.windows, x, -1, axis=0)
    raises("invalid argument", "invalid argument: step[1] is -2; it must be >= 0", sp.windows, x, (1, 1), step=(1, -2))
    raises("rank mismatch",
           "rank mismatch: step has 3 entries but window_shape has 2; give one per window axis or a single int",
           sp.windows, x, (1, 1), step=(1, 1, 1))
    raises("invalid argument", "invalid argument: mode 'mirror' is not one of 'constant', 'reflect', 'symmetric', 'edge', 'wrap'",
           sp.extract, x, 2, axis=0, padding=1, mode="mirror")
    raises("invalid argument",
           "invalid argument: order 'C' is not 'patch' ([num_patches, patch_len]) or 'feature' ([patch_len, num_patches])",
           sp.extract, x, 2, axis=0, order="C")
    raises("invalid argument", "invalid argument: axis 1 is both a window axis and a whole axis",
           sp.extract, x, 2, axis=1, whole=1)
    raises("invalid argument",
           "invalid argument: padding 'full' is not 'valid', 'same', 'cover', an int, (lo, hi) or one (lo, hi) per window axis",
           sp.extract, x, 2, axis=0, padding="full")
    raises("invalid argument",
           "invalid argument: channels 'middle' is not 'last' (HWC), 'first' (CHW) or None",
           sp.tiles, np.zeros((4, 4, 3)), 2, channels="middle")
    raises("rank mismatch", "rank mismatch: tiles of 2 axes with channels='last' need an array of at least 3 axes, got 2",
           sp.tiles, x, (2, 2))
    packed = np.zeros(4, dtype=[("a", "u1"), ("b", "<f4")])["b"]  # 5-byte strides
    e = raises("invalid argument",
               "invalid argument: x has byte strides (5,), which are not whole 4-byte elements (a field of a packed "
               "structured array?); copy it with numpy.ascontiguousarray first",
               sp.windows, packed, 2)
    unaligned = np.frombuffer(bytearray(17), dtype=np.float32, offset=1, count=4)
    w = sp.windows(unaligned, 2)  # a view needs no alignment
    assert w.shape == (3, 2) and not w.flags.aligned
    with pytest.raises(sp.PatchError, match="is not aligned to 4 bytes") as e:
        sp.extract(unaligned, 2)
    assert e.value.kind == "invalid argument"


def test_wrong_types_raise_type_error():
    x = np.zeros((4, 5))
    for f, args, kw, message in [
        (sp.windows, ([[1, 2], [3, 4]], 2), {}, "x must be a numpy array, an object with the buffer protocol or with __dlpack__, not list"),
        (sp.windows, (x, "3"), {}, "window_shape must be an int or a sequence of ints, not str"),
        (sp.windows, (x, 2.0), {"axis": 0}, "window_shape must be an int or a sequence of ints, not float"),
        (sp.windows, (x, (2, 2)), {"step": 1.5}, "step must be an int or a sequence of ints, not float"),
        (sp.windows, (x, (2, 2)), {"axis": (0, "1")}, "axis[1] must be an int, not str"),
        (sp.extract, (x, 2), {"axis": 0, "mode": 3, "padding": 1}, "mode must be a str, not int"),
        (sp.extract, (x, 2), {"axis": 0, "padding": 1.5}, "padding must be a str, an int or pairs of ints, not float"),
        (sp.fold, (x, (4, 5), (2, 2)), {"reduce": 3}, "reduce must be a str or one sequence of weights per window axis, not int"),
        (sp.extract, (None, 2), {}, "x must be a numpy array, an object with the buffer protocol or with __dlpack__, not NoneType"),
    ]:
        with pytest.raises(TypeError) as e:
            f(*args, **kw)
        assert str(e.value) == message, str(e.value)
    with pytest.raises(TypeError):
        sp.windows(x, 2, axis=0, writeable=1)
    with pytest.raises(TypeError):
        sp.frame(np.zeros(4), 2.5, 1)


def test_errors_leave_the_module_usable_and_write_nothing():
    x = np.arange(10, dtype=np.float64)
    out = np.full((4, 4), -1.0)
    with pytest.raises(sp.PatchError):
        sp.extract(x, 4, step=2, padding=(0, 3), mode="wrap", fill=1, out=out)
    assert (out == -1).all()
    np.testing.assert_array_equal(sp.extract(x, 4, step=2, padding=(0, 1), mode="wrap", out=out)[-1], [6, 7, 8, 9])
