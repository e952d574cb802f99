//! The view algebra: a checked strided view whose axes can be split and
//! permuted, copied (plainly or converting) through the same kernels as
//! patch views.
//!
//! **Where split and permute live.** A [`Plan`](crate::Plan) is a geometry
//! of input axes with roles (window, whole, batch) and padding; folds,
//! patch origins and padding all read those roles, and a permuted or split
//! axis has none. So the algebra is not on the plan but on the strided
//! description the copy kernels consume: shape, element strides, offset
//! over a borrowed buffer. An [`ArrangedView`] is made from a
//! [`PatchView`](crate::PatchView) ([`PatchView::arrange`](crate::PatchView::arrange))
//! or straight from an array [`Layout`]; [`split`](ArrangedView::split)
//! and [`permute`](ArrangedView::permute) change only numbers, and every
//! copy merges the contiguous axes and runs the row kernels of plain views
//! (a permuted view is not a slow path).
//!
//! **Bounds.** Splitting an axis of length `a*b` and stride `s` into
//! `(a, b)` with strides `(b*s, s)` reaches exactly the same elements
//! (index `(i, j)` is old index `i*b + j`), and permuting reorders axes
//! without changing the set of offsets, so a view that was checked against
//! its buffer stays inside it; no sequence of splits and permutations can
//! reach outside the buffer. An arranged view is read-only (it may alias,
//! as a read-only patch view of overlapping windows does).

use crate::alloc::{try_collect, try_to_vec, try_zeroed};
use crate::array::{NdArray, NdView};
use crate::convert::{Geometry, check_conversion, copy_converting_geometry};
use crate::copy::gather_view;
use crate::element::{Element, as_bits, as_bits_mut, cast_mut};
use crate::error::{Result, Short, bail};
use crate::extract::ExtractOptions;
use crate::layout::{Layout, checked_product, locate};
use crate::order::PatchOrder;

/// A read-only strided view over a borrowed slice whose axes can be
/// [`split`](Self::split) and [`permute`](Self::permute)d, and whose copy
/// can be [`flatten`](Self::flatten)ed into fewer axes: numpy's
/// `reshape`/`transpose`/`reshape` chains of the vision-language
/// processors as one copy.
///
/// The copy ([`extract`](Self::extract), [`extract_with`](Self::extract_with))
/// is the view's elements in C order of its axes, shaped as
/// [`copy_shape`](Self::copy_shape). It runs on the kernels of patch
/// views: axes that are contiguous with each other are merged, the
/// innermost run is copied by a loop compiled for its length, converting
/// copies convert row by row.
///
/// ```
/// use patch_core::{ArrangedView, Layout};
///
/// // A 4x6 image as 2x3 tiles in column-major tile order:
/// // [H, W] -> (gh, ph, gw, pw) -> (gw, gh, ph, pw) -> [gw*gh, ph*pw].
/// let x: Vec<u16> = (0..24).collect();
/// let v = ArrangedView::new(&x, &Layout::of::<u16>(&[4, 6])?)?
///     .split(0, [2, 2])?   // H = 2 tiles of 2 rows
///     .split(2, [2, 3])?   // W = 2 tiles of 3 columns
///     .permute(&[2, 0, 1, 3])?
///     .flatten(&[2, 2])?;
/// assert_eq!(v.shape(), &[2, 2, 2, 3]);
/// assert_eq!(v.strides(), &[3, 12, 6, 1]);
/// let tiles = v.extract()?;
/// assert_eq!(tiles.shape(), &[4, 6]);
/// // Tile 1 is grid cell (row 1, column 0).
/// assert_eq!(&tiles.data()[6..12], &[12, 13, 14, 18, 19, 20]);
/// # Ok::<(), patch_core::PatchError>(())
/// ```
#[derive(Clone, Debug)]
pub struct ArrangedView<'a, T> {
    data: &'a [T],
    shape: Vec<usize>,
    strides: Vec<isize>,
    offset: usize,
    /// The shape of a copy: a grouping of `shape` in order.
    copy_shape: Vec<usize>,
}

impl<'a, T: Element> ArrangedView<'a, T> {
    /// The array `data`, laid out as `layout`, as an arranged view of the
    /// same shape. Fails when the layout's elements are not `T`s or it
    /// reaches outside `data`.
    pub fn new(data: &'a [T], layout: &Layout) -> Result<Self> {
        if layout.itemsize() != size_of::<T>() {
            bail!(
                UnsupportedDtype,
                "the layout has {}-byte elements but the slice holds {} of {} bytes",
                layout.itemsize(),
                T::DTYPE.name(),
                size_of::<T>()
            );
        }
        layout.check_buffer(data.len())?;
        ArrangedView::from_checked(
            data,
            try_to_vec(layout.shape())?,
            try_to_vec(layout.strides())?,
            layout.offset(),
        )
    }

    /// A view whose geometry the caller has checked against `data`.
    pub(crate) fn from_checked(
        data: &'a [T],
        shape: Vec<usize>,
        strides: Vec<isize>,
        offset: usize,
    ) -> Result<Self> {
        let n = checked_product(&shape, "element count")?;
        if n.checked_mul(size_of::<T>())
            .is_none_or(|b| b > isize::MAX as usize)
        {
            bail!(
                Overflow,
                "{n} elements of {} bytes overflow isize bytes",
                size_of::<T>()
            );
        }
        let copy_shape = try_to_vec(&shape)?;
        Ok(ArrangedView {
            data,
            shape,
            strides,
            offset,
            copy_shape,
        })
    }

    /// Length of every axis.
    pub fn shape(&self) -> &[usize] {
        &self.shape
    }

    /// Element strides (DLPack's convention).
    pub fn strides(&self) -> &[isize] {
        &self.strides
    }

    /// Byte strides (numpy's convention).
    pub fn byte_strides(&self) -> Vec<isize> {
        // In range: every stride is the distance between two elements of
        // the slice, or 0.
        self.strides
            .iter()
            .map(|s| s.wrapping_mul(size_of::<T>() as isize))
            .collect()
    }

    /// Element offset of index `[0, 0, ...]` in the slice.
    pub fn offset(&self) -> usize {
        self.offset
    }

    /// Number of axes.
    pub fn ndim(&self) -> usize {
        self.shape.len()
    }

    /// Number of elements.
    pub fn len(&self) -> usize {
        self.shape.iter().product()
    }

    /// Whether some axis has length 0.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The shape of a copy: the view's shape, or its groups after
    /// [`flatten`](Self::flatten).
    pub fn copy_shape(&self) -> &[usize] {
        &self.copy_shape
    }

    /// The element at `index` (one coordinate per axis), if in range.
    pub fn get(&self, index: &[usize]) -> Option<&'a T> {
        let at = locate(&self.shape, &self.strides, self.offset, index).ok()?;
        self.data.get(usize::try_from(at).ok()?)
    }

    /// The view as an N-d strided view (shape and strides allocated as
    /// `Vec::to_vec` allocates).
    pub fn as_array(&self) -> NdView<'a, T> {
        NdView::from_checked(
            self.data,
            self.shape.clone(),
            self.strides.clone(),
            self.offset,
        )
    }

    fn check_axis(&self, axis: usize, what: &str) -> Result<()> {
        if axis >= self.ndim() {
            bail!(
                InvalidArgument,
                "cannot {what} axis {axis}: the view has {} axes (shape {})",
                self.ndim(),
                Short(&self.shape)
            );
        }
        Ok(())
    }

    /// Splits `axis` (length `a*b`, stride `s`) into two axes `(a, b)` with
    /// strides `(b*s, s)`: numpy's `reshape` of one axis, without a copy.
    /// The copy shape becomes the new shape.
    ///
    /// Fails, naming the numbers, when `axis` is not an axis of the view or
    /// `a*b` is not its length.
    ///
    /// ```
    /// use patch_core::{ArrangedView, ErrorKind, Layout};
    ///
    /// let x = vec![0f32; 3 * 225];
    /// let v = ArrangedView::new(&x, &Layout::of::<f32>(&[3, 225])?)?;
    /// assert_eq!(v.clone().split(1, [15, 15])?.strides(), &[225, 15, 1]);
    /// let e = v.split(1, [16, 14]).unwrap_err();
    /// assert_eq!(e.kind(), ErrorKind::InvalidArgument);
    /// assert_eq!(e.message(), "cannot split axis 1 of length 225 into 16 x 14 = 224");
    /// # Ok::<(), patch_core::PatchError>(())
    /// ```
    pub fn split(self, axis: usize, [a, b]: [usize; 2]) -> Result<Self> {
        self.check_axis(axis, "split")?;
        let (len, s) = (self.shape[axis], self.strides[axis]);
        if a.checked_mul(b) != Some(len) {
            match a.checked_mul(b) {
                Some(p) => bail!(
                    InvalidArgument,
                    "cannot split axis {axis} of length {len} into {a} x {b} = {p}"
                ),
                None => bail!(
                    InvalidArgument,
                    "cannot split axis {axis} of length {len} into {a} x {b} (the product overflows)"
                ),
            }
        }
        // With a >= 2, b*s is the distance between indices 0 and b of the
        // old axis, both reachable: it fits. With a <= 1 the outer axis has
        // no second index and its stride is never used: 0 if it overflows.
        let outer = match isize::try_from(b).ok().and_then(|b| b.checked_mul(s)) {
            Some(o) => o,
            None if a <= 1 || len == 0 => 0,
            None => bail!(
                Overflow,
                "splitting axis {axis} (stride {s}) into {a} x {b}: the stride {b} * {s} overflows isize"
            ),
        };
        let mut shape = try_with_room(&self.shape)?;
        let mut strides = try_with_room(&self.strides)?;
        shape[axis] = a;
        shape.insert(axis + 1, b);
        strides[axis] = outer;
        strides.insert(axis + 1, s);
        let copy_shape = try_to_vec(&shape)?;
        Ok(ArrangedView {
            shape,
            strides,
            copy_shape,
            ..self
        })
    }

    /// Reorders the axes: axis `i` of the result is axis `order[i]` of the
    /// view (numpy's `transpose(order)`), without a copy. The copy shape
    /// becomes the new shape.
    ///
    /// Fails, naming the numbers, when `order` is not a permutation of
    /// every axis.
    pub fn permute(self, order: &[usize]) -> Result<Self> {
        let n = self.ndim();
        if order.len() != n {
            bail!(
                RankMismatch,
                "the permutation {} has {} axes but the view has {n} (shape {})",
                Short(order),
                order.len(),
                Short(&self.shape)
            );
        }
        let mut seen = try_zeroed::<bool>(n)?;
        for &a in order {
            if a >= n {
                bail!(
                    InvalidArgument,
                    "the permutation {} names axis {a}, but the view has {n} axes",
                    Short(order)
                );
            }
            if seen[a] {
                bail!(
                    InvalidArgument,
                    "the permutation {} names axis {a} twice",
                    Short(order)
                );
            }
            seen[a] = true;
        }
        self.select(order)
    }

    /// The view of the axes `axes` of this one, in that order (checked by
    /// the caller), its copy unflattened.
    fn select(self, axes: &[usize]) -> Result<Self> {
        let shape = try_collect(axes.iter().map(|&a| self.shape[a]))?;
        let strides = try_collect(axes.iter().map(|&a| self.strides[a]))?;
        let copy_shape = try_to_vec(&shape)?;
        Ok(ArrangedView {
            shape,
            strides,
            copy_shape,
            ..self
        })
    }

    /// Shapes the copy (not the view) into `groups.len()` axes: output
    /// axis `g` is the product of the next `groups[g]` axes of the view
    /// (a group of 0 axes has length 1). numpy's final `reshape` of a
    /// transposed array, which no strides express in general and which the
    /// copy makes for free, since it writes C order.
    ///
    /// Fails when the groups do not cover every axis exactly once.
    pub fn flatten(self, groups: &[usize]) -> Result<Self> {
        let total = groups.iter().try_fold(0usize, |t, &g| t.checked_add(g));
        if total != Some(self.ndim()) {
            bail!(
                RankMismatch,
                "the groups {} do not cover the {} axes of the view (shape {}) once each",
                Short(groups),
                self.ndim(),
                Short(&self.shape)
            );
        }
        let mut at = 0;
        let copy_shape = try_collect(groups.iter().map(|&g| {
            let n = self.shape[at..at + g].iter().product();
            at += g;
            n
        }))?;
        Ok(ArrangedView { copy_shape, ..self })
    }

    /// An einops `rearrange` pattern over the view's axes, as splits, one
    /// permutation and the flatten of the copy: `"b c (h p1) (w p2) -> b
    /// (h w) (p1 p2 c)"` with `sizes` `[("p1", 16), ("p2", 16)]` is timm's
    /// patchify. The left side names every axis of the view (a group
    /// `(h p1)` splits one axis, one size of a group may be left out and is
    /// inferred); the right side names every axis once, a group `(h w)`
    /// being one axis of the copy (a `flatten`). Names are letters, digits
    /// and `_`, not starting with a digit.
    ///
    /// Errors name the numbers: a size that does not divide its axis
    /// (`'h' is not divisible by p1=16: axis 2 '(h p1)' has length 225`),
    /// an unknown or repeated axis, a left side of another rank than the
    /// view, a missing size.
    ///
    /// ```
    /// use patch_core::{ArrangedView, Layout};
    ///
    /// // A 4x6 RGB image (HWC) as 2x3 patches in (C, ph, pw) order.
    /// let x: Vec<u8> = (0..4 * 6 * 3).collect();
    /// let v = ArrangedView::new(&x, &Layout::of::<u8>(&[4, 6, 3])?)?
    ///     .rearrange("(h ph) (w pw) c -> (h w) (c ph pw)", &[("ph", 2), ("pw", 3)])?;
    /// let tokens = v.extract()?;
    /// assert_eq!(tokens.shape(), &[4, 18]);
    /// assert_eq!(&tokens.data()[..6], &[0, 3, 6, 18, 21, 24]); // channel 0 of patch 0
    /// let e = ArrangedView::new(&x, &Layout::of::<u8>(&[4, 6, 3])?)?
    ///     .rearrange("(h p) w c -> h w p c", &[("p", 3)])
    ///     .unwrap_err();
    /// assert_eq!(e.message(), "'h' is not divisible by p=3: axis 0 '(h p)' has length 4");
    /// # Ok::<(), patch_core::PatchError>(())
    /// ```
    pub fn rearrange(self, pattern: &str, sizes: &[(&str, usize)]) -> Result<Self> {
        let Some((left, right)) = pattern.split_once("->") else {
            bail!(
                InvalidArgument,
                "the pattern '{pattern}' has no '->' between its input and output axes"
            );
        };
        let left = parse_side(left, "left")?;
        let right = parse_side(right, "right")?;
        if left.len() != self.ndim() {
            bail!(
                RankMismatch,
                "the left side of '{pattern}' names {} axes but the view has {} (shape {})",
                left.len(),
                self.ndim(),
                Short(&self.shape)
            );
        }
        let names_left: Vec<&str> = left.iter().flatten().copied().collect();
        let names_right: Vec<&str> = right.iter().flatten().copied().collect();
        for (side, names) in [("left", &names_left), ("right", &names_right)] {
            for (i, n) in names.iter().enumerate() {
                if names[..i].contains(n) {
                    bail!(
                        InvalidArgument,
                        "axis '{n}' is used twice on the {side} side of '{pattern}'"
                    );
                }
            }
        }
        if let Some(n) = names_right.iter().find(|n| !names_left.contains(n)) {
            bail!(
                InvalidArgument,
                "unknown axis '{n}' on the right side of '{pattern}': it is not on the left side"
            );
        }
        if let Some(n) = names_left.iter().find(|n| !names_right.contains(n)) {
            bail!(
                InvalidArgument,
                "axis '{n}' of the left side of '{pattern}' is missing on the right side"
            );
        }
        for (i, (n, _)) in sizes.iter().enumerate() {
            if !names_left.contains(n) {
                bail!(
                    InvalidArgument,
                    "a size is given for '{n}', which is not an axis of '{pattern}'"
                );
            }
            if sizes[..i].iter().any(|(m, _)| m == n) {
                bail!(InvalidArgument, "two sizes are given for '{n}'");
            }
        }
        let size_of_name = |n: &str| sizes.iter().find(|(m, _)| *m == n).map(|&(_, s)| s);
        // The length of every name, axis by axis.
        let mut lens: Vec<usize> = Vec::new();
        for (axis, group) in left.iter().enumerate() {
            let len = self.shape[axis];
            let text = match group.len() {
                1 => group[0].to_string(),
                _ => format!("({})", group.join(" ")),
            };
            let unknown: Vec<&str> = group
                .iter()
                .copied()
                .filter(|n| size_of_name(n).is_none())
                .collect();
            let known = group
                .iter()
                .filter_map(|n| size_of_name(n))
                .try_fold(1usize, |p, s| p.checked_mul(s));
            let Some(known) = known else {
                bail!(
                    InvalidArgument,
                    "the sizes of axis {axis} '{text}' overflow usize (its length is {len})"
                );
            };
            match unknown[..] {
                [] if known != len => bail!(
                    InvalidArgument,
                    "axis {axis} '{text}' has length {len}, but the sizes given multiply to {known}"
                ),
                [] => {}
                [u] => {
                    if known == 0 || !len.is_multiple_of(known) {
                        let given: Vec<String> = group
                            .iter()
                            .filter_map(|n| size_of_name(n).map(|s| format!("{n}={s}")))
                            .collect();
                        bail!(
                            InvalidArgument,
                            "'{u}' is not divisible by {}: axis {axis} '{text}' has length {len}",
                            given.join("*")
                        );
                    }
                }
                _ => bail!(
                    InvalidArgument,
                    "axis {axis} '{text}' splits into {} axes of unknown size ({}): give the sizes of all but one",
                    unknown.len(),
                    unknown.join(", ")
                ),
            }
            for n in group {
                lens.push(size_of_name(n).unwrap_or_else(|| len / known.max(1)));
            }
            if group.is_empty() && len != 1 {
                bail!(
                    InvalidArgument,
                    "axis {axis} '()' has length {len}: an empty group stands for an axis of length 1"
                );
            }
        }
        // Split from the last axis down so that earlier axis numbers hold.
        let mut v = self;
        let mut first = left.iter().map(|g| g.len()).sum::<usize>();
        for (axis, group) in left.iter().enumerate().rev() {
            first -= group.len();
            let parts = &lens[first..first + group.len()];
            match parts.len() {
                0 => {
                    // An empty group: the axis of length 1 goes away.
                    let keep: Vec<usize> = (0..v.ndim()).filter(|&a| a != axis).collect();
                    v = v.remove_unit(axis, &keep)?;
                }
                _ => {
                    for (i, _) in parts.iter().enumerate().take(parts.len() - 1) {
                        let rest: usize = parts[i + 1..].iter().product();
                        v = v.split(axis + i, [parts[i], rest])?;
                    }
                }
            }
        }
        let order: Vec<usize> = names_right
            .iter()
            .map(|n| names_left.iter().position(|m| m == n).unwrap_or(0))
            .collect();
        let groups: Vec<usize> = right.iter().map(|g| g.len()).collect();
        v.permute(&order)?.flatten(&groups)
    }

    /// Drops the length-1 `axis` (`keep` lists the other axes in order).
    fn remove_unit(self, axis: usize, keep: &[usize]) -> Result<Self> {
        debug_assert_eq!(self.shape[axis], 1);
        self.select(keep)
    }

    /// Keeps the indices `start..start + len` of `axis` (for the frames of
    /// complete temporal groups).
    pub(crate) fn narrow(mut self, axis: usize, start: usize, len: usize) -> Result<Self> {
        self.check_axis(axis, "narrow")?;
        let n = self.shape[axis];
        if start.checked_add(len).is_none_or(|e| e > n) {
            bail!(
                OutOfBounds,
                "indices {start}..{start}+{len} are out of range for axis {axis} of length {n}"
            );
        }
        if len > 0 {
            // In range: index `start` is reachable.
            self.offset = (self.offset as isize + start as isize * self.strides[axis]) as usize;
        }
        self.shape[axis] = len;
        self.copy_shape = try_to_vec(&self.shape)?;
        Ok(self)
    }

    /// Repeats the single index of a length-1 `axis` `n` times, by a stride
    /// of 0 (numpy's `broadcast_to`): a read-only view that reads one
    /// element several times.
    pub(crate) fn repeat(mut self, axis: usize, n: usize) -> Result<Self> {
        self.check_axis(axis, "repeat")?;
        if self.shape[axis] != 1 {
            bail!(
                InvalidArgument,
                "only an axis of length 1 repeats by a stride of 0; axis {axis} has length {}",
                self.shape[axis]
            );
        }
        self.shape[axis] = n;
        self.strides[axis] = 0;
        checked_product(&self.shape, "element count")?;
        self.copy_shape = try_to_vec(&self.shape)?;
        Ok(self)
    }

    /// Copies the view into a new C-contiguous array of shape
    /// [`copy_shape`](Self::copy_shape).
    pub fn extract(&self) -> Result<NdArray<T>> {
        self.extract_with(&ExtractOptions::new())
    }

    /// Copies the view into `dst`, which must hold exactly
    /// [`len`](Self::len) elements. Nothing is written on failure.
    pub fn extract_into(&self, dst: &mut [T]) -> Result<()> {
        self.extract_into_with(dst, &ExtractOptions::new())
    }

    /// Copies the view into a new array of element type `D`, converted and
    /// mapped as `opts` says ([`ExtractOptions`]; the same formula, bit for
    /// bit, as the copies of patch views). The affine's axis is an axis of
    /// this view: for the channel of Qwen2-VL tokens, axis 5 of
    /// `(gt, bh, bw, mh, mw, C, tp, ph, pw)`. The order must be
    /// [`PatchOrder::PatchMajor`] (the copy is C order; permute the view
    /// for another); the fill is never read (a view reads no padding).
    pub fn extract_with<D: Element>(&self, opts: &ExtractOptions<D>) -> Result<NdArray<D>> {
        self.check_options(opts)?;
        let mut dst = try_zeroed::<D>(self.len())?;
        self.extract_into_with(&mut dst, opts)?;
        NdArray::from_vec(try_to_vec(&self.copy_shape)?, dst)
    }

    /// [`extract_with`](Self::extract_with) into `dst` (exactly
    /// [`len`](Self::len) elements). Nothing is written on failure.
    pub fn extract_into_with<D: Element>(
        &self,
        dst: &mut [D],
        opts: &ExtractOptions<D>,
    ) -> Result<()> {
        self.check_options(opts)?;
        if dst.len() != self.len() {
            bail!(
                BufferSize,
                "the destination holds {} elements but the view (shape {}) has {}",
                dst.len(),
                Short(&self.shape),
                self.len()
            );
        }
        let affine = opts.get_affine();
        if T::DTYPE != D::DTYPE || affine.is_some() {
            let geom = Geometry::Strided {
                shape: &self.shape,
                strides: &self.strides,
                offset: self.offset,
            };
            return copy_converting_geometry(geom, self.data, dst, opts.get_fill(), affine);
        }
        let Some(dst) = cast_mut::<D, T>(dst) else {
            bail!(
                UnsupportedDtype,
                "cannot copy {} into {}",
                T::DTYPE.name(),
                D::DTYPE.name()
            );
        };
        let dims = self.shape.iter().copied().zip(self.strides.iter().copied());
        gather_view(dims, self.offset, as_bits(self.data), as_bits_mut(dst))
    }

    fn check_options<D: Element>(&self, opts: &ExtractOptions<D>) -> Result<()> {
        let affine = opts.get_affine();
        check_conversion(T::DTYPE, D::DTYPE, affine.is_some())?;
        if opts.get_order() != PatchOrder::PatchMajor {
            bail!(
                InvalidArgument,
                "an arranged view is copied in the C order of its axes; permute it instead of asking for feature-major order"
            );
        }
        if let Some(k) = affine.and_then(|a| a.axis()) {
            let Some(&len) = self.shape.get(k) else {
                bail!(
                    InvalidArgument,
                    "the affine runs along axis {k} of the view, but the view has {} axes (shape {})",
                    self.ndim(),
                    Short(&self.shape)
                );
            };
            let n = affine.map_or(0, |a| a.scale().len());
            if n != len {
                bail!(
                    InvalidArgument,
                    "the affine has {n} values but axis {k} of the view (shape {}) has length {len}",
                    Short(&self.shape)
                );
            }
        }
        Ok(())
    }
}

/// The axes of one side of an einops pattern: each a group of names (one
/// name for a plain axis).
fn parse_side<'p>(side: &'p str, which: &str) -> Result<Vec<Vec<&'p str>>> {
    let mut axes: Vec<Vec<&str>> = Vec::new();
    let mut group: Option<Vec<&str>> = None;
    let spaced = side.trim();
    let mut rest = spaced;
    while let Some(c) = rest.chars().next() {
        if c.is_whitespace() {
            rest = &rest[c.len_utf8()..];
        } else if c == '(' {
            if group.is_some() {
                bail!(
                    InvalidArgument,
                    "nested parentheses on the {which} side '{spaced}'"
                );
            }
            group = Some(Vec::new());
            rest = &rest[1..];
        } else if c == ')' {
            let Some(g) = group.take() else {
                bail!(
                    InvalidArgument,
                    "a ')' without its '(' on the {which} side '{spaced}'"
                );
            };
            axes.push(g);
            rest = &rest[1..];
        } else if c.is_ascii_alphabetic() || c == '_' {
            let end = rest
                .find(|ch: char| !(ch.is_ascii_alphanumeric() || ch == '_'))
                .unwrap_or(rest.len());
            let name = &rest[..end];
            match &mut group {
                Some(g) => g.push(name),
                None => axes.push(vec![name]),
            }
            rest = &rest[end..];
        } else {
            bail!(
                InvalidArgument,
                "unexpected '{c}' on the {which} side '{spaced}': axes are names of letters, digits and '_', grouped by parentheses"
            );
        }
    }
    if group.is_some() {
        bail!(
            InvalidArgument,
            "a '(' is not closed on the {which} side '{spaced}'"
        );
    }
    Ok(axes)
}

/// A copy of `v` with room for one more element.
fn try_with_room<E: Copy>(v: &[E]) -> Result<Vec<E>> {
    let mut out = crate::alloc::try_with_capacity(v.len() + 1)?;
    out.extend_from_slice(v);
    Ok(out)
}

/// The token order of Qwen2-VL and Qwen2.5-VL (`Qwen2VLImageProcessor`):
/// frames `[T, C, H, W]` cut into `patch_size` squares, grouped in
/// `merge_size x merge_size` blocks and `temporal_patch_size` frames, as
/// `[gt*gh*gw, C*tp*p*p]` tokens, in one copy.
///
/// The processor's lines, with `gt = T / tp`, `gh = H / p`, `gw = W / p`,
/// `bh = gh / m`, `bw = gw / m`:
///
/// ```text
/// patches.reshape(gt, tp, C, bh, m, p, bw, m, p)
///        .transpose(0, 3, 6, 4, 7, 2, 1, 5, 8)   # (gt, bh, bw, mh, mw, C, tp, ph, pw)
///        .reshape(gt * gh * gw, C * tp * p * p)
/// ```
///
/// are, here, [`ArrangedView::split`]s of `T`, `H` and `W`, one
/// [`ArrangedView::permute`] and a [`ArrangedView::flatten`]`(&[5, 4])`.
///
/// **An odd number of frames.** When `T` is not a multiple of `tp` the
/// processor appends copies of the last frame up to a multiple. With one
/// frame left over (every odd `T` for `tp = 2`, a single image included)
/// the last temporal group is that frame read `tp` times, which a view
/// expresses with a stride of 0 along the `tp` axis: the complete groups
/// are one view, the last group another whose `tp` axis has stride 0, and
/// the two copies fill the two ends of the output (the last group's tokens
/// are its last rows). Left-overs of 2 or more frames (only possible when
/// `tp >= 3`) would need a clamped index, which no stride expresses; they
/// are refused with the numbers.
///
/// ```
/// use patch_core::{ExtractOptions, Layout, Qwen2Vl};
///
/// // 3 frames of 3x56x84: 2 temporal groups (the last frame repeated),
/// // a 4x6 grid of 14x14 patches, 1176 features per token.
/// let (t, c, h, w) = (3, 3, 56, 84);
/// let frames: Vec<f32> = (0..t * c * h * w).map(|i| i as f32).collect();
/// let layout = Layout::of::<f32>(&[t, c, h, w])?;
/// let q = Qwen2Vl::default();
/// assert_eq!(q.grid(&layout)?, [2, 4, 6]);
/// let tokens = q.extract_with(&frames, &layout, &ExtractOptions::<f32>::new())?;
/// assert_eq!(tokens.shape(), &[2 * 4 * 6, 3 * 2 * 14 * 14]);
/// // Token 1 is merge block (0, 0), position (0, 1): its first feature is
/// // channel 0, frame 0, pixel (0, 14).
/// assert_eq!(tokens[[1, 0]], frames[14]);
/// // The last group reads frame 2 twice: features (c 0, tp 0) and (c 0, tp 1) agree.
/// let last = 2 * 4 * 6 - 1;
/// assert_eq!(tokens[[last, 0]], tokens[[last, 14 * 14]]);
/// # Ok::<(), patch_core::PatchError>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Qwen2Vl {
    /// Side of a patch in pixels (`patch_size`, 14).
    pub patch_size: usize,
    /// Side of a merge block in patches (`merge_size`, 2).
    pub merge_size: usize,
    /// Frames per token (`temporal_patch_size`, 2).
    pub temporal_patch_size: usize,
}

impl Default for Qwen2Vl {
    /// Qwen2-VL's and Qwen2.5-VL's geometry: 14, 2, 2.
    fn default() -> Self {
        Qwen2Vl {
            patch_size: 14,
            merge_size: 2,
            temporal_patch_size: 2,
        }
    }
}

impl Qwen2Vl {
    /// `(gt, gh, gw)` of frames laid out as `layout` (`[T, C, H, W]`): the
    /// processor's `image_grid_thw`. Fails, naming the numbers, for another
    /// rank, a zero size, `H` or `W` not a multiple of `patch_size *
    /// merge_size`, or a left-over of more than one frame.
    pub fn grid(&self, layout: &Layout) -> Result<[usize; 3]> {
        let (p, m, tp) = (self.patch_size, self.merge_size, self.temporal_patch_size);
        if p == 0 || m == 0 || tp == 0 {
            bail!(
                ZeroSize,
                "patch_size {p}, merge_size {m} and temporal_patch_size {tp} must all be at least 1"
            );
        }
        let &[t, _, h, w] = layout.shape() else {
            bail!(
                RankMismatch,
                "Qwen2-VL tokens are cut from frames [T, C, H, W], but the array has shape {}",
                Short(layout.shape())
            );
        };
        let Some(block) = p.checked_mul(m) else {
            bail!(Overflow, "patch_size {p} * merge_size {m} overflows usize");
        };
        for (name, len) in [("height", h), ("width", w)] {
            if !len.is_multiple_of(block) {
                bail!(
                    InvalidArgument,
                    "the {name} {len} is not a multiple of patch_size * merge_size = {p} * {m} = {block} (resize the frames first, as the processor's smart_resize does)"
                );
            }
        }
        let rest = t % tp;
        if rest > 1 {
            bail!(
                InvalidArgument,
                "{t} frames leave {rest} frames in the last group of temporal_patch_size {tp}: a view repeats one left-over frame (a stride of 0) but cannot express the clamped index of {rest}"
            );
        }
        Ok([t.div_ceil(tp), h / p, w / p])
    }

    /// The complete temporal groups of `frames` (`groups` of them from
    /// frame `first`, `tp` frames apart or, with `repeat`, one frame read
    /// `tp` times) as the arranged token view.
    fn tokens<'a, S: Element>(
        &self,
        frames: &'a [S],
        layout: &Layout,
        first: usize,
        groups: usize,
        repeat: bool,
    ) -> Result<ArrangedView<'a, S>> {
        let (p, m, tp) = (self.patch_size, self.merge_size, self.temporal_patch_size);
        let [_, c, h, w] = [0, 1, 2, 3].map(|i| layout.shape()[i]);
        let v = ArrangedView::new(frames, layout)?;
        let v = if repeat {
            v.narrow(0, first, 1)?.repeat(0, tp)?
        } else {
            v.narrow(0, first, groups * tp)?
        };
        // (T, C, H, W) -> (gt, tp, C, bh, m, p, bw, m, p)
        let v = v
            .split(0, [groups, tp])?
            .split(3, [h / (p * m), p * m])?
            .split(4, [m, p])?
            .split(6, [w / (p * m), p * m])?
            .split(7, [m, p])?;
        debug_assert_eq!(v.shape()[2], c);
        v.permute(&[0, 3, 6, 4, 7, 2, 1, 5, 8])?.flatten(&[5, 4])
    }

    /// Copies the tokens of `frames` (laid out as `layout`, `[T, C, H, W]`)
    /// into a new `[gt*gh*gw, C*tp*p*p]` array of `D`, converted and mapped
    /// as `opts` says. The affine's axis is an axis of the token view
    /// `(gt, bh, bw, mh, mw, C, tp, ph, pw)`: **5** for the channel
    /// (the processor's per-channel `image_mean`/`image_std`).
    pub fn extract_with<S: Element, D: Element>(
        &self,
        frames: &[S],
        layout: &Layout,
        opts: &ExtractOptions<D>,
    ) -> Result<NdArray<D>> {
        let [gt, gh, gw] = self.grid(layout)?;
        let rows = checked_product(&[gt, gh, gw], "token count")?;
        let cols = checked_product(
            &[
                layout.shape()[1],
                self.temporal_patch_size,
                self.patch_size,
                self.patch_size,
            ],
            "token length",
        )?;
        let n = rows.checked_mul(cols).ok_or_else(|| {
            crate::error::err!(Overflow, "{rows} tokens of {cols} overflow usize")
        })?;
        let mut dst = try_zeroed::<D>(n)?;
        self.extract_into_with(frames, layout, &mut dst, opts)?;
        NdArray::from_vec(vec![rows, cols], dst)
    }

    /// [`extract_with`](Self::extract_with) into `dst`, which must hold
    /// exactly `gt*gh*gw * C*tp*p*p` elements. Nothing is written on
    /// failure.
    pub fn extract_into_with<S: Element, D: Element>(
        &self,
        frames: &[S],
        layout: &Layout,
        dst: &mut [D],
        opts: &ExtractOptions<D>,
    ) -> Result<()> {
        let [gt, ..] = self.grid(layout)?;
        let tp = self.temporal_patch_size;
        let t = layout.shape()[0];
        let full = t / tp;
        let head = self.tokens(frames, layout, 0, full, false)?;
        let tail = match t % tp {
            0 => None,
            _ => Some(self.tokens(frames, layout, t - 1, 1, true)?),
        };
        let need = head.len() + tail.as_ref().map_or(0, |v| v.len());
        debug_assert_eq!(gt, full + tail.is_some() as usize);
        if dst.len() != need {
            bail!(
                BufferSize,
                "the destination holds {} elements but {} frames of shape {} need {need}",
                dst.len(),
                t,
                Short(&layout.shape()[1..])
            );
        }
        // Checked before the first write: the two copies share options.
        head.check_options(opts)?;
        let (a, b) = dst.split_at_mut(head.len());
        head.extract_into_with(a, opts)?;
        if let Some(tail) = tail {
            tail.extract_into_with(b, opts)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use crate::{ArrangedView, ErrorKind, ExtractOptions, Layout, PatchOrder};

    fn msg(r: crate::Result<ArrangedView<'_, u8>>) -> (ErrorKind, String) {
        let e = r.unwrap_err();
        (e.kind(), e.message().to_string())
    }

    #[test]
    fn pattern_errors_name_the_numbers() {
        let x = vec![0u8; 225 * 32];
        let v = ArrangedView::new(&x, &Layout::of::<u8>(&[1, 1, 225, 32]).unwrap()).unwrap();
        let timm = "b c (h p1) (w p2) -> b (h w) (p1 p2 c)";
        let s = [("p1", 16), ("p2", 16)];
        type Case<'c> = (&'c str, &'c [(&'c str, usize)], ErrorKind, &'c str);
        let cases: Vec<Case<'_>> = vec![
            (
                timm,
                &s,
                ErrorKind::InvalidArgument,
                "'h' is not divisible by p1=16: axis 2 '(h p1)' has length 225",
            ),
            (
                "b c h w",
                &[],
                ErrorKind::InvalidArgument,
                "the pattern 'b c h w' has no '->' between its input and output axes",
            ),
            (
                "b c h -> b c h",
                &[],
                ErrorKind::RankMismatch,
                "the left side of 'b c h -> b c h' names 3 axes but the view has 4 (shape [1, 1, 225, 32])",
            ),
            (
                "b c h w -> b c h q",
                &[],
                ErrorKind::InvalidArgument,
                "unknown axis 'q' on the right side of 'b c h w -> b c h q': it is not on the left side",
            ),
            (
                "b c h w -> b c h",
                &[],
                ErrorKind::InvalidArgument,
                "axis 'w' of the left side of 'b c h w -> b c h' is missing on the right side",
            ),
            (
                "b c h h -> b c h",
                &[],
                ErrorKind::InvalidArgument,
                "axis 'h' is used twice on the left side of 'b c h h -> b c h'",
            ),
            (
                "b c h w -> b c (h h) w",
                &[],
                ErrorKind::InvalidArgument,
                "axis 'h' is used twice on the right side of 'b c h w -> b c (h h) w'",
            ),
            (
                "b c (h p) w -> b c h p w",
                &[],
                ErrorKind::InvalidArgument,
                "axis 2 '(h p)' splits into 2 axes of unknown size (h, p): give the sizes of all but one",
            ),
            (
                "b c h w -> b c h w",
                &[("z", 2)],
                ErrorKind::InvalidArgument,
                "a size is given for 'z', which is not an axis of 'b c h w -> b c h w'",
            ),
            (
                "b c h w -> b c h w",
                &[("h", 224)],
                ErrorKind::InvalidArgument,
                "axis 2 'h' has length 225, but the sizes given multiply to 224",
            ),
            (
                "b c (h w -> b c h w",
                &[],
                ErrorKind::InvalidArgument,
                "a '(' is not closed on the left side 'b c (h w'",
            ),
            (
                "b c h) w -> b c h w",
                &[],
                ErrorKind::InvalidArgument,
                "a ')' without its '(' on the left side 'b c h) w'",
            ),
            (
                "b c ((h) w) -> b c h w",
                &[],
                ErrorKind::InvalidArgument,
                "nested parentheses on the left side 'b c ((h) w)'",
            ),
            (
                "b c h w -> b c h*w",
                &[],
                ErrorKind::InvalidArgument,
                "unexpected '*' on the right side 'b c h*w': axes are names of letters, digits and '_', grouped by parentheses",
            ),
        ];
        for (pattern, sizes, kind, want) in cases {
            let (k, m) = msg(v.clone().rearrange(pattern, sizes));
            assert_eq!((k, m.as_str()), (kind, want), "{pattern}");
        }
        // Split, permute and flatten refuse bad numbers too.
        assert_eq!(
            msg(v.clone().split(4, [1, 1])).1,
            "cannot split axis 4: the view has 4 axes (shape [1, 1, 225, 32])"
        );
        assert_eq!(
            msg(v.clone().split(2, [16, 14])).1,
            "cannot split axis 2 of length 225 into 16 x 14 = 224"
        );
        assert_eq!(
            msg(v.clone().split(2, [usize::MAX, 2])).1,
            "cannot split axis 2 of length 225 into 18446744073709551615 x 2 (the product overflows)"
        );
        assert_eq!(
            msg(v.clone().permute(&[0, 1, 2])),
            (
                ErrorKind::RankMismatch,
                "the permutation [0, 1, 2] has 3 axes but the view has 4 (shape [1, 1, 225, 32])"
                    .into()
            )
        );
        assert_eq!(
            msg(v.clone().permute(&[0, 1, 2, 2])).1,
            "the permutation [0, 1, 2, 2] names axis 2 twice"
        );
        assert_eq!(
            msg(v.clone().permute(&[0, 1, 2, 7])).1,
            "the permutation [0, 1, 2, 7] names axis 7, but the view has 4 axes"
        );
        assert_eq!(
            msg(v.clone().flatten(&[2, 1])).1,
            "the groups [2, 1] do not cover the 4 axes of the view (shape [1, 1, 225, 32]) once each"
        );
        // Options the copy cannot honour, refused before writing.
        let mut dst = vec![7f32; v.len()];
        let e = v
            .extract_into_with(
                &mut dst,
                &ExtractOptions::new().order(PatchOrder::FeatureMajor),
            )
            .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidArgument);
        let e = v
            .extract_into_with(
                &mut dst,
                &ExtractOptions::new()
                    .affine(crate::Affine::per_axis(2, &[1.0; 2], &[0.0; 2]).unwrap()),
            )
            .unwrap_err();
        assert_eq!(
            e.message(),
            "the affine has 2 values but axis 2 of the view (shape [1, 1, 225, 32]) has length 225"
        );
        assert!(dst.iter().all(|&d| d == 7.0));
        let e = v.extract_into(&mut [0u8; 3]).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::BufferSize);
    }

    /// The family of the issue, on small arrays (so that Miri runs them):
    /// timm's patchify, `(C, ph, pw)` tokens of an HWC image, column-major
    /// patch order, each against a direct index computation.
    #[test]
    fn the_einops_family_reads_the_right_elements() {
        let (b, c, h, w, p) = (2, 3, 4, 6, 2);
        let x: Vec<u16> = (0..(b * c * h * w) as u16).collect();
        let at = |bi: usize, ci: usize, y: usize, xx: usize| x[((bi * c + ci) * h + y) * w + xx];
        let v = ArrangedView::new(&x, &Layout::of::<u16>(&[b, c, h, w]).unwrap()).unwrap();
        let t = v
            .rearrange(
                "b c (h p1) (w p2) -> b (h w) (p1 p2 c)",
                &[("p1", p), ("p2", p)],
            )
            .unwrap()
            .extract()
            .unwrap();
        let (gh, gw) = (h / p, w / p);
        assert_eq!(t.shape(), &[b, gh * gw, p * p * c]);
        for bi in 0..b {
            for k in 0..gh * gw {
                for f in 0..p * p * c {
                    let (p1, p2, ci) = (f / (p * c), f / c % p, f % c);
                    let want = at(bi, ci, k / gw * p + p1, k % gw * p + p2);
                    assert_eq!(t[[bi, k, f]], want);
                }
            }
        }
        // HWC -> (C, ph, pw) tokens, and column-major patches.
        let hwc: Vec<u16> = (0..(h * w * c) as u16).collect();
        let v = ArrangedView::new(&hwc, &Layout::of::<u16>(&[h, w, c]).unwrap()).unwrap();
        let chw = v
            .clone()
            .rearrange(
                "(h ph) (w pw) c -> (h w) (c ph pw)",
                &[("ph", p), ("pw", p)],
            )
            .unwrap()
            .extract_with(&ExtractOptions::<f32>::new())
            .unwrap();
        let cols = v
            .rearrange(
                "(h ph) (w pw) c -> (w h) (ph pw c)",
                &[("ph", p), ("pw", p)],
            )
            .unwrap()
            .extract()
            .unwrap();
        for k in 0..gh * gw {
            for f in 0..c * p * p {
                let (ci, y, xx) = (f / (p * p), f / p % p, f % p);
                let want = hwc[((k / gw * p + y) * w + k % gw * p + xx) * c + ci];
                assert_eq!(chw[[k, f]], want as f32);
                let (gx, gy) = (k / gh, k % gh);
                let (y, xx, ci) = (f / (p * c), f / c % p, f % c);
                assert_eq!(cols[[k, f]], hwc[((gy * p + y) * w + gx * p + xx) * c + ci]);
            }
        }
    }
}
