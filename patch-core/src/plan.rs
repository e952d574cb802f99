//! The plan: every number of a patch geometry, computed and checked once,
//! without touching data.

use crate::error::{PatchError, Result, bail, err};
use crate::layout::{Layout, checked_product};
use crate::padding::{Convention, PadMode, Padding};
use crate::spec::{AxisRole, PatchSpec, Window};

/// The resolved geometry of one input axis.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[non_exhaustive]
pub struct AxisPlan {
    /// The role the spec gave the axis.
    #[cfg_attr(feature = "serde", serde(flatten))]
    pub role: AxisRole,
    /// Length of the input axis.
    pub len: usize,
    /// Padding before the first element (window axes only).
    pub pad_lo: usize,
    /// Padding after the last element (window axes only).
    pub pad_hi: usize,
    /// Number of windows (window axes), the length (batch axes), or 1 (whole axes).
    pub grid: usize,
    /// With [`Convention::Cover`], the origin of the last window when it was
    /// shifted back to end at the border.
    pub cover_last: Option<usize>,
}

impl AxisPlan {
    /// The window of a window axis.
    pub fn window(&self) -> Option<Window> {
        match self.role {
            AxisRole::Window(w) => Some(w),
            _ => None,
        }
    }

    /// Input coordinate of the first sample of window `k` (negative inside
    /// padding); the index itself for batch axes, 0 for whole axes.
    pub fn origin(&self, k: usize) -> isize {
        match self.role {
            AxisRole::Window(w) => match self.cover_last {
                Some(last) if k + 1 == self.grid => last as isize,
                _ => (k * w.step) as isize - self.pad_lo as isize,
            },
            AxisRole::Batch => k as isize,
            AxisRole::Whole => 0,
        }
    }

    /// Whether two (window, position) pairs of this axis read the same
    /// coordinate: positions `k*step + j*dilation` collide iff the smallest
    /// non-zero solution of `dk*step == dj*dilation` fits, that is
    /// `dk = lcm/step < grid` and `dj = lcm/dilation < size`. A Cover-shifted
    /// last window collides whenever there is more than one window.
    pub fn windows_collide(&self) -> bool {
        match self.role {
            AxisRole::Window(w) => {
                let l = lcm(w.step, w.dilation);
                (self.grid > l / w.step && w.size > l / w.dilation)
                    || (self.cover_last.is_some() && self.grid > 1)
            }
            _ => false,
        }
    }

    /// Whether the windows together read every coordinate of the axis.
    pub fn windows_cover(&self) -> bool {
        match self.role {
            AxisRole::Window(w) => {
                let mut hit = vec![false; self.len];
                for k in 0..self.grid {
                    let o = self.origin(k);
                    for j in 0..w.size {
                        let c = o + (j * w.dilation) as isize;
                        if (0..self.len as isize).contains(&c) {
                            hit[c as usize] = true;
                        }
                    }
                }
                hit.iter().all(|&h| h)
            }
            _ => true,
        }
    }

    /// Whether window `k` reads any coordinate outside the axis.
    pub fn window_touches_padding(&self, k: usize) -> bool {
        match self.role {
            AxisRole::Window(w) => {
                let o = self.origin(k);
                o < 0 || o + ((w.size - 1) * w.dilation) as isize >= self.len as isize
            }
            _ => false,
        }
    }
}

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
    n_outer: usize,
    num_patches: usize,
    patch_len: usize,
    /// Element and byte strides of the view, when the plan is one.
    view_strides: Option<ViewStrides>,
    /// Whether a window axis too short for a window has none (see `build`).
    empty_when_short: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct ViewStrides {
    elements: Vec<isize>,
    bytes: Vec<isize>,
}

fn window_message(
    axis: usize,
    w: &Window,
    extent: usize,
    len: usize,
    padded: Option<(usize, usize)>,
) -> String {
    let what = if w.dilation == 1 {
        format!("window {}", w.size)
    } else {
        format!(
            "window {} (extent {extent} with dilation {})",
            w.size, w.dilation
        )
    };
    match padded {
        None => format!("{what} is larger than axis {axis} of length {len}"),
        Some((lo, hi)) => {
            format!("{what} is larger than axis {axis} of length {len} padded by ({lo}, {hi})")
        }
    }
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
                "the spec has {} axis roles but the array has {} axes (shape {:?})",
                spec.ndim(),
                layout.ndim(),
                layout.shape()
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
        let mut axes = Vec::with_capacity(layout.ndim());
        let mut window_index = 0;
        for (axis, (&role, &len)) in spec.roles().iter().zip(layout.shape()).enumerate() {
            let axis_plan = match role {
                AxisRole::Batch => AxisPlan {
                    role,
                    len,
                    pad_lo: 0,
                    pad_hi: 0,
                    grid: len,
                    cover_last: None,
                },
                AxisRole::Whole => AxisPlan {
                    role,
                    len,
                    pad_lo: 0,
                    pad_hi: 0,
                    grid: 1,
                    cover_last: None,
                },
                AxisRole::Window(w) => {
                    let pads = match &padding.convention {
                        Convention::Explicit(p) => Some(p[window_index]),
                        _ => None,
                    };
                    window_index += 1;
                    plan_window_axis(
                        axis,
                        w,
                        len,
                        &padding.convention,
                        pads,
                        padding.mode,
                        empty_when_short,
                    )?
                }
            };
            axes.push(axis_plan);
        }
        let outer: Vec<usize> = axes
            .iter()
            .filter(|a| !matches!(a.role, AxisRole::Whole))
            .map(|a| a.grid)
            .collect();
        let inner: Vec<usize> = axes
            .iter()
            .filter_map(|a| match a.role {
                AxisRole::Window(w) => Some(w.size),
                AxisRole::Whole => Some(a.len),
                AxisRole::Batch => None,
            })
            .collect();
        let num_patches = checked_product(&outer, "patch count")?;
        let patch_len = checked_product(&inner, "patch length")?;
        let copy_elems = num_patches.checked_mul(patch_len);
        if copy_elems
            .and_then(|n| n.checked_mul(layout.itemsize()))
            .is_none_or(|b| b > isize::MAX as usize)
        {
            bail!(
                Overflow,
                "{num_patches} patches of {patch_len} elements of {} bytes overflow isize bytes",
                layout.itemsize()
            );
        }
        let n_outer = outer.len();
        let mut shape = outer;
        shape.extend_from_slice(&inner);
        let mut plan = Plan {
            layout: layout.clone(),
            spec: spec.clone(),
            padding: padding.clone(),
            axes,
            shape,
            n_outer,
            num_patches,
            patch_len,
            view_strides: None,
            empty_when_short,
        };
        let fits = |a: &AxisPlan| {
            a.pad_lo == 0
                && a.cover_last.is_none()
                && (a.grid == 0 || !a.window_touches_padding(a.grid - 1))
        };
        if plan.axes.iter().all(fits) {
            plan.view_strides = Some(plan.compute_view_strides()?);
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
                "the array has shape {:?} of {}-byte elements but the plan was made for shape {:?} of {}-byte elements",
                layout.shape(),
                layout.itemsize(),
                self.layout.shape(),
                self.layout.itemsize()
            );
        }
        Plan::build(layout, &self.spec, &self.padding, self.empty_when_short)
    }

    /// Plans `spec` over `layout` without padding (numpy's and torch's default).
    pub fn valid(layout: &Layout, spec: &PatchSpec) -> Result<Self> {
        Plan::new(layout, spec, &Padding::valid())
    }

    /// The view strides this plan would have over an array of the same
    /// shape with element `strides` (wrapping: only meaningful where the
    /// plan is a view, and only ever multiplied by indices in range).
    pub(crate) fn view_strides_over(&self, strides: &[isize]) -> Vec<isize> {
        let mut outer = Vec::with_capacity(self.n_outer);
        let mut inner = Vec::with_capacity(self.shape.len() - self.n_outer);
        for (a, &s) in self.axes.iter().zip(strides) {
            match a.role {
                AxisRole::Batch => outer.push(s),
                AxisRole::Whole => inner.push(s),
                AxisRole::Window(w) => {
                    outer.push((w.step as isize).wrapping_mul(s));
                    inner.push((w.dilation as isize).wrapping_mul(s));
                }
            }
        }
        outer.extend_from_slice(&inner);
        outer
    }

    fn compute_view_strides(&self) -> Result<ViewStrides> {
        let strides = self.layout.strides();
        let overflow = |axis: usize, a: usize, s: isize| -> PatchError {
            err!(
                Overflow,
                "view stride {a} * {s} of axis {axis} overflows isize"
            )
        };
        let mut outer = Vec::with_capacity(self.n_outer);
        let mut inner = Vec::with_capacity(self.shape.len() - self.n_outer);
        for (axis, (a, &s)) in self.axes.iter().zip(strides).enumerate() {
            match a.role {
                AxisRole::Batch => outer.push(s),
                AxisRole::Whole => inner.push(s),
                AxisRole::Window(w) => {
                    outer.push(
                        (w.step as isize)
                            .checked_mul(s)
                            .ok_or_else(|| overflow(axis, w.step, s))?,
                    );
                    inner.push(
                        (w.dilation as isize)
                            .checked_mul(s)
                            .ok_or_else(|| overflow(axis, w.dilation, s))?,
                    );
                }
            }
        }
        outer.extend_from_slice(&inner);
        let item = self.layout.itemsize() as isize;
        let bytes = outer
            .iter()
            .map(|&s| {
                s.checked_mul(item).ok_or_else(|| {
                    err!(
                        Overflow,
                        "view stride {s} of {item}-byte elements overflows isize bytes"
                    )
                })
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(ViewStrides {
            elements: outer,
            bytes,
        })
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
    pub fn copy_shape(&self, order: crate::PatchOrder) -> [usize; 2] {
        match order {
            crate::PatchOrder::PatchMajor => [self.num_patches, self.patch_len],
            crate::PatchOrder::FeatureMajor => [self.patch_len, self.num_patches],
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

    /// Bytes of input memory the patches read from: the distance from the
    /// lowest to the highest element any patch reads, plus one element. A
    /// view costs no memory of its own; this is what it looks through.
    pub fn span_bytes(&self) -> usize {
        if self.num_patches == 0 || self.patch_len == 0 {
            return 0;
        }
        let strides = self.layout.strides();
        let (mut lo, mut hi) = (0i128, 0i128);
        for (a, &s) in self.axes.iter().zip(strides) {
            let (first, last) = match a.role {
                AxisRole::Batch | AxisRole::Whole => (0, a.len as i128 - 1),
                AxisRole::Window(w) => {
                    let first = a.origin(0).max(0) as i128;
                    let end = a.origin(a.grid - 1) as i128 + ((w.size - 1) * w.dilation) as i128;
                    let last = end.min(a.len as i128 - 1);
                    if a.len == 0 {
                        (0, 0)
                    } else {
                        (first.min(last), last)
                    }
                }
            };
            let (x, y) = (first * s as i128, last * s as i128);
            lo += x.min(y);
            hi += x.max(y);
        }
        ((hi - lo + 1) as usize).saturating_mul(self.layout.itemsize())
    }

    /// Number of windows along every window axis, in input order.
    pub fn grid(&self) -> Vec<usize> {
        self.axes
            .iter()
            .filter(|a| a.window().is_some())
            .map(|a| a.grid)
            .collect()
    }

    /// Whether the patches are a strided view of the input (no padding is
    /// read and no window was shifted by [`Convention::Cover`]).
    pub fn is_view(&self) -> bool {
        self.view_strides.is_some()
    }

    fn not_a_view(&self) -> PatchError {
        let reason = if self.axes.iter().any(|a| a.cover_last.is_some()) {
            "the last window of an axis was shifted back to the border (Cover)"
        } else {
            "the windows read padding"
        };
        err!(
            NotAView,
            "{reason}; no strides express this, extract a copy instead"
        )
    }

    /// Element strides of the patch view (DLPack's convention), or
    /// [`NotAView`](crate::ErrorKind::NotAView) for a padded or covered plan.
    pub fn view_strides(&self) -> Result<&[isize]> {
        self.view_strides
            .as_ref()
            .map(|v| &v.elements[..])
            .ok_or_else(|| self.not_a_view())
    }

    /// Byte strides of the patch view (numpy's convention), or
    /// [`NotAView`](crate::ErrorKind::NotAView) for a padded or covered plan.
    pub fn view_byte_strides(&self) -> Result<&[isize]> {
        self.view_strides
            .as_ref()
            .map(|v| &v.bytes[..])
            .ok_or_else(|| self.not_a_view())
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
        let mut index = vec![0; self.n_outer];
        let mut rest = k;
        for (slot, &n) in index.iter_mut().zip(self.outer_shape()).rev() {
            *slot = rest % n;
            rest /= n;
        }
        Ok(index)
    }

    /// Outer index of patch `k` spread over the input axes (grid index per
    /// window axis, index per batch axis, 0 per whole axis).
    fn patch_axis_index(&self, k: usize) -> Result<Vec<usize>> {
        let outer = self.patch_index(k)?;
        let mut it = outer.into_iter();
        Ok(self
            .axes
            .iter()
            .map(|a| match a.role {
                AxisRole::Whole => 0,
                _ => it.next().unwrap_or(0),
            })
            .collect())
    }

    /// Input coordinates of the first element of patch `k`, one per input
    /// axis; negative inside padding.
    pub fn patch_origin(&self, k: usize) -> Result<Vec<isize>> {
        let idx = self.patch_axis_index(k)?;
        Ok(self
            .axes
            .iter()
            .zip(idx)
            .map(|(a, i)| a.origin(i))
            .collect())
    }

    /// Whether patch `k` reads any padding.
    pub fn touches_padding(&self, k: usize) -> Result<bool> {
        let idx = self.patch_axis_index(k)?;
        Ok(self
            .axes
            .iter()
            .zip(idx)
            .any(|(a, i)| a.window_touches_padding(i)))
    }

    /// Element offset of the first element of patch `k` in the input buffer
    /// (views only).
    pub fn patch_offset(&self, k: usize) -> Result<usize> {
        let strides = self.view_strides()?;
        let outer = self.patch_index(k)?;
        let overflow = || err!(Overflow, "the offset of patch {k} overflows isize");
        let mut at = self.layout.offset() as isize;
        for (&i, &s) in outer.iter().zip(strides) {
            at = (i as isize)
                .checked_mul(s)
                .and_then(|d| at.checked_add(d))
                .ok_or_else(overflow)?;
        }
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
            if let (AxisRole::Window(w), true) = (a.role, a.windows_collide()) {
                // The plan checked the extent.
                let extent = w.extent().unwrap_or(usize::MAX);
                bail!(
                    Aliasing,
                    "windows on axis {axis} overlap (step {} < extent {extent}, {} windows): a writable view would reach one element through several patches; use a read-only view or extract a copy",
                    w.step,
                    a.grid
                );
            }
        }
        if self.layout.may_alias() {
            bail!(
                Aliasing,
                "the input strides {:?} over shape {:?} may reach one element twice, so a writable view could alias",
                self.layout.strides(),
                self.layout.shape()
            );
        }
        Ok(())
    }

    /// Every number of the plan in one record, for tools and bindings
    /// (serializable with the `serde` feature).
    pub fn summary(&self) -> PlanSummary {
        PlanSummary {
            input_shape: self.layout.shape().to_vec(),
            input_strides: self.layout.strides().to_vec(),
            input_byte_strides: self.layout.byte_strides().to_vec(),
            offset: self.layout.offset(),
            itemsize: self.layout.itemsize(),
            axes: self.axes.clone(),
            padding: self.padding.clone(),
            shape: self.shape.clone(),
            outer_shape: self.outer_shape().to_vec(),
            inner_shape: self.inner_shape().to_vec(),
            grid: self.grid(),
            num_patches: self.num_patches,
            patch_len: self.patch_len,
            is_view: self.is_view(),
            view_strides: self.view_strides().ok().map(<[isize]>::to_vec),
            view_byte_strides: self.view_byte_strides().ok().map(<[isize]>::to_vec),
            span_bytes: self.span_bytes(),
            copy_bytes: self.copy_bytes(),
        }
    }
}

/// Every number of a [`Plan`], flat, for JSON and for bindings.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[non_exhaustive]
pub struct PlanSummary {
    /// Input shape.
    pub input_shape: Vec<usize>,
    /// Input element strides.
    pub input_strides: Vec<isize>,
    /// Input byte strides.
    pub input_byte_strides: Vec<isize>,
    /// Input element offset.
    pub offset: usize,
    /// Bytes per element.
    pub itemsize: usize,
    /// Resolved geometry per input axis.
    pub axes: Vec<AxisPlan>,
    /// Padding convention and mode.
    pub padding: Padding,
    /// Patch array shape (outer then inner).
    pub shape: Vec<usize>,
    /// Outer shape.
    pub outer_shape: Vec<usize>,
    /// Inner shape (one patch).
    pub inner_shape: Vec<usize>,
    /// Windows per window axis.
    pub grid: Vec<usize>,
    /// Number of patches.
    pub num_patches: usize,
    /// Elements per patch.
    pub patch_len: usize,
    /// Whether the patches are a strided view.
    pub is_view: bool,
    /// Element strides of the view, when it is one.
    pub view_strides: Option<Vec<isize>>,
    /// Byte strides of the view, when it is one.
    pub view_byte_strides: Option<Vec<isize>>,
    /// Bytes of input memory the patches read from.
    pub span_bytes: usize,
    /// Bytes of an extracted copy.
    pub copy_bytes: usize,
}

fn gcd(mut a: usize, mut b: usize) -> usize {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a
}

fn lcm(a: usize, b: usize) -> usize {
    // a, b >= 1; saturate: a saturated lcm only makes the collision test fail.
    (a / gcd(a, b)).saturating_mul(b)
}

fn plan_window_axis(
    axis: usize,
    w: Window,
    len: usize,
    convention: &Convention,
    pads: Option<(usize, usize)>,
    mode: PadMode,
    empty_when_short: bool,
) -> Result<AxisPlan> {
    let extent = w.checked_extent(axis)?;
    let role = AxisRole::Window(w);
    let mut plan = AxisPlan {
        role,
        len,
        pad_lo: 0,
        pad_hi: 0,
        grid: 0,
        cover_last: None,
    };
    match convention {
        Convention::Valid => {
            if len < extent && empty_when_short {
                return Ok(plan);
            }
            if len < extent {
                bail!(
                    WindowTooLarge,
                    "{}",
                    window_message(axis, &w, extent, len, None)
                );
            }
            plan.grid = (len - extent) / w.step + 1;
        }
        Convention::Explicit(_) => {
            let (lo, hi) = pads.unwrap_or((0, 0));
            let padded = len
                .checked_add(lo)
                .and_then(|n| n.checked_add(hi))
                .filter(|&n| n <= isize::MAX as usize)
                .ok_or_else(|| {
                    err!(
                        Overflow,
                        "axis {axis} of length {len} padded by ({lo}, {hi}) overflows isize"
                    )
                })?;
            if len == 0 && padded > 0 && mode != PadMode::Constant {
                bail!(
                    InvalidArgument,
                    "cannot pad axis {axis} of length 0 with mode {}: there is no element to read",
                    mode.name()
                );
            }
            plan.pad_lo = lo;
            plan.pad_hi = hi;
            if padded < extent && empty_when_short {
                return Ok(plan);
            }
            if padded < extent {
                bail!(
                    WindowTooLarge,
                    "{}",
                    window_message(axis, &w, extent, len, Some((lo, hi)))
                );
            }
            plan.grid = (padded - extent) / w.step + 1;
        }
        Convention::Same => {
            if len > 0 {
                let grid = len.div_ceil(w.step);
                // (grid-1)*step < len, so this fits.
                let total = ((grid - 1) * w.step + extent).saturating_sub(len);
                if len
                    .checked_add(total)
                    .is_none_or(|n| n > isize::MAX as usize)
                {
                    bail!(
                        Overflow,
                        "axis {axis} of length {len} padded by {total} for SAME overflows isize"
                    );
                }
                plan.grid = grid;
                plan.pad_lo = total / 2;
                plan.pad_hi = total - total / 2;
            }
        }
        Convention::Cover => {
            if len < extent {
                bail!(
                    WindowTooLarge,
                    "{} (Cover shifts windows inside the axis; use Same or explicit padding for a larger window)",
                    window_message(axis, &w, extent, len, None)
                );
            }
            let room = len - extent;
            plan.grid = room.div_ceil(w.step) + 1;
            if !room.is_multiple_of(w.step) {
                plan.cover_last = Some(room);
            }
        }
    }
    Ok(plan)
}
