//! The plan: every number of a patch geometry, computed and checked once,
//! without touching data. The per-axis geometry lives in [`axis`], the
//! view strides in [`strides`], the span of memory read in [`span`], the
//! flat record for bindings in [`summary`].

mod axis;
mod span;
mod strides;
mod summary;

pub use axis::AxisPlan;
pub(crate) use axis::{Line, Part};
use strides::ViewStrides;
pub use summary::PlanSummary;

use crate::alloc::{try_collect, try_collect_n, try_with_capacity};
use crate::error::{Result, Short, bail, err};
use crate::layout::{Layout, checked_product, locate};
use crate::order::{PatchOrder, out_axes};
use crate::padding::{Convention, Padding};
use crate::spec::{AxisRole, PatchSpec};

/// A checked patch geometry: an input [`Layout`], a [`PatchSpec`] and a
/// [`Padding`], with every count and stride the copying paths need.
///
/// The patch array has shape `outer ++ inner` (see [`AxisRole`]). When the
/// plan needs no padding and no shifted window, it is a *view*: the same
/// memory read through [`view_strides`](Plan::view_strides).
///
/// ```
/// use patch_core::{Layout, PatchSpec, Plan};
///
/// // ViT: 224x224x3 u8, 16x16 tiles.
/// let layout = Layout::of::<u8>(&[224, 224, 3]).unwrap();
/// let plan = Plan::valid(&layout, &PatchSpec::tiles(&[16, 16]).channels_last()).unwrap();
/// assert_eq!(plan.shape(), &[14, 14, 16, 16, 3]);
/// assert_eq!(plan.view_byte_strides().unwrap(), &[10752, 48, 672, 3, 1]);
/// assert_eq!((plan.num_patches(), plan.patch_len()), (196, 768));
/// assert_eq!(plan.patch_origin(15).unwrap(), vec![16, 16, 0]);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Plan {
    layout: Layout,
    spec: PatchSpec,
    padding: Padding,
    axes: Vec<AxisPlan>,
    shape: Vec<usize>,
    /// Windows per window axis, in input order.
    grid: Vec<usize>,
    n_outer: usize,
    num_patches: usize,
    patch_len: usize,
    /// Element and byte strides of the view, when the plan is one.
    view_strides: Option<ViewStrides>,
    /// Whether a window axis too short for a window has none (see `build`).
    empty_when_short: bool,
}

impl Plan {
    /// Plans `spec` over `layout` with `padding`.
    pub fn new(layout: &Layout, spec: &PatchSpec, padding: &Padding) -> Result<Self> {
        Plan::build(layout, spec, padding, false)
    }

    /// [`Plan::new`]; with `empty_when_short`, a window axis too short for
    /// one window (padding included) gets no windows instead of an error
    /// (`tf.signal.frame`'s rule, for [`frame_plan`](crate::frame_plan)).
    pub(crate) fn build(
        layout: &Layout,
        spec: &PatchSpec,
        padding: &Padding,
        empty_when_short: bool,
    ) -> Result<Self> {
        if spec.ndim() != layout.ndim() {
            bail!(
                RankMismatch,
                "the spec has {} axis roles but the array has {} axes (shape {})",
                spec.ndim(),
                layout.ndim(),
                Short(layout.shape())
            );
        }
        let n_windows = spec
            .roles()
            .iter()
            .filter(|r| matches!(r, AxisRole::Window(_)))
            .count();
        if let Convention::Explicit(pads) = &padding.convention
            && pads.len() != n_windows
        {
            bail!(
                RankMismatch,
                "explicit padding has {} (lo, hi) pairs but the spec has {n_windows} window axes",
                pads.len()
            );
        }
        let mut axes = try_with_capacity(layout.ndim())?;
        let mut window_index = 0;
        for (axis, (&role, &len)) in spec.roles().iter().zip(layout.shape()).enumerate() {
            axes.push(match role {
                AxisRole::Batch => AxisPlan::batch(len),
                AxisRole::Whole => AxisPlan::whole(len),
                AxisRole::Window(w) => {
                    let pads = match &padding.convention {
                        Convention::Explicit(p) => Some(p[window_index]),
                        _ => None,
                    };
                    window_index += 1;
                    AxisPlan::window_axis(
                        axis,
                        w,
                        len,
                        &padding.convention,
                        pads,
                        padding.mode,
                        empty_when_short,
                    )?
                }
            });
        }
        let n_outer = axes.iter().filter(|a| a.has_part(Part::Grid)).count();
        let shape = try_collect_n(
            out_axes(&axes, PatchOrder::PatchMajor).count(),
            out_axes(&axes, PatchOrder::PatchMajor).map(|o| o.len),
        )?;
        let grid = try_collect_n(
            n_windows,
            axes.iter().filter_map(|a| a.window().map(|_| a.grid)),
        )?;
        let num_patches = checked_product(&shape[..n_outer], "patch count")?;
        let patch_len = checked_product(&shape[n_outer..], "patch length")?;
        if num_patches
            .checked_mul(patch_len)
            .and_then(|n| n.checked_mul(layout.itemsize()))
            .is_none_or(|b| b > isize::MAX as usize)
        {
            bail!(
                Overflow,
                "{num_patches} patches of {patch_len} elements of {} bytes overflow isize bytes",
                layout.itemsize()
            );
        }
        let mut plan = Plan {
            layout: layout.try_clone()?,
            spec: spec.try_clone()?,
            padding: padding.try_clone()?,
            axes,
            shape,
            grid,
            n_outer,
            num_patches,
            patch_len,
            view_strides: None,
            empty_when_short,
        };
        if plan.axes.iter().all(AxisPlan::is_strided) {
            plan.view_strides =
                Some(plan.view_strides_over(plan.layout.strides(), plan.layout.itemsize())?);
        }
        Ok(plan)
    }

    /// The same geometry for elements of `itemsize` bytes (the strides in
    /// elements are unchanged): for example the plan of a fold of `f32`
    /// patches cut from a `u8` image. Fails where the new byte sizes
    /// overflow.
    pub fn with_itemsize(&self, itemsize: usize) -> Result<Self> {
        Plan::build(
            &self.layout.with_itemsize(itemsize)?,
            &self.spec,
            &self.padding,
            self.empty_when_short,
        )
    }

    /// The same spec and padding over `layout`, an array of the same shape
    /// stored with other strides or offset (for a source that is read in
    /// place, or compacted first, where the plan was made for another
    /// layout). Keeps [`frame_plan`](crate::frame_plan)'s rule for short axes.
    #[cfg(feature = "ndarray")]
    pub(crate) fn with_layout(&self, layout: &Layout) -> Result<Self> {
        if layout == &self.layout {
            return Ok(self.clone());
        }
        if layout.shape() != self.layout.shape() || layout.itemsize() != self.layout.itemsize() {
            bail!(
                InvalidArgument,
                "the array has shape {} of {}-byte elements but the plan was made for shape {} of {}-byte elements",
                Short(layout.shape()),
                layout.itemsize(),
                Short(self.layout.shape()),
                self.layout.itemsize()
            );
        }
        Plan::build(layout, &self.spec, &self.padding, self.empty_when_short)
    }

    /// Plans `spec` over `layout` without padding (numpy's and torch's default).
    pub fn valid(layout: &Layout, spec: &PatchSpec) -> Result<Self> {
        Plan::new(layout, spec, &Padding::valid())
    }

    /// The input layout.
    pub fn layout(&self) -> &Layout {
        &self.layout
    }

    /// The spec the plan was made from.
    pub fn spec(&self) -> &PatchSpec {
        &self.spec
    }

    /// The padding the plan was made with.
    pub fn padding(&self) -> &Padding {
        &self.padding
    }

    /// The resolved geometry of every input axis.
    pub fn axes(&self) -> &[AxisPlan] {
        &self.axes
    }

    /// Shape of the patch array: outer axes, then inner axes.
    pub fn shape(&self) -> &[usize] {
        &self.shape
    }

    /// Number of axes of the patch array.
    pub fn ndim(&self) -> usize {
        self.shape.len()
    }

    /// The outer axes: one per batch axis and one grid axis per window axis.
    pub fn outer_shape(&self) -> &[usize] {
        &self.shape[..self.n_outer]
    }

    /// The inner axes: the shape of one patch.
    pub fn inner_shape(&self) -> &[usize] {
        &self.shape[self.n_outer..]
    }

    /// Number of patches (product of the outer shape).
    pub fn num_patches(&self) -> usize {
        self.num_patches
    }

    /// Elements per patch (product of the inner shape).
    pub fn patch_len(&self) -> usize {
        self.patch_len
    }

    /// Shape of an extracted copy in `order`: `[num_patches, patch_len]`
    /// or `[patch_len, num_patches]`.
    pub fn copy_shape(&self, order: PatchOrder) -> [usize; 2] {
        match order {
            PatchOrder::PatchMajor => [self.num_patches, self.patch_len],
            PatchOrder::FeatureMajor => [self.patch_len, self.num_patches],
        }
    }

    /// Elements of an extracted copy: `num_patches * patch_len`.
    pub fn copy_len(&self) -> usize {
        self.num_patches * self.patch_len
    }

    /// Bytes of an extracted copy.
    pub fn copy_bytes(&self) -> usize {
        self.copy_len() * self.layout.itemsize()
    }

    /// Number of windows along every window axis, in input order.
    pub fn grid(&self) -> &[usize] {
        &self.grid
    }

    /// The outer index (batch and grid coordinates) of patch `k`.
    pub fn patch_index(&self, k: usize) -> Result<Vec<usize>> {
        if k >= self.num_patches {
            bail!(
                OutOfBounds,
                "patch {k} is out of range for {} patches",
                self.num_patches
            );
        }
        let mut index = crate::alloc::try_zeroed(self.n_outer)?;
        let mut rest = k;
        for (slot, &n) in index.iter_mut().zip(self.outer_shape()).rev() {
            *slot = rest % n;
            rest /= n;
        }
        Ok(index)
    }

    /// Input coordinates of the first element of patch `k`, one per input
    /// axis; negative inside padding.
    pub fn patch_origin(&self, k: usize) -> Result<Vec<isize>> {
        let outer = self.patch_index(k)?;
        let mut outer = outer.into_iter();
        try_collect(self.axes.iter().map(|a| {
            // The outer index of the axis's grid (0 for a whole axis).
            let i = if a.has_part(Part::Grid) {
                outer.next().unwrap_or(0)
            } else {
                0
            };
            a.origin(i)
        }))
    }

    /// Whether patch `k` reads any padding.
    pub fn touches_padding(&self, k: usize) -> Result<bool> {
        let outer = self.patch_index(k)?;
        let mut outer = outer.into_iter();
        Ok(self
            .axes
            .iter()
            .filter(|a| a.has_part(Part::Grid))
            .any(|a| a.window_touches_padding(outer.next().unwrap_or(0))))
    }

    /// Element offset of the first element of patch `k` in the input buffer
    /// (views only).
    pub fn patch_offset(&self, k: usize) -> Result<usize> {
        let strides = self.view_strides()?;
        let outer = self.patch_index(k)?;
        let at = locate(
            self.outer_shape(),
            &strides[..self.n_outer],
            self.layout.offset(),
            &outer,
        )
        .map_err(|_| err!(Overflow, "the offset of patch {k} overflows isize"))?;
        usize::try_from(at).map_err(|_| {
            err!(
                OutOfBounds,
                "patch {k} starts at element {at}, before the buffer"
            )
        })
    }

    /// Byte offset of the first element of patch `k` (views only).
    pub fn patch_byte_offset(&self, k: usize) -> Result<usize> {
        self.patch_offset(k)?
            .checked_mul(self.layout.itemsize())
            .filter(|&b| b <= isize::MAX as usize)
            .ok_or_else(|| err!(Overflow, "the byte offset of patch {k} overflows isize"))
    }

    /// Checks that a writable view of this plan would reach every element
    /// through at most one (patch, element) position.
    pub fn check_writable(&self) -> Result<()> {
        self.view_strides()?;
        for (axis, a) in self.axes.iter().enumerate() {
            if let (Some(w), true) = (a.window(), a.windows_collide()) {
                bail!(
                    Aliasing,
                    "windows on axis {axis} overlap (step {} < extent {}, {} windows): a writable view would reach one element through several patches; use a read-only view or extract a copy",
                    w.step,
                    a.extent(),
                    a.grid
                );
            }
        }
        if self.layout.may_alias() {
            bail!(
                Aliasing,
                "the input strides {} over shape {} may reach one element twice, so a writable view could alias",
                Short(self.layout.strides()),
                Short(self.layout.shape())
            );
        }
        Ok(())
    }
}
