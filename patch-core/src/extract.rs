//! Extracting patches: copying them out into a contiguous buffer, padding
//! included, with the options of the copy ([`ExtractOptions`]). The copy
//! itself is in [`copy`](crate::copy).

use crate::alloc::try_zeroed;
use crate::array::NdArray;
use crate::checks::check_copy;
use crate::copy::{copy_patches, copy_typed};
use crate::element::{Element, cast, cast_mut};
use crate::error::{Result, bail};
use crate::order::PatchOrder;
use crate::plan::Plan;

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
        let mut dst = try_zeroed::<D>(self.copy_len())?;
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
        copy_typed(self, src, dst, opts.order, fill)
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
