//! `patch_view`: a checked patch geometry behind an opaque handle, made
//! from two descriptors (`patch_layout`, `patch_padding`) and one
//! `patch_axis` per input axis; and its getters.

use std::ffi::c_char;
use std::io;

use patch_core::{AxisRole, Convention, Layout, Padding, PatchSpec, Plan, c_strides};

use crate::alloc::try_vec;
use crate::buffers;
use crate::enums::{self, patch_convention, patch_dtype, patch_role};
use crate::ptr::{
    Failure, FfiResult, copy_array, free_handle, handle_ref, in_ref, opt_ref, out_ref, slice_in,
    two_call,
};
use crate::status::{ffi_boundary, ffi_value_boundary, patch_status};

/// An array in a buffer: what `patch_view_create` needs to know about the
/// input, without the buffer itself (each copy is given the buffer).
///
/// Element `[i0, i1, ...]` is at element index `offset + i0*strides[0] +
/// i1*strides[1] + ...` of the buffer, whose bytes hold elements of
/// `dtype`. As in DLPack's `DLTensor`, strides are in elements and NULL
/// means C-contiguous (row-major); unlike it, the offset is in elements
/// too and there is no data pointer.
///
/// The descriptor is read during the call only; the library keeps no
/// pointer into it.
#[repr(C)]
#[allow(non_camel_case_types)]
#[derive(Clone, Copy, Debug)]
pub struct patch_layout {
    /// `ndim` axis lengths (may be NULL when `ndim` is 0).
    pub shape: *const usize,
    /// `ndim` element strides, may be negative or zero; NULL means
    /// C-contiguous.
    pub strides: *const isize,
    /// The number of axes.
    pub ndim: usize,
    /// Elements from the start of the buffer to element `[0, 0, ...]`.
    pub offset: usize,
    /// A `patch_dtype` (0 is not one: a zero-initialized descriptor is
    /// refused).
    pub dtype: u32,
}

/// Where windows are placed, and what padding reads: a `patch_convention`
/// and a `patch_pad_mode`. A NULL `patch_padding *` means
/// `{PATCH_CONVENTION_VALID, PATCH_PAD_MODE_CONSTANT}`, no padding; so does
/// a zero-initialized one. Explicit pads are the `pad_lo`/`pad_hi` of each
/// window axis's `patch_axis`.
#[repr(C)]
#[allow(non_camel_case_types)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct patch_padding {
    /// A `patch_convention`.
    pub convention: u32,
    /// A `patch_pad_mode` (read where windows reach outside the input;
    /// `PATCH_PAD_MODE_CONSTANT` reads each copy's fill value).
    pub mode: u32,
}

/// One input axis: its role, its window (for `PATCH_ROLE_WINDOW`), and its
/// explicit padding (for `PATCH_CONVENTION_EXPLICIT`).
///
/// Fields that do not apply must be 0, and that is checked: `size`, `step`
/// and `dilation` are those of a window axis (a batch axis with size 7 is
/// `PATCH_STATUS_INVALID_ARGUMENT`), and `pad_lo`/`pad_hi` those of a
/// window axis under `PATCH_CONVENTION_EXPLICIT`. The `patch_axis_*`
/// inline helpers fill one in.
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

/// An opaque, immutable patch geometry: an input layout and element type,
/// one role per axis and a padding, with every number checked once at
/// creation.
///
/// It holds no data and no pointer to data: the buffers are passed to each
/// copy. Being immutable, one view may be used from any number of threads
/// at once; only `patch_view_free` must not race with other uses.
#[allow(non_camel_case_types)]
pub struct patch_view {
    plan: Plan,
    dtype: patch_dtype,
}

impl patch_view {
    /// The plan behind the handle.
    pub fn plan(&self) -> &Plan {
        &self.plan
    }

    /// The element type of the input (and of every copy).
    pub fn dtype(&self) -> patch_dtype {
        self.dtype
    }
}

/// The view behind a handle argument.
pub(crate) fn view_arg<'a>(view: *const patch_view) -> FfiResult<&'a patch_view> {
    handle_ref(view, "view")
}

fn invalid(details: String) -> Failure {
    Failure::new(patch_status::InvalidArgument, details)
}

/// The spec and padding of `axes`, every field that does not apply checked
/// to be 0.
fn spec_and_padding(
    axes: &[patch_axis],
    padding: patch_padding,
) -> FfiResult<(PatchSpec, Padding)> {
    let convention = enums::convention(padding.convention)?;
    let mode = enums::pad_mode(padding.mode)?;
    let explicit = convention == patch_convention::Explicit;
    let mut roles = try_vec(axes.len(), "the axis roles")?;
    let mut pads = try_vec(if explicit { axes.len() } else { 0 }, "the padding")?;
    for (axis, a) in axes.iter().enumerate() {
        let role = enums::role(a.role, axis)?;
        let padded = a.pad_lo != 0 || a.pad_hi != 0;
        if role != patch_role::Window {
            let name = if role == patch_role::Batch {
                "batch"
            } else {
                "whole"
            };
            if a.size != 0 || a.step != 0 || a.dilation != 0 {
                return Err(invalid(format!(
                    "axis {axis} is a {name} axis but has size {}, step {}, dilation {}: they \
                     describe windows and must be 0 on other axes",
                    a.size, a.step, a.dilation
                )));
            }
            if padded {
                return Err(invalid(format!(
                    "axis {axis} is a {name} axis but has padding ({}, {}): only window axes \
                     are padded",
                    a.pad_lo, a.pad_hi
                )));
            }
        }
        if padded && !explicit {
            return Err(invalid(format!(
                "axis {axis} has padding ({}, {}) but the convention is not \
                 PATCH_CONVENTION_EXPLICIT",
                a.pad_lo, a.pad_hi
            )));
        }
        roles.push(match role {
            patch_role::Window => {
                if explicit {
                    pads.push((a.pad_lo, a.pad_hi));
                }
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

/// The engine's layout of a `patch_layout`.
fn layout_of(layout: &patch_layout, dtype: patch_dtype) -> FfiResult<Layout> {
    let shape = slice_in(layout.shape, layout.ndim, "layout->shape")?;
    let item = dtype.itemsize();
    Ok(if layout.strides.is_null() {
        Layout::new(shape, &c_strides(shape)?, layout.offset, item)?
    } else {
        let strides = slice_in(layout.strides, layout.ndim, "layout->strides")?;
        Layout::new(shape, strides, layout.offset, item)?
    })
}

/// Creates a view of an array as patches.
///
/// `layout` describes the input array (shape, element strides or NULL,
/// offset, element type; see `patch_layout`); `axes` gives one `patch_axis`
/// per input axis (`naxes` must equal `layout->ndim`); `padding` says where
/// windows go and what they read outside the input (NULL: no padding,
/// `PATCH_CONVENTION_VALID`).
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
/// `axes` may be NULL when `naxes` is 0. The descriptors are read during
/// the call only.
#[unsafe(no_mangle)]
pub extern "C" fn patch_view_create(
    layout: *const patch_layout,
    axes: *const patch_axis,
    naxes: usize,
    padding: *const patch_padding,
    out_view: *mut *mut patch_view,
) -> patch_status {
    ffi_boundary! {
        let out_view = out_ref(out_view, "out_view")?;
        let layout = *in_ref(layout, "layout")?;
        let padding = opt_ref(padding, "padding")?.copied().unwrap_or_default();
        let dtype = enums::dtype(layout.dtype)?;
        let axes = slice_in(axes, naxes, "axes")?;
        let (spec, padding) = spec_and_padding(axes, padding)?;
        let layout = layout_of(&layout, dtype)?;
        let plan = Plan::new(&layout, &spec, &padding)?;
        out_view.set(Box::into_raw(Box::new(patch_view { plan, dtype })));
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
    f: impl FnOnce(&patch_view) -> FfiResult<T>,
) -> patch_status {
    ffi_boundary! {
        let view = view_arg(view)?;
        let out = out_ref(out, "out")?;
        out.set(f(view)?);
        Ok(())
    }
}

/// Writes the number of axes of the view (outer + inner) to `*out`.
#[unsafe(no_mangle)]
pub extern "C" fn patch_view_ndim(view: *const patch_view, out: *mut usize) -> patch_status {
    get(view, out, |v| Ok(v.plan.ndim()))
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
    get(view, out, |v| Ok(v.plan.layout().offset()))
}

/// Writes the byte offset of the view's first element in the buffer
/// (DLPack's `byte_offset`) to `*out`.
#[unsafe(no_mangle)]
pub extern "C" fn patch_view_byte_offset(view: *const patch_view, out: *mut usize) -> patch_status {
    get(view, out, |v| Ok(v.plan.layout().byte_offset()))
}

/// Writes the item size in bytes (that of the view's `patch_dtype`) to `*out`.
#[unsafe(no_mangle)]
pub extern "C" fn patch_view_itemsize(view: *const patch_view, out: *mut usize) -> patch_status {
    get(view, out, |v| Ok(v.plan.layout().itemsize()))
}

/// Writes the element type of the view (the `patch_dtype` of its layout,
/// which is also that of every copy and fold) to `*out`.
#[unsafe(no_mangle)]
pub extern "C" fn patch_view_dtype(view: *const patch_view, out: *mut u32) -> patch_status {
    get(view, out, |v| Ok(v.dtype.number()))
}

/// Writes the number of patches (the product of the outer shape) to `*out`.
#[unsafe(no_mangle)]
pub extern "C" fn patch_view_num_patches(view: *const patch_view, out: *mut usize) -> patch_status {
    get(view, out, |v| Ok(v.plan.num_patches()))
}

/// Writes the elements per patch (the product of the inner shape) to `*out`.
#[unsafe(no_mangle)]
pub extern "C" fn patch_view_patch_len(view: *const patch_view, out: *mut usize) -> patch_status {
    get(view, out, |v| Ok(v.plan.patch_len()))
}

/// Writes whether the view is a strided view of its input (`true`), or a
/// virtual one that only copies can express (padding or Cover), to `*out`.
#[unsafe(no_mangle)]
pub extern "C" fn patch_view_is_view(view: *const patch_view, out: *mut bool) -> patch_status {
    get(view, out, |v| Ok(v.plan.is_view()))
}

/// Writes the bytes of input memory the patches read from to `*out`: the
/// distance from the lowest to the highest element any patch reads, plus
/// one element. A view costs no memory of its own; this is what it spans.
#[unsafe(no_mangle)]
pub extern "C" fn patch_view_span_bytes(view: *const patch_view, out: *mut usize) -> patch_status {
    get(view, out, |v| Ok(v.plan.span_bytes()))
}

/// Writes the bytes a copy of the patches needs (`num_patches * patch_len *
/// itemsize`), the `dst_bytes` that `patch_extract_into` expects and the
/// `patches_bytes` that `patch_fold_into` expects, to `*out`.
#[unsafe(no_mangle)]
pub extern "C" fn patch_view_copy_bytes(view: *const patch_view, out: *mut usize) -> patch_status {
    get(view, out, |v| Ok(v.plan.copy_bytes()))
}

/// Writes the number of elements of the input (the product of its shape)
/// to `*out`.
#[unsafe(no_mangle)]
pub extern "C" fn patch_view_input_len(view: *const patch_view, out: *mut usize) -> patch_status {
    get(view, out, |v| Ok(v.plan.layout().num_elements()))
}

/// Writes the bytes of a C-contiguous array of the input's shape
/// (`input_len * itemsize`), the `out_bytes` that `patch_fold_into`
/// expects, to `*out`. (The input buffer itself may be larger, when its
/// strides leave gaps.)
#[unsafe(no_mangle)]
pub extern "C" fn patch_view_fold_bytes(view: *const patch_view, out: *mut usize) -> patch_status {
    // Cannot overflow: the layout checked its byte count.
    get(view, out, |v| {
        let layout = v.plan.layout();
        Ok(layout.num_elements().saturating_mul(layout.itemsize()))
    })
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
    get(view, out, |v| Ok(v.plan.patch_byte_offset(k)?))
}

/// Writes whether patch `k` reads any padding to `*out`.
#[unsafe(no_mangle)]
pub extern "C" fn patch_view_touches_padding(
    view: *const patch_view,
    k: usize,
    out: *mut bool,
) -> patch_status {
    get(view, out, |v| Ok(v.plan.touches_padding(k)?))
}

/// Checks that every element the view's layout reaches lies in a buffer of
/// `buffer_bytes` bytes: `PATCH_STATUS_BUFFER_SIZE` when the bytes are not
/// a whole number of elements, `PATCH_STATUS_OUT_OF_BOUNDS` (with the
/// offending index) when the layout reaches outside. Copies do this check
/// themselves; call it before reading the buffer through the view's
/// strides yourself.
#[unsafe(no_mangle)]
pub extern "C" fn patch_view_check_buffer(
    view: *const patch_view,
    buffer_bytes: usize,
) -> patch_status {
    ffi_boundary! {
        let view = view_arg(view)?;
        buffers::source(view, buffer_bytes, "buffer_bytes")
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

/// Counts the bytes written to it.
struct Counter(usize);

impl io::Write for Counter {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0 = self.0.saturating_add(buf.len());
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

fn json_failure(e: &serde_json::Error) -> Failure {
    Failure::new(
        patch_status::Other,
        format!("the plan could not be written as JSON: {e}"),
    )
}

/// Copies every number of the view as one JSON object, NUL-terminated,
/// into `buf` (`buf_len` bytes) and writes the bytes needed, NUL included,
/// to `*out_len` (when not NULL); see `patch_view_shape` for the buffer
/// rule (in bytes here).
///
/// The object has `input_shape`, `input_strides`, `input_byte_strides`,
/// `offset`, `itemsize`, `axes` (per input axis: `role`, `size`, `step`,
/// `dilation`, `len`, `pad_lo`, `pad_hi`, `grid`, `cover_last`),
/// `padding`, `shape`, `outer_shape`, `inner_shape`, `grid`, `num_patches`,
/// `patch_len`, `is_view`, `view_strides`, `view_byte_strides` (null for a
/// virtual view), `span_bytes` and `copy_bytes`. It carries no fill value:
/// the constant of `PATCH_PAD_MODE_CONSTANT` is given to each copy.
///
/// The text is measured, then written straight into `buf`: the library
/// allocates no copy of it.
#[unsafe(no_mangle)]
pub extern "C" fn patch_view_plan_json(
    view: *const patch_view,
    buf: *mut c_char,
    buf_len: usize,
    out_len: *mut usize,
) -> patch_status {
    ffi_boundary! {
        let plan = &view_arg(view)?.plan;
        let summary = plan.summary()?;
        let mut count = Counter(0);
        serde_json::to_writer(&mut count, &summary).map_err(|e| json_failure(&e))?;
        let needed = count.0.saturating_add(1);
        let what = ("buf", "bytes", "the JSON text (NUL included)");
        two_call(needed, (buf.cast::<u8>(), buf_len, out_len), what, &[], |dst| {
            let (text, nul) = dst.split_at_mut(needed - 1);
            let mut rest: &mut [u8] = text;
            serde_json::to_writer(&mut rest, &summary).map_err(|e| json_failure(&e))?;
            if !rest.is_empty() {
                return Err(Failure::new(
                    patch_status::Other,
                    "the plan's JSON text changed length between two writes",
                ));
            }
            nul[0] = 0;
            Ok(())
        })
    }
}
