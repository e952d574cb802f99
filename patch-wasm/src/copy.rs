//! The copies themselves: patch-core's copy and fold on the elements of
//! two arrays of the same element type (one place for each call into
//! patch-core's kernels).

use patch_core::{Affine, ErrorKind, ExtractOptions, PatchOrder, Plan, Reduce};

use crate::buf::{BufMut, each, same_type};
use crate::dtype::JsDType;
use crate::error::{JsResult, OrThrow, error};
use crate::fill::FromFill;
use crate::store::{Dst, Src};

/// The options of one copy: order, the fill (a value `D` holds, checked
/// by `fill::parse`) and the affine.
fn options<D: FromFill>(
    order: PatchOrder,
    fill: Option<f64>,
    affine: Option<&Affine>,
) -> ExtractOptions<D> {
    let opts = ExtractOptions::new().order(order).fill(D::from_fill(fill));
    match affine {
        Some(a) => opts.affine(a.clone()),
        None => opts,
    }
}

/// Copies the patches of `src` into `dst` with `fill` as the constant of
/// constant padding: the same element type (a plain copy; `affine` then
/// needs a float type), or any source into a float32, float64, float16 or
/// bfloat16 destination, converted and mapped by `affine` in the same pass
/// (patch-core's `Plan::extract_into_with`).
pub(crate) fn extract_into(
    plan: &Plan,
    src: Src<'_>,
    dst: Dst<'_>,
    order: PatchOrder,
    fill: Option<f64>,
    affine: Option<&Affine>,
) -> JsResult<()> {
    let (from, to) = (src.dtype, dst.dtype);
    // Into a float type: from every source type (one kernel per pair).
    macro_rules! into_float {
        ($y:ident) => {
            each!(BufRef, src.elements, x => plan
                .extract_into_with(x, $y, &options(order, fill, affine))
                .js())
        };
    }
    match dst.elements {
        BufMut::F32(y) => into_float!(y),
        BufMut::F64(y) => into_float!(y),
        BufMut::F16(y) => into_float!(y),
        BufMut::BF16(y) => into_float!(y),
        // Integers: a plain copy of the same type only.
        other => same_type!(
            (src.elements, other),
            (x, y) => plan.extract_into_with(x, y, &options(order, fill, affine)).js(),
            [U8, I8, U16, I16, U32, I32],
            Err(unconvertible(from, to))
        ),
    }
}

/// The error for a copy from `from` into `to` that no kernel makes.
pub(crate) fn unconvertible(from: JsDType, to: JsDType) -> wasm_bindgen::JsValue {
    error(
        ErrorKind::UnsupportedDtype,
        format!(
            "cannot copy {} into {}: a copy converts into 'float32', 'float64', 'float16' or 'bfloat16', or keeps the source's dtype",
            from.name(),
            to.name()
        ),
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
    if matches!(dtype, JsDType::Float32 | JsDType::Float64) {
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
