//! `patch_view`: a checked patch geometry behind an opaque handle, and its
//! getters.

use std::ffi::c_char;

use patch_core::{AxisRole, Convention, Layout, Padding, PatchSpec, Plan, c_strides};

use crate::enums::{self, patch_convention, patch_role};
use crate::ptr::{Failure, FfiResult, copy_array, free_handle, handle_ref, out_ref, slice_in};
use crate::status::{ffi_boundary, ffi_value_boundary, patch_status};

/// One input axis: its role, its window (for `PATCH_ROLE_WINDOW`), and its
/// explicit padding (for `PATCH_CONVENTION_EXPLICIT`).
///
/// Fields that do not apply must be 0: `size`, `step` and `dilation` are
/// read for window axes only, and `pad_lo`/`pad_hi` must be 0 unless the
/// axis is a window axis and the convention is `PATCH_CONVENTION_EXPLICIT`
/// (a non-zero pad elsewhere is `PATCH_STATUS_INVALID_ARGUMENT`, not
/// silently ignored). The `patch_axis_*` inline helpers fill one in.
#[repr(C)]
#[allow(non_camel_case_types)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct patch_axis {
    /// A `patch_role` value.
    pub role: u32,
    /// Samples per window (window axes), at least 1.
    pub size: usize,
    /// Distance between the starts of consecutive windows, at least 1.
    pub step: usize,
    /// Distance between consecutive samples of a window, at least 1 (1 = no dilation).
    pub dilation: usize,
    /// Padding before the first element (`PATCH_CONVENTION_EXPLICIT` only).
    pub pad_lo: usize,
    /// Padding after the last element (`PATCH_CONVENTION_EXPLICIT` only).
    pub pad_hi: usize,
}

/// An opaque, immutable patch geometry: an input layout, one role per axis
/// and a padding, with every number checked once at creation.
///
/// It holds no data and no pointer to data: the buffers are passed to each
/// copy. Being immutable, one view may be used from any number of threads
/// at once; only `patch_view_free` must not race with other uses.
#[allow(non_camel_case_types)]
pub struct patch_view {
    plan: Plan,
}

impl patch_view {
    /// The plan behind the handle.
    pub fn plan(&self) -> &Plan {
        &self.plan
    }
}

/// The view behind a handle argument.
pub(crate) fn view_arg<'a>(view: *const patch_view) -> FfiResult<&'a patch_view> {
    handle_ref(view, "view")
}

fn spec_and_padding(
    axes: &[patch_axis],
    convention: u32,
    pad_mode: u32,
) -> FfiResult<(PatchSpec, Padding)> {
    let convention = enums::convention(convention)?;
    let mode = enums::pad_mode(pad_mode)?;
    let mut roles = Vec::with_capacity(axes.len());
    let mut pads = Vec::new();
    for (axis, a) in axes.iter().enumerate() {
        let role = enums::role(a.role, axis)?;
        let padded = a.pad_lo != 0 || a.pad_hi != 0;
        if padded && role != patch_role::Window {
            return Err(Failure::new(
                patch_status::InvalidArgument,
                format!(
                    "axis {axis} is not a window axis but has padding ({}, {})",
                    a.pad_lo, a.pad_hi
                ),
            ));
        }
        if padded && convention != patch_convention::Explicit {
            return Err(Failure::new(
                patch_status::InvalidArgument,
                format!(
                    "axis {axis} has padding ({}, {}) but the convention is not PATCH_CONVENTION_EXPLICIT",
                    a.pad_lo, a.pad_hi
                ),
            ));
        }
        roles.push(match role {
            patch_role::Window => {
                pads.push((a.pad_lo, a.pad_hi));
                AxisRole::window(a.size, a.step, a.dilation)
            }
            patch_role::Whole => AxisRole::Whole,
            patch_role::Batch => AxisRole::Batch,
        });
    }
    let convention = match convention {
        patch_convention::Valid => Convention::Valid,
        patch_convention::Same => Convention::Same,
        patch_convention::Explicit => Convention::Explicit(pads),
        patch_convention::Cover => Convention::Cover,
    };
    Ok((PatchSpec::new(roles), Padding { convention, mode }))
}

/// Creates a view of an array as patches.
///
/// The array is `ndim` axes of `shape[i]` elements, element `strides[i]`
/// apart (signed; NULL means C-contiguous), starting `offset` elements into
/// the buffer, each element `itemsize` bytes. `axes` gives one `patch_axis`
/// per input axis (`naxes` must equal `ndim`). `convention` is a
/// `patch_convention` and `pad_mode` a `patch_pad_mode` (use
/// `PATCH_CONVENTION_VALID, PATCH_PAD_MODE_CONSTANT` for no padding).
///
/// The view has shape `outer ++ inner`: each batch axis's length and each
/// window axis's window count, then each window axis's size and each whole
/// axis's length, both in input order. With every non-window axis a batch
/// axis and every step 1 this is numpy's `sliding_window_view`, equal in
/// shape, byte strides and values.
///
/// With `PATCH_CONVENTION_VALID` (or explicit zero pads) the view is a
/// strided view of the input; with padding or `PATCH_CONVENTION_COVER` it is
/// *virtual*: copies and folds work, the stride getters return
/// `PATCH_STATUS_NOT_A_VIEW`. No buffer is needed here; each copy checks its
/// buffer against the layout (`patch_view_check_buffer` does it up front).
///
/// On success `*out_view` receives a new view, to be released with
/// `patch_view_free`; on failure `*out_view` is left untouched.
/// `shape`, `strides` and `axes` may be NULL when `ndim`/`naxes` is 0.
#[unsafe(no_mangle)]
#[allow(clippy::too_many_arguments)]
pub extern "C" fn patch_view_create(
    shape: *const usize,
    strides: *const isize,
    ndim: usize,
    offset: usize,
    itemsize: usize,
    axes: *const patch_axis,
    naxes: usize,
    convention: u32,
    pad_mode: u32,
    out_view: *mut *mut patch_view,
) -> patch_status {
    ffi_boundary! {
        let out_view = out_ref(out_view, "out_view")?;
        let shape = slice_in(shape, ndim, "shape")?;
        let strides = if strides.is_null() {
            c_strides(shape)?
        } else {
            slice_in(strides, ndim, "strides")?.to_vec()
        };
        let axes = slice_in(axes, naxes, "axes")?;
        let layout = Layout::new(shape, &strides, offset, itemsize)?;
        let (spec, padding) = spec_and_padding(axes, convention, pad_mode)?;
        let plan = Plan::new(&layout, &spec, &padding)?;
        *out_view = Box::into_raw(Box::new(patch_view { plan }));
        Ok(())
    }
}

/// Releases a view. NULL is allowed and does nothing. The view must not be
/// used afterwards, nor freed twice.
#[unsafe(no_mangle)]
pub extern "C" fn patch_view_free(view: *mut patch_view) {
    ffi_value_boundary!((), {
        free_handle(view);
    })
}

/// A getter of one number: checks the handle and the out-parameter, and
/// writes the value only on success.
fn get<T>(
    view: *const patch_view,
    out: *mut T,
    f: impl FnOnce(&Plan) -> FfiResult<T>,
) -> patch_status {
    ffi_boundary! {
        let view = view_arg(view)?;
        let out = out_ref(out, "out")?;
        *out = f(&view.plan)?;
        Ok(())
    }
}

/// Writes the number of axes of the view (outer + inner) to `*out`.
#[unsafe(no_mangle)]
pub extern "C" fn patch_view_ndim(view: *const patch_view, out: *mut usize) -> patch_status {
    get(view, out, |p| Ok(p.ndim()))
}

/// Copies the shape of the view (`ndim` entries, outer then inner axes)
/// into `buf` and writes `ndim` to `*out_len` (when `out_len` is not NULL).
///
/// This and every other array getter follow one rule: pass `buf = NULL,
/// buf_len = 0` to learn the length only; a `buf_len` below the length is
/// `PATCH_STATUS_BUFFER_SIZE` (the message says how many entries are
/// needed) and nothing is written.
#[unsafe(no_mangle)]
pub extern "C" fn patch_view_shape(
    view: *const patch_view,
    buf: *mut usize,
    buf_len: usize,
    out_len: *mut usize,
) -> patch_status {
    ffi_boundary! {
        let plan = &view_arg(view)?.plan;
        copy_array(plan.shape(), buf, buf_len, out_len, "buf", "the shape")
    }
}

/// Copies the byte strides of the view (numpy's `.strides`; `ndim`
/// entries, may be negative) into `buf`; see `patch_view_shape` for the
/// buffer rule. A virtual view (padding or Cover) gives
/// `PATCH_STATUS_NOT_A_VIEW`.
#[unsafe(no_mangle)]
pub extern "C" fn patch_view_strides(
    view: *const patch_view,
    buf: *mut isize,
    buf_len: usize,
    out_len: *mut usize,
) -> patch_status {
    ffi_boundary! {
        let plan = &view_arg(view)?.plan;
        let strides = plan.view_byte_strides()?;
        copy_array(strides, buf, buf_len, out_len, "buf", "the strides")
    }
}

/// Copies the element strides of the view (DLPack's convention; `ndim`
/// entries) into `buf`; see `patch_view_shape` for the buffer rule. A
/// virtual view gives `PATCH_STATUS_NOT_A_VIEW`.
#[unsafe(no_mangle)]
pub extern "C" fn patch_view_element_strides(
    view: *const patch_view,
    buf: *mut isize,
    buf_len: usize,
    out_len: *mut usize,
) -> patch_status {
    ffi_boundary! {
        let plan = &view_arg(view)?.plan;
        let strides = plan.view_strides()?;
        copy_array(strides, buf, buf_len, out_len, "buf", "the strides")
    }
}

/// Writes the element offset of the view's first element in the buffer
/// (the input's offset) to `*out`.
#[unsafe(no_mangle)]
pub extern "C" fn patch_view_offset(view: *const patch_view, out: *mut usize) -> patch_status {
    get(view, out, |p| Ok(p.layout().offset()))
}

/// Writes the byte offset of the view's first element in the buffer
/// (DLPack's `byte_offset`) to `*out`.
#[unsafe(no_mangle)]
pub extern "C" fn patch_view_byte_offset(view: *const patch_view, out: *mut usize) -> patch_status {
    get(view, out, |p| Ok(p.layout().byte_offset()))
}

/// Writes the item size in bytes to `*out`.
#[unsafe(no_mangle)]
pub extern "C" fn patch_view_itemsize(view: *const patch_view, out: *mut usize) -> patch_status {
    get(view, out, |p| Ok(p.layout().itemsize()))
}

/// Writes the number of patches (the product of the outer shape) to `*out`.
#[unsafe(no_mangle)]
pub extern "C" fn patch_view_num_patches(view: *const patch_view, out: *mut usize) -> patch_status {
    get(view, out, |p| Ok(p.num_patches()))
}

/// Writes the elements per patch (the product of the inner shape) to `*out`.
#[unsafe(no_mangle)]
pub extern "C" fn patch_view_patch_len(view: *const patch_view, out: *mut usize) -> patch_status {
    get(view, out, |p| Ok(p.patch_len()))
}

/// Writes whether the view is a strided view of its input (`true`), or a
/// virtual one that only copies can express (padding or Cover), to `*out`.
#[unsafe(no_mangle)]
pub extern "C" fn patch_view_is_view(view: *const patch_view, out: *mut bool) -> patch_status {
    get(view, out, |p| Ok(p.is_view()))
}

/// Writes the bytes of input memory the patches read from to `*out`: the
/// distance from the lowest to the highest element any patch reads, plus
/// one element. A view costs no memory of its own; this is what it spans.
#[unsafe(no_mangle)]
pub extern "C" fn patch_view_span_bytes(view: *const patch_view, out: *mut usize) -> patch_status {
    get(view, out, |p| Ok(p.span_bytes()))
}

/// Writes the bytes a materialized copy needs (`num_patches * patch_len *
/// itemsize`), the `dst_bytes` that `patch_materialize` expects, to `*out`.
#[unsafe(no_mangle)]
pub extern "C" fn patch_view_copy_bytes(view: *const patch_view, out: *mut usize) -> patch_status {
    get(view, out, |p| Ok(p.copy_bytes()))
}

/// Writes the number of elements of the input (the product of its shape),
/// the `out_len` that the folds expect, to `*out`.
#[unsafe(no_mangle)]
pub extern "C" fn patch_view_input_len(view: *const patch_view, out: *mut usize) -> patch_status {
    get(view, out, |p| Ok(p.layout().num_elements()))
}

/// Copies the number of windows along every window axis (in input order)
/// into `buf`; see `patch_view_shape` for the buffer rule.
#[unsafe(no_mangle)]
pub extern "C" fn patch_view_grid(
    view: *const patch_view,
    buf: *mut usize,
    buf_len: usize,
    out_len: *mut usize,
) -> patch_status {
    ffi_boundary! {
        let plan = &view_arg(view)?.plan;
        copy_array(plan.grid(), buf, buf_len, out_len, "buf", "the grid")
    }
}

/// Copies the input coordinates of the first element of patch `k` (one
/// per input axis; negative inside padding) into `buf`; see
/// `patch_view_shape` for the buffer rule. Patches are numbered in C order
/// of the outer axes; `k >= num_patches` is `PATCH_STATUS_OUT_OF_BOUNDS`.
#[unsafe(no_mangle)]
pub extern "C" fn patch_view_patch_origin(
    view: *const patch_view,
    k: usize,
    buf: *mut isize,
    buf_len: usize,
    out_len: *mut usize,
) -> patch_status {
    ffi_boundary! {
        let plan = &view_arg(view)?.plan;
        let origin = plan.patch_origin(k)?;
        copy_array(&origin, buf, buf_len, out_len, "buf", "the origin")
    }
}

/// Writes the byte offset of the first element of patch `k` in the input
/// buffer to `*out` (strided views only: a virtual view gives
/// `PATCH_STATUS_NOT_A_VIEW`; `k >= num_patches` gives
/// `PATCH_STATUS_OUT_OF_BOUNDS`).
#[unsafe(no_mangle)]
pub extern "C" fn patch_view_patch_byte_offset(
    view: *const patch_view,
    k: usize,
    out: *mut usize,
) -> patch_status {
    get(view, out, |p| Ok(p.patch_byte_offset(k)?))
}

/// Writes whether patch `k` reads any padding to `*out`.
#[unsafe(no_mangle)]
pub extern "C" fn patch_view_touches_padding(
    view: *const patch_view,
    k: usize,
    out: *mut bool,
) -> patch_status {
    get(view, out, |p| Ok(p.touches_padding(k)?))
}

/// Checks that every element the view's layout reaches lies in a buffer of
/// `buffer_bytes` bytes (`PATCH_STATUS_OUT_OF_BOUNDS` otherwise, with the
/// offending index). Copies do this check themselves; call it before
/// reading the buffer through the view's strides yourself.
#[unsafe(no_mangle)]
pub extern "C" fn patch_view_check_buffer(
    view: *const patch_view,
    buffer_bytes: usize,
) -> patch_status {
    ffi_boundary! {
        let plan = &view_arg(view)?.plan;
        let item = plan.layout().itemsize();
        if !buffer_bytes.is_multiple_of(item) {
            return Err(Failure::new(
                patch_status::BufferSize,
                format!("a buffer of {buffer_bytes} bytes is not a whole number of {item}-byte elements"),
            ));
        }
        plan.layout().check_buffer(buffer_bytes / item)?;
        Ok(())
    }
}

/// Checks that writing through the view is safe: it is a strided view and
/// no two (patch, element) positions reach the same element. Overlapping
/// windows give `PATCH_STATUS_ALIASING` (the message names the axis), a
/// virtual view `PATCH_STATUS_NOT_A_VIEW`.
#[unsafe(no_mangle)]
pub extern "C" fn patch_view_check_writable(view: *const patch_view) -> patch_status {
    ffi_boundary! {
        view_arg(view)?.plan.check_writable()?;
        Ok(())
    }
}

/// Copies every number of the view as one JSON object, NUL-terminated,
/// into `buf` (`buf_len` bytes) and writes the bytes needed, NUL included,
/// to `*out_len` (when not NULL); see `patch_view_shape` for the buffer
/// rule.
///
/// The object has `input_shape`, `input_strides`, `input_byte_strides`,
/// `offset`, `itemsize`, `axes` (per input axis: `role`, `size`, `step`,
/// `dilation`, `len`, `pad_lo`, `pad_hi`, `grid`, `cover_last`),
/// `padding`, `shape`, `outer_shape`, `inner_shape`, `grid`, `num_patches`,
/// `patch_len`, `is_view`, `view_strides`, `view_byte_strides` (null for a
/// virtual view), `span_bytes` and `copy_bytes`. With
/// `PATCH_PAD_MODE_CONSTANT` the padding's `value` reads 0: the constant is
/// passed to each copy instead.
#[unsafe(no_mangle)]
pub extern "C" fn patch_view_plan_json(
    view: *const patch_view,
    buf: *mut c_char,
    buf_len: usize,
    out_len: *mut usize,
) -> patch_status {
    ffi_boundary! {
        let plan = &view_arg(view)?.plan;
        let mut json = serde_json::to_vec(&plan.summary()?).map_err(|e| {
            Failure::new(patch_status::Other, format!("the plan could not be written as JSON: {e}"))
        })?;
        json.push(0);
        copy_array(&json, buf.cast::<u8>(), buf_len, out_len, "buf", "the JSON text (NUL included)")
    }
}
