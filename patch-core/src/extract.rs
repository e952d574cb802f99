//! Extracting patches: copying them out into a contiguous buffer, padding
//! included, with the options of the copy ([`ExtractOptions`]). The copy
//! itself is in [`copy`](crate::copy).

use crate::affine::Affine;
use crate::alloc::try_zeroed;
use crate::array::NdArray;
use crate::checks::check_copy;
use crate::convert::{check_conversion, copy_converting};
use crate::copy::{copy_patches, copy_typed};
use crate::element::{DType, Element, bytes_as, bytes_as_mut, cast, cast_mut};
use crate::error::{Result, bail};
use crate::order::PatchOrder;
use crate::plan::Plan;

/// How a copy of the patches is made: the order of the copy, the value
/// that constant padding reads, and the element type `D` of the
/// destination with an optional [`Affine`] map applied on the way.
///
/// The default is patch-major with a zero fill and no affine. The fields
/// are private so that options can be added without breaking callers; set
/// them with the builder methods.
///
/// **Conversion.** `D` is the source type (a plain copy) or one of `f32`,
/// `f64`, [`half::f16`] and [`half::bf16`], into which every source type
/// converts in the same single pass that cuts the patches. Other integer
/// destinations are refused ([`UnsupportedDtype`](crate::ErrorKind::UnsupportedDtype)):
/// they would need a saturation rule, and no model input asks for them.
///
/// **Formula, bit for bit.** Without an affine, `y = round_D(x)`: one
/// rounding to nearest even of the exact source value. With one, for an
/// `f32`, `f16` or `bf16` destination, `y = round_D(f32(x) * scale[i] +
/// shift[i])`, where `f32(x)` rounds the source value to the nearest `f32`
/// (exact for integers of up to 24 bits and for the 16-bit floats), the
/// coefficients are the `f64` values of the [`Affine`] rounded to `f32`,
/// the product and the sum are each rounded in `f32` (no fused
/// multiply-add), and `round_D` rounds to nearest even. For an `f64`
/// destination the same in `f64`.
///
/// **Padding** values are destination values: constant padding writes the
/// fill as given, not mapped by the affine. That is what a convolution's
/// zero padding of a normalized input means (a zero fill reads as the
/// mean of the normalized data, not as a black pixel). Reflect, edge and
/// wrap padding read real elements and are mapped like them.
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
/// // The same patches as bfloat16, in one pass.
/// let halves = plan.extract_with(&x, &ExtractOptions::<half::bf16>::new()).unwrap();
/// assert_eq!(halves.data()[1], half::bf16::from_f32(1.0));
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct ExtractOptions<D> {
    order: PatchOrder,
    fill: D,
    affine: Option<Affine>,
}

impl<D: Element> ExtractOptions<D> {
    /// Patch-major order, zero fill, no affine.
    pub fn new() -> Self {
        ExtractOptions {
            order: PatchOrder::PatchMajor,
            fill: D::default(),
            affine: None,
        }
    }

    /// The order of the copy (default [`PatchOrder::PatchMajor`]).
    pub fn order(self, order: PatchOrder) -> Self {
        ExtractOptions { order, ..self }
    }

    /// The value [`PadMode::Constant`](crate::PadMode::Constant) padding
    /// reads, in the destination type (default zero). Other modes never
    /// read it. It is written as given, never mapped by the affine.
    pub fn fill(self, value: D) -> Self {
        ExtractOptions {
            fill: value,
            ..self
        }
    }

    /// Maps every copied element by `affine` (normalization, a window
    /// function); the destination must then be a float type. See the type's
    /// documentation for the exact formula.
    pub fn affine(self, affine: Affine) -> Self {
        ExtractOptions {
            affine: Some(affine),
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

    /// The affine map, if any.
    pub fn get_affine(&self) -> Option<&Affine> {
        self.affine.as_ref()
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
    /// type `D`, as `opts` says (order, fill value, affine): `D` is `S` or
    /// a float type `S` converts to (see [`ExtractOptions`]).
    ///
    /// ```
    /// use half::f16;
    /// use patch_core::{Affine, ExtractOptions, Layout, PatchSpec, Plan};
    ///
    /// // u8 pixels rescaled to [0, 1] in f16, 2x2 tiles of a 2x4 image.
    /// let x = [0u8, 51, 102, 153, 204, 255, 0, 255];
    /// let plan = Plan::valid(&Layout::of::<u8>(&[2, 4]).unwrap(), &PatchSpec::tiles(&[2, 2])).unwrap();
    /// let opts = ExtractOptions::<f16>::new().affine(Affine::scalar(1.0 / 255.0, 0.0));
    /// let y = plan.extract_with(&x, &opts).unwrap();
    /// assert_eq!(y.shape(), &[2, 4]);
    /// assert_eq!(y.data()[3], f16::from_f32(1.0)); // 255 * (1/255)
    /// ```
    pub fn extract_with<S: Element, D: Element>(
        &self,
        src: &[S],
        opts: &ExtractOptions<D>,
    ) -> Result<NdArray<D>> {
        check_conversion(S::DTYPE, D::DTYPE, opts.affine.is_some())?;
        check_copy(
            self,
            size_of::<S>(),
            src.len(),
            self.copy_len(),
            S::DTYPE.name(),
        )?;
        let mut dst = try_zeroed::<D>(self.copy_len())?;
        self.extract_into_with(src, &mut dst, opts)?;
        NdArray::from_vec(self.copy_shape(opts.order).to_vec(), dst)
    }

    /// Copies every patch of `src` into `dst` (exactly
    /// [`copy_len`](Plan::copy_len) elements of type `D`), as `opts` says.
    /// Nothing is written on failure. `D` is `S` or a float type, as for
    /// [`extract_with`](Plan::extract_with).
    pub fn extract_into_with<S: Element, D: Element>(
        &self,
        src: &[S],
        dst: &mut [D],
        opts: &ExtractOptions<D>,
    ) -> Result<()> {
        check_conversion(S::DTYPE, D::DTYPE, opts.affine.is_some())?;
        check_copy(self, size_of::<S>(), src.len(), dst.len(), S::DTYPE.name())?;
        if S::DTYPE != D::DTYPE || opts.affine.is_some() {
            return copy_converting(self, src, dst, opts.order, opts.fill, opts.affine.as_ref());
        }
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
        copy_typed(self, src, dst, opts.order, fill)
    }

    /// A converting copy between byte buffers, for bindings that know the
    /// element types only at run time (the C ABI): `src` holds elements of
    /// `src_dtype` (the plan's item size), `dst` exactly
    /// [`copy_len`](Plan::copy_len) elements of `dst_dtype`; `fill` is the
    /// bytes of one `dst_dtype` element (empty means zero). Both buffers
    /// must be aligned for their types (a misaligned one is
    /// [`InvalidArgument`](crate::ErrorKind::InvalidArgument)), except for
    /// a plain same-type copy, which goes through
    /// [`extract_bytes`](Plan::extract_bytes). Nothing is written on failure.
    // The arguments are those of a C call: two buffers with their types and
    // the three options, as flat values.
    #[allow(clippy::too_many_arguments)]
    pub fn extract_bytes_as(
        &self,
        src: &[u8],
        src_dtype: DType,
        dst: &mut [u8],
        dst_dtype: DType,
        order: PatchOrder,
        fill: &[u8],
        affine: Option<&Affine>,
    ) -> Result<()> {
        check_conversion(src_dtype, dst_dtype, affine.is_some())?;
        if src_dtype.itemsize() != self.layout().itemsize() {
            bail!(
                UnsupportedDtype,
                "the layout has {}-byte elements but the source holds {} of {} bytes",
                self.layout().itemsize(),
                src_dtype.name(),
                src_dtype.itemsize()
            );
        }
        if src_dtype == dst_dtype && affine.is_none() {
            return self.extract_bytes(src, dst, order, fill);
        }
        if !fill.is_empty() && fill.len() != dst_dtype.itemsize() {
            bail!(
                InvalidArgument,
                "the fill value has {} bytes but {} elements have {}",
                fill.len(),
                dst_dtype.name(),
                dst_dtype.itemsize()
            );
        }
        fn with_dst<D: Element>(
            plan: &Plan,
            src: &[u8],
            src_dtype: DType,
            dst: &mut [u8],
            order: PatchOrder,
            fill: &[u8],
            affine: Option<&Affine>,
        ) -> Result<()> {
            let dst = bytes_as_mut::<D>(dst, "destination")?;
            let fill = if fill.is_empty() {
                D::default()
            } else {
                bytes_as::<D>(fill, "fill value").map_or_else(
                    // An unaligned fill: read its bytes into an aligned value.
                    |_| {
                        let mut v = [D::default()];
                        let bytes = crate::element::as_bytes_mut(&mut v);
                        bytes.copy_from_slice(fill);
                        v[0]
                    },
                    |f| f[0],
                )
            };
            macro_rules! from {
                ($($d:ident => $s:ty),*) => {
                    match src_dtype {
                        $(DType::$d => {
                            let src = bytes_as::<$s>(src, "source")?;
                            check_copy(plan, size_of::<$s>(), src.len(), dst.len(), src_dtype.name())?;
                            copy_converting(plan, src, dst, order, fill, affine)
                        })*
                    }
                };
            }
            from!(U8 => u8, I8 => i8, U16 => u16, I16 => i16, U32 => u32, I32 => i32,
                  U64 => u64, I64 => i64, F32 => f32, F64 => f64, F16 => half::f16,
                  BF16 => half::bf16)
        }
        match dst_dtype {
            DType::F32 => with_dst::<f32>(self, src, src_dtype, dst, order, fill, affine),
            DType::F64 => with_dst::<f64>(self, src, src_dtype, dst, order, fill, affine),
            DType::F16 => with_dst::<half::f16>(self, src, src_dtype, dst, order, fill, affine),
            DType::BF16 => with_dst::<half::bf16>(self, src, src_dtype, dst, order, fill, affine),
            d => check_conversion(src_dtype, d, affine.is_some()),
        }
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
            copy_patches(plan, src, dst, order, value)
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
        // Into a float type: converted.
        let f = plan
            .extract_with(&[1u8, 2, 3, 4], &ExtractOptions::<f32>::new())
            .unwrap();
        assert_eq!(f.data(), &[1.0, 2.0, 3.0, 4.0]);
        // Into another integer type: refused, naming both.
        let e = plan
            .extract_with(&[1u8, 2, 3, 4], &ExtractOptions::<i16>::new())
            .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::UnsupportedDtype);
        assert_eq!(
            e.to_string(),
            "unsupported dtype: cannot convert uint8 patches to int16: a converting copy writes float32, float64, float16 or bfloat16 (or the source type)"
        );
        // Same width, other type: refused too, and nothing is written.
        let mut dst = [7i8; 4];
        let e = plan
            .extract_into_with(&[1u8, 2, 3, 4], &mut dst, &ExtractOptions::new())
            .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::UnsupportedDtype);
        assert_eq!(dst, [7; 4]);
        // An affine into an integer type: refused.
        let e = plan
            .extract_with(
                &[1u8, 2, 3, 4],
                &ExtractOptions::<u8>::new().affine(crate::Affine::scalar(2.0, 0.0)),
            )
            .unwrap_err();
        assert!(e.to_string().contains("not uint8"), "{e}");
        // An affine along a missing axis, or of the wrong length: refused
        // before anything is written.
        let mut out = [9.0f32; 4];
        for (affine, msg) in [
            (
                crate::Affine::per_axis(1, &[1.0], &[0.0]).unwrap(),
                "the affine runs along axis 1 of the patch, but the patch has 1 axes (shape [2])",
            ),
            (
                crate::Affine::per_axis(0, &[1.0; 3], &[0.0; 3]).unwrap(),
                "the affine has 3 values but axis 0 of the patch (shape [2]) has length 2",
            ),
        ] {
            let e = plan
                .extract_into_with(
                    &[1u8, 2, 3, 4],
                    &mut out,
                    &ExtractOptions::new().affine(affine),
                )
                .unwrap_err();
            assert_eq!(e.kind(), ErrorKind::InvalidArgument);
            assert_eq!(e.message(), msg);
            assert_eq!(out, [9.0; 4]);
        }
        let opts = ExtractOptions::<u8>::default();
        assert!(opts.get_affine().is_none());
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
