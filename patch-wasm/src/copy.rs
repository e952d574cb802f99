//! The copies themselves: patch-core's copy and fold on the elements of
//! two arrays of the same element type (one place for each call into
//! patch-core's kernels).

use patch_core::{ErrorKind, ExtractOptions, PatchOrder, Plan, Reduce};

use crate::buf::same_type;
use crate::dtype::JsDType;
use crate::error::{JsResult, OrThrow, error};
use crate::fill::FromFill;
use crate::store::{Dst, Src};

/// Copies the patches of `src` into `dst` (same element type) with
/// `fill` as the constant of constant padding.
pub(crate) fn extract_into(
    plan: &Plan,
    src: Src<'_>,
    dst: Dst<'_>,
    order: PatchOrder,
    fill: Option<f64>,
) -> JsResult<()> {
    same_type!(
        (src.elements, dst.elements),
        (x, y) => plan
            .extract_into_with(x, y, &ExtractOptions::new().order(order).fill(FromFill::from_fill(fill)))
            .js(),
        [U8, I8, U16, I16, U32, I32, F32, F64],
        Err(error(ErrorKind::UnsupportedDtype, "src and dst hold different element types"))
    )
}

/// Folds float `patches` into `out` (same float type).
pub(crate) fn fold_into(
    plan: &Plan,
    patches: Src<'_>,
    out: Dst<'_>,
    order: PatchOrder,
    reduce: &Reduce,
) -> JsResult<()> {
    let (dtype, out_dtype) = (patches.dtype, out.dtype);
    // A view of integer pixels folds float patches: the same geometry read
    // with the patches' item size.
    let resized;
    let plan = if plan.layout().itemsize() == dtype.itemsize() {
        plan
    } else {
        resized = plan.with_itemsize(dtype.itemsize()).js()?;
        &resized
    };
    same_type!(
        (patches.elements, out.elements),
        (x, y) => plan.fold_into(x, y, order, reduce).js(),
        [F32, F64],
        require_float(dtype, "fold", "patches").and_then(|()| Err(error(
            ErrorKind::UnsupportedDtype,
            format!("the patches hold {} but the output holds {}", dtype.name(), out_dtype.name()),
        )))
    )
}

/// Refuses integer elements where `call` (`fold`, `overlapAdd`) needs
/// float `what` (patches, frames): it averages, weights or sums them.
pub(crate) fn require_float(dtype: JsDType, call: &str, what: &str) -> JsResult<()> {
    if dtype.core().is_float() {
        Ok(())
    } else {
        Err(error(
            ErrorKind::UnsupportedDtype,
            format!(
                "{call} needs float32 or float64 {what}, got {}",
                dtype.name()
            ),
        ))
    }
}
