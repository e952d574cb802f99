"""Type stubs of stridepatch (the functions live in the Rust extension stridepatch._native)."""

from typing import Literal, Optional, Sequence, SupportsIndex, Tuple, Union

import numpy as np
import numpy.typing as npt

__version__: str
__all__: list[str]

IntOrInts = Union[SupportsIndex, Sequence[SupportsIndex]]
Padding = Union[
    Literal["valid", "same", "cover"],
    SupportsIndex,
    Sequence[SupportsIndex],
    Sequence[Sequence[SupportsIndex]],
]
Mode = Literal["constant", "reflect", "symmetric", "edge", "wrap"]
Order = Literal["patch", "feature"]
Reduce = Union[Literal["sum", "mean", "overwrite", "hann", "gaussian"], Sequence[Sequence[float]]]
# numpy arrays, objects with the buffer protocol, objects with __dlpack__.
ArrayIn = object

class PatchError(ValueError):
    """An engine error: str(e) is the message, e.kind its kind's name, e.code its number."""

    kind: str
    code: int

def windows(
    x: ArrayIn,
    window_shape: IntOrInts,
    axis: Optional[IntOrInts] = None,
    step: IntOrInts = 1,
    dilation: IntOrInts = 1,
    writeable: bool = False,
) -> np.ndarray: ...
def tiles(
    x: ArrayIn,
    tile_shape: IntOrInts,
    *,
    channels: Optional[Literal["last", "first"]] = "last",
    writeable: bool = False,
) -> np.ndarray: ...
def extract(
    x: ArrayIn,
    window_shape: IntOrInts,
    axis: Optional[IntOrInts] = None,
    *,
    step: IntOrInts = 1,
    dilation: IntOrInts = 1,
    whole: Optional[IntOrInts] = None,
    padding: Padding = "valid",
    mode: Mode = "constant",
    fill: Optional[Union[int, float]] = 0,
    order: Order = "patch",
    dtype: Optional[npt.DTypeLike] = None,
    out: Optional[np.ndarray] = None,
) -> np.ndarray: ...
def fold(
    patches: ArrayIn,
    shape: IntOrInts,
    window_shape: IntOrInts,
    axis: Optional[IntOrInts] = None,
    *,
    step: IntOrInts = 1,
    dilation: IntOrInts = 1,
    whole: Optional[IntOrInts] = None,
    padding: Padding = "valid",
    reduce: Reduce = "mean",
    sigma_scale: Optional[float] = None,
    order: Order = "patch",
    out: Optional[np.ndarray] = None,
) -> np.ndarray: ...
def frame(
    signal: ArrayIn,
    frame_length: int,
    hop: int,
    *,
    pad_end: bool = False,
    fill: Optional[Union[int, float]] = 0,
    out: Optional[np.ndarray] = None,
) -> np.ndarray: ...
def overlap_add(frames: ArrayIn, hop: int, *, out: Optional[np.ndarray] = None) -> np.ndarray: ...
def set_num_threads(n: int) -> None: ...
def num_threads() -> int: ...
def error_kinds() -> list[Tuple[int, str, str]]: ...

class Plan:
    def __init__(
        self,
        x: Union[ArrayIn, IntOrInts],
        window_shape: IntOrInts,
        axis: Optional[IntOrInts] = None,
        *,
        step: IntOrInts = 1,
        dilation: IntOrInts = 1,
        whole: Optional[IntOrInts] = None,
        padding: Padding = "valid",
        mode: Mode = "constant",
        dtype: Optional[npt.DTypeLike] = None,
    ) -> None: ...
    def windows(self, x: ArrayIn, writeable: bool = False) -> np.ndarray: ...
    def extract(
        self,
        x: ArrayIn,
        *,
        order: Order = "patch",
        fill: Optional[Union[int, float]] = 0,
        dtype: Optional[npt.DTypeLike] = None,
        out: Optional[np.ndarray] = None,
    ) -> np.ndarray: ...
    def fold(
        self,
        patches: ArrayIn,
        *,
        reduce: Reduce = "mean",
        sigma_scale: Optional[float] = None,
        order: Order = "patch",
        out: Optional[np.ndarray] = None,
    ) -> np.ndarray: ...
    def copy_shape(self, order: Order = "patch") -> Tuple[int, int]: ...
    def patch_origin(self, k: int) -> list[int]: ...
    def touches_padding(self, k: int) -> bool: ...
    @property
    def input_shape(self) -> Tuple[int, ...]: ...
    @property
    def dtype(self) -> np.dtype: ...
    @property
    def shape(self) -> Tuple[int, ...]: ...
    @property
    def outer_shape(self) -> Tuple[int, ...]: ...
    @property
    def inner_shape(self) -> Tuple[int, ...]: ...
    @property
    def grid(self) -> Tuple[int, ...]: ...
    @property
    def pads(self) -> list[Tuple[int, int]]: ...
    @property
    def num_patches(self) -> int: ...
    @property
    def patch_len(self) -> int: ...
    @property
    def is_view(self) -> bool: ...
    @property
    def strides(self) -> Optional[Tuple[int, ...]]: ...
    @property
    def copy_bytes(self) -> int: ...
    @property
    def span_bytes(self) -> int: ...
