//! [`ndarray`] interop (feature `ndarray`): patch views, copies
//! and folds of ndarray arrays, in any strides (negative included) and at
//! any offset into their storage, returned as ndarray types.
//!
//! | you have | you want | call |
//! |---|---|---|
//! | an `ArrayView` | the patch array in place, as an `ArrayViewD` | [`patch_view`] |
//! | an `ArrayViewMut` | writable non-overlapping patches in place | [`patch_view_mut`] |
//! | an `ArrayView` | a [`Plan`] of its geometry (padding, Cover, ...) | [`Plan::for_ndarray`] |
//! | a plan and an `ArrayView` | the patches copied, as an `Array2` | [`Plan::extract_ndarray`], [`Plan::extract_ndarray_with`] |
//! | a plan and an `ArrayView2` of patches | the fold, as an `ArrayD` | [`Plan::fold_ndarray`] |
//! | an `ArrayView` in one block of memory | this crate's [`PatchView`] | [`PatchView::from_ndarray`], [`PatchViewMut::from_ndarray`] |
//! | a [`PatchView`], [`NdView`] or [`NdArray`] | the ndarray type | [`PatchView::to_ndarray`], [`NdView::to_ndarray`], [`NdArray::into_ndarray`] |
//!
//! No pointer, item size or offset is ever asked of the caller:
//! [`Layout::of_ndarray`] reads the shape and the signed strides, and the
//! offset of the first element within the memory the view reaches.
//!
//! ```
//! use ndarray::{Array3, s};
//! use patch_core::{PatchOrder, PatchSpec, Plan, Padding, interop::ndarray::patch_view};
//!
//! // A 6x8 RGB image, cropped to its right 4x6 part and flipped upside down.
//! let img = Array3::from_shape_fn((6, 8, 3), |(y, x, c)| (y * 100 + x * 10 + c) as u8);
//! let crop = img.slice(s![2..;-1, 2.., ..]);
//! assert_eq!(crop.shape(), &[4, 6, 3]);
//!
//! // 2x3 tiles of the crop, all channels: read in place, any strides.
//! let spec = PatchSpec::tiles(&[2, 3]).channels_last();
//! let tiles = patch_view(crop.view(), &spec).unwrap();
//! assert_eq!(tiles.shape(), &[2, 2, 2, 3, 3]);
//! assert_eq!(tiles[[1, 1, 0, 0, 2]], crop[[2, 3, 2]]);
//!
//! // Copied out as tokens: an Array2 of [patches, patch_len].
//! let plan = Plan::for_ndarray(&crop, &spec, &Padding::valid()).unwrap();
//! let tokens = plan.extract_ndarray(crop.view(), PatchOrder::PatchMajor).unwrap();
//! assert_eq!(tokens.dim(), (4, 18));
//! assert_eq!(tokens.row(3).to_vec(), tiles.slice(s![1, 1, .., .., ..]).iter().copied().collect::<Vec<_>>());
//! ```
//!
//! # Views with gaps
//!
//! A view whose elements fill one block of memory (a whole array, a
//! transposed, permuted or flipped one, a range of its slowest axis) is
//! read in place through ndarray's own `to_slice_memory_order`, with no
//! `unsafe` code here. A view with gaps (a stepped slice, a crop that skips
//! part of every row) is not one slice of memory, and no slice may be made
//! over its gaps: they may belong to another live view (ndarray's
//! `split_at`, `axis_iter_mut`, `exact_chunks_mut` and `Zip` hand out
//! interleaved mutable views, possibly on other threads). So:
//!
//! - [`patch_view`] and [`patch_view_mut`] read every view in place: they
//!   build the ndarray patch view from the view's own pointer, reaching
//!   only elements of the view (one audited `unsafe` call each);
//! - the copies ([`Plan::extract_ndarray`]) read a view with gaps after
//!   gathering it once into C order (one extra read of the input, the same
//!   values); a view without gaps is read in place;
//! - this crate's [`PatchView`] and [`PatchViewMut`], which hold a slice,
//!   are made only from views without gaps, and refuse the others with an
//!   [`InvalidArgument`](crate::ErrorKind::InvalidArgument) error that says
//!   what to call instead.

use ::ndarray::{
    Array2, ArrayBase, ArrayD, ArrayView, ArrayView2, ArrayViewD, ArrayViewMut, ArrayViewMutD,
    Axis, Dimension, Ix2, IxDyn, LayoutRef, RawData, ShapeBuilder, StrideShape,
};

use crate::alloc::try_zeroed;
use crate::array::{NdArray, NdView};
use crate::element::{Element, FloatElement};
use crate::error::{Result, bail, err};
use crate::extract::ExtractOptions;
use crate::fold::Reduce;
use crate::layout::Layout;
use crate::order::PatchOrder;
use crate::padding::Padding;
use crate::plan::Plan;
use crate::spec::PatchSpec;
use crate::view::{PatchView, PatchViewMut};

impl Layout {
    /// The layout of an ndarray array: its shape and signed element
    /// strides, and as offset the index of its first element counted from
    /// the lowest-addressed element it reaches (what a flipped axis moves);
    /// 0 for an empty array.
    ///
    /// The buffer this layout describes is the memory from the lowest to the
    /// highest element the array reaches.
    ///
    /// ```
    /// use ndarray::{Array2, s};
    /// use patch_core::Layout;
    ///
    /// let a = Array2::<f32>::zeros((4, 5));
    /// let flipped = a.slice(s![..;-1, 1..;2]);
    /// let l = Layout::of_ndarray(&flipped).unwrap();
    /// assert_eq!((l.shape(), l.strides(), l.offset()), (&[4, 2][..], &[-5, 2][..], 15));
    /// assert_eq!(l.itemsize(), 4);
    /// ```
    pub fn of_ndarray<T: Element, D: Dimension>(x: &LayoutRef<T, D>) -> Result<Layout> {
        let (shape, strides) = (x.shape(), x.strides());
        let mut offset = 0usize;
        if !shape.contains(&0) {
            for (&n, &s) in shape.iter().zip(strides) {
                if s < 0 {
                    offset = (n - 1)
                        .checked_mul(s.unsigned_abs())
                        .and_then(|d| offset.checked_add(d))
                        .ok_or_else(|| {
                            err!(
                                Overflow,
                                "the offset of shape {shape:?} with strides {strides:?} overflows usize"
                            )
                        })?;
                }
            }
        }
        Layout::new(shape, strides, offset, size_of::<T>())
    }
}

/// The error for a view that is not one block of memory.
fn gaps(shape: &[usize], strides: &[isize], instead: &str) -> crate::error::PatchError {
    err!(
        InvalidArgument,
        "the ndarray view of shape {shape:?} with strides {strides:?} has gaps in its memory, which may belong to other views, so no slice may cover it; {instead}"
    )
}

impl<'a, T: Element> PatchView<'a, T> {
    /// Views an ndarray view whose elements fill one block of memory (in
    /// any axis order and direction) as the patches of `spec`, in place.
    ///
    /// A view with gaps (a stepped slice, a crop) is refused: see [the
    /// module docs](crate::interop::ndarray#views-with-gaps), and use
    /// [`patch_view`] to view it in place as an ndarray array.
    ///
    /// ```
    /// use ndarray::{Array2, Axis};
    /// use patch_core::{PatchSpec, PatchView};
    ///
    /// let mut a = Array2::from_shape_fn((4, 6), |(i, j)| (10 * i + j) as i32);
    /// a.invert_axis(Axis(1)); // still one block of memory
    /// let view = PatchView::from_ndarray(a.view(), &PatchSpec::tiles(&[2, 3])).unwrap();
    /// assert_eq!(view.shape(), &[2, 2, 2, 3]);
    /// assert_eq!(view.patch(0).unwrap().to_vec(), [5, 4, 3, 15, 14, 13]);
    /// ```
    pub fn from_ndarray<D: Dimension>(x: ArrayView<'a, T, D>, spec: &PatchSpec) -> Result<Self> {
        let layout = Layout::of_ndarray(&x)?;
        let data = x.to_slice_memory_order().ok_or_else(|| {
            gaps(
                x.shape(),
                x.strides(),
                "use patch_core::interop::ndarray::patch_view to view it in place as an ndarray array, or Plan::extract_ndarray to copy the patches",
            )
        })?;
        PatchView::new(data, &layout, spec)
    }

    /// The patch array as an ndarray view: the same shape (outer axes, then
    /// inner axes), strides and elements, nothing copied.
    ///
    /// ```
    /// use patch_core::{PatchSpec, PatchView};
    ///
    /// let x: Vec<u8> = (0..12).collect();
    /// let view = PatchView::contiguous(&x, &[12], &PatchSpec::sliding(&[4], &[2]).unwrap()).unwrap();
    /// let a = view.to_ndarray().unwrap();
    /// assert_eq!((a.shape(), a.strides()), (&[5, 4][..], &[2, 1][..]));
    /// assert_eq!(a[[4, 3]], 11);
    /// ```
    pub fn to_ndarray(&self) -> Result<ArrayViewD<'a, T>> {
        self.as_array().to_ndarray()
    }
}

impl<'a, T: Element> PatchViewMut<'a, T> {
    /// A writable [`PatchViewMut`] of an ndarray view whose elements fill
    /// one block of memory; a view with gaps is refused (use
    /// [`patch_view_mut`]).
    ///
    /// ```
    /// use ndarray::Array2;
    /// use patch_core::{PatchSpec, PatchViewMut};
    ///
    /// let mut a = Array2::<u8>::zeros((4, 4));
    /// let mut tiles = PatchViewMut::from_ndarray(a.view_mut(), &PatchSpec::tiles(&[2, 2])).unwrap();
    /// tiles.patch_mut(3).unwrap().fill(7);
    /// assert_eq!(a[[3, 3]], 7);
    /// assert_eq!(a.sum(), 28);
    /// ```
    pub fn from_ndarray<D: Dimension>(x: ArrayViewMut<'a, T, D>, spec: &PatchSpec) -> Result<Self> {
        let layout = Layout::of_ndarray(&x)?;
        let (shape, strides) = (x.shape().to_vec(), x.strides().to_vec());
        let data = x.into_slice_memory_order().ok_or_else(|| {
            gaps(
                &shape,
                &strides,
                "use patch_core::interop::ndarray::patch_view_mut to write its patches in place as an ndarray array",
            )
        })?;
        PatchViewMut::new(data, &layout, spec)
    }
}

impl<'a, T: Element> NdView<'a, T> {
    /// The same elements as an ndarray view (same shape and strides),
    /// nothing copied.
    pub fn to_ndarray(&self) -> Result<ArrayViewD<'a, T>> {
        let data = self.backing();
        let (shape, strides) = (self.shape(), self.strides());
        if self.is_empty() {
            return ArrayViewD::from_shape(IxDyn(shape), &[])
                .map_err(|e| err!(InvalidArgument, "ndarray refused shape {shape:?}: {e}"));
        }
        // The lowest and highest index the view reaches; ndarray's slice
        // starts at the lowest. In range: the view was checked against `data`.
        let (mut lo, mut hi) = (self.offset() as isize, self.offset() as isize);
        for (&n, &s) in shape.iter().zip(strides) {
            let span = (n as isize - 1) * s;
            if span < 0 {
                lo += span;
            } else {
                hi += span;
            }
        }
        let block = &data[lo as usize..=hi as usize];
        // ndarray takes signed strides as their two's complement in usize.
        let ustrides: Vec<usize> = strides.iter().map(|&s| s as usize).collect();
        ArrayViewD::from_shape(IxDyn(shape).strides(IxDyn(&ustrides)), block).map_err(|e| {
            err!(
                InvalidArgument,
                "ndarray refused shape {shape:?} with strides {strides:?}: {e}"
            )
        })
    }
}

impl<T: Element> NdArray<T> {
    /// The array as an ndarray `ArrayD` of the same shape; the elements are
    /// moved, not copied. Fails only for an empty array whose other axes
    /// multiply past `isize::MAX`, which ndarray does not represent.
    ///
    /// ```
    /// use patch_core::frame;
    ///
    /// let frames = frame(&[1.0f32, 2.0, 3.0, 4.0, 5.0], 2, 2, true, 0.0).unwrap();
    /// let a = frames.into_ndarray().unwrap();
    /// assert_eq!(a.shape(), &[3, 2]);
    /// assert_eq!(a[[2, 0]], 5.0);
    /// ```
    pub fn into_ndarray(self) -> Result<ArrayD<T>> {
        let shape = self.shape().to_vec();
        ArrayD::from_shape_vec(IxDyn(&shape), self.into_vec())
            .map_err(|e| err!(Overflow, "ndarray cannot hold shape {shape:?}: {e}"))
    }
}

/// The ndarray patch view of `spec` over an array of `layout`, before it
/// is made: its shape with empty axes, or the offset of its
/// lowest-addressed element from the array's first element, its shape with
/// the strides made non-negative (ndarray's `from_shape_ptr` takes no
/// others), and the axes to invert afterwards to restore the negative ones.
enum PatchGeometry {
    Empty(Vec<usize>),
    Raw {
        lowest: isize,
        shape: StrideShape<IxDyn>,
        flipped: Vec<usize>,
    },
}

fn patch_geometry(layout: &Layout, spec: &PatchSpec, writable: bool) -> Result<PatchGeometry> {
    let plan = Plan::valid(layout, spec)?;
    if writable {
        plan.check_writable()?;
    }
    let strides = plan.view_strides()?;
    let shape = plan.shape();
    if shape.contains(&0) {
        return Ok(PatchGeometry::Empty(shape.to_vec()));
    }
    // Relative to the first element: in range, because every element of
    // the patch view is an element of the array (the plan checked it).
    let lowest = shape
        .iter()
        .zip(strides)
        .filter(|(_, s)| **s < 0)
        .map(|(&n, &s)| (n as isize - 1) * s)
        .sum();
    let abs: Vec<usize> = strides.iter().map(|s| s.unsigned_abs()).collect();
    Ok(PatchGeometry::Raw {
        lowest,
        shape: IxDyn(shape).strides(IxDyn(&abs)),
        flipped: (0..strides.len()).filter(|&a| strides[a] < 0).collect(),
    })
}

/// Inverts `flipped` axes of `view`, restoring the negative strides.
fn restore_signs<S: RawData>(
    mut view: ArrayBase<S, IxDyn>,
    flipped: &[usize],
) -> ArrayBase<S, IxDyn> {
    for &a in flipped {
        view.invert_axis(Axis(a));
    }
    view
}

fn empty_view_error(e: ::ndarray::ShapeError) -> crate::error::PatchError {
    err!(InvalidArgument, "ndarray refused an empty view: {e}")
}

/// The patches of `spec` over an ndarray view, in place, as an ndarray
/// view of shape `outer ++ inner` (see [`Plan`]): every batch axis and
/// every window axis's grid count, then every window's size and every
/// whole axis's length. Works for every view: any strides, negative and
/// zero (broadcast) included, any offset, gaps included; overlapping
/// windows are fine (the view is read-only).
///
/// ```
/// use ndarray::{Array1, s};
/// use patch_core::{PatchSpec, interop::ndarray::patch_view};
///
/// // Windows of 3 every 2 over every other sample, reversed.
/// let x = Array1::from_iter(0..20);
/// let y = x.slice(s![..;-2]); // 19, 17, ..., 1
/// let w = patch_view(y.view(), &PatchSpec::sliding(&[3], &[2]).unwrap()).unwrap();
/// assert_eq!(w.shape(), &[4, 3]);
/// assert_eq!(w.slice(s![1, ..]).to_vec(), [15, 13, 11]);
/// assert_eq!(w.strides(), &[-4, -2]);
/// ```
pub fn patch_view<'a, T: Element, D: Dimension>(
    x: ArrayView<'a, T, D>,
    spec: &PatchSpec,
) -> Result<ArrayViewD<'a, T>> {
    let (lowest, shape, flipped) = match patch_geometry(&Layout::of_ndarray(&x)?, spec, false)? {
        PatchGeometry::Empty(shape) => {
            return ArrayViewD::from_shape(IxDyn(&shape), &[]).map_err(empty_view_error);
        }
        PatchGeometry::Raw {
            lowest,
            shape,
            flipped,
        } => (x.as_ptr().wrapping_offset(lowest), shape, flipped),
    };
    #[allow(unsafe_code)]
    // SAFETY: `from_shape_ptr` asks that every element the shape and
    // strides reach from `lowest` be valid for `'a` and not mutably aliased
    // during it, and that the pointer arithmetic stay inside one allocation
    // with byte spans and the element count within `isize::MAX`. The plan of
    // `patch_geometry` is a VALID plan over `x`'s own layout
    // (`Layout::of_ndarray`), so every index of the patch view reaches
    // `offset + sum(i * view_stride)`, which is an element of `x` (each
    // window lies inside its axis), and `lowest` is the lowest of those
    // elements: a pointer `x` itself can reach, derived from `x.as_ptr()`.
    // The elements of `x` are valid and shared-borrowed for `'a` (it is an
    // `ArrayView<'a>`), and its reachable span is within one allocation and
    // `isize::MAX` bytes (ndarray's invariants), which contains the patch
    // view's span. The element count times the item size fits in `isize`
    // (checked by `Plan`), and the strides are non-negative; the negative
    // ones are restored by `restore_signs`, which moves the pointer back to
    // the first element. Reading the same element through several windows
    // is fine for a read-only view. (Tested against ndarray's own windows,
    // and under Miri.)
    let view = unsafe { ArrayViewD::from_shape_ptr(shape, lowest) };
    Ok(restore_signs(view, &flipped))
}

/// [`patch_view`] for writing: the patches of `spec` over an ndarray view,
/// in place, as a writable ndarray view. Allowed only when no two (patch,
/// element) positions reach the same element (for example tiles, or
/// windows with `step >= extent`), as [`PatchViewMut`] is; any strides and
/// gaps otherwise.
///
/// ```
/// use ndarray::{Array2, s};
/// use patch_core::{ErrorKind, PatchSpec, interop::ndarray::patch_view_mut};
///
/// let mut a = Array2::<i32>::zeros((6, 6));
/// // 2x2 tiles of every other row: one write per tile.
/// let mut t = patch_view_mut(a.slice_mut(s![..;2, ..]), &PatchSpec::tiles(&[1, 2])).unwrap();
/// assert_eq!(t.shape(), &[3, 3, 1, 2]);
/// t.slice_mut(s![1, 2, .., ..]).fill(5);
/// assert_eq!(a.row(2).to_vec(), [0, 0, 0, 0, 5, 5]);
///
/// // Overlapping windows are refused.
/// let e = patch_view_mut(a.view_mut(), &PatchSpec::sliding(&[2, 2], &[1, 1]).unwrap()).unwrap_err();
/// assert_eq!(e.kind(), ErrorKind::Aliasing);
/// ```
pub fn patch_view_mut<'a, T: Element, D: Dimension>(
    mut x: ArrayViewMut<'a, T, D>,
    spec: &PatchSpec,
) -> Result<ArrayViewMutD<'a, T>> {
    let (lowest, shape, flipped) = match patch_geometry(&Layout::of_ndarray(&x)?, spec, true)? {
        PatchGeometry::Empty(shape) => {
            return ArrayViewMutD::from_shape(IxDyn(&shape), &mut []).map_err(empty_view_error);
        }
        PatchGeometry::Raw {
            lowest,
            shape,
            flipped,
        } => (x.as_mut_ptr().wrapping_offset(lowest), shape, flipped),
    };
    #[allow(unsafe_code)]
    // SAFETY: as in `patch_view`, every element the patch view reaches is
    // an element of `x`, and `lowest` is the lowest of them, derived from
    // `x`'s own mutable pointer. In addition `check_writable` (in
    // `patch_geometry`) proved that no two indices of the patch view reach
    // the same element (the windows do not overlap and `x`'s own strides
    // cannot alias), and `x`, the exclusive borrow of those elements for
    // `'a`, is moved into this function and not used after this call: the
    // patch view takes its place. (Tested against ndarray's
    // `exact_chunks_mut`, and under Miri.)
    let view = unsafe { ArrayViewMutD::from_shape_ptr(shape, lowest) };
    Ok(restore_signs(view, &flipped))
}

/// The elements of `x` in C order, borrowed when `x` is C-contiguous and
/// gathered into a new vector otherwise (an allocation error, not an
/// abort, when memory runs out).
fn c_order<'v, T: Element, D: Dimension>(x: &'v ArrayView<'_, T, D>) -> Result<CowSlice<'v, T>> {
    if let Some(s) = x.as_slice() {
        return Ok(CowSlice::Borrowed(s));
    }
    let mut v = try_zeroed::<T>(x.len())?;
    gather(x.view().into_dyn(), &mut v);
    Ok(CowSlice::Owned(v))
}

/// Writes the elements of `x` (exactly `dst.len()`) to `dst` in C order,
/// through ndarray's safe accessors only: a sub-view in C order and one
/// block of memory (a row of a crop) as one slice copy; one whose last
/// axis has gaps or runs backwards by ndarray's `assign`, which loops
/// along it. Measured (release, one thread, best of 7 x 50 calls):
/// [`Plan::extract_ndarray`] of 16x16 tiles of the center crop 224x224x3
/// of a 256x256x3 `u8` image takes 20 us, against 9 us for the same crop
/// in one block (ndarray's own `to_owned` of the crop alone: 98 us); of
/// 32x32 tiles of every other column of a 1024x2048 `f32` array, 1.05 ms
/// against 0.45 ms.
fn gather<T: Element>(x: ArrayViewD<'_, T>, dst: &mut [T]) {
    if let Some(s) = x.to_slice() {
        dst.copy_from_slice(s);
    } else if x.ndim() >= 2 && x.strides().last() == Some(&1) && !x.is_empty() {
        let per = x.len() / x.len_of(Axis(0));
        for (sub, part) in x.outer_iter().zip(dst.chunks_exact_mut(per)) {
            gather(sub, part);
        }
    } else if let Ok(mut out) = ArrayViewMutD::from_shape(x.raw_dim(), dst) {
        // Cannot fail: `dst` holds exactly the elements of `x`'s shape.
        out.assign(&x);
    }
}

enum CowSlice<'v, T> {
    Borrowed(&'v [T]),
    Owned(Vec<T>),
}

impl<T> CowSlice<'_, T> {
    fn as_slice(&self) -> &[T] {
        match self {
            CowSlice::Borrowed(s) => s,
            CowSlice::Owned(v) => v,
        }
    }
}

fn into_array2<T: Element>(a: NdArray<T>) -> Result<Array2<T>> {
    a.into_ndarray()?
        .into_dimensionality::<Ix2>()
        .map_err(|e| err!(InvalidArgument, "a copy is not 2-D: {e}"))
}

impl Plan {
    /// Plans `spec` with `padding` over an ndarray array, in its own strides
    /// and offset ([`Layout::of_ndarray`]); the plan's element type is `T`.
    ///
    /// ```
    /// use ndarray::Array2;
    /// use patch_core::{PadMode, Padding, PatchSpec, Plan};
    ///
    /// let a = Array2::<f32>::zeros((5, 7));
    /// let plan = Plan::for_ndarray(&a.t(), &PatchSpec::tiles(&[2, 2]), &Padding::same(PadMode::Edge)).unwrap();
    /// assert_eq!(plan.grid(), vec![4, 3]);
    /// assert_eq!(plan.layout().strides(), &[1, 7]);
    /// ```
    pub fn for_ndarray<T: Element, D: Dimension>(
        x: &LayoutRef<T, D>,
        spec: &PatchSpec,
        padding: &Padding,
    ) -> Result<Plan> {
        Plan::new(&Layout::of_ndarray(x)?, spec, padding)
    }

    /// [`extract`](Plan::extract) from an ndarray view of the plan's input
    /// shape (whatever its strides: the plan's spec and padding are laid
    /// over them): the patches as an `Array2` of `[num_patches, patch_len]`
    /// or `[patch_len, num_patches]`.
    ///
    /// A view in one block of memory is read in place; a view with gaps is
    /// gathered into C order first (see [the module
    /// docs](crate::interop::ndarray#views-with-gaps)).
    ///
    /// ```
    /// use ndarray::{Array2, s};
    /// use patch_core::{PadMode, Padding, PatchOrder, PatchSpec, Plan};
    ///
    /// // im2col of every other column, 3x3 windows, reflect padding.
    /// let a = Array2::from_shape_fn((4, 8), |(i, j)| (10 * i + j) as f32);
    /// let x = a.slice(s![.., ..;2]);
    /// let plan = Plan::for_ndarray(&x, &PatchSpec::sliding(&[3, 3], &[1, 1]).unwrap(), &Padding::same(PadMode::Reflect)).unwrap();
    /// let cols = plan.extract_ndarray(x.view(), PatchOrder::FeatureMajor).unwrap();
    /// assert_eq!(cols.dim(), (9, 16));
    /// assert_eq!(cols[[4, 5]], x[[1, 1]]); // the centre of window (1, 1)
    /// ```
    pub fn extract_ndarray<T: Element, D: Dimension>(
        &self,
        x: ArrayView<'_, T, D>,
        order: PatchOrder,
    ) -> Result<Array2<T>> {
        self.extract_ndarray_with(x, &ExtractOptions::new().order(order))
    }

    /// [`extract_with`](Plan::extract_with) from an ndarray view (see
    /// [`extract_ndarray`](Plan::extract_ndarray)).
    pub fn extract_ndarray_with<T: Element, D: Dimension, E: Element>(
        &self,
        x: ArrayView<'_, T, D>,
        opts: &ExtractOptions<E>,
    ) -> Result<Array2<E>> {
        let layout = Layout::of_ndarray(&x)?;
        let copy = match x.to_slice_memory_order() {
            Some(data) => self.with_layout(&layout)?.extract_with(data, opts)?,
            None => {
                let data = c_order(&x)?;
                self.with_layout(&Layout::of::<T>(x.shape())?)?
                    .extract_with(data.as_slice(), opts)?
            }
        };
        into_array2(copy)
    }

    /// [`fold`](Plan::fold) of patches held in an ndarray array of the
    /// copy's shape in `order` (any strides), as an `ArrayD` of the input's
    /// shape.
    ///
    /// ```
    /// use ndarray::Array2;
    /// use patch_core::{PatchOrder, PatchSpec, Plan, Padding, Reduce};
    ///
    /// let a = Array2::from_shape_fn((4, 6), |(i, j)| (i * 6 + j) as f64);
    /// let plan = Plan::for_ndarray(&a, &PatchSpec::sliding(&[2, 3], &[1, 1]).unwrap(), &Padding::valid()).unwrap();
    /// let patches = plan.extract_ndarray(a.view(), PatchOrder::PatchMajor).unwrap();
    /// let back = plan.fold_ndarray(patches.view(), PatchOrder::PatchMajor, &Reduce::Mean).unwrap();
    /// assert_eq!(back, a.into_dyn());
    /// ```
    pub fn fold_ndarray<T: FloatElement>(
        &self,
        patches: ArrayView2<'_, T>,
        order: PatchOrder,
        reduce: &Reduce,
    ) -> Result<ArrayD<T>> {
        let want = self.copy_shape(order);
        if patches.shape() != want {
            bail!(
                BufferSize,
                "the patches have shape {:?} but {} patches of {} elements in {order:?} order need {want:?}",
                patches.shape(),
                self.num_patches(),
                self.patch_len()
            );
        }
        let data = c_order(&patches)?;
        self.fold(data.as_slice(), order, reduce)?.into_ndarray()
    }
}

#[cfg(test)]
mod tests {
    //! The two `unsafe` calls over every kind of stride, compared with
    //! ndarray's own safe windows and chunks (also run under Miri by the
    //! test command; the property tests are in `tests/ndarray_interop.rs`).
    use super::*;
    use ::ndarray::{Array2, Array3, Ix3, s};

    fn views_of(a: &Array3<i32>) -> Vec<ArrayView<'_, i32, Ix3>> {
        let mut permuted = a.view().permuted_axes([2, 0, 1]);
        permuted.invert_axis(Axis(1));
        vec![
            a.view(),
            a.slice(s![..;-1, 1..;2, ..]),
            a.slice(s![1..4, ..;-3, ..;-1]),
            permuted,
        ]
    }

    #[test]
    fn patch_views_match_ndarray_windows_with_stride_over_any_strides() {
        let a = Array3::from_shape_fn((5, 6, 2), |(i, j, k)| (i * 100 + j * 10 + k) as i32);
        for x in views_of(&a) {
            let (window, step) = ([2, 2, 1], [1, 2, 1]);
            let spec = PatchSpec::sliding(&window, &step).unwrap();
            let w = patch_view(x.view(), &spec).unwrap();
            let n_outer = 3;
            let outer: Vec<usize> = w.shape()[..n_outer].to_vec();
            let theirs: Vec<_> = x.windows_with_stride(window, step).into_iter().collect();
            assert_eq!(theirs.len(), outer.iter().product::<usize>());
            let flat = w
                .to_shape((theirs.len(), 4))
                .unwrap()
                .rows()
                .into_iter()
                .map(|r| r.to_vec())
                .collect::<Vec<_>>();
            for (mine, theirs) in flat.iter().zip(&theirs) {
                assert_eq!(mine, &theirs.iter().copied().collect::<Vec<_>>());
            }
        }
    }

    #[test]
    fn patch_views_of_broadcast_views_read_one_element_many_times() {
        let a = Array2::from_shape_fn((3, 1), |(i, _)| i as u8);
        let b = a.broadcast((3, 5)).unwrap();
        let w = patch_view(b.view(), &PatchSpec::sliding(&[2, 3], &[1, 1]).unwrap()).unwrap();
        assert_eq!(w.shape(), &[2, 3, 2, 3]);
        assert_eq!(w.strides(), &[1, 0, 1, 0]);
        assert_eq!(
            w.slice(s![1, 2, .., ..])
                .iter()
                .copied()
                .collect::<Vec<_>>(),
            [1, 1, 1, 2, 2, 2]
        );
        let mut c = a.clone();
        let e = patch_view_mut(c.view_mut(), &PatchSpec::sliding(&[2, 1], &[1, 1]).unwrap());
        assert_eq!(e.unwrap_err().kind(), crate::ErrorKind::Aliasing);
    }

    #[test]
    fn writable_patch_views_write_where_exact_chunks_mut_writes() {
        let base = Array3::from_shape_fn((6, 7, 2), |(i, j, k)| (i * 100 + j * 10 + k) as i32);
        let (mut mine, mut theirs) = (base.clone(), base.clone());
        let pick = s![..;-2, 1..;2, ..];
        let spec = PatchSpec::tiles(&[1, 2, 2]);
        let mut p = patch_view_mut(mine.slice_mut(pick), &spec).unwrap();
        assert_eq!(p.shape(), &[3, 1, 1, 1, 2, 2]);
        let mut k = 0;
        for mut cell in p.outer_iter_mut() {
            for mut t in cell.outer_iter_mut() {
                for mut tile in t.outer_iter_mut() {
                    tile.fill(-1 - k);
                    k += 1;
                }
            }
        }
        for (k, mut chunk) in theirs
            .slice_mut(pick)
            .exact_chunks_mut((1, 2, 2))
            .into_iter()
            .enumerate()
        {
            chunk.fill(-1 - k as i32);
        }
        assert_eq!(mine, theirs);
        assert_ne!(mine, base);
    }

    #[test]
    fn empty_views_and_conversions() {
        let a = Array2::<f32>::zeros((0, 4));
        let w = patch_view(
            a.view(),
            &PatchSpec::new(vec![
                crate::AxisRole::Batch,
                crate::AxisRole::window(2, 1, 1),
            ]),
        )
        .unwrap();
        assert_eq!(w.shape(), &[0, 3, 2]);
        let mut b = Array2::<f32>::zeros((3, 0));
        let spec = PatchSpec::new(vec![
            crate::AxisRole::window(1, 1, 1),
            crate::AxisRole::Batch,
        ]);
        assert_eq!(
            patch_view_mut(b.view_mut(), &spec).unwrap().shape(),
            &[3, 0, 1]
        );
        let n = NdArray::from_vec(vec![2, 3], (0..6).collect::<Vec<u8>>()).unwrap();
        let nd = n.view().to_ndarray().unwrap();
        assert_eq!(
            nd,
            ArrayD::from_shape_vec(IxDyn(&[2, 3]), (0..6).collect()).unwrap()
        );
        assert_eq!(n.into_ndarray().unwrap().shape(), &[2, 3]);
    }
}
