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
use crate::element::{DType, Element, cast, cast_mut};
use crate::error::{Result, bail};
use crate::order::PatchOrder;
use crate::plan::Plan;
use crate::threads::{in_parts, parallel_parts};
use crate::walk::{Rows, RunWeights, Sink, Walk};

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
            from_source::<S, $d>(plan, src, dst, order, fill, affine)
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
    plan: &Plan,
    src: &[S],
    dst: &mut [D],
    order: PatchOrder,
    fill: D,
    affine: Option<&Affine>,
) -> Result<()> {
    macro_rules! from {
        ($($d:ident => $s:ty),*) => {
            match S::DTYPE {
                $(DType::$d => match cast::<S, $s>(src) {
                    Some(src) => run::<$s, D>(plan, src, dst, order, fill, affine),
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
    plan: &Plan,
    src: &[S],
    dst: &mut [D],
    order: PatchOrder,
    fill: D,
    affine: Option<&Affine>,
) -> Result<()> {
    if plan.copy_len() == 0 {
        return Ok(());
    }
    let map = Map::<D::Acc>::new(plan, order, affine)?;
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
pub(crate) trait Acc: Copy + Send + Sync + Mul<Output = Self> + Add<Output = Self> {
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
}

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
}

impl Dest for f64 {
    type Acc = f64;
    #[inline(always)]
    fn acc<S: Source>(x: S) -> f64 {
        x.to_f64()
    }
    #[inline(always)]
    fn from_acc(a: f64) -> f64 {
        a
    }
    #[inline(always)]
    fn plain<S: Source>(x: S) -> f64 {
        x.to_f64()
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
                <$t>::from_f32(a)
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
        let mut at = r.src as isize;
        for i in 0..r.rows {
            self.interior(
                r.out + i * r.out_step,
                at as usize,
                r.block as isize,
                r.n,
                true,
                RunWeights::ONE,
            );
            at = at.wrapping_add(r.src_step);
        }
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
