//! Converting copies: the patches of a plan copied into another element
//! type, each element mapped by an [`Affine`] on the way, in the same
//! single pass that cuts them (the row walker of [`walk`](crate::walk)
//! with a sink that converts, on several threads for large copies).
//!
//! The formula, bit for bit: without an affine, `y = round_D(x)`, one
//! rounding to nearest even of the exact source value. With one, for an
//! `f32`, `f16` or `bf16` destination, `y = round_D(f32(x) * scale +
//! shift)`: `f32(x)` rounds the source value to nearest even (exact for
//! every integer of 24 bits or less and for `f16`/`bf16`), the product and
//! the sum are each rounded in `f32` (no fused multiply-add), and `round_D`
//! rounds to nearest even; for an `f64` destination the same in `f64`.
//! Constant padding writes the fill value as given, in destination units.

use std::ops::{Add, Mul};

use half::slice::HalfFloatSliceExt;
use half::{bf16, f16};

use crate::affine::Affine;
use crate::alloc::try_zeroed;
use crate::element::{DType, Element, cast, cast_mut};
use crate::error::{Result, bail};
use crate::merge::{Merged, merge_axes};
use crate::odometer::{Axes, MAX_AXES, too_many_axes, walk_box};
use crate::order::PatchOrder;
use crate::order::ordered;
use crate::plan::Plan;
use crate::threads::{in_parts, parallel_parts};
use crate::walk::{Rows, RunWeights, Sink, Walk, rows_by_interior};

/// Refuses a copy from `src` into `dst` that no kernel makes: another
/// integer type, or an affine into an integer type.
pub(crate) fn check_conversion(src: DType, dst: DType, affine: bool) -> Result<()> {
    if dst.is_conversion_target() || (src == dst && !affine) {
        return Ok(());
    }
    if src == dst {
        bail!(
            UnsupportedDtype,
            "an affine (normalize, window) writes float32, float64, float16 or bfloat16, not {}: choose one of them as the destination type",
            dst.name()
        );
    }
    bail!(
        UnsupportedDtype,
        "cannot convert {} patches to {}: a converting copy writes float32, float64, float16 or bfloat16 (or the source type)",
        src.name(),
        dst.name()
    );
}

/// What a converting copy reads: the patches of a plan in an order, or a
/// checked strided array (an [`ArrangedView`](crate::ArrangedView)) in C
/// order, whose affine axis is an axis of the array.
#[derive(Clone, Copy)]
pub(crate) enum Geometry<'g> {
    /// The patches of a plan, in `order`.
    Plan(&'g Plan, PatchOrder),
    /// The elements of `shape`/`strides` from `offset`, in C order.
    Strided {
        shape: &'g [usize],
        strides: &'g [isize],
        offset: usize,
    },
}

/// Copies the patches of `plan` from `src` (type `S`) into `dst` (type
/// `D`, one of the conversion targets), mapped by `affine`. The caller has
/// checked both buffers; the tables are made before anything is written.
pub(crate) fn copy_converting<S: Element, D: Element>(
    plan: &Plan,
    src: &[S],
    dst: &mut [D],
    order: PatchOrder,
    fill: D,
    affine: Option<&Affine>,
) -> Result<()> {
    copy_converting_geometry(Geometry::Plan(plan, order), src, dst, fill, affine)
}

/// [`copy_converting`] for any [`Geometry`]; the caller has checked both
/// buffers (and, for a strided array, the affine's axis and length).
pub(crate) fn copy_converting_geometry<S: Element, D: Element>(
    geom: Geometry<'_>,
    src: &[S],
    dst: &mut [D],
    fill: D,
    affine: Option<&Affine>,
) -> Result<()> {
    macro_rules! to {
        ($d:ty) => {{
            let (Some(dst), Some(&[fill])) = (
                cast_mut::<D, $d>(dst),
                cast::<D, $d>(std::slice::from_ref(&fill)),
            ) else {
                bail!(
                    UnsupportedDtype,
                    "{} is not {}",
                    D::DTYPE.name(),
                    stringify!($d)
                );
            };
            from_source::<S, $d>(geom, src, dst, fill, affine)
        }};
    }
    match D::DTYPE {
        DType::F32 => to!(f32),
        DType::F64 => to!(f64),
        DType::F16 => to!(f16),
        DType::BF16 => to!(bf16),
        d => check_conversion(S::DTYPE, d, affine.is_some()),
    }
}

/// [`copy_converting`] once the destination type is known.
fn from_source<S: Element, D: Dest>(
    geom: Geometry<'_>,
    src: &[S],
    dst: &mut [D],
    fill: D,
    affine: Option<&Affine>,
) -> Result<()> {
    macro_rules! from {
        ($($d:ident => $s:ty),*) => {
            match S::DTYPE {
                $(DType::$d => match cast::<S, $s>(src) {
                    Some(src) => run::<$s, D>(geom, src, dst, fill, affine),
                    None => bail!(UnsupportedDtype, "{} is not {}", S::DTYPE.name(), stringify!($s)),
                },)*
            }
        };
    }
    from!(U8 => u8, I8 => i8, U16 => u16, I16 => i16, U32 => u32, I32 => i32, U64 => u64,
          I64 => i64, F32 => f32, F64 => f64, F16 => f16, BF16 => bf16)
}

/// The converting copy with both types known.
fn run<S: Source, D: Dest>(
    geom: Geometry<'_>,
    src: &[S],
    dst: &mut [D],
    fill: D,
    affine: Option<&Affine>,
) -> Result<()> {
    let (plan, order) = match geom {
        Geometry::Plan(plan, order) => (plan, order),
        Geometry::Strided {
            shape,
            strides,
            offset,
        } => {
            let len = dst.len();
            if len == 0 {
                return Ok(());
            }
            let map = Map::<D::Acc>::for_array(shape, len, affine)?;
            let dims = merge_axes(shape.iter().copied().zip(strides.iter().copied()))?;
            return run_view(dims, offset, len, src, dst, &map);
        }
    };
    if plan.copy_len() == 0 {
        return Ok(());
    }
    let map = Map::<D::Acc>::new(plan, order, affine)?;
    if let Ok(view_strides) = plan.view_strides() {
        let n_outer = plan.outer_shape().len();
        let dims = merge_axes(ordered(plan.shape(), view_strides, n_outer, order))?;
        return run_view(
            dims,
            plan.layout().offset(),
            plan.copy_len(),
            src,
            dst,
            &map,
        );
    }
    let walk = Walk::new(
        plan,
        plan.layout().strides(),
        plan.layout().offset(),
        order,
        None,
    )?;
    let block = walk.block();
    let (n, per) = walk.split_axis();
    let bytes = plan.copy_len() * size_of::<D>();
    in_parts::<D, std::convert::Infallible>(
        dst,
        n,
        per,
        parallel_parts(n, bytes),
        |part, range| {
            let mut sink = ConvertSink {
                src,
                dst: part,
                first: range.start * per,
                block,
                fill,
                map: &map,
            };
            walk.run_part(range, &mut sink);
            Ok(())
        },
    )
    .unwrap_or_else(|never| match never {});
    Ok(())
}

/// The converting copy of a view: its axes (`dims`, in the order of the
/// copy, merged; `copy_len` elements from `offset`), walked row by row (a
/// row is the innermost merged axis), each row converted by a kernel
/// compiled for its source step (ViT tokens from RGBA pixels read every
/// 4th byte) with the row's coefficients, one pair when they are equal
/// along the row.
fn run_view<S: Source, D: Dest>(
    mut dims: Vec<Merged>,
    offset: usize,
    copy_len: usize,
    src: &[S],
    dst: &mut [D],
    map: &Map<D::Acc>,
) -> Result<()> {
    let Merged {
        len: run,
        stride: step,
        ..
    } = dims.pop().unwrap_or(Merged {
        len: 1,
        stride: 1,
        first: 0,
    });
    if dims.len() > MAX_AXES {
        return Err(too_many_axes());
    }
    let rows = RowMap::new(map, run)?;
    let mut out_strides = Axes::<isize>::new();
    let mut per = run;
    for d in dims.iter().rev() {
        let _ = out_strides.push(per as isize);
        per *= d.len;
    }
    out_strides.reverse();
    // Interleaved pixels: a channel axis read by the deinterleaving kernel,
    // taken out of the walk (each step of the walk is then a pixel row of
    // every channel).
    let chan = Channels::find(&dims, &out_strides, run, step);
    let (n_all, per_all) = match dims.first() {
        Some(d) => (d.len, per / d.len),
        None => (1, per),
    };
    // With a channel axis, the innermost axis left (the rows of a patch)
    // is walked by the kernel too, unless the copy is split on it.
    let mut pixel_rows = (1, 0, 0);
    if let Some(ch) = &chan {
        dims.remove(ch.axis);
        let all = out_strides;
        out_strides = Axes::new();
        for (i, &s) in all.iter().enumerate() {
            let _ = i == ch.axis || out_strides.push(s);
        }
        if dims.len() >= 2
            && let (Some(d), Some(&o)) = (dims.pop(), out_strides.last())
        {
            pixel_rows = (d.len, d.stride, o as usize);
            let all = out_strides;
            out_strides = Axes::new();
            for &s in &all[..all.len() - 1] {
                let _ = out_strides.push(s);
            }
        }
    }
    let src_strides: Axes<isize> =
        Axes::try_from_iter(dims.iter().map(|d| d.stride)).ok_or_else(too_many_axes)?;
    let offset = offset as isize;
    let (n, per) = (n_all, per_all);
    let bytes = copy_len * size_of::<D>();
    in_parts::<D, std::convert::Infallible>(
        dst,
        n,
        per,
        parallel_parts(n, bytes),
        |part, range| {
            let mut ranges: Axes<std::ops::Range<usize>> =
                Axes::try_from_iter(dims.iter().map(|d| 0..d.len)).unwrap_or_else(Axes::new);
            let first = range.start * per;
            let mut src0 = offset;
            if let (Some(r), Some(d)) = (ranges.first_mut(), dims.first()) {
                src0 = offset.wrapping_add((range.start as isize).wrapping_mul(d.stride));
                *r = range;
            } else if range.is_empty() {
                return Ok(());
            }
            let mut cache = None;
            walk_box(&ranges, &src_strides, &out_strides, (src0, 0), |a, b| {
                let b = b as usize;
                match &chan {
                    None => rows.row(first + b, &mut part[b..b + run], src, a as usize, step),
                    Some(ch) => {
                        let px = Pixels {
                            first,
                            b,
                            at: a,
                            step,
                            run,
                            rows: pixel_rows,
                        };
                        rows.pixels(part, src, &px, ch, &mut cache)
                    }
                }
            });
            Ok(())
        },
    )
    .unwrap_or_else(|never| match never {});
    Ok(())
}

/// The coefficients of the rows of a view copy.
struct RowMap<'m, A> {
    map: &'m Map<A>,
    /// Patch-major per-feature maps: how many coefficients from each
    /// feature on are equal to its own (so a row starting there needs one).
    equal: Vec<usize>,
}

impl<'m, A: Acc + PartialEq> RowMap<'m, A> {
    fn new(map: &'m Map<A>, run: usize) -> Result<Self> {
        let mut equal = Vec::new();
        if let (Coeffs::Feature { scale, shift }, PatchOrder::PatchMajor) = (&map.coeffs, map.order)
            && run > 1
        {
            equal = try_zeroed(scale.len())?;
            let mut next = 0;
            for f in (0..scale.len()).rev() {
                let same =
                    f + 1 < scale.len() && scale[f] == scale[f + 1] && shift[f] == shift[f + 1];
                next = if same { next + 1 } else { 1 };
                equal[f] = next;
            }
        }
        Ok(RowMap { map, equal })
    }

    /// Converts one row: `dst.len()` elements read every `step` from
    /// `src[at]`, output position `out` on.
    #[inline]
    fn row<S: Source, D: Dest<Acc = A>>(
        &self,
        out: usize,
        dst: &mut [D],
        src: &[S],
        at: usize,
        step: isize,
    ) {
        let n = dst.len();
        let m = self.map;
        let coeffs = match &m.coeffs {
            Coeffs::Plain => None,
            Coeffs::Scalar(a, b) => Some((*a, *b)),
            Coeffs::Feature { scale, shift } => match m.order {
                PatchOrder::PatchMajor => {
                    let f = out % m.patch_len;
                    match self.equal.get(f) {
                        Some(&e) if e >= n => Some((scale[f], shift[f])),
                        _ => return m.strided(out, dst, src, at, step),
                    }
                }
                PatchOrder::FeatureMajor => {
                    let f = out / m.num_patches;
                    if out % m.num_patches + n <= m.num_patches {
                        Some((scale[f], shift[f]))
                    } else {
                        return m.strided(out, dst, src, at, step);
                    }
                }
            },
        };
        match step {
            1 => row_step::<S, D, 1>(dst, src, at, step, coeffs),
            2 => row_step::<S, D, 2>(dst, src, at, step, coeffs),
            3 => row_step::<S, D, 3>(dst, src, at, step, coeffs),
            4 => row_step::<S, D, 4>(dst, src, at, step, coeffs),
            _ => row_step::<S, D, 0>(dst, src, at, step, coeffs),
        }
    }
}

/// One row read every `K` elements from `src[at]` (`K = 0`: every `step`),
/// plainly converted or mapped by one coefficient pair.
#[inline(always)]
fn row_step<S: Source, D: Dest, const K: usize>(
    dst: &mut [D],
    src: &[S],
    at: usize,
    step: isize,
    coeffs: Option<(D::Acc, D::Acc)>,
) {
    let Some((last, head)) = dst.split_last_mut() else {
        return;
    };
    let one = |x: S| match coeffs {
        None => D::plain(x),
        Some((a, b)) => D::from_acc(D::acc(x) * a + b),
    };
    if K > 0 {
        // The row's source elements, `K` apart, as chunks of `K`: the
        // compiler turns the loop into vector shuffles.
        let (chunks, _) = src[at..at + head.len() * K].as_chunks::<K>();
        match coeffs {
            None => D::plain_chunks(head, chunks),
            Some((a, b)) => D::affine_chunks(head, chunks, a, b),
        }
        *last = one(src[at + head.len() * K]);
    } else {
        let mut pos = at as isize;
        for d in head.iter_mut() {
            *d = one(src[pos as usize]);
            pos = pos.wrapping_add(step);
        }
        *last = one(src[pos as usize]);
    }
}

/// The channel axis of a view copy over interleaved pixels, read by the
/// deinterleaving kernel: the innermost axis (the pixels of a row) steps
/// `K` = 3 or 4 elements, and another axis of `C <= K` channels steps one
/// element forward or back (RGB, RGBA, BGR, BGRA, with or without alpha),
/// so one pass over a row of pixels reads every channel of each pixel
/// together and writes the `C` output rows, one per channel.
struct Channels {
    /// The index of the channel axis among the merged axes.
    axis: usize,
    /// The number of channels.
    len: usize,
    /// The channels are read backwards (BGR as RGB).
    rev: bool,
    /// The output stride of one channel.
    out_stride: usize,
}

impl Channels {
    /// The channel whose source element is the `j`-th of a pixel's.
    #[inline]
    fn chan(&self, j: usize) -> usize {
        if self.rev { self.len - 1 - j } else { j }
    }

    /// The channel axis of `dims` (the merged axes but the innermost, of
    /// `run` elements `step` apart, with their output strides), if the
    /// kernel reads it. Not the first axis: the copy is split on that one.
    fn find(dims: &[Merged], out_strides: &[isize], run: usize, step: isize) -> Option<Channels> {
        if !matches!(step, 3 | 4) || run < 2 {
            return None;
        }
        let axis = (1..dims.len())
            .rev()
            .find(|&i| dims[i].stride.unsigned_abs() == 1)?;
        let len = dims[axis].len;
        let out_stride = usize::try_from(out_strides[axis]).ok()?;
        let fits = matches!((step, len), (3, 3) | (4, 3) | (4, 4)) && out_stride >= run;
        fits.then_some(Channels {
            axis,
            len,
            rev: dims[axis].stride < 0,
            out_stride,
        })
    }
}

impl<A: Acc + PartialEq> RowMap<'_, A> {
    /// The coefficients of the row of `n` elements at output position
    /// `out`: `Ok(None)` for a plain conversion, `Err(())` when they are
    /// not equal along the row.
    #[inline]
    fn uniform(&self, out: usize, n: usize) -> std::result::Result<Option<(A, A)>, ()> {
        let m = self.map;
        match &m.coeffs {
            Coeffs::Plain => Ok(None),
            Coeffs::Scalar(a, b) => Ok(Some((*a, *b))),
            Coeffs::Feature { scale, shift } => match m.order {
                PatchOrder::PatchMajor => {
                    let f = out % m.patch_len;
                    match self.equal.get(f) {
                        Some(&e) if e >= n => Ok(Some((scale[f], shift[f]))),
                        _ => Err(()),
                    }
                }
                PatchOrder::FeatureMajor => {
                    let f = out / m.num_patches;
                    if out % m.num_patches + n <= m.num_patches {
                        Ok(Some((scale[f], shift[f])))
                    } else {
                        Err(())
                    }
                }
            },
        }
    }

    /// The coefficients of channels `chan(0..C)` of the pixel rows of
    /// `px`: `Ok(None)` for a plain conversion, `Err(())` when they are not
    /// equal along each row or from row to row. Patch-major copies repeat
    /// them patch after patch: `cache` keeps the last answer by position in
    /// the patch.
    #[inline]
    fn channel_coeffs<const C: usize>(
        &self,
        px: &Pixels,
        ch: &Channels,
        cache: &mut Option<(usize, ChannelCoeffs<A>)>,
    ) -> ChannelCoeffs<A> {
        let m = self.map;
        let out = px.first + px.b;
        let key = match (&m.coeffs, m.order) {
            (Coeffs::Plain | Coeffs::Scalar(..), _) => Some(0),
            (Coeffs::Feature { .. }, PatchOrder::PatchMajor) => Some(out % m.patch_len),
            (Coeffs::Feature { .. }, PatchOrder::FeatureMajor) => None,
        };
        if let (Some(k), Some((ck, v))) = (key, &cache)
            && k == *ck
        {
            return *v;
        }
        // The map is plain for every channel or for none.
        let (mut k, mut plain) = ([(A::of(1.0), A::of(0.0)); 4], false);
        let mut v = Ok(());
        'all: for (j, slot) in k.iter_mut().enumerate().take(C) {
            let o = out + ch.chan(j) * ch.out_stride;
            let first = self.uniform(o, px.run);
            for r in 1..px.rows.0 {
                if first.is_err() || self.uniform(o + r * px.rows.2, px.run) != first {
                    v = Err(());
                    break 'all;
                }
            }
            match first {
                Ok(None) => plain = true,
                Ok(Some(pair)) => *slot = pair,
                Err(()) => {
                    v = Err(());
                    break;
                }
            }
        }
        let v = v.map(|()| (!plain).then_some(k));
        if let Some(k) = key {
            *cache = Some((k, v));
        }
        v
    }

    /// Converts the pixel rows of `px` over the channels of `ch`: channel
    /// `c` of row `r` into `part[b + c * out_stride + r * row_out..][..run]`.
    /// Rows whose coefficients vary along them go one channel at a time.
    #[inline]
    fn pixels<S: Source, D: Dest<Acc = A>>(
        &self,
        part: &mut [D],
        src: &[S],
        px: &Pixels,
        ch: &Channels,
        cache: &mut Option<(usize, ChannelCoeffs<A>)>,
    ) {
        let (n_rows, row_src, row_out) = px.rows;
        let c_step: isize = if ch.rev { -1 } else { 1 };
        let one_by_one = |part: &mut [D]| {
            for r in 0..n_rows {
                let at = px.at.wrapping_add((r as isize).wrapping_mul(row_src));
                for c in 0..ch.len {
                    let o = px.b + c * ch.out_stride + r * row_out;
                    let s = at.wrapping_add(c as isize * c_step) as usize;
                    self.row(px.first + o, &mut part[o..o + px.run], src, s, px.step);
                }
            }
        };
        macro_rules! kernel {
            ($k:literal, $c:literal) => {{
                let Ok(coeffs) = self.channel_coeffs::<$c>(px, ch, cache) else {
                    return one_by_one(part);
                };
                let coeffs = coeffs.map(|k| std::array::from_fn::<_, $c, _>(|j| k[j]));
                for r in 0..n_rows {
                    // The source element of the first pixel's channel `j` is
                    // the lowest one plus `j`.
                    let at = px.at.wrapping_add((r as isize).wrapping_mul(row_src));
                    let lo = if ch.rev {
                        at.wrapping_sub(ch.len as isize - 1)
                    } else {
                        at
                    } as usize;
                    let ranges: [std::ops::Range<usize>; $c] = std::array::from_fn(|j| {
                        let o = px.b + ch.chan(j) * ch.out_stride + r * row_out;
                        o..o + px.run
                    });
                    let Ok(rows) = part.get_disjoint_mut(ranges) else {
                        return one_by_one(part);
                    };
                    D::deinterleave::<S, $k, $c>(rows, src, lo, coeffs);
                }
            }};
        }
        match (px.step, ch.len) {
            (3, 3) => kernel!(3, 3),
            (4, 3) => kernel!(4, 3),
            (4, 4) => kernel!(4, 4),
            _ => one_by_one(part),
        }
    }
}

/// The coefficients of up to 4 channels (see [`RowMap::channel_coeffs`]).
type ChannelCoeffs<A> = std::result::Result<Option<[(A, A); 4]>, ()>;

/// One step of the walk of a view copy over interleaved pixels.
struct Pixels {
    /// The output position of the copy's part.
    first: usize,
    /// The output offset (in the part) of the first pixel's first channel.
    b: usize,
    /// The source offset of the first pixel's first channel.
    at: isize,
    /// The source step from pixel to pixel.
    step: isize,
    /// The pixels of a row.
    run: usize,
    /// The rows: how many, the source and the output step between them.
    rows: (usize, isize, usize),
}

/// The deinterleaving kernel: `rows[j][x] = map_j(src[at + x * K + j])`,
/// the pixels of a row (`K` elements each) read once, in order, their `C`
/// channels written to `C` output rows; `map_j` is the plain conversion
/// (`coeffs` is `None`) or the pair `coeffs[j]`. Each value is the one
/// [`row_step`] computes.
#[inline(always)]
fn deinterleave_direct<S: Source, D: Dest, const K: usize, const C: usize>(
    rows: [&mut [D]; C],
    src: &[S],
    at: usize,
    coeffs: Option<[(D::Acc, D::Acc); C]>,
) {
    let n = rows[0].len();
    if n == 0 || rows.iter().any(|r| r.len() != n) {
        return;
    }
    let head = n - 1;
    let (chunks, _) = src[at..at + head * K].as_chunks::<K>();
    let last = &src[at + head * K..at + head * K + C];
    // Rows of exactly `head` elements (and their last ones apart): the
    // loops index them without bounds checks, and vectorize.
    let rows = rows.map(|r| r.split_at_mut(head));
    match coeffs {
        None => {
            for (x, px) in chunks.iter().enumerate() {
                for j in 0..C {
                    rows[j].0[x] = D::plain(px[j]);
                }
            }
            for j in 0..C {
                rows[j].1[0] = D::plain(last[j]);
            }
        }
        Some(k) => {
            for (x, px) in chunks.iter().enumerate() {
                for j in 0..C {
                    rows[j].0[x] = D::from_acc(D::acc(px[j]) * k[j].0 + k[j].1);
                }
            }
            for j in 0..C {
                rows[j].1[0] = D::from_acc(D::acc(last[j]) * k[j].0 + k[j].1);
            }
        }
    }
}

/// A source element type: every [`Element`].
pub(crate) trait Source: Element {
    /// Whether every value converts to `f32` exactly (so that a 16-bit
    /// float rounded from the `f32` is rounded once).
    const EXACT_F32: bool;
    /// The value rounded to nearest `f32`.
    fn to_f32(self) -> f32;
    /// The value rounded to nearest `f64`.
    fn to_f64(self) -> f64;
}

macro_rules! source_as {
    ($($t:ty => $exact:expr),*) => {$(
        impl Source for $t {
            const EXACT_F32: bool = $exact;
            #[inline(always)]
            fn to_f32(self) -> f32 {
                self as f32
            }
            #[inline(always)]
            fn to_f64(self) -> f64 {
                self as f64
            }
        }
    )*};
}
source_as!(u8 => true, i8 => true, u16 => true, i16 => true, u32 => false, i32 => false,
           u64 => false, i64 => false, f32 => true, f64 => false);

macro_rules! source_half {
    ($($t:ty),*) => {$(
        impl Source for $t {
            const EXACT_F32: bool = true;
            #[inline(always)]
            fn to_f32(self) -> f32 {
                <$t>::to_f32(self)
            }
            #[inline(always)]
            fn to_f64(self) -> f64 {
                <$t>::to_f64(self)
            }
        }
    )*};
}
source_half!(f16, bf16);

/// The type an affine is computed in: `f32` or `f64`.
pub(crate) trait Acc:
    Copy + Send + Sync + PartialEq + Mul<Output = Self> + Add<Output = Self>
{
    /// A coefficient rounded to nearest.
    fn of(v: f64) -> Self;
}

impl Acc for f32 {
    #[inline]
    fn of(v: f64) -> Self {
        v as f32
    }
}

impl Acc for f64 {
    #[inline]
    fn of(v: f64) -> Self {
        v
    }
}

/// A destination of converting copies: `f32`, `f64`, `f16`, `bf16`.
pub(crate) trait Dest: Element + Source {
    /// The type the affine is computed in.
    type Acc: Acc;
    /// The source value in the computing type.
    fn acc<S: Source>(x: S) -> Self::Acc;
    /// The computed value rounded to this type.
    fn from_acc(a: Self::Acc) -> Self;
    /// The source value rounded once to this type.
    fn plain<S: Source>(x: S) -> Self;

    /// `dst[i] = plain(src[i])`.
    #[inline]
    fn plain_run<S: Source>(dst: &mut [Self], src: &[S]) {
        for (d, s) in dst.iter_mut().zip(src) {
            *d = Self::plain(*s);
        }
    }

    /// `dst[i] = from_acc(acc(src[i]) * scale[i] + shift[i])`.
    #[inline]
    fn affine_run<S: Source>(
        dst: &mut [Self],
        src: &[S],
        scale: &[Self::Acc],
        shift: &[Self::Acc],
    ) {
        for (((d, s), &a), &b) in dst.iter_mut().zip(src).zip(scale).zip(shift) {
            *d = Self::from_acc(Self::acc(*s) * a + b);
        }
    }

    /// `dst[i] = from_acc(acc(src[i]) * a + b)`.
    #[inline]
    fn affine_const<S: Source>(dst: &mut [Self], src: &[S], a: Self::Acc, b: Self::Acc) {
        for (d, s) in dst.iter_mut().zip(src) {
            *d = Self::from_acc(Self::acc(*s) * a + b);
        }
    }

    /// The deinterleaving kernel into this type (see
    /// [`deinterleave_direct`]).
    #[inline(always)]
    fn deinterleave<S: Source, const K: usize, const C: usize>(
        rows: [&mut [Self]; C],
        src: &[S],
        at: usize,
        coeffs: Option<[(Self::Acc, Self::Acc); C]>,
    ) {
        deinterleave_direct::<S, Self, K, C>(rows, src, at, coeffs);
    }

    /// `dst[i] = plain(chunks[i][0])`.
    #[inline(always)]
    fn plain_chunks<S: Source, const K: usize>(dst: &mut [Self], chunks: &[[S; K]]) {
        for (d, c) in dst.iter_mut().zip(chunks) {
            *d = Self::plain(c[0]);
        }
    }

    /// `dst[i] = from_acc(acc(chunks[i][0]) * a + b)`.
    #[inline(always)]
    fn affine_chunks<S: Source, const K: usize>(
        dst: &mut [Self],
        chunks: &[[S; K]],
        a: Self::Acc,
        b: Self::Acc,
    ) {
        for (d, c) in dst.iter_mut().zip(chunks) {
            *d = Self::from_acc(Self::acc(c[0]) * a + b);
        }
    }
}

macro_rules! dest_float {
    ($($t:ty => $to:ident),*) => {$(
        impl Dest for $t {
            type Acc = $t;
            #[inline(always)]
            fn acc<S: Source>(x: S) -> $t {
                x.$to()
            }
            #[inline(always)]
            fn from_acc(a: $t) -> $t {
                a
            }
            #[inline(always)]
            fn plain<S: Source>(x: S) -> $t {
                x.$to()
            }
        }
    )*};
}
dest_float!(f64 => to_f64);

impl Dest for f32 {
    type Acc = f32;
    #[inline(always)]
    fn acc<S: Source>(x: S) -> f32 {
        x.to_f32()
    }
    #[inline(always)]
    fn from_acc(a: f32) -> f32 {
        a
    }
    #[inline(always)]
    fn plain<S: Source>(x: S) -> f32 {
        x.to_f32()
    }

    /// `u8` pixels of 4 elements (RGBA, BGRA) through [`rgba_u8_f32`] a
    /// group of 4 pixels at a time where the CPU has SSE2 (every x86-64),
    /// the rest (and every other source) through the portable kernel.
    #[inline(always)]
    fn deinterleave<S: Source, const K: usize, const C: usize>(
        mut rows: [&mut [f32]; C],
        src: &[S],
        at: usize,
        coeffs: Option<[(f32, f32); C]>,
    ) {
        let mut done = 0;
        if K == 4
            && S::DTYPE == DType::U8
            && let Some(bytes) = cast::<S, u8>(src)
        {
            // A plain u8 value is exactly `x * 1 + 0` in f32.
            let k = coeffs.unwrap_or([(1.0, 0.0); C]);
            done = rgba_u8_f32(&mut rows, bytes, at, &k);
        }
        if done == 0 {
            return deinterleave_direct::<S, f32, K, C>(rows, src, at, coeffs);
        }
        if done < rows[0].len() {
            let rest = rows.map(|r| &mut r[done..]);
            deinterleave_direct::<S, f32, K, C>(rest, src, at + done * K, coeffs);
        }
    }
}

/// `rows[j][x] = f32(src[at + 4 * x + j]) * k[j].0 + k[j].1` (the product
/// and the sum each rounded, as everywhere) for the first pixels of the
/// rows, a group of 4 at a time with SSE2: one 16-byte load of 4 pixels,
/// each channel shifted and masked out of its 32-bit lanes. Returns how
/// many pixels it wrote (0 off x86-64); the caller does the rest.
#[inline]
fn rgba_u8_f32<const C: usize>(
    rows: &mut [&mut [f32]; C],
    src: &[u8],
    at: usize,
    k: &[(f32, f32); C],
) -> usize {
    #[cfg(target_arch = "x86_64")]
    {
        sse2::rgba_u8_f32(rows, src, at, k)
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        let _ = (rows, src, at, k);
        0
    }
}

/// The SSE2 form of [`rgba_u8_f32`] (SSE2 is part of every x86-64 CPU).
#[cfg(target_arch = "x86_64")]
#[allow(unsafe_code)]
mod sse2 {
    use std::arch::x86_64::{
        __m128i, _mm_add_ps, _mm_and_si128, _mm_cvtepi32_ps, _mm_cvtsi32_si128, _mm_loadu_si128,
        _mm_mul_ps, _mm_set1_epi32, _mm_set1_ps, _mm_srl_epi32, _mm_storeu_ps,
    };

    /// See [`super::rgba_u8_f32`].
    #[inline]
    pub(super) fn rgba_u8_f32<const C: usize>(
        rows: &mut [&mut [f32]; C],
        src: &[u8],
        at: usize,
        k: &[(f32, f32); C],
    ) -> usize {
        // SAFETY: the function only needs SSE2, which every x86-64 CPU
        // has (it is in the target's baseline features).
        unsafe { kernel(rows, src, at, k) }
    }

    #[target_feature(enable = "sse2")]
    fn kernel<const C: usize>(
        rows: &mut [&mut [f32]; C],
        src: &[u8],
        at: usize,
        k: &[(f32, f32); C],
    ) -> usize {
        let n = rows.iter().map(|r| r.len()).min().unwrap_or(0);
        let groups = n.min(src.len().saturating_sub(at) / 4) / 4;
        let pixels = &src[at..at + groups * 16];
        let mask = _mm_set1_epi32(0xff);
        for (j, (row, &(a, b))) in rows.iter_mut().zip(k).enumerate() {
            let (a, b) = (_mm_set1_ps(a), _mm_set1_ps(b));
            let shift = _mm_cvtsi32_si128(8 * j as i32);
            for (d, s) in row[..groups * 4]
                .chunks_exact_mut(4)
                .zip(pixels.chunks_exact(16))
            {
                // SAFETY: `s` is 16 initialized bytes; the load is
                // unaligned (`loadu`).
                let v = unsafe { _mm_loadu_si128(s.as_ptr().cast::<__m128i>()) };
                let c = _mm_and_si128(_mm_srl_epi32(v, shift), mask);
                let y = _mm_add_ps(_mm_mul_ps(_mm_cvtepi32_ps(c), a), b);
                // SAFETY: `d` is 4 f32s of the output row; the store is
                // unaligned (`storeu`).
                unsafe { _mm_storeu_ps(d.as_mut_ptr(), y) };
            }
        }
        groups * 4
    }
}

/// Values computed in `f32` are rounded to the 16-bit floats through the
/// `half` crate's slice conversion (vector instructions where the CPU has
/// them), a chunk of this many at a time.
const HALF_CHUNK: usize = 64;

macro_rules! dest_half {
    ($($t:ty),*) => {$(
        impl Dest for $t {
            type Acc = f32;
            #[inline(always)]
            fn acc<S: Source>(x: S) -> f32 {
                x.to_f32()
            }
            #[inline(always)]
            fn from_acc(a: f32) -> $t {
                <$t as Round>::round(a)
            }
            #[inline(always)]
            fn plain<S: Source>(x: S) -> $t {
                if S::EXACT_F32 {
                    <$t>::from_f32(x.to_f32())
                } else {
                    <$t>::from_f64(x.to_f64())
                }
            }

            fn plain_run<S: Source>(dst: &mut [Self], src: &[S]) {
                if !S::EXACT_F32 {
                    for (d, s) in dst.iter_mut().zip(src) {
                        *d = Self::plain(*s);
                    }
                    return;
                }
                let mut tmp = [0f32; HALF_CHUNK];
                for (d, s) in dst.chunks_mut(HALF_CHUNK).zip(src.chunks(HALF_CHUNK)) {
                    let t = &mut tmp[..d.len()];
                    for (t, s) in t.iter_mut().zip(s) {
                        *t = s.to_f32();
                    }
                    d.convert_from_f32_slice(t);
                }
            }

            fn affine_run<S: Source>(dst: &mut [Self], src: &[S], scale: &[f32], shift: &[f32]) {
                let mut tmp = [0f32; HALF_CHUNK];
                for (((d, s), a), b) in dst
                    .chunks_mut(HALF_CHUNK)
                    .zip(src.chunks(HALF_CHUNK))
                    .zip(scale.chunks(HALF_CHUNK))
                    .zip(shift.chunks(HALF_CHUNK))
                {
                    let t = &mut tmp[..d.len()];
                    for (((t, s), &a), &b) in t.iter_mut().zip(s).zip(a).zip(b) {
                        *t = s.to_f32() * a + b;
                    }
                    d.convert_from_f32_slice(t);
                }
            }

            /// The kernel into `f32`, a chunk of pixels at a time, each
            /// row then rounded as a slice.
            fn deinterleave<S: Source, const K: usize, const C: usize>(
                mut rows: [&mut [Self]; C],
                src: &[S],
                at: usize,
                coeffs: Option<[(f32, f32); C]>,
            ) {
                if coeffs.is_none() && !S::EXACT_F32 {
                    return deinterleave_direct::<S, Self, K, C>(rows, src, at, coeffs);
                }
                let n = rows[0].len();
                let mut tmp = [[0f32; HALF_CHUNK]; C];
                let mut done = 0;
                while done < n {
                    let m = (n - done).min(HALF_CHUNK);
                    let t = tmp.each_mut().map(|t| &mut t[..m]);
                    deinterleave_direct::<S, f32, K, C>(t, src, at + done * K, coeffs);
                    for (r, t) in rows.iter_mut().zip(&tmp) {
                        <$t as Round>::round_slice(&mut r[done..done + m], &t[..m]);
                    }
                    done += m;
                }
            }

            fn affine_const<S: Source>(dst: &mut [Self], src: &[S], a: f32, b: f32) {
                let mut tmp = [0f32; HALF_CHUNK];
                for (d, s) in dst.chunks_mut(HALF_CHUNK).zip(src.chunks(HALF_CHUNK)) {
                    let t = &mut tmp[..d.len()];
                    for (t, s) in t.iter_mut().zip(s) {
                        *t = s.to_f32() * a + b;
                    }
                    d.convert_from_f32_slice(t);
                }
            }
        }
    )*};
}
dest_half!(f16, bf16);

/// Rounding an `f32` to a 16-bit float, to nearest even.
trait Round: Sized {
    fn round(x: f32) -> Self;

    /// `dst[i] = round(src[i])`.
    #[inline(always)]
    fn round_slice(dst: &mut [Self], src: &[f32]) {
        for (d, &s) in dst.iter_mut().zip(src) {
            *d = Self::round(s);
        }
    }
}

impl Round for f16 {
    #[inline(always)]
    fn round(x: f32) -> f16 {
        f16::from_f32(x)
    }

    /// The `half` crate's slice conversion (F16C where the CPU has it).
    #[inline(always)]
    fn round_slice(dst: &mut [f16], src: &[f32]) {
        dst.convert_from_f32_slice(src);
    }
}

impl Round for bf16 {
    /// The `half` crate's rounding (`bf16::from_f32`, tested equal on every
    /// class of value below), written without branches so that the copy
    /// loops vectorize: round to nearest even on the upper 16 bits; a NaN
    /// keeps its sign and upper payload and becomes quiet.
    #[inline(always)]
    fn round(x: f32) -> bf16 {
        let b = x.to_bits();
        let up = (b & 0x8000 != 0 && b & 0x1_7fff != 0) as u32;
        let nan = b & 0x7fff_ffff > 0x7f80_0000;
        let bits = if nan {
            (b >> 16) | 0x40
        } else {
            (b >> 16) + up
        };
        bf16::from_bits(bits as u16)
    }
}

/// The coefficients of a copy.
enum Coeffs<A> {
    /// No affine: a plain conversion.
    Plain,
    /// One pair for every element.
    Scalar(A, A),
    /// One pair per element of a patch, in the patch's C order.
    Feature { scale: Vec<A>, shift: Vec<A> },
}

/// The map from output positions to coefficients.
struct Map<A> {
    coeffs: Coeffs<A>,
    order: PatchOrder,
    patch_len: usize,
    num_patches: usize,
}

/// Strided runs are gathered into a buffer of this many source elements
/// on the stack, then converted like contiguous ones.
const GATHER: usize = 64;

impl<A: Acc> Map<A> {
    fn new(plan: &Plan, order: PatchOrder, affine: Option<&Affine>) -> Result<Self> {
        let coeffs = match affine {
            None => Coeffs::Plain,
            Some(a) => {
                let (scale, shift) = a.per_feature(plan, A::of)?;
                match a.axis() {
                    None => Coeffs::Scalar(scale[0], shift[0]),
                    Some(_) => Coeffs::Feature { scale, shift },
                }
            }
        };
        Ok(Map {
            coeffs,
            order,
            patch_len: plan.patch_len(),
            num_patches: plan.num_patches(),
        })
    }

    /// The map of a C-order copy of an array of `shape` (`len` elements):
    /// an affine along axis `k` of it repeats every `shape[k..]` elements,
    /// so that suffix is the "patch" of the table. The caller has checked
    /// the axis and the number of coefficients.
    fn for_array(shape: &[usize], len: usize, affine: Option<&Affine>) -> Result<Self> {
        let (coeffs, k) = match affine {
            None => (Coeffs::Plain, 0),
            Some(a) => match a.axis() {
                None => {
                    let (scale, shift) = (A::of(a.scale()[0]), A::of(a.shift()[0]));
                    (Coeffs::Scalar(scale, shift), 0)
                }
                Some(k) => {
                    let (scale, shift) = a.table(&shape[k..], 0, A::of)?;
                    (Coeffs::Feature { scale, shift }, k)
                }
            },
        };
        let patch_len: usize = shape[k..].iter().product();
        Ok(Map {
            coeffs,
            order: PatchOrder::PatchMajor,
            patch_len,
            num_patches: len / patch_len.max(1),
        })
    }

    /// Converts the contiguous run `src` into `dst`, whose first element is
    /// output position `out`.
    #[inline]
    fn run<S: Source, D: Dest<Acc = A>>(&self, out: usize, dst: &mut [D], src: &[S]) {
        match &self.coeffs {
            Coeffs::Plain => D::plain_run(dst, src),
            Coeffs::Scalar(a, b) => D::affine_const(dst, src, *a, *b),
            Coeffs::Feature { scale, shift } => {
                let mut done = 0;
                while done < dst.len() {
                    let o = out + done;
                    let (d, s) = (&mut dst[done..], &src[done..]);
                    done += match self.order {
                        // One patch is one row of the output: the
                        // coefficients follow the position in the row.
                        PatchOrder::PatchMajor => {
                            let f = o % self.patch_len;
                            let m = (self.patch_len - f).min(d.len());
                            D::affine_run(&mut d[..m], &s[..m], &scale[f..f + m], &shift[f..f + m]);
                            m
                        }
                        // One element of the patch is one row of the
                        // output: the coefficient is the row's.
                        PatchOrder::FeatureMajor => {
                            let f = o / self.num_patches;
                            let m = (self.num_patches - o % self.num_patches).min(d.len());
                            D::affine_const(&mut d[..m], &s[..m], scale[f], shift[f]);
                            m
                        }
                    };
                }
            }
        }
    }

    /// Converts `dst.len()` elements read every `step` from `src[at]`.
    #[inline]
    fn strided<S: Source, D: Dest<Acc = A>>(
        &self,
        out: usize,
        dst: &mut [D],
        src: &[S],
        at: usize,
        step: isize,
    ) {
        let mut buf = [S::default(); GATHER];
        let mut pos = at as isize;
        for (c, d) in dst.chunks_mut(GATHER).enumerate() {
            let b = &mut buf[..d.len()];
            for v in b.iter_mut() {
                *v = src[pos as usize];
                pos = pos.wrapping_add(step);
            }
            self.run(out + c * GATHER, d, b);
        }
    }
}

/// Converts the pieces of a walk from `src` into `dst`, a part of the
/// output starting at position `first`.
struct ConvertSink<'a, S, D: Dest> {
    src: &'a [S],
    dst: &'a mut [D],
    first: usize,
    block: usize,
    fill: D,
    map: &'a Map<D::Acc>,
}

impl<S: Source, D: Dest> Sink for ConvertSink<'_, S, D> {
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
        let o = out - self.first;
        if n == 1 || step == b as isize {
            let len = n * b;
            self.map
                .run(out, &mut self.dst[o..o + len], &self.src[src..src + len]);
        } else if b == 1 {
            self.map
                .strided(out, &mut self.dst[o..o + n], self.src, src, step);
        } else {
            let mut at = src as isize;
            for t in 0..n {
                let s = at as usize;
                let d = o + t * b;
                self.map
                    .run(out + t * b, &mut self.dst[d..d + b], &self.src[s..s + b]);
                at = at.wrapping_add(step);
            }
        }
    }

    #[inline]
    fn rows(&mut self, r: Rows) {
        let len = r.n * r.block;
        if r.out_step == len && r.src_step == len as isize {
            // The rows follow each other on both sides: one run.
            let (o, total) = (r.out - self.first, r.rows * len);
            self.map.run(
                r.out,
                &mut self.dst[o..o + total],
                &self.src[r.src..r.src + total],
            );
            return;
        }
        rows_by_interior(self, r);
    }

    #[inline]
    fn remapped(&mut self, out: usize, src: usize) {
        let b = self.block;
        let o = out - self.first;
        self.map
            .run(out, &mut self.dst[o..o + b], &self.src[src..src + b]);
    }

    #[inline]
    fn constant(&mut self, out: usize, n: usize) {
        let o = out - self.first;
        self.dst[o..o + n * self.block].fill(self.fill);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The branch-free bf16 rounding against the `half` crate's, on every
    /// class of value: ties both ways, carries into the exponent, the
    /// largest finite values, infinities, NaNs with payloads, subnormals,
    /// signed zeros, and a sweep of bit patterns.
    #[test]
    fn bf16_rounding_equals_the_half_crate() {
        let mut bits: Vec<u32> = vec![
            0,
            0x8000_0000,
            0x3f80_8000,
            0x3f81_8000,
            0x3f80_8001,
            0x3f80_7fff,
            0x7f7f_ffff,
            0xff7f_ffff,
            0x7f80_0000,
            0xff80_0000,
            0x7fc0_0000,
            0x7f80_0001,
            0xff81_2345,
            0x0000_0001,
            0x807f_ffff,
            0x3fff_8000,
            0x7f7f_8000,
        ];
        let mut x = 0x1234_5678u32;
        // Miri (run by the test command on the crate's unit tests) is
        // thousands of times slower: a short sweep there.
        let sweep = if cfg!(miri) { 300 } else { 200_000 };
        for _ in 0..sweep {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            bits.push(x);
        }
        for b in bits {
            let v = f32::from_bits(b);
            assert_eq!(
                <bf16 as Round>::round(v).to_bits(),
                bf16::from_f32(v).to_bits(),
                "{b:#010x}"
            );
        }
    }
}
