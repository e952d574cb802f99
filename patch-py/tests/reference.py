"""numpy references for the tests: what every stridepatch call must equal.

Windows are numpy's own ``sliding_window_view``; copies are ``np.pad`` and
index arithmetic (``np.take`` of each window's coordinates); folds are a
numpy scatter-add (``np.add.at``) of the patches at the input indices they
came from. Nothing here calls stridepatch.
"""

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

DTYPES = [np.uint8, np.int8, np.uint16, np.int16, np.uint32, np.int32,
          np.uint64, np.int64, np.float32, np.float64]
MODES = ["constant", "reflect", "symmetric", "edge", "wrap"]


def ref_windows(x, window, axes, step, dilation):
    """sliding_window_view, then every step-th window and dilation-th sample."""
    ext = [d * (w - 1) + 1 for w, d in zip(window, dilation)]
    v = sliding_window_view(x, ext, axis=axes)
    idx = [slice(None)] * x.ndim
    for a, s in zip(axes, step):
        idx[a] = slice(None, None, s)
    idx += [slice(None, None, d) for d in dilation]
    return v[tuple(idx)]


def axis_windows(d, size, step, dil, convention, pads=None):
    """Origins (unpadded coordinates) and (lo, hi) of one window axis."""
    ext = dil * (size - 1) + 1
    if convention == "valid":
        return [k * step for k in range((d - ext) // step + 1)], (0, 0)
    if convention == "same":
        g = -(-d // step)
        total = max((g - 1) * step + ext - d, 0)
        lo = total // 2
        return [k * step - lo for k in range(g)], (lo, total - lo)
    if convention == "cover":
        room = d - ext
        g = -(-room // step) + 1
        origins = [k * step for k in range(g)]
        origins[-1] = room
        return origins, (0, 0)
    lo, hi = pads
    return [k * step - lo for k in range((d + lo + hi - ext) // step + 1)], (lo, hi)


def geometry(shape, window, axes, step, dilation, whole, convention, pads=None):
    """Per input axis: ('window', origins, size, dil) / ('batch',) / ('whole',), and np.pad widths."""
    roles, width = [], []
    k = 0
    for i, d in enumerate(shape):
        if i in axes:
            p = pads[k] if pads is not None else None
            origins, lohi = axis_windows(d, window[k], step[k], dilation[k], convention, p)
            roles.append(("window", origins, window[k], dilation[k]))
            width.append(lohi)
            k += 1
        else:
            roles.append(("whole",) if i in whole else ("batch",))
            width.append((0, 0))
    return roles, width


def cut(xp, roles, width):
    """The patches of the padded array xp: shape outer ++ inner."""
    # Last axis first, so earlier axis numbers stay valid.
    a = xp
    pos = list(range(xp.ndim))  # where input axis i sits now (its first axis)
    for i in reversed(range(xp.ndim)):
        r = roles[i]
        if r[0] != "window":
            continue
        _, origins, size, dil = r
        lo = width[i][0]
        coords = (np.array(origins)[:, None] + lo + np.arange(size)[None, :] * dil)
        shp = list(a.shape)
        taken = np.take(a, coords.ravel(), axis=i)
        a = taken.reshape(shp[:i] + [len(origins), size] + shp[i + 1:])
    # Now input axis i occupies one axis (batch/whole) or two (grid, size).
    at, outer, inner = 0, [], []
    for i in range(xp.ndim):
        if roles[i][0] == "window":
            outer.append(at)
            inner.append(at + 1)
            at += 2
        elif roles[i][0] == "whole":
            inner.append(at)
            at += 1
        else:
            outer.append(at)
            at += 1
    return a.transpose(outer + inner)


def ref_extract(x, roles, width, mode="constant", fill=0, order="patch"):
    kw = {"constant_values": fill} if mode == "constant" else {}
    xp = np.pad(x, width, mode=mode, **kw) if any(w != (0, 0) for w in width) else x
    v = cut(xp, roles, width)
    n_outer = sum(1 for r in roles if r[0] != "whole")
    num = int(np.prod(v.shape[:n_outer], dtype=np.int64))
    m = v.reshape(num, -1)
    return m if order == "patch" else m.T


def source_index(shape, roles, width):
    """(num_patches, patch_len): the flat input index each patch element reads, -1 in padding."""
    idx = np.arange(int(np.prod(shape, dtype=np.int64)), dtype=np.int64).reshape(shape)
    return ref_extract(idx, roles, width, "constant", -1)


def ref_fold(patches, shape, roles, width, reduce="mean", weights=None):
    """Scatter-add of patch-major `patches` at their source indices."""
    src = source_index(shape, roles, width)
    ok = src >= 0
    n = int(np.prod(shape, dtype=np.int64))
    p = patches.astype(np.float64)
    if reduce == "overwrite":
        out = np.zeros(n)
        for k in range(src.shape[0]):
            m = ok[k]
            out[src[k][m]] = p[k][m]
        return out.reshape(shape)
    w = np.ones_like(p) if weights is None else np.broadcast_to(weights, p.shape)
    num = np.zeros(n)
    den = np.zeros(n)
    np.add.at(num, src[ok], (p * w)[ok])
    np.add.at(den, src[ok], w[ok])
    if reduce == "sum":
        return num.reshape(shape)
    out = np.divide(num, den, out=np.zeros(n), where=den > 0)
    return out.reshape(shape)


def patch_weights(roles, shape, per_axis):
    """(patch_len,): the weight of every position of a patch (inner axes in
    input order), the product of the per-axis window weights (1 on whole axes)."""
    w = np.ones(())
    k = 0
    for r, d in zip(roles, shape):
        if r[0] == "window":
            w = np.multiply.outer(w, np.asarray(per_axis[k], dtype=np.float64))
            k += 1
        elif r[0] == "whole":
            w = np.multiply.outer(w, np.ones(d))
    return w.ravel()


def hann(n):
    return np.sin(np.pi * (np.arange(n) + 0.5) / n) ** 2


def gaussian(n, sigma_scale=0.125):
    sigma = sigma_scale * n
    c = (n - 1) / 2
    return np.exp(-0.5 * ((np.arange(n) - c) / sigma) ** 2)
