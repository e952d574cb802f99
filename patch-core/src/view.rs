//! Zero-copy patch views: the input's memory read through the patch shape
//! and strides.

use crate::alloc::try_to_vec;
use crate::arrange::ArrangedView;
use crate::array::{NdArray, NdView, NdViewMut};
use crate::checks::{check_itemsize, check_patches};
use crate::element::{Element, as_bits, as_bits_mut};
use crate::error::Result;
use crate::extract::ExtractOptions;
use crate::layout::{Layout, locate};
use crate::odometer::Offsets;
use crate::order::{PatchOrder, ordered};
use crate::plan::Plan;
use crate::spec::PatchSpec;
use crate::strided::Strided;

fn check_view<T: Element>(plan: &Plan, len: usize) -> Result<()> {
    check_itemsize::<T>(plan, "slice")?;
    plan.view_strides()?;
    plan.layout().check_buffer(len)
}

/// Buffer index of element `index` of the patch view, if in range.
fn view_index(plan: &Plan, index: &[usize]) -> Option<usize> {
    let strides = plan.view_strides().ok()?;
    let at = locate(plan.shape(), strides, plan.layout().offset(), index).ok()?;
    usize::try_from(at).ok()
}

/// The inner shape, strides and offset of patch `k`.
fn patch_geometry(plan: &Plan, k: usize) -> Result<(Vec<usize>, Vec<isize>, usize)> {
    let offset = plan.patch_offset(k)?;
    let n_outer = plan.outer_shape().len();
    let strides = try_to_vec(&plan.view_strides()?[n_outer..])?;
    Ok((try_to_vec(plan.inner_shape())?, strides, offset))
}

/// A read-only view of an array as patches, over a borrowed slice.
///
/// Its shape is the plan's `outer ++ inner` shape and its strides are the
/// plan's view strides: nothing is copied until [`extract`](Self::extract).
/// Creating it checks that every element it can reach is inside the slice,
/// so unlike numpy's `as_strided` it can never read outside the buffer.
///
/// ```
/// use patch_core::{PatchOrder, PatchSpec, PatchView};
///
/// // ViT patchify of a 224x224 RGB u8 image: 196 patches of 16x16x3.
/// let image: Vec<u8> = (0..224 * 224 * 3).map(|i| (i % 251) as u8).collect();
/// let view = PatchView::contiguous(&image, &[224, 224, 3], &PatchSpec::tiles(&[16, 16]).channels_last()).unwrap();
/// assert_eq!(view.shape(), &[14, 14, 16, 16, 3]);
/// assert_eq!(view.byte_strides(), &[10752, 48, 672, 3, 1]);
/// // Patch 15 is grid cell (1, 1): its first pixel is image pixel (16, 16).
/// let p = view.patch(15).unwrap();
/// assert_eq!(p.get(&[0, 0, 0]), Some(&image[(16 * 224 + 16) * 3]));
/// // Token matrix [196, 768] for the transformer, copied at memory speed.
/// let tokens = view.extract(PatchOrder::PatchMajor).unwrap();
/// assert_eq!(tokens.shape(), &[196, 768]);
/// ```
#[derive(Clone, Debug)]
pub struct PatchView<'a, T> {
    data: &'a [T],
    plan: Plan,
}

impl<'a, T: Element> PatchView<'a, T> {
    /// Views `data`, laid out as `layout`, as the patches of `spec`.
    pub fn new(data: &'a [T], layout: &Layout, spec: &PatchSpec) -> Result<Self> {
        PatchView::from_plan(data, Plan::valid(layout, spec)?)
    }

    /// Views a C-contiguous array of `shape` as the patches of `spec`.
    pub fn contiguous(data: &'a [T], shape: &[usize], spec: &PatchSpec) -> Result<Self> {
        PatchView::new(data, &Layout::of::<T>(shape)?, spec)
    }

    /// Views `data` through a plan, which must be a view (no padding, no
    /// shifted window).
    pub fn from_plan(data: &'a [T], plan: Plan) -> Result<Self> {
        check_view::<T>(&plan, data.len())?;
        Ok(PatchView { data, plan })
    }

    /// The plan behind the view.
    pub fn plan(&self) -> &Plan {
        &self.plan
    }

    /// Shape: outer axes, then inner axes.
    pub fn shape(&self) -> &[usize] {
        self.plan.shape()
    }

    /// Element strides (DLPack's convention).
    pub fn strides(&self) -> &[isize] {
        // A `PatchView` is always a view (checked when it is made).
        self.plan.view_strides().unwrap_or(&[])
    }

    /// Byte strides (numpy's convention).
    pub fn byte_strides(&self) -> &[isize] {
        self.plan.view_byte_strides().unwrap_or(&[])
    }

    /// Element offset of the view's first element in the slice.
    pub fn offset(&self) -> usize {
        self.plan.layout().offset()
    }

    /// Number of axes.
    pub fn ndim(&self) -> usize {
        self.plan.ndim()
    }

    /// Number of patches.
    pub fn num_patches(&self) -> usize {
        self.plan.num_patches()
    }

    /// Elements per patch.
    pub fn patch_len(&self) -> usize {
        self.plan.patch_len()
    }

    /// The element at a full index (outer then inner coordinates).
    pub fn get(&self, index: &[usize]) -> Option<&'a T> {
        self.data.get(view_index(&self.plan, index)?)
    }

    /// Patch `k` (in C order of the outer axes) as an N-d view of the inner shape.
    pub fn patch(&self, k: usize) -> Result<NdView<'a, T>> {
        let (shape, strides, offset) = patch_geometry(&self.plan, k)?;
        Ok(NdView::from_checked(self.data, shape, strides, offset))
    }

    /// Every patch in order. (Each view's shape and strides are allocated
    /// as `Vec::to_vec` allocates; [`patch`](Self::patch) is the fallible
    /// form.)
    pub fn patches(&self) -> impl ExactSizeIterator<Item = NdView<'a, T>> + '_ {
        let n_outer = self.plan.outer_shape().len();
        let (outer, inner) = self.strides().split_at(n_outer);
        Offsets::new(self.plan.outer_shape(), outer, self.offset()).map(move |offset| {
            NdView::from_checked(
                self.data,
                self.plan.inner_shape().to_vec(),
                inner.to_vec(),
                offset,
            )
        })
    }

    /// The whole view as one N-d strided view. (Its shape and strides are
    /// allocated as `Vec::to_vec` allocates.)
    pub fn as_array(&self) -> NdView<'a, T> {
        NdView::from_checked(
            self.data,
            self.shape().to_vec(),
            self.strides().to_vec(),
            self.offset(),
        )
    }

    /// The view as an [`ArrangedView`] of the same shape (`outer ++
    /// inner`) and strides, whose axes can be split and permuted; its copy
    /// runs on the same kernels.
    ///
    /// ```
    /// use patch_core::{PatchSpec, PatchView};
    ///
    /// // ViT tiles of a 4x4 image in column-major patch order.
    /// let x: Vec<u8> = (0..16).collect();
    /// let view = PatchView::contiguous(&x, &[4, 4], &PatchSpec::tiles(&[2, 2]))?;
    /// let cols = view.arrange()?.permute(&[1, 0, 2, 3])?.flatten(&[2, 2])?;
    /// let tokens = cols.extract()?;
    /// assert_eq!(tokens.shape(), &[4, 4]);
    /// assert_eq!(&tokens.data()[4..8], &[8, 9, 12, 13]); // grid cell (1, 0)
    /// # Ok::<(), patch_core::PatchError>(())
    /// ```
    pub fn arrange(&self) -> Result<ArrangedView<'a, T>> {
        ArrangedView::from_checked(
            self.data,
            try_to_vec(self.shape())?,
            try_to_vec(self.strides())?,
            self.offset(),
        )
    }

    /// Copies the patches into a new contiguous array in `order`
    /// ([`Plan::extract`]).
    pub fn extract(&self, order: PatchOrder) -> Result<NdArray<T>> {
        self.plan.extract(self.data, order)
    }

    /// Copies the patches into `dst` (exactly `num_patches * patch_len`
    /// elements) in `order` ([`Plan::extract_into`]).
    pub fn extract_into(&self, dst: &mut [T], order: PatchOrder) -> Result<()> {
        self.plan.extract_into(self.data, dst, order)
    }

    /// Copies the patches into a new contiguous array as `opts` says
    /// ([`Plan::extract_with`]).
    pub fn extract_with<D: Element>(&self, opts: &ExtractOptions<D>) -> Result<NdArray<D>> {
        self.plan.extract_with(self.data, opts)
    }

    /// Copies the patches into `dst` as `opts` says
    /// ([`Plan::extract_into_with`]).
    pub fn extract_into_with<D: Element>(
        &self,
        dst: &mut [D],
        opts: &ExtractOptions<D>,
    ) -> Result<()> {
        self.plan.extract_into_with(self.data, dst, opts)
    }
}

/// A writable view of an array as patches, allowed only when no two
/// (patch, element) positions reach the same element.
///
/// ```
/// use patch_core::{ErrorKind, Layout, PatchSpec, PatchViewMut};
///
/// let mut image = vec![0u8; 4 * 4];
/// let layout = Layout::of::<u8>(&[4, 4]).unwrap();
/// // 2x2 tiles do not overlap: writable.
/// let mut tiles = PatchViewMut::new(&mut image, &layout, &PatchSpec::tiles(&[2, 2])).unwrap();
/// tiles.patch_mut(3).unwrap().fill(9);
/// assert_eq!(&image[8..], &[0, 0, 9, 9, 0, 0, 9, 9]);
///
/// // 3x3 windows with step 1 overlap: refused.
/// let spec = PatchSpec::sliding(&[3, 3], &[1, 1]).unwrap();
/// let err = PatchViewMut::new(&mut image, &layout, &spec).unwrap_err();
/// assert_eq!(err.kind(), ErrorKind::Aliasing);
/// ```
#[derive(Debug)]
pub struct PatchViewMut<'a, T> {
    data: &'a mut [T],
    plan: Plan,
}

impl<'a, T: Element> PatchViewMut<'a, T> {
    /// A writable view of `data`, laid out as `layout`, as the patches of `spec`.
    pub fn new(data: &'a mut [T], layout: &Layout, spec: &PatchSpec) -> Result<Self> {
        PatchViewMut::from_plan(data, Plan::valid(layout, spec)?)
    }

    /// A writable view through a plan (a view whose positions cannot alias).
    pub fn from_plan(data: &'a mut [T], plan: Plan) -> Result<Self> {
        check_view::<T>(&plan, data.len())?;
        plan.check_writable()?;
        Ok(PatchViewMut { data, plan })
    }

    /// The plan behind the view.
    pub fn plan(&self) -> &Plan {
        &self.plan
    }

    /// Shape: outer axes, then inner axes.
    pub fn shape(&self) -> &[usize] {
        self.plan.shape()
    }

    /// Element strides (DLPack's convention).
    pub fn strides(&self) -> &[isize] {
        // Always a view (checked when it is made).
        self.plan.view_strides().unwrap_or(&[])
    }

    /// Byte strides (numpy's convention).
    pub fn byte_strides(&self) -> &[isize] {
        self.plan.view_byte_strides().unwrap_or(&[])
    }

    /// Number of patches.
    pub fn num_patches(&self) -> usize {
        self.plan.num_patches()
    }

    /// Elements per patch.
    pub fn patch_len(&self) -> usize {
        self.plan.patch_len()
    }

    /// The element at a full index.
    pub fn get(&self, index: &[usize]) -> Option<&T> {
        self.data.get(view_index(&self.plan, index)?)
    }

    /// The element at a full index, for writing.
    pub fn get_mut(&mut self, index: &[usize]) -> Option<&mut T> {
        let at = view_index(&self.plan, index)?;
        self.data.get_mut(at)
    }

    /// Patch `k`, read-only.
    pub fn patch(&self, k: usize) -> Result<NdView<'_, T>> {
        let (shape, strides, offset) = patch_geometry(&self.plan, k)?;
        Ok(NdView::from_checked(self.data, shape, strides, offset))
    }

    /// Patch `k`, writable.
    pub fn patch_mut(&mut self, k: usize) -> Result<NdViewMut<'_, T>> {
        let (shape, strides, offset) = patch_geometry(&self.plan, k)?;
        Ok(NdViewMut::from_checked(self.data, shape, strides, offset))
    }

    /// A read-only view of the same patches, with every copy of
    /// [`PatchView`] (`view().extract_with(&opts)`, ...).
    pub fn view(&self) -> PatchView<'_, T> {
        PatchView {
            data: self.data,
            plan: self.plan.clone(),
        }
    }

    /// Copies the patches into a new contiguous array in `order`
    /// ([`Plan::extract`]); the other copies go through [`view`](Self::view).
    pub fn extract(&self, order: PatchOrder) -> Result<NdArray<T>> {
        self.plan.extract(self.data, order)
    }

    /// Writes contiguous patches (as [`extract`](Self::extract) lays them
    /// out in `order`) back through the view: the inverse of a copy.
    pub fn assign(&mut self, patches: &[T], order: PatchOrder) -> Result<()> {
        check_patches(&self.plan, patches.len())?;
        if self.plan.copy_len() == 0 {
            return Ok(());
        }
        let plan = &self.plan;
        let dims = ordered(
            plan.shape(),
            plan.view_strides()?,
            plan.outer_shape().len(),
            order,
        );
        let kernel = Strided::new(dims, plan.layout().offset(), size_of::<T>())?;
        kernel.scatter(as_bits(patches), as_bits_mut(self.data));
        Ok(())
    }
}
