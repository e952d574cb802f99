//! Extracting patches: copying them out into a contiguous buffer, padding
//! included, with the options of the copy ([`ExtractOptions`]).

use crate::array::NdArray;
use crate::element::{Element, as_bits, as_bits_mut, cast, cast_mut};
use crate::error::{Result, bail, err};
use crate::plan::Plan;
use crate::spec::AxisRole;
use crate::strided::{Strided, copy_rows};
use crate::threads::{in_parts, parallel_parts};
use crate::walk::{PatchOrder, RunWeights, Sink, Walk, ordered};
use std::convert::Infallible;

/// Copies the pieces of a walk from `src` into `dst`. `dst` may be a part of
/// the whole output starting at element `first`.
struct CopySink<'a, T> {
    src: &'a [T],
    dst: &'a mut [T],
    first: usize,
    block: usize,
    fill: T,
}

impl<T: Copy> Sink for CopySink<'_, T> {
    const OVERWRITES: bool = true;

    #[inline]
    fn interior(
        &mut self,
        out: usize,
        src: usize,
        step: isize,
        n: usize,
        _real: bool,
        _w: RunWeights<'_>,
    ) {
        let b = self.block;
        let out = out - self.first;
        if n == 1 || step == b as isize {
            let len = n * b;
            copy_run(&mut self.dst[out..out + len], &self.src[src..src + len]);
        } else if b == 1 && step > 0 {
            let dst = &mut self.dst[out..out + n];
            match step {
                2 => gather_every::<T, 2>(dst, &self.src[src..]),
                3 => gather_every::<T, 3>(dst, &self.src[src..]),
                4 => gather_every::<T, 4>(dst, &self.src[src..]),
                _ => {
                    for (d, s) in dst
                        .iter_mut()
                        .zip(self.src[src..].iter().step_by(step as usize))
                    {
                        *d = *s;
                    }
                }
            }
        } else if b == 1 {
            let dst = &mut self.dst[out..out + n];
            let mut at = src as isize;
            for d in dst {
                *d = self.src[at as usize];
                at = at.wrapping_add(step);
            }
        } else {
            let mut at = src as isize;
            for chunk in self.dst[out..out + n * b].chunks_exact_mut(b) {
                let s = at as usize;
                copy_run(chunk, &self.src[s..s + b]);
                at = at.wrapping_add(step);
            }
        }
    }

    #[inline]
    fn rows(
        &mut self,
        out: usize,
        out_step: usize,
        src: usize,
        src_step: isize,
        rows: usize,
        n: usize,
        block: usize,
    ) {
        let len = n * block;
        let out = out - self.first;
        if out_step != len || rows == 0 {
            let mut at = src as isize;
            for r in 0..rows {
                let s = at as usize;
                let o = out + r * out_step;
                copy_run(&mut self.dst[o..o + len], &self.src[s..s + len]);
                at = at.wrapping_add(src_step);
            }
            return;
        }
        if src_step == len as isize {
            // The rows follow each other in the source too: one run.
            let n = rows * len;
            copy_run(&mut self.dst[out..out + n], &self.src[src..src + n]);
            return;
        }
        copy_rows(
            &mut self.dst[out..out + rows * len],
            self.src,
            src as isize,
            src_step,
            len,
        );
    }

    #[inline]
    fn remapped(&mut self, out: usize, src: usize) {
        let out = out - self.first;
        let b = self.block;
        self.dst[out..out + b].copy_from_slice(&self.src[src..src + b]);
    }

    #[inline]
    fn constant(&mut self, out: usize, n: usize) {
        let out = out - self.first;
        self.dst[out..out + n * self.block].fill(self.fill);
    }
}

/// `dst[i] = src[i * S]`: a strided gather written over chunks of `S`
/// elements so that the compiler can turn it into vector shuffles.
#[inline]
fn gather_every<T: Copy, const S: usize>(dst: &mut [T], src: &[T]) {
    let Some((last, head)) = dst.split_last_mut() else {
        return;
    };
    let (chunks, _) = src[..head.len() * S].as_chunks::<S>();
    for (d, c) in head.iter_mut().zip(chunks) {
        *d = c[0];
    }
    *last = src[head.len() * S];
}

/// Copies one contiguous run.
#[inline(always)]
fn copy_run<T: Copy>(dst: &mut [T], src: &[T]) {
    dst.copy_from_slice(src);
}

/// Checks that the plan's elements are `T`s (by size: the layout knows
/// only its item size); `what` names the buffer in the message.
pub(crate) fn check_itemsize<T: Element>(plan: &Plan, what: &str) -> Result<()> {
    check_item(plan, size_of::<T>(), what, T::DTYPE.name())
}

fn check_item(plan: &Plan, itemsize: usize, what: &str, type_name: &str) -> Result<()> {
    if plan.layout().itemsize() != itemsize {
        bail!(
            UnsupportedDtype,
            "the layout has {}-byte elements but the {what} holds {type_name} of {itemsize} bytes",
            plan.layout().itemsize()
        );
    }
    Ok(())
}

/// Checks `src` and `dst` against the plan for elements of `itemsize` bytes.
fn check_copy(
    plan: &Plan,
    itemsize: usize,
    src_len: usize,
    dst_len: usize,
    type_name: &str,
) -> Result<()> {
    check_item(plan, itemsize, "buffer", type_name)?;
    plan.layout().check_buffer(src_len)?;
    if dst_len != plan.copy_len() {
        bail!(
            BufferSize,
            "the destination holds {dst_len} elements but {} patches of {} elements need {}",
            plan.num_patches(),
            plan.patch_len(),
            plan.copy_len()
        );
    }
    Ok(())
}

/// A zeroed vector of `n` elements, or an allocation error instead of an abort.
pub(crate) fn alloc<T: Copy + Default>(n: usize) -> Result<Vec<T>> {
    let mut v = Vec::new();
    v.try_reserve_exact(n).map_err(|_| {
        err!(
            Allocation,
            "cannot allocate {n} elements of {} bytes",
            std::mem::size_of::<T>()
        )
    })?;
    v.resize(n, T::default());
    Ok(v)
}

/// Copies with a known fill value; the shared core of the typed and byte paths.
pub(crate) fn copy_patches<T: Copy + Send + Sync>(
    plan: &Plan,
    src: &[T],
    dst: &mut [T],
    order: PatchOrder,
    fill: T,
) {
    if plan.copy_len() == 0 {
        return;
    }
    let bytes = plan.copy_len() * size_of::<T>();
    if let Ok(view_strides) = plan.view_strides() {
        let (shape, strides) = ordered(plan, view_strides, order);
        let kernel = Strided::new(&shape, &strides, plan.layout().offset(), size_of::<T>());
        let (n, per) = kernel.split();
        let Ok(()) =
            in_parts::<T, Infallible>(dst, n, per, parallel_parts(n, bytes), |part, range| {
                kernel.gather(src, part, range.start, range.end);
                Ok(())
            });
        return;
    }
    let walk = Walk::new(
        plan,
        plan.layout().strides(),
        plan.layout().offset(),
        order,
        None,
    );
    let block = walk.block();
    let (n, per) = walk.split_axis();
    // In patch-major order the patches that read no padding are a strided
    // view: they go through the strided kernel, and only the border patches
    // through the row walker.
    let interior = match order {
        PatchOrder::PatchMajor => InteriorBox::of(plan, size_of::<T>()),
        PatchOrder::FeatureMajor => None,
    };
    let Ok(()) = in_parts::<T, Infallible>(dst, n, per, parallel_parts(n, bytes), |part, range| {
        if let Some(interior) = &interior {
            interior.gather(src, part, range.clone());
        }
        let mut sink = CopySink {
            src,
            dst: part,
            first: range.start * per,
            block,
            fill,
        };
        match &interior {
            Some(interior) => {
                for ranges in interior.border(&walk, range) {
                    walk.run_ranges(&ranges, &mut sink);
                }
            }
            None => walk.run_part(range, &mut sink),
        }
        Ok(())
    });
}

/// The patches of a padded plan that read no padding: per outer axis a
/// range of windows that lie inside the input (all of a batch axis), so
/// their copy is a strided gather (patch-major order only).
struct InteriorBox {
    /// Per outer axis: the interior range, its length in the output.
    ranges: Vec<std::ops::Range<usize>>,
    /// Per outer axis: (source stride, output stride) of one index.
    steps: Vec<(isize, usize)>,
    /// Source offset of outer index 0 on every axis (may lie in padding).
    origin: isize,
    /// The strided copy of one patch.
    patch: Strided,
}

impl InteriorBox {
    /// The interior box of `plan`, or `None` when no patch is interior.
    fn of(plan: &Plan, itemsize: usize) -> Option<Self> {
        let strides = plan.layout().strides();
        let mut ranges = Vec::new();
        let mut src_steps = Vec::new();
        let mut inner_strides = Vec::new();
        let mut origin = plan.layout().offset() as isize;
        for (a, &stride) in plan.axes().iter().zip(strides) {
            match a.role {
                AxisRole::Batch => {
                    ranges.push(0..a.len);
                    src_steps.push(stride);
                }
                AxisRole::Whole => inner_strides.push(stride),
                AxisRole::Window(w) => {
                    let extent = (w.size - 1) * w.dilation + 1;
                    let (lo, step) = (a.pad_lo, w.step);
                    // Windows at k*step - lo, inside when 0 <= that and
                    // that + extent <= len; a Cover-shifted last one is not linear.
                    let k0 = lo.div_ceil(step);
                    let linear = if a.cover_last.is_some() {
                        a.grid - 1
                    } else {
                        a.grid
                    };
                    let k1 = if a.len + lo >= extent {
                        ((a.len + lo - extent) / step + 1).min(linear)
                    } else {
                        0
                    };
                    if k0 >= k1 {
                        return None;
                    }
                    ranges.push(k0..k1);
                    src_steps.push((step as isize).wrapping_mul(stride));
                    inner_strides.push((w.dilation as isize).wrapping_mul(stride));
                    origin = origin.wrapping_sub((lo as isize).wrapping_mul(stride));
                }
            }
        }
        let outer = plan.outer_shape();
        let mut steps = vec![(0isize, 0usize); outer.len()];
        let mut acc = plan.patch_len();
        for m in (0..outer.len()).rev() {
            steps[m] = (src_steps[m], acc);
            acc *= outer[m];
        }
        let patch = Strided::new(plan.inner_shape(), &inner_strides, 0, itemsize);
        Some(InteriorBox {
            ranges,
            steps,
            origin,
            patch,
        })
    }

    /// Copies the interior patches whose first outer index lies in `part`
    /// into `dst`, the output of those indices.
    fn gather<T: Copy>(&self, src: &[T], dst: &mut [T], part: std::ops::Range<usize>) {
        let first = self.ranges[0].start.max(part.start);
        let last = self.ranges[0].end.min(part.end);
        if first >= last {
            return;
        }
        let mut boxes: Vec<(usize, isize, usize)> = self
            .ranges
            .iter()
            .zip(&self.steps)
            .map(|(r, &(s, d))| (r.len(), s, d))
            .collect();
        boxes[0].0 = last - first;
        let mut src0 = self.origin;
        let mut dst0 = 0usize;
        for (m, (r, &(s, d))) in self.ranges.iter().zip(&self.steps).enumerate() {
            let start = if m == 0 { first } else { r.start };
            src0 = src0.wrapping_add((start as isize).wrapping_mul(s));
            dst0 += if m == 0 {
                (start - part.start) * d
            } else {
                start * d
            };
        }
        let (n, _) = self.patch.split();
        self.patch.gather_boxes(src, dst, &boxes, src0, dst0, 0..n);
    }

    /// The loop-axis ranges of the walker that cover every border patch
    /// whose first outer index lies in `part`: disjoint products of ranges,
    /// outer axes first, every inner loop axis whole.
    fn border(
        &self,
        walk: &Walk<'_>,
        part: std::ops::Range<usize>,
    ) -> Vec<Vec<std::ops::Range<usize>>> {
        let mut full = walk.loop_ranges();
        full[0] = part.clone();
        // The box, with its first axis clipped to the part.
        let mut inside = self.ranges.clone();
        let s0 = inside[0].start.clamp(part.start, part.end);
        inside[0] = s0..inside[0].end.clamp(s0, part.end);
        let mut out = Vec::new();
        for i in 0..inside.len() {
            let below = full[i].start..inside[i].start;
            let above = inside[i].end..full[i].end;
            for piece in [below, above] {
                let mut ranges = full.clone();
                ranges[..i].clone_from_slice(&inside[..i]);
                ranges[i] = piece;
                if ranges.iter().all(|r| !r.is_empty()) {
                    out.push(ranges);
                }
            }
        }
        out
    }
}

/// [`copy_patches`] for an element type, moved as the unsigned integers of its
/// size so that one kernel serves every type of a width.
fn copy_typed<T: Element>(plan: &Plan, src: &[T], dst: &mut [T], order: PatchOrder, fill: T) {
    let fill = as_bits(std::slice::from_ref(&fill))[0];
    copy_patches(plan, as_bits(src), as_bits_mut(dst), order, fill);
}

/// How a copy of the patches is made: the order of the copy and the value
/// that constant padding reads, in the destination element type `D`.
///
/// The default is patch-major with a zero fill. The fields are private so
/// that options can be added (the element conversion and the affine of the
/// preprocessing issue) without breaking callers; set them with the builder
/// methods.
///
/// ```
/// use patch_core::{ExtractOptions, Layout, PadMode, Padding, PatchOrder, PatchSpec, Plan};
///
/// // 1-D windows of 3 with one sample of constant padding on each side.
/// let x = [1i64, 2, 3, 4];
/// let layout = Layout::of::<i64>(&[4]).unwrap();
/// let plan = Plan::new(&layout, &PatchSpec::tiles(&[3]), &Padding::explicit(&[(1, 1)], PadMode::Constant)).unwrap();
/// // The fill is an i64, exact beyond 2^53.
/// let opts = ExtractOptions::new().fill(i64::MAX).order(PatchOrder::PatchMajor);
/// let patches = plan.extract_with(&x, &opts).unwrap();
/// assert_eq!(patches.data(), &[i64::MAX, 1, 2, 3, 4, i64::MAX]);
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ExtractOptions<D> {
    order: PatchOrder,
    fill: D,
}

impl<D: Element> ExtractOptions<D> {
    /// Patch-major order, zero fill.
    pub fn new() -> Self {
        ExtractOptions {
            order: PatchOrder::PatchMajor,
            fill: D::default(),
        }
    }

    /// The order of the copy (default [`PatchOrder::PatchMajor`]).
    pub fn order(self, order: PatchOrder) -> Self {
        ExtractOptions { order, ..self }
    }

    /// The value [`PadMode::Constant`](crate::PadMode::Constant) padding
    /// reads, in the destination type (default zero). Other modes never
    /// read it.
    pub fn fill(self, value: D) -> Self {
        ExtractOptions {
            fill: value,
            ..self
        }
    }

    /// The order of the copy.
    pub fn get_order(&self) -> PatchOrder {
        self.order
    }

    /// The fill value.
    pub fn get_fill(&self) -> D {
        self.fill
    }
}

impl<D: Element> Default for ExtractOptions<D> {
    fn default() -> Self {
        ExtractOptions::new()
    }
}

impl Plan {
    /// Copies every patch of `src` into a new contiguous array: shape
    /// `[num_patches, patch_len]` (patch-major) or `[patch_len, num_patches]`
    /// (feature-major), with the plan's padding; constant padding reads
    /// zero (see [`extract_with`](Plan::extract_with) for another fill).
    ///
    /// ```
    /// use patch_core::{Layout, PadMode, Padding, PatchOrder, PatchSpec, Plan};
    ///
    /// // 3x3 windows over a 4x4 image with SAME zero padding: 16 patches.
    /// let image: Vec<f32> = (0..16).map(|v| v as f32).collect();
    /// let layout = Layout::of::<f32>(&[4, 4]).unwrap();
    /// let spec = PatchSpec::sliding(&[3, 3], &[1, 1]).unwrap();
    /// let plan = Plan::new(&layout, &spec, &Padding::same(PadMode::Constant)).unwrap();
    /// let patches = plan.extract(&image, PatchOrder::PatchMajor).unwrap();
    /// assert_eq!(patches.shape(), &[16, 9]);
    /// // The top-left patch reads padding above and left of element 0.
    /// assert_eq!(&patches.data()[..9], &[0., 0., 0., 0., 0., 1., 0., 4., 5.]);
    /// ```
    pub fn extract<T: Element>(&self, src: &[T], order: PatchOrder) -> Result<NdArray<T>> {
        self.extract_with(src, &ExtractOptions::new().order(order))
    }

    /// Copies every patch of `src` into `dst`, which must hold exactly
    /// [`copy_len`](Plan::copy_len) elements; constant padding reads zero.
    /// Nothing is written on failure.
    pub fn extract_into<T: Element>(
        &self,
        src: &[T],
        dst: &mut [T],
        order: PatchOrder,
    ) -> Result<()> {
        self.extract_into_with(src, dst, &ExtractOptions::new().order(order))
    }

    /// Copies every patch of `src` into a new contiguous array of element
    /// type `D`, as `opts` says (order, fill value).
    ///
    /// Until element conversion lands, `D` must be the source type `S`;
    /// another type is [`UnsupportedDtype`](crate::ErrorKind::UnsupportedDtype),
    /// naming both.
    pub fn extract_with<S: Element, D: Element>(
        &self,
        src: &[S],
        opts: &ExtractOptions<D>,
    ) -> Result<NdArray<D>> {
        same_type::<S, D>()?;
        check_copy(
            self,
            size_of::<S>(),
            src.len(),
            self.copy_len(),
            S::DTYPE.name(),
        )?;
        let mut dst = alloc::<D>(self.copy_len())?;
        self.extract_into_with(src, &mut dst, opts)?;
        NdArray::from_vec(self.copy_shape(opts.order).to_vec(), dst)
    }

    /// Copies every patch of `src` into `dst` (exactly
    /// [`copy_len`](Plan::copy_len) elements of type `D`), as `opts` says.
    /// Nothing is written on failure. `D` must be the source type, as for
    /// [`extract_with`](Plan::extract_with).
    pub fn extract_into_with<S: Element, D: Element>(
        &self,
        src: &[S],
        dst: &mut [D],
        opts: &ExtractOptions<D>,
    ) -> Result<()> {
        same_type::<S, D>()?;
        check_copy(self, size_of::<S>(), src.len(), dst.len(), S::DTYPE.name())?;
        // Same type (checked above): the casts are identities.
        let (Some(dst), Some(&[fill])) = (
            cast_mut::<D, S>(dst),
            cast::<D, S>(std::slice::from_ref(&opts.fill)),
        ) else {
            bail!(
                UnsupportedDtype,
                "cannot extract {} into {}",
                S::DTYPE.name(),
                D::DTYPE.name()
            );
        };
        copy_typed(self, src, dst, opts.order, fill);
        Ok(())
    }

    /// Copies patches between byte buffers, for bindings that know only the
    /// item size at run time (the C ABI); Rust callers use the typed
    /// [`extract_into_with`](Plan::extract_into_with).
    ///
    /// `fill` holds the bytes of one element for constant padding (empty
    /// means zeros). Item sizes 1, 2, 4, 8 and 16 are supported; `src` and
    /// `dst` need no alignment.
    pub fn extract_bytes(
        &self,
        src: &[u8],
        dst: &mut [u8],
        order: PatchOrder,
        fill: &[u8],
    ) -> Result<()> {
        let item = self.layout().itemsize();
        if !fill.is_empty() && fill.len() != item {
            bail!(
                InvalidArgument,
                "the fill value has {} bytes but elements have {item}",
                fill.len()
            );
        }
        if !src.len().is_multiple_of(item) || !dst.len().is_multiple_of(item) {
            bail!(
                BufferSize,
                "buffers of {} and {} bytes are not whole numbers of {item}-byte elements",
                src.len(),
                dst.len()
            );
        }
        fn run<const N: usize>(
            plan: &Plan,
            src: &[u8],
            dst: &mut [u8],
            order: PatchOrder,
            fill: &[u8],
        ) -> Result<()> {
            let (src, _) = src.as_chunks::<N>();
            let (dst, _) = dst.as_chunks_mut::<N>();
            check_copy(plan, N, src.len(), dst.len(), "items")?;
            let mut value = [0u8; N];
            if !fill.is_empty() {
                value.copy_from_slice(fill);
            }
            copy_patches(plan, src, dst, order, value);
            Ok(())
        }
        match item {
            1 => run::<1>(self, src, dst, order, fill),
            2 => run::<2>(self, src, dst, order, fill),
            4 => run::<4>(self, src, dst, order, fill),
            8 => run::<8>(self, src, dst, order, fill),
            16 => run::<16>(self, src, dst, order, fill),
            _ => bail!(
                UnsupportedDtype,
                "item size {item} is not supported by byte copies (1, 2, 4, 8 or 16)"
            ),
        }
    }
}

/// Refuses a copy from `S` into another type `D` (element conversion is
/// not implemented yet).
fn same_type<S: Element, D: Element>() -> Result<()> {
    if S::DTYPE != D::DTYPE {
        bail!(
            UnsupportedDtype,
            "extracting {} patches as {} is not supported yet: the destination type must be the source type",
            S::DTYPE.name(),
            D::DTYPE.name()
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::{
        ErrorKind, ExtractOptions, Layout, PadMode, Padding, PatchOrder, PatchSpec, PatchViewMut,
        Plan, Reduce,
    };

    /// Every path that moves elements as bits (copy, scatter, assign), on
    /// small arrays so that it also runs under Miri.
    #[test]
    fn typed_paths_move_elements_exactly() {
        let x: Vec<f64> = (0..4 * 6 * 2).map(|v| v as f64 * 0.5 - 3.0).collect();
        let layout = Layout::of::<f64>(&[4, 6, 2]).unwrap();
        let tiles = Plan::valid(&layout, &PatchSpec::tiles(&[2, 3]).channels_last()).unwrap();
        let copy = tiles.extract(&x, PatchOrder::PatchMajor).unwrap();
        assert_eq!(&copy.data()[..6], &[x[0], x[1], x[2], x[3], x[4], x[5]]);
        assert_eq!(
            tiles
                .fold(copy.data(), PatchOrder::PatchMajor, &Reduce::Mean)
                .unwrap()
                .data(),
            x
        );
        let mut y = vec![0.0f64; x.len()];
        PatchViewMut::new(&mut y, &layout, tiles.spec())
            .unwrap()
            .assign(copy.data(), PatchOrder::PatchMajor)
            .unwrap();
        assert_eq!(y, x);
        let small: Vec<i16> = (0..10).collect();
        let frames = Plan::new(
            &Layout::of::<i16>(&[10]).unwrap(),
            &PatchSpec::frames(4, 3),
            &Padding::explicit(&[(1, 2)], PadMode::Constant),
        )
        .unwrap();
        let got = frames
            .extract_with(&small, &ExtractOptions::new().fill(-1i16))
            .unwrap();
        assert_eq!(
            got.data(),
            &[-1, 0, 1, 2, 2, 3, 4, 5, 5, 6, 7, 8, 8, 9, -1, -1]
        );
    }

    #[test]
    fn a_copy_into_another_type_names_both_types() {
        let plan = Plan::valid(&Layout::of::<u8>(&[4]).unwrap(), &PatchSpec::tiles(&[2])).unwrap();
        let e = plan
            .extract_with(&[1u8, 2, 3, 4], &ExtractOptions::<f32>::new())
            .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::UnsupportedDtype);
        assert_eq!(
            e.to_string(),
            "unsupported dtype: extracting uint8 patches as float32 is not supported yet: the destination type must be the source type"
        );
        // Same width, other type: refused too, and nothing is written.
        let mut dst = [7i8; 4];
        let e = plan
            .extract_into_with(&[1u8, 2, 3, 4], &mut dst, &ExtractOptions::new())
            .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::UnsupportedDtype);
        assert_eq!(dst, [7; 4]);
        let opts = ExtractOptions::<u8>::default();
        assert_eq!(
            (opts.get_order(), opts.get_fill()),
            (PatchOrder::PatchMajor, 0)
        );
        let opts = opts.order(PatchOrder::FeatureMajor).fill(9);
        assert_eq!(
            (opts.get_order(), opts.get_fill()),
            (PatchOrder::FeatureMajor, 9)
        );
        assert_eq!(
            plan.extract_with(&[1u8, 2, 3, 4], &opts).unwrap().data(),
            &[1, 3, 2, 4]
        );
    }
}
