//! DLPack export of a patch view: a `DLManagedTensorVersioned` (DLPack 1.x)
//! or a legacy `DLManagedTensor` (0.x) over the caller's buffer, so a C or
//! C++ program hands the patches to torch, jax, CuPy or numpy without a
//! copy (`torch::fromDLPack`, a `"dltensor"` / `"dltensor_versioned"`
//! capsule in Python).
//!
//! The structs are declared here with the prefix `patch_dl` so that
//! `patch.h` does not clash with a `dlpack.h` in the same program; each is
//! field for field the struct of DLPack's `dlpack.h` (v1.1) and can be cast
//! to it (`(DLManagedTensorVersioned *)t`). The shape and strides are
//! copied into the managed tensor: it does not borrow the view, which may
//! be freed first. It does borrow the caller's buffer, which must outlive
//! it; the consumer calls `deleter` once, which frees what the library
//! allocated.

use std::ffi::c_void;

use crate::alloc::try_vec;
use crate::buffers;
use crate::enums::patch_dtype;
use crate::ptr::{Failure, FfiResult, out_ref};
use crate::status::{ffi_boundary, patch_status};
use crate::view::{patch_view, view_arg};

/// DLPack's `DLDevice`.
#[repr(C)]
#[allow(non_camel_case_types)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct patch_dl_device {
    /// `DLDeviceType`; the library exports `kDLCPU` (1).
    pub device_type: i32,
    /// The device index; 0 for the CPU.
    pub device_id: i32,
}

/// DLPack's `DLDataType`.
#[repr(C)]
#[allow(non_camel_case_types)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct patch_dl_data_type {
    /// `DLDataTypeCode`: `kDLInt` 0, `kDLUInt` 1, `kDLFloat` 2, `kDLBfloat` 4.
    pub code: u8,
    /// Bits per element.
    pub bits: u8,
    /// Lanes; 1.
    pub lanes: u16,
}

/// DLPack's `DLTensor`: `ndim` axes of `shape`, element `[i0, i1, ...]` at
/// byte `byte_offset + (i0*strides[0] + ...) * bits/8` from `data`.
#[repr(C)]
#[allow(non_camel_case_types)]
#[derive(Debug)]
pub struct patch_dl_tensor {
    /// The start of the caller's buffer (not moved by the offset: the
    /// offset is `byte_offset`, as DLPack recommends).
    pub data: *mut c_void,
    /// Where the buffer lives: the CPU.
    pub device: patch_dl_device,
    /// The number of axes of the view.
    pub ndim: i32,
    /// The element type.
    pub dtype: patch_dl_data_type,
    /// `ndim` axis lengths, owned by the managed tensor.
    pub shape: *mut i64,
    /// `ndim` strides in elements (never NULL), owned by the managed tensor.
    pub strides: *mut i64,
    /// Bytes from `data` to element `[0, 0, ...]`.
    pub byte_offset: u64,
}

/// DLPack's `DLPackVersion`.
#[repr(C)]
#[allow(non_camel_case_types)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct patch_dl_pack_version {
    /// The DLPack major version: 1.
    pub major: u32,
    /// The DLPack minor version: 1.
    pub minor: u32,
}

/// DLPack's `DLManagedTensorVersioned` (DLPack 1.x).
#[repr(C)]
#[allow(non_camel_case_types)]
#[derive(Debug)]
pub struct patch_dl_managed_tensor_versioned {
    /// The DLPack version the tensor follows (1.1).
    pub version: patch_dl_pack_version,
    /// The library's allocation; not for the consumer.
    pub manager_ctx: *mut c_void,
    /// Frees the managed tensor (call it once, with the tensor).
    pub deleter: Option<unsafe extern "C" fn(*mut patch_dl_managed_tensor_versioned)>,
    /// `DLPACK_FLAG_BITMASK_READ_ONLY` (bit 0) when the view may alias
    /// (overlapping patches, stride-0 axes): writing through it would
    /// write one byte through several elements.
    pub flags: u64,
    /// The tensor.
    pub dl_tensor: patch_dl_tensor,
}

/// DLPack's legacy `DLManagedTensor` (DLPack 0.x), for consumers that take
/// only the `"dltensor"` capsule. It has no read-only flag: check
/// `patch_view_check_writable` before writing through it.
#[repr(C)]
#[allow(non_camel_case_types)]
#[derive(Debug)]
pub struct patch_dl_managed_tensor {
    /// The tensor.
    pub dl_tensor: patch_dl_tensor,
    /// The library's allocation; not for the consumer.
    pub manager_ctx: *mut c_void,
    /// Frees the managed tensor (call it once, with the tensor).
    pub deleter: Option<unsafe extern "C" fn(*mut patch_dl_managed_tensor)>,
}

/// DLPack's `DLPACK_FLAG_BITMASK_READ_ONLY`.
const READ_ONLY: u64 = 1;

/// DLPack's data type of an engine element type.
fn data_type(dtype: patch_dtype) -> patch_dl_data_type {
    use patch_dtype as T;
    let code = match dtype {
        T::I8 | T::I16 | T::I32 | T::I64 => 0,
        T::U8 | T::U16 | T::U32 | T::U64 => 1,
        T::F16 | T::F32 | T::F64 => 2,
        T::BF16 => 4,
    };
    let bits = u8::try_from(dtype.itemsize() * 8).unwrap_or(u8::MAX);
    patch_dl_data_type {
        code,
        bits,
        lanes: 1,
    }
}

/// The `Overflow` failure of a number DLPack cannot hold.
fn overflow(what: &str) -> Failure {
    Failure::new(
        patch_status::Overflow,
        format!("{what} does not fit DLPack's 64-bit integers"),
    )
}

/// `v` as DLPack's `int64_t` (every length and stride of a checked view
/// fits; this is the checked conversion, not an assumption).
fn to_i64<T: TryInto<i64>>(v: T, what: &str) -> FfiResult<i64> {
    v.try_into().map_err(|_| overflow(what))
}

/// What a managed tensor owns: its shape and strides, boxed with the
/// struct the consumer sees so that one free releases everything.
struct Owned<T> {
    tensor: T,
    _shape: Vec<i64>,
    _strides: Vec<i64>,
}

/// Boxes `tensor` with the `shape` and `strides` its `dl_tensor` points
/// into, stores the box's address in the tensor's `manager_ctx` (reached
/// through `ctx`) for its deleter, and gives the tensor's address: what the
/// consumer holds until it calls the deleter.
fn publish<T>(
    tensor: T,
    shape: Vec<i64>,
    strides: Vec<i64>,
    ctx: impl FnOnce(&mut T) -> &mut *mut c_void,
) -> *mut T {
    let raw = Box::into_raw(Box::new(Owned {
        tensor,
        _shape: shape,
        _strides: strides,
    }));
    // SAFETY: `raw` is the live, unique allocation Box::into_raw just
    // gave; the reference ends before the pointer is handed out.
    let owned = unsafe { &mut *raw };
    *ctx(&mut owned.tensor) = raw.cast();
    &raw mut owned.tensor
}

/// The parts of a DLPack tensor of `view` over `data` (`data_bytes`
/// long), everything checked: the view is a strided view and the buffer
/// holds every element it reaches.
fn tensor_parts(
    view: *const patch_view,
    data: *mut c_void,
    data_bytes: usize,
) -> FfiResult<(patch_dl_tensor, Vec<i64>, Vec<i64>, bool)> {
    let view = view_arg(view)?;
    let plan = view.plan();
    let strides = plan.view_strides()?;
    buffers::source(view, data_bytes, "data_bytes")?;
    if data.is_null() && data_bytes > 0 {
        return Err(Failure::new(
            patch_status::NullPointer,
            format!("`data` is NULL but its length is {data_bytes}"),
        ));
    }
    let shape = plan.shape();
    let ndim = i32::try_from(shape.len()).map_err(|_| {
        Failure::new(
            patch_status::InvalidArgument,
            format!(
                "the view has {} axes; DLPack holds at most {}",
                shape.len(),
                i32::MAX
            ),
        )
    })?;
    let mut dl_shape = try_vec::<i64>(shape.len(), "the DLPack shape")?;
    let mut dl_strides = try_vec::<i64>(strides.len(), "the DLPack strides")?;
    for &n in shape {
        dl_shape.push(to_i64(n, "an axis length")?);
    }
    for &s in strides {
        dl_strides.push(to_i64(s, "a stride")?);
    }
    let tensor = patch_dl_tensor {
        data,
        device: patch_dl_device {
            device_type: 1,
            device_id: 0,
        },
        ndim,
        dtype: data_type(view.dtype()),
        shape: dl_shape.as_mut_ptr(),
        strides: dl_strides.as_mut_ptr(),
        byte_offset: u64::try_from(plan.layout().byte_offset())
            .map_err(|_| overflow("the byte offset"))?,
    };
    let read_only = plan.check_writable().is_err();
    Ok((tensor, dl_shape, dl_strides, read_only))
}

/// Exports the strided view `view` over the buffer `data` (`data_bytes`
/// long, the buffer the view's copies would read) as a DLPack 1.x
/// `DLManagedTensorVersioned` (cast `*out` to it), written to `*out`.
///
/// The tensor's shape and element strides are the view's
/// (`patch_view_shape`, `patch_view_element_strides`), `data` is the
/// buffer's start and `byte_offset` the view's (`patch_view_byte_offset`);
/// the device is the CPU; `flags` has `DLPACK_FLAG_BITMASK_READ_ONLY` when
/// the view may alias (`patch_view_check_writable` fails). The tensor owns
/// copies of the shape and strides, so `view` may be freed before it; the
/// buffer must outlive it. Its consumer calls `(*out)->deleter(*out)` once.
///
/// Errors, with nothing written: `PATCH_STATUS_NOT_A_VIEW` for a padded or
/// cover view (no strides express it: copy it instead),
/// `PATCH_STATUS_BUFFER_SIZE` / `PATCH_STATUS_OUT_OF_BOUNDS` when the view
/// reaches outside `data_bytes`, `PATCH_STATUS_NULL_POINTER` for a NULL
/// `view`, `out`, or `data` with a nonzero length,
/// `PATCH_STATUS_ALLOCATION`.
#[unsafe(no_mangle)]
pub extern "C" fn patch_view_to_dlpack(
    view: *const patch_view,
    data: *mut c_void,
    data_bytes: usize,
    out: *mut *mut patch_dl_managed_tensor_versioned,
) -> patch_status {
    ffi_boundary! {
        let out = out_ref(out, "out")?;
        let (dl_tensor, shape, strides, read_only) = tensor_parts(view, data, data_bytes)?;
        let tensor = patch_dl_managed_tensor_versioned {
            version: patch_dl_pack_version { major: 1, minor: 1 },
            manager_ctx: std::ptr::null_mut(),
            deleter: Some(delete_versioned),
            flags: if read_only { READ_ONLY } else { 0 },
            dl_tensor,
        };
        out.set(publish(tensor, shape, strides, |t| &mut t.manager_ctx));
        Ok(())
    }
}

/// Exports the strided view `view` over `data` as a legacy DLPack 0.x
/// `DLManagedTensor` (cast `*out` to it), for consumers that take only
/// `"dltensor"` capsules. The same tensor and rules as
/// `patch_view_to_dlpack`, without the read-only flag (0.x has none).
#[unsafe(no_mangle)]
pub extern "C" fn patch_view_to_dlpack_legacy(
    view: *const patch_view,
    data: *mut c_void,
    data_bytes: usize,
    out: *mut *mut patch_dl_managed_tensor,
) -> patch_status {
    ffi_boundary! {
        let out = out_ref(out, "out")?;
        let (dl_tensor, shape, strides, _) = tensor_parts(view, data, data_bytes)?;
        let tensor = patch_dl_managed_tensor {
            dl_tensor,
            manager_ctx: std::ptr::null_mut(),
            deleter: Some(delete_legacy),
        };
        out.set(publish(tensor, shape, strides, |t| &mut t.manager_ctx));
        Ok(())
    }
}

/// The deleter of `patch_view_to_dlpack`'s tensors.
///
/// # Safety
/// `t` is NULL or a tensor from `patch_view_to_dlpack`, not yet deleted.
unsafe extern "C" fn delete_versioned(t: *mut patch_dl_managed_tensor_versioned) {
    if t.is_null() {
        return;
    }
    // SAFETY: by the contract, `t` is live and its `manager_ctx` is the
    // Box that owns it, made by `patch_view_to_dlpack`, freed here once.
    drop(unsafe {
        Box::from_raw(
            (*t).manager_ctx
                .cast::<Owned<patch_dl_managed_tensor_versioned>>(),
        )
    });
}

/// The deleter of `patch_view_to_dlpack_legacy`'s tensors.
///
/// # Safety
/// `t` is NULL or a tensor from `patch_view_to_dlpack_legacy`, not yet deleted.
unsafe extern "C" fn delete_legacy(t: *mut patch_dl_managed_tensor) {
    if t.is_null() {
        return;
    }
    // SAFETY: as in `delete_versioned`, for `patch_view_to_dlpack_legacy`.
    drop(unsafe { Box::from_raw((*t).manager_ctx.cast::<Owned<patch_dl_managed_tensor>>()) });
}
