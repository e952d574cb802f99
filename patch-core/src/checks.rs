//! Checks of caller buffers against a plan: element type by size, source
//! reach, and the lengths of patch buffers, made before anything is
//! written.

use crate::element::Element;
use crate::error::{Result, bail};
use crate::plan::Plan;

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
pub(crate) fn check_copy(
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

/// Checks that a buffer of `len` patch elements holds the plan's patches
/// exactly (for folds and assignments back through a view).
pub(crate) fn check_patches(plan: &Plan, len: usize) -> Result<()> {
    if len != plan.copy_len() {
        bail!(
            BufferSize,
            "{len} patch elements given but {} patches of {} elements need {}",
            plan.num_patches(),
            plan.patch_len(),
            plan.copy_len()
        );
    }
    Ok(())
}
