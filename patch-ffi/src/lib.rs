//! # patch-ffi: the C ABI of patch-core
//!
//! Builds `libpatch.so` and `libpatch.a`; `include/patch.h` is generated
//! from this crate by a pinned cbindgen (`patch-ffi/gen-header.sh`) and
//! committed. The conventions, modelled on rustls-ffi:
//!
//! - every fallible function returns a [`patch_status`] with explicit,
//!   never-reused numbers, `PATCH_STATUS_OK = 0`;
//! - results go through out-parameters, written only on success;
//! - the message of the last failure is kept per thread
//!   ([`patch_last_error_message`], [`patch_last_error_copy`]);
//! - every export runs inside a panic boundary; a panic becomes
//!   `PATCH_STATUS_PANIC`;
//! - enums cross the boundary as `uint32_t` and are checked (an unknown
//!   value is `PATCH_STATUS_INVALID_ENUM`);
//! - every buffer comes with its length; NULL, misalignment, overflowing
//!   lengths and overlapping input/output buffers are statuses, not crashes;
//! - a [`patch_view`] is an opaque, immutable handle: any number of threads
//!   may use one view at once.
//!
//! All geometry and validation lives in patch-core; this crate translates.
//!
//! No `as` conversion of a number a caller passes: conversions are
//! checked (`try_from`, `checked_*`), and the cast lints below refuse a
//! lossy `as` anywhere in the crate (patch-wasm denies the same list).

#![deny(
    clippy::cast_possible_wrap,
    clippy::cast_sign_loss,
    clippy::cast_possible_truncation,
    clippy::cast_precision_loss,
    clippy::cast_lossless,
    clippy::as_underscore,
    clippy::fn_to_numeric_cast_any,
    clippy::ptr_as_ptr
)]

// cbindgen writes the functions in the order it meets them, so the module
// order is the header's: views, copies, preprocessing helpers, errors,
// global settings. (Blank lines keep rustfmt from sorting them.)
/// DLPack export of views.
mod dlpack;
mod view;

mod copy;

mod preprocess;

mod stream;

mod status;
mod status_codes;
#[cfg(test)]
mod status_gen;

mod global;

mod alloc;
mod buffers;
mod enums;
mod ptr;

pub use copy::{
    PATCH_AFFINE_SCALAR, patch_affine, patch_extract_convert_into, patch_extract_into,
    patch_extract_options, patch_fold_into, patch_fold_options, patch_frame_convert_into,
    patch_frame_count, patch_frame_into, patch_frame_options, patch_overlap_add_into,
};
pub use dlpack::{
    patch_dl_data_type, patch_dl_device, patch_dl_managed_tensor,
    patch_dl_managed_tensor_versioned, patch_dl_pack_version, patch_dl_tensor,
    patch_view_to_dlpack, patch_view_to_dlpack_legacy,
};
pub use enums::{
    patch_convention, patch_dtype, patch_order, patch_pad_mode, patch_pixel_format, patch_reduce,
    patch_role,
};
pub use global::{
    PATCH_GAUSSIAN_SIGMA_SCALE_DEFAULT, patch_get_num_threads, patch_set_num_threads,
    patch_threads_shutdown, patch_version,
};
pub use preprocess::{
    patch_layout_pixels, patch_normalize_coeffs, patch_window_hamming, patch_window_hann,
};
pub use ptr::Failure;
pub use status::{patch_last_error_copy, patch_last_error_message, patch_status, patch_status_str};
pub use stream::{
    patch_framer, patch_framer_create, patch_framer_finish, patch_framer_finish_frames,
    patch_framer_frames_for, patch_framer_free, patch_framer_push, patch_overlap_adder,
    patch_overlap_adder_create, patch_overlap_adder_finish, patch_overlap_adder_finish_samples,
    patch_overlap_adder_free, patch_overlap_adder_push, patch_overlap_adder_samples_for,
};
pub use view::{
    patch_axis, patch_layout, patch_padding, patch_view, patch_view_byte_offset,
    patch_view_check_buffer, patch_view_check_writable, patch_view_copy_bytes, patch_view_create,
    patch_view_dtype, patch_view_element_strides, patch_view_fold_bytes, patch_view_free,
    patch_view_grid, patch_view_input_len, patch_view_is_view, patch_view_itemsize,
    patch_view_ndim, patch_view_num_patches, patch_view_offset, patch_view_patch_byte_offset,
    patch_view_patch_len, patch_view_patch_origin, patch_view_plan_json, patch_view_shape,
    patch_view_span_bytes, patch_view_strides, patch_view_touches_padding,
};
