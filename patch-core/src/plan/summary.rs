//! Every number of a plan in one flat record, for JSON and for bindings.

use super::{AxisPlan, Plan};
use crate::alloc::try_to_vec;
use crate::error::Result;
use crate::padding::Padding;

impl Plan {
    /// Every number of the plan in one record, for tools and bindings
    /// (serializable with the `serde` feature). Its lists are copies, so
    /// it fails with [`Allocation`](crate::ErrorKind::Allocation) when
    /// memory for them runs out.
    ///
    /// ```
    /// use patch_core::{Layout, PatchSpec, Plan};
    ///
    /// let plan = Plan::valid(&Layout::of::<u8>(&[4, 6]).unwrap(), &PatchSpec::tiles(&[2, 3])).unwrap();
    /// let s = plan.summary().unwrap();
    /// assert_eq!((s.shape, s.grid, s.copy_bytes), (vec![2, 2, 2, 3], vec![2, 2], 24));
    /// ```
    pub fn summary(&self) -> Result<PlanSummary> {
        let view = |v: Result<&[isize]>| v.ok().map(try_to_vec).transpose();
        Ok(PlanSummary {
            input_shape: try_to_vec(self.layout.shape())?,
            input_strides: try_to_vec(self.layout.strides())?,
            // Cannot overflow: every stride in bytes is checked by the layout.
            input_byte_strides: try_to_vec(self.layout.byte_strides())?,
            offset: self.layout.offset(),
            itemsize: self.layout.itemsize(),
            axes: try_to_vec(&self.axes)?,
            padding: self.padding.try_clone()?,
            shape: try_to_vec(&self.shape)?,
            outer_shape: try_to_vec(self.outer_shape())?,
            inner_shape: try_to_vec(self.inner_shape())?,
            grid: try_to_vec(&self.grid)?,
            num_patches: self.num_patches,
            patch_len: self.patch_len,
            is_view: self.is_view(),
            view_strides: view(self.view_strides())?,
            view_byte_strides: view(self.view_byte_strides())?,
            span_bytes: self.span_bytes(),
            copy_bytes: self.copy_bytes(),
        })
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
