"""stridepatch: patch extraction by strides.

Views of N-d arrays as windows, tiles and frames (numpy views that share the
input's memory, checked so they never reach outside it), copies of the
patches with padding written in one pass, folds back with a reduction, and
1-D framing, all on one Rust engine (patch-core).

>>> import numpy as np, stridepatch as sp
>>> img = np.zeros((224, 224, 3), np.uint8)
>>> sp.tiles(img, (16, 16)).shape            # a view: no copy
(14, 14, 16, 16, 3)
>>> sp.extract(img, (16, 16), step=16, whole=-1).shape   # ViT tokens
(196, 768)

Functions: windows, tiles, extract, fold, frame, overlap_add; the reusable
geometry Plan; PatchError (a ValueError with .kind and .code);
set_num_threads / num_threads; error_kinds.
"""

from ._native import (
    PatchError,
    Plan,
    __version__,
    error_kinds,
    extract,
    fold,
    frame,
    num_threads,
    overlap_add,
    set_num_threads,
    tiles,
    windows,
)

__all__ = [
    "PatchError",
    "Plan",
    "__version__",
    "error_kinds",
    "extract",
    "fold",
    "frame",
    "num_threads",
    "overlap_add",
    "set_num_threads",
    "tiles",
    "windows",
]
