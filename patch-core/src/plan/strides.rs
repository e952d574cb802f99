//! View strides: the distance, in elements and in bytes, between
//! consecutive indices of every axis of the patch array. One checked
//! computation serves the plan's own view and the folds (which read their
//! output as a view over a C-contiguous array).

use super::{AxisPlan, Plan};
use crate::alloc::try_with_capacity;
use crate::error::{PatchError, Result, err};
use crate::order::{PatchOrder, out_axes};

/// Element and byte strides of a patch view, patch-major.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct ViewStrides {
    pub(crate) elements: Vec<isize>,
    pub(super) bytes: Vec<isize>,
}

impl Plan {
    /// The view strides of the patch array (patch-major) over an array of
    /// the plan's shape with element `strides` and `itemsize`-byte elements.
    ///
    /// Every stride is the true distance between consecutive indices,
    /// computed with checked arithmetic. An axis of length 0 or 1 has no
    /// second index: when its distance does not fit `isize` (a step of
    /// `usize::MAX` on an axis with one window), its strides are reported
    /// as 0, in elements and in bytes alike. On a longer axis a distance
    /// that does not fit is an [`Overflow`](crate::ErrorKind::Overflow)
    /// naming the numbers (a real pair of elements is that far apart).
    pub(crate) fn view_strides_over(
        &self,
        strides: &[isize],
        itemsize: usize,
    ) -> Result<ViewStrides> {
        let n = self.shape.len();
        let mut v = ViewStrides {
            elements: try_with_capacity(n)?,
            bytes: try_with_capacity(n)?,
        };
        for o in out_axes(&self.axes, PatchOrder::PatchMajor) {
            let (e, b) = view_stride(&self.axes[o.input], o.part, strides[o.input], itemsize)
                .or_else(|e| if o.len <= 1 { Ok((0, 0)) } else { Err(e) })
                .map_err(|e| e(o.input))?;
            v.elements.push(e);
            v.bytes.push(b);
        }
        Ok(v)
    }

    /// Whether the patches are a strided view of the input (no padding is
    /// read and no window was shifted by [`Convention::Cover`](crate::Convention::Cover)).
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
    ///
    /// Each is the true distance between consecutive indices of its axis;
    /// an axis of length 1 whose distance would not fit `isize` reports 0
    /// (see [`Plan::view_byte_strides`]).
    pub fn view_strides(&self) -> Result<&[isize]> {
        self.view_strides
            .as_ref()
            .map(|v| &v.elements[..])
            .ok_or_else(|| self.not_a_view())
    }

    /// Byte strides of the patch view (numpy's convention), or
    /// [`NotAView`](crate::ErrorKind::NotAView) for a padded or covered plan.
    ///
    /// Each is the element stride times the item size, the true distance in
    /// bytes. An axis of length 1 has no second index, so its stride is
    /// never used to reach an element: when its distance does not fit
    /// `isize` (a window step of `usize::MAX` with one window, say), both
    /// its element and its byte stride are 0. A plan whose longer axes'
    /// strides do not fit is refused with an
    /// [`Overflow`](crate::ErrorKind::Overflow) error when it is made.
    ///
    /// ```
    /// use patch_core::{AxisRole, Layout, PatchSpec, Plan};
    ///
    /// // One window of size 1 with step 4 on an axis of 3: the grid axis
    /// // has length 1, and 4 * 2^61 does not fit, so its stride reads 0.
    /// let layout = Layout::new(&[3], &[1 << 61], 0, 1).unwrap();
    /// let plan = Plan::valid(&layout, &PatchSpec::new(vec![AxisRole::window(1, 4, 1)])).unwrap();
    /// assert_eq!(plan.shape(), &[1, 1]);
    /// assert_eq!(plan.view_byte_strides().unwrap(), &[0, 1 << 61]);
    /// ```
    pub fn view_byte_strides(&self) -> Result<&[isize]> {
        self.view_strides
            .as_ref()
            .map(|v| &v.bytes[..])
            .ok_or_else(|| self.not_a_view())
    }
}

/// The element and byte stride of output axis `part` of `axis` (input
/// stride `stride`): its increment times the stride, times the item size;
/// on overflow, a function from the axis number to the error.
fn view_stride(
    axis: &AxisPlan,
    part: super::Part,
    stride: isize,
    itemsize: usize,
) -> std::result::Result<(isize, isize), impl FnOnce(usize) -> PatchError> {
    let inc = axis.increment(part);
    let elements = isize::try_from(inc)
        .ok()
        .and_then(|i| i.checked_mul(stride));
    let bytes = elements.and_then(|e| e.checked_mul(isize::try_from(itemsize).ok()?));
    match (elements, bytes) {
        (Some(e), Some(b)) => Ok((e, b)),
        _ => {
            let what = match part {
                super::Part::Grid => "step",
                super::Part::Inner => "dilation",
            };
            Err(move |input: usize| {
                err!(
                    Overflow,
                    "the view stride of axis {input}, its {what} {inc} times its stride {stride} in elements of {itemsize} bytes, overflows isize"
                )
            })
        }
    }
}
