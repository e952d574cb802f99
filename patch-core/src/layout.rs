//! How an N-d array sits in a flat buffer: shape, signed element strides,
//! element offset and item size, validated with checked arithmetic.

use crate::alloc::{try_collect, try_to_vec, try_zeroed};
use crate::element::Element;
use crate::error::{Result, Short, bail, err};
use crate::odometer::Axes;

/// The layout of an N-dimensional array in a buffer of elements.
///
/// Element `[i0, i1, ...]` lives at buffer index
/// `offset + i0*strides[0] + i1*strides[1] + ...`. Strides are in elements
/// and may be negative (a flipped axis) or zero (a broadcast axis).
///
/// A `Layout` is checked when it is built so that its arithmetic cannot
/// overflow; [`Layout::check_buffer`] then checks it against a buffer length.
/// The conditions, each marked where the code checks it:
///
/// 1. one stride per axis, and a non-zero item size;
/// 2. every axis length fits in `isize`, the element count (product of the
///    shape) fits in `usize`, and the byte count fits in `isize`;
/// 3. every stride in bytes fits in `isize`, and for a non-empty array the
///    lowest and highest reachable indices
///    `offset + sum(min/max(0, (len-1)*stride))` fit in `isize`, in bytes too;
/// 4. (against a buffer) the lowest reachable index is `>= 0` and the highest
///    is `< len`. An empty array (some axis of length 0) reaches nothing and
///    fits any buffer.
///
/// ```
/// use patch_core::Layout;
///
/// // A 2x3 f32 array, C-contiguous.
/// let l = Layout::of::<f32>(&[2, 3]).unwrap();
/// assert_eq!(l.strides(), &[3, 1]);
/// assert_eq!(l.byte_strides(), &[12, 4]);
///
/// // The same array with its rows flipped: row 0 starts at element 3.
/// let flipped = Layout::new(&[2, 3], &[-3, 1], 3, 4).unwrap();
/// assert!(flipped.check_buffer(6).is_ok());
/// assert!(flipped.check_buffer(5).is_err());
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Layout {
    shape: Vec<usize>,
    strides: Vec<isize>,
    offset: usize,
    itemsize: usize,
    /// The strides in bytes (checked in `new`), stored so that every stride
    /// getter of the library returns a slice.
    #[cfg_attr(feature = "serde", serde(skip))]
    byte_strides: Vec<isize>,
    /// Lowest and highest reachable element index; `None` when empty.
    #[cfg_attr(feature = "serde", serde(skip))]
    reach: Option<(isize, isize)>,
}

/// C-contiguous (row-major) element strides of `shape`, with overflow
/// checks (and an [`Allocation`](crate::ErrorKind::Allocation) error when
/// the list cannot be allocated).
pub fn c_strides(shape: &[usize]) -> Result<Vec<isize>> {
    let mut strides = try_zeroed::<isize>(shape.len())?;
    let mut acc: isize = 1;
    for (i, &n) in shape.iter().enumerate().rev() {
        strides[i] = acc;
        let n_i = isize::try_from(n)
            .map_err(|_| err!(Overflow, "axis {i} of length {n} does not fit in isize"))?;
        // A zero-length axis makes the array empty; keep strides meaningful anyway.
        acc = acc.checked_mul(n_i.max(1)).ok_or_else(|| {
            err!(
                Overflow,
                "the C-contiguous strides of shape {} overflow isize",
                Short(shape)
            )
        })?;
    }
    Ok(strides)
}

/// Product of `shape` with an overflow check.
pub(crate) fn checked_product(shape: &[usize], what: &str) -> Result<usize> {
    shape
        .iter()
        .try_fold(1usize, |acc, &n| acc.checked_mul(n))
        .ok_or_else(|| {
            err!(
                Overflow,
                "the {what} of shape {} overflows usize",
                Short(shape)
            )
        })
}

/// Why an index has no place in a buffer (see [`locate`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Miss {
    /// The index has another number of coordinates than the shape axes.
    Rank,
    /// Coordinate `index` of `axis` is not below the axis length `len`.
    Axis {
        axis: usize,
        index: usize,
        len: usize,
    },
    /// The position does not fit `isize`.
    Overflow,
}

/// The buffer position `offset + sum(index[i] * strides[i])` of `index`
/// under `shape`: the one index-to-offset rule of the crate (layouts,
/// patch offsets, the array types). Negative for a layout that reaches
/// before its buffer.
pub(crate) fn locate(
    shape: &[usize],
    strides: &[isize],
    offset: usize,
    index: &[usize],
) -> std::result::Result<isize, Miss> {
    if index.len() != shape.len() || strides.len() != shape.len() {
        return Err(Miss::Rank);
    }
    if let Some((axis, (&i, &len))) = index
        .iter()
        .zip(shape)
        .enumerate()
        .find(|(_, (i, n))| i >= n)
    {
        return Err(Miss::Axis {
            axis,
            index: i,
            len,
        });
    }
    let coords = index
        .iter()
        .map(|&i| isize::try_from(i).unwrap_or(isize::MAX));
    offset_of(strides, offset, coords).ok_or(Miss::Overflow)
}

/// `offset + sum(coords[i] * strides[i])` with checked arithmetic: the
/// position of coordinates that may be signed (a patch origin), unchecked
/// against any shape.
pub(crate) fn offset_of(
    strides: &[isize],
    offset: usize,
    coords: impl Iterator<Item = isize>,
) -> Option<isize> {
    coords
        .zip(strides)
        .try_fold(isize::try_from(offset).ok()?, |at, (c, &s)| {
            at.checked_add(c.checked_mul(s)?)
        })
}

impl Layout {
    /// A layout from its parts; see the type's docs for what is checked.
    pub fn new(shape: &[usize], strides: &[isize], offset: usize, itemsize: usize) -> Result<Self> {
        // Condition 1.
        if shape.len() != strides.len() {
            bail!(
                RankMismatch,
                "shape has {} axes but strides has {}",
                shape.len(),
                strides.len()
            );
        }
        if itemsize == 0 {
            bail!(UnsupportedDtype, "itemsize must be at least 1 byte, got 0");
        }
        // Condition 2.
        if let Some((axis, &n)) = shape
            .iter()
            .enumerate()
            .find(|(_, n)| **n > isize::MAX as usize)
        {
            bail!(Overflow, "axis {axis} of length {n} does not fit in isize");
        }
        let count = checked_product(shape, "element count")?;
        if count
            .checked_mul(itemsize)
            .is_none_or(|b| b > isize::MAX as usize)
        {
            bail!(
                Overflow,
                "{count} elements of {itemsize} bytes (shape {}) overflow isize bytes",
                Short(shape)
            );
        }
        if let Some((axis, &s)) = strides
            .iter()
            .enumerate()
            .find(|(_, s)| s.checked_mul(itemsize as isize).is_none())
        {
            bail!(
                Overflow,
                "stride {s} of axis {axis} times the itemsize {itemsize} overflows isize bytes"
            );
        }
        let offset_i = isize::try_from(offset)
            .ok()
            .filter(|o| o.checked_mul(itemsize as isize).is_some())
            .ok_or_else(|| {
                err!(
                    Overflow,
                    "offset {offset} of {itemsize}-byte elements overflows isize bytes"
                )
            })?;
        // Condition 3.
        let reach = if count == 0 {
            None
        } else {
            let (mut lo, mut hi) = (offset_i as i128, offset_i as i128);
            for (&n, &s) in shape.iter().zip(strides) {
                let span = (n as i128 - 1) * s as i128;
                if span < 0 {
                    lo += span;
                } else {
                    hi += span;
                }
            }
            let to_isize = |v: i128| {
                isize::try_from(v).map_err(|_| {
                    err!(
                        Overflow,
                        "shape {} with strides {} and offset {offset} reaches index {v}, which overflows isize",
                        Short(shape),
                        Short(strides)
                    )
                })
            };
            let (lo, hi) = (to_isize(lo)?, to_isize(hi)?);
            if lo.checked_mul(itemsize as isize).is_none()
                || hi.checked_mul(itemsize as isize).is_none()
            {
                bail!(
                    Overflow,
                    "shape {} with strides {} and offset {offset} reaches byte offset {hi} * {itemsize}, which overflows isize",
                    Short(shape),
                    Short(strides)
                );
            }
            Some((lo, hi))
        };
        // Cannot overflow: every stride in bytes is checked above.
        let byte_strides = try_collect(strides.iter().map(|&s| s * itemsize as isize))?;
        Ok(Layout {
            shape: try_to_vec(shape)?,
            strides: try_to_vec(strides)?,
            offset,
            itemsize,
            byte_strides,
            reach,
        })
    }

    /// A copy, or an [`Allocation`](crate::ErrorKind::Allocation) error.
    pub(crate) fn try_clone(&self) -> Result<Self> {
        Ok(Layout {
            shape: try_to_vec(&self.shape)?,
            strides: try_to_vec(&self.strides)?,
            byte_strides: try_to_vec(&self.byte_strides)?,
            ..*self
        })
    }

    /// A C-contiguous (row-major) layout of `shape` with `itemsize`-byte elements.
    pub fn contiguous(shape: &[usize], itemsize: usize) -> Result<Self> {
        let strides = c_strides(shape)?;
        Layout::new(shape, &strides, 0, itemsize)
    }

    /// A C-contiguous layout of `shape` for elements of type `T`.
    pub fn of<T: Element>(shape: &[usize]) -> Result<Self> {
        Layout::contiguous(shape, std::mem::size_of::<T>())
    }

    /// The same layout with another item size (the geometry in elements is unchanged).
    pub fn with_itemsize(&self, itemsize: usize) -> Result<Self> {
        Layout::new(&self.shape, &self.strides, self.offset, itemsize)
    }

    /// Length of every axis.
    pub fn shape(&self) -> &[usize] {
        &self.shape
    }

    /// Element strides, one per axis.
    pub fn strides(&self) -> &[isize] {
        &self.strides
    }

    /// Byte strides (numpy's convention): element strides times the item size.
    pub fn byte_strides(&self) -> &[isize] {
        &self.byte_strides
    }

    /// Element offset of index `[0, 0, ...]` in the buffer.
    pub fn offset(&self) -> usize {
        self.offset
    }

    /// Byte offset of index `[0, 0, ...]` (DLPack's `byte_offset`); checked in `new`.
    pub fn byte_offset(&self) -> usize {
        self.offset * self.itemsize
    }

    /// Bytes per element.
    pub fn itemsize(&self) -> usize {
        self.itemsize
    }

    /// Number of axes.
    pub fn ndim(&self) -> usize {
        self.shape.len()
    }

    /// Number of elements (product of the shape).
    pub fn num_elements(&self) -> usize {
        // Checked in `new`.
        self.shape.iter().product()
    }

    /// Whether some axis has length 0.
    pub fn is_empty(&self) -> bool {
        self.reach.is_none()
    }

    /// Lowest and highest buffer index the layout reaches; `None` when empty.
    pub fn reach(&self) -> Option<(isize, isize)> {
        self.reach
    }

    /// The shortest buffer (in elements) that holds every reachable element:
    /// highest reachable index + 1, or 0 for an empty array.
    pub fn required_len(&self) -> usize {
        self.reach.map_or(0, |(_, hi)| hi.max(-1) as usize + 1)
    }

    /// Whether the layout is C-contiguous from offset 0 (length-1 axes may have any stride).
    pub fn is_c_contiguous(&self) -> bool {
        let mut expected = 1isize;
        for (&n, &s) in self.shape.iter().zip(&self.strides).rev() {
            if n != 1 && s != expected {
                return false;
            }
            expected = expected.saturating_mul(n as isize);
        }
        true
    }

    /// Checks that every reachable element lies in a buffer of `len` elements.
    pub fn check_buffer(&self, len: usize) -> Result<()> {
        // Condition 4.
        if let Some((lo, hi)) = self.reach {
            if lo < 0 {
                bail!(
                    OutOfBounds,
                    "shape {} with strides {} and offset {} reaches index {lo}, before the start of the buffer",
                    Short(&self.shape),
                    Short(&self.strides),
                    self.offset
                );
            }
            if hi as usize >= len {
                bail!(
                    OutOfBounds,
                    "shape {} with strides {} and offset {} reaches index {hi}, past the end of a buffer of {len} elements",
                    Short(&self.shape),
                    Short(&self.strides),
                    self.offset
                );
            }
        }
        Ok(())
    }

    /// Buffer index of element `index`, or an error naming the bad coordinate.
    pub fn index_of(&self, index: &[usize]) -> Result<usize> {
        match locate(&self.shape, &self.strides, self.offset, index) {
            Ok(at) => usize::try_from(at).map_err(|_| {
                err!(
                    OutOfBounds,
                    "index {} lies at element {at}, before the start of the buffer",
                    Short(index)
                )
            }),
            Err(Miss::Rank) => bail!(
                RankMismatch,
                "index has {} coordinates but the array has {} axes",
                index.len(),
                self.ndim()
            ),
            Err(Miss::Axis { axis, index, len }) => bail!(
                OutOfBounds,
                "index {index} is out of range for axis {axis} of length {len}"
            ),
            // In range: bounded by the reach checked in `new`.
            Err(Miss::Overflow) => bail!(
                Overflow,
                "the position of index {} overflows isize",
                Short(index)
            ),
        }
    }

    /// Whether two different indices could reach the same element.
    ///
    /// A sufficient test: with the axes of length > 1 sorted by `|stride|`,
    /// each `|stride|` must exceed the span of all smaller ones. It can only
    /// err on the side of reporting possible aliasing (strides such as
    /// `[3, 2]` over `[2, 2]` are distinct but interleaved and rejected).
    pub fn may_alias(&self) -> bool {
        if self.is_empty() {
            return false;
        }
        // A non-empty array has at most MAX_AXES axes longer than 1.
        let Some(mut axes) = Axes::try_from_iter(
            self.shape
                .iter()
                .zip(&self.strides)
                .filter(|(n, _)| **n > 1)
                .map(|(&n, &s)| (s.unsigned_abs(), n)),
        ) else {
            return true;
        };
        axes.sort_unstable();
        let mut span = 0usize; // highest distance reachable by the smaller axes
        for &(s, n) in axes.iter() {
            if s <= span {
                return true;
            }
            span = span.saturating_add(s.saturating_mul(n - 1));
        }
        false
    }

    /// An interleaved `height x width` pixel buffer of `T` (`format` says
    /// how a pixel's channels are stored) read as RGB in HWC order, shape
    /// `[height, width, 3]`: alpha is dropped and BGR reversed by strides
    /// alone, so the image is never copied. Tile it with
    /// [`PatchSpec::channels_last`](crate::PatchSpec::channels_last) for
    /// `(ph, pw, C)` patches.
    ///
    /// ```
    /// use patch_core::{Layout, PixelFormat};
    ///
    /// // Canvas pixels (RGBA) as RGB: strides [4W, 4, 1].
    /// let l = Layout::pixels_hwc::<u8>(PixelFormat::Rgba, 2, 5).unwrap();
    /// assert_eq!((l.shape(), l.strides()), (&[2, 5, 3][..], &[20, 4, 1][..]));
    /// // BGR (OpenCV) as RGB: the channel stride is -1 from the third byte.
    /// let l = Layout::pixels_hwc::<u8>(PixelFormat::Bgr, 2, 5).unwrap();
    /// assert_eq!((l.strides(), l.offset()), (&[15, 3, -1][..], 2));
    /// ```
    pub fn pixels_hwc<T: Element>(
        format: PixelFormat,
        height: usize,
        width: usize,
    ) -> Result<Self> {
        let (row, pixel, channel, offset) = pixel_steps(format, width)?;
        Layout::new(
            &[height, width, 3],
            &[row, pixel, channel],
            offset,
            size_of::<T>(),
        )
    }

    /// The same buffer read as RGB in CHW order, shape `[3, height, width]`
    /// (strides `[1, 4W, 4]` for RGBA): tiled with
    /// [`PatchSpec::channels_first`](crate::PatchSpec::channels_first) it
    /// gives PyTorch's `(C, ph, pw)` patches straight from canvas pixels, in
    /// one copy.
    ///
    /// ```
    /// use patch_core::{Layout, PatchOrder, PatchSpec, PatchView, PixelFormat};
    ///
    /// let rgba: Vec<u8> = (0..4 * 4 * 4).map(|v| v as u8).collect();
    /// let layout = Layout::pixels_chw::<u8>(PixelFormat::Rgba, 4, 4).unwrap();
    /// assert_eq!(layout.strides(), &[1, 16, 4]);
    /// let view = PatchView::new(&rgba, &layout, &PatchSpec::tiles(&[2, 2]).channels_first()).unwrap();
    /// let tokens = view.extract(PatchOrder::PatchMajor).unwrap();
    /// assert_eq!(tokens.shape(), &[4, 12]);
    /// // Token 0: the red of its 2x2 pixels, then green, then blue.
    /// assert_eq!(&tokens.data()[..4], &[0, 4, 16, 20]);
    /// ```
    pub fn pixels_chw<T: Element>(
        format: PixelFormat,
        height: usize,
        width: usize,
    ) -> Result<Self> {
        let (row, pixel, channel, offset) = pixel_steps(format, width)?;
        Layout::new(
            &[3, height, width],
            &[channel, row, pixel],
            offset,
            size_of::<T>(),
        )
    }
}

/// How the channels of one pixel of an interleaved buffer are stored, for
/// [`Layout::pixels_hwc`] and [`Layout::pixels_chw`] (which read every
/// format as RGB).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum PixelFormat {
    /// Red, green, blue: 3 elements per pixel.
    Rgb,
    /// Red, green, blue, alpha: 4 per pixel (canvas `ImageData`, most GPU
    /// readbacks).
    Rgba,
    /// Blue, green, red: 3 per pixel (OpenCV).
    Bgr,
    /// Blue, green, red, alpha: 4 per pixel (Windows bitmaps, many camera
    /// APIs).
    Bgra,
}

/// The element strides of an interleaved pixel buffer read as RGB: row,
/// pixel and channel, and the offset of the first red element.
fn pixel_steps(format: PixelFormat, width: usize) -> Result<(isize, isize, isize, usize)> {
    let (pixel, bgr) = match format {
        PixelFormat::Rgb => (3, false),
        PixelFormat::Rgba => (4, false),
        PixelFormat::Bgr => (3, true),
        PixelFormat::Bgra => (4, true),
    };
    let row = isize::try_from(width)
        .ok()
        .and_then(|w| w.checked_mul(pixel))
        .ok_or_else(|| {
            err!(
                Overflow,
                "a row of {width} pixels of {pixel} elements overflows isize"
            )
        })?;
    Ok(if bgr {
        (row, pixel, -1, 2)
    } else {
        (row, pixel, 1, 0)
    })
}
